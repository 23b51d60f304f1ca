import {
  ClusterCost,
  CostMissing,
  EntityCost,
  FleetCost,
  ProxyShare,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import {
  CostPrices,
  clusterCost,
  entityCost,
  fleetCost,
  readContainerUsageIndex,
  sumTotals,
} from '../cost';
import { entityWorkloads } from './assemble';
import { ClusterCostRead, costOfPods } from './clusterCostRead';
import { ClusterRead } from './clusterReadResult';
import { LocatedTarget } from './entityTargets';
import { WorkloadIndex } from './workloadIndex';

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
  const usage = readContainerUsageIndex(cost.basis.usage);
  return namespaces.flatMap(ns =>
    (index
      ? index.workloads(ns, target)
      : entityWorkloads(
          ns,
          target.selector,
          read.snapshot.workloads,
          read.snapshot.pods,
        )
    ).map(w => costOfPods(cost, ns, w.name, w.pods, usage)),
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
): EntityCost {
  const cost = entityCost(window, workloads);
  cost.missing.push(...unavailable);
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
