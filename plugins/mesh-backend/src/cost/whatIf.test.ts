import { proxyCostFigures } from '@meshlens/plugin-mesh-common';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { estimateWhatIf, whatIfAlternatives } from './whatIf';

const alternatives = whatIfAlternatives(defaultMeshAdapters());

describe('estimateWhatIf', () => {
  const byAlt = (r: ReturnType<typeof estimateWhatIf>) =>
    Object.fromEntries(r.alternatives.map(a => [a.alternative, a]));

  it('estimates each alternative from measured requests/s and the sourced figures', () => {
    const result = estimateWhatIf(
      {
        subject: 'component:default/storefront',
        requestsPerSecond: 500,
        pods: 3,
        nodeShare: 1.5,
        window: '5m',
      },
      alternatives,
    );
    expect(result.kind).toBe('estimate');
    const alt = byAlt(result);
    // Istio sidecar: 0.20-0.50 vCPU per 1000 rps; 50-60 MB per pod.
    expect(alt.istio.cpuCores?.low).toBeCloseTo(0.1, 12);
    expect(alt.istio.cpuCores?.high).toBeCloseTo(0.25, 12);
    expect(alt.istio.memoryBytes).toEqual({ low: 150e6, high: 180e6 });
    expect(alt.istio.sources).toEqual([
      'istio-performance-1.24',
      'istio-performance-older',
    ]);
    // Linkerd: derived from the benchmark ratio, with its caveat.
    expect(alt.linkerd.cpuCores?.low).toBeCloseTo((0.1 * 36) / 67, 12);
    expect(alt.linkerd.method).toMatch(/36\/67/);
    expect(alt.linkerd.caveats.join(' ')).toMatch(/Vendor-run/);
    expect(alt.linkerd.memoryBytes?.high).toBeCloseTo(3 * 26.3e6, 3);
    // Ambient: ztunnel only at the low end, plus one waypoint at the high end.
    expect(alt['istio-ambient'].cpuCores?.low).toBeCloseTo(0.03, 12);
    expect(alt['istio-ambient'].cpuCores?.high).toBeCloseTo(0.03 + 0.125, 12);
    expect(alt['istio-ambient'].memoryBytes).toEqual({
      low: 1.5 * 12e6,
      high: 1.5 * 12e6 + 60e6,
    });
    // Cilium: no published figure, no number.
    expect(alt.cilium.cpuCores).toBeUndefined();
    expect(alt.cilium.missing[0].gap).toBe('no-published-figure');
    expect(alt.none.cpuCores).toEqual({ low: 0, high: 0 });
  });

  it('estimates no CPU without measured traffic, and no per-node memory without the node share', () => {
    const result = estimateWhatIf(
      { subject: 'ns', pods: 2, window: '5m' },
      alternatives,
    );
    const alt = byAlt(result);
    expect(alt.istio.cpuCores).toBeUndefined();
    expect(alt.istio.memoryBytes).toEqual({ low: 100e6, high: 120e6 });
    expect(alt['istio-ambient'].memoryBytes).toBeUndefined();
    expect(alt['istio-ambient'].missing.map(m => m.gap)).toEqual([
      'no-traffic',
      'no-node-share',
    ]);
    expect(result.missing[0].gap).toBe('no-traffic');
    expect(result.basis).toEqual({ pods: 2, window: '5m' });
  });

  it("offers the built-in adapters' data planes and no mesh, each with the figures of mesh-facts §6", () => {
    expect(alternatives.map(a => a.id)).toEqual(Object.keys(proxyCostFigures));
    for (const a of alternatives) {
      expect(a.figures).toBe(proxyCostFigures[a.id]);
    }
  });

  it('refuses bad input', () => {
    expect(() =>
      estimateWhatIf({ subject: 's', pods: -1, window: '5m' }, alternatives),
    ).toThrow(/Invalid pod count/);
    expect(() =>
      estimateWhatIf(
        {
          subject: 's',
          pods: 1,
          requestsPerSecond: NaN,
          window: '5m',
        },
        alternatives,
      ),
    ).toThrow(/Invalid requests\/s/);
  });
});
