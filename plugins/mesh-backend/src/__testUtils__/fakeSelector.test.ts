import { SelectorSyntaxError, labelSelectorPredicate } from './fakeSelector';

// Cases from the Kubernetes documentation ("Labels and Selectors") and the
// apimachinery selector tests, with the objects they should select.
const pod = {
  app: 'storefront',
  tier: 'frontend',
  'linkerd.io/proxy-deployment': 'storefront',
};
const bare = { app: 'reports' };

describe('fake cluster label selector', () => {
  it.each([
    ['app=storefront', true, false],
    ['app==storefront', true, false],
    ['app = storefront', true, false],
    ['app!=storefront', false, true],
    ['tier!=backend', true, true], // absent key matches !=
    ['tier', true, false],
    ['!tier', false, true],
    ['! tier', false, true],
    ['app in (storefront, reports)', true, true],
    ['app in (orders)', false, false],
    ['tier notin (backend)', true, true], // absent key matches notin
    ['tier notin (frontend)', false, true],
    ['app=storefront,tier=frontend', true, false],
    ['app in (storefront,reports),!tier', false, true],
    ['linkerd.io/proxy-deployment=storefront', true, false],
    ['linkerd.io/proxy-deployment', true, false],
    ['app=', false, false],
    ['', true, true],
  ])('%s selects the pod: %s, the bare pod: %s', (selector, a, b) => {
    const matches = labelSelectorPredicate(selector);
    expect([matches(pod), matches(bare)]).toEqual([a, b]);
  });

  it('matches objects without labels like an empty label set', () => {
    expect(labelSelectorPredicate('!app')(undefined)).toBe(true);
    expect(labelSelectorPredicate('app')(undefined)).toBe(false);
  });

  it.each([
    'app=storefront,',
    'app in (a',
    'app in a,b)',
    'app=(storefront)',
    'app=a=b',
    'app in ((a))',
    '-app=a',
    'app=has space',
    'app=x"y',
  ])('refuses %j as the API server does', selector => {
    expect(() => labelSelectorPredicate(selector)).toThrow(SelectorSyntaxError);
  });
});
