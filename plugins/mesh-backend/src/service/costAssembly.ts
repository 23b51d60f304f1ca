import {
  ClusterCost,
  ClusterMeshStatus,
  CostMissing,
  EntityCost,
  FleetCost,
  ProxyShare,
  WhatIfEstimate,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import { MeshCostAlternative } from '@meshlens/plugin-mesh-node';
import {
  CostPrices,
  clusterCost,
  entityCost,
  fleetCost,
  estimateWhatIf,
  measuredThroughput,
  nodeShareOf,
  sumTotals,
} from '../cost';
import { entityWorkloads } from './assemble';
import {
  ClusterCostRead,
  costOfPods,
  indexesOf,
  isRunning,
} from './clusterCostRead';
import { ClusterRead } from './clusterReadResult';
import { LocatedTarget } from './entityTargets';
import { WorkloadIndex } from './workloadIndex';

/** The entity's workloads in the namespaces of one cluster read, by its selector. */
function workloadsIn(
  read: ClusterRead,
  namespaces: string[],
  target: LocatedTarget,
  index?: WorkloadIndex,
) {
  return namespaces.flatMap(ns =>
    index
      ? index.workloads(ns, target)
      : entityWorkloads(
          ns,
          target.selector,
          read.snapshot.workloads,
          read.snapshot.pods,
        ),
  );
}

/**
 * The cost of an entity's workloads in the namespaces of one cluster read,
 * found by the entity's selector like its status.
 */
export function entityWorkloadCosts(
  read: ClusterRead,
  namespaces: string[],
  target: LocatedTarget,
  index?: WorkloadIndex,
): WorkloadCost[] {
  const cost = read.cost;
  if (!cost) return [];
  const { usage } = indexesOf(cost);
  return workloadsIn(read, namespaces, target, index).map(w =>
    costOfPods(cost, w.namespace, w.name, w.pods, usage),
  );
}

/**
 * An entity's cost in one cluster read and its share of that cluster's
 * per-node proxies (see `nodeShareOf`; undefined when the cluster's pods
 * per node are unknown), from one match of its selector.
 */
export function entityClusterCost(
  read: ClusterRead,
  namespaces: string[],
  target: LocatedTarget,
): { workloads: WorkloadCost[]; nodeShare?: number } {
  const cost = read.cost;
  if (!cost) return { workloads: [] };
  const workloads = workloadsIn(read, namespaces, target);
  const { usage } = indexesOf(cost);
  const perNode = cost.basis.podsPerNode;
  const nodeShare =
    perNode && Object.keys(perNode).length > 0
      ? nodeShareOf(
          workloads.flatMap(w => w.pods.filter(isRunning)),
          perNode,
        )
      : undefined;
  return {
    workloads: workloads.map(w =>
      costOfPods(cost, w.namespace, w.name, w.pods, usage),
    ),
    ...(nodeShare !== undefined && { nodeShare }),
  };
}

/**
 * What the entity's proxies would cost under each alternative, estimated
 * from its measured throughput, pods and node share in every cluster.
 */
export function entityWhatIf(input: {
  entityRef: string;
  window: string;
  statuses: ClusterMeshStatus[];
  nodeShares: Array<number | undefined>;
  alternatives: MeshCostAlternative[];
}): WhatIfEstimate {
  const { nodeShares } = input;
  const nodeShare =
    nodeShares.length > 0 && nodeShares.every(s => s !== undefined)
      ? nodeShares.reduce<number>((sum, s) => sum + (s ?? 0), 0)
      : undefined;
  const throughput = measuredThroughput(input.statuses);
  return estimateWhatIf(
    {
      subject: input.entityRef,
      ...(throughput && {
        requestsPerSecond: throughput.requestsPerSecond,
        requestsPerSecondMeasuredBy: throughput.measuredBy,
      }),
      pods: input.statuses.reduce(
        (sum, s) => sum + s.workloads.reduce((n, w) => n + w.pods, 0),
        0,
      ),
      ...(nodeShare !== undefined && { nodeShare }),
      window: input.window,
    },
    input.alternatives,
  );
}

/** An entity's measured proxy share of its pods; undefined when not measured. */
export function entityShare(workloads: WorkloadCost[]): ProxyShare | undefined {
  const share = sumTotals(workloads).proxyShareOfTotal;
  return share.cpu === undefined && share.memory === undefined
    ? undefined
    : share;
}

/** Why clusters have no cost at all (no Prometheus), once each. */
export function unavailableCost(reads: Array<ClusterCostRead | undefined>) {
  return reads.flatMap(r => (r?.unavailable ? [r.unavailable] : []));
}

/** An entity's cost over its workloads in every cluster. */
export function entityCostOf(
  window: string,
  workloads: WorkloadCost[],
  unavailable: CostMissing[],
  whatIf?: WhatIfEstimate,
): EntityCost {
  const cost = entityCost(window, workloads);
  cost.missing.push(...unavailable);
  if (whatIf) cost.whatIf = whatIf;
  return cost;
}

/**
 * The fleet's cost: each read cluster's workloads, control plane and top
 * entities, and their sums. `entities` holds each entity's workloads in
 * each cluster.
 */
export function fleetCostOf(
  window: string,
  clusters: Array<{
    cost: ClusterCostRead;
    entities: Map<string, WorkloadCost[]>;
  }>,
  prices: CostPrices,
): FleetCost {
  const priced =
    prices.cpuCoreHour !== undefined || prices.memoryGiBHour !== undefined
      ? prices
      : undefined;
  const perCluster: ClusterCost[] = clusters.map(({ cost, entities }) => {
    const out = clusterCost({
      cluster: cost.cluster,
      window,
      workloads: cost.workloads,
      unapportioned: cost.unapportioned,
      controlPlane: cost.controlPlane,
      entities: [...entities].map(([entityRef, workloads]) => ({
        entityRef,
        totals: sumTotals(workloads),
      })),
      prices: priced,
    });
    if (cost.unavailable) out.missing.push(cost.unavailable);
    return out;
  });
  const byEntity = new Map<string, WorkloadCost[]>();
  for (const { entities } of clusters) {
    for (const [ref, workloads] of entities) {
      byEntity.set(ref, [...(byEntity.get(ref) ?? []), ...workloads]);
    }
  }
  return fleetCost(
    window,
    perCluster,
    [...byEntity].map(([entityRef, workloads]) => ({
      entityRef,
      totals: sumTotals(workloads),
    })),
    priced,
  );
}

/** The fleet's cost as a caller may see it: top lists only of the entities it may read. */
export function authorizedFleetCost(
  cost: FleetCost,
  allowed: Set<string>,
): FleetCost {
  return {
    ...cost,
    topEntities: cost.topEntities.filter(e => allowed.has(e.entityRef)),
    clusters: cost.clusters.map(c => ({
      ...c,
      topEntities: c.topEntities.filter(e => allowed.has(e.entityRef)),
    })),
  };
}
