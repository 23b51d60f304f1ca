import {
  AuthService,
  CacheService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  EntityOnboardingTargets,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshCertificatesRequestOptions,
  MeshOverviewRequestOptions,
  MeshStatusRequestOptions,
  MeshStatusService,
  MeshTimeseriesRequestOptions,
} from '@meshlens/plugin-mesh-node';
import { CertificateReader } from '../clients/CertificateReader';
import { KubernetesProxyClient } from '@meshlens/plugin-mesh-node';
import { PrometheusClient } from '../clients/PrometheusClient';
import { MeshConfig } from '../config';
import { CertificatesQuery } from './CertificatesQuery';
import { ClusterReads } from './ClusterReads';
import { EntityStatusQuery } from './EntityStatusQuery';
import { NamespaceStatuses } from './namespaceStatus';
import { OnboardingTargetsQuery } from './OnboardingTargetsQuery';
import { OverviewQuery } from './OverviewQuery';
import { StatusQueryContext } from './queryContext';
import { SingleFlightCache } from './SingleFlightCache';
import { TimeseriesQuery } from './TimeseriesQuery';
import { TopologyHints } from './TopologyHints';

export interface DefaultMeshStatusServiceOptions {
  config: MeshConfig;
  /** The adapters, read at each request. */
  adapters: () => MeshAdapter[];
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  cache?: CacheService;
  /** Shared between instances of the service, so they single-flight together. */
  inFlight?: Map<string, Promise<unknown>>;
  /** What an earlier instance learnt of the clusters' layout (the benchmark's cold calls). */
  hints?: TopologyHints;
}

/**
 * The mesh status of catalog entities, built from the Kubernetes backend's
 * proxy and each cluster's Prometheus. It never asks which mesh a cluster
 * runs: the adapters answer. Each use case is a query over one read
 * pipeline (ClusterReads) and one cache.
 */
export class DefaultMeshStatusService implements MeshStatusService {
  private readonly entityStatus: EntityStatusQuery;
  private readonly overview: OverviewQuery;
  private readonly certificates: CertificatesQuery;
  private readonly timeseries: TimeseriesQuery;
  private readonly onboardingTargets: OnboardingTargetsQuery;

  constructor(options: DefaultMeshStatusServiceOptions) {
    const { config } = options;
    const flights = new SingleFlightCache(
      options.cache,
      config.cacheTtlSeconds,
      options.inFlight,
      config.refreshAhead ? { logger: options.logger } : undefined,
    );
    const certificateReader = new CertificateReader(config.certificates, {
      readSecrets: config.certificates.readSecrets,
    });
    const hints =
      options.hints ?? new TopologyHints(config.topologyHintSeconds * 1000);
    const prometheus = new Map<string, PrometheusClient>();
    for (const c of config.clusters) {
      if (c.prometheus) {
        prometheus.set(
          c.name,
          new PrometheusClient(
            c.prometheus,
            config.timeoutMs,
            config.maxResponseBytes,
          ),
        );
      }
    }
    const context: StatusQueryContext = {
      config,
      auth: options.auth,
      adapters: options.adapters,
      catalog: options.catalog,
      kube: new KubernetesProxyClient({
        discovery: options.discovery,
        auth: options.auth,
        timeoutMs: config.timeoutMs,
        // One read per cluster and TTL for every caller, like the answers.
        sharedTtlMs: config.cacheTtlSeconds * 1000,
        maxResponseBytes: config.kubernetes.maxResponseBytes,
        maxListItems: config.kubernetes.maxListItems,
      }),
      flights,
      hints,
      certificateReader,
      prometheus,
      reads: new ClusterReads({
        adapters: options.adapters,
        hints,
        flights,
        certificateReader,
        prometheus,
      }),
      statuses: new NamespaceStatuses({
        config,
        adapters: options.adapters,
        certificateReader,
      }),
    };
    this.entityStatus = new EntityStatusQuery(context);
    this.overview = new OverviewQuery(context);
    this.certificates = new CertificatesQuery(context);
    this.timeseries = new TimeseriesQuery(context);
    this.onboardingTargets = new OnboardingTargetsQuery(context);
  }

  getEntityStatus(
    ref: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus> {
    return this.entityStatus.getEntityStatus(ref, options);
  }

  getOverview(options: MeshOverviewRequestOptions): Promise<MeshOverview> {
    return this.overview.getOverview(options);
  }

  getCertificates(
    options: MeshCertificatesRequestOptions,
  ): Promise<MeshCertificates> {
    return this.certificates.getCertificates(options);
  }

  getEntityTimeseries(
    ref: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries> {
    return this.timeseries.getEntityTimeseries(ref, options);
  }

  getOnboardingTargets(
    ref: string | CompoundEntityRef,
    options: MeshCertificatesRequestOptions,
  ): Promise<EntityOnboardingTargets> {
    return this.onboardingTargets.getOnboardingTargets(ref, options);
  }
}
