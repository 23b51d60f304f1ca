/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ScrapeTarget } from '../traffic/exporterManager';

/** Thrown when the prometheus binary cannot be found. */
export class PrometheusMissingError extends Error {
  constructor(searched: string[]) {
    super(
      `prometheus was not found (looked at ${searched.join(
        ', ',
      )} and on PATH). ` +
        'The demo cluster runs a real Prometheus per cluster: install it with ' +
        '`apt-get install -y prometheus` (Debian/Ubuntu), or pass prometheus: false ' +
        'to startDemoCluster to run without it.',
    );
  }
}

const CANDIDATES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

/** Finds the prometheus binary, or throws PrometheusMissingError. */
export function findPrometheus(explicit?: string): string {
  const searched = explicit ? [explicit] : [...CANDIDATES];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) searched.push(path.join(dir, 'prometheus'));
  }
  for (const candidate of searched) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next one
    }
  }
  throw new PrometheusMissingError(explicit ? [explicit] : CANDIDATES);
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Options for one Prometheus. */
export interface PrometheusOptions {
  cluster: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Scrape interval in seconds (default 2). */
  scrapeIntervalSeconds?: number;
  binary?: string;
  /** Parent directory of the throw-away config and TSDB directory (default: the OS temp dir). */
  workDir?: string;
  /** How long to wait for /-/ready, in ms (default 30 s). */
  readyTimeoutMs?: number;
  /**
   * Writes the history to load before the first scrape, as OpenMetrics,
   * and returns the number of samples; promtool turns it into blocks.
   */
  history?: (openMetricsFile: string) => number;
}

/** What was loaded before the first scrape, or why nothing was. */
export type PrometheusHistory =
  | { samples: number; seconds: number }
  | { skipped: string };

/** A running Prometheus. */
export interface RunningPrometheus {
  url: string;
  port: number;
  dir: string;
  pid: number;
  history?: PrometheusHistory;
  /** Rewrites the file_sd target files (Prometheus picks them up by itself). */
  setTargets(targets: ScrapeTarget[]): void;
  stop(): Promise<void>;
}

/** The jobs every demo Prometheus scrapes through file_sd. */
export const PROMETHEUS_JOBS = [
  'linkerd-proxy',
  'hubble-metrics',
  'kubernetes-pods',
  'kubelet',
];

/** Builds the Prometheus configuration of a demo cluster. */
export function prometheusConfig(
  cluster: string,
  targetsDir: string,
  scrapeIntervalSeconds: number,
): string {
  const interval = `${scrapeIntervalSeconds}s`;
  return stringify({
    global: {
      scrape_interval: interval,
      scrape_timeout: interval,
      evaluation_interval: interval,
      external_labels: { cluster },
    },
    scrape_configs: PROMETHEUS_JOBS.map(job => ({
      job_name: job,
      honor_labels: false,
      file_sd_configs: [
        {
          files: [path.join(targetsDir, `${job}.json`)],
          refresh_interval: '5s',
        },
      ],
    })),
  });
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function writeTargets(targetsDir: string, targets: ScrapeTarget[]): void {
  for (const job of PROMETHEUS_JOBS) {
    const groups = targets
      .filter(t => t.job === job)
      .map(t => ({
        targets: [t.address],
        labels: { ...t.labels, __metrics_path__: t.metricsPath },
      }));
    writeAtomic(
      path.join(targetsDir, `${job}.json`),
      `${JSON.stringify(groups, null, 2)}\n`,
    );
  }
}

async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `prometheus exited early (${
          child.exitCode ?? child.signalCode
        }):\n${log()}`,
      );
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(
    `prometheus did not become ready within ${timeoutMs} ms:\n${log()}`,
  );
}

/**
 * Starts a real Prometheus for one demo cluster, with a generated config and
 * a throw-away TSDB. It is started under `setpriv --pdeathsig KILL` when
 * available, so it dies with this process even on SIGKILL, and it is also
 * killed on this process' `exit`.
 */
function findPromtool(prometheus: string): string | undefined {
  const candidates = [path.join(path.dirname(prometheus), 'promtool')];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, 'promtool'));
  }
  return candidates.find(c => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Turns the history into TSDB blocks in the data directory before
 * Prometheus starts, so rates over a 5m window and the 1h chart are right
 * from the first request. Without promtool, the demo starts without it.
 */
async function loadHistory(
  prometheus: string,
  dir: string,
  dataDir: string,
  write: (file: string) => number,
): Promise<PrometheusHistory> {
  const promtool = findPromtool(prometheus);
  if (!promtool) {
    return { skipped: 'promtool was not found next to prometheus or on PATH' };
  }
  const file = path.join(dir, 'history.om');
  const started = Date.now();
  try {
    const samples = write(file);
    await new Promise<void>((resolve, reject) => {
      execFile(
        promtool,
        ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir],
        { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
      );
    });
    return { samples, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    return {
      skipped: `promtool could not load the history: ${(e as Error).message}`,
    };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export async function startPrometheus(
  options: PrometheusOptions,
  initialTargets: ScrapeTarget[],
): Promise<RunningPrometheus> {
  const binary = findPrometheus(options.binary);
  const host = options.host ?? '127.0.0.1';
  const port = options.port === 0 ? await freePort(host) : options.port;
  const base = options.workDir ?? os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(
    path.join(base, `meshlens-prometheus-${options.cluster}-`),
  );
  const targetsDir = path.join(dir, 'targets');
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(targetsDir);
  fs.mkdirSync(dataDir);
  writeTargets(targetsDir, initialTargets);
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    prometheusConfig(
      options.cluster,
      targetsDir,
      options.scrapeIntervalSeconds ?? 2,
    ),
  );
  const history = options.history
    ? await loadHistory(binary, dir, dataDir, options.history)
    : undefined;
  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--storage.tsdb.retention.time=1d`,
    `--web.listen-address=${host}:${port}`,
    '--web.enable-lifecycle',
    '--log.level=warn',
  ];
  let command = binary;
  let commandArgs = args;
  const setpriv = '/usr/bin/setpriv';
  if (fs.existsSync(setpriv)) {
    command = setpriv;
    commandArgs = ['--pdeathsig', 'KILL', '--', binary, ...args];
  }
  const child = spawn(command, commandArgs, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  const collect = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null)
      child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const cleanup = () => {
    process.off('exit', killOnExit);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://${host}:${port}`;
  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 30000, () => output);
  } catch (e) {
    killOnExit();
    cleanup();
    throw e;
  }
  return {
    url,
    port,
    dir,
    pid: child.pid!,
    history,
    setTargets: targets => writeTargets(targetsDir, targets),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>(r => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      cleanup();
    },
  };
}
