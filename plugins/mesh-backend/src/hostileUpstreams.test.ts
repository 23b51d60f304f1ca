import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityMeshStatus, MeshOverview } from '@meshlens/plugin-mesh-common';
import { http as mswHttp, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  HUGE_BODY_BYTES,
  Misbehaviour,
  MisbehavingUpstream,
  startMisbehavingUpstream,
} from './__testUtils__/misbehavingUpstream';
import { meshPlugin } from './plugin';
import { meshStatusServiceFactory } from './service/serviceFactory';
import { DemoFixture, demoFixture } from './__testUtils__/demoFixture';
import {
  FakeCluster,
  KUBERNETES_BASE,
  UpstreamLog,
  upstreamHandlers,
} from './__testUtils__/fakeUpstreams';

// homelab's Prometheus is a real HTTP server that misbehaves on command;
// cloud's is a well-behaved fake. `shipping` runs in both clusters.
const CLOUD_PROM = 'http://127.0.0.1:19991';
const TIMEOUT_MS = 1500;

jest.setTimeout(60_000);
const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

let upstream: MisbehavingUpstream;
let fixture: DemoFixture;
let backend: any;

beforeAll(async () => {
  upstream = await startMisbehavingUpstream();
  fixture = await demoFixture();
  const { server } = await startTestBackend({
    features: [
      meshPlugin,
      meshStatusServiceFactory,
      catalogServiceMock.factory({ entities: fixture.entities }),
      mockServices.rootConfig.factory({
        data: {
          mesh: {
            clusters: [
              { name: 'homelab', prometheus: { url: upstream.url } },
              { name: 'cloud', prometheus: { url: CLOUD_PROM } },
            ],
            timeoutMs: TIMEOUT_MS,
            maxResponseBytes: 4 * 1024 * 1024,
            cacheTtlSeconds: 0,
            topologyHintSeconds: 0,
          },
        },
      }),
      createServiceFactory({
        service: coreServices.discovery,
        deps: {},
        factory: () => ({
          getBaseUrl: async (id: string) => `http://127.0.0.1:18999/api/${id}`,
          getExternalBaseUrl: async (id: string) =>
            `http://127.0.0.1:18999/api/${id}`,
        }),
      }),
    ],
  });
  backend = server;
});
afterAll(() => upstream.close());

function useFakes(f: DemoFixture = fixture) {
  msw.use(
    ...upstreamHandlers({
      clusters: f.clusters as unknown as Record<string, FakeCluster>,
      prometheus: { cloud: { url: CLOUD_PROM, traffic: f.traffic.cloud } },
      log: new UpstreamLog(),
    }),
  );
}

async function timed<T>(path: string): Promise<{ body: T; ms: number }> {
  const started = Date.now();
  const res = await request(backend).get(path);
  const ms = Date.now() - started;
  expect(res.status).toBe(200);
  return { body: res.body as T, ms };
}

function expectRatesInRange(status: EntityMeshStatus) {
  for (const c of status.clusters) {
    for (const w of c.workloads) {
      const rate = w.metrics?.successRate;
      if (rate !== null && rate !== undefined) {
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
      }
    }
  }
}

const FAILING: Misbehaviour[] = [
  'malformed-json',
  'scalar',
  'matrix-for-vector',
  'huge-body',
  'stall',
  'server-error',
];

describe('a hostile or broken Prometheus', () => {
  it.each(FAILING)(
    '%s: 200 within timeoutMs + 1 s, one error naming the cluster and the source, the other cluster intact',
    async mode => {
      useFakes();
      upstream.mode = mode;
      const { body, ms } = await timed<EntityMeshStatus>(
        '/api/mesh/v1/entities/component/default/shipping',
      );
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      const homelab = body.clusters.find(c => c.cluster === 'homelab')!;
      const cloud = body.clusters.find(c => c.cluster === 'cloud')!;
      const promErrors = homelab.errors.filter(e => e.source === 'prometheus');
      expect(promErrors).toHaveLength(1);
      expect(promErrors[0].message).toContain('homelab');
      expect(homelab.workloads[0].metrics).toBeNull();
      expect(cloud.errors).toEqual([]);
      expect(cloud.workloads[0].metrics?.requestsPerSecond).toBeGreaterThan(0);
      expectRatesInRange(body);

      const overview = await timed<MeshOverview>('/api/mesh/v1/overview');
      expect(overview.ms).toBeLessThan(TIMEOUT_MS + 1000);
      const shipping = overview.body.entities.find(e =>
        e.entityRef.endsWith('/shipping'),
      )!;
      const overviewErrors = shipping.errors.filter(
        e => e.source === 'prometheus',
      );
      expect(overviewErrors).toHaveLength(1);
      expect(overviewErrors[0].cluster).toBe('homelab');
      expect(shipping.requestsPerSecond).toBeGreaterThan(0);
      // For huge-body: the cap stopped reading long before 100 MB were sent.
      expect(upstream.bytesSent).toBeLessThan(HUGE_BODY_BYTES);
    },
  );

  it.each([
    'nan-and-inf',
    'bad-timestamps',
    'negative-increase',
    'poisoned-expiry',
  ] as Misbehaviour[])(
    '%s: the broken samples are left out, success rates stay within 0..1',
    async mode => {
      useFakes();
      upstream.mode = mode;
      const { body, ms } = await timed<EntityMeshStatus>(
        '/api/mesh/v1/entities/component/default/shipping',
      );
      expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
      expectRatesInRange(body);
      const cloud = body.clusters.find(c => c.cluster === 'cloud')!;
      expect(cloud.workloads[0].metrics?.requestsPerSecond).toBeGreaterThan(0);
      for (const c of body.clusters) {
        for (const cert of c.certificates) {
          expect(Number.isNaN(Date.parse(cert.notAfter))).toBe(false);
        }
      }
      await timed<MeshOverview>('/api/mesh/v1/overview');
      const certificates = await timed<any>('/api/mesh/v1/certificates');
      expect(certificates.ms).toBeLessThan(TIMEOUT_MS + 1000);
    },
  );
});

describe('a broken Kubernetes API', () => {
  it('5xx: the other cluster intact', async () => {
    const f = await demoFixture();
    f.clusters.homelab.down = true;
    useFakes(f);
    upstream.mode = 'ok';
    const { body } = await timed<EntityMeshStatus>(
      '/api/mesh/v1/entities/component/default/shipping',
    );
    const homelab = body.clusters.find(c => c.cluster === 'homelab')!;
    expect(homelab.errors).toEqual([
      expect.objectContaining({ source: 'kubernetes' }),
    ]);
    const cloud = body.clusters.find(c => c.cluster === 'cloud')!;
    expect(cloud.workloads[0].metrics?.requestsPerSecond).toBeGreaterThan(0);
  });

  it('a list cut off mid-way: an error for that cluster, the other intact', async () => {
    useFakes();
    upstream.mode = 'ok';
    msw.use(
      mswHttp.get(`${KUBERNETES_BASE}/proxy/*`, ({ request: req }) => {
        if (req.headers.get('backstage-kubernetes-cluster') !== 'homelab') {
          return undefined;
        }
        return new HttpResponse('{"kind":"PodList","items":[{"metadata":', {
          headers: { 'Content-Type': 'application/json' },
        });
      }),
    );
    const { body } = await timed<EntityMeshStatus>(
      '/api/mesh/v1/entities/component/default/shipping',
    );
    const homelab = body.clusters.find(c => c.cluster === 'homelab')!;
    expect(homelab.errors.length).toBeGreaterThan(0);
    expect(homelab.errors[0].source).toBe('kubernetes');
    const cloud = body.clusters.find(c => c.cluster === 'cloud')!;
    expect(cloud.workloads[0].metrics?.requestsPerSecond).toBeGreaterThan(0);
  });
});
