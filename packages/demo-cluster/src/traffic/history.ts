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

import fs from 'node:fs';
import { CounterExporter, SeriesSpec } from './exposition';
import { EXPORTED_FAMILIES } from './cadvisor';
import { ScrapeContext } from './proxies';

/**
 * One endpoint to write the history of: what it serves at a time, when its
 * counters started, and the labels its scrape target adds.
 */
export interface HistoryTarget {
  job: string;
  instance: string;
  labels: Record<string, string>;
  startedAt: number;
  /** The endpoint's series in a context (the live endpoint renders the same). */
  series(ctx: ScrapeContext): SeriesSpec[];
}

/**
 * The span of history: samples every `stepSeconds` from `end - seconds`,
 * and every `recentStepSeconds` over the last `recentSeconds` to `end`.
 */
export interface HistorySpan {
  endSeconds: number;
  seconds: number;
  stepSeconds: number;
  recentSeconds?: number;
  recentStepSeconds?: number;
}

/**
 * The sample times of a span. Prometheus extrapolates `increase()` and
 * `rate()` to a window's edges only over about one average sample
 * interval, so:
 * - the last minutes are sampled about as often as the scrapes that
 *   follow, or a 5m window that mixes sparse history with 2 s scrapes
 *   reads low;
 * - samples sit 1 s after each multiple of their step, so every window of
 *   a chart whose points fall on whole minutes starts just before a sample
 *   (a window whose first sample came most of a step after its start would
 *   read low where the steps change);
 * - the last sample is at the end, seconds before the first scrape.
 */
export function historyTimes(span: HistorySpan): number[] {
  const end = Math.round(span.endSeconds);
  const recent = Math.min(span.recentSeconds ?? 0, span.seconds);
  const times: number[] = [];
  const grid = (from: number, to: number, step: number) => {
    for (let t = Math.ceil((from - 1) / step) * step + 1; t < to; t += step) {
      times.push(t);
    }
  };
  grid(end - span.seconds, end - recent, span.stepSeconds);
  if (recent > 0) {
    grid(end - recent, end, span.recentStepSeconds ?? span.stepSeconds);
  }
  times.push(end);
  return times;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const escapeValue = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The series of one scrape as Prometheus stores them: the target's labels
 * (job, instance, then the target labels) win, and an exposed label of the
 * same name is kept as `exported_<name>` (honor_labels: false).
 */
export function storedSeries(
  exposition: string,
  target: Pick<HistoryTarget, 'job' | 'instance' | 'labels'>,
): Array<{ series: string; value: string }> {
  const targetLabels: Record<string, string> = {
    job: target.job,
    instance: target.instance,
    ...target.labels,
  };
  const out: Array<{ series: string; value: string }> = [];
  for (const line of exposition.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, labelText = '', value] = m;
    const labels: Array<[string, string]> = Object.entries(targetLabels).map(
      ([k, v]) => [k, escapeValue(v)],
    );
    for (const [, key, escaped] of labelText.matchAll(LABEL)) {
      labels.push([key in targetLabels ? `exported_${key}` : key, escaped]);
    }
    labels.sort(([a], [b]) => (a < b ? -1 : 1));
    out.push({
      series: `${name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}`,
      value,
    });
  }
  return out;
}

/**
 * Writes what scraping the targets would have stored over the span, as
 * OpenMetrics for `promtool tsdb create-blocks-from openmetrics`. A
 * counter is a function of its pod's start and the plan's rate, so an
 * exporter rendered at past times gives the values the live endpoint
 * continues from. Returns the number of samples written.
 */
export function writeHistory(
  file: string,
  targets: HistoryTarget[],
  context: (nowSeconds: number) => ScrapeContext,
  span: HistorySpan,
): number {
  const fd = fs.openSync(file, 'w');
  let samples = 0;
  try {
    const times = historyTimes(span);
    const contexts = times.map(t => context(t));
    for (const target of targets) {
      const exporter = new CounterExporter(target.startedAt, EXPORTED_FAMILIES);
      // Each exposed series maps to the same stored series at every time.
      const stored = new Map<string, string>();
      const values = new Map<string, string[]>();
      times.forEach((t, i) => {
        const text = exporter.render(target.series(contexts[i]), t);
        for (const line of text.split('\n')) {
          if (!line || line.startsWith('#')) continue;
          const cut = line.lastIndexOf(' ');
          const exposed = line.slice(0, cut);
          let series = stored.get(exposed);
          if (series === undefined) {
            series = storedSeries(line, target)[0]?.series ?? '';
            stored.set(exposed, series);
          }
          if (!series) continue;
          const list = values.get(series) ?? [];
          list.push(`${line.slice(cut + 1)} ${t}`);
          values.set(series, list);
        }
      });
      // Grouped per series, each in time order, as promtool appends them.
      for (const [series, list] of values) {
        fs.writeSync(fd, `${series} ${list.join(`\n${series} `)}\n`);
        samples += list.length;
      }
    }
    fs.writeSync(fd, '# EOF\n');
  } finally {
    fs.closeSync(fd);
  }
  return samples;
}
