import { Edge } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshWorkload } from '@meshlens/plugin-mesh-node';
import { edgesWithIngressCallers } from './ingressCallers';
import {
  classifyCallers,
  ingressControllerOfCaller,
  ingressControllerOfIngress,
} from './ingressControllers';

const labels = { 'app.kubernetes.io/name': 'storefront' };
const workload: MeshWorkload = {
  kind: 'Deployment',
  name: 'storefront',
  namespace: 'storefront',
  object: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'storefront', namespace: 'storefront' },
    spec: { template: { metadata: { labels } } },
  },
  pods: [],
};
const service = (name: string, selector: Record<string, string>) =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'storefront' },
    spec: { selector },
  } as KubeObject);
const ingress = (
  name: string,
  serviceName: string,
  className?: string,
  annotations?: Record<string, string>,
) =>
  ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'storefront', annotations },
    spec: {
      ingressClassName: className,
      rules: [
        {
          http: {
            paths: [{ backend: { service: { name: serviceName } } }],
          },
        },
      ],
    },
  } as KubeObject);
const metrics = (rps: number) => ({
  requestsPerSecond: rps,
  successRate: 1,
  latencyMs: { p50: 1, p95: 2, p99: 3 },
});
const meshedCaller: Edge = {
  direction: 'inbound',
  peer: { namespace: 'shop', name: 'web' },
  requestsPerSecond: 8,
  successRate: 1,
  mtls: true,
};

describe('ingress controllers', () => {
  it('recognises callers by namespace or workload name, and Ingresses by class', () => {
    expect(
      ingressControllerOfCaller({ namespace: 'traefik', name: 'x' })?.id,
    ).toBe('traefik');
    expect(
      ingressControllerOfCaller({
        namespace: 'edge',
        name: 'ingress-nginx-controller',
      })?.id,
    ).toBe('ingress-nginx');
    expect(
      ingressControllerOfCaller({ namespace: 'shop', name: 'web' }),
    ).toBeUndefined();
    expect(ingressControllerOfIngress(ingress('a', 's', 'cilium'))?.id).toBe(
      'cilium-ingress',
    );
    expect(
      ingressControllerOfIngress(
        ingress('a', 's', undefined, {
          'kubernetes.io/ingress.class': 'nginx',
        }),
      )?.id,
    ).toBe('ingress-nginx');
    expect(ingressControllerOfIngress(ingress('a', 's', 'haproxy'))).toBe(
      undefined,
    );
  });

  it('marks ingress callers and plaintext callers outside the mesh', () => {
    const edges = classifyCallers([
      meshedCaller,
      { ...meshedCaller, peer: { namespace: 'istio-ingress', name: 'gw' } },
      {
        ...meshedCaller,
        peer: { namespace: 'batch', name: 'job' },
        mtls: false,
      },
      { ...meshedCaller, direction: 'outbound', mtls: false },
    ]);
    expect(edges.map(e => [e.callerKind, e.ingress])).toEqual([
      [undefined, undefined],
      ['ingress', 'istio-gateway'],
      ['unmeshed', undefined],
      [undefined, undefined],
    ]);
  });
});

describe('edgesWithIngressCallers', () => {
  it('names the ingress that routes the unnamed plaintext to the workload', () => {
    const edges = edgesWithIngressCallers({
      workload,
      metrics: metrics(32),
      encryptedShare: 0.25,
      edges: [meshedCaller],
      services: [service('storefront', labels), service('other', { a: 'b' })],
      ingresses: [
        ingress('storefront', 'storefront', 'traefik'),
        ingress('other', 'other', 'nginx'),
      ],
    });
    expect(edges).toEqual([
      meshedCaller,
      {
        direction: 'inbound',
        peer: { namespace: 'storefront', name: 'storefront' },
        requestsPerSecond: 24,
        successRate: null,
        mtls: false,
        callerKind: 'ingress',
        ingress: 'traefik',
        recognisedBy: 'Ingress storefront/storefront (class traefik)',
      },
    ]);
  });

  it('adds nothing when every request is named or mTLS, or no known controller routes to it', () => {
    const base = {
      workload,
      edges: [meshedCaller],
      services: [service('storefront', labels)],
      ingresses: [ingress('storefront', 'storefront', 'traefik')],
    };
    expect(
      edgesWithIngressCallers({
        ...base,
        metrics: metrics(8),
        encryptedShare: 1,
      }),
    ).toEqual([meshedCaller]);
    expect(
      edgesWithIngressCallers({
        ...base,
        metrics: metrics(32),
        encryptedShare: 0.25,
        ingresses: [ingress('storefront', 'storefront', 'haproxy')],
      }),
    ).toEqual([meshedCaller]);
    expect(
      edgesWithIngressCallers({
        ...base,
        metrics: metrics(32),
        encryptedShare: 0.25,
        services: [service('storefront', { app: 'else' })],
      }),
    ).toEqual([meshedCaller]);
  });

  it('does not split plaintext between two controllers', () => {
    expect(
      edgesWithIngressCallers({
        workload,
        metrics: metrics(32),
        encryptedShare: 0.25,
        edges: [meshedCaller],
        services: [service('storefront', labels)],
        ingresses: [
          ingress('a', 'storefront', 'traefik'),
          ingress('b', 'storefront', 'nginx'),
        ],
      }),
    ).toEqual([meshedCaller]);
  });
});
