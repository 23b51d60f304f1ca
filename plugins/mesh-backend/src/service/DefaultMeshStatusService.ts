import {
  AuthService,
  BackstageCredentials,
  CacheService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterCertificate,
  ClusterMeshStatus,
  EntityMeshStatus,
  EntityMeshTimeseries,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  MeshCertificates,
  MeshCheck,
  MeshName,
  MeshOverview,
  OverviewEntity,
  UpstreamError,
  hasKubernetesAnnotations,
} from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshAdapterFactory,
  MeshControlPlaneState,
  MeshStatusRequestOptions,
  MeshStatusService,
  MeshTimeseriesRequestOptions,
  MeshTimeseriesService,
  isPromDuration,
  promDurationSeconds,
} from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '../adapters';
import { CertificateReader } from '../clients/CertificateReader';
import {
  KubernetesProxyClient,
  KubernetesSession,
} from '../clients/KubernetesProxyClient';
import { PrometheusClient } from '../clients/PrometheusClient';
import { formatLabelSelector } from '../clients/labelSelector';
import { MeshConfig } from '../config';
import {
  NamespaceMesh,
  assembleClusterStatus,
  detectMesh,
  entityWorkloads,
  namespaceContext,
} from './assemble';
import {
  KubeSnapshot,
  errorMessage,
  readKubeSnapshot,
} from './clusterSnapshot';
import { EntityTarget, entityTarget } from './entityTargets';
import { summarizeEntity, totalsOf } from './overview';
import { SingleFlightCache } from './SingleFlightCache';
import { TopologyHints } from './TopologyHints';
import { ClusterRead, ClusterReads } from './ClusterReads';
import { WorkloadIndex } from './workloadIndex';

/** Holds the adapters; the plugin's extension point may replace them before the first request. */
export class MeshAdapterRegistry {
  private adapters: MeshAdapter[];
  constructor(defaults: MeshAdapter[]) {
    this.adapters = defaults;
  }
  get(): MeshAdapter[] {
    return this.adapters;
  }
  set(adapters: MeshAdapter[]) {
    const names = adapters.map(a => a.mesh);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new Error(`Two mesh adapters are registered for "${duplicate}"`);
    }
    this.adapters = adapters;
  }
}

export interface DefaultMeshStatusServiceOptions {
  config: MeshConfig;
  registry: MeshAdapterRegistry;
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  cache?: CacheService;
  /** Shared between the plugin's and other plugins' instances, so they single-flight together. */
  inFlight?: Map<string, Promise<unknown>>;
}

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
];
const MAX_POINTS = 1000;

/**
 * The mesh status of catalog entities, built from the Kubernetes backend's
 * proxy and each cluster's Prometheus. It never asks which mesh a cluster
 * runs: the adapters answer.
 */
export class DefaultMeshStatusService
  implements MeshStatusService, MeshTimeseriesService
{
  private readonly kube: KubernetesProxyClient;
  private readonly flights: SingleFlightCache;
  private readonly certificateReader: CertificateReader;
  private readonly prometheus = new Map<string, PrometheusClient>();
  private readonly hints: TopologyHints;
  private readonly reads: ClusterReads;

  constructor(private readonly options: DefaultMeshStatusServiceOptions) {
    const { config } = options;
    this.kube = new KubernetesProxyClient({
      discovery: options.discovery,
      auth: options.auth,
      timeoutMs: config.timeoutMs,
    });
    this.flights = new SingleFlightCache(
      options.cache,
      config.cacheTtlSeconds,
      options.inFlight,
    );
    this.certificateReader = new CertificateReader(config.certificates);
    this.hints = new TopologyHints(config.topologyHintSeconds * 1000);
    this.reads = new ClusterReads({
      adapters: () => this.adapters,
      hints: this.hints,
      flights: this.flights,
      certificateReader: this.certificateReader,
      prometheus: this.prometheus,
      principalKey: credentials => this.principalKey(credentials),
    });
    for (const c of config.clusters) {
      if (c.prometheus) {
        this.prometheus.set(
          c.name,
          new PrometheusClient(
            c.prometheus,
            config.timeoutMs,
            config.maxResponseBytes,
          ),
        );
      }
    }
  }

  private get adapters() {
    return this.options.registry.get();
  }

  /** Adapters from `meshAdaptersExtensionPoint`: added to the built-in ones, or a factory's list. */
  useAdapters(adapters: MeshAdapter[] | MeshAdapterFactory) {
    const defaults = defaultMeshAdapters();
    this.options.registry.set(
      typeof adapters === 'function'
        ? adapters({ getDefault: () => defaults })
        : [...defaults, ...adapters],
    );
  }

  /** Validates a window such as `5m`; the configured default when left out. */
  private window(value: string | undefined): string {
    const window = value ?? this.options.config.window;
    if (!isPromDuration(window) || promDurationSeconds(window) < 1) {
      throw new InputError(
        `Invalid window "${window}": use a Prometheus duration such as 30s, 5m, 1h or 1h30m`,
      );
    }
    return window;
  }

  private principalKey(credentials: BackstageCredentials): string {
    const p = credentials.principal as {
      type?: string;
      userEntityRef?: string;
      subject?: string;
    };
    if (p.type === 'none') {
      throw new InputError('Mesh status needs user or service credentials');
    }
    return p.userEntityRef ?? p.subject ?? p.type ?? 'unknown';
  }

  private async entity(
    ref: string | CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; entityRef: string }> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(
        typeof ref === 'string' ? parseEntityRef(ref) : ref,
      );
    } catch (e) {
      throw new InputError(`Invalid entity reference: ${errorMessage(e)}`);
    }
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    return { entity, entityRef };
  }

  // ---------------------------------------------------------------- entity

  async getEntityStatus(
    ref: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus> {
    const window = this.window(options.window);
    const principal = this.principalKey(options.credentials);
    const { entity, entityRef } = await this.entity(ref, options.credentials);
    return this.flights.get(
      `entity:${principal}:${entityRef}:${window}`,
      async () => ({
        entityRef,
        window,
        generatedAt: new Date().toISOString(),
        clusters: await this.entityClusters(
          entity,
          window,
          options.credentials,
        ),
      }),
    );
  }

  private async entityClusters(
    entity: Entity,
    window: string,
    credentials: BackstageCredentials,
  ): Promise<ClusterMeshStatus[]> {
    const target = entityTarget(entity);
    if (!target.ok) return [noneStatus('', '', [target.check])];
    const session = this.kube.session(credentials);
    const listing = this.listClusters(session);
    const readOf = this.readEachClusterOnce(cluster =>
      this.reads.readCluster(session, credentials, cluster, target, window),
    );
    // The clusters listed before are read while the list confirms them.
    for (const cluster of this.hints.clusters() ?? []) {
      if (!target.cluster || target.cluster === cluster) readOf(cluster);
    }
    const located = await this.locate(listing, target);
    if ('status' in located) return [located.status];
    const results = await Promise.all(
      located.clusters.map(async cluster => {
        const read = await readOf(cluster);
        if (read.kubeError) {
          return [unreachableStatus(cluster, target.namespace, read.kubeError)];
        }
        return [...read.meshes.keys()].map(namespace =>
          this.assemble(read, namespace, target, false),
        );
      }),
    );
    const statuses = results.flat();
    if (statuses.length === 0) {
      return [
        noneStatus(target.cluster ?? '', target.namespace ?? '', [
          noWorkloadsCheck(target),
        ]),
      ];
    }
    return statuses;
  }

  /** The Kubernetes backend's clusters, remembered as a hint for the next request. */
  private listClusters(session: KubernetesSession): Promise<string[]> {
    const listing = session.listClusters().then(clusters => {
      this.hints.rememberClusters(clusters);
      return clusters;
    });
    listing.catch(() => undefined);
    return listing;
  }

  /** Starts each cluster's read once, whether early (from a hint) or after the cluster list. */
  private readEachClusterOnce(
    read: (cluster: string) => Promise<ClusterRead>,
  ): (cluster: string) => Promise<ClusterRead> {
    const started = new Map<string, Promise<ClusterRead>>();
    return cluster => {
      let r = started.get(cluster);
      if (!r) {
        r = read(cluster);
        // A read started early for a cluster the list no longer has is dropped.
        r.catch(() => undefined);
        started.set(cluster, r);
      }
      return r;
    };
  }

  /** The clusters to look in, or a status that explains why there is none. */
  private async locate(
    listing: Promise<string[]>,
    target: Extract<EntityTarget, { ok: true }>,
  ): Promise<{ clusters: string[] } | { status: ClusterMeshStatus }> {
    let known: string[];
    try {
      known = await listing;
    } catch (e) {
      return {
        status: unreachableStatus(
          target.cluster ?? '',
          target.namespace,
          `Listing the Kubernetes backend's clusters failed: ${errorMessage(
            e,
          )}`,
        ),
      };
    }
    if (target.cluster && !known.includes(target.cluster)) {
      return {
        status: noneStatus(target.cluster, target.namespace ?? '', [
          {
            id: 'kubernetes.cluster',
            status: 'fail',
            message: `Cluster ${target.cluster} (annotation backstage.io/kubernetes-cluster) is not configured in the Kubernetes plugin`,
            hint: `Use one of: ${
              known.join(', ') || 'no cluster is configured'
            }`,
          },
        ]),
      };
    }
    return { clusters: target.cluster ? [target.cluster] : known };
  }

  private clusterConfig(cluster: string) {
    return this.options.config.clusters.find(c => c.name === cluster);
  }

  private assemble(
    read: ClusterRead,
    namespace: string,
    target: Extract<EntityTarget, { ok: true }>,
    summary: boolean,
    workloadsIndex?: WorkloadIndex,
  ): ClusterMeshStatus {
    const mesh = read.meshes.get(namespace);
    const workloads = workloadsIndex
      ? workloadsIndex.workloads(namespace, target)
      : entityWorkloads(
          namespace,
          target.selector,
          read.snapshot.workloads,
          read.snapshot.pods,
        );
    const metrics = mesh ? read.metrics.get(mesh.adapter.mesh) : undefined;
    const certs = mesh ? read.certificates.get(mesh.adapter.mesh) : undefined;
    const status = assembleClusterStatus({
      cluster: read.cluster,
      namespace,
      workloads,
      mesh,
      traffic: metrics?.traffic,
      policies: mesh
        ? read.policies.get(`${mesh.adapter.mesh}/${namespace}`) ?? {}
        : {},
      certificates: certs?.certificates ?? [],
      issuers: certs?.issuers ?? [],
      workloadCertificates: metrics?.workloadCertificates ?? [],
      certificateReader: this.certificateReader,
      errors: read.errors.filter(
        e =>
          !mesh ||
          e.source !== 'prometheus' ||
          e.message.startsWith(`${mesh.adapter.mesh} `),
      ),
      clusterConfig: this.clusterConfig(read.cluster),
      summary,
    });
    if (!mesh && read.snapshot.namespaces.has(namespace)) {
      status.checks.unshift(
        this.notMeshedCheck(read, namespace),
        ...this.mistakesOutsideMesh(read, namespace, workloads),
      );
    }
    if (workloads.length === 0) {
      status.checks.unshift(noWorkloadsCheck(target, namespace));
    }
    return status;
  }

  /**
   * A namespace no mesh claims may still carry a mesh's common mistake
   * (e.g. the label `linkerd.io/injection`): ask every installed adapter.
   */
  private mistakesOutsideMesh(
    read: ClusterRead,
    namespace: string,
    workloads: ReturnType<typeof entityWorkloads>,
  ): MeshCheck[] {
    return this.adapters
      .filter(a => read.controlPlanes[a.mesh])
      .flatMap(adapter =>
        adapter.checks({
          ...namespaceContext(
            read.cluster,
            namespace,
            read.snapshot,
            adapter,
            read.controlPlanes[adapter.mesh],
          ),
          detection: {
            dataPlane: 'none',
            injection: { namespace: 'unset', marker: null },
            enrolled: false,
          },
          workloads,
          policies: {},
        }),
      )
      .filter(c => c.status !== 'pass');
  }

  private notMeshedCheck(read: ClusterRead, namespace: string): MeshCheck {
    const installed = this.adapters.filter(a => read.controlPlanes[a.mesh]);
    if (read.snapshot.namespaces.get(namespace) === undefined) {
      return {
        id: 'mesh.enrolled',
        status: 'fail',
        message: `Namespace ${namespace} does not exist in cluster ${read.cluster}`,
        hint: 'Fix backstage.io/kubernetes-namespace, or deploy the workloads',
      };
    }
    return {
      id: 'mesh.enrolled',
      status: 'fail',
      message: installed.length
        ? `Namespace ${namespace} is not enrolled in ${installed
            .map(a => a.mesh)
            .join(' or ')}, which run in cluster ${read.cluster}`
        : `No service mesh control plane runs in cluster ${read.cluster}`,
      hint: installed.length
        ? installed.map(a => a.enrollHint(namespace)).join('; or: ')
        : 'Install a mesh (Linkerd, Istio or Cilium) in the cluster first',
    };
  }

  // -------------------------------------------------------------- overview

  async getOverview(
    options: MeshStatusRequestOptions & {
      /** Keeps the entity refs the caller may read (the router's permission check). */
      authorize?: (entityRefs: string[]) => Promise<Set<string>>;
    },
  ): Promise<MeshOverview> {
    const window = this.window(options.window);
    const principal = this.principalKey(options.credentials);
    const all = await this.flights.get(`overview:${principal}:${window}`, () =>
      this.computeOverview(window, options.credentials),
    );
    let entities = all.entities;
    if (options.authorize) {
      const allowed = await options.authorize(entities.map(e => e.entityRef));
      entities = entities.filter(e => allowed.has(e.entityRef));
    }
    return {
      generatedAt: all.generatedAt,
      window,
      entities,
      ...totalsOf(entities, all.perCluster),
    };
  }

  private async kubernetesEntities(
    credentials: BackstageCredentials,
  ): Promise<Entity[]> {
    const entities: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.catalog.queryEntities(
        cursor
          ? { cursor, limit: 1000, fields: ENTITY_FIELDS }
          : {
              filter: [
                {
                  [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
                    CATALOG_FILTER_EXISTS,
                },
                {
                  [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
                    CATALOG_FILTER_EXISTS,
                },
              ],
              limit: 1000,
              fields: ENTITY_FIELDS,
            },
        { credentials },
      );
      entities.push(...page.items.filter(hasKubernetesAnnotations));
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return entities;
  }

  private async computeOverview(
    window: string,
    credentials: BackstageCredentials,
  ): Promise<{
    generatedAt: string;
    entities: OverviewEntity[];
    perCluster: Map<
      string,
      Array<{ entityRef: string; status: ClusterMeshStatus }>
    >;
  }> {
    const catalogEntities = this.kubernetesEntities(credentials);
    catalogEntities.catch(() => undefined);
    const session = this.kube.session(credentials);
    const listing = this.listClusters(session);
    const readOf = this.readEachClusterOnce(cluster =>
      this.reads.readCluster(
        session,
        credentials,
        cluster,
        undefined,
        window,
        true,
      ),
    );
    // The clusters listed before are read while the list confirms them.
    for (const cluster of this.hints.clusters() ?? []) readOf(cluster);
    let clusters: string[] = [];
    let listError: string | undefined;
    try {
      clusters = await listing;
    } catch (e) {
      listError = `Listing the Kubernetes backend's clusters failed: ${errorMessage(
        e,
      )}`;
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
        return {
          reachable: !read.kubeError,
          rows: this.overviewRows(read, await targets),
        };
      }),
    );
    const perCluster = new Map<
      string,
      Array<{ entityRef: string; status: ClusterMeshStatus }>
    >();
    clusters.forEach((cluster, i) => {
      if (!byCluster[i].reachable) return;
      const rows = [...byCluster[i].rows].flatMap(([entityRef, statuses]) =>
        statuses.map(status => ({ entityRef, status })),
      );
      if (rows.length) perCluster.set(cluster, rows);
    });
    const out = (await targets).map(({ entity, entityRef, target }) => {
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
      return summarizeEntity(entity, entityRef, statuses);
    });
    return { generatedAt: new Date().toISOString(), entities: out, perCluster };
  }

  /** The overview's statuses of every entity in one cluster, by entity ref. */
  private overviewRows(
    read: ClusterRead,
    targets: Array<{ entityRef: string; target: EntityTarget }>,
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
        const status = this.assemble(read, ns, target, true, index);
        if (!target.namespace && status.workloads.length === 0) continue;
        statuses.push(status);
      }
      if (statuses.length) rows.set(entityRef, statuses);
    }
    return rows;
  }

  // ---------------------------------------------------------- certificates

  async getCertificates(
    options: Omit<MeshStatusRequestOptions, 'window'>,
  ): Promise<MeshCertificates> {
    const principal = this.principalKey(options.credentials);
    return this.flights.get(`certificates:${principal}`, async () => {
      const session = this.kube.session(options.credentials);
      const errors: MeshCertificates['errors'] = [];
      let clusters: string[] = [];
      try {
        clusters = await this.listClusters(session);
      } catch (e) {
        errors.push({
          cluster: '',
          source: 'kubernetes',
          message: `Listing the Kubernetes backend's clusters failed: ${errorMessage(
            e,
          )}`,
        });
      }
      const certificates: ClusterCertificate[] = [];
      await Promise.all(
        clusters.map(async cluster => {
          const reader = session.reader(cluster);
          const cp = await this.reads
            .controlPlanes(options.credentials, reader)
            .catch(e => ({
              controlPlanes: {} as Record<string, MeshControlPlaneState>,
              errors: [
                { source: 'kubernetes' as const, message: errorMessage(e) },
              ],
            }));
          errors.push(...cp.errors.map(e => ({ ...e, cluster })));
          const prometheus = this.prometheus.get(cluster);
          await Promise.all(
            this.adapters
              .filter(a => cp.controlPlanes[a.mesh])
              .map(async adapter => {
                const mesh = adapter.mesh as MeshName;
                const read = await this.reads.readCertificates(
                  reader,
                  adapter,
                  cp.controlPlanes[adapter.mesh],
                  undefined,
                );
                errors.push(
                  ...read.errors.map(message => ({
                    cluster,
                    source: 'kubernetes' as const,
                    message,
                  })),
                );
                certificates.push(
                  ...read.certificates.map(c => ({ ...c, cluster, mesh })),
                );
                const query = adapter.workloadCertificateQuery?.({
                  window: this.options.config.window,
                });
                if (!query || !prometheus) return;
                try {
                  const soonest = new Map<
                    string,
                    { pod: string; notAfter: number }
                  >();
                  for (const c of adapter.readWorkloadCertificates?.(
                    await prometheus.query(query),
                  ) ?? []) {
                    const s = soonest.get(c.namespace);
                    if (!s || c.notAfter < s.notAfter)
                      soonest.set(c.namespace, c);
                  }
                  const issuer = read.certificates.find(
                    c => c.role === 'issuer',
                  );
                  for (const [namespace, s] of soonest) {
                    certificates.push({
                      ...this.certificateReader.info({
                        role: 'workload',
                        subject: `proxies in ${namespace}`,
                        issuer: issuer?.subject ?? '',
                        serialNumber: '',
                        notBefore: '',
                        notAfter: new Date(s.notAfter * 1000).toISOString(),
                        source: `proxy metrics of pod ${namespace}/${s.pod} (soonest in the namespace)`,
                      }),
                      cluster,
                      mesh,
                    });
                  }
                } catch (e) {
                  errors.push({
                    cluster,
                    source: 'prometheus',
                    message: `${
                      adapter.mesh
                    } workload certificates: ${errorMessage(e)}`,
                  });
                }
              }),
          );
        }),
      );
      certificates.sort((a, b) => a.notAfter.localeCompare(b.notAfter));
      return { generatedAt: new Date().toISOString(), certificates, errors };
    });
  }

  // ------------------------------------------------------------ timeseries

  async getEntityTimeseries(
    ref: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries> {
    const range = options.range ?? '1h';
    const step = options.step ?? '1m';
    for (const [name, value] of [
      ['range', range],
      ['step', step],
    ]) {
      if (!isPromDuration(value) || promDurationSeconds(value) < 1) {
        throw new InputError(
          `Invalid ${name} "${value}": use a Prometheus duration such as 1m, 15m or 1h`,
        );
      }
    }
    const rangeSeconds = promDurationSeconds(range);
    const stepSeconds = promDurationSeconds(step);
    if (rangeSeconds / stepSeconds > MAX_POINTS) {
      throw new InputError(
        `range/step gives ${Math.ceil(
          rangeSeconds / stepSeconds,
        )} points; at most ${MAX_POINTS} are served: use a larger step`,
      );
    }
    const principal = this.principalKey(options.credentials);
    const { entity, entityRef } = await this.entity(ref, options.credentials);
    // End on a step boundary, so cached and concurrent calls agree.
    const end = Math.floor(Date.now() / 1000 / stepSeconds) * stepSeconds;
    return this.flights.get(
      `timeseries:${principal}:${entityRef}:${range}:${step}:${end}`,
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
        const session = this.kube.session(options.credentials);
        const located = await this.locate(this.listClusters(session), target);
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
        await Promise.all(
          located.clusters.map(cluster =>
            this.clusterTimeseries(
              session,
              options.credentials,
              cluster,
              target,
              {
                window: rateWindow,
                step,
                start: end - rangeSeconds,
                end,
                stepSeconds,
              },
              result,
            ),
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

  private async clusterTimeseries(
    session: KubernetesSession,
    credentials: BackstageCredentials,
    cluster: string,
    target: Extract<EntityTarget, { ok: true }>,
    query: {
      window: string;
      step: string;
      start: number;
      end: number;
      stepSeconds: number;
    },
    result: EntityMeshTimeseries,
  ) {
    const reader = session.reader(cluster);
    let snapshot: KubeSnapshot;
    let meshes: Map<string, NamespaceMesh | undefined>;
    try {
      const [cp, namespaces] = await Promise.all([
        this.reads.controlPlanes(credentials, reader),
        this.reads.namespacesOf(reader, target),
      ]);
      const installed = this.adapters.filter(a => cp.controlPlanes[a.mesh]);
      snapshot = await readKubeSnapshot(
        reader,
        namespaces,
        new Map(installed.map(a => [a.mesh, a.detectionResources])),
      );
      meshes = new Map(
        (namespaces ?? []).map(ns => [
          ns,
          detectMesh(cluster, ns, snapshot, installed, cp.controlPlanes),
        ]),
      );
    } catch (e) {
      result.errors.push({
        cluster,
        source: 'kubernetes',
        message: `Reading cluster ${cluster} failed: ${errorMessage(e)}`,
      });
      return;
    }
    const byMesh = new Map<MeshAdapter, string[]>();
    for (const [ns, mesh] of meshes) {
      if (mesh)
        byMesh.set(mesh.adapter, [...(byMesh.get(mesh.adapter) ?? []), ns]);
    }
    if (byMesh.size === 0) return;
    const prometheus = this.prometheus.get(cluster);
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
          for (const ns of namespaces) {
            const names = new Set(
              entityWorkloads(
                ns,
                target.selector,
                snapshot.workloads,
                snapshot.pods,
              ).map(w => w.name),
            );
            for (const s of series) {
              if (s.namespace === ns && names.has(s.workload)) {
                result.series.push({
                  cluster,
                  namespace: ns,
                  workload: s.workload,
                  points: s.points,
                });
              }
            }
          }
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
}

export function noneStatus(
  cluster: string,
  namespace: string,
  checks: MeshCheck[],
  errors: UpstreamError[] = [],
): ClusterMeshStatus {
  return {
    cluster,
    namespace,
    mesh: 'none',
    dataPlane: 'none',
    controlPlane: null,
    injection: { namespace: 'unset', marker: null },
    workloads: [],
    certificates: [],
    policies: [],
    checks,
    errors,
  };
}

function unreachableStatus(
  cluster: string,
  namespace: string | undefined,
  message: string,
): ClusterMeshStatus {
  return noneStatus(
    cluster,
    namespace ?? '',
    [
      {
        id: 'kubernetes.reachable',
        status: 'warn',
        message: `The mesh status of cluster ${
          cluster || '(any)'
        } is unknown: ${message}`,
        hint: 'Check the cluster in the Kubernetes plugin configuration and that the Kubernetes backend can reach it',
      },
    ],
    [{ source: 'kubernetes', message }],
  );
}

function noWorkloadsCheck(
  target: Extract<EntityTarget, { ok: true }>,
  namespace?: string,
): MeshCheck {
  const where = namespace ?? target.namespace;
  return {
    id: 'kubernetes.workloads',
    status: 'warn',
    message: `No Deployment, StatefulSet or DaemonSet matches ${formatLabelSelector(
      target.selector,
    )}${where ? ` in namespace ${where}` : ''}${
      target.cluster ? ` of cluster ${target.cluster}` : ''
    }`,
    hint: "Label the workloads (metadata.labels) with the entity's backstage.io/kubernetes-id, or fix the annotations",
  };
}
