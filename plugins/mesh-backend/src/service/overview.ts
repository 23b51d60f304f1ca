import { Entity } from '@backstage/catalog-model';
import {
  ClusterMeshStatus,
  MeshName,
  OverviewEntity,
  OverviewTotals,
  summarizeClusterStatuses,
} from '@meshlens/plugin-mesh-common';

/** What the per-cluster totals need of one entity's status in a cluster. */
export interface ClusterRowFigures {
  entityRef: string;
  meshed: boolean;
  /** Every meshed workload is STRICT (and there is one). */
  strict: boolean;
  pods: number;
  meshedPods: number;
}

/**
 * Each reachable cluster's figures, by entity. A list, not a `Map`: it is
 * cached, and cache stores keep JSON. Figures rather than the statuses
 * themselves: the cached overview is parsed on every warm request, and
 * thousands of statuses with their checks made that the bulk of its time.
 */
export interface ClusterRows {
  cluster: string;
  rows: ClusterRowFigures[];
}

/** The figures of one status of an entity in a cluster. */
export function rowFigures(
  entityRef: string,
  status: ClusterMeshStatus,
): ClusterRowFigures {
  const meshedWorkloads = status.workloads.filter(w => w.meshedPods > 0);
  return {
    entityRef,
    meshed: status.mesh !== 'none',
    strict:
      meshedWorkloads.length > 0 &&
      meshedWorkloads.every(w => w.mtls.mode === 'strict'),
    pods: status.workloads.reduce((n, w) => n + w.pods, 0),
    meshedPods: status.workloads.reduce((n, w) => n + w.meshedPods, 0),
  };
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
    for (const row of rows) {
      const { entityRef } = row;
      if (!visible.has(entityRef)) continue;
      if (!counted.has(entityRef)) {
        counted.add(entityRef);
        t.entities++;
      }
      // An entity in several namespaces of a cluster counts once.
      if (row.meshed && !meshedCounted.has(entityRef)) {
        meshedCounted.add(entityRef);
        t.meshed++;
      }
      if (row.strict && !strictCounted.has(entityRef)) {
        strictCounted.add(entityRef);
        t.strictMtls++;
      }
      t.pods += row.pods;
      t.meshedPods += row.meshedPods;
    }
  }
  return { totals, byCluster, byMesh };
}
