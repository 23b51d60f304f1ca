import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ObjectStore,
  ServedApis,
  findResource,
  rbacPolicyFromObjects,
  startApiServer,
} from '@meshlens/demo-cluster';
import {
  KubeObject,
  KubernetesClusterReader,
  KubernetesProxyClient,
} from '@meshlens/plugin-mesh-node';
import { CURRENT_MESH_CRDS, FakeCluster } from './fakeCluster';

/** One cluster as a contract case describes it, whichever server serves it. */
export interface ClusterFixture {
  /** CRD versions served, as `group/version/plural`. */
  crds: string[];
  objects: Array<{ apiVersion: string; plural: string; object: KubeObject }>;
  /** Kinds the reader's token may not read (403), by API group and plural. */
  forbidden?: Array<{ apiGroup: string; resource: string }>;
}

/** A running API server of one fixture. */
export interface ContractTarget {
  url: string;
  expireContinueTokens(): void;
  close(): Promise<void>;
}

/** An API server implementation the contract runs against. */
export interface ContractServer {
  name: string;
  start(fixture: ClusterFixture): Promise<ContractTarget>;
}

const TOKEN = 'contract-reader-token';
const READER = 'system:serviceaccount:meshlens:meshlens';
const BUILT_IN_KINDS: Record<string, string[]> = {
  '': ['namespaces', 'pods', 'services', 'configmaps', 'secrets'],
  apps: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
  'networking.k8s.io': ['networkpolicies'],
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: http.Server) {
  return () =>
    new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** The in-process fake, served over HTTP as it answers in the msw handlers. */
export const fakeServer: ContractServer = {
  name: 'FakeCluster',
  async start(fixture) {
    const fake = new FakeCluster({ crds: fixture.crds });
    for (const o of fixture.objects) fake.add(o.apiVersion, o.plural, o.object);
    for (const f of fixture.forbidden ?? []) {
      const prefix = f.apiGroup ? `apis/${f.apiGroup}/[^/]+` : 'api/v1';
      fake.forbid(
        new RegExp(`^/${prefix}(/namespaces/[^/]+)?/${f.resource}(/|$)`),
      );
    }
    const server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const answer = fake.handle(url.pathname, url.searchParams);
      if (answer === 'hang') return;
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        ...answer.headers,
      });
      res.end(JSON.stringify(answer.body));
    });
    return {
      url: await listen(server),
      expireContinueTokens: () => fake.expireContinueTokens(),
      close: closer(server),
    };
  },
};

/** The demo's API server, with the fixture's CRD set and RBAC for the reader's token. */
export const demoServer: ContractServer = {
  name: 'demo API server',
  async start(fixture) {
    const store = new ObjectStore();
    const now = new Date('2026-01-01T00:00:00Z');
    for (const o of fixture.objects) {
      const [group, version] = o.apiVersion.includes('/')
        ? o.apiVersion.split('/')
        : ['', o.apiVersion];
      const type = findResource(group, version, o.plural);
      if (!type)
        throw new Error(`the demo knows no ${o.apiVersion} ${o.plural}`);
      store.put(type, store.prepareNew(type, o.object as any, now));
    }
    // Like deploy/rbac.yaml, the grant names the mesh kinds whether or not
    // their CRDs are installed: an API server authorizes before it routes,
    // so an ungranted kind answers 403 even where it is not served.
    const kinds: Record<string, string[]> = { ...BUILT_IN_KINDS };
    for (const ref of [...CURRENT_MESH_CRDS, ...fixture.crds]) {
      const [group, , plural] = ref.split('/');
      kinds[group] = [...new Set([...(kinds[group] ?? []), plural])];
    }
    // RBAC only grants: the reader gets every kind but the forbidden ones.
    const rules = Object.entries(kinds).map(([group, plurals]) => ({
      apiGroups: [group],
      resources: plurals.filter(
        p =>
          !fixture.forbidden?.some(
            f => f.apiGroup === group && f.resource === p,
          ),
      ),
      verbs: ['get', 'list', 'watch'],
    }));
    const policy = rbacPolicyFromObjects([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'reader' },
        rules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'reader' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'reader',
        },
        subjects: [
          { kind: 'ServiceAccount', name: 'meshlens', namespace: 'meshlens' },
        ],
      },
    ]);
    const api = await startApiServer({
      port: 0,
      store,
      servedApis: new ServedApis(fixture.crds),
      rbac: { policy, users: { [TOKEN]: READER } },
    });
    return api;
  },
};

/**
 * The Kubernetes backend's part, as the product reaches clusters: a proxy
 * at `/api/kubernetes/proxy` that sends the cluster's own token. After
 * the first page of a list it can expire the continue tokens, as a
 * compaction between two pages would.
 */
export async function readerOf(
  target: ContractTarget,
  options: { pageSize?: number; expireAfterFirstPage?: boolean } = {},
): Promise<{
  reader: KubernetesClusterReader;
  requests: string[];
  close: () => Promise<void>;
}> {
  const requests: string[] = [];
  let expired = false;
  const server = http.createServer(async (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/kubernetes/clusters')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          items: [{ name: 'contract', authProvider: 'serviceAccount' }],
        }),
      );
      return;
    }
    const path = url.replace('/api/kubernetes/proxy', '');
    requests.push(path);
    const upstream = await fetch(`${target.url}${path}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const body = await upstream.text();
    if (
      options.expireAfterFirstPage &&
      !expired &&
      body.includes('"continue"')
    ) {
      expired = true;
      target.expireContinueTokens();
    }
    res.writeHead(upstream.status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  const base = await listen(server);
  const proxy = new KubernetesProxyClient({
    discovery: {
      getBaseUrl: async () => `${base}/api/kubernetes`,
      getExternalBaseUrl: async () => `${base}/api/kubernetes`,
    },
    auth: mockServices.auth(),
    pageSize: options.pageSize,
    timeoutMs: 5000,
  });
  return {
    reader: proxy.session(mockCredentials.service()).reader('contract'),
    requests,
    close: closer(server),
  };
}
