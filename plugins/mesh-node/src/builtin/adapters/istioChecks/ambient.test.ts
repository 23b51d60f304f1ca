import { IstioAdapter } from '../istio';
import {
  assessment,
  ids,
  namespace,
  object,
  pod,
  workload,
} from '../__testUtils__/assessment';

const istio = new IstioAdapter();
const ambientPod = pod('api-1', {
  labels: { app: 'api' },
  annotations: { 'ambient.istio.io/redirection': 'enabled' },
});
const ambient = {
  dataPlane: 'ambient',
  injection: { namespace: 'enabled' as const, marker: null },
  enrolled: true,
};
const waypoint = (name = 'waypoint') =>
  object('gateway.networking.k8s.io/v1', 'Gateway', name, {
    gatewayClassName: 'istio-waypoint',
  });
const l7Policy = (spec: any) =>
  object('security.istio.io/v1', 'AuthorizationPolicy', 'api-get', {
    action: 'ALLOW',
    rules: [{ to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
    ...spec,
  });
const l4Policy = object(
  'security.istio.io/v1',
  'AuthorizationPolicy',
  'api-l4',
  {
    selector: { matchLabels: { app: 'api' } },
    rules: [
      {
        from: [{ source: { namespaces: ['shop'] } }],
        to: [{ operation: { ports: ['8080'] } }],
      },
    ],
  },
);
const ns = namespace({ labels: { 'istio.io/dataplane-mode': 'ambient' } });
const runAll = (options: Parameters<typeof assessment>[0]) =>
  istio.checks(
    assessment({
      namespace: ns,
      detection: ambient,
      workloads: [workload('api', [ambientPod])],
      ...options,
    }),
  );
/** The checks but MESH-AMB-006 (waypoint metrics), which has its own test. */
const run = (options: Parameters<typeof assessment>[0]) =>
  runAll(options).filter(c => c.id !== 'MESH-AMB-006');
const selectorPolicy = l7Policy({ selector: { matchLabels: { app: 'api' } } });
const targetedPolicy = l7Policy({
  targetRefs: [
    { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' },
  ],
});

describe('Istio ambient checks', () => {
  it('MESH-AMB-001: an L7 policy without any waypoint', () => {
    const fired = run({ policies: { AuthorizationPolicy: [selectorPolicy] } });
    expect(ids(fired)).toEqual(['MESH-AMB-001 fail']);
    expect(fired[0].message).toContain('matches on methods, paths');
    expect(fired[0].message).toContain('fails safe');
    expect(run({ policies: { AuthorizationPolicy: [l4Policy] } })).toEqual([]);
    expect(
      run({
        policies: { AuthorizationPolicy: [targetedPolicy] },
        resources: { Gateway: [waypoint()] },
      }),
    ).toEqual([]);
  });

  it('MESH-AMB-002: istio.io/use-waypoint naming a missing waypoint', () => {
    const labelled = namespace({
      labels: {
        'istio.io/dataplane-mode': 'ambient',
        'istio.io/use-waypoint': 'shop-waypoint',
      },
    });
    const fired = run({ namespace: labelled });
    expect(ids(fired)).toEqual(['MESH-AMB-002 fail']);
    expect(fired[0].message).toContain(
      'namespace shop uses waypoint shop-waypoint',
    );
    expect(fired[0].hint).toContain(
      'istioctl waypoint apply -n shop --name shop-waypoint',
    );
    expect(
      run({
        namespace: labelled,
        resources: { Gateway: [waypoint('shop-waypoint')] },
      }),
    ).toEqual([]);
  });

  it('MESH-AMB-003: a selector-based L7 policy beside a waypoint', () => {
    const fired = run({
      policies: { AuthorizationPolicy: [selectorPolicy] },
      resources: { Gateway: [waypoint()] },
    });
    expect(ids(fired)).toEqual(['MESH-AMB-003 fail']);
    expect(fired[0].hint).toContain('spec.targetRefs');
  });

  it('MESH-AMB-004: Sidecar and EnvoyFilter in an ambient namespace, not in a sidecar one', () => {
    const resources = {
      Sidecar: [object('networking.istio.io/v1', 'Sidecar', 'default', {})],
      EnvoyFilter: [
        object('networking.istio.io/v1alpha3', 'EnvoyFilter', 'lua', {}),
      ],
    };
    const fired = run({ resources });
    expect(ids(fired)).toEqual(['MESH-AMB-004 warn']);
    expect(fired[0].message).toContain('Sidecar default, EnvoyFilter lua');
    expect(
      istio.checks(
        assessment({
          namespace: namespace({ labels: { 'istio-injection': 'enabled' } }),
          resources,
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-AMB-005: ambient and sidecar injection on one namespace', () => {
    const both = namespace({
      labels: {
        'istio.io/dataplane-mode': 'ambient',
        'istio-injection': 'enabled',
      },
    });
    expect(ids(run({ namespace: both }))).toEqual(['MESH-AMB-005 warn']);
    expect(run({})).toEqual([]);
  });

  it('MESH-AMB-006: no waypoint, hence TCP metrics only, said so', () => {
    const fired = runAll({});
    expect(ids(fired)).toEqual(['MESH-AMB-006 warn']);
    expect(fired[0].message).toBe(
      'Namespace shop is ambient without a waypoint: ztunnel reports TCP connections only, so api has no HTTP success rate or latency',
    );
    expect(ids(runAll({ resources: { Gateway: [waypoint()] } }))).toEqual([
      'MESH-AMB-006 pass',
    ]);
    expect(
      istio.checks(
        assessment({
          namespace: namespace({ labels: { 'istio-injection': 'enabled' } }),
          workloads: [workload('api', [ambientPod])],
        }),
      ),
    ).toEqual([]);
  });
});
