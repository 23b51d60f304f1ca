/**
 * An adopter installs Meshlens from the README alone: every published package
 * is built and packed, a fresh Backstage app (new frontend system) and
 * backend outside this workspace get the README's Install section pasted in
 * as written, install from the npm cache, and start against the demo
 * cluster. The entity tab, the fleet page, the actions, the template and
 * search must then answer, through HTTP and in headless Chromium.
 */
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { stringify } from 'yaml';
import { DemoCluster, startDemoCluster } from '../packages/demo-cluster/src';
import {
  createFreshBackstage,
  installFreshBackstage,
  packPublishedPackages,
  readInstallSnippets,
} from './support/adopter';
import { REPO_ROOT, guestToken } from './support/meshlens';

const BACKEND_PORT = 7107;
const APP_PORT = 3107;
const BACKEND_URL = `http://127.0.0.1:${BACKEND_PORT}`;
const APP_URL = `http://localhost:${APP_PORT}`;
const CHROMIUM = process.env.MESHLENS_CHROMIUM ?? '/usr/bin/chromium';

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  alive: () => string | undefined = () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = alive();
    if (dead) throw new Error(`${what}: ${dead}`);
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what} not ready after ${timeoutMs} ms`);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

describe('an adopter installs Meshlens from the README', () => {
  const root = mkdtempSync(join(tmpdir(), 'meshlens-adopter-'));
  const fresh = join(root, 'backstage');
  let demo: DemoCluster | undefined;
  let started: ChildProcess | undefined;
  let output = '';
  let token = '';

  before(async () => {
    // Everything runs with this repository's Node, nothing of its node_modules.
    const env = { ...process.env, CI: 'true', BROWSER: 'none' };
    const snippets = readInstallSnippets();
    demo = await startDemoCluster({
      ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
      prometheus: { scrapeIntervalSeconds: 2 },
    });
    const clusters = ['homelab', 'cloud'] as const;
    // What the adopter already had: their app, backend, catalog and clusters.
    const appConfig = {
      app: { title: 'Fresh Backstage', baseUrl: APP_URL },
      backend: {
        baseUrl: BACKEND_URL,
        listen: { port: BACKEND_PORT, host: '127.0.0.1' },
        cors: { origin: APP_URL, credentials: true },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
      auth: {
        providers: { guest: { userEntityRef: 'user:default/guest' } },
      },
      catalog: {
        rules: [{ allow: ['Component', 'System', 'API', 'Location'] }],
        locations: [
          { type: 'file', target: join(REPO_ROOT, 'examples/entities.yaml') },
        ],
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: clusters.map(name => ({
              name,
              url: demo!.apiUrls[name],
              authProvider: 'serviceAccount',
              serviceAccountToken: `demo-${name}-token`,
              skipTLSVerify: true,
              skipMetricsLookup: true,
            })),
          },
        ],
      },
      permission: { enabled: true },
    };
    const tarballs = await packPublishedPackages(join(root, 'tarballs'), env);
    createFreshBackstage(fresh, snippets, appConfig);
    await installFreshBackstage(fresh, snippets, tarballs, env);
    // Their Prometheus URLs in place of the README's example, and a search
    // index rebuilt often enough for a test.
    writeFileSync(
      join(fresh, 'app-config.local.yaml'),
      stringify({
        mesh: {
          clusters: clusters.map(name => ({
            name,
            prometheus: { url: demo!.prometheusUrls![name] },
          })),
        },
        search: {
          collators: {
            mesh: {
              schedule: {
                frequency: { seconds: 20 },
                timeout: { minutes: 2 },
                initialDelay: { seconds: 15 },
              },
            },
          },
        },
      }),
    );
    started = spawn(
      join(fresh, 'node_modules/.bin/backstage-cli'),
      [
        'repo',
        'start',
        ...['app-config.yaml', 'app-config.local.yaml'].flatMap(f => [
          '--config',
          join(fresh, f),
        ]),
      ],
      { cwd: fresh, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    started.stdout!.on('data', d => (output += d));
    started.stderr!.on('data', d => (output += d));
    const alive = () =>
      started!.exitCode !== null
        ? `the fresh app exited (${started!.exitCode}):\n${output.slice(-8000)}`
        : undefined;
    await until(
      'the fresh backend',
      async () =>
        (await fetch(`${BACKEND_URL}/.backstage/health/v1/readiness`)).ok ||
        undefined,
      5 * 60_000,
      alive,
    );
    await until(
      'the fresh app',
      async () => (await fetch(APP_URL)).ok || undefined,
      5 * 60_000,
      alive,
    );
    token = await guestToken(BACKEND_URL);
  });

  after(async () => {
    if (started?.pid && started.exitCode === null) {
      const exited = new Promise(r => started!.once('exit', r));
      process.kill(-started.pid, 'SIGTERM');
      const timer = setTimeout(
        () => process.kill(-started!.pid!, 'SIGKILL'),
        30_000,
      );
      await exited;
      clearTimeout(timer);
    }
    await demo?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${BACKEND_URL}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  };

  it('serves the mesh status of an entity and the fleet overview', async () => {
    const status = await api<any>(
      '/api/mesh/v1/entities/component/default/storefront',
    );
    const cluster = status.clusters.find((c: any) => c.cluster === 'homelab');
    assert.equal(
      cluster?.mesh,
      'linkerd',
      JSON.stringify(status).slice(0, 2000),
    );
    assert.ok(cluster.workloads.length > 0);
    const overview = await api<any>('/api/mesh/v1/overview');
    assert.ok(
      overview.entities.some(
        (e: any) => e.entityRef === 'component:default/storefront',
      ),
    );
  });

  it('registers the actions and shows the template', async () => {
    const actions = await api<Array<{ id: string }>>(
      '/api/scaffolder/v2/actions',
    );
    for (const id of [
      'mesh:check',
      'mesh:namespace:onboard',
      'mesh:adr:create',
    ]) {
      assert.ok(
        actions.some(a => a.id === id),
        `action ${id} is registered`,
      );
    }
    await until(
      'the Mesh my service template in the catalog',
      async () => {
        const res = await fetch(
          `${BACKEND_URL}/api/catalog/entities/by-name/template/default/mesh-my-service`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        return res.ok || undefined;
      },
      60_000,
    );
  });

  it('indexes mesh documents for search', async () => {
    const hits = await until(
      'mesh search documents',
      async () => {
        const body = await api<any>(
          '/api/search/query?term=storefront&types%5B0%5D=mesh',
        );
        return body.results.length > 0 ? body.results : undefined;
      },
      120_000,
    );
    assert.equal(hits[0].type, 'mesh');
  });

  it('shows the entity tab and the fleet page in a browser', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      page.on('dialog', d => d.accept());
      const visit = async (path: string, expect: RegExp) => {
        await page.goto(`${APP_URL}${path}`);
        const enter = page.getByRole('button', { name: 'Enter' });
        const shown = page.getByText(expect).first();
        await enter.or(shown).first().waitFor({ timeout: 60_000 });
        if (await enter.isVisible()) await enter.click();
        await shown.waitFor({ timeout: 60_000 });
      };
      await visit('/catalog/default/component/storefront/mesh', /Linkerd/);
      await visit('/mesh', /storefront/);
    } finally {
      await browser.close();
    }
  });
});
