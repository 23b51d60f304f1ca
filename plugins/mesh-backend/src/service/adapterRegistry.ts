import { MeshAdapter, MeshAdapterFactory } from '@meshlens/plugin-mesh-node';

/**
 * The adapters the service uses: the built-in ones plus those registered
 * through `meshAdaptersExtensionPoint`, or a factory's own list. Two
 * adapters for one mesh are refused.
 */
export function resolveAdapters(
  defaults: MeshAdapter[],
  registered: MeshAdapter[] | MeshAdapterFactory | undefined,
): MeshAdapter[] {
  let adapters = defaults;
  if (typeof registered === 'function') {
    adapters = registered({ getDefault: () => defaults });
  } else if (registered) {
    adapters = [...defaults, ...registered];
  }
  const names = adapters.map(a => a.mesh);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`Two mesh adapters are registered for "${duplicate}"`);
  }
  return adapters;
}
