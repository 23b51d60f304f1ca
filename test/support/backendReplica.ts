import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './meshlens';

export interface BackendReplica {
  url: string;
  process: ChildProcess;
  output(): string;
  /** Kills the replica's whole process group at once, as a crash would. */
  kill(): void;
  stop(): Promise<void>;
}

/**
 * Starts the demo backend (packages/backend) as its own process on `port`,
 * with app-config.yaml and then `config` on top. Several replicas with the
 * same database and cache config form one Backstage deployment.
 */
export async function startBackendReplica(options: {
  port: number;
  config: Record<string, unknown>;
  dir: string;
  timeoutMs?: number;
}): Promise<BackendReplica> {
  const file = join(options.dir, `app-config.replica-${options.port}.yaml`);
  // JSON is YAML.
  writeFileSync(file, JSON.stringify(options.config, null, 2));
  let log = '';
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      join(REPO_ROOT, 'app-config.yaml'),
      '--config',
      file,
    ],
    {
      cwd: join(REPO_ROOT, 'packages/backend'),
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout!.on('data', d => (log += d));
  child.stderr!.on('data', d => (log += d));
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<void>(r => child.once('exit', () => r()));
  const replica: BackendReplica = {
    url,
    process: child,
    output: () => log,
    kill() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGKILL');
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid!, 'SIGTERM');
      const timer = setTimeout(replica.kill, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `backend on ${options.port} exited:\n${log.slice(-5000)}`,
      );
    }
    const ready = await fetch(`${url}/.backstage/health/v1/readiness`).then(
      r => r.ok,
      () => false,
    );
    if (ready) return replica;
    if (Date.now() > deadline) {
      await replica.stop();
      throw new Error(
        `backend on ${options.port} not ready:\n${log.slice(-5000)}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
