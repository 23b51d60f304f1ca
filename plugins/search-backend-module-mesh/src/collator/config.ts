import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { assertPromDuration } from '@meshlens/plugin-mesh-node';

const CONFIG_KEY = 'search.collators.mesh';

/** The schedule used when `search.collators.mesh.schedule` is not set. */
export const DEFAULT_MESH_COLLATOR_SCHEDULE: SchedulerServiceTaskScheduleDefinition =
  {
    frequency: { minutes: 10 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 3 },
  };

export const DEFAULT_BATCH_SIZE = 500;

/** How the collator reads the catalog and the mesh status. */
export interface MeshCollatorOptions {
  batchSize: number;
  /** Passed on to the status service; its own default when undefined. */
  window?: string;
}

export function readMeshCollatorSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  const scheduleConfig = config.getOptionalConfig(`${CONFIG_KEY}.schedule`);
  if (!scheduleConfig) {
    return DEFAULT_MESH_COLLATOR_SCHEDULE;
  }
  try {
    return readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig);
  } catch (error) {
    throw new InputError(
      `Invalid schedule at ${CONFIG_KEY}.schedule: ${
        (error as Error).message
      }. Give frequency and timeout as durations, e.g. { minutes: 10 }, or a cron string.`,
    );
  }
}

export function readMeshCollatorOptions(config: Config): MeshCollatorOptions {
  const batchSize =
    config.getOptionalNumber(`${CONFIG_KEY}.batchSize`) ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new InputError(
      `Invalid ${CONFIG_KEY}.batchSize ${batchSize}: use a whole number from 1 to 10000.`,
    );
  }
  const configured = config.getOptionalString(`${CONFIG_KEY}.window`);
  // Checked here, so a bad value stops the backend at start-up rather than
  // failing every collation.
  const window =
    configured === undefined
      ? undefined
      : assertPromDuration(configured, `${CONFIG_KEY}.window`, {
          minSeconds: 1,
        });
  return { batchSize, window };
}
