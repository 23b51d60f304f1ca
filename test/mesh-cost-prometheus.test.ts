/**
 * The mesh tax against a real Prometheus (Debian's), loaded through
 * promtool with cAdvisor series of known constant usage: two clusters,
 * Linkerd sidecars and Cilium's node agents in one, Istio sidecar, ambient
 * (ztunnel and a waypoint) in the other. Expected numbers are worked out
 * here from the constants and the apportioning rules, without the code
 * under test; the backend's cluster cost read, entity cost and fleet cost
 * must match them within 1%, and the fleet totals must equal the sum of the
 * entities'.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type {
  KubeObject,
  MeshClusterReader,
  MeshControlPlaneState,
} from '@meshlens/plugin-mesh-node';
import type { CostTotals, WorkloadCost } from '@meshlens/plugin-mesh-common';
import { defaultMeshAdapters } from '../plugins/mesh-node/src/builtin/adapters';
import { PrometheusClient } from '../plugins/mesh-backend/src/clients/PrometheusClient';
import {
  ClusterCostRead,
  costOfPods,
  readClusterCost,
} from '../plugins/mesh-backend/src/service/clusterCostRead';
import {
  entityCostOf,
  fleetCostOf,
} from '../plugins/mesh-backend/src/service/costAssembly';
import { label, STEP, STEPS, WINDOW } from './support/goldenMetrics';
import { RunningEngine, startPrometheusWith } from './support/promEngines';

const MiB = 1024 * 1024;
const MB = 1e6;

/** One container: constant cores and working set. */
type Usage = [cores: number, bytes: number];

interface PodSpec {
  namespace: string;
  name: string;
  workload: string;
  node: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  /** Containers and their usage; `undefined` usage: no series (not scraped). */
  containers: Record<string, Usage | undefined>;
  /** Linkerd's proxy as a native sidecar (init container, restartPolicy Always). */
  nativeSidecar?: string;
  resources?: Record<string, { requests?: object; limits?: object }>;
}

const linkerdCp = { 'linkerd.io/control-plane-component': 'destination' };
const ambient = { 'ambient.istio.io/redirection': 'enabled' };
const linkerdProxyResources = {
  'linkerd-proxy': {
    requests: { cpu: '100m', memory: '20Mi' },
    limits: { memory: '250Mi' },
  },
};

const HOMELAB: PodSpec[] = [
  {
    namespace: 'shop',
    name: 'web-7c9f-a',
    workload: 'web',
    node: 'n1',
    containers: { web: [0.2, 200 * MiB], 'linkerd-proxy': [0.01, 20 * MiB] },
    nativeSidecar: 'linkerd-proxy',
    resources: linkerdProxyResources,
  },
  {
    namespace: 'shop',
    name: 'web-7c9f-b',
    workload: 'web',
    node: 'n2',
    containers: { web: [0.24, 220 * MiB], 'linkerd-proxy': [0.014, 22 * MiB] },
    nativeSidecar: 'linkerd-proxy',
    resources: linkerdProxyResources,
  },
  {
    namespace: 'shop',
    name: 'cart-5d4b-a',
    workload: 'cart',
    node: 'n1',
    containers: { cart: [0.1, 120 * MiB], 'linkerd-proxy': [0.006, 16 * MiB] },
  },
  {
    namespace: 'shop',
    name: 'unscraped-6f5c-a',
    workload: 'unscraped',
    node: 'n1',
    containers: { app: undefined, 'linkerd-proxy': undefined },
  },
  {
    namespace: 'payments',
    name: 'ledger-8a7b-a',
    workload: 'ledger',
    node: 'n2',
    containers: { ledger: [0.05, 100 * MiB] },
  },
  {
    namespace: 'linkerd',
    name: 'linkerd-destination-1a-a',
    workload: 'linkerd-destination',
    node: 'n1',
    labels: linkerdCp,
    containers: {
      destination: [0.008, 36 * MiB],
      'linkerd-proxy': [0.003, 15 * MiB],
    },
  },
  {
    namespace: 'linkerd',
    name: 'linkerd-destination-1a-b',
    workload: 'linkerd-destination',
    node: 'n2',
    labels: linkerdCp,
    containers: {
      destination: [0.008, 36 * MiB],
      'linkerd-proxy': [0.003, 15 * MiB],
    },
  },
  {
    namespace: 'linkerd',
    name: 'linkerd-identity-2b-a',
    workload: 'linkerd-identity',
    node: 'n2',
    labels: { 'linkerd.io/control-plane-component': 'identity' },
    containers: { identity: [0.003, 18 * MiB] },
  },
  {
    namespace: 'kube-system',
    name: 'cilium-n1',
    workload: 'cilium',
    node: 'n1',
    hostNetwork: true,
    labels: { 'k8s-app': 'cilium' },
    containers: { 'cilium-agent': [0.03, 180 * MiB] },
  },
  {
    namespace: 'kube-system',
    name: 'cilium-n2',
    workload: 'cilium',
    node: 'n2',
    hostNetwork: true,
    labels: { 'k8s-app': 'cilium' },
    containers: { 'cilium-agent': [0.02, 160 * MiB] },
  },
  {
    namespace: 'kube-system',
    name: 'cilium-operator-9c-a',
    workload: 'cilium-operator',
    node: 'n1',
    hostNetwork: true,
    labels: { 'io.cilium/app': 'operator' },
    containers: { 'cilium-operator': [0.005, 48 * MiB] },
  },
];

const CLOUD: PodSpec[] = [
  {
    namespace: 'orders',
    name: 'orders-4e3d-a',
    workload: 'orders',
    node: 'c1',
    containers: { orders: [0.3, 300 * MiB], 'istio-proxy': [0.05, 60 * MB] },
    resources: {
      'istio-proxy': {
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { cpu: '2000m', memory: '1024Mi' },
      },
    },
  },
  {
    namespace: 'reviews',
    name: 'reviews-3c2b-a',
    workload: 'reviews',
    node: 'c1',
    annotations: ambient,
    containers: { reviews: [0.1, 150 * MiB] },
  },
  {
    namespace: 'reviews',
    name: 'reviews-3c2b-b',
    workload: 'reviews',
    node: 'c2',
    annotations: ambient,
    containers: { reviews: [0.1, 150 * MiB] },
  },
  {
    namespace: 'reviews',
    name: 'ratings-2a1f-a',
    workload: 'ratings',
    node: 'c1',
    annotations: ambient,
    containers: { ratings: [0.05, 80 * MiB] },
  },
  {
    namespace: 'reviews',
    name: 'waypoint-6b5a-a',
    workload: 'waypoint',
    node: 'c1',
    annotations: ambient,
    labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
    containers: { 'istio-proxy': [0.025, 60 * MB] },
  },
  // A second ambient namespace with its own waypoint: its usage is
  // catalog's alone, whatever the reviews waypoint carries.
  {
    namespace: 'catalog',
    name: 'catalog-8b7c-a',
    workload: 'catalog',
    node: 'c2',
    annotations: ambient,
    containers: { catalog: [0.08, 120 * MiB] },
  },
  {
    namespace: 'catalog',
    name: 'waypoint-9c8d-a',
    workload: 'waypoint',
    node: 'c2',
    annotations: ambient,
    labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
    containers: { 'istio-proxy': [0.015, 50 * MB] },
  },
  {
    namespace: 'istio-system',
    name: 'ztunnel-c1',
    workload: 'ztunnel',
    node: 'c1',
    labels: { app: 'ztunnel' },
    containers: { 'istio-proxy': [0.006, 12 * MB] },
  },
  {
    namespace: 'istio-system',
    name: 'ztunnel-c2',
    workload: 'ztunnel',
    node: 'c2',
    labels: { app: 'ztunnel' },
    containers: { 'istio-proxy': [0.004, 10 * MB] },
  },
  {
    namespace: 'istio-system',
    name: 'istiod-7f6e-a',
    workload: 'istiod',
    node: 'c1',
    labels: { app: 'istiod' },
    containers: { discovery: [0.05, 180 * MiB] },
  },
  {
    namespace: 'istio-system',
    name: 'istiod-7f6e-b',
    workload: 'istiod',
    node: 'c2',
    labels: { app: 'istiod' },
    containers: { discovery: [0.04, 170 * MiB] },
  },
];

/**
 * Requests/s through each waypoint (`namespace/pod` of its pod, the
 * scrape's target labels), by destination workload.
 */
const WAYPOINT_RPS: Record<string, Record<string, number>> = {
  'reviews/waypoint-6b5a-a': { reviews: 10, ratings: 30 },
  'catalog/waypoint-9c8d-a': { catalog: 5 },
};

function podObject(p: PodSpec): KubeObject {
  const hash = p.name.split('-').slice(-2, -1)[0];
  const container = (name: string) => ({
    name,
    ...(p.resources?.[name] && { resources: p.resources[name] }),
  });
  const names = Object.keys(p.containers);
  return {
    metadata: {
      namespace: p.namespace,
      name: p.name,
      labels: { 'pod-template-hash': hash, ...p.labels },
      annotations: p.annotations,
      ownerReferences: [{ kind: 'ReplicaSet', name: `${p.workload}-${hash}` }],
    },
    spec: {
      nodeName: p.node,
      hostNetwork: p.hostNetwork,
      initContainers: names
        .filter(n => n === p.nativeSidecar)
        .map(n => ({ ...container(n), restartPolicy: 'Always' })),
      containers: names.filter(n => n !== p.nativeSidecar).map(container),
    },
    status: { phase: 'Running' },
  };
}

function openMetrics(
  end: number,
  pods: PodSpec[],
  waypoint: Record<string, Record<string, number>> = {},
): string {
  const at = (i: number) => end - (STEPS - 1 - i) * STEP;
  const cpu = ['# TYPE container_cpu_usage_seconds_total counter'];
  const memory = ['# TYPE container_memory_working_set_bytes gauge'];
  for (const p of pods) {
    let podCores = 0;
    let podBytes = 0;
    const series = Object.entries(p.containers).filter(
      (e): e is [string, Usage] => e[1] !== undefined,
    );
    if (series.length === 0) continue;
    // The pod cgroup (container="") and the sandbox (container="POD") are
    // exported too, and must not be counted.
    for (const [container, [cores, bytes]] of [
      ...series,
      ['POD', [0.0005, 1 * MiB]] as [string, Usage],
    ]) {
      podCores += cores;
      podBytes += bytes;
      const l = label({ namespace: p.namespace, pod: p.name, container });
      for (let i = 0; i < STEPS; i++) {
        cpu.push(
          `container_cpu_usage_seconds_total${l} ${
            5000 + cores * STEP * i
          } ${at(i)}`,
        );
        memory.push(`container_memory_working_set_bytes${l} ${bytes} ${at(i)}`);
      }
    }
    const whole = label({ namespace: p.namespace, pod: p.name, container: '' });
    for (let i = 0; i < STEPS; i++) {
      cpu.push(
        `container_cpu_usage_seconds_total${whole} ${
          9000 + podCores * STEP * i
        } ${at(i)}`,
      );
      memory.push(
        `container_memory_working_set_bytes${whole} ${podBytes} ${at(i)}`,
      );
    }
  }
  const traffic = ['# TYPE istio_requests counter'];
  for (const [reporter, destinations] of Object.entries(waypoint)) {
    const [namespace, pod] = reporter.split('/');
    for (const [workload, rps] of Object.entries(destinations)) {
      const l = label({
        namespace,
        pod,
        reporter: 'waypoint',
        destination_workload_namespace: namespace,
        destination_workload: workload,
      });
      for (let i = 0; i < STEPS; i++) {
        traffic.push(
          `istio_requests_total${l} ${100 + rps * STEP * i} ${at(i)}`,
        );
      }
    }
  }
  return [...cpu, ...memory, ...(traffic.length > 1 ? traffic : [])].join('\n');
}

/** A real Prometheus client that evaluates at the end of the loaded data. */
class PinnedPrometheus extends PrometheusClient {
  constructor(url: string, private readonly at: number) {
    super({ url, headers: {} }, 5000);
  }
  query(promql: string) {
    return super.query(promql, this.at);
  }
}

const plane = (namespace: string): MeshControlPlaneState => ({
  namespace,
  version: '1',
  healthy: true,
  problems: [],
  details: {},
});

function reader(cluster: string, pods: PodSpec[]): MeshClusterReader {
  return {
    cluster,
    async list(type) {
      return type.kind === 'Pod' ? pods.map(podObject) : [];
    },
    async get() {
      return undefined;
    },
  };
}

function assertClose(actual: number | undefined, wanted: number, what: string) {
  assert.ok(actual !== undefined, `${what}: not measured`);
  assert.ok(
    Math.abs(actual - wanted) <= Math.abs(wanted) * 0.01,
    `${what}: got ${actual}, expected ${wanted} (within 1%)`,
  );
}

/** Expected usage of a workload: sums of the constants, by container role. */
interface Expected {
  proxy: Usage;
  shared: Usage;
  application: Usage;
}

const sum = (pods: PodSpec[], workload: string, pick: (c: string) => boolean) =>
  pods
    .filter(p => p.workload === workload)
    .flatMap(p => Object.entries(p.containers).filter(([c]) => pick(c)))
    .reduce<Usage>(
      ([c, b], [, u]) => [c + (u?.[0] ?? 0), b + (u?.[1] ?? 0)],
      [0, 0],
    );
const proxies = new Set(['linkerd-proxy', 'istio-proxy']);
const usageOf = (
  pods: PodSpec[],
  workload: string,
  shared: Usage,
): Expected => ({
  proxy: sum(pods, workload, c => proxies.has(c)),
  application: sum(pods, workload, c => !proxies.has(c)),
  shared,
});

// Cilium: each node's agent split over the pods it serves there (not on
// the host network, not Cilium's own control plane): n1 serves web-a,
// cart-a, unscraped-a and linkerd-destination-a (4); n2 web-b, ledger-a,
// linkerd-destination-b and linkerd-identity-a (4).
const agentN1: Usage = [0.03 / 4, (180 * MiB) / 4];
const agentN2: Usage = [0.02 / 4, (160 * MiB) / 4];
const plus = (...u: Usage[]): Usage =>
  u.reduce<Usage>(([c, b], [c2, b2]) => [c + c2, b + b2], [0, 0]);
// Istio ambient: c1's ztunnel over reviews-a and ratings-a, c2's over
// reviews-b and catalog-a; each waypoint by the requests/s it reported
// (reviews' waypoint: reviews 10, ratings 30; catalog's: catalog alone).
const ztunnelC1: Usage = [0.006 / 2, (12 * MB) / 2];
const ztunnelC2: Usage = [0.004 / 2, (10 * MB) / 2];
const waypointPart = (share: number): Usage => [0.025 * share, 60 * MB * share];
const catalogWaypoint: Usage = [0.015, 50 * MB];

const EXPECTED: Record<string, Expected> = {
  'homelab/shop/web': usageOf(HOMELAB, 'web', plus(agentN1, agentN2)),
  'homelab/shop/cart': usageOf(HOMELAB, 'cart', agentN1),
  'homelab/payments/ledger': usageOf(HOMELAB, 'ledger', agentN2),
  'cloud/orders/orders': usageOf(CLOUD, 'orders', [0, 0]),
  'cloud/reviews/reviews': usageOf(
    CLOUD,
    'reviews',
    plus(ztunnelC1, ztunnelC2, waypointPart(10 / 40)),
  ),
  'cloud/reviews/ratings': usageOf(
    CLOUD,
    'ratings',
    plus(ztunnelC1, waypointPart(30 / 40)),
  ),
  'cloud/catalog/catalog': usageOf(
    CLOUD,
    'catalog',
    plus(ztunnelC2, catalogWaypoint),
  ),
};

function assertWorkload(got: WorkloadCost, key: string) {
  const want = EXPECTED[key];
  assertClose(got.proxy.cpuCores, want.proxy[0], `${key} proxy CPU`);
  assertClose(got.proxy.memoryBytes, want.proxy[1], `${key} proxy memory`);
  assertClose(got.application.cpuCores, want.application[0], `${key} app CPU`);
  assertClose(
    got.application.memoryBytes,
    want.application[1],
    `${key} app memory`,
  );
  const shared = got.sharedProxies.reduce<Usage>(
    ([c, b], s) => [c + (s.cpuCores ?? 0), b + (s.memoryBytes ?? 0)],
    [0, 0],
  );
  if (want.shared[0] === 0) {
    assert.deepEqual(got.sharedProxies, [], `${key}: no shared proxy`);
  } else {
    assertClose(shared[0], want.shared[0], `${key} shared-proxy CPU`);
    assertClose(shared[1], want.shared[1], `${key} shared-proxy memory`);
  }
  const allProxy = plus(want.proxy, want.shared);
  assertClose(
    got.proxyShareOfApplication.cpu,
    allProxy[0] / want.application[0],
    `${key} CPU share of application`,
  );
  assertClose(
    got.proxyShareOfTotal.memory,
    allProxy[1] / (allProxy[1] + want.application[1]),
    `${key} memory share of the total`,
  );
}

function assertTotals(
  got: CostTotals,
  keys: string[],
  what: string,
  moreShared: Usage = [0, 0],
) {
  const want = keys.map(k => EXPECTED[k]);
  const proxy = plus(...want.map(w => w.proxy));
  const shared = plus(moreShared, ...want.map(w => w.shared));
  const app = plus(...want.map(w => w.application));
  assertClose(got.proxy.cpuCores, proxy[0], `${what} proxy CPU`);
  assertClose(got.proxy.memoryBytes, proxy[1], `${what} proxy memory`);
  assertClose(got.sharedProxies.cpuCores, shared[0], `${what} shared CPU`);
  assertClose(got.application.cpuCores, app[0], `${what} app CPU`);
  assertClose(got.application.memoryBytes, app[1], `${what} app memory`);
  assertClose(
    got.proxyShareOfTotal.cpu,
    (proxy[0] + shared[0]) / (proxy[0] + shared[0] + app[0]),
    `${what} CPU share of the total`,
  );
}

describe('the mesh tax against a real Prometheus', () => {
  const engines: RunningEngine[] = [];
  const reads: Record<string, ClusterCostRead> = {};

  before(async () => {
    const end = Math.floor(Date.now() / 1000) - 1;
    const adapters = defaultMeshAdapters();
    const clusters: Array<{
      name: string;
      pods: PodSpec[];
      planes: Record<string, MeshControlPlaneState>;
      waypoint: Record<string, Record<string, number>>;
    }> = [
      {
        name: 'homelab',
        pods: HOMELAB,
        planes: { linkerd: plane('linkerd'), cilium: plane('kube-system') },
        waypoint: {},
      },
      {
        name: 'cloud',
        pods: CLOUD,
        planes: { istio: plane('istio-system') },
        waypoint: WAYPOINT_RPS,
      },
    ];
    for (const c of clusters) {
      const engine = await startPrometheusWith(
        `${openMetrics(end, c.pods, c.waypoint)}\n# EOF\n`,
      );
      engines.push(engine);
      reads[c.name] = await readClusterCost({
        cluster: c.name,
        window: WINDOW,
        reader: reader(c.name, c.pods),
        prometheus: new PinnedPrometheus(engine.url, end + 1),
        adapters,
        controlPlanes: Promise.resolve(c.planes),
      });
    }
  });

  after(() => {
    for (const e of engines) e.stop();
  });

  it('measures every workload: proxy and application CPU and memory, shared proxies by their rules, and the shares', () => {
    for (const read of Object.values(reads)) {
      assert.deepEqual(read.errors, []);
    }
    const byKey = new Map(
      Object.values(reads).flatMap(r =>
        r.workloads.map(w => [`${w.cluster}/${w.namespace}/${w.workload}`, w]),
      ),
    );
    assert.deepEqual(
      [...byKey.keys()].sort(),
      [...Object.keys(EXPECTED), 'homelab/shop/unscraped'].sort(),
      'workloads, without control planes, ztunnels and waypoints',
    );
    for (const key of Object.keys(EXPECTED))
      assertWorkload(byKey.get(key)!, key);
  });

  it('reads the proxy requests and limits from the pod specs, and says which are not set', () => {
    const web = reads.homelab.workloads.find(w => w.workload === 'web')!;
    assertClose(
      web.proxyReservations.requests.cpuCores,
      0.2,
      'web requests CPU',
    );
    assertClose(
      web.proxyReservations.limits.memoryBytes,
      2 * 250 * MiB,
      'web limits memory',
    );
    assert.equal(web.proxyReservations.limits.cpuCores, undefined);
    assert.equal(web.proxyReservations.limits.cpuSetBy, 0);
    const cart = reads.homelab.workloads.find(w => w.workload === 'cart')!;
    assert.equal(cart.proxyReservations.requests.cpuCores, undefined);
    assert.ok(cart.missing.some(m => m.gap === 'no-proxy-requests'));
    const orders = reads.cloud.workloads.find(w => w.workload === 'orders')!;
    assertClose(
      orders.proxyReservations.limits.cpuCores,
      2,
      'orders limits CPU',
    );
  });

  it('says "not measured" for a workload without cAdvisor series, never 0', () => {
    const unscraped = reads.homelab.workloads.find(
      w => w.workload === 'unscraped',
    )!;
    assert.equal(unscraped.pods, 0);
    assert.deepEqual(unscraped.proxy, {});
    assert.deepEqual(unscraped.application, {});
    assert.deepEqual(unscraped.proxyShareOfTotal, {});
    assert.deepEqual(
      unscraped.sharedProxies.map(p => p.kind),
      ['cilium-agent'],
    );
    assert.deepEqual(
      unscraped.missing.map(m => m.gap),
      ['no-usage-series', 'no-proxy-requests', 'no-proxy-limits'],
    );
  });

  it('costs the control planes with HA noted, and counts a node agent’s share of them as unapportioned', () => {
    const components = Object.fromEntries(
      Object.values(reads).flatMap(r =>
        r.controlPlane.components.map(c => [c.component, c]),
      ),
    );
    assert.deepEqual(Object.keys(components).sort(), [
      'cilium-operator',
      'istiod',
      'linkerd-destination',
      'linkerd-identity',
    ]);
    assert.equal(components.istiod.highAvailability, true);
    assert.equal(components['linkerd-identity'].highAvailability, false);
    assertClose(components.istiod.usage.cpuCores, 0.09, 'istiod CPU');
    // Each destination pod: destination + its own linkerd-proxy.
    assertClose(
      components['linkerd-destination'].usage.memoryBytes,
      2 * (36 + 15) * MiB,
      'linkerd-destination memory',
    );
    // The agents' parts of the three Linkerd control-plane pods.
    assertClose(
      reads.homelab.unapportioned.cpuCores,
      agentN1[0] + 2 * agentN2[0],
      'homelab unapportioned CPU',
    );
    assertClose(
      reads.cloud.unapportioned.cpuCores ?? 0,
      0,
      'cloud unapportioned CPU',
    );
  });

  it('sums entities and the fleet: fleet totals equal the sum of the entities’', () => {
    const entityOf = (cluster: string, namespace: string, workload: string) => {
      const read = reads[cluster];
      const pods = (cluster === 'homelab' ? HOMELAB : CLOUD)
        .filter(p => p.namespace === namespace && p.workload === workload)
        .map(podObject);
      return costOfPods(read, namespace, workload, pods);
    };
    const entities: Record<string, Array<[string, string, string]>> = {
      'component:default/web': [['homelab', 'shop', 'web']],
      'component:default/cart': [['homelab', 'shop', 'cart']],
      'component:default/unscraped': [['homelab', 'shop', 'unscraped']],
      'component:default/ledger': [['homelab', 'payments', 'ledger']],
      'component:default/orders': [['cloud', 'orders', 'orders']],
      'component:default/reviews': [
        ['cloud', 'reviews', 'reviews'],
        ['cloud', 'reviews', 'ratings'],
      ],
      'component:default/catalog': [['cloud', 'catalog', 'catalog']],
    };
    const costs = Object.fromEntries(
      Object.entries(entities).map(([ref, list]) => [
        ref,
        list.map(w => entityOf(...w)),
      ]),
    );
    const reviews = entityCostOf(
      WINDOW,
      costs['component:default/reviews'],
      [],
    );
    assertTotals(
      reviews.totals,
      ['cloud/reviews/reviews', 'cloud/reviews/ratings'],
      'reviews entity',
    );
    assert.ok(reviews.rules.some(r => /ztunnel/.test(r)));
    assert.ok(reviews.rules.some(r => /waypoint/.test(r)));

    const perCluster = (cluster: string) => ({
      cost: reads[cluster],
      entities: new Map(
        Object.entries(costs).filter(([, w]) => w[0].cluster === cluster),
      ),
    });
    const fleet = fleetCostOf(
      WINDOW,
      [perCluster('homelab'), perCluster('cloud')],
      { cpuCoreHour: 0.04 },
    );
    // The unscraped workload's own usage is not measured, but n1's agent
    // serves it: its part is the workload's, counted in the fleet.
    assertTotals(fleet.totals, Object.keys(EXPECTED), 'fleet', agentN1);
    const entityTotals = Object.values(costs).map(
      w => entityCostOf(WINDOW, w, []).totals,
    );
    const sumOf = (pick: (t: CostTotals) => number | undefined) =>
      entityTotals.reduce((a, t) => a + (pick(t) ?? 0), 0);
    for (const [what, pick] of [
      ['proxy CPU', (t: CostTotals) => t.proxy.cpuCores],
      ['proxy memory', (t: CostTotals) => t.proxy.memoryBytes],
      ['shared CPU', (t: CostTotals) => t.sharedProxies.cpuCores],
      ['shared memory', (t: CostTotals) => t.sharedProxies.memoryBytes],
      ['application CPU', (t: CostTotals) => t.application.cpuCores],
      ['application memory', (t: CostTotals) => t.application.memoryBytes],
    ] as const) {
      assertClose(
        pick(fleet.totals),
        sumOf(pick),
        `fleet ${what} = Σ entities`,
      );
    }
    // The top list by proxy CPU (sidecars and shared proxies).
    assert.equal(fleet.topEntities[0].entityRef, 'component:default/orders');
    // Monthly: proxy CPU (with the unapportioned) × price × 730 h.
    const proxyCpu =
      fleet.totals.proxy.cpuCores! +
      fleet.totals.sharedProxies.cpuCores! +
      reads.homelab.unapportioned.cpuCores!;
    assertClose(
      fleet.monthly?.proxy.cpu,
      proxyCpu * 0.04 * 730,
      'fleet monthly proxy CPU',
    );
    assert.equal(fleet.monthly?.proxy.memory, undefined);
  });
});
