import { UpstreamError } from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshClusterReader,
  MeshControlPlaneState,
  MeshWorkloadCertificate,
} from '@meshlens/plugin-mesh-node';
import {
  CertificateReadResult,
  CertificateReader,
} from '../clients/CertificateReader';
import { PrometheusClient } from '../clients/PrometheusClient';
import { MetricsResult, errorMessage, readMetrics } from './clusterSnapshot';

/** One mesh's reads for a scope of a cluster. */
export interface MeshRead {
  adapter: MeshAdapter;
  policies: Map<string, Record<string, any[]>>;
  certificates: CertificateReadResult;
  metrics: MetricsResult;
  errors: UpstreamError[];
}

/** One mesh's certificates in a cluster: its control plane's and its proxies'. */
export interface MeshCertificateRead {
  adapter: MeshAdapter;
  certificates: CertificateReadResult;
  /** Undefined when the mesh or the cluster has no source for them. */
  workloadCertificates?: MeshWorkloadCertificate[];
  errors: UpstreamError[];
}

/** The reads of one mesh in a cluster, once its control plane is known. */
export class MeshReads {
  constructor(
    private readonly options: {
      certificateReader: CertificateReader;
      prometheus: Map<string, PrometheusClient>;
    },
  ) {}

  private get certificateReader() {
    return this.options.certificateReader;
  }
  private get prometheus() {
    return this.options.prometheus;
  }

  /**
   * One mesh's policies, certificates and metrics for a scope. Never
   * rejects: a read started early and then not needed is dropped, and its
   * errors with it.
   */
  async readMesh(
    reader: MeshClusterReader,
    adapter: MeshAdapter,
    controlPlane: MeshControlPlaneState,
    scope: {
      cluster: string;
      namespaces: string[] | undefined;
      window: string;
      summary: boolean;
    },
  ): Promise<MeshRead> {
    const errors: UpstreamError[] = [];
    const [policies, certificates, metrics] = await Promise.all([
      this.readPolicies(reader, adapter, scope.namespaces).catch(e => {
        errors.push({
          source: 'kubernetes',
          message: `Listing ${adapter.mesh} policies failed: ${errorMessage(
            e,
          )}`,
        });
        return new Map<string, Record<string, any[]>>();
      }),
      this.readCertificates(
        reader,
        adapter,
        controlPlane,
        scope.namespaces,
      ).catch(
        (e): CertificateReadResult => ({
          certificates: [],
          issuers: [],
          errors: [{ source: 'kubernetes', message: errorMessage(e) }],
        }),
      ),
      readMetrics(
        this.prometheus.get(scope.cluster),
        adapter,
        {
          namespaces: scope.namespaces,
          window: scope.window,
          summary: scope.summary,
        },
        `No Prometheus is configured for cluster ${scope.cluster} (mesh.clusters[].prometheus.url)`,
      ).catch(
        (e): MetricsResult => ({
          workloadCertificates: [],
          error: errorMessage(e),
        }),
      ),
    ]);
    for (const { source, message } of certificates.errors) {
      errors.push({ source, message: `Reading certificates: ${message}` });
    }
    if (metrics.error) {
      errors.push({
        source: 'prometheus',
        message: `${adapter.mesh} metrics of ${scope.cluster}: ${metrics.error}`,
      });
    }
    return { adapter, policies, certificates, metrics, errors };
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
            item.kind ??= type.kind;
            item.apiVersion ??= type.apiVersion;
            (entry[type.kind] ??= []).push(item);
            out.set(ns, entry);
          }
        }),
      ),
    );
    return out;
  }

  async readCertificates(
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
    const prometheus = this.prometheus.get(reader.cluster);
    return this.certificateReader.read(
      reader,
      sources,
      prometheus && (promql => prometheus.query(promql)),
    );
  }

  /**
   * A mesh's certificates in a cluster: its control plane's, and the
   * soonest-expiring proxy certificates its metrics report.
   */
  async readMeshCertificates(
    reader: MeshClusterReader,
    adapter: MeshAdapter,
    controlPlane: MeshControlPlaneState,
    window: string,
  ): Promise<MeshCertificateRead> {
    const certificates = await this.readCertificates(
      reader,
      adapter,
      controlPlane,
      undefined,
    );
    const errors: UpstreamError[] = certificates.errors.map(e => ({ ...e }));
    const query = adapter.workloadCertificateQuery?.({ window });
    const prometheus = this.prometheus.get(reader.cluster);
    if (!query || !prometheus) return { adapter, certificates, errors };
    try {
      const workloadCertificates =
        adapter.readWorkloadCertificates?.(await prometheus.query(query)) ?? [];
      return { adapter, certificates, workloadCertificates, errors };
    } catch (e) {
      errors.push({
        source: 'prometheus',
        message: `${adapter.mesh} workload certificates: ${errorMessage(e)}`,
      });
      return { adapter, certificates, errors };
    }
  }
}
