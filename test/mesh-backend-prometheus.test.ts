/**
 * The mesh backend's golden metrics against a real Prometheus (Debian's),
 * loaded with generated data through promtool. Expected values are computed
 * from the generated samples (test/support/goldenMetrics.ts), the way the
 * meshes' own tools define them (linkerd viz, Kiali/Istio dashboards,
 * Cilium's Hubble dashboard), without calling the code under test. Here the
 * counters of two workloads restart mid-way, which must not change a rate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CiliumAdapter,
  IstioAdapter,
  LinkerdAdapter,
} from '../plugins/mesh-node/src/builtin/adapters';
import { PrometheusClient } from '../plugins/mesh-backend/src/clients/PrometheusClient';
import { readMetrics } from '../plugins/mesh-backend/src/service/clusterSnapshot';
import type { Edge } from '@meshlens/plugin-mesh-common';
import {
  CILIUM_FAMILIES,
  ISTIO_FAMILIES,
  LINKERD_FAMILIES,
  WINDOW,
  WorkloadTraffic,
  expected,
  goldenCases,
  openMetrics,
} from './support/goldenMetrics';
import {
  CERTIFICATE_EXPECTATIONS,
  SPOOFING_PODS,
  certificateOpenMetrics,
} from './support/certificateMetrics';
import { RunningEngine, startPrometheusWith } from './support/promEngines';

function assertClose(
  actual: number | null | undefined,
  wanted: number,
  what: string,
) {
  assert.ok(actual !== null && actual !== undefined, `${what}: no value`);
  const tolerance = Math.abs(wanted) * 0.01;
  assert.ok(
    Math.abs(actual - wanted) <= tolerance,
    `${what}: got ${actual}, expected ${wanted} (within 1%)`,
  );
}

/** The golden workloads, the first counter of `name` restarting at step `at` (a pod restart). */
function withReset(
  workloads: WorkloadTraffic[],
  name: string,
  at: number,
): WorkloadTraffic[] {
  return workloads.map(w =>
    w.name === name
      ? {
          ...w,
          series: w.series.map((s, i) => (i === 0 ? { ...s, resetAt: at } : s)),
        }
      : w,
  );
}

const cases = goldenCases().map(c => {
  if (c.mesh === 'Linkerd') {
    return { ...c, workloads: withReset(c.workloads, 'web', 30) };
  }
  if (c.mesh === 'Istio') {
    return { ...c, workloads: withReset(c.workloads, 'orders', 33) };
  }
  return c;
});
const workloadsOf = (mesh: string) =>
  cases.find(c => c.mesh === mesh)!.workloads;

/** A meshed workload whose proxy exports series but serves no request. */
const linkerdIdle: WorkloadTraffic = {
  namespace: 'shop',
  name: 'idle',
  series: [
    {
      labels: { classification: 'success', tls: 'true' },
      ok: true,
      encrypted: true,
      perStep: 0,
    },
  ],
  buckets: [{ le: 10, perStep: 0 }],
};

/** Calls out of shop (web to cart, web to orders in another namespace) and into it. */
const linkerdOutbound = [
  {
    from: ['shop', 'web'],
    to: ['shop', 'cart'],
    cls: 'success',
    tls: 'true',
    perStep: 280,
  },
  {
    from: ['shop', 'web'],
    to: ['shop', 'cart'],
    cls: 'failure',
    tls: 'true',
    perStep: 20,
    resetAt: 25,
  },
  {
    from: ['shop', 'web'],
    to: ['payments', 'payments'],
    cls: 'success',
    tls: 'no_identity',
    perStep: 45,
  },
  {
    from: ['edge', 'gateway'],
    to: ['shop', 'web'],
    cls: 'success',
    tls: 'true',
    perStep: 600,
  },
  {
    from: ['edge', 'gateway'],
    to: ['shop', 'web'],
    cls: 'failure',
    tls: 'true',
    perStep: 6,
  },
].map(e => ({
  labels: {
    direction: 'outbound',
    namespace: e.from[0],
    deployment: e.from[1],
    dst_namespace: e.to[0],
    dst_deployment: e.to[1],
    classification: e.cls,
    tls: e.tls,
  },
  perStep: e.perStep,
  resetAt: e.resetAt,
}));

describe('mesh backend golden metrics against a real Prometheus', () => {
  let prometheus: RunningEngine | undefined;
  let client: PrometheusClient;
  let dataEnd: number;

  before(async () => {
    // Data ends now: instant queries see it for the next five minutes.
    const end = Math.floor(Date.now() / 1000) - 1;
    dataEnd = end;
    prometheus = await startPrometheusWith(
      [
        openMetrics(
          end,
          LINKERD_FAMILIES,
          [...workloadsOf('Linkerd'), linkerdIdle],
          linkerdOutbound,
        ),
        openMetrics(end, ISTIO_FAMILIES, workloadsOf('Istio')),
        openMetrics(end, CILIUM_FAMILIES, workloadsOf('Cilium')),
        certificateOpenMetrics(end),
        '# EOF',
        '',
      ].join('\n'),
    );
    client = new PrometheusClient({ url: prometheus.url, headers: {} }, 5000);
  });

  after(() => prometheus?.stop());

  for (const c of cases) {
    it(`${c.mesh}: success rate, requests/s and p50/p95/p99 match the mesh's own definitions within 1%`, async () => {
      const namespaces = [...new Set(c.workloads.map(w => w.namespace))];
      const result = await readMetrics(
        client,
        c.adapter,
        { namespaces, window: WINDOW },
        'none',
      );
      assert.equal(result.error, undefined);
      for (const w of c.workloads) {
        const got = result.traffic!.get(`${w.namespace}/${w.name}`);
        assert.ok(got, `no traffic for ${w.namespace}/${w.name}`);
        const want = expected(w, c.scale);
        const m = got.metrics!;
        assertClose(
          m.requestsPerSecond,
          want.requestsPerSecond,
          `${w.name} requests/s`,
        );
        assertClose(m.successRate, want.successRate, `${w.name} success rate`);
        assertClose(m.latencyMs.p50, want.p50, `${w.name} p50`);
        assertClose(m.latencyMs.p95, want.p95, `${w.name} p95`);
        assertClose(m.latencyMs.p99, want.p99, `${w.name} p99`);
        if (c.encrypted) {
          assertClose(
            got.encryptedShare,
            want.encryptedShare,
            `${w.name} encrypted share`,
          );
        } else {
          // Hubble has no per-request mTLS label.
          assert.equal(got.encryptedShare, null);
        }
      }
    });
  }

  /** One number from the mesh's own query, evaluated by the same Prometheus; NaN when it has no result. */
  async function own(promql: string): Promise<number> {
    const samples = await client.query(promql);
    assert.ok(samples.length <= 1, `${promql} gave ${samples.length} series`);
    return samples.length ? samples[0].value : NaN;
  }

  /** The product's value equals the mesh's own: within 1%, null where the mesh's is NaN (0/0). */
  function assertSame(
    actual: number | null | undefined,
    wanted: number,
    what: string,
  ) {
    if (Number.isNaN(wanted)) {
      assert.equal(actual, null, `${what}: the mesh's own query gives NaN`);
    } else {
      assertClose(actual, wanted, what);
    }
  }

  /** Every edge the product reports, by direction and peer. */
  function edgesOf(t: { edges: Edge[] } | undefined) {
    assert.ok(t, 'no traffic');
    return new Map(
      t.edges.map(e => [
        `${e.direction} ${e.peer.namespace}/${e.peer.name}`,
        e,
      ]),
    );
  }

  it("Linkerd: outbound and caller edges match linkerd viz's --to and --from queries, across a counter reset", async () => {
    const result = await readMetrics(
      client,
      new LinkerdAdapter(),
      { namespaces: ['shop'], window: WINDOW },
      'none',
    );
    assert.equal(result.error, undefined);
    const viz = async (selector: string) => {
      const sel = `${selector},direction="outbound"`;
      const total = await own(
        `sum(increase(response_total{${sel}}[${WINDOW}]))`,
      );
      return {
        requestsPerSecond: total / 300,
        successRate: await own(
          `sum(increase(response_total{${sel},classification="success"}[${WINDOW}])) / sum(increase(response_total{${sel}}[${WINDOW}]))`,
        ),
        // Grafana's tls="true" against all; viz edges calls it secured.
        secured:
          (await own(
            `sum(increase(response_total{${sel},tls="true"}[${WINDOW}])) / sum(increase(response_total{${sel}}[${WINDOW}]))`,
          )) === 1,
      };
    };
    const cases = [
      // --to: web's calls, one destination at a time
      [
        'shop/web',
        'outbound shop/cart',
        'namespace="shop",deployment="web",dst_namespace="shop",dst_deployment="cart"',
      ],
      [
        'shop/web',
        'outbound payments/payments',
        'namespace="shop",deployment="web",dst_namespace="payments",dst_deployment="payments"',
      ],
      // --from: the callers of web and of cart
      [
        'shop/web',
        'inbound edge/gateway',
        'dst_namespace="shop",dst_deployment="web",namespace="edge",deployment="gateway"',
      ],
      [
        'shop/cart',
        'inbound shop/web',
        'dst_namespace="shop",dst_deployment="cart",namespace="shop",deployment="web"',
      ],
    ];
    for (const [workload, key, selector] of cases) {
      const edge = edgesOf(result.traffic!.get(workload)).get(key);
      assert.ok(edge, `${workload} has no edge ${key}`);
      const want = await viz(selector);
      assertSame(
        edge.requestsPerSecond,
        want.requestsPerSecond,
        `${workload} ${key} requests/s`,
      );
      assertSame(
        edge.successRate,
        want.successRate,
        `${workload} ${key} success rate`,
      );
      assert.equal(edge.mtls, want.secured, `${workload} ${key} mTLS`);
    }
    // No edge the mesh does not know: exactly the peers of the data.
    assert.deepEqual(
      [...edgesOf(result.traffic!.get('shop/web')).keys()].sort(),
      [
        'inbound edge/gateway',
        'outbound payments/payments',
        'outbound shop/cart',
      ],
    );
  });

  it('Linkerd: a meshed workload without traffic has 0 requests/s and no success rate or latency, as viz shows it', async () => {
    const result = await readMetrics(
      client,
      new LinkerdAdapter(),
      { namespaces: ['shop'], window: WINDOW },
      'none',
    );
    const sel = 'namespace="shop",deployment="idle",direction="inbound"';
    const total = await own(`sum(increase(response_total{${sel}}[${WINDOW}]))`);
    assert.equal(total, 0, 'the data has series for idle, all flat');
    const idle = result.traffic!.get('shop/idle');
    const metrics = idle?.metrics;
    assert.ok(metrics, 'idle has series, so it has metrics');
    assertSame(metrics.requestsPerSecond, total / 300, 'idle requests/s');
    assertSame(
      metrics.successRate,
      await own(
        `sum(increase(response_total{${sel},classification="success"}[${WINDOW}])) / sum(increase(response_total{${sel}}[${WINDOW}]))`,
      ),
      'idle success rate',
    );
    assertSame(
      metrics.latencyMs.p95,
      await own(
        `histogram_quantile(0.95, sum(irate(response_latency_ms_bucket{${sel}}[${WINDOW}])) by (le))`,
      ),
      'idle p95',
    );
    assert.deepEqual(idle.edges, []);
  });

  it("Istio: edges both ways match Kiali's graph queries", async () => {
    const adapter = new IstioAdapter();
    const kiali = async (selector: string) => {
      const sel = `reporter="destination",${selector}`;
      return {
        requestsPerSecond: await own(
          `sum(rate(istio_requests_total{${sel}}[300s]))`,
        ),
        // Istio's dashboards: only 5xx fail.
        successRate: await own(
          `sum(rate(istio_requests_total{${sel},response_code!~"5.."}[300s])) / sum(rate(istio_requests_total{${sel}}[300s]))`,
        ),
        mtls:
          (await own(
            `sum(rate(istio_requests_total{${sel},connection_security_policy="mutual_tls"}[300s])) / sum(rate(istio_requests_total{${sel}}[300s]))`,
          )) === 1,
      };
    };
    const callers = await readMetrics(
      client,
      adapter,
      { namespaces: ['orders'], window: WINDOW },
      'none',
    );
    const calls = await readMetrics(
      client,
      adapter,
      { namespaces: ['shop'], window: WINDOW },
      'none',
    );
    const cases = [
      [
        callers,
        'orders/orders',
        'inbound shop/web',
        'destination_workload_namespace="orders",destination_workload="orders",source_workload_namespace="shop",source_workload="web"',
      ],
      [
        callers,
        'orders/orders',
        'inbound unknown/unknown',
        'destination_workload_namespace="orders",destination_workload="orders",source_workload_namespace="unknown",source_workload="unknown"',
      ],
      [
        calls,
        'shop/web',
        'outbound orders/orders',
        'source_workload_namespace="shop",source_workload="web",destination_workload_namespace="orders",destination_workload="orders"',
      ],
    ] as const;
    for (const [result, workload, key, selector] of cases) {
      const edge = edgesOf(result.traffic!.get(workload)).get(key);
      assert.ok(edge, `${workload} has no edge ${key}`);
      const want = await kiali(selector);
      assertSame(
        edge.requestsPerSecond,
        want.requestsPerSecond,
        `${workload} ${key} requests/s`,
      );
      assertSame(
        edge.successRate,
        want.successRate,
        `${workload} ${key} success rate`,
      );
      assert.equal(edge.mtls, want.mtls, `${workload} ${key} mTLS`);
    }
  });

  it("Cilium: the caller edge matches Hubble's per-source dashboard query", async () => {
    const result = await readMetrics(
      client,
      new CiliumAdapter(),
      { namespaces: ['sensors'], window: WINDOW },
      'none',
    );
    const edge = edgesOf(result.traffic!.get('sensors/sensor-gateway')).get(
      'inbound edge/sensor',
    );
    assert.ok(edge, 'no edge from edge/sensor');
    const sel =
      'destination_namespace="sensors",destination_workload="sensor-gateway",reporter="server",source_namespace="edge",source_workload="sensor"';
    assertSame(
      edge.requestsPerSecond,
      await own(
        `sum(rate(hubble_http_requests_total{${sel}}[${WINDOW}])) by (source_namespace, source_workload)`,
      ),
      'requests/s',
    );
    assertSame(
      edge.successRate,
      await own(
        `sum(rate(hubble_http_requests_total{${sel},status!~"5.*"}[${WINDOW}])) by (source_namespace, source_workload) / sum(rate(hubble_http_requests_total{${sel}}[${WINDOW}])) by (source_namespace, source_workload)`,
      ),
      'success rate',
    );
    // Hubble has no per-request mTLS label.
    assert.equal(edge.mtls, null);
  });

  /** The mesh's own dashboard queries for one workload's time series. */
  const dashboards = [
    {
      mesh: 'Linkerd',
      adapter: new LinkerdAdapter(),
      namespace: 'shop',
      workloads: ['web', 'cart', 'idle'],
      // Linkerd's Grafana deployment dashboard
      queries: (w: string) => {
        const sel = `namespace="shop",deployment="${w}",direction="inbound"`;
        return {
          rps: `sum(irate(response_total{${sel}}[${WINDOW}]))`,
          success: `sum(irate(response_total{${sel},classification="success"}[${WINDOW}])) / sum(irate(response_total{${sel}}[${WINDOW}]))`,
          p95: `histogram_quantile(0.95, sum(irate(response_latency_ms_bucket{${sel}}[${WINDOW}])) by (le))`,
        };
      },
    },
    {
      mesh: 'Istio',
      adapter: new IstioAdapter(),
      namespace: 'orders',
      workloads: ['orders'],
      // Istio's workload dashboard, reporter destination
      queries: (w: string) => {
        const sel = `reporter="destination",destination_workload_namespace="orders",destination_workload="${w}"`;
        return {
          rps: `sum(rate(istio_requests_total{${sel}}[${WINDOW}]))`,
          success: `sum(rate(istio_requests_total{${sel},response_code!~"5.."}[${WINDOW}])) / sum(rate(istio_requests_total{${sel}}[${WINDOW}]))`,
          p95: `histogram_quantile(0.95, sum(rate(istio_request_duration_milliseconds_bucket{${sel}}[${WINDOW}])) by (le))`,
        };
      },
    },
    {
      mesh: 'Cilium',
      adapter: new CiliumAdapter(),
      namespace: 'sensors',
      workloads: ['sensor-gateway'],
      // Cilium's Hubble L7 dashboard, seconds to ms
      queries: (w: string) => {
        const sel = `destination_namespace="sensors",destination_workload="${w}",reporter="server"`;
        return {
          rps: `sum(rate(hubble_http_requests_total{${sel}}[${WINDOW}]))`,
          success: `sum(rate(hubble_http_requests_total{${sel},status!~"5.*"}[${WINDOW}])) / sum(rate(hubble_http_requests_total{${sel}}[${WINDOW}]))`,
          p95: `histogram_quantile(0.95, sum(rate(hubble_http_request_duration_seconds_bucket{${sel}}[${WINDOW}])) by (le)) * 1000`,
        };
      },
    },
  ];

  for (const d of dashboards) {
    it(`${d.mesh}: the time series (query_range) match the mesh's own dashboard queries at every point`, async () => {
      // Five points a minute apart, each with a full window of data behind it.
      const end = dataEnd;
      const start = end - 4 * 60;
      const queries = d.adapter.rangeQueries({
        namespaces: [d.namespace],
        window: WINDOW,
        step: '1m',
      });
      const results = Object.fromEntries(
        await Promise.all(
          Object.entries(queries).map(
            async ([id, q]) =>
              [id, await client.queryRange(q, start, end, 60)] as const,
          ),
        ),
      );
      const series = d.adapter.readRange(results);
      for (const w of d.workloads) {
        const got = series.find(
          s => s.namespace === d.namespace && s.workload === w,
        );
        assert.ok(got, `no series for ${d.namespace}/${w}`);
        assert.deepEqual(
          got.points.map(p => p.t),
          [0, 1, 2, 3, 4].map(i => start + i * 60),
        );
        const own = d.queries(w);
        const wanted: Record<string, Map<number, number>> = {};
        for (const [id, q] of Object.entries(own)) {
          const [only] = await client.queryRange(q, start, end, 60);
          wanted[id] = new Map((only?.values ?? []).map(([t, v]) => [t, v]));
        }
        for (const p of got.points) {
          const at = (id: string) => wanted[id].get(p.t) ?? NaN;
          assertSame(
            p.requestsPerSecond,
            at('rps'),
            `${w} requests/s at ${p.t}`,
          );
          assertSame(
            p.successRate,
            at('success'),
            `${w} success rate at ${p.t}`,
          );
          assertSame(p.p95Ms, at('p95'), `${w} p95 at ${p.t}`);
        }
      }
    });
  }

  it('cannot be steered by a hostile namespace value: the query matches nothing', async () => {
    const hostile = '"} or vector(1) {"';
    for (const c of cases) {
      const queries = c.adapter.metricQueries({
        namespaces: [hostile],
        window: WINDOW,
      });
      for (const [id, q] of Object.entries(queries)) {
        const samples = await client.query(q);
        assert.deepEqual(
          samples,
          [],
          `${c.mesh} ${id} returned data for a hostile namespace: ${q}`,
        );
      }
      // The same query for the real namespace does return data: the empty answer above is the escaping, not a broken query.
      const real = c.adapter.metricQueries({
        namespaces: [c.workloads[0].namespace],
        window: WINDOW,
      });
      assert.ok(
        (await client.query(real.inbound)).length > 0,
        `${c.mesh} inbound query returned nothing`,
      );
    }
  });

  it('reads certificate expiry from the proxies and control planes only, never from an application pod exporting the same names', async () => {
    const x = CERTIFICATE_EXPECTATIONS;
    const byPod = <T extends { pod: string }>(list: T[]) =>
      [...list].sort((a, b) => a.pod.localeCompare(b.pod));
    // The data holds the spoofed series: an unrestricted query sees them.
    const unrestricted = await client.query(
      'min by (namespace, pod) ({__name__=~"(control_)?identity_cert_expiration_timestamp_seconds|istio_agent_cert_expiry_seconds"})',
    );
    for (const pod of SPOOFING_PODS) {
      assert.ok(
        unrestricted.some(s => `${s.metric.namespace}/${s.metric.pod}` === pod),
        `the data has no series of ${pod}`,
      );
    }

    const linkerd = new LinkerdAdapter();
    const linkerdCerts = linkerd.readWorkloadCertificates(
      await client.query(
        linkerd.workloadCertificateQuery({
          namespaces: ['shop'],
          window: WINDOW,
        }),
      ),
    );
    assert.deepEqual(byPod(linkerdCerts), [
      {
        namespace: 'shop',
        pod: x.linkerdLegacyProxy.pod,
        notAfter: dataEnd + x.linkerdLegacyProxy.expiresIn,
      },
      {
        namespace: 'shop',
        pod: x.linkerdProxy.pod,
        notAfter: dataEnd + x.linkerdProxy.expiresIn,
      },
    ]);

    const istio = new IstioAdapter();
    const istioCerts = istio.readWorkloadCertificates(
      await client.query(
        istio.workloadCertificateQuery({
          namespaces: ['orders'],
          window: WINDOW,
        }),
      ),
    );
    // The agent reports seconds left; Meshlens adds them to its own clock.
    const now = Date.now() / 1000;
    assert.deepEqual(
      byPod(istioCerts).map(c => [c.pod, Math.round((c.notAfter - now) / 60)]),
      [
        [x.istioSidecar.pod, Math.round(x.istioSidecar.expiresIn / 60)],
        [x.istioAnnotated.pod, Math.round(x.istioAnnotated.expiresIn / 60)],
      ],
    );

    // The control planes' own gauges, from their pods in their namespace.
    const metricSources = (
      adapter: LinkerdAdapter | IstioAdapter,
      namespace: string,
    ) =>
      adapter
        .certificateSources({
          namespace,
          version: null,
          healthy: true,
          problems: [],
          details: {},
        })
        .filter(s => s.kind === 'Metric');
    const [root] = metricSources(istio, x.istiodRoot.namespace);
    assert.deepEqual(
      (await client.query(root.query!)).map(s => s.value),
      [dataEnd + x.istiodRoot.expiresIn],
    );
    const [issuer] = metricSources(linkerd, x.linkerdIssuer.namespace);
    const issuerSamples = await client.query(issuer.query!);
    assert.equal(issuerSamples.length, 1);
    assert.ok(
      Math.abs(issuerSamples[0].value - (now + x.linkerdIssuer.expiresIn)) < 60,
      `issuer expiry ${issuerSamples[0].value}`,
    );
    // A hostile control-plane namespace matches nothing.
    for (const s of metricSources(istio, '"} or vector(1) {"')) {
      assert.deepEqual(await client.query(s.query!), []);
    }
  });
});
