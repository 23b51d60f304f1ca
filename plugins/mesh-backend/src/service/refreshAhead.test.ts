import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityMeshStatus } from '@meshlens/plugin-mesh-common';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { setupServer } from 'msw/node';
import { readMeshConfig } from '../config';
import { DemoFixture, demoFixture } from '../__testUtils__/demoFixture';
import {
  FakeCluster,
  KUBERNETES_BASE,
  UpstreamLog,
  upstreamHandlers,
} from '../__testUtils__/fakeUpstreams';
import { DefaultMeshStatusService } from './DefaultMeshStatusService';

const PROM = {
  homelab: 'http://127.0.0.1:19980',
  cloud: 'http://127.0.0.1:19981',
};
const TTL_SECONDS = 30;
/** Every upstream answer takes this long, so an answer that waited for one shows it. */
const DELAY_MS = 150;
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  jest.restoreAllMocks();
});
afterAll(() => server.close());

/** Date.now under the test's control: the memory store's TTL and ours follow it. */
function clock() {
  let now = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  return {
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

const pending = (timeline: Array<'request' | 'response'>) =>
  timeline.filter(t => t === 'request').length -
  timeline.filter(t => t === 'response').length;

async function setup(fixture: DemoFixture, refreshAhead = true) {
  const log = new UpstreamLog();
  const timeline: Array<'request' | 'response'> = [];
  server.use(
    ...upstreamHandlers({
      clusters: fixture.clusters as unknown as Record<string, FakeCluster>,
      prometheus: {
        homelab: { url: PROM.homelab, traffic: fixture.traffic.homelab },
        cloud: { url: PROM.cloud, traffic: fixture.traffic.cloud },
      },
      log,
      delayMs: DELAY_MS,
      timeline,
    }),
  );
  const logger = mockServices.logger.mock();
  const adapters = defaultMeshAdapters();
  const service = new DefaultMeshStatusService({
    config: readMeshConfig(
      new ConfigReader({
        mesh: {
          clusters: [
            { name: 'homelab', prometheus: { url: PROM.homelab } },
            { name: 'cloud', prometheus: { url: PROM.cloud } },
          ],
          cacheTtlSeconds: TTL_SECONDS,
          cache: { refreshAhead },
        },
      }),
    ),
    adapters: () => adapters,
    catalog: catalogServiceMock({ entities: fixture.entities }),
    auth: mockServices.auth(),
    discovery: {
      getBaseUrl: async () => KUBERNETES_BASE,
      getExternalBaseUrl: async () => KUBERNETES_BASE,
    },
    logger,
    // Backstage's memory store: values come back from JSON, not by reference.
    cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin('mesh'),
  });
  const upstream = () => log.kubernetes.length + log.prometheus.length;
  /** Resolves once every request sent so far has been answered and nothing new started for a while. */
  const settled = async () => {
    let seen = -1;
    while (seen !== timeline.length || pending(timeline) > 0) {
      seen = timeline.length;
      await new Promise(r => setTimeout(r, DELAY_MS * 2));
    }
  };
  return { service, log, logger, upstream, settled };
}

const credentials = mockCredentials.user('user:default/ada');
const STOREFRONT = 'component:default/storefront';

describe('refresh-ahead of the shared snapshot', () => {
  it('answers from the snapshot at once and reads the cluster again once in the background', async () => {
    const time = clock();
    const { service, log, upstream, settled } = await setup(
      await demoFixture(),
    );
    const first = await service.getEntityStatus(STOREFRONT, { credentials });
    await settled();
    const coldPaths = [...log.kubernetes];
    expect(coldPaths.length).toBeGreaterThan(0);
    const afterCold = upstream();

    // Early in the TTL: a plain hit.
    time.advance(10);
    await service.getEntityStatus(STOREFRONT, { credentials });
    await settled();
    expect(upstream()).toBe(afterCold);

    // In the last fifth: ten callers at once, each answered from the
    // snapshot without waiting for an upstream answer.
    time.advance(15);
    log.reset();
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        service.getEntityStatus(STOREFRONT, { credentials }),
      ),
    );
    expect(performance.now() - t0).toBeLessThan(DELAY_MS);
    for (const a of answers) expect(a).toEqual(first);
    await settled();
    // One re-read of what the answer is built on, each request once.
    expect(log.kubernetes.length).toBeGreaterThan(0);
    expect(new Set(log.kubernetes).size).toBe(log.kubernetes.length);
    for (const path of log.kubernetes) expect(coldPaths).toContain(path);
    // The entity's own lists are read again. The cluster-wide cost read
    // (every pod, the control planes' Deployments) is a cached read of its
    // own, one per cluster and window, reused while it is fresh.
    expect(log.kubernetes).toEqual(
      expect.arrayContaining(
        coldPaths.filter(
          p =>
            p.includes('/namespaces/storefront/') &&
            (p.includes('/pods') || p.includes('/deploy')),
        ),
      ),
    );
    const refreshed = upstream();

    // Past the first TTL: the refreshed answer, with no request.
    time.advance(10);
    const later = await service.getEntityStatus(STOREFRONT, { credentials });
    await settled();
    expect(upstream()).toBe(refreshed);
    expect(later.generatedAt).not.toBe(first.generatedAt);
    expect(later.clusters).toEqual(first.clusters);
  });

  it('is off by default: a hit late in the TTL reads nothing', async () => {
    const time = clock();
    const fixture = await demoFixture();
    const { service, upstream, settled } = await setup(fixture, false);
    await service.getEntityStatus(STOREFRONT, { credentials });
    await settled();
    const afterCold = upstream();
    time.advance(TTL_SECONDS - 1);
    await service.getEntityStatus(STOREFRONT, { credentials });
    await settled();
    expect(upstream()).toBe(afterCold);
  });

  it("never refreshes an answer read with a user's cluster token", async () => {
    const time = clock();
    const fixture = await demoFixture();
    fixture.clusters.homelab.authProvider = 'oidc';
    fixture.clusters.homelab.oidcTokenProvider = 'okta';
    const { service, log, upstream, settled } = await setup(fixture);
    const asAda = { credentials, kubernetesAuth: { 'oidc-okta': 'ada' } };
    const first = await service.getEntityStatus(STOREFRONT, asAda);
    expect(first.clusters[0].mesh).toBe('linkerd');
    await settled();
    const afterCold = upstream();
    expect(log.kubernetes.length).toBeGreaterThan(0);
    time.advance(TTL_SECONDS - 2);
    expect(await service.getEntityStatus(STOREFRONT, asAda)).toEqual(first);
    await settled();
    expect(upstream()).toBe(afterCold);
  });

  it('keeps the old snapshot until its TTL when the refresh fails, and logs it', async () => {
    const time = clock();
    const fixture = await demoFixture();
    const { service, logger, settled } = await setup(fixture);
    const first = await service.getEntityStatus(STOREFRONT, { credentials });
    expect(first.clusters[0].errors).toEqual([]);
    await settled();

    fixture.clusters.homelab.down = true;
    time.advance(25);
    expect(await service.getEntityStatus(STOREFRONT, { credentials })).toEqual(
      first,
    );
    await settled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the previous answer is kept until its TTL ends'),
    );
    // The failed refresh was not stored over the good answer.
    time.advance(4);
    expect(await service.getEntityStatus(STOREFRONT, { credentials })).toEqual(
      first,
    );
    await settled();

    // Once the TTL is over the cluster is read anew, and its failure shows.
    time.advance(2);
    const after: EntityMeshStatus = await service.getEntityStatus(STOREFRONT, {
      credentials,
    });
    expect(after.clusters[0].errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes',
        message: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });
});
