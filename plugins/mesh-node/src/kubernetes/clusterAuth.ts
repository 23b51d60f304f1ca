/**
 * The Kubernetes backend's auth providers that hold the cluster credential
 * on the server: reads of such a cluster run under the mesh plugin's own
 * identity and are shared between callers.
 * @public
 */
export const SERVER_SIDE_AUTH_PROVIDERS: readonly string[] = [
  'serviceAccount',
  'aws',
  'azure',
  'googleServiceAccount',
  'localKubectlProxy',
];

/**
 * The prefix of the headers that carry a user's own cluster token to the
 * Kubernetes backend's proxy, e.g. `Backstage-Kubernetes-Authorization-google`
 * or `Backstage-Kubernetes-Authorization-oidc-okta`, as the Kubernetes plugin's
 * frontend sends them.
 * @public
 */
export const KUBERNETES_AUTH_HEADER_PREFIX =
  'Backstage-Kubernetes-Authorization-';

/**
 * A cluster as the Kubernetes backend lists it (`GET /clusters`).
 * @public
 */
export interface KubernetesClusterInfo {
  name: string;
  authProvider?: string;
  oidcTokenProvider?: string;
}

/** @public */
export function isServerSideAuth(cluster: KubernetesClusterInfo): boolean {
  return SERVER_SIDE_AUTH_PROVIDERS.includes(cluster.authProvider ?? '');
}

/**
 * The header suffix the Kubernetes backend's proxy reads a client-side
 * provider's token from: the provider, and for OIDC the token provider.
 * @public
 */
export function kubernetesAuthHeaderSuffix(
  cluster: KubernetesClusterInfo,
): string {
  const provider = cluster.authProvider ?? '';
  return provider === 'oidc' && cluster.oidcTokenProvider
    ? `oidc-${cluster.oidcTokenProvider}`
    : provider;
}

/**
 * The user's cluster tokens among a request's headers, keyed by the
 * lower-case header suffix (`google`, `oidc-okta`).
 * @public
 */
export function kubernetesAuthFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const prefix = KUBERNETES_AUTH_HEADER_PREFIX.toLowerCase();
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith(prefix) || lower.length === prefix.length) continue;
    const v = Array.isArray(value) ? value[0] : value;
    if (v) out[lower.slice(prefix.length)] = v;
  }
  return out;
}
