import {
  formatLabelSelector,
  matchesSelector,
  parseLabelSelector,
} from './labelSelector';

describe('label selectors', () => {
  it('parses and matches the Kubernetes syntax', () => {
    const s = parseLabelSelector(
      'app.kubernetes.io/name=inventory, tier in (web,api),!legacy,env!=dev',
    );
    expect(formatLabelSelector(s)).toBe(
      'app.kubernetes.io/name=inventory,tier in (web,api),!legacy,env!=dev',
    );
    expect(
      matchesSelector(s, {
        'app.kubernetes.io/name': 'inventory',
        tier: 'api',
      }),
    ).toBe(true);
    expect(
      matchesSelector(s, { 'app.kubernetes.io/name': 'inventory', tier: 'db' }),
    ).toBe(false);
    expect(
      matchesSelector(s, {
        'app.kubernetes.io/name': 'inventory',
        tier: 'web',
        legacy: 'x',
      }),
    ).toBe(false);
    expect(
      matchesSelector(s, {
        'app.kubernetes.io/name': 'inventory',
        tier: 'web',
        env: 'dev',
      }),
    ).toBe(false);
  });

  it.each([
    'app="} or vector(1) {"',
    'app in ("} or vector(1) {")',
    'app=a b',
    '',
  ])('rejects %j with an InputError', text => {
    expect(() => parseLabelSelector(text)).toThrow(/label|selector/i);
  });
});
