import { InputError } from '@backstage/errors';

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/**
 * The value of a Kubernetes resource quantity (`100m` → 0.1, `128Mi` →
 * 134217728, `1e3` → 1000), as apimachinery's `resource.Quantity` parses
 * it. Numbers (a JSON spec may hold `cpu: 2`) are taken as they are.
 */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new InputError(`Invalid resource quantity ${value}`);
    }
    return value;
  }
  const m = QUANTITY.exec(value.trim());
  if (!m) {
    throw new InputError(
      `Invalid resource quantity "${value}": expected a number with an optional suffix such as 100m, 128Mi or 1G`,
    );
  }
  const [, number, exponent, suffix = ''] = m;
  return exponent
    ? Number(`${number}${exponent}`)
    : Number(number) * SUFFIX[suffix];
}
