export {
  MeshNamespacePicker,
  validateMeshNamespace,
} from './MeshNamespacePicker';
export type { MeshNamespacePickerUiOptions } from './MeshNamespacePicker';
