import { MeshCheck, checkResult } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import { ISTIO_CHECKS } from './catalogue';

const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
const WAYPOINT_CLASS = 'istio-waypoint';

/** The L7 fields of an AuthorizationPolicy, which only a waypoint can enforce. */
export function l7FieldsOf(policy: KubeObject): string[] {
  const fields = new Set<string>();
  for (const rule of policy.spec?.rules ?? []) {
    for (const to of rule.to ?? []) {
      for (const key of [
        'methods',
        'notMethods',
        'paths',
        'notPaths',
        'hosts',
        'notHosts',
      ]) {
        if (to.operation?.[key]?.length) fields.add(key);
      }
    }
    for (const from of rule.from ?? []) {
      if (from.source?.requestPrincipals?.length) {
        fields.add('requestPrincipals');
      }
    }
    for (const when of rule.when ?? []) {
      if (/^request\./.test(when.key ?? '')) fields.add(when.key);
    }
  }
  return [...fields];
}

const waypointsOf = (context: MeshAssessmentContext) =>
  (context.resources.Gateway ?? []).filter(
    g => g.spec?.gatewayClassName === WAYPOINT_CLASS,
  );

const isAmbient = (context: MeshAssessmentContext) =>
  context.detection.dataPlane === 'ambient';

/**
 * MESH-AMB-001 (no waypoint at all) and MESH-AMB-003 (a waypoint, but the
 * policy selects pods): ztunnel enforces L4 only, and an ALLOW policy it
 * cannot fully check fails safe, denying what it should allow.
 */
export function l7PolicyChecks(context: MeshAssessmentContext): MeshCheck[] {
  if (!isAmbient(context)) return [];
  const ns = context.namespaceName;
  const labels = context.namespace?.metadata.labels ?? {};
  const waypoints = waypointsOf(context);
  // A waypoint in another namespace is not read: no verdict then.
  const elsewhere = labels[USE_WAYPOINT_NAMESPACE] !== undefined;
  const checks: MeshCheck[] = [];
  for (const policy of context.policies.AuthorizationPolicy ?? []) {
    const fields = l7FieldsOf(policy);
    if (fields.length === 0) continue;
    const name = `${ns}/${policy.metadata.name}`;
    const attached = Boolean(
      policy.spec?.targetRefs?.length || policy.spec?.targetRef,
    );
    if (waypoints.length === 0 && !elsewhere) {
      checks.push(
        checkResult(ISTIO_CHECKS.l7PolicyWithoutWaypoint, {
          message: `AuthorizationPolicy ${name} matches on ${fields.join(
            ', ',
          )}, but namespace ${ns} has no waypoint: ${
            attached
              ? 'the policy is attached to nothing that enforces it'
              : 'ztunnel enforces L4 only, and the rule fails safe, denying the requests it should allow'
          }`,
          hint: `istioctl waypoint apply -n ${ns} --enroll-namespace, then attach the policy to it: spec.targetRefs: [{ kind: Gateway, group: gateway.networking.k8s.io, name: waypoint }] instead of spec.selector`,
        }),
      );
    } else if (waypoints.length > 0 && !attached) {
      checks.push(
        checkResult(ISTIO_CHECKS.selectorL7Policy, {
          message: `AuthorizationPolicy ${name} matches on ${fields.join(
            ', ',
          )} and selects pods (${
            policy.spec?.selector ? 'spec.selector' : 'the whole namespace'
          }): waypoint ${
            waypoints[0].metadata.name
          } ignores selector-based policies, and ztunnel, which applies it, cannot check L7 and fails safe`,
          hint: `Attach it to the waypoint or the Service instead: spec.targetRefs: [{ kind: Gateway, group: gateway.networking.k8s.io, name: ${waypoints[0].metadata.name} }] (remove spec.selector)`,
        }),
      );
    }
  }
  return checks;
}

/** MESH-AMB-002: `istio.io/use-waypoint` names a waypoint that does not exist. */
export function useWaypointChecks(context: MeshAssessmentContext): MeshCheck[] {
  const ns = context.namespaceName;
  const names = new Set(waypointsOf(context).map(g => g.metadata.name));
  const users: Array<{ what: string; meta: KubeObject['metadata'] }> = [
    ...(context.namespace
      ? [{ what: `namespace ${ns}`, meta: context.namespace.metadata }]
      : []),
    ...(context.resources.Service ?? []).map(s => ({
      what: `Service ${ns}/${s.metadata.name}`,
      meta: s.metadata,
    })),
    ...context.workloads.map(w => ({
      what: `${w.kind} ${ns}/${w.name}`,
      meta: w.object.spec?.template?.metadata ?? {},
    })),
  ];
  const missing = users.filter(({ meta }) => {
    const waypoint = meta.labels?.[USE_WAYPOINT];
    if (!waypoint || waypoint === 'none') return false;
    const where = meta.labels?.[USE_WAYPOINT_NAMESPACE] ?? ns;
    return where === ns && !names.has(waypoint);
  });
  if (missing.length === 0) return [];
  return [
    checkResult(ISTIO_CHECKS.missingWaypoint, {
      message: `${missing
        .map(u => `${u.what} uses waypoint ${u.meta.labels![USE_WAYPOINT]}`)
        .join(
          '; ',
        )}, but no Gateway of class ${WAYPOINT_CLASS} by that name exists in ${ns}: its L7 policies and routes do nothing`,
      hint: `istioctl waypoint apply -n ${ns} --name ${
        missing[0].meta.labels![USE_WAYPOINT]
      }, or fix the label ${USE_WAYPOINT}`,
    }),
  ];
}

/** MESH-AMB-004: sidecar-only resources in an ambient namespace. */
export function sidecarResourceChecks(
  context: MeshAssessmentContext,
): MeshCheck[] {
  if (!isAmbient(context)) return [];
  const ns = context.namespaceName;
  const found = [
    ...(context.resources.Sidecar ?? []),
    ...(context.resources.EnvoyFilter ?? []),
  ];
  if (found.length === 0) return [];
  return [
    checkResult(ISTIO_CHECKS.sidecarResourcesInAmbient, {
      message: `Namespace ${ns} is ambient, but has ${found
        .map(o => `${o.kind} ${o.metadata.name}`)
        .join(
          ', ',
        )}: ambient pods have no sidecar to apply them to, and waypoints do not support them`,
      hint: `Express the intent with waypoint routes and policies (HTTPRoute, AuthorizationPolicy with targetRefs), then ${found
        .map(
          o =>
            `kubectl delete ${(o.kind ?? '').toLowerCase()} ${
              o.metadata.name
            } -n ${ns}`,
        )
        .join('; ')}`,
    }),
  ];
}

/**
 * MESH-AMB-006: without a waypoint, ztunnel reports TCP only: the tab has
 * connections but no HTTP success rate or latency, and says why.
 */
export function waypointMetricsChecks(
  context: MeshAssessmentContext,
): MeshCheck[] {
  if (!isAmbient(context) || context.workloads.length === 0) return [];
  const ns = context.namespaceName;
  const labels = context.namespace?.metadata.labels ?? {};
  if (labels[USE_WAYPOINT_NAMESPACE] !== undefined) return [];
  const waypoints = waypointsOf(context);
  if (waypoints.length > 0) {
    return [
      checkResult(ISTIO_CHECKS.noWaypointMetrics, {
        status: 'pass',
        message: `Waypoint ${waypoints
          .map(w => w.metadata.name)
          .join(', ')} reports HTTP metrics for ${ns}`,
      }),
    ];
  }
  return [
    checkResult(ISTIO_CHECKS.noWaypointMetrics, {
      message: `Namespace ${ns} is ambient without a waypoint: ztunnel reports TCP connections only, so ${context.workloads
        .map(w => w.name)
        .join(', ')} ${
        context.workloads.length === 1 ? 'has' : 'have'
      } no HTTP success rate or latency`,
      hint: `istioctl waypoint apply -n ${ns} --enroll-namespace`,
    }),
  ];
}
