import {
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
  KubernetesClusterClient,
  labelSelectorFromSpec,
  matchesLabelSelector,
  MeshControlPlaneState,
  MeshNamespaceContext,
  WORKLOAD_RESOURCES,
} from '@meshlens/plugin-mesh-node';
import { CustomErrorBase } from '@backstage/errors';
import { OnboardingMesh } from './meshes';
import { RestartWrite, restartedAtOf } from './writes';

function isCounted(pod: KubeObject, mesh: OnboardingMesh): boolean {
  const phase = pod.status?.phase;
  return (
    !(pod.metadata as { deletionTimestamp?: string }).deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed' &&
    !mesh.adapter.onboarding.isOptedOut(pod.metadata, mesh.dataPlane.id)
  );
}

/**
 * The namespace as the Mesh tab reads it, so `isPodMeshed` answers here
 * exactly as it does there: its pods, the adapter's detection resources
 * and its control plane.
 */
async function namespaceContext(options: {
  api: KubernetesClusterClient;
  cluster: string;
  namespace: string;
  mesh: OnboardingMesh;
  controlPlane: MeshControlPlaneState;
  signal?: AbortSignal;
}): Promise<MeshNamespaceContext> {
  const { api, namespace, signal } = options;
  const [object, pods, ...lists] = await Promise.all([
    api.get(KUBE_RESOURCES.namespace, namespace, undefined, { signal }),
    api.list(KUBE_RESOURCES.pod, { namespace, signal }),
    ...options.mesh.adapter.detectionResources.map(type =>
      api.list(type, { namespace, signal }),
    ),
  ]);
  const resources: Record<string, KubeObject[]> = {};
  options.mesh.adapter.detectionResources.forEach((type, i) => {
    resources[type.kind] = lists[i];
  });
  return {
    cluster: options.cluster,
    namespace: object,
    namespaceName: namespace,
    pods,
    resources,
    controlPlane: options.controlPlane,
  };
}

/** The pods that count, and which of them the adapter sees as meshed. */
function meshedPods(context: MeshNamespaceContext, mesh: OnboardingMesh) {
  const pods = context.pods.filter(p => isCounted(p, mesh));
  return {
    pods,
    meshed: pods.filter(p => mesh.adapter.isPodMeshed(p, context)),
  };
}

/**
 * Restarts for the workloads that have pods without the data plane: a
 * workload whose pods are all meshed is left alone, so a second run
 * restarts nothing.
 */
export async function planRestarts(options: {
  api: KubernetesClusterClient;
  cluster: string;
  namespace: string;
  mesh: OnboardingMesh;
  controlPlane: MeshControlPlaneState;
  now: () => Date;
  signal?: AbortSignal;
}): Promise<RestartWrite[]> {
  const { api, namespace, mesh, signal } = options;
  const counted = meshedPods(await namespaceContext(options), mesh);
  const pods = counted.pods.filter(p => !counted.meshed.includes(p));
  const writes: RestartWrite[] = [];
  for (const type of WORKLOAD_RESOURCES) {
    for (const workload of await api.list(type, { namespace, signal })) {
      const template = workload.spec?.template?.metadata ?? {};
      if (mesh.adapter.onboarding.isOptedOut(template, mesh.dataPlane.id)) {
        continue;
      }
      const selector = labelSelectorFromSpec(workload.spec?.selector);
      if (
        !selector ||
        !pods.some(p => matchesLabelSelector(selector, p.metadata.labels))
      ) {
        continue;
      }
      const name = workload.metadata.name;
      writes.push({
        op: 'restart',
        type,
        name,
        namespace,
        restartedAt: options.now().toISOString(),
        previous: restartedAtOf(workload),
        hadAnnotations: template.annotations !== undefined,
        resourceVersion: workload.metadata.resourceVersion ?? '',
        change: {
          action: 'restart',
          apiVersion: type.apiVersion,
          kind: type.kind,
          name,
          namespace,
          description: `Restart ${type.kind} ${namespace}/${name} so its pods get the ${mesh.adapter.mesh} data plane`,
        },
      });
    }
  }
  return writes;
}

/** Kubernetes' ReplicaSet, read to see why a rollout makes no pods. */
const REPLICA_SET: KubeResourceType = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
};

/** A rollout that cannot finish: its pods are refused (e.g. by admission). */
export class RolloutFailedError extends CustomErrorBase {
  name = 'RolloutFailedError' as const;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const failureOf = (o: KubeObject | undefined): Condition | undefined =>
  (o?.status?.conditions as Condition[] | undefined)?.find(
    c => c.type === 'ReplicaFailure' && c.status === 'True',
  );

const revisionOf = (rs: KubeObject) =>
  Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);

/**
 * Why a restarted Deployment cannot roll out: its newest ReplicaSet's
 * ReplicaFailure condition (a pod create refused, e.g. FailedCreate by
 * Pod Security admission), or the one copied to the Deployment.
 */
export async function rolloutFailures(options: {
  api: KubernetesClusterClient;
  namespace: string;
  workloads: Array<{ kind: string; name: string }>;
  signal?: AbortSignal;
}): Promise<string[]> {
  const { api, namespace, signal } = options;
  const deployments = options.workloads.filter(w => w.kind === 'Deployment');
  if (deployments.length === 0) return [];
  const replicaSets = await api.list(REPLICA_SET, { namespace, signal });
  const problems: string[] = [];
  for (const { name } of deployments) {
    const deployment = await api.get(
      KUBE_RESOURCES.deployment,
      name,
      namespace,
      { signal },
    );
    if (!deployment) continue;
    const owned = replicaSets.filter(rs =>
      (
        rs.metadata.ownerReferences as Array<{ uid?: string }> | undefined
      )?.some(o => o.uid === deployment.metadata.uid),
    );
    const newest = owned.sort((a, b) => revisionOf(b) - revisionOf(a))[0];
    const failure = failureOf(newest) ?? failureOf(deployment);
    if (failure) {
      problems.push(
        `Deployment ${namespace}/${name}${
          newest ? ` (ReplicaSet ${newest.metadata.name})` : ''
        } cannot create pods: ${failure.reason ?? 'ReplicaFailure'}: ${
          failure.message ?? ''
        }`,
      );
    }
  }
  return problems;
}

/** Meshed pods against pods, after a bounded wait. */
export interface RolloutReport {
  pods: number;
  meshedPods: number;
  complete: boolean;
}

/** Polls the namespace's pods until all are meshed or the time is up. */
export async function waitForMeshedPods(options: {
  api: KubernetesClusterClient;
  cluster: string;
  namespace: string;
  mesh: OnboardingMesh;
  controlPlane: MeshControlPlaneState;
  timeoutMs: number;
  intervalMs: number;
  /** The restarted workloads, whose ReplicaSets say when pods are refused. */
  restarted?: Array<{ kind: string; name: string }>;
  signal?: AbortSignal;
}): Promise<RolloutReport> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const failures = await rolloutFailures({
      api: options.api,
      namespace: options.namespace,
      workloads: options.restarted ?? [],
      signal: options.signal,
    });
    if (failures.length > 0) {
      throw new RolloutFailedError(
        `the rollout cannot finish: ${failures.join('; ')}`,
      );
    }
    const { pods, meshed } = meshedPods(
      await namespaceContext(options),
      options.mesh,
    );
    const report = {
      pods: pods.length,
      meshedPods: meshed.length,
      complete: meshed.length === pods.length,
    };
    if (
      report.complete ||
      Date.now() + options.intervalMs > deadline ||
      options.signal?.aborted
    ) {
      return report;
    }
    await new Promise(resolve => setTimeout(resolve, options.intervalMs));
  }
}
