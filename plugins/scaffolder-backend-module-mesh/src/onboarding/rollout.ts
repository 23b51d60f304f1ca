import { MeshOption } from '@meshlens/plugin-mesh-common';
import {
  KUBE_RESOURCES,
  KubeObject,
  KubernetesClusterClient,
  labelSelectorFromSpec,
  matchesLabelSelector,
  WORKLOAD_RESOURCES,
} from '@meshlens/plugin-mesh-node';
import { FIELD_MANAGER } from './changeSet';
import { Step } from './plan';

/** The annotation `kubectl rollout restart` sets on a pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function containerNames(pod: KubeObject): string[] {
  return [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []),
  ].map((c: { name: string }) => c.name);
}

/** Whether a pod runs with the mesh's data plane (mesh-facts section 1). */
export function isPodMeshed(pod: KubeObject, mesh: MeshOption): boolean {
  const labels = pod.metadata.labels ?? {};
  const annotations = pod.metadata.annotations ?? {};
  switch (mesh) {
    case 'linkerd':
      return labels['linkerd.io/control-plane-ns'] !== undefined;
    case 'istio':
      return (
        labels['security.istio.io/tlsMode'] === 'istio' ||
        containerNames(pod).includes('istio-proxy')
      );
    case 'istio-ambient':
      return annotations['ambient.istio.io/redirection'] === 'enabled';
    default:
      // Cilium has no per-pod proxy: every pod on its CNI is in.
      return true;
  }
}

/** Pods (or pod templates) that opted out of the mesh stay out. */
function optedOut(
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
  mesh: MeshOption,
): boolean {
  if (mesh === 'linkerd') {
    return meta.annotations?.['linkerd.io/inject'] === 'disabled';
  }
  if (mesh === 'istio') {
    return meta.labels?.['sidecar.istio.io/inject'] === 'false';
  }
  if (mesh === 'istio-ambient') {
    return meta.labels?.['istio.io/dataplane-mode'] === 'none';
  }
  return false;
}

function isCounted(pod: KubeObject, mesh: MeshOption): boolean {
  const phase = pod.status?.phase;
  return (
    !(pod.metadata as { deletionTimestamp?: string }).deletionTimestamp &&
    phase !== 'Succeeded' &&
    phase !== 'Failed' &&
    !optedOut(pod.metadata, mesh)
  );
}

/**
 * Restart steps for the workloads that have pods without the data plane:
 * a workload whose pods are all meshed is left alone, so a second run
 * restarts nothing.
 */
export async function planRestarts(options: {
  api: KubernetesClusterClient;
  namespace: string;
  mesh: MeshOption;
  now: () => Date;
}): Promise<Step[]> {
  const { api, namespace, mesh } = options;
  const pods = (await api.list(KUBE_RESOURCES.pod, { namespace })).filter(
    p => isCounted(p, mesh) && !isPodMeshed(p, mesh),
  );
  const steps: Step[] = [];
  for (const type of WORKLOAD_RESOURCES) {
    for (const workload of await api.list(type, { namespace })) {
      const template = workload.spec?.template?.metadata ?? {};
      if (optedOut(template, mesh)) continue;
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
          description: `Restart ${type.kind} ${namespace}/${workload.metadata.name} so its pods get the ${mesh} data plane`,
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
  namespace: string;
  mesh: MeshOption;
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}): Promise<RolloutReport> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const pods = (
      await options.api.list(KUBE_RESOURCES.pod, {
        namespace: options.namespace,
        signal: options.signal,
      })
    ).filter(p => isCounted(p, options.mesh));
    const meshedPods = pods.filter(p => isPodMeshed(p, options.mesh)).length;
    const report = {
      pods: pods.length,
      meshedPods,
      complete: meshedPods === pods.length,
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
