/**
 * The mesh backend's golden metrics against a real Prometheus (Debian's),
 * loaded with generated data through promtool. Expected values are computed
 * here from the generated samples, the way the meshes' own tools define
 * them (linkerd viz, Kiali/Istio dashboards, Cilium's Hubble dashboard),
 * without calling the code under test.
 */
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CiliumAdapter,
  IstioAdapter,
  LinkerdAdapter,
} from '../plugins/mesh-node/src/builtin/adapters';
import { PrometheusClient } from '../plugins/mesh-backend/src/clients/PrometheusClient';
import { readMetrics } from '../plugins/mesh-backend/src/service/clusterSnapshot';
import type { Edge } from '@meshlens/plugin-mesh-common';

const STEP = 15;
const STEPS = 40; // 10 minutes of samples
const WINDOW = '5m';

/** Per-step increments of one workload's inbound traffic. */
interface WorkloadTraffic {
  namespace: string;
  name: string;
  /** Per step, per outcome label set, the number of new requests. */
  series: Array<{
    labels: Record<string, string>;
    ok: boolean;
    encrypted: boolean;
    perStep: number;
    /** The step at which the counter restarts from zero (a pod restart). */
    resetAt?: number;
  }>;
  /** New observations per step in each latency bucket interval (upper bounds in the mesh's unit). */
  buckets: Array<{ le: number; perStep: number }>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const label = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/** OpenMetrics text for one mesh's workloads, counters starting high so no extrapolation clamps at zero. */
function openMetrics(
  end: number,
  mesh: {
    requests: string; // family name of the request counter, without _total
    bucket: string; // metric name of the latency buckets
    base: Record<string, string>;
    workloadLabels: (w: WorkloadTraffic) => Record<string, string>;
    bucketLabels: Record<string, string>;
  },
  workloads: WorkloadTraffic[],
  /** More request series of the family, with all their labels (outbound ones). */
  extra: Array<{
    labels: Record<string, string>;
    perStep: number;
    resetAt?: number;
  }> = [],
): string {
  const lines: string[] = [`# TYPE ${mesh.requests} counter`];
  const counter = (l: string, perStep: number, resetAt?: number) => {
    for (let i = 0; i < STEPS; i++) {
      // After a reset the counter starts again from zero and has counted
      // one step's requests by its first sample, so no request is lost.
      const value =
        resetAt !== undefined && i >= resetAt
          ? perStep * (i - resetAt + 1)
          : 100000 + perStep * i;
      lines.push(
        `${mesh.requests}_total${l} ${value} ${end - (STEPS - 1 - i) * STEP}`,
      );
    }
  };
  for (const w of workloads) {
    for (const s of w.series) {
      counter(
        label({ ...mesh.base, ...mesh.workloadLabels(w), ...s.labels }),
        s.perStep,
        s.resetAt,
      );
    }
  }
  for (const x of extra) counter(label(x.labels), x.perStep, x.resetAt);
  lines.push(`# TYPE ${mesh.bucket} gauge`);
  for (const w of workloads) {
    const les = [...w.buckets.map(b => b.le), Infinity];
    for (const le of les) {
      // Cumulative: every bucket counts all observations at or below its bound.
      const perStep = w.buckets
        .filter(b => b.le <= le)
        .reduce((n, b) => n + b.perStep, 0);
      const l = label({
        ...mesh.base,
        ...mesh.bucketLabels,
        ...mesh.workloadLabels(w),
        le: le === Infinity ? '+Inf' : String(le),
      });
      for (let i = 0; i < STEPS; i++) {
        lines.push(
          `${mesh.bucket}${l} ${50000 + perStep * i} ${
            end - (STEPS - 1 - i) * STEP
          }`,
        );
      }
    }
  }
  return lines.join('\n');
}

/**
 * What the mesh's dashboards show for a workload: success rate =
 * successes / all, requests/s = all / seconds, encrypted share, and
 * p50/p95/p99 by linear interpolation inside the histogram bucket, as
 * Prometheus' histogram_quantile defines it.
 */
function expected(w: WorkloadTraffic, scale = 1) {
  const total = w.series.reduce((n, s) => n + s.perStep, 0);
  const ok = w.series.filter(s => s.ok).reduce((n, s) => n + s.perStep, 0);
  const enc = w.series
    .filter(s => s.encrypted)
    .reduce((n, s) => n + s.perStep, 0);
  const observations = w.buckets.reduce((n, b) => n + b.perStep, 0);
  const quantile = (q: number) => {
    const rank = q * observations;
    let below = 0;
    let lower = 0;
    for (const b of [...w.buckets].sort((x, y) => x.le - y.le)) {
      if (below + b.perStep >= rank) {
        return (lower + ((b.le - lower) * (rank - below)) / b.perStep) * scale;
      }
      below += b.perStep;
      lower = b.le;
    }
    return lower * scale;
  };
  return {
    requestsPerSecond: total / STEP,
    successRate: ok / total,
    encryptedShare: enc / total,
    p50: quantile(0.5),
    p95: quantile(0.95),
    p99: quantile(0.99),
  };
}

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

const linkerdWorkloads: WorkloadTraffic[] = [
  {
    namespace: 'shop',
    name: 'web',
    series: [
      {
        labels: { classification: 'success', tls: 'true' },
        ok: true,
        encrypted: true,
        perStep: 1470,
        resetAt: 30,
      },
      {
        labels: { classification: 'success', tls: 'no_identity' },
        ok: true,
        encrypted: false,
        perStep: 75,
      },
      {
        labels: { classification: 'failure', tls: 'true' },
        ok: false,
        encrypted: true,
        perStep: 33,
      },
    ],
    buckets: [
      { le: 5, perStep: 300 },
      { le: 10, perStep: 700 },
      { le: 50, perStep: 420 },
      { le: 100, perStep: 90 },
      { le: 500, perStep: 68 },
    ],
  },
  {
    namespace: 'shop',
    name: 'cart',
    series: [
      {
        labels: { classification: 'success', tls: 'true' },
        ok: true,
        encrypted: true,
        perStep: 240,
      },
      {
        labels: { classification: 'failure', tls: 'true' },
        ok: false,
        encrypted: true,
        perStep: 60,
      },
    ],
    buckets: [
      { le: 10, perStep: 30 },
      { le: 20, perStep: 200 },
      { le: 300, perStep: 70 },
    ],
  },
];

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

const istioWorkloads: WorkloadTraffic[] = [
  {
    namespace: 'orders',
    name: 'orders',
    series: [
      {
        labels: {
          response_code: '200',
          connection_security_policy: 'mutual_tls',
          source_workload: 'web',
          source_workload_namespace: 'shop',
        },
        ok: true,
        encrypted: true,
        perStep: 900,
        resetAt: 33,
      },
      // Istio's dashboards count 4xx as success: only 5xx fail.
      {
        labels: {
          response_code: '404',
          connection_security_policy: 'mutual_tls',
          source_workload: 'web',
          source_workload_namespace: 'shop',
        },
        ok: true,
        encrypted: true,
        perStep: 45,
      },
      {
        labels: {
          response_code: '503',
          connection_security_policy: 'mutual_tls',
          source_workload: 'web',
          source_workload_namespace: 'shop',
        },
        ok: false,
        encrypted: true,
        perStep: 12,
      },
      {
        labels: {
          response_code: '200',
          connection_security_policy: 'none',
          source_workload: 'unknown',
          source_workload_namespace: 'unknown',
        },
        ok: true,
        encrypted: false,
        perStep: 150,
      },
    ],
    buckets: [
      { le: 1, perStep: 100 },
      { le: 5, perStep: 500 },
      { le: 25, perStep: 400 },
      { le: 100, perStep: 90 },
      { le: 1000, perStep: 17 },
    ],
  },
];

const ciliumWorkloads: WorkloadTraffic[] = [
  {
    namespace: 'sensors',
    name: 'sensor-gateway',
    series: [
      {
        labels: {
          status: '200',
          source_workload: 'sensor',
          source_namespace: 'edge',
        },
        ok: true,
        encrypted: false,
        perStep: 600,
      },
      {
        labels: {
          status: '500',
          source_workload: 'sensor',
          source_namespace: 'edge',
        },
        ok: false,
        encrypted: false,
        perStep: 9,
      },
    ],
    buckets: [
      { le: 0.005, perStep: 100 },
      { le: 0.025, perStep: 400 },
      { le: 0.1, perStep: 100 },
      { le: 0.5, perStep: 9 },
    ],
  },
];

describe('mesh backend golden metrics against a real Prometheus', () => {
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let client: PrometheusClient;
  let dataEnd: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshlens-prom-'));
    // Data ends now: instant queries see it for the next five minutes.
    const end = Math.floor(Date.now() / 1000) - 1;
    dataEnd = end;
    const text = [
      openMetrics(
        end,
        {
          requests: 'response',
          bucket: 'response_latency_ms_bucket',
          base: { direction: 'inbound' },
          workloadLabels: w => ({ namespace: w.namespace, deployment: w.name }),
          bucketLabels: {},
        },
        [...linkerdWorkloads, linkerdIdle],
        linkerdOutbound,
      ),
      openMetrics(
        end,
        {
          requests: 'istio_requests',
          bucket: 'istio_request_duration_milliseconds_bucket',
          base: { reporter: 'destination' },
          workloadLabels: w => ({
            destination_workload_namespace: w.namespace,
            destination_workload: w.name,
          }),
          bucketLabels: {},
        },
        istioWorkloads,
      ),
      openMetrics(
        end,
        {
          requests: 'hubble_http_requests',
          bucket: 'hubble_http_request_duration_seconds_bucket',
          base: { reporter: 'server' },
          workloadLabels: w => ({
            destination_namespace: w.namespace,
            destination_workload: w.name,
          }),
          bucketLabels: {},
        },
        ciliumWorkloads,
      ),
      '# EOF',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'data.om'), text);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'global:\n  scrape_interval: 15s\n',
    );
    execFileSync(
      'promtool',
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        join(dir, 'data.om'),
        join(dir, 'tsdb'),
      ],
      { stdio: 'pipe' },
    );
    const port = await freePort();
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`${url}/-/ready`).then(
        r => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline)
        throw new Error('Prometheus not ready after 20 s');
      await new Promise(r => setTimeout(r, 200));
    }
    client = new PrometheusClient({ url, headers: {} }, 5000);
  });

  after(() => {
    prometheus?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    {
      mesh: 'Linkerd',
      adapter: new LinkerdAdapter(),
      workloads: linkerdWorkloads,
      scale: 1,
      encrypted: true,
    },
    {
      mesh: 'Istio',
      adapter: new IstioAdapter(),
      workloads: istioWorkloads,
      scale: 1,
      encrypted: true,
    },
    {
      mesh: 'Cilium',
      adapter: new CiliumAdapter(),
      workloads: ciliumWorkloads,
      scale: 1000,
      encrypted: false,
    },
  ];

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
});
