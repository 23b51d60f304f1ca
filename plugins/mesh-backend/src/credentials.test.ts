import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { readMeshConfig } from './config';
import { meshPlugin } from './plugin';
import { meshStatusServiceFactory } from './service/serviceFactory';
import { redactCredentials, redactUrl } from './clients/redact';
import { demoFixture } from './__testUtils__/demoFixture';
import {
  FakeCluster,
  UpstreamLog,
  upstreamHandlers,
} from './__testUtils__/fakeUpstreams';
import {
  MisbehavingUpstream,
  startMisbehavingUpstream,
} from './__testUtils__/misbehavingUpstream';

const SECRET = 's3cret-pass';
const CLOUD_PROM = 'http://127.0.0.1:19991';

jest.setTimeout(60_000);
const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

describe('redaction', () => {
  it('hides user and password of a URL', () => {
    expect(redactUrl(`https://meshlens:${SECRET}@prom.example:9090/x`)).toBe(
      'https://***@prom.example:9090/x',
    );
    expect(redactUrl('http://prom:9090')).toBe('http://prom:9090');
    expect(
      redactCredentials(`fetch http://a:${SECRET}@h/ and ftp://b@c failed`),
    ).toBe('fetch http://***@h/ and ftp://***@c failed');
  });
});

describe('a Prometheus URL with credentials', () => {
  let upstream: MisbehavingUpstream;
  let backend: any;
  const logs: string[] = [];
  const cached: string[] = [];

  beforeAll(async () => {
    upstream = await startMisbehavingUpstream('server-error');
    const fixture = await demoFixture();
    msw.use(
      ...upstreamHandlers({
        clusters: fixture.clusters as unknown as Record<string, FakeCluster>,
        prometheus: {
          cloud: { url: CLOUD_PROM, traffic: fixture.traffic.cloud },
        },
        log: new UpstreamLog(),
      }),
    );
    const url = upstream.url.replace('http://', `http://meshlens:${SECRET}@`);
    const config = {
      mesh: {
        clusters: [
          { name: 'homelab', prometheus: { url } },
          { name: 'cloud', prometheus: { url: CLOUD_PROM } },
        ],
        timeoutMs: 1500,
        cacheTtlSeconds: 60,
      },
    };
    const record = (level: string) => (message: string, meta?: unknown) =>
      logs.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
    const logger: any = {
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
      child: () => logger,
    };
    // Backstage's real memory store, with every value written recorded.
    const store = CacheManager.fromConfig(mockServices.rootConfig()).forPlugin(
      'mesh',
    );
    const recording: any = {
      get: (key: string) => store.get(key),
      async set(key: string, value: unknown, options?: any) {
        cached.push(`${key} ${JSON.stringify(value)}`);
        await store.set(key, value as any, options);
      },
      delete: (key: string) => store.delete(key),
      withOptions: () => recording,
    };
    const { server } = await startTestBackend({
      features: [
        meshPlugin,
        meshStatusServiceFactory,
        catalogServiceMock.factory({ entities: fixture.entities }),
        mockServices.rootConfig.factory({ data: config }),
        createServiceFactory({
          service: coreServices.rootLogger,
          deps: {},
          factory: () => logger,
        }),
        createServiceFactory({
          service: coreServices.cache,
          deps: {},
          factory: () => recording,
        }),
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => ({
            getBaseUrl: async (id: string) =>
              `http://127.0.0.1:18999/api/${id}`,
            getExternalBaseUrl: async (id: string) =>
              `http://127.0.0.1:18999/api/${id}`,
          }),
        }),
      ],
    });
    backend = server;
  });
  afterAll(() => upstream.close());

  it('sends them as Basic auth and never shows them', async () => {
    const bodies: string[] = [];
    for (const mode of ['server-error', 'malformed-json', 'stall'] as const) {
      upstream.mode = mode;
      for (const path of [
        `/api/mesh/v1/entities/component/default/shipping?window=${
          mode === 'stall' ? '2m' : '5m'
        }`,
        `/api/mesh/v1/overview?window=${mode === 'stall' ? '2m' : '5m'}`,
        '/api/mesh/v1/certificates',
      ]) {
        const res = await request(backend).get(path);
        expect(`${res.status} ${path} ${JSON.stringify(res.body)}`).toMatch(
          /^200 /,
        );
        bodies.push(JSON.stringify(res.body));
      }
    }
    expect(upstream.authorizations.length).toBeGreaterThan(0);
    expect(new Set(upstream.authorizations)).toEqual(
      new Set([
        `Basic ${Buffer.from(`meshlens:${SECRET}`).toString('base64')}`,
      ]),
    );
    // The failures are reported, with the URL redacted.
    expect(bodies.join('\n')).toContain('Prometheus at http://***@127.0.0.1');
    expect(cached.length).toBeGreaterThan(0);
    for (const text of [...bodies, ...cached, ...logs]) {
      expect(text).not.toContain(SECRET);
    }
  });

  it('refuses a URL that is not http(s) at startup, without echoing it', async () => {
    expect(() =>
      readMeshConfig(
        mockServices.rootConfig({
          data: {
            mesh: {
              clusters: [
                { name: 'a', prometheus: { url: `ftp://u:${SECRET}@h` } },
              ],
            },
          },
        }),
      ),
    ).toThrow(
      'mesh.clusters[0].prometheus.url must be an http or https URL such as http://prometheus:9090',
    );
  });
});
