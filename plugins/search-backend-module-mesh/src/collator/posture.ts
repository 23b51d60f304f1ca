import {
  CertificateStatus,
  DataPlane,
  EntityMeshStatus,
  MeshName,
  MtlsMode,
  OverviewEntity,
  UpstreamError,
  failingCheckIds,
} from '@meshlens/plugin-mesh-common';

/** A set of the entity's clusters that run the same mesh. */
export interface MeshMembership {
  mesh: Exclude<MeshName, 'none'>;
  dataPlane: DataPlane;
  clusters: string[];
}

/**
 * What the collator knows about one entity, whichever status call it came
 * from. It is the single input of the document text.
 */
export interface EntityPosture {
  clusters: string[];
  /** Empty when the entity is not in any mesh. */
  memberships: MeshMembership[];
  pods: number;
  meshedPods: number;
  mtlsMode: MtlsMode;
  encryptedShare: number | null;
  successRate: number | null;
  soonestCertificate: {
    daysLeft: number;
    status: CertificateStatus;
    subject: string;
  } | null;
  errors: Array<UpstreamError & { cluster: string }>;
  /** IDs of the checks that warn or fail (e.g. `MESH-IST-006`); none when absent. */
  failingChecks?: string[];
}

/** Clusters on which the entity's workloads could be read at all. */
export function readableClusters(posture: EntityPosture): string[] {
  const failed = new Set(
    posture.errors.filter(e => e.source === 'kubernetes').map(e => e.cluster),
  );
  return posture.clusters.filter(c => !failed.has(c));
}

/**
 * True when no mesh was seen and no cluster could be read either, so "not
 * meshed" would be a guess.
 */
export function isMeshUnknown(posture: EntityPosture): boolean {
  return (
    posture.memberships.length === 0 &&
    posture.errors.length > 0 &&
    readableClusters(posture).length === 0
  );
}

/** Groups the clusters an entity runs in by the mesh and data plane there. */
function membershipsOf(
  clusters: Array<{ cluster: string; mesh: MeshName; dataPlane: DataPlane }>,
): MeshMembership[] {
  const memberships: MeshMembership[] = [];
  for (const { cluster, mesh, dataPlane } of clusters) {
    if (mesh === 'none') continue;
    const same = memberships.find(
      m => m.mesh === mesh && m.dataPlane === dataPlane,
    );
    if (!same) {
      memberships.push({ mesh, dataPlane, clusters: [cluster] });
    } else if (!same.clusters.includes(cluster)) {
      same.clusters.push(cluster);
    }
  }
  return memberships;
}

export function postureFromOverview(entity: OverviewEntity): EntityPosture {
  return {
    clusters: entity.clusters,
    memberships: entity.perCluster
      ? membershipsOf(entity.perCluster)
      : membershipsOf(
          entity.clusters.map(cluster => ({
            cluster,
            mesh: entity.mesh,
            dataPlane: entity.dataPlane,
          })),
        ),
    pods: entity.pods,
    meshedPods: entity.meshedPods,
    mtlsMode: entity.mtlsMode,
    encryptedShare: entity.encryptedShare,
    successRate: entity.successRate,
    soonestCertificate: entity.soonestCertificateExpiry,
    errors: entity.errors,
    failingChecks: entity.failingChecks ?? [],
  };
}

// The weaker mode wins when workloads disagree: an entity that accepts
// plaintext anywhere is permissive as a whole.
const MTLS_WEAKNESS: MtlsMode[] = [
  'disabled',
  'permissive',
  'unknown',
  'automatic',
  'strict',
];

function weakestMode(modes: MtlsMode[]): MtlsMode {
  if (modes.length === 0) return 'unknown';
  return modes.reduce((a, b) =>
    MTLS_WEAKNESS.indexOf(a) <= MTLS_WEAKNESS.indexOf(b) ? a : b,
  );
}

function weightedAverage(
  samples: Array<{ value: number | null; weight: number }>,
): number | null {
  const known = samples.filter(
    (s): s is { value: number; weight: number } =>
      s.value !== null && s.weight > 0,
  );
  const total = known.reduce((sum, s) => sum + s.weight, 0);
  if (total === 0) return null;
  return known.reduce((sum, s) => sum + s.value * s.weight, 0) / total;
}

/** Folds one entity's per-cluster status into the same shape as an overview row. */
export function postureFromEntityStatus(
  status: EntityMeshStatus,
): EntityPosture {
  const memberships = membershipsOf(status.clusters);

  const workloads = status.clusters.flatMap(c => c.workloads);
  const meshedWorkloads = status.clusters
    .filter(c => c.mesh !== 'none')
    .flatMap(c => c.workloads);
  const certificates = status.clusters.flatMap(c => c.certificates);
  const soonest = certificates.reduce<(typeof certificates)[number] | null>(
    (first, cert) => (!first || cert.daysLeft < first.daysLeft ? cert : first),
    null,
  );

  return {
    clusters: [...new Set(status.clusters.map(c => c.cluster))],
    memberships,
    pods: workloads.reduce((sum, w) => sum + w.pods, 0),
    meshedPods: workloads.reduce((sum, w) => sum + w.meshedPods, 0),
    mtlsMode:
      memberships.length === 0
        ? 'disabled'
        : weakestMode(meshedWorkloads.map(w => w.mtls.mode)),
    encryptedShare: weightedAverage(
      workloads.map(w => ({
        value: w.mtls.encryptedShare,
        weight: w.metrics?.requestsPerSecond ?? 0,
      })),
    ),
    successRate: weightedAverage(
      workloads.map(w => ({
        value: w.metrics?.successRate ?? null,
        weight: w.metrics?.requestsPerSecond ?? 0,
      })),
    ),
    soonestCertificate: soonest
      ? {
          daysLeft: soonest.daysLeft,
          status: soonest.status,
          subject: soonest.subject,
        }
      : null,
    errors: status.clusters.flatMap(c =>
      c.errors.map(e => ({ ...e, cluster: c.cluster })),
    ),
    failingChecks: failingCheckIds(status.clusters.flatMap(c => c.checks)),
  };
}
