import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubernetesProxyClient } from './KubernetesProxyClient';
import { KUBE_RESOURCES } from './resources';

// Where mockServices.discovery() puts the Kubernetes backend.
const KUBERNETES = 'http://localhost:0/api/kubernetes';
const server = setupServer();
registerMswTestHooks(server);

describe('KubernetesProxyClient', () => {
  const proxy = new KubernetesProxyClient({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    timeoutMs: 1000,
  });
  const requests: Array<{
    path: string;
    cluster: string | null;
    auth: string | null;
  }> = [];
  beforeEach(() => {
    requests.length = 0;
    server.use(
      http.get(`${KUBERNETES}/clusters`, () =>
        HttpResponse.json({ items: [{ name: 'homelab' }, { name: 'cloud' }] }),
      ),
      http.all(`${KUBERNETES}/proxy/*`, ({ request }) => {
        const url = new URL(request.url);
        requests.push({
          path: `${url.pathname}${url.search}`.replace(
            '/api/kubernetes/proxy',
            '',
          ),
          cluster: request.headers.get('backstage-kubernetes-cluster'),
          auth: request.headers.get('authorization'),
        });
        if (url.pathname.includes('ciliumnetworkpolicies')) {
          return HttpResponse.json(
            { kind: 'Status', code: 404 },
            { status: 404 },
          );
        }
        if (request.method !== 'GET') {
          return HttpResponse.json({ metadata: { name: 'x' } });
        }
        return HttpResponse.json({ items: [{ metadata: { name: 'p' } }] });
      }),
    );
  });

  it('lists the clusters of the Kubernetes backend for the caller', async () => {
    const session = proxy.session(mockCredentials.user('user:default/ada'));
    await expect(session.listClusters()).resolves.toEqual(['homelab', 'cloud']);
  });

  it('reads on behalf of the caller, routed by cluster header, one GET per identical read', async () => {
    const session = proxy.session(mockCredentials.user('user:default/ada'));
    const reader = session.reader('homelab');
    const [a, b] = await Promise.all([
      reader.list(KUBE_RESOURCES.pod, {
        namespace: 'shop',
        labelSelector: 'app=web',
      }),
      reader.list(KUBE_RESOURCES.pod, {
        namespace: 'shop',
        labelSelector: 'app=web',
      }),
    ]);
    expect(a).toBe(b);
    await session.reader('cloud').list(KUBE_RESOURCES.pod, {
      namespace: 'shop',
      labelSelector: 'app=web',
    });
    await expect(
      reader.list(KUBE_RESOURCES.ciliumNetworkPolicy, { namespace: 'shop' }),
    ).resolves.toEqual([]);
    expect(requests).toEqual([
      {
        path: '/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb',
        cluster: 'homelab',
        auth: mockCredentials.service.header({
          onBehalfOf: mockCredentials.user('user:default/ada'),
          targetPluginId: 'kubernetes',
        }),
      },
      expect.objectContaining({ cluster: 'cloud' }),
      expect.objectContaining({
        path: '/apis/cilium.io/v2/namespaces/shop/ciliumnetworkpolicies',
      }),
    ]);
  });

  it('never keeps a Secret', async () => {
    const reader = proxy.session(mockCredentials.user()).reader('homelab');
    await reader.get(KUBE_RESOURCES.secret, 'ca', 'linkerd');
    await reader.get(KUBE_RESOURCES.secret, 'ca', 'linkerd');
    await reader.get(KUBE_RESOURCES.configMap, 'ca', 'linkerd');
    await reader.get(KUBE_RESOURCES.configMap, 'ca', 'linkerd');
    expect(requests.map(r => r.path)).toEqual([
      '/api/v1/namespaces/linkerd/secrets/ca',
      '/api/v1/namespaces/linkerd/secrets/ca',
      '/api/v1/namespaces/linkerd/configmaps/ca',
    ]);
  });

  it('gives an unmemoized read-write client of one cluster', async () => {
    const client = proxy.cluster('cloud', mockCredentials.user());
    await client.list(KUBE_RESOURCES.pod, { namespace: 'shop' });
    await client.list(KUBE_RESOURCES.pod, { namespace: 'shop' });
    await client.mergePatch(
      KUBE_RESOURCES.namespace,
      'shop',
      undefined,
      {},
      {
        fieldManager: 'meshlens',
        dryRun: true,
      },
    );
    expect(requests.map(r => [r.cluster, r.path])).toEqual([
      ['cloud', '/api/v1/namespaces/shop/pods'],
      ['cloud', '/api/v1/namespaces/shop/pods'],
      ['cloud', '/api/v1/namespaces/shop?fieldManager=meshlens&dryRun=All'],
    ]);
  });
});
