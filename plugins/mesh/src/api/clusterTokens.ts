import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KubernetesAuthProvidersApi } from '@backstage/plugin-kubernetes-react';

/** The prefix the Kubernetes backend reads a user's cluster token from. */
const HEADER_PREFIX = 'Backstage-Kubernetes-Authorization-';

interface ClusterInfo {
  name: string;
  authProvider?: string;
  oidcTokenProvider?: string;
}

/**
 * The user's own tokens for clusters with a client-side auth provider
 * (`oidc`, `google`, `microsoft`, ...), as headers for the Meshlens
 * backend, which forwards each only to that cluster's reads. They come from
 * `kubernetesAuthProvidersApiRef`, as the Kubernetes plugin's own tab gets
 * them; server-side providers answer no token, so their clusters get none.
 */
export class KubernetesClusterTokens {
  private clusters?: Promise<ClusterInfo[]>;

  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
      kubernetesAuthProvidersApi: KubernetesAuthProvidersApi;
    },
  ) {}

  async headers(): Promise<Record<string, string>> {
    let clusters: ClusterInfo[];
    try {
      clusters = await this.listClusters();
    } catch {
      // No list, no tokens: clusters read under the plugin's identity still
      // answer, and the backend reports each client-side cluster's refusal.
      return {};
    }
    const headers: Record<string, string> = {};
    const byProvider = new Map<string, Promise<{ token?: string }>>();
    for (const cluster of clusters) {
      if (!cluster.authProvider) continue;
      const oidc = cluster.authProvider === 'oidc' && cluster.oidcTokenProvider;
      const provider = oidc
        ? `oidc.${cluster.oidcTokenProvider}`
        : cluster.authProvider;
      // One sign-in per provider, however many clusters use it.
      let credentials = byProvider.get(provider);
      if (!credentials) {
        credentials =
          this.options.kubernetesAuthProvidersApi.getCredentials(provider);
        byProvider.set(provider, credentials);
      }
      const { token } = await credentials;
      if (token) {
        const suffix = oidc
          ? `oidc-${cluster.oidcTokenProvider}`
          : cluster.authProvider;
        headers[`${HEADER_PREFIX}${suffix}`] = token;
      }
    }
    return headers;
  }

  /** The configured clusters change with a restart only: listed once. */
  private listClusters(): Promise<ClusterInfo[]> {
    if (!this.clusters) {
      this.clusters = this.fetchClusters();
      this.clusters.catch(() => {
        this.clusters = undefined;
      });
    }
    return this.clusters;
  }

  private async fetchClusters(): Promise<ClusterInfo[]> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('kubernetes');
    const response = await this.options.fetchApi.fetch(`${baseUrl}/clusters`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as { items?: ClusterInfo[] };
    return body.items ?? [];
  }
}
