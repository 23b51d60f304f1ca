import { CacheService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/**
 * Concurrent callers of the same key share one computation (single-flight),
 * and its result is kept for a short TTL in the Backstage cache service.
 * Only API results are stored here, never Kubernetes objects.
 */
export class SingleFlightCache {
  constructor(
    private readonly cache: CacheService | undefined,
    private readonly ttlSeconds: number,
    private readonly inFlight: Map<string, Promise<unknown>> = new Map(),
  ) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
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
