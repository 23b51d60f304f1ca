/**
 * A small HTTP server that answers like a broken or hostile Prometheus (or
 * Kubernetes API) on command: set `mode` and every following request gets
 * that misbehaviour. It speaks real HTTP on 127.0.0.1, so the code under test
 * goes through its real fetch, body reading, size cap and timeout. With
 * `forwardTo`, mode `ok` forwards every request to a real upstream (a demo
 * API server), so one cluster can turn hostile and back.
 */
import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

export type Misbehaviour =
  | 'ok'
  | 'malformed-json'
  | 'scalar'
  | 'matrix-for-vector'
  | 'nan-and-inf'
  | 'bad-timestamps'
  | 'negative-increase'
  | 'poisoned-expiry'
  | 'huge-body'
  | 'stall'
  | 'server-error'
  /** Headers and the start of a list, then the connection drops. */
  | 'truncated';

/** The size of the `huge-body` answer: 100 MB, sent in 1 MB chunks. */
export const HUGE_BODY_BYTES = 100 * 1024 * 1024;

export interface MisbehavingUpstream {
  url: string;
  mode: Misbehaviour;
  /** Requests received, by path. */
  requests: string[];
  /** The Authorization header of each request ('' when none). */
  authorizations: string[];
  /** The most bytes one `huge-body` answer wrote before its client hung up. */
  bytesSent: number;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

function vector(result: unknown[]) {
  return { status: 'success', data: { resultType: 'vector', result } };
}

/** A vector answer whose samples are broken in one way, for every query. */
function brokenVector(mode: Misbehaviour, query: string) {
  const metric = {
    namespace: 'shop',
    pod: 'storefront-1',
    deployment: 'storefront',
    direction: 'inbound',
    classification: 'success',
  };
  switch (mode) {
    case 'scalar':
      return {
        status: 'success',
        data: { resultType: 'scalar', result: [now(), '1'] },
      };
    case 'matrix-for-vector':
      return {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [{ metric, values: [[now(), '1']] }],
        },
      };
    case 'nan-and-inf':
      return vector([
        { metric, value: [now(), 'NaN'] },
        {
          metric: { ...metric, classification: 'failure' },
          value: [now(), '+Inf'],
        },
        { metric: { ...metric, pod: 'storefront-2' }, value: [now(), '-Inf'] },
      ]);
    case 'bad-timestamps':
      return vector([
        { metric, value: [-1e16, '5'] },
        {
          metric: { ...metric, classification: 'failure' },
          value: [1e300, '5'],
        },
        { metric, value: ['soon', '5'] },
      ]);
    case 'negative-increase':
      return vector([
        { metric, value: [now(), '10'] },
        {
          metric: { ...metric, classification: 'failure' },
          value: [now(), '-50'],
        },
      ]);
    case 'poisoned-expiry':
      // Every query answers; the certificate query gets -1e16 as expiry.
      return vector(
        /cert_expir/.test(query)
          ? [{ metric, value: [now(), '-1e16'] }]
          : [{ metric, value: [now(), '10'] }],
      );
    default:
      return vector([]);
  }
}

/** Kubernetes API paths get Kubernetes-shaped bodies, the rest Prometheus ones. */
const isKubernetesPath = (url: string) => /^\/apis?(\/|$)/.test(url);

/**
 * Forwards one request to `target` and its answer back; the request body is
 * piped, or sent as given when already read.
 */
export function forwardRequest(
  target: URL,
  req: IncomingMessage,
  res: ServerResponse,
  body?: string,
): void {
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    up => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  if (body === undefined) req.pipe(upstream);
  else upstream.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export async function startMisbehavingUpstream(
  mode: Misbehaviour = 'ok',
  options: { forwardTo?: string } = {},
): Promise<MisbehavingUpstream> {
  const target = options.forwardTo ? new URL(options.forwardTo) : undefined;
  const sockets = new Set<import('node:net').Socket>();
  const running: { server?: Server } = {};
  const state: MisbehavingUpstream = {
    url: '',
    mode,
    requests: [],
    authorizations: [],
    bytesSent: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>(r =>
        running.server ? running.server.close(() => r()) : r(),
      );
    },
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    state.requests.push(req.url ?? '');
    state.authorizations.push(req.headers.authorization ?? '');
    const query = new URLSearchParams(body).get('query') ?? '';
    const kubernetes = isKubernetesPath(req.url ?? '');
    const json = (value: unknown, status = 200) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    switch (state.mode) {
      case 'ok':
        if (target) return forwardRequest(target, req, res, body);
        return json(vector([]));
      case 'malformed-json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(
          '{"status":"success","data":{"resultType":"vector","result":[{"metric":',
        );
      case 'server-error':
        return json(
          kubernetes
            ? {
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                message: 'etcdserver: request timed out',
                code: 503,
              }
            : { status: 'error', error: 'internal error' },
          503,
        );
      case 'truncated':
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': '100000',
        });
        res.write(
          kubernetes
            ? '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"a'
            : '{"status":"success","data":{"resultType":"vector","result":[{"metric":',
        );
        setTimeout(() => res.destroy(), 50);
        return undefined;
      case 'stall':
        // Headers never come; the connection stays open for 30 s.
        setTimeout(() => res.destroy(), 30_000).unref();
        return undefined;
      case 'huge-body': {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, ' ');
        res.write(
          kubernetes
            ? '{"kind":"List","apiVersion":"v1","metadata":{},"items":['
            : '{"status":"success","data":{"resultType":"vector","result":[',
        );
        // Per answer: a caller sends several queries, each must stop early.
        let sent = 0;
        const pump = () => {
          while (sent < HUGE_BODY_BYTES && !res.destroyed) {
            sent += chunk.length;
            state.bytesSent = Math.max(state.bytesSent, sent);
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end(kubernetes ? ']}' : ']}}');
        };
        pump();
        return undefined;
      }
      default:
        return json(brokenVector(state.mode, query));
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  running.server = server;
  server.on('connection', s => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
