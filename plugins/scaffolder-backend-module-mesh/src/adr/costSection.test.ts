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

  it('adds nothing without measured numbers', () => {
    expect(costSection(undefined)).toEqual([]);
  });
});
