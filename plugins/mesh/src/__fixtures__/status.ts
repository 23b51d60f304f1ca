import {
  CertificateInfo,
  ClusterMeshStatus,
  EntityMeshStatus,
  MeshCheck,
} from '@meshlens/plugin-mesh-common';

/**
 * Mesh status of the demo entities (examples/entities.yaml), shaped as the
 * backend returns them. Dates are fixed so tests do not depend on the clock.
 */

const GENERATED_AT = '2026-11-21T19:30:00.000Z';

function cert(
  partial: Partial<CertificateInfo> &
    Pick<CertificateInfo, 'role' | 'subject' | 'daysLeft' | 'status'>,
): CertificateInfo {
  return {
    issuer: 'root.linkerd.cluster.local',
    serialNumber: '4f:2a:91:0c',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: new Date(
      Date.parse(GENERATED_AT) + partial.daysLeft * 86_400_000,
    ).toISOString(),
    source: 'Secret linkerd/linkerd-identity-issuer crt.pem',
    ...partial,
  };
}

const pass = (id: string, message: string): MeshCheck => ({
  id,
  status: 'pass',
  message,
  hint: '',
});

function status(entity: string, clusters: ClusterMeshStatus[]) {
  return {
    entityRef: `component:default/${entity}`,
    window: '5m',
    generatedAt: GENERATED_AT,
    clusters,
  } satisfies EntityMeshStatus;
}

const storefrontHomelab: ClusterMeshStatus = {
  cluster: 'homelab',
  namespace: 'storefront',
  mesh: 'linkerd',
  meshTitle: 'Linkerd',
  dataPlane: 'sidecar',
  controlPlane: {
    namespace: 'linkerd',
    version: 'edge-25.10.3',
    healthy: true,
  },
  injection: {
    namespace: 'enabled',
    marker: 'annotation linkerd.io/inject=enabled',
  },
  workloads: [
    {
      kind: 'Deployment',
      name: 'storefront',
      pods: 3,
      meshedPods: 3,
      proxyVersions: ['edge-25.10.3'],
      versionSkew: false,
      mtls: { mode: 'automatic', encryptedShare: 1 },
      metrics: {
        requestsPerSecond: 42.5,
        successRate: 0.9984,
        latencyMs: { p50: 12, p95: 48, p99: 95 },
      },
      edges: [
        {
          direction: 'inbound',
          peer: { namespace: 'ingress', name: 'ingress-nginx' },
          requestsPerSecond: 42.5,
          successRate: 0.9984,
          mtls: true,
          callerKind: 'ingress',
          ingress: 'ingress-nginx',
        },
        {
          direction: 'outbound',
          peer: { namespace: 'payments', name: 'payments' },
          requestsPerSecond: 6.2,
          successRate: 0.97,
          mtls: true,
        },
        {
          direction: 'outbound',
          peer: { namespace: 'shipping', name: 'shipping' },
          requestsPerSecond: 3.1,
          successRate: 1,
          mtls: true,
        },
      ],
    },
  ],
  certificates: [
    cert({
      role: 'trust-anchor',
      subject: 'root.linkerd.cluster.local',
      daysLeft: 290,
      status: 'ok',
      source: 'ConfigMap linkerd/linkerd-identity-trust-roots ca-bundle.crt',
    }),
    cert({
      role: 'issuer',
      subject: 'identity.linkerd.cluster.local',
      daysLeft: 12,
      status: 'warning',
    }),
  ],
  policies: [
    {
      kind: 'Server',
      apiVersion: 'policy.linkerd.io/v1beta3',
      name: 'storefront-http',
      namespace: 'storefront',
      summary: 'port 8080 (HTTP/1), pods app=storefront',
      yaml: 'apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata:\n  name: storefront-http\n  namespace: storefront\nspec:\n  podSelector:\n    matchLabels:\n      app: storefront\n  port: 8080\n  proxyProtocol: HTTP/1\n',
    },
    {
      kind: 'AuthorizationPolicy',
      apiVersion: 'policy.linkerd.io/v1alpha1',
      name: 'storefront-from-ingress',
      namespace: 'storefront',
      summary:
        'allows MeshTLSAuthentication ingress-nginx to Server storefront-http',
    },
  ],
  checks: [
    pass(
      'MESH-COM-008',
      'Namespace storefront is enrolled (linkerd.io/inject=enabled)',
    ),
    pass('MESH-COM-009', 'All 3 pods run the Linkerd proxy'),
    {
      id: 'MESH-COM-014',
      status: 'warn',
      message:
        'Issuer certificate identity.linkerd.cluster.local expires in 12 days',
      hint: 'Rotate the issuer: cert-manager renews it if it manages the Secret; otherwise run `linkerd upgrade --identity-issuer-certificate-file ...`.',
    },
  ],
  errors: [],
  links: [
    {
      title: 'Linkerd viz',
      url: 'http://viz.homelab.example/namespaces/storefront/deployments/storefront',
    },
    {
      title: 'Grafana',
      url: 'http://grafana.homelab.example/d/linkerd-deployment?var-deployment=storefront',
    },
  ],
};

/** Linkerd, fully meshed, issuer certificate in its warning period. */
export const linkerdStatus = status('storefront', [storefrontHomelab]);

/** Linkerd, a pod without proxy and two proxy versions. */
export const linkerdPartialMeshStatus = status('payments', [
  {
    ...storefrontHomelab,
    namespace: 'payments',
    workloads: [
      {
        kind: 'Deployment',
        name: 'payments',
        pods: 3,
        meshedPods: 2,
        proxyVersions: ['edge-25.10.3', 'edge-25.9.1'],
        versionSkew: true,
        mtls: { mode: 'automatic', encryptedShare: 0.66 },
        metrics: {
          requestsPerSecond: 6.2,
          successRate: 0.94,
          latencyMs: { p50: 20, p95: 180, p99: 410 },
        },
        edges: [
          {
            direction: 'inbound',
            peer: { namespace: 'storefront', name: 'storefront' },
            requestsPerSecond: 6.2,
            successRate: 0.94,
            mtls: true,
          },
        ],
      },
    ],
    policies: [],
    checks: [
      {
        id: 'MESH-COM-009',
        status: 'fail',
        message:
          '1 of 3 pods of Deployment payments runs without the Linkerd proxy',
        hint: 'The pod started before the namespace was enrolled: kubectl -n payments rollout restart deployment/payments',
      },
      {
        id: 'MESH-COM-010',
        status: 'warn',
        message:
          'Proxies run edge-25.10.3 and edge-25.9.1; the control plane runs edge-25.10.3',
        hint: 'Restart the workloads so they pick up the current proxy.',
      },
    ],
    links: undefined,
  },
]);

const ordersCloud: ClusterMeshStatus = {
  cluster: 'cloud',
  namespace: 'orders',
  mesh: 'istio',
  meshTitle: 'Istio',
  dataPlane: 'sidecar',
  controlPlane: { namespace: 'istio-system', version: '1.27.1', healthy: true },
  injection: { namespace: 'enabled', marker: 'label istio-injection=enabled' },
  workloads: [
    {
      kind: 'Deployment',
      name: 'orders',
      pods: 2,
      meshedPods: 2,
      proxyVersions: ['1.27.1'],
      versionSkew: false,
      mtls: { mode: 'strict', encryptedShare: 1 },
      metrics: {
        requestsPerSecond: 18.4,
        successRate: 0.9961,
        latencyMs: { p50: 8, p95: 31, p99: 77 },
      },
      edges: [
        {
          direction: 'inbound',
          peer: { namespace: 'storefront', name: 'storefront' },
          requestsPerSecond: 18.4,
          successRate: 0.9961,
          mtls: true,
        },
        {
          direction: 'outbound',
          peer: { namespace: 'inventory', name: 'inventory' },
          requestsPerSecond: 9.8,
          successRate: 0.999,
          mtls: true,
        },
      ],
    },
  ],
  certificates: [
    cert({
      role: 'trust-anchor',
      subject: 'O=cluster.local',
      issuer: 'O=cluster.local',
      daysLeft: 3400,
      status: 'ok',
      notBefore: '2026-01-01T00:00:00.000Z',
      source: 'Secret istio-system/istio-ca-secret ca-cert.pem',
    }),
  ],
  policies: [
    {
      kind: 'PeerAuthentication',
      apiVersion: 'security.istio.io/v1',
      name: 'default',
      namespace: 'orders',
      summary: 'mTLS STRICT for the whole namespace',
      yaml: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: orders\nspec:\n  mtls:\n    mode: STRICT\n',
    },
  ],
  checks: [pass('MESH-COM-011', 'PeerAuthentication default sets STRICT mTLS')],
  errors: [],
  links: [
    {
      title: 'Kiali',
      url: 'http://kiali.cloud.example/kiali/console/namespaces/orders/workloads/orders',
    },
  ],
};

/** Istio sidecar, STRICT mTLS. */
export const istioSidecarStatus = status('orders', [ordersCloud]);

/** Istio sidecar, PERMISSIVE mTLS with a plaintext caller. */
export const istioPermissiveStatus = status('inventory', [
  {
    ...ordersCloud,
    namespace: 'inventory',
    workloads: [
      {
        kind: 'Deployment',
        name: 'inventory',
        pods: 2,
        meshedPods: 2,
        proxyVersions: ['1.27.1'],
        versionSkew: false,
        mtls: { mode: 'permissive', encryptedShare: 0.8 },
        metrics: {
          requestsPerSecond: 12.3,
          successRate: 0.992,
          latencyMs: { p50: 5, p95: 22, p99: 40 },
        },
        edges: [
          {
            direction: 'inbound',
            peer: { namespace: 'orders', name: 'orders' },
            requestsPerSecond: 9.8,
            successRate: 0.999,
            mtls: true,
          },
          {
            direction: 'inbound',
            peer: { namespace: 'batch', name: 'stock-import' },
            requestsPerSecond: 2.5,
            successRate: 0.96,
            mtls: false,
            callerKind: 'unmeshed',
          },
        ],
      },
    ],
    policies: [
      {
        kind: 'PeerAuthentication',
        apiVersion: 'security.istio.io/v1',
        name: 'default',
        namespace: 'inventory',
        summary: 'mTLS PERMISSIVE for the whole namespace',
      },
    ],
    checks: [
      {
        id: 'MESH-COM-012',
        status: 'warn',
        message:
          'batch/stock-import calls inventory in plaintext (20% of requests)',
        hint: 'Mesh batch/stock-import, then switch PeerAuthentication default to STRICT.',
      },
    ],
    links: undefined,
  },
]);

/** Istio ambient (ztunnel): TCP only, so no success rate or latency. */
export const istioAmbientStatus = status('recommendations', [
  {
    ...ordersCloud,
    namespace: 'recommendations',
    dataPlane: 'ambient',
    injection: {
      namespace: 'enabled',
      marker: 'label istio.io/dataplane-mode=ambient',
    },
    workloads: [
      {
        kind: 'Deployment',
        name: 'recommendations',
        pods: 2,
        meshedPods: 2,
        proxyVersions: ['ztunnel 1.27.1'],
        versionSkew: false,
        mtls: { mode: 'strict', encryptedShare: 1 },
        metrics: {
          requestsPerSecond: 7.5,
          successRate: null,
          latencyMs: { p50: null, p95: null, p99: null },
        },
        edges: [
          {
            direction: 'inbound',
            peer: { namespace: 'storefront', name: 'storefront' },
            requestsPerSecond: 7.5,
            successRate: null,
            mtls: true,
          },
        ],
      },
    ],
    policies: [],
    checks: [
      pass(
        'MESH-COM-008',
        'Namespace recommendations is in the ambient data plane',
      ),
      {
        id: 'MESH-AMB-006',
        status: 'warn',
        message:
          'No waypoint: only TCP metrics, no HTTP success rate or latency',
        hint: 'Deploy a waypoint (istioctl waypoint apply -n recommendations --enroll-namespace) for L7 metrics.',
      },
    ],
    links: undefined,
  },
]);

/** Cilium with Hubble HTTP metrics. */
export const ciliumStatus = status('sensor-gateway', [
  {
    cluster: 'homelab',
    namespace: 'sensors',
    mesh: 'cilium',
    meshTitle: 'Cilium',
    dataPlane: 'ebpf',
    controlPlane: {
      namespace: 'kube-system',
      version: '1.18.2',
      healthy: true,
    },
    injection: { namespace: 'unset', marker: null },
    workloads: [
      {
        kind: 'Deployment',
        name: 'sensor-gateway',
        pods: 2,
        meshedPods: 2,
        proxyVersions: [],
        versionSkew: false,
        mtls: { mode: 'disabled', encryptedShare: null },
        metrics: {
          requestsPerSecond: 25.1,
          successRate: 0.9712,
          latencyMs: { p50: 3, p95: 14, p99: 30 },
        },
        edges: [
          {
            direction: 'outbound',
            peer: { namespace: 'storefront', name: 'storefront' },
            requestsPerSecond: 1.2,
            successRate: 1,
            mtls: null,
          },
        ],
      },
    ],
    certificates: [],
    policies: [
      {
        kind: 'CiliumNetworkPolicy',
        apiVersion: 'cilium.io/v2',
        name: 'sensor-gateway-l7',
        namespace: 'sensors',
        summary: 'L7 visibility on port 8080 (HTTP), ingress from world',
      },
    ],
    checks: [
      {
        id: 'MESH-CIL-005',
        status: 'warn',
        message: 'Traffic is not mutually authenticated',
        hint: 'Add authentication.mode: required to the CiliumNetworkPolicy (needs SPIRE).',
      },
    ],
    errors: [],
  },
]);

/** Not in any mesh: the checks explain why. */
export const notMeshedStatus = status('legacy-reports', [
  {
    cluster: 'homelab',
    namespace: 'reports',
    mesh: 'none',
    dataPlane: 'none',
    controlPlane: null,
    injection: { namespace: 'unset', marker: null },
    workloads: [
      {
        kind: 'Deployment',
        name: 'legacy-reports',
        pods: 1,
        meshedPods: 0,
        proxyVersions: [],
        versionSkew: false,
        mtls: { mode: 'disabled', encryptedShare: 0 },
        metrics: null,
        edges: [],
      },
    ],
    certificates: [],
    policies: [],
    checks: [
      {
        id: 'MESH-COM-007',
        status: 'fail',
        message: 'Namespace reports is not enrolled in any mesh',
        hint: 'Annotate the namespace with linkerd.io/inject=enabled (Linkerd) or label it istio-injection=enabled (Istio), then restart the workloads.',
      },
    ],
    errors: [],
  },
]);

/** Prometheus down on one cluster: Kubernetes data still there, metrics null. */
export const partialFailureStatus = status('shipping', [
  {
    ...storefrontHomelab,
    namespace: 'shipping',
    workloads: storefrontHomelab.workloads.map(w => ({
      ...w,
      name: 'shipping',
      metrics: null,
      edges: [],
      mtls: { mode: 'automatic' as const, encryptedShare: null },
    })),
    errors: [
      {
        source: 'prometheus',
        message:
          'GET http://127.0.0.1:19090/api/v1/query: connect ECONNREFUSED',
      },
    ],
  },
  {
    ...ordersCloud,
    namespace: 'shipping',
    workloads: ordersCloud.workloads.map(w => ({ ...w, name: 'shipping' })),
    links: undefined,
  },
]);

/** Every full-data fixture with the mesh label the tab must show. */
export const meshCases = [
  { name: 'Linkerd', label: 'Linkerd · sidecar', status: linkerdStatus },
  {
    name: 'Istio sidecar',
    label: 'Istio · sidecar',
    status: istioSidecarStatus,
  },
  {
    name: 'Istio ambient',
    label: 'Istio · ambient',
    status: istioAmbientStatus,
  },
  { name: 'Cilium', label: 'Cilium · eBPF', status: ciliumStatus },
] as const;

/**
 * A Linkerd cluster, but the namespace carries a label Linkerd ignores: the
 * mesh is there, the service is not in it (as the demo's legacy-reports).
 */
export const misEnrolledStatus = status('legacy-reports', [
  {
    ...storefrontHomelab,
    namespace: 'reports',
    injection: {
      namespace: 'unset',
      marker: 'label linkerd.io/injection=enabled (ignored by Linkerd)',
    },
    workloads: [
      {
        kind: 'Deployment',
        name: 'legacy-reports',
        pods: 1,
        meshedPods: 0,
        proxyVersions: [],
        versionSkew: false,
        mtls: { mode: 'disabled', encryptedShare: null },
        metrics: {
          requestsPerSecond: 0,
          successRate: null,
          latencyMs: { p50: null, p95: null, p99: null },
        },
        edges: [],
      },
    ],
    policies: [],
    checks: [
      {
        id: 'MESH-LNK-001',
        status: 'fail',
        message:
          'Namespace reports has the label linkerd.io/injection=enabled, which Linkerd ignores: injection is switched by an annotation',
        hint: 'kubectl label namespace reports linkerd.io/injection- && kubectl annotate namespace reports linkerd.io/inject=enabled',
      },
      pass('MESH-COM-008', 'The linkerd control plane in linkerd is healthy'),
    ],
    links: undefined,
  },
]);
