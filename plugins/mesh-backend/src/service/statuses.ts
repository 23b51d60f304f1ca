import {
  ClusterMeshStatus,
  MeshCheck,
  UpstreamError,
} from '@meshlens/plugin-mesh-common';
import { unreachableCheck } from './checks';

/** A status without a mesh: only checks (and errors) to say why. */
export function noneStatus(
  cluster: string,
  namespace: string,
  checks: MeshCheck[],
  errors: UpstreamError[] = [],
): ClusterMeshStatus {
  return {
    cluster,
    namespace,
    mesh: 'none',
    dataPlane: 'none',
    controlPlane: null,
    injection: { namespace: 'unset', marker: null },
    workloads: [],
    certificates: [],
    policies: [],
    checks,
    errors,
  };
}

/** The status of a cluster (or of every cluster) that could not be read. */
export function unreachableStatus(
  cluster: string,
  namespace: string | undefined,
  message: string,
): ClusterMeshStatus {
  return noneStatus(
    cluster,
    namespace ?? '',
    [unreachableCheck(cluster, message)],
    [{ source: 'kubernetes', message }],
  );
}
