import {
  KUBE_RESOURCES,
  KUBERNETES_CLUSTER_HEADER,
  KubeObject,
  KubeResourceType,
  resourcePath,
  resourceTypeOf,
} from '@meshlens/plugin-mesh-node';
import { http, HttpResponse } from 'msw';
import { parse as parseYaml } from 'yaml';

const BUILT_IN_TYPES: KubeResourceType[] = [
  ...Object.values(KUBE_RESOURCES),
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', plural: 'replicasets' },
];

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

  /** The kinds this API server serves: the built-in ones and installed CRDs. */
  private readonly types: KubeResourceType[] = [...BUILT_IN_TYPES];

  constructor(readonly baseUrl: string) {}

  /** Installs CRDs, so their kinds are served like a real cluster's. */
  installCustomResources(...types: KubeResourceType[]): this {
    this.types.push(...types);
    return this;
  }

  private objectPath(o: KubeObject): string {
    return resourcePath(
      resourceTypeOf(o, this.types),
      o.metadata.namespace,
      o.metadata.name,
    );
  }

  add(cluster: string, ...objects: KubeObject[]): this {
    const store = this.store(cluster);
    for (const o of objects) {
      store.set(this.objectPath(o), {
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
      // Equality and existence (`key`, `!key`), the syntax Meshlens sends;
      // anything else is refused rather than matched wrongly. Its own parser,
      // not mesh-node's, so one bug cannot pass both sides.
      const wanted = selector ? selector.split(',').map(s => s.split('=')) : [];
      if (
        wanted.some(
          w => w.length > 2 || !w[0] || !/^!?[a-z0-9A-Z./_-]+$/.test(w[0]),
        )
      ) {
        return this.status(400, `unable to parse requirement: ${selector}`);
      }
      const matches = (labels: Record<string, string> = {}) =>
        wanted.every(([k, v]) => {
          if (v !== undefined) return labels[k] === v;
          if (k.startsWith('!')) return labels[k.slice(1)] === undefined;
          return labels[k] !== undefined;
        });
      // A namespaced kind listed without a namespace lists every namespace.
      const [, group, plural] = /^(.*)\/([^/]+)$/.exec(path) ?? [];
      const everyNamespace =
        !path.includes('/namespaces/') && plural !== 'namespaces'
          ? new RegExp(
              `^${group.replace(
                /[.]/g,
                '\\.',
              )}/namespaces/[^/]+/${plural}/[^/]+$`,
            )
          : undefined;
      const items = [...store.entries()]
        .filter(
          ([k]) =>
            (k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) ||
            everyNamespace?.test(k),
        )
        .map(([, v]) => v)
        .filter(o => matches(o.metadata.labels));
      const segments = path.split('/');
      const isCollection =
        this.types.some(t => t.plural === segments[segments.length - 1]) &&
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
    if (method === 'POST') {
      const target = `${path}/${body?.metadata?.name}`;
      if (store.has(target)) {
        return this.status(
          409,
          `${body.metadata.name} already exists (AlreadyExists)`,
        );
      }
      if (isDryRun) return HttpResponse.json(body, { status: 201 });
      const created = {
        ...body,
        metadata: {
          ...body.metadata,
          uid: `uid-${this.version}`,
          resourceVersion: String(++this.version),
        },
      };
      store.set(target, created);
      this.onWrite?.(cluster, target, clone(created));
      return HttpResponse.json(created, { status: 201 });
    }
    // A resourceVersion in a patch or apply body is a precondition.
    const wantedVersion = body?.metadata?.resourceVersion;
    if (
      method === 'PATCH' &&
      wantedVersion !== undefined &&
      wantedVersion !== live?.metadata.resourceVersion
    ) {
      return this.status(409, 'the object has been modified');
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
      if (
        !this.types.some(
          t => t.apiVersion === body.apiVersion && t.kind === body.kind,
        )
      ) {
        return this.status(
          404,
          `the server could not find the requested resource (${body.apiVersion} ${body.kind})`,
        );
      }
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
