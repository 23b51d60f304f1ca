import { ResourceUsage, SharedProxyKind } from '@meshlens/plugin-mesh-common';
import { addUsage, scaleUsage } from './usage';

/**
 * The apportioning rules, as the API states them (OpenAPI document, tab).
 * Each is implemented by the function named in its comment.
 */
export const APPORTIONING_RULES: Record<SharedProxyKind, string> = {
  // apportionNodeProxies
  ztunnel:
    "Each node's ztunnel is split evenly over the ambient-enrolled pods on that node; a workload gets the sum of its pods' parts.",
  // apportionNodeProxies
  'cilium-agent':
    "Each node's cilium agent is split evenly over the pods it serves on that node (pods not on the host network); a workload gets the sum of its pods' parts.",
  // apportionNodeProxies
  'cilium-envoy':
    "Each node's cilium-envoy is split evenly over the pods it serves on that node; a workload gets the sum of its pods' parts.",
  // apportionByTraffic
  waypoint:
    "A waypoint's usage is split over the workloads it carried requests for, in proportion to their requests/s over the window.",
};

/** A pod that a shared proxy serves, with its workload. */
export interface ServedPod {
  namespace: string;
  workload: string;
  node: string;
}

/** A shared proxy's measured pod on a node. */
export interface NodeProxyUsage {
  node: string;
  usage: ResourceUsage;
}

/** Shares by workload (`namespace/workload`), and what no served pod accounts for. */
export interface Apportioned {
  byWorkload: Map<string, ResourceUsage>;
  /** Usage of proxies on nodes without a served pod, or with no traffic to split by. */
  unapportioned: ResourceUsage;
}

/** The key of a workload in {@link Apportioned.byWorkload}. */
export const workloadKey = (namespace: string, workload: string) =>
  `${namespace}/${workload}`;

/**
 * Per-node proxies (ztunnel, cilium agent, cilium-envoy): the usage of the
 * proxy pods on each node (summed, should a rollout leave two) is split
 * evenly over the pods it serves on that node, and each workload gets the
 * sum of its pods' parts. The caller chooses the served pods: for ztunnel
 * the ambient-enrolled pods, for Cilium the pods not on the host network.
 * Usage on a node with no served pod is unapportioned, so the workloads'
 * shares and `unapportioned` add up to the proxies' total.
 */
export function apportionNodeProxies(
  proxies: NodeProxyUsage[],
  served: ServedPod[],
): Apportioned {
  const byNode = new Map<string, ResourceUsage>();
  for (const p of proxies) {
    byNode.set(p.node, addUsage(byNode.get(p.node) ?? {}, p.usage));
  }
  const byWorkload = new Map<string, ResourceUsage>();
  let unapportioned: ResourceUsage = {};
  for (const [node, usage] of byNode) {
    const onNode = served.filter(p => p.node === node);
    if (onNode.length === 0) {
      unapportioned = addUsage(unapportioned, usage);
      continue;
    }
    const part = scaleUsage(usage, 1 / onNode.length);
    for (const pod of onNode) {
      const key = workloadKey(pod.namespace, pod.workload);
      byWorkload.set(key, addUsage(byWorkload.get(key) ?? {}, part));
    }
  }
  return { byWorkload, unapportioned };
}

/**
 * A waypoint (all its pods' usage) split over the workloads it carried
 * requests for, in proportion to their requests/s over the window
 * (`requestsPerSecond`, keyed by `namespace/workload`, measured with
 * reporter="waypoint"). With no traffic, all of it is unapportioned.
 */
export function apportionByTraffic(
  waypointUsage: ResourceUsage[],
  requestsPerSecond: Map<string, number>,
): Apportioned {
  const usage = addUsage(...waypointUsage);
  const rates = [...requestsPerSecond].filter(
    ([, r]) => Number.isFinite(r) && r > 0,
  );
  const total = rates.reduce((a, [, r]) => a + r, 0);
  if (total === 0) return { byWorkload: new Map(), unapportioned: usage };
  return {
    byWorkload: new Map(
      rates.map(([key, r]) => [key, scaleUsage(usage, r / total)]),
    ),
    unapportioned: {},
  };
}
