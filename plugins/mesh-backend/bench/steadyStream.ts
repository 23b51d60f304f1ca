/**
 * The refresh-ahead scenario of `npm run bench`: a steady stream of callers
 * over several TTL periods, with `mesh.cache.refreshAhead` off and on, each
 * mode with a new service and an empty cache (Backstage's memory store).
 *
 * Callers send STREAM_RPS requests per second (default 10): the overview
 * one time in ten, otherwise the status of one of STREAM_ENTITIES entities
 * (default 40, spread over the catalog's namespaces) picked at random. The first TTL period fills the cache and is
 * not counted; the next STREAM_PERIODS periods (default 4) of STREAM_TTL
 * seconds (default 10) are. A caller counts as having waited on a cold read
 * when it took more than WAIT_MS: the warm answers take a few milliseconds,
 * a read of the clusters at least tens.
 */
import { LoggedRequest } from './benchCluster';

const TTL_SECONDS = Number(process.env.STREAM_TTL ?? 10);
const PERIODS = Number(process.env.STREAM_PERIODS ?? 4);
const RPS = Number(process.env.STREAM_RPS ?? 10);
const ENTITIES = Number(process.env.STREAM_ENTITIES ?? 40);
export const WAIT_MS = 50;

interface StreamService {
  getEntityStatus(ref: string, options: { credentials: any }): Promise<any>;
  getOverview(options: { credentials: any }): Promise<any>;
}

export interface SteadyStreamOptions {
  /** A new service with an empty cache, the given TTL and refresh-ahead. */
  makeService(settings: {
    cacheTtlSeconds: number;
    refreshAhead: boolean;
  }): StreamService;
  takeLog(): Promise<LoggedRequest[]>;
  entityRefs: string[];
  credentials: unknown;
}

interface Sample {
  kind: 'entity' | 'overview';
  ms: number;
}

interface ModeFigures {
  refreshAhead: boolean;
  samples: Sample[];
  kubernetesPerMinute: number;
  promqlPerMinute: number;
  errors: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));

/** Sends the stream for `seconds`, and resolves when every request of it has answered. */
async function stream(
  service: StreamService,
  options: SteadyStreamOptions,
  refs: string[],
  seconds: number,
  samples?: Sample[],
): Promise<number> {
  const credentials = options.credentials;
  const pending: Promise<void>[] = [];
  const failed = { count: 0 };
  const start = performance.now();
  for (let i = 0; i < seconds * RPS; i++) {
    const due = start + (i * 1000) / RPS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise(r => setTimeout(r, wait));
    const kind = i % 10 === 0 ? 'overview' : 'entity';
    const t0 = performance.now();
    const call =
      kind === 'overview'
        ? service.getOverview({ credentials })
        : service.getEntityStatus(
            refs[Math.floor(Math.random() * refs.length)],
            { credentials },
          );
    pending.push(
      call.then(
        () => {
          samples?.push({ kind, ms: performance.now() - t0 });
        },
        () => {
          failed.count++;
        },
      ),
    );
  }
  await Promise.all(pending);
  return failed.count;
}

async function runMode(
  options: SteadyStreamOptions,
  refreshAhead: boolean,
): Promise<ModeFigures> {
  const service = options.makeService({
    cacheTtlSeconds: TTL_SECONDS,
    refreshAhead,
  });
  // Spread over the catalog, so the entities live in different namespaces.
  const stride = Math.max(1, Math.floor(options.entityRefs.length / ENTITIES));
  const refs = options.entityRefs
    .filter((_, i) => i % stride === 0)
    .slice(0, ENTITIES);
  // The first period fills the cache: the same for both modes, not counted.
  await stream(service, options, refs, TTL_SECONDS);
  await options.takeLog();
  const samples: Sample[] = [];
  const t0 = performance.now();
  const errors = await stream(
    service,
    options,
    refs,
    TTL_SECONDS * PERIODS,
    samples,
  );
  const minutes = (performance.now() - t0) / 60_000;
  const log = await options.takeLog();
  const kubernetes = log.filter(l => l.kind !== 'prometheus').length;
  return {
    refreshAhead,
    samples,
    kubernetesPerMinute: kubernetes / minutes,
    promqlPerMinute: (log.length - kubernetes) / minutes,
    errors,
  };
}

/** Runs both modes one after the other and prints one table. */
export async function steadyStreamScenario(options: SteadyStreamOptions) {
  console.log(
    `\nSteady stream: ${RPS} requests/s (1 in 10 the overview, else one of ${Math.min(
      ENTITIES,
      options.entityRefs.length,
    )} entities), TTL ${TTL_SECONDS} s, ${PERIODS} TTL periods counted after one to fill the cache`,
  );
  const modes = [await runMode(options, false), await runMode(options, true)];
  console.log(
    `| refreshAhead | API call | callers | waited on a cold read (> ${WAIT_MS} ms) | p50 / p95 / max ms | upstream requests per minute (Kubernetes + PromQL) |`,
  );
  console.log('|---|---|---|---|---|---|');
  for (const m of modes) {
    for (const kind of ['entity', 'overview'] as const) {
      const ms = m.samples.filter(s => s.kind === kind).map(s => s.ms);
      const waited = ms.filter(x => x > WAIT_MS).length;
      console.log(
        `| ${m.refreshAhead ? 'on' : 'off'} | ${kind} | ${ms.length}${
          m.errors ? ` (${m.errors} failed)` : ''
        } | ${waited} (${((100 * waited) / Math.max(1, ms.length)).toFixed(
          1,
        )} %) | ${fmt(quantile(ms, 0.5))} / ${fmt(quantile(ms, 0.95))} / ${fmt(
          Math.max(...ms),
        )} | ${
          kind === 'entity'
            ? `${m.kubernetesPerMinute.toFixed(
                0,
              )} + ${m.promqlPerMinute.toFixed(0)}`
            : 'same'
        } |`,
      );
    }
  }
}
