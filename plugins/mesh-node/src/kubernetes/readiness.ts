import { KubeObject } from './types';

/**
 * Whether a Deployment, StatefulSet or DaemonSet has all its wanted pods
 * ready, and at least one. A DaemonSet scheduled nowhere is not ready.
 * @public
 */
export function isWorkloadReady(workload: KubeObject): boolean {
  // List items carry no kind: a DaemonSet is known by its status too.
  if (
    workload.kind === 'DaemonSet' ||
    workload.status?.desiredNumberScheduled !== undefined
  ) {
    const wanted = workload.status?.desiredNumberScheduled ?? 0;
    const ready = workload.status?.numberReady ?? 0;
    return wanted > 0 && ready >= wanted;
  }
  const wanted = workload.spec?.replicas ?? 1;
  const ready = workload.status?.readyReplicas ?? 0;
  return ready > 0 && ready >= wanted;
}
