import { ConflictError } from '@backstage/errors';
import {
  KubeObject,
  KubeResourceType,
  KubernetesClusterClient,
} from '@meshlens/plugin-mesh-node';
import { FIELD_MANAGER } from './changeSet';

/** Kubernetes' own lock object. */
export const LEASE_RESOURCE: KubeResourceType = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  plural: 'leases',
};

/** The one Lease per namespace that onboarding runs take. */
export const LEASE_NAME = 'meshlens-onboarding';

/** A held namespace lock. */
export interface NamespaceLock {
  readonly namespace: string;
  /** Deletes the Lease if it is still this run's (uid precondition). */
  release(): Promise<void>;
}

/** Lease times are RFC 3339 with microseconds (MicroTime). */
const microTime = (d: Date) => d.toISOString().replace(/Z$/, '000Z');

function expiresAt(lease: KubeObject): number {
  const spec = lease.spec ?? {};
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  const seconds = Number(spec.leaseDurationSeconds ?? 0);
  return Number.isNaN(renewed) ? 0 : renewed + seconds * 1000;
}

/**
 * Takes the namespace's Lease for `holder` (the task id) for `ttlSeconds`:
 * creates it, or takes over one that expired or that `holder` already
 * holds (a resumed task). Another live holder is refused with a
 * ConflictError that names it and when its lock runs out.
 */
export async function acquireNamespaceLock(options: {
  api: KubernetesClusterClient;
  namespace: string;
  holder: string;
  ttlSeconds: number;
  signal?: AbortSignal;
  now?: () => Date;
}): Promise<NamespaceLock> {
  const { api, namespace, holder, signal } = options;
  const now = options.now ?? (() => new Date());
  const spec = () => ({
    holderIdentity: holder,
    leaseDurationSeconds: Math.max(1, Math.ceil(options.ttlSeconds)),
    acquireTime: microTime(now()),
    renewTime: microTime(now()),
  });
  const writing = { fieldManager: FIELD_MANAGER, signal };
  let lease: KubeObject;
  try {
    lease = await api.create(
      LEASE_RESOURCE,
      {
        apiVersion: LEASE_RESOURCE.apiVersion,
        kind: LEASE_RESOURCE.kind,
        metadata: {
          name: LEASE_NAME,
          namespace,
          labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER },
        },
        spec: spec(),
      },
      writing,
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const live = await api.get(LEASE_RESOURCE, LEASE_NAME, namespace, {
      signal,
    });
    if (!live) throw error;
    const owner = String(live.spec?.holderIdentity ?? 'unknown');
    if (owner !== holder && expiresAt(live) > now().getTime()) {
      throw new ConflictError(
        `Namespace ${namespace} is being onboarded by task ${owner} (Lease ${namespace}/${LEASE_NAME}, held until ${new Date(
          expiresAt(live),
        ).toISOString()}); wait for it to finish, or delete the Lease if that task is gone: kubectl -n ${namespace} delete lease ${LEASE_NAME}`,
      );
    }
    // Expired, or ours from before a restart: take it over, guarded by the
    // version read so two runs cannot both take it.
    lease = await api.replace(
      LEASE_RESOURCE,
      {
        ...live,
        spec: {
          ...spec(),
          leaseTransitions:
            Number(live.spec?.leaseTransitions ?? 0) +
            (owner === holder ? 0 : 1),
        },
      },
      writing,
    );
  }
  const uid = lease.metadata.uid;
  return {
    namespace,
    async release() {
      await api.delete(LEASE_RESOURCE, LEASE_NAME, namespace, {
        fieldManager: FIELD_MANAGER,
        ...(uid ? { preconditions: { uid } } : {}),
      });
    },
  };
}
