/**
 * The golden-metrics data set of the PromQL-engine tests: constant-rate
 * Linkerd, Istio and Cilium traffic written as OpenMetrics, and what each
 * mesh's own tools would show for it, computed here without the code under
 * test. Taken from test/mesh-backend-prometheus.test.ts so that every engine
 * (Prometheus, VictoriaMetrics) is checked against the same data.
 */
import {
  CiliumAdapter,
  IstioAdapter,
  LinkerdAdapter,
} from '../../plugins/mesh-node/src/builtin/adapters';

export const STEP = 15;
export const STEPS = 40; // 10 minutes of samples
export const WINDOW = '5m';

/** Per-step increments of one workload's inbound traffic. */
export interface WorkloadTraffic {
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

export const label = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/** How one mesh names its request counter, latency buckets and workload labels. */
export interface MeshFamilies {
  requests: string; // family name of the request counter, without _total
  bucket: string; // metric name of the latency buckets
  base: Record<string, string>;
  workloadLabels: (w: WorkloadTraffic) => Record<string, string>;
  bucketLabels: Record<string, string>;
}

export const LINKERD_FAMILIES: MeshFamilies = {
  requests: 'response',
  bucket: 'response_latency_ms_bucket',
  base: { direction: 'inbound' },
  workloadLabels: w => ({ namespace: w.namespace, deployment: w.name }),
  bucketLabels: {},
};

export const ISTIO_FAMILIES: MeshFamilies = {
  requests: 'istio_requests',
  bucket: 'istio_request_duration_milliseconds_bucket',
  base: { reporter: 'destination' },
  workloadLabels: w => ({
    destination_workload_namespace: w.namespace,
    destination_workload: w.name,
  }),
  bucketLabels: {},
};

export const CILIUM_FAMILIES: MeshFamilies = {
  requests: 'hubble_http_requests',
  bucket: 'hubble_http_request_duration_seconds_bucket',
  base: { reporter: 'server' },
  workloadLabels: w => ({
    destination_namespace: w.namespace,
    destination_workload: w.name,
  }),
  bucketLabels: {},
};

/** OpenMetrics text for one mesh's workloads, counters starting high so no extrapolation clamps at zero. */
export function openMetrics(
  end: number,
  mesh: MeshFamilies,
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
export function expected(w: WorkloadTraffic, scale = 1) {
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

export const linkerdWorkloads: WorkloadTraffic[] = [
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

export const istioWorkloads: WorkloadTraffic[] = [
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

export const ciliumWorkloads: WorkloadTraffic[] = [
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

/** The whole data set as OpenMetrics text ending at `end` (Unix seconds). */
export function goldenOpenMetrics(end: number): string {
  return [
    openMetrics(end, LINKERD_FAMILIES, linkerdWorkloads),
    openMetrics(end, ISTIO_FAMILIES, istioWorkloads),
    openMetrics(end, CILIUM_FAMILIES, ciliumWorkloads),
    '# EOF',
    '',
  ].join('\n');
}

/** Each mesh's adapter with its workloads; Hubble reports seconds, the others ms. */
export function goldenCases() {
  return [
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
}
