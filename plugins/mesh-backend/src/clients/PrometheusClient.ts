import { ResponseError } from '@backstage/errors';
import { PromSample, PromSeries } from '@meshlens/plugin-mesh-node';

/** Where one cluster's PromQL API lives. */
export interface PrometheusEndpoint {
  url: string;
  headers: Record<string, string>;
}

interface PromResponse<T> {
  status: 'success' | 'error';
  data?: { resultType: string; result: T };
  error?: string;
}

/**
 * A PromQL HTTP API client (Prometheus, Thanos, Mimir). Queries are POSTed
 * form-encoded, so the overview's long matchers never hit URL limits.
 */
export class PrometheusClient {
  constructor(
    private readonly endpoint: PrometheusEndpoint,
    private readonly timeoutMs: number,
  ) {}

  async query(promql: string, time?: number): Promise<PromSample[]> {
    const form = new URLSearchParams({ query: promql });
    if (time !== undefined) form.set('time', String(time));
    const result = await this.post<
      Array<{ metric: Record<string, string>; value: [number, string] }>
    >('/api/v1/query', form);
    return result.map(r => ({
      metric: r.metric,
      value: parseFloat(r.value[1]),
    }));
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
    const result = await this.post<
      Array<{ metric: Record<string, string>; values: Array<[number, string]> }>
    >('/api/v1/query_range', form);
    return result.map(r => ({
      metric: r.metric,
      values: r.values.map(([t, v]) => [t, parseFloat(v)] as [number, number]),
    }));
  }

  private async post<T>(path: string, form: URLSearchParams): Promise<T> {
    const response = await fetch(`${this.endpoint.url}${path}`, {
      method: 'POST',
      headers: {
        ...this.endpoint.headers,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as PromResponse<T>;
    if (body.status !== 'success' || !body.data) {
      throw new Error(`Prometheus query failed: ${body.error ?? 'no data'}`);
    }
    return body.data.result;
  }
}
