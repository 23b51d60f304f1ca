import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { meshPermissions } from '@meshlens/plugin-mesh-common';
import {
  createMeshAdaptersRegistration,
  meshAdaptersExtensionPoint,
} from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { readMeshConfig } from './config';
import { createRouter } from './router';
import { checkCatalogue } from './service/checks/registry';
import { BoundedCache } from './cache/BoundedCache';
import { resolveAdapters } from './service/adapterRegistry';
import { AuthorizedMeshStatusService } from './service/AuthorizedMeshStatusService';
import { DefaultMeshStatusService } from './service/DefaultMeshStatusService';
import { meshStatusHostRef } from './service/statusHost';

/**
 * The Meshlens backend plugin, mounted at `/api/mesh`. It owns the one
 * status service, built from the adapters of `meshAdaptersExtensionPoint`;
 * other plugins reach it through `meshStatusServiceRef` (over HTTP by
 * default, in-process with `meshStatusServiceFactory`).
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    const registration = createMeshAdaptersRegistration();
    env.registerExtensionPoint(
      meshAdaptersExtensionPoint,
      registration.extensionPoint,
    );

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        cache: coreServices.cache,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        host: meshStatusHostRef,
      },
      async init(deps) {
        const { httpRouter, httpAuth, logger, permissions } = deps;
        deps.permissionsRegistry.addPermissions(meshPermissions);
        const adapters = resolveAdapters(
          defaultMeshAdapters(),
          registration.registered(),
        );
        const meshConfig = readMeshConfig(deps.config);
        const meshStatus = new AuthorizedMeshStatusService(
          new DefaultMeshStatusService({
            config: meshConfig,
            adapters: () => adapters,
            catalog: deps.catalog,
            auth: deps.auth,
            discovery: deps.discovery,
            // Bounded: Backstage's memory store forgets an entry only when it is read again.
            cache: new BoundedCache(
              deps.cache,
              meshConfig.cacheMaxEntries,
              meshConfig.cacheTtlSeconds * 1000,
            ),
            logger,
          }),
          permissions,
        );
        // In-process callers get the same authorized service as the routes.
        deps.host.publish(meshStatus);
        httpRouter.use(
          await createRouter({
            httpAuth,
            logger,
            meshStatus,
            bounds: meshConfig.bounds,
            checkIds: new Set(checkCatalogue(adapters).keys()),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
