import {
  EntityMeshTimeseries,
  EntityOnboardingTargets,
  MeshCertificates,
  MeshOverview,
  OverviewEntity,
  OverviewTotals,
} from '@meshlens/plugin-mesh-common';
import { fleetCostFixture } from './cost';

/** One hour at one-minute steps, ending at a fixed time. */
export function timeseriesFixture(
  entityName: string,
  workloads: Array<{ cluster: string; namespace: string; workload: string }>,
): EntityMeshTimeseries {
  const end = Date.parse('2026-11-21T19:30:00.000Z') / 1000;
  return {
    entityRef: `component:default/${entityName}`,
    range: '1h',
    step: '1m',
    series: workloads.map((w, i) => ({
      ...w,
      points: Array.from({ length: 61 }, (_, k) => ({
        t: end - (60 - k) * 60,
        requestsPerSecond: 40 + 5 * Math.sin(k / 6) + i * 10,
        // A dip in the middle, so the chart has something to show.
        successRate: k >= 30 && k < 34 ? 0.95 : 0.998,
        p95Ms: 45 + 10 * Math.cos(k / 9),
      })),
    })),
    errors: [],
  };
}

function entity(
  partial: Partial<OverviewEntity> & Pick<OverviewEntity, 'entityRef'>,
): OverviewEntity {
  const row: OverviewEntity = {
    owner: 'group:default/shop-team',
    clusters: ['homelab'],
    mesh: 'linkerd',
    meshTitle: 'Linkerd',
    dataPlane: 'sidecar',
    pods: 2,
    meshedPods: 2,
    mtlsMode: 'automatic',
    encryptedShare: 1,
    successRate: 0.999,
    requestsPerSecond: 10,
    soonestCertificateExpiry: null,
    worstCheck: null,
    errors: [],
    ...partial,
  };
  // As the backend sends it: no title when no mesh runs there.
  if (row.mesh === 'none') delete row.meshTitle;
  return row;
}

const entities: OverviewEntity[] = [
  entity({
    entityRef: 'component:default/storefront',
    pods: 3,
    meshedPods: 3,
    successRate: 0.9984,
    requestsPerSecond: 42.5,
    proxyShareOfTotal: { cpu: 0.09, memory: 0.09 },
    soonestCertificateExpiry: {
      daysLeft: 12,
      status: 'warning',
      subject: 'identity.linkerd.cluster.local',
    },
    failingChecks: ['MESH-COM-014'],
    worstCheck: {
      id: 'MESH-COM-014',
      status: 'warn',
      message: 'Issuer certificate expires in 12 days',
      hint: 'Rotate the issuer.',
    },
  }),
  entity({
    entityRef: 'component:default/payments',
    owner: 'group:default/payments-team',
    pods: 3,
    meshedPods: 2,
    encryptedShare: 0.66,
    successRate: 0.94,
    requestsPerSecond: 6.2,
    soonestCertificateExpiry: {
      daysLeft: 12,
      status: 'warning',
      subject: 'identity.linkerd.cluster.local',
    },
    failingChecks: ['MESH-COM-009', 'MESH-COM-014'],
    worstCheck: {
      id: 'MESH-COM-009',
      status: 'fail',
      message: '1 of 3 pods runs without the Linkerd proxy',
      hint: 'Restart the deployment.',
    },
  }),
  entity({
    entityRef: 'component:default/orders',
    clusters: ['cloud'],
    mesh: 'istio',
    meshTitle: 'Istio',
    mtlsMode: 'strict',
    successRate: 0.9961,
    requestsPerSecond: 18.4,
    // CPU not measured: sorted by its memory share.
    proxyShareOfTotal: { memory: 0.2 },
    soonestCertificateExpiry: {
      daysLeft: 3400,
      status: 'ok',
      subject: 'O=cluster.local',
    },
  }),
  entity({
    entityRef: 'component:default/inventory',
    clusters: ['cloud'],
    mesh: 'istio',
    meshTitle: 'Istio',
    mtlsMode: 'permissive',
    encryptedShare: 0.8,
    successRate: 0.992,
    requestsPerSecond: 12.3,
  }),
  entity({
    entityRef: 'component:default/recommendations',
    clusters: ['cloud'],
    mesh: 'istio',
    meshTitle: 'Istio',
    dataPlane: 'ambient',
    mtlsMode: 'strict',
    successRate: null,
    requestsPerSecond: 7.5,
    proxyShareOfTotal: { cpu: 0.0196, memory: 0.026 },
  }),
  entity({
    entityRef: 'component:default/sensor-gateway',
    owner: 'group:default/platform-team',
    mesh: 'cilium',
    meshTitle: 'Cilium',
    dataPlane: 'ebpf',
    mtlsMode: 'disabled',
    encryptedShare: null,
    successRate: 0.9712,
    requestsPerSecond: 25.1,
  }),
  entity({
    entityRef: 'component:default/legacy-reports',
    owner: 'group:default/payments-team',
    mesh: 'none',
    dataPlane: 'none',
    pods: 1,
    meshedPods: 0,
    mtlsMode: 'disabled',
    encryptedShare: 0,
    successRate: null,
    requestsPerSecond: null,
    failingChecks: ['MESH-COM-007', 'MESH-LNK-001'],
    worstCheck: {
      id: 'MESH-COM-007',
      status: 'fail',
      message: 'Namespace reports is not enrolled in any mesh',
      hint: 'Enrol the namespace.',
    },
  }),
  entity({
    entityRef: 'component:default/shipping',
    clusters: ['homelab', 'cloud'],
    successRate: null,
    requestsPerSecond: null,
    encryptedShare: null,
    errors: [
      {
        cluster: 'homelab',
        source: 'prometheus',
        message: 'connect ECONNREFUSED 127.0.0.1:19090',
      },
    ],
  }),
];

function totals(list: OverviewEntity[]): OverviewTotals {
  return {
    entities: list.length,
    meshed: list.filter(e => e.mesh !== 'none').length,
    strictMtls: list.filter(e => e.mtlsMode === 'strict').length,
    pods: list.reduce((n, e) => n + e.pods, 0),
    meshedPods: list.reduce((n, e) => n + e.meshedPods, 0),
  };
}

/** The demo catalog's posture, totals computed from the entities. */
export const overviewFixture: MeshOverview = {
  generatedAt: '2026-11-21T19:30:00.000Z',
  window: '5m',
  entities,
  totals: totals(entities),
  cost: fleetCostFixture,
  byCluster: {
    homelab: totals(entities.filter(e => e.clusters.includes('homelab'))),
    cloud: totals(entities.filter(e => e.clusters.includes('cloud'))),
  },
  byMesh: {
    linkerd: totals(entities.filter(e => e.mesh === 'linkerd')),
    istio: totals(entities.filter(e => e.mesh === 'istio')),
    cilium: totals(entities.filter(e => e.mesh === 'cilium')),
    none: totals(entities.filter(e => e.mesh === 'none')),
  },
};

export const certificatesFixture: MeshCertificates = {
  generatedAt: '2026-11-21T19:30:00.000Z',
  certificates: [
    {
      cluster: 'homelab',
      mesh: 'linkerd',
      meshTitle: 'Linkerd',
      role: 'webhook',
      subject: 'linkerd-proxy-injector.linkerd.svc',
      issuer: 'webhook.linkerd.cluster.local',
      serialNumber: '01',
      notBefore: '2025-11-21T00:00:00.000Z',
      notAfter: '2026-11-20T00:00:00.000Z',
      daysLeft: -1,
      status: 'expired',
      source: 'Secret linkerd/linkerd-proxy-injector-k8s-tls tls.crt',
    },
    {
      cluster: 'homelab',
      mesh: 'linkerd',
      meshTitle: 'Linkerd',
      role: 'issuer',
      subject: 'identity.linkerd.cluster.local',
      issuer: 'root.linkerd.cluster.local',
      serialNumber: '02',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-12-03T19:30:00.000Z',
      daysLeft: 12,
      status: 'warning',
      source: 'Secret linkerd/linkerd-identity-issuer crt.pem',
    },
    {
      cluster: 'cloud',
      mesh: 'istio',
      meshTitle: 'Istio',
      role: 'trust-anchor',
      subject: 'O=cluster.local',
      issuer: 'O=cluster.local',
      serialNumber: '03',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2036-03-01T00:00:00.000Z',
      daysLeft: 3387,
      status: 'ok',
      source: 'Secret istio-system/istio-ca-secret ca-cert.pem',
    },
  ],
  errors: [],
};

/** Where shipping may be onboarded: its id resolves in both clusters. */
export const onboardingTargetsFixture: EntityOnboardingTargets = {
  entityRef: 'component:default/shipping',
  targets: [
    { cluster: 'cloud', namespace: 'shipping' },
    { cluster: 'homelab', namespace: 'shipping' },
  ],
  problems: [],
};
