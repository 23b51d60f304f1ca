/**
 * Browser tests of the Meshlens frontend against the running demo: the mesh
 * tab of a Linkerd, an Istio and a Cilium entity, and the fleet page.
 *
 * Starts the demo with the README's start command (as `make test` does, after
 * it has installed everything), or uses an app already running at
 * MESHLENS_APP_URL. Screenshots go to test-results/ (git-ignored).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import {
  REPO_ROOT,
  RunningMeshlens,
  startMeshlens,
} from '../support/meshlens';

const RESULTS = join(REPO_ROOT, 'test-results');
const CHROMIUM = process.env.MESHLENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The tab queries the backend, which queries Kubernetes and Prometheus. */
const DATA_TIMEOUT_MS = 60_000;

const DEMO_COMPONENTS = [
  'inventory',
  'legacy-reports',
  'orders',
  'payments',
  'recommendations',
  'sensor-gateway',
  'shipping',
  'storefront',
];

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Numbers of "12.3 req/s" cells, so "non-empty metrics" means a real rate. */
function requestRates(text: string): number[] {
  return [...text.matchAll(/(\d+(?:\.\d+)?) req\/s/g)].map(m => Number(m[1]));
}

describe('the Meshlens frontend in the demo app', () => {
  let appUrl = process.env.MESHLENS_APP_URL ?? '';
  let meshlens: RunningMeshlens | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    if (!appUrl) {
      meshlens = await startMeshlens();
      appUrl = meshlens.appUrl;
    }
    assert.ok(
      await reachable(appUrl),
      `the app does not answer at ${appUrl}; start it (make start) or set MESHLENS_APP_URL`,
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    page = await context.newPage();
    // The guest sign-in asks with confirm() whether to reuse a legacy token.
    page.on('dialog', dialog => dialog.accept());
    await visit('/');
  });

  after(async () => {
    await browser?.close();
    await meshlens?.stop();
  });

  /**
   * Opens a page of the app, signing in as the guest when the app asks (at
   * first, and again if the backend restarted and forgot the session).
   */
  async function visit(path: string) {
    await page.goto(`${appUrl}${path}`);
    const enter = page.getByRole('button', { name: 'Enter' });
    // The app's navigation, with the fleet page's own item, means signed in.
    const nav = page.getByRole('link', { name: 'Service mesh' }).first();
    await enter.or(nav).first().waitFor({ timeout: 30_000 });
    if (await enter.isVisible()) {
      await enter.click();
      await nav.waitFor({ timeout: 30_000 });
    }
  }

  async function openTab(name: string, where: string): Promise<Locator> {
    await visit(`/catalog/default/component/${name}/mesh`);
    const section = page.getByRole('region', {
      name: `Mesh status in ${where}`,
    });
    try {
      await section.waitFor({ timeout: DATA_TIMEOUT_MS });
    } catch (e) {
      // What the page showed instead (an error panel, a skeleton) says why.
      await page.screenshot({
        path: join(RESULTS, `mesh-tab-${name}-failed.png`),
        fullPage: true,
      });
      throw e;
    }
    return section;
  }

  async function assertTab(options: {
    entity: string;
    where: string;
    mesh: RegExp;
    mtls: RegExp;
  }) {
    const section = await openTab(options.entity, options.where);
    await assert.doesNotReject(
      section.getByText(options.mesh).first().waitFor({ timeout: 10_000 }),
      `expected ${options.mesh} on the tab of ${options.entity}`,
    );
    const workloads = section.getByRole('table', {
      name: `Workloads in ${options.where}`,
    });
    const row = workloads.getByRole('row', {
      name: new RegExp(`/${options.entity}\\b`),
    });
    await row.first().waitFor({ timeout: 10_000 });
    const mtlsIcon = row.first().getByRole('img', { name: /^mTLS / });
    const mtlsName = await mtlsIcon.getAttribute('aria-label');
    assert.match(mtlsName ?? '', options.mtls, `mTLS of ${options.entity}`);

    // Workload rates are inbound (as Linkerd viz and Kiali count them); a
    // service nobody calls (the demo's orders) has its traffic on its edges.
    const rowText = (await row.first().textContent()) ?? '';
    const edges = section.getByRole('table', { name: /^Edges of / });
    const edgesText = (await edges.textContent()) ?? '';
    const rates = [...requestRates(rowText), ...requestRates(edgesText)];
    assert.ok(
      rates.some(rate => rate > 0),
      `expected a request rate above 0 for ${options.entity}, workload: ${rowText}, edges: ${edgesText}`,
    );
    assert.match(
      `${rowText} ${edgesText}`,
      /\d+(\.\d+)?%/,
      `expected a success rate for ${options.entity}`,
    );
    // The one-hop graph names at least one peer with its rate.
    const graph = section.getByRole('img', { name: /^One-hop traffic graph/ });
    const graphLabel = (await graph.getAttribute('aria-label')) ?? '';
    assert.match(graphLabel, /req\/s/, `edges of ${options.entity}`);

    await page.screenshot({
      path: join(RESULTS, `mesh-tab-${options.entity}.png`),
      fullPage: true,
    });
  }

  it('shows Linkerd with mTLS and live metrics on the storefront tab', async () => {
    await assertTab({
      entity: 'storefront',
      where: 'homelab/storefront',
      mesh: /^Linkerd · sidecar$/,
      mtls: /^mTLS (automatic|strict)$/,
    });
  });

  it('shows Istio with STRICT mTLS and live metrics on the orders tab', async () => {
    await assertTab({
      entity: 'orders',
      where: 'cloud/orders',
      mesh: /^Istio · sidecar$/,
      mtls: /^mTLS strict$/,
    });
  });

  it('shows Cilium and live metrics on the sensor-gateway tab', async () => {
    await assertTab({
      entity: 'sensor-gateway',
      where: 'homelab/sensors',
      mesh: /^Cilium · eBPF$/,
      mtls: /^mTLS (off|automatic|strict|permissive|unknown)$/,
    });
  });

  it('lists every demo entity on the fleet page, each linking to its tab', async () => {
    await visit('/mesh');
    const table = page.getByRole('table', {
      name: 'Mesh posture of every entity',
    });
    try {
      await table.waitFor({ timeout: DATA_TIMEOUT_MS });
    } catch (e) {
      await page.screenshot({
        path: join(RESULTS, 'mesh-fleet-failed.png'),
        fullPage: true,
      });
      throw e;
    }
    const links = table.getByRole('rowheader').getByRole('link');
    const names = (await links.allTextContents()).map(n => n.trim()).sort();
    assert.deepEqual(names, DEMO_COMPONENTS);
    assert.equal(
      await table
        .getByRole('link', { name: 'orders', exact: true })
        .getAttribute('href'),
      '/catalog/default/component/orders/mesh',
    );
    await page.screenshot({
      path: join(RESULTS, 'mesh-fleet.png'),
      fullPage: true,
    });
  });
});
