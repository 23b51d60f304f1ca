import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { MeshControlPlaneState } from '@meshlens/plugin-mesh-node';
import { COMMON_CHECKS } from './catalogue';

/** MESH-COM-008: the mesh's control plane, healthy or with what is not. */
export function controlPlaneCheck(
  mesh: string,
  controlPlane: MeshControlPlaneState,
): MeshCheck {
  return controlPlane.healthy
    ? checkResult(COMMON_CHECKS.controlPlane, {
        status: 'pass',
        message: `The ${mesh} control plane in ${controlPlane.namespace} is healthy`,
      })
    : checkResult(COMMON_CHECKS.controlPlane, {
        message: `The ${mesh} control plane is unhealthy: ${controlPlane.problems.join(
          '; ',
        )}`,
        hint: `kubectl get pods -n ${controlPlane.namespace}, and look at the events and logs of the pods that are not ready`,
      });
}
