/**
 * Meshlens frontend: the mesh tab and overview card of catalog entities, the
 * fleet page and mesh search results, for Linkerd, Istio and Cilium.
 *
 * @packageDocumentation
 */
export {
  meshPlugin,
  EntityMeshContent,
  EntityMeshCard,
  MeshPage,
  MeshSearchResultListItem,
  MeshNamespacePickerFieldExtension,
} from './plugin';
export type { MeshNamespacePickerUiOptions } from './components/MeshNamespacePicker';
export { isMeshAvailable } from './conditions';
export { meshApiRef, MeshClient } from './api';
export type { MeshApi, MeshTimeseriesOptions } from './api';
export type {
  MeshSearchDocument,
  MeshSearchResultListItemProps,
} from './components/MeshSearchResultListItem';
