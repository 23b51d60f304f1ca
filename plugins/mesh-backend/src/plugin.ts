import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { meshPermissions } from '@meshlens/plugin-mesh-common';
import {
  MeshAdapter,
  MeshAdapterFactory,
  meshAdaptersExtensionPoint,
  meshStatusServiceRef,
} from '@meshlens/plugin-mesh-node';
import { DefaultMeshStatusService } from './service/DefaultMeshStatusService';
import { createRouter } from './router';
import { readMeshConfig } from './config';

/**
 * The Meshlens backend plugin, mounted at `/api/mesh`. It needs
 * `meshStatusServiceFactory` in the same backend.
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    let registered: MeshAdapter[] | MeshAdapterFactory | undefined;
    env.registerExtensionPoint(meshAdaptersExtensionPoint, {
      addAdapters(adapters) {
        if (registered) {
          throw new Error(
            'Mesh adapters were already added: call addAdapters once, with every adapter',
          );
        }
        registered =
          typeof adapters === 'function' || Array.isArray(adapters)
            ? adapters
            : [adapters];
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        meshStatus: meshStatusServiceRef,
      },
      async init({
        config,
        httpRouter,
        httpAuth,
        logger,
        permissions,
        permissionsRegistry,
        meshStatus,
      }) {
        permissionsRegistry.addPermissions(meshPermissions);
        if (registered && meshStatus instanceof DefaultMeshStatusService) {
          meshStatus.useAdapters(registered);
        }
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            logger,
            meshStatus,
            bounds: readMeshConfig(config).bounds,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
