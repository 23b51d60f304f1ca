import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  MeshNamespacePicker,
  validateMeshNamespace,
} from './MeshNamespacePicker';

/** The picker as a form field of the new frontend system's scaffolder. */
export const meshNamespacePickerFormField = createFormField({
  name: 'MeshNamespacePicker',
  component: MeshNamespacePicker as any,
  validation: validateMeshNamespace as any,
});
