import {
  LabelSelector,
  equalitySelector,
  parseLabelSelector,
  assertNamespaceName,
} from '@meshlens/plugin-mesh-node';
import { Entity } from '@backstage/catalog-model';
import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MeshCheck,
} from '@meshlens/plugin-mesh-common';
import { invalidAnnotationCheck, missingAnnotationsCheck } from './checks';

/** Where an entity's workloads are, read from the Kubernetes plugin's annotations. */
export type EntityTarget =
  | {
      ok: true;
      selector: LabelSelector;
      cluster?: string;
      namespace?: string;
    }
  | { ok: false; check: MeshCheck };

/**
 * Reads the annotations exactly as the Kubernetes plugin does. Values that
 * would reach a label selector or a URL are validated here; an invalid one
 * becomes a failing check that names the annotation to fix.
 */
export function entityTarget(entity: Entity): EntityTarget {
  const annotations = entity.metadata.annotations ?? {};
  const id = annotations[KUBERNETES_ID_ANNOTATION];
  const selectorText = annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
  const namespace = annotations[KUBERNETES_NAMESPACE_ANNOTATION];
  const cluster = annotations[KUBERNETES_CLUSTER_ANNOTATION];
  if (!id && !selectorText) {
    return { ok: false, check: missingAnnotationsCheck() };
  }
  try {
    const selector = selectorText
      ? parseLabelSelector(selectorText)
      : equalitySelector(KUBERNETES_ID_ANNOTATION, id!);
    if (namespace !== undefined) assertNamespaceName(namespace);
    return { ok: true, selector, cluster: cluster || undefined, namespace };
  } catch (e) {
    return {
      ok: false,
      check: invalidAnnotationCheck((e as Error).message, !!selectorText),
    };
  }
}

/** An entity whose annotations say where to look. */
export type LocatedTarget = Extract<EntityTarget, { ok: true }>;
