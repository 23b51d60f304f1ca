/**
 * The mesh backend's cache and single-flight paths against Backstage's real
 * cache stores: the memory store and a real Redis (Debian's redis-server,
 * started here on 127.0.0.1). Both serialize values, so what is read back is
 * what a second replica would get: no references survive.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigReader } from '@backstage/config';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { BoundedCache } from '../plugins/mesh-backend/src/cache/BoundedCache';
import { SingleFlightCache } from '../plugins/mesh-backend/src/service/SingleFlightCache';
import { RunningRedis, startRedis } from './support/redis';

/** A result shaped like the API's: nested objects, arrays, nulls, dates as strings. */
function statusLike(n: number) {
  return {
    entityRef: `component:default/svc-${n}`,
    generatedAt: new Date(1_700_000_000_000 + n).toISOString(),
    clusters: [
      {
        cluster: 'homelab',
        workloads: [
          { name: 'web', metrics: { successRate: 0.99, p95Ms: null } },
        ],
        errors: [],
      },
    ],
  };
}

const stores: Array<{ name: string; setup: () => Promise<ConfigReader> }> = [];
let redis: RunningRedis | undefined;
const managers: CacheManager[] = [];

stores.push({
  name: 'memory',
  setup: async () =>
    new ConfigReader({ backend: { cache: { store: 'memory' } } }),
});
stores.push({
  name: 'redis',
  setup: async () => {
    redis ??= await startRedis();
    return new ConfigReader({
      backend: { cache: { store: 'redis', connection: redis.url, redis: {} } },
    });
  },
});

after(async () => {
  for (const m of managers) {
    // The Keyv client shares the plugin's store connection: close it.
    await ((m as any).getClientWithTtl('mesh', undefined) as any).disconnect?.();
  }
  await redis?.stop();
});

for (const store of stores) {
  describe(`the ${store.name} store`, () => {
    let manager: CacheManager;
    before(async () => {
      manager = CacheManager.fromConfig(await store.setup());
      managers.push(manager);
    });

    /** One backend replica's cache: its own in-flight map, the shared store. */
    const replica = (ttlSeconds = 30) =>
      new SingleFlightCache(
        new BoundedCache(manager.forPlugin('mesh'), 100, ttlSeconds * 1000),
        ttlSeconds,
      );

    it('a cached value survives the JSON round trip, and another replica gets it without computing', async () => {
      const key = `status:${store.name}:${Date.now()}`;
      let computed = 0;
      const a = replica();
      const b = replica();
      const first = await a.get(key, async () => {
        computed++;
        return statusLike(1);
      });
      const second = await b.get(key, async () => {
        computed++;
        return statusLike(2);
      });
      assert.equal(computed, 1);
      assert.deepEqual(second, statusLike(1));
      // Not the same object: it came out of the store.
      assert.notEqual(second, first);
    });

    it('concurrent callers of one key share one computation', async () => {
      const key = `flight:${store.name}:${Date.now()}`;
      let computed = 0;
      const a = replica();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          a.get(key, async () => {
            computed++;
            await new Promise(r => setTimeout(r, 100));
            return statusLike(3);
          }),
        ),
      );
      assert.equal(computed, 1);
      for (const r of results) assert.deepEqual(r, statusLike(3));
    });

    it('an entry expires after its TTL', async () => {
      const key = `ttl:${store.name}:${Date.now()}`;
      let computed = 0;
      const a = replica(1);
      const compute = async () => {
        computed++;
        return statusLike(computed);
      };
      await a.get(key, compute);
      await a.get(key, compute);
      assert.equal(computed, 1);
      await new Promise(r => setTimeout(r, 1300));
      assert.deepEqual(await a.get(key, compute), statusLike(2));
    });

    it('Meshlens keeps at most cacheMaxEntries keys in the store', async () => {
      const inner = manager.forPlugin('mesh');
      const bounded = new BoundedCache(inner, 5, 60_000);
      const prefix = `bounded:${store.name}:${Date.now()}`;
      for (let i = 0; i < 20; i++) {
        await bounded.set(`${prefix}:${i}`, statusLike(i));
      }
      assert.equal(bounded.size, 5);
      const present = [];
      for (let i = 0; i < 20; i++) {
        if ((await inner.get(`${prefix}:${i}`)) !== undefined) present.push(i);
      }
      assert.deepEqual(present, [15, 16, 17, 18, 19]);
    });
  });
}
