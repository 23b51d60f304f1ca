import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { MeshCheck } from '@meshlens/plugin-mesh-common';
import {
  isDnsLabel,
  KUBE_RESOURCES,
  KubeObject,
  KubernetesClusterClient,
  MeshStatusService,
  meshTitleOf,
} from '@meshlens/plugin-mesh-node';
import { ControlPlaneReading, readControlPlane } from './controlPlane';
import { OnboardingMesh, OnboardingMeshes } from './meshes';
import { strictMtlsCheck } from './strictGuard';
import { OnboardingRequest } from './types';

/** Namespaces that run the cluster, never onboarded; each mesh adds its own. */
export const SYSTEM_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'cert-manager',
];

/** Prefixes of system namespaces; each mesh adds its own. */
export const SYSTEM_NAMESPACE_PREFIXES = ['kube-', 'openshift-'];

/** The outcome of the pre-flight checks, with what they read. */
export interface PreflightResult {
  checks: MeshCheck[];
  /** The namespace as it is now; undefined when it does not exist or was not read. */
  namespace?: KubeObject;
  controlPlane?: ControlPlaneReading;
}

const check = (
  id: string,
  status: MeshCheck['status'],
  message: string,
  hint = '',
): MeshCheck => ({ id, status, message, hint });

function systemNamespaceReason(
  meshes: OnboardingMeshes,
  name: string,
  namespace: KubeObject | undefined,
  protectedNamespaces: string[],
  controlPlaneNamespace: string | undefined,
): string | undefined {
  const own = meshes.adapters.map(a => a.onboarding.systemNamespaces);
  const names = [...SYSTEM_NAMESPACES, ...own.flatMap(o => o.names)];
  if (names.includes(name) || protectedNamespaces.includes(name)) {
    return 'a system namespace';
  }
  const prefix = [
    ...SYSTEM_NAMESPACE_PREFIXES,
    ...own.flatMap(o => o.prefixes),
  ].find(p => name.startsWith(p));
  if (prefix) {
    return `a system or mesh namespace (prefix ${prefix})`;
  }
  if (controlPlaneNamespace === name) {
    return "the mesh's control-plane namespace";
  }
  const label = own
    .flatMap(o => o.labels)
    .find(l => namespace?.metadata.labels?.[l] !== undefined);
  if (label) {
    return `a mesh control-plane namespace (label ${label})`;
  }
  return undefined;
}

/**
 * Other meshes' enrolment markers, the target mesh's own conflicts, and
 * every mesh's known mistakes (mesh-facts section 7), as the adapters say.
 */
function markerChecks(
  meshes: OnboardingMeshes,
  mesh: OnboardingMesh,
  request: OnboardingRequest,
  namespace: KubeObject,
): MeshCheck {
  const target = mesh.adapter;
  const problems: string[] = [];
  if (!target.onboarding.coexistsWithOtherMeshes) {
    for (const other of meshes.adapters) {
      if (other === target) continue;
      const marker = other.onboarding.enrolmentMarker(namespace);
      if (marker) {
        problems.push(
          `the namespace is already enrolled in ${meshTitleOf(other)} (${
            marker.description
          })`,
        );
      }
    }
  }
  problems.push(...target.onboarding.markerConflicts(namespace, request));
  const warnings = meshes.adapters.flatMap(a =>
    a.onboarding.markerMistakes(namespace),
  );
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

/**
 * The pre-flight checks of onboarding. Only reads: GET requests and the
 * status service.
 */
export async function runPreflightChecks(options: {
  api: KubernetesClusterClient;
  meshes: OnboardingMeshes;
  mesh: OnboardingMesh;
  request: OnboardingRequest;
  credentials: BackstageCredentials;
  meshStatus?: MeshStatusService;
  protectedNamespaces?: string[];
}): Promise<PreflightResult> {
  const { api, meshes, mesh, request, credentials, meshStatus } = options;
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
    meshes,
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
  const controlPlane = await readControlPlane(api, mesh, request);

  const reason = systemNamespaceReason(
    meshes,
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

  if (!controlPlane.state) {
    const why = controlPlane.problems.length
      ? ` (${controlPlane.problems.join('; ')})`
      : '';
    checks.push(
      check(
        'control-plane',
        'fail',
        `mesh: no ${request.mesh} control plane found in namespace ${controlPlane.namespace} of ${request.cluster}${why}`,
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
    checks.push(markerChecks(meshes, mesh, request, namespace));
  }
  checks.push(
    await strictMtlsCheck({
      api,
      mesh,
      request,
      controlPlane,
      meshStatus,
      credentials,
    }),
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
