import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { meshStatusServiceRef } from '@meshlens/plugin-mesh-node';
import { readMeshCollatorSchedule } from './collator/config';
import { MeshCollatorFactory } from './collator/MeshCollatorFactory';

/**
 * Indexes the mesh posture of every catalog entity with Kubernetes
 * annotations, as search documents of type `mesh`.
 *
 * @public
 */
export const searchModuleMeshCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'mesh-collator',
  register(env) {
    env.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        meshStatus: meshStatusServiceRef,
      },
      async init({
        indexRegistry,
        config,
        scheduler,
        auth,
        logger,
        catalog,
        meshStatus,
      }) {
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner(
            readMeshCollatorSchedule(config),
          ),
          factory: MeshCollatorFactory.fromConfig(config, {
            auth,
            catalog,
            meshStatus,
            logger,
          }),
        });
      },
    });
  },
});
