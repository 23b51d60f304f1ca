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
