/*
 * deploy/rbac.yaml in the integration tests: the demo API servers enforce
 * it for the tokens given, and the requests a test saw are replayed
 * against chosen ClusterRoles of it afterwards.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  RbacPolicy,
  RequestRecord,
  loadRbacManifest,
  rbacAllows,
} from '../../packages/demo-cluster/src';

export const RBAC_MANIFEST = join(__dirname, '../../deploy/rbac.yaml');
/** The service account deploy/rbac.yaml binds its roles to. */
export const MESHLENS_SA = 'system:serviceaccount:meshlens:meshlens';
export const ONBOARDING_ROLE = 'meshlens-onboarding';

/** The demo's RBAC mode: these tokens are the service account of deploy/rbac.yaml. */
export function deployRbacMode(...tokens: string[]) {
  return {
    manifestFile: RBAC_MANIFEST,
    users: Object.fromEntries(tokens.map(t => [t, MESHLENS_SA])),
  };
}

/** deploy/rbac.yaml with only the bindings of these ClusterRoles. */
export function deployRbacWith(...clusterRoles: string[]): RbacPolicy {
  const policy = loadRbacManifest(RBAC_MANIFEST);
  return {
    ...policy,
    bindings: policy.bindings.filter(
      b =>
        b.roleRef.kind === 'ClusterRole' &&
        clusterRoles.includes(b.roleRef.name),
    ),
  };
}

/**
 * The service account's resource requests that `policy` does not allow or
 * that were answered 403, as `verb group/resource namespace/name` lines.
 */
export function notAllowed(
  policy: RbacPolicy,
  records: RequestRecord[],
): string[] {
  return records
    .filter(r => r.user === MESHLENS_SA && r.resource)
    .filter(
      r =>
        r.code === 403 ||
        !rbacAllows(policy, r.user, {
          verb: r.verb,
          apiGroup: r.apiGroup ?? '',
          resource: r.resource!,
          namespace: r.namespace,
          name: r.name,
        }),
    )
    .map(
      r =>
        `${r.verb} ${r.apiGroup ?? ''}/${r.resource} ${r.namespace ?? ''}/${
          r.name ?? ''
        } (${r.code})`,
    );
}

/** The distinct `verb group/resource` pairs the service account sent. */
export function requestKinds(records: RequestRecord[]): string[] {
  return [
    ...new Set(
      records
        .filter(r => r.user === MESHLENS_SA && r.resource)
        .map(r => `${r.verb} ${r.apiGroup ?? ''}/${r.resource}`),
    ),
  ].sort();
}

/**
 * Replays the service account's requests against these ClusterRoles of
 * deploy/rbac.yaml: each must be allowed (and none answered 403), none may
 * touch a Secret, and `sent` names requests that must be among them (so an
 * empty log cannot pass).
 */
export function assertReplayAllowed(
  records: RequestRecord[],
  clusterRoles: string[],
  sent: string[],
) {
  const kinds = requestKinds(records);
  for (const expected of sent) {
    assert.ok(kinds.includes(expected), `${expected}:\n${kinds.join('\n')}`);
  }
  assert.deepEqual(notAllowed(deployRbacWith(...clusterRoles), records), []);
  assert.deepEqual(
    kinds.filter(k => k.endsWith('/secrets')),
    [],
  );
}
