import { FakeCluster } from './fakeUpstreams';

function cluster() {
  return new FakeCluster()
    .namespace('shop')
    .deployment('shop', 'web', { pods: 2, labels: { tier: 'frontend' } })
    .deployment('shop', 'db', { pods: 1 });
}

const names = (answer: ReturnType<FakeCluster['handle']>) =>
  answer === 'hang'
    ? 'hang'
    : (answer.body as any).items.map((o: any) => o.metadata.name);

describe('FakeCluster', () => {
  it('filters lists with the label selector like an API server', () => {
    const c = cluster();
    expect(names(c.handle('/api/v1/namespaces/shop/pods', 'tier'))).toEqual([
      'web-abc-0',
      'web-abc-1',
    ]);
    expect(
      names(c.handle('/api/v1/namespaces/shop/pods', 'tier notin (frontend)')),
    ).toEqual(['db-abc-0']);
    expect(names(c.handle('/api/v1/namespaces/shop/pods', ''))).toHaveLength(3);
  });

  it('answers 400 with a Status to a selector that does not parse', () => {
    expect(
      cluster().handle('/api/v1/namespaces/shop/pods', 'tier in (a'),
    ).toMatchObject({
      status: 400,
      body: { kind: 'Status', reason: 'BadRequest', code: 400 },
    });
  });

  it('answers 403, 429 or nothing on command, only for matching paths', () => {
    const c = cluster()
      .forbid(/\/pods$/)
      .throttle(/\/deployments$/, 7);
    expect(c.handle('/api/v1/namespaces/shop/pods', null)).toMatchObject({
      status: 403,
      body: { kind: 'Status', reason: 'Forbidden', code: 403 },
    });
    expect(
      c.handle('/apis/apps/v1/namespaces/shop/deployments', null),
    ).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } },
    });
    expect(c.handle('/api/v1/namespaces/shop', null)).toMatchObject({
      status: 200,
    });
    c.hang();
    expect(c.handle('/api/v1/namespaces/shop', null)).toBe('hang');
    c.heal();
    expect(c.handle('/api/v1/namespaces/shop/pods', null)).toMatchObject({
      status: 200,
    });
  });

  it('serves only its CRD versions: 404 elsewhere, in discovery too, and no objects of an unserved kind', () => {
    const c = new FakeCluster({
      crds: ['security.istio.io/v1beta1/peerauthentications'],
    });
    expect(
      c.handle('/apis/security.istio.io/v1/peerauthentications', null),
    ).toMatchObject({ status: 404, body: { reason: 'NotFound' } });
    expect(c.handle('/apis/security.istio.io/v1', null)).toMatchObject({
      status: 404,
    });
    expect(c.handle('/apis/security.istio.io/v1beta1', null)).toMatchObject({
      status: 200,
      body: { resources: [{ name: 'peerauthentications' }] },
    });
    expect(() =>
      c.add('security.istio.io/v1', 'peerauthentications', {
        metadata: { name: 'default', namespace: 'shop' },
      }),
    ).toThrow(/does not serve security.istio.io\/v1 peerauthentications/);
  });
});
