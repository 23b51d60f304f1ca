/**
 * The read path's contract: what the mesh backend reads from Kubernetes
 * (namespaces, pods, ConfigMaps, the mesh CRDs, paged lists, errors), read
 * by the product's own reader through a Kubernetes-backend proxy, against
 * the in-process FakeCluster and the demo API server alike. One table of
 * cases; a case that passes on one server and fails on the other means the
 * fake has drifted from the real semantics.
 */
/* eslint-disable jest/no-standalone-expect -- each case's check runs inside the it.each at the end */
import { NotAllowedError, InputError } from '@backstage/errors';
import {
  IstioAdapter,
  LinkerdAdapter,
} from '@meshlens/plugin-mesh-node/adapters';
import {
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
} from '@meshlens/plugin-mesh-node';
import {
  ClusterFixture,
  ContractServer,
  demoServer,
  fakeServer,
  readerOf,
} from './__testUtils__/contractServers';
import { CURRENT_MESH_CRDS } from './__testUtils__/fakeCluster';
import { ServedApis } from '@meshlens/demo-cluster';

const crds = (group: string, plural: string, versions: string[]) =>
  versions.map(v => `${group}/${v}/${plural}`);

/** An Istio 1.22+ cluster, and one from before security.istio.io/v1. */
const ISTIO_CURRENT = [
  ...crds('security.istio.io', 'peerauthentications', ['v1', 'v1beta1']),
  ...crds('security.istio.io', 'authorizationpolicies', ['v1', 'v1beta1']),
  ...crds('networking.istio.io', 'destinationrules', [
    'v1',
    'v1beta1',
    'v1alpha3',
  ]),
];
const ISTIO_BEFORE_1_22 = [
  ...crds('security.istio.io', 'peerauthentications', ['v1beta1']),
  ...crds('security.istio.io', 'authorizationpolicies', ['v1beta1']),
  ...crds('networking.istio.io', 'destinationrules', ['v1beta1', 'v1alpha3']),
];

const ns = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  plural: 'namespaces',
  object: { metadata: { name, labels } },
});
const pod = (
  namespace: string,
  name: string,
  labels: Record<string, string>,
) => ({
  apiVersion: 'v1',
  plural: 'pods',
  object: {
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
  },
});
const peerAuthentication = (
  apiVersion: string,
  namespace: string,
  mode: string,
) => ({
  apiVersion,
  plural: 'peerauthentications',
  object: {
    apiVersion,
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace },
    spec: { mtls: { mode } },
  } as KubeObject,
});
const istiod = {
  apiVersion: 'apps/v1',
  plural: 'deployments',
  object: {
    metadata: {
      name: 'istiod',
      namespace: 'istio-system',
      labels: { app: 'istiod' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'istiod' } },
      template: {
        metadata: { labels: { app: 'istiod' } },
        spec: {
          containers: [{ name: 'discovery', image: 'istio/pilot:1.21.6' }],
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
  } as KubeObject,
};

const shop: ClusterFixture['objects'] = [
  ns('shop', { 'istio-injection': 'enabled' }),
  ns('istio-system'),
  pod('shop', 'web-1', { app: 'web', track: 'stable' }),
  pod('shop', 'web-2', { app: 'web', track: 'canary' }),
  pod('shop', 'db-1', { app: 'db' }),
  pod('shop', 'worker-1', { app: 'worker' }),
  pod('shop', 'worker-2', { app: 'worker' }),
  {
    apiVersion: 'v1',
    plural: 'configmaps',
    object: {
      metadata: { name: 'istio-ca-root-cert', namespace: 'shop' },
      data: { 'root-cert.pem': 'PEM' },
    },
  },
];

const names = (items: KubeObject[]) => items.map(o => o.metadata.name).sort();
const kindOf = (
  adapter: { policyResources: KubeResourceType[] },
  kind: string,
) => adapter.policyResources.find(t => t.kind === kind)!;
const PEER_AUTHENTICATION = kindOf(new IstioAdapter(), 'PeerAuthentication');
const LINKERD_SERVER = kindOf(new LinkerdAdapter(), 'Server');

interface ContractCase {
  name: string;
  cluster: ClusterFixture;
  pageSize?: number;
  expireAfterFirstPage?: boolean;
  check: (
    read: Awaited<ReturnType<typeof readerOf>>['reader'],
    requests: string[],
  ) => Promise<void>;
}

const CASES: ContractCase[] = [
  {
    name: 'lists namespaces, and pods by equality, set and existence selectors',
    cluster: { crds: ISTIO_CURRENT, objects: shop },
    async check(reader) {
      expect(names(await reader.list(KUBE_RESOURCES.namespace))).toEqual([
        'istio-system',
        'shop',
      ]);
      const pods = (labelSelector: string) =>
        reader
          .list(KUBE_RESOURCES.pod, { namespace: 'shop', labelSelector })
          .then(names);
      await expect(pods('app=web')).resolves.toEqual(['web-1', 'web-2']);
      await expect(pods('app in (web,db),track!=canary')).resolves.toEqual([
        'db-1',
        'web-1',
      ]);
      await expect(pods('!track,app notin (db)')).resolves.toEqual([
        'worker-1',
        'worker-2',
      ]);
      await expect(pods('track')).resolves.toEqual(['web-1', 'web-2']);
      // Another namespace, existing or not, lists empty.
      await expect(
        reader.list(KUBE_RESOURCES.pod, { namespace: 'elsewhere' }),
      ).resolves.toEqual([]);
    },
  },
  {
    name: 'answers a selector that does not parse with an InputError',
    cluster: { crds: ISTIO_CURRENT, objects: shop },
    async check(reader) {
      await expect(
        reader.list(KUBE_RESOURCES.pod, {
          namespace: 'shop',
          labelSelector: 'app in (web',
        }),
      ).rejects.toThrow(InputError);
    },
  },
  {
    name: 'gets a ConfigMap, and undefined for one that does not exist',
    cluster: { crds: ISTIO_CURRENT, objects: shop },
    async check(reader) {
      const cm = await reader.get(
        KUBE_RESOURCES.configMap,
        'istio-ca-root-cert',
        'shop',
      );
      expect(cm?.data).toEqual({ 'root-cert.pem': 'PEM' });
      await expect(
        reader.get(KUBE_RESOURCES.configMap, 'missing', 'shop'),
      ).resolves.toBeUndefined();
    },
  },
  {
    name: 'follows continue tokens page by page',
    cluster: { crds: ISTIO_CURRENT, objects: shop },
    pageSize: 2,
    async check(reader, requests) {
      expect(
        names(await reader.list(KUBE_RESOURCES.pod, { namespace: 'shop' })),
      ).toEqual(['db-1', 'web-1', 'web-2', 'worker-1', 'worker-2']);
      const pages = requests.filter(r => r.includes('/pods?'));
      expect(pages).toHaveLength(3);
      expect(pages.slice(1).every(r => r.includes('continue='))).toBe(true);
    },
  },
  {
    name: 'reads the whole list again in one request when a continue token expires between pages, never a partial list',
    cluster: { crds: ISTIO_CURRENT, objects: shop },
    pageSize: 2,
    expireAfterFirstPage: true,
    async check(reader, requests) {
      expect(
        names(await reader.list(KUBE_RESOURCES.pod, { namespace: 'shop' })),
      ).toEqual(['db-1', 'web-1', 'web-2', 'worker-1', 'worker-2']);
      const pages = requests.filter(r => r.includes('/pods'));
      // The first page, the expired second, then one unpaged list.
      expect(pages).toHaveLength(3);
      expect(pages[1]).toContain('continue=');
      expect(pages[2]).not.toMatch(/continue=|limit=/);
    },
  },
  {
    name: 'answers 403 for a kind the token may not read, as a NotAllowedError naming it',
    cluster: {
      crds: ISTIO_CURRENT,
      objects: shop,
      forbidden: [{ apiGroup: '', resource: 'configmaps' }],
    },
    async check(reader) {
      const error = await reader
        .get(KUBE_RESOURCES.configMap, 'istio-ca-root-cert', 'shop')
        .catch(e => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect(error.message).toMatch(/403.*configmaps.*forbidden/);
      await expect(
        reader.list(KUBE_RESOURCES.configMap, { namespace: 'shop' }),
      ).rejects.toThrow(NotAllowedError);
      // Other kinds still read.
      await expect(
        reader.list(KUBE_RESOURCES.pod, { namespace: 'shop' }),
      ).resolves.toHaveLength(5);
    },
  },
  {
    name: 'reads PeerAuthentication at v1 where Istio serves it',
    cluster: {
      crds: ISTIO_CURRENT,
      objects: [
        ...shop,
        peerAuthentication('security.istio.io/v1', 'shop', 'STRICT'),
      ],
    },
    async check(reader) {
      const found = await reader.list(PEER_AUTHENTICATION, {
        namespace: 'shop',
      });
      expect(found.map(o => [o.apiVersion, o.spec.mtls.mode])).toEqual([
        ['security.istio.io/v1', 'STRICT'],
      ]);
    },
  },
  {
    name: 'falls back to security.istio.io/v1beta1 on an Istio without v1: the PeerAuthentication is found',
    cluster: {
      crds: ISTIO_BEFORE_1_22,
      objects: [
        ...shop,
        istiod,
        peerAuthentication('security.istio.io/v1beta1', 'shop', 'STRICT'),
        peerAuthentication(
          'security.istio.io/v1beta1',
          'istio-system',
          'STRICT',
        ),
      ],
    },
    async check(reader) {
      const found = await reader.list(PEER_AUTHENTICATION, {
        namespace: 'shop',
      });
      expect(found.map(o => [o.apiVersion, o.spec.mtls.mode])).toEqual([
        ['security.istio.io/v1beta1', 'STRICT'],
      ]);
      // The mesh-wide mode comes from the root namespace's v1beta1 object.
      const controlPlane = await new IstioAdapter().readControlPlane(reader);
      expect(controlPlane?.details.meshMtlsMode).toBe('STRICT');
    },
  },
  {
    name: 'lists a kind whose CRD is not installed as empty',
    cluster: { crds: ISTIO_CURRENT, objects: shop },
    async check(reader) {
      await expect(reader.list(LINKERD_SERVER)).resolves.toEqual([]);
      await expect(
        reader.list(KUBE_RESOURCES.ciliumNetworkPolicy, { namespace: 'shop' }),
      ).resolves.toEqual([]);
      await expect(
        reader.get(LINKERD_SERVER, 'web', 'shop'),
      ).resolves.toBeUndefined();
    },
  },
  {
    name: 'reads Linkerd Servers at v1beta2 on a Linkerd before v1beta3',
    cluster: {
      crds: crds('policy.linkerd.io', 'servers', ['v1beta2', 'v1beta1']),
      objects: [
        ...shop,
        {
          apiVersion: 'policy.linkerd.io/v1beta2',
          plural: 'servers',
          object: {
            apiVersion: 'policy.linkerd.io/v1beta2',
            kind: 'Server',
            metadata: { name: 'web-http', namespace: 'shop' },
            spec: { port: 8080, podSelector: { matchLabels: { app: 'web' } } },
          } as KubeObject,
        },
      ],
    },
    async check(reader) {
      const found = await reader.list(LINKERD_SERVER, { namespace: 'shop' });
      expect(found.map(o => [o.apiVersion, o.metadata.name])).toEqual([
        ['policy.linkerd.io/v1beta2', 'web-http'],
      ]);
    },
  },
];

it('serves by default, in the fake, only CRD versions the demo API server knows', () => {
  // ServedApis refuses a version the demo has no resource type for.
  expect(() => new ServedApis(CURRENT_MESH_CRDS)).not.toThrow();
});

describe.each<ContractServer>([fakeServer, demoServer])(
  'the read path against the $name',
  server => {
    it.each(CASES.map(c => [c.name, c] as const))('%s', async (_name, c) => {
      const target = await server.start(c.cluster);
      const client = await readerOf(target, {
        pageSize: c.pageSize,
        expireAfterFirstPage: c.expireAfterFirstPage,
      });
      expect.hasAssertions();
      try {
        await c.check(client.reader, client.requests);
      } finally {
        await client.close();
        await target.close();
      }
    });
  },
);
