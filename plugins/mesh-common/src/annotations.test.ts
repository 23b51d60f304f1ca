import { hasKubernetesAnnotations } from './annotations';

describe('hasKubernetesAnnotations', () => {
  it.each([
    [{ 'backstage.io/kubernetes-id': 'storefront' }, true],
    [{ 'backstage.io/kubernetes-label-selector': 'app=inventory' }, true],
    [{ 'backstage.io/kubernetes-namespace': 'shop' }, false],
    [{ 'backstage.io/kubernetes-id': '' }, false],
    [undefined, false],
  ])('%j → %s', (annotations, expected) => {
    expect(hasKubernetesAnnotations({ metadata: { annotations } as any })).toBe(
      expected,
    );
  });
});
