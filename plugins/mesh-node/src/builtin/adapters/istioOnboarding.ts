import {
  allowedNamespaces,
  KUBE_RESOURCES,
  KubeObject,
  managedObject,
  MESH_POLICY_NAME,
  MeshOnboarding,
} from '../../index';
import { decisionText } from './decisionTexts';

export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
const SIDECAR_OPT_OUT = 'sidecar.istio.io/inject';
const AMBIENT = 'ambient';
const SIDECAR = 'sidecar';

/**
 * Whether both injection labels are set: `istio-injection` wins and the
 * revision is ignored. The tab's check and onboarding's warning both ask.
 */
export function hasInjectionAndRevision(
  namespace: KubeObject | undefined,
): boolean {
  const labels = namespace?.metadata.labels ?? {};
  return (
    labels[INJECTION_LABEL] !== undefined &&
    labels[REVISION_LABEL] !== undefined
  );
}

function markers(namespace: KubeObject) {
  const labels = namespace.metadata.labels ?? {};
  return {
    sidecar:
      labels[INJECTION_LABEL] === 'enabled' ||
      labels[REVISION_LABEL] !== undefined,
    ambient: labels[DATAPLANE_MODE_LABEL] === AMBIENT,
  };
}

/** Istio onboarding, sidecar and ambient (mesh-facts sections 2, 4 and 7). */
export const istioOnboarding: MeshOnboarding = {
  dataPlanes: [
    {
      id: SIDECAR,
      title: 'Istio (sidecar)',
      podsNeedRestart: true,
      waitForPods: true,
      proxyMetricsPorts: [15020, 15090],
      decision: decisionText('istio'),
    },
    // ztunnel picks up running pods; only sidecars need new pods.
    {
      id: AMBIENT,
      title: 'Istio ambient',
      podsNeedRestart: false,
      waitForPods: true,
      proxyMetricsPorts: [],
      decision: decisionText('istio-ambient'),
    },
  ],
  deprecatedAliases: { 'istio-ambient': AMBIENT },
  defaultControlPlaneNamespace: 'istio-system',
  systemNamespaces: { names: ['istio-system'], prefixes: [], labels: [] },
  writesResources: [
    KUBE_RESOURCES.istioPeerAuthentication,
    KUBE_RESOURCES.istioAuthorizationPolicy,
  ],
  revisions: true,
  coexistsWithOtherMeshes: false,

  needsPorts: () => false,

  controlPlaneProblems(controlPlane, request) {
    const problems: string[] = [];
    const revisions = (controlPlane.details.revisions as string[]) ?? [];
    if (request.revision && !revisions.includes(request.revision)) {
      problems.push(
        `no istiod of revision ${
          request.revision
        } (label ${REVISION_LABEL}; found ${revisions.join(', ') || 'none'})`,
      );
    }
    if (request.dataPlane === AMBIENT && !controlPlane.details.ambient) {
      problems.push(
        'no ztunnel DaemonSet (app=ztunnel): ambient needs Istio installed with the ambient profile',
      );
    }
    return problems;
  },

  strictMtlsBlocker: () => undefined,

  enrolmentChange(request, live) {
    const labels: Record<string, string | null> = {};
    const notes: string[] = [];
    const revision =
      request.revision ?? live?.metadata.labels?.[REVISION_LABEL];
    if (request.dataPlane === AMBIENT) {
      labels[DATAPLANE_MODE_LABEL] = AMBIENT;
      if (request.revision) labels[REVISION_LABEL] = request.revision;
    } else if (revision) {
      // istio-injection wins over istio.io/rev: never leave both.
      labels[REVISION_LABEL] = revision;
      labels[INJECTION_LABEL] = null;
      if (!request.revision) {
        notes.push(`Kept the namespace's Istio revision ${revision}.`);
      }
    } else {
      labels[INJECTION_LABEL] = 'enabled';
      labels[REVISION_LABEL] = null;
    }
    return { value: { labels, annotations: {} }, notes };
  },

  policyObjects(request) {
    const objects: KubeObject[] = [
      managedObject(
        KUBE_RESOURCES.istioPeerAuthentication,
        'default',
        request.namespace,
        {
          mtls: {
            mode: request.mtlsMode === 'strict' ? 'STRICT' : 'PERMISSIVE',
          },
        },
      ),
    ];
    if (request.defaultPolicy !== 'none') {
      const allowed = allowedNamespaces(request);
      // An ALLOW policy with no rules allows nothing: Istio's "allow-nothing".
      const spec =
        allowed.length === 0
          ? {}
          : {
              action: 'ALLOW',
              rules: [{ from: [{ source: { namespaces: allowed } }] }],
            };
      objects.push(
        managedObject(
          KUBE_RESOURCES.istioAuthorizationPolicy,
          MESH_POLICY_NAME,
          request.namespace,
          spec,
        ),
      );
    }
    return { value: objects, notes: [] };
  },

  enrolmentMarker(namespace) {
    const { sidecar, ambient } = markers(namespace);
    if (!sidecar && !ambient) return undefined;
    return {
      dataPlane: ambient ? AMBIENT : SIDECAR,
      description: `${INJECTION_LABEL}, ${REVISION_LABEL} or ${DATAPLANE_MODE_LABEL}`,
    };
  },

  markerConflicts(namespace, request) {
    const { sidecar, ambient } = markers(namespace);
    if (request.dataPlane === SIDECAR && ambient) {
      return [
        `the namespace is enrolled in Istio ambient (${DATAPLANE_MODE_LABEL}=${AMBIENT}); moving to sidecars is a migration, not an onboarding`,
      ];
    }
    if (request.dataPlane === AMBIENT && sidecar) {
      return [
        'the namespace has Istio sidecar injection on; moving to ambient is a migration, not an onboarding',
      ];
    }
    return [];
  },

  markerMistakes(namespace) {
    return hasInjectionAndRevision(namespace)
      ? [
          `both ${INJECTION_LABEL} and ${REVISION_LABEL} are set: ${INJECTION_LABEL} wins and the revision is ignored`,
        ]
      : [];
  },

  isOptedOut(meta, dataPlane) {
    return dataPlane === AMBIENT
      ? meta.labels?.[DATAPLANE_MODE_LABEL] === 'none'
      : meta.labels?.[SIDECAR_OPT_OUT] === 'false';
  },
};
