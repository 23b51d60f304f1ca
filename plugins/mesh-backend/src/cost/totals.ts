import {
  ClusterCost,
  ControlPlaneComponentCost,
  CostMissing,
  CostTotals,
  EntityCostRank,
  FleetCost,
  MonthlyCost,
  ResourceReservation,
  ResourceUsage,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import {
  addBoth,
  addUsage,
  ContainerUsageIndex,
  podKey,
  shareOf,
} from './usage';

const sharedOf = (w: WorkloadCost) =>
  addUsage(...w.sharedProxies.map(({ kind: _k, rule: _r, ...u }) => u));

function addReservations(parts: ResourceReservation[]): ResourceReservation {
  const out: ResourceReservation = {
    cpuSetBy: 0,
    memorySetBy: 0,
    containers: 0,
  };
  for (const p of parts) {
    if (p.cpuCores !== undefined)
      out.cpuCores = (out.cpuCores ?? 0) + p.cpuCores;
    if (p.memoryBytes !== undefined)
      out.memoryBytes = (out.memoryBytes ?? 0) + p.memoryBytes;
    out.cpuSetBy += p.cpuSetBy;
    out.memorySetBy += p.memorySetBy;
    out.containers += p.containers;
  }
  return out;
}

function totalsOf(
  proxy: ResourceUsage,
  sharedProxies: ResourceUsage,
  application: ResourceUsage,
  requests: ResourceReservation[],
  limits: ResourceReservation[],
): CostTotals {
  const allProxy = addUsage(proxy, sharedProxies);
  return {
    proxy,
    sharedProxies,
    application,
    proxyShareOfApplication: shareOf(allProxy, application),
    proxyShareOfTotal: shareOf(allProxy, addBoth(allProxy, application)),
    proxyReservations: {
      requests: addReservations(requests),
      limits: addReservations(limits),
    },
  };
}

/** Sums of workloads (an entity, a cluster): each field over the workloads that have it. */
export function sumTotals(workloads: WorkloadCost[]): CostTotals {
  return totalsOf(
    addUsage(...workloads.map(w => w.proxy)),
    addUsage(...workloads.map(sharedOf)),
    addUsage(...workloads.map(w => w.application)),
    workloads.map(w => w.proxyReservations.requests),
    workloads.map(w => w.proxyReservations.limits),
  );
}

/** Sums of totals (the fleet from its clusters). */
export function addTotals(parts: CostTotals[]): CostTotals {
  return totalsOf(
    addUsage(...parts.map(p => p.proxy)),
    addUsage(...parts.map(p => p.sharedProxies)),
    addUsage(...parts.map(p => p.application)),
    parts.map(p => p.proxyReservations.requests),
    parts.map(p => p.proxyReservations.limits),
  );
}

/** A control-plane component and its pods (resolved from the cluster by the caller). */
export interface ControlPlaneComponentInput {
  component: string;
  namespace: string;
  pods: string[];
}

/**
 * Control-plane usage: every container of each component's pods
 * (including their own proxies, which serve the control plane), with the
 * replica count; more than one replica is HA. A component without series
 * has no usage and is listed in `missing`.
 */
export function controlPlaneCost(
  cluster: string,
  components: ControlPlaneComponentInput[],
  usage: ContainerUsageIndex,
): { components: ControlPlaneComponentCost[]; missing: CostMissing[] } {
  const missing: CostMissing[] = [];
  const out = components.map(c => {
    const measured = c.pods
      .map(p => usage.get(podKey(c.namespace, p)))
      .filter(u => u !== undefined);
    if (measured.length < c.pods.length) {
      missing.push({
        gap: 'no-control-plane-series',
        subject: `${cluster}/${c.namespace}/${c.component}`,
        message: `${c.pods.length - measured.length} of ${
          c.pods.length
        } pod(s) of ${c.component} have no cAdvisor series`,
      });
    }
    return {
      component: c.component,
      namespace: c.namespace,
      replicas: c.pods.length,
      highAvailability: c.pods.length > 1,
      usage: addUsage(...measured.flatMap(m => [...m.values()])),
    };
  });
  return { components: out, missing };
}

/** Hours in a month (365 × 24 / 12), as cloud price lists count them. */
export const HOURS_PER_MONTH = 730;

/** Prices of `mesh.cost.cpuCoreHour` and `mesh.cost.memoryGiBHour`. */
export interface CostPrices {
  cpuCoreHour?: number;
  memoryGiBHour?: number;
}

/** A usage's monthly money at the prices; a part is absent where its usage or price is. */
export function monthlyCost(
  usage: ResourceUsage,
  prices: CostPrices,
): MonthlyCost {
  const out: MonthlyCost = { prices, hoursPerMonth: HOURS_PER_MONTH };
  if (usage.cpuCores !== undefined && prices.cpuCoreHour !== undefined) {
    out.cpu = usage.cpuCores * prices.cpuCoreHour * HOURS_PER_MONTH;
  }
  if (usage.memoryBytes !== undefined && prices.memoryGiBHour !== undefined) {
    out.memory =
      (usage.memoryBytes / 2 ** 30) * prices.memoryGiBHour * HOURS_PER_MONTH;
  }
  if (out.cpu !== undefined || out.memory !== undefined) {
    out.total = (out.cpu ?? 0) + (out.memory ?? 0);
  }
  return out;
}

/** The top `limit` entities by proxy CPU (then memory), largest first. */
export function topEntities(
  entities: Array<{ entityRef: string; totals: CostTotals }>,
  limit = 10,
): EntityCostRank[] {
  return entities
    .map(e => ({
      entityRef: e.entityRef,
      proxy: addUsage(e.totals.proxy, e.totals.sharedProxies),
      proxyShareOfTotal: e.totals.proxyShareOfTotal,
    }))
    .sort(
      (a, b) =>
        (b.proxy.cpuCores ?? -1) - (a.proxy.cpuCores ?? -1) ||
        (b.proxy.memoryBytes ?? -1) - (a.proxy.memoryBytes ?? -1) ||
        a.entityRef.localeCompare(b.entityRef),
    )
    .slice(0, limit);
}

/** Input of {@link clusterCost}. */
export interface ClusterCostInput {
  cluster: string;
  window: string;
  /** Every workload of the cluster, control plane excluded. */
  workloads: WorkloadCost[];
  /** Shared-proxy usage no workload accounts for (from apportion.ts). */
  unapportioned: ResourceUsage;
  controlPlane: {
    components: ControlPlaneComponentCost[];
    missing: CostMissing[];
  };
  entities: Array<{ entityRef: string; totals: CostTotals }>;
  prices?: CostPrices;
}

/** One cluster's cost. */
export function clusterCost(input: ClusterCostInput): ClusterCost {
  const totals = sumTotals(input.workloads);
  const controlPlaneTotal = addUsage(
    ...input.controlPlane.components.map(c => c.usage),
  );
  const out: ClusterCost = {
    cluster: input.cluster,
    window: input.window,
    totals,
    unapportioned: input.unapportioned,
    controlPlane: input.controlPlane.components,
    controlPlaneTotal,
    topEntities: topEntities(input.entities),
    missing: [
      ...input.workloads.flatMap(w => w.missing),
      ...input.controlPlane.missing,
    ],
  };
  if (input.prices) {
    out.monthly = {
      proxy: monthlyCost(
        addUsage(totals.proxy, totals.sharedProxies, input.unapportioned),
        input.prices,
      ),
      controlPlane: monthlyCost(controlPlaneTotal, input.prices),
    };
  }
  return out;
}

/** The fleet: the clusters' sums; its entity top list is the caller's (entities span clusters). */
export function fleetCost(
  window: string,
  clusters: ClusterCost[],
  entities: Array<{ entityRef: string; totals: CostTotals }>,
  prices?: CostPrices,
): FleetCost {
  const totals = addTotals(clusters.map(c => c.totals));
  const controlPlaneTotal = addUsage(...clusters.map(c => c.controlPlaneTotal));
  const unapportioned = addUsage(...clusters.map(c => c.unapportioned));
  const out: FleetCost = {
    window,
    clusters,
    totals,
    controlPlaneTotal,
    topEntities: topEntities(entities),
    missing: clusters.flatMap(c => c.missing),
  };
  if (prices) {
    out.monthly = {
      proxy: monthlyCost(
        addUsage(totals.proxy, totals.sharedProxies, unapportioned),
        prices,
      ),
      controlPlane: monthlyCost(controlPlaneTotal, prices),
    };
  }
  return out;
}
