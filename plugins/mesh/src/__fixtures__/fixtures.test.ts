import { openApiValidator } from '../__testUtils__/openApi';
import * as fleet from './fleet';
import * as status from './status';

const ENTITY = '/v1/entities/{kind}/{namespace}/{name}';
const TIMESERIES = '/v1/entities/{kind}/{namespace}/{name}/timeseries';

/**
 * Every export of __fixtures__ with the route whose 200 body it stands for,
 * so a fixture cannot drift from the API the backend documents. Add a new
 * fixture here: the last test fails until it is.
 */
const fixtures: Array<{ name: string; route: string; body: unknown }> = [
  ...Object.entries(status)
    .filter(([name]) => name !== 'meshCases')
    .map(([name, body]) => ({ name, route: ENTITY, body })),
  ...status.meshCases.map(c => ({
    name: `meshCases ${c.name}`,
    route: ENTITY,
    body: c.status,
  })),
  {
    name: 'timeseriesFixture',
    route: TIMESERIES,
    body: fleet.timeseriesFixture('storefront', [
      { cluster: 'homelab', namespace: 'storefront', workload: 'storefront' },
      { cluster: 'cloud', namespace: 'storefront', workload: 'storefront' },
    ]),
  },
  {
    name: 'overviewFixture',
    route: '/v1/overview',
    body: fleet.overviewFixture,
  },
  {
    name: 'onboardingTargetsFixture',
    route: `${ENTITY}/onboarding-targets`,
    body: fleet.onboardingTargetsFixture,
  },
  {
    name: 'certificatesFixture',
    route: '/v1/certificates',
    body: fleet.certificatesFixture,
  },
];

describe('frontend fixtures', () => {
  const openApi = openApiValidator();

  it.each(fixtures.map(f => [f.name, f.route, f.body] as const))(
    '%s matches the 200 body of GET %s in openapi.yaml',
    (_name, route, body) => {
      expect(openApi.validate(route, body)).toBeUndefined();
    },
  );

  it('covers every fixture export and every data route', () => {
    const covered = new Set(fixtures.map(f => f.name.split(' ')[0]));
    const exported = [...Object.keys(status), ...Object.keys(fleet)];
    expect(exported.filter(name => !covered.has(name))).toEqual([]);
    expect(
      openApi.routes.filter(
        r => r !== '/health' && !fixtures.some(f => f.route === r),
      ),
    ).toEqual([]);
  });

  it('rejects a fixture that drifted from the document', () => {
    const drifted = {
      ...fleet.overviewFixture,
      totals: { ...fleet.overviewFixture.totals, pods: '3' },
    };
    expect(openApi.validate('/v1/overview', drifted)).toMatch(
      /totals\/pods must be integer/,
    );
  });

  it('rejects a field the document does not name, however deep', () => {
    const [cluster] = status.linkerdStatus.clusters;
    const extra = {
      ...status.linkerdStatus,
      clusters: [
        {
          ...cluster,
          workloads: [
            {
              ...cluster.workloads[0],
              mtls: { mode: 'strict', encryptedShare: 1, share: 1 },
            },
          ],
        },
      ],
    };
    expect(openApi.validate(ENTITY, extra)).toMatch(
      /workloads\/0\/mtls must NOT have unevaluated properties/,
    );
    const certificates = {
      ...fleet.certificatesFixture,
      certificates: [
        { ...fleet.certificatesFixture.certificates[0], expiry: 1 },
      ],
    };
    expect(openApi.validate('/v1/certificates', certificates)).toMatch(
      /certificates\/0 must NOT have unevaluated properties/,
    );
  });
});
