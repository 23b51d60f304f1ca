import {
  KUBE_RESOURCES,
  KubeObject,
  managedObject,
  MESH_POLICY_NAME,
} from '@meshlens/plugin-mesh-node';
import { deployment, namespace, pod } from '../__testUtils__/fixtures';
import {
  MESHY_ENROL_LABEL,
  MESHY_POLICY,
  MESHY_PROXY,
} from '../__testUtils__/meshyAdapter';
import { healthyControlPlane, meshyMesh } from '../__testUtils__/planning';
import { readOnlyCluster } from '../__testUtils__/readOnlyCluster';
import { isSubset, planChanges, readPlan } from './plan';
import { DesiredState, OnboardingRequest } from './types';
import { planHash } from './writes';
import { namespaceWrite, policyWrite } from '../__testUtils__/writes';

describe('isSubset', () => {
  it('compares primitives and null by identity', () => {
    expect(isSubset(1, 1)).toBe(true);
    expect(isSubset('a', 'a')).toBe(true);
    expect(isSubset(undefined, undefined)).toBe(true);
    expect(isSubset(null, null)).toBe(true);
    expect(isSubset(1, '1')).toBe(false);
    expect(isSubset(null, undefined)).toBe(false);
    expect(isSubset(null, {})).toBe(false);
    expect(isSubset('a', { a: 1 })).toBe(false);
  });

  it('wants arrays of the same length, element by element', () => {
    expect(isSubset([], [])).toBe(true);
    expect(isSubset([1, { a: 1 }], [1, { a: 1, b: 2 }])).toBe(true);
    expect(isSubset([1], [1, 2])).toBe(false);
    expect(isSubset([1, 2], [1])).toBe(false);
    expect(isSubset([1, 2], [2, 1])).toBe(false);
    expect(isSubset([1, 2], [1, 3])).toBe(false);
    expect(isSubset([1], { 0: 1, length: 1 })).toBe(false);
    expect(isSubset([], null)).toBe(false);
  });

  it("wants every field of an object in the other, ignoring the other's extra fields", () => {
    expect(isSubset({}, {})).toBe(true);
    expect(isSubset({ a: 1 }, { a: 1, b: 2 })).toBe(true);
    expect(isSubset({ a: { b: [1] } }, { a: { b: [1], c: 3 } })).toBe(true);
    expect(isSubset({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(isSubset({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe(false);
    expect(isSubset({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
    expect(isSubset({}, null)).toBe(false);
    expect(isSubset({}, undefined)).toBe(false);
    expect(isSubset({}, 'x')).toBe(false);
    expect(isSubset({}, [])).toBe(false);
  });
});

const request: OnboardingRequest = {
  cluster: 'homelab',
  namespace: 'shop',
  mesh: 'meshy',
  dataPlane: 'sidecar',
  mtlsMode: 'strict',
  defaultPolicy: 'deny',
  allowFrom: [],
};

const meshyPolicy = managedObject(MESHY_POLICY, MESH_POLICY_NAME, 'shop', {
  mtls: 'strict',
});
const networkPolicy = managedObject(
  KUBE_RESOURCES.networkPolicy,
  MESH_POLICY_NAME,
  'shop',
  { podSelector: {}, policyTypes: ['Ingress'], ingress: [] },
);

function desired(over: Partial<DesiredState> = {}): DesiredState {
  return {
    namespace: { labels: { [MESHY_ENROL_LABEL]: 'on' }, annotations: {} },
    objects: [meshyPolicy, networkPolicy],
    resourceTypes: [...Object.values(KUBE_RESOURCES), MESHY_POLICY],
    restartNeeded: true,
    notes: [],
    ...over,
  };
}

/** An object as the API server returns it: server fields and defaults added. */
function stored(object: KubeObject, uid: string, spec?: object): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      uid,
      resourceVersion: '41',
      creationTimestamp: '2026-11-30T08:00:00Z',
    },
    spec: spec ?? { ...object.spec, serverDefault: true },
    status: {},
  };
}

function liveNamespace(
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
  resourceVersion: string | undefined = '17',
): KubeObject {
  const ns = namespace('shop', meta);
  if (resourceVersion !== undefined)
    ns.metadata.resourceVersion = resourceVersion;
  return ns;
}

describe('planChanges', () => {
  it('creates every object, then enrols the namespace, on a cluster without them', async () => {
    const plan = await planChanges({
      api: readOnlyCluster([]),
      request,
      desired: desired(),
      liveNamespace: liveNamespace(),
    });
    expect(plan).toStrictEqual({
      writes: [
        policyWrite(
          MESHY_POLICY,
          meshyPolicy,
          'Create MeshyPolicy shop/meshlens-default',
        ),
        policyWrite(
          KUBE_RESOURCES.networkPolicy,
          networkPolicy,
          'Create NetworkPolicy shop/meshlens-default',
        ),
        namespaceWrite({
          next: { labels: { [MESHY_ENROL_LABEL]: 'on' }, annotations: {} },
          previous: { labels: { [MESHY_ENROL_LABEL]: null }, annotations: {} },
          resourceVersion: '17',
        }),
      ],
      unchanged: [],
    });
  });

  it('writes nothing when the objects hold the desired fields and the marker is set', async () => {
    const plan = await planChanges({
      api: readOnlyCluster([
        stored(meshyPolicy, 'uid-meshy'),
        stored(networkPolicy, 'uid-np'),
        // The same name in another namespace is not the object planned.
        {
          ...stored(meshyPolicy, 'uid-cafe', { mtls: 'permissive' }),
          metadata: { ...meshyPolicy.metadata, namespace: 'cafe' },
        },
      ]),
      request,
      desired: desired(),
      liveNamespace: liveNamespace({ labels: { [MESHY_ENROL_LABEL]: 'on' } }),
    });
    expect(plan).toStrictEqual({
      writes: [],
      unchanged: [
        'MeshyPolicy shop/meshlens-default',
        'NetworkPolicy shop/meshlens-default',
        'Namespace shop enrolment marker',
      ],
    });
  });

  it('updates an object whose spec or labels differ, keeping what was there', async () => {
    const drifted = stored(meshyPolicy, 'uid-meshy', { mtls: 'permissive' });
    const unlabelled = stored(networkPolicy, 'uid-np');
    unlabelled.metadata.labels = { team: 'shop' };
    const plan = await planChanges({
      api: readOnlyCluster([drifted, unlabelled]),
      request,
      desired: desired(),
      liveNamespace: liveNamespace({ labels: { [MESHY_ENROL_LABEL]: 'on' } }),
    });
    expect(plan).toStrictEqual({
      writes: [
        policyWrite(
          MESHY_POLICY,
          meshyPolicy,
          'Update MeshyPolicy shop/meshlens-default',
          drifted,
        ),
        policyWrite(
          KUBE_RESOURCES.networkPolicy,
          networkPolicy,
          'Update NetworkPolicy shop/meshlens-default',
          unlabelled,
        ),
      ],
      unchanged: ['Namespace shop enrolment marker'],
    });
  });

  /** The plan of a namespace change alone, over `live`. */
  const planMarker = (change: DesiredState['namespace'], live: KubeObject) =>
    planChanges({
      api: readOnlyCluster([]),
      request,
      desired: desired({ objects: [], namespace: change }),
      liveNamespace: live,
    });

  it('patches only the keys that differ, with what they were, and removes keys set to null', async () => {
    const plan = await planMarker(
      {
        labels: { same: '1', other: '2', gone: null, absent: null },
        annotations: { added: '5', kept: 'k' },
      },
      liveNamespace({
        labels: { same: '1', other: '3', gone: 'x' },
        annotations: { kept: 'k' },
      }),
    );
    expect(plan).toStrictEqual({
      writes: [
        namespaceWrite(
          {
            next: {
              labels: { other: '2', gone: null },
              annotations: { added: '5' },
            },
            previous: {
              labels: { other: '3', gone: 'x' },
              annotations: { added: null },
            },
            resourceVersion: '17',
          },
          'Namespace shop: label other=2, remove label gone, annotation added=5',
        ),
      ],
      unchanged: [],
    });
  });

  it('patches a namespace whose labels hold but an annotation does not; no labels or annotations at all is fine', async () => {
    const ns = namespace('shop');
    delete ns.metadata.labels;
    const plan = await planMarker(
      {
        labels: { gone: null },
        annotations: { 'meshy.example/inbound': 'deny' },
      },
      ns,
    );
    expect(plan.writes).toStrictEqual([
      namespaceWrite(
        {
          next: {
            labels: {},
            annotations: { 'meshy.example/inbound': 'deny' },
          },
          previous: {
            labels: {},
            annotations: { 'meshy.example/inbound': null },
          },
          // A namespace read without a version: the patch is then unguarded.
          resourceVersion: '',
        },
        'Namespace shop: annotation meshy.example/inbound=deny',
      ),
    ]);
  });

  it("reads with the caller's signal", async () => {
    const aborted = new AbortController();
    aborted.abort(new Error('task cancelled'));
    await expect(
      planChanges({
        api: readOnlyCluster([]),
        request,
        desired: desired(),
        liveNamespace: liveNamespace(),
        signal: aborted.signal,
      }),
    ).rejects.toThrow('task cancelled');
  });
});

describe('readPlan', () => {
  const mesh = meshyMesh();
  const controlPlane = healthyControlPlane('meshy-system');
  const now = () => new Date('2026-12-01T12:00:00.000Z');
  const web = { ...deployment('shop', 'web'), status: undefined };
  web.metadata.resourceVersion = '30';
  const meshedApi = { ...deployment('shop', 'api') };
  meshedApi.metadata.resourceVersion = '31';
  const cluster = () =>
    readOnlyCluster([
      liveNamespace(),
      web,
      meshedApi,
      pod('shop', 'web-1', 'web'),
      {
        ...pod('shop', 'api-1', 'api'),
        spec: { containers: [{ name: 'app' }, { name: MESHY_PROXY }] },
      },
      // Another namespace's unmeshed workload is not restarted.
      deployment('cafe', 'web'),
      pod('cafe', 'web-1', 'web'),
    ]);
  const plan = (over: {
    restartWorkloads?: boolean;
    restartNeeded?: boolean;
  }) =>
    readPlan({
      api: cluster(),
      mesh,
      request,
      desired: desired({
        objects: [networkPolicy],
        restartNeeded: over.restartNeeded ?? true,
      }),
      liveNamespace: liveNamespace(),
      controlPlane,
      restartWorkloads: over.restartWorkloads ?? true,
      now,
    });

  it('plans the objects, the marker, then a restart of each workload with unmeshed pods, and hashes them', async () => {
    const result = await plan({});
    expect(result.writes.map(w => w.change.description)).toEqual([
      'Create NetworkPolicy shop/meshlens-default',
      'Namespace shop: label meshy.example/enrol=on',
      'Restart Deployment shop/web so its pods get the meshy data plane',
    ]);
    expect(result.writes[2]).toMatchObject({
      op: 'restart',
      name: 'web',
      restartedAt: '2026-12-01T12:00:00.000Z',
      previous: null,
      resourceVersion: '30',
    });
    expect(result.unchanged).toEqual([]);
    expect(result.hash).toBe(planHash(result.writes));
  });

  it('plans no restart when the run does not restart or the data plane needs none', async () => {
    const withRestart = await plan({});
    for (const over of [
      { restartWorkloads: false },
      { restartNeeded: false },
    ]) {
      const result = await plan(over);
      expect(result.writes.map(w => w.op)).toEqual(['object', 'namespace']);
      expect(result.hash).toBe(planHash(result.writes));
      expect(result.hash).not.toBe(withRestart.hash);
    }
  });

  it('passes on what is unchanged', async () => {
    const result = await readPlan({
      api: readOnlyCluster([stored(networkPolicy, 'uid-np')]),
      mesh,
      request,
      desired: desired({ objects: [networkPolicy] }),
      liveNamespace: liveNamespace({ labels: { [MESHY_ENROL_LABEL]: 'on' } }),
      controlPlane,
      restartWorkloads: false,
      now,
    });
    expect(result).toStrictEqual({
      writes: [],
      unchanged: [
        'NetworkPolicy shop/meshlens-default',
        'Namespace shop enrolment marker',
      ],
      hash: planHash([]),
    });
  });
});
