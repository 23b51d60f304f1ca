/**
 * A search backend module that indexes the mesh posture (mesh, mTLS, meshed
 * pods, certificate expiry) of every catalog entity with Kubernetes
 * annotations.
 *
 * @packageDocumentation
 */
import { searchModuleMeshCollator } from './module';

export { searchModuleMeshCollator };
export default searchModuleMeshCollator;
export {
  MeshCollatorFactory,
  type MeshCollatorFactoryOptions,
} from './collator/MeshCollatorFactory';
export { MESH_DOCUMENT_TYPE, type MeshIndexableDocument } from './types';
export { createContentLunrQueryTranslator } from './lunr/contentQueryTranslator';
