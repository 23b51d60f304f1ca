import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityMeshTimeseries } from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshTimeseriesRequestOptions,
} from '@meshlens/plugin-mesh-node';
import { KubernetesSession } from '@meshlens/plugin-mesh-node';
import { PrometheusClient } from '../clients/PrometheusClient';
import { entityWorkloads } from './assemble';
import { catalogEntity } from './catalogEntities';
import { listClusters, locateClusters } from './clusterLocation';
import { ClusterRead } from './clusterReadResult';
import { errorMessage } from './clusterSnapshot';
import { LocatedTarget, entityTarget } from './entityTargets';
import { viewKey } from './principalKey';
import { StatusQueryContext } from './queryContext';
import { validRange } from './requestInput';

interface RangeQuery {
  /** The rate window of each point. */
  window: string;
  step: string;
  start: number;
  end: number;
  stepSeconds: number;
}

/**
 * Requests/s, success rate and p95 over time per workload of an entity. The
 * clusters are read like for the status (objects only); each mesh found
 * then answers one set of range queries for all its namespaces.
 */
export class TimeseriesQuery {
  constructor(private readonly context: StatusQueryContext) {}

  async getEntityTimeseries(
    ref: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries> {
    const { range, step, rangeSeconds, stepSeconds } = validRange(
      options,
      this.context.config.bounds,
    );
    const { entity, entityRef } = await catalogEntity(
      this.context.catalog,
      ref,
      options.credentials,
    );
    // End on a step boundary, so cached and concurrent calls agree.
    const end = Math.floor(Date.now() / 1000 / stepSeconds) * stepSeconds;
    const session = this.context.kube.session(options.credentials, {
      kubernetesAuth: options.kubernetesAuth,
    });
    const view = await viewKey(session, options.credentials);
    return this.context.flights.get(
      `timeseries:${view}:${entityRef}:${range}:${step}:${end}`,
      async () => {
        const result: EntityMeshTimeseries = {
          entityRef,
          range,
          step,
          series: [],
          errors: [],
        };
        const target = entityTarget(entity);
        if (!target.ok) return result;
        const located = await locateClusters(
          listClusters(session, this.context.hints),
          target,
        );
        if ('status' in located) {
          result.errors.push(
            ...located.status.errors.map(e => ({
              ...e,
              cluster: located.status.cluster,
            })),
          );
          return result;
        }
        // A rate needs at least two scrapes in its window.
        const rateWindow = stepSeconds >= 60 ? step : '1m';
        const query = {
          window: rateWindow,
          step,
          start: end - rangeSeconds,
          end,
          stepSeconds,
        };
        await Promise.all(
          located.clusters.map(cluster =>
            this.cluster(session, options, cluster, target, query, result),
          ),
        );
        result.series.sort((a, b) =>
          `${a.cluster}/${a.namespace}/${a.workload}`.localeCompare(
            `${b.cluster}/${b.namespace}/${b.workload}`,
          ),
        );
        return result;
      },
    );
  }

  private async cluster(
    session: KubernetesSession,
    options: MeshTimeseriesRequestOptions,
    cluster: string,
    target: LocatedTarget,
    query: RangeQuery,
    result: EntityMeshTimeseries,
  ) {
    const read = await this.context.reads.readCluster(
      session,
      options.credentials,
      cluster,
      target,
      'objects',
    );
    if (read.kubeError) {
      result.errors.push({
        cluster,
        source: 'kubernetes',
        message: read.kubeError,
      });
      return;
    }
    const byMesh = new Map<MeshAdapter, string[]>();
    for (const [ns, mesh] of read.meshes) {
      if (mesh)
        byMesh.set(mesh.adapter, [...(byMesh.get(mesh.adapter) ?? []), ns]);
    }
    if (byMesh.size === 0) return;
    const prometheus = this.context.prometheus.get(cluster);
    if (!prometheus) {
      result.errors.push({
        cluster,
        source: 'prometheus',
        message: `No Prometheus is configured for cluster ${cluster} (mesh.clusters[].prometheus.url)`,
      });
      return;
    }
    await Promise.all(
      [...byMesh.entries()].map(async ([adapter, namespaces]) => {
        try {
          result.series.push(
            ...(await this.meshSeries(
              prometheus,
              adapter,
              namespaces,
              read,
              target,
              query,
            )),
          );
        } catch (e) {
          result.errors.push({
            cluster,
            source: 'prometheus',
            message: `${adapter.mesh} metrics of ${cluster}: ${errorMessage(
              e,
            )}`,
          });
        }
      }),
    );
  }

  /** One mesh's series of the entity's workloads in its namespaces. */
  private async meshSeries(
    prometheus: PrometheusClient,
    adapter: MeshAdapter,
    namespaces: string[],
    read: ClusterRead,
    target: LocatedTarget,
    query: RangeQuery,
  ): Promise<EntityMeshTimeseries['series']> {
    const queries = adapter.rangeQueries({
      namespaces,
      window: query.window,
      step: query.step,
    });
    const entries = await Promise.all(
      Object.entries(queries).map(
        async ([id, q]) =>
          [
            id,
            await prometheus.queryRange(
              q,
              query.start,
              query.end,
              query.stepSeconds,
            ),
          ] as const,
      ),
    );
    const series = adapter.readRange(Object.fromEntries(entries));
    const out: EntityMeshTimeseries['series'] = [];
    for (const ns of namespaces) {
      const names = new Set(
        entityWorkloads(
          ns,
          target.selector,
          read.snapshot.workloads,
          read.snapshot.pods,
        ).map(w => w.name),
      );
      for (const s of series) {
        if (s.namespace === ns && names.has(s.workload)) {
          out.push({
            cluster: read.cluster,
            namespace: ns,
            workload: s.workload,
            points: s.points,
          });
        }
      }
    }
    return out;
  }
}
