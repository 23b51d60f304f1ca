import {
  allowedNamespaces,
  KUBE_RESOURCES,
  KubeObject,
  managedObject,
  MESH_POLICY_NAME,
  MeshOnboarding,
} from '../../index';
import { decisionText } from './decisionTexts';

/** Cilium onboarding: a CiliumNetworkPolicy, no marker (mesh-facts sections 3 and 4). */
export const ciliumOnboarding: MeshOnboarding = {
  // Every pod on the Cilium CNI is already in its data plane.
  dataPlanes: [
    {
      id: 'ebpf',
      title: 'Cilium',
      podsNeedRestart: false,
      waitForPods: false,
      proxyMetricsPorts: [],
      decision: decisionText('cilium'),
    },
  ],
  defaultControlPlaneNamespace: 'kube-system',
  systemNamespaces: {
    names: ['cilium', 'cilium-secrets', 'cilium-spire'],
    prefixes: [],
    labels: [],
  },
  writesResources: [KUBE_RESOURCES.ciliumNetworkPolicy],
  revisions: false,
  // The CNI runs under any sidecar mesh.
  coexistsWithOtherMeshes: true,

  needsPorts: () => false,

  controlPlaneProblems: () => [],

  strictMtlsBlocker(controlPlane) {
    return controlPlane.details.meshAuth === false
      ? {
          message:
            'mtlsMode: strict needs Cilium mutual authentication, and mesh-auth-enabled is not "true" in cilium-config',
          hint: 'Enable mutual authentication (authentication.mutual.spire.enabled in the Cilium chart) or use mtlsMode permissive.',
        }
      : undefined;
  },

  enrolmentChange: () => ({
    value: { labels: {}, annotations: {} },
    notes: [
      'Cilium needs no enrolment marker: every pod on the Cilium CNI is already in its data plane.',
    ],
  }),

  policyObjects(request) {
    const strict = request.mtlsMode === 'strict';
    const objects: KubeObject[] = [];
    if (!strict && request.defaultPolicy === 'none') {
      return { value: objects, notes: [] };
    }
    const allowed = allowedNamespaces(request);
    const auth = strict ? { authentication: { mode: 'required' } } : {};
    let ingress: unknown[];
    if (request.defaultPolicy === 'none') {
      ingress = [{ fromEntities: ['cluster'], ...auth }];
    } else if (allowed.length === 0) {
      // An empty rule selects the pods and allows nothing: default deny.
      ingress = [{}];
    } else {
      ingress = [
        {
          fromEndpoints: allowed.map(ns => ({
            matchLabels: { 'k8s:io.kubernetes.pod.namespace': ns },
          })),
          ...auth,
        },
      ];
    }
    objects.push(
      managedObject(
        KUBE_RESOURCES.ciliumNetworkPolicy,
        MESH_POLICY_NAME,
        request.namespace,
        { endpointSelector: {}, ingress },
      ),
    );
    return { value: objects, notes: [] };
  },

  enrolmentMarker: () => undefined,
  markerConflicts: () => [],
  markerMistakes: () => [],
  isOptedOut: () => false,
};
