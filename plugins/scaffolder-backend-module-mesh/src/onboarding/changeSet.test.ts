import {
  KUBE_RESOURCES,
  managedObject,
  MESH_POLICY_NAME,
} from '@meshlens/plugin-mesh-node';
import { namespace } from '../__testUtils__/fixtures';
import { MESHY_ENROL_LABEL, MESHY_POLICY } from '../__testUtils__/meshyAdapter';
import {
  healthyControlPlane as controlPlane,
  meshyMesh,
} from '../__testUtils__/planning';
import { onboardingMeshes } from '../actions/options';
import { desiredState } from './changeSet';
import { OnboardingRequest } from './types';

function request(over: Partial<OnboardingRequest> = {}): OnboardingRequest {
  return {
    cluster: 'homelab',
    namespace: 'shop',
    mesh: 'meshy',
    dataPlane: 'sidecar',
    mtlsMode: 'strict',
    defaultPolicy: 'allow-same-namespace',
    allowFrom: [],
    ...over,
  };
}

const meshy = meshyMesh();
const builtIn = onboardingMeshes();
const resolve = (mesh: string, dataPlane?: string) =>
  builtIn.resolve({ mesh, dataPlane }, () => {});

/** The Kubernetes NetworkPolicy onboarding writes, with these ingress rules. */
const networkPolicy = (ingress: unknown[]) =>
  managedObject(KUBE_RESOURCES.networkPolicy, MESH_POLICY_NAME, 'shop', {
    podSelector: {},
    policyTypes: ['Ingress'],
    ingress,
  });

const fromNamespace = (ns: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
});

describe('desiredState', () => {
  it("is the adapter's marker and policies, then a NetworkPolicy letting in the namespace, the allowed ones and the proxies' metrics port", () => {
    expect(
      desiredState({
        mesh: meshy,
        request: request({ allowFrom: ['web', 'ops'] }),
        live: namespace('shop'),
        controlPlane: controlPlane('meshy-system'),
        ports: [],
      }),
    ).toStrictEqual({
      namespace: { labels: { [MESHY_ENROL_LABEL]: 'on' }, annotations: {} },
      objects: [
        managedObject(MESHY_POLICY, MESH_POLICY_NAME, 'shop', {
          mtls: 'strict',
        }),
        networkPolicy([
          {
            from: [
              { podSelector: {} },
              fromNamespace('web'),
              fromNamespace('ops'),
            ],
          },
          { ports: [{ protocol: 'TCP', port: 15999 }] },
        ]),
      ],
      resourceTypes: [...Object.values(KUBE_RESOURCES), MESHY_POLICY],
      restartNeeded: true,
      notes: [],
    });
  });

  it('lets in only the allowed namespaces under deny, and nothing but metrics when none is allowed', () => {
    const objects = (allowFrom: string[]) =>
      desiredState({
        mesh: meshy,
        request: request({ defaultPolicy: 'deny', allowFrom }),
        live: namespace('shop'),
        controlPlane: controlPlane('meshy-system'),
        ports: [],
      }).objects;
    const metrics = { ports: [{ protocol: 'TCP', port: 15999 }] };
    expect(objects(['web'])[1]).toStrictEqual(
      networkPolicy([{ from: [fromNamespace('web')] }, metrics]),
    );
    // The namespace itself named under deny is let in by pod, as by default.
    expect(objects(['shop', 'web'])[1]).toStrictEqual(
      networkPolicy([
        { from: [{ podSelector: {} }, fromNamespace('web')] },
        metrics,
      ]),
    );
    expect(objects([])[1]).toStrictEqual(networkPolicy([metrics]));
  });

  it('denies all ingress under deny when the data plane has no metrics port and nothing is allowed', () => {
    const state = desiredState({
      mesh: resolve('istio', 'ambient'),
      request: request({
        mesh: 'istio',
        dataPlane: 'ambient',
        defaultPolicy: 'deny',
      }),
      live: namespace('shop'),
      controlPlane: controlPlane('istio-system'),
      ports: [],
    });
    expect(state.objects.map(o => o.kind)).toEqual([
      'PeerAuthentication',
      'AuthorizationPolicy',
      'NetworkPolicy',
    ]);
    expect(state.objects[2]).toStrictEqual(networkPolicy([]));
    expect(state.restartNeeded).toBe(false);
  });

  it("writes no NetworkPolicy with defaultPolicy 'none', only the adapter's objects", () => {
    const state = desiredState({
      mesh: meshy,
      request: request({ defaultPolicy: 'none', allowFrom: ['web'] }),
      live: namespace('shop'),
      controlPlane: controlPlane('meshy-system'),
      ports: [],
    });
    expect(state.objects).toStrictEqual([
      managedObject(MESHY_POLICY, MESH_POLICY_NAME, 'shop', { mtls: 'strict' }),
    ]);
  });

  it('gives the adapter the live namespace, the control plane and the ports, and keeps its notes', () => {
    const istio = desiredState({
      mesh: resolve('istio'),
      request: request({ mesh: 'istio', dataPlane: 'sidecar' }),
      live: namespace('shop', { labels: { 'istio.io/rev': '1-22' } }),
      controlPlane: controlPlane('istio-system'),
      ports: [],
    });
    expect(istio.namespace.labels).toEqual({
      'istio.io/rev': '1-22',
      'istio-injection': null,
    });
    expect(istio.notes).toEqual(["Kept the namespace's Istio revision 1-22."]);

    const linkerd = (ports: number[]) =>
      desiredState({
        mesh: resolve('linkerd'),
        request: request({ mesh: 'linkerd', dataPlane: 'sidecar' }),
        live: namespace('shop'),
        controlPlane: controlPlane('linkerd-ha'),
        ports,
      });
    const withPort = linkerd([8080]);
    expect(withPort.objects.map(o => o.metadata.name)).toContain(
      'meshlens-port-8080',
    );
    expect(JSON.stringify(withPort.objects)).toContain(
      '*.shop.serviceaccount.identity.linkerd-ha.',
    );
    expect(withPort.notes).toEqual([]);
    expect(linkerd([]).notes).toEqual([
      expect.stringMatching(/^No port found for Linkerd Servers/),
    ]);
  });
});
