/**
 * The Kubernetes plugin's own entity annotations: Meshlens finds an entity's
 * workloads exactly as the Kubernetes tab does.
 * @public
 */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** @public */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
/** @public */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** @public */
export const KUBERNETES_CLUSTER_ANNOTATION = 'backstage.io/kubernetes-cluster';

/** @public */
export const KUBERNETES_ANNOTATIONS = [
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
] as const;

/**
 * True when the entity names its workloads in one of the ways the
 * Kubernetes plugin understands.
 * @public
 */
export function hasKubernetesAnnotations(entity: {
  metadata: { annotations?: Record<string, string> };
}): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return KUBERNETES_ANNOTATIONS.some(key => Boolean(annotations[key]));
}

/**
 * The catalog fields a mesh summary of an entity reads (the overview, the
 * search documents), so the catalog sends no more of each entity.
 * @public
 */
export const MESH_SUMMARY_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
];
