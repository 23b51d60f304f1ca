/**
 * Reads kept in process memory for a short TTL and shared by every caller:
 * only for clusters read under the plugin's own identity, so that one
 * cluster costs one LIST per resource type and TTL however many users,
 * queries and plugins ask. A failed read is forgotten at once.
 */
export class SharedReads {
  private readonly entries = new Map<
    string,
    { expires: number; value: Promise<unknown> }
  >();

  constructor(private readonly ttlMs: number) {}

  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    if (this.entries.size > 10_000) this.sweep(now);
    const value = read();
    // Single flight: concurrent callers share the pending read, which
    // counts as fresh until it settles and then for the TTL.
    const entry = { expires: Number.POSITIVE_INFINITY, value };
    this.entries.set(key, entry);
    value.then(
      () => {
        entry.expires = Date.now() + this.ttlMs;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  private sweep(now: number) {
    for (const [key, e] of this.entries) {
      if (e.expires <= now) this.entries.delete(key);
    }
  }
}
