/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { buildCluster, ClusterState } from '../cluster/buildCluster';
import { RT } from '../cluster/controller';
import { CounterExporter, logNormal, SeriesSpec } from './exposition';
import { TRAFFIC_PLAN } from './plan';
import { ALL_FAMILIES, podView, ScrapeContext, seriesFor } from './proxies';

function context(state: ClusterState, nowSeconds: number): ScrapeContext {
  return {
    cluster: state.definition.name,
    pods: state.store.list(RT.pod).map(podView),
    plan: TRAFFIC_PLAN,
    nowSeconds,
    certificates: {
      issuerNotAfter: state.certificates.issuer.notAfter.getTime() / 1000,
      rootNotAfter: state.certificates.trustAnchor.notAfter.getTime() / 1000,
      rootNotBefore: state.certificates.trustAnchor.notBefore.getTime() / 1000,
    },
    istioVersion: state.controller.meshInstall().istio?.version,
  };
}

/** Every series of every pod, with the scrape-time pod labels a Prometheus job would add. */
function allSeries(
  state: ClusterState,
): Array<SeriesSpec & { pod: ReturnType<typeof podView> }> {
  const ctx = context(state, Date.now() / 1000);
  return ctx.pods.flatMap(pod => seriesFor(pod, ctx).map(s => ({ ...s, pod })));
}

function sumRate(
  series: Array<SeriesSpec & { pod: any }>,
  name: string,
  filter: (s: any) => boolean,
): number {
  return series
    .filter(s => s.name === name && s.kind !== 'gauge' && filter(s))
    .reduce((acc, s) => acc + (s.kind === 'gauge' ? 0 : s.rate), 0);
}

describe('simulated proxies', () => {
  let homelab: ClusterState;
  let cloud: ClusterState;
  beforeAll(async () => {
    homelab = await buildCluster('homelab');
    cloud = await buildCluster('cloud');
  });

  it('Linkerd: outbound and inbound response rates add up to the plan', () => {
    const series = allSeries(homelab);
    const meshedEdges = TRAFFIC_PLAN.filter(
      e => e.mesh === 'linkerd' && e.source,
    );
    expect(meshedEdges.length).toBeGreaterThan(1);
    for (const edge of meshedEdges) {
      const d = edge.destination;
      const out = sumRate(
        series,
        'response_total',
        s =>
          s.labels.direction === 'outbound' &&
          s.pod.workload === edge.source!.deployment &&
          s.labels.dst_deployment === d.deployment,
      );
      expect(out).toBeCloseTo(edge.requestsPerSecond, 9);
      const ok = sumRate(
        series,
        'response_total',
        s =>
          s.labels.direction === 'outbound' &&
          s.pod.workload === edge.source!.deployment &&
          s.labels.dst_deployment === d.deployment &&
          s.labels.classification === 'success',
      );
      expect(ok / out).toBeCloseTo(edge.successRatio, 9);
    }
    // payments: 1 of 3 pods has no proxy, so its inbound side sees 2/3 of the traffic and
    // a third of storefront's requests to it are not mTLS.
    const inbound = sumRate(
      series,
      'response_total',
      s => s.labels.direction === 'inbound' && s.pod.workload === 'payments',
    );
    expect(inbound).toBeCloseTo((8 * 2) / 3, 9);
    const plaintext = sumRate(
      series,
      'request_total',
      s =>
        s.labels.direction === 'outbound' &&
        s.labels.dst_deployment === 'payments' &&
        s.labels.tls !== 'true',
    );
    expect(plaintext).toBeCloseTo(8 / 3, 9);
  });

  it('Linkerd: both certificate expiry metric names appear, per proxy version', () => {
    const series = allSeries(homelab);
    const byName = (n: string) =>
      new Set(
        series
          .filter(s => s.name === n)
          .map(s => s.pod.annotations['linkerd.io/proxy-version']),
      );
    expect(byName('identity_cert_expiration_timestamp_seconds')).toEqual(
      new Set(['stable-2.14.10']),
    );
    expect(
      byName('control_identity_cert_expiration_timestamp_seconds'),
    ).toEqual(new Set(['edge-26.11.2']));
  });

  it('Istio: destination, source and waypoint reporters match the plan', () => {
    const series = allSeries(cloud);
    const rate = (f: (l: Record<string, string>) => boolean) =>
      sumRate(series, 'istio_requests_total', s => f(s.labels));
    expect(
      rate(
        l =>
          l.reporter === 'destination' &&
          l.source_workload === 'orders' &&
          l.destination_workload === 'inventory',
      ),
    ).toBeCloseTo(15, 9);
    expect(
      rate(
        l =>
          l.reporter === 'source' &&
          l.source_workload === 'orders' &&
          l.destination_workload === 'shipping',
      ),
    ).toBeCloseTo(6, 9);
    // The waypoint reports what it forwards to its own ambient workload...
    expect(
      rate(
        l =>
          l.reporter === 'waypoint' &&
          l.source_workload === 'orders' &&
          l.destination_workload === 'recommendations',
      ),
    ).toBeCloseTo(5, 9);
    expect(rate(l => l.reporter === 'waypoint')).toBeCloseTo(5, 9);
    // ...and an ambient caller reaches a sidecar directly (ztunnel, L4):
    // only the destination sidecar reports, so inventory is counted once.
    expect(
      rate(
        l =>
          l.reporter === 'destination' &&
          l.source_workload === 'recommendations' &&
          l.destination_workload === 'inventory',
      ),
    ).toBeCloseTo(9, 9);
    expect(
      rate(
        l =>
          ['destination', 'waypoint'].includes(l.reporter) &&
          l.destination_workload === 'inventory',
      ),
    ).toBeCloseTo(15 + 9 + 4, 9);
    expect(
      rate(
        l =>
          l.reporter === 'destination' &&
          l.connection_security_policy === 'none',
      ),
    ).toBeCloseTo(4, 9);
    expect(
      rate(
        l =>
          l.reporter === 'destination' &&
          l.connection_security_policy === 'none' &&
          l.source_workload === 'batch-importer',
      ),
    ).toBeCloseTo(4, 9);
    // No source reporter for callers without a sidecar (ambient and plaintext).
    expect(
      rate(
        l =>
          l.reporter === 'source' &&
          ['recommendations', 'batch-importer'].includes(l.source_workload),
      ),
    ).toBe(0);
    expect(
      series.some(
        s => s.name.startsWith('istio_tcp_') && s.pod.role === 'ztunnel',
      ),
    ).toBe(true);
    expect(
      series.find(
        s => s.name === 'istio_build' && s.labels.component === 'pilot',
      )?.labels.tag,
    ).toBe('1.28.2');
  });

  it('Hubble: server-side requests add up to the plan', () => {
    const series = allSeries(homelab);
    const edge = TRAFFIC_PLAN.find(e => e.mesh === 'cilium')!;
    expect(
      sumRate(
        series,
        'hubble_http_requests_total',
        s =>
          s.labels.reporter === 'server' &&
          s.labels.destination_workload === 'sensor-gateway',
      ),
    ).toBeCloseTo(edge.requestsPerSecond, 9);
  });
});

describe('CounterExporter', () => {
  it('integrates rates into integer counters and cumulative histogram buckets', () => {
    const dist = logNormal(20, 200);
    const exporter = new CounterExporter(1000, ALL_FAMILIES);
    const specs: SeriesSpec[] = [
      {
        kind: 'counter',
        name: 'request_total',
        labels: { direction: 'inbound' },
        rate: 2.5,
      },
      {
        kind: 'counter',
        name: 'request_total',
        labels: { direction: 'inbound' },
        rate: 2.5,
      },
      {
        kind: 'histogram',
        name: 'response_latency_ms',
        labels: { direction: 'inbound' },
        rate: 5,
        distribution: dist,
        buckets: [10, 20, 100, 1000],
        unit: 1,
      },
    ];
    const first = exporter.render(specs, 1100);
    expect(first).toContain('# TYPE request_total counter');
    expect(first).toContain('request_total{direction="inbound"} 500\n');
    const second = exporter.render(specs, 1160);
    expect(second).toContain('request_total{direction="inbound"} 800\n');
    expect(second).toContain(
      'response_latency_ms_count{direction="inbound"} 800\n',
    );
    expect(second).toContain(
      'response_latency_ms_bucket{direction="inbound",le="+Inf"} 800\n',
    );
    const bucket = (le: string) =>
      Number(
        new RegExp(`le="${le.replace('+', '\\+')}"\\} (\\d+)`).exec(second)![1],
      );
    expect(bucket('20')).toBe(400); // the median
    expect(bucket('10')).toBeLessThan(bucket('20'));
    expect(bucket('1000')).toBeLessThanOrEqual(800);
    expect(dist.cdf(200)).toBeCloseTo(0.99, 3);
  });
});
