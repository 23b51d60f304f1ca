import {
  clusterCost,
  controlPlaneCost,
  fleetCost,
  monthlyCost,
  sumTotals,
} from './totals';
import { readContainerUsage } from './usage';
import { costPodFromSpec, entityCost, workloadCost } from './workloadCost';

const sample = (
  pod: string,
  container: string,
  value: number,
  namespace = 'shop',
) => ({
  metric: { namespace, pod, container },
  value,
});

// Two Linkerd pods (native-sidecar proxy, no requests) and one Istio pod.
const linkerdPod = (name: string, node: string) =>
  costPodFromSpec({
    metadata: { name, namespace: 'shop' },
    spec: {
      nodeName: node,
      initContainers: [
        { name: 'linkerd-init' },
        { name: 'linkerd-proxy', restartPolicy: 'Always' },
      ],
      containers: [
        {
          name: 'web',
          resources: { requests: { cpu: '50m', memory: '64Mi' } },
        },
      ],
    },
  });

const usage = readContainerUsage(
  [
    sample('web-1', 'linkerd-proxy', 0.003),
    sample('web-1', 'web', 0.03),
    sample('web-2', 'linkerd-proxy', 0.001),
    sample('web-2', 'web', 0.01),
    sample('api-1', 'istio-proxy', 0.006),
    sample('api-1', 'api', 0.02),
    sample('istiod-1', 'discovery', 0.05, 'istio-system'),
    sample('bad', 'web', NaN),
  ],
  [
    sample('web-1', 'linkerd-proxy', 12e6),
    sample('web-1', 'web', 100e6),
    sample('web-2', 'linkerd-proxy', 14e6),
    sample('web-2', 'web', 120e6),
    sample('api-1', 'istio-proxy', 42e6),
    sample('api-1', 'api', 110e6),
    sample('istiod-1', 'discovery', 180e6, 'istio-system'),
  ],
);

describe('workloadCost', () => {
  it('sums proxy and application containers over the pods and gives both shares', () => {
    const cost = workloadCost({
      cluster: 'homelab',
      namespace: 'shop',
      workload: 'web',
      pods: [linkerdPod('web-1', 'n1'), linkerdPod('web-2', 'n2')],
      proxyContainers: ['linkerd-proxy'],
      usage,
    });
    expect(cost.pods).toBe(2);
    expect(cost.proxy.cpuCores).toBeCloseTo(0.004, 12);
    expect(cost.proxy.memoryBytes).toBe(26e6);
    expect(cost.application.cpuCores).toBeCloseTo(0.04, 12);
    expect(cost.proxyShareOfApplication.cpu).toBeCloseTo(0.1, 12);
    expect(cost.proxyShareOfTotal.cpu).toBeCloseTo(0.004 / 0.044, 12);
    expect(cost.proxyShareOfTotal.memory).toBeCloseTo(26 / 246, 12);
    // Linkerd's default: no requests or limits, said so rather than shown as 0.
    expect(cost.proxyReservations.requests).toEqual({
      cpuSetBy: 0,
      memorySetBy: 0,
      containers: 2,
    });
    expect(cost.missing.map(m => m.gap)).toEqual([
      'no-proxy-requests',
      'no-proxy-limits',
    ]);
  });

  it('reads requests and limits from the specs and adds shared-proxy shares', () => {
    const pod = costPodFromSpec({
      metadata: { name: 'api-1', namespace: 'shop' },
      spec: {
        containers: [
          { name: 'api' },
          {
            name: 'istio-proxy',
            resources: {
              requests: { cpu: '100m', memory: '128Mi' },
              limits: { cpu: '2', memory: '1Gi' },
            },
          },
        ],
      },
    });
    const cost = workloadCost({
      cluster: 'cloud',
      namespace: 'shop',
      workload: 'api',
      pods: [pod],
      proxyContainers: ['istio-proxy'],
      usage,
      sharedProxies: { waypoint: { cpuCores: 0.002, memoryBytes: 8e6 } },
    });
    expect(cost.proxyReservations.requests).toEqual({
      cpuCores: 0.1,
      memoryBytes: 128 * 2 ** 20,
      cpuSetBy: 1,
      memorySetBy: 1,
      containers: 1,
    });
    expect(cost.proxyReservations.limits.cpuCores).toBe(2);
    expect(cost.sharedProxies[0]).toMatchObject({
      kind: 'waypoint',
      cpuCores: 0.002,
      rule: expect.stringMatching(/requests\/s/),
    });
    expect(cost.proxyShareOfApplication.cpu).toBeCloseTo(0.008 / 0.02, 12);
    expect(cost.missing).toEqual([]);
  });

  it('never shows unmeasured usage as 0, and says what is missing', () => {
    const cost = workloadCost({
      cluster: 'homelab',
      namespace: 'shop',
      workload: 'web',
      pods: [linkerdPod('web-9', 'n1')],
      proxyContainers: ['linkerd-proxy'],
      usage,
      unmeasuredSharedProxies: ['cilium-agent'],
    });
    expect(cost.pods).toBe(0);
    expect(cost.proxy).toEqual({});
    expect(cost.application).toEqual({});
    expect(cost.proxyShareOfTotal).toEqual({});
    expect(cost.missing.map(m => m.gap)).toEqual([
      'no-usage-series',
      'no-shared-proxy-series',
      'no-proxy-requests',
      'no-proxy-limits',
    ]);
    expect(cost.missing[0].message).toMatch(
      /1 of 1 pod\(s\) have no cAdvisor series/,
    );
  });

  it('reports proxy containers without series', () => {
    const partial = readContainerUsage([sample('web-1', 'web', 0.03)], []);
    const cost = workloadCost({
      cluster: 'homelab',
      namespace: 'shop',
      workload: 'web',
      pods: [linkerdPod('web-1', 'n1')],
      proxyContainers: ['linkerd-proxy'],
      usage: partial,
    });
    expect(cost.proxy).toEqual({});
    expect(cost.application).toEqual({ cpuCores: 0.03 });
    expect(cost.missing[0].gap).toBe('no-proxy-series');
  });

  it('knows a pod without a sidecar pays no per-pod proxy', () => {
    const cost = workloadCost({
      cluster: 'cloud',
      namespace: 'shop',
      workload: 'api',
      pods: [
        {
          namespace: 'shop',
          name: 'api-1',
          containers: [{ name: 'api' }, { name: 'istio-proxy' }],
        },
      ],
      proxyContainers: ['linkerd-proxy'],
      usage,
    });
    expect(cost.proxy).toEqual({ cpuCores: 0, memoryBytes: 0 });
    expect(cost.application.cpuCores).toBeCloseTo(0.026, 12);
  });
});

describe('totals', () => {
  const web = workloadCost({
    cluster: 'homelab',
    namespace: 'shop',
    workload: 'web',
    pods: [linkerdPod('web-1', 'n1'), linkerdPod('web-2', 'n2')],
    proxyContainers: ['linkerd-proxy'],
    usage,
  });
  const api = workloadCost({
    cluster: 'cloud',
    namespace: 'shop',
    workload: 'api',
    pods: [
      {
        namespace: 'shop',
        name: 'api-1',
        containers: [{ name: 'api' }, { name: 'istio-proxy' }],
      },
    ],
    proxyContainers: ['istio-proxy'],
    usage,
    sharedProxies: { ztunnel: { cpuCores: 0.001, memoryBytes: 4e6 } },
  });

  it('sums an entity over its workloads', () => {
    const entity = entityCost('5m', [web, api]);
    expect(entity.totals.proxy.cpuCores).toBeCloseTo(0.01, 12);
    expect(entity.totals.sharedProxies).toEqual({
      cpuCores: 0.001,
      memoryBytes: 4e6,
    });
    expect(entity.totals.application.cpuCores).toBeCloseTo(0.06, 12);
    expect(entity.totals.proxyShareOfApplication.cpu).toBeCloseTo(
      0.011 / 0.06,
      12,
    );
    expect(entity.rules).toHaveLength(1);
  });

  it('gives control-plane replicas and HA, cluster and fleet totals equal to the sums, and money', () => {
    const cp = controlPlaneCost(
      'cloud',
      [
        { component: 'istiod', namespace: 'istio-system', pods: ['istiod-1'] },
        {
          component: 'ztunnel',
          namespace: 'istio-system',
          pods: ['zt-1', 'zt-2'],
        },
      ],
      usage,
    );
    expect(cp.components[0]).toEqual({
      component: 'istiod',
      namespace: 'istio-system',
      replicas: 1,
      highAvailability: false,
      usage: { cpuCores: 0.05, memoryBytes: 180e6 },
    });
    expect(cp.components[1].highAvailability).toBe(true);
    expect(cp.components[1].usage).toEqual({});
    expect(cp.missing[0].gap).toBe('no-control-plane-series');

    const prices = { cpuCoreHour: 0.04, memoryGiBHour: 0.005 };
    const home = clusterCost({
      cluster: 'homelab',
      window: '5m',
      workloads: [web],
      unapportioned: {},
      controlPlane: { components: [], missing: [] },
      entities: [
        { entityRef: 'component:default/web', totals: sumTotals([web]) },
      ],
    });
    const cloud = clusterCost({
      cluster: 'cloud',
      window: '5m',
      workloads: [api],
      unapportioned: { cpuCores: 0.0005 },
      controlPlane: cp,
      entities: [
        { entityRef: 'component:default/api', totals: sumTotals([api]) },
      ],
      prices,
    });
    expect(cloud.controlPlaneTotal).toEqual({
      cpuCores: 0.05,
      memoryBytes: 180e6,
    });
    expect(cloud.monthly?.controlPlane.cpu).toBeCloseTo(0.05 * 0.04 * 730, 9);
    const entities = [...home.topEntities, ...cloud.topEntities].map(e => ({
      entityRef: e.entityRef,
      totals: e.entityRef.endsWith('web') ? sumTotals([web]) : sumTotals([api]),
    }));
    const fleet = fleetCost('5m', [home, cloud], entities);
    // Fleet totals equal the sum of the entities' (every workload is an entity here).
    const sum = sumTotals([web, api]);
    expect(fleet.totals.proxy.cpuCores).toBeCloseTo(sum.proxy.cpuCores!, 12);
    expect(fleet.totals.application.memoryBytes).toBe(
      sum.application.memoryBytes,
    );
    expect(fleet.topEntities.map(e => e.entityRef)).toEqual([
      'component:default/api',
      'component:default/web',
    ]);
    expect(fleet.missing.map(m => m.gap)).toContain('no-control-plane-series');
  });

  it('prices only what was measured and priced', () => {
    expect(monthlyCost({ cpuCores: 2 }, { memoryGiBHour: 1 })).toEqual({
      prices: { memoryGiBHour: 1 },
      hoursPerMonth: 730,
    });
    expect(
      monthlyCost(
        { cpuCores: 2, memoryBytes: 2 ** 30 },
        { cpuCoreHour: 0.5, memoryGiBHour: 0.1 },
      ),
    ).toMatchObject({ cpu: 730, memory: 73, total: 803 });
  });
});
