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
  MeshClusterReader,
  MeshControlPlaneState,
  MeshStatusRequestOptions,
  MeshStatusService,
  MeshTimeseriesRequestOptions,
  MeshTimeseriesService,
  isPromDuration,
  promDurationSeconds,
} from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '../adapters';
import {
  CertificateReadResult,
  CertificateReader,
} from '../clients/CertificateReader';
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
  MetricsResult,
  WORKLOAD_TYPES,
  errorMessage,
  readControlPlanes,
  readKubeSnapshot,
  readMetrics,
} from './clusterSnapshot';
import { EntityTarget, entityTarget } from './entityTargets';
import { summarizeEntity, totalsOf } from './overview';
import { SingleFlightCache } from './SingleFlightCache';
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

/** Everything read from one cluster for a set of namespaces (or all). */
interface ClusterRead {
  cluster: string;
  controlPlanes: Record<string, MeshControlPlaneState>;
  snapshot: KubeSnapshot;
  meshes: Map<string, NamespaceMesh | undefined>;
  policies: Map<string, Record<string, any[]>>;
  certificates: Map<string, CertificateReadResult>;
  metrics: Map<string, MetricsResult>;
  errors: UpstreamError[];
  kubeError?: string;
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
    for (const c of config.clusters) {
      if (c.prometheus) {
        this.prometheus.set(
          c.name,
          new PrometheusClient(c.prometheus, config.timeoutMs),
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
    const located = await this.locate(session, target);
    if ('status' in located) return [located.status];
    const results = await Promise.all(
      located.clusters.map(async cluster => {
        const read = await this.readCluster(
          session,
          credentials,
          cluster,
          target,
          window,
        );
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

  /** The clusters to look in, or a status that explains why there is none. */
  private async locate(
    session: KubernetesSession,
    target: Extract<EntityTarget, { ok: true }>,
  ): Promise<{ clusters: string[] } | { status: ClusterMeshStatus }> {
    let known: string[];
    try {
      known = await session.listClusters();
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

  private controlPlanes(
    credentials: BackstageCredentials,
    reader: MeshClusterReader,
  ) {
    const principal = this.principalKey(credentials);
    return this.flights.get(
      `control-planes:${principal}:${reader.cluster}`,
      () => readControlPlanes(reader, this.adapters),
    );
  }

  /**
   * Reads a cluster in three rounds at most: control planes (cached), the
   * namespaces' objects, then policies, certificates and PromQL for the
   * meshes found. Each round is one set of parallel requests whose number
   * does not depend on the number of workloads or entities.
   */
  private async readCluster(
    session: KubernetesSession,
    credentials: BackstageCredentials,
    cluster: string,
    target: Extract<EntityTarget, { ok: true }> | undefined,
    window: string,
    summary = false,
  ): Promise<ClusterRead> {
    const reader = session.reader(cluster);
    const errors: UpstreamError[] = [];
    const read: ClusterRead = {
      cluster,
      controlPlanes: {},
      snapshot: {
        namespaces: new Map(),
        pods: new Map(),
        workloads: new Map(),
        resources: new Map(),
      },
      meshes: new Map(),
      policies: new Map(),
      certificates: new Map(),
      metrics: new Map(),
      errors,
    };
    try {
      const [cp, namespaces] = await Promise.all([
        this.controlPlanes(credentials, reader),
        this.namespacesOf(reader, target),
      ]);
      read.controlPlanes = cp.controlPlanes;
      errors.push(...cp.errors);
      if (namespaces && namespaces.length === 0) return read;
      const installed = this.adapters.filter(a => cp.controlPlanes[a.mesh]);
      read.snapshot = await readKubeSnapshot(
        reader,
        namespaces,
        new Map(installed.map(a => [a.mesh, a.detectionResources])),
      );
      const scope = namespaces ?? [...read.snapshot.namespaces.keys()];
      for (const ns of scope) {
        read.meshes.set(
          ns,
          detectMesh(cluster, ns, read.snapshot, installed, cp.controlPlanes),
        );
      }
    } catch (e) {
      read.kubeError = `Reading cluster ${cluster} failed: ${errorMessage(e)}`;
      return read;
    }

    // Round B: only for the meshes found, once per mesh for all its namespaces.
    const byMesh = new Map<MeshAdapter, string[]>();
    for (const [ns, mesh] of read.meshes) {
      if (!mesh) continue;
      byMesh.set(mesh.adapter, [...(byMesh.get(mesh.adapter) ?? []), ns]);
    }
    if (summary) {
      // The overview reads every installed mesh for the whole cluster.
      byMesh.clear();
      for (const a of this.adapters.filter(x => read.controlPlanes[x.mesh])) {
        byMesh.set(a, []);
      }
    }
    const prometheus = this.prometheus.get(cluster);
    await Promise.all(
      [...byMesh.entries()].map(async ([adapter, namespaces]) => {
        const controlPlane = read.controlPlanes[adapter.mesh];
        const nsScope = summary ? undefined : namespaces;
        const [policies, certificates, metrics] = await Promise.all([
          this.readPolicies(reader, adapter, nsScope).catch(e => {
            errors.push({
              source: 'kubernetes',
              message: `Listing ${adapter.mesh} policies failed: ${errorMessage(
                e,
              )}`,
            });
            return new Map<string, Record<string, any[]>>();
          }),
          this.readCertificates(reader, adapter, controlPlane, nsScope),
          readMetrics(
            prometheus,
            adapter,
            { namespaces: nsScope, window, summary },
            `No Prometheus is configured for cluster ${cluster} (mesh.clusters[].prometheus.url)`,
          ),
        ]);
        for (const [ns, p] of policies)
          read.policies.set(`${adapter.mesh}/${ns}`, p);
        read.certificates.set(adapter.mesh, certificates);
        for (const message of certificates.errors) {
          errors.push({
            source: 'kubernetes',
            message: `Reading certificates: ${message}`,
          });
        }
        read.metrics.set(adapter.mesh, metrics);
        if (metrics.error) {
          errors.push({
            source: 'prometheus',
            message: `${adapter.mesh} metrics of ${cluster}: ${metrics.error}`,
          });
        }
      }),
    );
    return read;
  }

  /** The namespaces to read: the annotated one, those holding the entity's workloads, or all (undefined). */
  private async namespacesOf(
    reader: MeshClusterReader,
    target: Extract<EntityTarget, { ok: true }> | undefined,
  ): Promise<string[] | undefined> {
    if (!target) return undefined;
    if (target.namespace) return [target.namespace];
    const labelSelector = formatLabelSelector(target.selector);
    const lists = await Promise.all(
      WORKLOAD_TYPES.map(t => reader.list(t, { labelSelector })),
    );
    return [...new Set(lists.flat().map(o => o.metadata.namespace ?? ''))]
      .filter(Boolean)
      .sort();
  }

  private async readPolicies(
    reader: MeshClusterReader,
    adapter: MeshAdapter,
    namespaces: string[] | undefined,
  ): Promise<Map<string, Record<string, any[]>>> {
    const out = new Map<string, Record<string, any[]>>();
    const scopes = namespaces ?? [undefined];
    await Promise.all(
      adapter.policyResources.flatMap(type =>
        scopes.map(async namespace => {
          const items = await reader.list(type, { namespace });
          for (const item of items) {
            const ns = item.metadata.namespace ?? namespace ?? '';
            const entry = out.get(ns) ?? {};
            (entry[type.kind] ??= []).push({
              ...item,
              kind: item.kind ?? type.kind,
              apiVersion: item.apiVersion ?? type.apiVersion,
            });
            out.set(ns, entry);
          }
        }),
      ),
    );
    return out;
  }

  private async readCertificates(
    reader: MeshClusterReader,
    adapter: MeshAdapter,
    controlPlane: MeshControlPlaneState,
    namespaces: string[] | undefined,
  ): Promise<CertificateReadResult> {
    // Namespace-specific sources (e.g. Istio's per-namespace root copy) only for a single namespace.
    const sources = adapter.certificateSources(
      controlPlane,
      namespaces?.length === 1 ? namespaces[0] : undefined,
    );
    return this.certificateReader.read(reader, sources);
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
    const entities = await this.kubernetesEntities(credentials);
    const session = this.kube.session(credentials);
    let clusters: string[] = [];
    let listError: string | undefined;
    try {
      clusters = await session.listClusters();
    } catch (e) {
      listError = `Listing the Kubernetes backend's clusters failed: ${errorMessage(
        e,
      )}`;
    }
    const reads = new Map(
      await Promise.all(
        clusters.map(async c => {
          const read = await this.readCluster(
            session,
            credentials,
            c,
            undefined,
            window,
            true,
          );
          return [
            c,
            { read, index: new WorkloadIndex(read.snapshot) },
          ] as const;
        }),
      ),
    );
    const perCluster = new Map<
      string,
      Array<{ entityRef: string; status: ClusterMeshStatus }>
    >();
    const out = entities.map(entity => {
      const entityRef = stringifyEntityRef(entity);
      const target = entityTarget(entity);
      const statuses: ClusterMeshStatus[] = [];
      if (!target.ok) {
        statuses.push(noneStatus('', '', [target.check]));
      } else if (listError) {
        statuses.push(
          unreachableStatus(target.cluster ?? '', target.namespace, listError),
        );
      } else {
        for (const [cluster, { read, index }] of reads) {
          if (target.cluster && target.cluster !== cluster) continue;
          if (read.kubeError) {
            if (target.cluster)
              statuses.push(
                unreachableStatus(cluster, target.namespace, read.kubeError),
              );
            continue;
          }
          const namespaces = target.namespace
            ? [target.namespace]
            : index.namespacesOf(target);
          for (const ns of namespaces) {
            const status = this.assemble(read, ns, target, true, index);
            if (!target.namespace && status.workloads.length === 0) continue;
            statuses.push(status);
            const list = perCluster.get(cluster) ?? [];
            list.push({ entityRef, status });
            perCluster.set(cluster, list);
          }
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
        clusters = await session.listClusters();
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
          const cp = await this.controlPlanes(
            options.credentials,
            reader,
          ).catch(e => ({
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
                const read = await this.readCertificates(
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
        const located = await this.locate(session, target);
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
        this.controlPlanes(credentials, reader),
        this.namespacesOf(reader, target),
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
