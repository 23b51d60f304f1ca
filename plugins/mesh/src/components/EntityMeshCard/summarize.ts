import {
  CertificateInfo,
  EntityMeshStatus,
  MeshCheck,
  MtlsMode,
  soonestCertificate,
  summarizeClusterStatuses,
} from '@meshlens/plugin-mesh-common';
import { meshAndDataPlane } from '../../lib/format';
import { isClusterMeshed } from '../../lib/meshed';

export interface EntityMeshSummary {
  meshes: string[];
  /** The weakest mTLS mode of any workload: a chain is as strong as its weakest link. */
  mtlsMode: MtlsMode | null;
  encryptedShare: number | null;
  successRate: number | null;
  requestsPerSecond: number | null;
  soonestCertificate: CertificateInfo | null;
  worstCheck: MeshCheck | null;
  pods: number;
  meshedPods: number;
  errors: number;
}

/**
 * The card's few numbers: the overview row's own fold of the entity's
 * statuses (mesh-common's `summarizeClusterStatuses`, so the card and the
 * fleet page never disagree), with the meshes named per cluster and the
 * whole certificate for its days-left bar.
 */
export function summarize(status: EntityMeshStatus): EntityMeshSummary {
  const row = summarizeClusterStatuses(status.clusters);
  const meshed = status.clusters.filter(isClusterMeshed);
  return {
    meshes: [
      ...new Set(
        meshed.map(
          c =>
            `${meshAndDataPlane(c.mesh, c.dataPlane, c.meshTitle)} on ${
              c.cluster
            }`,
        ),
      ),
    ],
    mtlsMode: meshed.length > 0 ? row.mtlsMode : null,
    encryptedShare: row.encryptedShare,
    successRate: row.successRate,
    requestsPerSecond: row.requestsPerSecond,
    soonestCertificate:
      soonestCertificate(status.clusters.flatMap(c => c.certificates)) ?? null,
    worstCheck: row.worstCheck,
    pods: row.pods,
    meshedPods: row.meshedPods,
    errors: row.errors.length,
  };
}
