import { ClusterMeshStatus } from '@meshlens/plugin-mesh-common';

/**
 * True when the entity's workloads in this cluster actually run in a mesh.
 * A mesh installed in the cluster is not enough: a namespace that was never
 * enrolled (or enrolled with a marker the mesh ignores) has pods without
 * proxies, and its owner needs the way in, not a dashboard of zeros.
 */
export function isClusterMeshed(cluster: ClusterMeshStatus): boolean {
  if (cluster.mesh === 'none') return false;
  if (cluster.workloads.length === 0) return true;
  return cluster.workloads.some(w => w.meshedPods > 0);
}
