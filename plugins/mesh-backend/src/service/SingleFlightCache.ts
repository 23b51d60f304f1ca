import { CacheService } from '@backstage/backend-plugin-api';
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
 * Concurrent callers of the same key share one computation (single-flight),
 * and its result is kept for a short TTL in the Backstage cache service.
 * Only API results are stored here, never Kubernetes objects, and only
 * values that survive a JSON round trip (see `JsonSafe`).
 */
export class SingleFlightCache {
  constructor(
    private readonly cache: CacheService | undefined,
    private readonly ttlSeconds: number,
    private readonly inFlight: Map<string, Promise<unknown>> = new Map(),
  ) {}

  async get<T>(
    key: string,
    compute: () => Promise<T & JsonSafe<T>>,
  ): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const run = (async () => {
      if (this.cache && this.ttlSeconds > 0) {
        const hit = await this.cache.get(key).catch(() => undefined);
        if (hit !== undefined) return hit as unknown as T;
      }
      const value = await compute();
      if (this.cache && this.ttlSeconds > 0) {
        await this.cache
          .set(key, value as unknown as JsonValue, {
            ttl: this.ttlSeconds * 1000,
          })
          .catch(() => undefined);
      }
      return value;
    })();
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(key);
    }
  }
}
