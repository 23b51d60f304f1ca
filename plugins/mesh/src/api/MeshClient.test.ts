import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { UrlPatternDiscovery } from '@backstage/core-app-api';
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { linkerdStatus } from '../__fixtures__/status';
import {
  certificatesFixture,
  overviewFixture,
  timeseriesFixture,
} from '../__fixtures__/fleet';
import { MeshClient } from './MeshClient';

const BASE = 'http://backstage:7007/api/mesh';

describe('MeshClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discoveryApi = UrlPatternDiscovery.compile(
    'http://backstage:7007/api/{{pluginId}}',
  );
  const fetchApi = new MockFetchApi({
    injectIdentityAuth: { token: 'user-token' },
  });
  const client = new MeshClient({ discoveryApi, fetchApi });

  it('gets the status of an entity with the user token', async () => {
    let seen: { url?: string; auth?: string | null } = {};
    server.use(
      http.get(`${BASE}/v1/entities/:kind/:namespace/:name`, ({ request }) => {
        seen = { url: request.url, auth: request.headers.get('authorization') };
        return HttpResponse.json(linkerdStatus);
      }),
    );
    const status = await client.getEntityStatus(
      { kind: 'Component', namespace: 'default', name: 'storefront' },
      { window: '5m' },
    );
    expect(status).toEqual(linkerdStatus);
    expect(seen.url).toBe(
      `${BASE}/v1/entities/component/default/storefront?window=5m`,
    );
    expect(seen.auth).toBe('Bearer user-token');
  });

  it('URL-encodes every part of the entity ref', async () => {
    let url = '';
    server.use(
      http.get(`${BASE}/v1/entities/*`, ({ request }) => {
        url = request.url;
        return HttpResponse.json(linkerdStatus);
      }),
    );
    await client.getEntityStatus({
      kind: 'Component',
      namespace: 'team a',
      name: 'odd/name?x=1#y',
    });
    expect(url).toBe(
      `${BASE}/v1/entities/component/team%20a/odd%2Fname%3Fx%3D1%23y`,
    );
  });

  it('asks for one hour at one-minute steps by default', async () => {
    const body = timeseriesFixture('storefront', [
      { cluster: 'homelab', namespace: 'storefront', workload: 'storefront' },
    ]);
    let url = '';
    server.use(
      http.get(
        `${BASE}/v1/entities/:kind/:namespace/:name/timeseries`,
        ({ request }) => {
          url = request.url;
          return HttpResponse.json(body);
        },
      ),
    );
    const result = await client.getEntityTimeseries({
      kind: 'component',
      namespace: 'default',
      name: 'storefront',
    });
    expect(result.series[0].points).toHaveLength(61);
    expect(new URL(url).searchParams.get('range')).toBe('1h');
    expect(new URL(url).searchParams.get('step')).toBe('1m');
  });

  it('gets the overview and the certificates', async () => {
    server.use(
      http.get(`${BASE}/v1/overview`, () => HttpResponse.json(overviewFixture)),
      http.get(`${BASE}/v1/certificates`, () =>
        HttpResponse.json(certificatesFixture),
      ),
    );
    expect(await client.getOverview()).toEqual(overviewFixture);
    expect(await client.getCertificates()).toEqual(certificatesFixture);
  });

  it('turns a Backstage error body into a ResponseError', async () => {
    server.use(
      http.get(`${BASE}/v1/entities/:kind/:namespace/:name`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No entity named component:default/ghost',
            },
            request: {
              method: 'GET',
              url: '/v1/entities/component/default/ghost',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client
      .getEntityStatus({
        kind: 'component',
        namespace: 'default',
        name: 'ghost',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.name).toBe('NotFoundError');
    expect(error.body.error.message).toBe(
      'No entity named component:default/ghost',
    );
  });

  it('reports a non-JSON failure with its status', async () => {
    server.use(
      http.get(
        `${BASE}/v1/overview`,
        () => new HttpResponse('upstream gateway down', { status: 502 }),
      ),
    );
    const error = await client.getOverview().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
  });
});

describe('MeshClient with client-side auth clusters', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const K8S = 'http://backstage:7007/api/kubernetes';
  const discoveryApi = UrlPatternDiscovery.compile(
    'http://backstage:7007/api/{{pluginId}}',
  );
  const fetchApi = new MockFetchApi({
    injectIdentityAuth: { token: 'user-token' },
  });

  /** Answers as KubernetesAuthProviders does: a token for client-side providers only. */
  function authProviders(tokens: Record<string, string>) {
    const asked: string[] = [];
    const api = {
      async getCredentials(provider: string) {
        asked.push(provider);
        if (provider in tokens) return { token: tokens[provider] };
        if (provider === 'serviceAccount') return {};
        throw new Error(
          `authProvider "${provider}" has no KubernetesAuthProvider defined for it`,
        );
      },
      decorateRequestBodyForAuth: async (_: string, body: any) => body,
    };
    return { api, asked };
  }

  const clientWith = (
    kubernetesAuthProvidersApi: ReturnType<typeof authProviders>['api'],
  ) => new MeshClient({ discoveryApi, fetchApi, kubernetesAuthProvidersApi });

  function serve(clusters: unknown[] | 'forbidden') {
    const seen: Headers[] = [];
    let listed = 0;
    server.use(
      http.get(`${K8S}/clusters`, ({ request }) => {
        listed++;
        expect(request.headers.get('authorization')).toBe('Bearer user-token');
        return clusters === 'forbidden'
          ? HttpResponse.json(
              { error: { name: 'NotAllowedError', message: 'no' } },
              { status: 403 },
            )
          : HttpResponse.json({ items: clusters });
      }),
      http.get(`${BASE}/v1/overview`, ({ request }) => {
        seen.push(request.headers);
        return HttpResponse.json(overviewFixture);
      }),
    );
    return { seen, listed: () => listed };
  }

  it("sends the user's token of each client-side provider, one header per provider, none for server-side clusters", async () => {
    const { api, asked } = authProviders({
      'oidc.okta': 'okta-token',
      google: 'google-token',
    });
    const { seen, listed } = serve([
      { name: 'homelab', authProvider: 'serviceAccount' },
      { name: 'corp', authProvider: 'oidc', oidcTokenProvider: 'okta' },
      { name: 'gke-a', authProvider: 'google' },
      { name: 'gke-b', authProvider: 'google' },
    ]);
    const client = clientWith(api);
    expect(await client.getOverview()).toEqual(overviewFixture);
    await client.getOverview();
    expect(listed()).toBe(1);
    for (const headers of seen) {
      expect(headers.get('authorization')).toBe('Bearer user-token');
      expect(headers.get('backstage-kubernetes-authorization-oidc-okta')).toBe(
        'okta-token',
      );
      expect(headers.get('backstage-kubernetes-authorization-google')).toBe(
        'google-token',
      );
      const k8sHeaders = [...headers.keys()].filter(h =>
        h.startsWith('backstage-kubernetes-'),
      );
      expect(k8sHeaders.sort()).toEqual([
        'backstage-kubernetes-authorization-google',
        'backstage-kubernetes-authorization-oidc-okta',
      ]);
    }
    // Per request, each provider once: two google clusters, one sign-in.
    expect(asked.filter(p => p === 'google')).toHaveLength(2);
    expect(asked.filter(p => p === 'oidc.okta')).toHaveLength(2);
  });

  it('sends no cluster token when every cluster is read on the server', async () => {
    const { api } = authProviders({});
    const { seen } = serve([
      { name: 'homelab', authProvider: 'serviceAccount' },
    ]);
    const client = clientWith(api);
    await client.getOverview();
    expect(
      [...seen[0].keys()].filter(h => h.startsWith('backstage-kubernetes-')),
    ).toEqual([]);
  });

  it('still asks the mesh backend when the cluster list is refused, and lists again next time', async () => {
    const { api, asked } = authProviders({ google: 'google-token' });
    const { seen, listed } = serve('forbidden');
    const client = clientWith(api);
    expect(await client.getOverview()).toEqual(overviewFixture);
    await client.getOverview();
    expect(seen).toHaveLength(2);
    expect(listed()).toBe(2);
    expect(asked).toEqual([]);
  });

  it('fails with the auth provider error for a provider the app does not know', async () => {
    const { api } = authProviders({});
    const { seen } = serve([{ name: 'odd', authProvider: 'pinniped' }]);
    const client = clientWith(api);
    await expect(client.getOverview()).rejects.toThrow(
      'authProvider "pinniped" has no KubernetesAuthProvider',
    );
    expect(seen).toHaveLength(0);
  });
});
