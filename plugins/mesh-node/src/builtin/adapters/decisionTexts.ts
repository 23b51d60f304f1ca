import {
  meshComparison,
  meshComparisonSources,
} from '@meshlens/plugin-mesh-common';
import { MeshDecisionText } from '../../index';

/**
 * The ADR text of the built-in meshes. The comparison rows and their
 * sources are mesh-common's `meshComparison` data (every cell cites
 * `meshComparisonSources`); the consequences and checklists restate
 * /work/shared/mesh-facts.md sections 1-4 and 7 (enrolment markers,
 * restarts, certificates, common mistakes).
 */
const TEXTS: Record<
  string,
  Pick<MeshDecisionText, 'consequences' | 'checklist' | 'mtlsDrawback'>
> = {
  linkerd: {
    consequences: [
      'Good, because mTLS between meshed pods is on without configuration, with 24h workload certificates rotated by the proxy.',
      'Bad, because every pod gets a linkerd-proxy sidecar and existing pods need a rolling restart to get it.',
      'Bad, because the trust anchor and issuer certificates must be rotated before they expire (linkerd check warns 60 days ahead).',
    ],
    checklist: () => [
      `Annotate (not label) the namespace: \`linkerd.io/inject: enabled\`. The label \`linkerd.io/injection\` does nothing.`,
      'Restart the workloads (`kubectl rollout restart`) and confirm meshed pods = pods on the Mesh tab.',
      'Confirm the proxies use the current trust anchor (`linkerd.io/trust-root-sha256`) and that it is valid for at least 60 more days.',
      'Before STRICT (`config.linkerd.io/default-inbound-policy: all-authenticated`), confirm every caller is meshed.',
    ],
  },
  istio: {
    consequences: [
      'Good, because the full traffic-management set (routing, canary, fault injection, retries) becomes available.',
      'Bad, because every pod gets an istio-proxy sidecar (default request 100m CPU/128Mi) and existing pods need a rolling restart.',
      'Bad, because debugging needs Envoy knowledge and the CRD surface is large.',
    ],
    checklist: () => [
      'Label the namespace `istio-injection=enabled` or `istio.io/rev=<revision>`, never both (`istio-injection` wins).',
      'Opt pods out with the label `sidecar.istio.io/inject: "false"`, not the deprecated annotation.',
      'Restart the workloads and confirm meshed pods = pods on the Mesh tab.',
      'Keep `PeerAuthentication` PERMISSIVE until the encrypted share is 100%, then set STRICT.',
    ],
  },
  'istio-ambient': {
    consequences: [
      'Good, because pods keep their shape: no sidecar, no restart; ztunnel on each node carries L4 mTLS.',
      'Bad, because L7 policy and traffic management need a waypoint proxy, deployed and sized separately.',
    ],
    checklist: () => [
      'Label the namespace `istio.io/dataplane-mode=ambient`; no restart is needed.',
      'Confirm pods carry `ambient.istio.io/redirection: enabled` (set by Istio) on the Mesh tab.',
      'Deploy a waypoint (`istio.io/use-waypoint`) before relying on L7 policies.',
      'Keep `PeerAuthentication` PERMISSIVE until the encrypted share is 100%, then set STRICT.',
    ],
  },
  cilium: {
    consequences: [
      'Good, because there is no per-pod proxy: Cilium is already the data plane of every pod.',
      'Bad, because mutual authentication is Beta and HTTP metrics need L7 policies (Hubble sees L7 only for pods with L7 visibility).',
    ],
    checklist: () => [
      'For mutual authentication, confirm `mesh-auth-enabled: "true"` in the `cilium-config` ConfigMap.',
      'Add CiliumNetworkPolicy L7 rules where HTTP metrics are wanted (Hubble needs L7 visibility).',
      'Require `authentication.mode: required` only once every caller has a SPIRE identity.',
    ],
    mtlsDrawback:
      'mutual authentication is Beta (SPIRE) and must be required per policy rule',
  },
};

/** The ADR text of a built-in option (a key of `meshComparison`). */
export function decisionText(option: string): MeshDecisionText {
  const comparison = meshComparison[option];
  const text = TEXTS[option];
  if (!comparison || !text) {
    throw new Error(`No comparison data for ${option}`);
  }
  const keys = new Set([
    ...Object.values(comparison.cells).flatMap(c => c.sources),
    ...comparison.perPodMemoryMiB.sources,
  ]);
  return {
    comparison,
    sources: Object.fromEntries(
      [...keys].map(k => [k, meshComparisonSources[k]]),
    ),
    ...text,
  };
}
