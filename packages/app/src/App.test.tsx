import { render, waitFor } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('renders the sign-in page of the demo', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Meshlens test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    // The app loads its plugins lazily; on a busy 2-core runner the first
    // render takes longer than waitFor's default second.
    await waitFor(
      () => {
        expect(rendered.getByText('Guest')).toBeInTheDocument();
      },
      { timeout: 20_000 },
    );
  }, 30_000);
});
