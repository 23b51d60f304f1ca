import { registerMswTestHooks } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
} from '@backstage/errors';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { KubernetesClient } from './KubernetesClient';
import { KubernetesTimeoutError } from './errors';
import { KUBE_RESOURCES } from './resources';

const BASE = 'http://api.test';
const server = setupServer();
registerMswTestHooks(server);

const status = (code: number, message: string) =>
  HttpResponse.json(
    { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code },
    { status: code },
  );

const client = new KubernetesClient({
  baseUrl: BASE,
  headers: async () => ({ Authorization: 'Bearer t' }),
  timeoutMs: 200,
});

const pod = (name: string) => ({ metadata: { name, namespace: 'shop' } });

describe('KubernetesClient reads', () => {
  it('follows continue tokens until the last page', async () => {
    const seen: string[] = [];
    const all = Array.from({ length: 5 }, (_, i) => pod(`p${i}`));
    server.use(
      http.get(`${BASE}/api/v1/namespaces/shop/pods`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.search);
        const limit = Number(url.searchParams.get('limit'));
        const from = Number(url.searchParams.get('continue') ?? 0);
        const items = all.slice(from, from + limit);
        const next = from + limit < all.length ? String(from + limit) : '';
        return HttpResponse.json({
          kind: 'PodList',
          metadata: next ? { continue: next } : {},
          items,
        });
      }),
    );
    const items = await client.list(KUBE_RESOURCES.pod, {
      namespace: 'shop',
      labelSelector: 'app=web',
      pageSize: 2,
    });
    expect(items.map(p => p.metadata.name)).toEqual([
      'p0',
      'p1',
      'p2',
      'p3',
      'p4',
    ]);
    expect(seen).toEqual([
      '?labelSelector=app%3Dweb&limit=2',
      '?labelSelector=app%3Dweb&limit=2&continue=2',
      '?labelSelector=app%3Dweb&limit=2&continue=4',
    ]);
  });

  it('reads the whole list again in one request when a continue token expired (410), dropping the pages of the old revision', async () => {
    const seen: string[] = [];
    // Revision 1 had p0..p3; p1 was deleted and p9 created before the
    // second page was asked for, and the token's revision was compacted.
    const now = [pod('p0'), pod('p2'), pod('p3'), pod('p9')];
    server.use(
      http.get(`${BASE}/api/v1/namespaces/shop/pods`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.search);
        if (url.searchParams.get('continue')) {
          return status(
            410,
            'The provided continue parameter is too old to display a consistent list result.',
          );
        }
        if (url.searchParams.get('limit')) {
          return HttpResponse.json({
            metadata: { continue: 'rev1-2' },
            items: [pod('p0'), pod('p1')],
          });
        }
        return HttpResponse.json({ metadata: {}, items: now });
      }),
    );
    const items = await client.list(KUBE_RESOURCES.pod, {
      namespace: 'shop',
      pageSize: 2,
    });
    expect(items.map(p => p.metadata.name)).toEqual(['p0', 'p2', 'p3', 'p9']);
    expect(seen).toEqual(['?limit=2', '?limit=2&continue=rev1-2', '']);
  });

  it('throws a 410 of the first page, which has no token to renew, and any other error of a later page', async () => {
    server.use(
      http.get(`${BASE}/api/v1/pods`, ({ request }) =>
        new URL(request.url).searchParams.get('continue')
          ? status(500, 'etcd unavailable')
          : status(410, 'Gone'),
      ),
    );
    await expect(
      client.list(KUBE_RESOURCES.pod, { pageSize: 2 }),
    ).rejects.toThrow(/410/);
    server.use(
      http.get(`${BASE}/api/v1/pods`, ({ request }) =>
        new URL(request.url).searchParams.get('continue')
          ? status(500, 'etcd unavailable')
          : HttpResponse.json({ metadata: { continue: 'x' }, items: [] }),
      ),
    );
    await expect(
      client.list(KUBE_RESOURCES.pod, { pageSize: 2 }),
    ).rejects.toThrow(/500.*etcd unavailable/);
  });

  it('returns one page with its token', async () => {
    server.use(
      http.get(`${BASE}/api/v1/pods`, () =>
        HttpResponse.json({ metadata: { continue: 'abc' }, items: [pod('a')] }),
      ),
    );
    await expect(
      client.listPage(KUBE_RESOURCES.pod, { limit: 1 }),
    ).resolves.toEqual({ items: [pod('a')], continue: 'abc' });
  });

  it('lists a kind whose CRD is missing as empty and a missing object as undefined', async () => {
    server.use(
      http.get(`${BASE}/*`, () => status(404, 'the server could not find it')),
    );
    await expect(
      client.list(KUBE_RESOURCES.ciliumNetworkPolicy, { namespace: 'shop' }),
    ).resolves.toEqual([]);
    await expect(
      client.get(KUBE_RESOURCES.pod, 'gone', 'shop'),
    ).resolves.toBeUndefined();
  });

  it('sends the headers and never builds a path from bad input', async () => {
    let auth: string | null = null;
    server.use(
      http.get(`${BASE}/api/v1/namespaces/shop`, ({ request }) => {
        auth = request.headers.get('authorization');
        return HttpResponse.json({ metadata: { name: 'shop' } });
      }),
    );
    await client.get(KUBE_RESOURCES.namespace, 'shop');
    expect(auth).toBe('Bearer t');
    await expect(
      client.list(KUBE_RESOURCES.pod, { namespace: 'a/../../x' }),
    ).rejects.toThrow(InputError);
  });
});

describe('KubernetesClient writes', () => {
  type Seen = {
    method: string;
    search: string;
    type: string | null;
    body: any;
  };
  let seen: Seen[];
  beforeEach(() => {
    seen = [];
    server.use(
      http.all(`${BASE}/*`, async ({ request }) => {
        const url = new URL(request.url);
        const text = await request.text();
        seen.push({
          method: request.method,
          search: url.search,
          type: request.headers.get('content-type'),
          body: text ? JSON.parse(text) : undefined,
        });
        return HttpResponse.json({ metadata: { name: 'web' } });
      }),
    );
  });

  it('applies server-side with the field manager, force and dryRun=All', async () => {
    await client.apply(
      KUBE_RESOURCES.networkPolicy,
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'web', namespace: 'shop' },
      },
      { fieldManager: 'meshlens', dryRun: true, force: true },
    );
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      search: '?fieldManager=meshlens&dryRun=All&force=true',
      type: 'application/apply-patch+yaml',
      body: { kind: 'NetworkPolicy', metadata: { name: 'web' } },
    });
  });

  it('sends merge and JSON patches, and dryRun on each', async () => {
    await client.mergePatch(
      KUBE_RESOURCES.namespace,
      'shop',
      undefined,
      { metadata: { labels: { a: null } } },
      { fieldManager: 'm', dryRun: true },
    );
    await client.jsonPatch(
      KUBE_RESOURCES.deployment,
      'web',
      'shop',
      [{ op: 'test', path: '/metadata/resourceVersion', value: '7' }],
      { dryRun: true },
    );
    await client.replace(
      KUBE_RESOURCES.configMap,
      { metadata: { name: 'c', namespace: 'shop', resourceVersion: '3' } },
      { dryRun: true },
    );
    expect(seen.map(s => [s.method, s.search, s.type])).toEqual([
      ['PATCH', '?fieldManager=m&dryRun=All', 'application/merge-patch+json'],
      ['PATCH', '?dryRun=All', 'application/json-patch+json'],
      ['PUT', '?dryRun=All', 'application/json'],
    ]);
    expect(seen[1].body).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    ]);
  });

  it('creates with a POST to the collection, and dryRun=All', async () => {
    await client.create(
      KUBE_RESOURCES.configMap,
      { metadata: { name: 'lock', namespace: 'shop' } },
      { fieldManager: 'meshlens', dryRun: true },
    );
    expect(seen).toEqual([
      {
        method: 'POST',
        search: '?fieldManager=meshlens&dryRun=All',
        type: 'application/json',
        body: { metadata: { name: 'lock', namespace: 'shop' } },
      },
    ]);
  });

  it('deletes with preconditions', async () => {
    await client.delete(KUBE_RESOURCES.pod, 'web', 'shop', {
      preconditions: { uid: 'u1', resourceVersion: '9' },
      dryRun: true,
    });
    expect(seen[0]).toEqual({
      method: 'DELETE',
      search: '?dryRun=All',
      type: 'application/json',
      body: {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        preconditions: { uid: 'u1', resourceVersion: '9' },
      },
    });
  });
});

describe('KubernetesClient errors', () => {
  it.each([
    [400, InputError.name],
    [422, InputError.name],
    [403, NotAllowedError.name],
    [404, NotFoundError.name],
    [409, ConflictError.name],
    [500, ResponseError.name],
  ])(
    'turns a %i Status into its error with the server message',
    async (code, type) => {
      server.use(
        http.patch(`${BASE}/*`, () => status(code, `the reason ${code}`)),
      );
      const write = client.mergePatch(KUBE_RESOURCES.pod, 'p', 'shop', {});
      await expect(write).rejects.toMatchObject({ name: type });
      await expect(
        client.mergePatch(KUBE_RESOURCES.pod, 'p', 'shop', {}),
      ).rejects.toThrow(
        new RegExp(`^Request failed with ${code} .*: the reason ${code}$`),
      );
    },
  );

  it('keeps the message of a Backstage error from the proxy', async () => {
    server.use(
      http.get(`${BASE}/*`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'no kubernetes.proxy' },
          },
          { status: 403 },
        ),
      ),
    );
    await expect(client.list(KUBE_RESOURCES.pod)).rejects.toThrow(
      /403 Forbidden: no kubernetes.proxy/,
    );
  });

  it('lets a delete of an object already gone pass, and a precondition conflict fail', async () => {
    server.use(
      http.delete(`${BASE}/api/v1/namespaces/shop/pods/gone`, () =>
        status(404, 'pods "gone" not found'),
      ),
      http.delete(`${BASE}/api/v1/namespaces/shop/pods/changed`, () =>
        status(
          409,
          'Precondition failed: UID in precondition: u1, UID in object meta: u2',
        ),
      ),
    );
    await expect(
      client.delete(KUBE_RESOURCES.pod, 'gone', 'shop'),
    ).resolves.toBeUndefined();
    await expect(
      client.delete(KUBE_RESOURCES.pod, 'changed', 'shop', {
        preconditions: { uid: 'u1' },
      }),
    ).rejects.toThrow(ConflictError);
  });

  it('times out with a TimeoutError that names the call', async () => {
    server.use(
      http.get(`${BASE}/*`, async () => {
        await delay(1000);
        return HttpResponse.json({ items: [] });
      }),
    );
    const read = client.list(KUBE_RESOURCES.pod, { timeoutMs: 50 });
    await expect(read).rejects.toThrow(KubernetesTimeoutError);
    await expect(
      client.list(KUBE_RESOURCES.pod, { timeoutMs: 50 }),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
      message: 'GET /api/v1/pods timed out after 50 ms',
    });
  });

  it('stops when the caller aborts, with the caller reason', async () => {
    server.use(
      http.get(`${BASE}/*`, async () => {
        await delay(1000);
        return HttpResponse.json({ items: [] });
      }),
    );
    const controller = new AbortController();
    const read = client.list(KUBE_RESOURCES.pod, {
      signal: controller.signal,
    });
    controller.abort(new Error('task cancelled'));
    await expect(read).rejects.toThrow('task cancelled');
    await expect(
      client.get(KUBE_RESOURCES.pod, 'p', 'shop', {
        signal: controller.signal,
      }),
    ).rejects.toThrow('task cancelled');
  });
});
