import {
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
  KubernetesClusterClient,
  MeshControlPlaneState,
  resourceTypeOf,
} from '@meshlens/plugin-mesh-node';
import { OnboardingMesh } from './meshes';
import { planRestarts } from './rollout';
import { DesiredState, OnboardingRequest } from './types';
import { NamespaceWrite, ObjectWrite, PlannedWrite, planHash } from './writes';

/** True when every field of `wanted` has the same value in `actual`. */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') {
    return wanted === actual;
  }
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) &&
      actual.length === wanted.length &&
      wanted.every((w, i) => isSubset(w, actual[i]))
    );
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return false;
  }
  return Object.entries(wanted as Record<string, unknown>).every(([k, v]) =>
    isSubset(v, (actual as Record<string, unknown>)[k]),
  );
}

function objectWrite(
  desired: KubeObject,
  live: KubeObject | undefined,
  types: KubeResourceType[],
): ObjectWrite {
  const type = resourceTypeOf(desired, types);
  const { apiVersion, kind } = type;
  const { name, namespace } = desired.metadata;
  return {
    op: 'object',
    type,
    name,
    namespace,
    desired,
    ...(live ? { live } : {}),
    change: {
      action: 'apply',
      apiVersion,
      kind,
      name,
      namespace,
      description: `${live ? 'Update' : 'Create'} ${kind} ${namespace}/${name}`,
    },
  };
}

function describeKeys(
  what: string,
  changes: Record<string, string | null>,
): string[] {
  return Object.entries(changes).map(([k, v]) =>
    v === null ? `remove ${what} ${k}` : `${what} ${k}=${v}`,
  );
}

function namespaceWrite(
  request: OnboardingRequest,
  desired: DesiredState,
  live: KubeObject,
): NamespaceWrite | undefined {
  const diff = (
    wanted: Record<string, string | null>,
    current: Record<string, string> | undefined,
  ) => {
    const next: Record<string, string | null> = {};
    const previous: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(wanted)) {
      const now = current?.[k];
      if ((v === null && now !== undefined) || (v !== null && now !== v)) {
        next[k] = v;
        previous[k] = now ?? null;
      }
    }
    return { next, previous };
  };
  const labels = diff(desired.namespace.labels, live.metadata.labels);
  const annotations = diff(
    desired.namespace.annotations,
    live.metadata.annotations,
  );
  if (
    Object.keys(labels.next).length === 0 &&
    Object.keys(annotations.next).length === 0
  ) {
    return undefined;
  }
  return {
    op: 'namespace',
    type: KUBE_RESOURCES.namespace,
    name: request.namespace,
    next: { labels: labels.next, annotations: annotations.next },
    previous: { labels: labels.previous, annotations: annotations.previous },
    resourceVersion: live.metadata.resourceVersion ?? '',
    change: {
      action: 'patch',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: request.namespace,
      description: `Namespace ${request.namespace}: ${[
        ...describeKeys('label', labels.next),
        ...describeKeys('annotation', annotations.next),
      ].join(', ')}`,
    },
  };
}

/**
 * The writes that bring the cluster to `desired`, after reading what is
 * there: objects first (policies before traffic can arrive through a
 * proxy), then the namespace's enrolment marker. Nothing when nothing
 * differs.
 */
export async function planChanges(options: {
  api: KubernetesClusterClient;
  request: OnboardingRequest;
  desired: DesiredState;
  liveNamespace: KubeObject;
  signal?: AbortSignal;
}): Promise<{ writes: PlannedWrite[]; unchanged: string[] }> {
  const { api, request, desired, liveNamespace, signal } = options;
  const writes: PlannedWrite[] = [];
  const unchanged: string[] = [];
  for (const obj of desired.objects) {
    const live = await api.get(
      resourceTypeOf(obj, desired.resourceTypes),
      obj.metadata.name,
      obj.metadata.namespace,
      { signal },
    );
    if (
      live &&
      isSubset(obj.spec, live.spec) &&
      isSubset(obj.metadata.labels, live.metadata.labels)
    ) {
      unchanged.push(
        `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`,
      );
    } else {
      writes.push(objectWrite(obj, live, desired.resourceTypes));
    }
  }
  const ns = namespaceWrite(request, desired, liveNamespace);
  if (ns) {
    writes.push(ns);
  } else {
    unchanged.push(`Namespace ${request.namespace} enrolment marker`);
  }
  return { writes, unchanged };
}

/** The plan of a run: the writes, in order, and their hash. */
export interface Plan {
  writes: PlannedWrite[];
  unchanged: string[];
  hash: string;
}

/** Reads the cluster and plans the writes: objects, the marker, then restarts. */
export async function readPlan(options: {
  api: KubernetesClusterClient;
  mesh: OnboardingMesh;
  request: OnboardingRequest;
  desired: DesiredState;
  liveNamespace: KubeObject;
  controlPlane: MeshControlPlaneState;
  restartWorkloads: boolean;
  now: () => Date;
  signal?: AbortSignal;
}): Promise<Plan> {
  const { api, request, desired, signal } = options;
  const plan = await planChanges({
    api,
    request,
    desired,
    liveNamespace: options.liveNamespace,
    signal,
  });
  const restarts =
    options.restartWorkloads && desired.restartNeeded
      ? await planRestarts({
          api,
          cluster: request.cluster,
          namespace: request.namespace,
          mesh: options.mesh,
          controlPlane: options.controlPlane,
          now: options.now,
          signal,
        })
      : [];
  const writes = [...plan.writes, ...restarts];
  return { writes, unchanged: plan.unchanged, hash: planHash(writes) };
}
