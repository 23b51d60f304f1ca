export { MeshSearchResultListItem } from './MeshSearchResultListItem';
export type {
  MeshSearchDocument,
  MeshSearchResultListItemProps,
} from './MeshSearchResultListItem';
