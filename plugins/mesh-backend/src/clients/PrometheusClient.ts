import {
  PromSample,
  PromSeries,
  discardBody,
  readCappedJson,
} from '@meshlens/plugin-mesh-node';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../config';
import { redactCredentials, redactUrl } from './redact';

/** Where one cluster's PromQL API lives. */
export interface PrometheusEndpoint {
  url: string;
  headers: Record<string, string>;
}

/**
 * Sample times Meshlens believes: after 2000-01-01 and before 2200-01-01.
 * Anything else is a broken upstream, and would throw a RangeError the
 * moment it became a Date.
 */
const MIN_TIME = 946684800;
const MAX_TIME = 7258118400;

/**
 * A PromQL HTTP API client (Prometheus, Thanos, Mimir). Queries are POSTed
 * form-encoded, so the overview's long matchers never hit URL limits.
 *
 * Nothing an upstream answers is trusted: a wrong shape, wrong result type,
 * oversized or slow answer is an Error whose message says what was wrong (the
 * caller turns it into an `errors[]` entry); samples without a finite value
 * or a plausible time are left out, since they carry no usable number.
 */
export class PrometheusClient {
  private readonly url: URL;
  private readonly safeUrl: string;
  private readonly headers: Record<string, string>;

  constructor(
    endpoint: PrometheusEndpoint,
    private readonly timeoutMs: number,
    private readonly maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    this.url = new URL(endpoint.url);
    this.safeUrl = redactUrl(endpoint.url);
    this.headers = { ...endpoint.headers };
    // fetch refuses URLs with credentials: send them as Basic auth instead.
    if (this.url.username || this.url.password) {
      const user = decodeURIComponent(this.url.username);
      const pass = decodeURIComponent(this.url.password);
      this.headers.Authorization ??= `Basic ${Buffer.from(
        `${user}:${pass}`,
      ).toString('base64')}`;
      this.url.username = '';
      this.url.password = '';
    }
  }

  async query(promql: string, time?: number): Promise<PromSample[]> {
    const form = new URLSearchParams({ query: promql });
    if (time !== undefined) form.set('time', String(time));
    const result = await this.post('/api/v1/query', form, 'vector');
    const out: PromSample[] = [];
    for (const r of result) {
      const metric = labelsOf(r);
      const point = pointOf((r as { value?: unknown }).value);
      if (metric && point) out.push({ metric, value: point[1] });
    }
    return out;
  }

  async queryRange(
    promql: string,
    start: number,
    end: number,
    stepSeconds: number,
  ): Promise<PromSeries[]> {
    const form = new URLSearchParams({
      query: promql,
      start: String(start),
      end: String(end),
      step: String(stepSeconds),
    });
    const result = await this.post('/api/v1/query_range', form, 'matrix');
    const out: PromSeries[] = [];
    for (const r of result) {
      const metric = labelsOf(r);
      const values = (r as { values?: unknown }).values;
      if (!metric || !Array.isArray(values)) continue;
      out.push({
        metric,
        values: values
          .map(pointOf)
          .filter((p): p is [number, number] => p !== undefined),
      });
    }
    return out;
  }

  private async post(
    path: string,
    form: URLSearchParams,
    expected: 'vector' | 'matrix',
  ): Promise<unknown[]> {
    const what = `Prometheus at ${this.safeUrl}`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let body: unknown;
    try {
      const response = await fetch(
        new URL(path.slice(1), withSlash(this.url)),
        {
          method: 'POST',
          headers: {
            ...this.headers,
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
          },
          body: form.toString(),
          signal,
        },
      );
      if (!response.ok) {
        discardBody(response);
        throw new Error(
          `${what} answered ${response.status} ${response.statusText}`.trim(),
        );
      }
      body = await readCappedJson(response, {
        maxBytes: this.maxBytes,
        what,
        setting: 'mesh.maxResponseBytes',
        signal,
      });
    } catch (e) {
      throw new Error(redactCredentials(failure(e, what, this.timeoutMs)));
    }
    const parsed = body as {
      status?: unknown;
      error?: unknown;
      data?: { resultType?: unknown; result?: unknown };
    } | null;
    if (!parsed || typeof parsed !== 'object' || parsed.status !== 'success') {
      const reason =
        parsed && typeof parsed.error === 'string' ? parsed.error : 'no data';
      throw new Error(`Prometheus query failed: ${reason.slice(0, 300)}`);
    }
    const resultType = parsed.data?.resultType;
    if (resultType !== expected || !Array.isArray(parsed.data?.result)) {
      throw new Error(
        `${what} answered a ${String(
          resultType,
        )} result where a ${expected} was expected`,
      );
    }
    return parsed.data!.result as unknown[];
  }
}

function withSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith('/')) copy.pathname += '/';
  return copy;
}

function failure(e: unknown, what: string, timeoutMs: number): string {
  const error = e as Error;
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    return `${what} did not answer within ${timeoutMs} ms (mesh.timeoutMs)`;
  }
  const message = error?.message ?? String(e);
  if (message.startsWith(what)) return message;
  const cause = (error as { cause?: Error })?.cause?.message;
  return `${what} could not be read: ${message}${cause ? ` (${cause})` : ''}`;
}

function labelsOf(r: unknown): Record<string, string> | undefined {
  const metric = (r as { metric?: unknown })?.metric;
  if (!metric || typeof metric !== 'object' || Array.isArray(metric)) {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A `[time, "value"]` pair with a plausible time and a finite value. */
function pointOf(p: unknown): [number, number] | undefined {
  if (!Array.isArray(p) || p.length !== 2) return undefined;
  const t = Number(p[0]);
  const v = typeof p[1] === 'string' && p[1] !== '' ? Number(p[1]) : NaN;
  if (!(t >= MIN_TIME && t <= MAX_TIME) || !Number.isFinite(v)) {
    return undefined;
  }
  return [t, v];
}
