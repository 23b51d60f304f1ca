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

// Integration test of packages/demo-cluster: starts the demo (src/main.ts) as a
// subprocess on free ports with a real Prometheus per cluster, waits until a
// full minute of scrapes exists, and checks the configured traffic plan comes
// back from PromQL. Run with `node --test test/demo-cluster.test.ts`.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TRAFFIC_PLAN } from '../packages/demo-cluster/src/traffic/plan.ts';
import type { TrafficEdge } from '../packages/demo-cluster/src/traffic/plan.ts';
import { CONTAINER_USAGE } from '../packages/demo-cluster/src/traffic/containerUsage.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const MAIN = path.join(ROOT, 'packages/demo-cluster/src/main.ts');
const TOLERANCE = 0.05;
const SCRAPE_INTERVAL_S = 2;

interface Urls {
  homelab: string;
  cloud: string;
  promHomelab: string;
  promCloud: string;
}

let child: ChildProcess | undefined;
let urls: Urls;
let childOutput = '';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function parseReady(line: string): Urls | undefined {
  const m =
    /^demo cluster ready: homelab=(\S+) cloud=(\S+) prometheus homelab=(\S+) cloud=(\S+)$/m.exec(
      line,
    );
  return m
    ? { homelab: m[1], cloud: m[2], promHomelab: m[3], promCloud: m[4] }
    : undefined;
}

async function startDemo(): Promise<Urls> {
  const proc = spawn(
    process.execPath,
    [
      '--require',
      '@backstage/cli/config/nodeTransform.cjs',
      MAIN,
      '--homelab-port',
      '0',
      '--cloud-port',
      '0',
      '--prometheus-homelab-port',
      '0',
      '--prometheus-cloud-port',
      '0',
      '--scrape-interval',
      String(SCRAPE_INTERVAL_S),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  return new Promise<Urls>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`demo cluster not ready within 60 s:\n${childOutput}`),
        ),
      60_000,
    );
    const onData = (b: Buffer) => {
      childOutput += b.toString('utf8');
      const ready = parseReady(childOutput);
      if (ready) {
        clearTimeout(timer);
        resolve(ready);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`demo cluster exited with ${code}:\n${childOutput}`));
    });
  });
}

async function stopDemo(): Promise<number | null> {
  const proc = child;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) {
    return proc?.exitCode ?? null;
  }
  const exited = new Promise<number | null>(r =>
    proc.once('exit', code => r(code)),
  );
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

async function promQuery(
  base: string,
  query: string,
  time?: number,
): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const at = time === undefined ? '' : `&time=${time}`;
  const res = await fetch(
    `${base}/api/v1/query?query=${encodeURIComponent(query)}${at}`,
  );
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: {
      result: Array<{
        metric: Record<string, string>;
        value: [number, string];
      }>;
    };
  };
  assert.equal(body.status, 'success', `${query}: ${body.error}`);
  return body.data.result.map(r => ({
    metric: r.metric,
    value: Number(r.value[1]),
  }));
}

async function scalar(base: string, query: string): Promise<number> {
  const result = await promQuery(base, query);
  assert.equal(
    result.length,
    1,
    `expected one series for ${query}, got ${JSON.stringify(result)}`,
  );
  return result[0].value;
}

function assertWithin(actual: number, expected: number, what: string): void {
  const rel = Math.abs(actual - expected) / expected;
  assert.ok(
    rel <= TOLERANCE,
    `${what}: expected ${expected} ±${TOLERANCE * 100}%, got ${actual} (${(
      rel * 100
    ).toFixed(1)}% off)`,
  );
}

/** Waits (bounded) until every target of a Prometheus has a full minute of scrapes. */
async function waitForFullMinute(
  base: string,
  deadline: number,
): Promise<void> {
  const needed = Math.floor(60 / SCRAPE_INTERVAL_S) - 1;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const r = await promQuery(
        base,
        'min(count_over_time(up[1m])) and min(up) == 1',
      );
      const count = await promQuery(base, 'min(count_over_time(up[1m]))');
      last = JSON.stringify(count);
      if (r.length === 1 && count.length === 1 && count[0].value >= needed)
        return;
    } catch (e) {
      last = String(e);
    }
    await sleep(1000);
  }
  throw new Error(
    `${base} did not collect a minute of scrapes in time (last: ${last})`,
  );
}

function selector(labels: Record<string, string | undefined>): string {
  return `{${Object.entries(labels)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

/** The PromQL series selector that reports an edge, the way the mesh's own tools ask. */
function edgeQuery(edge: TrafficEdge): {
  prom: 'homelab' | 'cloud';
  metric: string;
  labels: Record<string, string | undefined>;
  failure: string;
} {
  const s = edge.source;
  const d = edge.destination;
  if (edge.mesh === 'linkerd') {
    if (s) {
      return {
        prom: 'homelab',
        metric: 'response_total',
        labels: {
          namespace: s.namespace,
          deployment: s.deployment,
          dst_namespace: d.namespace,
          dst_deployment: d.deployment,
          direction: 'outbound',
        },
        failure: 'classification="failure"',
      };
    }
    return {
      prom: 'homelab',
      metric: 'response_total',
      labels: {
        namespace: d.namespace,
        deployment: d.deployment,
        direction: 'inbound',
        client_id: undefined,
      },
      failure: 'classification="failure"',
    };
  }
  if (edge.mesh === 'cilium') {
    return {
      prom: 'homelab',
      metric: 'hubble_http_requests_total',
      labels: {
        reporter: 'server',
        source_namespace: s?.namespace,
        source_workload: s?.deployment,
        destination_namespace: d.namespace,
        destination_workload: d.deployment,
      },
      failure: 'status=~"5.."',
    };
  }
  return {
    prom: 'cloud',
    metric: 'istio_requests_total',
    labels: {
      reporter: edge.via ? 'waypoint' : 'destination',
      source_workload_namespace: s?.namespace,
      source_workload: s?.deployment,
      destination_workload_namespace: d.namespace,
      destination_workload: d.deployment,
    },
    failure: 'response_code=~"5.."',
  };
}

/** Every edge of the plan, as PromQL over `window`: request rate and success ratio within 5%. */
async function assertEdgesMatchPlan(
  prom: Record<'homelab' | 'cloud', string>,
  window: string,
): Promise<void> {
  for (const edge of TRAFFIC_PLAN) {
    const q = edgeQuery(edge);
    const base = prom[q.prom];
    const sel = selector(q.labels);
    // An inbound-only edge (callers outside the mesh) is all the destination receives.
    const expectedRate = edge.source
      ? edge.requestsPerSecond
      : TRAFFIC_PLAN.filter(
          e =>
            e.mesh === edge.mesh &&
            e.destination.namespace === edge.destination.namespace &&
            e.destination.deployment === edge.destination.deployment,
        ).reduce((a, e) => a + e.requestsPerSecond, 0);
    const rate = await scalar(base, `sum(rate(${q.metric}${sel}[${window}]))`);
    assertWithin(rate, expectedRate, `${edge.id} request rate over ${window}`);
    const failures = `${q.metric}${sel.replace(/\}$/, `,${q.failure}}`)}`;
    const success = await scalar(
      base,
      `1 - (sum(rate(${failures}[${window}])) or vector(0)) / sum(rate(${q.metric}${sel}[${window}]))`,
    );
    assertWithin(
      success,
      edge.successRatio,
      `${edge.id} success ratio over ${window}`,
    );
  }
}

interface ApiPod {
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string }>;
  };
  spec: {
    containers: Array<{ name: string }>;
    initContainers?: Array<{ name: string; restartPolicy?: string }>;
  };
  status: { phase: string };
}

/** The running pods of a demo cluster and their Deployments, from its Kubernetes API. */
async function runningPods(
  apiUrl: string,
): Promise<Array<ApiPod & { deployment?: string; running: string[] }>> {
  const res = await fetch(`${apiUrl}/api/v1/pods`, {
    headers: { Authorization: 'Bearer demo-token' },
  });
  assert.equal(res.status, 200);
  const { items } = (await res.json()) as { items: ApiPod[] };
  return items
    .filter(p => p.status.phase === 'Running')
    .map(p => {
      const rs = p.metadata.ownerReferences?.find(o => o.kind === 'ReplicaSet');
      const hash = p.metadata.labels?.['pod-template-hash'];
      return {
        ...p,
        deployment: rs && hash ? rs.name.replace(`-${hash}`, '') : undefined,
        running: [
          ...(p.spec.initContainers ?? [])
            .filter(c => c.restartPolicy === 'Always')
            .map(c => c.name),
          ...p.spec.containers.map(c => c.name),
        ],
      };
    });
}

/** Requests/s a pod sends and receives in the plan: each edge split evenly over its pods. */
function planRequestsPerSecond(
  cluster: 'homelab' | 'cloud',
  pod: { metadata: { namespace: string }; deployment?: string },
  pods: Array<{ metadata: { namespace: string }; deployment?: string }>,
): number {
  const count = (ns: string, d: string) =>
    pods.filter(p => p.metadata.namespace === ns && p.deployment === d).length;
  let rps = 0;
  for (const e of TRAFFIC_PLAN.filter(x => x.cluster === cluster)) {
    for (const side of [e.destination, e.source]) {
      if (
        side &&
        side.namespace === pod.metadata.namespace &&
        side.deployment === pod.deployment
      ) {
        rps += e.requestsPerSecond / count(side.namespace, side.deployment);
      }
    }
  }
  return rps;
}

/**
 * An evaluation time for a 5m window read within 1%: on a multiple of the
 * history's 5 s step (the window then starts 1 s before a history sample,
 * see historyTimes) and once live scrapes have closed the gap between the
 * history's end and Prometheus' start (both edges are then extrapolated
 * over less than one sample interval).
 */
async function liveWindowEnd(base: string, container: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const time = Math.floor(Date.now() / 5000) * 5;
    const age = await promQuery(
      base,
      `max(time() - timestamp(container_cpu_usage_seconds_total{container="${container}"}))`,
      time,
    );
    if (age.length === 1 && age[0].value <= SCRAPE_INTERVAL_S + 0.5)
      return time;
    assert.ok(
      Date.now() < deadline,
      `no live cAdvisor scrape in 30 s: ${JSON.stringify(age)}`,
    );
    await sleep(1000);
  }
}

describe('demo cluster', { timeout: 170_000 }, () => {
  before(async () => {
    urls = await startDemo();
  });

  after(async () => {
    await stopDemo();
  });

  test('the Kubernetes API answers pod lists the way the Backstage Kubernetes plugin asks', async () => {
    const headers = { Authorization: 'Bearer demo-homelab-token' };
    const selectorParam = encodeURIComponent(
      'backstage.io/kubernetes-id=storefront',
    );
    for (const url of [
      `${urls.homelab}/api/v1/namespaces/storefront/pods?labelSelector=${selectorParam}`,
      `${urls.homelab}/api/v1/pods?labelSelector=${selectorParam}`,
    ]) {
      const res = await fetch(url, { headers });
      assert.equal(res.status, 200);
      const list = (await res.json()) as {
        kind: string;
        metadata: { resourceVersion: string };
        items: Array<{
          metadata: {
            name: string;
            namespace: string;
            labels: Record<string, string>;
          };
          status: { phase: string };
        }>;
      };
      assert.equal(list.kind, 'PodList');
      assert.match(list.metadata.resourceVersion, /^\d+$/);
      assert.equal(list.items.length, 3);
      for (const pod of list.items) {
        assert.equal(pod.metadata.namespace, 'storefront');
        assert.equal(
          pod.metadata.labels['backstage.io/kubernetes-id'],
          'storefront',
        );
        assert.equal(
          pod.metadata.labels['linkerd.io/control-plane-ns'],
          'linkerd',
        );
        assert.equal(pod.status.phase, 'Running');
      }
    }
    const inventory = await fetch(
      `${
        urls.cloud
      }/api/v1/namespaces/inventory/pods?labelSelector=${encodeURIComponent(
        'app.kubernetes.io/name=inventory',
      )}`,
      { headers: { Authorization: 'Bearer demo-cloud-token' } },
    );
    assert.equal(
      ((await inventory.json()) as { items: unknown[] }).items.length,
      3,
    );
    const anonymous = await fetch(`${urls.homelab}/api/v1/pods`);
    assert.equal(anonymous.status, 401);
    assert.equal(
      ((await anonymous.json()) as { reason: string }).reason,
      'Unauthorized',
    );
  });

  test('Prometheus holds an hour of history from the start: 5m rates match the plan at once', async () => {
    const prom = { homelab: urls.promHomelab, cloud: urls.promCloud };
    await assertEdgesMatchPlan(prom, '5m');
    // The 1h chart has data from the first minute of the hour.
    const samples = await scalar(
      prom.homelab,
      'min(count_over_time(response_total{direction="inbound",namespace="storefront"}[1h]))',
    );
    assert.ok(samples >= 115, `${samples} samples in the last hour`);
    // The 1h chart's points (1m rates on whole minutes) hold the plan's rate
    // everywhere, also where the history's sample steps change.
    const end = Math.floor(Date.now() / 60_000) * 60;
    const res = await fetch(
      `${prom.homelab}/api/v1/query_range?${new URLSearchParams({
        query:
          'sum(rate(response_total{direction="inbound",namespace="storefront",deployment="storefront"}[1m]))',
        start: String(end - 3540),
        end: String(end),
        step: '60',
      })}`,
    );
    const points = (
      (await res.json()) as {
        data: { result: Array<{ values: Array<[number, string]> }> };
      }
    ).data.result[0].values;
    assert.ok(points.length >= 59, `${points.length} chart points`);
    const planned = TRAFFIC_PLAN.find(
      e => e.id === 'homelab/ingress->storefront',
    )!.requestsPerSecond;
    for (const [t, v] of points) {
      assertWithin(Number(v), planned, `storefront's 1m rate at ${t}`);
    }
  });

  test('cAdvisor series are in Prometheus from the start: proxy CPU and memory per pod match the usage model within 1%', async () => {
    const cases = [
      {
        cluster: 'homelab' as const,
        api: urls.homelab,
        prom: urls.promHomelab,
        container: 'linkerd-proxy',
        model: CONTAINER_USAGE['linkerd-proxy'],
      },
      {
        cluster: 'cloud' as const,
        api: urls.cloud,
        prom: urls.promCloud,
        container: 'istio-proxy',
        model: CONTAINER_USAGE['istio-sidecar'],
      },
    ];
    for (const c of cases) {
      const pods = await runningPods(c.api);
      const time = await liveWindowEnd(c.prom, c.container);
      // Sidecars only: in the cloud, ztunnels and the waypoint run istio-proxy too.
      const withProxy = pods.filter(
        p =>
          p.running.includes(c.container) &&
          p.metadata.namespace !== 'istio-system' &&
          !p.metadata.labels?.['gateway.networking.k8s.io/gateway-name'],
      );
      assert.ok(
        withProxy.length >= 5,
        `${withProxy.length} ${c.container} pods`,
      );
      const cpu = await promQuery(
        c.prom,
        `sum by (namespace,pod)(rate(container_cpu_usage_seconds_total{container="${c.container}"}[5m]))`,
        time,
      );
      const memory = await promQuery(
        c.prom,
        `sum by (namespace,pod)(container_memory_working_set_bytes{container="${c.container}"})`,
        time,
      );
      for (const pod of withProxy) {
        const rps = planRequestsPerSecond(c.cluster, pod, pods);
        const at = (rows: typeof cpu) =>
          rows.find(
            r =>
              r.metric.namespace === pod.metadata.namespace &&
              r.metric.pod === pod.metadata.name,
          )?.value ?? NaN;
        const what = `${c.cluster} ${pod.metadata.namespace}/${pod.metadata.name} ${c.container}`;
        const expectedCpu =
          c.model.idleCores + c.model.cpuSecondsPerRequest * rps;
        const rel = Math.abs(at(cpu) - expectedCpu) / expectedCpu;
        assert.ok(
          rel <= 0.01,
          `${what} CPU: expected ${expectedCpu} cores ±1%, got ${at(cpu)}`,
        );
        const expectedBytes =
          c.model.idleBytes + c.model.bytesPerRequestPerSecond * rps;
        assert.ok(
          Math.abs(at(memory) - expectedBytes) <= 1,
          `${what} memory: expected ${expectedBytes} bytes, got ${at(memory)}`,
        );
      }
    }
  });

  test('Prometheus returns the traffic plan: rates and success ratios within 5%', async () => {
    const deadline = Date.now() + 110_000;
    await waitForFullMinute(urls.promHomelab, deadline);
    await waitForFullMinute(urls.promCloud, deadline);
    const prom = { homelab: urls.promHomelab, cloud: urls.promCloud };

    // rate() over the golden-signal counters has data for every demo workload.
    const linkerd = await promQuery(
      prom.homelab,
      'sum by (namespace, deployment) (rate(response_total{direction="inbound"}[1m]))',
    );
    const linkerdWorkloads = new Set(
      linkerd
        .filter(r => r.value > 0)
        .map(r => `${r.metric.namespace}/${r.metric.deployment}`),
    );
    for (const w of [
      'storefront/storefront',
      'payments/payments',
      'shipping/shipping',
    ]) {
      assert.ok(
        linkerdWorkloads.has(w),
        `no rate(response_total[1m]) for ${w}: ${[...linkerdWorkloads]}`,
      );
    }
    const istio = await promQuery(
      prom.cloud,
      'sum by (destination_workload_namespace, destination_workload) (rate(istio_requests_total{reporter="destination"}[1m]))',
    );
    const istioWorkloads = new Set(
      istio
        .filter(r => r.value > 0)
        .map(
          r =>
            `${r.metric.destination_workload_namespace}/${r.metric.destination_workload}`,
        ),
    );
    for (const w of ['inventory/inventory', 'shipping/shipping']) {
      assert.ok(
        istioWorkloads.has(w),
        `no rate(istio_requests_total[1m]) for ${w}: ${[...istioWorkloads]}`,
      );
    }

    await assertEdgesMatchPlan(prom, '1m');

    // The "few per cent failures on one service" are visible as such, not rounded away.
    const payments = await scalar(
      prom.homelab,
      'sum(rate(response_total{deployment="storefront",dst_deployment="payments",direction="outbound",classification="failure"}[1m])) / sum(rate(response_total{deployment="storefront",dst_deployment="payments",direction="outbound"}[1m]))',
    );
    assert.ok(
      payments > 0.02 && payments < 0.04,
      `storefront->payments failure ratio ${payments}, expected about 0.03`,
    );

    // The plaintext edge is reported as such; the rest of the Istio traffic is mTLS.
    const plaintext = await promQuery(
      prom.cloud,
      'sum by (source_workload, destination_workload) (rate(istio_requests_total{reporter="destination",connection_security_policy!="mutual_tls"}[1m]))',
    );
    assert.deepEqual(
      plaintext.map(
        r => `${r.metric.source_workload}->${r.metric.destination_workload}`,
      ),
      ['batch-importer->inventory'],
    );

    // Certificate expiry gauges: both Linkerd metric names, and Istio's root.
    const expiry = await promQuery(
      prom.homelab,
      'count by (__name__) ({__name__=~"(control_)?identity_cert_expiration_timestamp_seconds"})',
    );
    assert.deepEqual(expiry.map(r => r.metric.__name__).sort(), [
      'control_identity_cert_expiration_timestamp_seconds',
      'identity_cert_expiration_timestamp_seconds',
    ]);
    const root = await scalar(
      prom.cloud,
      'citadel_server_root_cert_expiry_timestamp - time()',
    );
    assert.ok(root > 3000 * 86400, `istio root expires in ${root} s`);
  });

  test('stops on SIGTERM with exit code 0, leaving nothing listening', async () => {
    const code = await stopDemo();
    assert.equal(code, 0, childOutput);
    for (const url of [
      urls.homelab,
      urls.cloud,
      urls.promHomelab,
      urls.promCloud,
    ]) {
      await assert.rejects(
        fetch(`${url}/-/ready`),
        `${url} still answers after stop`,
      );
    }
  });
});
