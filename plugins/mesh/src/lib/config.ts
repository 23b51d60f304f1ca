import { ConfigApi } from '@backstage/core-plugin-api';
import { InputError } from '@backstage/errors';

export const DEFAULT_REFRESH_INTERVAL_SECONDS = 30;

/** `mesh.refreshIntervalSeconds` in milliseconds; 0 means no auto-refresh. */
export function readRefreshIntervalMs(config: ConfigApi): number {
  const seconds = config.getOptionalNumber('mesh.refreshIntervalSeconds');
  if (seconds === undefined) return DEFAULT_REFRESH_INTERVAL_SECONDS * 1000;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new InputError(
      `mesh.refreshIntervalSeconds must be 0 (off) or a positive number of seconds, got ${seconds}`,
    );
  }
  return seconds * 1000;
}
