import { readAllPages } from './paging';
import { readBodyStart, readCappedJson } from '../upstreamBody';
import { kubernetesResponseError, KubernetesTimeoutError } from './errors';
import { InputError } from '@backstage/errors';
import { resourcePath } from './resources';
import { KubeListPage, KubeObject, KubeResourceType } from './types';

/**
 * What every call accepts: a timeout (the client's default when unset) and
 * the caller's AbortSignal (e.g. a scaffolder task's).
 * @public
 */
export interface KubernetesCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** @public */
export interface KubernetesListOptions extends KubernetesCallOptions {
  /** Lists across all namespaces when unset. */
  namespace?: string;
  /** In Kubernetes syntax; build it with `formatLabelSelector`. */
  labelSelector?: string;
}

/** @public */
export interface KubernetesListAllOptions extends KubernetesListOptions {
  /** Objects per request; the server's default (everything) when unset. */
  pageSize?: number;
}

/** @public */
export interface KubernetesListPageOptions extends KubernetesListOptions {
  limit?: number;
  continue?: string;
}

/**
 * Options of every write. With `dryRun` the server validates and answers
 * as if it wrote (`dryRun=All`) and stores nothing.
 * @public
 */
export interface KubernetesWriteOptions extends KubernetesCallOptions {
  dryRun?: boolean;
  /** Who owns the written fields; required for server-side apply. */
  fieldManager?: string;
}

/** @public */
export interface KubernetesApplyOptions extends KubernetesWriteOptions {
  fieldManager: string;
  /** Takes fields over from other managers instead of failing with a conflict. */
  force?: boolean;
}

/**
 * Guards of a delete: the server refuses it (409) when the live object is
 * not the one the caller read.
 * @public
 */
export interface KubernetesDeleteOptions extends KubernetesWriteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
}

/**
 * One RFC 6902 JSON patch operation.
 * @public
 */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

/**
 * Reads and writes of one cluster. Objects are addressed by type, namespace
 * and name, so every path is built (and its input validated) in one place.
 * Failures are `@backstage/errors` errors carrying the server's message.
 * @public
 */
export interface KubernetesClusterClient {
  /** The object, or undefined when it (or its CRD) does not exist. */
  get(
    type: KubeResourceType,
    name: string,
    namespace?: string,
    options?: KubernetesCallOptions,
  ): Promise<KubeObject | undefined>;
  /** One page; a kind whose CRD is not installed is an empty last page. */
  listPage(
    type: KubeResourceType,
    options?: KubernetesListPageOptions,
  ): Promise<KubeListPage>;
  /**
   * The resources (plurals) a group version serves, from API discovery
   * (`/apis/group/version`, `/api/v1`); undefined when it serves none.
   */
  servedResources(
    apiVersion: string,
    options?: KubernetesCallOptions,
  ): Promise<string[] | undefined>;
  /** Every object, following `continue` tokens page by page. */
  list(
    type: KubeResourceType,
    options?: KubernetesListAllOptions,
  ): Promise<KubeObject[]>;
  /**
   * POST: creates the object, or fails with a ConflictError (409
   * AlreadyExists) when one of that name exists; a lock takes it this way.
   */
  create(
    type: KubeResourceType,
    object: KubeObject,
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject>;
  /** Server-side apply; the namespace and name come from the object. */
  apply(
    type: KubeResourceType,
    object: KubeObject,
    options: KubernetesApplyOptions,
  ): Promise<KubeObject>;
  /** JSON merge patch (RFC 7386): `null` removes a key. */
  mergePatch(
    type: KubeResourceType,
    name: string,
    namespace: string | undefined,
    patch: object,
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject>;
  /** JSON patch (RFC 6902), e.g. with a `test` operation as a guard. */
  jsonPatch(
    type: KubeResourceType,
    name: string,
    namespace: string | undefined,
    operations: JsonPatchOperation[],
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject>;
  /**
   * PUT: puts an object back exactly as given. The object's
   * `resourceVersion` makes it fail with a ConflictError when the live
   * object changed since.
   */
  replace(
    type: KubeResourceType,
    object: KubeObject,
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject>;
  /** Deletes; an object already gone is not an error. */
  delete(
    type: KubeResourceType,
    name: string,
    namespace?: string,
    options?: KubernetesDeleteOptions,
  ): Promise<void>;
}

/** @public */
export interface KubernetesClientOptions {
  /** The URL API paths are appended to, without a trailing slash. */
  baseUrl: string | (() => Promise<string>);
  /** Called per request, so short-lived tokens stay fresh. */
  headers?: () => Promise<Record<string, string>>;
  /** The default timeout of a call; 30 s when unset. */
  timeoutMs?: number;
  /**
   * The most bytes read from one answer (one page of a LIST);
   * {@link DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES} when unset. A larger
   * answer stops downloading and fails the call.
   */
  maxResponseBytes?: number;
  /** Who is called, for error messages, e.g. `Kubernetes cluster prod`. */
  name?: string;
  /** The configuration key that sets `maxResponseBytes`, named in its error. */
  maxResponseBytesSetting?: string;
}

/**
 * The default cap on one Kubernetes answer: 32 MiB. A page of 500 pods with
 * their managed fields is a few MB; far past that is a broken or hostile
 * API server or proxy.
 * @public
 */
export const DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

type Query = Record<string, string | undefined>;

interface SendOptions extends KubernetesCallOptions {
  query?: Query;
  body?: string;
  contentType?: string;
  /** Return undefined on 404 instead of throwing. */
  notFoundIsUndefined?: boolean;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Enough of a 404's body to drain it for connection reuse. */
const NOT_FOUND_BODY_BYTES = 64 * 1024;

/**
 * The discovery path of a group version: `/api/v1` for the core group,
 * `/apis/group/version` otherwise. Anything else is refused, so no input
 * can change the path.
 */
function discoveryPath(apiVersion: string): string {
  if (apiVersion === 'v1') return '/api/v1';
  if (
    !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/v\d+((alpha|beta)\d+)?$/.test(apiVersion)
  ) {
    throw new InputError(
      `"${apiVersion}" is not an API group version; write group/version, e.g. security.istio.io/v1`,
    );
  }
  return `/apis/${apiVersion}`;
}

function writeQuery(options: KubernetesWriteOptions | undefined): Query {
  return {
    fieldManager: options?.fieldManager,
    dryRun: options?.dryRun ? 'All' : undefined,
  };
}

/**
 * A {@link KubernetesClusterClient} over HTTP: an API server reached
 * directly, or the Kubernetes backend's proxy (see KubernetesProxyClient).
 * @public
 */
export class KubernetesClient implements KubernetesClusterClient {
  constructor(private readonly options: KubernetesClientOptions) {}

  async get(
    type: KubeResourceType,
    name: string,
    namespace?: string,
    options?: KubernetesCallOptions,
  ): Promise<KubeObject | undefined> {
    return (await this.send('GET', resourcePath(type, namespace, name), {
      ...options,
      notFoundIsUndefined: true,
    })) as KubeObject | undefined;
  }

  async listPage(
    type: KubeResourceType,
    options?: KubernetesListPageOptions,
  ): Promise<KubeListPage> {
    const body = (await this.send(
      'GET',
      resourcePath(type, options?.namespace),
      {
        ...options,
        query: {
          labelSelector: options?.labelSelector,
          limit:
            options?.limit === undefined ? undefined : String(options.limit),
          continue: options?.continue,
        },
        notFoundIsUndefined: true,
      },
    )) as
      | { items?: KubeObject[]; metadata?: { continue?: string } }
      | undefined;
    const next = body?.metadata?.continue;
    return { items: body?.items ?? [], ...(next ? { continue: next } : {}) };
  }

  async servedResources(
    apiVersion: string,
    options?: KubernetesCallOptions,
  ): Promise<string[] | undefined> {
    const body = (await this.send('GET', discoveryPath(apiVersion), {
      ...options,
      notFoundIsUndefined: true,
    })) as { resources?: Array<{ name?: unknown }> } | undefined;
    if (!body) return undefined;
    // Subresources (`pods/log`) are listed too; only kinds are wanted.
    return (body.resources ?? [])
      .map(r => r.name)
      .filter((n): n is string => typeof n === 'string' && !n.includes('/'));
  }

  async list(
    type: KubeResourceType,
    options?: KubernetesListAllOptions,
  ): Promise<KubeObject[]> {
    const { pageSize, ...rest } = options ?? {};
    return readAllPages(
      page => this.listPage(type, { ...rest, ...page }),
      pageSize,
    );
  }

  async create(
    type: KubeResourceType,
    object: KubeObject,
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject> {
    return (await this.send(
      'POST',
      resourcePath(type, object.metadata.namespace),
      {
        ...options,
        query: writeQuery(options),
        body: JSON.stringify(object),
        contentType: 'application/json',
      },
    )) as KubeObject;
  }

  async apply(
    type: KubeResourceType,
    object: KubeObject,
    options: KubernetesApplyOptions,
  ): Promise<KubeObject> {
    const { namespace, name } = object.metadata;
    // JSON is YAML, so the apply body needs no YAML writer.
    return (await this.send('PATCH', resourcePath(type, namespace, name), {
      ...options,
      query: {
        ...writeQuery(options),
        force: options.force ? 'true' : undefined,
      },
      body: JSON.stringify(object),
      contentType: 'application/apply-patch+yaml',
    })) as KubeObject;
  }

  async mergePatch(
    type: KubeResourceType,
    name: string,
    namespace: string | undefined,
    patch: object,
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject> {
    return (await this.send('PATCH', resourcePath(type, namespace, name), {
      ...options,
      query: writeQuery(options),
      body: JSON.stringify(patch),
      contentType: 'application/merge-patch+json',
    })) as KubeObject;
  }

  async jsonPatch(
    type: KubeResourceType,
    name: string,
    namespace: string | undefined,
    operations: JsonPatchOperation[],
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject> {
    return (await this.send('PATCH', resourcePath(type, namespace, name), {
      ...options,
      query: writeQuery(options),
      body: JSON.stringify(operations),
      contentType: 'application/json-patch+json',
    })) as KubeObject;
  }

  async replace(
    type: KubeResourceType,
    object: KubeObject,
    options?: KubernetesWriteOptions,
  ): Promise<KubeObject> {
    const { namespace, name } = object.metadata;
    return (await this.send('PUT', resourcePath(type, namespace, name), {
      ...options,
      query: writeQuery(options),
      body: JSON.stringify(object),
      contentType: 'application/json',
    })) as KubeObject;
  }

  async delete(
    type: KubeResourceType,
    name: string,
    namespace?: string,
    options?: KubernetesDeleteOptions,
  ): Promise<void> {
    const { preconditions, propagationPolicy } = options ?? {};
    const deleteOptions = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(preconditions ? { preconditions } : {}),
      ...(propagationPolicy ? { propagationPolicy } : {}),
    };
    // Already gone is what a delete wants.
    await this.send('DELETE', resourcePath(type, namespace, name), {
      ...options,
      query: writeQuery(options),
      body: JSON.stringify(deleteOptions),
      contentType: 'application/json',
      notFoundIsUndefined: true,
    });
  }

  private async send(
    method: string,
    path: string,
    options: SendOptions,
  ): Promise<unknown> {
    const timeoutMs =
      options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeout])
      : timeout;
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) query.set(key, value);
    }
    const search = query.size ? `?${query}` : '';
    try {
      const [base, headers] = await Promise.all([
        typeof this.options.baseUrl === 'string'
          ? this.options.baseUrl
          : this.options.baseUrl(),
        this.options.headers?.() ?? {},
      ]);
      signal.throwIfAborted();
      const response = await fetch(`${base}${path}${search}`, {
        method,
        headers: {
          Accept: 'application/json',
          ...(options.contentType
            ? { 'Content-Type': options.contentType }
            : {}),
          ...headers,
        },
        body: options.body,
        signal,
      });
      if (options.notFoundIsUndefined && response.status === 404) {
        // Drain the small error body, so the connection is reused.
        await readBodyStart(response, NOT_FOUND_BODY_BYTES, signal).catch(
          () => undefined,
        );
        return undefined;
      }
      if (!response.ok) {
        throw await kubernetesResponseError(response, signal);
      }
      return await readCappedJson(response, {
        maxBytes:
          this.options.maxResponseBytes ??
          DEFAULT_KUBERNETES_MAX_RESPONSE_BYTES,
        what: `${this.options.name ?? 'Kubernetes'} (${method} ${path})`,
        setting: this.options.maxResponseBytesSetting,
        signal,
      });
    } catch (error) {
      if (timeout.aborted && !options.signal?.aborted) {
        throw new KubernetesTimeoutError(
          `${method} ${path} timed out after ${timeoutMs} ms`,
        );
      }
      throw error;
    }
  }
}
