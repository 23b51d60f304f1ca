import { InputError } from '@backstage/errors';
import { isLabelKey, isLabelValue } from './names';

/** One requirement of a Kubernetes label selector. */
export type SelectorRequirement =
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists'; values: [] };

export type LabelSelector = SelectorRequirement[];

/**
 * Parses the Kubernetes label-selector syntax of the
 * `backstage.io/kubernetes-label-selector` annotation. Keys and values are
 * validated, so the selector can be re-serialized safely.
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

/** An equality selector `key=value` with a validated value. */
export function equalitySelector(key: string, value: string): LabelSelector {
  return [
    { key: checkKey(key, key), op: '=', values: [checkValue(value, value)] },
  ];
}

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

export function matchesSelector(
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

/** A workload's `spec.selector` (matchLabels and matchExpressions). */
export function fromLabelSelectorSpec(spec: any): LabelSelector | undefined {
  if (!spec) return undefined;
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries<string>(spec.matchLabels ?? {})) {
    out.push({ key, op: '=', values: [value] });
  }
  for (const e of spec.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In') out.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (op === 'NotIn') {
      out.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    } else if (op === 'Exists')
      out.push({ key: e.key, op: 'exists', values: [] });
    else if (op === 'DoesNotExist') {
      out.push({ key: e.key, op: '!exists', values: [] });
    }
  }
  return out.length ? out : undefined;
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

/**
 * Objects looked up by label selector without scanning them all: the
 * candidates are those carrying the rarest of the selector's `key=value`
 * pairs, then the whole selector is checked. A key is indexed the first
 * time a selector asks for it. Order is kept.
 */
export class LabelIndex<
  T extends { metadata: { labels?: Record<string, string> } },
> {
  private readonly byKey = new Map<string, Map<string, T[]>>();

  constructor(private readonly items: T[]) {}

  private valuesOf(key: string): Map<string, T[]> {
    let values = this.byKey.get(key);
    if (!values) {
      values = new Map();
      for (const item of this.items) {
        const value = item.metadata.labels?.[key];
        if (value === undefined) continue;
        const list = values.get(value);
        if (list) list.push(item);
        else values.set(value, [item]);
      }
      this.byKey.set(key, values);
    }
    return values;
  }

  select(selector: LabelSelector): T[] {
    let candidates = this.items;
    for (const r of selector) {
      if (r.op !== '=' || candidates.length === 0) continue;
      const list = this.valuesOf(r.key).get(r.values[0]) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates.filter(o => matchesSelector(selector, o.metadata.labels));
  }
}

const indexes = new WeakMap<object, LabelIndex<any>>();

/** The index of a list, built once per list object. */
export function labelIndexOf<
  T extends { metadata: { labels?: Record<string, string> } },
>(items: T[]): LabelIndex<T> {
  let index = indexes.get(items);
  if (!index) {
    index = new LabelIndex(items);
    indexes.set(items, index);
  }
  return index;
}
