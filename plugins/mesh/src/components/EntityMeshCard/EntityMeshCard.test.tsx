import { screen, within } from '@testing-library/react';
import { EntityMeshStatus } from '@meshlens/plugin-mesh-common';
import {
  ciliumStatus,
  istioSidecarStatus,
  linkerdPartialMeshStatus,
  linkerdStatus,
  misEnrolledStatus,
  notMeshedStatus,
  partialFailureStatus,
} from '../../__fixtures__/status';
import {
  entityFixture,
  mockMeshApi,
  renderWithMesh,
} from '../../__testUtils__/render';
import {
  meshMyServiceTemplate,
  prefilledFormData,
} from '../../__testUtils__/meshMyServiceTemplate';
import { EntityMeshCard } from './EntityMeshCard';

async function renderCard(status: EntityMeshStatus) {
  const api = mockMeshApi({ getEntityStatus: jest.fn(async () => status) });
  await renderWithMesh(<EntityMeshCard />, {
    api,
    entity: entityFixture(status.entityRef.split('/')[1]),
  });
  return api;
}

function summaryRow(name: string) {
  return within(screen.getByRole('table', { name: 'Mesh summary' })).getByRole(
    'row',
    { name: new RegExp(`^${name}`) },
  );
}

describe('EntityMeshCard', () => {
  it('shows the proxies’ share of the pods, measured', async () => {
    await renderCard(linkerdStatus);
    expect(
      await screen.findByRole('table', { name: 'Mesh summary' }),
    ).toBeInTheDocument();
    expect(summaryRow('Proxy share')).toHaveTextContent(
      'CPU 9.0% · memory 9.0%',
    );
  });

  it('shows skeletons while loading', async () => {
    await renderWithMesh(<EntityMeshCard />, {
      api: mockMeshApi(),
      entity: entityFixture('storefront'),
    });
    expect(
      await screen.findByRole('progressbar', { name: 'Loading mesh status' }),
    ).toBeInTheDocument();
  });

  it('sums up a Linkerd entity and links to its tab', async () => {
    await renderCard(linkerdStatus);
    await screen.findByRole('table', { name: 'Mesh summary' });
    expect(summaryRow('Mesh')).toHaveTextContent(
      'Linkerd · sidecar on homelab',
    );
    expect(summaryRow('mTLS')).toHaveTextContent('automatic · 100% encrypted');
    expect(
      within(summaryRow('mTLS')).getByRole('img', { name: 'mTLS automatic' }),
    ).toBeInTheDocument();
    expect(summaryRow('Success rate')).toHaveTextContent(
      '99.84% at 42.5 req/s',
    );
    expect(summaryRow('Certificates')).toHaveTextContent(
      'issuer identity.linkerd.cluster.local',
    );
    expect(
      within(summaryRow('Certificates')).getByRole('meter', {
        name: 'identity.linkerd.cluster.local: 12 days left (warning)',
      }),
    ).toBeInTheDocument();
    expect(summaryRow('Worst check')).toHaveTextContent(
      'Issuer certificate identity.linkerd.cluster.local expires in 12 days',
    );
    expect(
      screen.getByRole('link', { name: /View mesh details/ }),
    ).toHaveAttribute('href', '/catalog/default/component/storefront/mesh');
  });

  it('names the issuer, not a day-long workload certificate that renews itself, unless that one failed to renew', async () => {
    const workload = {
      ...linkerdStatus.clusters[0].certificates[1],
      role: 'workload' as const,
      subject: 'storefront.storefront.serviceaccount.identity.linkerd',
      daysLeft: 0,
      status: 'ok' as const,
    };
    await renderCard({
      ...linkerdStatus,
      clusters: linkerdStatus.clusters.map(c => ({
        ...c,
        certificates: [...c.certificates, workload],
      })),
    });
    await screen.findByRole('table', { name: 'Mesh summary' });
    expect(summaryRow('Certificates')).toHaveTextContent(
      'issuer identity.linkerd.cluster.local',
    );
  });

  it('names a workload certificate that failed to renew', async () => {
    const stuck = {
      ...linkerdStatus.clusters[0].certificates[1],
      role: 'workload' as const,
      subject: 'storefront.storefront.serviceaccount.identity.linkerd',
      daysLeft: 0,
      status: 'critical' as const,
    };
    await renderCard({
      ...linkerdStatus,
      clusters: linkerdStatus.clusters.map(c => ({
        ...c,
        certificates: [...c.certificates, stuck],
      })),
    });
    await screen.findByRole('table', { name: 'Mesh summary' });
    expect(summaryRow('Certificates')).toHaveTextContent(
      'workload storefront.storefront.serviceaccount.identity.linkerd',
    );
  });

  it('shows the weakest mTLS and missing proxies', async () => {
    await renderCard(linkerdPartialMeshStatus);
    await screen.findByRole('table', { name: 'Mesh summary' });
    expect(summaryRow('Mesh')).toHaveTextContent('2/3 pods meshed');
    expect(
      within(summaryRow('Worst check')).getByRole('img', { name: 'Failed' }),
    ).toBeInTheDocument();
    expect(summaryRow('Success rate')).toHaveTextContent('94.00%');
  });

  it('shows STRICT mTLS for Istio', async () => {
    await renderCard(istioSidecarStatus);
    expect(
      await screen.findByRole('img', { name: 'mTLS strict' }),
    ).toBeInTheDocument();
  });

  it('shows Cilium traffic as not encrypted', async () => {
    await renderCard(ciliumStatus);
    await screen.findByRole('table', { name: 'Mesh summary' });
    expect(summaryRow('mTLS')).toHaveTextContent('off');
    expect(summaryRow('Certificates')).toHaveTextContent('none found');
  });

  it('counts upstream errors of a partial answer', async () => {
    await renderCard(partialFailureStatus);
    await screen.findByRole('table', { name: 'Mesh summary' });
    expect(summaryRow('Partial data')).toHaveTextContent('1 upstream error');
    expect(summaryRow('Mesh')).toHaveTextContent(
      'Linkerd · sidecar on homelab, Istio · sidecar on cloud',
    );
  });

  it('offers the template for an unmeshed entity, with it prefilled', async () => {
    await renderCard(notMeshedStatus);
    expect(
      await screen.findByText(/Not in any service mesh/),
    ).toBeInTheDocument();
    const href = screen
      .getByRole('link', { name: 'Mesh my service' })
      .getAttribute('href')!;
    const template = meshMyServiceTemplate();
    expect(new URL(href, 'http://localhost').pathname).toBe(
      `/create/templates/default/${template.name}`,
    );
    expect(prefilledFormData(href)).toEqual({
      [template.componentField]: 'component:default/legacy-reports',
    });
  });

  it('does not call a service meshed when none of its pods has a proxy', async () => {
    await renderCard(misEnrolledStatus);
    expect(
      await screen.findByText(/Not in any service mesh/),
    ).toBeInTheDocument();
    expect(screen.getByText(/which Linkerd ignores/)).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Mesh my service' }),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the backend fails', async () => {
    const api = mockMeshApi({
      getEntityStatus: jest
        .fn()
        .mockRejectedValue(new Error('backend exploded')),
    });
    await renderWithMesh(<EntityMeshCard />, {
      api,
      entity: entityFixture('x'),
    });
    expect(
      await screen.findByText(/Could not load the mesh status/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/backend exploded/).length).toBeGreaterThan(0);
  });
});
