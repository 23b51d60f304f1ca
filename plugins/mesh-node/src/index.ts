/**
 * Extension points and the status service of the Meshlens backend.
 *
 * @packageDocumentation
 */
export * from './statusService';
export { MeshStatusClient, MESH_PLUGIN_WIRING } from './statusClient';
export * from './adapters';
export * from './promql';
