import { describePosture } from './describePosture';
import { EntityPosture } from './posture';

const unmeshed: EntityPosture = {
  clusters: ['homelab'],
  memberships: [],
  pods: 1,
  meshedPods: 0,
  mtlsMode: 'disabled',
  encryptedShare: null,
  successRate: null,
  soonestCertificate: null,
  errors: [],
};

describe('describePosture', () => {
  it('speaks of a single pod in the singular', () => {
    expect(describePosture('cron', unmeshed)).toBe(
      'cron is not meshed (unmeshed): not in any mesh on homelab: its pod has no proxy, traffic in plaintext, without mTLS.',
    );
    expect(
      describePosture('cron', {
        ...unmeshed,
        memberships: [
          {
            mesh: 'linkerd',
            title: 'Linkerd',
            dataPlane: 'sidecar',
            clusters: ['homelab'],
          },
        ],
        meshedPods: 1,
        mtlsMode: 'strict',
      }),
    ).toBe(
      'cron runs in Linkerd sidecar on homelab: 1 of 1 pod with the proxy, mTLS strict.',
    );
  });

  it('says what the proxies cost, measured, so that "proxy cost" finds it', () => {
    const meshed: EntityPosture = {
      ...unmeshed,
      memberships: [
        {
          mesh: 'istio',
          title: 'Istio',
          dataPlane: 'ambient',
          clusters: ['cloud'],
        },
      ],
      meshedPods: 1,
      mtlsMode: 'strict',
    };
    expect(
      describePosture('reviews', {
        ...meshed,
        proxyShare: { cpu: 0.2344, memory: 0.1 },
      }),
    ).toBe(
      'reviews runs in Istio ambient (ztunnel) on cloud: 1 of 1 pod enrolled in ambient, mTLS strict, proxy cost 23.4% of CPU and 10% of memory.',
    );
    // Not measured: nothing said, never "0%".
    expect(describePosture('reviews', meshed)).not.toMatch(/proxy cost/);
  });

  it('says "not meshed" only of the clusters it could read', () => {
    expect(
      describePosture('reports', {
        ...unmeshed,
        clusters: ['homelab', 'cloud'],
        pods: 0,
        errors: [
          { cluster: 'cloud', source: 'kubernetes', message: 'timed out' },
        ],
      }),
    ).toBe(
      'reports is not meshed (unmeshed): not in any mesh on homelab: traffic in plaintext, without mTLS, status on cloud unknown: Kubernetes timed out.',
    );
  });

  it('reports an entity without running pods', () => {
    expect(
      describePosture('batch', {
        ...unmeshed,
        memberships: [
          {
            mesh: 'istio',
            title: 'Istio',
            dataPlane: 'ambient',
            clusters: ['cloud'],
          },
        ],
        clusters: ['cloud'],
        pods: 0,
        mtlsMode: 'unknown',
      }),
    ).toBe(
      'batch runs in Istio ambient (ztunnel) on cloud: no running pods found, mTLS mode unknown.',
    );
  });
});
