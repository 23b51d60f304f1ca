import {
  ClusterMeshStatus,
  Edge,
  WorkloadStatus,
} from '@meshlens/plugin-mesh-common';
import { plaintextChecks } from './mtls';

const workload = (over: Partial<WorkloadStatus>): WorkloadStatus => ({
  kind: 'Deployment',
  name: 'storefront',
  pods: 3,
  meshedPods: 3,
  proxyVersions: ['edge-26.8.3'],
  versionSkew: false,
  mtls: { mode: 'automatic', encryptedShare: 0.5 },
  metrics: {
    requestsPerSecond: 48,
    successRate: 1,
    latencyMs: { p50: 1, p95: 2, p99: 3 },
  },
  edges: [],
  ...over,
});
const status = (w: WorkloadStatus): ClusterMeshStatus => ({
  cluster: 'homelab',
  namespace: 'storefront',
  mesh: 'linkerd',
  dataPlane: 'sidecar',
  controlPlane: null,
  injection: { namespace: 'enabled', marker: null },
  workloads: [w],
  certificates: [],
  policies: [],
  checks: [],
  errors: [],
});
const meshedCaller: Edge = {
  direction: 'inbound',
  peer: { namespace: 'shop', name: 'web' },
  requestsPerSecond: 24,
  successRate: 1,
  mtls: true,
};
const ingressCaller: Edge = {
  direction: 'inbound',
  peer: { namespace: 'storefront', name: 'storefront' },
  requestsPerSecond: 24,
  successRate: null,
  mtls: false,
  callerKind: 'ingress',
  ingress: 'traefik',
  recognisedBy: 'Ingress storefront/storefront (class traefik)',
};
const enrollHint = (ns: string) => `kubectl annotate namespace ${ns} mesh=on`;

describe('MESH-COM-012 inbound requests are mTLS', () => {
  it('passes plaintext that only an ingress outside the mesh sends, with the way to mesh it', () => {
    const [check] = plaintextChecks(
      status(workload({ edges: [meshedCaller, ingressCaller] })),
      enrollHint,
    );
    expect(check).toMatchObject({ id: 'MESH-COM-012', status: 'pass' });
    expect(check.message).toBe(
      'storefront: the plaintext inbound requests come from ingress: traefik (storefront/storefront) via Ingress storefront/storefront (class traefik), outside the mesh; expected for north-south traffic, every other caller uses mTLS',
    );
    expect(check.hint).toBe(
      'To encrypt the ingress hop as well, mesh the ingress controller (traefik): kubectl annotate namespace <the controller namespace> mesh=on',
    );
  });

  it('warns, not fails, when the workload also sends plaintext to a callee', () => {
    const [check] = plaintextChecks(
      status(
        workload({
          edges: [
            ingressCaller,
            {
              direction: 'outbound',
              peer: { namespace: 'payments', name: 'payments' },
              requestsPerSecond: 3,
              successRate: 1,
              mtls: false,
            },
          ],
          mtls: { mode: 'automatic', encryptedShare: 0 },
          metrics: {
            requestsPerSecond: 24,
            successRate: 1,
            latencyMs: { p50: 1, p95: 2, p99: 3 },
          },
        }),
      ),
    );
    expect(check).toMatchObject({ id: 'MESH-COM-012', status: 'warn' });
    expect(check.message).toBe(
      'storefront sends plaintext to payments/payments; the plaintext inbound requests come from ingress: traefik (storefront/storefront) via Ingress storefront/storefront (class traefik), outside the mesh; expected for north-south traffic',
    );
  });

  it('fails plaintext from another unmeshed caller, naming it', () => {
    const [check] = plaintextChecks(
      status(
        workload({
          edges: [
            ingressCaller,
            {
              ...ingressCaller,
              peer: { namespace: 'batch', name: 'import' },
              callerKind: 'unmeshed',
              ingress: undefined,
              recognisedBy: undefined,
              requestsPerSecond: 4,
            },
          ],
          mtls: { mode: 'automatic', encryptedShare: 20 / 48 },
        }),
      ),
      enrollHint,
    );
    expect(check).toMatchObject({ id: 'MESH-COM-012', status: 'fail' });
    expect(check.message).toContain('batch/import inbound');
    expect(check.message).toContain(
      'ingress: traefik (storefront/storefront) inbound',
    );
  });

  it('still grades plaintext the ingress does not explain', () => {
    const [check] = plaintextChecks(
      status(
        workload({
          edges: [{ ...ingressCaller, requestsPerSecond: 10 }],
        }),
      ),
    );
    // Half of the requests are plaintext: a warning, as without an ingress.
    expect(check).toMatchObject({ id: 'MESH-COM-012', status: 'warn' });
    expect(check.message).toContain('50% of inbound requests are not mTLS');
  });

  it('says nothing when every request is mTLS', () => {
    expect(
      plaintextChecks(
        status(
          workload({
            edges: [meshedCaller],
            mtls: { mode: 'automatic', encryptedShare: 1 },
          }),
        ),
      ),
    ).toEqual([]);
  });
});
