import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { storefrontWhatIf } from '../__fixtures__/cost';
import { WhatIfTable } from './WhatIfTable';

describe('WhatIfTable', () => {
  it('says when the throughput is what the peers’ proxies saw, a lower bound', async () => {
    await renderInTestApp(
      <WhatIfTable
        question="What meshing would cost"
        estimate={{
          ...storefrontWhatIf,
          basis: {
            requestsPerSecond: 5.5,
            requestsPerSecondMeasuredBy: 'peer-proxies',
            pods: 2,
            window: '5m',
          },
        }}
      />,
    );
    const section = screen.getByRole('region', {
      name: 'What meshing would cost',
    });
    expect(section).toHaveTextContent(
      'From 5.50 req/s through the proxies (as its peers’ proxies saw it: a lower bound, callers without a proxy are not seen), 2 pods, measured over 5m',
    );
  });

  it('says nothing of peers when its own proxies counted the traffic', async () => {
    await renderInTestApp(<WhatIfTable estimate={storefrontWhatIf} />);
    const section = screen.getByRole('region', {
      name: 'What a switch would cost',
    });
    expect(section).toHaveTextContent('48.0 req/s through the proxies, 3 pods');
    expect(section).not.toHaveTextContent(/peers/);
  });
});
