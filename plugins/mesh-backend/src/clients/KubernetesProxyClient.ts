import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  KubeObject,
  KubeResourceType,
  MeshClusterReader,
} from '@meshlens/plugin-mesh-node';
import { assertNamespaceName } from './names';

export class KubernetesSession {
  private token?: Promise<string>;
  private baseUrl?: Promise<string>;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      timeoutMs: number;
    },
    private readonly credentials: BackstageCredentials,
  ) {}

  /** Cluster names known to the Kubernetes backend. */
  async listClusters(): Promise<string[]> {
    const body = (await this.fetchJson('/clusters')) as {
      items: Array<{ name: string }>;
    };
    return body.items.map(c => c.name);
  }

  reader(cluster: string): MeshClusterReader {
    return {
      cluster,
      list: async (type, options) => {
        const path = resourcePath(type, options?.namespace);
        const query = options?.labelSelector
          ? `?${new URLSearchParams({ labelSelector: options.labelSelector })}`
          : '';
        const body = (await this.proxyGet(cluster, `${path}${query}`)) as
          | { items?: KubeObject[] }
          | undefined;
        return body?.items ?? [];
      },
      get: async (type, name, namespace) => {
        const path = `${resourcePath(type, namespace)}/${encodeURIComponent(
          name,
        )}`;
        // Secrets are fetched for their certificates only and never kept.
        if (type.kind === 'Secret') {
          return (await this.fetchJson(`/proxy${path}`, cluster, true)) as
            | KubeObject
            | undefined;
        }
        return (await this.proxyGet(cluster, path)) as KubeObject | undefined;
      },
    };
  }

  /** GET through the proxy; a 404 (object or CRD missing) is undefined. */
  private proxyGet(cluster: string, path: string): Promise<unknown> {
    const key = `${cluster}\u0000${path}`;
    let pending = this.memo.get(key);
    if (!pending) {
      pending = this.fetchJson(`/proxy${path}`, cluster, true);
      this.memo.set(key, pending);
    }
    return pending;
  }

  private async fetchJson(
    path: string,
    cluster?: string,
    notFoundIsEmpty = false,
  ): Promise<unknown> {
    this.baseUrl ??= this.options.discovery.getBaseUrl('kubernetes');
    this.token ??= this.options.auth
      .getPluginRequestToken({
        onBehalfOf: this.credentials,
        targetPluginId: 'kubernetes',
      })
      .then(t => t.token);
    const [baseUrl, token] = await Promise.all([this.baseUrl, this.token]);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
    };
    if (cluster) headers['Backstage-Kubernetes-Cluster'] = cluster;
    const response = await fetch(`${baseUrl}${path}`, {
      headers,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (notFoundIsEmpty && response.status === 404) {
      // Drain the small error body, so the connection is reused.
      await response.text().catch(() => undefined);
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.json();
  }
}

/**
 * Reads clusters through the Kubernetes backend's proxy, on behalf of the
 * caller, so the Kubernetes plugin's cluster credentials, per-user auth and
 * its `kubernetes.proxy` permission apply.
 */
export class KubernetesProxyClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      timeoutMs: number;
    },
  ) {}

  /** A session for one API call: one token, one memo of identical GETs. */
  session(credentials: BackstageCredentials): KubernetesSession {
    return new KubernetesSession(this.options, credentials);
  }
}

/** `/api/v1/namespaces/ns/pods` or `/apis/group/version/plural`. */
export function resourcePath(type: KubeResourceType, namespace?: string) {
  const prefix = type.apiVersion.includes('/')
    ? `/apis/${type.apiVersion}`
    : `/api/${type.apiVersion}`;
  if (namespace === undefined) return `${prefix}/${type.plural}`;
  return `${prefix}/namespaces/${assertNamespaceName(namespace)}/${
    type.plural
  }`;
}
