import { Entity } from '@backstage/catalog-model';
import {
  ClusterMeshStatus,
  MeshName,
  OverviewEntity,
  OverviewTotals,
  summarizeClusterStatuses,
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
  const owner = (entity.spec as { owner?: string } | undefined)?.owner;
  const summary = summarizeClusterStatuses(statuses);
  return {
    entityRef,
    title: entity.metadata.title,
    owner,
    ...summary,
    errors: [...summary.errors, ...unreadClusters],
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
