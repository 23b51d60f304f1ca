import {
  KubeObject,
  MeshControlPlaneState,
  PromSample,
  podWorkloadName,
} from '../../index';
import { CiliumAdapter } from './cilium';
import { IstioAdapter } from './istio';
import { LinkerdAdapter } from './linkerd';

const plane = (namespace: string): MeshControlPlaneState => ({
  namespace,
  version: '1',
  healthy: true,
  problems: [],
  details: {},
});

function pod(
  namespace: string,
  name: string,
  options: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    owner?: { kind: string; name: string };
    node?: string;
    containers?: string[];
    hostNetwork?: boolean;
    phase?: string;
  } = {},
): KubeObject {
  return {
    metadata: {
      namespace,
      name,
      labels: options.labels,
      annotations: options.annotations,
      ownerReferences: options.owner ? [options.owner] : undefined,
    },
    spec: {
      nodeName: options.node ?? 'node-a',
      hostNetwork: options.hostNetwork,
      containers: (options.containers ?? ['app']).map(c => ({ name: c })),
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

const deploymentPod = (
  namespace: string,
  workload: string,
  index: number,
  extra: Parameters<typeof pod>[2] = {},
) =>
  pod(namespace, `${workload}-5d8f9-${index}`, {
    ...extra,
    labels: { 'pod-template-hash': '5d8f9', ...extra.labels },
    owner: { kind: 'ReplicaSet', name: `${workload}-5d8f9` },
  });

describe('the adapters’ cost knowledge', () => {
  it('names a pod’s workload from its owner', () => {
    expect(podWorkloadName(deploymentPod('shop', 'cart', 1))).toBe('cart');
    expect(
      podWorkloadName(
        pod('db', 'pg-0', { owner: { kind: 'StatefulSet', name: 'pg' } }),
      ),
    ).toBe('pg');
    expect(podWorkloadName(pod('x', 'bare'))).toBe('bare');
  });

  it('Linkerd: linkerd-proxy, and its control plane by component label with the replica pods', () => {
    const linkerd = new LinkerdAdapter();
    expect(linkerd.proxyContainers).toEqual(['linkerd-proxy']);
    const label = (c: string) => ({ 'linkerd.io/control-plane-component': c });
    const pods = [
      pod('linkerd', 'linkerd-destination-1', { labels: label('destination') }),
      pod('linkerd', 'linkerd-destination-2', { labels: label('destination') }),
      pod('linkerd', 'linkerd-identity-1', { labels: label('identity') }),
      pod('linkerd', 'linkerd-identity-old', {
        labels: label('identity'),
        phase: 'Succeeded',
      }),
      pod('other', 'impostor', { labels: label('identity') }),
    ];
    expect(linkerd.controlPlaneComponents(plane('linkerd'), pods)).toEqual([
      {
        component: 'linkerd-destination',
        namespace: 'linkerd',
        pods: ['linkerd-destination-1', 'linkerd-destination-2'],
      },
      {
        component: 'linkerd-identity',
        namespace: 'linkerd',
        pods: ['linkerd-identity-1'],
      },
    ]);
    expect(linkerd.costAlternatives.map(a => a.id)).toEqual(['linkerd']);
  });

  it('Istio: ztunnel serves the ambient pods, waypoints go by traffic, neither is a sidecar workload', () => {
    const istio = new IstioAdapter();
    const ambient = { 'ambient.istio.io/redirection': 'enabled' };
    const pods = [
      pod('istio-system', 'istiod-1', { labels: { app: 'istiod' } }),
      pod('istio-system', 'ztunnel-a', {
        labels: { app: 'ztunnel' },
        containers: ['istio-proxy'],
      }),
      pod('istio-system', 'ztunnel-b', {
        labels: { app: 'ztunnel' },
        node: 'node-b',
        containers: ['istio-proxy'],
      }),
      deploymentPod('ambient', 'reviews', 1, { annotations: ambient }),
      deploymentPod('ambient', 'reviews', 2, {
        annotations: ambient,
        node: 'node-b',
      }),
      deploymentPod('ambient', 'waypoint', 1, {
        annotations: ambient,
        labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
        containers: ['istio-proxy'],
      }),
      deploymentPod('sidecar', 'cart', 1, {
        containers: ['app', 'istio-proxy'],
      }),
    ];
    expect(istio.controlPlaneComponents(plane('istio-system'), pods)).toEqual([
      { component: 'istiod', namespace: 'istio-system', pods: ['istiod-1'] },
    ]);
    const queries = istio.costQueries('5m');
    expect(Object.values(queries)).toEqual([
      'sum by (namespace, pod, destination_workload_namespace, destination_workload) (rate(istio_requests_total{reporter="waypoint"}[5m]))',
    ]);
    const results: Record<string, PromSample[]> = Object.fromEntries(
      Object.keys(queries).map(name => [
        name,
        [
          {
            metric: {
              destination_workload_namespace: 'ambient',
              destination_workload: 'reviews',
            },
            value: 4,
          },
          {
            metric: { destination_workload: 'no-namespace' },
            value: 1,
          } as PromSample,
        ],
      ]),
    );
    const [ztunnel, waypoint] = istio.sharedProxies(
      plane('istio-system'),
      pods,
      results,
    );
    expect(ztunnel.kind).toBe('ztunnel');
    expect(ztunnel.proxyPods.map(p => `${p.name}@${p.node}`)).toEqual([
      'ztunnel-a@node-a',
      'ztunnel-b@node-b',
    ]);
    expect(ztunnel.served).toEqual([
      { namespace: 'ambient', workload: 'reviews', node: 'node-a' },
      { namespace: 'ambient', workload: 'reviews', node: 'node-b' },
    ]);
    expect(waypoint.kind).toBe('waypoint');
    expect(waypoint.proxyPods.map(p => p.name)).toEqual(['waypoint-5d8f9-1']);
    expect(waypoint.requestsPerSecond).toEqual({ 'ambient/reviews': 4 });
    // Unanswered traffic query: the waypoint's traffic is unknown, not 0.
    const [, unknown] = istio.sharedProxies(plane('istio-system'), pods, {});
    expect(unknown.requestsPerSecond).toBeUndefined();
    expect(istio.costAlternatives.map(a => a.id)).toEqual([
      'istio',
      'istio-ambient',
    ]);
  });

  it('Istio: each waypoint is split by the traffic its own pods reported, not by another namespace’s', () => {
    const istio = new IstioAdapter();
    const gateway = (name: string) => ({
      labels: { 'gateway.networking.k8s.io/gateway-name': name },
      containers: ['istio-proxy'],
    });
    const pods = [
      deploymentPod('shop', 'waypoint', 1, gateway('waypoint')),
      deploymentPod('shop', 'waypoint', 2, gateway('waypoint')),
      deploymentPod('billing', 'waypoint', 1, gateway('waypoint')),
    ];
    const [shop1, shop2, billing1] = pods.map(p => p.metadata.name);
    const sample = (
      namespace: string,
      reporter: string,
      destination: string,
      value: number,
    ): PromSample => ({
      metric: {
        namespace,
        pod: reporter,
        destination_workload_namespace: namespace,
        destination_workload: destination,
      },
      value,
    });
    const [name] = Object.keys(istio.costQueries('5m'));
    const proxies = istio.sharedProxies(plane('istio-system'), pods, {
      [name]: [
        sample('shop', shop1, 'cart', 3),
        sample('shop', shop2, 'cart', 1),
        sample('shop', shop2, 'web', 2),
        sample('billing', billing1, 'invoices', 7),
      ],
    });
    expect(
      proxies.map(p => ({
        pods: p.proxyPods.map(x => `${x.namespace}/${x.name}`),
        rps: p.requestsPerSecond,
      })),
    ).toEqual([
      {
        pods: [`shop/${shop1}`, `shop/${shop2}`],
        rps: { 'shop/cart': 4, 'shop/web': 2 },
      },
      { pods: [`billing/${billing1}`], rps: { 'billing/invoices': 7 } },
    ]);
    // Without the reporting pod in the samples: one pool, split by all the traffic.
    const pooled = istio.sharedProxies(plane('istio-system'), pods, {
      [name]: [
        {
          metric: {
            destination_workload_namespace: 'shop',
            destination_workload: 'cart',
          },
          value: 4,
        },
        {
          metric: {
            destination_workload_namespace: 'billing',
            destination_workload: 'invoices',
          },
          value: 7,
        },
      ],
    });
    expect(pooled).toHaveLength(1);
    expect(pooled[0].proxyPods).toHaveLength(3);
    expect(pooled[0].requestsPerSecond).toEqual({
      'shop/cart': 4,
      'billing/invoices': 7,
    });
  });

  it('Cilium: no sidecar; agent and cilium-envoy serve the pods off the host network; operator and relay are the control plane', () => {
    const cilium = new CiliumAdapter();
    expect(cilium.proxyContainers).toEqual([]);
    const pods = [
      pod('kube-system', 'cilium-a', {
        labels: { 'k8s-app': 'cilium' },
        hostNetwork: true,
      }),
      pod('kube-system', 'cilium-envoy-a', {
        labels: { 'k8s-app': 'cilium-envoy' },
        hostNetwork: true,
      }),
      pod('kube-system', 'cilium-operator-1', {
        labels: { 'io.cilium/app': 'operator' },
        hostNetwork: true,
      }),
      pod('kube-system', 'hubble-relay-1', {
        labels: { 'k8s-app': 'hubble-relay' },
      }),
      deploymentPod('payments', 'ledger', 1),
    ];
    expect(
      cilium
        .controlPlaneComponents(plane('kube-system'), pods)
        .map(c => c.component),
    ).toEqual(['cilium-operator', 'hubble-relay']);
    const shared = cilium.sharedProxies(plane('kube-system'), pods, {});
    expect(shared.map(s => s.kind)).toEqual(['cilium-agent', 'cilium-envoy']);
    // hubble-relay is off the host network but control plane: not served.
    expect(shared[0].served).toEqual([
      { namespace: 'payments', workload: 'ledger', node: 'node-a' },
    ]);
  });
});
