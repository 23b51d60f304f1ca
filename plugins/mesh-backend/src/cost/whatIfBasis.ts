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

/** Measured throughput, and whose proxies measured it. */
export interface MeasuredThroughput {
  requestsPerSecond: number;
  /**
   * `own-proxies`: the subject's proxies counted all of it. `peer-proxies`:
   * some of its workloads have no proxy of their own, and their traffic is
   * what their callers' and destinations' proxies saw (a lower bound:
   * callers without a proxy are not seen).
   */
  measuredBy: 'own-proxies' | 'peer-proxies';
}

/**
 * The requests/s through a subject's proxies over the window: what its
 * workloads received plus what they sent (a request between two of its
 * workloads passes two of its proxies, and counts twice). A workload
 * without metrics of its own (no proxy yet) counts the edges its peers'
 * proxies reported, inbound and outbound. Undefined when nothing measured
 * any of its traffic, so that an unmeasured subject is not read as idle.
 */
export function measuredThroughput(
  statuses: ClusterMeshStatus[],
): MeasuredThroughput | undefined {
  let measured = false;
  let byPeers = false;
  let total = 0;
  for (const status of statuses) {
    for (const workload of status.workloads) {
      const outbound = workload.edges.filter(e => e.direction === 'outbound');
      if (workload.metrics) {
        measured = true;
        total += workload.metrics.requestsPerSecond;
        for (const edge of outbound) total += edge.requestsPerSecond;
      } else if (workload.edges.length > 0) {
        measured = true;
        byPeers = true;
        for (const edge of workload.edges) total += edge.requestsPerSecond;
      }
    }
  }
  return measured
    ? {
        requestsPerSecond: total,
        measuredBy: byPeers ? 'peer-proxies' : 'own-proxies',
      }
    : undefined;
}
