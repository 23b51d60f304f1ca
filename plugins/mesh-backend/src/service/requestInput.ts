import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { promDurationSeconds } from '@meshlens/plugin-mesh-node';
import { RequestBounds, checkRange, checkWindow } from '../requestBounds';
import { errorMessage } from './clusterSnapshot';

/**
 * A window such as `5m`, checked against the configured bounds (one
 * implementation with the router's, `checkWindow`); the configured default
 * when left out.
 */
export function validWindow(
  value: string | undefined,
  fallback: string,
  bounds: RequestBounds,
): string {
  checkWindow(bounds, value);
  return value ?? fallback;
}

/**
 * A time series' range and step (defaults 1h and 1m), checked against the
 * configured bounds like the router checks them (`checkRange`).
 */
export function validRange(
  options: { range?: string; step?: string },
  bounds: RequestBounds,
): {
  range: string;
  step: string;
  rangeSeconds: number;
  stepSeconds: number;
} {
  const range = options.range ?? '1h';
  const step = options.step ?? '1m';
  checkRange(bounds, range, step);
  return {
    range,
    step,
    rangeSeconds: promDurationSeconds(range),
    stepSeconds: promDurationSeconds(step),
  };
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
