import { InputError } from '@backstage/errors';
import { isLabelKey, isLabelValue } from './names';

/**
 * One requirement of a Kubernetes label selector.
 * @public
 */
export type LabelSelectorRequirement =
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists'; values: [] };

/**
 * A parsed label selector: every requirement must hold. Empty selects
 * everything.
 * @public
 */
export type LabelSelector = LabelSelectorRequirement[];

/**
 * The `LabelSelector` of Kubernetes specs (`spec.selector` of a workload,
 * `podSelector` of a NetworkPolicy).
 * @public
 */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}

/**
 * Parses the Kubernetes label-selector syntax (`a=b,c in (d,e),!f`), as in
 * the `backstage.io/kubernetes-label-selector` annotation. Keys and values
 * are validated, so the selector can be re-serialized into a query safely.
 * @public
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements: LabelSelector = [];
  for (const part of splitTopLevel(text)) {
    const item = part.trim();
    if (!item) continue;
    let m = item.match(/^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/);
    if (m) {
      const values = m[3]
        .split(',')
        .map(v => v.trim())
        .filter(v => v !== '');
      requirements.push({
        key: checkKey(m[1], text),
        op: m[2] as 'in' | 'notin',
        values: values.map(v => checkValue(v, text)),
      });
      continue;
    }
    m = item.match(/^([^=!\s]+)\s*(==|=|!=)\s*([^=!\s]*)$/);
    if (m) {
      requirements.push({
        key: checkKey(m[1], text),
        op: m[2] === '!=' ? '!=' : '=',
        values: [checkValue(m[3], text)],
      });
      continue;
    }
    m = item.match(/^(!?)([^=!\s()]+)$/);
    if (m) {
      requirements.push({
        key: checkKey(m[2], text),
        op: m[1] ? '!exists' : 'exists',
        values: [],
      });
      continue;
    }
    throw new InputError(`Invalid label selector "${text}" near "${item}"`);
  }
  if (requirements.length === 0) {
    throw new InputError(`Empty label selector "${text}"`);
  }
  return requirements;
}

/**
 * An equality selector `key=value`, validated.
 * @public
 */
export function equalitySelector(key: string, value: string): LabelSelector {
  return [
    { key: checkKey(key, key), op: '=', values: [checkValue(value, value)] },
  ];
}

/**
 * The selector in Kubernetes syntax, for a `labelSelector` query.
 * @public
 */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map(r => {
      switch (r.op) {
        case '=':
        case '!=':
          return `${r.key}${r.op}${r.values[0]}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.op} (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        default:
          return `!${r.key}`;
      }
    })
    .join(',');
}

/**
 * Whether labels satisfy every requirement of the selector.
 * @public
 */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return selector.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case '=':
        return has && l[r.key] === r.values[0];
      case '!=':
        return !has || l[r.key] !== r.values[0];
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
      case 'exists':
        return has;
      default:
        return !has;
    }
  });
}

const OPERATORS: Record<string, 'in' | 'notin' | 'exists' | '!exists'> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!exists',
};

/**
 * A spec's `LabelSelector` (matchLabels and matchExpressions) as a
 * {@link LabelSelector}. Undefined, which selects nothing, for a missing
 * selector and for an operator this code does not know: a selector that
 * cannot be read must not select every pod. `{}` selects everything, as in
 * Kubernetes.
 * @public
 */
export function labelSelectorFromSpec(
  spec: LabelSelectorSpec | null | undefined,
): LabelSelector | undefined {
  if (!spec) return undefined;
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) {
    out.push({ key, op: '=', values: [value] });
  }
  for (const e of spec.matchExpressions ?? []) {
    const op = OPERATORS[String(e.operator)];
    if (!op) return undefined;
    if (op === 'in' || op === 'notin') {
      out.push({ key: e.key, op, values: e.values ?? [] });
    } else {
      out.push({ key: e.key, op, values: [] });
    }
  }
  return out;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function checkKey(key: string, text: string): string {
  if (!isLabelKey(key)) {
    throw new InputError(`Invalid label key "${key}" in selector "${text}"`);
  }
  return key;
}

function checkValue(value: string, text: string): string {
  if (!isLabelValue(value)) {
    throw new InputError(
      `Invalid label value "${value}" in selector "${text}": at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
    );
  }
  return value;
}
