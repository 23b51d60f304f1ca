import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import {
  ClusterMeshStatus,
  CostMissing,
  EntityMeshStatus,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import {
  KubernetesSession,
  MeshStatusRequestOptions,
} from '@meshlens/plugin-mesh-node';
import { whatIfAlternatives } from '../cost';
import { catalogEntity } from './catalogEntities';
import { noWorkloadsCheck } from './checks';
import {
  listClusters,
  locateClusters,
  readEachClusterOnce,
} from './clusterLocation';
import { entityTarget } from './entityTargets';
import {
  entityClusterCost,
  entityCostOf,
  entityWhatIf,
  unavailableCost,
} from './costAssembly';
import { viewKey } from './principalKey';
import { refreshAheadOf } from './refreshAhead';
import { StatusQueryContext } from './queryContext';
import { validWindow } from './requestInput';
import { noneStatus, unreachableStatus } from './statuses';

/** One entity's mesh status: per cluster and namespace its workloads run in. */
export class EntityStatusQuery {
  constructor(private readonly context: StatusQueryContext) {}

  async getEntityStatus(
    ref: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus> {
    const { catalog, config, flights } = this.context;
    const window = validWindow(options.window, config.window, config.bounds);
    const { entity, entityRef } = await catalogEntity(
      catalog,
      ref,
      options.credentials,
    );
    const session = this.context.kube.session(options.credentials, {
      kubernetesAuth: options.kubernetesAuth,
    });
    const view = await viewKey(session, options.credentials);
    const compute = async (reads: KubernetesSession) => {
      const { statuses, costs, nodeShares, unavailable } = await this.clusters(
        reads,
        entity,
        window,
        options.credentials,
      );
      return {
        entityRef,
        window,
        generatedAt: new Date().toISOString(),
        clusters: statuses,
        cost: entityCostOf(
          window,
          costs,
          unavailable,
          entityWhatIf({
            entityRef,
            window,
            statuses,
            nodeShares,
            alternatives: whatIfAlternatives(this.context.adapters()),
          }),
        ),
      };
    };
    return flights.get(
      `entity:${view}:${entityRef}:${window}`,
      () => compute(session),
      refreshAheadOf(view, this.context, options, compute),
    );
  }

  private async clusters(
    session: KubernetesSession,
    entity: Entity,
    window: string,
    credentials: BackstageCredentials,
  ): Promise<{
    statuses: ClusterMeshStatus[];
    costs: WorkloadCost[];
    nodeShares: Array<number | undefined>;
    unavailable: CostMissing[];
  }> {
    const { hints, reads, statuses } = this.context;
    const target = entityTarget(entity);
    const only = (status: ClusterMeshStatus) => ({
      statuses: [status],
      costs: [],
      nodeShares: [],
      unavailable: [],
    });
    if (!target.ok) return only(noneStatus('', '', [target.check]));
    const listing = listClusters(session, hints);
    const readOf = readEachClusterOnce(cluster =>
      reads.readCluster(session, credentials, cluster, target, { window }),
    );
    // The clusters listed before are read while the list confirms them.
    for (const cluster of hints.clusters() ?? []) {
      if (!target.cluster || target.cluster === cluster) readOf(cluster);
    }
    const located = await locateClusters(listing, target);
    if ('status' in located) return only(located.status);
    const results = await Promise.all(
      located.clusters.map(async cluster => {
        const read = await readOf(cluster);
        if (read.kubeError) {
          return {
            read,
            statuses: [
              unreachableStatus(cluster, target.namespace, read.kubeError),
            ],
          };
        }
        return {
          read,
          statuses: [...read.meshes.keys()].map(namespace =>
            statuses.statusOf(read, namespace, target, false),
          ),
        };
      }),
    );
    const all = results.flatMap(r => r.statuses);
    if (all.length === 0) {
      return only(
        noneStatus(target.cluster ?? '', target.namespace ?? '', [
          noWorkloadsCheck(target),
        ]),
      );
    }
    const perCluster = results
      .filter(({ read }) => !read.kubeError)
      .map(({ read }) =>
        entityClusterCost(read, [...read.meshes.keys()], target),
      );
    return {
      statuses: all,
      costs: perCluster.flatMap(c => c.workloads),
      nodeShares: perCluster.map(c => c.nodeShare),
      unavailable: unavailableCost(results.map(r => r.read.cost)),
    };
  }
}
