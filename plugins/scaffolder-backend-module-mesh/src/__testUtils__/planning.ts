import { MeshControlPlaneState } from '@meshlens/plugin-mesh-node';
import { OnboardingMesh, OnboardingMeshes } from '../onboarding/meshes';
import { MeshyAdapter } from './meshyAdapter';

/** Meshy's sidecar data plane, resolved as the action resolves a mesh input. */
export const meshyMesh = (): OnboardingMesh =>
  new OnboardingMeshes([new MeshyAdapter()]).resolve({ mesh: 'meshy' }, () => {
    throw new Error('"meshy" is no deprecated alias');
  });

/** A healthy control plane in `namespace`, as an adapter reads it. */
export const healthyControlPlane = (
  namespace: string,
): MeshControlPlaneState => ({
  namespace,
  version: '1.0',
  healthy: true,
  problems: [],
  details: {},
});
