/*
 * "A fourth mesh is one adapter": Meshy (the scaffolder module's
 * __testUtils__/meshyAdapter.ts), a mesh no Meshlens package knows, is
 * registered only through the two extension points, in one backend with the
 * mesh plugin, the scaffolder module and the search collator module. It then
 * shows up in the entity API (with its own enrolment hint), the overview,
 * the search documents and the ADR, and mesh:namespace:onboard enrols a
 * namespace into it.
 *
 * Kubernetes is the in-process fake API server of the scaffolder module's
 * tests (reads, server-side apply, merge patches, dryRun), behind msw;
 * Prometheus is a fake that sums Meshy's one counter the way its query asks.
 * No fixed port: the backend listens on a free one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type {
  EntityMeshStatus,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  meshAdaptersExtensionPoint,
  meshOnboardingAdaptersExtensionPoint,
} from '../plugins/mesh-node/src';
import meshPlugin from '../plugins/mesh-backend/src';
import scaffolderModuleMesh from '../plugins/scaffolder-backend-module-mesh/src';
import searchModuleMeshCollator, {
  MeshIndexableDocument,
} from '../plugins/search-backend-module-mesh/src';
import { FakeKubernetes } from '../plugins/scaffolder-backend-module-mesh/src/__testUtils__/fakeKubernetes';
import {
  deployment,
  namespace,
  pod,
} from '../plugins/scaffolder-backend-module-mesh/src/__testUtils__/fixtures';
import {
  MESHY_ENROL_LABEL,
  MESHY_POLICY,
  MESHY_PROXY,
  MeshyAdapter,
} from '../plugins/scaffolder-backend-module-mesh/src/__testUtils__/meshyAdapter';

const KUBERNETES = 'http://kubernetes.test/api/kubernetes';
const PROMETHEUS = 'http://prometheus.test';
const CLUSTER = 'lab';

// The only lines Meshy needs: a module per extension point, each adding it.
const meshyModule = (
  pluginId: string,
  extensionPoint:
    | typeof meshAdaptersExtensionPoint
    | typeof meshOnboardingAdaptersExtensionPoint,
) =>
  createBackendModule({
    pluginId,
    moduleId: 'meshy',
    register(reg) {
      reg.registerInit({
        deps: { adapters: extensionPoint },
        async init({ adapters }) {
          adapters.addAdapters(new MeshyAdapter());
        },
      });
    },
  });
const meshyForTheMeshPlugin = meshyModule('mesh', meshAdaptersExtensionPoint);
const meshyForTheScaffolder = meshyModule(
  'scaffolder',
  meshOnboardingAdaptersExtensionPoint,
);

const cart: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'cart',
    annotations: { 'backstage.io/kubernetes-id': 'cart' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'shop-team' },
};

/** A Deployment with labels of its own (not only its pods'). */
function labelled(object: KubeObject, labels: Record<string, string>) {
  object.metadata.labels = { ...object.metadata.labels, ...labels };
  return object;
}

function cartPod(name: string, meshed: boolean): KubeObject {
  const p = pod('shop', name, 'cart', {
    labels: { 'backstage.io/kubernetes-id': 'cart' },
  });
  if (meshed)
    p.spec.containers.push({ name: MESHY_PROXY, image: 'meshy/proxy:0.4.2' });
  return p;
}

/**
 * Meshy's counter as Prometheus would hold it, and the one query shape the
 * adapter sends: `sum by (...) (increase(meshy_requests_total{namespace...}[w]))`.
 */
const meshySeries = [
  { namespace: 'shop', workload: 'cart', code: '200', mtls: 'true', v: 570 },
  { namespace: 'shop', workload: 'cart', code: '503', mtls: 'true', v: 30 },
  { namespace: 'other', workload: 'x', code: '200', mtls: 'false', v: 99 },
];

function prometheusAnswer(query: string) {
  const shape =
    /^sum by \(([a-z_, ]+)\) \(increase\(meshy_requests_total\{namespace(=~|=|!=)"([^"]*)"\}\[[0-9a-z]+\]\)\)$/.exec(
      query,
    );
  if (!shape) {
    return HttpResponse.json(
      { status: 'error', errorType: 'bad_data', error: `cannot run ${query}` },
      { status: 400 },
    );
  }
  const [, by, op, value] = shape;
  const keep = (ns: string) => {
    if (op === '!=') return ns !== value;
    if (op === '=') return ns === value;
    return new RegExp(`^(?:${value})$`).test(ns);
  };
  const labels = by.split(', ');
  const sums = new Map<string, { metric: Record<string, string>; v: number }>();
  for (const s of meshySeries.filter(x => keep(x.namespace))) {
    const metric = Object.fromEntries(
      labels.map(l => [l, String((s as any)[l])]),
    );
    const key = JSON.stringify(metric);
    const sum = sums.get(key) ?? { metric, v: 0 };
    sum.v += s.v;
    sums.set(key, sum);
  }
  return HttpResponse.json({
    status: 'success',
    data: {
      resultType: 'vector',
      result: [...sums.values()].map(s => ({
        metric: s.metric,
        value: [Date.now() / 1000, String(s.v)],
      })),
    },
  });
}

describe('a fourth mesh, registered only through the extension points', () => {
  const server = setupServer();
  const fake = new FakeKubernetes(`${KUBERNETES}/proxy`).installCustomResources(
    MESHY_POLICY,
  );
  const prometheusQueries: string[] = [];
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let baseUrl = '';
  let workspace: string;
  const actions = new Map<string, any>();
  let collatorFactory: any;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'meshlens-meshy-'));
    fake.add(
      CLUSTER,
      namespace('meshy-system'),
      labelled(deployment('meshy-system', 'meshy-control'), {
        'app.kubernetes.io/part-of': 'meshy',
        'app.kubernetes.io/version': '0.4.2',
      }),
      namespace('shop'),
      labelled(deployment('shop', 'cart'), {
        'backstage.io/kubernetes-id': 'cart',
      }),
      cartPod('cart-1', false),
    );
    // Plays the Deployment controller and Meshy's injector on a restart.
    fake.onWrite = (cluster, path, object) => {
      if (!object || !path.endsWith('/deployments/cart')) return;
      fake.remove(cluster, '/api/v1/namespaces/shop/pods/cart-1');
      fake.add(cluster, cartPod('cart-2', true));
    };
    server.use(
      ...fake.handlers(),
      http.get(`${KUBERNETES}/clusters`, () =>
        HttpResponse.json({
          items: [{ name: CLUSTER, authProvider: 'serviceAccount' }],
        }),
      ),
      http.post(`${PROMETHEUS}/api/v1/query`, async ({ request }) => {
        const query = new URLSearchParams(await request.text()).get('query');
        prometheusQueries.push(query ?? '');
        return prometheusAnswer(query ?? '');
      }),
    );
    server.listen({ onUnhandledRequest: 'bypass' });

    backend = await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...list: any[]) =>
              list.forEach(a => actions.set(a.id, a)),
          },
        ],
        [
          searchIndexRegistryExtensionPoint,
          { addCollator: ({ factory }: any) => (collatorFactory = factory) },
        ],
      ],
      features: [
        meshPlugin,
        meshyForTheMeshPlugin,
        scaffolderModuleMesh,
        meshyForTheScaffolder,
        searchModuleMeshCollator,
        catalogServiceMock.factory({ entities: [cart] }),
        // The Kubernetes backend is the fake; every other plugin is this backend.
        createServiceFactory({
          service: coreServices.discovery,
          deps: {},
          factory: () => {
            const url = async (pluginId: string) =>
              pluginId === 'kubernetes'
                ? KUBERNETES
                : `${baseUrl}/api/${pluginId}`;
            return { getBaseUrl: url, getExternalBaseUrl: url };
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            mesh: {
              clusters: [{ name: CLUSTER, prometheus: { url: PROMETHEUS } }],
              // Each read sees the cluster as it is now, before and after onboarding.
              cacheTtlSeconds: 0,
              topologyHintSeconds: 0,
              onboarding: {
                rolloutTimeoutSeconds: 5,
                rolloutPollIntervalSeconds: 0.01,
              },
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await backend?.stop();
    server.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/mesh${path}`);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  };

  async function run(id: string, input: Record<string, unknown>) {
    const action = actions.get(id);
    assert.ok(action, `action ${id} is registered`);
    const outputs: Record<string, any> = {};
    const logger: any = {
      info() {},
      warn() {},
      error() {},
      debug() {},
      child: () => logger,
    };
    await action.handler({
      input,
      logger,
      workspacePath: workspace,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      checkpoint: async ({ fn }: { fn: () => unknown }) => fn(),
      createTemporaryDirectory: async () => workspace,
      getInitiatorCredentials: async () => mockCredentials.user(),
      task: { id: 'meshy' },
    });
    return outputs;
  }

  async function collate(): Promise<MeshIndexableDocument[]> {
    const documents: MeshIndexableDocument[] = [];
    for await (const d of await collatorFactory.getCollator())
      documents.push(d);
    return documents;
  }

  it('shows the control plane and the unenrolled namespace, with its own hint', async () => {
    const status = await get<EntityMeshStatus>(
      '/v1/entities/component/default/cart',
    );
    assert.equal(status.clusters.length, 1);
    const [shop] = status.clusters;
    assert.equal(shop.mesh, 'none');
    const enrolled = shop.checks.find(c => c.id === 'MESH-COM-007');
    assert.equal(enrolled?.status, 'fail');
    assert.equal(
      enrolled?.message,
      `Namespace shop is not enrolled in meshy, which run in cluster ${CLUSTER}`,
    );
    assert.equal(
      enrolled?.hint,
      `kubectl label namespace shop ${MESHY_ENROL_LABEL}=on`,
    );
    const [document] = await collate();
    assert.equal(document.mesh, 'none');
    assert.equal(document.meshTitle, undefined);
  });

  it('is onboarded by mesh:namespace:onboard, through its adapter only', async () => {
    const outputs = await run('mesh:namespace:onboard', {
      entityRef: 'component:default/cart',
      cluster: CLUSTER,
      namespace: 'shop',
      mesh: 'meshy',
      mtlsMode: 'strict',
      // No traffic before it is meshed: STRICT is taken on trust, and said so.
      allowStrictWithoutTraffic: true,
      restartWorkloads: true,
    });
    assert.deepEqual(
      outputs.changes.map((c: any) => `${c.action} ${c.kind}`),
      ['apply MeshyPolicy', 'patch Namespace', 'restart Deployment'],
    );
    assert.deepEqual(outputs.rollout, {
      pods: 1,
      meshedPods: 1,
      complete: true,
    });
    assert.equal(
      fake.get(CLUSTER, '/api/v1/namespaces/shop')?.metadata.labels[
        MESHY_ENROL_LABEL
      ],
      'on',
    );
    assert.deepEqual(
      fake.get(
        CLUSTER,
        '/apis/meshy.example/v1alpha1/namespaces/shop/meshypolicies/meshlens-default',
      )?.spec,
      { mtls: 'strict' },
    );
  });

  it('is in the entity API with its title, pods, policy, mTLS, metrics and checks', async () => {
    const status = await get<EntityMeshStatus>(
      '/v1/entities/component/default/cart',
    );
    const [shop] = status.clusters;
    assert.equal(shop.mesh, 'meshy');
    assert.equal(shop.meshTitle, 'Meshy');
    assert.equal(shop.dataPlane, 'sidecar');
    assert.deepEqual(shop.controlPlane, {
      namespace: 'meshy-system',
      version: '0.4.2',
      healthy: true,
    });
    assert.deepEqual(shop.injection, {
      namespace: 'enabled',
      marker: `label ${MESHY_ENROL_LABEL}=on`,
    });
    const [workload] = shop.workloads;
    assert.equal(workload.name, 'cart');
    assert.equal(workload.pods, 1);
    assert.equal(workload.meshedPods, 1);
    assert.deepEqual(workload.proxyVersions, ['0.4.2']);
    assert.equal(workload.mtls.mode, 'strict');
    assert.equal(workload.mtls.encryptedShare, 1);
    // 600 requests in the 5m window, 30 of them 503s.
    assert.equal(workload.metrics?.requestsPerSecond, 2);
    assert.equal(workload.metrics?.successRate, 0.95);
    assert.deepEqual(
      shop.policies.map(p => [p.kind, p.summary]),
      [['MeshyPolicy', 'Meshy mTLS strict']],
    );
    assert.equal(
      shop.checks.find(c => c.id === 'meshy.policy')?.status,
      'pass',
    );
    assert.ok(
      prometheusQueries.some(q => q.includes('namespace="shop"')),
      'the entity query is scoped to its namespace',
    );
  });

  it('is in the overview, row and cluster, with its title and totals', async () => {
    const overview = await get<MeshOverview>('/v1/overview');
    const [row] = overview.entities;
    assert.equal(row.entityRef, 'component:default/cart');
    assert.equal(row.mesh, 'meshy');
    assert.equal(row.meshTitle, 'Meshy');
    assert.deepEqual(row.perCluster, [
      {
        cluster: CLUSTER,
        mesh: 'meshy',
        dataPlane: 'sidecar',
        meshTitle: 'Meshy',
      },
    ]);
    assert.equal(row.mtlsMode, 'strict');
    assert.equal(row.requestsPerSecond, 2);
    assert.deepEqual(overview.byMesh.meshy, {
      entities: 1,
      meshed: 1,
      strictMtls: 1,
      pods: 1,
      meshedPods: 1,
    });
  });

  it('is in the search documents, named by its title', async () => {
    const [document] = await collate();
    assert.equal(document.entityRef, 'component:default/cart');
    assert.equal(document.mesh, 'meshy');
    assert.equal(document.meshTitle, 'Meshy');
    assert.equal(document.dataPlane, 'sidecar');
    assert.equal(document.meshedShare, 1);
    assert.equal(
      document.text,
      `cart runs in Meshy sidecar on ${CLUSTER}: 1 of 1 pod with the proxy, mTLS strict, all requests encrypted, 95% success. Failing checks: COM-013.`,
    );
    // 95% success is below the common success-rate check's threshold.
    assert.deepEqual(document.failingChecks, ['MESH-COM-013']);
  });

  it('is weighed by mesh:adr:create beside the built-in meshes', async () => {
    const outputs = await run('mesh:adr:create', {
      mesh: 'meshy',
      alternatives: ['linkerd', 'istio'],
    });
    const adr: string = outputs.content;
    assert.match(adr, /Chosen option: "Meshy"/);
    assert.match(
      adr,
      /^\| Criterion \| Meshy \| Linkerd \| Istio \(sidecar\) \|$/m,
    );
    assert.match(
      adr,
      /^\| Proxy memory \| Meshy proxyMemory \[meshy-handbook\] \|/m,
    );
    assert.match(
      adr,
      /^### Meshy\n\nA made-up mesh that exists only in tests\.$/m,
    );
    assert.match(
      adr,
      /^- \[ \] Label <namespace> with meshy\.example\/enrol=on\.$/m,
    );
    assert.match(
      adr,
      /^- \*\*meshy-handbook\*\*: The Meshy handbook\. scaffolder-backend-module-mesh __testUtils__\/meshyAdapter\.ts\.$/m,
    );
  });
});
