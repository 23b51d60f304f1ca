import { MeshOption } from '@meshlens/plugin-mesh-common';
import {
  isWorkloadReady,
  KUBE_RESOURCES,
  KubernetesClusterClient,
} from '@meshlens/plugin-mesh-node';

/** A mesh's control plane as read from a cluster (mesh-facts section 5). */
export interface ControlPlaneState {
  namespace: string;
  installed: boolean;
  healthy: boolean;
  /** What is missing or not ready, for the check's message. */
  problems: string[];
  /** Cilium: whether mutual authentication is enabled (`mesh-auth-enabled`). */
  mutualAuthEnabled?: boolean;
}

/** The namespace each mesh installs its control plane into by default. */
export const DEFAULT_CONTROL_PLANE_NAMESPACE: Record<MeshOption, string> = {
  linkerd: 'linkerd',
  istio: 'istio-system',
  'istio-ambient': 'istio-system',
  cilium: 'kube-system',
};

async function readNamed(
  api: KubernetesClusterClient,
  namespace: string,
  deployments: string[],
  daemonSets: string[],
): Promise<{ found: number; problems: string[] }> {
  const problems: string[] = [];
  let found = 0;
  for (const name of deployments) {
    const d = await api.get(KUBE_RESOURCES.deployment, name, namespace);
    if (!d) {
      problems.push(`Deployment ${namespace}/${name} is missing`);
    } else {
      found++;
      if (!isWorkloadReady(d)) {
        problems.push(`Deployment ${namespace}/${name} is not ready`);
      }
    }
  }
  for (const name of daemonSets) {
    const d = await api.get(KUBE_RESOURCES.daemonSet, name, namespace);
    if (!d) {
      problems.push(`DaemonSet ${namespace}/${name} is missing`);
    } else {
      found++;
      if (!isWorkloadReady(d)) {
        problems.push(`DaemonSet ${namespace}/${name} is not ready`);
      }
    }
  }
  return { found, problems };
}

/** Reads the control plane of `mesh`; only GET requests. */
export async function readControlPlane(
  api: KubernetesClusterClient,
  mesh: MeshOption,
  options: { namespace?: string; istioRevision?: string } = {},
): Promise<ControlPlaneState> {
  const namespace = options.namespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE[mesh];

  if (mesh === 'linkerd') {
    const { found, problems } = await readNamed(
      api,
      namespace,
      ['linkerd-identity', 'linkerd-destination', 'linkerd-proxy-injector'],
      [],
    );
    return {
      namespace,
      installed: found > 0,
      healthy: found > 0 && problems.length === 0,
      problems,
    };
  }

  if (mesh === 'istio' || mesh === 'istio-ambient') {
    const selector = options.istioRevision
      ? `app=istiod,istio.io/rev=${options.istioRevision}`
      : 'app=istiod';
    const istiods = await api.list(KUBE_RESOURCES.deployment, {
      namespace,
      labelSelector: selector,
    });
    const problems: string[] = [];
    if (istiods.length === 0) {
      problems.push(
        `no istiod Deployment (${selector}) in namespace ${namespace}`,
      );
    } else if (!istiods.some(isWorkloadReady)) {
      problems.push(
        `istiod (${istiods
          .map(d => d.metadata.name)
          .join(', ')}) has no ready replica`,
      );
    }
    if (mesh === 'istio-ambient') {
      const ambient = await readNamed(
        api,
        namespace,
        [],
        ['ztunnel', 'istio-cni-node'],
      );
      problems.push(...ambient.problems);
    }
    return {
      namespace,
      installed: istiods.length > 0,
      healthy: problems.length === 0,
      problems,
    };
  }

  const { found, problems } = await readNamed(
    api,
    namespace,
    ['cilium-operator'],
    ['cilium'],
  );
  const config = await api.get(
    KUBE_RESOURCES.configMap,
    'cilium-config',
    namespace,
  );
  return {
    namespace,
    installed: found > 0,
    healthy: found > 0 && problems.length === 0,
    problems,
    mutualAuthEnabled: config?.data?.['mesh-auth-enabled'] === 'true',
  };
}
