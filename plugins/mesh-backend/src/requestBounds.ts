import { InputError } from '@backstage/errors';
import {
  isPromDuration,
  promDurationSeconds,
} from '@meshlens/plugin-mesh-node';

/**
 * How much work one request may ask of Prometheus. Every bound is enforced
 * before any upstream is contacted, and a refusal names the limit, so a
 * caller knows what to change.
 */
export interface RequestBounds {
  /** Longest metrics window, in seconds (`mesh.maxWindow`). */
  maxWindowSeconds: number;
  /** Longest time-series range, in seconds (`mesh.timeseries.maxRange`). */
  maxRangeSeconds: number;
  /** Most points one time series may have. */
  maxPoints: number;
}

/** A rate over less than a minute has too few scrapes to mean anything. */
export const MIN_WINDOW_SECONDS = 60;
export const DEFAULT_MAX_WINDOW = '1d';
export const DEFAULT_MAX_RANGE = '7d';
export const MAX_POINTS = 1000;

const HINT = 'a Prometheus duration such as 30s, 5m, 1h or 1h30m';

function seconds(name: string, value: string): number {
  if (!isPromDuration(value)) {
    throw new InputError(`${name} must be ${HINT}, got "${value}"`);
  }
  return promDurationSeconds(value);
}

/** Checks a metrics window; `undefined` (the configured default) passes. */
export function checkWindow(
  bounds: RequestBounds,
  window: string | undefined,
): void {
  if (window === undefined) return;
  const s = seconds('window', window);
  if (s < MIN_WINDOW_SECONDS || s > bounds.maxWindowSeconds) {
    throw new InputError(
      `window must be between 1m and ${formatSeconds(
        bounds.maxWindowSeconds,
      )} (mesh.maxWindow), got "${window}"`,
    );
  }
}

/**
 * Checks a time-series range and step with the service's defaults (1h, 1m)
 * applied, so the point count is the one Prometheus would compute.
 */
export function checkRange(
  bounds: RequestBounds,
  range: string | undefined,
  step: string | undefined,
): void {
  const rangeSeconds = seconds('range', range ?? '1h');
  const stepSeconds = seconds('step', step ?? '1m');
  if (stepSeconds < 1) {
    throw new InputError(`step must be at least 1s, got "${step}"`);
  }
  const points = Math.ceil(rangeSeconds / stepSeconds);
  if (points > bounds.maxPoints) {
    throw new InputError(
      `range/step gives ${points} points; at most ${
        bounds.maxPoints
      } are served: use a step of at least ${formatSeconds(
        Math.ceil(rangeSeconds / bounds.maxPoints),
      )}`,
    );
  }
  if (rangeSeconds < 1 || rangeSeconds > bounds.maxRangeSeconds) {
    throw new InputError(
      `range must be between 1s and ${formatSeconds(
        bounds.maxRangeSeconds,
      )} (mesh.timeseries.maxRange), got "${range}"`,
    );
  }
}

/** The shortest Prometheus duration for whole seconds, e.g. 90061 → 1d1h1m1s. */
export function formatSeconds(total: number): string {
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(total);
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out || '0s';
}
