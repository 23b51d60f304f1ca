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
import { buildCluster } from '../cluster/buildCluster';
import { ExporterManager } from './exporterManager';
import { historyTimes, storedSeries } from './history';
import { TRAFFIC_PLAN } from './plan';

describe('storedSeries', () => {
  it('labels a sample as a scrape with honor_labels: false stores it', () => {
    expect(
      storedSeries(
        [
          '# TYPE response_total counter',
          'response_total{direction="inbound",namespace="elsewhere",route="say \\"hi\\""} 42',
          'process_start_time_seconds 17',
        ].join('\n'),
        {
          job: 'linkerd-proxy',
          instance: '127.0.0.1:4191',
          labels: { namespace: 'storefront', pod: 'storefront-abc' },
        },
      ),
    ).toEqual([
      {
        series:
          'response_total{direction="inbound",exported_namespace="elsewhere",instance="127.0.0.1:4191",job="linkerd-proxy",namespace="storefront",pod="storefront-abc",route="say \\"hi\\""}',
        value: '42',
      },
      {
        series:
          'process_start_time_seconds{instance="127.0.0.1:4191",job="linkerd-proxy",namespace="storefront",pod="storefront-abc"}',
        value: '17',
      },
    ]);
  });
});

describe('historyTimes', () => {
  it('samples the hour every 30 s and its last 6 minutes every 5 s, 1 s after each step, ending at the end', () => {
    const end = 1_800_000_017;
    const times = historyTimes({
      endSeconds: end,
      seconds: 3600,
      stepSeconds: 30,
      recentSeconds: 360,
      recentStepSeconds: 5,
    });
    expect(times[0] - (end - 3600)).toBeGreaterThanOrEqual(0);
    expect(times[0] - (end - 3600)).toBeLessThan(30);
    expect(times[times.length - 1]).toBe(end);
    const older = times.filter(t => t < end - 360);
    const recent = times.filter(t => t >= end - 360 && t < end);
    expect(older.every(t => (t - 1) % 30 === 0)).toBe(true);
    expect(recent.every(t => (t - 1) % 5 === 0)).toBe(true);
    expect(older.length).toBeGreaterThanOrEqual(107);
    expect(recent).toHaveLength(72);
    // Every window of a chart with points on whole minutes starts 1 s before a sample.
    for (let t = Math.ceil((end - 3540) / 60) * 60; t <= end; t += 60) {
      expect(times).toContain(t - 59);
    }
  });
});

describe('ExporterManager.writeHistory', () => {
  it('writes the counters the live endpoints continue from', async () => {
    let now = Math.floor(Date.now() / 1000);
    const state = await buildCluster('homelab');
    const manager = new ExporterManager({
      state,
      plan: TRAFFIC_PLAN,
      now: () => now,
    });
    await manager.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-history-'));
    try {
      const file = path.join(dir, 'history.om');
      const samples = manager.writeHistory(file, {
        seconds: 300,
        stepSeconds: 30,
      });
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines.pop()).toBe('# EOF');
      expect(lines).toHaveLength(samples);

      const storefront = manager
        .targets()
        .find(t => t.pod.startsWith('storefront-'))!;
      const inboundSuccess = (sample: string) =>
        sample.startsWith('response_total{') &&
        sample.includes('classification="success"') &&
        sample.includes('direction="inbound"');
      const history = lines
        .filter(l => inboundSuccess(l) && l.includes(`pod="${storefront.pod}"`))
        .map(l => l.split(' ').slice(-2).map(Number));
      // One series' samples, in time order, 30 s apart on the grid, the last one now.
      const [first, ...rest] = history;
      expect(rest.length).toBeGreaterThanOrEqual(9);
      expect(first[1] - (now - 300)).toBeLessThan(30);
      const last = rest[rest.length - 1];
      expect(last[1]).toBe(now);
      rest.forEach(([v, t], i) => {
        const [pv, pt] = i ? rest[i - 1] : first;
        if (t === now) return;
        expect(t - pt).toBe(30);
        // storefront serves 24 requests/s over 3 pods, all successful.
        expect((v - pv) / 30).toBeCloseTo(8, 0);
      });

      now += 10;
      const live = await (
        await fetch(`http://${storefront.address}/metrics`)
      ).text();
      const values = live
        .split('\n')
        .filter(inboundSuccess)
        .map(l => Number(l.split(' ').pop()));
      expect(values).toHaveLength(1);
      const [value] = values;
      expect(Math.abs(value - (last[0] + 8 * 10))).toBeLessThanOrEqual(2);
    } finally {
      await manager.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
