import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { meshEntityReadPermission } from '@meshlens/plugin-mesh-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityMeshStatus, OverviewEntity } from '@meshlens/plugin-mesh-common';
import {
  component,
  FixedMeshStatusService,
  overviewOf,
  overviewRow,
} from '../__testUtils__/fixtures';
import { MeshIndexableDocument } from '../types';
import { MeshCollatorFactory } from './MeshCollatorFactory';

async function collate(
  factory: MeshCollatorFactory,
): Promise<MeshIndexableDocument[]> {
  const documents: MeshIndexableDocument[] = [];
  for await (const document of await factory.getCollator()) {
    documents.push(document);
  }
  return documents;
}

function setup(options: {
  entities: ReturnType<typeof component>[];
  rows: OverviewEntity[];
  entityStatuses?: Record<string, EntityMeshStatus | Error>;
  batchSize?: number;
}) {
  const catalog = catalogServiceMock({ entities: options.entities });
  const queryEntities = jest.spyOn(catalog, 'queryEntities');
  const meshStatus = new FixedMeshStatusService(
    overviewOf(options.rows),
    options.entityStatuses,
  );
  const factory = new MeshCollatorFactory({
    auth: mockServices.auth(),
    catalog,
    meshStatus,
    logger: mockServices.logger.mock(),
    batchSize: options.batchSize,
  });
  return { factory, meshStatus, queryEntities };
}

async function documentFor(
  row: OverviewEntity,
  entity = component(row.entityRef.split('/')[1]),
): Promise<MeshIndexableDocument> {
  const { factory } = setup({ entities: [entity], rows: [row] });
  const [document] = await collate(factory);
  return document;
}

// Words that make lunr's stemmed "meshed" (and so "not meshed") match.
const MESH_WORD = /\bmesh(ed|es)?\b/i;

describe('MeshCollatorFactory', () => {
  it('is of type mesh and guarded by mesh.entity.read, like the route', () => {
    const { factory } = setup({ entities: [], rows: [] });
    expect(factory.type).toBe('mesh');
    expect(factory.visibilityPermission).toBe(meshEntityReadPermission);
  });

  it('describes a fully meshed Linkerd entity', async () => {
    const document = await documentFor(
      overviewRow('component:default/storefront', {
        soonestCertificateExpiry: {
          daysLeft: 12,
          status: 'warning',
          subject: 'identity.linkerd.cluster.local',
        },
      }),
    );
    expect(document).toEqual({
      title: 'storefront',
      text:
        'storefront runs in Linkerd sidecar on homelab: 3 of 3 pods with the proxy, ' +
        'mTLS strict, all requests encrypted, 99.2% success, ' +
        'certificate identity.linkerd.cluster.local expiring in 12 days (warning).',
      location: '/catalog/default/component/storefront/mesh',
      mesh: 'linkerd',
      meshTitle: 'Linkerd',
      dataPlane: 'sidecar',
      clusters: ['homelab'],
      mtlsMode: 'strict',
      meshedShare: 1,
      certificateStatus: 'warning',
      soonestExpiryDays: 12,
      failingChecks: [],
      owner: 'group:default/shop-team',
      kind: 'Component',
      namespace: 'default',
      entityRef: 'component:default/storefront',
      authorization: { resourceRef: 'component:default/storefront' },
    });
    expect(document.text).not.toMatch(MESH_WORD);
  });

  it('carries the failing check IDs, in a field and at the end of the text', async () => {
    const document = await documentFor(
      overviewRow('component:default/payments', {
        failingChecks: ['MESH-COM-009', 'MESH-LNK-004'],
      }),
    );
    expect(document.failingChecks).toEqual(['MESH-COM-009', 'MESH-LNK-004']);
    expect(document.text).toMatch(/ Failing checks: COM-009, LNK-004\.$/);
    // Tokenizers split `MESH-COM-009` into words: "mesh" would make every
    // entity with a failing check a hit for "not meshed".
    expect(document.text).not.toMatch(MESH_WORD);
  });

  it('says how many pods of a partly enrolled Linkerd entity lack the proxy', async () => {
    const document = await documentFor(
      overviewRow('component:default/payments', {
        meshedPods: 2,
        mtlsMode: 'automatic',
        encryptedShare: 0.7,
      }),
    );
    expect(document.text).toContain(
      '2 of 3 pods with the proxy, 1 without (partial enrolment)',
    );
    expect(document.text).toContain(
      'mTLS automatic, 70% of requests encrypted, 30% plaintext',
    );
    expect(document.meshedShare).toBeCloseTo(2 / 3);
    expect(document.text).not.toMatch(MESH_WORD);
  });

  it('tells Istio strict from permissive mTLS', async () => {
    const strict = await documentFor(
      overviewRow('component:default/orders', {
        clusters: ['cloud'],
        mesh: 'istio',
        mtlsMode: 'strict',
      }),
    );
    const permissive = await documentFor(
      overviewRow('component:default/inventory', {
        clusters: ['cloud'],
        mesh: 'istio',
        mtlsMode: 'permissive',
        encryptedShare: 0.75,
      }),
    );
    expect(strict.text).toContain('runs in Istio sidecar on cloud');
    expect(strict.text).toContain('mTLS strict');
    expect(strict.text).not.toMatch(/permissive|plaintext/);
    expect(strict.mtlsMode).toBe('strict');

    expect(permissive.text).toContain('mTLS permissive (accepts plaintext)');
    expect(permissive.text).toContain(
      '75% of requests encrypted, 25% plaintext',
    );
    expect(permissive.mtlsMode).toBe('permissive');
  });

  it('names Istio ambient and Cilium by their data planes', async () => {
    const ambient = await documentFor(
      overviewRow('component:default/recommendations', {
        clusters: ['cloud'],
        mesh: 'istio',
        dataPlane: 'ambient',
        mtlsMode: 'automatic',
      }),
    );
    const cilium = await documentFor(
      overviewRow('component:default/sensor-gateway', {
        mesh: 'cilium',
        dataPlane: 'ebpf',
        mtlsMode: 'automatic',
        encryptedShare: null,
        successRate: null,
      }),
    );
    expect(ambient.text).toContain(
      'runs in Istio ambient (ztunnel) on cloud: 3 of 3 pods enrolled in ambient',
    );
    expect(ambient.dataPlane).toBe('ambient');
    expect(cilium.text).toBe(
      'sensor-gateway runs in Cilium eBPF on homelab: 3 of 3 pods managed by Cilium, mTLS automatic.',
    );
    expect(cilium.mesh).toBe('cilium');
  });

  it('describes an entity in no mesh with the words people search for', async () => {
    const document = await documentFor(
      overviewRow('component:default/legacy-reports', {
        mesh: 'none',
        dataPlane: 'none',
        pods: 2,
        meshedPods: 0,
        mtlsMode: 'disabled',
        encryptedShare: null,
        successRate: null,
      }),
    );
    expect(document.text).toBe(
      'legacy-reports is not meshed (unmeshed): not in any mesh on homelab: ' +
        'none of 2 pods has a proxy, traffic in plaintext, without mTLS.',
    );
    expect(document).toMatchObject({
      mesh: 'none',
      dataPlane: 'none',
      meshedShare: 0,
      mtlsMode: 'disabled',
    });
  });

  it('says when certificates expire, and only then uses the word', async () => {
    const cert = (daysLeft: number, status: any) =>
      overviewRow('component:default/storefront', {
        soonestCertificateExpiry: {
          daysLeft,
          status,
          subject: 'identity.linkerd.cluster.local',
        },
      });
    const healthy = await documentFor(cert(300, 'ok'));
    const critical = await documentFor(cert(1, 'critical'));
    const expired = await documentFor(cert(-3, 'expired'));

    expect(healthy.text).toContain('certificates valid for 300 days more');
    expect(healthy.text).not.toMatch(/expir/i);
    expect(healthy.certificateStatus).toBe('ok');

    expect(critical.text).toContain(
      'certificate identity.linkerd.cluster.local expiring in 1 day (critical)',
    );
    expect(expired.text).toContain(
      'certificate identity.linkerd.cluster.local expired 3 days ago',
    );
    expect(expired).toMatchObject({
      certificateStatus: 'expired',
      soonestExpiryDays: -3,
    });
  });

  it('indexes the entities of a failing cluster with what is known and names the failure', async () => {
    const entities = [
      component('storefront', { cluster: 'homelab' }),
      component('orders', { cluster: 'cloud' }),
      component('inventory', { cluster: 'cloud' }),
    ];
    const rows = [
      overviewRow('component:default/storefront'),
      overviewRow('component:default/orders', {
        clusters: ['cloud'],
        mesh: 'istio',
        successRate: null,
        encryptedShare: null,
        errors: [
          {
            cluster: 'cloud',
            source: 'prometheus',
            message: 'unreachable (connect ECONNREFUSED 127.0.0.1:19091)',
          },
        ],
      }),
      overviewRow('component:default/inventory', {
        clusters: ['cloud'],
        mesh: 'none',
        dataPlane: 'none',
        pods: 0,
        meshedPods: 0,
        mtlsMode: 'unknown',
        errors: [
          { cluster: 'cloud', source: 'kubernetes', message: 'proxy 503' },
        ],
      }),
    ];
    const { factory } = setup({ entities, rows });
    const documents = await collate(factory);

    expect(documents.map(d => d.title)).toEqual([
      'storefront',
      'orders',
      'inventory',
    ]);
    expect(documents[0].text).not.toContain('unknown');
    expect(documents[1].text).toBe(
      'orders runs in Istio sidecar on cloud: 3 of 3 pods with the proxy, mTLS strict, ' +
        'status on cloud unknown: Prometheus unreachable (connect ECONNREFUSED 127.0.0.1:19091).',
    );
    // Its workloads could not be read: it must not turn up as "not meshed".
    expect(documents[2].text).toBe(
      'inventory status unknown: status on cloud unknown: Kubernetes proxy 503.',
    );
    expect(documents[2].text).not.toMatch(MESH_WORD);
    expect(documents[2]).toMatchObject({
      mesh: 'unknown',
      dataPlane: 'unknown',
    });
  });

  it('asks one by one only for entities the overview lacks', async () => {
    const shipping: EntityMeshStatus = {
      entityRef: 'component:default/shipping',
      window: '5m',
      generatedAt: new Date(0).toISOString(),
      clusters: [
        {
          cluster: 'homelab',
          namespace: 'shipping',
          mesh: 'linkerd',
          dataPlane: 'sidecar',
          meshTitle: 'Linkerd',
          controlPlane: null,
          injection: { namespace: 'enabled', marker: null },
          workloads: [
            {
              kind: 'Deployment',
              name: 'shipping',
              pods: 2,
              meshedPods: 2,
              proxyVersions: [],
              versionSkew: false,
              mtls: { mode: 'strict', encryptedShare: 1 },
              metrics: {
                requestsPerSecond: 3,
                successRate: 1,
                latencyMs: { p50: null, p95: null, p99: null },
              },
              edges: [],
            },
          ],
          certificates: [],
          policies: [],
          checks: [],
          errors: [],
        },
        {
          cluster: 'cloud',
          namespace: 'shipping',
          mesh: 'istio',
          dataPlane: 'sidecar',
          meshTitle: 'Istio',
          controlPlane: null,
          injection: { namespace: 'enabled', marker: null },
          workloads: [
            {
              kind: 'Deployment',
              name: 'shipping',
              pods: 1,
              meshedPods: 1,
              proxyVersions: [],
              versionSkew: false,
              mtls: { mode: 'permissive', encryptedShare: 0.5 },
              metrics: {
                requestsPerSecond: 1,
                successRate: 0.9,
                latencyMs: { p50: null, p95: null, p99: null },
              },
              edges: [],
            },
          ],
          certificates: [],
          policies: [],
          checks: [],
          errors: [],
        },
      ],
    };
    const { factory, meshStatus } = setup({
      entities: [
        component('storefront'),
        component('shipping'),
        component('ghost'),
      ],
      rows: [overviewRow('component:default/storefront')],
      entityStatuses: {
        'component:default/shipping': shipping,
        'component:default/ghost': new Error('entity not found in any cluster'),
      },
    });
    const documents = await collate(factory);

    expect(meshStatus.calls).toEqual({
      overview: 1,
      entityStatus: 2,
      certificates: 0,
    });
    expect(documents[1].text).toBe(
      'shipping runs in Linkerd sidecar on homelab and Istio sidecar on cloud: ' +
        '3 of 3 pods enrolled, mTLS permissive (accepts plaintext), ' +
        '87.5% of requests encrypted, 12.5% plaintext, 97.5% success.',
    );
    expect(documents[1]).toMatchObject({
      mesh: 'linkerd',
      clusters: ['homelab', 'cloud'],
      mtlsMode: 'permissive',
    });
    expect(documents[2]).toMatchObject({
      title: 'ghost',
      text: 'ghost status unknown: entity not found in any cluster.',
      mesh: 'unknown',
      authorization: { resourceRef: 'component:default/ghost' },
    });
  });

  it('pages through the catalog by cursor and asks for status once', async () => {
    const entities = Array.from({ length: 23 }, (_, i) =>
      component(`service-${String(i).padStart(2, '0')}`),
    );
    const { factory, meshStatus, queryEntities } = setup({
      entities,
      rows: entities.map(e =>
        overviewRow(`component:default/${e.metadata.name}`),
      ),
      batchSize: 5,
    });
    const documents = await collate(factory);

    expect(documents).toHaveLength(23);
    expect(new Set(documents.map(d => d.entityRef)).size).toBe(23);
    expect(queryEntities).toHaveBeenCalledTimes(5);
    expect(queryEntities.mock.calls[0][0]).toMatchObject({
      limit: 5,
      filter: [
        {
          'metadata.annotations.backstage.io/kubernetes-id': expect.anything(),
        },
        {
          'metadata.annotations.backstage.io/kubernetes-label-selector':
            expect.anything(),
        },
      ],
    });
    for (const [request] of queryEntities.mock.calls.slice(1)) {
      expect(request).toMatchObject({ cursor: expect.any(String), limit: 5 });
    }
    expect(meshStatus.calls).toEqual({
      overview: 1,
      entityStatus: 0,
      certificates: 0,
    });
  });

  it('indexes only entities with Kubernetes annotations, either kind', async () => {
    const { factory } = setup({
      entities: [
        component('storefront'),
        component('inventory', { labelSelector: true }),
        component('docs-site', { kubernetes: false }),
      ],
      rows: [
        overviewRow('component:default/storefront'),
        overviewRow('component:default/inventory'),
      ],
    });
    const documents = await collate(factory);
    expect(documents.map(d => d.title).sort()).toEqual([
      'inventory',
      'storefront',
    ]);
  });

  it('carries the entity ref for authorization and links to the mesh tab', async () => {
    const { factory } = setup({
      entities: [
        component('Billing', {
          namespace: 'Finance',
          title: 'Billing API',
          owner: 'user:jane',
        }),
      ],
      rows: [overviewRow('Component:Finance/Billing')],
    });
    const [document] = await collate(factory);
    expect(document).toMatchObject({
      title: 'Billing API',
      location: '/catalog/finance/component/Billing/mesh',
      entityRef: 'component:finance/billing',
      authorization: { resourceRef: 'component:finance/billing' },
      owner: 'user:finance/jane',
      namespace: 'Finance',
      mesh: 'linkerd',
    });
  });

  it('fails the collation when the overview fails, keeping the previous index', async () => {
    const catalog = catalogServiceMock({ entities: [component('storefront')] });
    const factory = new MeshCollatorFactory({
      auth: mockServices.auth(),
      catalog,
      meshStatus: new FixedMeshStatusService(async () => {
        throw new Error('mesh backend not ready');
      }),
      logger: mockServices.logger.mock(),
    });
    await expect(collate(factory)).rejects.toThrow('mesh backend not ready');
  });

  it('reads batch size and window from config and rejects bad values', () => {
    const options = {
      auth: mockServices.auth(),
      catalog: catalogServiceMock(),
      meshStatus: new FixedMeshStatusService(overviewOf([])),
      logger: mockServices.logger.mock(),
    };
    const config = (mesh: object) =>
      new ConfigReader({ search: { collators: { mesh } } });
    expect(() =>
      MeshCollatorFactory.fromConfig(
        config({ batchSize: 50, window: '10m' }),
        options,
      ),
    ).not.toThrow();
    expect(() =>
      MeshCollatorFactory.fromConfig(config({ batchSize: 0 }), options),
    ).toThrow(/search.collators.mesh.batchSize 0: use a whole number/);
    expect(() =>
      MeshCollatorFactory.fromConfig(
        config({ window: 'ten minutes' }),
        options,
      ),
    ).toThrow(/search.collators.mesh.window 'ten minutes'/);
  });
});
