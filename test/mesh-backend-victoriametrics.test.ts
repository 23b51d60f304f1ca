/**
 * The golden metrics on a second PromQL engine: Debian's VictoriaMetrics,
 * loaded with the same constant-rate data as Debian's Prometheus. Every
 * number the mesh backend reads from VictoriaMetrics must agree with what it
 * reads from Prometheus, and with the meshes' own definitions, within 2%.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrometheusClient } from '../plugins/mesh-backend/src/clients/PrometheusClient';
import { readMetrics } from '../plugins/mesh-backend/src/service/clusterSnapshot';
import {
  WINDOW,
  expected,
  goldenCases,
  goldenOpenMetrics,
} from './support/goldenMetrics';
import {
  RunningEngine,
  startPrometheusWith,
  startVictoriaMetricsWith,
} from './support/promEngines';

const TOLERANCE = 0.02;

function assertWithin(
  actual: number | null | undefined,
  wanted: number | null | undefined,
  what: string,
) {
  assert.ok(
    actual !== null && actual !== undefined,
    `${what}: no value (wanted ${wanted})`,
  );
  assert.ok(wanted !== null && wanted !== undefined, `${what}: no reference`);
  assert.ok(
    Math.abs(actual - wanted) <= Math.abs(wanted) * TOLERANCE,
    `${what}: got ${actual}, expected ${wanted} (within 2%)`,
  );
}

describe('golden metrics on VictoriaMetrics agree with Prometheus', () => {
  let prometheus: RunningEngine;
  let victoria: RunningEngine;

  before(async () => {
    // Data ends now: instant queries see it for the next five minutes.
    const text = goldenOpenMetrics(Math.floor(Date.now() / 1000) - 1);
    [prometheus, victoria] = await Promise.all([
      startPrometheusWith(text),
      startVictoriaMetricsWith(text),
    ]);
  });

  after(async () => {
    await Promise.all([prometheus?.stop(), victoria?.stop()]);
  });

  for (const c of goldenCases()) {
    it(`${c.mesh}: requests/s, success rate, encrypted share and p50/p95/p99 within 2%`, async () => {
      const namespaces = [...new Set(c.workloads.map(w => w.namespace))];
      const read = (engine: RunningEngine) =>
        readMetrics(
          new PrometheusClient({ url: engine.url, headers: {} }, 5000),
          c.adapter,
          { namespaces, window: WINDOW },
          'none',
        );
      const [fromProm, fromVm] = await Promise.all([
        read(prometheus),
        read(victoria),
      ]);
      assert.equal(fromProm.error, undefined);
      assert.equal(fromVm.error, undefined);
      for (const w of c.workloads) {
        const key = `${w.namespace}/${w.name}`;
        const p = fromProm.traffic!.get(key);
        const v = fromVm.traffic!.get(key);
        assert.ok(
          p && v,
          `no traffic for ${key} (Prometheus ${!!p}, VictoriaMetrics ${!!v})`,
        );
        const want = expected(w, c.scale);
        const pairs: Array<
          [string, number | null | undefined, number | null | undefined, number]
        > = [
          [
            'requests/s',
            v.metrics?.requestsPerSecond,
            p.metrics?.requestsPerSecond,
            want.requestsPerSecond,
          ],
          [
            'success rate',
            v.metrics?.successRate,
            p.metrics?.successRate,
            want.successRate,
          ],
          ['p50', v.metrics?.latencyMs.p50, p.metrics?.latencyMs.p50, want.p50],
          ['p95', v.metrics?.latencyMs.p95, p.metrics?.latencyMs.p95, want.p95],
          ['p99', v.metrics?.latencyMs.p99, p.metrics?.latencyMs.p99, want.p99],
        ];
        if (c.encrypted) {
          pairs.push([
            'encrypted share',
            v.encryptedShare,
            p.encryptedShare,
            want.encryptedShare,
          ]);
        }
        for (const [what, vm, prom, definition] of pairs) {
          assertWithin(
            vm,
            prom,
            `${key} ${what}, VictoriaMetrics vs Prometheus`,
          );
          assertWithin(
            vm,
            definition,
            `${key} ${what}, VictoriaMetrics vs the definition`,
          );
        }
      }
    });
  }
});
