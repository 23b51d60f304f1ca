import {
  KUBE_RESOURCES,
  KUBERNETES_CLUSTER_HEADER,
  KubeObject,
  resourcePath,
  resourceTypeOf,
} from '@meshlens/plugin-mesh-node';
import { http, HttpResponse } from 'msw';
import { parse as parseYaml } from 'yaml';

const PLURALS = new Set<string>(
  Object.values(KUBE_RESOURCES).map(r => r.plural),
);

const objectPath = (o: KubeObject) =>
  resourcePath(resourceTypeOf(o), o.metadata.namespace, o.metadata.name);

/** One request the fake API server received. */
export interface RecordedRequest {
  cluster: string | null;
  authorization: string | null;
  method: string;
  /** Path and query, as sent to the API server. */
  path: string;
  contentType: string | null;
  body?: unknown;
}

type Json = any;

function mergePatch(target: Json, patch: Json): Json {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result: Json =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete result[k];
    } else {
      result[k] = mergePatch(result[k], v);
    }
  }
  return result;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/**
 * An in-memory Kubernetes API behind the Kubernetes backend's proxy, for
 * msw: one object store per cluster (routed on the cluster header), every
 * request recorded, and failures injected on chosen writes.
 */
export class FakeKubernetes {
  readonly requests: RecordedRequest[] = [];
  private readonly stores = new Map<string, Map<string, Json>>();
  private readonly failures = new Map<number, number>();
  private version = 100;
  private writes = 0;
  /** Called after each successful write, to play a controller. */
  onWrite?: (cluster: string, path: string, object: Json) => void;

  constructor(readonly baseUrl: string) {}

  add(cluster: string, ...objects: KubeObject[]): this {
    const store = this.store(cluster);
    for (const o of objects) {
      store.set(objectPath(o), {
        ...clone(o),
        metadata: {
          uid: `uid-${this.version}`,
          ...clone(o.metadata),
          resourceVersion: String(++this.version),
        },
      });
    }
    return this;
  }

  get(cluster: string, path: string): Json | undefined {
    const o = this.store(cluster).get(path);
    return o ? clone(o) : undefined;
  }

  put(cluster: string, path: string, object: Json) {
    this.store(cluster).set(path, clone(object));
  }

  remove(cluster: string, path: string) {
    this.store(cluster).delete(path);
  }

  /** A snapshot of every object of a cluster, for before/after comparisons. */
  snapshot(cluster: string): Record<string, Json> {
    return Object.fromEntries(
      [...this.store(cluster).entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => {
          // Server-assigned, so a deleted and re-created object compares equal.
          const { resourceVersion, uid, ...metadata } = v.metadata;
          return [k, { ...clone(v), metadata }];
        }),
    );
  }

  /** Makes the n-th write (1-based, counting PATCH/PUT/POST/DELETE) fail with `status`. */
  failWrite(n: number, status = 500) {
    this.failures.set(n, status);
  }

  /** The requests that change something. */
  mutations(): RecordedRequest[] {
    return this.requests.filter(r => r.method !== 'GET');
  }

  handlers() {
    return [
      http.all(`${this.baseUrl}/*`, async ({ request }) => {
        const url = new URL(request.url);
        const path = url.pathname.slice(new URL(this.baseUrl).pathname.length);
        const cluster = request.headers.get(KUBERNETES_CLUSTER_HEADER);
        const contentType = request.headers.get('content-type');
        const text = request.method === 'GET' ? '' : await request.text();
        let body: unknown;
        if (text) {
          body =
            contentType === 'application/apply-patch+yaml'
              ? parseYaml(text)
              : JSON.parse(text);
        }
        this.requests.push({
          cluster,
          authorization: request.headers.get('authorization'),
          method: request.method,
          path: `${path}${url.search}`,
          contentType,
          ...(body !== undefined ? { body } : {}),
        });
        if (!cluster || !this.stores.has(cluster)) {
          return HttpResponse.json(
            {
              error: {
                name: 'NotFoundError',
                message: `no cluster ${cluster}`,
              },
            },
            { status: 404 },
          );
        }
        return this.handle(
          cluster,
          request.method,
          path,
          url,
          body,
          contentType,
        );
      }),
    ];
  }

  private store(cluster: string) {
    let s = this.stores.get(cluster);
    if (!s) {
      s = new Map();
      this.stores.set(cluster, s);
    }
    return s;
  }

  private status(code: number, message: string) {
    return HttpResponse.json(
      { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code },
      { status: code },
    );
  }

  private handle(
    cluster: string,
    method: string,
    path: string,
    url: URL,
    sent: Json,
    contentType: string | null,
  ) {
    const store = this.store(cluster);
    if (method === 'GET') {
      const found = store.get(path);
      if (found) return HttpResponse.json(found);
      const prefix = `${path}/`;
      const selector = url.searchParams.get('labelSelector');
      // Only the equality syntax onboarding sends; anything else is refused
      // rather than matched wrongly.
      const wanted = selector
        ? selector.split(',').map(s => s.split('=') as [string, string])
        : [];
      if (wanted.some(w => w.length !== 2 || !w[0])) {
        return this.status(400, `unable to parse requirement: ${selector}`);
      }
      const items = [...store.entries()]
        .filter(
          ([k]) =>
            k.startsWith(prefix) && !k.slice(prefix.length).includes('/'),
        )
        .map(([, v]) => v)
        .filter(o => wanted.every(([k, v]) => o.metadata.labels?.[k] === v));
      const segments = path.split('/');
      const isCollection =
        PLURALS.has(segments[segments.length - 1]) &&
        segments[segments.length - 2] !== 'namespaces';
      if (items.length > 0 || isCollection) {
        return HttpResponse.json({ kind: 'List', items });
      }
      return this.status(404, `${path} not found`);
    }

    const dryRun = url.searchParams.getAll('dryRun');
    if (dryRun.some(v => v !== 'All')) {
      return this.status(400, `invalid dryRun ${dryRun.join(',')}`);
    }
    const isDryRun = dryRun.length > 0;
    if (!isDryRun) {
      this.writes++;
      const failure = this.failures.get(this.writes);
      if (failure) {
        return this.status(failure, `injected failure of write ${this.writes}`);
      }
    }
    const live = store.get(path);
    const body = sent === undefined ? undefined : clone(sent);
    let next: Json;
    if (method === 'DELETE') {
      if (!live) return this.status(404, `${path} not found`);
      const pre = body?.preconditions ?? {};
      if (pre.uid !== undefined && pre.uid !== live.metadata.uid) {
        return this.status(
          409,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`,
        );
      }
      if (
        pre.resourceVersion !== undefined &&
        pre.resourceVersion !== live.metadata.resourceVersion
      ) {
        return this.status(
          409,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`,
        );
      }
      if (isDryRun) return HttpResponse.json(live);
      store.delete(path);
      this.onWrite?.(cluster, path, undefined);
      return HttpResponse.json({ kind: 'Status', status: 'Success' });
    }
    if (
      method === 'PATCH' &&
      contentType !== 'application/apply-patch+yaml' &&
      contentType !== 'application/merge-patch+json'
    ) {
      return this.status(415, `the fake does not take ${contentType}`);
    }
    if (method === 'PUT') {
      if (!live) return this.status(404, `${path} not found`);
      if (body.metadata?.resourceVersion !== live.metadata.resourceVersion) {
        return this.status(409, 'the object has been modified');
      }
      next = body;
    } else if (contentType === 'application/apply-patch+yaml') {
      if (!url.searchParams.get('fieldManager')) {
        return this.status(422, 'fieldManager is required for apply patch');
      }
      resourceTypeOf(body);
      // Close enough to server-side apply for objects with one manager.
      next = live ? mergePatch(live, body) : body;
    } else {
      if (!live) return this.status(404, `${path} not found`);
      next = mergePatch(live, body);
    }
    if (isDryRun) {
      // Validated and answered as if written; nothing stored.
      return HttpResponse.json(next, { status: live ? 200 : 201 });
    }
    next.metadata = {
      uid: live?.metadata.uid ?? `uid-${this.version}`,
      ...next.metadata,
      resourceVersion: String(++this.version),
    };
    store.set(path, next);
    this.onWrite?.(cluster, path, clone(next));
    return HttpResponse.json(next, { status: live ? 200 : 201 });
  }
}
