import { costSection } from './costSection';

describe('costSection', () => {
  it('gives the measured proxy overhead, and says "not measured" rather than 0', () => {
    expect(
      costSection({
        window: '5m',
        subject: 'namespace sensors',
        proxy: { cpuCores: 0.012, memoryBytes: 60 * 2 ** 20 },
        application: { cpuCores: 0.15 },
        proxyShareOfTotal: { cpu: 0.074 },
      }).join('\n'),
    ).toBe(
      [
        '## Cost',
        '',
        'Measured for namespace sensors by Meshlens over 5m from the cAdvisor series (container_cpu_usage_seconds_total, container_memory_working_set_bytes):',
        '',
        '* Proxies: 12m CPU, 60 MiB',
        '* Application: 150m CPU, not measured',
        '* Proxy share of the pods: CPU 7.4%, memory not measured',
        '',
      ].join('\n'),
    );
  });

  it('lists the estimated alternatives apart from the measurements, with their sources', () => {
    const lines = costSection({
      window: '5m',
      proxy: { cpuCores: 0.012 },
      application: {},
      estimates: [
        {
          title: 'Istio sidecar',
          cpuCores: { low: 0.0024, high: 0.006 },
          memoryBytes: { low: 50 * 2 ** 20, high: 50 * 2 ** 20 },
          sources: ['istio-performance-1.24', 'a *made-up* note'],
        },
        { title: 'Cilium', sources: [] },
      ],
    });
    const at = lines.indexOf('### Estimated alternatives (not measured)');
    expect(at).toBeGreaterThan(
      lines.indexOf('* Proxies: 12m CPU, not measured'),
    );
    expect(lines[at + 4]).toMatch(
      /^\* Istio sidecar: 2\.4m CPU to 6m CPU, 50 MiB\. Sources: .+ \(.+\); a \\\*made-up\\\* note$/,
    );
    expect(lines[at + 5]).toBe(
      '* Cilium: not estimated (no published figure or input), not estimated (no published figure or input)',
    );
  });

  it('adds nothing without measured numbers', () => {
    expect(costSection(undefined)).toEqual([]);
  });
});
