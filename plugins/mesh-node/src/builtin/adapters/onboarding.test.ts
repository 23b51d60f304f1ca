import { KubeObject, MeshOnboardingRequest } from '../../index';
import {
  CiliumAdapter,
  defaultMeshAdapters,
  IstioAdapter,
  LinkerdAdapter,
} from '.';

const ns = (
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'shop', labels, annotations },
});

const request = (
  over: Partial<MeshOnboardingRequest> = {},
): MeshOnboardingRequest => ({
  cluster: 'c',
  namespace: 'shop',
  mesh: 'istio',
  dataPlane: 'sidecar',
  mtlsMode: 'permissive',
  defaultPolicy: 'none',
  allowFrom: [],
  ...over,
});

describe('the built-in adapters onboarding parts', () => {
  it('gives every built-in a data plane with ADR text and a title', () => {
    for (const a of defaultMeshAdapters()) {
      expect(a.title).toBeTruthy();
      expect(
        a.onboarding?.dataPlanes[0].decision?.consequences.length,
      ).toBeGreaterThan(0);
    }
  });

  it('Istio: ambient is a data plane, istio-ambient its deprecated alias', () => {
    const istio = new IstioAdapter().onboarding;
    expect(istio.dataPlanes.map(p => [p.id, p.podsNeedRestart])).toEqual([
      ['sidecar', true],
      ['ambient', false],
    ]);
    expect(istio.deprecatedAliases).toEqual({ 'istio-ambient': 'ambient' });
    expect(
      istio.enrolmentChange(request({ dataPlane: 'ambient' }), undefined).value,
    ).toEqual({
      labels: { 'istio.io/dataplane-mode': 'ambient' },
      annotations: {},
    });
  });

  it('Istio: keeps a live revision and never leaves istio-injection beside it', () => {
    const { value, notes } = new IstioAdapter().onboarding.enrolmentChange(
      request(),
      ns({ 'istio.io/rev': '1-24' }),
    );
    expect(value.labels).toEqual({
      'istio.io/rev': '1-24',
      'istio-injection': null,
    });
    expect(notes).toEqual(["Kept the namespace's Istio revision 1-24."]);
  });

  it('Istio: a missing revision or ztunnel is a control-plane problem', () => {
    const cp = {
      namespace: 'istio-system',
      version: null,
      healthy: true,
      problems: [],
      details: { revisions: ['default'], ambient: false },
    };
    expect(
      new IstioAdapter().onboarding.controlPlaneProblems(
        cp,
        request({ dataPlane: 'ambient', revision: 'canary' }),
      ),
    ).toEqual([
      'no istiod of revision canary (label istio.io/rev; found default)',
      'no ztunnel DaemonSet (app=ztunnel): ambient needs Istio installed with the ambient profile',
    ]);
  });

  it('Linkerd: the misspelt label is a mistake the tab check names too', () => {
    const linkerd = new LinkerdAdapter();
    const namespace = ns({ 'linkerd.io/injection': 'enabled' });
    expect(linkerd.onboarding.markerMistakes(namespace)).toEqual([
      'the label linkerd.io/injection does nothing (Linkerd reads the annotation linkerd.io/inject); remove it to avoid confusion',
    ]);
    expect(linkerd.onboarding.enrolmentMarker(namespace)).toBeUndefined();
    expect(
      linkerd.onboarding.enrolmentMarker(
        ns({}, { 'linkerd.io/inject': 'enabled' }),
      ),
    ).toEqual({
      dataPlane: 'sidecar',
      description: 'annotation linkerd.io/inject',
    });
  });

  it('opt-out rules follow the data plane', () => {
    const istio = new IstioAdapter().onboarding;
    expect(
      istio.isOptedOut(
        { labels: { 'sidecar.istio.io/inject': 'false' } },
        'sidecar',
      ),
    ).toBe(true);
    expect(
      istio.isOptedOut(
        { labels: { 'sidecar.istio.io/inject': 'false' } },
        'ambient',
      ),
    ).toBe(false);
    expect(
      istio.isOptedOut(
        { labels: { 'istio.io/dataplane-mode': 'none' } },
        'ambient',
      ),
    ).toBe(true);
    expect(
      new LinkerdAdapter().onboarding.isOptedOut(
        { annotations: { 'linkerd.io/inject': 'disabled' } },
        'sidecar',
      ),
    ).toBe(true);
  });

  it('Cilium: STRICT needs mutual authentication, and the CNI coexists with sidecar meshes', () => {
    const cilium = new CiliumAdapter().onboarding;
    const cp = (meshAuth: boolean) => ({
      namespace: 'kube-system',
      version: null,
      healthy: true,
      problems: [],
      details: { meshAuth },
    });
    expect(cilium.strictMtlsBlocker(cp(false))?.message).toMatch(
      /mesh-auth-enabled is not "true"/,
    );
    expect(cilium.strictMtlsBlocker(cp(true))).toBeUndefined();
    expect(cilium.coexistsWithOtherMeshes).toBe(true);
    expect(cilium.dataPlanes[0].waitForPods).toBe(false);
  });
});
