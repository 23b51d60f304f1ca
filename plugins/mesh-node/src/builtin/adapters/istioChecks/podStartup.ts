import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import { initBeforeProxyCheck } from '../initContainers';
import { INJECTION_LABEL, REVISION_LABEL } from '../istioOnboarding';
import { ISTIO_CHECKS } from './catalogue';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const NATIVE_SIDECAR = 'sidecar.istio.io/nativeSidecar';

const isInjected = (labels: Record<string, string>) =>
  labels[INJECTION_LABEL] === 'enabled' ||
  (labels[INJECTION_LABEL] === undefined &&
    labels[REVISION_LABEL] !== undefined);

/** The ReplicaSets of the entity's Deployments whose pods Pod Security refused. */
function refusedReplicaSets(context: MeshAssessmentContext) {
  const deployments = new Set(
    context.workloads.filter(w => w.kind === 'Deployment').map(w => w.name),
  );
  return (context.resources.ReplicaSet ?? []).flatMap(rs => {
    const owned = (rs.metadata.ownerReferences ?? []).some(
      (o: any) => o.kind === 'Deployment' && deployments.has(o.name),
    );
    const failure = (rs.status?.conditions ?? []).find(
      (c: any) =>
        c.type === 'ReplicaFailure' &&
        c.reason === 'FailedCreate' &&
        /violates PodSecurity/.test(c.message ?? ''),
    );
    return owned && failure
      ? [{ name: rs.metadata.name as string, message: String(failure.message) }]
      : [];
  });
}

/**
 * MESH-IST-006: without istio-cni, the injected istio-init adds NET_ADMIN
 * and NET_RAW, which the baseline and restricted levels refuse, so the
 * ReplicaSet never creates the pods.
 */
export function podSecurityChecks(context: MeshAssessmentContext): MeshCheck[] {
  const labels = context.namespace?.metadata.labels ?? {};
  const ns = context.namespaceName;
  const level = labels[ENFORCE];
  const refused = refusedReplicaSets(context);
  const predicted =
    (level === 'baseline' || level === 'restricted') &&
    isInjected(labels) &&
    context.controlPlane.details.cni === false;
  if (refused.length === 0 && !predicted) return [];
  const evidence = refused.length
    ? refused.map(r => `ReplicaSet ${ns}/${r.name}: ${r.message}`).join('; ')
    : `the namespace enforces Pod Security level ${level} and no istio-cni-node DaemonSet runs, so the injected istio-init (NET_ADMIN, NET_RAW) is refused`;
  return [
    checkResult(ISTIO_CHECKS.podSecurityBlocksInit, {
      message: `Pods of ${ns} are not created: ${evidence}`,
      hint: `Install istio-cni (helm install istio-cni istio/cni -n istio-system) with pilot.cni.enabled=true in istiod, then kubectl rollout restart deployment -n ${ns}; or, accepting privileged pods, kubectl label namespace ${ns} --overwrite ${ENFORCE}=privileged`,
    }),
  ];
}

/**
 * MESH-IST-007: what the injector added (istio-validation when it believes
 * istio-cni runs, istio-init otherwise) against the istio-cni DaemonSet.
 */
export function cniChecks(
  context: MeshAssessmentContext,
  hasSidecar: (pod: KubeObject) => boolean,
): MeshCheck[] {
  const cni = context.controlPlane.details.cni;
  if (typeof cni !== 'boolean') return [];
  const withInit = (name: string) =>
    context.workloads
      .filter(w =>
        w.pods.some(
          p =>
            hasSidecar(p) &&
            (p.spec?.initContainers ?? []).some((c: any) => c.name === name),
        ),
      )
      .map(w => w.name);
  const validated = withInit('istio-validation');
  const iptables = withInit('istio-init');
  if (!cni && validated.length > 0) {
    return [
      checkResult(ISTIO_CHECKS.cniMismatch, {
        message: `${validated.join(
          ', ',
        )} were injected for istio-cni (init container istio-validation: pilot.cni.enabled is true), but no istio-cni-node DaemonSet runs: nothing redirects their traffic and istio-validation fails`,
        hint: 'Install istio-cni (helm install istio-cni istio/cni -n istio-system), or set pilot.cni.enabled=false in istiod and restart the workloads',
      }),
    ];
  }
  if (cni && iptables.length > 0) {
    return [
      checkResult(ISTIO_CHECKS.cniMismatch, {
        status: 'warn',
        message: `istio-cni runs, but ${iptables.join(
          ', ',
        )} were injected with istio-init (pilot.cni.enabled is false): their pods still need NET_ADMIN and NET_RAW`,
        hint: 'Set pilot.cni.enabled=true in the istiod values (helm upgrade istiod istio/istiod -n istio-system --reuse-values --set pilot.cni.enabled=true), then restart the workloads',
      }),
    ];
  }
  return [];
}

/** MESH-IST-008: application init containers that start before istio-proxy. */
export function initOrderChecks(context: MeshAssessmentContext): MeshCheck[] {
  return initBeforeProxyCheck(context, {
    definition: ISTIO_CHECKS.initBeforeProxy,
    names: { proxy: 'istio-proxy', init: ['istio-init', 'istio-validation'] },
    nativeSidecarAnnotation: NATIVE_SIDECAR,
    note: 'holdApplicationUntilProxyStarts orders app containers only',
    requires: 'Istio 1.24+, Kubernetes 1.28+',
    otherwise:
      'or run those init containers as UID 1337, whose traffic is not redirected',
  });
}
