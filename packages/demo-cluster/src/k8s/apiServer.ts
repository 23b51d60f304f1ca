/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import http from 'node:http';
import { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { FieldConflict, recordUpdate, serverSideApply } from './managedFields';
import {
  applyJsonPatch,
  applyMergePatch,
  deepClone,
  deepEqual,
  isObject,
  JsonObject,
  PatchError,
  strategicMerge,
} from './patch';
import { admit, AdmissionPlugin } from './admission';
import { Pager } from './paging';
import { apiVersionOf, findResource, ResourceType } from './resources';
import { forbidden, rbacAllows, RbacPolicy, ResourceAttributes } from './rbac';
import { resourceAttributesOf } from './requestInfo';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors';
import { deletedStatus, Errors, StatusError } from './status';
import { ServedApis } from './servedApis';
import { serveWatch, WatchHub } from './watch';
import { KubeObject, metaOf, ObjectStore } from './store';
import { validateObject } from './validation';

/** The user any token not named in RBAC mode acts as: allowed everything. */
export const DEMO_ADMIN_USER = 'demo-admin';

/** RBAC mode: tokens whose requests the policy authorizes. */
export interface RbacOptions {
  policy: RbacPolicy;
  /**
   * Token → user name, e.g. `system:serviceaccount:meshlens:meshlens`.
   * Other tokens keep acting as DEMO_ADMIN_USER, so the demo keeps working.
   */
  users: Record<string, string>;
}

/** One request the server received, as its request log records it. */
export interface RequestRecord {
  method: string;
  /** The Kubernetes verb (get, list, watch, create, update, patch, delete), `get` for discovery. */
  verb: string;
  /** The URL path, without the query. */
  path: string;
  query: string;
  user: string;
  /** Set for resource requests. */
  apiGroup?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  code: number;
}

/** A request as the fault hook sees it, before it is handled. */
export interface FaultRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Whether the request is a dry run (`dryRun=All` in the query). */
  dryRun: boolean;
}

/**
 * What goes wrong with one request: `fail` answers a Status with `status`
 * (default 500) and changes nothing; `lose-reply` handles the request (a
 * write is committed) and then drops the connection (`drop`, the default)
 * or answers 504 as a proxy whose upstream timed out; `stall` never
 * answers.
 */
export type ApiFault =
  | { type: 'fail'; status?: number; message?: string }
  | { type: 'lose-reply'; how?: 'drop' | '504' }
  | { type: 'stall' };

/** Options of the demo API server. */
export interface ApiServerOptions {
  store: ObjectStore;
  /** Returns the current time; tests may pin it. */
  now?: () => Date;
  /** The types and CRD versions served (default: every one the demo knows). */
  servedApis?: ServedApis;
  /** Validating admission plugins run on every write, in order. */
  admission?: AdmissionPlugin[];
  /** Enforce RBAC for some tokens (off by default). */
  rbac?: RbacOptions;
  /** Called once per request after its answer was sent. */
  onRequest?: (record: RequestRecord) => void;
  /** Continue tokens and their expiry (default: a Pager over the store). */
  pager?: Pager;
  /**
   * Fault injection for tests, off unless given: called per request before
   * it is handled; a fault it returns happens to that request.
   */
  faults?: (request: FaultRequest) => ApiFault | undefined;
}

/** Makes the answer of a handled request go missing. */
function loseReply(res: http.ServerResponse, how: 'drop' | '504'): void {
  const writeHead = res.writeHead.bind(res);
  const end = res.end.bind(res);
  res.writeHead = (() => res) as typeof res.writeHead;
  res.end = (() => {
    if (how === 'drop') {
      res.socket?.destroy();
    } else {
      const text = JSON.stringify(
        Errors.internal('upstream request timeout').body,
      );
      writeHead(504, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      end(text);
    }
    return res;
  }) as typeof res.end;
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** API groups whose lists carry typed items without apiVersion/kind. */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'coordination.k8s.io',
]);

/** The /version answer: a Kubernetes 1.33 server. */
export const VERSION_INFO = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.5',
  gitCommit: '8a9a7d3a87bd8ec7ff9bc1a4c49b3f3f1fd1e7a5',
  gitTreeState: 'clean',
  buildDate: '2025-09-09T19:44:50Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface Route {
  group: string;
  version: string;
  resource: ResourceType;
  namespace?: string;
  name?: string;
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw Errors.badRequest(
      `error decoding request body: ${(e as Error).message}`,
    );
  }
}

/**
 * Creates the request handler of one demo cluster's API server: a subset of
 * the Kubernetes REST API over an in-memory store.
 */
export function createApiHandler(options: ApiServerOptions) {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const served = options.servedApis ?? new ServedApis();
  const admission = options.admission ?? [];
  const hub = new WatchHub(store);
  const pager =
    options.pager ??
    new Pager(
      () => Number(store.resourceVersion),
      () => now().getTime(),
    );

  const toVersion = (obj: KubeObject, route: Route): KubeObject => ({
    ...obj,
    apiVersion: apiVersionOf(route.group, route.version),
  });

  function parseRoute(segments: string[]): Route | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') {
      group = '';
      version = segments[1];
      rest = segments.slice(2);
    } else if (segments[0] === 'apis') {
      group = segments[1];
      version = segments[2];
      rest = segments.slice(3);
    } else {
      return undefined;
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length < 1 || rest.length > 2) return undefined;
    const resource = served.find(group, version, rest[0]);
    if (!resource) return undefined;
    if (namespace !== undefined && !resource.namespaced) return undefined;
    return { group, version, resource, namespace, name: rest[1] };
  }

  /** The label and field selectors of a list or watch, as one predicate. */
  function selectorOf(
    route: Route,
    query: URLSearchParams,
  ): (o: KubeObject) => boolean {
    try {
      const labelReqs = parseLabelSelector(query.get('labelSelector') ?? '');
      const fieldReqs = parseFieldSelector(
        query.get('fieldSelector') ?? '',
        apiVersionOf(route.group, route.version),
      );
      return o =>
        matchesLabels(labelReqs, o.metadata.labels) &&
        matchesFields(fieldReqs, o.metadata);
    } catch (e) {
      if (e instanceof SelectorError) throw Errors.badRequest(e.message);
      throw e;
    }
  }

  function list(route: Route, query: URLSearchParams) {
    const r = route.resource;
    const matches = selectorOf(route, query);
    const builtIn = BUILT_IN_GROUPS.has(r.group);
    const matching = store.list(r, route.namespace).filter(matches);
    const limitText = query.get('limit') ?? '0';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText)) {
      throw Errors.badRequest(
        `limit: Invalid value: "${limitText}": must be a non-negative integer`,
      );
    }
    const page = pager.page(matching, limit, query.get('continue'));
    const items = page.items.map(o => {
      const v = toVersion(o, route);
      if (!builtIn) return v;
      const { apiVersion: _a, kind: _k, ...rest } = v;
      return rest;
    });
    const metadata: JsonObject = { resourceVersion: page.resourceVersion! };
    if (page.continue) {
      metadata.continue = page.continue;
      metadata.remainingItemCount = page.remainingItemCount!;
    }
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(route.group, route.version),
      metadata,
      items,
    };
  }

  function requireNamespace(route: Route): void {
    const nsType = findResource('', 'v1', 'namespaces')!;
    if (route.resource.namespaced && route.namespace) {
      if (!store.get(nsType, undefined, route.namespace)) {
        throw Errors.namespaceNotFound(route.namespace);
      }
    }
  }

  function parseDryRun(query: URLSearchParams): boolean {
    const values = query.getAll('dryRun');
    for (const v of values) {
      if (v !== 'All') {
        throw Errors.invalid(
          { group: 'meta.k8s.io', kind: 'CreateOptions' } as ResourceType,
          '',
          [
            {
              field: 'dryRun',
              message: `Unsupported value: "${v}": supported values: "All"`,
              reason: 'FieldValueNotSupported',
            },
          ],
        );
      }
    }
    return values.length > 0;
  }

  function fieldManagerOf(
    req: http.IncomingMessage,
    query: URLSearchParams,
    fallback: string,
  ): string {
    const fm = query.get('fieldManager');
    if (fm) return fm;
    const ua = req.headers['user-agent'];
    if (ua) return ua.split('/')[0];
    return fallback;
  }

  /** Validates, bumps generation, records managed fields and stores (unless dry run). */
  function commit(
    route: Route,
    before: KubeObject | undefined,
    after: KubeObject,
    opts: { dryRun: boolean; manager?: string; applied?: boolean },
  ): KubeObject {
    const r = route.resource;
    const errors = validateObject(r, after);
    if (errors.length > 0) {
      throw Errors.invalid(r, metaOf(after).name ?? '', errors);
    }
    if (before) {
      if (
        typeof after.metadata.generation === 'number' &&
        !deepEqual(before.spec, after.spec)
      ) {
        after.metadata.generation = (before.metadata.generation as number) + 1;
      }
    }
    admit(admission, {
      operation: before ? 'UPDATE' : 'CREATE',
      resource: r,
      namespace: route.namespace,
      name: metaOf(after).name ?? '',
      object: after,
      oldObject: before,
      dryRun: opts.dryRun,
      store,
    });
    if (opts.manager && !opts.applied) {
      recordUpdate(
        before,
        after,
        opts.manager,
        apiVersionOf(route.group, route.version),
        timestamp(now()),
      );
    }
    if (opts.dryRun) {
      after.metadata.resourceVersion = before
        ? before.metadata.resourceVersion
        : '';
      if (!before) delete (after.metadata as JsonObject).resourceVersion;
      return after;
    }
    return store.put(r, after);
  }

  function keepIdentity(
    route: Route,
    live: KubeObject,
    next: JsonObject,
  ): KubeObject {
    const o = next as KubeObject;
    if (!isObject(o.metadata)) o.metadata = {} as KubeObject['metadata'];
    if (
      o.metadata.name !== undefined &&
      o.metadata.name !== live.metadata.name
    ) {
      throw Errors.badRequest(
        `the name of the object (${String(
          o.metadata.name,
        )}) does not match the name on the URL (${live.metadata.name})`,
      );
    }
    const rv = o.metadata.resourceVersion;
    if (rv !== undefined && rv !== live.metadata.resourceVersion) {
      throw Errors.conflict(route.resource, live.metadata.name);
    }
    o.apiVersion = live.apiVersion;
    o.kind = live.kind;
    o.metadata.name = live.metadata.name;
    if (live.metadata.namespace) o.metadata.namespace = live.metadata.namespace;
    o.metadata.uid = live.metadata.uid;
    o.metadata.creationTimestamp = live.metadata.creationTimestamp;
    o.metadata.resourceVersion = live.metadata.resourceVersion;
    if (live.metadata.generation !== undefined) {
      o.metadata.generation = live.metadata.generation;
    }
    if (live.status !== undefined) o.status = live.status;
    return o;
  }

  function checkBodyNamespace(route: Route, body: JsonObject): void {
    const ns = metaOf(body).namespace;
    if (route.resource.namespaced && ns && ns !== route.namespace) {
      throw Errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  async function create(
    req: http.IncomingMessage,
    route: Route,
    query: URLSearchParams,
  ): Promise<[number, unknown]> {
    const r = route.resource;
    if (route.name)
      throw Errors.methodNotAllowed(
        'the server does not allow this method on the requested resource',
      );
    const dryRun = parseDryRun(query);
    const body = parseJsonBody(await readBody(req));
    if (!isObject(body))
      throw Errors.badRequest("Object 'Kind' is missing in 'null'");
    if (body.kind !== undefined && body.kind !== r.kind) {
      throw Errors.badRequest(
        `the API version in the data (${String(
          body.apiVersion,
        )}) does not match the expected API version (${apiVersionOf(
          route.group,
          route.version,
        )})`,
      );
    }
    checkBodyNamespace(route, body);
    requireNamespace(route);
    const meta = isObject(body.metadata) ? { ...body.metadata } : {};
    if (!meta.name && typeof meta.generateName === 'string') {
      meta.name = `${meta.generateName}${Math.random()
        .toString(36)
        .slice(2, 7)}`;
    }
    if (r.namespaced) meta.namespace = route.namespace ?? 'default';
    delete meta.resourceVersion;
    const obj = store.prepareNew(r, { ...body, metadata: meta }, now());
    const name = metaOf(obj).name;
    if (name && store.get(r, route.namespace, name)) {
      throw Errors.alreadyExists(r, name);
    }
    const created = commit(route, undefined, obj, {
      dryRun,
      manager: fieldManagerOf(req, query, 'unknown'),
    });
    return [201, toVersion(created, route)];
  }

  async function replace(
    req: http.IncomingMessage,
    route: Route,
    query: URLSearchParams,
  ): Promise<[number, unknown]> {
    const r = route.resource;
    const dryRun = parseDryRun(query);
    const body = parseJsonBody(await readBody(req));
    if (!isObject(body))
      throw Errors.badRequest("Object 'Kind' is missing in 'null'");
    checkBodyNamespace(route, body);
    const live = store.get(r, route.namespace, route.name!);
    if (!live) throw Errors.notFound(r, route.name!);
    const next = keepIdentity(route, live, deepClone(body));
    next.metadata.managedFields = live.metadata.managedFields ?? [];
    const updated = commit(route, live, next, {
      dryRun,
      manager: fieldManagerOf(req, query, 'unknown'),
    });
    return [200, toVersion(updated, route)];
  }

  async function patch(
    req: http.IncomingMessage,
    route: Route,
    query: URLSearchParams,
  ): Promise<[number, unknown]> {
    const r = route.resource;
    const contentType = (req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const builtIn = BUILT_IN_GROUPS.has(r.group);
    const accepted = builtIn
      ? PATCH_TYPES
      : PATCH_TYPES.filter(t => !t.includes('strategic'));
    if (!accepted.includes(contentType)) {
      throw Errors.unsupportedMediaType(accepted);
    }
    if (!route.name)
      throw Errors.methodNotAllowed(
        'the server does not allow this method on the requested resource',
      );
    const dryRun = parseDryRun(query);
    const text = await readBody(req);
    const live = store.get(r, route.namespace, route.name);

    if (contentType === 'application/apply-patch+yaml') {
      const manager = query.get('fieldManager');
      if (!manager) {
        throw Errors.invalid(
          { group: 'meta.k8s.io', kind: 'PatchOptions' } as ResourceType,
          '',
          [
            {
              field: 'fieldManager',
              message: 'Required value: is required for apply patch',
              reason: 'FieldValueRequired',
            },
          ],
        );
      }
      let applied: unknown;
      try {
        applied = parseYaml(text);
      } catch (e) {
        throw Errors.badRequest(`error decoding YAML: ${(e as Error).message}`);
      }
      if (!isObject(applied))
        throw Errors.badRequest(
          'invalid object: apply patch must be an object',
        );
      const expectedApiVersion = apiVersionOf(route.group, route.version);
      if (
        applied.apiVersion !== expectedApiVersion ||
        applied.kind !== r.kind
      ) {
        throw Errors.badRequest(
          `invalid object type: ${String(applied.apiVersion)}, Kind=${String(
            applied.kind,
          )}; expected ${expectedApiVersion}, Kind=${r.kind}`,
        );
      }
      const name = metaOf(applied).name;
      if (name !== route.name) {
        throw Errors.badRequest(
          `the name of the object (${
            name ?? ''
          }) does not match the name on the URL (${route.name})`,
        );
      }
      checkBodyNamespace(route, applied);
      // As on a real server, a resourceVersion in an apply body is a
      // precondition: the write is refused unless the live object has it.
      const wantedVersion = isObject(applied.metadata)
        ? applied.metadata.resourceVersion
        : undefined;
      if (
        wantedVersion !== undefined &&
        wantedVersion !== live?.metadata.resourceVersion
      ) {
        throw Errors.conflict(r, route.name);
      }
      const force = query.get('force') === 'true';
      if (!live) requireNamespace(route);
      const base =
        live ??
        store.prepareNew(
          r,
          {
            metadata: {
              name: route.name,
              ...(r.namespaced ? { namespace: route.namespace } : {}),
            },
          },
          now(),
        );
      const result = serverSideApply(
        live,
        applied,
        manager,
        force,
        expectedApiVersion,
        timestamp(now()),
      );
      if (result.conflicts.length > 0) {
        throw Errors.applyConflict(result.conflicts as FieldConflict[]);
      }
      const next = keepIdentity(route, base, {
        ...result.object,
        metadata: {
          ...(result.object.metadata as JsonObject),
          resourceVersion: base.metadata.resourceVersion,
        },
      });
      if (!live) {
        delete (next.metadata as JsonObject).resourceVersion;
        delete next.status;
      }
      const stored = commit(route, live, next, {
        dryRun,
        manager,
        applied: true,
      });
      return [live ? 200 : 201, toVersion(stored, route)];
    }

    if (!live) throw Errors.notFound(r, route.name);
    const body = parseJsonBody(text);
    let patched;
    try {
      if (contentType === 'application/json-patch+json') {
        patched = applyJsonPatch(live, body as never);
      } else if (contentType === 'application/merge-patch+json') {
        patched = applyMergePatch(live, body as never);
      } else {
        patched = strategicMerge(live, body as never);
      }
    } catch (e) {
      if (e instanceof PatchError) {
        if (e.status === 400) throw Errors.badRequest(e.message);
        throw Errors.patchFailed(e.message);
      }
      throw e;
    }
    if (!isObject(patched))
      throw Errors.badRequest('patch produced a non-object');
    const next = keepIdentity(route, live, patched);
    const updated = commit(route, live, next, {
      dryRun,
      manager: fieldManagerOf(req, query, 'unknown'),
    });
    return [200, toVersion(updated, route)];
  }

  function cascadeDelete(uid: string): void {
    for (const { resource, object } of store.all()) {
      const owners = object.metadata.ownerReferences;
      if (
        Array.isArray(owners) &&
        owners.some(o => isObject(o) && o.uid === uid)
      ) {
        store.remove(resource, object.metadata.namespace, object.metadata.name);
        cascadeDelete(object.metadata.uid);
      }
    }
  }

  /** Reads DeleteOptions from the body: preconditions, and dryRun there too. */
  async function deleteOptions(
    req: http.IncomingMessage,
  ): Promise<{ uid?: string; resourceVersion?: string; dryRun: string[] }> {
    const text = await readBody(req);
    if (!text.trim()) return { dryRun: [] };
    const body = parseJsonBody(text);
    if (!isObject(body))
      throw Errors.badRequest('DeleteOptions must be an object');
    const pre = isObject(body.preconditions) ? body.preconditions : {};
    return {
      uid: typeof pre.uid === 'string' ? pre.uid : undefined,
      resourceVersion:
        typeof pre.resourceVersion === 'string'
          ? pre.resourceVersion
          : undefined,
      dryRun: Array.isArray(body.dryRun) ? body.dryRun.map(String) : [],
    };
  }

  async function remove(
    req: http.IncomingMessage,
    route: Route,
    query: URLSearchParams,
  ): Promise<[number, unknown]> {
    const r = route.resource;
    if (!route.name)
      throw Errors.methodNotAllowed(
        'deletecollection is not supported by the demo cluster',
      );
    const preconditions = await deleteOptions(req);
    for (const v of preconditions.dryRun) query.append('dryRun', v);
    const dryRun = parseDryRun(query);
    const live = store.get(r, route.namespace, route.name);
    if (!live) throw Errors.notFound(r, route.name);
    if (
      preconditions.uid !== undefined &&
      preconditions.uid !== live.metadata.uid
    ) {
      throw Errors.preconditionUid(
        r,
        route.name,
        preconditions.uid,
        live.metadata.uid,
      );
    }
    if (
      preconditions.resourceVersion !== undefined &&
      preconditions.resourceVersion !== live.metadata.resourceVersion
    ) {
      throw Errors.preconditionResourceVersion(
        r,
        route.name,
        preconditions.resourceVersion,
        live.metadata.resourceVersion,
      );
    }
    admit(admission, {
      operation: 'DELETE',
      resource: r,
      namespace: route.namespace,
      name: route.name,
      oldObject: live,
      dryRun,
      store,
    });
    const ts = timestamp(now());
    if (dryRun) {
      return [
        200,
        r.kind === 'Pod' || r.kind === 'Namespace'
          ? toVersion(
              {
                ...live,
                metadata: { ...live.metadata, deletionTimestamp: ts },
              },
              route,
            )
          : deletedStatus(r, route.name, live.metadata.uid),
      ];
    }
    store.remove(r, route.namespace, route.name);
    cascadeDelete(live.metadata.uid);
    if (r.kind === 'Namespace') {
      for (const { resource, object } of store.all()) {
        if (object.metadata.namespace === route.name) {
          store.remove(resource, route.name, object.metadata.name);
        }
      }
      return [
        200,
        toVersion(
          {
            ...live,
            metadata: { ...live.metadata, deletionTimestamp: ts },
            spec: { finalizers: ['kubernetes'] },
            status: { phase: 'Terminating' },
          },
          route,
        ),
      ];
    }
    if (r.kind === 'Pod') {
      return [
        200,
        toVersion(
          {
            ...live,
            metadata: {
              ...live.metadata,
              deletionTimestamp: ts,
              deletionGracePeriodSeconds: 30,
            },
          },
          route,
        ),
      ];
    }
    return [200, deletedStatus(r, route.name, live.metadata.uid)];
  }

  function watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: Route,
    query: URLSearchParams,
  ): void {
    const selector = selectorOf(route, query);
    const name = route.name;
    serveWatch(req, res, hub, {
      resource: route.resource,
      namespace: route.namespace,
      // A watch on one object's path is a watch on that name.
      matches: name ? o => o.metadata.name === name && selector(o) : selector,
      query,
      toVersion: o => toVersion(o, route),
    });
  }

  /** The user a request's bearer token authenticates as. */
  function authenticate(req: http.IncomingMessage): string {
    const auth = req.headers.authorization;
    const token = /^Bearer\s+(\S+)/i.exec(auth ?? '')?.[1];
    if (!token) throw Errors.unauthorized();
    return options.rbac?.users[token] ?? DEMO_ADMIN_USER;
  }

  function authorize(
    user: string,
    attributes: ResourceAttributes | undefined,
  ): void {
    // Discovery and /version are everyone's, as system:discovery grants.
    if (!options.rbac || user === DEMO_ADMIN_USER || !attributes) return;
    if (!rbacAllows(options.rbac.policy, user, attributes)) {
      throw forbidden(user, attributes);
    }
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: Partial<RequestRecord>,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const segments = url.pathname.split('/').filter(s => s !== '');
    const method = req.method ?? 'GET';
    const attributes = resourceAttributesOf(method, segments, url.searchParams);
    Object.assign(record, attributes ?? { verb: 'get' });
    record.user = authenticate(req);
    authorize(record.user, attributes);

    if (method === 'GET') {
      const path = url.pathname.replace(/\/$/, '');
      if (path === '/version') return send(res, 200, VERSION_INFO);
      if (['/healthz', '/livez', '/readyz'].includes(path)) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return undefined;
      }
      if (path === '/api') {
        const addr = req.socket.localAddress ?? '127.0.0.1';
        const port = req.socket.localPort ?? 0;
        return send(res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: `${addr}:${port}` },
          ],
        });
      }
      if (path === '/apis') {
        return send(res, 200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: served.groupList(),
        });
      }
      if (segments[0] === 'apis' && segments.length === 2) {
        const g = served.groupList().find(x => x.name === segments[1]);
        if (!g) throw Errors.noResource();
        return send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...g });
      }
      if (
        (segments[0] === 'api' && segments.length === 2) ||
        (segments[0] === 'apis' && segments.length === 3)
      ) {
        const group = segments[0] === 'api' ? '' : segments[1];
        const resources = served.resourceList(
          group,
          segments[segments.length - 1],
        );
        if (!resources) throw Errors.noResource();
        return send(res, 200, resources);
      }
    }

    const route = parseRoute(segments);
    if (!route) throw Errors.noResource();
    const query = url.searchParams;

    switch (method) {
      case 'GET': {
        if (query.get('watch') === 'true' || query.get('watch') === '1') {
          return watch(req, res, route, query);
        }
        if (!route.name) return send(res, 200, list(route, query));
        const obj = store.get(route.resource, route.namespace, route.name);
        if (!obj) throw Errors.notFound(route.resource, route.name);
        return send(res, 200, toVersion(obj, route));
      }
      case 'POST': {
        const [code, body] = await create(req, route, query);
        return send(res, code, body);
      }
      case 'PUT': {
        if (!route.name)
          throw Errors.methodNotAllowed(
            'the server does not allow this method on the requested resource',
          );
        const [code, body] = await replace(req, route, query);
        return send(res, code, body);
      }
      case 'PATCH': {
        const [code, body] = await patch(req, route, query);
        return send(res, code, body);
      }
      case 'DELETE': {
        const [code, body] = await remove(req, route, query);
        return send(res, code, body);
      }
      default:
        throw Errors.methodNotAllowed(
          'the server does not allow this method on the requested resource',
        );
    }
  }

  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: Partial<RequestRecord> = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      user: '',
    };
    if (options.onRequest) {
      const onRequest = options.onRequest;
      res.on('finish', () =>
        onRequest({
          ...record,
          verb: record.verb ?? 'get',
          code: res.statusCode,
        } as RequestRecord),
      );
    }
    const fault = options.faults?.({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      dryRun: url.searchParams.getAll('dryRun').length > 0,
    });
    if (fault?.type === 'stall') return;
    if (fault?.type === 'fail') {
      const code = fault.status ?? 500;
      send(res, code, {
        ...Errors.internal(fault.message ?? 'injected fault').body,
        code,
      });
      return;
    }
    if (fault?.type === 'lose-reply') loseReply(res, fault.how ?? 'drop');
    handle(req, res, record).catch(e => {
      if (e instanceof StatusError) {
        send(res, e.body.code, e.body);
      } else {
        send(
          res,
          500,
          Errors.internal(String((e as Error)?.message ?? e)).body,
        );
      }
    });
  };
}

/** A running API server. */
export interface RunningApiServer {
  url: string;
  port: number;
  /** Expires every continue token issued so far, as an etcd compaction does. */
  expireContinueTokens(): void;
  close(): Promise<void>;
}

/** Starts an API server on 127.0.0.1 (port 0 picks a free port). */
export async function startApiServer(
  options: ApiServerOptions & { port: number; host?: string },
): Promise<RunningApiServer> {
  const now = options.now ?? (() => new Date());
  const pager =
    options.pager ??
    new Pager(
      () => Number(options.store.resourceVersion),
      () => now().getTime(),
    );
  const server = http.createServer(createApiHandler({ ...options, pager }));
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    expireContinueTokens: () => pager.compact(),
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
