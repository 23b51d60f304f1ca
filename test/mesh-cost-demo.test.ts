/*
 * The cost functions of plugins/mesh-backend/src/cost against the demo's
 * real Prometheus: the per-cluster queries, the readers, the apportioning
 * and the totals give the numbers the demo's usage model implies, within 1%.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ResourceUsage, WorkloadCost } from '@meshlens/plugin-mesh-common';
import {
  apportionByTraffic,
  apportionNodeProxies,
  clusterCost,
  controlPlaneCost,
  costPodFromSpec,
  costQueries,
  entityCost,
  fleetCost,
  podKey,
  readContainerUsage,
  sumTotals,
  workloadCost,
} from '../plugins/mesh-backend/src/cost';
import type {
  ContainerUsageIndex,
  CostSample,
} from '../plugins/mesh-backend/src/cost';
import { startDemoCluster } from '../packages/demo-cluster/src/startDemoCluster.ts';
import type { DemoCluster } from '../packages/demo-cluster/src/startDemoCluster.ts';
import { RT } from '../packages/demo-cluster/src/cluster/controller.ts';
import {
  CONTAINER_USAGE,
  SYSTEM_CONTAINER_USAGE,
} from '../packages/demo-cluster/src/traffic/containerUsage.ts';

type Pod = {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string }>;
  };
  spec: {
    nodeName: string;
    hostNetwork?: boolean;
    containers: Array<{ name: string }>;
  };
  status: { phase: string };
};

const SYSTEM_NAMESPACES = [
  'linkerd',
  'istio-system',
  'kube-system',
  'cert-manager',
];
let demo: DemoCluster;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function query(
  base: string,
  promql: string,
  time: number,
): Promise<CostSample[]> {
  const res = await fetch(
    `${base}/api/v1/query?${new URLSearchParams({
      query: promql,
      time: String(time),
    })}`,
  );
  const body = (await res.json()) as {
    status: string;
    data: {
      result: Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>;
    };
  };
  assert.equal(body.status, 'success', promql);
  return body.data.result.map(r => ({
    metric: r.metric,
    value: Number(r.value[1]),
  }));
}

/** A time on the history's 5 s grid after live scrapes began (see test/demo-cluster.test.ts). */
async function evaluationTime(base: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const time = Math.floor(Date.now() / 5000) * 5;
    const age = await query(
      base,
      'max(time() - timestamp(container_memory_working_set_bytes))',
      time,
    );
    if (age.length === 1 && age[0].value <= 2.5) return time;
    assert.ok(Date.now() < deadline, 'no live cAdvisor scrape within 30 s');
    await sleep(1000);
  }
}

function within(actual: number | undefined, expected: number, what: string) {
  assert.ok(actual !== undefined, `${what}: not measured`);
  const rel = Math.abs(actual - expected) / expected;
  assert.ok(rel <= 0.01, `${what}: expected ${expected} ±1%, got ${actual}`);
}

function deploymentOf(p: Pod): string | undefined {
  const rs = p.metadata.ownerReferences?.find(o => o.kind === 'ReplicaSet');
  const hash = p.metadata.labels?.['pod-template-hash'];
  return rs && hash ? rs.name.replace(`-${hash}`, '') : undefined;
}

interface ClusterRead {
  pods: Pod[];
  usage: ContainerUsageIndex;
}

async function readCluster(name: 'homelab' | 'cloud'): Promise<ClusterRead> {
  const base = demo.prometheusUrls![name];
  const time = await evaluationTime(base);
  const { cpu, memory } = costQueries({ window: '5m' });
  const usage = readContainerUsage(
    await query(base, cpu, time),
    await query(base, memory, time),
  );
  const pods = (
    demo.clusters[name].state.store.list(RT.pod) as unknown as Pod[]
  ).filter(p => p.status.phase === 'Running');
  return { pods, usage };
}

const podUsage = (r: ClusterRead, p: Pod): ResourceUsage => {
  const containers = r.usage.get(
    podKey(p.metadata.namespace ?? '', p.metadata.name),
  );
  const out: ResourceUsage = {};
  for (const u of containers?.values() ?? []) {
    out.cpuCores = (out.cpuCores ?? 0) + (u.cpuCores ?? 0);
    out.memoryBytes = (out.memoryBytes ?? 0) + (u.memoryBytes ?? 0);
  }
  return out;
};

function workloadsOf(
  cluster: string,
  r: ClusterRead,
  proxyContainers: string[],
  shared: Map<
    string,
    Partial<
      Record<
        'ztunnel' | 'waypoint' | 'cilium-agent' | 'cilium-envoy',
        ResourceUsage
      >
    >
  >,
): WorkloadCost[] {
  const groups = new Map<string, Pod[]>();
  for (const p of r.pods) {
    const d = deploymentOf(p);
    const ns = p.metadata.namespace ?? '';
    if (!d || SYSTEM_NAMESPACES.includes(ns) || d === 'waypoint') continue;
    groups.set(`${ns}/${d}`, [...(groups.get(`${ns}/${d}`) ?? []), p]);
  }
  return [...groups].map(([key, pods]) => {
    const [namespace, workload] = key.split('/');
    return workloadCost({
      cluster,
      namespace,
      workload,
      pods: pods.map(p => costPodFromSpec(p)),
      proxyContainers,
      usage: r.usage,
      sharedProxies: shared.get(key),
    });
  });
}

describe('mesh cost against the demo Prometheus', { timeout: 120_000 }, () => {
  before(async () => {
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
      prometheus: { scrapeIntervalSeconds: 2 },
    });
  });
  after(async () => {
    await demo?.stop();
  });

  test('sidecars, ambient, Cilium and the control plane: the model’s numbers within 1%; fleet totals equal the entities’ sums', async () => {
    const home = await readCluster('homelab');
    const cloud = await readCluster('cloud');
    const lp = CONTAINER_USAGE['linkerd-proxy'];
    const app = CONTAINER_USAGE.application;

    // Cilium: agent and cilium-envoy split over the non-host-network pods of each node.
    const served = home.pods
      .filter(p => !p.spec.hostNetwork)
      .map(p => ({
        namespace: p.metadata.namespace ?? '',
        workload: deploymentOf(p) ?? p.metadata.name,
        node: p.spec.nodeName,
      }));
    const nodeProxies = (daemonSet: string) =>
      home.pods
        .filter(p =>
          p.metadata.ownerReferences?.some(
            o => o.kind === 'DaemonSet' && o.name === daemonSet,
          ),
        )
        .map(p => ({ node: p.spec.nodeName, usage: podUsage(home, p) }));
    const agent = apportionNodeProxies(nodeProxies('cilium'), served);
    const envoy = apportionNodeProxies(nodeProxies('cilium-envoy'), served);
    const homeShared = new Map(
      [...agent.byWorkload.keys()].map(k => [
        k,
        {
          'cilium-agent': agent.byWorkload.get(k)!,
          'cilium-envoy': envoy.byWorkload.get(k)!,
        },
      ]),
    );
    const homeWorkloads = workloadsOf(
      'homelab',
      home,
      ['linkerd-proxy'],
      homeShared,
    );

    // Linkerd sidecars: storefront's 3 pods carry 24 rps in and 20 rps out.
    const storefront = homeWorkloads.find(w => w.workload === 'storefront')!;
    within(
      storefront.proxy.cpuCores,
      3 * lp.idleCores + lp.cpuSecondsPerRequest * 44,
      'storefront proxy CPU',
    );
    within(
      storefront.proxy.memoryBytes,
      3 * lp.idleBytes + lp.bytesPerRequestPerSecond * 44,
      'storefront proxy memory',
    );
    within(
      storefront.application.cpuCores,
      3 * app.idleCores + app.cpuSecondsPerRequest * 44,
      'storefront app CPU',
    );
    assert.equal(storefront.proxyReservations.requests.cpuSetBy, 0);
    assert.ok(storefront.missing.some(m => m.gap === 'no-proxy-requests'));

    // sensor-gateway (no sidecar): its share of each node's agent and envoy.
    const gateway = homeWorkloads.find(w => w.workload === 'sensor-gateway')!;
    assert.deepEqual(gateway.proxy, { cpuCores: 0, memoryBytes: 0 });
    const ca = CONTAINER_USAGE['cilium-agent'];
    const ce = CONTAINER_USAGE['cilium-envoy'];
    let expectedShared = 0;
    for (const node of new Set(served.map(s => s.node))) {
      const onNode = served.filter(s => s.node === node);
      const mine = onNode.filter(s => s.workload === 'sensor-gateway').length;
      // Cilium L7 traffic on the node: sensor-bridge (30 rps out) and sensor-gateway (30 rps in over 2 pods).
      const rps = onNode.reduce(
        (a, s) =>
          a +
          (s.workload === 'sensor-bridge'
            ? 30
            : s.workload === 'sensor-gateway'
            ? 15
            : 0),
        0,
      );
      expectedShared +=
        ((ca.idleCores + ce.idleCores + ce.cpuSecondsPerRequest * rps) * mine) /
        onNode.length;
    }
    const gatewayShared = gateway.sharedProxies.reduce(
      (a, s) => a + (s.cpuCores ?? 0),
      0,
    );
    within(gatewayShared, expectedShared, 'sensor-gateway cilium share CPU');

    // Ambient: ztunnels split over the ambient pods of their node; the waypoint by traffic.
    const ambient = cloud.pods.filter(
      p =>
        p.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled',
    );
    const zt = apportionNodeProxies(
      cloud.pods
        .filter(p => p.metadata.name.startsWith('ztunnel-'))
        .map(p => ({ node: p.spec.nodeName, usage: podUsage(cloud, p) })),
      ambient.map(p => ({
        namespace: p.metadata.namespace ?? '',
        workload: deploymentOf(p)!,
        node: p.spec.nodeName,
      })),
    );
    const wp = apportionByTraffic(
      cloud.pods
        .filter(p => deploymentOf(p) === 'waypoint')
        .map(p => podUsage(cloud, p)),
      new Map([['recommendations/recommendations', 5]]),
    );
    const cloudShared = new Map([
      [
        'recommendations/recommendations',
        {
          ztunnel: zt.byWorkload.get('recommendations/recommendations')!,
          waypoint: wp.byWorkload.get('recommendations/recommendations')!,
        },
      ],
    ]);
    const cloudWorkloads = workloadsOf(
      'cloud',
      cloud,
      ['istio-proxy'],
      cloudShared,
    );
    const recommendations = cloudWorkloads.find(
      w => w.workload === 'recommendations',
    )!;
    const z = CONTAINER_USAGE.ztunnel;
    const w = CONTAINER_USAGE['istio-waypoint'];
    const ztCpu = recommendations.sharedProxies.find(
      s => s.kind === 'ztunnel',
    )?.cpuCores;
    // Two ambient pods on two nodes, 9 rps out and 5 in over both: each node's ztunnel is theirs alone.
    within(
      ztCpu,
      2 * z.idleCores + z.cpuSecondsPerRequest * (9 + 5),
      'recommendations ztunnel share CPU',
    );
    within(
      recommendations.sharedProxies.find(s => s.kind === 'waypoint')?.cpuCores,
      w.idleCores + w.cpuSecondsPerRequest * 5,
      'recommendations waypoint share CPU',
    );

    // Istio sidecar: orders' 2 pods send 26 rps (15 + 6 + 5); requests and limits from the injected spec.
    const orders = cloudWorkloads.find(x => x.workload === 'orders')!;
    const is = CONTAINER_USAGE['istio-sidecar'];
    const proxyCpu = 2 * is.idleCores + is.cpuSecondsPerRequest * 26;
    const appCpu = 2 * app.idleCores + app.cpuSecondsPerRequest * 26;
    within(orders.proxy.cpuCores, proxyCpu, 'orders proxy CPU');
    within(
      orders.proxyShareOfApplication.cpu,
      proxyCpu / appCpu,
      'orders proxy ÷ application',
    );
    within(
      orders.proxyShareOfTotal.cpu,
      proxyCpu / (proxyCpu + appCpu),
      'orders proxy ÷ pod total',
    );
    assert.equal(orders.proxyReservations.requests.cpuCores, 0.2);
    assert.equal(orders.proxyReservations.limits.memoryBytes, 2 * 2 ** 30);

    // Control plane: istiod, one replica.
    const istiod = cloud.pods.filter(p => deploymentOf(p) === 'istiod');
    const cp = controlPlaneCost(
      'cloud',
      [
        {
          component: 'istiod',
          namespace: 'istio-system',
          pods: istiod.map(p => p.metadata.name),
        },
      ],
      cloud.usage,
    );
    assert.equal(cp.components[0].highAvailability, false);
    within(
      cp.components[0].usage.cpuCores,
      SYSTEM_CONTAINER_USAGE.discovery.cores,
      'istiod CPU',
    );

    // Fleet: every workload is an entity here, so the totals are the entities' sums.
    const entities = [...homeWorkloads, ...cloudWorkloads].map(x => ({
      entityRef: `component:default/${x.cluster}-${x.workload}`,
      totals: entityCost('5m', [x]).totals,
    }));
    const clusters = [
      clusterCost({
        cluster: 'homelab',
        window: '5m',
        workloads: homeWorkloads,
        unapportioned: {},
        controlPlane: { components: [], missing: [] },
        entities: entities.filter(e => e.entityRef.includes('/homelab-')),
      }),
      clusterCost({
        cluster: 'cloud',
        window: '5m',
        workloads: cloudWorkloads,
        unapportioned: zt.unapportioned,
        controlPlane: cp,
        entities: entities.filter(e => e.entityRef.includes('/cloud-')),
      }),
    ];
    const fleet = fleetCost('5m', clusters, entities);
    const sum = sumTotals([...homeWorkloads, ...cloudWorkloads]);
    within(fleet.totals.proxy.cpuCores, sum.proxy.cpuCores!, 'fleet proxy CPU');
    within(
      fleet.totals.sharedProxies.cpuCores,
      sum.sharedProxies.cpuCores!,
      'fleet shared proxy CPU',
    );
    within(
      fleet.totals.application.memoryBytes,
      sum.application.memoryBytes!,
      'fleet app memory',
    );
    assert.equal(fleet.topEntities.length, 10);
  });
});
