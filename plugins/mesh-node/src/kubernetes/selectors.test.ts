import { LabelIndex } from './labelIndex';
import {
  equalitySelector,
  formatLabelSelector,
  labelSelectorFromSpec,
  matchesLabelSelector as matchesSelector,
  parseLabelSelector,
} from './selectors';

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

describe('LabelIndex', () => {
  it('selects exactly what a scan selects, in the same order', () => {
    const values = ['a', 'b', 'c'];
    const items = Array.from({ length: 300 }, (_, i) => ({
      metadata: {
        name: `o-${i}`,
        labels: Object.fromEntries(
          [
            ['app', values[i % 3]],
            ['tier', values[Math.floor(i / 3) % 3]],
            i % 5 === 0 ? ['canary', 'true'] : [],
          ].filter(pair => pair.length),
        ) as Record<string, string>,
      },
    }));
    const index = new LabelIndex(items);
    for (const text of [
      'app=a',
      'app=a,tier=b',
      'app=a,tier!=b',
      'app in (a,c),canary',
      'tier=c,!canary',
      'app=z',
      'canary=true,app notin (b)',
    ]) {
      const selector = parseLabelSelector(text);
      const scanned = items.filter(o =>
        matchesSelector(selector, o.metadata.labels),
      );
      expect(index.select(selector).map(o => o.metadata.name)).toEqual(
        scanned.map(o => o.metadata.name),
      );
    }
    // i % 3 === 0 and floor(i / 3) % 3 === 1: i = 9k + 3 for k = 0..32
    expect(index.select(parseLabelSelector('app=a,tier=b'))).toHaveLength(33);
  });
});

describe('labelSelectorFromSpec', () => {
  it('reads matchLabels and matchExpressions like Kubernetes', () => {
    const s = labelSelectorFromSpec({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    })!;
    expect(formatLabelSelector(s)).toBe(
      'app=web,tier in (a,b),env notin (dev),team,!legacy',
    );
    expect(matchesSelector(s, { app: 'web', tier: 'a', team: 'x' })).toBe(true);
    expect(
      matchesSelector(s, { app: 'web', tier: 'a', team: 'x', env: 'dev' }),
    ).toBe(false);
    expect(matchesSelector(s, { app: 'web', tier: 'a' })).toBe(false);
    expect(
      matchesSelector(s, { app: 'web', tier: 'a', team: 'x', legacy: '' }),
    ).toBe(false);
  });

  it('selects nothing without a selector or with an unknown operator, everything with {}', () => {
    expect(labelSelectorFromSpec(undefined)).toBeUndefined();
    expect(
      labelSelectorFromSpec({
        matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }],
      }),
    ).toBeUndefined();
    const all = labelSelectorFromSpec({})!;
    expect(matchesSelector(all, undefined)).toBe(true);
    expect(matchesSelector(all, { any: 'thing' })).toBe(true);
  });
});

describe('equalitySelector', () => {
  it('validates the value it will put into a query', () => {
    expect(formatLabelSelector(equalitySelector('app', 'web'))).toBe('app=web');
    expect(() => equalitySelector('app', 'a,b=c')).toThrow(
      /Invalid label value/,
    );
  });
});
