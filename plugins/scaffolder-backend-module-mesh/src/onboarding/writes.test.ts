import {
  KUBE_RESOURCES,
  KubeObject,
  managedObject,
  MESH_POLICY_NAME,
} from '@meshlens/plugin-mesh-node';
import { deployment, namespace } from '../__testUtils__/fixtures';
import {
  namespaceWrite,
  policyWrite,
  restartWrite,
} from '../__testUtils__/writes';
import { hasKeys, ObjectWrite, planHash, restartedAtOf } from './writes';

const restart = restartWrite;

const policy = (spec: object) =>
  managedObject(KUBE_RESOURCES.networkPolicy, MESH_POLICY_NAME, 'shop', spec);

const desiredPolicy = policy({ podSelector: {} });
const objectWrite = (over: Partial<ObjectWrite> = {}): ObjectWrite => ({
  ...policyWrite(
    KUBE_RESOURCES.networkPolicy,
    desiredPolicy,
    'Update NetworkPolicy shop/meshlens-default',
    {
      ...desiredPolicy,
      metadata: {
        ...desiredPolicy.metadata,
        uid: 'uid-1',
        resourceVersion: '5',
      },
    },
  ),
  ...over,
});

const withLive = (meta: Partial<KubeObject['metadata']>, spec?: object) => {
  const base = objectWrite();
  return objectWrite({
    live: {
      ...base.live!,
      metadata: { ...base.live!.metadata, ...meta },
      ...(spec ? { spec } : {}),
    },
  });
};

describe('planHash', () => {
  it('is the same for the same writes over the same versions, whenever computed', () => {
    expect(planHash([restart()])).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(planHash([restart()])).toBe(
      planHash([restart({ restartedAt: '2026-12-01T12:05:00.000Z' })]),
    );
  });

  it('changes when an object read changed, or the writes differ', () => {
    const base = planHash([restart()]);
    expect(planHash([restart({ resourceVersion: '8' })])).not.toBe(base);
    expect(planHash([restart({ name: 'api' })])).not.toBe(base);
    expect(planHash([restart({ namespace: 'cafe' })])).not.toBe(base);
    expect(planHash([restart({ previous: '2026-11-01T00:00:00Z' })])).not.toBe(
      base,
    );
    expect(planHash([restart({ type: KUBE_RESOURCES.statefulSet })])).not.toBe(
      base,
    );
    expect(planHash([])).not.toBe(base);
    expect(planHash([restart(), restart({ name: 'api' })])).not.toBe(
      planHash([restart({ name: 'api' }), restart()]),
    );
  });

  it('hashes an object write by what it applies and the identity and version of the object it read', () => {
    const base = planHash([objectWrite()]);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    // What the live object holds beyond its identity and version is not hashed.
    expect(
      planHash([withLive({ labels: { team: 'shop' } }, { podSelector: 1 })]),
    ).toBe(base);
    expect(
      planHash([
        objectWrite({ change: { ...objectWrite().change, description: 'x' } }),
      ]),
    ).toBe(base);

    expect(planHash([withLive({ resourceVersion: '6' })])).not.toBe(base);
    expect(planHash([withLive({ uid: 'uid-2' })])).not.toBe(base);
    expect(planHash([objectWrite({ live: undefined })])).not.toBe(base);
    expect(
      planHash([objectWrite({ desired: policy({ podSelector: { a: 'b' } }) })]),
    ).not.toBe(base);
    expect(
      planHash([
        objectWrite({ type: { ...KUBE_RESOURCES.networkPolicy, plural: 'x' } }),
      ]),
    ).not.toBe(base);
  });

  it('hashes a namespace write by its keys, what they were and the version read', () => {
    const base = planHash([namespaceWrite()]);
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      planHash([namespaceWrite({}, 'Namespace shop: described otherwise')]),
    ).toBe(base);

    expect(planHash([namespaceWrite({ name: 'cafe' })])).not.toBe(base);
    expect(planHash([namespaceWrite({ resourceVersion: '18' })])).not.toBe(
      base,
    );
    expect(
      planHash([
        namespaceWrite({
          next: { labels: { 'meshy.example/enrol': 'off' }, annotations: {} },
        }),
      ]),
    ).not.toBe(base);
    expect(
      planHash([
        namespaceWrite({
          previous: {
            labels: { 'meshy.example/enrol': 'off' },
            annotations: {},
          },
        }),
      ]),
    ).not.toBe(base);
  });
});

describe('hasKeys', () => {
  const ns = namespace('shop', {
    labels: { 'meshy.example/enrol': 'on' },
    annotations: { 'meshy.example/inbound': 'deny' },
  });

  it('holds when every label and annotation has its value, and keys set to null are absent', () => {
    expect(
      hasKeys(ns, {
        labels: { 'meshy.example/enrol': 'on', gone: null },
        annotations: { 'meshy.example/inbound': 'deny', other: null },
      }),
    ).toBe(true);
    expect(hasKeys(ns, { labels: {}, annotations: {} })).toBe(true);
    expect(
      hasKeys(namespace('bare'), {
        labels: {},
        annotations: { 'meshy.example/inbound': null },
      }),
    ).toBe(true);
  });

  it('reads a namespace without labels or annotations as having none', () => {
    const bare = { metadata: { name: 'bare' } };
    expect(
      hasKeys(bare, { labels: { a: null }, annotations: { b: null } }),
    ).toBe(true);
    expect(hasKeys(bare, { labels: { a: 'on' }, annotations: {} })).toBe(false);
  });

  it('fails on a label or annotation with another value, missing, or present though null', () => {
    const keys = (
      labels: Record<string, string | null>,
      annotations: Record<string, string | null> = {},
    ) => ({ labels, annotations });
    expect(hasKeys(ns, keys({ 'meshy.example/enrol': 'off' }))).toBe(false);
    expect(hasKeys(ns, keys({ missing: 'on' }))).toBe(false);
    expect(
      hasKeys(ns, keys({ 'meshy.example/enrol': 'on', missing: 'on' })),
    ).toBe(false);
    expect(hasKeys(ns, keys({ 'meshy.example/enrol': null }))).toBe(false);
    expect(hasKeys(ns, keys({}, { 'meshy.example/inbound': 'allow' }))).toBe(
      false,
    );
    expect(hasKeys(ns, keys({}, { 'meshy.example/inbound': null }))).toBe(
      false,
    );
    expect(
      hasKeys(namespace('bare'), keys({}, { 'meshy.example/inbound': 'deny' })),
    ).toBe(false);
  });
});

describe('restartedAtOf', () => {
  it("is the pod template's restartedAt annotation, or null", () => {
    expect(
      restartedAtOf(
        deployment('shop', 'web', true, {
          // The annotation `kubectl rollout restart` sets.
          annotations: {
            'kubectl.kubernetes.io/restartedAt': '2026-11-01T00:00:00Z',
          },
        }),
      ),
    ).toBe('2026-11-01T00:00:00Z');
    expect(
      restartedAtOf(
        deployment('shop', 'web', true, { annotations: { other: 'x' } }),
      ),
    ).toBeNull();
    expect(restartedAtOf(deployment('shop', 'web'))).toBeNull();
    expect(
      restartedAtOf({ metadata: { name: 'web' }, spec: { template: {} } }),
    ).toBeNull();
    expect(restartedAtOf({ metadata: { name: 'web' }, spec: {} })).toBeNull();
    expect(restartedAtOf({ metadata: { name: 'web' } })).toBeNull();
  });
});
