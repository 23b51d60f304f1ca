import { Entity } from '@backstage/catalog-model';
import { TestCertificate, b64, makeCertificate } from './certificates';
import { FakeCluster, FakeTraffic } from './fakeUpstreams';

export const LINKERD_VERSION = 'edge-25.10.3';
export const ISTIO_VERSION = '1.27.1';

export interface DemoFixture {
  clusters: { homelab: FakeCluster; cloud: FakeCluster };
  traffic: { homelab: FakeTraffic[]; cloud: FakeTraffic[] };
  entities: Entity[];
  certs: {
    linkerdAnchor: TestCertificate;
    linkerdIssuer: TestCertificate;
    istioRoot: TestCertificate;
    istioIssuer: TestCertificate;
  };
  /** Every private key PEM put into a Secret: none may ever leave the backend. */
  privateKeys: string[];
}

export function component(
  name: string,
  annotations: Record<string, string>,
  owner = 'shop-team',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
}

const linkerdPod =
  (version = LINKERD_VERSION, trustRoot?: string) =>
  () => ({
    metadata: {
      name: '',
      labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
      annotations: {
        'linkerd.io/proxy-version': version,
        ...(trustRoot ? { 'linkerd.io/trust-root-sha256': trustRoot } : {}),
      },
    },
    initContainers: [
      { name: 'linkerd-proxy', image: `cr.l5d.io/linkerd/proxy:${version}` },
    ],
  });

const istioPod =
  (version = ISTIO_VERSION) =>
  () => ({
    metadata: { name: '', labels: { 'security.istio.io/tlsMode': 'istio' } },
    containers: [
      { name: 'istio-proxy', image: `docker.io/istio/proxyv2:${version}` },
    ],
  });

const ambientPod = () => ({
  metadata: {
    name: '',
    annotations: { 'ambient.istio.io/redirection': 'enabled' },
  },
});

/** The demo's eight cases, in two fake clusters. */
export async function demoFixture(
  options: { issuerDaysLeft?: number } = {},
): Promise<DemoFixture> {
  const linkerdAnchor = await makeCertificate({
    cn: 'root.linkerd.cluster.local',
    daysLeft: 365,
  });
  const linkerdIssuer = await makeCertificate({
    cn: 'identity.linkerd.cluster.local',
    daysLeft: options.issuerDaysLeft ?? 20,
    issuer: linkerdAnchor,
  });
  const istioRoot = await makeCertificate({
    cn: 'Istio Root CA',
    daysLeft: 3000,
  });
  const istioIssuer = await makeCertificate({
    cn: 'Istio Intermediate CA',
    daysLeft: 300,
    issuer: istioRoot,
  });

  const homelab = new FakeCluster();
  for (const part of ['identity', 'destination', 'proxy-injector']) {
    homelab.add('apps/v1', 'deployments', {
      metadata: {
        name: `linkerd-${part}`,
        namespace: 'linkerd',
        labels: { 'linkerd.io/control-plane-component': part },
      },
      spec: { replicas: 1 },
      status: { readyReplicas: 1 },
    });
  }
  homelab
    .add('v1', 'configmaps', {
      metadata: { name: 'linkerd-config', namespace: 'linkerd' },
      data: {
        values: `linkerdVersion: ${LINKERD_VERSION}\nproxy:\n  defaultInboundPolicy: all-unauthenticated\n`,
      },
    })
    .add('v1', 'configmaps', {
      metadata: { name: 'linkerd-identity-trust-roots', namespace: 'linkerd' },
      data: { 'ca-bundle.crt': linkerdAnchor.pem + istioRoot.pem },
    })
    .add('v1', 'secrets', {
      metadata: { name: 'linkerd-identity-issuer', namespace: 'linkerd' },
      data: {
        'crt.pem': b64(linkerdIssuer.pem),
        'key.pem': b64(linkerdIssuer.keyPem),
      },
    })
    .add('apps/v1', 'daemonsets', {
      metadata: {
        name: 'cilium',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'cilium' },
      },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.18.2' },
            ],
          },
        },
      },
      status: { desiredNumberScheduled: 2, numberReady: 2 },
    })
    .add('v1', 'configmaps', {
      metadata: { name: 'cilium-config', namespace: 'kube-system' },
      data: {
        'enable-hubble': 'true',
        'mesh-auth-enabled': 'true',
        'enable-wireguard': 'true',
      },
    });
  homelab
    .namespace('storefront', {}, { 'linkerd.io/inject': 'enabled' })
    .deployment('storefront', 'storefront', {
      labels: { 'backstage.io/kubernetes-id': 'storefront' },
      pods: 3,
      pod: linkerdPod(),
    })
    .namespace('payments', {}, { 'linkerd.io/inject': 'enabled' })
    .deployment('payments', 'payments', {
      labels: { 'backstage.io/kubernetes-id': 'payments' },
      pods: 3,
      pod: i => (i < 2 ? linkerdPod()() : {}),
    })
    .namespace('sensors')
    .deployment('sensors', 'sensor-gateway', {
      labels: { 'backstage.io/kubernetes-id': 'sensor-gateway' },
      pods: 2,
    })
    .add('cilium.io/v2', 'ciliumnetworkpolicies', {
      metadata: { name: 'sensor-gateway-l7', namespace: 'sensors' },
      spec: {
        endpointSelector: { matchLabels: { app: 'sensor-gateway' } },
        ingress: [
          {
            toPorts: [
              {
                ports: [{ port: '8080' }],
                rules: { http: [{ method: 'POST', path: '/readings' }] },
              },
            ],
            authentication: { mode: 'required' },
          },
        ],
      },
    })
    .namespace('reports', { 'linkerd.io/injection': 'enabled' })
    .deployment('reports', 'legacy-reports', {
      labels: { 'backstage.io/kubernetes-id': 'legacy-reports' },
      pods: 1,
    })
    .namespace('shipping', {}, { 'linkerd.io/inject': 'enabled' })
    .deployment('shipping', 'shipping', {
      labels: { 'backstage.io/kubernetes-id': 'shipping' },
      pods: 2,
      pod: linkerdPod(),
    });

  const cloud = new FakeCluster();
  cloud
    .add('apps/v1', 'deployments', {
      metadata: {
        name: 'istiod',
        namespace: 'istio-system',
        labels: { app: 'istiod', 'app.kubernetes.io/version': ISTIO_VERSION },
      },
      spec: { replicas: 1 },
      status: { readyReplicas: 1 },
    })
    .add('apps/v1', 'daemonsets', {
      metadata: {
        name: 'ztunnel',
        namespace: 'istio-system',
        labels: { app: 'ztunnel' },
      },
      status: { desiredNumberScheduled: 2, numberReady: 2 },
    })
    .add('v1', 'secrets', {
      metadata: { name: 'cacerts', namespace: 'istio-system' },
      data: {
        'ca-cert.pem': b64(istioIssuer.pem),
        'ca-key.pem': b64(istioIssuer.keyPem),
        'root-cert.pem': b64(istioRoot.pem),
        'cert-chain.pem': b64(istioIssuer.pem + istioRoot.pem),
      },
    })
    .namespace('orders', { 'istio-injection': 'enabled' })
    .deployment('orders', 'orders', {
      labels: { 'backstage.io/kubernetes-id': 'orders' },
      pods: 2,
      pod: istioPod(),
    })
    .add('security.istio.io/v1', 'peerauthentications', {
      metadata: { name: 'default', namespace: 'orders' },
      spec: { mtls: { mode: 'STRICT' } },
    })
    .namespace('inventory', { 'istio-injection': 'enabled' })
    .deployment('inventory', 'inventory', {
      labels: { 'app.kubernetes.io/name': 'inventory' },
      pods: 2,
      pod: istioPod(),
    })
    .add('security.istio.io/v1', 'peerauthentications', {
      metadata: { name: 'default', namespace: 'inventory' },
      spec: { mtls: { mode: 'PERMISSIVE' } },
    })
    .namespace('recommendations', { 'istio.io/dataplane-mode': 'ambient' })
    .deployment('recommendations', 'recommendations', {
      labels: { 'backstage.io/kubernetes-id': 'recommendations' },
      pods: 2,
      pod: ambientPod,
    })
    .namespace('shipping', { 'istio-injection': 'enabled' })
    .deployment('shipping', 'shipping', {
      labels: { 'backstage.io/kubernetes-id': 'shipping' },
      pods: 1,
      pod: istioPod(),
    });

  const id = (v: string) => ({ 'backstage.io/kubernetes-id': v });
  const entities = [
    component('storefront', {
      ...id('storefront'),
      'backstage.io/kubernetes-namespace': 'storefront',
      'backstage.io/kubernetes-cluster': 'homelab',
    }),
    component(
      'payments',
      {
        ...id('payments'),
        'backstage.io/kubernetes-namespace': 'payments',
        'backstage.io/kubernetes-cluster': 'homelab',
      },
      'payments-team',
    ),
    component('orders', {
      ...id('orders'),
      'backstage.io/kubernetes-namespace': 'orders',
      'backstage.io/kubernetes-cluster': 'cloud',
    }),
    component('inventory', {
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=inventory',
      'backstage.io/kubernetes-namespace': 'inventory',
      'backstage.io/kubernetes-cluster': 'cloud',
    }),
    component('recommendations', {
      ...id('recommendations'),
      'backstage.io/kubernetes-namespace': 'recommendations',
      'backstage.io/kubernetes-cluster': 'cloud',
    }),
    component('sensor-gateway', {
      ...id('sensor-gateway'),
      'backstage.io/kubernetes-namespace': 'sensors',
      'backstage.io/kubernetes-cluster': 'homelab',
    }),
    component('legacy-reports', {
      ...id('legacy-reports'),
      'backstage.io/kubernetes-namespace': 'reports',
      'backstage.io/kubernetes-cluster': 'homelab',
    }),
    component('shipping', id('shipping')),
    component('no-annotations', {}),
  ];

  const traffic = {
    homelab: [
      {
        mesh: 'linkerd',
        namespace: 'storefront',
        workload: 'storefront',
        success: 2970,
        failure: 30,
        latencyMs: 12,
        callers: [
          { namespace: 'shop', workload: 'web', count: 600, tls: true },
        ],
      },
      {
        mesh: 'linkerd',
        namespace: 'payments',
        workload: 'payments',
        success: 600,
        failure: 0,
        plaintext: 60,
      },
      {
        mesh: 'cilium',
        namespace: 'sensors',
        workload: 'sensor-gateway',
        success: 300,
        failure: 3,
        latencyMs: 40,
      },
      {
        mesh: 'linkerd',
        namespace: 'shipping',
        workload: 'shipping',
        success: 300,
        failure: 0,
      },
    ] as FakeTraffic[],
    cloud: [
      {
        mesh: 'istio',
        namespace: 'orders',
        workload: 'orders',
        success: 1500,
        failure: 0,
      },
      {
        mesh: 'istio',
        namespace: 'inventory',
        workload: 'inventory',
        success: 900,
        failure: 0,
        plaintext: 90,
      },
      {
        mesh: 'istio',
        namespace: 'shipping',
        workload: 'shipping',
        success: 150,
        failure: 0,
      },
    ] as FakeTraffic[],
  };

  return {
    clusters: { homelab, cloud },
    traffic,
    entities,
    certs: { linkerdAnchor, linkerdIssuer, istioRoot, istioIssuer },
    privateKeys: [linkerdIssuer.keyPem, istioIssuer.keyPem],
  };
}
