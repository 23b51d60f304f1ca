import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { EntityOnboardingTargets } from '@meshlens/plugin-mesh-common';
import { MeshStatusService } from '@meshlens/plugin-mesh-node';

/**
 * The (cluster, namespace) pairs an entity's Kubernetes annotations resolve
 * to, for the initiator. The module asks the mesh plugin
 * (`MeshStatusService.getOnboardingTargets`, which also decides
 * `mesh.entity.read`); other wirings may resolve them with mesh-node's
 * `entityPlacements`.
 * @public
 */
export type OnboardingTargetsResolver = (
  entityRef: string,
  credentials: BackstageCredentials,
) => Promise<EntityOnboardingTargets>;

/** The resolver the action uses: the given one, else the mesh status service's. */
export function onboardingTargetsResolver(options: {
  onboardingTargets?: OnboardingTargetsResolver;
  meshStatus?: MeshStatusService;
}): OnboardingTargetsResolver {
  if (options.onboardingTargets) return options.onboardingTargets;
  const meshStatus = options.meshStatus;
  if (!meshStatus) {
    throw new Error(
      'mesh:namespace:onboard needs the Meshlens status service (meshStatus) or an onboardingTargets resolver, to check that the namespace belongs to the entity',
    );
  }
  return (entityRef, credentials) =>
    meshStatus.getOnboardingTargets(entityRef, { credentials });
}

/**
 * Refuses a cluster and namespace the entity's annotations do not resolve
 * to, before anything is read or written with the module's identity: a
 * team may only onboard where its own entity runs.
 */
export async function assertOnboardingScope(options: {
  entityRef: string;
  cluster: string;
  namespace: string;
  credentials: BackstageCredentials;
  resolve: OnboardingTargetsResolver;
}): Promise<void> {
  const { entityRef, cluster, namespace } = options;
  const { targets, problems } = await options.resolve(
    entityRef,
    options.credentials,
  );
  if (targets.some(t => t.cluster === cluster && t.namespace === namespace)) {
    return;
  }
  const why = problems.length ? ` (${problems.join('; ')})` : '';
  if (targets.length === 0) {
    throw new InputError(
      `entityRef: the Kubernetes annotations of ${entityRef} resolve to no cluster and namespace${why}; fix backstage.io/kubernetes-id, -label-selector, -namespace or -cluster in its catalog-info.yaml`,
    );
  }
  throw new NotAllowedError(
    `cluster/namespace: ${cluster}/${namespace} is not where ${entityRef} runs; its Kubernetes annotations resolve to ${targets
      .map(t => `${t.cluster}/${t.namespace}`)
      .join(', ')}${why}`,
  );
}

/** Who started the task, for the task log and the audit log. */
export function initiatorOf(
  credentials: BackstageCredentials,
  userRef: string | undefined,
): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (p.type === 'user' && p.userEntityRef) return p.userEntityRef;
  if (p.type === 'service' && p.subject) return userRef ?? p.subject;
  return userRef ?? 'unknown';
}

/**
 * Starts the audit record of one onboarding: the auditor's event when the
 * backend has one, else log lines. Both name the initiating user, because
 * the writes themselves run under the module's own identity.
 */
export async function auditOnboarding(options: {
  auditor?: AuditorService;
  log: (message: string) => void;
  initiator: string;
  meta: Record<string, string | boolean>;
}): Promise<{
  success(): Promise<void>;
  fail(error: unknown): Promise<void>;
}> {
  const meta = { initiator: options.initiator, ...options.meta };
  const event = await options.auditor?.createEvent({
    eventId: 'namespace-onboard',
    severityLevel: 'medium',
    meta,
  });
  const line = (outcome: string) =>
    `audit: namespace-onboard ${outcome} ${JSON.stringify(meta)}`;
  return {
    async success() {
      if (event) await event.success({ meta });
      else options.log(line('succeeded'));
    },
    async fail(error) {
      const e = error instanceof Error ? error : new Error(String(error));
      if (event) await event.fail({ meta, error: e });
      else options.log(`${line('failed')}: ${e.message}`);
    },
  };
}
