/**
 * The mesh backend end to end on the demo: the demo cluster (fake API
 * servers, simulated proxies, a real Prometheus per cluster), the real
 * Kubernetes backend plugin and its proxy, and the mesh plugin, serving the
 * demo entities of examples/entities.yaml.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseAllDocuments } from 'yaml';
import type {
  ClusterMeshStatus,
  EntityMeshStatus,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import { DemoCluster, startDemoCluster } from '../packages/demo-cluster/src';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import meshPlugin from '../plugins/mesh-backend/src';
import searchModuleMeshCollator, {
  type MeshIndexableDocument,
} from '../plugins/search-backend-module-mesh/src';

const ROOT = join(__dirname, '..');

function demoEntities(): Entity[] {
  return parseAllDocuments(
    readFileSync(join(ROOT, 'examples/entities.yaml'), 'utf8'),
  ).map(d => d.toJSON() as Entity);
}

/** Polls until the demo's Prometheus has scraped enough for a 5m window. */
async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} not ready after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

describe('mesh backend on the demo cluster', () => {
  let demo: DemoCluster | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let baseUrl: string;
  // The search collator, registered as the search plugin would.
  const searchIndex = {
    collators: [] as Array<{ factory: { getCollator(): Promise<any> } }>,
    addCollator(c: any) {
      this.collators.push(c);
    },
    addDecorator() {},
  };

  before(async () => {
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
      prometheus: { scrapeIntervalSeconds: 1 },
    });
    backend = await startTestBackend({
      extensionPoints: [[searchIndexRegistryExtensionPoint, searchIndex]],
      features: [
        meshPlugin,
        // Reads the mesh plugin through meshStatusServiceRef's default: HTTP.
        searchModuleMeshCollator,
        mockServices.scheduler.factory(),
        import('@backstage/plugin-kubernetes-backend'),
        catalogServiceMock.factory({ entities: demoEntities() }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: (['homelab', 'cloud'] as const).map(name => ({
                    name,
                    url: demo!.apiUrls[name],
                    authProvider: 'serviceAccount',
                    serviceAccountToken: `demo-${name}-token`,
                    skipTLSVerify: true,
                    skipMetricsLookup: true,
                  })),
                },
              ],
            },
            mesh: {
              clusters: (['homelab', 'cloud'] as const).map(name => ({
                name,
                prometheus: { url: demo!.prometheusUrls![name] },
              })),
              window: '1m',
              cacheTtlSeconds: 0,
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
    await demo?.stop();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  };
  const entity = (name: string) =>
    get<EntityMeshStatus>(`/v1/entities/component/default/${name}`);

  it('tells the mesh of every demo entity', async () => {
    const expectations: Record<string, Array<Partial<ClusterMeshStatus>>> = {
      storefront: [
        { cluster: 'homelab', mesh: 'linkerd', dataPlane: 'sidecar' },
      ],
      payments: [{ cluster: 'homelab', mesh: 'linkerd' }],
      orders: [{ cluster: 'cloud', mesh: 'istio', dataPlane: 'sidecar' }],
      inventory: [{ cluster: 'cloud', mesh: 'istio', dataPlane: 'sidecar' }],
      recommendations: [
        { cluster: 'cloud', mesh: 'istio', dataPlane: 'ambient' },
      ],
      'sensor-gateway': [
        { cluster: 'homelab', mesh: 'cilium', dataPlane: 'ebpf' },
      ],
      'legacy-reports': [{ cluster: 'homelab', mesh: 'none' }],
    };
    const reports = (await entity('legacy-reports')).clusters[0];
    assert.ok(
      reports.checks.some(
        c => c.id === 'linkerd.injection-label' && c.status === 'fail',
      ),
      'legacy-reports: the mistaken linkerd.io/injection label is named',
    );
    for (const [name, want] of Object.entries(expectations)) {
      const body = await entity(name);
      const got = body.clusters.map(c => ({
        cluster: c.cluster,
        mesh: c.mesh,
        dataPlane: c.dataPlane,
      }));
      for (const w of want) {
        assert.ok(
          got.some(g =>
            Object.entries(w).every(([k, v]) => (g as any)[k] === v),
          ),
          `${name}: expected ${JSON.stringify(w)} in ${JSON.stringify(
            got,
          )} (checks: ${JSON.stringify(
            body.clusters.flatMap(c =>
              c.checks.filter(x => x.status !== 'pass').map(x => x.message),
            ),
          )})`,
        );
      }
    }
    const shipping = await entity('shipping');
    assert.deepEqual(
      shipping.clusters.map(c => `${c.cluster}:${c.mesh}`).sort(),
      ['cloud:istio', 'homelab:linkerd'],
    );
  });

  it('reports payments as partly meshed and the Linkerd issuer as expiring', async () => {
    const [payments] = (await entity('payments')).clusters;
    const w = payments.workloads[0];
    assert.ok(
      w.meshedPods < w.pods,
      `payments: ${w.meshedPods}/${w.pods} meshed`,
    );
    assert.ok(
      payments.checks.some(
        c => c.id === 'injection.restart-needed' && c.status === 'warn',
      ),
    );
    const issuer = payments.certificates.find(c => c.role === 'issuer');
    assert.equal(issuer?.status, 'warning');
    assert.ok(
      payments.checks.some(
        c => c.id === 'certificates.issuer-chain' && c.status === 'pass',
      ),
    );
  });

  it('serves real numbers from the demo Prometheus for Linkerd, Istio and Cilium', async () => {
    // orders gets no inbound traffic in the demo's plan; inventory does.
    for (const name of ['storefront', 'inventory', 'sensor-gateway']) {
      const status = await waitFor(
        `${name} metrics`,
        async () => {
          const body = await entity(name);
          const m = body.clusters[0].workloads[0]?.metrics;
          return m && m.requestsPerSecond > 0 && m.successRate !== null
            ? body
            : undefined;
        },
        120_000,
      );
      const m = status.clusters[0].workloads[0].metrics!;
      assert.ok(
        m.successRate! > 0 && m.successRate! <= 1,
        `${name} success rate ${m.successRate}`,
      );
      assert.deepEqual(status.clusters[0].errors, [], `${name} errors`);
    }
    const inventory = (await entity('inventory')).clusters[0];
    assert.equal(inventory.workloads[0].mtls.mode, 'permissive');
    const orders = (await entity('orders')).clusters[0];
    assert.equal(orders.workloads[0].mtls.mode, 'strict');
  });

  it('lists every demo entity in the overview', async () => {
    const overview = await get<MeshOverview>('/v1/overview');
    const names = overview.entities
      .map(e => e.entityRef.replace('component:default/', ''))
      .sort();
    assert.deepEqual(names, [
      'inventory',
      'legacy-reports',
      'orders',
      'payments',
      'recommendations',
      'sensor-gateway',
      'shipping',
      'storefront',
    ]);
    const byName = Object.fromEntries(
      overview.entities.map(e => [
        e.entityRef.replace('component:default/', ''),
        e,
      ]),
    );
    // Healthy day-long workload certificates are not what expires soonest:
    // the homelab Linkerd issuer (about 20 days left) is.
    assert.equal(byName.storefront.soonestCertificateExpiry?.status, 'warning');
    assert.match(
      byName.storefront.soonestCertificateExpiry!.subject,
      /identity\.linkerd/,
    );
    assert.deepEqual(
      byName.shipping.perCluster?.map(c => `${c.cluster}:${c.mesh}`).sort(),
      ['cloud:istio', 'homelab:linkerd'],
    );
    assert.equal(byName['legacy-reports'].mesh, 'none');
  });

  it('indexes the demo through the search collator, over HTTP to the mesh plugin', async () => {
    assert.equal(searchIndex.collators.length, 1);
    const documents: MeshIndexableDocument[] = [];
    for await (const d of await searchIndex.collators[0].factory.getCollator()) {
      documents.push(d);
    }
    const byName = Object.fromEntries(
      documents.map(d => [d.entityRef, `${d.mesh}/${d.dataPlane}`]),
    );
    assert.deepEqual(
      {
        storefront: byName['component:default/storefront'],
        recommendations: byName['component:default/recommendations'],
        'sensor-gateway': byName['component:default/sensor-gateway'],
        'legacy-reports': byName['component:default/legacy-reports'],
      },
      {
        storefront: 'linkerd/sidecar',
        recommendations: 'istio/ambient',
        'sensor-gateway': 'cilium/ebpf',
        'legacy-reports': 'none/none',
      },
    );
  });
});
