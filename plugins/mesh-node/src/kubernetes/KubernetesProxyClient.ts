import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { KubernetesClient, KubernetesClusterClient } from './KubernetesClient';
import { KubeObject, KubeResourceType } from './types';

/**
 * The header the Kubernetes backend's proxy routes on.
 * @public
 */
export const KUBERNETES_CLUSTER_HEADER = 'Backstage-Kubernetes-Cluster';

/**
 * Read access to one cluster, as the adapters get it: a kind whose CRD is
 * not installed lists as empty, a missing object is undefined.
 * @public
 */
export interface KubernetesClusterReader {
  readonly cluster: string;
  list(
    type: KubeResourceType,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<KubeObject[]>;
  get(
    type: KubeResourceType,
    name: string,
    namespace?: string,
  ): Promise<KubeObject | undefined>;
}

/** @public */
export interface KubernetesProxyClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** The timeout of every call; 30 s when unset. */
  timeoutMs?: number;
}

/**
 * The reads of one API call on behalf of one caller: one token, and one
 * memo of identical GETs, so adapters and the backend may ask for the same
 * list without a second request. Secrets are never kept.
 * @public
 */
export class KubernetesSession {
  private token?: Promise<string>;
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly clients = new Map<string, KubernetesClient>();

  constructor(
    private readonly options: KubernetesProxyClientOptions,
    private readonly credentials: BackstageCredentials,
  ) {}

  /** Cluster names known to the Kubernetes backend. */
  async listClusters(): Promise<string[]> {
    const baseUrl = await this.options.discovery.getBaseUrl('kubernetes');
    const response = await fetch(`${baseUrl}/clusters`, {
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${await this.tokenOnce()}`,
      },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as { items: Array<{ name: string }> };
    return body.items.map(c => c.name);
  }

  /** Memoized reads of one cluster. */
  reader(cluster: string): KubernetesClusterReader {
    const client = this.client(cluster);
    return {
      cluster,
      list: (type, options) =>
        this.remember(
          [
            'list',
            cluster,
            type.apiVersion,
            type.plural,
            options?.namespace ?? '',
            options?.labelSelector ?? '',
          ],
          () => client.list(type, options),
        ),
      get: (type, name, namespace) => {
        // Secrets are fetched for their certificates only and never kept.
        if (type.kind === 'Secret') return client.get(type, name, namespace);
        return this.remember(
          ['get', cluster, type.apiVersion, type.plural, namespace ?? '', name],
          () => client.get(type, name, namespace),
        );
      },
    };
  }

  private client(cluster: string): KubernetesClient {
    let client = this.clients.get(cluster);
    if (!client) {
      client = proxiedClient(this.options, cluster, () => this.tokenOnce());
      this.clients.set(cluster, client);
    }
    return client;
  }

  private remember<T>(key: string[], read: () => Promise<T>): Promise<T> {
    const id = key.join('\u0000');
    let pending = this.memo.get(id) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      this.memo.set(id, pending);
    }
    return pending;
  }

  private tokenOnce(): Promise<string> {
    this.token ??= this.options.auth
      .getPluginRequestToken({
        onBehalfOf: this.credentials,
        targetPluginId: 'kubernetes',
      })
      .then(t => t.token);
    return this.token;
  }
}

function proxiedClient(
  options: KubernetesProxyClientOptions,
  cluster: string,
  token: () => Promise<string>,
): KubernetesClient {
  return new KubernetesClient({
    baseUrl: async () =>
      `${await options.discovery.getBaseUrl('kubernetes')}/proxy`,
    headers: async () => ({
      Authorization: `Bearer ${await token()}`,
      [KUBERNETES_CLUSTER_HEADER]: cluster,
    }),
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Reaches clusters through the Kubernetes backend's proxy, on behalf of the
 * caller, so the Kubernetes plugin's cluster credentials, per-user auth and
 * its `kubernetes.proxy` permission apply, and no cluster credential ever
 * reaches Meshlens.
 * @public
 */
export class KubernetesProxyClient {
  constructor(private readonly options: KubernetesProxyClientOptions) {}

  /** A session for one API call: one token, one memo of identical GETs. */
  session(credentials: BackstageCredentials): KubernetesSession {
    return new KubernetesSession(this.options, credentials);
  }

  /**
   * Reads and writes of one cluster without a memo, for work that waits
   * for the cluster to change (a rollout) and outlives one token: each
   * request gets a fresh token for the caller.
   */
  cluster(
    cluster: string,
    credentials: BackstageCredentials,
  ): KubernetesClusterClient {
    return proxiedClient(this.options, cluster, async () => {
      const { token } = await this.options.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'kubernetes',
      });
      return token;
    });
  }
}
