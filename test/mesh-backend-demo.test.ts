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
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { cacheServiceFactory } from '@backstage/backend-defaults/cache';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parse, parseAllDocuments } from 'yaml';
import type {
  ClusterMeshStatus,
  EntityMeshStatus,
  EntityMeshTimeseries,
  MeshCertificates,
  MeshOverview,
  WhatIfAlternativeEstimate,
} from '@meshlens/plugin-mesh-common';
import { proxyCostFigures } from '@meshlens/plugin-mesh-common';
import {
  MeshStatusService,
  meshStatusServiceRef,
} from '@meshlens/plugin-mesh-node';
import {
  DemoCluster,
  RequestRecord,
  startDemoCluster,
} from '../packages/demo-cluster/src';
import { assertNearPlan, planned } from './support/trafficPlan';
import { demoKubernetesConfig } from './support/demoKubernetes';
import { deployRbacWith, MESHLENS_SA, notAllowed } from './support/deployRbac';
import meshPlugin from '../plugins/mesh-backend/src';
import {
  MeshCollatorFactory,
  MeshIndexableDocument,
} from '../plugins/search-backend-module-mesh/src';

const ROOT = join(__dirname, '..');
/** The ClusterRole Meshlens ships; the demo API servers enforce it for the backend's tokens. */
const RBAC_MANIFEST = join(ROOT, 'deploy/rbac.yaml');

/** The demo's own mesh settings (window, timeout, cache TTL), as `make start` runs them. */
const DEMO_MESH_CONFIG = parse(
  readFileSync(join(ROOT, 'app-config.yaml'), 'utf8'),
).mesh as { window: string; timeoutMs: number; cacheTtlSeconds: number };

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

/**
 * The what-if rests on what was measured: the plan's requests/s through
 * the entity's proxies (received by its meshed pods, plus what it sends),
 * its pods, and a node share; a sidecar alternative's memory is pods ×
 * the published figure.
 */
function assertWhatIf(body: EntityMeshStatus, call: string) {
  const whatIf = body.cost?.whatIf;
  assert.ok(whatIf, `${call}: no what-if`);
  assert.equal(whatIf.kind, 'estimate');
  const workloads = body.clusters.flatMap(c =>
    c.workloads.map(w => ({
      c,
      w,
      plan: planned(c.cluster, c.namespace, w.name),
    })),
  );
  const pods = workloads.reduce((n, { w }) => n + w.pods, 0);
  assert.equal(whatIf.basis.pods, pods, `${call}: what-if pods`);
  const throughput = workloads.reduce(
    (n, { w, plan }) =>
      n +
      (plan.requestsPerSecond * w.meshedPods) / w.pods +
      plan.calls.reduce((m, e) => m + e.requestsPerSecond, 0),
    0,
  );
  assertNearPlan(
    whatIf.basis.requestsPerSecond,
    throughput,
    `${call} what-if requests/s`,
  );
  assert.ok(
    whatIf.basis.nodeShare !== undefined &&
      whatIf.basis.nodeShare > 0 &&
      whatIf.basis.nodeShare <= pods,
    `${call}: node share ${whatIf.basis.nodeShare}`,
  );
  for (const [alternative, figures] of Object.entries(proxyCostFigures)) {
    const sidecar = figures.figures.find(f => f.per === 'pod');
    const estimate: WhatIfAlternativeEstimate | undefined =
      whatIf.alternatives.find(a => a.alternative === alternative);
    if (!sidecar?.memoryBytesPerInstance || figures.figures.length !== 1)
      continue;
    assert.ok(estimate, `${call}: no estimate for ${alternative}`);
    assert.deepEqual(
      estimate.memoryBytes,
      {
        low: sidecar.memoryBytesPerInstance.low * pods,
        high: sidecar.memoryBytesPerInstance.high * pods,
      },
      `${call}: ${alternative} memory`,
    );
    assert.ok(estimate.sources.length > 0, `${call}: ${alternative} sources`);
  }
}

describe('mesh backend on the demo cluster', () => {
  let demo: DemoCluster | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let baseUrl: string;
  let searchStatus: MeshStatusService | undefined;
  const requests: Array<RequestRecord & { cluster: string }> = [];

  before(async () => {
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
      prometheus: { scrapeIntervalSeconds: 1 },
      // Every read goes through deploy/rbac.yaml, and every request is logged.
      rbac: {
        manifestFile: RBAC_MANIFEST,
        users: {
          'demo-homelab-token': MESHLENS_SA,
          'demo-cloud-token': MESHLENS_SA,
        },
      },
      onRequest: (cluster, record) => requests.push({ cluster, ...record }),
    });
    backend = await startTestBackend({
      features: [
        meshPlugin,
        // The store the demo backend runs (memory, values serialized to
        // JSON), not a test double that keeps objects by reference.
        cacheServiceFactory,
        // The mesh status service as the search collator's plugin gets it:
        // meshStatusServiceRef's default, over HTTP to the mesh plugin.
        createBackendPlugin({
          pluginId: 'search',
          register(env) {
            env.registerInit({
              deps: { meshStatus: meshStatusServiceRef },
              async init({ meshStatus }) {
                searchStatus = meshStatus;
              },
            });
          },
        }),
        import('@backstage/plugin-kubernetes-backend'),
        catalogServiceMock.factory({ entities: demoEntities() }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: demoKubernetesConfig(demo!.apiUrls),
            mesh: {
              clusters: (['homelab', 'cloud'] as const).map(name => ({
                name,
                prometheus: { url: demo!.prometheusUrls![name] },
              })),
              window: DEMO_MESH_CONFIG.window,
              timeoutMs: DEMO_MESH_CONFIG.timeoutMs,
              cacheTtlSeconds: DEMO_MESH_CONFIG.cacheTtlSeconds,
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
      reports.checks.some(c => c.id === 'MESH-LNK-001' && c.status === 'fail'),
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
      payments.checks.some(c => c.id === 'MESH-COM-009' && c.status === 'warn'),
    );
    const issuer = payments.certificates.find(c => c.role === 'issuer');
    assert.equal(issuer?.status, 'warning');
    // With mesh.certificates.readSecrets off (the default) the issuer's
    // expiry comes from its cert-manager Certificate and the anchor from the
    // public ConfigMap; whether the anchor signed the issuer needs the
    // issuer's certificate itself, so that check is not made.
    assert.match(
      issuer!.source,
      /^Certificate linkerd\/linkerd-identity-issuer/,
    );
    assert.ok(
      payments.certificates.some(
        c =>
          c.role === 'trust-anchor' &&
          c.source.startsWith('ConfigMap linkerd/linkerd-identity-trust-roots'),
      ),
    );
    assert.ok(!payments.checks.some(c => c.id === 'MESH-COM-015'));
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

  describe('with the demo cache TTL, every endpoint answers twice with the planned numbers', () => {
    const ENTITIES = [
      'storefront',
      'payments',
      'shipping',
      'orders',
      'inventory',
      'recommendations',
      'sensor-gateway',
    ];
    /** Twice, the second within the TTL: both 200, both checked. */
    async function twice<T>(
      path: string,
      check: (body: T, call: string) => void,
    ) {
      const started = Date.now();
      for (const call of ['first call', 'second call (cached)']) {
        const res = await fetch(`${baseUrl}${path}`);
        assert.equal(
          res.status,
          200,
          `${path}, ${call}: ${await res.clone().text()}`,
        );
        check((await res.json()) as T, `${path}, ${call}`);
      }
      assert.ok(
        Date.now() - started < DEMO_MESH_CONFIG.cacheTtlSeconds * 1000,
        `${path}: the second call came after the TTL`,
      );
    }

    before(async () => {
      assert.ok(DEMO_MESH_CONFIG.cacheTtlSeconds > 0, 'the demo caches');
      // The demo's history fills the window from the start; wait for the
      // first scrape of both Prometheus servers all the same.
      await waitFor(
        'demo metrics',
        async () => {
          const body = await entity('inventory');
          return body.clusters[0].workloads[0]?.metrics?.requestsPerSecond
            ? body
            : undefined;
        },
        120_000,
      );
    });

    for (const name of ENTITIES) {
      it(`entity ${name}: requests/s, success rate and edges`, async () => {
        await twice<EntityMeshStatus>(
          `/v1/entities/component/default/${name}`,
          (body, call) => {
            for (const c of body.clusters) {
              assert.deepEqual(c.errors, [], `${call}: errors`);
              for (const w of c.workloads) {
                const where = `${call} ${c.cluster}/${c.namespace}/${w.name}`;
                const plan = planned(c.cluster, c.namespace, w.name);
                assert.ok(w.metrics, `${where}: no metrics`);
                // The demo spreads requests evenly over the pods, and only a
                // pod with a proxy counts what it receives.
                assertNearPlan(
                  w.metrics.requestsPerSecond,
                  (plan.requestsPerSecond * w.meshedPods) / w.pods,
                  `${where} requests/s`,
                );
                assertNearPlan(
                  w.metrics.successRate,
                  plan.successRate,
                  `${where} success rate`,
                );
                for (const e of plan.callers) {
                  const edge = w.edges.find(
                    x =>
                      x.direction === 'inbound' &&
                      x.peer.namespace === e.source!.namespace &&
                      x.peer.name === e.source!.deployment,
                  );
                  assertNearPlan(
                    edge?.requestsPerSecond,
                    e.requestsPerSecond,
                    `${where} edge from ${e.id}`,
                  );
                }
                for (const e of plan.calls) {
                  const edge = w.edges.find(
                    x =>
                      x.direction === 'outbound' &&
                      x.peer.namespace === e.destination.namespace &&
                      x.peer.name === e.destination.deployment,
                  );
                  assertNearPlan(
                    edge?.requestsPerSecond,
                    e.requestsPerSecond,
                    `${where} edge to ${e.id}`,
                  );
                }
              }
            }
            assertWhatIf(body, call);
          },
        );
      });

      it(`timeseries ${name}: the latest points at the planned rate`, async () => {
        const proxied = new Map<string, number>();
        for (const c of (await entity(name)).clusters) {
          for (const w of c.workloads) {
            proxied.set(
              `${c.cluster}/${c.namespace}/${w.name}`,
              w.meshedPods / w.pods,
            );
          }
        }
        await twice<EntityMeshTimeseries>(
          `/v1/entities/component/default/${name}/timeseries?range=5m&step=1m`,
          (body, call) => {
            assert.deepEqual(body.errors, [], `${call}: errors`);
            for (const [key, share] of proxied) {
              const [cluster, namespace, workload] = key.split('/');
              const plan = planned(cluster, namespace, workload);
              const series = body.series.find(
                x =>
                  x.cluster === cluster &&
                  x.namespace === namespace &&
                  x.workload === workload,
              );
              if (plan.requestsPerSecond === 0) {
                // Nothing planned: no series, or one of zeros.
                for (const p of series?.points ?? []) {
                  assert.ok(
                    !p.requestsPerSecond,
                    `${call} ${key}: ${p.requestsPerSecond} requests/s at ${p.t}, none planned`,
                  );
                }
                continue;
              }
              assert.ok(series, `${call}: no series for ${key}`);
              const filled = series.points.filter(
                p => p.requestsPerSecond !== null,
              );
              assert.ok(
                filled.length >= 3,
                `${call} ${key}: ${filled.length} points with data`,
              );
              for (const p of filled.slice(-3)) {
                assertNearPlan(
                  p.requestsPerSecond,
                  plan.requestsPerSecond * share,
                  `${call} ${key} requests/s at ${p.t}`,
                );
              }
            }
          },
        );
      });
    }

    /** The overview rows of some entities, priced with the plan from their own route's workloads. */
    async function overviewNearPlan(names: string[]) {
      const wanted = new Map<string, { rps: number; ok: number }>();
      for (const name of names) {
        let rps = 0;
        let ok = 0;
        for (const c of (await entity(name)).clusters) {
          for (const w of c.workloads) {
            const plan = planned(c.cluster, c.namespace, w.name);
            const seen = (plan.requestsPerSecond * w.meshedPods) / w.pods;
            rps += seen;
            ok += seen * (plan.successRate ?? 0);
          }
        }
        wanted.set(name, { rps, ok });
      }
      await twice<MeshOverview>('/v1/overview', (body, call) => {
        for (const name of names) {
          const row = body.entities.find(
            e => e.entityRef === `component:default/${name}`,
          );
          assert.ok(row, `${call}: no ${name}`);
          assert.deepEqual(row.errors, [], `${call} ${name}: errors`);
          const { rps, ok } = wanted.get(name)!;
          assertNearPlan(
            row.requestsPerSecond,
            rps,
            `${call} ${name} requests/s`,
          );
          assertNearPlan(
            row.successRate,
            rps > 0 ? ok / rps : null,
            `${call} ${name} success rate`,
          );
        }
      });
    }

    it('overview: every entity at its planned rate', () =>
      overviewNearPlan(ENTITIES));

    it('certificates: the same chain both times', async () => {
      let first: MeshCertificates | undefined;
      await twice<MeshCertificates>('/v1/certificates', (body, call) => {
        assert.deepEqual(body.errors, [], `${call}: errors`);
        const issuer = body.certificates.find(
          c => c.cluster === 'homelab' && c.role === 'issuer',
        );
        assert.equal(
          issuer?.status,
          'warning',
          `${call}: the Linkerd issuer expires soon`,
        );
        if (first)
          assert.deepEqual(body.certificates, first.certificates, call);
        first = body;
      });
    });

    it('search: the collator reads every entity twice with the same posture as the entity route', async () => {
      assert.ok(searchStatus, 'the search plugin got the mesh status service');
      const collate = async () => {
        const factory = new MeshCollatorFactory({
          auth: mockServices.auth(),
          catalog: new InMemoryCatalogClient({ entities: demoEntities() }),
          meshStatus: searchStatus!,
          logger: mockServices.rootLogger(),
        });
        const docs: MeshIndexableDocument[] = [];
        for await (const doc of await factory.getCollator()) docs.push(doc);
        return docs;
      };
      const started = Date.now();
      const runs = [await collate(), await collate()];
      assert.ok(Date.now() - started < DEMO_MESH_CONFIG.cacheTtlSeconds * 1000);
      for (const [i, docs] of runs.entries()) {
        for (const name of ENTITIES) {
          const doc = docs.find(
            d => d.entityRef === `component:default/${name}`,
          );
          assert.ok(doc, `run ${i + 1}: no document for ${name}`);
          const status = await entity(name);
          assert.equal(
            doc.mesh,
            status.clusters[0].mesh,
            `run ${i + 1} ${name} mesh`,
          );
          const pods = status.clusters
            .flatMap(c => c.workloads)
            .reduce((n, w) => n + w.pods, 0);
          const meshed = status.clusters
            .flatMap(c => c.workloads)
            .reduce((n, w) => n + w.meshedPods, 0);
          assertNearPlan(
            doc.meshedShare,
            pods ? meshed / pods : null,
            `run ${i + 1} ${name} meshed share`,
          );
        }
      }
    });
  });

  it('answers a second user within the TTL without a new request to the API servers', async () => {
    // A window nobody asked for yet, so the first answer is read now.
    const path = '/v1/entities/component/default/payments?window=4m';
    const as = async (user: string) => {
      const res = await fetch(`${baseUrl}${path}`, {
        headers: { Authorization: mockCredentials.user.header(user) },
      });
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as EntityMeshStatus;
    };
    const first = await as('user:default/ada');
    const seen = requests.length;
    const second = await as('user:default/bob');
    assert.deepEqual(second, first);
    assert.deepEqual(requests.slice(seen), []);
  });

  it('made only requests that deploy/rbac.yaml allows, and read no Secret', async () => {
    // Every read the routes make, once more after the others: the timeseries too.
    await get(
      '/v1/entities/component/default/storefront/timeseries?range=5m&step=1m',
    );
    const { certificates } = await get<MeshCertificates>('/v1/certificates');
    // Without Secrets every mesh still shows its anchor and its issuer (CA).
    for (const [cluster, mesh] of [
      ['homelab', 'linkerd'],
      ['cloud', 'istio'],
    ]) {
      for (const role of ['trust-anchor', 'issuer']) {
        assert.ok(
          certificates.some(
            c => c.cluster === cluster && c.mesh === mesh && c.role === role,
          ),
          `${cluster} ${mesh}: no ${role} in ${JSON.stringify(
            certificates.map(c => [c.cluster, c.role, c.source]),
          )}`,
        );
      }
    }
    // The reader role alone: the onboarding role's writes are not the read path's.
    const policy = deployRbacWith('meshlens-reader');
    const resources = requests.filter(r => r.resource);
    assert.ok(
      resources.length > 20,
      `only ${resources.length} requests logged`,
    );
    assert.deepEqual([...new Set(resources.map(r => r.user))], [MESHLENS_SA]);
    assert.deepEqual(notAllowed(policy, resources), []);
    assert.deepEqual(
      resources.filter(r => r.resource === 'secrets'),
      [],
    );
  });
});
