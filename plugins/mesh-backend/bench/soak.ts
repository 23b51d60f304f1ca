/**
 * `npm run soak`: the soak of issue 13, a script that prints figures and
 * asserts nothing. For SOAK_MINUTES (default 30) it sends SOAK_RPS (default
 * 10) requests per second with varied parameters (entity, window, range,
 * step; now and then the overview) to the status service, which uses
 * Backstage's real memory store behind Meshlens' bound (mesh.cacheMaxEntries),
 * against the bench cluster (bench/benchCluster.ts, a child process). It
 * prints the RSS and heap at the start, every minute and at the end, and the
 * number of keys Meshlens holds in the store: with bounded keys they stay
 * flat. With them, the latency of the requests (p50, p95, and the share
 * under 50 ms, the answers from the store): the warm figures of the soak.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { BoundedCache } from '../src/cache/BoundedCache';
import { benchLayout } from './layout';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { readMeshConfig } from '../src/config';
import { DefaultMeshStatusService } from '../src/service/DefaultMeshStatusService';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const RPS = Number(process.env.SOAK_RPS ?? 10);
const WINDOWS = ['1m', '2m', '5m', '10m', '30m', '1h', '6h', '1d'];
const RANGES: Array<[string, string]> = [
  ['1h', '1m'],
  ['6h', '5m'],
  ['1d', '15m'],
  ['7d', '1h'],
  ['30m', '30s'],
];

async function startBenchCluster() {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(__dirname, 'benchCluster.ts'),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { BENCH_ENTITIES: '500', ...process.env },
    },
  );
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', chunk => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', code =>
      reject(new Error(`bench cluster exited with ${code}`)),
    );
  });
  const { url, clusters, entities } = JSON.parse(first) as {
    url: string;
    clusters: string[];
    entities?: Array<{
      name: string;
      id: string;
      namespace: string;
      cluster: string;
    }>;
  };
  return {
    url,
    clusters,
    entities,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

async function main() {
  const layout = benchLayout(
    Number(process.env.BENCH_ENTITIES ?? 500),
    Number(process.env.BENCH_WORKLOADS ?? 200),
  );
  const upstream = await startBenchCluster();
  const entities: Entity[] = [layout.big, ...layout.entities].map(e => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: e.name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': e.id,
        'backstage.io/kubernetes-namespace': e.namespace,
        'backstage.io/kubernetes-cluster': e.cluster,
      },
    },
    spec: { owner: 'bench', type: 'service', lifecycle: 'production' },
  }));
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const config = readMeshConfig(
    new ConfigReader({
      mesh: {
        clusters: upstream.clusters.map(name => ({
          name,
          prometheus: { url: `${upstream.url}/prom/${name}` },
        })),
        cacheTtlSeconds: 15,
        timeoutMs: 30000,
      },
    }),
  );
  const store = CacheManager.fromConfig(
    new ConfigReader({ backend: { cache: { store: 'memory' } } }),
  ).forPlugin('mesh');
  const cache = new BoundedCache(
    store,
    config.cacheMaxEntries,
    config.cacheTtlSeconds * 1000,
  );
  const adapters = defaultMeshAdapters();
  const service = new DefaultMeshStatusService({
    config,
    adapters: () => adapters,
    catalog: {
      getEntityByRef: async (ref: string) => byRef.get(ref),
      queryEntities: async () => ({
        items: entities,
        totalItems: entities.length,
        pageInfo: {},
      }),
    } as any,
    auth: mockServices.auth({ pluginId: 'mesh' }),
    discovery: {
      getBaseUrl: async () => `${upstream.url}/api/kubernetes`,
      getExternalBaseUrl: async () => '',
    },
    logger: {
      error() {},
      warn() {},
      info() {},
      debug() {},
      child() {
        return this;
      },
    } as any,
    cache,
  });
  const credentials = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef: 'user:default/soak' },
  } as any;
  const refs = [...byRef.keys()];

  const request = (): Promise<unknown> => {
    const roll = Math.random();
    if (roll < 0.05) {
      return service.getOverview({ credentials, window: pick(WINDOWS) });
    }
    if (roll < 0.35) {
      const [range, step] = pick(RANGES);
      return service.getEntityTimeseries(pick(refs), {
        credentials,
        range,
        step,
      });
    }
    return service.getEntityStatus(pick(refs), {
      credentials,
      window: pick(WINDOWS),
    });
  };

  // Warm-up, so the first figure is not the JIT's.
  await Promise.all(Array.from({ length: 20 }, request)).catch(() => undefined);
  global.gc?.();
  const start = process.memoryUsage();
  console.log(
    `soak: ${MINUTES} min at ${RPS} requests/s, ${refs.length} entities, real memory store, cacheMaxEntries ${config.cacheMaxEntries}`,
  );
  console.log(`start: RSS ${mb(start.rss)}, heap ${mb(start.heapUsed)}`);
  const errors = new Map<string, number>();
  const counts = { done: 0, inFlight: 0 };
  // Latencies of the last minute, reported and emptied every minute.
  const latencies: number[] = [];
  const allLatencies: number[] = [];
  const latencyFigures = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (q: number) =>
      s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
    const cached = s.filter(x => x < 50).length;
    return `latency p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(
      1,
    )} ms, ${((100 * cached) / Math.max(1, s.length)).toFixed(
      0,
    )} % under 50 ms`;
  };
  const deadline = Date.now() + MINUTES * 60_000;
  let nextReport = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const tick = Date.now();
    for (let i = 0; i < RPS; i++) {
      counts.inFlight++;
      const t0 = performance.now();
      request()
        .then(() => {
          const ms = performance.now() - t0;
          latencies.push(ms);
          allLatencies.push(ms);
        })
        .catch(e => {
          const key = String((e as Error).message).slice(0, 120);
          errors.set(key, (errors.get(key) ?? 0) + 1);
        })
        .finally(() => {
          counts.inFlight--;
          counts.done++;
        });
    }
    if (Date.now() >= nextReport) {
      const m = process.memoryUsage();
      console.log(
        `${Math.round(
          (Date.now() - (deadline - MINUTES * 60_000)) / 60_000,
        )} min: RSS ${mb(m.rss)}, heap ${mb(m.heapUsed)}, ${
          counts.done
        } requests, ${counts.inFlight} in flight, ${
          cache.size
        } cache keys, ${latencyFigures(latencies)}`,
      );
      latencies.length = 0;
      nextReport += 60_000;
    }
    await new Promise(r =>
      setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))),
    );
  }
  while (counts.inFlight > 0) await new Promise(r => setTimeout(r, 100));
  global.gc?.();
  const end = process.memoryUsage();
  console.log(
    `end: RSS ${mb(end.rss)} (start ${mb(start.rss)}), heap ${mb(
      end.heapUsed,
    )} (start ${mb(start.heapUsed)}), ${counts.done} requests, ${
      cache.size
    } cache keys`,
  );
  console.log(`all requests: ${latencyFigures(allLatencies)}`);
  for (const [message, n] of errors) console.log(`errors: ${n} x ${message}`);
  await upstream.stop();
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
