import {
  CertificateInfo,
  ClusterMeshStatus,
  MeshName,
  MtlsMode,
  OverviewEntity,
} from './types';
import {
  compareCertificateStatus,
  weakestMtlsMode,
  worstCheck,
} from './grading';
import { failingCheckIds } from './checks';

/**
 * An entity's posture as one overview row, without the catalog's fields:
 * what the overview shows and the search documents describe, folded from
 * the entity's statuses per cluster and namespace.
 * @public
 */
export type EntityMeshSummary = Omit<
  OverviewEntity,
  'entityRef' | 'title' | 'owner'
>;

/**
 * Folds an entity's statuses (one per cluster and namespace) into one
 * summary: the first meshed cluster's mesh, pods, the weakest mTLS mode of
 * its meshed workloads, traffic-weighted success and encrypted shares, the
 * soonest certificate worth attention, the worst check, the IDs of the
 * checks that do not pass and every error.
 * @public
 */
export function summarizeClusterStatuses(
  statuses: ClusterMeshStatus[],
): EntityMeshSummary {
  const meshed = statuses.filter(s => s.mesh !== 'none');
  const main = meshed[0] ?? statuses[0];
  const workloads = statuses.flatMap(s => s.workloads);
  const meshedWorkloads = meshed.flatMap(s => s.workloads);
  let rps = 0;
  let okRps = 0;
  let encryptedRps = 0;
  let knownRps = 0;
  let anyMetrics = false;
  for (const w of meshedWorkloads) {
    if (!w.metrics) continue;
    anyMetrics = true;
    const r = w.metrics.requestsPerSecond;
    rps += r;
    if (w.metrics.successRate !== null) okRps += r * w.metrics.successRate;
    if (w.mtls.encryptedShare !== null) {
      knownRps += r;
      encryptedRps += r * w.mtls.encryptedShare;
    }
  }
  const soonest = soonestCertificate(statuses.flatMap(s => s.certificates));
  return {
    clusters: [...new Set(statuses.map(s => s.cluster).filter(Boolean))],
    mesh: (main?.mesh ?? 'none') as MeshName,
    dataPlane: main?.dataPlane ?? 'none',
    ...titleOf(main),
    perCluster: statuses
      .filter(s => s.cluster)
      .map(s => ({
        cluster: s.cluster,
        mesh: s.mesh,
        dataPlane: s.dataPlane,
        ...titleOf(s),
      })),
    pods: workloads.reduce((n, w) => n + w.pods, 0),
    meshedPods: workloads.reduce((n, w) => n + w.meshedPods, 0),
    mtlsMode: entityMtlsMode(meshed.length > 0, meshedWorkloads),
    encryptedShare: knownRps > 0 ? encryptedRps / knownRps : null,
    successRate: rps > 0 ? okRps / rps : null,
    requestsPerSecond: anyMetrics ? rps : null,
    soonestCertificateExpiry: soonest
      ? {
          daysLeft: soonest.daysLeft,
          status: soonest.status,
          subject: soonest.subject,
        }
      : null,
    worstCheck: worstCheck(statuses.flatMap(s => s.checks)),
    failingChecks: failingCheckIds(statuses.flatMap(s => s.checks)),
    errors: statuses.flatMap(s =>
      s.errors.map(e => ({ ...e, cluster: s.cluster })),
    ),
  };
}

/**
 * The certificate whose expiry is worth a person's attention soonest:
 * fewest days left, the worse grade first on a tie. Workload certificates
 * live a day and renew themselves, so the soonest of them says nothing
 * unless it failed to renew (graded worse than ok). Undefined when none
 * is.
 * @public
 */
export function soonestCertificate(
  certificates: CertificateInfo[],
): CertificateInfo | undefined {
  return certificates
    .filter(c => c.role !== 'workload' || c.status !== 'ok')
    .reduce<CertificateInfo | undefined>(
      (a, c) =>
        !a ||
        c.daysLeft < a.daysLeft ||
        (c.daysLeft === a.daysLeft &&
          compareCertificateStatus(c.status, a.status) > 0)
          ? c
          : a,
      undefined,
    );
}

/** The mesh title of a status, left out (not undefined: rows are JSON) when it has none. */
function titleOf(status: ClusterMeshStatus | undefined) {
  return status?.meshTitle ? { meshTitle: status.meshTitle } : {};
}

function entityMtlsMode(
  inMesh: boolean,
  meshedWorkloads: ClusterMeshStatus['workloads'],
): MtlsMode {
  if (meshedWorkloads.length > 0) {
    return weakestMtlsMode(meshedWorkloads.map(w => w.mtls.mode));
  }
  return inMesh ? 'unknown' : 'disabled';
}
