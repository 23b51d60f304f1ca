import { InputError } from '@backstage/errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/** A namespace name (RFC 1123 label), or an InputError saying so. */
export function assertNamespaceName(name: string): string {
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw new InputError(
      `"${name}" is not a valid Kubernetes namespace name (lowercase letters, digits and "-", at most 63 characters)`,
    );
  }
  return name;
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

export function isLabelKey(key: string): boolean {
  return key.length <= 316 && LABEL_KEY.test(key);
}
