import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  isPromDuration,
  promDurationSeconds,
} from '@meshlens/plugin-mesh-node';
import { errorMessage } from './clusterSnapshot';

/** Most points a time series request may ask for. */
export const MAX_POINTS = 1000;

/** A window such as `5m`, validated; the configured default when left out. */
export function validWindow(
  value: string | undefined,
  fallback: string,
): string {
  const window = value ?? fallback;
  if (!isPromDuration(window) || promDurationSeconds(window) < 1) {
    throw new InputError(
      `Invalid window "${window}": use a Prometheus duration such as 30s, 5m, 1h or 1h30m`,
    );
  }
  return window;
}

/** A time series' range and step, validated, with the number of points bounded. */
export function validRange(options: { range?: string; step?: string }): {
  range: string;
  step: string;
  rangeSeconds: number;
  stepSeconds: number;
} {
  const range = options.range ?? '1h';
  const step = options.step ?? '1m';
  for (const [name, value] of [
    ['range', range],
    ['step', step],
  ]) {
    if (!isPromDuration(value) || promDurationSeconds(value) < 1) {
      throw new InputError(
        `Invalid ${name} "${value}": use a Prometheus duration such as 1m, 15m or 1h`,
      );
    }
  }
  const rangeSeconds = promDurationSeconds(range);
  const stepSeconds = promDurationSeconds(step);
  if (rangeSeconds / stepSeconds > MAX_POINTS) {
    throw new InputError(
      `range/step gives ${Math.ceil(
        rangeSeconds / stepSeconds,
      )} points; at most ${MAX_POINTS} are served: use a larger step`,
    );
  }
  return { range, step, rangeSeconds, stepSeconds };
}

/** An entity reference in its canonical form, or an InputError that says why not. */
export function canonicalEntityRef(ref: string | CompoundEntityRef): string {
  try {
    return stringifyEntityRef(
      typeof ref === 'string' ? parseEntityRef(ref) : ref,
    );
  } catch (e) {
    throw new InputError(`Invalid entity reference: ${errorMessage(e)}`);
  }
}
