import {
  escapePromqlRegex,
  promqlBy,
  promqlMatcher,
  promqlSelector,
} from './promql';

/**
 * Splits a selector `{a="x",b=~"y"}` the way PromQL's lexer does: string
 * literals end only at an unescaped quote. Returns the matchers and
 * whatever follows the closing brace.
 */
function lexSelector(text: string) {
  expect(text[0]).toBe('{');
  const matchers: Array<{ name: string; op: string; value: string }> = [];
  let i = 1;
  while (text[i] !== '}') {
    const head = text.slice(i).match(/^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"/);
    if (!head) throw new Error(`unexpected at ${i}: ${text.slice(i)}`);
    i += head[0].length;
    let value = '';
    while (text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1];
        const controls: Record<string, string> = { n: '\n', r: '\r' };
        value += controls[next] ?? next;
        i += 2;
      } else {
        value += text[i++];
      }
      if (i >= text.length) throw new Error('unterminated string');
    }
    i++;
    matchers.push({ name: head[1], op: head[2], value });
    if (text[i] === ',') i++;
  }
  return { matchers, rest: text.slice(i + 1) };
}

const HOSTILE = [
  '"} or vector(1) {"',
  '\\"} or vector(1) #',
  'a"}[5m]) or on() vector(1) or (x{a="',
  'line\nbreak',
  'carriage\rreturn',
  '.*',
  'a|b',
  '(x)',
];

describe('promqlMatcher', () => {
  it.each(HOSTILE)('keeps %j one value of one matcher', value => {
    const selector = promqlSelector([
      'direction="inbound"',
      promqlMatcher('namespace', [value]),
    ]);
    const { matchers, rest } = lexSelector(selector);
    expect(rest).toBe('');
    expect(matchers).toEqual([
      { name: 'direction', op: '=', value: 'inbound' },
      { name: 'namespace', op: '=', value },
    ]);
  });

  it('matches several values literally, regex characters included', () => {
    const matcher = promqlMatcher('namespace', ['shop', 'a.b', HOSTILE[0]]);
    const { matchers, rest } = lexSelector(`{${matcher}}`);
    expect(rest).toBe('');
    expect(matchers).toHaveLength(1);
    expect(matchers[0].op).toBe('=~');
    // RE2 is anchored by Prometheus; JS needs explicit anchors.
    const re = new RegExp(`^(?:${matchers[0].value})$`);
    expect(re.test('shop')).toBe(true);
    expect(re.test('a.b')).toBe(true);
    expect(re.test('axb')).toBe(false);
    expect(re.test(HOSTILE[0])).toBe(true);
    expect(re.test('anything')).toBe(false);
  });

  it('matches nothing for no values and any non-empty value for undefined', () => {
    expect(promqlMatcher('namespace', [])).toBe('namespace="",namespace!=""');
    expect(promqlMatcher('namespace')).toBe('namespace!=""');
  });

  it('refuses label names that are not PromQL identifiers', () => {
    expect(() => promqlMatcher('namespace"}', ['x'])).toThrow(
      'Invalid Prometheus label name',
    );
    expect(() => promqlBy(['le', 'a b'])).toThrow(
      'Invalid Prometheus label name',
    );
    expect(promqlBy(['le', 'namespace'])).toBe('by (le, namespace)');
  });

  it('escapes every regex metacharacter', () => {
    expect(escapePromqlRegex('a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o')).toBe(
      'a\\.b\\*c\\+d\\?e\\^f\\$g\\{h\\}i\\(j\\)k\\|l\\[m\\]n\\\\o',
    );
  });
});

describe('promqlSelector', () => {
  it('separates matchers with commas, as PromQL requires', () => {
    expect(
      promqlSelector([
        promqlMatcher('namespace', ['shop']),
        promqlMatcher('app', ['a', 'b']),
      ]),
    ).toBe('{namespace="shop",app=~"a|b"}');
    expect(promqlSelector([])).toBe('{}');
  });
});
