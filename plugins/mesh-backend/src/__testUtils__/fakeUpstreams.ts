import { http, HttpResponse } from 'msw';
import { KubeObject } from '@meshlens/plugin-mesh-node';
import { SelectorSyntaxError, labelSelectorPredicate } from './fakeSelector';

export const KUBERNETES_BASE = 'http://127.0.0.1:18999/api/kubernetes';

/** What a fake cluster answers: a status and body, or nothing at all. */
export type FakeAnswer =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | 'hang';

/** A Kubernetes `Status` failure body, as the API server sends it. */
function statusBody(
  code: number,
  reason: string,
  message: string,
  details = {},
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}

/** Objects of one fake cluster, addressed as the Kubernetes API does. */
export class FakeCluster {
  /** key: `${apiPrefix}|${plural}` (apiPrefix `api/v1` or `apis/g/v`) */
  private readonly objects = new Map<string, KubeObject[]>();
  private readonly faults: Array<{
    path: RegExp;
    answer: (path: string) => FakeAnswer;
  }> = [];
  down = false;
  /**
   * The Kubernetes backend's auth provider for this cluster. A client-side
   * one (`oidc`, `google`, ...) needs the user's token in the
   * `Backstage-Kubernetes-Authorization-<provider>` header, as the real
   * proxy does; without it the API server answers 401.
   */
  authProvider = 'serviceAccount';
  oidcTokenProvider?: string;

  /**
   * Answers 403 to matching paths, as the API server does for a token
   * without the right to read them (RBAC).
   */
  forbid(path: RegExp = /./): this {
    this.faults.push({
      path,
      answer: p => ({
        status: 403,
        body: statusBody(
          403,
          'Forbidden',
          `${p} is forbidden: User "system:serviceaccount:backstage:backstage" cannot list this resource`,
        ),
      }),
    });
    return this;
  }

  /**
   * Answers 429 with `Retry-After` to matching paths, as API priority and
   * fairness does when the cluster is overloaded.
   */
  throttle(path: RegExp = /./, retryAfterSeconds = 1): this {
    this.faults.push({
      path,
      answer: () => ({
        status: 429,
        headers: { 'Retry-After': String(retryAfterSeconds) },
        body: statusBody(
          429,
          'TooManyRequests',
          'Too many requests, please try again later.',
          { retryAfterSeconds },
        ),
      }),
    });
    return this;
  }

  /**
   * Never answers matching paths, as a cluster behind a dead link: the
   * request ends only when the caller gives up.
   */
  hang(path: RegExp = /./): this {
    this.faults.push({ path, answer: () => 'hang' });
    return this;
  }

  /** Removes every fault added with forbid, throttle or hang. */
  heal(): this {
    this.faults.length = 0;
    return this;
  }

  add(apiVersion: string, plural: string, object: KubeObject): this {
    const key = `${
      apiVersion.includes('/') ? 'apis' : 'api'
    }/${apiVersion}|${plural}`;
    const list = this.objects.get(key) ?? [];
    list.push(object);
    this.objects.set(key, list);
    return this;
  }

  /** Removes the objects of a type that match; returns them. */
  remove(
    apiVersion: string,
    plural: string,
    match: (object: KubeObject) => boolean,
  ): KubeObject[] {
    const key = `${
      apiVersion.includes('/') ? 'apis' : 'api'
    }/${apiVersion}|${plural}`;
    const list = this.objects.get(key) ?? [];
    this.objects.set(
      key,
      list.filter(o => !match(o)),
    );
    return list.filter(match);
  }

  namespace(
    name: string,
    labels: Record<string, string> = {},
    annotations: Record<string, string> = {},
  ) {
    return this.add('v1', 'namespaces', {
      metadata: { name, labels, annotations },
    });
  }

  /**
   * A Deployment and its pods. `pod(i)` customizes each pod (containers,
   * labels, annotations).
   */
  deployment(
    namespace: string,
    name: string,
    options: {
      labels?: Record<string, string>;
      pods: number;
      pod?: (
        i: number,
      ) => Partial<KubeObject> & { containers?: any[]; initContainers?: any[] };
      templateLabels?: Record<string, string>;
      templateAnnotations?: Record<string, string>;
      ready?: boolean;
    },
  ) {
    const selector = { app: name };
    this.add('apps/v1', 'deployments', {
      metadata: { name, namespace, labels: { ...selector, ...options.labels } },
      spec: {
        replicas: options.pods,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: { ...selector, ...options.templateLabels },
            annotations: options.templateAnnotations,
          },
        },
      },
      status: { readyReplicas: options.ready === false ? 0 : options.pods },
    });
    for (let i = 0; i < options.pods; i++) {
      const custom = options.pod?.(i) ?? {};
      this.add('v1', 'pods', {
        metadata: {
          name: `${name}-abc-${i}`,
          namespace,
          ...custom.metadata,
          labels: {
            ...selector,
            ...options.labels,
            ...custom.metadata?.labels,
          },
        },
        spec: {
          containers: [
            { name, image: `example/${name}:1` },
            ...(custom.containers ?? []),
          ],
          initContainers: custom.initContainers,
        },
      });
    }
    return this;
  }

  /** Answers a GET of the Kubernetes API path, like an API server would. */
  handle(path: string, labelSelector: string | null): FakeAnswer {
    const fault = this.faults.find(f => f.path.test(path));
    if (fault) return fault.answer(path);
    const notFound = {
      status: 404,
      body: statusBody(404, 'NotFound', `the server could not find ${path}`),
    };
    const m = path.match(
      /^\/(api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?$/,
    );
    if (!m) return notFound;
    const [, prefix, namespace, plural, name] = m;
    let items: KubeObject[];
    let wanted = name;
    if (!plural) {
      // GET /api/v1/namespaces/<name>
      if (prefix !== 'api/v1' || !namespace) return notFound;
      items = this.objects.get('api/v1|namespaces') ?? [];
      wanted = namespace;
    } else {
      items = this.objects.get(`${prefix}|${plural}`) ?? [];
      if (namespace !== undefined) {
        items = items.filter(o => o.metadata.namespace === namespace);
      }
    }
    if (wanted) {
      const found = items.find(o => o.metadata.name === wanted);
      return found ? { status: 200, body: found } : notFound;
    }
    if (labelSelector !== null) {
      let matches: (labels: Record<string, string> | undefined) => boolean;
      try {
        matches = labelSelectorPredicate(labelSelector);
      } catch (e) {
        if (!(e instanceof SelectorSyntaxError)) throw e;
        return {
          status: 400,
          body: statusBody(400, 'BadRequest', e.message),
        };
      }
      items = items.filter(o => matches(o.metadata.labels));
    }
    return { status: 200, body: { kind: 'List', items } };
  }
}

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
    const reply = cluster.handle(path, url.searchParams.get('labelSelector'));
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
