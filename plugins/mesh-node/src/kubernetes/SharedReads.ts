/**
 * The part of a shared read's TTL, at its end, in which a refresh of the
 * answers built on it reads it again rather than reuse it (see `refresh`).
 * @public
 */
export const REFRESH_AHEAD_FRACTION = 0.2;

interface Entry {
  /** When the read settled; infinite while it is pending. */
  settled: number;
  value: Promise<unknown>;
  /** A pending re-read that replaces this entry once it succeeds. */
  refreshing?: Promise<unknown>;
}

/**
 * Reads kept in process memory for a short TTL and shared by every caller:
 * only for clusters read under the plugin's own identity, so that one
 * cluster costs one LIST per resource type and TTL however many users,
 * queries and plugins ask. A failed read is forgotten at once.
 */
export class SharedReads {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  get<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.settled + this.ttlMs > now) return hit.value as Promise<T>;
    if (this.entries.size > 10_000) this.sweep(now);
    return this.start(key, read);
  }

  /**
   * For a refresh ahead of the TTL: a read younger than the refresh part of
   * the TTL is reused, any other is read again, once for every concurrent
   * refresh. Until the new read succeeds, `get` keeps answering the old
   * one; a failed re-read leaves it in place until its TTL ends.
   */
  refresh<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (!hit || hit.settled + this.ttlMs <= now) return this.start(key, read);
    if (now - hit.settled < this.ttlMs * REFRESH_AHEAD_FRACTION) {
      return hit.value as Promise<T>;
    }
    if (hit.refreshing) return hit.refreshing as Promise<T>;
    const value = read();
    hit.refreshing = value;
    value.then(
      () => {
        if (this.entries.get(key) === hit) {
          this.entries.set(key, { settled: Date.now(), value });
        }
      },
      () => {
        if (hit.refreshing === value) hit.refreshing = undefined;
      },
    );
    return value;
  }

  private start<T>(key: string, read: () => Promise<T>): Promise<T> {
    const value = read();
    // Single flight: concurrent callers share the pending read, which
    // counts as fresh until it settles and then for the TTL.
    const entry: Entry = { settled: Number.POSITIVE_INFINITY, value };
    this.entries.set(key, entry);
    value.then(
      () => {
        entry.settled = Date.now();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  private sweep(now: number) {
    for (const [key, e] of this.entries) {
      if (e.settled + this.ttlMs <= now) this.entries.delete(key);
    }
  }
}
