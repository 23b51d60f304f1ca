import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  guestToken,
  processesOfRun,
  RunningMeshlens,
  startMeshlens,
} from './support/meshlens';

const DEMO_COMPONENTS = [
  'storefront',
  'payments',
  'orders',
  'inventory',
  'recommendations',
  'sensor-gateway',
  'legacy-reports',
  'shipping',
];

describe('the start command of the README', () => {
  let meshlens: RunningMeshlens;
  let token: string;

  before(async () => {
    meshlens = await startMeshlens();
    token = await guestToken(meshlens.backendUrl);
  });

  after(async () => {
    await meshlens?.stop();
  });

  it('serves the demo entities from the catalog API', async () => {
    // The catalog ingests its locations in the background after start-up.
    let names: string[] = [];
    for (let attempt = 0; attempt < 60; attempt++) {
      const res = await fetch(
        `${meshlens.backendUrl}/api/catalog/entities/by-query?filter=kind=component&limit=100`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as {
        items: Array<{ metadata: { name: string } }>;
      };
      names = body.items.map(e => e.metadata.name).sort();
      if (names.length >= DEMO_COMPONENTS.length) break;
      await new Promise(r => setTimeout(r, 1000));
    }
    assert.deepEqual(names, [...DEMO_COMPONENTS].sort());
  });

  it('shows the pods of a demo entity from the demo cluster, as the Kubernetes tab asks for them', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const entityRes = await fetch(
      `${meshlens.backendUrl}/api/catalog/entities/by-name/component/default/shipping`,
      { headers: auth },
    );
    assert.equal(entityRes.status, 200);
    const entity = await entityRes.json();

    const res = await fetch(
      `${meshlens.backendUrl}/api/kubernetes/services/shipping`,
      {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ entity }),
      },
    );
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as {
      items: Array<{
        cluster: { name: string };
        errors: unknown[];
        resources: Array<{
          type: string;
          resources: Array<{
            metadata: { name: string; labels: Record<string, string> };
          }>;
        }>;
      }>;
    };
    // shipping runs in both demo clusters.
    const podsByCluster = Object.fromEntries(
      body.items.map(item => [
        item.cluster.name,
        item.resources.find(r => r.type === 'pods')?.resources ?? [],
      ]),
    );
    assert.deepEqual(Object.keys(podsByCluster).sort(), ['cloud', 'homelab']);
    for (const item of body.items) assert.deepEqual(item.errors, []);
    for (const [cluster, pods] of Object.entries(podsByCluster)) {
      assert.ok(pods.length > 0, `no shipping pods on ${cluster}`);
      for (const pod of pods) {
        assert.equal(
          pod.metadata.labels['backstage.io/kubernetes-id'],
          'shipping',
        );
      }
    }
  });

  it('finds entities by their mesh posture in the portal search', async () => {
    const query = (term: string) =>
      fetch(
        `${meshlens.backendUrl}/api/search/query?term=${encodeURIComponent(
          term,
        )}&types%5B0%5D=mesh`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
    // The collator runs a few seconds after start-up; until its first run
    // the engine has no index for the type and answers with an error.
    for (let attempt = 0; attempt < 90; attempt++) {
      if ((await query('not meshed')).ok) break;
      await new Promise(r => setTimeout(r, 1000));
    }
    const search = async (term: string) => {
      const res = await query(term);
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as {
        results: Array<{ document: { title: string } }>;
      };
      return body.results.map(r => r.document.title).sort();
    };
    assert.deepEqual(await search('not meshed'), ['legacy-reports']);
    // Istio without a STRICT PeerAuthentication accepts plaintext.
    assert.deepEqual(await search('permissive'), [
      'inventory',
      'recommendations',
      'shipping',
    ]);
    // The homelab Linkerd issuer has about 20 days left.
    assert.deepEqual(await search('expiring'), [
      'payments',
      'shipping',
      'storefront',
    ]);
    assert.deepEqual(await search('istio'), [
      'inventory',
      'orders',
      'recommendations',
      'shipping',
    ]);
  });

  it('refuses the catalog API without credentials', async () => {
    const res = await fetch(`${meshlens.backendUrl}/api/catalog/entities`);
    assert.equal(res.status, 401);
  });

  it('serves the frontend', async () => {
    const res = await fetch(meshlens.appUrl);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<div id="root">/);
  });

  it('stops every process it started on Ctrl-C', async () => {
    assert.ok(
      processesOfRun(meshlens.runId).length > 1,
      'expected the start command to have started processes',
    );
    await meshlens.stop();
    let left = processesOfRun(meshlens.runId);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise(r => setTimeout(r, 250));
      left = processesOfRun(meshlens.runId);
    }
    assert.deepEqual(left, [], 'processes left running after Ctrl-C');
  });
});
