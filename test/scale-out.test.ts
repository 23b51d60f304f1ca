/**
 * Meshlens as a platform team runs it: two backend processes behind one
 * address, sharing one PostgreSQL (a throwaway initdb cluster) and one Redis.
 * Upstream requests are counted by proxies in front of the demo's Kubernetes
 * API servers and Prometheus servers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DemoCluster, startDemoCluster } from '../packages/demo-cluster/src';
import { BackendReplica, startBackendReplica } from './support/backendReplica';
import { CountingProxy, startCountingProxy } from './support/countingProxy';
import { guestToken } from './support/meshlens';
import { freePort } from './support/ports';
import { RunningPostgres, startPostgres } from './support/postgres';
import { RunningRedis, startRedis } from './support/redis';

const CLUSTERS = ['homelab', 'cloud'] as const;
const COLLATOR_EVERY_SECONDS = 4;

describe('two replicas on one PostgreSQL and one Redis', () => {
  let dir: string;
  let demo: DemoCluster | undefined;
  let postgres: RunningPostgres | undefined;
  let redis: RunningRedis | undefined;
  const proxies: Record<string, CountingProxy> = {};
  const replicas: BackendReplica[] = [];
  let token: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meshlens-scale-'));
    [demo, postgres, redis] = await Promise.all([
      startDemoCluster({
        ports: {
          homelab: 0,
          cloud: 0,
          prometheusHomelab: 0,
          prometheusCloud: 0,
        },
        prometheus: { scrapeIntervalSeconds: 1 },
      }),
      startPostgres(),
      startRedis(),
    ]);
    for (const name of CLUSTERS) {
      proxies[`kube-${name}`] = await startCountingProxy(demo.apiUrls[name]);
      proxies[`prom-${name}`] = await startCountingProxy(
        demo.prometheusUrls![name],
      );
    }
    const config = (port: number) => ({
      // The platform admin: under the demo's policy only it may write to a
      // cluster (kubernetes.proxy), which the onboarding task does.
      auth: { providers: { guest: { userEntityRef: 'user:default/admin' } } },
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { port, host: '127.0.0.1' },
        database: {
          client: 'pg',
          connection: {
            host: postgres!.host,
            port: postgres!.port,
            user: postgres!.user,
            password: 'unused-trust-auth',
          },
        },
        cache: { store: 'redis', connection: redis!.url },
      },
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: CLUSTERS.map(name => ({
              name,
              url: proxies[`kube-${name}`].url,
              authProvider: 'serviceAccount',
              serviceAccountToken: `demo-${name}-token`,
              skipTLSVerify: true,
              skipMetricsLookup: true,
            })),
          },
        ],
      },
      mesh: {
        clusters: CLUSTERS.map(name => ({
          name,
          prometheus: { url: proxies[`prom-${name}`].url },
        })),
        window: '1m',
        cacheTtlSeconds: 120,
      },
      search: {
        collators: {
          mesh: {
            schedule: {
              frequency: { seconds: COLLATOR_EVERY_SECONDS },
              timeout: { seconds: 60 },
              initialDelay: { seconds: 1 },
            },
          },
        },
      },
    });
    const ports = [await freePort(), await freePort()];
    // One after the other: the first creates the databases and runs migrations.
    for (const port of ports) {
      replicas.push(
        await startBackendReplica({ port, config: config(port), dir }),
      );
    }
    token = await guestToken(replicas[0].url);
  });

  after(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await Promise.all(Object.values(proxies).map(p => p.close()));
    await demo?.stop();
    await redis?.stop();
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const get = async (replica: BackendReplica, path: string) => {
    const res = await fetch(`${replica.url}/api/mesh${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${replica.url}${path}: ${text}`);
    return JSON.parse(text);
  };
  const upstreamCount = () =>
    Object.fromEntries(
      Object.entries(proxies).map(([k, p]) => [k, p.requests.length]),
    );

  it('alternating requests give the same answers; the second replica reads the first one’s cache', async () => {
    for (const name of ['storefront', 'orders', 'shipping']) {
      const path = `/v1/entities/component/default/${name}`;
      const before1 = upstreamCount();
      const first = await get(replicas[0], path);
      const after1 = upstreamCount();
      assert.ok(
        Object.keys(after1).some(k => after1[k] > before1[k]),
        `${name}: the first request made no upstream request at all`,
      );
      const second = await get(replicas[1], path);
      assert.deepEqual(
        upstreamCount(),
        after1,
        `${name}: the second replica asked an upstream within the TTL`,
      );
      assert.deepEqual(second, first);
      // And back: the first replica answers the same again.
      assert.deepEqual(await get(replicas[0], path), first);
    }
  });

  it('the search collator runs on one replica per interval', async () => {
    const runs = () =>
      replicas.map(
        r => r.output().match(/Collating documents for mesh via/g)?.length ?? 0,
      );
    const start = runs();
    const seconds = COLLATOR_EVERY_SECONDS * 4;
    await new Promise(r => setTimeout(r, seconds * 1000));
    const end = runs();
    const total = end[0] - start[0] + (end[1] - start[1]);
    assert.ok(total >= 2, `the collator ran ${total} times in ${seconds} s`);
    // Both replicas each running it every interval would be about 8.
    assert.ok(
      total <= seconds / COLLATOR_EVERY_SECONDS + 1,
      `the collator ran ${total} times in ${seconds} s on two replicas (${end})`,
    );
  });

  it('an onboarding task is claimed by exactly one replica', async () => {
    const headers = {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    };
    const res = await fetch(`${replicas[1].url}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        templateRef: 'template:default/mesh-my-service',
        values: {
          entityRef: 'component:default/legacy-reports',
          target: { cluster: 'homelab', namespace: 'reports' },
          mesh: 'linkerd',
          mtlsMode: 'permissive',
          defaultPolicy: 'none',
          restartWorkloads: false,
          multiCluster: false,
          memoryBudgetMiB: 32,
          delivery: 'apply',
        },
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = await res.json();
    const deadline = Date.now() + 90_000;
    let task: any;
    for (;;) {
      task = await (
        await fetch(`${replicas[0].url}/api/scaffolder/v2/tasks/${id}`, {
          headers,
        })
      ).json();
      if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
      assert.ok(Date.now() < deadline, `task still ${task.status} after 90 s`);
      await new Promise(r => setTimeout(r, 250));
    }
    const events = await (
      await fetch(`${replicas[0].url}/api/scaffolder/v2/tasks/${id}/events`, {
        headers,
      })
    ).json();
    assert.equal(
      task.status,
      'completed',
      events.map((e: any) => e.body?.message).join('\n'),
    );
    assert.equal(events.filter((e: any) => e.type === 'completion').length, 1);
    // The task worker's audit events (actor plugin:scaffolder) name the task
    // on the replica that claimed and ran it.
    const workedOn = replicas.map(
      r =>
        r
          .output()
          .split('\n')
          .filter(
            l =>
              l.includes(id) &&
              l.includes('scaffolder.task') &&
              l.includes('"actorId":"plugin:scaffolder"'),
          ).length,
    );
    assert.equal(
      workedOn.filter(n => n > 0).length,
      1,
      `task worker events per replica: ${workedOn}`,
    );
    // One real write of the namespace's marker, however many replicas watched.
    const writes = proxies['kube-homelab'].requests.filter(
      r =>
        /^(PATCH|PUT) \/api\/v1\/namespaces\/reports(\?|$)/.test(r) &&
        !r.includes('dryRun'),
    );
    assert.equal(writes.length, 1, writes.join('\n'));
  });

  it('when one replica is killed mid-request, the other keeps answering', async () => {
    const path = '/v1/entities/component/default/payments?window=2m';
    const pending = fetch(`${replicas[0].url}/api/mesh${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    }).then(
      r => r.status,
      () => 'connection lost',
    );
    await new Promise(r => setTimeout(r, 20));
    replicas[0].kill();
    await pending;
    for (let i = 0; i < 5; i++) {
      const body = await get(replicas[1], path);
      assert.equal(body.clusters[0].cluster, 'homelab');
    }
  });
});
