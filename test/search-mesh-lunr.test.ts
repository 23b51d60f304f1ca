/*
 * Indexes the demo's entities (examples/entities.yaml) with the mesh
 * collator into the real Lunr engine the demo backend runs, and checks that
 * what people type finds the right entities.
 *
 * The mesh backend is replaced by the demo's expected postures (the
 * comment at the top of entities.yaml, and the certificates the demo cluster
 * creates: a Linkerd issuer 20 days from expiry on homelab, Istio's 10-year
 * root on cloud).
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseAllDocuments } from 'yaml';
import { Entity } from '@backstage/catalog-model';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { mockServices } from '@backstage/backend-test-utils';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { OverviewEntity } from '@meshlens/plugin-mesh-common';
import {
  createContentLunrQueryTranslator,
  MeshCollatorFactory,
} from '../plugins/search-backend-module-mesh/src';
import {
  FixedMeshStatusService,
  overviewOf,
  overviewRow,
} from '../plugins/search-backend-module-mesh/src/__testUtils__/fixtures';

const ENTITIES_FILE = resolve(__dirname, '../examples/entities.yaml');

const linkerdIssuer = {
  daysLeft: 20,
  status: 'warning' as const,
  subject: 'identity.linkerd.cluster.local',
};
const istioRoot = {
  daysLeft: 3650,
  status: 'ok' as const,
  subject: 'cluster.local',
};

// What the mesh backend's overview reports for the demo.
const DEMO_POSTURES: OverviewEntity[] = [
  overviewRow('component:default/storefront', {
    soonestCertificateExpiry: linkerdIssuer,
  }),
  overviewRow('component:default/payments', {
    meshedPods: 2,
    mtlsMode: 'automatic',
    encryptedShare: 0.67,
    soonestCertificateExpiry: linkerdIssuer,
  }),
  overviewRow('component:default/orders', {
    clusters: ['cloud'],
    mesh: 'istio',
    soonestCertificateExpiry: istioRoot,
  }),
  overviewRow('component:default/inventory', {
    clusters: ['cloud'],
    mesh: 'istio',
    mtlsMode: 'permissive',
    encryptedShare: 0.8,
    soonestCertificateExpiry: istioRoot,
  }),
  overviewRow('component:default/recommendations', {
    clusters: ['cloud'],
    mesh: 'istio',
    dataPlane: 'ambient',
    mtlsMode: 'automatic',
    soonestCertificateExpiry: istioRoot,
  }),
  overviewRow('component:default/sensor-gateway', {
    mesh: 'cilium',
    dataPlane: 'ebpf',
    mtlsMode: 'automatic',
    encryptedShare: null,
  }),
  overviewRow('component:default/legacy-reports', {
    mesh: 'none',
    dataPlane: 'none',
    pods: 2,
    meshedPods: 0,
    mtlsMode: 'disabled',
    encryptedShare: null,
    successRate: null,
  }),
  overviewRow('component:default/shipping', {
    clusters: ['homelab', 'cloud'],
    soonestCertificateExpiry: linkerdIssuer,
  }),
];

const UNMESHED = ['legacy-reports'];

function demoEntities(): Entity[] {
  return parseAllDocuments(readFileSync(ENTITIES_FILE, 'utf8'))
    .map(d => d.toJSON() as Entity)
    .filter(Boolean);
}

async function indexDemo(engine: LunrSearchEngine): Promise<void> {
  const entities = demoEntities();
  assert.equal(
    entities.filter(e => e.kind === 'Component').length,
    DEMO_POSTURES.length,
    'every demo component has an expected posture',
  );
  const factory = new MeshCollatorFactory({
    auth: mockServices.auth(),
    catalog: new InMemoryCatalogClient({ entities }),
    meshStatus: new FixedMeshStatusService(overviewOf(DEMO_POSTURES)),
    logger: mockServices.rootLogger(),
  });
  const indexer = await engine.getIndexer('mesh');
  await pipeline(await factory.getCollator(), indexer);
}

/** What the search page sends with the "mesh" result type selected. */
async function find(engine: LunrSearchEngine, term: string) {
  const { results } = await engine.query({ term, types: ['mesh'] });
  return results;
}

async function titles(engine: LunrSearchEngine, term: string) {
  return (await find(engine, term)).map(r => r.document.title).sort();
}

// Words people type, and what they must find with either translator.
const TERMS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['unmeshed', UNMESHED],
  ['permissive', ['inventory']],
  ['plaintext', ['inventory', 'legacy-reports', 'payments']],
  ['expiring', ['payments', 'shipping', 'storefront']],
  ['linkerd', ['payments', 'shipping', 'storefront']],
  ['istio', ['inventory', 'orders', 'recommendations']],
  ['ambient', ['recommendations']],
  ['cilium', ['sensor-gateway']],
  ['cloud', ['inventory', 'orders', 'recommendations', 'shipping']],
];

// The exact form: what a search page filter on the document fields sends.
const FILTERS: ReadonlyArray<
  readonly [Record<string, string>, readonly string[]]
> = [
  [{ mesh: 'none' }, UNMESHED],
  [{ mtlsMode: 'permissive' }, ['inventory']],
  [{ certificateStatus: 'warning' }, ['payments', 'shipping', 'storefront']],
  [{ mesh: 'cilium' }, ['sensor-gateway']],
];

function itFindsTermsAndFilters(engine: LunrSearchEngine) {
  for (const [term, expected] of TERMS) {
    it(`"${term}" finds exactly ${expected.join(', ')}`, async () => {
      assert.deepEqual(await titles(engine, term), expected);
    });
  }
  for (const [filters, expected] of FILTERS) {
    it(`the filter ${JSON.stringify(filters)} finds exactly ${expected.join(
      ', ',
    )}`, async () => {
      for (const term of ['', 'shop']) {
        const { results } = await engine.query({
          term,
          types: ['mesh'],
          filters,
        });
        assert.deepEqual(results.map(r => r.document.title).sort(), expected);
      }
    });
  }
}

describe('the demo search index for mesh documents (Lunr, default translator)', () => {
  const engine = new LunrSearchEngine({ logger: mockServices.rootLogger() });
  before(() => indexDemo(engine));

  it('indexes one document per demo component', async () => {
    assert.equal(
      (await find(engine, 'homelab cloud')).length,
      DEMO_POSTURES.length,
    );
  });

  itFindsTermsAndFilters(engine);

  /*
   * Lunr ORs the query's words and never indexes "not" (a stop word), so
   * "not meshed" looks for the stem "mesh", which every mesh document
   * carries in its location (/catalog/<ns>/<kind>/<name>/mesh, also an
   * indexed field). Meshed entities therefore still match, through their
   * link and through fuzzy matches of "not" ("pods", "ok"), but never
   * through a word of their text, and rank below the unmeshed ones.
   */
  it('"not meshed" puts the unmeshed entities first and matches no meshed entity by its text', async () => {
    const results = await find(engine, 'not meshed');
    assert.equal(results.length, DEMO_POSTURES.length);
    const first = results.slice(0, UNMESHED.length).map(r => r.document.title);
    assert.deepEqual(first.sort(), UNMESHED);

    const meshWord = /\bmesh(ed|es)?\b/i;
    const matchedByText = results
      .filter(r => {
        const { preTag, postTag, fields } = r.highlight!;
        const highlighted = (fields.text ?? '')
          .split(preTag)
          .slice(1)
          .map(s => s.split(postTag)[0]);
        return highlighted.some(word => meshWord.test(word));
      })
      .map(r => r.document.title)
      .sort();
    assert.deepEqual(matchedByText, UNMESHED);
  });
});

describe('the demo search index for mesh documents (Lunr, content query translator)', () => {
  const logger = mockServices.rootLogger();
  const engine = new LunrSearchEngine({ logger });
  engine.setTranslator(createContentLunrQueryTranslator({ logger }));
  before(() => indexDemo(engine));

  itFindsTermsAndFilters(engine);

  for (const term of ['not meshed', 'not in any mesh']) {
    it(`"${term}" finds exactly the unmeshed entities`, async () => {
      assert.deepEqual(await titles(engine, term), UNMESHED);
    });
  }
});
