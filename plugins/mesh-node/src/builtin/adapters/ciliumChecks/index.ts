import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import { CILIUM_CHECKS } from './catalogue';

export { CILIUM_CHECKS } from './catalogue';

const PROXY_VISIBILITY = 'policy.cilium.io/proxy-visibility';
const HELM_UPGRADE =
  'helm upgrade cilium cilium/cilium -n kube-system --reuse-values';

/** What the Cilium checks ask of the adapter. */
export interface CiliumFacts {
  isPodMeshed(pod: KubeObject, context: MeshAssessmentContext): boolean;
  enrollHint(namespace: string): string;
  requiresAuth(policy: KubeObject): boolean;
}

/** MESH-CIL-001 and MESH-CIL-002: which workloads Hubble sees at L7. */
function visibilityChecks(
  context: MeshAssessmentContext,
  cilium: CiliumFacts,
): MeshCheck[] {
  const checks: MeshCheck[] = [];
  const withoutL7 = context.workloads.filter(
    w => !w.pods.some(p => cilium.isPodMeshed(p, context)),
  );
  if (context.detection.enrolled && withoutL7.length > 0) {
    checks.push(
      checkResult(CILIUM_CHECKS.l7Visibility, {
        message: `${withoutL7
          .map(w => w.name)
          .join(
            ', ',
          )} have no L7 visibility: no CiliumNetworkPolicy with L7 rules selects them, so Hubble reports no HTTP metrics for them (only flows); their traffic shows as no data`,
        hint: cilium.enrollHint(context.namespaceName),
      }),
    );
  }
  const annotated = context.workloads.filter(w =>
    w.pods.some(p => p.metadata.annotations?.[PROXY_VISIBILITY] !== undefined),
  );
  if (annotated.length > 0) {
    checks.push(
      checkResult(CILIUM_CHECKS.proxyVisibilityAnnotation, {
        message: `${annotated
          .map(w => w.name)
          .join(
            ', ',
          )} rely on the annotation ${PROXY_VISIBILITY}, which Cilium no longer supports`,
        hint: 'Replace it with a CiliumNetworkPolicy with L7 rules',
      }),
    );
  }
  return checks;
}

/** MESH-CIL-003, -004 and -005: the cluster-wide switches of cilium-config. */
function configChecks(
  context: MeshAssessmentContext,
  cilium: CiliumFacts,
): MeshCheck[] {
  const details = context.controlPlane.details;
  const checks: MeshCheck[] = [];
  checks.push(
    details.encryption
      ? checkResult(CILIUM_CHECKS.encryptionOff, {
          status: 'pass',
          message:
            'Pod traffic between nodes is encrypted (WireGuard or IPsec)',
        })
      : checkResult(CILIUM_CHECKS.encryptionOff, {
          message:
            'enable-wireguard and enable-ipsec are off in cilium-config: pod traffic between nodes is not encrypted',
          hint: `${HELM_UPGRADE} --set encryption.enabled=true --set encryption.type=wireguard`,
        }),
  );
  // Absent from cilium-config (older charts, hand-written configs): not judged.
  const metrics = details.hubbleMetrics as string | null | undefined;
  const httpMetrics =
    typeof metrics !== 'string' || /(^|[\s,])http(V2)?(:|\s|,|$)/.test(metrics);
  if (details.hubble === false || !httpMetrics) {
    checks.push(
      checkResult(CILIUM_CHECKS.hubbleMetricsOff, {
        message:
          details.hubble === false
            ? 'Hubble is off (enable-hubble=false in cilium-config): no flows and no HTTP metrics'
            : `Hubble exports no HTTP metrics (hubble-metrics in cilium-config is "${metrics}"): requests/s, success rate and latency stay empty`,
        hint: `${HELM_UPGRADE} --set hubble.enabled=true --set hubble.metrics.enabled="{dns,drop,tcp,flow,httpV2:labelsContext=source_namespace\\,source_workload\\,destination_namespace\\,destination_workload}"`,
      }),
    );
  }
  const requiring = (context.policies.CiliumNetworkPolicy ?? []).filter(p =>
    cilium.requiresAuth(p),
  );
  if (!details.meshAuth) {
    checks.push(
      checkResult(CILIUM_CHECKS.mutualAuthOff, {
        status: requiring.length ? 'fail' : 'warn',
        message: requiring.length
          ? `${requiring
              .map(p => `CiliumNetworkPolicy ${p.metadata.name}`)
              .join(
                ', ',
              )} require mutual authentication, but mesh-auth-enabled is off in cilium-config: that requirement cannot be met`
          : 'Mutual authentication is off (mesh-auth-enabled in cilium-config): pods have no workload identity, so no connection counts as mTLS',
        hint: `${HELM_UPGRADE} --set authentication.mutual.spire.enabled=true --set authentication.mutual.spire.install.enabled=true, then require it per policy: authentication: { mode: required }`,
      }),
    );
  }
  return checks;
}

/** Every Cilium check of a namespace. */
export function ciliumChecks(
  context: MeshAssessmentContext,
  cilium: CiliumFacts,
): MeshCheck[] {
  return [
    ...visibilityChecks(context, cilium),
    ...configChecks(context, cilium),
  ];
}
