/**
 * `npm run bench`: prints figures, asserts nothing.
 *
 * Scenario (issue 4): an entity with 200 workloads, and the overview over
 * 5,000 entities in 3 clusters. Kubernetes: generated in-process fixture
 * API servers (the demo's control planes, certificates and policies, plus
 * the bulk workloads), because the demo API server's controller does not
 * keep up with thousands of extra deployments on a shared 2-core machine.
 * Prometheus: the demo cluster's real Prometheus (packages/demo-cluster,
 * scraping its simulated proxies). The status service runs in-process and
 * reaches Kubernetes through a thin proxy that speaks the Kubernetes
 * backend's proxy protocol (`/proxy/<path>` + `Backstage-Kubernetes-Cluster`),
 * so every upstream request is counted.
 *
 * For each API call it prints the upstream requests, the median and p95
 * latency cold (empty cache) and warm (cached), and the ratio of our cold
 * latency to the raw time of the same requests sent through the same proxy
 * in parallel: wave by wave (a request that started after another ended may
 * depend on it) and all at once (a lower bound).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { startDemoCluster } from '@meshlens/demo-cluster';
import { demoFixture } from '../src/__testUtils__/demoFixture';
import { FakeCluster } from '../src/__testUtils__/fakeUpstreams';
import { defaultMeshAdapters } from '../src/adapters';
import { readMeshConfig } from '../src/config';
import {
  DefaultMeshStatusService,
  MeshAdapterRegistry,
} from '../src/service/DefaultMeshStatusService';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 5000);
const BIG_WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

interface Logged {
  kind: 'kubernetes' | 'prometheus' | 'clusters';
  cluster?: string;
  path: string;
  body?: string;
  start: number;
  end: number;
}

/** A Kubernetes-backend-shaped proxy and a Prometheus pass-through that log every request. */
async function startRecordingProxy(
  apiUrls: Record<string, string>,
  promUrls: Record<string, string>,
) {
  let log: Logged[] = [];
  let listed = Object.keys(apiUrls);
  const server = http.createServer(async (req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = req.url ?? '';
    let target: string;
    let entry: Logged;
    if (url === '/api/kubernetes/clusters') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: listed.map(name => ({ name })) }));
      log.push({ kind: 'clusters', path: url, start, end: performance.now() });
      return;
    } else if (url.startsWith('/api/kubernetes/proxy/')) {
      const cluster = String(req.headers['backstage-kubernetes-cluster']);
      target = `${apiUrls[cluster]}${url.slice(
        '/api/kubernetes/proxy'.length,
      )}`;
      entry = {
        kind: 'kubernetes',
        cluster,
        path: url.slice('/api/kubernetes/proxy'.length),
        start,
        end: 0,
      };
    } else {
      const [, cluster, rest] = url.match(/^\/prom\/([^/]+)(\/.*)$/) ?? [];
      target = `${promUrls[cluster]}${rest}`;
      entry = { kind: 'prometheus', cluster, path: rest, body, start, end: 0 };
    }
    const forward = () =>
      fetch(target, {
        method: req.method,
        // The Kubernetes backend adds the cluster's service-account token here.
        headers:
          req.method === 'POST'
            ? { 'content-type': 'application/x-www-form-urlencoded' }
            : { authorization: 'Bearer bench-service-account' },
        body: req.method === 'POST' ? body : undefined,
      });
    // An idle keep-alive connection the server just closed: retry once, as an HTTP agent would.
    const upstream = await forward().catch(forward);
    const text = await upstream.text();
    res.statusCode = upstream.status;
    res.setHeader('content-type', 'application/json');
    res.end(text);
    entry.end = performance.now();
    log.push(entry);
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** The clusters the Kubernetes backend reports (`GET /clusters`). */
    list(names: string[]) {
      listed = names;
    },
    take() {
      const out = log;
      log = [];
      return out;
    },
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

/** Serves a generated cluster over HTTP, as the Kubernetes API does. */
async function serveFakeCluster(cluster: FakeCluster) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { status, body } = cluster.handle(
      url.pathname,
      url.searchParams.get('labelSelector'),
    );
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

/** Splits requests into waves: a request that started after an earlier one finished may depend on it. */
function waves(log: Logged[]): Logged[][] {
  const sorted = [...log].sort((a, b) => a.start - b.start);
  const out: Logged[][] = [];
  let current: Logged[] = [];
  let firstEnd = Infinity;
  for (const r of sorted) {
    if (current.length && r.start >= firstEnd) {
      out.push(current);
      current = [];
      firstEnd = Infinity;
    }
    current.push(r);
    firstEnd = Math.min(firstEnd, r.end);
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * The same requests, sent straight through the proxy in parallel: wave by
 * wave (requests that started after another ended may depend on it), or
 * all at once (a lower bound no dependent fetch can reach).
 */
async function replayRaw(
  proxyUrl: string,
  log: Logged[],
  allAtOnce = false,
): Promise<number> {
  const t0 = performance.now();
  for (const wave of allAtOnce ? [log] : waves(log)) {
    await Promise.all(
      wave.map(async r => {
        const send = () =>
          r.kind === 'prometheus'
            ? fetch(`${proxyUrl}/prom/${r.cluster}${r.path}`, {
                method: 'POST',
                headers: {
                  'content-type': 'application/x-www-form-urlencoded',
                },
                body: r.body,
              })
            : fetch(
                r.kind === 'clusters'
                  ? `${proxyUrl}/api/kubernetes/clusters`
                  : `${proxyUrl}/api/kubernetes/proxy${r.path}`,
                {
                  headers: r.cluster
                    ? { 'backstage-kubernetes-cluster': r.cluster }
                    : {},
                },
              );
        const res = await send().catch(send);
        await res.text();
      }),
    );
  }
  return performance.now() - t0;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

function entity(
  name: string,
  id: string,
  namespace: string,
  cluster: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': id,
        'backstage.io/kubernetes-namespace': namespace,
        'backstage.io/kubernetes-cluster': cluster,
      },
    },
    spec: { owner: 'bench', type: 'service', lifecycle: 'production' },
  };
}

async function main() {
  const started = performance.now();
  console.log(
    'Starting the demo cluster (2 clusters, real Prometheus each)...',
  );
  const demo = await startDemoCluster({
    ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
  });
  // The overview's 3 clusters: generated in-process Kubernetes fixture
  // servers (the demo's control planes, certificates and policies, plus the
  // bulk workloads), because the demo API server's controller does not keep
  // up with 5,000 extra deployments on this machine. Metrics come from the
  // demo's real Prometheus.
  const bulk: Record<string, FakeCluster> = {
    'bulk-homelab': (await demoFixture()).clusters.homelab,
    'bulk-cloud': (await demoFixture()).clusters.cloud,
    'bulk-edge': (await demoFixture()).clusters.homelab,
  };
  console.log(
    `Demo cluster up, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const bulkServers = await Promise.all(
    Object.values(bulk).map(cluster => serveFakeCluster(cluster)),
  );
  const apiUrls: Record<string, string> = { ...demo.apiUrls };
  Object.keys(bulk).forEach((name, i) => {
    apiUrls[name] = bulkServers[i].url;
  });
  const promUrls: Record<string, string> = {
    ...demo.prometheusUrls!,
    'bulk-homelab': demo.prometheusUrls!.homelab,
    'bulk-cloud': demo.prometheusUrls!.cloud,
    'bulk-edge': demo.prometheusUrls!.homelab,
  };
  try {
    // An entity with 200 workloads, in an enrolled Linkerd namespace.
    bulk['bulk-homelab'].namespace(
      'bench-big',
      {},
      { 'linkerd.io/inject': 'enabled' },
    );
    for (let i = 0; i < BIG_WORKLOADS; i++) {
      bulk['bulk-homelab'].deployment('bench-big', `big-${i}`, {
        labels: { 'backstage.io/kubernetes-id': 'bench-big' },
        pods: 2,
        pod: () => ({
          metadata: {
            name: '',
            labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
            annotations: { 'linkerd.io/proxy-version': 'edge-25.10.3' },
          },
        }),
      });
    }
    // 5,000 entities in 3 clusters: 50 per namespace.
    const entities: Entity[] = [
      entity('bench-big', 'bench-big', 'bench-big', 'bulk-homelab'),
    ];
    const clusters = Object.keys(bulk);
    const perNamespace = 50;
    for (let i = 0; i < ENTITIES; i++) {
      const cluster = clusters[i % clusters.length];
      const index = Math.floor(i / clusters.length);
      const ns = `bench-${cluster}-${Math.floor(index / perNamespace)}`;
      if (index % perNamespace === 0) bulk[cluster].namespace(ns);
      bulk[cluster].deployment(ns, `svc-${i}`, {
        labels: { 'backstage.io/kubernetes-id': `svc-${i}` },
        pods: 1,
      });
      entities.push(entity(`svc-${i}`, `svc-${i}`, ns, cluster));
      if (i % 1000 === 999) {
        console.log(
          `${i + 1} entities' workloads created, ${(
            (performance.now() - started) /
            1000
          ).toFixed(1)} s`,
        );
      }
    }
    console.log(
      `Loaded ${BIG_WORKLOADS} + ${ENTITIES} workloads in ${(
        (performance.now() - started) /
        1000
      ).toFixed(1)} s`,
    );

    const proxy = await startRecordingProxy(apiUrls, promUrls);
    const config = readMeshConfig(
      new ConfigReader({
        mesh: {
          clusters: Object.keys(apiUrls).map(name => ({
            name,
            prometheus: { url: `${proxy.url}/prom/${name}` },
          })),
          cacheTtlSeconds: 30,
          timeoutMs: 30000,
        },
      }),
    );
    const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
    const catalog = {
      async getEntityByRef(ref: string) {
        return byRef.get(ref);
      },
      async queryEntities() {
        return { items: entities, totalItems: entities.length, pageInfo: {} };
      },
    };
    const cache = new Map<string, { value: unknown; expires: number }>();
    const makeService = () =>
      new DefaultMeshStatusService({
        config,
        registry: new MeshAdapterRegistry(defaultMeshAdapters()),
        catalog: catalog as any,
        auth: {
          getPluginRequestToken: async () => ({ token: 'bench' }),
        } as any,
        discovery: {
          getBaseUrl: async () => `${proxy.url}/api/kubernetes`,
          getExternalBaseUrl: async () => '',
        },
        logger: console as any,
        cache: {
          async get(key: string) {
            const hit = cache.get(key);
            return hit && hit.expires > Date.now()
              ? (hit.value as any)
              : undefined;
          },
          async set(key: string, value: unknown, o?: { ttl?: number }) {
            cache.set(key, { value, expires: Date.now() + (o?.ttl ?? 0) });
          },
          async delete(key: string) {
            cache.delete(key);
          },
          withOptions() {
            return this as any;
          },
        } as any,
      });
    const credentials = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    } as any;

    const scenarios: Array<{
      name: string;
      call: (s: DefaultMeshStatusService) => Promise<unknown>;
    }> = [
      {
        name: `entity with ${BIG_WORKLOADS} workloads`,
        call: s =>
          s.getEntityStatus('component:default/bench-big', { credentials }),
      },
      {
        name: 'demo entity storefront (Linkerd)',
        call: s =>
          s.getEntityStatus('component:default/bench-big', { credentials }),
      },
      {
        name: `overview, ${entities.length} entities, 3 clusters`,
        call: s => s.getOverview({ credentials }),
      },
    ];
    console.log('');
    console.log(
      '| API call | upstream requests (k8s + PromQL) | cold median ms | cold p95 ms | raw by waves ms | raw all parallel ms | ratio cold (waves / all parallel) | warm median ms | warm p95 ms | ratio warm |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const scenario of scenarios.filter((_, i) => i !== 1)) {
      proxy.list(clusters);
      const cold: number[] = [];
      const raw: number[] = [];
      const rawParallel: number[] = [];
      const warm: number[] = [];
      let requests = '';
      const runs = scenario.name.startsWith('overview')
        ? Math.max(3, Math.floor(RUNS / 3))
        : RUNS;
      for (let run = 0; run < runs; run++) {
        cache.clear();
        const service = makeService();
        proxy.take();
        let t0 = performance.now();
        const result: any = await scenario.call(service);
        cold.push(performance.now() - t0);
        const log = proxy.take();
        if (run === 0) {
          const k8s = log.filter(l => l.kind !== 'prometheus').length;
          const prom = log.filter(l => l.kind === 'prometheus').length;
          requests = `${k8s} + ${prom} (${waves(log).length} waves)`;
          const workloads =
            result.clusters?.[0]?.workloads?.length ?? result.entities?.length;
          requests += `, ${workloads} ${
            result.clusters ? 'workloads' : 'entities'
          }`;
        }
        raw.push(await replayRaw(proxy.url, log));
        rawParallel.push(await replayRaw(proxy.url, log, true));
        proxy.take();
        t0 = performance.now();
        await scenario.call(service);
        warm.push(performance.now() - t0);
      }
      const r = quantile(raw, 0.5);
      const rp = quantile(rawParallel, 0.5);
      const c = quantile(cold, 0.5);
      console.log(
        `| ${scenario.name} | ${requests} | ${c.toFixed(1)} | ${quantile(
          cold,
          0.95,
        ).toFixed(1)} | ${r.toFixed(1)} | ${rp.toFixed(1)} | ${(c / r).toFixed(
          2,
        )} / ${(c / rp).toFixed(2)} | ${quantile(warm, 0.5).toFixed(
          2,
        )} | ${quantile(warm, 0.95).toFixed(2)} | ${(
          quantile(warm, 0.5) / r
        ).toFixed(4)} |`,
      );
    }
    // Concurrency: 20 simultaneous cold requests for the same entity share one fetch.
    proxy.list(clusters);
    cache.clear();
    const service = makeService();
    proxy.take();
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, () =>
        service.getEntityStatus('component:default/bench-big', { credentials }),
      ),
    );
    const shared = proxy.take();
    console.log(
      `\n20 concurrent cold requests for the same entity: ${
        shared.filter(l => l.kind !== 'prometheus').length
      } Kubernetes + ${
        shared.filter(l => l.kind === 'prometheus').length
      } PromQL requests in total (single-flight); ${
        new Set(concurrent).size
      } distinct result object(s), mesh ${concurrent[0].clusters[0].mesh}, ${
        concurrent[0].clusters[0].workloads.length
      } workloads`,
    );
    await proxy.close();
  } finally {
    await Promise.all(bulkServers.map(b => b.close()));
    await demo.stop();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
