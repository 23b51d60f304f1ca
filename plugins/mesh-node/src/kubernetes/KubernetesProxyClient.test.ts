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
    google?: string;
  }> = [];
  // homelab and cloud keep the user's per-request credentials (client-side
  // providers); shared-sa is read under the plugin's own identity.
  const clusterList = [
    { name: 'homelab', authProvider: 'google' },
    { name: 'cloud', authProvider: 'oidc', oidcTokenProvider: 'okta' },
    { name: 'shared-sa', authProvider: 'serviceAccount' },
  ];
  let pages: Record<string, Array<{ items: object[]; continue?: string }>> = {};
  beforeEach(() => {
    requests.length = 0;
    pages = {};
    server.use(
      http.get(`${KUBERNETES}/clusters`, () =>
        HttpResponse.json({ items: clusterList }),
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
          ...(request.headers.get('backstage-kubernetes-authorization-google')
            ? {
                google: request.headers.get(
                  'backstage-kubernetes-authorization-google',
                )!,
              }
            : {}),
        });
        const paged = pages[url.pathname.replace('/api/kubernetes/proxy', '')];
        if (paged) {
          const i = Number(url.searchParams.get('continue') ?? 0);
          return HttpResponse.json({
            items: paged[i].items,
            metadata: paged[i].continue ? { continue: paged[i].continue } : {},
          });
        }
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
    await expect(session.listClusters()).resolves.toEqual([
      'homelab',
      'cloud',
      'shared-sa',
    ]);
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
        path: '/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb&limit=500',
        cluster: 'homelab',
        auth: mockCredentials.service.header({
          onBehalfOf: mockCredentials.user('user:default/ada'),
          targetPluginId: 'kubernetes',
        }),
      },
      expect.objectContaining({ cluster: 'cloud' }),
      expect.objectContaining({
        path: '/apis/cilium.io/v2/namespaces/shop/ciliumnetworkpolicies?limit=500',
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

  it('reads a server-side-auth cluster under its own identity, once per TTL for every caller', async () => {
    const sharing = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth({ pluginId: 'mesh' }),
      sharedTtlMs: 60_000,
    });
    const ada = sharing.session(mockCredentials.user('user:default/ada'));
    const bob = sharing.session(mockCredentials.user('user:default/bob'));
    const [a, b] = await Promise.all([
      ada.reader('shared-sa').list(KUBE_RESOURCES.pod),
      bob.reader('shared-sa').list(KUBE_RESOURCES.pod),
    ]);
    await bob.reader('shared-sa').list(KUBE_RESOURCES.pod);
    expect(a).toBe(b);
    expect(requests).toEqual([
      {
        path: '/api/v1/pods?limit=500',
        cluster: 'shared-sa',
        auth: mockCredentials.service.header({
          onBehalfOf: mockCredentials.service('plugin:mesh'),
          targetPluginId: 'kubernetes',
        }),
      },
    ]);
    // A client-side cluster is read for each caller, never shared.
    await ada.reader('homelab').list(KUBE_RESOURCES.pod);
    await bob.reader('homelab').list(KUBE_RESOURCES.pod);
    expect(requests.filter(r => r.cluster === 'homelab')).toHaveLength(2);
    await expect(ada.view()).resolves.toBeUndefined();
    await expect(ada.isShared('shared-sa')).resolves.toBe(true);
    await expect(ada.isShared('homelab')).resolves.toBe(false);
  });

  it("forwards the caller's own cluster token only to a cluster of that provider", async () => {
    const session = proxy.session(mockCredentials.user('user:default/ada'), {
      kubernetesAuth: { google: 'ya29.ada' },
    });
    await session.reader('homelab').list(KUBE_RESOURCES.namespace);
    await session.reader('cloud').list(KUBE_RESOURCES.namespace);
    expect(requests.map(r => [r.cluster, r.google])).toEqual([
      ['homelab', 'ya29.ada'],
      ['cloud', undefined],
    ]);
  });

  it('follows continue tokens page by page and refuses a list over the cap', async () => {
    pages['/api/v1/pods'] = [
      { items: [{ metadata: { name: 'a' } }], continue: '1' },
      { items: [{ metadata: { name: 'b' } }], continue: '2' },
      { items: [{ metadata: { name: 'c' } }] },
    ];
    const small = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      pageSize: 1,
      maxListItems: 2,
    });
    await expect(
      small
        .session(mockCredentials.user())
        .reader('homelab')
        .list(KUBE_RESOURCES.pod),
    ).rejects.toThrow(
      'Listing pods in cluster homelab returned more than 2 objects; raise mesh.kubernetes.maxListItems',
    );
    const paging = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      pageSize: 1,
    });
    requests.length = 0;
    const all = await paging
      .session(mockCredentials.user())
      .reader('homelab')
      .list(KUBE_RESOURCES.pod);
    expect(all.map(p => p.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(requests.map(r => r.path)).toEqual([
      '/api/v1/pods?limit=1',
      '/api/v1/pods?limit=1&continue=1',
      '/api/v1/pods?limit=1&continue=2',
    ]);
  });

  it('caps every answer, naming the cluster and the setting that raises the cap', async () => {
    pages['/api/v1/pods'] = [
      {
        items: Array.from({ length: 200 }, (_, i) => ({
          metadata: { name: `pod-${i}`, namespace: 'shop' },
        })),
      },
    ];
    const capped = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      maxResponseBytes: 4096,
    });
    await expect(
      capped
        .session(mockCredentials.user())
        .reader('homelab')
        .list(KUBE_RESOURCES.pod),
    ).rejects.toThrow(
      'Kubernetes cluster homelab (GET /api/v1/pods) answered more than 4096 bytes; the answer was dropped (raise mesh.kubernetes.maxResponseBytes',
    );
    // The same list within the default cap.
    await expect(
      proxy
        .session(mockCredentials.user())
        .reader('homelab')
        .list(KUBE_RESOURCES.pod),
    ).resolves.toHaveLength(200);
  });

  it('writes to a server-side-auth cluster under its own identity when asked to', async () => {
    const client = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    }).cluster('shared-sa', mockCredentials.user(), { identity: 'plugin' });
    await client.get(KUBE_RESOURCES.namespace, 'shop');
    expect(requests[0].auth).toBe(
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('plugin:scaffolder'),
        targetPluginId: 'kubernetes',
      }),
    );
  });
});
