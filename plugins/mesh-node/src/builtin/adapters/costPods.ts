import type {
  KubeObject,
  MeshControlPlaneComponent,
  MeshServedPod,
  MeshSharedProxy,
} from '../../index';
import { podWorkloadName } from '../../index';

/** Whether a pod runs now (its usage is being measured). */
export const isRunningPod = (pod: KubeObject) =>
  !pod.metadata.deletionTimestamp &&
  (pod.status?.phase === undefined || pod.status.phase === 'Running');

/** A served pod for apportioning: running and scheduled on a node. */
export function servedPod(pod: KubeObject): MeshServedPod[] {
  const node = pod.spec?.nodeName;
  if (!node || !isRunningPod(pod)) return [];
  return [
    {
      namespace: pod.metadata.namespace ?? '',
      workload: podWorkloadName(pod),
      node,
    },
  ];
}

/** A shared proxy's own pods, running and on a node. */
export function proxyPodsOf(pods: KubeObject[]): MeshSharedProxy['proxyPods'] {
  return pods.flatMap(p =>
    p.spec?.nodeName && isRunningPod(p)
      ? [
          {
            namespace: p.metadata.namespace ?? '',
            name: p.metadata.name,
            node: p.spec.nodeName,
          },
        ]
      : [],
  );
}

/**
 * Control-plane components by a pod label: the running pods of
 * `namespace` carrying `label`, grouped by its value and named by `name`.
 */
export function componentsByLabel(
  pods: KubeObject[],
  namespace: string,
  label: string,
  name: (value: string) => string = v => v,
): MeshControlPlaneComponent[] {
  const byComponent = new Map<string, string[]>();
  for (const pod of pods) {
    const value = pod.metadata.labels?.[label];
    if (
      value === undefined ||
      pod.metadata.namespace !== namespace ||
      !isRunningPod(pod)
    ) {
      continue;
    }
    const component = name(value);
    byComponent.set(component, [
      ...(byComponent.get(component) ?? []),
      pod.metadata.name,
    ]);
  }
  return [...byComponent]
    .map(([component, names]) => ({
      component,
      namespace,
      pods: names.sort(),
    }))
    .sort((a, b) => a.component.localeCompare(b.component));
}
