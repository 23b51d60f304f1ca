import { apportionByTraffic, apportionNodeProxies } from './apportion';

describe('apportionNodeProxies', () => {
  it("splits each node's proxy evenly over the pods it serves there, and keeps what nobody accounts for", () => {
    const result = apportionNodeProxies(
      [
        { node: 'n1', usage: { cpuCores: 0.03, memoryBytes: 300 } },
        { node: 'n2', usage: { cpuCores: 0.02, memoryBytes: 200 } },
        // A rollout left two on n2: they add up.
        { node: 'n2', usage: { cpuCores: 0.01, memoryBytes: 100 } },
        { node: 'n3', usage: { cpuCores: 0.005, memoryBytes: 50 } },
      ],
      [
        { namespace: 'shop', workload: 'a', node: 'n1' },
        { namespace: 'shop', workload: 'a', node: 'n1' },
        { namespace: 'shop', workload: 'b', node: 'n1' },
        { namespace: 'shop', workload: 'b', node: 'n2' },
      ],
    );
    expect(result.byWorkload.get('shop/a')?.cpuCores).toBeCloseTo(0.02, 12);
    expect(result.byWorkload.get('shop/a')?.memoryBytes).toBeCloseTo(200, 9);
    expect(result.byWorkload.get('shop/b')?.cpuCores).toBeCloseTo(
      0.01 + 0.03,
      12,
    );
    expect(result.unapportioned).toEqual({ cpuCores: 0.005, memoryBytes: 50 });
    // Shares and the rest add up to the proxies' total.
    const sum =
      [...result.byWorkload.values()].reduce((a, u) => a + u.cpuCores!, 0) +
      result.unapportioned.cpuCores!;
    expect(sum).toBeCloseTo(0.065, 12);
  });

  it('keeps an unmeasured field absent', () => {
    const result = apportionNodeProxies(
      [{ node: 'n1', usage: { cpuCores: 0.01 } }],
      [{ namespace: 'x', workload: 'w', node: 'n1' }],
    );
    expect(result.byWorkload.get('x/w')).toEqual({ cpuCores: 0.01 });
  });
});

describe('apportionByTraffic', () => {
  it("splits a waypoint's usage by the requests it carried per workload", () => {
    const result = apportionByTraffic(
      [
        { cpuCores: 0.004, memoryBytes: 400 },
        { cpuCores: 0.002, memoryBytes: 200 },
      ],
      new Map([
        ['shop/inventory', 9],
        ['shop/orders', 3],
        ['shop/idle', 0],
      ]),
    );
    expect(result.byWorkload.get('shop/inventory')?.cpuCores).toBeCloseTo(
      0.0045,
      12,
    );
    expect(result.byWorkload.get('shop/orders')?.memoryBytes).toBeCloseTo(
      150,
      9,
    );
    expect(result.byWorkload.has('shop/idle')).toBe(false);
    expect(result.unapportioned).toEqual({});
  });

  it('leaves a waypoint without traffic unapportioned', () => {
    expect(
      apportionByTraffic([{ cpuCores: 0.004 }], new Map()).unapportioned,
    ).toEqual({ cpuCores: 0.004 });
  });
});
