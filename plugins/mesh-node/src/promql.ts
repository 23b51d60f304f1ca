/**
 * Building blocks for PromQL that contains values from the catalog or from
 * a user. Every adapter builds its selectors with these, so no value can
 * end a string literal and change the query.
 */

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const REGEX_META = /[.*+?^${}()|[\]\\]/g;

/**
 * Escapes a value for a double-quoted PromQL string literal.
 * @public
 */
export function escapePromqlString(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/**
 * Escapes a value so a RE2 regular expression matches it literally.
 * @public
 */
export function escapePromqlRegex(value: string): string {
  return value.replace(REGEX_META, '\\$&');
}

/** @public */
export function assertPromqlLabelName(name: string): string {
  if (!LABEL_NAME.test(name)) {
    throw new TypeError(`Invalid Prometheus label name "${name}"`);
  }
  return name;
}

/**
 * A label matcher for one value (`name="v"`) or several (`name=~"a|b"`),
 * with every value escaped. Undefined values mean "any non-empty value".
 * @public
 */
export function promqlMatcher(name: string, values?: string[]): string {
  assertPromqlLabelName(name);
  if (values === undefined) {
    return `${name}!=""`;
  }
  if (values.length === 1) {
    return `${name}="${escapePromqlString(values[0])}"`;
  }
  if (values.length === 0) {
    // Matches nothing, rather than everything.
    return `${name}="",${name}!=""`;
  }
  const alternatives = values.map(escapePromqlRegex).join('|');
  return `${name}=~"${escapePromqlString(alternatives)}"`;
}

/**
 * A selector `{a="x",b=~"y|z"}` from matchers built with {@link promqlMatcher}
 * or constant matchers written by the adapter.
 * @public
 */
export function promqlSelector(matchers: string[]): string {
  return `{${matchers.join(',')}}`;
}

/**
 * A grouping clause `by (a, b)` from validated label names.
 * @public
 */
export function promqlBy(labels: string[]): string {
  return `by (${labels.map(assertPromqlLabelName).join(', ')})`;
}
