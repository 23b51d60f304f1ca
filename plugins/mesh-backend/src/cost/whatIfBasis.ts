import { ClusterMeshStatus } from '@meshlens/plugin-mesh-common';
import { KubeObject } from '@meshlens/plugin-mesh-node';

/**
 * The pods a per-node proxy (ztunnel, a Cilium agent) would serve on each
 * node: the running pods scheduled there that are not on the host
 * network. The denominator of a subject's node share.
 */
export function podsPerNode(pods: KubeObject[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pod of pods) {
    const node = pod.spec?.nodeName;
    if (typeof node !== 'string' || node === '' || pod.spec?.hostNetwork) {
      continue;
    }
    out[node] = (out[node] ?? 0) + 1;
  }
  return out;
}

/**
 * A subject's share of the per-node proxies of its nodes: Σ over its pods
 * of 1 ÷ (the pods on that pod's node), the share `apportionNodeProxies`
 * would give it. Undefined when a pod's node is not known, since a guess
 * would pass for a measurement.
 */
export function nodeShareOf(
  pods: KubeObject[],
  perNode: Record<string, number>,
): number | undefined {
  let share = 0;
  for (const pod of pods) {
    if (pod.spec?.hostNetwork) continue;
    const node = pod.spec?.nodeName;
    const onNode = typeof node === 'string' ? perNode[node] : undefined;
    if (!onNode) return undefined;
    share += 1 / onNode;
  }
  return share;
}

/**
 * The requests/s through a subject's proxies over the window: what its
 * workloads received plus what they sent (a request between two of its
 * workloads passes two of its proxies, and counts twice). Undefined when
 * none of its workloads has metrics, so that an unmeasured subject is not
 * read as idle.
 */
export function measuredThroughput(
  statuses: ClusterMeshStatus[],
): number | undefined {
  let measured = false;
  let total = 0;
  for (const status of statuses) {
    for (const workload of status.workloads) {
      if (!workload.metrics) continue;
      measured = true;
      total += workload.metrics.requestsPerSecond;
      for (const edge of workload.edges) {
        if (edge.direction === 'outbound') total += edge.requestsPerSecond;
      }
    }
  }
  return measured ? total : undefined;
}
