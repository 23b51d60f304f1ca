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

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCluster, ClusterState } from '../cluster/buildCluster';
import { RT } from '../cluster/controller';
import { cadvisorSeries, EXPORTED_FAMILIES } from './cadvisor';
import { CONTAINER_USAGE, SYSTEM_CONTAINER_USAGE } from './containerUsage';
import { CounterExporter, SeriesSpec } from './exposition';
import { ExporterManager } from './exporterManager';
import { TRAFFIC_PLAN } from './plan';
import { podView, ScrapeContext } from './proxies';

const NOW = 1_800_000_000;

function contextOf(state: ClusterState): ScrapeContext {
  return {
    cluster: state.definition.name,
    pods: state.store.list(RT.pod).map(podView),
    plan: TRAFFIC_PLAN,
    nowSeconds: NOW,
    certificates: { issuerNotAfter: 0, rootNotAfter: 0, rootNotBefore: 0 },
  };
}

const allSeries = (ctx: ScrapeContext) =>
  ctx.pods.length === 0
    ? []
    : [...new Set(ctx.pods.map(p => p.node))].flatMap(n =>
        cadvisorSeries(n, ctx),
      );

function cpuOf(series: SeriesSpec[], pod: string, container: string): number {
  const found = series.filter(
    s =>
      s.name === 'container_cpu_usage_seconds_total' &&
      s.labels.pod === pod &&
      s.labels.container === container,
  );
  expect(found).toHaveLength(1);
  return found[0].kind === 'counter' ? found[0].rate : NaN;
}

function memoryOf(
  series: SeriesSpec[],
  pod: string,
  container: string,
): number {
  const found = series.filter(
    s =>
      s.name === 'container_memory_working_set_bytes' &&
      s.labels.pod === pod &&
      s.labels.container === container,
  );
  expect(found).toHaveLength(1);
  return found[0].kind === 'gauge' ? found[0].value : NaN;
}

describe('cadvisorSeries', () => {
  let homelab: ClusterState;
  let cloud: ClusterState;
  beforeAll(async () => {
    homelab = await buildCluster('homelab');
    cloud = await buildCluster('cloud');
  });
  afterAll(() => {
    homelab.controller.stop();
    cloud.controller.stop();
  });

  it('serves every running container once, on its pod’s node, plus the pod cgroup', () => {
    const ctx = contextOf(homelab);
    const series = allSeries(ctx);
    for (const pod of ctx.pods) {
      const names = series
        .filter(
          s =>
            s.name === 'container_cpu_usage_seconds_total' &&
            s.labels.pod === pod.name,
        )
        .map(s => s.labels.container)
        .sort();
      expect(names).toEqual([...pod.containers.map(c => c.name), ''].sort());
    }
    // A native-sidecar proxy runs; linkerd-init has finished and has no series.
    const storefront = ctx.pods.find(p => p.name.startsWith('storefront-'))!;
    expect(storefront.containers.map(c => c.name)).toEqual([
      'linkerd-proxy',
      'storefront',
    ]);
  });

  it('makes a sidecar’s usage its idle part plus its pod’s requests at the per-request cost', () => {
    const ctx = contextOf(homelab);
    const series = allSeries(ctx);
    // storefront: 24 rps in from ingress, 8 + 12 rps out, over 3 pods.
    const rps = (24 + 8 + 12) / 3;
    const proxy = CONTAINER_USAGE['linkerd-proxy'];
    const app = CONTAINER_USAGE.application;
    for (const pod of ctx.pods.filter(p => p.workload === 'storefront')) {
      expect(cpuOf(series, pod.name, 'linkerd-proxy')).toBeCloseTo(
        proxy.idleCores + proxy.cpuSecondsPerRequest * rps,
        12,
      );
      expect(memoryOf(series, pod.name, 'linkerd-proxy')).toBe(
        Math.round(proxy.idleBytes + proxy.bytesPerRequestPerSecond * rps),
      );
      expect(cpuOf(series, pod.name, 'storefront')).toBeCloseTo(
        app.idleCores + app.cpuSecondsPerRequest * rps,
        12,
      );
      expect(cpuOf(series, pod.name, '')).toBeCloseTo(
        proxy.idleCores +
          app.idleCores +
          (proxy.cpuSecondsPerRequest + app.cpuSecondsPerRequest) * rps,
        12,
      );
    }
    const destination = ctx.pods.find(
      p => p.workload === 'linkerd-destination',
    )!;
    expect(cpuOf(series, destination.name, 'destination')).toBe(
      SYSTEM_CONTAINER_USAGE.destination.cores,
    );
    // A control-plane proxy without plan traffic idles.
    expect(cpuOf(series, destination.name, 'linkerd-proxy')).toBe(
      proxy.idleCores,
    );
  });

  it('charges waypoints their routed traffic and ztunnels their node’s ambient pods', () => {
    const ctx = contextOf(cloud);
    const series = allSeries(ctx);
    const waypoint = ctx.pods.find(p => p.role === 'istio-waypoint')!;
    const wp = CONTAINER_USAGE['istio-waypoint'];
    // orders -> recommendations, 5 rps, goes through the one waypoint pod.
    expect(cpuOf(series, waypoint.name, 'istio-proxy')).toBeCloseTo(
      wp.idleCores + wp.cpuSecondsPerRequest * 5,
      12,
    );
    const zt = CONTAINER_USAGE.ztunnel;
    const ambient = ctx.pods.filter(p => p.workload === 'recommendations');
    expect(ambient).toHaveLength(2);
    for (const ztunnel of ctx.pods.filter(p => p.role === 'ztunnel')) {
      const onNode = ambient.filter(p => p.node === ztunnel.node).length;
      expect(cpuOf(series, ztunnel.name, 'istio-proxy')).toBeCloseTo(
        // 9 rps out to inventory and 5 in from the waypoint, over 2 pods.
        zt.idleCores + zt.cpuSecondsPerRequest * ((9 + 5) / 2) * onNode,
        12,
      );
    }
  });

  it('keeps the published order: a Linkerd proxy costs less per request than an Istio sidecar', () => {
    const l = CONTAINER_USAGE['linkerd-proxy'];
    const i = CONTAINER_USAGE['istio-sidecar'];
    expect(l.cpuSecondsPerRequest).toBeCloseTo((0.0002 * 36) / 67, 12);
    expect(i.cpuSecondsPerRequest).toBe(0.0002);
    // Memory reaches the published figures at the published rates.
    expect(l.idleBytes + l.bytesPerRequestPerSecond * 2000).toBeCloseTo(
      26.3e6,
      3,
    );
    expect(i.idleBytes + i.bytesPerRequestPerSecond * 1000).toBeCloseTo(
      60e6,
      3,
    );
  });

  it('counts CPU seconds as floats from each pod’s start', () => {
    const ctx = contextOf(homelab);
    const pod = ctx.pods.find(p => p.workload === 'storefront')!;
    const specs = cadvisorSeries(pod.node, ctx);
    const exporter = new CounterExporter(NOW, EXPORTED_FAMILIES);
    const line = (text: string) =>
      text
        .split('\n')
        .find(
          l =>
            l.startsWith('container_cpu_usage_seconds_total{') &&
            l.includes(`pod="${pod.name}",container="linkerd-proxy"`),
        )!;
    const at = (text: string) => Number(line(text).split(' ').pop());
    const first = at(exporter.render(specs, NOW));
    const rate = cpuOf(specs, pod.name, 'linkerd-proxy');
    // Counted since the pod started (two days before), not since the first render.
    expect(first).toBeGreaterThan(rate * (NOW - pod.startedAt) - 1e-3);
    expect(first).toBeLessThan(rate * (NOW - pod.startedAt) + 1);
    const later = at(exporter.render(specs, NOW + 300));
    expect((later - first) / 300).toBeCloseTo(rate, 6);
  });
});

describe('kubelet endpoints', () => {
  it('serve cAdvisor per node, and the history ends where the live endpoint goes on', async () => {
    const state = await buildCluster('cloud');
    let now = Math.floor(Date.now() / 1000);
    const manager = new ExporterManager({
      state,
      plan: TRAFFIC_PLAN,
      now: () => now,
    });
    await manager.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-cadvisor-'));
    try {
      const kubelets = manager.targets().filter(t => t.role === 'kubelet');
      expect(kubelets.map(k => k.labels.node).sort()).toEqual(
        [...state.definition.nodes].sort(),
      );
      const file = path.join(dir, 'history.om');
      manager.writeHistory(file, { seconds: 300, stepSeconds: 30 });
      const waypoint = state.store
        .list(RT.pod)
        .find(p => p.metadata.name.startsWith('waypoint-'))!;
      const match = (l: string) =>
        l.startsWith('container_cpu_usage_seconds_total{') &&
        l.includes('container="istio-proxy"') &&
        l.includes(`pod="${waypoint.metadata.name}"`);
      const history = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(match)
        .map(l => l.split(' ').slice(-2).map(Number));
      expect(history.length).toBeGreaterThanOrEqual(10);
      expect(history[0][0]).toBeGreaterThan(0);
      const [lastValue, lastTime] = history[history.length - 1];
      expect(lastTime).toBe(now);
      const wp = CONTAINER_USAGE['istio-waypoint'];
      const cores = wp.idleCores + wp.cpuSecondsPerRequest * 5;
      const [firstValue, firstTime] = history[0];
      expect((lastValue - firstValue) / (lastTime - firstTime)).toBeCloseTo(
        cores,
        6,
      );
      // The stored series carry the kubelet job's target labels.
      const stored = fs.readFileSync(file, 'utf8').split('\n').find(match)!;
      expect(stored).toContain('job="kubelet"');
      const node = (waypoint.spec as { nodeName: string }).nodeName;
      expect(stored).toContain(`node="${node}"`);

      now += 20;
      const kubelet = kubelets.find(k => k.labels.node === node)!;
      const live = (
        await (
          await fetch(`http://${kubelet.address}${kubelet.metricsPath}`)
        ).text()
      )
        .split('\n')
        .filter(match)
        .map(l => Number(l.split(' ').pop()));
      expect(live).toHaveLength(1);
      expect(live[0]).toBeCloseTo(lastValue + cores * 20, 5);
      // Requests and limits of the waypoint's proxy, the chart's defaults.
      expect(
        (waypoint.spec as { containers: Array<{ resources: unknown }> })
          .containers[0].resources,
      ).toEqual({
        limits: { cpu: '2', memory: '1Gi' },
        requests: { cpu: '100m', memory: '128Mi' },
      });
    } finally {
      await manager.stop();
      state.controller.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
