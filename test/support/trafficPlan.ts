/**
 * Expected numbers from the demo's traffic plan, computed from the plan
 * object alone (never from the exporters or the code under test).
 */
import assert from 'node:assert/strict';
import { TRAFFIC_PLAN } from '../../packages/demo-cluster/src/traffic/plan';

/** What the traffic plan sends to and from one workload. */
export function planned(
  cluster: string,
  namespace: string,
  deployment: string,
) {
  const is = (w: { namespace: string; deployment: string } | undefined) =>
    w?.namespace === namespace && w.deployment === deployment;
  const inbound = TRAFFIC_PLAN.filter(
    e => e.cluster === cluster && is(e.destination),
  );
  const outbound = TRAFFIC_PLAN.filter(
    e => e.cluster === cluster && is(e.source),
  );
  const rps = inbound.reduce((n, e) => n + e.requestsPerSecond, 0);
  const ok = inbound.reduce(
    (n, e) => n + e.requestsPerSecond * e.successRatio,
    0,
  );
  return {
    requestsPerSecond: rps,
    successRate: rps > 0 ? ok / rps : null,
    callers: inbound.filter(e => e.source),
    calls: outbound,
  };
}

/** Within 5% of the plan (the demo's proxies count with jitter). */
export function assertNearPlan(
  actual: number | null | undefined,
  wanted: number | null,
  what: string,
) {
  if (wanted === null) {
    assert.equal(actual ?? null, null, `${what}: the plan has no value`);
    return;
  }
  assert.ok(typeof actual === 'number', `${what}: no value, planned ${wanted}`);
  assert.ok(
    Math.abs(actual - wanted) <= Math.abs(wanted) * 0.05,
    `${what}: got ${actual}, planned ${wanted} (within 5%)`,
  );
}
