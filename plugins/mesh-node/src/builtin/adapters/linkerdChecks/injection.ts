import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { MeshAssessmentContext } from '../../../index';
import {
  ADMISSION_WEBHOOKS,
  INJECT_ANNOTATION,
  INJECT_ENABLED,
  mistakenLabel,
} from '../linkerdOnboarding';
import { LINKERD_CHECKS } from './catalogue';

const INJECT_VALID = [...INJECT_ENABLED, 'disabled'];
/** Namespaces the chart's proxyInjector.namespaceSelector leaves out. */
const NEVER_INJECTED = ['kube-system', 'cert-manager'];

/** MESH-LNK-001, MESH-LNK-002 and MESH-LNK-007: how the namespace asks for proxies. */
export function injectionChecks(
  context: MeshAssessmentContext,
  enrollHint: (namespace: string) => string,
): MeshCheck[] {
  const checks: MeshCheck[] = [];
  const ns = context.namespaceName;
  const labels = context.namespace?.metadata.labels ?? {};
  const mistaken = mistakenLabel(context.namespace);
  if (mistaken) {
    checks.push(
      checkResult(LINKERD_CHECKS.injectionLabel, {
        message: `Namespace ${ns} has the label ${mistaken}=${labels[mistaken]}, which Linkerd ignores: injection is switched by an annotation`,
        hint: `kubectl label namespace ${ns} ${mistaken}- && ${enrollHint(ns)}`,
      }),
    );
  }
  const value = context.namespace?.metadata.annotations?.[INJECT_ANNOTATION];
  if (value !== undefined && !INJECT_VALID.includes(value)) {
    checks.push(
      checkResult(LINKERD_CHECKS.injectValue, {
        message: `Namespace ${ns} has ${INJECT_ANNOTATION}=${value}; Linkerd accepts only enabled, ingress or disabled`,
        hint: `kubectl annotate --overwrite namespace ${ns} ${INJECT_ANNOTATION}=enabled`,
      }),
    );
  }
  if (value !== undefined && INJECT_ENABLED.includes(value)) {
    if (labels[ADMISSION_WEBHOOKS] === 'disabled') {
      checks.push(
        checkResult(LINKERD_CHECKS.webhookExcluded, {
          message: `Namespace ${ns} asks for proxies (${INJECT_ANNOTATION}=${value}) but its label ${ADMISSION_WEBHOOKS}=disabled keeps the proxy injector away: no pod gets a proxy`,
          hint: `kubectl label namespace ${ns} ${ADMISSION_WEBHOOKS}- && kubectl rollout restart deployment -n ${ns}`,
        }),
      );
    } else if (NEVER_INJECTED.includes(ns)) {
      checks.push(
        checkResult(LINKERD_CHECKS.webhookExcluded, {
          message: `Namespace ${ns} asks for proxies (${INJECT_ANNOTATION}=${value}), but the proxy injector never sees ${NEVER_INJECTED.join(
            ' or ',
          )}: no pod gets a proxy`,
          hint: `Run the workloads in a namespace of their own, or remove the annotation: kubectl annotate namespace ${ns} ${INJECT_ANNOTATION}-`,
        }),
      );
    }
  }
  return checks;
}
