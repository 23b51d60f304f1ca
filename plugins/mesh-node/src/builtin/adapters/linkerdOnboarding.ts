import {
  allowedNamespaces,
  KUBE_RESOURCES,
  KubeObject,
  managedObject,
  MESH_POLICY_NAME,
  MeshOnboarding,
  MeshOnboardingRequest,
} from '../../index';
import { decisionText } from './decisionTexts';

export const INJECT_ANNOTATION = 'linkerd.io/inject';
export const INJECT_ENABLED = ['enabled', 'ingress'];
/** Labels people set by mistake instead of the annotation. */
export const MISTAKEN_LABELS = ['linkerd.io/injection', 'linkerd.io/inject'];
export const DEFAULT_INBOUND_POLICY =
  'config.linkerd.io/default-inbound-policy';
export const ADMISSION_WEBHOOKS = 'config.linkerd.io/admission-webhooks';
/** Linkerd's default trust domain; identities are `<sa>.<ns>.serviceaccount.identity.<cp ns>.<domain>`. */
const TRUST_DOMAIN = 'cluster.local';

/** The label the namespace carries by mistake instead of the annotation, if any. */
export function mistakenLabel(
  namespace: KubeObject | undefined,
): string | undefined {
  const labels = namespace?.metadata.labels ?? {};
  return MISTAKEN_LABELS.find(l => labels[l] !== undefined);
}

function wantsServers(request: MeshOnboardingRequest): boolean {
  return allowedNamespaces(request).length > 0;
}

/** Linkerd onboarding (mesh-facts sections 1, 4 and 7). */
export const linkerdOnboarding: MeshOnboarding = {
  dataPlanes: [
    {
      id: 'sidecar',
      title: 'Linkerd',
      podsNeedRestart: true,
      waitForPods: true,
      proxyMetricsPorts: [4191],
      decision: decisionText('linkerd'),
    },
  ],
  defaultControlPlaneNamespace: 'linkerd',
  systemNamespaces: {
    names: [],
    prefixes: ['linkerd'],
    labels: [
      'linkerd.io/is-control-plane',
      'linkerd.io/extension',
      'linkerd.io/control-plane-ns',
    ],
  },
  writesResources: [
    KUBE_RESOURCES.linkerdServer,
    KUBE_RESOURCES.linkerdMeshTlsAuthentication,
    KUBE_RESOURCES.linkerdAuthorizationPolicy,
  ],
  revisions: false,
  coexistsWithOtherMeshes: false,

  needsPorts: wantsServers,

  controlPlaneProblems: () => [],

  strictMtlsBlocker: () => undefined,

  enrolmentChange(request) {
    const annotations: Record<string, string | null> = {
      [INJECT_ANNOTATION]: 'enabled',
    };
    if (request.defaultPolicy !== 'none') {
      annotations[DEFAULT_INBOUND_POLICY] = 'deny';
    } else if (request.mtlsMode === 'strict') {
      annotations[DEFAULT_INBOUND_POLICY] = 'all-authenticated';
    }
    return { value: { labels: {}, annotations }, notes: [] };
  },

  policyObjects(request, { controlPlane, ports }) {
    const objects: KubeObject[] = [];
    const notes: string[] = [];
    const allowed = allowedNamespaces(request);
    if (allowed.length === 0) return { value: objects, notes };
    if (ports.length === 0) {
      notes.push(
        'No port found for Linkerd Servers (no Service in the namespace and no ports given): every inbound connection is denied until Servers exist.',
      );
    }
    for (const port of ports) {
      objects.push(
        managedObject(
          KUBE_RESOURCES.linkerdServer,
          `meshlens-port-${port}`,
          request.namespace,
          { podSelector: {}, port },
        ),
      );
    }
    objects.push(
      managedObject(
        KUBE_RESOURCES.linkerdMeshTlsAuthentication,
        MESH_POLICY_NAME,
        request.namespace,
        {
          identities: allowed.map(
            ns =>
              `*.${ns}.serviceaccount.identity.${controlPlane.namespace}.${TRUST_DOMAIN}`,
          ),
        },
      ),
      managedObject(
        KUBE_RESOURCES.linkerdAuthorizationPolicy,
        MESH_POLICY_NAME,
        request.namespace,
        {
          targetRef: { kind: 'Namespace', name: request.namespace },
          requiredAuthenticationRefs: [
            {
              group: 'policy.linkerd.io',
              kind: 'MeshTLSAuthentication',
              name: MESH_POLICY_NAME,
            },
          ],
        },
      ),
    );
    return { value: objects, notes };
  },

  enrolmentMarker(namespace) {
    const value = namespace.metadata.annotations?.[INJECT_ANNOTATION];
    return value !== undefined && INJECT_ENABLED.includes(value)
      ? { dataPlane: 'sidecar', description: `annotation ${INJECT_ANNOTATION}` }
      : undefined;
  },

  markerConflicts(namespace) {
    return namespace.metadata.labels?.[ADMISSION_WEBHOOKS] === 'disabled'
      ? [
          `the label ${ADMISSION_WEBHOOKS}=disabled makes Linkerd's proxy injector skip this namespace`,
        ]
      : [];
  },

  markerMistakes(namespace) {
    const label = mistakenLabel(namespace);
    return label
      ? [
          `the label ${label} does nothing (Linkerd reads the annotation ${INJECT_ANNOTATION}); remove it to avoid confusion`,
        ]
      : [];
  },

  isOptedOut: meta => meta.annotations?.[INJECT_ANNOTATION] === 'disabled',
};
