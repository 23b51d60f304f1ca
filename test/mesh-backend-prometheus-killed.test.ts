/**
 * A real Prometheus killed in the middle of a request: the mesh backend's
 * reads end with an error naming that Prometheus, within the timeout, and
 * never throw past the metrics read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LinkerdAdapter } from '../plugins/mesh-node/src/builtin/adapters';
import { PrometheusClient } from '../plugins/mesh-backend/src/clients/PrometheusClient';
import { readMetrics } from '../plugins/mesh-backend/src/service/clusterSnapshot';
import { WINDOW, goldenOpenMetrics } from './support/goldenMetrics';
import { RunningEngine, startPrometheusWith } from './support/promEngines';

const TIMEOUT_MS = 5000;
// About 2.5 s of work for Prometheus on this machine: long enough to be
// killed while it is still computing.
const SLOW_QUERY = 'sum(count_over_time(vector(1)[60d:1s]))';

describe('a Prometheus killed mid-request', () => {
  let prometheus: RunningEngine;
  let client: PrometheusClient;

  before(async () => {
    prometheus = await startPrometheusWith(
      goldenOpenMetrics(Math.floor(Date.now() / 1000) - 1),
    );
    client = new PrometheusClient(
      { url: prometheus.url, headers: {} },
      TIMEOUT_MS,
    );
  });
  after(() => prometheus?.stop());

  it('ends the request with an error naming it, well within timeoutMs', async () => {
    // It answers before the kill.
    const live = await readMetrics(
      client,
      new LinkerdAdapter(),
      { namespaces: ['shop'], window: WINDOW },
      'none',
    );
    assert.equal(live.error, undefined);
    assert.ok(live.traffic!.size > 0);

    const started = Date.now();
    const pending = client.query(SLOW_QUERY).then(
      () => 'answered',
      (e: Error) => e,
    );
    await new Promise(r => setTimeout(r, 300));
    prometheus.process.kill('SIGKILL');
    const outcome = await pending;
    const elapsed = Date.now() - started;
    assert.ok(
      outcome instanceof Error,
      `the query was answered before the kill (${elapsed} ms): make SLOW_QUERY slower`,
    );
    assert.match(
      outcome.message,
      new RegExp(`^Prometheus at ${prometheus.url} could not be read`),
    );
    assert.ok(elapsed < TIMEOUT_MS + 1000, `took ${elapsed} ms`);

    // Afterwards every read is an error entry, not an exception.
    const t = Date.now();
    const dead = await readMetrics(
      client,
      new LinkerdAdapter(),
      { namespaces: ['shop'], window: WINDOW },
      'none',
    );
    assert.match(dead.error ?? '', /could not be read/);
    assert.ok(Date.now() - t < TIMEOUT_MS + 1000);
  });
});
