import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import {
  DATAPLANE_MODE_LABEL,
  hasInjectionAndRevision,
  INJECTION_LABEL,
  REVISION_LABEL,
} from '../istioOnboarding';
import { ISTIO_CHECKS } from './catalogue';

export const INJECT_POD_KEY = 'sidecar.istio.io/inject';

/** MESH-IST-001 and MESH-IST-002: the labels and annotations that ask for a sidecar. */
export function injectionMarkerChecks(
  context: MeshAssessmentContext,
): MeshCheck[] {
  const checks: MeshCheck[] = [];
  const ns = context.namespaceName;
  const labels = context.namespace?.metadata.labels ?? {};
  if (hasInjectionAndRevision(context.namespace)) {
    checks.push(
      checkResult(ISTIO_CHECKS.injectionAndRevision, {
        message: `Namespace ${ns} has both ${INJECTION_LABEL}=${labels[INJECTION_LABEL]} and ${REVISION_LABEL}=${labels[REVISION_LABEL]}: ${INJECTION_LABEL} wins and the revision is ignored`,
        hint: `Keep one: kubectl label namespace ${ns} ${INJECTION_LABEL}- to use revision ${labels[REVISION_LABEL]}`,
      }),
    );
  }
  const annotated = context.workloads.filter(
    w =>
      w.object.spec?.template?.metadata?.annotations?.[INJECT_POD_KEY] !==
        undefined ||
      w.pods.some(
        p =>
          p.metadata.annotations?.[INJECT_POD_KEY] !== undefined &&
          p.metadata.labels?.[INJECT_POD_KEY] === undefined,
      ),
  );
  if (annotated.length > 0) {
    checks.push(
      checkResult(ISTIO_CHECKS.injectAnnotation, {
        message: `${annotated
          .map(w => w.name)
          .join(', ')} use the deprecated annotation ${INJECT_POD_KEY}`,
        hint: `Set it as a pod-template label instead: metadata.labels["${INJECT_POD_KEY}"]: "true"`,
      }),
    );
  }
  return checks;
}

/**
 * MESH-IST-010: `istio.io/rev` names a revision no istiod runs, and pods
 * of the namespace go without a sidecar. A revision tag (a webhook, not
 * read) can serve such a name: pods with sidecars mean something does.
 */
export function revisionChecks(
  context: MeshAssessmentContext,
  hasSidecar: (pod: KubeObject) => boolean,
): MeshCheck[] {
  const labels = context.namespace?.metadata.labels ?? {};
  const revision = labels[REVISION_LABEL];
  if (revision === undefined || labels[INJECTION_LABEL] !== undefined) {
    return [];
  }
  const served = (context.controlPlane.details.revisions as string[]) ?? [];
  if (served.includes(revision)) return [];
  const pods = context.workloads.flatMap(w => w.pods);
  if (pods.some(hasSidecar)) return [];
  const ns = context.namespaceName;
  return [
    checkResult(ISTIO_CHECKS.revisionNotServed, {
      message: `Namespace ${ns} asks for revision ${REVISION_LABEL}=${revision}, but the istiod Deployments run ${
        served.join(', ') || 'no revision'
      }, and ${
        pods.length ? "the entity's pods have no sidecar" : 'no pod runs'
      }`,
      hint: `kubectl label namespace ${ns} --overwrite ${REVISION_LABEL}=${
        served[0] ?? '<revision>'
      } && kubectl rollout restart deployment -n ${ns} (if ${revision} is a revision tag: istioctl tag list)`,
    }),
  ];
}

/** MESH-AMB-005: ambient and sidecar injection asked for on one namespace. */
export function ambientAndInjectionChecks(
  context: MeshAssessmentContext,
): MeshCheck[] {
  const labels = context.namespace?.metadata.labels ?? {};
  const ns = context.namespaceName;
  const injected =
    labels[INJECTION_LABEL] === 'enabled' ||
    labels[REVISION_LABEL] !== undefined;
  if (labels[DATAPLANE_MODE_LABEL] !== 'ambient' || !injected) return [];
  const marker =
    labels[INJECTION_LABEL] === 'enabled'
      ? `${INJECTION_LABEL}=enabled`
      : `${REVISION_LABEL}=${labels[REVISION_LABEL]}`;
  return [
    checkResult(ISTIO_CHECKS.ambientAndInjection, {
      message: `Namespace ${ns} has both ${DATAPLANE_MODE_LABEL}=ambient and ${marker}: new pods get a sidecar, and ztunnel leaves pods with a sidecar alone, so they are not ambient`,
      hint: `Keep one: kubectl label namespace ${ns} ${
        marker.split('=')[0]
      }- for ambient, then kubectl rollout restart deployment -n ${ns}`,
    }),
  ];
}
