import { LabelSelector, matchesLabelSelector } from './selectors';

/**
 * Objects looked up by label selector without scanning them all: the
 * candidates are those carrying the rarest of the selector's `key=value`
 * pairs, then the whole selector is checked. A key is indexed the first
 * time a selector asks for it. Order is kept.
 * @public
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
    return candidates.filter(o =>
      matchesLabelSelector(selector, o.metadata.labels),
    );
  }
}

const indexes = new WeakMap<object, LabelIndex<any>>();

/**
 * The index of a list, built once per list object.
 * @public
 */
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
