import {
  KubernetesClusterClient,
  MeshControlPlaneState,
} from '@meshlens/plugin-mesh-node';
import { OnboardingMesh } from './meshes';
import { OnboardingRequest } from './types';

/** The mesh's control plane as its adapter read it, judged for this request. */
export interface ControlPlaneReading {
  /** Where it runs, or where it was looked for. */
  namespace: string;
  /** Undefined when not installed (or not where the request said). */
  state?: MeshControlPlaneState;
  healthy: boolean;
  /** What is missing or not ready, for the check's message. */
  problems: string[];
}

/**
 * Reads the control plane through the adapter, the same reading as the
 * Mesh tab's; only GET requests.
 */
export async function readControlPlane(
  api: KubernetesClusterClient,
  mesh: OnboardingMesh,
  request: OnboardingRequest,
): Promise<ControlPlaneReading> {
  const { adapter } = mesh;
  const expected =
    request.controlPlaneNamespace ??
    adapter.onboarding.defaultControlPlaneNamespace;
  const state = await adapter.readControlPlane({
    cluster: request.cluster,
    get: (type, name, namespace) => api.get(type, name, namespace),
    list: (type, options) => api.list(type, options),
  });
  if (!state) {
    return { namespace: expected, healthy: false, problems: [] };
  }
  if (
    request.controlPlaneNamespace &&
    state.namespace !== request.controlPlaneNamespace
  ) {
    return {
      namespace: expected,
      healthy: false,
      problems: [`it runs in namespace ${state.namespace}`],
    };
  }
  const problems = [
    ...state.problems,
    ...adapter.onboarding.controlPlaneProblems(state, request),
  ];
  return {
    namespace: state.namespace,
    state,
    healthy: state.healthy && problems.length === 0,
    problems,
  };
}
