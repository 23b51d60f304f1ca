import { fireEvent, screen, within } from '@testing-library/react';
import { mockMeshApi, renderWithMesh } from '../../__testUtils__/render';
import { certificatesFixture, overviewFixture } from '../../__fixtures__/fleet';
import { MeshPage } from './MeshPage';

const ALL_DEMO = [
  'inventory',
  'legacy-reports',
  'orders',
  'payments',
  'recommendations',
  'sensor-gateway',
  'shipping',
  'storefront',
];

async function renderPage() {
  const api = mockMeshApi({
    getOverview: jest.fn(async () => overviewFixture),
    getCertificates: jest.fn(async () => certificatesFixture),
  });
  await renderWithMesh(<MeshPage />, { api });
  const table = await screen.findByRole('table', {
    name: 'Mesh posture of every entity',
  });
  return { api, table };
}

function entityNames(table: HTMLElement): string[] {
  return within(table)
    .getAllByRole('rowheader')
    .map(cell => within(cell).getByRole('link').textContent ?? '');
}

function chooseFilter(label: string, option: string) {
  fireEvent.mouseDown(
    screen.getByRole('button', { name: new RegExp(`^${label} `) }),
  );
  fireEvent.click(
    within(screen.getByRole('listbox')).getByRole('option', { name: option }),
  );
}

describe('MeshPage', () => {
  it('shows skeletons while loading', async () => {
    await renderWithMesh(<MeshPage />, { api: mockMeshApi() });
    expect(
      await screen.findByRole('progressbar', { name: 'Loading mesh status' }),
    ).toBeInTheDocument();
  });

  it('lists every entity with a link to its mesh tab, and the coverage', async () => {
    const { table } = await renderPage();
    expect(entityNames(table)).toEqual(ALL_DEMO);
    expect(
      within(table).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/component/payments/mesh');
    expect(
      screen.getByRole('progressbar', { name: 'Meshed: 7 of 8 entities' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Strict mTLS: 2 of 8 entities' }),
    ).toBeInTheDocument();
    // Shares are floored: 7 of 8 is not yet "88% meshed".
    expect(screen.getByText('87%')).toBeInTheDocument();
    expect(screen.getByText('25%')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', {
        name: 'Pods with a proxy: 15 of 17 pods',
      }),
    ).toBeInTheDocument();
    // shipping's Prometheus error is named, not hidden.
    expect(
      screen.getByText(/Partial data: 1 upstream error/),
    ).toBeInTheDocument();
    const shipping = within(table).getByRole('row', { name: /^shipping/ });
    expect(
      within(shipping).getByRole('img', {
        name: /Partial data: prometheus on homelab/,
      }),
    ).toBeInTheDocument();
  });

  it('filters by mesh, mTLS, cluster, certificate status and owner', async () => {
    const { table } = await renderPage();
    chooseFilter('Mesh', 'Istio');
    expect(entityNames(table)).toEqual([
      'inventory',
      'orders',
      'recommendations',
    ]);
    chooseFilter('mTLS', 'strict');
    expect(entityNames(table)).toEqual(['orders', 'recommendations']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(entityNames(table)).toEqual(ALL_DEMO);

    chooseFilter('Cluster', 'cloud');
    expect(entityNames(table)).toEqual([
      'inventory',
      'orders',
      'recommendations',
      'shipping',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));

    chooseFilter('Certificate status', 'warning');
    expect(entityNames(table)).toEqual(['payments', 'storefront']);
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));

    chooseFilter('Owner', 'payments-team');
    expect(entityNames(table)).toEqual(['legacy-reports', 'payments']);
    expect(screen.getByText('Entities (2 of 8)')).toBeInTheDocument();
  });

  it('sorts by a column, both ways, entities without data last', async () => {
    const { table } = await renderPage();
    fireEvent.click(within(table).getByRole('button', { name: 'Success' }));
    expect(entityNames(table)).toEqual([
      'payments',
      'sensor-gateway',
      'inventory',
      'orders',
      'storefront',
      'legacy-reports',
      'recommendations',
      'shipping',
    ]);
    expect(
      within(table).getByRole('columnheader', { name: /Success/ }),
    ).toHaveAttribute('aria-sort', 'ascending');
    fireEvent.click(within(table).getByRole('button', { name: 'Success' }));
    expect(entityNames(table).slice(0, 5)).toEqual([
      'storefront',
      'orders',
      'inventory',
      'sensor-gateway',
      'payments',
    ]);
    expect(
      within(table).getByRole('columnheader', { name: /Success/ }),
    ).toHaveAttribute('aria-sort', 'descending');
  });

  it('shows each entity’s measured proxy share, sortable, with unmeasured ones last', async () => {
    const { table } = await renderPage();
    const share = within(table).getByRole('button', { name: 'Proxy share' });
    fireEvent.click(share);
    fireEvent.click(share);
    expect(
      within(table).getByRole('columnheader', { name: /Proxy share/ }),
    ).toHaveAttribute('aria-sort', 'descending');
    expect(entityNames(table).slice(0, 4)).toEqual([
      'orders',
      'storefront',
      'recommendations',
      'inventory',
    ]);
    const row = (name: string) =>
      within(table).getByRole('row', { name: new RegExp(`^${name}`) });
    expect(row('storefront')).toHaveTextContent('CPU 9.0% · memory 9.0%');
    expect(row('inventory')).toHaveTextContent('not measured');
  });

  it('counts the entities per failing check ID, each linking to its mesh tab', async () => {
    await renderPage();
    const table = screen.getByRole('table', { name: 'Failing checks' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row => row.textContent);
    expect(rows).toEqual([
      'MESH-COM-0142payments, storefront',
      'MESH-COM-0071legacy-reports',
      'MESH-COM-0091payments',
      'MESH-LNK-0011legacy-reports',
    ]);
    expect(
      within(table).getAllByRole('link', { name: 'storefront' })[0],
    ).toHaveAttribute('href', '/catalog/default/component/storefront/mesh');
    chooseFilter('Owner', 'payments-team');
    expect(
      within(screen.getByRole('table', { name: 'Failing checks' }))
        .getAllByRole('row')
        .slice(1)
        .map(row => row.textContent),
    ).toEqual([
      'MESH-COM-0071legacy-reports',
      'MESH-COM-0091payments',
      'MESH-COM-0141payments',
      'MESH-LNK-0011legacy-reports',
    ]);
  });

  it('draws the certificate expiry timeline, soonest first', async () => {
    await renderPage();
    const timeline = await screen.findByRole('img', {
      name: /^Certificate expiry timeline/,
    });
    expect(timeline.getAttribute('aria-label')).toBe(
      'Certificate expiry timeline: webhook linkerd-proxy-injector.linkerd.svc on homelab expired 1 day ago; ' +
        'issuer identity.linkerd.cluster.local on homelab 12 days left; ' +
        'trust-anchor O=cluster.local on cloud 3387 days left',
    );
  });

  it('shows the backend error when the overview fails', async () => {
    const api = mockMeshApi({
      getOverview: jest.fn().mockRejectedValue(new Error('overview timed out')),
      getCertificates: jest.fn(async () => certificatesFixture),
    });
    await renderWithMesh(<MeshPage />, { api });
    expect(
      await screen.findByText(/Could not load the mesh overview/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/overview timed out/).length).toBeGreaterThan(0);
  });
});

describe('MeshPage at scale', () => {
  it('pages through a large catalog and keeps the timeline short', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...overviewFixture.entities[0],
      entityRef: `component:default/service-${String(i).padStart(2, '0')}`,
    }));
    const certificates = Array.from({ length: 45 }, (_, i) => ({
      ...certificatesFixture.certificates[1],
      serialNumber: `s${i}`,
      daysLeft: i,
    }));
    const api = mockMeshApi({
      getOverview: jest.fn(async () => ({
        ...overviewFixture,
        entities: many,
      })),
      getCertificates: jest.fn(async () => ({
        ...certificatesFixture,
        certificates,
      })),
    });
    await renderWithMesh(<MeshPage />, { api });
    const table = await screen.findByRole('table', {
      name: 'Mesh posture of every entity',
    });
    expect(entityNames(table)).toHaveLength(25);
    expect(entityNames(table)[0]).toBe('service-00');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(entityNames(table)[0]).toBe('service-25');
    expect(screen.getByText('26-50 of 60')).toBeInTheDocument();

    const timeline = await screen.findByRole('img', {
      name: /^Certificate expiry timeline/,
    });
    expect(timeline.getAttribute('aria-label')).toMatch(/; and 35 more$/);
    expect(screen.getByText('and 5 more expiring later')).toBeInTheDocument();
  });

  it("names a mesh it does not know by its adapter's title", async () => {
    const meshy = {
      ...overviewFixture.entities[0],
      entityRef: 'component:default/cart',
      mesh: 'meshy',
      meshTitle: 'Meshy',
    };
    const totals = {
      entities: 1,
      meshed: 1,
      strictMtls: 0,
      pods: 2,
      meshedPods: 2,
    };
    const api = mockMeshApi({
      getOverview: jest.fn(async () => ({
        ...overviewFixture,
        entities: [meshy],
        totals,
        byMesh: { meshy: totals },
      })),
      getCertificates: jest.fn(async () => ({
        ...certificatesFixture,
        certificates: [
          {
            ...certificatesFixture.certificates[1],
            mesh: 'meshy',
            meshTitle: 'Meshy',
          },
        ],
      })),
    });
    await renderWithMesh(<MeshPage />, { api });
    const table = await screen.findByRole('table', {
      name: 'Mesh posture of every entity',
    });
    expect(within(table).getByText('Meshy · sidecar')).toBeInTheDocument();
    expect(screen.getByText('Meshy: 1 entity, 2/2 pods')).toBeInTheDocument();
    chooseFilter('Mesh', 'Meshy');
    expect(entityNames(table)).toEqual(['cart']);
    const timeline = await screen.findByRole('img', {
      name: /^Certificate expiry timeline/,
    });
    expect(
      within(timeline).getAllByText(/^homelab · Meshy · issuer · /).length,
    ).toBeGreaterThan(0);
  });
});
