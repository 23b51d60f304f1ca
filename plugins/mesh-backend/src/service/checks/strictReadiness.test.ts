import {
  ClusterMeshStatus,
  WorkloadStatus,
} from '@meshlens/plugin-mesh-common';
import { strictReadinessChecks } from './strictReadiness';

const workload = (mtls: Partial<WorkloadStatus>): WorkloadStatus => ({
  kind: 'Deployment',
  name: 'api',
  pods: 2,
  meshedPods: 2,
  proxyVersions: ['1.27.1'],
  versionSkew: false,
  mtls: { mode: 'permissive', encryptedShare: 1 },
  metrics: null,
  edges: [],
  ...mtls,
});
const status = (w: WorkloadStatus): ClusterMeshStatus => ({
  cluster: 'homelab',
  namespace: 'shop',
  mesh: 'istio',
  dataPlane: 'sidecar',
  controlPlane: null,
  injection: { namespace: 'enabled', marker: null },
  workloads: [w],
  certificates: [],
  policies: [],
  checks: [],
  errors: [],
});
const plainCaller = {
  direction: 'inbound' as const,
  peer: { namespace: 'legacy', name: 'cron' },
  requestsPerSecond: 2,
  successRate: 1,
  mtls: false,
};

describe('MESH-COM-016 PERMISSIVE to STRICT readiness', () => {
  it('names the plaintext callers when the workload is not ready', () => {
    const [check] = strictReadinessChecks(
      status(
        workload({
          mtls: { mode: 'permissive', encryptedShare: 0.75 },
          edges: [plainCaller],
        }),
      ),
    );
    expect(check).toMatchObject({ id: 'MESH-COM-016', status: 'warn' });
    expect(check.message).toBe(
      'api is not ready for STRICT: 25% of inbound requests are plaintext, from legacy/cron',
    );
  });

  it('says plaintext comes from outside the mesh when no edge names the caller', () => {
    const [check] = strictReadinessChecks(
      status(workload({ mtls: { mode: 'permissive', encryptedShare: 0.9 } })),
    );
    expect(check.status).toBe('warn');
    expect(check.message).toContain('from callers outside the mesh');
  });

  it('passes when every request was mTLS, and does not guess without traffic', () => {
    const [ready] = strictReadinessChecks(status(workload({})));
    expect(ready).toMatchObject({ id: 'MESH-COM-016', status: 'pass' });
    expect(ready.hint).toContain('spec.mtls.mode: STRICT');
    const [idle] = strictReadinessChecks(
      status(workload({ mtls: { mode: 'permissive', encryptedShare: null } })),
    );
    expect(idle.message).toContain('had no inbound traffic in the window');
  });

  it('leaves STRICT and unmeshed workloads alone', () => {
    expect(
      strictReadinessChecks(
        status(workload({ mtls: { mode: 'strict', encryptedShare: 0.5 } })),
      ),
    ).toEqual([]);
    expect(strictReadinessChecks(status(workload({ meshedPods: 0 })))).toEqual(
      [],
    );
  });
});
