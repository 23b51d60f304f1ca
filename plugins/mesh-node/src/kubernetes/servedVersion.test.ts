import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubernetesClient } from './KubernetesClient';
import { KubernetesProxyClient } from './KubernetesProxyClient';
import { KUBE_RESOURCES } from './resources';
import { servedVersionOf } from './servedVersion';
import { KubeResourceType } from './types';

const PEER_AUTHENTICATION: KubeResourceType = {
  ...KUBE_RESOURCES.istioPeerAuthentication,
  fallbackApiVersions: ['security.istio.io/v1beta1'],
};

/** Discovery of a cluster serving these group versions and plurals. */
const discovery = (served: Record<string, string[]>) => {
  const asked: string[] = [];
  return {
    asked,
    servedResources: async (apiVersion: string) => {
      asked.push(apiVersion);
      return served[apiVersion];
    },
  };
};

describe('servedVersionOf', () => {
  it('reads a kind without fallbacks as declared, without discovery', async () => {
    const d = discovery({});
    await expect(
      servedVersionOf(
        KUBE_RESOURCES.istioPeerAuthentication,
        d.servedResources,
      ),
    ).resolves.toBe(KUBE_RESOURCES.istioPeerAuthentication);
    expect(d.asked).toEqual([]);
  });

  it('keeps the declared version when the cluster serves it', async () => {
    const d = discovery({
      'security.istio.io/v1': ['peerauthentications'],
      'security.istio.io/v1beta1': ['peerauthentications'],
    });
    await expect(
      servedVersionOf(PEER_AUTHENTICATION, d.servedResources),
    ).resolves.toBe(PEER_AUTHENTICATION);
    expect(d.asked).toEqual(['security.istio.io/v1']);
  });

  it('falls back to v1beta1 on an Istio without security.istio.io/v1', async () => {
    const d = discovery({
      'security.istio.io/v1beta1': ['peerauthentications'],
    });
    await expect(
      servedVersionOf(PEER_AUTHENTICATION, d.servedResources),
    ).resolves.toEqual({
      ...PEER_AUTHENTICATION,
      apiVersion: 'security.istio.io/v1beta1',
    });
  });

  it('falls back when the group version serves other kinds but not this one', async () => {
    const d = discovery({
      'security.istio.io/v1': ['authorizationpolicies'],
      'security.istio.io/v1beta1': ['peerauthentications'],
    });
    await expect(
      servedVersionOf(PEER_AUTHENTICATION, d.servedResources),
    ).resolves.toMatchObject({ apiVersion: 'security.istio.io/v1beta1' });
  });

  it('says the kind is not served at any version read when its CRD is missing', async () => {
    const d = discovery({ 'security.istio.io/v1': ['authorizationpolicies'] });
    await expect(
      servedVersionOf(PEER_AUTHENTICATION, d.servedResources),
    ).resolves.toBeUndefined();
    expect(d.asked).toEqual([
      'security.istio.io/v1',
      'security.istio.io/v1beta1',
    ]);
  });
});

const API = 'http://127.0.0.1:18998';
const KUBERNETES = 'http://localhost:0/api/kubernetes';
const server = setupServer();
registerMswTestHooks(server);

/** A cluster (behind the Kubernetes backend's proxy) with PeerAuthentication at v1beta1 only. */
function olderIstio(base: string) {
  const requests: string[] = [];
  server.use(
    http.get(`${KUBERNETES}/clusters`, () =>
      HttpResponse.json({
        items: [{ name: 'old-istio', authProvider: 'serviceAccount' }],
      }),
    ),
    http.get(`${base}/*`, ({ request }) => {
      const url = new URL(request.url);
      const path = url.pathname.replace('/api/kubernetes/proxy', '');
      requests.push(path);
      if (path === '/apis/security.istio.io/v1beta1') {
        return HttpResponse.json({
          kind: 'APIResourceList',
          groupVersion: 'security.istio.io/v1beta1',
          resources: [
            { name: 'peerauthentications', namespaced: true },
            { name: 'peerauthentications/status', namespaced: true },
          ],
        });
      }
      if (
        path ===
        '/apis/security.istio.io/v1beta1/namespaces/shop/peerauthentications'
      ) {
        return HttpResponse.json({
          kind: 'PeerAuthenticationList',
          items: [
            {
              apiVersion: 'security.istio.io/v1beta1',
              kind: 'PeerAuthentication',
              metadata: { name: 'default', namespace: 'shop' },
              spec: { mtls: { mode: 'STRICT' } },
            },
          ],
          metadata: {},
        });
      }
      return HttpResponse.json(
        { kind: 'Status', code: 404, reason: 'NotFound' },
        { status: 404 },
      );
    }),
  );
  return requests;
}

describe('reads of a kind with fallbacks', () => {
  it('lists PeerAuthentication at v1beta1 where v1 is not served, discovering once per session', async () => {
    const requests = olderIstio(`${KUBERNETES}/proxy`);
    const proxy = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const reader = proxy.session(mockCredentials.user()).reader('old-istio');
    const first = await reader.list(PEER_AUTHENTICATION, { namespace: 'shop' });
    expect(first.map(o => [o.apiVersion, o.spec.mtls.mode])).toEqual([
      ['security.istio.io/v1beta1', 'STRICT'],
    ]);
    await reader.list(PEER_AUTHENTICATION, { namespace: 'other' });
    expect(requests).toContain(
      '/apis/security.istio.io/v1beta1/namespaces/other/peerauthentications',
    );
    expect(requests.filter(p => !p.includes('/namespaces/'))).toEqual([
      '/apis/security.istio.io/v1',
      '/apis/security.istio.io/v1beta1',
    ]);
    // get goes to the served version too.
    await reader.get(PEER_AUTHENTICATION, 'default', 'shop');
    expect(requests).toContain(
      '/apis/security.istio.io/v1beta1/namespaces/shop/peerauthentications/default',
    );
  });

  it('answers an empty list when no version read is served', async () => {
    const requests = olderIstio(`${KUBERNETES}/proxy`);
    const proxy = new KubernetesProxyClient({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
    });
    const reader = proxy.session(mockCredentials.user()).reader('old-istio');
    const authz: KubeResourceType = {
      ...KUBE_RESOURCES.istioAuthorizationPolicy,
      fallbackApiVersions: ['security.istio.io/v1beta1'],
    };
    await expect(reader.list(authz, { namespace: 'shop' })).resolves.toEqual(
      [],
    );
    // Only the optimistic list at the declared version, never a fallback's.
    expect(requests.filter(p => p.includes('authorizationpolicies'))).toEqual([
      '/apis/security.istio.io/v1/namespaces/shop/authorizationpolicies',
    ]);
  });
});

describe('KubernetesClient.servedResources', () => {
  const client = new KubernetesClient({ baseUrl: API });

  it('lists the kinds of a group version, without subresources, and undefined when not served', async () => {
    olderIstio(API);
    await expect(
      client.servedResources('security.istio.io/v1beta1'),
    ).resolves.toEqual(['peerauthentications']);
    await expect(
      client.servedResources('security.istio.io/v1'),
    ).resolves.toBeUndefined();
  });

  it('refuses what is not a group version, so no input can change the path', async () => {
    await expect(
      client.servedResources('security.istio.io/v1/../../api/v1/secrets'),
    ).rejects.toThrow(InputError);
    await expect(client.servedResources('')).rejects.toThrow(
      /not an API group version/,
    );
  });
});
