import { parseQuantity } from './quantity';
import { costQueries } from './queries';

describe('costQueries', () => {
  it('builds one CPU and one memory query per cluster, grouped by namespace, pod, container', () => {
    expect(
      costQueries({ window: '5m', namespaces: ['shop', 'linkerd', 'shop'] }),
    ).toEqual({
      cpu: 'sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{namespace=~"linkerd|shop",container!="",container!="POD"}[5m]))',
      memory:
        'sum by (namespace, pod, container) (container_memory_working_set_bytes{namespace=~"linkerd|shop",container!="",container!="POD"})',
    });
  });

  it('reads every namespace when none is given', () => {
    expect(costQueries({ window: '5m' }).memory).toBe(
      'sum by (namespace, pod, container) (container_memory_working_set_bytes{namespace!="",container!="",container!="POD"})',
    );
  });

  it('escapes values and selects the cluster and job when asked', () => {
    const q = costQueries({
      window: '1h',
      namespaces: ['a.b"c'],
      clusterLabel: { name: 'cluster', value: 'home"lab' },
      job: 'kubelet',
    });
    expect(q.memory).toBe(
      'sum by (namespace, pod, container) (container_memory_working_set_bytes{namespace="a.b\\"c",container!="",container!="POD",cluster="home\\"lab",job="kubelet"})',
    );
    expect(q.cpu).toContain('[1h]))');
  });

  it('refuses a bad window, an empty scope and a bad label name', () => {
    expect(() =>
      costQueries({ window: '5m]) or vector(1', namespaces: ['a'] }),
    ).toThrow(/Invalid cost window/);
    expect(() => costQueries({ window: '5m', namespaces: [] })).toThrow(
      /at least one namespace/,
    );
    expect(() =>
      costQueries({
        window: '5m',
        namespaces: ['a'],
        clusterLabel: { name: 'bad-label', value: 'x' },
      }),
    ).toThrow(/Invalid Prometheus label name/);
  });
});

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['2', 2],
    ['0.5', 0.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['512k', 512000],
    ['1e3', 1000],
    ['250M', 250e6],
  ])('reads %s', (q, v) => {
    expect(parseQuantity(q)).toBeCloseTo(v, 9);
  });

  it('takes numbers as they are and refuses what Kubernetes would', () => {
    expect(parseQuantity(2)).toBe(2);
    expect(() => parseQuantity('12 Mi')).toThrow(
      /Invalid resource quantity "12 Mi"/,
    );
    expect(() => parseQuantity('1Mb')).toThrow(/Invalid resource quantity/);
  });
});
