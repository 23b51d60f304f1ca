import { InputError } from '@backstage/errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * True for an RFC 1123 label: namespace names, port names, Service names.
 * @public
 */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

/**
 * A namespace name, or an InputError that says what a valid one looks like.
 * `field` names the input in the message (e.g. `allowFrom[1]`).
 * @public
 */
export function assertNamespaceName(value: unknown, field?: string): string {
  if (typeof value !== 'string' || !isDnsLabel(value)) {
    throw new InputError(
      `${field ? `${field}: ` : ''}"${String(
        value,
      )}" is not a valid namespace name; use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123)`,
    );
  }
  return value;
}

/**
 * True for a label value (also used for revisions and other short names).
 * @public
 */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * True for a label key, optionally with a DNS-subdomain prefix.
 * @public
 */
export function isLabelKey(key: string): boolean {
  return key.length <= 316 && LABEL_KEY.test(key);
}
