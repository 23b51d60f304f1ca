import { Config } from '@backstage/config';

/**
 * Settings of the onboarding actions, from `mesh.onboarding`.
 * @public
 */
export interface OnboardingSettings {
  rolloutTimeoutMs: number;
  rolloutPollIntervalMs: number;
  protectedNamespaces: string[];
}

export const DEFAULT_ONBOARDING_SETTINGS: OnboardingSettings = {
  rolloutTimeoutMs: 120_000,
  rolloutPollIntervalMs: 2_000,
  protectedNamespaces: [],
};

/** Reads `mesh.onboarding`; every key is optional. */
export function readOnboardingSettings(config: Config): OnboardingSettings {
  const c = config.getOptionalConfig('mesh.onboarding');
  const seconds = (key: string, fallbackMs: number) => {
    const value = c?.getOptionalNumber(key);
    if (value === undefined) return fallbackMs;
    if (!(value > 0)) {
      throw new Error(
        `mesh.onboarding.${key} must be a positive number of seconds, got ${value}`,
      );
    }
    return value * 1000;
  };
  return {
    rolloutTimeoutMs: seconds(
      'rolloutTimeoutSeconds',
      DEFAULT_ONBOARDING_SETTINGS.rolloutTimeoutMs,
    ),
    rolloutPollIntervalMs: seconds(
      'rolloutPollIntervalSeconds',
      DEFAULT_ONBOARDING_SETTINGS.rolloutPollIntervalMs,
    ),
    protectedNamespaces: c?.getOptionalStringArray('protectedNamespaces') ?? [],
  };
}
