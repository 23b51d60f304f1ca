import { proxyCostFigures } from '@meshlens/plugin-mesh-common';
import type {
  KubeObject,
  MeshControlPlaneComponent,
  MeshControlPlaneState,
  MeshCostAdapter,
  MeshSharedProxy,
} from '../../index';
import { componentsByLabel, proxyPodsOf, servedPod } from './costPods';

const K8S_APP = 'k8s-app';

/**
 * Cilium's cost knowledge: no per-pod proxy; the agent and cilium-envoy
 * of each node serve its pods that are not on the host network; the
 * operator and hubble-relay are the control plane.
 */
export const ciliumCost: Required<
  Pick<
    MeshCostAdapter,
    | 'proxyContainers'
    | 'controlPlaneComponents'
    | 'sharedProxies'
    | 'costAlternatives'
  >
> = {
  proxyContainers: [],
  controlPlaneComponents(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
  ): MeshControlPlaneComponent[] {
    return [
      ...componentsByLabel(
        pods,
        controlPlane.namespace,
        'io.cilium/app',
        value => `cilium-${value}`,
      ),
      ...componentsByLabel(pods, controlPlane.namespace, K8S_APP).filter(
        c => c.component === 'hubble-relay',
      ),
    ];
  },
  sharedProxies(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
  ): MeshSharedProxy[] {
    const ofApp = (app: string) =>
      pods.filter(
        p =>
          p.metadata.namespace === controlPlane.namespace &&
          p.metadata.labels?.[K8S_APP] === app,
      );
    // The control plane's own pods are control plane, not served workloads.
    const controlPlanePods = new Set(
      ciliumCost
        .controlPlaneComponents(controlPlane, pods)
        .flatMap(c => c.pods.map(name => `${c.namespace}/${name}`)),
    );
    const served = pods
      .filter(
        p =>
          !p.spec?.hostNetwork &&
          !controlPlanePods.has(`${p.metadata.namespace}/${p.metadata.name}`),
      )
      .flatMap(servedPod);
    // The node agent and the node's Envoy, by their DaemonSets' k8s-app.
    const kinds = [
      ['cilium-agent', 'cilium'],
      ['cilium-envoy', 'cilium-envoy'],
    ] as const;
    return kinds.flatMap(([kind, app]): MeshSharedProxy[] => {
      const proxyPods = proxyPodsOf(ofApp(app));
      return proxyPods.length > 0 ? [{ kind, proxyPods, served }] : [];
    });
  },
  costAlternatives: [{ id: 'cilium', figures: proxyCostFigures.cilium }],
};
