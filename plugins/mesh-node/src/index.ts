/**
 * Extension points and the status service of the Meshlens backend, and the
 * Kubernetes layer every Meshlens backend package reads and writes through.
 *
 * @packageDocumentation
 */
export * from './statusService';
export { MeshStatusClient, MESH_PLUGIN_WIRING } from './statusClient';
export * from './adapters';
export * from './costAdapter';
export * from './controlPlaneReads';
export * from './onboarding';
export * from './adapterRegistration';
export * from './promql';
export * from './duration';
export * from './kubernetes';
export * from './upstreamBody';
