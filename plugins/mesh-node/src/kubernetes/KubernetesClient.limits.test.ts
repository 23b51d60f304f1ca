import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubernetesClient } from './KubernetesClient';
import { KubernetesTimeoutError } from './errors';
import { KUBE_RESOURCES } from './resources';

// Answers no bigger than this, or a broken or hostile API server, must not
// cost the backend its memory or its answer.
const BASE = 'http://api.test';
const MB = 1024 * 1024;
const server = setupServer();
registerMswTestHooks(server);

const client = new KubernetesClient({
  baseUrl: BASE,
  timeoutMs: 500,
  name: 'Kubernetes cluster homelab',
  maxResponseBytes: 2 * MB,
  maxResponseBytesSetting: 'mesh.kubernetes.maxResponseBytes',
});

/** A body that starts with `prefix` and then sends 1 MB chunks, up to 100 MB. */
function hugeBody(prefix: string) {
  const stats = { chunks: 0 };
  const chunk = new Uint8Array(MB).fill(0x20);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(prefix));
    },
    pull(controller) {
      stats.chunks++;
      if (stats.chunks > 100) controller.close();
      else controller.enqueue(chunk);
    },
  });
  return { body, stats };
}

describe('KubernetesClient answer limits', () => {
  it('stops downloading a list page over the cap and names the cluster, the request and the setting', async () => {
    const { body, stats } = hugeBody('{"kind":"PodList","items":[');
    server.use(
      http.get(
        `${BASE}/api/v1/pods`,
        () =>
          new HttpResponse(body, {
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
    );
    await expect(
      client.listPage(KUBE_RESOURCES.pod, { limit: 500 }),
    ).rejects.toThrow(
      'Kubernetes cluster homelab (GET /api/v1/pods) answered more than 2097152 bytes; the answer was dropped (raise mesh.kubernetes.maxResponseBytes if such answers are expected)',
    );
    // msw's stream may buffer a few chunks ahead; never the 100 MB.
    expect(stats.chunks).toBeLessThan(10);
  });

  it('refuses a declared length over the cap', async () => {
    server.use(
      http.get(
        `${BASE}/api/v1/namespaces/shop/pods/web`,
        () =>
          new HttpResponse('{}'.padEnd(3 * MB, ' '), {
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
    );
    await expect(client.get(KUBE_RESOURCES.pod, 'web', 'shop')).rejects.toThrow(
      'Kubernetes cluster homelab (GET /api/v1/namespaces/shop/pods/web) answered more than 2097152 bytes',
    );
  });

  it('a 5xx with a huge body: a ResponseError with the reason, the body read only as far as its start', async () => {
    const { body, stats } = hugeBody(
      '{"kind":"Status","message":"etcdserver: request timed out","padding":"',
    );
    server.use(
      http.get(
        `${BASE}/api/v1/pods`,
        () =>
          new HttpResponse(body, {
            status: 503,
            statusText: 'Service Unavailable',
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
    );
    const error = await client.listPage(KUBE_RESOURCES.pod).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    // The start of the body is not valid JSON, so the reason is not parsed:
    // the status line says enough.
    expect(error.message).toMatch(
      /^Request failed with 503 Service Unavailable/,
    );
    expect(stats.chunks).toBeLessThan(10);
  });

  it('a 5xx Status keeps its reason', async () => {
    server.use(
      http.get(`${BASE}/api/v1/pods`, () =>
        HttpResponse.json(
          { kind: 'Status', message: 'etcdserver: leader changed', code: 500 },
          { status: 500, statusText: 'Internal Server Error' },
        ),
      ),
    );
    const error = await client.listPage(KUBE_RESOURCES.pod).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toContain('etcdserver: leader changed');
  });

  it('a list cut off mid-way is malformed JSON naming the cluster', async () => {
    server.use(
      http.get(
        `${BASE}/api/v1/pods`,
        () =>
          new HttpResponse('{"kind":"PodList","items":[{"metadata":', {
            headers: { 'Content-Type': 'application/json' },
          }),
      ),
    );
    await expect(client.listPage(KUBE_RESOURCES.pod)).rejects.toThrow(
      /^Kubernetes cluster homelab \(GET \/api\/v1\/pods\) answered malformed JSON/,
    );
  });

  it('a body that stalls after its headers times out', async () => {
    server.use(
      http.get(
        `${BASE}/api/v1/pods`,
        () =>
          new HttpResponse(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"items":['));
              },
            }),
            { headers: { 'Content-Type': 'application/json' } },
          ),
      ),
    );
    const started = Date.now();
    await expect(client.listPage(KUBE_RESOURCES.pod)).rejects.toThrow(
      KubernetesTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('a 404 with a huge body is still "not found", its body left unread', async () => {
    const { body, stats } = hugeBody('{"kind":"Status","code":404');
    server.use(
      http.get(
        `${BASE}/api/v1/namespaces/shop/pods/gone`,
        () => new HttpResponse(body, { status: 404 }),
      ),
    );
    await expect(
      client.get(KUBE_RESOURCES.pod, 'gone', 'shop'),
    ).resolves.toBeUndefined();
    expect(stats.chunks).toBeLessThan(10);
  });
});
