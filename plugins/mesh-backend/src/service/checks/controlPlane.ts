import { MeshCheck } from '@meshlens/plugin-mesh-common';
import { MeshControlPlaneState } from '@meshlens/plugin-mesh-node';

/** `control-plane.healthy`: the mesh's control plane, healthy or with what is not. */
export function controlPlaneCheck(
  mesh: string,
  controlPlane: MeshControlPlaneState,
): MeshCheck {
  return controlPlane.healthy
    ? {
        id: 'control-plane.healthy',
        status: 'pass',
        message: `The ${mesh} control plane in ${controlPlane.namespace} is healthy`,
        hint: '',
      }
    : {
        id: 'control-plane.healthy',
        status: 'fail',
        message: `The ${mesh} control plane is unhealthy: ${controlPlane.problems.join(
          '; ',
        )}`,
        hint: `kubectl get pods -n ${controlPlane.namespace}, and look at the events and logs of the pods that are not ready`,
      };
}
