import { SharedReads } from './SharedReads';

describe('SharedReads', () => {
  let now = 1_000_000;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  const counted = () => {
    const calls: number[] = [];
    return {
      calls,
      read:
        (fail = false) =>
        async () => {
          calls.push(now);
          if (fail) throw new Error('upstream down');
          return calls.length;
        },
    };
  };

  it('shares a read for the TTL and reads again after it', async () => {
    const reads = new SharedReads(10_000);
    const c = counted();
    expect(await reads.get('k', c.read())).toBe(1);
    now += 9_000;
    expect(await reads.get('k', c.read())).toBe(1);
    now += 2_000;
    expect(await reads.get('k', c.read())).toBe(2);
  });

  it('reuses a young read for a refresh, and re-reads an old one once for concurrent refreshes', async () => {
    const reads = new SharedReads(10_000);
    const c = counted();
    await reads.get('k', c.read());
    now += 1_000;
    expect(await reads.refresh('k', c.read())).toBe(1);
    now += 8_000;
    const both = await Promise.all([
      reads.refresh('k', c.read()),
      reads.refresh('k', c.read()),
    ]);
    expect(both).toEqual([2, 2]);
    expect(c.calls).toHaveLength(2);
    // The re-read counts from when it settled.
    now += 9_000;
    expect(await reads.get('k', c.read())).toBe(2);
  });

  it('keeps the old read until its TTL when a refresh fails', async () => {
    const reads = new SharedReads(10_000);
    const c = counted();
    await reads.get('k', c.read());
    now += 9_000;
    await expect(reads.refresh('k', c.read(true))).rejects.toThrow(
      'upstream down',
    );
    expect(await reads.get('k', c.read())).toBe(1);
    now += 1_500;
    expect(await reads.get('k', c.read())).toBe(3);
  });
});
