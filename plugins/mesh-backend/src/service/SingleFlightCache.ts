import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

type JsonPrimitive = string | number | boolean | null;

/**
 * `T` as far as it survives `JSON.stringify` and `JSON.parse` unchanged:
 * a `Map`, `Set`, `Date`, function or class instance becomes `never`, so a
 * value holding one is not a `T & JsonSafe<T>`. Backstage's
 * cache stores (memory, Redis, memcache) all keep values as JSON text, and
 * a value that does not survive the trip comes back different from the
 * second request on.
 */
export type JsonSafe<T> = T extends JsonPrimitive | undefined
  ? T
  : T extends
      | Map<unknown, unknown>
      | Set<unknown>
      | WeakMap<object, unknown>
      | Date
      | RegExp
      | ((...args: never[]) => unknown)
      | bigint
      | symbol
  ? never
  : T extends ReadonlyArray<infer U>
  ? ReadonlyArray<JsonSafe<U>>
  : T extends object
  ? { [K in keyof T]: JsonSafe<T[K]> }
  : never;

/**
 * The last part of the TTL in which a hit on a shared answer, with
 * refresh-ahead on, starts a re-read in the background.
 */
export const REFRESH_AHEAD_FRACTION = 0.2;

/** How a value is stored with refresh-ahead on: with the time it was computed. */
interface Stored {
  meshlensStoredAt: number;
  value: JsonValue;
}

function isStored(hit: unknown): hit is Stored {
  return (
    typeof hit === 'object' &&
    hit !== null &&
    typeof (hit as Stored).meshlensStoredAt === 'number' &&
    'value' in hit
  );
}

/** The number of upstream errors an answer reports, at any depth. */
export function upstreamErrorCount(value: unknown): number {
  if (Array.isArray(value)) {
    return value.reduce((n: number, v) => n + upstreamErrorCount(v), 0);
  }
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  for (const [key, v] of Object.entries(value)) {
    n += key === 'errors' && Array.isArray(v) ? v.length : 0;
    n += upstreamErrorCount(v);
  }
  return n;
}

/** What `get` may do ahead of the TTL for a key every caller shares. */
export interface RefreshAhead<T> {
  /** Computes the value again with fresh reads (`KubernetesSession` with `refresh`). */
  recompute: () => Promise<T & JsonSafe<T>>;
}

/**
 * Concurrent callers of the same key share one computation (single-flight),
 * and its result is kept for a short TTL in the Backstage cache service.
 * Only API results are stored here, never Kubernetes objects, and only
 * values that survive a JSON round trip (see `JsonSafe`).
 *
 * With refresh-ahead on (`mesh.cache.refreshAhead`), a hit on a shared key
 * in the last part of its TTL is answered at once and computed again in
 * the background, once however many callers hit it. The new value replaces
 * the old only when it reports no more upstream errors than the old one: a
 * failed refresh is logged and the old value stays until its TTL ends.
 */
export class SingleFlightCache {
  private readonly refreshing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cache: CacheService | undefined,
    private readonly ttlSeconds: number,
    private readonly inFlight: Map<string, Promise<unknown>> = new Map(),
    private readonly refreshAhead?: { logger: LoggerService },
  ) {}

  private get caching() {
    return !!this.cache && this.ttlSeconds > 0;
  }

  async get<T>(
    key: string,
    compute: () => Promise<T & JsonSafe<T>>,
    refresh?: RefreshAhead<T>,
  ): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const run = (async () => {
      const hit = await this.lookup(key);
      if (hit) {
        if (refresh && this.due(hit.storedAt)) {
          this.renew(key, refresh.recompute).catch(() => undefined);
        }
        return hit.value as unknown as T;
      }
      const value = await compute();
      await this.store(key, value);
      return value;
    })();
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * Computes a key again now (once for concurrent callers), and stores the
   * result unless it reports more upstream errors than the value it would
   * replace. Resolves to the new value either way.
   */
  renew<T>(key: string, recompute: () => Promise<T & JsonSafe<T>>): Promise<T> {
    const pending = this.refreshing.get(key);
    if (pending) return pending as Promise<T>;
    const run = (async () => {
      try {
        const value = await recompute();
        const old = await this.lookup(key);
        const errors = upstreamErrorCount(value);
        if (old && errors > upstreamErrorCount(old.value)) {
          this.refreshAhead?.logger.warn(
            `Refreshing ${key} ahead of its TTL met ${errors} upstream error(s); the previous answer is kept until its TTL ends`,
          );
        } else {
          await this.store(key, value);
        }
        return value as T;
      } catch (e) {
        this.refreshAhead?.logger.warn(
          `Refreshing ${key} ahead of its TTL failed; the previous answer is kept until its TTL ends: ${e}`,
        );
        throw e;
      } finally {
        this.refreshing.delete(key);
      }
    })();
    this.refreshing.set(key, run);
    return run;
  }

  /** Whether refresh-ahead is on and a value stored at `storedAt` is in the last part of its TTL. */
  private due(storedAt: number | undefined): boolean {
    if (!this.refreshAhead || storedAt === undefined) return false;
    const ttlMs = this.ttlSeconds * 1000;
    return Date.now() - storedAt >= ttlMs * (1 - REFRESH_AHEAD_FRACTION);
  }

  private async lookup(
    key: string,
  ): Promise<{ value: JsonValue; storedAt?: number } | undefined> {
    if (!this.caching) return undefined;
    const hit = await this.cache!.get(key).catch(() => undefined);
    if (hit === undefined) return undefined;
    // A value stored by a replica without refresh-ahead has no time: it is
    // served, never refreshed ahead.
    return isStored(hit)
      ? { value: hit.value, storedAt: hit.meshlensStoredAt }
      : { value: hit };
  }

  private async store(key: string, value: unknown) {
    if (!this.caching) return;
    const stored: JsonValue = this.refreshAhead
      ? { meshlensStoredAt: Date.now(), value: value as JsonValue }
      : (value as JsonValue);
    await this.cache!.set(key, stored, { ttl: this.ttlSeconds * 1000 }).catch(
      () => undefined,
    );
  }
}
