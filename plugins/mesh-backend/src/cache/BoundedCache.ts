import {
  CacheService,
  CacheServiceOptions,
  CacheServiceSetOptions,
} from '@backstage/backend-plugin-api';
import { JsonValue, durationToMilliseconds } from '@backstage/types';

/**
 * A cache service that holds at most `maxEntries` of the keys written
 * through it. Backstage's memory store (backend-defaults 0.18) is a plain
 * `Map` that drops an expired entry only when that key is read again, so
 * keys that are never read again (an old time-series end, a window asked
 * once) would stay forever. This wrapper remembers what it wrote and when it
 * expires, deletes expired keys as it goes, and deletes the oldest when
 * full. With Redis or memcache the store's own TTL does the same; the
 * deletes are then merely early.
 */
export class BoundedCache implements CacheService {
  /** Key → expiry (ms since epoch), oldest write first. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly inner: CacheService,
    private readonly maxEntries: number,
    private readonly defaultTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many keys this process currently holds in the store. */
  get size(): number {
    return this.written.size;
  }

  async get<TValue extends JsonValue>(
    key: string,
  ): Promise<TValue | undefined> {
    return this.inner.get<TValue>(key);
  }

  async set(
    key: string,
    value: JsonValue,
    options?: CacheServiceSetOptions,
  ): Promise<void> {
    const ttlMs = ttlMsOf(options?.ttl, this.defaultTtlMs);
    this.written.delete(key);
    this.written.set(key, this.now() + ttlMs);
    await this.inner.set(key, value, options);
    await this.evict();
  }

  async delete(key: string): Promise<void> {
    this.written.delete(key);
    await this.inner.delete(key);
  }

  withOptions(options: CacheServiceOptions): CacheService {
    return new BoundedCache(
      this.inner.withOptions(options),
      this.maxEntries,
      ttlMsOf(options.defaultTtl, this.defaultTtlMs),
      this.now,
    );
  }

  private async evict(): Promise<void> {
    const now = this.now();
    const doomed: string[] = [];
    // Oldest write first: with one TTL, the first live key ends the sweep.
    // A shorter-lived key behind it waits until it reaches the front.
    for (const [key, expires] of this.written) {
      const over = this.written.size - doomed.length > this.maxEntries;
      if (expires > now && !over) break;
      doomed.push(key);
    }
    for (const key of doomed) this.written.delete(key);
    await Promise.all(doomed.map(key => this.inner.delete(key)));
  }
}

function ttlMsOf(ttl: CacheServiceSetOptions['ttl'], fallback: number): number {
  if (ttl === undefined) return fallback;
  return typeof ttl === 'number' ? ttl : durationToMilliseconds(ttl);
}
