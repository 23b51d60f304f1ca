import { KubeObject } from './types';

/**
 * The name of the workload that owns a pod: a ReplicaSet's Deployment (the ReplicaSet
 * name less its `pod-template-hash` suffix), else the owner itself
 * (StatefulSet, DaemonSet), else the pod.
 * @public
 */
export function podWorkloadName(pod: KubeObject): string {
  const owner = pod.metadata.ownerReferences?.[0];
  if (!owner) return pod.metadata.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return owner.name.slice(0, -hash.length - 1);
  }
  return owner.name;
}
