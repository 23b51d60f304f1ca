import { CacheManager } from '@backstage/backend-defaults/cache';
import {
  CacheService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { meshPlugin } from './plugin';
import {
  DemoFixture,
  component,
  demoFixture,
} from './__testUtils__/demoFixture';
import {
  FakeCluster,
  FakeTraffic,
  UpstreamLog,
  upstreamHandlers,
} from './__testUtils__/fakeUpstreams';
import { openApiValidator } from './__testUtils__/openApi';

const PROM = {
  homelab: 'http://127.0.0.1:19990',
  cloud: 'http://127.0.0.1:19991',
};

jest.setTimeout(60_000);
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const validate = openApiValidator();

interface Recorded {
  logs: string[];
  cached: string[];
}

function recordingFactories(recorded: Recorded) {
  const logger = {
    log(level: string, message: string, meta?: unknown) {
      recorded.logs.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
    },
    error(m: string, e?: unknown) {
      logger.log('error', m, e);
    },
    warn(m: string, e?: unknown) {
      logger.log('warn', m, e);
    },
    info(m: string, e?: unknown) {
      logger.log('info', m, e);
    },
    debug(m: string, e?: unknown) {
      logger.log('debug', m, e);
    },
    child() {
      return logger;
    },
  };
  return [
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () => logger as any,
    }),
    recordingCache(recorded),
  ];
}

/**
 * Backstage's own memory store (it keeps JSON, as Redis and memcache do),
 * with what is written to it recorded as the store keeps it.
 */
function recordingCache(recorded: Recorded) {
  return createServiceFactory({
    service: coreServices.cache,
    deps: {
      config: coreServices.rootConfig,
      plugin: coreServices.pluginMetadata,
    },
    async createRootContext({ config }) {
      return CacheManager.fromConfig(config);
    },
    async factory({ plugin }, manager) {
      const cache = manager.forPlugin(plugin.getId());
      const recording = (c: CacheService): CacheService => ({
        get: key => c.get(key),
        delete: key => c.delete(key),
        async set(key, value, options) {
          recorded.cached.push(JSON.stringify(value));
          await c.set(key, value, options);
        },
        withOptions: options => recording(c.withOptions(options)),
      });
      return recording(cache);
    },
  });
}

async function startMesh(options: {
  fixture: DemoFixture;
  entities?: any[];
  log: UpstreamLog;
  recorded?: Recorded;
  permissions?:
    | 'allow'
    | 'deny'
    | ((resourceRef: string | undefined, user: string) => AuthorizeResult);
  prometheusDown?: boolean;
  cacheTtlSeconds?: number;
  /** mesh.certificates.readSecrets; these tests read them unless told not to. */
  readSecrets?: boolean;
  timeoutMs?: number;
  delayMs?: number;
  timeline?: Array<'request' | 'response'>;
  onProxyRequest?: (request: Request) => void;
}) {
  const { fixture, log } = options;
  server.use(
    ...upstreamHandlers({
      clusters: fixture.clusters as unknown as Record<string, FakeCluster>,
      prometheus: {
        homelab: {
          url: PROM.homelab,
          traffic: fixture.traffic.homelab,
          down: options.prometheusDown,
        },
        cloud: { url: PROM.cloud, traffic: fixture.traffic.cloud },
      },
      log,
      delayMs: options.delayMs,
      timeline: options.timeline,
      onProxyRequest: options.onProxyRequest,
    }),
  );
  const recorded = options.recorded ?? { logs: [], cached: [] };
  const features: any[] = [
    meshPlugin,
    catalogServiceMock.factory({
      entities: options.entities ?? fixture.entities,
    }),
    mockServices.rootConfig.factory({
      data: {
        mesh: {
          clusters: [
            {
              name: 'homelab',
              prometheus: {
                url: PROM.homelab,
                headers: { Authorization: 'Bearer prom-secret' },
              },
              links: {
                linkerdViz:
                  'http://viz.local/namespaces/{namespace}/deployments/{workload}',
              },
            },
            { name: 'cloud', prometheus: { url: PROM.cloud } },
          ],
          cacheTtlSeconds: options.cacheTtlSeconds ?? 0,
          certificates: { readSecrets: options.readSecrets ?? true },
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
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
    ...recordingFactories(recorded),
  ];
  const decide = options.permissions;
  if (decide === 'deny') {
    features.push(
      mockServices.permissions.mock({
        authorize: async (reqs: any[]) =>
          reqs.map(() => ({ result: AuthorizeResult.DENY })),
      } as any).factory,
    );
  } else if (typeof decide === 'function') {
    features.push(
      mockServices.permissions.mock({
        authorize: async (reqs: any[], { credentials }: any) =>
          reqs.map(r => ({
            result: decide(
              r.resourceRef,
              credentials.principal.userEntityRef ?? 'service',
            ),
          })),
      } as any).factory,
    );
  }
  const { server: http } = await startTestBackend({ features });
  return { http, recorded };
}

const entityPath = (name: string, query = '') =>
  `/api/mesh/v1/entities/component/default/${name}${query}`;

async function getEntity(http: any, name: string, query = '') {
  const res = await request(http).get(entityPath(name, query));
  expect(res.status).toBe(200);
  validate('/v1/entities/{kind}/{namespace}/{name}', 200, res.body);
  return res.body as EntityMeshStatus;
}

describe('mesh backend', () => {
  let fixture: DemoFixture;
  beforeAll(async () => {
    fixture = await demoFixture();
  });

  it('reports a fully meshed Linkerd service with its metrics, edges and certificates', async () => {
    const log = new UpstreamLog();
    const { http } = await startMesh({ fixture, log });
    const body = await getEntity(http, 'storefront');
    expect(body.entityRef).toBe('component:default/storefront');
    expect(body.window).toBe('5m');
    const [c] = body.clusters;
    expect(c).toMatchObject({
      cluster: 'homelab',
      namespace: 'storefront',
      mesh: 'linkerd',
      dataPlane: 'sidecar',
      controlPlane: {
        namespace: 'linkerd',
        version: 'edge-25.10.3',
        healthy: true,
      },
      injection: {
        namespace: 'enabled',
        marker: 'annotation linkerd.io/inject=enabled',
      },
    });
    const [w] = c.workloads;
    expect(w).toMatchObject({
      kind: 'Deployment',
      name: 'storefront',
      pods: 3,
      meshedPods: 3,
      proxyVersions: ['edge-25.10.3'],
      versionSkew: false,
      mtls: { mode: 'automatic', encryptedShare: 1 },
    });
    expect(w.metrics!.requestsPerSecond).toBeCloseTo(3000 / 300);
    expect(w.metrics!.successRate).toBeCloseTo(0.99);
    expect(w.metrics!.latencyMs.p95).toBe(12);
    expect(w.edges).toEqual([
      {
        direction: 'inbound',
        peer: { namespace: 'shop', name: 'web' },
        requestsPerSecond: 2,
        successRate: 1,
        mtls: true,
      },
    ]);
    // Two anchors in the bundle, one issuer with 20 days left.
    const roles = c.certificates.map(x => `${x.role}:${x.status}`).sort();
    expect(roles).toEqual([
      'issuer:warning',
      'trust-anchor:ok',
      'trust-anchor:ok',
    ]);
    expect(c.certificates[0]).toMatchObject({
      role: 'issuer',
      subject: 'CN=identity.linkerd.cluster.local',
      issuer: 'CN=root.linkerd.cluster.local',
      serialNumber: fixture.certs.linkerdIssuer.serialNumber.toUpperCase(),
      daysLeft: 20,
      source: 'Secret linkerd/linkerd-identity-issuer crt.pem',
    });
    const checks = Object.fromEntries(c.checks.map(x => [x.id, x.status]));
    expect(checks).toMatchObject({
      'MESH-COM-008': 'pass',
      'MESH-COM-009': 'pass',
      'MESH-COM-014': 'warn',
      'MESH-COM-015': 'pass',
      'MESH-LNK-003': 'pass',
    });
    expect(c.links).toEqual([
      {
        title: 'Linkerd viz: storefront',
        url: 'http://viz.local/namespaces/storefront/deployments/storefront',
      },
    ]);
    expect(c.errors).toEqual([]);
  });

  it('tells each demo case apart: partial injection, Istio sidecar and ambient, Cilium, not meshed, two clusters', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const payments = (await getEntity(http, 'payments')).clusters[0];
    expect(payments.workloads[0]).toMatchObject({ pods: 3, meshedPods: 2 });
    expect(payments.workloads[0].mtls.encryptedShare).toBeCloseTo(0.9);
    const restart = payments.checks.find(x => x.id === 'MESH-COM-009')!;
    expect(restart.status).toBe('warn');
    expect(restart.hint).toContain(
      'kubectl rollout restart deployment/payments -n payments',
    );
    expect(payments.checks.find(x => x.id === 'MESH-COM-012')?.status).toBe(
      'warn',
    );

    const orders = (await getEntity(http, 'orders')).clusters[0];
    expect(orders).toMatchObject({
      mesh: 'istio',
      meshTitle: 'Istio',
      dataPlane: 'sidecar',
      injection: {
        namespace: 'enabled',
        marker: 'label istio-injection=enabled',
      },
    });
    expect(orders.workloads[0]).toMatchObject({
      meshedPods: 2,
      proxyVersions: ['1.27.1'],
      versionSkew: false,
      mtls: { mode: 'strict', encryptedShare: 1 },
    });
    expect(orders.certificates.map(x => x.role).sort()).toEqual([
      'issuer',
      'trust-anchor',
    ]);
    expect(orders.checks.find(x => x.id === 'MESH-COM-015')?.status).toBe(
      'pass',
    );
    expect(orders.policies).toEqual([
      expect.objectContaining({
        kind: 'PeerAuthentication',
        name: 'default',
        summary: 'mTLS STRICT for the whole namespace',
      }),
    ]);

    const inventory = (await getEntity(http, 'inventory')).clusters[0];
    expect(inventory.workloads[0].mtls.mode).toBe('permissive');
    expect(inventory.workloads[0].mtls.encryptedShare).toBeCloseTo(0.9);
    expect(inventory.checks.find(x => x.id === 'MESH-COM-011')?.status).toBe(
      'warn',
    );
    expect(
      inventory.workloads[0].edges.find(e => e.mtls === false)?.peer,
    ).toEqual({ namespace: 'legacy', name: 'unknown' });

    const recommendations = (await getEntity(http, 'recommendations'))
      .clusters[0];
    expect(recommendations).toMatchObject({
      mesh: 'istio',
      dataPlane: 'ambient',
      injection: { marker: 'label istio.io/dataplane-mode=ambient' },
    });
    expect(recommendations.workloads[0].meshedPods).toBe(2);

    const sensors = (await getEntity(http, 'sensor-gateway')).clusters[0];
    expect(sensors).toMatchObject({ mesh: 'cilium', dataPlane: 'ebpf' });
    expect(sensors.workloads[0]).toMatchObject({
      meshedPods: 2,
      mtls: { mode: 'strict', encryptedShare: null },
    });
    expect(sensors.workloads[0].metrics!.successRate).toBeCloseTo(300 / 303);
    expect(sensors.workloads[0].metrics!.latencyMs.p50).toBeCloseTo(40);
    expect(sensors.policies[0].summary).toContain('L7 HTTP POST /readings');

    const reports = (await getEntity(http, 'legacy-reports')).clusters[0];
    expect(reports).toMatchObject({
      mesh: 'none',
      dataPlane: 'none',
      controlPlane: null,
    });
    expect(reports.workloads[0]).toMatchObject({
      pods: 1,
      meshedPods: 0,
      metrics: null,
    });
    const enrolled = reports.checks.find(x => x.id === 'MESH-COM-007')!;
    expect(enrolled.status).toBe('fail');
    expect(enrolled.hint).toContain('linkerd.io/inject=enabled');
    // The common mistake: a label Linkerd ignores, named with its fix.
    const mistake = reports.checks.find(x => x.id === 'MESH-LNK-001')!;
    expect(mistake.status).toBe('fail');
    expect(mistake.hint).toContain(
      'kubectl label namespace reports linkerd.io/injection-',
    );

    const shipping = await getEntity(http, 'shipping');
    expect(shipping.clusters.map(x => `${x.cluster}:${x.mesh}`).sort()).toEqual(
      ['cloud:istio', 'homelab:linkerd'],
    );
  });

  it('answers 200 with mesh none and a check naming the annotation for an entity without annotations', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const body = await getEntity(http, 'no-annotations');
    expect(body.clusters).toHaveLength(1);
    expect(body.clusters[0].mesh).toBe('none');
    expect(body.clusters[0].checks[0]).toMatchObject({
      id: 'MESH-COM-001',
      status: 'fail',
    });
    expect(body.clusters[0].checks[0].hint).toContain(
      'backstage.io/kubernetes-id',
    );
  });

  it('filters the checks by ID (?check=), and names an unknown or malformed ID in a 400', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const all = await getEntity(http, 'storefront');
    const ids = all.clusters[0].checks.map(c => c.id);
    expect(ids).toEqual(
      expect.arrayContaining(['MESH-COM-014', 'MESH-LNK-003']),
    );
    const only = await getEntity(
      http,
      'storefront',
      '?check=MESH-COM-014,MESH-IST-006',
    );
    expect(only.clusters.map(c => c.cluster)).toEqual(
      all.clusters.map(c => c.cluster),
    );
    expect(only.clusters[0].checks.map(c => c.id)).toEqual(['MESH-COM-014']);
    expect(only.clusters[0].checks[0].title).toBe(
      'No certificate expires soon',
    );
    const unknown = await request(http).get(
      entityPath('storefront', '?check=MESH-LNK-999'),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'Unknown check ID MESH-LNK-999: docs/checks/README.md lists the registered ones',
    );
    validate('/v1/entities/{kind}/{namespace}/{name}', 400, unknown.body);
    const malformed = await request(http).get(
      entityPath('storefront', '?check=certificates.expiry'),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('Invalid check ID');
  });

  it('refuses bad input: unknown entity, bad window, bad range, no credentials, permission denied', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const missing = await request(http).get(entityPath('nope'));
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'No entity component:default/nope in the catalog',
    });
    validate('/v1/entities/{kind}/{namespace}/{name}', 404, missing.body);

    const badWindow = await request(http).get(
      entityPath('storefront', '?window=5minutes'),
    );
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error.name).toBe('InputError');
    expect(badWindow.body.error.message).toContain(
      'window must be a Prometheus duration such as 30s, 5m, 1h or 1h30m',
    );
    validate('/v1/entities/{kind}/{namespace}/{name}', 400, badWindow.body);

    const badStep = await request(http).get(
      entityPath('storefront', '/timeseries?range=30d&step=1s'),
    );
    expect(badStep.status).toBe(400);
    expect(badStep.body.error.message).toContain('at most 1000 are served');

    for (const path of [
      entityPath('storefront'),
      '/api/mesh/v1/overview',
      '/api/mesh/v1/certificates',
      entityPath('storefront', '/timeseries'),
    ]) {
      const res = await request(http)
        .get(path)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    }
    const health = await request(http)
      .get('/api/mesh/health')
      .set('Authorization', mockCredentials.none.header());
    expect(health.status).toBe(200);

    const denied = await startMesh({
      fixture,
      log: new UpstreamLog(),
      permissions: 'deny',
    });
    const res = await request(denied.http).get(entityPath('storefront'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('mesh.entity.read');
    expect(
      (await request(denied.http).get('/api/mesh/v1/certificates')).status,
    ).toBe(403);
    const overview = await request(denied.http).get('/api/mesh/v1/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.entities).toEqual([]);
  });

  it('answers where an entity may be onboarded: what its annotations resolve to', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const targets = async (name: string) => {
      const res = await request(http).get(
        entityPath(name, '/onboarding-targets'),
      );
      validate(
        '/v1/entities/{kind}/{namespace}/{name}/onboarding-targets',
        res.status,
        res.body,
      );
      return res;
    };
    // Annotated cluster and namespace: that pair only.
    expect((await targets('payments')).body).toEqual({
      entityRef: 'component:default/payments',
      targets: [{ cluster: 'homelab', namespace: 'payments' }],
      problems: [],
    });
    // Only an id: every cluster, where its workloads run.
    expect((await targets('shipping')).body.targets).toEqual([
      { cluster: 'cloud', namespace: 'shipping' },
      { cluster: 'homelab', namespace: 'shipping' },
    ]);
    const none = await targets('no-annotations');
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain('backstage.io/kubernetes-id');
    expect((await targets('nope')).status).toBe(404);
    const unauthenticated = await request(http)
      .get(entityPath('payments', '/onboarding-targets'))
      .set('Authorization', mockCredentials.none.header());
    expect(unauthenticated.status).toBe(401);

    const denied = await startMesh({
      fixture,
      log: new UpstreamLog(),
      permissions: 'deny',
    });
    const res = await request(denied.http).get(
      entityPath('payments', '/onboarding-targets'),
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('mesh.entity.read');
  });

  it('keeps the Kubernetes part when Prometheus is down, and never answers 500', async () => {
    const { http } = await startMesh({
      fixture,
      log: new UpstreamLog(),
      prometheusDown: true,
      cacheTtlSeconds: 60,
    });
    // Every route twice: the second answer comes from the cache.
    for (const path of [
      entityPath('storefront'),
      entityPath('storefront', '/timeseries'),
      '/api/mesh/v1/overview',
      '/api/mesh/v1/certificates',
    ]) {
      const first = await request(http).get(path);
      const second = await request(http).get(path);
      expect([path, first.status, second.status]).toEqual([path, 200, 200]);
      expect(second.body).toEqual(first.body);
    }
    const c = (await getEntity(http, 'storefront')).clusters[0];
    expect(c.mesh).toBe('linkerd');
    expect(c.workloads[0]).toMatchObject({
      pods: 3,
      meshedPods: 3,
      metrics: null,
    });
    expect(c.errors).toEqual([
      expect.objectContaining({
        source: 'prometheus',
        message: expect.stringContaining('linkerd metrics of homelab'),
      }),
    ]);
    // The other cluster's Prometheus still answers.
    const orders = (await getEntity(http, 'orders')).clusters[0];
    expect(orders.workloads[0].metrics?.successRate).toBe(1);
  });

  it('shows the other clusters when one is unreachable', async () => {
    const f = await demoFixture();
    f.clusters.homelab.down = true;
    const { http } = await startMesh({ fixture: f, log: new UpstreamLog() });
    const shipping = await getEntity(http, 'shipping');
    const cloud = shipping.clusters.find(x => x.cluster === 'cloud')!;
    expect(cloud.mesh).toBe('istio');
    const homelab = shipping.clusters.find(x => x.cluster === 'homelab')!;
    expect(homelab.errors[0].source).toBe('kubernetes');
    const storefront = (await getEntity(http, 'storefront')).clusters[0];
    expect(storefront.errors[0]).toMatchObject({ source: 'kubernetes' });
    expect(storefront.checks[0].id).toBe('MESH-COM-004');
    const overview = await request(http).get('/api/mesh/v1/overview');
    expect(overview.status).toBe(200);
    const orders = (overview.body as MeshOverview).entities.find(
      e => e.entityRef === 'component:default/orders',
    )!;
    expect(orders.mesh).toBe('istio');
  });

  describe('turns what a real API server answers under stress into errors, never a 500', () => {
    async function statusWith(
      fault: (cluster: FakeCluster) => void,
      timeoutMs?: number,
    ) {
      const f = await demoFixture();
      fault(f.clusters.homelab);
      const { http } = await startMesh({
        fixture: f,
        log: new UpstreamLog(),
        timeoutMs,
      });
      const started = Date.now();
      const res = await request(http).get(entityPath('shipping'));
      const elapsedMs = Date.now() - started;
      expect(res.status).toBe(200);
      validate('/v1/entities/{kind}/{namespace}/{name}', 200, res.body);
      const body = res.body as EntityMeshStatus;
      const cloud = body.clusters.find(c => c.cluster === 'cloud')!;
      const homelab = body.clusters.find(c => c.cluster === 'homelab')!;
      // The healthy cluster is untouched by the other's fault.
      expect(cloud).toMatchObject({ mesh: 'istio', errors: [] });
      return { homelab, elapsedMs };
    }

    it('403 on pods (a token without the right)', async () => {
      const { homelab } = await statusWith(c => c.forbid(/\/pods$/));
      expect(homelab.errors).toEqual([
        expect.objectContaining({
          source: 'kubernetes',
          message: expect.stringMatching(/forbidden/i),
        }),
      ]);
    });

    it('429 on every request (API priority and fairness)', async () => {
      const { homelab } = await statusWith(c => c.throttle(/./, 1));
      expect(homelab.errors).toEqual([
        expect.objectContaining({
          source: 'kubernetes',
          message: expect.stringMatching(/too many requests/i),
        }),
      ]);
    });

    it('a cluster that never answers, within the configured timeout', async () => {
      const { homelab, elapsedMs } = await statusWith(c => c.hang(), 300);
      expect(homelab.errors).toEqual([
        expect.objectContaining({
          source: 'kubernetes',
          message: expect.stringMatching(/timed out/),
        }),
      ]);
      expect(elapsedMs).toBeGreaterThanOrEqual(300);
      expect(elapsedMs).toBeLessThan(5_000);
    });

    it('the overview with one cluster forbidden', async () => {
      const f = await demoFixture();
      f.clusters.homelab.forbid();
      const { http } = await startMesh({ fixture: f, log: new UpstreamLog() });
      const res = await request(http).get('/api/mesh/v1/overview');
      expect(res.status).toBe(200);
      validate('/v1/overview', 200, res.body);
      const overview = res.body as MeshOverview;
      const storefront = overview.entities.find(
        e => e.entityRef === 'component:default/storefront',
      )!;
      expect(storefront.errors).toEqual([
        expect.objectContaining({ cluster: 'homelab', source: 'kubernetes' }),
      ]);
      const orders = overview.entities.find(
        e => e.entityRef === 'component:default/orders',
      )!;
      expect(orders).toMatchObject({ mesh: 'istio', errors: [] });
    });
  });

  it('batches: the number of upstream requests does not grow with the workloads of a namespace', async () => {
    const counts: Array<{ k8s: number; prom: number }> = [];
    for (const n of [1, 40]) {
      const f = await demoFixture();
      for (let i = 0; i < n; i++) {
        f.clusters.homelab.deployment('storefront', `storefront-${i}`, {
          labels: { 'backstage.io/kubernetes-id': 'storefront' },
          pods: 2,
          pod: () => ({
            metadata: {
              name: '',
              labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
            },
          }),
        });
        f.traffic.homelab.push({
          mesh: 'linkerd',
          namespace: 'storefront',
          workload: `storefront-${i}`,
          success: 10,
          failure: 0,
        } as FakeTraffic);
      }
      const log = new UpstreamLog();
      const { http } = await startMesh({ fixture: f, log });
      const body = await getEntity(http, 'storefront');
      expect(body.clusters[0].workloads).toHaveLength(n + 1);
      expect(
        body.clusters[0].workloads.every(w => w.metrics!.requestsPerSecond > 0),
      ).toBe(true);
      counts.push({ k8s: log.kubernetes.length, prom: log.prometheus.length });
    }
    expect(counts[1]).toEqual(counts[0]);
    // One set of PromQL per namespace: inbound, p50/p95/p99, outbound,
    // callers, proxy certificates, and the issuer's expiry metric; and one
    // set per cluster for the cost: CPU and memory of every container, and
    // the adapters' cost queries (Istio's waypoint traffic), sent before the
    // control planes are confirmed.
    expect(counts[0].prom).toBe(11);
  });

  it('sends every read of an uncached request in one round once it has learnt the clusters', async () => {
    const timeline: Array<'request' | 'response'> = [];
    const log = new UpstreamLog();
    const { http } = await startMesh({ fixture, log, delayMs: 30, timeline });
    const rounds = () => {
      // A request sent after an answer arrived may have waited for it.
      const firstAnswer = timeline.indexOf('response');
      return timeline.lastIndexOf('request') < firstAnswer ? 1 : 'more';
    };
    const first = await getEntity(http, 'shipping');
    expect(rounds()).toBe('more');
    const firstRequests = [...log.kubernetes, ...log.prometheus].sort();
    timeline.length = 0;
    log.reset();
    const second = await getEntity(http, 'shipping');
    expect(rounds()).toBe(1);
    // The same requests, none for a mesh the namespaces do not run.
    expect([...log.kubernetes, ...log.prometheus].sort()).toEqual(
      firstRequests,
    );
    expect({ ...second, generatedAt: '' }).toEqual({
      ...first,
      generatedAt: '',
    });
    expect(second.clusters.map(c => c.mesh).sort()).toEqual([
      'istio',
      'linkerd',
    ]);

    await request(http).get('/api/mesh/v1/overview');
    timeline.length = 0;
    const overview = await request(http).get('/api/mesh/v1/overview');
    expect(overview.status).toBe(200);
    expect(rounds()).toBe(1);
  });

  it('answers from what it reads when clusters or meshes changed since it learnt them', async () => {
    const f = await demoFixture();
    const { http } = await startMesh({ fixture: f, log: new UpstreamLog() });
    const before = await getEntity(http, 'shipping');
    expect(before.clusters.map(c => `${c.cluster}:${c.mesh}`).sort()).toEqual([
      'cloud:istio',
      'homelab:linkerd',
    ]);
    // Linkerd uninstalled from homelab; cloud gone from the Kubernetes plugin.
    const linkerd = f.clusters.homelab.remove(
      'apps/v1',
      'deployments',
      d => d.metadata.namespace === 'linkerd',
    );
    expect(linkerd.length).toBeGreaterThan(0);
    const cloud = f.clusters.cloud;
    delete (f.clusters as Record<string, FakeCluster>).cloud;
    const after = await getEntity(http, 'shipping');
    expect(after.clusters.map(c => `${c.cluster}:${c.mesh}`)).toEqual([
      'homelab:none',
    ]);
    expect(after.clusters[0].certificates).toEqual([]);
    expect(after.clusters[0].controlPlane).toBeNull();

    // Both back: found again, with metrics, although the last read said otherwise.
    for (const d of linkerd)
      f.clusters.homelab.add('apps/v1', 'deployments', d);
    (f.clusters as Record<string, FakeCluster>).cloud = cloud;
    const back = await getEntity(http, 'shipping');
    expect(back.clusters.map(c => `${c.cluster}:${c.mesh}`).sort()).toEqual([
      'cloud:istio',
      'homelab:linkerd',
    ]);
    for (const c of back.clusters) {
      expect(c.workloads[0].metrics).not.toBeNull();
      expect(c.certificates.length).toBeGreaterThan(0);
    }
  });

  it('shares one upstream fetch between concurrent requests for the same entity', async () => {
    const single = new UpstreamLog();
    const one = await startMesh({ fixture, log: single, cacheTtlSeconds: 30 });
    await getEntity(one.http, 'storefront');
    const concurrent = new UpstreamLog();
    const many = await startMesh({
      fixture,
      log: concurrent,
      cacheTtlSeconds: 30,
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(many.http).get(entityPath('storefront')),
      ),
    );
    expect(results.map(r => r.status)).toEqual(Array(8).fill(200));
    expect(concurrent.kubernetes.length).toBe(single.kubernetes.length);
    expect(concurrent.prometheus.length).toBe(single.prometheus.length);
    // Cached afterwards.
    await getEntity(many.http, 'storefront');
    expect(concurrent.kubernetes.length).toBe(single.kubernetes.length);
  });

  it('answers every route from the cache within the TTL, the same as the first time', async () => {
    const log = new UpstreamLog();
    const { http } = await startMesh({ fixture, log, cacheTtlSeconds: 30 });
    for (const path of [
      entityPath('storefront'),
      entityPath('shipping'),
      '/api/mesh/v1/overview',
      '/api/mesh/v1/certificates',
      // A step of an hour, so both calls end on the same step.
      entityPath('storefront', '/timeseries?range=2h&step=1h'),
    ]) {
      log.reset();
      const first = await request(http).get(path);
      expect(first.status).toBe(200);
      const upstream = {
        kubernetes: log.kubernetes.length,
        prometheus: log.prometheus.length,
        clusters: log.clusters,
      };
      expect(upstream.kubernetes + upstream.prometheus).toBeGreaterThan(0);
      const second = await request(http).get(path);
      expect({ path, status: second.status }).toEqual({ path, status: 200 });
      expect(second.body).toEqual(first.body);
      expect({
        kubernetes: log.kubernetes.length,
        prometheus: log.prometheus.length,
        clusters: log.clusters,
      }).toEqual(upstream);
    }
  });

  it('serves the overview with a number of upstream requests independent of the entities per namespace', async () => {
    const counts: number[] = [];
    const bodies: MeshOverview[] = [];
    for (const extra of [0, 60]) {
      const f = await demoFixture();
      const entities = [...f.entities];
      for (let i = 0; i < extra; i++) {
        f.clusters.homelab.deployment('storefront', `extra-${i}`, {
          labels: { 'backstage.io/kubernetes-id': `extra-${i}` },
          pods: 1,
        });
        entities.push(
          component(`extra-${i}`, {
            'backstage.io/kubernetes-id': `extra-${i}`,
            'backstage.io/kubernetes-namespace': 'storefront',
          }),
        );
      }
      const log = new UpstreamLog();
      const { http } = await startMesh({ fixture: f, entities, log });
      const res = await request(http).get('/api/mesh/v1/overview');
      expect(res.status).toBe(200);
      validate('/v1/overview', 200, res.body);
      const body = res.body as MeshOverview;
      // Every entity with Kubernetes annotations (not `no-annotations`).
      expect(body.entities).toHaveLength(entities.length - 1);
      counts.push(log.kubernetes.length + log.prometheus.length + log.clusters);
      bodies.push(body);
    }
    const body = bodies[0];
    const byRef = Object.fromEntries(
      body.entities.map(e => [
        e.entityRef.replace('component:default/', ''),
        e,
      ]),
    );
    expect(byRef.storefront).toMatchObject({
      mesh: 'linkerd',
      meshTitle: 'Linkerd',
      pods: 3,
      meshedPods: 3,
      mtlsMode: 'automatic',
      owner: 'shop-team',
    });
    expect(byRef.storefront.perCluster).toEqual([
      {
        cluster: 'homelab',
        mesh: 'linkerd',
        dataPlane: 'sidecar',
        meshTitle: 'Linkerd',
      },
    ]);
    expect(byRef.storefront.successRate).toBeCloseTo(0.99);
    expect(byRef.storefront.soonestCertificateExpiry).toMatchObject({
      daysLeft: 20,
      status: 'warning',
    });
    expect(byRef.payments).toMatchObject({ pods: 3, meshedPods: 2 });
    expect(byRef.orders).toMatchObject({
      mesh: 'istio',
      mtlsMode: 'strict',
    });
    expect(byRef['sensor-gateway']).toMatchObject({
      mesh: 'cilium',
      dataPlane: 'ebpf',
    });
    expect(byRef['legacy-reports']).toMatchObject({
      mesh: 'none',
      worstCheck: expect.objectContaining({ id: 'MESH-COM-007' }),
      failingChecks: expect.arrayContaining(['MESH-COM-007']),
    });
    expect(byRef.shipping.clusters.sort()).toEqual(['cloud', 'homelab']);
    expect(byRef['no-annotations']).toBeUndefined();
    expect(body.totals).toMatchObject({ entities: 8, meshed: 7 });
    expect(body.byMesh.linkerd?.entities).toBe(3);
    expect(body.byCluster.cloud.entities).toBe(4);

    expect(counts[1]).toBe(counts[0]);
  });

  it('lists every certificate of every cluster, soonest expiry first', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const res = await request(http).get('/api/mesh/v1/certificates');
    expect(res.status).toBe(200);
    validate('/v1/certificates', 200, res.body);
    const body = res.body as MeshCertificates;
    expect(
      body.certificates.map(
        c => `${c.cluster}/${c.mesh}/${c.role}/${c.subject}`,
      ),
    ).toEqual([
      'homelab/linkerd/issuer/CN=identity.linkerd.cluster.local',
      'cloud/istio/issuer/CN=Istio Intermediate CA',
      'homelab/linkerd/trust-anchor/CN=root.linkerd.cluster.local',
      'homelab/linkerd/trust-anchor/CN=Istio Root CA',
      'cloud/istio/trust-anchor/CN=Istio Root CA',
    ]);
  });

  it('serves the time series of an entity, batched per namespace', async () => {
    const log = new UpstreamLog();
    const { http } = await startMesh({ fixture, log });
    const res = await request(http).get(
      entityPath('storefront', '/timeseries?range=1h&step=1m'),
    );
    expect(res.status).toBe(200);
    validate(
      '/v1/entities/{kind}/{namespace}/{name}/timeseries',
      200,
      res.body,
    );
    const body = res.body as EntityMeshTimeseries;
    expect(body).toMatchObject({
      entityRef: 'component:default/storefront',
      range: '1h',
      step: '1m',
      errors: [],
    });
    expect(body.series).toHaveLength(1);
    expect(body.series[0]).toMatchObject({
      cluster: 'homelab',
      namespace: 'storefront',
      workload: 'storefront',
    });
    expect(body.series[0].points).toHaveLength(3);
    expect(body.series[0].points[0].successRate).toBeCloseTo(0.99);
    expect(log.prometheus).toHaveLength(2);
  });

  it('serves Istio and Cilium time series in requests/s, success rate and milliseconds', async () => {
    const { http } = await startMesh({ fixture, log: new UpstreamLog() });
    const series = async (name: string) => {
      const res = await request(http).get(
        entityPath(name, '/timeseries?range=1h&step=1m'),
      );
      expect(res.status).toBe(200);
      const body = res.body as EntityMeshTimeseries;
      expect(body.errors).toEqual([]);
      expect(body.series).toHaveLength(1);
      return body.series[0];
    };
    const orders = await series('orders');
    expect(orders).toMatchObject({ cluster: 'cloud', workload: 'orders' });
    expect(orders.points).toHaveLength(3);
    expect(orders.points[0].successRate).toBe(1);
    expect(orders.points[0].requestsPerSecond).toBeGreaterThan(0);
    const sensors = await series('sensor-gateway');
    expect(sensors).toMatchObject({ cluster: 'homelab', namespace: 'sensors' });
    expect(sensors.points[0].successRate).toBeCloseTo(300 / 303);
    // Hubble's histogram is in seconds; the API speaks milliseconds.
    expect(sensors.points[0].p95Ms).toBeCloseTo(40);
  });

  it('cannot be steered by hostile annotation values', async () => {
    const hostile = '"} or vector(1) {"';
    const entities = [
      component('bad-ns', {
        'backstage.io/kubernetes-id': 'x',
        'backstage.io/kubernetes-namespace': hostile,
      }),
      component('bad-id', { 'backstage.io/kubernetes-id': hostile }),
      component('bad-selector', {
        'backstage.io/kubernetes-label-selector': `app in (${hostile})`,
      }),
    ];
    const log = new UpstreamLog();
    const { http } = await startMesh({ fixture, entities, log });
    for (const name of ['bad-ns', 'bad-id', 'bad-selector']) {
      const body = await getEntity(http, name);
      expect(body.clusters[0].mesh).toBe('none');
      expect(body.clusters[0].checks[0]).toMatchObject({
        id: 'MESH-COM-002',
        status: 'fail',
      });
    }
    expect([...log.kubernetes, ...log.prometheus].join('\n')).not.toContain(
      'vector(1)',
    );
    expect(log.kubernetes).toEqual([]);
  });

  it('never returns, logs or caches private keys from Secrets', async () => {
    const recorded: Recorded = { logs: [], cached: [] };
    const f = await demoFixture({ issuerDaysLeft: -3 });
    f.clusters.homelab.down = false;
    const { http } = await startMesh({
      fixture: f,
      log: new UpstreamLog(),
      recorded,
      cacheTtlSeconds: 30,
    });
    const bodies: string[] = [];
    for (const path of [
      ...f.entities.map(e => entityPath(e.metadata.name)),
      '/api/mesh/v1/overview',
      '/api/mesh/v1/certificates',
      entityPath('storefront', '/timeseries'),
    ]) {
      const res = await request(http).get(path);
      expect(res.status).toBe(200);
      bodies.push(res.text);
    }
    const storefront = JSON.parse(bodies[0]) as EntityMeshStatus;
    expect(storefront.clusters[0].checks[0]).toMatchObject({
      id: 'MESH-COM-014',
      status: 'fail',
    });
    expect(recorded.cached.length).toBeGreaterThan(0);
    const everything = [...bodies, ...recorded.logs, ...recorded.cached].join(
      '\n',
    );
    for (const key of f.privateKeys) {
      const body = key
        .split('\n')
        .filter(l => !l.startsWith('-----'))
        .join('');
      expect(everything).not.toContain(body.slice(0, 40));
      expect(everything).not.toContain(
        Buffer.from(key).toString('base64').slice(0, 40),
      );
    }
    expect(everything).not.toContain('PRIVATE KEY');
    expect(everything).not.toContain('prom-secret');
  });

  it("reads each server-side-auth cluster once per TTL for every user, and cuts each user's view by permission", async () => {
    const log = new UpstreamLog();
    const { http } = await startMesh({
      fixture,
      log,
      cacheTtlSeconds: 60,
      permissions: (ref, user) =>
        user === 'user:default/bob' && ref === 'component:default/storefront'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const as = (user: string) => mockCredentials.user.header(user);
    const ada = as('user:default/ada');
    const bob = as('user:default/bob');
    const first = await request(http)
      .get(entityPath('shipping'))
      .set('Authorization', ada);
    expect(first.status).toBe(200);
    const upstream = () => log.kubernetes.length + log.prometheus.length;
    const afterAda = upstream();
    expect(log.kubernetes.length).toBeGreaterThan(0);
    const second = await request(http)
      .get(entityPath('shipping'))
      .set('Authorization', bob);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    // Bob's request within the TTL made no upstream request at all.
    expect(upstream()).toBe(afterAda);
    const denied = await request(http)
      .get(entityPath('storefront'))
      .set('Authorization', bob);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('mesh.entity.read');

    const adaOverview = await request(http)
      .get('/api/mesh/v1/overview')
      .set('Authorization', ada);
    const afterOverview = upstream();
    const bobOverview = await request(http)
      .get('/api/mesh/v1/overview')
      .set('Authorization', bob);
    expect(upstream()).toBe(afterOverview);
    const refs = (b: any) => b.entities.map((e: any) => e.entityRef);
    expect(refs(adaOverview.body)).toContain('component:default/storefront');
    expect(refs(bobOverview.body)).not.toContain(
      'component:default/storefront',
    );
    expect(refs(bobOverview.body)).toEqual(
      refs(adaOverview.body).filter(
        (r: string) => r !== 'component:default/storefront',
      ),
    );
  });

  it("reads a client-side auth cluster with each user's own token, and never gives one user's answer to another", async () => {
    const own = await demoFixture();
    own.clusters.homelab.authProvider = 'oidc';
    own.clusters.homelab.oidcTokenProvider = 'okta';
    const log = new UpstreamLog();
    const tokens: string[] = [];
    const { http } = await startMesh({
      fixture: own,
      log,
      cacheTtlSeconds: 60,
      onProxyRequest: r => {
        if (r.headers.get('backstage-kubernetes-cluster') === 'homelab') {
          tokens.push(
            r.headers.get('backstage-kubernetes-authorization-oidc-okta') ??
              'none',
          );
        }
      },
    });
    const as = (user: string, token?: string) => {
      const req = request(http)
        .get(entityPath('storefront'))
        .set('Authorization', mockCredentials.user.header(user));
      return token
        ? req.set('Backstage-Kubernetes-Authorization-oidc-okta', token)
        : req;
    };
    const homelabOf = (body: EntityMeshStatus) =>
      body.clusters.find(c => c.cluster === 'homelab');

    const ada = await as('user:default/ada', 'ada-token');
    expect(ada.status).toBe(200);
    expect(homelabOf(ada.body)?.mesh).toBe('linkerd');
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens)).toEqual(new Set(['ada-token']));

    // Within the TTL, another user is read anew, with their own token only.
    tokens.length = 0;
    const bob = await as('user:default/bob', 'bob-token');
    expect(bob.status).toBe(200);
    expect(homelabOf(bob.body)?.mesh).toBe('linkerd');
    expect(tokens.length).toBeGreaterThan(0);
    expect(new Set(tokens)).toEqual(new Set(['bob-token']));

    // A user without a token gets the cluster's refusal, not Ada's answer.
    tokens.length = 0;
    const carol = await as('user:default/carol');
    expect(carol.status).toBe(200);
    expect(new Set(tokens)).toEqual(new Set(['none']));
    expect(homelabOf(carol.body)?.mesh).not.toBe('linkerd');
    expect(homelabOf(carol.body)?.workloads).toEqual([]);
    expect(homelabOf(carol.body)?.errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes',
        message: expect.stringContaining('401 Unauthorized'),
      }),
    ]);
  });
});
