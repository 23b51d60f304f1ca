import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { BoundedCache } from './BoundedCache';

/** Backstage's real memory store, as the backend builds it. */
function memoryStore() {
  const manager = CacheManager.fromConfig(mockServices.rootConfig());
  return manager.forPlugin('mesh');
}

describe('BoundedCache', () => {
  it('keeps at most maxEntries keys in the real memory store, oldest out first', async () => {
    const inner = memoryStore();
    const cache = new BoundedCache(inner, 3, 60_000);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await cache.set(key, { key });
    }
    expect(cache.size).toBe(3);
    expect(await inner.get('a')).toBeUndefined();
    expect(await inner.get('b')).toBeUndefined();
    expect(await inner.get('e')).toEqual({ key: 'e' });
  });

  it('deletes expired keys that nobody reads again', async () => {
    let now = 1_000_000;
    const inner = memoryStore();
    const cache = new BoundedCache(inner, 100, 60_000, () => now);
    await cache.set('old', 1, { ttl: 1000 });
    now += 2000;
    await cache.set('new', 2, { ttl: 1000 });
    expect(cache.size).toBe(1);
    await cache.delete('new');
    expect(cache.size).toBe(0);
  });

  it('rewriting a key moves it to the back', async () => {
    const inner = memoryStore();
    const cache = new BoundedCache(inner, 2, 60_000);
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('a', 3);
    await cache.set('c', 4);
    expect(await inner.get('a')).toBe(3);
    expect(await inner.get('b')).toBeUndefined();
  });
});
