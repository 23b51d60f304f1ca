import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { JsonSafe, SingleFlightCache } from './SingleFlightCache';

/** Backstage's memory store, which keeps JSON text as Redis and memcache do. */
function memoryStore() {
  return CacheManager.fromConfig(
    mockServices.rootConfig({ data: {} }),
  ).forPlugin('mesh');
}

describe('SingleFlightCache', () => {
  it('answers the same from the real store as it computed', async () => {
    const flights = new SingleFlightCache(memoryStore(), 30);
    const value = {
      generatedAt: '2026-01-01T00:00:00.000Z',
      rows: [{ cluster: 'homelab', count: 2, share: null }],
      optional: undefined as string | undefined,
    };
    let computed = 0;
    const compute = async () => {
      computed++;
      return value;
    };
    const first = await flights.get('k', compute);
    const second = await flights.get('k', compute);
    expect(computed).toBe(1);
    expect(second).toEqual(first);
    // From the store: a copy, not the object itself.
    expect(second).not.toBe(first);
  });

  it('shares one computation between concurrent callers, and caches it', async () => {
    const flights = new SingleFlightCache(memoryStore(), 30);
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise(r => setTimeout(r, 20));
      return { n: computed };
    };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => flights.get('k', compute)),
    );
    expect(answers).toEqual(Array(5).fill({ n: 1 }));
    expect(await flights.get('k', compute)).toEqual({ n: 1 });
    expect(computed).toBe(1);
  });

  it('computes again without a TTL, and shares in-flight work between instances', async () => {
    const inFlight = new Map<string, Promise<unknown>>();
    const a = new SingleFlightCache(memoryStore(), 0, inFlight);
    const b = new SingleFlightCache(memoryStore(), 0, inFlight);
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise(r => setTimeout(r, 10));
      return computed;
    };
    expect(
      await Promise.all([a.get('k', compute), b.get('k', compute)]),
    ).toEqual([1, 1]);
    expect(await a.get('k', compute)).toBe(2);
  });

  it('does not compile a value that would not survive the store', () => {
    const flights = new SingleFlightCache(undefined, 0);
    // Type-level only: each line fails `tsc` without its directive.
    // @ts-expect-error a Map becomes {} in JSON
    flights.get('map', async () => ({ byCluster: new Map<string, number>() }));
    // @ts-expect-error a Set becomes {}
    flights.get('set', async () => ({ names: new Set<string>() }));
    // @ts-expect-error a Date becomes a string
    flights.get('date', async () => ({ at: new Date() }));
    const ok: JsonSafe<{ a: string[]; b?: number | null }> = { a: [] };
    expect(ok).toEqual({ a: [] });
  });
});
