import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { HttpKubernetesApi } from './HttpKubernetesApi';
import { KubernetesApiFactory } from './types';

/** The header the Kubernetes backend's proxy routes on. */
export const KUBERNETES_CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';

/**
 * Reaches clusters through the Kubernetes backend's proxy
 * (`/api/kubernetes/proxy`), acting for the task's initiator, so the
 * cluster credentials stay in the Kubernetes backend.
 * @public
 */
export function createKubernetesProxyApiFactory(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}): KubernetesApiFactory {
  const { discovery, auth } = options;
  return ({ cluster, credentials }) =>
    new HttpKubernetesApi({
      baseUrl: async () => `${await discovery.getBaseUrl('kubernetes')}/proxy`,
      headers: async () => {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId: 'kubernetes',
        });
        return {
          Authorization: `Bearer ${token}`,
          [KUBERNETES_CLUSTER_HEADER]: cluster,
        };
      },
    });
}
