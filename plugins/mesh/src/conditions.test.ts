import { Entity } from '@backstage/catalog-model';
import { KUBERNETES_ANNOTATIONS } from '@meshlens/plugin-mesh-common';
import { isMeshAvailable, meshAvailableFilter } from './conditions';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('isMeshAvailable', () => {
  it('is true for either Kubernetes annotation, false without', () => {
    expect(isMeshAvailable(entity({ 'backstage.io/kubernetes-id': 'x' }))).toBe(
      true,
    );
    expect(
      isMeshAvailable(
        entity({ 'backstage.io/kubernetes-label-selector': 'app=x' }),
      ),
    ).toBe(true);
    expect(
      isMeshAvailable(entity({ 'backstage.io/kubernetes-namespace': 'x' })),
    ).toBe(false);
    expect(isMeshAvailable(entity({}))).toBe(false);
  });

  it('has a filter predicate over exactly the same annotations', () => {
    const keys = (meshAvailableFilter as { $any: object[] }).$any.flatMap(p =>
      Object.keys(p).map(k => k.replace('metadata.annotations.', '')),
    );
    expect(keys).toEqual([...KUBERNETES_ANNOTATIONS]);
  });
});
