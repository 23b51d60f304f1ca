import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { MeshCheck } from '@meshlens/plugin-mesh-common';
import {
  isDnsLabel,
  KUBE_RESOURCES,
  KubeObject,
  KubernetesClusterClient,
  MeshStatusService,
} from '@meshlens/plugin-mesh-node';
import { ControlPlaneState, readControlPlane } from './controlPlane';
import { OnboardingRequest } from './types';

/** Namespaces that run the cluster or a mesh, never onboarded. */
export const SYSTEM_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
  'cilium',
  'cilium-secrets',
  'cilium-spire',
  'cert-manager',
];

/** Prefixes of system and mesh namespaces (linkerd, linkerd-viz, ...). */
export const SYSTEM_NAMESPACE_PREFIXES = ['kube-', 'linkerd', 'openshift-'];

const CONTROL_PLANE_LABELS = [
  'linkerd.io/is-control-plane',
  'linkerd.io/extension',
  'linkerd.io/control-plane-ns',
];

/** The outcome of the pre-flight checks, with what they read. */
export interface PreflightResult {
  checks: MeshCheck[];
  /** The namespace as it is now; undefined when it does not exist or was not read. */
  namespace?: KubeObject;
  controlPlane?: ControlPlaneState;
}

const check = (
  id: string,
  status: MeshCheck['status'],
  message: string,
  hint = '',
): MeshCheck => ({ id, status, message, hint });

function systemNamespaceReason(
  name: string,
  namespace: KubeObject | undefined,
  protectedNamespaces: string[],
  controlPlaneNamespace: string | undefined,
): string | undefined {
  if (SYSTEM_NAMESPACES.includes(name) || protectedNamespaces.includes(name)) {
    return 'a system namespace';
  }
  const prefix = SYSTEM_NAMESPACE_PREFIXES.find(p => name.startsWith(p));
  if (prefix) {
    return `a system or mesh namespace (prefix ${prefix})`;
  }
  if (controlPlaneNamespace === name) {
    return "the mesh's control-plane namespace";
  }
  const label = CONTROL_PLANE_LABELS.find(
    l => namespace?.metadata.labels?.[l] !== undefined,
  );
  if (label) {
    return `a mesh control-plane namespace (label ${label})`;
  }
  return undefined;
}

/** Enrolment markers of other meshes, and the mistakes guides make (mesh-facts section 7). */
function markerChecks(
  request: OnboardingRequest,
  namespace: KubeObject,
): MeshCheck {
  const labels = namespace.metadata.labels ?? {};
  const annotations = namespace.metadata.annotations ?? {};
  const problems: string[] = [];
  const warnings: string[] = [];

  const linkerd = ['enabled', 'ingress'].includes(
    annotations['linkerd.io/inject'] ?? '',
  );
  const istioSidecar =
    labels['istio-injection'] === 'enabled' ||
    labels['istio.io/rev'] !== undefined;
  const ambient = labels['istio.io/dataplane-mode'] === 'ambient';

  if (request.mesh !== 'linkerd' && request.mesh !== 'cilium' && linkerd) {
    problems.push(
      'the namespace is already enrolled in Linkerd (annotation linkerd.io/inject)',
    );
  }
  if (request.mesh === 'linkerd' && (istioSidecar || ambient)) {
    problems.push(
      'the namespace is already enrolled in Istio (istio-injection, istio.io/rev or istio.io/dataplane-mode)',
    );
  }
  if (request.mesh === 'istio' && ambient) {
    problems.push(
      'the namespace is enrolled in Istio ambient (istio.io/dataplane-mode=ambient); moving to sidecars is a migration, not an onboarding',
    );
  }
  if (request.mesh === 'istio-ambient' && istioSidecar) {
    problems.push(
      'the namespace has Istio sidecar injection on; moving to ambient is a migration, not an onboarding',
    );
  }
  if (
    request.mesh === 'linkerd' &&
    labels['config.linkerd.io/admission-webhooks'] === 'disabled'
  ) {
    problems.push(
      "the label config.linkerd.io/admission-webhooks=disabled makes Linkerd's proxy injector skip this namespace",
    );
  }
  if (labels['linkerd.io/injection'] !== undefined) {
    warnings.push(
      'the label linkerd.io/injection does nothing (Linkerd reads the annotation linkerd.io/inject); remove it to avoid confusion',
    );
  }
  if (
    labels['istio-injection'] === 'enabled' &&
    labels['istio.io/rev'] !== undefined
  ) {
    warnings.push(
      'both istio-injection and istio.io/rev are set: istio-injection wins and the revision is ignored',
    );
  }

  if (problems.length > 0) {
    return check(
      'namespace-markers',
      'fail',
      `namespace: ${problems.join('; ')}`,
      'Take the namespace out of the other mesh (or remove the label) first, or pick the mesh it is in.',
    );
  }
  if (warnings.length > 0) {
    return check(
      'namespace-markers',
      'warn',
      warnings.join('; '),
      'These do not block onboarding; Meshlens leaves labels it does not own alone.',
    );
  }
  return check(
    'namespace-markers',
    'pass',
    'No conflicting mesh markers on the namespace.',
  );
}

async function strictCheck(
  request: OnboardingRequest,
  controlPlane: ControlPlaneState | undefined,
  meshStatus: MeshStatusService | undefined,
  credentials: BackstageCredentials,
): Promise<MeshCheck> {
  const id = 'strict-mtls-callers';
  if (request.mtlsMode !== 'strict') {
    return check(
      id,
      'pass',
      'PERMISSIVE mTLS accepts callers without a proxy.',
    );
  }
  if (request.mesh === 'cilium' && controlPlane?.mutualAuthEnabled === false) {
    return check(
      id,
      'fail',
      'mtlsMode: strict needs Cilium mutual authentication, and mesh-auth-enabled is not "true" in cilium-config',
      'Enable mutual authentication (authentication.mutual.spire.enabled in the Cilium chart) or use mtlsMode permissive.',
    );
  }
  if (!request.entityRef) {
    return check(
      id,
      'warn',
      'Could not check the callers: no entityRef was given, so nothing tells which workloads call this namespace.',
      'Pass the entity (entityRef) so Meshlens can refuse STRICT while callers without a proxy send traffic.',
    );
  }
  if (!meshStatus) {
    return check(
      id,
      'warn',
      'Could not check the callers: the Meshlens status service is not available.',
      'Add @meshlens/plugin-mesh-backend to the backend.',
    );
  }
  const status = await meshStatus.getEntityStatus(request.entityRef, {
    credentials,
  });
  const clusters = status.clusters.filter(
    c => c.cluster === request.cluster && c.namespace === request.namespace,
  );
  if (clusters.length === 0) {
    return check(
      id,
      'warn',
      `Could not check the callers: ${request.entityRef} has no workloads in ${request.cluster}/${request.namespace}.`,
      "Check the entity's Kubernetes annotations.",
    );
  }
  const plaintext = new Set<string>();
  const partial: string[] = [];
  let measured = false;
  for (const c of clusters) {
    for (const w of c.workloads) {
      for (const edge of w.edges) {
        if (edge.direction !== 'inbound') continue;
        measured = true;
        if (edge.mtls === false) {
          plaintext.add(`${edge.peer.namespace}/${edge.peer.name} → ${w.name}`);
        }
      }
      if (w.mtls.encryptedShare !== null) {
        measured = true;
        if (w.mtls.encryptedShare < 1) {
          partial.push(
            `${w.name} (${
              Math.round(w.mtls.encryptedShare * 1000) / 10
            }% encrypted)`,
          );
        }
      }
    }
  }
  if (plaintext.size > 0 || partial.length > 0) {
    const who = [
      ...(plaintext.size > 0
        ? [`callers without mTLS: ${[...plaintext].join(', ')}`]
        : []),
      ...(partial.length > 0
        ? [`inbound traffic not fully encrypted: ${partial.join(', ')}`]
        : []),
    ];
    return check(
      id,
      'fail',
      `mtlsMode: STRICT would refuse traffic that is sent today without a proxy (${who.join(
        '; ',
      )})`,
      'Onboard the callers first and keep PERMISSIVE; switch to STRICT once the encrypted share is 100%.',
    );
  }
  if (!measured) {
    const errors = clusters.flatMap(c => c.errors.map(e => e.message));
    return check(
      id,
      'warn',
      `Could not check the callers: no inbound traffic was measured for ${
        request.entityRef
      }${errors.length ? ` (${errors.join('; ')})` : ''}.`,
      'STRICT is allowed, but nothing proves every caller has a proxy.',
    );
  }
  return check(
    id,
    'pass',
    'Every caller seen in the window used mTLS; STRICT is safe.',
  );
}

/**
 * The pre-flight checks of onboarding. Only reads: GET requests and the
 * status service.
 */
export async function runPreflightChecks(options: {
  api: KubernetesClusterClient;
  request: OnboardingRequest;
  credentials: BackstageCredentials;
  meshStatus?: MeshStatusService;
  protectedNamespaces?: string[];
}): Promise<PreflightResult> {
  const { api, request, credentials, meshStatus } = options;
  const protectedNamespaces = options.protectedNamespaces ?? [];
  const checks: MeshCheck[] = [];

  if (!isDnsLabel(request.namespace)) {
    checks.push(
      check(
        'namespace-name',
        'fail',
        `namespace: "${request.namespace}" is not a valid namespace name (RFC 1123 label)`,
        'Use at most 63 lowercase letters, digits and "-".',
      ),
    );
    return { checks };
  }
  checks.push(
    check('namespace-name', 'pass', `"${request.namespace}" is a valid name.`),
  );

  const nameReason = systemNamespaceReason(
    request.namespace,
    undefined,
    protectedNamespaces,
    request.controlPlaneNamespace,
  );
  if (nameReason) {
    checks.push(
      check(
        'namespace-not-system',
        'fail',
        `namespace: "${request.namespace}" is ${nameReason} and is never onboarded`,
        'Pick the namespace your service runs in.',
      ),
    );
    return { checks };
  }

  const namespace = await api.get(KUBE_RESOURCES.namespace, request.namespace);
  const controlPlane = await readControlPlane(api, request.mesh, {
    namespace: request.controlPlaneNamespace,
    istioRevision: request.istioRevision,
  });

  const reason = systemNamespaceReason(
    request.namespace,
    namespace,
    protectedNamespaces,
    controlPlane.namespace,
  );
  checks.push(
    reason
      ? check(
          'namespace-not-system',
          'fail',
          `namespace: "${request.namespace}" is ${reason} and is never onboarded`,
          'Pick the namespace your service runs in.',
        )
      : check(
          'namespace-not-system',
          'pass',
          `"${request.namespace}" is not a system or control-plane namespace.`,
        ),
  );

  checks.push(
    namespace
      ? check(
          'namespace-exists',
          'pass',
          `Namespace ${request.namespace} exists in ${request.cluster}.`,
        )
      : check(
          'namespace-exists',
          'fail',
          `namespace: "${request.namespace}" does not exist in cluster ${request.cluster}`,
          'Create the namespace first (or check the cluster name).',
        ),
  );

  if (!controlPlane.installed) {
    checks.push(
      check(
        'control-plane',
        'fail',
        `mesh: no ${request.mesh} control plane found in namespace ${
          controlPlane.namespace
        } of ${request.cluster} (${controlPlane.problems.join('; ')})`,
        'Install the mesh first, or give controlPlaneNamespace if it runs elsewhere.',
      ),
    );
  } else if (!controlPlane.healthy) {
    checks.push(
      check(
        'control-plane',
        'fail',
        `The ${request.mesh} control plane in ${
          controlPlane.namespace
        } is not healthy: ${controlPlane.problems.join('; ')}`,
        'Fix the control plane before onboarding: new pods would not get a proxy or a certificate.',
      ),
    );
  } else {
    checks.push(
      check(
        'control-plane',
        'pass',
        `The ${request.mesh} control plane in ${controlPlane.namespace} is installed and ready.`,
      ),
    );
  }

  if (namespace) {
    checks.push(markerChecks(request, namespace));
  }
  checks.push(
    await strictCheck(request, controlPlane, meshStatus, credentials),
  );
  return { checks, namespace, controlPlane };
}

/** One line per check that did not pass. */
export function describeProblems(checks: MeshCheck[]): string {
  return checks
    .filter(c => c.status !== 'pass')
    .map(c => `[${c.id}] ${c.message}${c.hint ? ` (${c.hint})` : ''}`)
    .join('\n');
}
