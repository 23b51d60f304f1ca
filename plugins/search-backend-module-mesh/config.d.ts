import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /**
       * The collator that indexes the mesh posture of every catalog entity
       * with Kubernetes annotations (`@meshlens/plugin-search-backend-module-mesh`).
       */
      mesh?: {
        /**
         * How often the mesh index is rebuilt. Defaults to every 10 minutes,
         * with a 15 minute timeout and a 3 second initial delay.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * How many entities to read from the catalog per request. Defaults to 500.
         */
        batchSize?: number;
        /**
         * The metrics window the status is computed over, a Prometheus
         * duration such as `5m` or `1h`. Defaults to the mesh backend's own default.
         */
        window?: string;
      };
    };
  };
}
