import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import { postureFromOverview } from './posture';

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
