import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  PermissionEvaluator,
} from '@backstage/plugin-permission-common';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { meshStatusServiceRef } from '@meshlens/plugin-mesh-node';
import searchPlugin from '@backstage/plugin-search-backend';
import request from 'supertest';
import {
  component,
  FixedMeshStatusService,
  overviewOf,
  overviewRow,
} from './__testUtils__/fixtures';
import { createContentLunrQueryTranslator } from './lunr/contentQueryTranslator';
import { searchModuleMeshCollator } from './module';

// How a backend opts into the content query translator (see the README).
const lunrContentQueries = createBackendModule({
  pluginId: 'search',
  moduleId: 'lunr-content-queries',
  register(env) {
    env.registerInit({
      deps: {
        engines: searchEngineRegistryExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ engines, logger }) {
        const engine = new LunrSearchEngine({ logger });
        engine.setTranslator(createContentLunrQueryTranslator({ logger }));
        engines.setSearchEngine(engine);
      },
    });
  },
});

const rows = [
  overviewRow('component:default/storefront'),
  overviewRow('component:default/inventory', {
    clusters: ['cloud'],
    mesh: 'istio',
    mtlsMode: 'permissive',
  }),
  overviewRow('component:default/legacy-reports', {
    mesh: 'none',
    dataPlane: 'none',
    meshedPods: 0,
    mtlsMode: 'disabled',
    encryptedShare: null,
  }),
];

async function startSearch(permissions?: PermissionEvaluator) {
  const scheduler = mockServices.scheduler();
  const backend = await startTestBackend({
    features: [
      // Runs tasks only when triggered.
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      searchPlugin,
      searchModuleMeshCollator,
      lunrContentQueries,
      catalogServiceMock.factory({
        entities: [
          component('storefront'),
          component('inventory', { labelSelector: true }),
          component('legacy-reports'),
        ],
      }),
      createServiceFactory({
        service: meshStatusServiceRef,
        deps: {},
        factory: () => new FixedMeshStatusService(overviewOf(rows)),
      }),
      ...(permissions
        ? [
            // The demo runs with permissions enabled, as here.
            mockServices.rootConfig.factory({
              data: { permission: { enabled: true } },
            }),
            createServiceFactory({
              service: coreServices.permissions,
              deps: {},
              factory: () => permissions,
            }),
          ]
        : []),
    ],
  });
  // The search backend schedules its index tasks once started.
  await scheduler.triggerTask('search_index_mesh');
  const search = (term: string) =>
    request(backend.server)
      .get('/api/search/query')
      .query({ term, types: ['mesh'] });
  const titles = async (term: string) => {
    const response = await search(term);
    expect(response.status).toBe(200);
    return response.body.results.map((r: any) => r.document.title);
  };
  return { backend, search, titles };
}

describe('the mesh collator in a search backend', () => {
  it('serves its documents through /api/search/query once indexed', async () => {
    const { backend, search, titles } = await startSearch();
    try {
      const response = await search('unmeshed');
      expect(response.status).toBe(200);
      expect(response.body.results).toEqual([
        expect.objectContaining({
          type: 'mesh',
          document: expect.objectContaining({
            title: 'legacy-reports',
            location: '/catalog/default/component/legacy-reports/mesh',
            mesh: 'none',
          }),
        }),
      ]);
      expect(await titles('not meshed')).toEqual(['legacy-reports']);
      expect(await titles('permissive')).toEqual(['inventory']);
      expect(await titles('linkerd')).toEqual(['storefront']);
    } finally {
      await backend.stop();
    }
  });

  it('shows people only the entities they may read', async () => {
    const permissions: PermissionEvaluator = {
      // Reading entities depends on the entity, as with ownership rules...
      authorizeConditional: async requests =>
        requests.map(() => ({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: {
            rule: 'IS_ENTITY_OWNER',
            resourceType: 'catalog-entity',
            params: { claims: ['group:default/shop-team'] },
          },
        })),
      // ...and this person may not read legacy-reports.
      authorize: async requests =>
        requests.map(r => ({
          result:
            'resourceRef' in r &&
            r.resourceRef === 'component:default/legacy-reports'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
    };
    const { backend, titles } = await startSearch(permissions);
    try {
      expect(await titles('unmeshed')).toEqual([]);
      expect(await titles('permissive')).toEqual(['inventory']);
    } finally {
      await backend.stop();
    }
  });
});
