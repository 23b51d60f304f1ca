import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MeshOnboardingTarget,
} from '@meshlens/plugin-mesh-common';
import { assertNamespaceName } from './names';
import { WORKLOAD_RESOURCES } from './resources';
import {
  LabelSelector,
  equalitySelector,
  formatLabelSelector,
  parseLabelSelector,
} from './selectors';
import { KubeObject, KubeResourceType } from './types';

/**
 * Where an entity's workloads are, as its Kubernetes annotations say.
 * @public
 */
export interface EntityKubernetesTarget {
  selector: LabelSelector;
  /** `backstage.io/kubernetes-cluster`: only this cluster. */
  cluster?: string;
  /** `backstage.io/kubernetes-namespace`: only this namespace. */
  namespace?: string;
}

/**
 * A problem with an entity's Kubernetes annotations.
 * @public
 */
export class EntityAnnotationError extends InputError {
  constructor(
    message: string,
    /** Undefined when no annotation names workloads at all. */
    readonly usesLabelSelector?: boolean,
  ) {
    super(message);
  }
}

/**
 * Reads the annotations exactly as the Kubernetes plugin does. Values that
 * would reach a label selector or a URL are validated; a bad one throws an
 * `EntityAnnotationError` that names it.
 * @public
 */
export function entityKubernetesTarget(entity: Entity): EntityKubernetesTarget {
  const annotations = entity.metadata.annotations ?? {};
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  const selectorText = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
  const cluster = annotations[KUBERNETES_CLUSTER_ANNOTATION];
  if (!id && !selectorText) {
    throw new EntityAnnotationError(
      `The entity has neither ${KUBERNETES_ID_ANNOTATION} nor ${KUBERNETES_LABEL_SELECTOR_ANNOTATION}, so it names no Kubernetes workloads`,
    );
  }
  try {
    const selector = selectorText
      ? parseLabelSelector(selectorText)
      : equalitySelector(KUBERNETES_ID_ANNOTATION, id!);
    if (namespace !== undefined) assertNamespaceName(namespace);
    return { selector, cluster: cluster || undefined, namespace };
  } catch (e) {
    throw new EntityAnnotationError((e as Error).message, !!selectorText);
  }
}

/**
 * Lists objects of one cluster; what `KubernetesClusterReader` and the
 * clients offer.
 * @public
 */
export type KubernetesObjectLister = (
  type: KubeResourceType,
  options: { labelSelector: string },
) => Promise<KubeObject[]>;

/**
 * The namespaces of one cluster the entity's workloads run in: the
 * annotated namespace, or those where a workload matches the selector.
 * @public
 */
export async function entityWorkloadNamespaces(
  list: KubernetesObjectLister,
  target: EntityKubernetesTarget,
): Promise<string[]> {
  if (target.namespace) return [target.namespace];
  const labelSelector = formatLabelSelector(target.selector);
  const lists = await Promise.all(
    WORKLOAD_RESOURCES.map(t => list(t, { labelSelector })),
  );
  return [...new Set(lists.flat().map(o => o.metadata.namespace ?? ''))]
    .filter(Boolean)
    .sort();
}

/**
 * Every (cluster, namespace) the entity's annotations resolve to among the
 * clusters the Kubernetes plugin has, as the Kubernetes plugin locates an
 * entity: the annotated cluster or every cluster, and in each the annotated
 * namespace or those its workloads run in. An annotated cluster the
 * Kubernetes plugin does not have is an `InputError` naming those it has; a
 * cluster that cannot be read is left out and named in `problems`.
 * @public
 */
export async function entityPlacements(options: {
  target: EntityKubernetesTarget;
  clusters: string[];
  list: (cluster: string) => KubernetesObjectLister;
}): Promise<{ targets: MeshOnboardingTarget[]; problems: string[] }> {
  const { target, clusters } = options;
  if (target.cluster && !clusters.includes(target.cluster)) {
    throw new InputError(
      `Cluster ${
        target.cluster
      } (annotation ${KUBERNETES_CLUSTER_ANNOTATION}) is not configured in the Kubernetes plugin; it has ${
        clusters.join(', ') || 'no cluster'
      }`,
    );
  }
  const candidates = target.cluster ? [target.cluster] : clusters;
  const problems: string[] = [];
  const found = await Promise.all(
    candidates.map(async cluster => {
      try {
        const namespaces = await entityWorkloadNamespaces(
          options.list(cluster),
          target,
        );
        return namespaces.map(namespace => ({ cluster, namespace }));
      } catch (e) {
        problems.push(
          `cluster ${cluster}: the entity's workloads could not be listed (${
            (e as Error).message
          })`,
        );
        return [];
      }
    }),
  );
  const targets = found
    .flat()
    .sort(
      (a, b) =>
        a.cluster.localeCompare(b.cluster) ||
        a.namespace.localeCompare(b.namespace),
    );
  return { targets, problems: problems.sort() };
}
