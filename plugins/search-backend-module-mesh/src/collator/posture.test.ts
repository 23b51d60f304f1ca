import {
  ClusterMeshStatus,
  OverviewEntity,
  WorkloadStatus,
} from '@meshlens/plugin-mesh-common';
import { postureFromEntityStatus, postureFromOverview } from './posture';

const shipping: OverviewEntity = {
  entityRef: 'component:default/shipping',
  clusters: ['homelab', 'cloud'],
  mesh: 'linkerd',
  dataPlane: 'sidecar',
  meshTitle: 'Linkerd',
  perCluster: [
    {
      cluster: 'homelab',
      mesh: 'linkerd',
      dataPlane: 'sidecar',
      meshTitle: 'Linkerd',
    },
    {
      cluster: 'cloud',
      mesh: 'istio',
      dataPlane: 'sidecar',
      meshTitle: 'Istio',
    },
  ],
  pods: 4,
  meshedPods: 4,
  mtlsMode: 'permissive',
  encryptedShare: 1,
  successRate: 0.995,
  requestsPerSecond: 18,
  soonestCertificateExpiry: null,
  worstCheck: null,
  errors: [],
};

describe('postureFromOverview', () => {
  it('keeps every mesh of an entity that spans clusters with different meshes', () => {
    expect(postureFromOverview(shipping).memberships).toEqual([
      {
        mesh: 'linkerd',
        title: 'Linkerd',
        dataPlane: 'sidecar',
        clusters: ['homelab'],
      },
      {
        mesh: 'istio',
        title: 'Istio',
        dataPlane: 'sidecar',
        clusters: ['cloud'],
      },
    ]);
  });

  it('falls back to the row mesh for all its clusters without perCluster', () => {
    const { perCluster: _ignored, ...row } = shipping;
    expect(postureFromOverview(row).memberships).toEqual([
      {
        mesh: 'linkerd',
        title: 'Linkerd',
        dataPlane: 'sidecar',
        clusters: ['homelab', 'cloud'],
      },
    ]);
  });

  it('has no membership for an unmeshed entity', () => {
    expect(
      postureFromOverview({
        ...shipping,
        mesh: 'none',
        dataPlane: 'none',
        perCluster: [{ cluster: 'homelab', mesh: 'none', dataPlane: 'none' }],
      }).memberships,
    ).toEqual([]);
  });
});

describe('mesh titles', () => {
  it("names a mesh by its adapter's title, and by its id without one", () => {
    const row: OverviewEntity = {
      ...shipping,
      mesh: 'meshy',
      meshTitle: 'Meshy',
      perCluster: [
        {
          cluster: 'homelab',
          mesh: 'meshy',
          dataPlane: 'sidecar',
          meshTitle: 'Meshy',
        },
        { cluster: 'cloud', mesh: 'kuma', dataPlane: 'sidecar' },
      ],
    };
    expect(
      postureFromOverview(row).memberships.map(m => [m.mesh, m.title]),
    ).toEqual([
      ['meshy', 'Meshy'],
      ['kuma', 'kuma'],
    ]);
  });
});

describe('postureFromEntityStatus', () => {
  const workload = (
    name: string,
    mode: 'permissive' | 'unknown',
  ): WorkloadStatus => ({
    kind: 'Deployment',
    name,
    pods: 1,
    meshedPods: 1,
    proxyVersions: [],
    versionSkew: false,
    mtls: { mode, encryptedShare: null },
    metrics: null,
    edges: [],
  });
  const certificate = (
    role: 'workload' | 'issuer',
    daysLeft: number,
    status: 'ok' | 'warning',
  ) => ({
    role,
    subject: `${role} certificate`,
    issuer: 'root',
    serialNumber: '',
    notBefore: '',
    notAfter: '',
    daysLeft,
    status,
    source: 'test',
  });
  const homelab: ClusterMeshStatus = {
    cluster: 'homelab',
    namespace: 'shop',
    mesh: 'linkerd',
    dataPlane: 'sidecar',
    meshTitle: 'Linkerd',
    controlPlane: null,
    injection: { namespace: 'enabled', marker: null },
    workloads: [workload('cart', 'permissive'), workload('cron', 'unknown')],
    certificates: [
      certificate('workload', 0, 'ok'),
      certificate('issuer', 12, 'warning'),
    ],
    policies: [],
    checks: [],
    errors: [],
  };

  it('folds by the rules of the overview, so both documents read the same', () => {
    const posture = postureFromEntityStatus({
      entityRef: 'component:default/shop',
      window: '5m',
      generatedAt: new Date(0).toISOString(),
      clusters: [homelab],
    });
    // The overview's weakest mode, and its soonest certificate worth
    // attention: a workload certificate that renews itself is not.
    expect(posture.mtlsMode).toBe('unknown');
    expect(posture.soonestCertificate).toEqual({
      daysLeft: 12,
      status: 'warning',
      subject: 'issuer certificate',
    });
    expect(posture.memberships).toEqual([
      {
        mesh: 'linkerd',
        title: 'Linkerd',
        dataPlane: 'sidecar',
        clusters: ['homelab'],
      },
    ]);
  });
});

describe('postureFromEntityStatus: failing checks', () => {
  it('lists the IDs of the checks that warn or fail, each once', () => {
    const check = (id: string, status: 'pass' | 'warn' | 'fail') => ({
      id,
      status,
      message: '',
      hint: '',
    });
    const cluster = (name: string, checks: ReturnType<typeof check>[]) => ({
      cluster: name,
      namespace: 'shop',
      mesh: 'istio',
      dataPlane: 'sidecar',
      controlPlane: null,
      injection: { namespace: 'enabled' as const, marker: null },
      workloads: [],
      certificates: [],
      policies: [],
      checks,
      errors: [],
    });
    const posture = postureFromEntityStatus({
      entityRef: 'component:default/shipping',
      window: '5m',
      generatedAt: '2026-12-01T12:00:00Z',
      clusters: [
        cluster('homelab', [
          check('MESH-IST-006', 'fail'),
          check('MESH-COM-008', 'pass'),
        ]),
        cluster('cloud', [
          check('MESH-IST-006', 'fail'),
          check('MESH-COM-010', 'warn'),
        ]),
      ],
    });
    expect(posture.failingChecks).toEqual(['MESH-COM-010', 'MESH-IST-006']);
  });
});
