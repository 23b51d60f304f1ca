export { meshApiRef } from './MeshApi';
export type { MeshApi, MeshTimeseriesOptions } from './MeshApi';
export { MeshClient } from './MeshClient';
