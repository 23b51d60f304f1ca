import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MeshCheck,
  checkResult,
} from '@meshlens/plugin-mesh-common';
import { LabelSelector, formatLabelSelector } from '@meshlens/plugin-mesh-node';
import { COMMON_CHECKS } from './catalogue';

/** MESH-COM-001: the entity names no workloads. */
export function missingAnnotationsCheck(): MeshCheck {
  return checkResult(COMMON_CHECKS.annotationsMissing, {
    message:
      'The entity names no Kubernetes workloads, so Meshlens cannot find it in a mesh',
    hint: `Add the annotation ${KUBERNETES_ID_ANNOTATION}: <id> (and label its workloads and pods backstage.io/kubernetes-id=<id>) or ${KUBERNETES_LABEL_SELECTOR_ANNOTATION}: app=<name>; optionally ${KUBERNETES_NAMESPACE_ANNOTATION} and ${KUBERNETES_CLUSTER_ANNOTATION}`,
  });
}

/** MESH-COM-002: an annotation value that cannot be used. */
export function invalidAnnotationCheck(
  problem: string,
  usesLabelSelector: boolean,
): MeshCheck {
  return checkResult(COMMON_CHECKS.annotationsInvalid, {
    message: `Invalid Kubernetes annotation: ${problem}`,
    hint: `Fix ${
      usesLabelSelector
        ? KUBERNETES_LABEL_SELECTOR_ANNOTATION
        : KUBERNETES_ID_ANNOTATION
    } or ${KUBERNETES_NAMESPACE_ANNOTATION} in the entity's catalog-info.yaml`,
  });
}

/** MESH-COM-003: the annotated cluster is not one the Kubernetes plugin knows. */
export function unknownClusterCheck(
  cluster: string,
  known: string[],
): MeshCheck {
  return checkResult(COMMON_CHECKS.clusterUnknown, {
    message: `Cluster ${cluster} (annotation backstage.io/kubernetes-cluster) is not configured in the Kubernetes plugin`,
    hint: `Use one of: ${known.join(', ') || 'no cluster is configured'}`,
  });
}

/** MESH-COM-004: a cluster (or the cluster list) could not be read. */
export function unreachableCheck(cluster: string, message: string): MeshCheck {
  return checkResult(COMMON_CHECKS.clusterUnreachable, {
    message: `The mesh status of cluster ${
      cluster || '(any)'
    } is unknown: ${message}`,
    hint: 'Check the cluster in the Kubernetes plugin configuration and that the Kubernetes backend can reach it',
  });
}

/** MESH-COM-005: nothing matches the entity's selector where it was looked for. */
export function noWorkloadsCheck(
  target: { selector: LabelSelector; cluster?: string; namespace?: string },
  namespace?: string,
): MeshCheck {
  const where = namespace ?? target.namespace;
  return checkResult(COMMON_CHECKS.noWorkloads, {
    message: `No Deployment, StatefulSet or DaemonSet matches ${formatLabelSelector(
      target.selector,
    )}${where ? ` in namespace ${where}` : ''}${
      target.cluster ? ` of cluster ${target.cluster}` : ''
    }`,
    hint: "Label the workloads (metadata.labels) with the entity's backstage.io/kubernetes-id, or fix the annotations",
  });
}
