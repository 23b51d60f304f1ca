import { InputError } from '@backstage/errors';
import {
  assertNamespaceName,
  isDnsLabel,
  isLabelKey,
  isLabelValue,
} from './names';
import { KUBE_RESOURCES, resourcePath, resourceTypeOf } from './resources';
import { isWorkloadReady } from './readiness';

describe('names', () => {
  it.each(['a', 'team-1', 'x'.repeat(63)])('accepts namespace %j', name => {
    expect(isDnsLabel(name)).toBe(true);
    expect(assertNamespaceName(name)).toBe(name);
  });

  it.each(['', '-a', 'a-', 'A', 'a_b', 'a.b', 'x'.repeat(64), '../x'])(
    'rejects namespace %j with an InputError that says what is valid',
    name => {
      expect(() => assertNamespaceName(name, 'namespace')).toThrow(InputError);
      expect(() => assertNamespaceName(name, 'namespace')).toThrow(
        /^namespace: ".*" is not a valid namespace name; use at most 63 lowercase letters/,
      );
    },
  );

  it('rejects non-strings', () => {
    expect(() => assertNamespaceName(42)).toThrow(
      /^"42" is not a valid namespace name/,
    );
  });

  it('checks label keys and values', () => {
    expect(isLabelKey('app.kubernetes.io/name')).toBe(true);
    expect(isLabelKey('Bad/Prefix/x')).toBe(false);
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('v1.2_3')).toBe(true);
    expect(isLabelValue('"quoted"')).toBe(false);
    expect(isLabelValue('x'.repeat(64))).toBe(false);
  });
});

describe('resourcePath', () => {
  it('builds core, group, cluster-scoped and object paths', () => {
    expect(resourcePath(KUBE_RESOURCES.pod, 'shop')).toBe(
      '/api/v1/namespaces/shop/pods',
    );
    expect(resourcePath(KUBE_RESOURCES.pod)).toBe('/api/v1/pods');
    expect(resourcePath(KUBE_RESOURCES.deployment, 'shop', 'web')).toBe(
      '/apis/apps/v1/namespaces/shop/deployments/web',
    );
    expect(resourcePath(KUBE_RESOURCES.namespace, 'ignored', 'shop')).toBe(
      '/api/v1/namespaces/shop',
    );
  });

  it('validates the namespace and escapes the name', () => {
    expect(() => resourcePath(KUBE_RESOURCES.pod, '../secrets')).toThrow(
      InputError,
    );
    expect(resourcePath(KUBE_RESOURCES.pod, 'a', 'x/../y')).toBe(
      '/api/v1/namespaces/a/pods/x%2F..%2Fy',
    );
  });

  it('finds the type of an object, also among extra kinds', () => {
    expect(resourceTypeOf({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe(
      KUBE_RESOURCES.deployment,
    );
    const mesh = {
      apiVersion: 'example.io/v1',
      kind: 'Thing',
      plural: 'things',
    };
    expect(
      resourceTypeOf({ apiVersion: 'example.io/v1', kind: 'Thing' }, [mesh]),
    ).toBe(mesh);
    expect(() =>
      resourceTypeOf({ apiVersion: 'example.io/v1', kind: 'Thing' }),
    ).toThrow(/No resource type for example.io\/v1 Thing/);
  });
});

describe('isWorkloadReady', () => {
  const deployment = (replicas: number | undefined, ready?: number) => ({
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: { replicas },
    status: { readyReplicas: ready },
  });
  it('wants every replica ready, and at least one', () => {
    expect(isWorkloadReady(deployment(2, 2))).toBe(true);
    expect(isWorkloadReady(deployment(undefined, 1))).toBe(true);
    expect(isWorkloadReady(deployment(2, 1))).toBe(false);
    expect(isWorkloadReady(deployment(0, 0))).toBe(false);
  });
  it('reads a DaemonSet from its scheduled pods, with or without a kind', () => {
    const ds = (desired: number, ready: number, kind?: string) => ({
      kind,
      metadata: { name: 'ds' },
      status: { desiredNumberScheduled: desired, numberReady: ready },
    });
    expect(isWorkloadReady(ds(3, 3, 'DaemonSet'))).toBe(true);
    expect(isWorkloadReady(ds(3, 2))).toBe(false);
    expect(isWorkloadReady(ds(0, 0, 'DaemonSet'))).toBe(false);
  });
});
