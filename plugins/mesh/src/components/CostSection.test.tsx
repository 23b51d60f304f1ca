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

  it('shows the what-if as estimates with their basis and sources, apart from the measured figures', async () => {
    await renderInTestApp(<CostSection cost={storefrontCost} />);
    const section = screen.getByRole('region', {
      name: 'What a switch would cost',
    });
    expect(
      within(section).getByText(/estimated, not measured/),
    ).toBeInTheDocument();
    expect(section).toHaveTextContent(
      /48(\.0)? req\/s through the proxies, 3 pods, a node share of 0\.75, measured over 5m/,
    );
    const table = within(section).getByRole('table', {
      name: 'Estimated proxy resources per alternative',
    });
    const istio = within(table).getByRole('row', { name: /Istio \(sidecar\)/ });
    // 9.6m – 24m CPU, 143 – 172 MiB (150-180 MB).
    expect(istio).toHaveTextContent('9.6m – 24m');
    expect(istio).toHaveTextContent('143 MiB – 172 MiB');
    expect(istio).toHaveTextContent(/Istio performance/i);
    const cilium = within(table).getByRole('row', { name: /Cilium/ });
    expect(cilium).toHaveTextContent('not estimated');
    expect(cilium).toHaveTextContent(/No per-request figure is published/);
    const none = within(table).getByRole('row', { name: /No mesh/ });
    expect(none).toHaveTextContent('0.0m');
    // The measured table stays as it was.
    expect(
      within(
        screen.getByRole('table', { name: 'Cost per workload' }),
      ).queryByText(/estimate/),
    ).toBeNull();
  });

  it('shows no what-if when the backend sends none', async () => {
    await renderInTestApp(<CostSection cost={recommendationsCost} />);
    expect(
      screen.queryByRole('region', { name: 'What a switch would cost' }),
    ).toBeNull();
  });
});
