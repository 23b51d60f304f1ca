import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { UpstreamError } from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshClusterReader,
  MeshControlPlaneState,
  KubernetesSession,
  formatLabelSelector,
  WORKLOAD_RESOURCES,
} from '@meshlens/plugin-mesh-node';
import {
  CertificateReadResult,
  CertificateReader,
} from '../clients/CertificateReader';
import { PrometheusClient } from '../clients/PrometheusClient';
import { NamespaceMesh, detectMesh } from './meshDetection';
import { MeshCertificateRead, MeshRead, MeshReads } from './MeshReads';
import {
  KubeSnapshot,
  MetricsResult,
  errorMessage,
  readControlPlanes,
  readKubeSnapshot,
} from './clusterSnapshot';
import { LocatedTarget } from './entityTargets';
import { viewKey } from './principalKey';
import { SingleFlightCache } from './SingleFlightCache';
import { TopologyHints } from './TopologyHints';

function sameScope(a: string[] | undefined, b: string[] | undefined) {
  return a === b || (!!a && !!b && a.join('\n') === b.join('\n'));
}

function sameMeshes(a: MeshAdapter[], b: MeshAdapter[]): boolean {
  return a.length === b.length && a.every(adapter => b.includes(adapter));
}

/** Everything read from one cluster for a set of namespaces (or all). */
export interface ClusterRead {
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

export interface ClusterReadsOptions {
  adapters: () => MeshAdapter[];
  hints: TopologyHints;
  flights: SingleFlightCache;
  certificateReader: CertificateReader;
  prometheus: Map<string, PrometheusClient>;
}

/**
 * What to read besides the namespaces' objects: each mesh's policies,
 * certificates and metrics over a window, or nothing (`'objects'`, for a
 * caller that queries Prometheus itself).
 */
export type ReadWanted = { window: string; summary?: boolean } | 'objects';

/**
 * Reads what the mesh status of a cluster needs: control planes, the
 * namespaces' objects, and each mesh's policies, certificates and metrics,
 * in as few rounds as what it learnt before allows (TopologyHints).
 */
export class ClusterReads {
  private readonly meshReads: MeshReads;

  constructor(private readonly options: ClusterReadsOptions) {
    this.meshReads = new MeshReads(options);
  }

  private get adapters() {
    return this.options.adapters();
  }
  private get hints() {
    return this.options.hints;
  }
  private get flights() {
    return this.options.flights;
  }

  async controlPlanes(
    session: KubernetesSession,
    credentials: BackstageCredentials,
    reader: MeshClusterReader,
  ) {
    // Shared for a cluster read under the plugin's identity, else per principal.
    const view = await viewKey(session, credentials, reader.cluster);
    return this.flights.get(`control-planes:${view}:${reader.cluster}`, () =>
      readControlPlanes(
        reader,
        this.adapters,
        this.hints.controlPlanes(reader.cluster),
      ),
    );
  }

  /**
   * Reads a cluster. With the cluster's control planes remembered from an
   * earlier request (TopologyHints), everything goes out in one round: the
   * control planes again (to confirm them and for their health), the
   * namespaces' objects, and the policies, certificates and PromQL of every
   * remembered mesh. Without them, or when they turn out stale, the reads
   * that depend on the control planes follow in a second round. The number
   * of requests depends on the scope and the adapters, never on the number
   * of workloads or entities.
   */
  async readCluster(
    session: KubernetesSession,
    credentials: BackstageCredentials,
    cluster: string,
    target: LocatedTarget | undefined,
    want: ReadWanted,
  ): Promise<ClusterRead> {
    const withMeshReads = want !== 'objects';
    const { window, summary = false } = withMeshReads ? want : { window: '' };
    const reader = session.reader(cluster);
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
      errors: [],
    };
    const hinted = this.hints.controlPlanes(cluster);
    const freshPlanes = this.controlPlanes(session, credentials, reader).then(
      cp => {
        this.hints.rememberControlPlanes(cluster, cp.controlPlanes);
        return cp;
      },
    );
    freshPlanes.catch(() => undefined);
    const meshReads = new Map<
      string,
      { key: string; read: Promise<MeshRead> }
    >();
    const startMeshRead = (
      adapter: MeshAdapter,
      controlPlane: MeshControlPlaneState,
      namespaces: string[] | undefined,
    ) => {
      const key = JSON.stringify([
        adapter.certificateSources(
          controlPlane,
          namespaces?.length === 1 ? namespaces[0] : undefined,
        ),
        namespaces ?? null,
      ]);
      const started = meshReads.get(adapter.mesh);
      if (started?.key === key) return started.read;
      const next = this.meshReads.readMesh(reader, adapter, controlPlane, {
        cluster,
        namespaces,
        window,
        summary,
      });
      meshReads.set(adapter.mesh, { key, read: next });
      return next;
    };
    const installedOf = (planes: Record<string, MeshControlPlaneState>) =>
      this.adapters.filter(a => planes[a.mesh]);
    const snapshotOf = (
      adapters: MeshAdapter[],
      namespaces: string[] | undefined,
    ) =>
      readKubeSnapshot(
        reader,
        namespaces,
        new Map(adapters.map(a => [a.mesh, a.detectionResources])),
      );

    let installed: MeshAdapter[];
    try {
      const selector =
        target && !target.namespace
          ? formatLabelSelector(target.selector)
          : undefined;
      const located = this.namespacesOf(reader, target).then(namespaces => {
        if (selector && namespaces) {
          this.hints.rememberNamespaces(cluster, selector, namespaces);
        }
        return namespaces;
      });
      located.catch(() => undefined);
      // The namespaces to read, as far as known before the list confirms them.
      let knownScope: { namespaces: string[] | undefined } | undefined;
      if (!target) knownScope = { namespaces: undefined };
      else if (target.namespace)
        knownScope = { namespaces: [target.namespace] };
      else {
        const remembered = this.hints.namespaces(cluster, selector!);
        if (remembered?.length) knownScope = { namespaces: remembered };
      }
      let early:
        | {
            adapters: MeshAdapter[];
            namespaces: string[] | undefined;
            snapshot: Promise<KubeSnapshot>;
          }
        | undefined;
      if (hinted && knownScope) {
        const adapters = installedOf(hinted);
        const scoped = knownScope.namespaces;
        early = {
          adapters,
          namespaces: scoped,
          snapshot: snapshotOf(adapters, scoped),
        };
        early.snapshot.catch(() => undefined);
        const likely = withMeshReads
          ? this.likelyMeshReads(cluster, adapters, scoped, summary)
          : [];
        for (const [a, scope] of likely) {
          startMeshRead(a, hinted[a.mesh], scope);
        }
      }
      const namespaces = await located;
      const cp = await freshPlanes;
      if (cp.unreachable) {
        // No adapter could read the cluster: a second round of reads would
        // only wait for the same timeout again.
        read.kubeError = `Reading cluster ${cluster} failed: ${cp.unreachable}`;
        return read;
      }
      read.controlPlanes = cp.controlPlanes;
      read.errors.push(...cp.errors);
      if (namespaces && namespaces.length === 0) return read;
      installed = installedOf(cp.controlPlanes);
      if (summary) {
        for (const a of installed) {
          startMeshRead(a, cp.controlPlanes[a.mesh], undefined);
        }
      }
      read.snapshot = await (early &&
      sameMeshes(early.adapters, installed) &&
      sameScope(early.namespaces, namespaces)
        ? early.snapshot
        : snapshotOf(installed, namespaces));
      const scope = namespaces ?? [...read.snapshot.namespaces.keys()];
      for (const ns of scope) {
        const mesh = detectMesh(
          cluster,
          ns,
          read.snapshot,
          installed,
          cp.controlPlanes,
        );
        read.meshes.set(ns, mesh);
        this.hints.rememberMesh(cluster, ns, mesh?.adapter.mesh ?? null);
      }
    } catch (e) {
      read.kubeError = `Reading cluster ${cluster} failed: ${errorMessage(e)}`;
      return read;
    }
    if (!withMeshReads) return read;

    // The meshes the answer needs: every installed one for the overview,
    // those found in the entity's namespaces otherwise. A read started
    // early for the same scope and sources is used; another is started now.
    const needed = new Map<MeshAdapter, string[] | undefined>();
    if (summary) {
      for (const a of installed) needed.set(a, undefined);
    } else {
      for (const [ns, mesh] of read.meshes) {
        if (!mesh) continue;
        needed.set(mesh.adapter, [...(needed.get(mesh.adapter) ?? []), ns]);
      }
    }
    const results = await Promise.all(
      [...needed].map(([adapter, namespaces]) =>
        startMeshRead(adapter, read.controlPlanes[adapter.mesh], namespaces),
      ),
    );
    for (const mesh of results) {
      for (const [ns, p] of mesh.policies) {
        read.policies.set(`${mesh.adapter.mesh}/${ns}`, p);
      }
      read.certificates.set(mesh.adapter.mesh, mesh.certificates);
      read.metrics.set(mesh.adapter.mesh, mesh.metrics);
      read.errors.push(...mesh.errors);
    }
    return read;
  }

  /**
   * Every installed mesh's certificates in a cluster, with the errors of
   * the control planes' read.
   */
  async readClusterCertificates(
    session: KubernetesSession,
    credentials: BackstageCredentials,
    cluster: string,
    window: string,
  ): Promise<{ meshes: MeshCertificateRead[]; errors: UpstreamError[] }> {
    const reader = session.reader(cluster);
    const cp = await this.controlPlanes(session, credentials, reader).catch(
      e => ({
        controlPlanes: {} as Record<string, MeshControlPlaneState>,
        errors: [{ source: 'kubernetes' as const, message: errorMessage(e) }],
      }),
    );
    const meshes = await Promise.all(
      this.adapters
        .filter(a => cp.controlPlanes[a.mesh])
        .map(adapter =>
          this.meshReads.readMeshCertificates(
            reader,
            adapter,
            cp.controlPlanes[adapter.mesh],
            window,
          ),
        ),
    );
    return { meshes, errors: cp.errors };
  }

  /**
   * The mesh reads to start before the namespaces' objects confirm which
   * mesh runs them: for the overview every installed mesh over the whole
   * cluster; for an entity the meshes its namespaces had last time, each
   * over its namespaces (every installed mesh when one is not known).
   */
  private likelyMeshReads(
    cluster: string,
    installed: MeshAdapter[],
    namespaces: string[] | undefined,
    summary: boolean,
  ): Array<[MeshAdapter, string[] | undefined]> {
    if (summary || !namespaces) return installed.map(a => [a, undefined]);
    const known = namespaces.map(ns => this.hints.meshOf(cluster, ns));
    if (known.some(mesh => mesh === undefined)) {
      return installed.map(a => [a, namespaces]);
    }
    return installed
      .map(
        a =>
          [a, namespaces.filter((_, i) => known[i] === a.mesh)] as [
            MeshAdapter,
            string[],
          ],
      )
      .filter(([, scope]) => scope.length > 0);
  }

  /** The namespaces to read: the annotated one, those holding the entity's workloads, or all (undefined). */
  async namespacesOf(
    reader: MeshClusterReader,
    target: LocatedTarget | undefined,
  ): Promise<string[] | undefined> {
    if (!target) return undefined;
    if (target.namespace) return [target.namespace];
    const labelSelector = formatLabelSelector(target.selector);
    const lists = await Promise.all(
      WORKLOAD_RESOURCES.map(t => reader.list(t, { labelSelector })),
    );
    return [...new Set(lists.flat().map(o => o.metadata.namespace ?? ''))]
      .filter(Boolean)
      .sort();
  }
}
