import { Entity } from '@backstage/catalog-model';
import {
  ClusterMeshStatus,
  MeshName,
  MtlsMode,
  OverviewEntity,
  OverviewTotals,
  weakestMtlsMode,
  worstCheck,
} from '@meshlens/plugin-mesh-common';

/**
 * Each reachable cluster's statuses, by entity. A list, not a `Map`: it is
 * cached, and cache stores keep JSON.
 */
export interface ClusterRows {
  cluster: string;
  rows: Array<{ entityRef: string; status: ClusterMeshStatus }>;
}

/** One overview row from an entity's cluster statuses. */
export function summarizeEntity(
  entity: Entity,
  entityRef: string,
  statuses: ClusterMeshStatus[],
  /** Errors of clusters the entity may run in that have no status. */
  unreadClusters: OverviewEntity['errors'] = [],
): OverviewEntity {
  const meshed = statuses.filter(s => s.mesh !== 'none');
  const main = meshed[0] ?? statuses[0];
  const workloads = statuses.flatMap(s => s.workloads);
  const meshedWorkloads = meshed.flatMap(s => s.workloads);
  let rps = 0;
  let okRps = 0;
  let encryptedRps = 0;
  let knownRps = 0;
  let anyMetrics = false;
  for (const w of meshedWorkloads) {
    if (!w.metrics) continue;
    anyMetrics = true;
    const r = w.metrics.requestsPerSecond;
    rps += r;
    if (w.metrics.successRate !== null) okRps += r * w.metrics.successRate;
    if (w.mtls.encryptedShare !== null) {
      knownRps += r;
      encryptedRps += r * w.mtls.encryptedShare;
    }
  }
  // Workload certificates live a day and renew themselves: the soonest of
  // them says nothing unless it failed to renew (graded worse than ok).
  const certificates = statuses
    .flatMap(s => s.certificates)
    .filter(c => c.role !== 'workload' || c.status !== 'ok');
  const soonest = certificates.reduce<
    (typeof certificates)[number] | undefined
  >((a, c) => (!a || c.daysLeft < a.daysLeft ? c : a), undefined);
  const owner = (entity.spec as { owner?: string } | undefined)?.owner;
  return {
    entityRef,
    title: entity.metadata.title,
    owner,
    clusters: [...new Set(statuses.map(s => s.cluster).filter(Boolean))],
    mesh: (main?.mesh ?? 'none') as MeshName,
    dataPlane: main?.dataPlane ?? 'none',
    perCluster: statuses
      .filter(s => s.cluster)
      .map(s => ({ cluster: s.cluster, mesh: s.mesh, dataPlane: s.dataPlane })),
    pods: workloads.reduce((n, w) => n + w.pods, 0),
    meshedPods: workloads.reduce((n, w) => n + w.meshedPods, 0),
    mtlsMode: entityMtlsMode(meshed.length > 0, meshedWorkloads),
    encryptedShare: knownRps > 0 ? encryptedRps / knownRps : null,
    successRate: rps > 0 ? okRps / rps : null,
    requestsPerSecond: anyMetrics ? rps : null,
    soonestCertificateExpiry: soonest
      ? {
          daysLeft: soonest.daysLeft,
          status: soonest.status,
          subject: soonest.subject,
        }
      : null,
    worstCheck: worstCheck(statuses.flatMap(s => s.checks)),
    errors: [
      ...statuses.flatMap(s =>
        s.errors.map(e => ({ ...e, cluster: s.cluster })),
      ),
      ...unreadClusters,
    ],
  };
}

function emptyTotals(): OverviewTotals {
  return { entities: 0, meshed: 0, strictMtls: 0, pods: 0, meshedPods: 0 };
}

/**
 * Totals over the entities the caller may see, overall, per mesh, and per
 * cluster (from each entity's statuses in that cluster).
 */
export function totalsOf(
  entities: OverviewEntity[],
  perCluster: ClusterRows[],
): Pick<
  import('@meshlens/plugin-mesh-common').MeshOverview,
  'totals' | 'byCluster' | 'byMesh'
> {
  const totals = emptyTotals();
  const byMesh: Partial<Record<MeshName, OverviewTotals>> = {};
  for (const e of entities) {
    for (const t of [totals, (byMesh[e.mesh] ??= emptyTotals())]) {
      t.entities++;
      if (e.mesh !== 'none') t.meshed++;
      if (e.mtlsMode === 'strict') t.strictMtls++;
      t.pods += e.pods;
      t.meshedPods += e.meshedPods;
    }
  }
  const visible = new Set(entities.map(e => e.entityRef));
  const byCluster: Record<string, OverviewTotals> = {};
  for (const { cluster, rows } of perCluster) {
    const t = (byCluster[cluster] = emptyTotals());
    const counted = new Set<string>();
    const meshedCounted = new Set<string>();
    const strictCounted = new Set<string>();
    for (const { entityRef, status } of rows) {
      if (!visible.has(entityRef)) continue;
      const meshedWorkloads = status.workloads.filter(w => w.meshedPods > 0);
      if (!counted.has(entityRef)) {
        counted.add(entityRef);
        t.entities++;
      }
      // An entity in several namespaces of a cluster counts once.
      if (status.mesh !== 'none' && !meshedCounted.has(entityRef)) {
        meshedCounted.add(entityRef);
        t.meshed++;
      }
      if (
        meshedWorkloads.length > 0 &&
        meshedWorkloads.every(w => w.mtls.mode === 'strict') &&
        !strictCounted.has(entityRef)
      ) {
        strictCounted.add(entityRef);
        t.strictMtls++;
      }
      t.pods += status.workloads.reduce((n, w) => n + w.pods, 0);
      t.meshedPods += status.workloads.reduce((n, w) => n + w.meshedPods, 0);
    }
  }
  return { totals, byCluster, byMesh };
}

function entityMtlsMode(
  inMesh: boolean,
  meshedWorkloads: ClusterMeshStatus['workloads'],
): MtlsMode {
  if (meshedWorkloads.length > 0) {
    return weakestMtlsMode(meshedWorkloads.map(w => w.mtls.mode));
  }
  return inMesh ? 'unknown' : 'disabled';
}
