import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ClusterMeshStatus,
  FleetCost,
  MeshOverview,
  OverviewEntity,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import {
  KubernetesSession,
  MeshOverviewRequestOptions,
} from '@meshlens/plugin-mesh-node';
import { kubernetesEntities } from './catalogEntities';
import { noWorkloadsCheck } from './checks';
import {
  listClusters,
  listingFailed,
  readEachClusterOnce,
} from './clusterLocation';
import { ClusterRead } from './clusterReadResult';
import { EntityTarget, entityTarget } from './entityTargets';
import {
  authorizedFleetCost,
  entityShare,
  entityWorkloadCosts,
  fleetCostOf,
} from './costAssembly';
import { ClusterRows, rowFigures, summarizeEntity, totalsOf } from './overview';
import { viewKey } from './principalKey';
import { refreshAheadOf } from './refreshAhead';
import { StatusQueryContext } from './queryContext';
import { validWindow } from './requestInput';
import { noneStatus, unreachableStatus } from './statuses';
import { WorkloadIndex } from './workloadIndex';

/** What the overview caches per principal and window, before authorization. */
interface CachedOverview {
  generatedAt: string;
  entities: OverviewEntity[];
  perCluster: ClusterRows[];
  cost: FleetCost;
}

/**
 * Every entity with Kubernetes annotations, one row each, with totals per
 * mesh and per cluster. Each cluster is read once for all entities.
 */
export class OverviewQuery {
  constructor(private readonly context: StatusQueryContext) {}

  async getOverview(
    options: MeshOverviewRequestOptions,
  ): Promise<MeshOverview> {
    const window = validWindow(
      options.window,
      this.context.config.window,
      this.context.config.bounds,
    );
    const session = this.context.kube.session(options.credentials, {
      kubernetesAuth: options.kubernetesAuth,
    });
    const view = await viewKey(session, options.credentials);
    const compute = async (reads: KubernetesSession) =>
      this.compute(
        reads,
        window,
        options.credentials,
        // A shared overview lists every entity; each caller is then
        // authorized for its rows (`authorize`).
        view === 'shared'
          ? await this.context.auth.getOwnServiceCredentials()
          : options.credentials,
      );
    const all = await this.context.flights.get(
      // v2: the per-cluster rows are figures (a replica of an older
      // version must not read them as statuses from a shared store).
      `overview:v2:${view}:${window}`,
      () => compute(session),
      refreshAheadOf(view, this.context, options, compute),
    );
    let entities = all.entities;
    let cost = all.cost;
    if (options.authorize) {
      const allowed = await options.authorize(entities.map(e => e.entityRef));
      entities = entities.filter(e => allowed.has(e.entityRef));
      cost = authorizedFleetCost(cost, allowed);
    }
    return {
      generatedAt: all.generatedAt,
      window,
      entities,
      ...totalsOf(entities, all.perCluster),
      cost,
    };
  }

  private async compute(
    session: KubernetesSession,
    window: string,
    credentials: BackstageCredentials,
    catalogCredentials: BackstageCredentials,
  ): Promise<CachedOverview> {
    const { catalog, hints, reads } = this.context;
    const catalogEntities = kubernetesEntities(catalog, catalogCredentials);
    catalogEntities.catch(() => undefined);
    const listing = listClusters(session, hints);
    const readOf = readEachClusterOnce(cluster =>
      reads.readCluster(session, credentials, cluster, undefined, {
        window,
        summary: true,
      }),
    );
    // The clusters listed before are read while the list confirms them.
    for (const cluster of hints.clusters() ?? []) readOf(cluster);
    let clusters: string[] = [];
    let listError: string | undefined;
    try {
      clusters = await listing;
    } catch (e) {
      listError = listingFailed(e);
    }
    // Each cluster's rows are assembled as soon as that cluster answers,
    // while the others are still being read.
    const targets = catalogEntities.then(list =>
      list.map(entity => ({
        entity,
        entityRef: stringifyEntityRef(entity),
        target: entityTarget(entity),
      })),
    );
    const byCluster = await Promise.all(
      clusters.map(async cluster => {
        const read = await readOf(cluster);
        const costs = new Map<string, WorkloadCost[]>();
        return {
          kubeError: read.kubeError,
          rows: this.rows(read, await targets, costs),
          cost: read.cost && { cost: read.cost, entities: costs },
        };
      }),
    );
    const perCluster: ClusterRows[] = [];
    clusters.forEach((cluster, i) => {
      if (byCluster[i].kubeError) return;
      const rows = [...byCluster[i].rows].flatMap(([entityRef, statuses]) =>
        statuses.map(status => rowFigures(entityRef, status)),
      );
      if (rows.length) perCluster.push({ cluster, rows });
    });
    const entities = (await targets).map(({ entity, entityRef, target }) => {
      const statuses: ClusterMeshStatus[] = [];
      if (!target.ok) {
        statuses.push(noneStatus('', '', [target.check]));
      } else if (listError) {
        statuses.push(
          unreachableStatus(target.cluster ?? '', target.namespace, listError),
        );
      } else {
        for (const { rows } of byCluster) {
          statuses.push(...(rows.get(entityRef) ?? []));
        }
        if (statuses.length === 0) {
          statuses.push(
            noneStatus(target.cluster ?? '', target.namespace ?? '', [
              noWorkloadsCheck(target),
            ]),
          );
        }
      }
      // An entity not pinned to a cluster may run in one that could not be
      // read: say so, rather than show it complete without that cluster.
      const unread =
        target.ok && !target.cluster && !listError
          ? clusters.flatMap((cluster, i) => {
              const message = byCluster[i].kubeError;
              return message
                ? [{ source: 'kubernetes' as const, message, cluster }]
                : [];
            })
          : [];
      const row = summarizeEntity(entity, entityRef, statuses, unread);
      const share = entityShare(
        byCluster.flatMap(c => c.cost?.entities.get(entityRef) ?? []),
      );
      return share ? { ...row, proxyShareOfTotal: share } : row;
    });
    const cost = fleetCostOf(
      window,
      byCluster.flatMap(c => (c.cost ? [c.cost] : [])),
      this.context.config.cost,
    );
    return {
      generatedAt: new Date().toISOString(),
      entities,
      perCluster,
      cost,
    };
  }

  /** The overview's statuses of every entity in one cluster, by entity ref. */
  private rows(
    read: ClusterRead,
    targets: Array<{ entityRef: string; target: EntityTarget }>,
    costs: Map<string, WorkloadCost[]>,
  ): Map<string, ClusterMeshStatus[]> {
    const rows = new Map<string, ClusterMeshStatus[]>();
    const index = new WorkloadIndex(read.snapshot);
    for (const { entityRef, target } of targets) {
      if (!target.ok) continue;
      if (target.cluster && target.cluster !== read.cluster) continue;
      if (read.kubeError) {
        if (target.cluster) {
          rows.set(entityRef, [
            unreachableStatus(read.cluster, target.namespace, read.kubeError),
          ]);
        }
        continue;
      }
      const namespaces = target.namespace
        ? [target.namespace]
        : index.namespacesOf(target);
      const statuses: ClusterMeshStatus[] = [];
      for (const ns of namespaces) {
        const status = this.context.statuses.statusOf(
          read,
          ns,
          target,
          true,
          index,
        );
        if (!target.namespace && status.workloads.length === 0) continue;
        statuses.push(status);
      }
      if (statuses.length) rows.set(entityRef, statuses);
      const workloadCosts = entityWorkloadCosts(
        read,
        namespaces,
        target,
        index,
      );
      if (workloadCosts.length) costs.set(entityRef, workloadCosts);
    }
    return rows;
  }
}
