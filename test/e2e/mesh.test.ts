/**
 * Browser tests of the Meshlens frontend against the running demo: the mesh
 * tab of a Linkerd, an Istio and a Cilium entity, and the fleet page.
 *
 * Starts the demo with the README's start command (as `make test` does, after
 * it has installed everything), or uses an app already running at
 * MESHLENS_APP_URL. Screenshots go to test-results/ (git-ignored). The
 * onboarding test needs a guest of payments-team (start that app with
 * APP_CONFIG_auth_providers_guest_userEntityRef=user:default/grace); it takes
 * reports out of the mesh again afterwards.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { REPO_ROOT, RunningMeshlens, startMeshlens } from '../support/meshlens';
import { assertNearPlan, planned } from '../support/trafficPlan';
import { KUBE_RESOURCES, KubernetesClient } from '../../plugins/mesh-node/src';
import { TRAFFIC_PLAN } from '../../packages/demo-cluster/src/traffic/plan';

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
/** Checks, ADR, preview, apply and the rollout of the onboarding task. */
const TASK_TIMEOUT_MS = 180_000;
/** The demo's homelab API server, as app-config.yaml reaches it. */
const HOMELAB_API = new KubernetesClient({
  baseUrl: 'http://127.0.0.1:16443',
  headers: async () => ({ Authorization: 'Bearer demo-homelab-token' }),
});

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

/** The one "12.3 req/s" of a table row. */
function requestRate(text: string, what: string): number {
  const rates = [...text.matchAll(/(\d+(?:\.\d+)?) req\/s/g)];
  assert.equal(rates.length, 1, `${what}: one rate in "${text}"`);
  return Number(rates[0][1]);
}

/** The demo's cache TTL, as `make start` runs it. */
const CACHE_TTL_SECONDS: number = parse(
  readFileSync(join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
).mesh.cacheTtlSeconds;

/**
 * Each demo case as examples/entities.yaml describes it, with the exact
 * label and mTLS mode the tab must show. Rates come from the traffic plan;
 * `proxied` is the share of the workload's pods with a proxy (only those
 * count what they receive).
 */
const DEMO_TABS: Array<{
  entity: string;
  cluster: string;
  namespace: string;
  mesh: string;
  mtls: string;
  proxied?: number;
}> = [
  {
    entity: 'storefront',
    cluster: 'homelab',
    namespace: 'storefront',
    mesh: 'Linkerd · sidecar',
    mtls: 'automatic',
  },
  {
    entity: 'payments',
    cluster: 'homelab',
    namespace: 'payments',
    mesh: 'Linkerd · sidecar',
    mtls: 'automatic',
    proxied: 2 / 3,
  },
  {
    entity: 'shipping',
    cluster: 'homelab',
    namespace: 'shipping',
    mesh: 'Linkerd · sidecar',
    mtls: 'automatic',
  },
  {
    entity: 'shipping',
    cluster: 'cloud',
    namespace: 'shipping',
    mesh: 'Istio · sidecar',
    mtls: 'permissive',
  },
  {
    entity: 'orders',
    cluster: 'cloud',
    namespace: 'orders',
    mesh: 'Istio · sidecar',
    mtls: 'strict',
  },
  {
    entity: 'inventory',
    cluster: 'cloud',
    namespace: 'inventory',
    mesh: 'Istio · sidecar',
    mtls: 'permissive',
  },
  {
    entity: 'recommendations',
    cluster: 'cloud',
    namespace: 'recommendations',
    mesh: 'Istio · ambient',
    mtls: 'permissive',
  },
  {
    entity: 'sensor-gateway',
    cluster: 'homelab',
    namespace: 'sensors',
    mesh: 'Cilium · eBPF',
    mtls: 'strict',
  },
];

/**
 * Five of the field notes' mistakes, each seeded on a demo entity
 * (packages/demo-cluster/seed), with the check that names it.
 */
const DEMO_MISTAKES: Array<{
  entity: string;
  list: string;
  id: string;
  title: string;
}> = [
  {
    entity: 'legacy-reports',
    list: 'Why this entity is not meshed',
    id: 'MESH-LNK-001',
    title: 'Injection is switched by the annotation, not a label',
  },
  {
    entity: 'payments',
    list: 'Checks in homelab/payments',
    id: 'MESH-LNK-004',
    title: 'Every Server is authorized',
  },
  {
    entity: 'orders',
    list: 'Checks in cloud/orders',
    id: 'MESH-IST-001',
    title: 'One injection label per namespace',
  },
  {
    entity: 'inventory',
    list: 'Checks in cloud/inventory',
    id: 'MESH-IST-004',
    title: 'ISTIO_MUTUAL only towards hosts with a sidecar',
  },
  {
    entity: 'recommendations',
    list: 'Checks in cloud/recommendations',
    id: 'MESH-AMB-003',
    title: 'L7 policies attach to the waypoint with targetRefs',
  },
];

describe('the Meshlens frontend in the demo app', () => {
  let appUrl = process.env.MESHLENS_APP_URL ?? '';
  let meshlens: RunningMeshlens | undefined;
  let browser: Browser | undefined;
  let page: Page;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    if (!appUrl) {
      // Signed in as grace, of payments-team: legacy-reports is theirs, so
      // the demo's policy lets her onboard it (reads are everyone's).
      meshlens = await startMeshlens(undefined, {
        APP_CONFIG_auth_providers_guest_userEntityRef: 'user:default/grace',
      });
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
    // A demo this test did not start keeps its state: leave reports as it was.
    if (reportsOnboarded && !meshlens) await takeReportsOutOfTheMesh();
    await meshlens?.stop();
  });

  let reportsOnboarded = false;

  /** Removes reports' enrolment marker and restarts it until no pod has a proxy. */
  async function takeReportsOutOfTheMesh() {
    await HOMELAB_API.mergePatch(
      KUBE_RESOURCES.namespace,
      'reports',
      undefined,
      {
        metadata: { annotations: { 'linkerd.io/inject': null } },
      },
    );
    const restartedAt = new Date().toISOString();
    for (const d of await HOMELAB_API.list(KUBE_RESOURCES.deployment, {
      namespace: 'reports',
    })) {
      await HOMELAB_API.mergePatch(
        KUBE_RESOURCES.deployment,
        d.metadata.name,
        'reports',
        {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': restartedAt,
                },
              },
            },
          },
        },
      );
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pods = await HOMELAB_API.list(KUBE_RESOURCES.pod, {
        namespace: 'reports',
      });
      const proxied = pods.filter(
        p =>
          !p.metadata.deletionTimestamp &&
          p.metadata.labels?.['linkerd.io/control-plane-ns'],
      );
      if (proxied.length === 0) return;
      assert.ok(
        Date.now() < deadline,
        `reports still has meshed pods: ${proxied.map(p => p.metadata.name)}`,
      );
      await new Promise(r => setTimeout(r, 250));
    }
  }

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

  async function assertTab(t: (typeof DEMO_TABS)[number]) {
    const where = `${t.cluster}/${t.namespace}`;
    const section = await openTab(t.entity, where);
    // The cluster header names the mesh and data plane exactly.
    await assert.doesNotReject(
      section
        .getByText(t.mesh, { exact: true })
        .first()
        .waitFor({ timeout: 10_000 }),
      `expected exactly "${t.mesh}" on the tab of ${t.entity} in ${where}`,
    );
    const workloads = section.getByRole('table', {
      name: `Workloads in ${where}`,
    });
    const row = workloads
      .getByRole('row', { name: new RegExp(`/${t.entity}\\b`) })
      .first();
    await row.waitFor({ timeout: 10_000 });
    assert.equal(
      await row.getByRole('img', { name: /^mTLS / }).getAttribute('aria-label'),
      `mTLS ${t.mtls}`,
      `mTLS mode of ${t.entity} in ${where}`,
    );

    const plan = planned(t.cluster, t.namespace, t.entity);
    const rowText = (await row.textContent()) ?? '';
    const edges = section.getByRole('table', { name: /^Edges of / });
    const checkRates = async () => {
      // Workload rates are inbound, as Linkerd viz and Kiali count them.
      assertNearPlan(
        requestRate(rowText, `${t.entity} workload`),
        plan.requestsPerSecond * (t.proxied ?? 1),
        `${t.entity} in ${where}: requests/s`,
      );
      for (const [direction, list, peerOf] of [
        [
          'from (caller)',
          plan.callers,
          (e: (typeof plan.calls)[number]) => e.source!,
        ],
        [
          'to (callee)',
          plan.calls,
          (e: (typeof plan.calls)[number]) => e.destination,
        ],
      ] as const) {
        for (const e of list) {
          const peer = peerOf(e);
          const edgeRow = edges
            .getByRole('row')
            .filter({ hasText: direction })
            .filter({ hasText: `${peer.namespace}/${peer.deployment}` });
          assert.equal(
            await edgeRow.count(),
            1,
            `${t.entity}: one edge ${direction} ${peer.deployment}`,
          );
          assertNearPlan(
            requestRate((await edgeRow.textContent()) ?? '', e.id),
            e.requestsPerSecond,
            `${t.entity}: edge ${e.id}`,
          );
        }
      }
    };
    await checkRates();
    if (plan.requestsPerSecond > 0) {
      assert.match(rowText, /\d+(\.\d+)?%/, `a success rate for ${t.entity}`);
    }
    await page.screenshot({
      path: join(RESULTS, `mesh-tab-${t.entity}-${t.cluster}.png`),
      fullPage: true,
    });
  }

  for (const t of DEMO_TABS) {
    it(`shows ${t.entity} in ${t.cluster} as ${t.mesh}, mTLS ${t.mtls}, at the planned rates`, async () => {
      await assertTab(t);
    });
  }

  // The mesh tax per data plane: a sidecar's own container, ztunnel and
  // the waypoint shared by traffic, the Cilium agent shared by the node.
  for (const c of [
    { entity: 'storefront', where: 'homelab/storefront', shared: null },
    { entity: 'orders', where: 'cloud/orders', shared: null },
    {
      entity: 'recommendations',
      where: 'cloud/recommendations',
      shared: 'ztunnel',
    },
    {
      entity: 'sensor-gateway',
      where: 'homelab/sensors',
      shared: 'cilium-agent',
    },
  ]) {
    it(`shows what the proxies of ${c.entity} cost against its application`, async () => {
      await openTab(c.entity, c.where);
      const table = page.getByRole('table', { name: 'Cost per workload' });
      await table.waitFor({ timeout: DATA_TIMEOUT_MS });
      const row = table.getByRole('row').filter({ hasText: c.where }).first();
      await row.waitFor({ timeout: 10_000 });
      const cells = (await row.getByRole('cell').allTextContents()).map(t =>
        t.trim(),
      );
      // Workload, pods, proxy CPU, proxy memory, application CPU and memory.
      const [, pods, proxyCpu, proxyMemory, appCpu, appMemory, share] = cells;
      assert.ok(Number(pods) > 0, `${c.entity}: pods in ${cells.join(' | ')}`);
      for (const [what, value, unit] of [
        ['proxy CPU', proxyCpu, /^\d+(\.\d+)?m$/],
        ['proxy memory', proxyMemory, /^\d+(\.\d+)? MiB$/],
        ['application CPU', appCpu, /^\d+(\.\d+)?m$/],
        ['application memory', appMemory, /^\d+(\.\d+)? MiB$/],
      ] as const) {
        assert.match(value, unit, `${c.entity}: ${what} measured`);
        assert.ok(parseFloat(value) > 0, `${c.entity}: ${what} above 0`);
      }
      assert.match(share, /^CPU \d+(\.\d+)?% · memory \d+(\.\d+)?%$/);
      if (c.shared) {
        assert.match(cells[0], new RegExp(`incl\\. .*${c.shared}`));
      }
      // The what-if: estimates, labelled so, apart from the measurements.
      const whatIf = page.getByRole('region', {
        name: 'What a switch would cost',
      });
      await whatIf.waitFor({ timeout: 10_000 });
      assert.match(
        (await whatIf.textContent()) ?? '',
        /estimated, not measured.*req\/s through the proxies, \d+ pods?, a node share of \d+\.\d\d, measured over/s,
      );
      const estimates = whatIf.getByRole('table', {
        name: 'Estimated proxy resources per alternative',
      });
      const rowOf = async (title: RegExp) =>
        (
          await estimates
            .getByRole('row')
            .filter({ hasText: title })
            .first()
            .getByRole('cell')
            .allTextContents()
        ).map(t => t.trim());
      const [, istioCpu, istioMemory, , istioSources] = await rowOf(
        /^Istio \(sidecar\)/,
      );
      assert.match(
        istioCpu,
        /^\d+(\.\d+)?m – \d+(\.\d+)?m$/,
        `${c.entity}: Istio CPU range`,
      );
      assert.match(
        istioMemory,
        /^\d+ MiB – \d+ MiB$/,
        `${c.entity}: Istio memory range`,
      );
      assert.match(istioSources, /Istio .*performance/i);
      const [, noneCpu, noneMemory] = await rowOf(/^No mesh/);
      assert.deepEqual([noneCpu, noneMemory], ['0.0m', '0.0 MiB']);
    });
  }

  it('shows legacy-reports, which no mesh runs, what meshing would cost, as estimates', async () => {
    await visit('/catalog/default/component/legacy-reports/mesh');
    const whatIf = page.getByRole('region', {
      name: 'What meshing would cost',
    });
    await whatIf.waitFor({ timeout: DATA_TIMEOUT_MS });
    assert.match(
      (await whatIf.textContent()) ?? '',
      /estimated, not measured.*\d+ pods?, a node share of \d+\.\d\d, measured over/s,
    );
    const linkerd = await whatIf
      .getByRole('row')
      .filter({ hasText: /^Linkerd \(sidecar\)/ })
      .first()
      .getByRole('cell')
      .allTextContents();
    assert.match(linkerd[2].trim(), /^\d+(\.\d+)? MiB – \d+(\.\d+)? MiB$/);
  });

  it('lists each entity’s measured proxy share on the fleet page, sortable', async () => {
    await visit('/mesh');
    const table = page.getByRole('table', {
      name: 'Mesh posture of every entity',
    });
    await table.waitFor({ timeout: DATA_TIMEOUT_MS });
    const sort = table.getByRole('button', { name: 'Proxy share' });
    await sort.click();
    await sort.click();
    const header = table.getByRole('columnheader', { name: /Proxy share/ });
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const column = await table.locator('tbody tr').evaluateAll(rows =>
      rows.map(r => {
        const headers = [...r.closest('table')!.querySelectorAll('thead th')];
        const at = headers.findIndex(h =>
          /Proxy share/.test(h.textContent ?? ''),
        );
        return (r.children[at]?.textContent ?? '').trim();
      }),
    );
    const cpu = column.map(t => /^CPU (\d+(\.\d+)?)%/.exec(t)?.[1]);
    const measured = cpu
      .filter((v): v is string => v !== undefined)
      .map(Number);
    assert.ok(measured.length >= 4, `measured shares: ${column.join(' | ')}`);
    assert.deepEqual(
      measured,
      [...measured].sort((a, b) => b - a),
      'descending',
    );
    // The unmeasured (not meshed, no proxy) come after every measured one.
    const firstUnmeasured = cpu.findIndex(v => v === undefined);
    assert.ok(
      firstUnmeasured === -1 ||
        cpu.slice(firstUnmeasured).every(v => v === undefined),
      `unmeasured last: ${column.join(' | ')}`,
    );
  });

  for (const m of DEMO_MISTAKES) {
    it(`shows the demo mistake ${m.id} (${m.title}) on ${m.entity}`, async () => {
      await visit(`/catalog/default/component/${m.entity}/mesh`);
      const list = page.getByRole('list', { name: m.list });
      await list.waitFor({ timeout: DATA_TIMEOUT_MS });
      const item = list.getByRole('listitem').filter({ hasText: m.id });
      assert.equal(await item.count(), 1, `one ${m.id} on ${m.entity}`);
      assert.equal(
        await item.getByText(m.id, { exact: true }).getAttribute('title'),
        m.title,
      );
      // A mistake, not a pass.
      assert.notEqual(
        await item.getByRole('img').first().getAttribute('aria-label'),
        'Passed',
        `${m.id} on ${m.entity} is not a pass`,
      );
    });
  }

  it('grades the storefront without a failure while drawing its ingress caller', async () => {
    const where = 'homelab/storefront';
    const section = await openTab('storefront', where);
    const checks = section.getByRole('list', { name: `Checks in ${where}` });
    await checks.waitFor({ timeout: 10_000 });
    assert.equal(
      await checks.getByRole('img', { name: 'Failed' }).count(),
      0,
      `no failed check on the storefront: ${await checks.textContent()}`,
    );
    assert.notEqual(
      await section
        .getByRole('img', { name: /^Overall: / })
        .first()
        .getAttribute('aria-label'),
      'Overall: Failing',
    );
    const plaintext = checks
      .getByRole('listitem')
      .filter({ hasText: 'MESH-COM-012' });
    // Expected from the ingress; a warning remains for the plaintext the
    // storefront sends to the payments pod without a proxy.
    assert.notEqual(
      await plaintext.getByRole('img').first().getAttribute('aria-label'),
      'Failed',
    );
    assert.match(
      (await plaintext.textContent()) ?? '',
      /ingress: traefik .*outside the mesh; expected for north-south traffic/,
    );
    const graph = section.getByRole('img', { name: /^One-hop traffic graph/ });
    const label = (await graph.getAttribute('aria-label')) ?? '';
    assert.match(
      label,
      /Callers: ingress: traefik storefront\/storefront \d+(\.\d+)? req\/s plaintext/,
    );
    assert.equal(
      await graph.getByText('ingress: traefik', { exact: true }).count(),
      1,
    );
    assertNearPlan(
      requestRate(label.split('Callees:')[0], 'the ingress caller'),
      TRAFFIC_PLAN.find(e => e.id === 'homelab/ingress->storefront')!
        .requestsPerSecond,
      'the ingress caller of the storefront',
    );
  });

  it('opens "Mesh my service" from a not-meshed entity with the Component prefilled', async () => {
    await visit('/catalog/default/component/legacy-reports/mesh');
    const button = page.getByRole('button', { name: 'Mesh my service' });
    await button.waitFor({ timeout: DATA_TIMEOUT_MS });
    await button.click();
    await page.waitForURL(/\/create\/templates\/default\/mesh-my-service/);
    const component = page.getByLabel(/^Component/).first();
    await component.waitFor({ timeout: 30_000 });
    // The EntityPicker resolves the prefilled ref and shows the entity.
    await assert.doesNotReject(
      page.waitForFunction(
        () =>
          [...document.querySelectorAll('input')].some(i =>
            /legacy-reports/.test(i.value),
          ),
        undefined,
        { timeout: 30_000 },
      ),
      'the Component field shows legacy-reports',
    );
    assert.match(await component.inputValue(), /legacy-reports/);
    await page.screenshot({
      path: join(RESULTS, 'mesh-my-service-prefilled.png'),
      fullPage: true,
    });
  });

  it('meshes legacy-reports through the template: entity prefilled, namespace picked, previewed by the API server, enrolled after the rollout', async () => {
    await visit('/catalog/default/component/legacy-reports/mesh');
    const start = page.getByRole('button', { name: 'Mesh my service' });
    await start.waitFor({ timeout: DATA_TIMEOUT_MS });
    await start.click();
    await page.waitForURL(/\/create\/templates\/default\/mesh-my-service/);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('input')].some(i =>
          /legacy-reports/.test(i.value),
        ),
      undefined,
      { timeout: 30_000 },
    );

    // The picker offers where the entity runs, from the mesh backend.
    const picker = page.getByRole('button', { name: /Cluster and namespace/ });
    await picker.waitFor({ timeout: 30_000 });
    // Enabled once the backend answered where legacy-reports runs.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[aria-haspopup="listbox"]')].some(
          b =>
            /Cluster and namespace/.test(
              document.getElementById(
                (b.getAttribute('aria-labelledby') ?? '').split(' ')[0],
              )?.textContent ?? '',
            ) && b.getAttribute('aria-disabled') !== 'true',
        ),
      undefined,
      { timeout: DATA_TIMEOUT_MS },
    );
    await picker.click();
    const options = page.getByRole('option');
    assert.deepEqual(
      (await options.allTextContents()).map(o => o.trim()),
      ['reports in homelab'],
    );
    await options.first().click();
    assert.match((await picker.textContent()) ?? '', /reports in homelab/);

    // Mesh (Linkerd, permissive, no policy), then delivery (apply): the defaults.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Inbound policy').first().waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page
      .getByText('Per-pod memory budget', { exact: false })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Review' }).click();
    const create = page.getByRole('button', { name: 'Create' });
    await create.waitFor({ timeout: 10_000 });
    await page.screenshot({
      path: join(RESULTS, 'mesh-my-service-review.png'),
      fullPage: true,
    });
    await create.click();
    reportsOnboarded = true;
    await page.waitForURL(/\/create\/tasks\//);

    // The first text output is the preview: the API server's dry-run answer per object.
    const preview = page.getByRole('heading', {
      name: "Preview (the API server's answers, dry run)",
    });
    const failed = page.getByText(/^(Failed|Error)/).first();
    await preview.or(failed).first().waitFor({ timeout: TASK_TIMEOUT_MS });
    await page.screenshot({
      path: join(RESULTS, 'mesh-my-service-task.png'),
      fullPage: true,
    });
    assert.ok(await preview.isVisible(), 'the task failed; see the screenshot');
    const answers = page.getByRole('listitem').filter({
      hasText: 'the API server accepts it (dry run)',
    });
    assert.deepEqual(
      (await answers.allTextContents())
        .map(a => a.trim())
        .filter(a => a.startsWith('Namespace ')),
      [
        'Namespace reports: annotation linkerd.io/inject=enabled: ok, the API server accepts it (dry run)',
      ],
    );
    assert.ok(
      (await answers.allTextContents()).some(a =>
        /^Restart Deployment reports\/legacy-reports/.test(a.trim()),
      ),
    );
    assert.match(
      (await page
        .getByText(/^Plan sha256:/)
        .first()
        .textContent()) ?? '',
      /^Plan sha256:[0-9a-f]{64}$/,
    );

    // The tab shows the namespace enrolled once the backend's cache (TTL) has it.
    await page.getByRole('link', { name: 'Mesh tab of the component' }).click();
    await page.waitForURL(
      /\/catalog\/default\/component\/legacy-reports\/mesh/,
    );
    const deadline = Date.now() + (CACHE_TTL_SECONDS + 30) * 1000;
    for (;;) {
      const section = page.getByRole('region', {
        name: 'Mesh status in homelab/reports',
      });
      const meshed = section.getByText('Linkerd · sidecar', { exact: true });
      try {
        await meshed.first().waitFor({ timeout: 5_000 });
        const row = section
          .getByRole('table', { name: 'Workloads in homelab/reports' })
          .getByRole('row', { name: /\/legacy-reports\b/ })
          .first();
        await row.waitFor({ timeout: 10_000 });
        assert.equal(
          await row
            .getByRole('img', { name: /^mTLS / })
            .getAttribute('aria-label'),
          'mTLS automatic',
        );
        break;
      } catch (e) {
        if (Date.now() > deadline) {
          await page.screenshot({
            path: join(RESULTS, 'mesh-tab-legacy-reports-enrolled-failed.png'),
            fullPage: true,
          });
          throw e;
        }
        await page.reload();
      }
    }
    await page.screenshot({
      path: join(RESULTS, 'mesh-tab-legacy-reports-enrolled.png'),
      fullPage: true,
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

    // Reloaded within the cache TTL, the page is served from the cache and
    // must show the same fleet, not an error.
    const loaded = Date.now();
    await page.reload();
    await table.waitFor({ timeout: DATA_TIMEOUT_MS });
    assert.ok(
      Date.now() - loaded < CACHE_TTL_SECONDS * 1000,
      'the reload came within the TTL',
    );
    assert.equal(
      await page.getByText(/^Could not load/).count(),
      0,
      'no error panel after the reload',
    );
    assert.deepEqual(
      (await table.getByRole('rowheader').getByRole('link').allTextContents())
        .map(n => n.trim())
        .sort(),
      DEMO_COMPONENTS,
    );
    const storefront = table.getByRole('row').filter({
      has: page.getByRole('link', { name: 'storefront', exact: true }),
    });
    assertNearPlan(
      requestRate((await storefront.textContent()) ?? '', 'storefront row'),
      planned('homelab', 'storefront', 'storefront').requestsPerSecond,
      'storefront on the fleet page after the reload',
    );
  });
});
