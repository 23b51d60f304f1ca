/**
 * A hostile or broken Kubernetes API behind the real Kubernetes backend and
 * its proxy: homelab's API server is the misbehaving upstream (forwarding to
 * the demo's homelab API server while it behaves), cloud's is the demo's.
 * Every misbehaviour must end in a 200 within timeoutMs + 1 s, with one
 * `errors[]` entry naming homelab and the source, and cloud intact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type {
  EntityMeshStatus,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import { DemoCluster, startDemoCluster } from '../packages/demo-cluster/src';
import { demoKubernetesConfig } from './support/demoKubernetes';
import meshPlugin from '../plugins/mesh-backend/src';
import {
  HUGE_BODY_BYTES,
  Misbehaviour,
  MisbehavingUpstream,
  startMisbehavingUpstream,
} from './support/misbehavingUpstream';

const TIMEOUT_MS = 2000;
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const ENTITY = '/v1/entities/component/default/shipping';

function demoEntities(): Entity[] {
  return parseAllDocuments(
    readFileSync(join(__dirname, '../examples/entities.yaml'), 'utf8'),
  ).map(d => d.toJSON() as Entity);
}

describe('a hostile or broken Kubernetes API', () => {
  let demo: DemoCluster | undefined;
  let homelabApi: MisbehavingUpstream | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let baseUrl: string;
  /** Entities with traffic in cloud alone, while homelab behaves. */
  let cloudOnly: string[] = [];

  before(async () => {
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
      prometheus: { scrapeIntervalSeconds: 1 },
    });
    homelabApi = await startMisbehavingUpstream('ok', {
      forwardTo: demo.apiUrls.homelab,
    });
    const apiUrls = { homelab: homelabApi.url, cloud: demo.apiUrls.cloud };
    backend = await startTestBackend({
      features: [
        meshPlugin,
        cacheServiceFactory,
        import('@backstage/plugin-kubernetes-backend'),
        catalogServiceMock.factory({ entities: demoEntities() }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: demoKubernetesConfig(apiUrls),
            mesh: {
              clusters: (['homelab', 'cloud'] as const).map(name => ({
                name,
                prometheus: { url: demo!.prometheusUrls![name] },
              })),
              window: '1m',
              timeoutMs: TIMEOUT_MS,
              // Every request reads the clusters again.
              cacheTtlSeconds: 0,
              topologyHintSeconds: 0,
              kubernetes: { maxResponseBytes: MAX_RESPONSE_BYTES },
            },
          },
        }),
      ],
    });
    const address = backend.server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}/api/mesh`;
  });

  after(async () => {
    await backend?.stop();
    await homelabApi?.close();
    await demo?.stop();
  });

  const timed = async <T>(path: string): Promise<{ body: T; ms: number }> => {
    const started = Date.now();
    const res = await fetch(`${baseUrl}${path}`);
    const text = await res.text();
    const ms = Date.now() - started;
    assert.equal(res.status, 200, `${path}: ${text}`);
    return { body: JSON.parse(text) as T, ms };
  };
  const cloudIntact = (status: EntityMeshStatus) => {
    const cloud = status.clusters.find(c => c.cluster === 'cloud');
    assert.ok(cloud, 'cloud is missing');
    assert.deepEqual(cloud.errors, []);
    assert.ok(cloud.workloads.length > 0, 'cloud lists no workloads');
    assert.ok(
      (cloud.workloads[0].metrics?.requestsPerSecond ?? 0) > 0,
      `cloud has no traffic: ${JSON.stringify(cloud.workloads[0].metrics)}`,
    );
  };

  it('while it behaves, both clusters answer without errors', async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await timed<EntityMeshStatus>(ENTITY);
      const homelab = body.clusters.find(c => c.cluster === 'homelab');
      const ready =
        homelab?.errors.length === 0 &&
        body.clusters.every(
          c => (c.workloads[0]?.metrics?.requestsPerSecond ?? 0) > 0,
        );
      if (ready) {
        cloudIntact(body);
        const overview = await timed<MeshOverview>('/v1/overview');
        cloudOnly = overview.body.entities
          .filter(
            e =>
              e.clusters.join() === 'cloud' && (e.requestsPerSecond ?? 0) > 0,
          )
          .map(e => e.entityRef);
        assert.ok(cloudOnly.length > 0, 'no entity with traffic in cloud only');
        break;
      }
      assert.ok(
        Date.now() < deadline,
        `no traffic in both clusters after 60 s: ${JSON.stringify(body)}`,
      );
      await new Promise(r => setTimeout(r, 1000));
    }
  });

  const MODES: Misbehaviour[] = [
    'huge-body',
    'server-error',
    'truncated',
    'stall',
  ];
  for (const mode of MODES) {
    it(`${mode}: 200 within timeoutMs + 1 s, one error naming homelab and the source, cloud intact`, async () => {
      homelabApi!.mode = mode;
      homelabApi!.bytesSent = 0;
      try {
        const { body, ms } = await timed<EntityMeshStatus>(ENTITY);
        assert.ok(ms < TIMEOUT_MS + 1000, `entity took ${ms} ms`);
        const homelab = body.clusters.find(c => c.cluster === 'homelab');
        assert.ok(homelab, `homelab is missing: ${JSON.stringify(body)}`);
        assert.equal(homelab.errors.length, 1, JSON.stringify(homelab.errors));
        assert.equal(homelab.errors[0].source, 'kubernetes');
        assert.match(homelab.errors[0].message, /homelab/);
        cloudIntact(body);

        const overview = await timed<MeshOverview>('/v1/overview');
        assert.ok(
          overview.ms < TIMEOUT_MS + 1000,
          `overview took ${overview.ms} ms`,
        );
        const shipping = overview.body.entities.find(e =>
          e.entityRef.endsWith('/shipping'),
        );
        assert.ok(shipping, 'shipping is missing from the overview');
        const kubeErrors = shipping.errors.filter(
          e => e.source === 'kubernetes',
        );
        assert.equal(kubeErrors.length, 1, JSON.stringify(shipping.errors));
        assert.equal(kubeErrors[0].cluster, 'homelab');
        assert.ok(
          shipping.errors.every(e => e.cluster === 'homelab'),
          JSON.stringify(shipping.errors),
        );
        assert.ok((shipping.requestsPerSecond ?? 0) > 0, 'shipping lost cloud');
        // Entities of cloud alone keep their numbers; homelab, where an
        // entity not pinned to a cluster might also run, is named as unread.
        for (const ref of cloudOnly) {
          const e = overview.body.entities.find(x => x.entityRef === ref);
          assert.ok((e?.requestsPerSecond ?? 0) > 0, JSON.stringify(e));
          assert.deepEqual(e!.clusters, ['cloud']);
          assert.ok(
            e!.errors.every(x => x.cluster === 'homelab'),
            JSON.stringify(e!.errors),
          );
        }
        if (mode === 'huge-body') {
          assert.match(
            homelab.errors[0].message,
            new RegExp(`answered more than ${MAX_RESPONSE_BYTES} bytes`),
          );
          // The cap stopped the download long before the 100 MB were sent.
          assert.ok(
            homelabApi!.bytesSent < HUGE_BODY_BYTES / 2,
            `${homelabApi!.bytesSent} bytes were sent`,
          );
        }
      } finally {
        homelabApi!.mode = 'ok';
      }
    });
  }
});
