import {
  CertificateInfo,
  EntityMeshStatus,
  MeshCheck,
  MtlsMode,
} from '@meshlens/plugin-mesh-common';
import { meshAndDataPlane } from '../../lib/format';
import { certificateStatusRank, worstCheck } from '../../lib/grading';
import { isClusterMeshed } from '../../lib/meshed';

const MTLS_RANK: Record<MtlsMode, number> = {
  disabled: 0,
  unknown: 1,
  permissive: 2,
  automatic: 3,
  strict: 4,
};

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

/** Folds every cluster and workload of an entity into the card's few numbers. */
export function summarize(status: EntityMeshStatus): EntityMeshSummary {
  const meshed = status.clusters.filter(isClusterMeshed);
  const workloads = meshed.flatMap(c => c.workloads);
  let mtlsMode: MtlsMode | null = null;
  for (const w of workloads) {
    if (mtlsMode === null || MTLS_RANK[w.mtls.mode] < MTLS_RANK[mtlsMode]) {
      mtlsMode = w.mtls.mode;
    }
  }
  let rps = 0;
  let haveRps = false;
  let successWeighted = 0;
  let successWeight = 0;
  let encryptedWeighted = 0;
  let encryptedWeight = 0;
  for (const w of workloads) {
    if (!w.metrics) continue;
    haveRps = true;
    const r = w.metrics.requestsPerSecond;
    rps += r;
    if (w.metrics.successRate !== null) {
      successWeighted += w.metrics.successRate * r;
      successWeight += r;
    }
    if (w.mtls.encryptedShare !== null) {
      encryptedWeighted += w.mtls.encryptedShare * r;
      encryptedWeight += r;
    }
  }
  const certificates = status.clusters.flatMap(c => c.certificates);
  const soonestCertificate = certificates.reduce<CertificateInfo | null>(
    (soonest, cert) =>
      soonest === null ||
      cert.daysLeft < soonest.daysLeft ||
      (cert.daysLeft === soonest.daysLeft &&
        certificateStatusRank(cert.status) >
          certificateStatusRank(soonest.status))
        ? cert
        : soonest,
    null,
  );
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
    mtlsMode,
    encryptedShare:
      encryptedWeight > 0 ? encryptedWeighted / encryptedWeight : null,
    successRate: successWeight > 0 ? successWeighted / successWeight : null,
    requestsPerSecond: haveRps ? rps : null,
    soonestCertificate,
    worstCheck: worstCheck(status.clusters.flatMap(c => c.checks)) ?? null,
    pods: workloads.reduce((n, w) => n + w.pods, 0),
    meshedPods: workloads.reduce((n, w) => n + w.meshedPods, 0),
    errors: status.clusters.reduce((n, c) => n + c.errors.length, 0),
  };
}
