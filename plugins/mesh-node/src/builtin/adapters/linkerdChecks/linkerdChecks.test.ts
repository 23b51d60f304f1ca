import { LinkerdAdapter } from '../linkerd';
import {
  assessment,
  controlPlane,
  ids,
  namespace,
  object,
  pod,
  workload,
} from '../__testUtils__/assessment';

const linkerd = new LinkerdAdapter();
const POLICY = 'policy.linkerd.io/v1beta3';
const proxy = {
  name: 'linkerd-proxy',
  image: 'cr.l5d.io/linkerd/proxy:edge-25.1.1',
};
const meshedPod = (name: string, extra: Parameters<typeof pod>[1] = {}) =>
  pod(name, {
    labels: { app: 'api', 'linkerd.io/control-plane-ns': 'linkerd' },
    containers: [{ name: 'app' }, proxy],
    ...extra,
  });
const api = (extra?: Parameters<typeof pod>[1], template = {}) =>
  workload('api', [meshedPod('api-1', extra)], template);
const server = (name: string, port: number | string, spec: any = {}) =>
  object(POLICY, 'Server', name, {
    podSelector: { matchLabels: { app: 'api' } },
    port,
    ...spec,
  });
const checksOf = (context: ReturnType<typeof assessment>) =>
  linkerd.checks(context);

describe('Linkerd checks', () => {
  it('MESH-LNK-001 and -002: a mistaken label and an invalid value, named with their fix', () => {
    const fired = checksOf(
      assessment({
        namespace: namespace({
          labels: { 'linkerd.io/injection': 'enabled' },
          annotations: { 'linkerd.io/inject': 'true' },
        }),
      }),
    );
    expect(ids(fired)).toEqual(['MESH-LNK-001 fail', 'MESH-LNK-002 fail']);
    expect(fired[0].hint).toContain(
      'kubectl label namespace shop linkerd.io/injection-',
    );
    expect(fired[0].title).toBe(
      'Injection is switched by the annotation, not a label',
    );
    expect(
      checksOf(
        assessment({
          namespace: namespace({
            annotations: { 'linkerd.io/inject': 'enabled' },
          }),
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-LNK-003: pods injected with an older trust anchor', () => {
    const stale = assessment({
      controlPlane: controlPlane({ trustRootSha256: 'new' }),
      workloads: [
        api({ annotations: { 'linkerd.io/trust-root-sha256': 'old' } }),
      ],
    });
    expect(ids(checksOf(stale))).toEqual(['MESH-LNK-003 fail']);
    expect(checksOf(stale)[0].message).toBe(
      '1 pod was injected with an older trust anchor (api-1)',
    );
    const current = assessment({
      controlPlane: controlPlane({ trustRootSha256: 'new' }),
      workloads: [
        api({ annotations: { 'linkerd.io/trust-root-sha256': 'new' } }),
      ],
    });
    expect(ids(checksOf(current))).toEqual(['MESH-LNK-003 pass']);
  });

  it('MESH-LNK-004: a Server that nothing authorizes denies every request', () => {
    const alone = assessment({
      workloads: [api()],
      policies: { Server: [server('api-http', 8080)] },
    });
    const fired = checksOf(alone);
    expect(ids(fired)).toEqual(['MESH-LNK-004 fail']);
    expect(fired[0].message).toContain(
      'Server shop/api-http (port 8080) selects api',
    );
    expect(fired[0].hint).toContain('kind: AuthorizationPolicy');

    const authorized = (policies: Record<string, any[]>) =>
      checksOf(
        assessment({
          workloads: [api()],
          policies: { Server: [server('api-http', 8080)], ...policies },
        }),
      );
    const ap = (targetRef: any) =>
      object('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', 'allow', {
        targetRef,
      });
    expect(
      authorized({
        AuthorizationPolicy: [ap({ kind: 'Server', name: 'api-http' })],
      }),
    ).toEqual([]);
    expect(
      authorized({
        AuthorizationPolicy: [ap({ kind: 'Namespace', name: 'shop' })],
      }),
    ).toEqual([]);
    expect(
      authorized({
        HTTPRoute: [
          object(POLICY, 'HTTPRoute', 'api-route', {
            parentRefs: [{ kind: 'Server', name: 'api-http' }],
          }),
        ],
        AuthorizationPolicy: [ap({ kind: 'HTTPRoute', name: 'api-route' })],
      }),
    ).toEqual([]);
    expect(
      authorized({
        ServerAuthorization: [
          object('policy.linkerd.io/v1beta1', 'ServerAuthorization', 'sa', {
            server: { name: 'api-http' },
          }),
        ],
      }),
    ).toEqual([]);
    // A Server of other pods is not the entity's concern.
    expect(
      checksOf(
        assessment({
          workloads: [api()],
          policies: {
            Server: [
              object(POLICY, 'Server', 'db', {
                podSelector: { matchLabels: { app: 'db' } },
                port: 5432,
              }),
            ],
          },
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-LNK-005: default deny without an authorized admin Server blocks scraping', () => {
    const denied = assessment({
      namespace: namespace({
        annotations: {
          'linkerd.io/inject': 'enabled',
          'config.linkerd.io/default-inbound-policy': 'deny',
        },
      }),
      workloads: [api()],
      traffic: [],
    });
    const fired = checksOf(denied);
    expect(ids(fired)).toEqual(['MESH-LNK-005 warn']);
    expect(fired[0].message).toContain('api (deny, from namespace shop)');
    expect(fired[0].message).toContain('Prometheus has no series for api');
    expect(fired[0].hint).toContain('port: linkerd-admin');

    const opened = assessment({
      namespace: denied.namespace,
      workloads: [api()],
      policies: {
        Server: [server('linkerd-admin', 'linkerd-admin')],
        AuthorizationPolicy: [
          object('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', 'prom', {
            targetRef: { kind: 'Server', name: 'linkerd-admin' },
          }),
        ],
      },
    });
    expect(checksOf(opened)).toEqual([]);
    const allowed = assessment({
      controlPlane: controlPlane({
        defaultInboundPolicy: 'all-unauthenticated',
      }),
      workloads: [api()],
    });
    expect(checksOf(allowed)).toEqual([]);
  });

  it('MESH-LNK-006: application init containers before a regular proxy, not before a native one', () => {
    const regular = assessment({
      workloads: [
        api({
          initContainers: [{ name: 'linkerd-init' }, { name: 'migrate' }],
        }),
      ],
    });
    const fired = checksOf(regular);
    expect(ids(fired)).toEqual(['MESH-LNK-006 warn']);
    expect(fired[0].message).toContain('api (migrate)');
    expect(fired[0].hint).toContain(
      'config.alpha.linkerd.io/proxy-enable-native-sidecar',
    );
    const native = assessment({
      workloads: [
        workload('api', [
          pod('api-1', {
            labels: { app: 'api', 'linkerd.io/control-plane-ns': 'linkerd' },
            initContainers: [
              { name: 'linkerd-init' },
              { ...proxy, restartPolicy: 'Always' },
              { name: 'migrate' },
            ],
          }),
        ]),
      ],
    });
    expect(checksOf(native)).toEqual([]);
  });

  it('MESH-LNK-007: injection asked for where the webhook never looks', () => {
    const excluded = assessment({
      namespace: namespace({
        labels: { 'config.linkerd.io/admission-webhooks': 'disabled' },
        annotations: { 'linkerd.io/inject': 'enabled' },
      }),
    });
    expect(ids(checksOf(excluded))).toEqual(['MESH-LNK-007 fail']);
    const kubeSystem = assessment({
      namespace: namespace(
        { annotations: { 'linkerd.io/inject': 'enabled' } },
        'kube-system',
      ),
      namespaceName: 'kube-system',
    });
    expect(ids(checksOf(kubeSystem))).toEqual(['MESH-LNK-007 fail']);
    expect(
      checksOf(
        assessment({
          namespace: namespace({
            labels: { 'config.linkerd.io/admission-webhooks': 'disabled' },
          }),
        }),
      ),
    ).toEqual([]);
  });

  it('MESH-LNK-008: a hand-set opaque-ports list that leaves out a server-speaks-first port', () => {
    const mysql = (annotations: Record<string, string>) =>
      assessment({
        workloads: [
          workload(
            'db',
            [
              meshedPod('db-1', {
                containers: [
                  { name: 'mysql', ports: [{ containerPort: 3306 }] },
                  proxy,
                ],
              }),
            ],
            { annotations },
          ),
        ],
      });
    const fired = checksOf(mysql({ 'config.linkerd.io/opaque-ports': '8080' }));
    expect(ids(fired)).toEqual(['MESH-LNK-008 warn']);
    expect(fired[0].message).toContain('db port 3306 (MySQL)');
    expect(
      checksOf(mysql({ 'config.linkerd.io/opaque-ports': '8080,3300-3310' })),
    ).toEqual([]);
    expect(
      checksOf(
        mysql({
          'config.linkerd.io/opaque-ports': '8080',
          'config.linkerd.io/skip-inbound-ports': '3306',
        }),
      ),
    ).toEqual([]);
    // Without a list of its own, Linkerd's default one covers MySQL.
    expect(checksOf(mysql({}))).toEqual([]);
  });
});
