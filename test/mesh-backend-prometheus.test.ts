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
} from '../plugins/mesh-backend/src/adapters';
import { PrometheusClient } from '../plugins/mesh-backend/src/clients/PrometheusClient';
import { readMetrics } from '../plugins/mesh-backend/src/service/clusterSnapshot';

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
): string {
  const lines: string[] = [`# TYPE ${mesh.requests} counter`];
  for (const w of workloads) {
    for (const s of w.series) {
      const l = label({ ...mesh.base, ...mesh.workloadLabels(w), ...s.labels });
      for (let i = 0; i < STEPS; i++) {
        lines.push(
          `${mesh.requests}_total${l} ${100000 + s.perStep * i} ${
            end - (STEPS - 1 - i) * STEP
          }`,
        );
      }
    }
  }
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

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshlens-prom-'));
    // Data ends now: instant queries see it for the next five minutes.
    const end = Math.floor(Date.now() / 1000) - 1;
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
        linkerdWorkloads,
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
