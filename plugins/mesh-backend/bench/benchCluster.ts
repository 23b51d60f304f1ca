/**
 * The benchmark's upstreams, in a process of their own so that serving
 * Kubernetes and Prometheus does not compete with the code under
 * measurement for the measuring process's event loop.
 *
 * - The demo cluster (packages/demo-cluster): the homelab (Linkerd) and
 *   cloud (Istio) Kubernetes API servers with their simulated proxies and a
 *   real Prometheus each, plus a third API server, edge, built from the
 *   homelab seed (a Linkerd cluster; its metrics are homelab's).
 * - A bulk seed: the workloads of the benchmark's entities (bench/layout.ts),
 *   written to the clusters' stores so the demo controller creates their
 *   ReplicaSets and Pods and the injector adds proxies, as in a cluster.
 * - A recording proxy that speaks the Kubernetes backend's proxy protocol
 *   (`/api/kubernetes/proxy/<path>` + `Backstage-Kubernetes-Cluster`,
 *   `/api/kubernetes/clusters`) and forwards PromQL under `/prom/<cluster>`,
 *   logging every request; `/__bench/log` hands the log over and empties it.
 *
 * `BENCH_LATENCY_MS` adds a round trip to every request, as a remote
 * cluster would: what the number of rounds costs shows there.
 *
 * Prints one JSON line when ready: `{ "url": ..., "clusters": [...] }`.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  buildCluster,
  findResource,
  ObjectStore,
  startApiServer,
  startDemoCluster,
} from '@meshlens/demo-cluster';
import { BenchEntity, benchLayout } from './layout';

export interface LoggedRequest {
  kind: 'kubernetes' | 'prometheus' | 'clusters';
  cluster?: string;
  path: string;
  method: string;
  body?: string;
  start: number;
  end: number;
}

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 5000);
const BIG_WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 200);
/** A round trip added to every Kubernetes and PromQL request, as to a remote cluster. */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);

function seedWorkloads(
  store: ObjectStore,
  entity: BenchEntity,
  workloads: number,
  replicas: number,
) {
  const now = new Date();
  for (let i = 0; i < workloads; i++) {
    const labels = {
      'backstage.io/kubernetes-id': entity.id,
      app: `${entity.name}-${i}`,
    };
    store.seed(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: workloads === 1 ? entity.name : `${entity.name}-${i}`,
          namespace: entity.namespace,
          labels,
        },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'ghcr.io/meshlens/bench:1.0.0',
                  ports: [{ containerPort: 8080 }],
                },
              ],
            },
          },
        },
      },
      now,
    );
  }
}

function seedNamespace(
  store: ObjectStore,
  name: string,
  markers: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
) {
  store.seed(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...markers } },
    new Date(),
  );
}

/** Marks a namespace for injection without restarting its pods. */
function enrollLater(
  store: ObjectStore,
  name: string,
  mesh: 'linkerd' | 'istio',
) {
  const type = findResource('', 'v1', 'namespaces')!;
  const ns = store.get(type, undefined, name)!;
  if (mesh === 'linkerd') {
    ns.metadata.annotations = {
      ...(ns.metadata.annotations ?? {}),
      'linkerd.io/inject': 'enabled',
    };
  } else {
    ns.metadata.labels = {
      ...(ns.metadata.labels ?? {}),
      'istio-injection': 'enabled',
    };
  }
  store.put(type, ns);
}

async function startRecordingProxy(
  apiUrls: Record<string, string>,
  promUrls: Record<string, string>,
) {
  let log: LoggedRequest[] = [];
  let listed = Object.keys(apiUrls);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const forward = (target: string, req: http.IncomingMessage, body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers: Record<string, string> =
        req.method === 'POST'
          ? { 'content-type': 'application/x-www-form-urlencoded' }
          : // The Kubernetes backend adds the cluster's service-account token here.
            { authorization: 'Bearer bench-service-account' };
      if (req.method === 'POST')
        headers['content-length'] = String(Buffer.byteLength(body));
      const up = http.request(
        target,
        { method: req.method, headers, agent },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              text: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', reject);
        },
      );
      up.on('error', reject);
      up.end(req.method === 'POST' ? body : undefined);
    });
  const server = http.createServer(async (req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = req.url ?? '';
    if (url === '/__bench/log') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(log));
      log = [];
      return;
    }
    if (url === '/__bench/clusters') {
      listed = JSON.parse(body);
      res.end('{}');
      return;
    }
    if (url === '/api/kubernetes/clusters') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: listed.map(name => ({ name })) }));
      log.push({
        kind: 'clusters',
        path: url,
        method: 'GET',
        start,
        end: performance.now(),
      });
      return;
    }
    let target: string;
    let entry: LoggedRequest;
    if (url.startsWith('/api/kubernetes/proxy/')) {
      const cluster = String(req.headers['backstage-kubernetes-cluster']);
      const path = url.slice('/api/kubernetes/proxy'.length);
      target = `${apiUrls[cluster]}${path}`;
      entry = {
        kind: 'kubernetes',
        cluster,
        path,
        method: req.method ?? 'GET',
        start,
        end: 0,
      };
    } else {
      const [, cluster, rest] = url.match(/^\/prom\/([^/]+)(\/.*)$/) ?? [];
      target = `${promUrls[cluster]}${rest}`;
      entry = {
        kind: 'prometheus',
        cluster,
        path: rest,
        method: req.method ?? 'GET',
        body,
        start,
        end: 0,
      };
    }
    try {
      if (LATENCY_MS) await new Promise(r => setTimeout(r, LATENCY_MS));
      // An idle keep-alive connection the server just closed: retry once, as an HTTP agent would.
      const upstream = await forward(target, req, body).catch(() =>
        forward(target, req, body),
      );
      res.statusCode = upstream.status;
      res.setHeader('content-type', 'application/json');
      res.end(upstream.text);
    } catch (e) {
      res.statusCode = 502;
      res.end(JSON.stringify({ message: String(e) }));
    }
    entry.end = performance.now();
    log.push(entry);
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>(r => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function main() {
  const layout = benchLayout(ENTITIES, BIG_WORKLOADS);
  const demo = await startDemoCluster({
    ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
  });
  const edge = await buildCluster('homelab');
  const edgeApi = await startApiServer({ store: edge.store, port: 0 });
  const stores: Record<string, ObjectStore> = {
    homelab: demo.clusters.homelab.state.store,
    cloud: demo.clusters.cloud.state.store,
    edge: edge.store,
  };
  const meshOf: Record<string, 'linkerd' | 'istio'> = {
    homelab: 'linkerd',
    cloud: 'istio',
    edge: 'linkerd',
  };

  // The entity with many workloads, in an enrolled namespace: its pods get proxies.
  seedNamespace(stores.homelab, layout.big.namespace, {
    annotations: { 'linkerd.io/inject': 'enabled' },
  });
  seedWorkloads(stores.homelab, layout.big, layout.big.workloads, 2);

  const seen = new Set<string>();
  for (const e of layout.entities) {
    const key = `${e.cluster}/${e.namespace}`;
    if (!seen.has(key)) {
      seen.add(key);
      seedNamespace(stores[e.cluster], e.namespace);
    }
    seedWorkloads(stores[e.cluster], e, 1, 1);
  }
  for (const key of layout.enrolledLate) {
    const [cluster, namespace] = key.split('/');
    enrollLater(stores[cluster], namespace, meshOf[cluster]);
  }
  await Promise.all(
    Object.values(demo.clusters).map(c => c.exporters.settle()),
  );

  const proxy = await startRecordingProxy(
    { ...demo.apiUrls, edge: edgeApi.url },
    { ...demo.prometheusUrls!, edge: demo.prometheusUrls!.homelab },
  );
  const stop = async () => {
    await proxy.close();
    await edgeApi.close();
    await demo.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(
    `${JSON.stringify({ url: proxy.url, clusters: layout.clusters })}\n`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
