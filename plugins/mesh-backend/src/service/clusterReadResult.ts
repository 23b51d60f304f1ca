import { UpstreamError } from '@meshlens/plugin-mesh-common';
import { MeshAdapter, MeshControlPlaneState } from '@meshlens/plugin-mesh-node';
import { CertificateReadResult } from '../clients/CertificateReader';
import { KubeSnapshot, MetricsResult } from './clusterSnapshot';
import { NamespaceMesh } from './meshDetection';
import { MeshRead } from './MeshReads';

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

/**
 * What to read besides the namespaces' objects: each mesh's policies,
 * certificates and metrics over a window, or nothing (`'objects'`, for a
 * caller that queries Prometheus itself).
 */
export type ReadWanted = { window: string; summary?: boolean } | 'objects';

/** A cluster read with nothing in it yet. */
export function emptyClusterRead(cluster: string): ClusterRead {
  return {
    cluster,
    controlPlanes: {},
    snapshot: {
      namespaces: new Map(),
      pods: new Map(),
      workloads: new Map(),
      resources: new Map(),
      services: new Map(),
      ingresses: new Map(),
    },
    meshes: new Map(),
    policies: new Map(),
    certificates: new Map(),
    metrics: new Map(),
    errors: [],
  };
}

/**
 * The meshes the answer needs, each with the namespaces to read it over:
 * every installed one over the whole cluster for the overview (`summary`),
 * those found in the entity's namespaces otherwise.
 */
export function neededMeshReads(
  read: ClusterRead,
  installed: MeshAdapter[],
  summary: boolean,
): Map<MeshAdapter, string[] | undefined> {
  const needed = new Map<MeshAdapter, string[] | undefined>();
  if (summary) {
    for (const a of installed) needed.set(a, undefined);
  } else {
    for (const [ns, mesh] of read.meshes) {
      if (!mesh) continue;
      needed.set(mesh.adapter, [...(needed.get(mesh.adapter) ?? []), ns]);
    }
  }
  return needed;
}

/** Adds each mesh's policies, certificates, metrics and errors to the read. */
export function addMeshReads(read: ClusterRead, results: MeshRead[]): void {
  for (const mesh of results) {
    for (const [ns, p] of mesh.policies) {
      read.policies.set(`${mesh.adapter.mesh}/${ns}`, p);
    }
    read.certificates.set(mesh.adapter.mesh, mesh.certificates);
    read.metrics.set(mesh.adapter.mesh, mesh.metrics);
    read.errors.push(...mesh.errors);
  }
}
