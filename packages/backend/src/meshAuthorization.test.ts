import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import searchPlugin from '@backstage/plugin-search-backend';
import meshPlugin from '@meshlens/plugin-mesh-backend';
import meshSearchModule from '@meshlens/plugin-search-backend-module-mesh';
import { DemoCluster, startDemoCluster } from '@meshlens/demo-cluster';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import demoPolicyModule from './permissionPolicy';
import lunrContentQueries from './searchEngine';
import { kubernetesProxyStandIn } from './__testUtils__/kubernetesProxyStandIn';

/*
 * Every Meshlens permission decision through the HTTP API, with the real
 * framework end to end: the permission backend runs the file-driven policy,
 * whose `owner` decision is a CONDITIONAL one with the catalog's
 * isEntityOwner; the permission backend resolves it against the real
 * catalog (its apply-conditions endpoint) for each entity ref Meshlens asks
 * about, and the search backend does the same for the collator's documents.
 * The mesh backend reads the demo cluster's API servers (without
 * Prometheus) through a stand-in for the Kubernetes backend's proxy.
 */

jest.setTimeout(120_000);

const EXAMPLES = resolve(__dirname, '../../../examples');

// Three users: one allowed everything, one allowed on what their team owns,
// one denied every Meshlens permission.
const POLICY = `
rules:
  - who: [group:default/platform-team]
    permissions: ['*']
    decision: allow
  - who: [group:default/payments-team]
    permissions: ['mesh.*', kubernetes.proxy]
    decision: deny
  # mesh.entity.read: the entities of the user's team; mesh.certificates.read
  # is cluster-wide, so "owner" denies it.
  - who: ['*']
    permissions: ['mesh.*', kubernetes.proxy]
    decision: owner
  - who: ['*']
    permissions: ['*']
    decision: allow
`;

const ADMIN = 'user:default/admin';
const GUEST = 'user:default/guest';
const GRACE = 'user:default/grace';

// What sign-in puts in each user's token (examples/org.yaml's memberOf);
// the mock tokens carry only the user.
const GROUPS: Record<string, string[]> = {
  [ADMIN]: ['group:default/platform-team'],
  [GUEST]: ['group:default/shop-team'],
  [GRACE]: ['group:default/payments-team'],
};

// examples/entities.yaml: the components shop-team owns, and the others.
const SHOP_TEAM = [
  'component:default/inventory',
  'component:default/orders',
  'component:default/recommendations',
  'component:default/shipping',
  'component:default/storefront',
];
const NOT_SHOP_TEAM = [
  'component:default/legacy-reports',
  'component:default/payments',
  'component:default/sensor-gateway',
];

/**
 * Backstage's mock auth, except that a token a plugin gets on behalf of a
 * user names that plugin as the actor, as the real auth service's do. The
 * permission backend refuses a user's request about a resource permission
 * without a resourceRef unless it comes through a plugin (the catalog's own
 * list and by-name reads do so); the plain mock drops the actor, so every
 * catalog read of the user would be refused.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const inner = mockServices.auth({ pluginId: plugin.getId() });
    return {
      authenticate: (token, options) => inner.authenticate(token, options),
      getNoneCredentials: () => inner.getNoneCredentials(),
      getOwnServiceCredentials: () => inner.getOwnServiceCredentials(),
      isPrincipal: inner.isPrincipal.bind(inner) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials =>
        inner.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => inner.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const { principal } = options.onBehalfOf as BackstageCredentials<any>;
        if (principal.type !== 'user') {
          return inner.getPluginRequestToken(options);
        }
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      },
    };
  },
});

let demo: DemoCluster;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
const scheduler = mockServices.scheduler();

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});
const api = (path: string, user: string) =>
  request(backend.server).get(path).set(as(user));

async function waitForCatalog() {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api(
      '/api/catalog/entities/by-name/component/default/shipping',
      ADMIN,
    );
    const owned = res.body?.relations?.some((r: any) => r.type === 'ownedBy');
    if (res.status === 200 && owned) return;
    if (Date.now() > deadline) {
      throw new Error(
        `catalog not ready: ${res.status} ${JSON.stringify(res.body)}`,
      );
    }
    await new Promise(r => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  demo = await startDemoCluster({
    ports: { homelab: 0, cloud: 0, prometheusHomelab: 0, prometheusCloud: 0 },
    prometheus: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mesh-authz-'));
  const policyFile = join(dir, 'permissions.yaml');
  writeFileSync(policyFile, POLICY);
  const kubeCluster = (name: 'homelab' | 'cloud') => ({
    name,
    url: demo.apiUrls[name],
    serviceAccountToken: `demo-${name}-token`,
  });
  backend = await startTestBackend({
    features: [
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true, policyFile },
          catalog: {
            rules: [{ allow: ['Component', 'System', 'User', 'Group'] }],
            locations: [
              { type: 'file', target: join(EXAMPLES, 'entities.yaml') },
              { type: 'file', target: join(EXAMPLES, 'org.yaml') },
            ],
          },
          mesh: {
            // Prometheus is left out: the Kubernetes part is what is authorized.
            clusters: [
              { name: 'homelab', prometheus: { url: 'http://127.0.0.1:9' } },
              { name: 'cloud', prometheus: { url: 'http://127.0.0.1:9' } },
            ],
            timeoutMs: 5000,
            cacheTtlSeconds: 60,
          },
        },
      }),
      createServiceFactory({
        service: coreServices.userInfo,
        deps: {},
        factory: () => ({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...(GROUPS[ref] ?? [])],
            };
          },
        }),
      }),
      // Index tasks run when the test triggers them.
      createServiceFactory({
        service: coreServices.scheduler,
        deps: {},
        factory: () => scheduler,
      }),
      authWithActors,
      catalogPlugin,
      permissionPlugin,
      demoPolicyModule,
      kubernetesProxyStandIn([kubeCluster('homelab'), kubeCluster('cloud')]),
      meshPlugin,
      searchPlugin,
      lunrContentQueries,
      meshSearchModule,
    ],
  });
  await waitForCatalog();
});

afterAll(async () => {
  await backend?.stop();
  await demo?.stop();
});

describe('Meshlens permissions through the HTTP API', () => {
  const entity = (ref: string) =>
    `/api/mesh/v1/entities/${ref.replace(':', '/')}`;

  it('entity route: allowed, denied, and allowed only on what the user owns', async () => {
    for (const ref of [...SHOP_TEAM, ...NOT_SHOP_TEAM]) {
      const res = await api(entity(ref), ADMIN);
      expect({ ref, status: res.status }).toEqual({ ref, status: 200 });
      expect(res.body.entityRef).toBe(ref);
    }
    for (const ref of SHOP_TEAM) {
      const res = await api(entity(ref), GUEST);
      expect({ ref, status: res.status }).toEqual({ ref, status: 200 });
      expect(res.body.entityRef).toBe(ref);
    }
    // What is allowed is read from the cluster, not an empty answer.
    const storefront = await api(entity('component:default/storefront'), GUEST);
    expect(storefront.body.clusters).toEqual([
      expect.objectContaining({ cluster: 'homelab', mesh: 'linkerd' }),
    ]);
    for (const ref of NOT_SHOP_TEAM) {
      const res = await api(entity(ref), GUEST);
      expect({ ref, status: res.status }).toEqual({ ref, status: 403 });
      expect(res.body.error.message).toContain('mesh.entity.read');
    }
    for (const ref of [SHOP_TEAM[0], NOT_SHOP_TEAM[0]]) {
      const res = await api(entity(ref), GRACE);
      expect({ ref, status: res.status }).toEqual({ ref, status: 403 });
    }
    // The time series is the same permission on the same entity.
    expect(
      (await api(`${entity(NOT_SHOP_TEAM[0])}/timeseries`, GUEST)).status,
    ).toBe(403);
  });

  it('overview: every row, only the owned rows, no row', async () => {
    const refs = async (user: string) => {
      const res = await api('/api/mesh/v1/overview', user);
      expect(res.status).toBe(200);
      return res.body.entities.map((e: any) => e.entityRef).sort();
    };
    expect(await refs(ADMIN)).toEqual([...SHOP_TEAM, ...NOT_SHOP_TEAM].sort());
    expect(await refs(GUEST)).toEqual(SHOP_TEAM);
    expect(await refs(GRACE)).toEqual([]);
  });

  it('certificates route: allowed, and denied both outright and by an owner rule (cluster-wide, no entity to own)', async () => {
    const admin = await api('/api/mesh/v1/certificates', ADMIN);
    expect(admin.status).toBe(200);
    expect(admin.body.certificates.length).toBeGreaterThan(0);
    for (const user of [GUEST, GRACE]) {
      const res = await api('/api/mesh/v1/certificates', user);
      expect({ user, status: res.status }).toEqual({ user, status: 403 });
      expect(res.body.error.message).toContain('mesh.certificates.read');
    }
  });

  it("search: the collator's documents, filtered per user like the route", async () => {
    await scheduler.triggerTask('search_index_mesh');
    const found = async (user: string) => {
      const res = await request(backend.server)
        .get('/api/search/query')
        .query({ term: '', types: ['mesh'], pageLimit: 100 })
        .set(as(user));
      expect(res.status).toBe(200);
      return res.body.results
        .map((r: any) => {
          // location: /catalog/<namespace>/<kind>/<name>/mesh
          const [, , namespace, kind, name] = r.document.location.split('/');
          return `${kind}:${namespace}/${name}`;
        })
        .sort();
    };
    expect(await found(ADMIN)).toEqual([...SHOP_TEAM, ...NOT_SHOP_TEAM].sort());
    expect(await found(GUEST)).toEqual(SHOP_TEAM);
    expect(await found(GRACE)).toEqual([]);
  });
});
