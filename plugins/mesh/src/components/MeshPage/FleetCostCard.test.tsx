import { fireEvent, screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { fleetCostFixture } from '../../__fixtures__/cost';
import { FleetCostCard } from './FleetCostCard';

describe('FleetCostCard', () => {
  it('shows each cluster’s proxies and control plane, HA noted', async () => {
    await renderInTestApp(<FleetCostCard cost={fleetCostFixture} />);
    const clusters = screen.getByRole('table', { name: 'Cost per cluster' });
    const homelab = within(clusters).getByRole('row', { name: /^homelab/ });
    expect(homelab).toHaveTextContent('30m');
    expect(homelab).toHaveTextContent('linkerd-destination: 3 replicas (HA)');
    const cloud = within(clusters).getByRole('row', { name: /^cloud/ });
    expect(cloud).toHaveTextContent('istiod: 1 replica (single, not HA)');
    expect(
      screen.getByText(/Fleet proxies: 34m CPU, 68 MiB/),
    ).toBeInTheDocument();
  });

  it('sorts the top entities by proxy CPU, memory or share', async () => {
    const cost = {
      ...fleetCostFixture,
      topEntities: [
        {
          entityRef: 'component:default/a',
          proxy: { cpuCores: 0.01, memoryBytes: 90 * 2 ** 20 },
          proxyShareOfTotal: { cpu: 0.5 },
        },
        {
          entityRef: 'component:default/b',
          proxy: { cpuCores: 0.02, memoryBytes: 10 * 2 ** 20 },
          proxyShareOfTotal: { cpu: 0.1 },
        },
      ],
    };
    await renderInTestApp(<FleetCostCard cost={cost} />);
    const order = () =>
      within(screen.getByRole('table', { name: 'Top entities by proxy cost' }))
        .getAllByRole('row')
        .slice(1)
        .map(r => r.textContent?.match(/component:default\/\w/)?.[0]);
    expect(order()).toEqual(['component:default/b', 'component:default/a']);
    fireEvent.click(screen.getByRole('button', { name: 'Proxy memory' }));
    expect(order()).toEqual(['component:default/a', 'component:default/b']);
    fireEvent.click(screen.getByRole('button', { name: 'Proxy share' }));
    expect(order()).toEqual(['component:default/a', 'component:default/b']);
  });
});
