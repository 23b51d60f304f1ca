import { http, HttpResponse } from 'msw';
import { FakeCluster } from './fakeCluster';
import { statusBody } from './fakeKinds';

export { FakeCluster } from './fakeCluster';
export type { FakeAnswer } from './fakeCluster';

export const KUBERNETES_BASE = 'http://127.0.0.1:18999/api/kubernetes';

/** Requests counted per upstream, with their paths or queries. */
export class UpstreamLog {
  kubernetes: string[] = [];
  prometheus: string[] = [];
  clusters = 0;
  reset() {
    this.kubernetes = [];
    this.prometheus = [];
    this.clusters = 0;
  }
}

/**
 * Traffic a fake Prometheus reports per workload, as counts over the
 * window: `plaintext` of the successes were not mTLS.
 */
export interface FakeTraffic {
  mesh: 'linkerd' | 'istio' | 'cilium';
  namespace: string;
  workload: string;
  success: number;
  failure: number;
  plaintext?: number;
  latencyMs?: number;
  callers?: Array<{
    namespace: string;
    workload: string;
    count: number;
    tls: boolean;
  }>;
}

function namespaceFilter(
  query: string,
  label: string,
): (ns: string) => boolean {
  const eq = query.match(new RegExp(`[{,]${label}="((?:[^"\\\\]|\\\\.)*)"`));
  if (eq) {
    const value = JSON.parse(`"${eq[1]}"`);
    return ns => ns === value;
  }
  const re = query.match(new RegExp(`[{,]${label}=~"((?:[^"\\\\]|\\\\.)*)"`));
  if (re) {
    const pattern = new RegExp(`^(?:${JSON.parse(`"${re[1]}"`)})$`);
    return ns => pattern.test(ns);
  }
  return () => true;
}

/**
 * A Prometheus that answers the adapters' instant queries from
 * {@link FakeTraffic}: enough to test wiring and batching. The numbers
 * themselves are proven against a real Prometheus in the integration test.
 */
export function fakePrometheusAnswer(query: string, traffic: FakeTraffic[]) {
  const out: Array<{
    metric: Record<string, string>;
    value: [number, string];
  }> = [];
  const push = (metric: Record<string, string>, value: number) =>
    out.push({ metric, value: [Date.now() / 1000, String(value)] });
  const quantile = query.startsWith('histogram_quantile');
  if (
    query.includes('response_total{direction="inbound"') ||
    query.includes('response_latency_ms_bucket{direction="inbound"')
  ) {
    const inNs = namespaceFilter(query, 'namespace');
    for (const t of traffic.filter(
      x => x.mesh === 'linkerd' && inNs(x.namespace),
    )) {
      const base = { namespace: t.namespace, deployment: t.workload };
      if (quantile) {
        push(base, t.latencyMs ?? 10);
        continue;
      }
      push(
        { ...base, classification: 'success', tls: 'true' },
        t.success - (t.plaintext ?? 0),
      );
      if (t.plaintext)
        push(
          { ...base, classification: 'success', tls: 'no_identity' },
          t.plaintext,
        );
      push({ ...base, classification: 'failure', tls: 'true' }, t.failure);
    }
  } else if (query.includes('response_total{direction="outbound"')) {
    const inDst = namespaceFilter(query, 'dst_namespace');
    const inSrc = namespaceFilter(query, 'namespace');
    for (const t of traffic.filter(x => x.mesh === 'linkerd')) {
      for (const c of t.callers ?? []) {
        if (
          query.includes('dst_namespace=')
            ? inDst(t.namespace)
            : inSrc(c.namespace)
        ) {
          push(
            {
              namespace: c.namespace,
              deployment: c.workload,
              dst_namespace: t.namespace,
              dst_deployment: t.workload,
              classification: 'success',
              tls: c.tls ? 'true' : 'no_identity',
            },
            c.count,
          );
        }
      }
    }
  } else if (query.includes('istio_request')) {
    const inDst = namespaceFilter(query, 'destination_workload_namespace');
    if (!query.includes('source_workload_namespace=')) {
      for (const t of traffic.filter(
        x => x.mesh === 'istio' && inDst(x.namespace),
      )) {
        const base = {
          destination_workload_namespace: t.namespace,
          destination_workload: t.workload,
        };
        if (quantile) {
          push(base, t.latencyMs ?? 10);
          continue;
        }
        push(
          {
            ...base,
            source_workload_namespace: 'shop',
            source_workload: 'caller',
            response_code: '200',
            connection_security_policy: 'mutual_tls',
          },
          t.success - (t.plaintext ?? 0),
        );
        if (t.plaintext)
          push(
            {
              ...base,
              source_workload_namespace: 'legacy',
              source_workload: 'unknown',
              response_code: '200',
              connection_security_policy: 'none',
            },
            t.plaintext,
          );
        push(
          {
            ...base,
            source_workload_namespace: 'shop',
            source_workload: 'caller',
            response_code: '503',
            connection_security_policy: 'mutual_tls',
          },
          t.failure,
        );
      }
    }
  } else if (query.includes('hubble_http_request')) {
    const inDst = namespaceFilter(query, 'destination_namespace');
    if (!query.includes('source_namespace=')) {
      for (const t of traffic.filter(
        x => x.mesh === 'cilium' && inDst(x.namespace),
      )) {
        const base = {
          destination_namespace: t.namespace,
          destination_workload: t.workload,
        };
        if (quantile) {
          // The adapter scales seconds to ms inside the query (`* 1000`).
          push(
            base,
            (t.latencyMs ?? 10) / (query.endsWith('* 1000') ? 1 : 1000),
          );
          continue;
        }
        push(
          {
            ...base,
            source_namespace: 'edge',
            source_workload: 'sensor',
            status: '200',
          },
          t.success,
        );
        push(
          {
            ...base,
            source_namespace: 'edge',
            source_workload: 'sensor',
            status: '500',
          },
          t.failure,
        );
      }
    }
  }
  return out;
}

/** A response that never comes: settles only when the client aborts. */
function untilAborted(request: Request): Promise<Response> {
  return new Promise(resolve => {
    request.signal.addEventListener('abort', () => resolve(Response.error()));
  });
}

/** msw handlers for the Kubernetes backend (clusters and proxy) and one Prometheus per cluster. */
export function upstreamHandlers(options: {
  clusters: Record<string, FakeCluster>;
  prometheus: Record<
    string,
    { url: string; traffic: FakeTraffic[]; down?: boolean }
  >;
  log: UpstreamLog;
  onProxyRequest?: (request: Request) => void;
  /** Delays every Kubernetes and Prometheus answer, as a remote cluster would. */
  delayMs?: number;
  /** When each request arrived and each answer left, in order. */
  timeline?: Array<'request' | 'response'>;
}) {
  const answer = async (respond: () => Response | Promise<Response>) => {
    options.timeline?.push('request');
    if (options.delayMs) {
      await new Promise(r => setTimeout(r, options.delayMs));
    }
    const response = await respond();
    options.timeline?.push('response');
    return response;
  };
  return [
    http.get(`${KUBERNETES_BASE}/clusters`, ({ request }) =>
      answer(() => clusters(request)),
    ),
    http.get(`${KUBERNETES_BASE}/proxy/*`, ({ request }) =>
      answer(() => proxy(request)),
    ),
    ...Object.values(options.prometheus).flatMap(p => [
      http.post(`${p.url}/api/v1/query`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        return answer(() => instant(p, form));
      }),
      http.post(`${p.url}/api/v1/query_range`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        return answer(() => range(p, form));
      }),
    ]),
  ];

  function clusters(request: Request) {
    options.log.clusters++;
    if (!request.headers.get('authorization')?.startsWith('Bearer ')) {
      return HttpResponse.json(
        { error: { name: 'AuthenticationError' } },
        { status: 401 },
      );
    }
    return HttpResponse.json({
      items: Object.entries(options.clusters).map(([name, c]) => ({
        name,
        authProvider: c.authProvider,
        ...(c.oidcTokenProvider
          ? { oidcTokenProvider: c.oidcTokenProvider }
          : {}),
      })),
    });
  }

  function proxy(request: Request) {
    options.onProxyRequest?.(request);
    const url = new URL(request.url);
    const path = url.pathname.replace('/api/kubernetes/proxy', '');
    options.log.kubernetes.push(
      `${request.headers.get('backstage-kubernetes-cluster')}${path}${
        url.search
      }`,
    );
    if (!request.headers.get('authorization')?.startsWith('Bearer ')) {
      return HttpResponse.json(
        { error: { name: 'AuthenticationError' } },
        { status: 401 },
      );
    }
    const cluster =
      options.clusters[
        request.headers.get('backstage-kubernetes-cluster') ?? ''
      ];
    if (!cluster) {
      return HttpResponse.json(
        { error: { name: 'NotFoundError', message: 'no such cluster' } },
        { status: 404 },
      );
    }
    if (cluster.authProvider !== 'serviceAccount') {
      const suffix = cluster.oidcTokenProvider
        ? `${cluster.authProvider}-${cluster.oidcTokenProvider}`
        : cluster.authProvider;
      if (
        !request.headers.get(`backstage-kubernetes-authorization-${suffix}`)
      ) {
        return HttpResponse.json(
          statusBody(401, 'Unauthorized', 'Unauthorized'),
          { status: 401 },
        );
      }
    }
    if (cluster.down) {
      return HttpResponse.json(
        { error: { name: 'Error', message: 'connect ECONNREFUSED' } },
        { status: 502 },
      );
    }
    const reply = cluster.handle(path, url.searchParams);
    if (reply === 'hang') return untilAborted(request);
    return HttpResponse.json(reply.body as any, {
      status: reply.status,
      headers: reply.headers,
    });
  }

  function instant(
    p: { traffic: FakeTraffic[]; down?: boolean },
    form: URLSearchParams,
  ) {
    const query = form.get('query') ?? '';
    options.log.prometheus.push(query);
    if (p.down) return new HttpResponse('upstream down', { status: 503 });
    return HttpResponse.json({
      status: 'success',
      data: {
        resultType: 'vector',
        result: fakePrometheusAnswer(query, p.traffic),
      },
    });
  }

  function range(
    p: { traffic: FakeTraffic[]; down?: boolean },
    form: URLSearchParams,
  ) {
    const query = form.get('query') ?? '';
    options.log.prometheus.push(query);
    if (p.down) return new HttpResponse('upstream down', { status: 503 });
    const start = Number(form.get('start'));
    const step = Number(form.get('step'));
    const result = fakePrometheusAnswer(
      query.replace('sum(rate(', 'sum(increase(').replace('[1m]', '[5m]'),
      p.traffic,
    ).map(r => ({
      metric: r.metric,
      values: [0, 1, 2].map(i => [start + i * step, r.value[1]]),
    }));
    return HttpResponse.json({
      status: 'success',
      data: { resultType: 'matrix', result },
    });
  }
}
