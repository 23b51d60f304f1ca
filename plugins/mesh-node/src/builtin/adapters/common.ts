import { Edge, GoldenMetrics } from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  MeshWorkload,
  MeshWorkloadSeries,
  MeshWorkloadTraffic,
  MeshMetricScope,
  MeshRangeScope,
  PromSample,
  PromSeries,
  promDurationSeconds,
  promqlBy,
  promqlMatcher,
  promqlSelector,
  LabelSelectorSpec,
  labelSelectorFromSpec,
  matchesLabelSelector,
} from '../../index';

export const QUANTILES = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

/** Every container of a pod, native sidecars (init containers) included. */
export function containers(
  pod: KubeObject,
): Array<{ name: string; image?: string }> {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

/** The tag of an image reference; null for digest-pinned or untagged images. */
export function imageTag(image: string | undefined): string | null {
  if (!image || image.includes('@')) return null;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : null;
}

/**
 * True for a certificate expiry (Unix seconds) within a century of now. Any
 * pod can export a series by that name; a poisoned value such as -1e16 must
 * be dropped, not become a Date that throws a RangeError.
 */
export function isPlausibleExpiry(
  notAfterSeconds: number,
  nowSeconds = Date.now() / 1000,
): boolean {
  return (
    Number.isFinite(notAfterSeconds) &&
    Math.abs(notAfterSeconds - nowSeconds) < 100 * 365 * 86400
  );
}

export function finite(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : value;
}

/** Whether a policy's label selector selects the workload's pod template. */
export function selectsWorkload(
  spec: LabelSelectorSpec | undefined,
  workload: MeshWorkload,
): boolean {
  const selector = labelSelectorFromSpec(spec);
  return (
    selector !== undefined &&
    matchesLabelSelector(
      selector,
      workload.object.spec?.template?.metadata?.labels,
    )
  );
}

interface EdgeCounts {
  direction: 'inbound' | 'outbound';
  namespace: string;
  name: string;
  success: number;
  failure: number;
  mtls: number;
  plain: number;
}

interface WorkloadCounts {
  namespace: string;
  workload: string;
  success: number;
  failure: number;
  encrypted: number;
  /** Requests (or connections) whose encryption is known. */
  encryptionKnown: number;
  latency: { p50: number | null; p95: number | null; p99: number | null };
  edges: Map<string, EdgeCounts>;
}

/**
 * Adds up the counts an adapter reads from Prometheus into per-workload
 * golden metrics the way the meshes' own tools do: success rate =
 * success / (success + failure), requests/s = (success + failure) / window.
 */
export class TrafficAccumulator {
  private readonly workloads = new Map<string, WorkloadCounts>();

  constructor(private readonly windowSeconds: number) {}

  static forWindow(window: string) {
    return new TrafficAccumulator(promDurationSeconds(window));
  }

  private entry(namespace: string, workload: string): WorkloadCounts {
    const key = `${namespace}/${workload}`;
    let e = this.workloads.get(key);
    if (!e) {
      e = {
        namespace,
        workload,
        success: 0,
        failure: 0,
        encrypted: 0,
        encryptionKnown: 0,
        latency: { p50: null, p95: null, p99: null },
        edges: new Map(),
      };
      this.workloads.set(key, e);
    }
    return e;
  }

  addRequests(
    namespace: string,
    workload: string,
    count: number,
    ok: boolean,
    encrypted: boolean | null,
  ) {
    // A counter's increase is never negative: such a sample is broken.
    if (!namespace || !workload || !(count >= 0 && count < Infinity)) return;
    const e = this.entry(namespace, workload);
    if (ok) e.success += count;
    else e.failure += count;
    if (encrypted !== null) {
      e.encryptionKnown += count;
      if (encrypted) e.encrypted += count;
    }
  }

  /** Connection counts, for meshes (ambient ztunnel) with no HTTP metrics. */
  addConnections(
    namespace: string,
    workload: string,
    count: number,
    encrypted: boolean,
  ) {
    if (!namespace || !workload || !(count >= 0 && count < Infinity)) return;
    const e = this.entry(namespace, workload);
    if (e.success + e.failure > 0) return;
    e.encryptionKnown += count;
    if (encrypted) e.encrypted += count;
  }

  addLatency(
    namespace: string,
    workload: string,
    quantile: keyof WorkloadCounts['latency'],
    value: number,
  ) {
    if (!namespace || !workload) return;
    this.entry(namespace, workload).latency[quantile] = finite(value);
  }

  addEdge(
    namespace: string,
    workload: string,
    direction: 'inbound' | 'outbound',
    peer: { namespace: string; name: string },
    count: number,
    ok: boolean,
    encrypted: boolean | null,
  ) {
    if (!namespace || !workload || !peer.name || !Number.isFinite(count)) {
      return;
    }
    const e = this.entry(namespace, workload);
    const key = `${direction}|${peer.namespace}|${peer.name}`;
    let edge = e.edges.get(key);
    if (!edge) {
      edge = {
        direction,
        namespace: peer.namespace,
        name: peer.name,
        success: 0,
        failure: 0,
        mtls: 0,
        plain: 0,
      };
      e.edges.set(key, edge);
    }
    if (ok) edge.success += count;
    else edge.failure += count;
    if (encrypted === true) edge.mtls += count;
    if (encrypted === false) edge.plain += count;
  }

  result(): MeshWorkloadTraffic[] {
    return [...this.workloads.values()].map(e => {
      const total = e.success + e.failure;
      const metrics: GoldenMetrics = {
        requestsPerSecond: total / this.windowSeconds,
        successRate: total > 0 ? e.success / total : null,
        latencyMs: e.latency,
      };
      const edges: Edge[] = [...e.edges.values()]
        .map(edge => {
          const n = edge.success + edge.failure;
          let mtls: boolean | null = null;
          if (edge.plain > 0) mtls = false;
          else if (edge.mtls > 0) mtls = true;
          return {
            direction: edge.direction,
            peer: { namespace: edge.namespace, name: edge.name },
            requestsPerSecond: n / this.windowSeconds,
            successRate: n > 0 ? edge.success / n : null,
            mtls,
          };
        })
        .sort((a, b) => b.requestsPerSecond - a.requestsPerSecond);
      return {
        namespace: e.namespace,
        workload: e.workload,
        metrics,
        encryptedShare:
          e.encryptionKnown > 0 ? e.encrypted / e.encryptionKnown : null,
        edges,
      };
    });
  }
}

/**
 * Range results to points: `rate` series split by outcome, and a p95 series,
 * each keyed by workload.
 */
export class SeriesAccumulator {
  private readonly workloads = new Map<
    string,
    {
      namespace: string;
      workload: string;
      points: Map<number, { ok: number; fail: number; p95: number | null }>;
    }
  >();

  private point(namespace: string, workload: string, t: number) {
    const key = `${namespace}/${workload}`;
    let w = this.workloads.get(key);
    if (!w) {
      w = { namespace, workload, points: new Map() };
      this.workloads.set(key, w);
    }
    let p = w.points.get(t);
    if (!p) {
      p = { ok: 0, fail: 0, p95: null };
      w.points.set(t, p);
    }
    return p;
  }

  addRate(
    namespace: string,
    workload: string,
    series: PromSeries,
    ok: boolean,
  ) {
    if (!namespace || !workload) return;
    for (const [t, v] of series.values) {
      if (!(v >= 0 && v < Infinity)) continue;
      const p = this.point(namespace, workload, t);
      if (ok) p.ok += v;
      else p.fail += v;
    }
  }

  addP95(namespace: string, workload: string, series: PromSeries, scale = 1) {
    if (!namespace || !workload) return;
    for (const [t, v] of series.values) {
      this.point(namespace, workload, t).p95 = finite(v * scale);
    }
  }

  result(): MeshWorkloadSeries[] {
    return [...this.workloads.values()].map(w => ({
      namespace: w.namespace,
      workload: w.workload,
      points: [...w.points.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, p]) => {
          const total = p.ok + p.fail;
          return {
            t,
            requestsPerSecond: total,
            successRate: total > 0 ? p.ok / total : null,
            p95Ms: p.p95,
          };
        }),
    }));
  }
}

/**
 * Where a mesh's destination-side HTTP metrics keep the golden signals:
 * one counter of requests and one duration histogram, labelled by source
 * and destination workload (Istio's and Hubble's shape; Linkerd's differs).
 */
export interface DestinationRequestMetrics {
  /** The matcher that keeps the destination's own reports, e.g. `reporter="server"`. */
  reporter: string;
  /** The request counter, e.g. `istio_requests_total`. */
  requests: string;
  /** The request duration histogram's buckets. */
  durationBuckets: string;
  namespaceLabel: string;
  workloadLabel: string;
  sourceNamespaceLabel: string;
  sourceWorkloadLabel: string;
  /** The label that says a request was mutual TLS, and its value then; none when the mesh has no such label. */
  mtls?: { label: string; value: string };
  /** The label holding the HTTP status code, and which values count as success. */
  statusLabel: string;
  isSuccess: (status: string | undefined) => boolean;
  /** From the histogram's unit to milliseconds (1000 for seconds). */
  toMilliseconds: number;
}

/**
 * The instant queries of one window: requests by destination (and, unless
 * summarising, by source), p50/p95/p99 in milliseconds, and requests by
 * source in scope. One set for all namespaces of the scope.
 */
export function destinationMetricQueries(
  metrics: DestinationRequestMetrics,
  scope: MeshMetricScope,
): Record<string, string> {
  const w = scope.window;
  const selector = (namespaceLabel: string) =>
    promqlSelector([
      metrics.reporter,
      promqlMatcher(namespaceLabel, scope.namespaces),
    ]);
  const destination = [metrics.namespaceLabel, metrics.workloadLabel];
  const source = [metrics.sourceNamespaceLabel, metrics.sourceWorkloadLabel];
  const outcome = [
    metrics.statusLabel,
    ...(metrics.mtls ? [metrics.mtls.label] : []),
  ];
  const inbound = selector(metrics.namespaceLabel);
  const queries: Record<string, string> = {
    inbound: `sum(increase(${metrics.requests}${inbound}[${w}])) ${promqlBy([
      ...destination,
      ...(scope.summary ? [] : source),
      ...outcome,
    ])}`,
  };
  if (scope.summary) return queries;
  const toMs =
    metrics.toMilliseconds === 1 ? '' : ` * ${metrics.toMilliseconds}`;
  for (const [name, q] of Object.entries(QUANTILES)) {
    queries[name] = `histogram_quantile(${q}, sum(rate(${
      metrics.durationBuckets
    }${inbound}[${w}])) ${promqlBy(['le', ...destination])})${toMs}`;
  }
  queries.outbound = `sum(increase(${metrics.requests}${selector(
    metrics.sourceNamespaceLabel,
  )}[${w}])) ${promqlBy([...source, ...destination, ...outcome])}`;
  return queries;
}

/** Adds what `destinationMetricQueries` asked to the accumulator. */
export function readDestinationMetrics(
  metrics: DestinationRequestMetrics,
  results: Record<string, PromSample[]>,
  scope: MeshMetricScope,
  acc: TrafficAccumulator,
): void {
  const inScope = (ns: string) =>
    !scope.namespaces || scope.namespaces.includes(ns);
  const mtls = (m: Record<string, string>): boolean | null => {
    if (!metrics.mtls || m[metrics.mtls.label] === undefined) return null;
    return m[metrics.mtls.label] === metrics.mtls.value;
  };
  const destinationOf = (m: Record<string, string>) => ({
    namespace: m[metrics.namespaceLabel] ?? '',
    name: m[metrics.workloadLabel] ?? '',
  });
  const sourceOf = (m: Record<string, string>) => ({
    namespace: m[metrics.sourceNamespaceLabel] ?? '',
    name: m[metrics.sourceWorkloadLabel] ?? '',
  });
  for (const s of samples(results, 'inbound')) {
    const m = s.metric;
    const ok = metrics.isSuccess(m[metrics.statusLabel]);
    const to = destinationOf(m);
    acc.addRequests(to.namespace, to.name, s.value, ok, mtls(m));
    if (!scope.summary) {
      acc.addEdge(
        to.namespace,
        to.name,
        'inbound',
        sourceOf(m),
        s.value,
        ok,
        mtls(m),
      );
    }
  }
  for (const name of Object.keys(QUANTILES) as Array<keyof typeof QUANTILES>) {
    for (const s of samples(results, name)) {
      const to = destinationOf(s.metric);
      acc.addLatency(to.namespace, to.name, name, s.value);
    }
  }
  for (const s of samples(results, 'outbound')) {
    const m = s.metric;
    const from = sourceOf(m);
    if (!inScope(from.namespace)) continue;
    acc.addEdge(
      from.namespace,
      from.name,
      'outbound',
      destinationOf(m),
      s.value,
      metrics.isSuccess(m[metrics.statusLabel]),
      mtls(m),
    );
  }
}

/** The range queries of the 1h chart: request rate by status, and p95, per destination workload. */
export function destinationRangeQueries(
  metrics: DestinationRequestMetrics,
  scope: MeshRangeScope,
): Record<string, string> {
  const selector = promqlSelector([
    metrics.reporter,
    promqlMatcher(metrics.namespaceLabel, scope.namespaces),
  ]);
  const workload = [metrics.namespaceLabel, metrics.workloadLabel];
  return {
    rate: `sum(rate(${metrics.requests}${selector}[${
      scope.window
    }])) ${promqlBy([...workload, metrics.statusLabel])}`,
    p95: `histogram_quantile(0.95, sum(rate(${
      metrics.durationBuckets
    }${selector}[${scope.window}])) ${promqlBy(['le', ...workload])})`,
  };
}

/** Reads what `destinationRangeQueries` asked. */
export function readDestinationRange(
  metrics: DestinationRequestMetrics,
  results: Record<string, PromSeries[]>,
): MeshWorkloadSeries[] {
  const acc = new SeriesAccumulator();
  for (const s of results.rate ?? []) {
    acc.addRate(
      s.metric[metrics.namespaceLabel],
      s.metric[metrics.workloadLabel],
      s,
      metrics.isSuccess(s.metric[metrics.statusLabel]),
    );
  }
  for (const s of results.p95 ?? []) {
    acc.addP95(
      s.metric[metrics.namespaceLabel],
      s.metric[metrics.workloadLabel],
      s,
      metrics.toMilliseconds,
    );
  }
  return acc.result();
}

export function samples(
  results: Record<string, PromSample[]>,
  id: string,
): PromSample[] {
  return results[id] ?? [];
}

/** One-line summary of a Kubernetes NetworkPolicy. */
export function summarizeNetworkPolicy(object: KubeObject): string {
  const spec = object.spec ?? {};
  const selector = Object.entries(spec.podSelector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const types: string[] = spec.policyTypes ?? ['Ingress'];
  return `${types.join('+')} rules for ${
    selector ? `pods ${selector}` : 'all pods'
  }: ${(spec.ingress ?? []).length} ingress, ${
    (spec.egress ?? []).length
  } egress`;
}
