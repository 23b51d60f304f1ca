import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import { postureFromEntityStatus, postureFromOverview } from './posture';

const shipping: OverviewEntity = {
  entityRef: 'component:default/shipping',
  clusters: ['homelab', 'cloud'],
  mesh: 'linkerd',
  dataPlane: 'sidecar',
  perCluster: [
    { cluster: 'homelab', mesh: 'linkerd', dataPlane: 'sidecar' },
    { cluster: 'cloud', mesh: 'istio', dataPlane: 'sidecar' },
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
      { mesh: 'linkerd', dataPlane: 'sidecar', clusters: ['homelab'] },
      { mesh: 'istio', dataPlane: 'sidecar', clusters: ['cloud'] },
    ]);
  });

  it('falls back to the row mesh for all its clusters without perCluster', () => {
    const { perCluster: _ignored, ...row } = shipping;
    expect(postureFromOverview(row).memberships).toEqual([
      { mesh: 'linkerd', dataPlane: 'sidecar', clusters: ['homelab', 'cloud'] },
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

describe('postureFromEntityStatus', () => {
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
