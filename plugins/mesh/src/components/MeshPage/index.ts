export { MeshPage } from './MeshPage';
export { MeshFleetContent } from './MeshFleetContent';
