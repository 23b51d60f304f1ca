import {
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MeshCheck,
} from '@meshlens/plugin-mesh-common';
import { LabelSelector, formatLabelSelector } from '@meshlens/plugin-mesh-node';

/** `kubernetes.annotations`: the entity names no workloads. */
export function missingAnnotationsCheck(): MeshCheck {
  return {
    id: 'kubernetes.annotations',
    status: 'fail',
    message:
      'The entity names no Kubernetes workloads, so Meshlens cannot find it in a mesh',
    hint: `Add the annotation ${KUBERNETES_ID_ANNOTATION}: <id> (and label its workloads and pods backstage.io/kubernetes-id=<id>) or ${KUBERNETES_LABEL_SELECTOR_ANNOTATION}: app=<name>; optionally ${KUBERNETES_NAMESPACE_ANNOTATION} and ${KUBERNETES_CLUSTER_ANNOTATION}`,
  };
}

/** `kubernetes.annotations`: an annotation value that cannot be used. */
export function invalidAnnotationCheck(
  problem: string,
  usesLabelSelector: boolean,
): MeshCheck {
  return {
    id: 'kubernetes.annotations',
    status: 'fail',
    message: `Invalid Kubernetes annotation: ${problem}`,
    hint: `Fix ${
      usesLabelSelector
        ? KUBERNETES_LABEL_SELECTOR_ANNOTATION
        : KUBERNETES_ID_ANNOTATION
    } or ${KUBERNETES_NAMESPACE_ANNOTATION} in the entity's catalog-info.yaml`,
  };
}

/** `kubernetes.cluster`: the annotated cluster is not one the Kubernetes plugin knows. */
export function unknownClusterCheck(
  cluster: string,
  known: string[],
): MeshCheck {
  return {
    id: 'kubernetes.cluster',
    status: 'fail',
    message: `Cluster ${cluster} (annotation backstage.io/kubernetes-cluster) is not configured in the Kubernetes plugin`,
    hint: `Use one of: ${known.join(', ') || 'no cluster is configured'}`,
  };
}

/** `kubernetes.reachable`: a cluster (or the cluster list) could not be read. */
export function unreachableCheck(cluster: string, message: string): MeshCheck {
  return {
    id: 'kubernetes.reachable',
    status: 'warn',
    message: `The mesh status of cluster ${
      cluster || '(any)'
    } is unknown: ${message}`,
    hint: 'Check the cluster in the Kubernetes plugin configuration and that the Kubernetes backend can reach it',
  };
}

/** `kubernetes.workloads`: nothing matches the entity's selector where it was looked for. */
export function noWorkloadsCheck(
  target: { selector: LabelSelector; cluster?: string; namespace?: string },
  namespace?: string,
): MeshCheck {
  const where = namespace ?? target.namespace;
  return {
    id: 'kubernetes.workloads',
    status: 'warn',
    message: `No Deployment, StatefulSet or DaemonSet matches ${formatLabelSelector(
      target.selector,
    )}${where ? ` in namespace ${where}` : ''}${
      target.cluster ? ` of cluster ${target.cluster}` : ''
    }`,
    hint: "Label the workloads (metadata.labels) with the entity's backstage.io/kubernetes-id, or fix the annotations",
  };
}
