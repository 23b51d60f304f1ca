/**
 * The adapters the service uses: the built-in ones plus those registered
 * through `meshAdaptersExtensionPoint`, or a factory's own list. Two
 * adapters for one mesh are refused. Shared with the scaffolder module.
 */
export { resolveMeshAdapters as resolveAdapters } from '@meshlens/plugin-mesh-node';
