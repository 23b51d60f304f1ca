import { IstioAdapter } from '../istio';
import {
  assessment,
  controlPlane,
  ids,
  namespace,
  object,
  pod,
  workload,
} from '../__testUtils__/assessment';

const istio = new IstioAdapter();
const NET = 'networking.istio.io/v1';
const sidecar = {
  name: 'istio-proxy',
  image: 'docker.io/istio/proxyv2:1.27.1',
};
const sidecarPod = (
  name: string,
  app: string,
  init: string[] = ['istio-init'],
) =>
  pod(name, {
    labels: { app },
    initContainers: init.map(n => ({ name: n })),
    containers: [{ name: 'app' }, sidecar],
  });
const plainPod = (name: string, app: string) => pod(name, { labels: { app } });
const service = (name: string) =>
  object('v1', 'Service', name, { selector: { app: name } });
const dr = (name: string, host: string, spec: any) =>
  object(NET, 'DestinationRule', name, { host, ...spec });
const injected = namespace({ labels: { 'istio-injection': 'enabled' } });
const checksOf = (context: ReturnType<typeof assessment>) =>
  istio.checks(context);

describe('Istio checks', () => {
  it('MESH-IST-001 and -002: two injection labels, and the deprecated annotation', () => {
    const fired = checksOf(
      assessment({
        namespace: namespace({
          labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' },
        }),
        controlPlane: controlPlane({ revisions: ['canary'] }),
        workloads: [
          workload('api', [sidecarPod('api-1', 'api')], {
            annotations: { 'sidecar.istio.io/inject': 'true' },
          }),
        ],
      }),
    );
    expect(ids(fired)).toEqual(['MESH-IST-001 warn', 'MESH-IST-002 warn']);
    expect(
      checksOf(
        assessment({
          namespace: injected,
          workloads: [
            workload('api', [sidecarPod('api-1', 'api')], {
              labels: { 'sidecar.istio.io/inject': 'true' },
            }),
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-IST-003: STRICT with plaintext callers', () => {
    const policies = {
      PeerAuthentication: [
        object('security.istio.io/v1', 'PeerAuthentication', 'default', {
          mtls: { mode: 'STRICT' },
        }),
      ],
    };
    const traffic = (mtls: boolean) => [
      {
        namespace: 'shop',
        workload: 'api',
        metrics: null,
        encryptedShare: mtls ? 1 : 0.5,
        edges: [
          {
            direction: 'inbound' as const,
            peer: { namespace: 'legacy', name: 'cron' },
            requestsPerSecond: 1,
            successRate: 1,
            mtls,
          },
        ],
      },
    ];
    const base = {
      namespace: injected,
      workloads: [workload('api', [sidecarPod('api-1', 'api')])],
      policies,
    };
    const fired = checksOf(assessment({ ...base, traffic: traffic(false) }));
    expect(ids(fired)).toEqual(['MESH-IST-003 fail']);
    expect(fired[0].message).toContain('from legacy/cron');
    expect(checksOf(assessment({ ...base, traffic: traffic(true) }))).toEqual(
      [],
    );
  });

  it('MESH-IST-004: ISTIO_MUTUAL towards pods without a sidecar', () => {
    const kiali = plainPod('kiali-1', 'kiali');
    const context = (pods: any[]) =>
      assessment({
        namespace: injected,
        pods,
        resources: { Service: [service('kiali')] },
        policies: {
          DestinationRule: [
            dr('kiali', 'kiali.shop.svc.cluster.local', {
              trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
            }),
          ],
        },
      });
    const fired = checksOf(context([kiali]));
    expect(ids(fired)).toEqual(['MESH-IST-004 fail']);
    expect(fired[0].message).toContain(
      'DestinationRule shop/kiali sends ISTIO_MUTUAL to kiali.shop.svc.cluster.local, whose pods (kiali-1) have no Istio proxy',
    );
    expect(fired[0].hint).toContain('tls.mode: DISABLE');
    expect(checksOf(context([sidecarPod('kiali-1', 'kiali')]))).toEqual([]);
  });

  it('MESH-IST-005: DISABLE towards a STRICT sidecar', () => {
    const context = (mode: string) =>
      assessment({
        namespace: injected,
        pods: [sidecarPod('api-1', 'api')],
        resources: { Service: [service('api')] },
        policies: {
          PeerAuthentication: [
            object('security.istio.io/v1', 'PeerAuthentication', 'default', {
              mtls: { mode },
            }),
          ],
          DestinationRule: [
            dr('api', 'api', { trafficPolicy: { tls: { mode: 'DISABLE' } } }),
          ],
        },
      });
    expect(ids(checksOf(context('STRICT')))).toEqual(['MESH-IST-005 fail']);
    expect(checksOf(context('PERMISSIVE'))).toEqual([]);
  });

  it('MESH-IST-006: Pod Security refuses istio-init; the ReplicaSet condition is named', () => {
    const restricted = namespace({
      labels: {
        'istio-injection': 'enabled',
        'pod-security.kubernetes.io/enforce': 'baseline',
      },
    });
    const refusal =
      'pods "api-7d9-x" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "istio-init" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)';
    const rs = object(
      'apps/v1',
      'ReplicaSet',
      'api-7d9',
      {},
      {
        ownerReferences: [{ kind: 'Deployment', name: 'api' }],
        status: {
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: refusal,
            },
          ],
        },
      },
    );
    const withEvidence = checksOf(
      assessment({
        namespace: restricted,
        workloads: [workload('api', [])],
        resources: { ReplicaSet: [rs] },
      }),
    );
    expect(ids(withEvidence)).toEqual(['MESH-IST-006 fail']);
    expect(withEvidence[0].message).toContain(
      `ReplicaSet shop/api-7d9: ${refusal}`,
    );
    // No pod yet, but no istio-cni either: the refusal is certain.
    expect(
      ids(
        checksOf(
          assessment({
            namespace: restricted,
            controlPlane: controlPlane({ cni: false }),
          }),
        ),
      ),
    ).toEqual(['MESH-IST-006 fail']);
    expect(
      checksOf(
        assessment({
          namespace: restricted,
          controlPlane: controlPlane({ cni: true }),
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-IST-007: what the injector added against the istio-cni DaemonSet', () => {
    const validated = [
      workload('api', [sidecarPod('api-1', 'api', ['istio-validation'])]),
    ];
    const iptables = [
      workload('api', [sidecarPod('api-1', 'api', ['istio-init'])]),
    ];
    const run = (cni: boolean, workloads: any[]) =>
      checksOf(
        assessment({
          namespace: injected,
          controlPlane: controlPlane({ cni }),
          workloads,
        }),
      );
    expect(ids(run(false, validated))).toEqual(['MESH-IST-007 fail']);
    expect(ids(run(true, iptables))).toEqual(['MESH-IST-007 warn']);
    expect(run(true, validated)).toEqual([]);
    expect(run(false, iptables)).toEqual([]);
  });

  it('MESH-IST-008: application init containers before istio-proxy', () => {
    const early = checksOf(
      assessment({
        namespace: injected,
        workloads: [
          workload('kyverno', [
            sidecarPod('kyverno-1', 'kyverno', ['istio-init', 'kyverno-pre']),
          ]),
        ],
      }),
    );
    expect(ids(early)).toEqual(['MESH-IST-008 warn']);
    expect(early[0].message).toContain('kyverno (kyverno-pre)');
    expect(early[0].hint).toContain('sidecar.istio.io/nativeSidecar');
    const native = pod('kyverno-1', {
      labels: { app: 'kyverno' },
      initContainers: [
        { name: 'istio-init' },
        { ...sidecar, restartPolicy: 'Always' },
        { name: 'kyverno-pre' },
      ],
    });
    expect(
      checksOf(
        assessment({
          namespace: injected,
          workloads: [workload('kyverno', [native])],
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-IST-009: a VirtualService route to a missing host or subset', () => {
    const vs = object(NET, 'VirtualService', 'reviews', {
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
            { destination: { host: 'ratings' } },
            { destination: { host: 'httpbin.org' } },
          ],
        },
      ],
    });
    const context = (subsets: string[], services: string[]) =>
      assessment({
        namespace: injected,
        resources: { Service: services.map(service) },
        policies: {
          VirtualService: [vs],
          DestinationRule: [
            dr('reviews', 'reviews', {
              subsets: subsets.map(name => ({
                name,
                labels: { version: name },
              })),
            }),
          ],
        },
      });
    const fired = checksOf(context(['v1'], ['reviews']));
    expect(ids(fired)).toEqual(['MESH-IST-009 fail']);
    expect(fired[0].message).toContain(
      'VirtualService shop/reviews routes to subset v2 of reviews, which no DestinationRule in shop defines',
    );
    expect(fired[0].message).toContain('no Service ratings exists in shop');
    expect(checksOf(context(['v1', 'v2'], ['reviews', 'ratings']))).toEqual([]);
  });

  it('MESH-IST-010: a revision that no istiod serves', () => {
    const context = (revisions: string[], pods: any[]) =>
      assessment({
        namespace: namespace({ labels: { 'istio.io/rev': '1-27' } }),
        controlPlane: controlPlane({ revisions }),
        workloads: [workload('api', pods)],
      });
    const fired = checksOf(context(['1-26'], [plainPod('api-1', 'api')]));
    expect(ids(fired)).toEqual(['MESH-IST-010 fail']);
    expect(fired[0].message).toContain('the istiod Deployments run 1-26');
    expect(checksOf(context(['1-27'], [plainPod('api-1', 'api')]))).toEqual([]);
    // A revision tag serves it: its pods have sidecars.
    expect(checksOf(context(['1-26'], [sidecarPod('api-1', 'api')]))).toEqual(
      [],
    );
  });
});
