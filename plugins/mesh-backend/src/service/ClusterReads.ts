import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { UpstreamError } from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshClusterReader,
  MeshControlPlaneState,
  KubernetesSession,
  formatLabelSelector,
} from '@meshlens/plugin-mesh-node';
import { CertificateReader } from '../clients/CertificateReader';
import { PrometheusClient } from '../clients/PrometheusClient';
import {
  ClusterRead,
  ReadWanted,
  addMeshReads,
  emptyClusterRead,
  neededMeshReads,
} from './clusterReadResult';
import { detectMesh } from './meshDetection';
import { MeshCertificateRead, MeshRead, MeshReads } from './MeshReads';
import {
  KubeSnapshot,
  errorMessage,
  readControlPlanes,
  readKubeSnapshot,
} from './clusterSnapshot';
import { LocatedTarget } from './entityTargets';
import { viewKey } from './principalKey';
import {
  knownScope,
  likelyMeshReads,
  namespacesOf,
  sameMeshes,
  sameScope,
} from './readScope';
import { SingleFlightCache } from './SingleFlightCache';
import { TopologyHints } from './TopologyHints';

export interface ClusterReadsOptions {
  adapters: () => MeshAdapter[];
  hints: TopologyHints;
  flights: SingleFlightCache;
  certificateReader: CertificateReader;
  prometheus: Map<string, PrometheusClient>;
}

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
    const key = `control-planes:${view}:${reader.cluster}`;
    const read = () =>
      readControlPlanes(
        reader,
        this.adapters,
        this.hints.controlPlanes(reader.cluster),
      );
    // A refresh ahead of the TTL reads them again with the rest.
    return session.refreshing && view === 'shared'
      ? this.flights.renew(key, read)
      : this.flights.get(key, read);
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
    const read = emptyClusterRead(cluster);
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
      const located = namespacesOf(reader, target).then(namespaces => {
        if (selector && namespaces) {
          this.hints.rememberNamespaces(cluster, selector, namespaces);
        }
        return namespaces;
      });
      located.catch(() => undefined);
      const known = knownScope(this.hints, cluster, target, selector);
      let early:
        | {
            adapters: MeshAdapter[];
            namespaces: string[] | undefined;
            snapshot: Promise<KubeSnapshot>;
          }
        | undefined;
      if (hinted && known) {
        const adapters = installedOf(hinted);
        const scoped = known.namespaces;
        early = {
          adapters,
          namespaces: scoped,
          snapshot: snapshotOf(adapters, scoped),
        };
        early.snapshot.catch(() => undefined);
        const likely = withMeshReads
          ? likelyMeshReads(this.hints, cluster, adapters, scoped, summary)
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

    // A read started early for the same scope and sources is used; another
    // is started now.
    const needed = neededMeshReads(read, installed, summary);
    const results = await Promise.all(
      [...needed].map(([adapter, namespaces]) =>
        startMeshRead(adapter, read.controlPlanes[adapter.mesh], namespaces),
      ),
    );
    addMeshReads(read, results);
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
}
