/**
 * `npm run bench`: prints figures, asserts nothing.
 *
 * Scenario (issue 4): an entity with 200 workloads, and the overview over
 * 5,000 entities in 3 clusters, against the demo cluster's Kubernetes API
 * servers and its real Prometheus, which bench/benchCluster.ts runs in a
 * child process with a bulk seed (bench/layout.ts). The status service runs
 * here, in-process, and reaches Kubernetes through the child's proxy, which
 * speaks the Kubernetes backend's proxy protocol and logs every request.
 *
 * Per API call it prints the upstream requests, and the median and p95
 * latency:
 * - cold: the response cache is empty, the service has answered before (it
 *   knows the clusters and where their control planes run);
 * - first call: a service that has never answered (nothing learnt yet);
 * - warm: cached;
 * and the ratio of our latency to the raw time of the same requests sent
 * straight to the proxy all at once, responses read and parsed as JSON (the
 * lower bound for any client of those requests). BENCH_LATENCY_MS adds a
 * round trip to every upstream request (see benchCluster.ts), as remote
 * clusters would; BENCH_DUMP prints the requests of the first cold call
 * with their times. The same requests replayed
 * wave by wave (a request that started after another ended may depend on
 * it) are printed for reference.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { LoggedRequest } from './benchCluster';
import { benchLayout } from './layout';
import { steadyStreamScenario } from './steadyStream';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { readMeshConfig } from '../src/config';
import { DefaultMeshStatusService } from '../src/service/DefaultMeshStatusService';
import { TopologyHints } from '../src/service/TopologyHints';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 5000);
const BIG_WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** BENCH_STREAM_ONLY=1 runs the steady-stream scenario alone. */
const STREAM_ONLY = !!process.env.BENCH_STREAM_ONLY;

type Logged = LoggedRequest;

/** Starts bench/benchCluster.ts in a child process and waits for its address. */
async function startBenchCluster(): Promise<{
  url: string;
  clusters: string[];
  stop(): Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'benchCluster.ts'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(line);
    });
    child.once('exit', code =>
      reject(new Error(`bench cluster exited with ${code}`)),
    );
  });
  const { url, clusters } = JSON.parse(ready);
  return {
    url,
    clusters,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function takeLog(proxyUrl: string): Promise<Logged[]> {
  const res = await fetch(`${proxyUrl}/__bench/log`);
  return (await res.json()) as Logged[];
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
        // A client that sends the requests itself still has to read their JSON.
        JSON.parse(await res.text());
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

interface Figures {
  requests: string;
  firstCall: number[];
  cold: number[];
  /** CPU time of this process during the cold call and during the raw replay. */
  coldCpu: number[];
  rawCpu: number[];
  rawParallel: number[];
  rawWaves: number[];
  warm: number[];
}

const median = (xs: number[]) => quantile(xs, 0.5);
const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

async function main() {
  const started = performance.now();
  const elapsed = () =>
    `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const layout = benchLayout(ENTITIES, BIG_WORKLOADS);
  console.log(
    `Starting the demo cluster with ${ENTITIES} + ${BIG_WORKLOADS} bulk workloads in 3 clusters (child process)...`,
  );
  const upstream = await startBenchCluster();
  console.log(`Upstreams ready after ${elapsed()}`);
  try {
    const entities: Entity[] = [layout.big, ...layout.entities].map(e =>
      entity(e.name, e.id, e.namespace, e.cluster),
    );
    const configOf = (
      settings: { cacheTtlSeconds: number; refreshAhead?: boolean } = {
        cacheTtlSeconds: 30,
      },
    ) =>
      readMeshConfig(
        new ConfigReader({
          mesh: {
            clusters: upstream.clusters.map(name => ({
              name,
              prometheus: { url: `${upstream.url}/prom/${name}` },
            })),
            cacheTtlSeconds: settings.cacheTtlSeconds,
            cache: { refreshAhead: settings.refreshAhead ?? false },
            timeoutMs: 30000,
          },
        }),
      );
    const config = configOf();
    const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
    const catalog = {
      async getEntityByRef(ref: string) {
        return byRef.get(ref);
      },
      async queryEntities() {
        return { items: entities, totalItems: entities.length, pageInfo: {} };
      },
    };
    // Backstage's memory store: it keeps JSON, as Redis and memcache do. A
    // new store stands for an empty cache.
    const emptyCache = () =>
      CacheManager.fromConfig(new ConfigReader({})).forPlugin('mesh');
    let cache = emptyCache();
    const adapters = defaultMeshAdapters();
    const makeService = (meshConfig = config, hints?: TopologyHints) =>
      new DefaultMeshStatusService({
        hints,
        config: meshConfig,
        adapters: () => adapters,
        catalog: catalog as any,
        // Issues plugin tokens as Backstage's auth does for the plugin itself.
        auth: mockServices.auth({ pluginId: 'mesh' }),
        discovery: {
          getBaseUrl: async () => `${upstream.url}/api/kubernetes`,
          getExternalBaseUrl: async () => '',
        },
        logger: console as any,
        cache,
      });
    const credentials = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    } as any;
    const bigRef = stringifyEntityRef(entities[0]);

    const scenarios: Array<{
      name: string;
      runs: number;
      call: (s: DefaultMeshStatusService) => Promise<any>;
      describe: (result: any) => string;
    }> = [
      {
        name: `entity with ${BIG_WORKLOADS} workloads`,
        runs: RUNS,
        call: s => s.getEntityStatus(bigRef, { credentials }),
        describe: r =>
          `${r.clusters[0].workloads.length} workloads, mesh ${r.clusters[0].mesh}`,
      },
      {
        name: `overview, ${entities.length} entities, 3 clusters`,
        runs: Math.max(3, Math.floor(RUNS / 3)),
        call: s => s.getOverview({ credentials }),
        describe: r =>
          `${r.entities.length} entities, ${
            r.entities.filter((e: any) => e.mesh !== 'none').length
          } meshed`,
      },
    ];
    // Warm-up: JIT and connection pools, so run 1 is not an outlier. A
    // benchmark of answers that are only errors would measure nothing.
    const warmUp = await scenarios[1].call(makeService());
    const unread = warmUp.entities.filter((e: any) =>
      e.errors?.some((err: any) => err.source === 'kubernetes'),
    );
    if (unread.length || !warmUp.entities.some((e: any) => e.mesh !== 'none')) {
      throw new Error(
        `The bench cluster was not read: ${JSON.stringify(
          unread[0]?.errors ?? 'no meshed entity',
        )}`,
      );
    }
    await takeLog(upstream.url);
    const coldAndWarm = async () => {
      const results: Array<{ name: string; figures: Figures }> = [];
      for (const scenario of scenarios) {
        const f: Figures = {
          requests: '',
          firstCall: [],
          cold: [],
          rawParallel: [],
          coldCpu: [],
          rawCpu: [],
          rawWaves: [],
          warm: [],
        };
        for (let run = 0; run < scenario.runs; run++) {
          // First call of a new service: no cache, no topology learnt yet.
          cache = emptyCache();
          const hints = new TopologyHints(config.topologyHintSeconds * 1000);
          let service = makeService(config, hints);
          let t0 = performance.now();
          await scenario.call(service);
          f.firstCall.push(performance.now() - t0);
          await takeLog(upstream.url);
          // Cold: the response cache and the shared reads are empty (a new
          // service); the layout learnt before is known.
          cache = emptyCache();
          service = makeService(config, hints);
          t0 = performance.now();
          let cpu = process.cpuUsage();
          const result = await scenario.call(service);
          f.cold.push(performance.now() - t0);
          f.coldCpu.push(cpuMs(cpu));

          const log = await takeLog(upstream.url);
          if (run === 0 && process.env.BENCH_DUMP) {
            const t = Math.min(...log.map(l => l.start));
            for (const l of [...log].sort((a, b) => a.start - b.start)) {
              console.log(
                `${(l.start - t).toFixed(0).padStart(5)}-${(l.end - t)
                  .toFixed(0)
                  .padStart(5)} ${l.kind} ${l.cluster ?? ''} ${l.path} ${
                  l.body ? decodeURIComponent(l.body).slice(0, 100) : ''
                }`,
              );
            }
          }
          if (run === 0) {
            const k8s = log.filter(l => l.kind !== 'prometheus').length;
            const prom = log.filter(l => l.kind === 'prometheus').length;
            f.requests = `${k8s} + ${prom} (${
              waves(log).length
            } waves); ${scenario.describe(result)}`;
          }
          cpu = process.cpuUsage();
          f.rawParallel.push(await replayRaw(upstream.url, log, true));
          f.rawCpu.push(cpuMs(cpu));
          f.rawWaves.push(await replayRaw(upstream.url, log));
          await takeLog(upstream.url);
          t0 = performance.now();
          await scenario.call(service);
          f.warm.push(performance.now() - t0);
          if (log.length && (await takeLog(upstream.url)).length) {
            throw new Error('a warm call reached an upstream');
          }
        }
        results.push({ name: scenario.name, figures: f });
        console.log(`${scenario.name}: done after ${elapsed()}`);
      }

      console.log('');
      console.log(
        '| API call | upstream requests per call (Kubernetes + PromQL) | cold median / p95 ms | raw, all in parallel ms | ratio cold | first call of a new service median ms (ratio) | warm median / p95 ms | ratio warm | CPU of this process, cold / raw ms |',
      );
      console.log('|---|---|---|---|---|---|---|---|---|');
      for (const { name, figures: f } of results) {
        const raw = median(f.rawParallel);
        console.log(
          `| ${name} | ${f.requests} | ${ms(median(f.cold))} / ${ms(
            quantile(f.cold, 0.95),
          )} | ${ms(raw)} (by waves ${ms(median(f.rawWaves))}) | ${(
            median(f.cold) / raw
          ).toFixed(2)} | ${ms(median(f.firstCall))} (${(
            median(f.firstCall) / raw
          ).toFixed(2)}) | ${ms(median(f.warm))} / ${ms(
            quantile(f.warm, 0.95),
          )} | ${(median(f.warm) / raw).toFixed(4)} | ${ms(
            median(f.coldCpu),
          )} / ${ms(median(f.rawCpu))} |`,
        );
      }

      // Concurrency: 20 simultaneous cold requests for the same entity share one fetch.
      cache = emptyCache();
      const service = makeService();
      await takeLog(upstream.url);
      const concurrent = await Promise.all(
        Array.from({ length: 20 }, () =>
          service.getEntityStatus(bigRef, { credentials }),
        ),
      );
      const shared = await takeLog(upstream.url);
      console.log(
        `\n20 concurrent cold requests for the same entity: ${
          shared.filter(l => l.kind !== 'prometheus').length
        } Kubernetes + ${
          shared.filter(l => l.kind === 'prometheus').length
        } PromQL requests in total (single-flight); ${
          new Set(concurrent).size
        } distinct result object(s)`,
      );
    };
    if (!STREAM_ONLY) await coldAndWarm();
    await steadyStreamScenario({
      makeService: settings => {
        cache = emptyCache();
        return makeService(configOf(settings));
      },
      takeLog: () => takeLog(upstream.url),
      entityRefs: entities.slice(1).map(e => stringifyEntityRef(e)),
      credentials,
    });
  } finally {
    await upstream.stop();
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
