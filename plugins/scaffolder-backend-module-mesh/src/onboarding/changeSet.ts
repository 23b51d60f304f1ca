import {
  allowedNamespaces,
  KUBE_RESOURCES,
  KubeObject,
  managedObject,
  MESH_FIELD_MANAGER,
  MESH_POLICY_NAME,
  MeshControlPlaneState,
} from '@meshlens/plugin-mesh-node';
import { OnboardingMesh } from './meshes';
import { DesiredState, OnboardingRequest } from './types';

/** The field manager of every write, and the value of `managed-by` on our objects. */
export const FIELD_MANAGER = MESH_FIELD_MANAGER;

/** The name of the policy objects Meshlens writes for a namespace. */
export const POLICY_NAME = MESH_POLICY_NAME;

function kubernetesNetworkPolicy(
  request: OnboardingRequest,
  metricsPorts: number[],
): KubeObject {
  const from = allowedNamespaces(request).map(ns =>
    ns === request.namespace
      ? { podSelector: {} }
      : {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': ns },
          },
        },
  );
  const ingress: unknown[] = [];
  if (from.length > 0) {
    ingress.push({ from });
  }
  // Keep the proxies' metrics reachable, or the mesh's own dashboards go dark.
  if (metricsPorts.length > 0) {
    ingress.push({
      ports: metricsPorts.map(port => ({ protocol: 'TCP', port })),
    });
  }
  return managedObject(
    KUBE_RESOURCES.networkPolicy,
    POLICY_NAME,
    request.namespace,
    { podSelector: {}, policyTypes: ['Ingress'], ingress },
  );
}

/**
 * What the namespace should look like in the requested mesh, as its
 * adapter says. `live` is the namespace as it is now.
 */
export function desiredState(options: {
  mesh: OnboardingMesh;
  request: OnboardingRequest;
  live: KubeObject | undefined;
  controlPlane: MeshControlPlaneState;
  ports: Array<number | string>;
}): DesiredState {
  const { request, live, controlPlane, ports } = options;
  const { onboarding } = options.mesh.adapter;
  const enrolment = onboarding.enrolmentChange(request, live);
  const policies = onboarding.policyObjects(request, { controlPlane, ports });
  const objects = [...policies.value];
  if (request.defaultPolicy !== 'none') {
    // Kubernetes NetworkPolicy too: it holds at L3/L4 even for pods without a proxy.
    objects.push(
      kubernetesNetworkPolicy(
        request,
        options.mesh.dataPlane.proxyMetricsPorts,
      ),
    );
  }
  return {
    namespace: enrolment.value,
    objects,
    resourceTypes: [
      ...Object.values(KUBE_RESOURCES),
      ...onboarding.writesResources,
    ],
    restartNeeded: options.mesh.dataPlane.podsNeedRestart,
    notes: [...enrolment.notes, ...policies.notes],
  };
}
