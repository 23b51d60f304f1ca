import { ClusterMeshStatus } from '@meshlens/plugin-mesh-common';
import { MeshAdapter } from '@meshlens/plugin-mesh-node';
import { CertificateReader } from '../clients/CertificateReader';
import { MeshConfig } from '../config';
import { assembleClusterStatus, entityWorkloads } from './assemble';
import { ClusterRead } from './clusterReadResult';
import { LocatedTarget } from './entityTargets';
import { WorkloadIndex } from './workloadIndex';

/** Turns what was read from a cluster into an entity's status in one namespace. */
export class NamespaceStatuses {
  constructor(
    private readonly options: {
      config: MeshConfig;
      adapters: () => MeshAdapter[];
      certificateReader: CertificateReader;
    },
  ) {}

  statusOf(
    read: ClusterRead,
    namespace: string,
    target: LocatedTarget,
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
    return assembleClusterStatus({
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
      certificateReader: this.options.certificateReader,
      errors: [
        ...read.errors.filter(
          e =>
            !mesh ||
            e.source !== 'prometheus' ||
            e.message.startsWith(`${mesh.adapter.mesh} `),
        ),
        ...(read.snapshot.ingressReadError
          ? [
              {
                source: 'kubernetes' as const,
                message: `Reading the Services and Ingresses of ${read.cluster} failed, so ingress callers are not recognised: ${read.snapshot.ingressReadError}`,
              },
            ]
          : []),
      ],
      services: read.snapshot.services.get(namespace),
      ingresses: read.snapshot.ingresses.get(namespace),
      clusterConfig: this.options.config.clusters.find(
        c => c.name === read.cluster,
      ),
      summary,
      unmeshed:
        !mesh && read.snapshot.namespaces.has(namespace)
          ? {
              cluster: read.cluster,
              namespace,
              snapshot: read.snapshot,
              installed: this.options
                .adapters()
                .filter(a => read.controlPlanes[a.mesh]),
              registered: this.options.adapters(),
              controlPlanes: read.controlPlanes,
            }
          : undefined,
      target,
    });
  }
}
