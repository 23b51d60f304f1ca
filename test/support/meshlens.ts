import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const BACKEND_URL = 'http://127.0.0.1:7007';
export const APP_URL = 'http://localhost:3000';

export interface RunningMeshlens {
  appUrl: string;
  backendUrl: string;
  /** Marks every process the start command started (in their environment). */
  runId: string;
  process: ChildProcess;
  output(): string;
  /** Sends Ctrl-C to the start command and waits for it to exit. */
  stop(): Promise<number | null>;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the start command exited (${
          child.exitCode
        }) before ${what}:\n${output()}`,
      );
    }
    if (await check().catch(() => false)) return;
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${output()}`);
}

/**
 * Runs the README's start command exactly as a person would, and waits until
 * the backend and the frontend answer.
 */
export async function startMeshlens(
  timeoutMs = 8 * 60_000,
  env: Record<string, string> = {},
): Promise<RunningMeshlens> {
  const runId = randomUUID();
  let log = '';
  const child = spawn('make', ['start'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, MESHLENS_RUN_ID: runId, BROWSER: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() can signal it as a terminal would.
    detached: true,
  });
  child.stdout!.on('data', d => (log += d));
  child.stderr!.on('data', d => (log += d));
  const output = () => log.slice(-20_000);
  const running: RunningMeshlens = {
    appUrl: APP_URL,
    backendUrl: BACKEND_URL,
    runId,
    process: child,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return child.exitCode;
      }
      const exited = new Promise<number | null>(r =>
        child.once('exit', code => r(code)),
      );
      // Ctrl-C in a terminal signals the whole foreground process group.
      process.kill(-child.pid!, 'SIGINT');
      const timer = setTimeout(
        () => process.kill(-child.pid!, 'SIGKILL'),
        60_000,
      );
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  try {
    await waitFor(
      'the backend',
      async () =>
        (
          await fetch(`${BACKEND_URL}/.backstage/health/v1/readiness`)
        ).ok,
      timeoutMs,
      child,
      output,
    );
    await waitFor(
      'the frontend',
      async () => (await fetch(APP_URL)).ok,
      timeoutMs,
      child,
      output,
    );
    await waitFor(
      'the start command to say it is running',
      async () => log.includes('Meshlens is running'),
      timeoutMs,
      child,
      output,
    );
  } catch (e) {
    await running.stop();
    throw e;
  }
  return running;
}

/** A Backstage token for the guest user, as the demo app's sign-in gets one. */
export async function guestToken(backendUrl = BACKEND_URL): Promise<string> {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) {
    throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  }
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

/** Pids of live processes whose environment carries the run's marker. */
export function processesOfRun(runId: string): number[] {
  const marker = `MESHLENS_RUN_ID=${runId}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!environ.split('\0').includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // Zombies are already dead; their parent just has not reaped them.
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
