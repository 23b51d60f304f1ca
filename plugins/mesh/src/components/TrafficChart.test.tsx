import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { TrafficChart } from './TrafficChart';

const points = (rps: number | null) =>
  [0, 60, 120].map(t => ({
    t,
    requestsPerSecond: rps,
    successRate: null,
    p95Ms: null,
  }));

describe('TrafficChart empty charts', () => {
  it('says there were no requests when none came, not that the mesh is TCP-only', async () => {
    await renderInTestApp(
      <TrafficChart series={[{ name: 'api', points: points(0) }]} />,
    );
    expect(screen.getAllByText('No requests in the last hour.')).toHaveLength(
      2,
    );
    expect(screen.queryByText(/TCP-only/)).not.toBeInTheDocument();
  });

  it('says requests came without HTTP responses when only the rate has data', async () => {
    await renderInTestApp(
      <TrafficChart series={[{ name: 'api', points: points(3) }]} />,
    );
    expect(
      screen.getAllByText(
        'No data in the last hour: requests were counted, but the mesh reported no HTTP responses for them (L4 only; the checks say why).',
      ),
    ).toHaveLength(2);
  });
});
