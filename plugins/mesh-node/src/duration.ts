import { InputError } from '@backstage/errors';

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const PART = /([0-9]+)(ms|s|m|h|d|w|y)/g;

/** Seconds per unit, largest first (the order `formatPromDuration` writes). */
const UNIT_SECONDS: Array<[string, number]> = [
  ['y', 31536000],
  ['w', 604800],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
  ['ms', 0.001],
];
const SECONDS = Object.fromEntries(UNIT_SECONDS);

/**
 * What a valid duration looks like, for messages that ask for one.
 * @public
 */
export const PROM_DURATION_HINT =
  'a Prometheus duration such as 30s, 5m, 1h or 1h30m';

/**
 * True for a Prometheus duration such as `30s`, `5m` or `1h30m`: the only
 * form that may be put into PromQL, so it is what every input and config
 * value is checked against.
 * @public
 */
export function isPromDuration(value: unknown): value is string {
  return typeof value === 'string' && DURATION.test(value);
}

/**
 * Seconds in a Prometheus duration; a TypeError for anything else.
 * @public
 */
export function promDurationSeconds(value: string): number {
  if (!isPromDuration(value)) {
    throw new TypeError(`Invalid Prometheus duration "${value}"`);
  }
  let total = 0;
  for (const [, n, unit] of value.matchAll(PART)) {
    total += Number(n) * SECONDS[unit];
  }
  return total;
}

/**
 * The shortest Prometheus duration for a number of seconds, e.g. 5400 is
 * `1h30m`; milliseconds are rounded.
 * @public
 */
export function formatPromDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new TypeError(`Cannot write ${seconds} seconds as a duration`);
  }
  let rest = Math.round(seconds * 1000);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, s] of UNIT_SECONDS) {
    const ms = Math.round(s * 1000);
    const n = Math.floor(rest / ms);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * ms;
    }
  }
  return out;
}

/**
 * The duration, or an InputError that names the field and says what to
 * give instead. With `minSeconds`/`maxSeconds` the duration is bounded.
 * @public
 */
export function assertPromDuration(
  value: unknown,
  field: string,
  options: { minSeconds?: number; maxSeconds?: number } = {},
): string {
  if (!isPromDuration(value)) {
    throw new InputError(
      `Invalid ${field} '${String(value)}': use ${PROM_DURATION_HINT}`,
    );
  }
  const seconds = promDurationSeconds(value);
  const { minSeconds, maxSeconds } = options;
  if (minSeconds !== undefined && seconds < minSeconds) {
    throw new InputError(
      `Invalid ${field} '${value}': use at least ${formatPromDuration(
        minSeconds,
      )}`,
    );
  }
  if (maxSeconds !== undefined && seconds > maxSeconds) {
    throw new InputError(
      `Invalid ${field} '${value}': use at most ${formatPromDuration(
        maxSeconds,
      )}`,
    );
  }
  return value;
}
