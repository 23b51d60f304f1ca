import { readAllPages } from './paging';
import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { readCappedJson } from '../upstreamBody';
import {
  KUBERNETES_AUTH_HEADER_PREFIX,
  KubernetesClusterInfo,
  isServerSideAuth,
  kubernetesAuthHeaderSuffix,
} from './clusterAuth';
import {
  DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES,
  KubernetesClient,
  KubernetesClusterClient,
} from './KubernetesClient';
import { kubernetesResponseError } from './errors';
import { servedVersionOf } from './servedVersion';
import { SharedReads } from './SharedReads';
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
  /**
   * How long a read of a server-side-auth cluster is shared between
   * callers; 0 (no sharing beyond one call) when unset.
   */
  sharedTtlMs?: number;
  /** Objects per LIST request; 500 when unset. */
  pageSize?: number;
  /** The most objects one LIST may return in all its pages; 100,000 when unset. */
  maxListItems?: number;
  /**
   * The most bytes read from one answer (one LIST page);
   * {@link DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES} when unset.
   */
  maxResponseBytes?: number;
}

/** @public */
export interface KubernetesSessionOptions {
  /**
   * The caller's own cluster tokens for clusters with a client-side auth
   * provider, keyed by header suffix (see `kubernetesAuthFromHeaders`).
   */
  kubernetesAuth?: Record<string, string>;
  /**
   * A refresh ahead of the TTL: shared reads in the last part of their TTL
   * are read again (once for all concurrent refreshes) instead of reused;
   * a failed re-read keeps the old one for everyone else.
   */
  refresh?: boolean;
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_MAX_LIST_ITEMS = 100_000;
const MAX_RESPONSE_BYTES_SETTING = 'mesh.kubernetes.maxResponseBytes';

/**
 * The reads of one API call: shared reads for server-side-auth clusters,
 * and for the others one memo of identical GETs on behalf of the caller,
 * so adapters and the backend may ask for the same list without a second
 * request. Secrets are never kept.
 * @public
 */
export class KubernetesSession {
  private readonly memo = new Map<string, Promise<unknown>>();
  private readonly clients = new Map<string, KubernetesClusterClient>();

  constructor(
    private readonly proxy: KubernetesProxyClient,
    private readonly credentials: BackstageCredentials,
    private readonly sessionOptions: KubernetesSessionOptions,
  ) {}

  /** Cluster names known to the Kubernetes backend. */
  async listClusters(): Promise<string[]> {
    return (await this.proxy.clusters()).map(c => c.name);
  }

  /**
   * Whose view this session's answers are: `shared` when every cluster is
   * read under the plugin's own identity, otherwise undefined (the
   * caller's own, never to be shared).
   */
  async view(): Promise<'shared' | undefined> {
    const clusters = await this.proxy.knownClusters();
    return clusters.every(isServerSideAuth) ? 'shared' : undefined;
  }

  /** Whether this session refreshes shared reads ahead of their TTL. */
  get refreshing(): boolean {
    return !!this.sessionOptions.refresh;
  }

  /** Whether a cluster's reads are shared (read under the plugin's own identity). */
  isShared(cluster: string): Promise<boolean> {
    return this.proxy.isShared(cluster);
  }

  /** Memoized reads of one cluster. */
  reader(cluster: string): KubernetesClusterReader {
    const mode = this.proxy.isShared(cluster);
    mode.catch(() => undefined);
    const read = async <T>(
      key: string[],
      fetchIt: (client: KubernetesClusterClient) => Promise<T>,
      keep = true,
    ): Promise<T> => {
      const shared = await mode;
      const client = this.client(cluster, shared);
      if (!keep) return fetchIt(client);
      // The session's memo first: one call never reads a list twice, even
      // once the shared TTL is over.
      return this.remember(key, () =>
        shared
          ? this.proxy.sharedRead(
              key,
              () => fetchIt(client),
              this.sessionOptions.refresh,
            )
          : fetchIt(client),
      );
    };
    // A kind with fallbacks is read at its declared version while discovery
    // says which version the cluster serves, so a current cluster costs no
    // extra round; an older one is read again at the version it serves.
    const atServedVersion = async <T>(
      requested: KubeResourceType,
      readAt: (type: KubeResourceType) => Promise<T>,
      absent: T,
    ): Promise<T> => {
      if (!requested.fallbackApiVersions?.length) return readAt(requested);
      const optimistic = readAt(requested);
      optimistic.catch(() => undefined);
      const type = await servedVersionOf(requested, apiVersion =>
        read(['discovery', cluster, apiVersion], client =>
          client.servedResources(apiVersion),
        ),
      );
      if (type === requested) return optimistic;
      return type ? readAt(type) : absent;
    };
    return {
      cluster,
      list: (requested, options) =>
        atServedVersion(
          requested,
          type =>
            read(
              [
                'list',
                cluster,
                type.apiVersion,
                type.plural,
                options?.namespace ?? '',
                options?.labelSelector ?? '',
              ],
              client => this.proxy.listAll(client, cluster, type, options),
            ),
          [],
        ),
      get: (requested, name, namespace) =>
        atServedVersion(
          requested,
          type =>
            read(
              [
                'get',
                cluster,
                type.apiVersion,
                type.plural,
                namespace ?? '',
                name,
              ],
              client => client.get(type, name, namespace),
              // Secrets are fetched for their certificates only and never kept.
              type.kind !== 'Secret',
            ),
          undefined,
        ),
    };
  }

  private client(cluster: string, shared: boolean): KubernetesClusterClient {
    const id = `${shared}:${cluster}`;
    let client = this.clients.get(id);
    if (!client) {
      client = this.proxy.client(cluster, async () => {
        if (shared) {
          return { Authorization: `Bearer ${await this.proxy.ownToken()}` };
        }
        const info = await this.proxy.clusterInfo(cluster);
        return this.proxy.userHeaders(
          info,
          this.credentials,
          this.sessionOptions,
        );
      });
      this.clients.set(id, client);
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
}

/**
 * Reaches clusters through the Kubernetes backend's proxy. A cluster whose
 * auth provider keeps the credential on the server (`serviceAccount`,
 * `aws`, ...) is read under the mesh plugin's own identity, once per TTL
 * for every caller; the caller's Meshlens permissions decide what of it
 * they see. Any other cluster is read on behalf of the caller, with the
 * caller's own cluster token, and nothing of it is shared.
 * @public
 */
export class KubernetesProxyClient {
  private readonly shared: SharedReads;
  private known?: Map<string, KubernetesClusterInfo>;

  constructor(private readonly options: KubernetesProxyClientOptions) {
    this.shared = new SharedReads(options.sharedTtlMs ?? 0);
  }

  /** A session for one API call: one memo of identical GETs. */
  session(
    credentials: BackstageCredentials,
    sessionOptions: KubernetesSessionOptions = {},
  ): KubernetesSession {
    return new KubernetesSession(this, credentials, sessionOptions);
  }

  /** The Kubernetes backend's clusters with their auth providers, shared for the TTL. */
  clusters(): Promise<KubernetesClusterInfo[]> {
    return this.shared.get('clusters', async () => {
      const baseUrl = await this.options.discovery.getBaseUrl('kubernetes');
      const signal = AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
      const response = await fetch(`${baseUrl}/clusters`, {
        headers: {
          Accept: 'application/json',
          Authorization: `Bearer ${await this.ownToken()}`,
        },
        signal,
      });
      if (!response.ok) throw await kubernetesResponseError(response, signal);
      const body = (await readCappedJson(response, {
        maxBytes: this.maxResponseBytes,
        what: 'The Kubernetes backend (GET /clusters)',
        setting: MAX_RESPONSE_BYTES_SETTING,
        signal,
      })) as { items: KubernetesClusterInfo[] };
      const clusters = body.items.map(c => ({
        name: c.name,
        authProvider: c.authProvider,
        oidcTokenProvider: c.oidcTokenProvider,
      }));
      this.known = new Map(clusters.map(c => [c.name, c]));
      return clusters;
    });
  }

  /**
   * A cluster's auth provider, from the last list when it had the cluster:
   * providers come from the Kubernetes backend's configuration, and
   * waiting for a fresh list would delay every read by one round trip.
   */
  async clusterInfo(
    cluster: string,
  ): Promise<KubernetesClusterInfo | undefined> {
    return (
      this.known?.get(cluster) ??
      (await this.clusters()).find(c => c.name === cluster)
    );
  }

  /** Every cluster's auth provider, from the last list when there is one. */
  async knownClusters(): Promise<KubernetesClusterInfo[]> {
    return this.known ? [...this.known.values()] : this.clusters();
  }

  /** Whether a cluster is read under the plugin's own identity. */
  async isShared(cluster: string): Promise<boolean> {
    const info = await this.clusterInfo(cluster);
    return !!info && isServerSideAuth(info);
  }

  /**
   * Reads and writes of one cluster without a memo, for work that waits
   * for the cluster to change (a rollout) and outlives one token. On
   * behalf of the caller; with `identity: 'plugin'` a server-side-auth
   * cluster is reached under the plugin's own identity instead, for a
   * caller that authorized the change with Meshlens' own permissions.
   */
  cluster(
    cluster: string,
    credentials: BackstageCredentials,
    sessionOptions: KubernetesSessionOptions & {
      identity?: 'caller' | 'plugin';
    } = {},
  ): KubernetesClusterClient {
    return this.client(cluster, async () => {
      if (sessionOptions.identity !== 'plugin') {
        return this.userHeaders(undefined, credentials, sessionOptions);
      }
      const info = await this.clusterInfo(cluster);
      if (info && isServerSideAuth(info)) {
        return { Authorization: `Bearer ${await this.ownToken()}` };
      }
      return this.userHeaders(info, credentials, sessionOptions);
    });
  }

  /** @internal */
  sharedRead<T>(
    key: string[],
    read: () => Promise<T>,
    refresh = false,
  ): Promise<T> {
    const id = key.join('\u0000');
    return refresh ? this.shared.refresh(id, read) : this.shared.get(id, read);
  }

  /** @internal */
  client(
    cluster: string,
    headers: () => Promise<Record<string, string>>,
  ): KubernetesClusterClient {
    return new KubernetesClient({
      baseUrl: async () =>
        `${await this.options.discovery.getBaseUrl('kubernetes')}/proxy`,
      headers: async () => ({
        ...(await headers()),
        [KUBERNETES_CLUSTER_HEADER]: cluster,
      }),
      timeoutMs: this.options.timeoutMs,
      name: `Kubernetes cluster ${cluster}`,
      maxResponseBytes: this.maxResponseBytes,
      maxResponseBytesSetting: MAX_RESPONSE_BYTES_SETTING,
    });
  }

  private get maxResponseBytes(): number {
    return (
      this.options.maxResponseBytes ?? DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES
    );
  }

  /** @internal Every page of a LIST, within the size cap. */
  async listAll(
    client: KubernetesClusterClient,
    cluster: string,
    type: KubeResourceType,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<KubeObject[]> {
    const limit = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    const max = this.options.maxListItems ?? DEFAULT_MAX_LIST_ITEMS;
    return readAllPages(
      page => client.listPage(type, { ...options, ...page }),
      limit,
      count => {
        if (count > max) {
          throw new ServiceUnavailableError(
            `Listing ${type.plural} in cluster ${cluster} returned more than ${max} objects; raise mesh.kubernetes.maxListItems or narrow the entity's selector`,
          );
        }
      },
    );
  }

  /** @internal */
  async ownToken(): Promise<string> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'kubernetes',
    });
    return token;
  }

  /** @internal */
  async userHeaders(
    info: KubernetesClusterInfo | undefined,
    credentials: BackstageCredentials,
    sessionOptions: KubernetesSessionOptions,
  ): Promise<Record<string, string>> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'kubernetes',
    });
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
    };
    const suffix = info && kubernetesAuthHeaderSuffix(info).toLowerCase();
    const clusterToken = suffix && sessionOptions.kubernetesAuth?.[suffix];
    // Only the token of this cluster's provider goes to this cluster.
    if (clusterToken) {
      headers[`${KUBERNETES_AUTH_HEADER_PREFIX}${suffix}`] = clusterToken;
    }
    return headers;
  }
}
