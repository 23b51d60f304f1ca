import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  recommendationsCost,
  storefrontCost,
  storefrontWorkloadCost,
} from '../__fixtures__/cost';
import { CostSection } from './CostSection';

describe('CostSection', () => {
  it('shows proxy against application per workload, the pods’ share and the missing requests', async () => {
    await renderInTestApp(<CostSection cost={storefrontCost} />);
    const table = screen.getByRole('table', { name: 'Cost per workload' });
    const row = within(table).getByRole('row', { name: /storefront/ });
    // 0.03 cores = 30m, 60 MiB; application 300m, 600 MiB; share 9.0%.
    expect(row).toHaveTextContent('30m');
    expect(row).toHaveTextContent('60 MiB');
    expect(row).toHaveTextContent('300m');
    expect(row).toHaveTextContent('600 MiB');
    expect(row).toHaveTextContent('CPU 9.0% · memory 9.0%');
    expect(row).toHaveTextContent('not set');
    expect(
      within(screen.getByRole('list', { name: 'Not measured' })).getByText(
        /set no CPU or memory requests/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/Measured from cAdvisor/)).toBeInTheDocument();
  });

  it('states the apportioning rule of shared proxies (ambient ztunnel)', async () => {
    await renderInTestApp(<CostSection cost={recommendationsCost} />);
    expect(screen.getByText(/incl\. ztunnel/)).toBeInTheDocument();
    expect(
      screen.getByText(/Apportioning: Each node's ztunnel is split evenly/),
    ).toBeInTheDocument();
    // Sidecar 0 + ztunnel 4m.
    const row = within(
      screen.getByRole('table', { name: 'Cost per workload' }),
    ).getByRole('row', { name: /recommendations/ });
    expect(row).toHaveTextContent('4.0m');
  });

  it('says "not measured" rather than 0 when a workload has no series', async () => {
    const noSeries = {
      gap: 'no-usage-series' as const,
      subject: 'homelab/storefront/storefront',
      message: '3 of 3 pod(s) have no cAdvisor series',
    };
    await renderInTestApp(
      <CostSection
        cost={{
          ...storefrontCost,
          missing: [noSeries],
          workloads: [
            {
              ...storefrontWorkloadCost,
              pods: 0,
              proxy: {},
              application: {},
              proxyShareOfApplication: {},
              proxyShareOfTotal: {},
              missing: [noSeries],
            },
          ],
        }}
      />,
    );
    const row = within(
      screen.getByRole('table', { name: 'Cost per workload' }),
    ).getByRole('row', { name: /storefront/ });
    expect(within(row).getAllByText('not measured')).toHaveLength(5);
    expect(row).not.toHaveTextContent(/\b0m\b/);
    expect(screen.getByText(/have no cAdvisor series/)).toBeInTheDocument();
  });
});
