/**
 * The Kubernetes plugin's configuration for the demo's two clusters, as
 * app-config.yaml has it (service-account tokens the demo API servers
 * accept), with each cluster's API server at the given URL.
 */
export function demoKubernetesConfig(
  urls: Record<'homelab' | 'cloud', string>,
) {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: (['homelab', 'cloud'] as const).map(name => ({
          name,
          url: urls[name],
          authProvider: 'serviceAccount',
          serviceAccountToken: `demo-${name}-token`,
          skipTLSVerify: true,
          skipMetricsLookup: true,
        })),
      },
    ],
  };
}
