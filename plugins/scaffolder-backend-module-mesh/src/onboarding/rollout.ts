import {
  KUBE_RESOURCES,
  KubeObject,
  KubernetesClusterClient,
  labelSelectorFromSpec,
  matchesLabelSelector,
  MeshControlPlaneState,
  MeshNamespaceContext,
  WORKLOAD_RESOURCES,
} from '@meshlens/plugin-mesh-node';
import { FIELD_MANAGER } from './changeSet';
import { OnboardingMesh } from './meshes';
import { Step } from './plan';

/** The annotation `kubectl rollout restart` sets on a pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

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
 * Restart steps for the workloads that have pods without the data plane:
 * a workload whose pods are all meshed is left alone, so a second run
 * restarts nothing.
 */
export async function planRestarts(options: {
  api: KubernetesClusterClient;
  cluster: string;
  namespace: string;
  mesh: OnboardingMesh;
  controlPlane: MeshControlPlaneState;
  now: () => Date;
}): Promise<Step[]> {
  const { api, namespace, mesh } = options;
  const counted = meshedPods(await namespaceContext(options), mesh);
  const pods = counted.pods.filter(p => !counted.meshed.includes(p));
  const steps: Step[] = [];
  for (const type of WORKLOAD_RESOURCES) {
    for (const workload of await api.list(type, { namespace })) {
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
      const previous: string | null =
        template.annotations?.[RESTARTED_AT] ?? null;
      const patchWith = (value: string | null) => ({
        spec: {
          template: { metadata: { annotations: { [RESTARTED_AT]: value } } },
        },
      });
      steps.push({
        change: {
          action: 'restart',
          apiVersion: type.apiVersion,
          kind: type.kind,
          name: workload.metadata.name,
          namespace,
          description: `Restart ${type.kind} ${namespace}/${workload.metadata.name} so its pods get the ${mesh.adapter.mesh} data plane`,
        },
        async apply(a) {
          await a.mergePatch(
            type,
            name,
            namespace,
            patchWith(options.now().toISOString()),
            { fieldManager: FIELD_MANAGER },
          );
        },
        async rollback(a) {
          await a.mergePatch(type, name, namespace, patchWith(previous), {
            fieldManager: FIELD_MANAGER,
          });
        },
      });
    }
  }
  return steps;
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
  signal?: AbortSignal;
}): Promise<RolloutReport> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
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
