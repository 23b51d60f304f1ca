/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/** Label set of one series. */
export type Labels = Record<string, string>;

/** A latency distribution: log-normal through a p50 and a p99. */
export interface LatencyDistribution {
  /** Fraction of observations at or below x (same unit as the quantiles). */
  cdf(x: number): number;
  mean: number;
}

/** Abramowitz–Stegun 7.1.26, good to 1.5e-7. */
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
      t +
      0.254829592) *
      t *
      Math.exp(-x * x);
  return sign * y;
}

const Z99 = 2.3263478740408408;

/** A log-normal distribution with the given median and 99th percentile. */
export function logNormal(p50: number, p99: number): LatencyDistribution {
  const mu = Math.log(p50);
  const sigma = Math.log(p99 / p50) / Z99;
  return {
    cdf: (x: number) =>
      x <= 0 ? 0 : 0.5 * (1 + erf((Math.log(x) - mu) / (sigma * Math.SQRT2))),
    mean: Math.exp(mu + (sigma * sigma) / 2),
  };
}

/** A stable pseudo-random number in [0, 1) for a string (FNV-1a). */
export function phase(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 4294967296;
}

/** What an exporter emits, before time is applied. */
export type SeriesSpec =
  | {
      kind: 'counter';
      name: string;
      labels: Labels;
      rate: number;
      /**
       * A counter of seconds (CPU time) is a float, as cAdvisor's are;
       * request counters stay integers, as a proxy's are.
       */
      fractional?: boolean;
      /**
       * When this series' count began (its container's start), if not the
       * exporter's: such a series reads the same whenever it is first rendered.
       */
      startSeconds?: number;
    }
  | { kind: 'gauge'; name: string; labels: Labels; value: number }
  | {
      kind: 'histogram';
      /** Family name without _bucket/_sum/_count. */
      name: string;
      labels: Labels;
      /** Observations per second. */
      rate: number;
      distribution: LatencyDistribution;
      /** Bucket upper bounds, in the family's unit. */
      buckets: number[];
      /** Multiplier from the distribution's unit (ms) to the family's unit. */
      unit: number;
    };

/** HELP texts and types of the families the demo emits. */
export interface FamilyInfo {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map(k => `${k}="${escapeLabel(labels[k])}"`).join(',')}}`;
}

function formatNumber(v: number): string {
  if (v === Infinity) return '+Inf';
  if (Number.isInteger(v)) return String(v);
  return String(v);
}

/**
 * Turns series specs into Prometheus text exposition, integrating counter
 * rates over time so that `rate()` over the result gives the configured
 * rate. Counters are integers, as a proxy's are.
 */
export class CounterExporter {
  private readonly acc = new Map<string, { value: number; last: number }>();
  private rendered = false;

  /**
   * @param startSeconds when the counters started (the pod's proxy start).
   * Series present at the first scrape count from then, as if the proxy had
   * been running all along; series that appear later start at zero.
   */
  constructor(
    private readonly startSeconds: number,
    private readonly families: Record<string, FamilyInfo>,
  ) {}

  private advance(
    key: string,
    rate: number,
    now: number,
    startSeconds?: number,
  ): number {
    let s = this.acc.get(key);
    if (!s) {
      // A per-series phase in [0, 1) spreads the integer steps of slow counters,
      // so sums over many series stay close to the configured rate.
      let last = this.rendered ? now : Math.min(now, this.startSeconds);
      if (startSeconds !== undefined) last = Math.min(now, startSeconds);
      s = { value: phase(key), last };
      this.acc.set(key, s);
    }
    if (now > s.last) {
      s.value += rate * (now - s.last);
      s.last = now;
    }
    return s.value;
  }

  /** Renders the exposition text at a given time (seconds since the epoch). */
  render(specs: SeriesSpec[], nowSeconds: number): string {
    // Series with identical names and labels add up (e.g. several pods on one node).
    const merged = new Map<string, SeriesSpec>();
    for (const s of specs) {
      const key = `${s.name}${labelText(s.labels)}`;
      const prev = merged.get(key);
      if (!prev) {
        merged.set(key, { ...s });
      } else if (prev.kind === 'counter' && s.kind === 'counter') {
        prev.rate += s.rate;
      } else if (prev.kind === 'histogram' && s.kind === 'histogram') {
        prev.rate += s.rate;
      } else if (prev.kind === 'gauge' && s.kind === 'gauge') {
        prev.value += s.value;
      }
    }
    const byFamily = new Map<string, string[]>();
    const push = (family: string, line: string) => {
      const lines = byFamily.get(family) ?? [];
      lines.push(line);
      byFamily.set(family, lines);
    };
    for (const [key, s] of merged) {
      if (s.kind === 'gauge') {
        push(s.name, `${key} ${formatNumber(s.value)}`);
      } else if (s.kind === 'counter') {
        const value = this.advance(key, s.rate, nowSeconds, s.startSeconds);
        push(
          s.name,
          `${key} ${
            s.fractional ? Math.round(value * 1e6) / 1e6 : Math.floor(value)
          }`,
        );
      } else {
        const count = this.advance(key, s.rate, nowSeconds);
        for (const le of s.buckets) {
          const inBucket = Math.floor(count * s.distribution.cdf(le / s.unit));
          push(
            s.name,
            `${s.name}_bucket${labelText({
              ...s.labels,
              le: formatNumber(le),
            })} ${inBucket}`,
          );
        }
        const total = Math.floor(count);
        push(
          s.name,
          `${s.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${total}`,
        );
        const sum = count * s.distribution.mean * s.unit;
        push(
          s.name,
          `${s.name}_sum${labelText(s.labels)} ${
            Math.round(sum * 1000) / 1000
          }`,
        );
        push(s.name, `${s.name}_count${labelText(s.labels)} ${total}`);
      }
    }
    this.rendered = true;
    const out: string[] = [];
    for (const [family, lines] of byFamily) {
      const info = this.families[family];
      if (info) {
        if (info.help) out.push(`# HELP ${family} ${info.help}`);
        out.push(`# TYPE ${family} ${info.type}`);
      }
      out.push(...lines);
    }
    return `${out.join('\n')}\n`;
  }
}
