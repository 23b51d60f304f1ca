import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  MeshAssessmentContext,
  MeshWorkload,
  labelSelectorFromSpec,
  matchesLabelSelector,
} from '../../../index';
import { selectsWorkload } from '../common';
import { DEFAULT_INBOUND_POLICY } from '../linkerdOnboarding';
import { LINKERD_CHECKS } from './catalogue';

const ADMIN_PORTS = [4191, '4191', 'linkerd-admin'];

/** Whether an AuthorizationPolicy, a route of it or a ServerAuthorization authorizes the Server. */
function isAuthorized(server: KubeObject, context: MeshAssessmentContext) {
  const name = server.metadata.name;
  if (server.spec?.accessPolicy && server.spec.accessPolicy !== 'deny') {
    return true;
  }
  const routesOf = new Set(
    (context.policies.HTTPRoute ?? [])
      .filter(r =>
        (r.spec?.parentRefs ?? []).some(
          (p: any) => p.kind === 'Server' && p.name === name,
        ),
      )
      .map(r => r.metadata.name),
  );
  const byPolicy = (context.policies.AuthorizationPolicy ?? []).some(p => {
    const t = p.spec?.targetRef ?? {};
    return (
      (t.kind === 'Server' && t.name === name) ||
      t.kind === 'Namespace' ||
      (t.kind === 'HTTPRoute' && routesOf.has(t.name))
    );
  });
  const byServerAuthorization = (context.policies.ServerAuthorization ?? [])
    .map(a => a.spec?.server ?? {})
    .some(s => {
      if (s.name) return s.name === name;
      const selector = labelSelectorFromSpec(s.selector);
      return (
        selector !== undefined &&
        matchesLabelSelector(selector, server.metadata.labels)
      );
    });
  return byPolicy || byServerAuthorization;
}

const serversOf = (w: MeshWorkload, context: MeshAssessmentContext) =>
  (context.policies.Server ?? []).filter(s =>
    selectsWorkload(s.spec?.podSelector ?? {}, w),
  );

/** MESH-LNK-004: Servers that select the entity's pods and that nothing authorizes. */
export function serverAuthorizationChecks(
  context: MeshAssessmentContext,
): MeshCheck[] {
  const ns = context.namespaceName;
  const checks: MeshCheck[] = [];
  const reported = new Set<string>();
  for (const w of context.workloads) {
    for (const server of serversOf(w, context)) {
      const name = server.metadata.name;
      if (reported.has(name) || isAuthorized(server, context)) continue;
      reported.add(name);
      checks.push(
        checkResult(LINKERD_CHECKS.serverWithoutAuthorization, {
          message: `Server ${ns}/${name} (port ${
            server.spec?.port ?? '?'
          }) selects ${
            w.name
          }, but no AuthorizationPolicy or ServerAuthorization authorizes it: every request to that port is denied`,
          hint: `Authorize the callers, e.g.\napiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}-callers\n  namespace: ${ns}\nspec:\n  targetRef:\n    group: policy.linkerd.io\n    kind: Server\n    name: ${name}\n  requiredAuthenticationRefs:\n    - group: policy.linkerd.io\n      kind: MeshTLSAuthentication\n      name: ${name}-callers\n(and a MeshTLSAuthentication ${name}-callers listing their identities), or delete the Server`,
        }),
      );
    }
  }
  return checks;
}

/** The workload's default inbound policy, and where it is set. */
function defaultPolicyOf(w: MeshWorkload, context: MeshAssessmentContext) {
  const fromPod =
    w.object.spec?.template?.metadata?.annotations?.[DEFAULT_INBOUND_POLICY];
  if (fromPod) return { policy: fromPod, from: `${w.name}'s pod template` };
  const fromNs =
    context.namespace?.metadata.annotations?.[DEFAULT_INBOUND_POLICY];
  if (fromNs) return { policy: fromNs, from: `namespace ${w.namespace}` };
  const cluster = context.controlPlane.details.defaultInboundPolicy as
    | string
    | null;
  return { policy: cluster, from: 'the control plane' };
}

/**
 * MESH-LNK-005: under `deny`, the proxy's admin port (metrics) is denied
 * too unless a Server on it is authorized (linkerd2#9150).
 */
export function scrapingChecks(context: MeshAssessmentContext): MeshCheck[] {
  const ns = context.namespaceName;
  const blocked = context.workloads.filter(w => {
    if (defaultPolicyOf(w, context).policy !== 'deny') return false;
    return !serversOf(w, context).some(
      s => ADMIN_PORTS.includes(s.spec?.port) && isAuthorized(s, context),
    );
  });
  if (blocked.length === 0) return [];
  const noSeries = blocked.filter(
    w => context.traffic && !context.traffic.has(w.name),
  );
  const identity = `prometheus.linkerd-viz.serviceaccount.identity.${context.controlPlane.namespace}.cluster.local`;
  return [
    checkResult(LINKERD_CHECKS.defaultDenyBlocksScraping, {
      message: `${blocked
        .map(w => `${w.name} (deny, from ${defaultPolicyOf(w, context).from})`)
        .join(
          ', ',
        )}: the default inbound policy denies the proxy's admin port 4191 too, and no authorized Server opens it, so Prometheus cannot scrape the proxy${
        noSeries.length
          ? `; Prometheus has no series for ${noSeries
              .map(w => w.name)
              .join(', ')}`
          : ''
      }`,
      hint: `apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: linkerd-admin\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  port: linkerd-admin\n  proxyProtocol: HTTP/1\n---\napiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata:\n  name: prometheus\n  namespace: ${ns}\nspec:\n  identities: ["${identity}"]\n---\napiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata:\n  name: linkerd-admin-prometheus\n  namespace: ${ns}\nspec:\n  targetRef: { group: policy.linkerd.io, kind: Server, name: linkerd-admin }\n  requiredAuthenticationRefs:\n    - { group: policy.linkerd.io, kind: MeshTLSAuthentication, name: prometheus }`,
    }),
  ];
}
