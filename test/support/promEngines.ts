/**
 * Real PromQL engines for the integration tests, each on 127.0.0.1 and a
 * free port, loaded with OpenMetrics text whose samples carry Unix-second
 * timestamps: Debian's Prometheus (through promtool's block import) and
 * Debian's VictoriaMetrics (through its Prometheus-text import).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export interface RunningEngine {
  name: string;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, what: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited early`);
    const ready = await fetch(url).then(
      r => r.ok,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after 30 s`);
    await new Promise(r => setTimeout(r, 200));
  }
}

function stopper(child: ChildProcess, dir: string) {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

export async function startPrometheusWith(
  openMetrics: string,
): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'meshlens-prom-'));
  writeFileSync(join(dir, 'data.om'), openMetrics);
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
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, child, 'Prometheus');
  return { name: 'Prometheus', url, process: child, stop: stopper(child, dir) };
}

/** OpenMetrics (seconds) to the Prometheus text format VictoriaMetrics imports (milliseconds). */
function toImportFormat(openMetrics: string): string {
  return openMetrics
    .split('\n')
    .filter(line => line && !line.startsWith('#'))
    .map(line => {
      const at = line.lastIndexOf(' ');
      return `${line.slice(0, at)} ${Number(line.slice(at + 1)) * 1000}`;
    })
    .join('\n');
}

export async function startVictoriaMetricsWith(
  openMetrics: string,
): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'meshlens-vm-'));
  const port = await freePort();
  const child = spawn(
    'victoria-metrics',
    [
      `-storageDataPath=${join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      // Answers must reflect the data just imported, not a cached older state.
      '-search.disableCache',
      // Samples up to now are queryable (the default hides the last 30 s).
      '-search.latencyOffset=0s',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(child, dir);
  try {
    await waitReady(`${url}/health`, child, 'VictoriaMetrics');
    const res = await fetch(`${url}/api/v1/import/prometheus`, {
      method: 'POST',
      body: toImportFormat(openMetrics),
    });
    if (!res.ok) {
      throw new Error(
        `VictoriaMetrics import failed: ${res.status} ${await res.text()}`,
      );
    }
    await fetch(`${url}/internal/force_flush`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { name: 'VictoriaMetrics', url, process: child, stop };
}
