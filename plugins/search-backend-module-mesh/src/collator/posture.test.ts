import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import { postureFromOverview } from './posture';

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
