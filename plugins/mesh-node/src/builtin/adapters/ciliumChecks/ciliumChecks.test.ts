import { CiliumAdapter } from '../cilium';
import {
  assessment,
  controlPlane,
  ids,
  object,
  pod,
  workload,
} from '../__testUtils__/assessment';

const cilium = new CiliumAdapter();
const l7 = object('cilium.io/v2', 'CiliumNetworkPolicy', 'api-l7', {
  endpointSelector: { matchLabels: { app: 'api' } },
  ingress: [
    { toPorts: [{ ports: [{ port: '8080' }], rules: { http: [{}] } }] },
  ],
});
const auth = object('cilium.io/v2', 'CiliumNetworkPolicy', 'api-auth', {
  endpointSelector: { matchLabels: { app: 'api' } },
  ingress: [{ authentication: { mode: 'required' } }],
});
const healthy = {
  encryption: true,
  hubble: true,
  hubbleMetrics: 'dns drop tcp flow httpV2:labelsContext=source_namespace',
  meshAuth: true,
};
const run = (
  details: Record<string, any>,
  options: Parameters<typeof assessment>[0] = {},
) => {
  const context = assessment({
    controlPlane: controlPlane({ ...healthy, ...details }),
    detection: {
      dataPlane: 'ebpf',
      injection: { namespace: 'enabled', marker: null },
      enrolled: true,
    },
    workloads: [workload('api', [pod('api-1', { labels: { app: 'api' } })])],
    ...options,
  });
  context.resources.CiliumNetworkPolicy ??=
    context.policies.CiliumNetworkPolicy ?? [];
  return cilium.checks(context);
};
const failing = (checks: ReturnType<typeof run>) =>
  ids(checks.filter(c => c.status !== 'pass'));

describe('Cilium checks', () => {
  it('MESH-CIL-001: no L7 policy, hence no HTTP metrics, said so', () => {
    const fired = run({});
    expect(failing(fired)).toEqual(['MESH-CIL-001 warn']);
    expect(fired[0].message).toContain(
      'Hubble reports no HTTP metrics for them',
    );
    expect(
      failing(run({}, { policies: { CiliumNetworkPolicy: [l7] } })),
    ).toEqual([]);
  });

  it('MESH-CIL-002: the removed proxy-visibility annotation', () => {
    const annotated = workload('api', [
      pod('api-1', {
        labels: { app: 'api' },
        annotations: {
          'policy.cilium.io/proxy-visibility': '<Ingress/8080/TCP/HTTP>',
        },
      }),
    ]);
    expect(
      failing(
        run(
          {},
          { workloads: [annotated], policies: { CiliumNetworkPolicy: [l7] } },
        ),
      ),
    ).toEqual(['MESH-CIL-002 warn']);
  });

  it('MESH-CIL-003: transparent encryption off, and on', () => {
    const policies = { CiliumNetworkPolicy: [l7] };
    expect(failing(run({ encryption: false }, { policies }))).toEqual([
      'MESH-CIL-003 warn',
    ]);
    expect(ids(run({}, { policies }))).toContain('MESH-CIL-003 pass');
  });

  it('MESH-CIL-004: Hubble, or its HTTP metrics, off; not judged when the key is absent', () => {
    const policies = { CiliumNetworkPolicy: [l7] };
    expect(failing(run({ hubble: false }, { policies }))).toEqual([
      'MESH-CIL-004 fail',
    ]);
    const noHttp = run({ hubbleMetrics: 'dns drop tcp flow' }, { policies });
    expect(failing(noHttp)).toEqual(['MESH-CIL-004 fail']);
    expect(noHttp.find(c => c.id === 'MESH-CIL-004')?.message).toContain(
      '"dns drop tcp flow"',
    );
    expect(failing(run({ hubbleMetrics: 'dns,http' }, { policies }))).toEqual(
      [],
    );
    expect(failing(run({ hubbleMetrics: null }, { policies }))).toEqual([]);
  });

  it('MESH-CIL-005: mutual authentication off, a failure where a policy requires it', () => {
    expect(
      failing(
        run({ meshAuth: false }, { policies: { CiliumNetworkPolicy: [l7] } }),
      ),
    ).toEqual(['MESH-CIL-005 warn']);
    const required = run(
      { meshAuth: false },
      { policies: { CiliumNetworkPolicy: [l7, auth] } },
    );
    expect(failing(required)).toEqual(['MESH-CIL-005 fail']);
    expect(required.find(c => c.id === 'MESH-CIL-005')?.message).toContain(
      'CiliumNetworkPolicy api-auth require mutual authentication',
    );
    expect(
      failing(
        run(
          { meshAuth: true },
          { policies: { CiliumNetworkPolicy: [l7, auth] } },
        ),
      ),
    ).toEqual([]);
  });
});
