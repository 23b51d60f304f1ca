import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { forwardRequest } from './misbehavingUpstream';

export interface CountingProxy {
  url: string;
  /** Requests forwarded, as `METHOD /path?query`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards everything to `target` and counts
 * what it forwarded: the upstream requests the backends really made.
 */
export async function startCountingProxy(
  target: string,
): Promise<CountingProxy> {
  const to = new URL(target);
  const state: CountingProxy = { url: '', requests: [], close: async () => {} };
  const server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url ?? ''}`);
    forwardRequest(to, req, res);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>(r => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
