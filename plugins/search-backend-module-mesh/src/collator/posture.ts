import {
  CertificateStatus,
  DataPlane,
  EntityMeshStatus,
  MeshName,
  MtlsMode,
  OverviewEntity,
  UpstreamError,
  summarizeClusterStatuses,
  ProxyShare,
} from '@meshlens/plugin-mesh-common';

/** A set of the entity's clusters that run the same mesh. */
export interface MeshMembership {
  mesh: Exclude<MeshName, 'none'>;
  /** The mesh's title from its adapter, or its id when the status had none. */
  title: string;
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
  /** The proxies' measured share of the pods; absent when not measured. */
  proxyShare?: ProxyShare;
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
  clusters: Array<{
    cluster: string;
    mesh: MeshName;
    dataPlane: DataPlane;
    meshTitle?: string;
  }>,
): MeshMembership[] {
  const memberships: MeshMembership[] = [];
  for (const { cluster, mesh, dataPlane, meshTitle } of clusters) {
    if (mesh === 'none') continue;
    const same = memberships.find(
      m => m.mesh === mesh && m.dataPlane === dataPlane,
    );
    if (!same) {
      memberships.push({
        mesh,
        title: meshTitle ?? mesh,
        dataPlane,
        clusters: [cluster],
      });
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
            meshTitle: entity.meshTitle,
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
    ...(entity.proxyShareOfTotal && { proxyShare: entity.proxyShareOfTotal }),
  };
}

/**
 * Folds one entity's per-cluster status into an overview row, by the same
 * rules as the overview itself, so a document reads the same whichever
 * call it came from.
 */
export function postureFromEntityStatus(
  status: EntityMeshStatus,
): EntityPosture {
  const share = status.cost?.totals.proxyShareOfTotal;
  return postureFromOverview({
    entityRef: status.entityRef,
    ...summarizeClusterStatuses(status.clusters),
    ...(share &&
      (share.cpu !== undefined || share.memory !== undefined) && {
        proxyShareOfTotal: share,
      }),
  });
}
