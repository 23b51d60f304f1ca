import { InputError } from '@backstage/errors';
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

describe('parseLabelSelector, requirement by requirement', () => {
  it('reads each operator into its requirement', () => {
    expect(parseLabelSelector('a=x,b==y,c!=z,d,!e')).toEqual([
      { key: 'a', op: '=', values: ['x'] },
      { key: 'b', op: '=', values: ['y'] },
      { key: 'c', op: '!=', values: ['z'] },
      { key: 'd', op: 'exists', values: [] },
      { key: 'e', op: '!exists', values: [] },
    ]);
  });

  it('trims set members and drops empty ones', () => {
    expect(parseLabelSelector('env in ( a , b ,, ),tier notin (web)')).toEqual([
      { key: 'env', op: 'in', values: ['a', 'b'] },
      { key: 'tier', op: 'notin', values: ['web'] },
    ]);
    expect(parseLabelSelector('env   in   (a)')).toEqual([
      { key: 'env', op: 'in', values: ['a'] },
    ]);
  });

  it('skips empty parts between commas', () => {
    expect(parseLabelSelector('a=x, ,b')).toEqual([
      { key: 'a', op: '=', values: ['x'] },
      { key: 'b', op: 'exists', values: [] },
    ]);
  });

  it.each([
    ['a b in (c)', 'Invalid label selector "a b in (c)" near "a b in (c)"'],
    ['env in (a) x', 'Invalid label selector "env in (a) x"'],
    ['a b=c', 'Invalid label selector "a b=c" near "a b=c"'],
    ['-bad=x', 'Invalid label key "-bad" in selector "-bad=x"'],
    ['a=-x', 'Invalid label value "-x" in selector "a=-x"'],
  ])('rejects %p rather than reading part of it', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(InputError);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });
});

describe('matchesLabelSelector, by operator', () => {
  const labels = { app: 'shop', tier: 'web' };
  it.each([
    ['app!=cart', true],
    ['app!=shop', false],
    ['missing!=shop', true],
    ['tier notin (db)', true],
    ['tier notin (db,web)', false],
    ['missing notin (web)', true],
    ['tier in (db,web)', true],
    ['missing in (web)', false],
    ['!missing', true],
    ['!app', false],
  ])('%s on app=shop,tier=web is %p', (text, expected) => {
    expect(matchesSelector(parseLabelSelector(text), labels)).toBe(expected);
  });
});

describe('labelSelectorFromSpec, by operator', () => {
  it('keeps the values of set operators only', () => {
    expect(
      labelSelectorFromSpec({
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['ignored'] },
          { key: 'c', operator: 'DoesNotExist', values: ['ignored'] },
        ],
      }),
    ).toEqual([
      { key: 'a', op: 'in', values: [] },
      { key: 'b', op: 'exists', values: [] },
      { key: 'c', op: '!exists', values: [] },
    ]);
  });
});
