import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { MeshSearchResultListItem } from './MeshSearchResultListItem';

describe('MeshSearchResultListItem', () => {
  it('shows the entity, its posture sentence and chips', async () => {
    await renderInTestApp(
      <MeshSearchResultListItem
        result={{
          title: 'payments',
          text: 'in the Linkerd mesh on homelab, 2 of 3 pods meshed, mTLS on, 94.0% success, issuer certificate expires in 12 days',
          location: '/catalog/default/component/payments/mesh',
          kind: 'component',
          owner: 'payments-team',
          mesh: 'linkerd',
          meshTitle: 'Linkerd',
          dataPlane: 'sidecar',
          clusters: ['homelab'],
          mtlsMode: 'automatic',
          meshedShare: 2 / 3,
          certificateStatus: 'warning',
          soonestExpiryDays: 12,
        }}
      />,
    );
    expect(screen.getByRole('link', { name: 'payments' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/mesh',
    );
    expect(screen.getByText(/2 of 3 pods meshed, mTLS on/)).toBeInTheDocument();
    expect(screen.getByText('Linkerd · sidecar')).toBeInTheDocument();
    expect(screen.getByText('66% pods meshed')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'mTLS automatic' }),
    ).toBeInTheDocument();
    expect(screen.getByText('certificate 12 days left')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Certificate warning' }),
    ).toBeInTheDocument();
    expect(screen.getByText('clusters: homelab')).toBeInTheDocument();
  });

  it('highlights matched terms', async () => {
    await renderInTestApp(
      <MeshSearchResultListItem
        result={{
          title: 'legacy-reports',
          text: 'not in any mesh',
          location: '/catalog/default/component/legacy-reports/mesh',
          mesh: 'none',
        }}
        highlight={{
          preTag: '<mark>',
          postTag: '</mark>',
          fields: { text: '<mark>not</mark> in any <mark>mesh</mark>' },
        }}
      />,
    );
    expect(screen.getByText('No mesh')).toBeInTheDocument();
    const marks = document.querySelectorAll('mark');
    expect([...marks].map(m => m.textContent)).toEqual(['not', 'mesh']);
    expect(screen.queryByText(/pods meshed/)).not.toBeInTheDocument();
  });

  it('renders nothing without a result', async () => {
    const { container } = await renderInTestApp(<MeshSearchResultListItem />);
    expect(container).toBeEmptyDOMElement();
  });
});
