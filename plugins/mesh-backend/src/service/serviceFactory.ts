import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { meshStatusServiceRef } from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '../adapters';
import { readMeshConfig } from '../config';
import { BoundedCache } from '../cache/BoundedCache';
import {
  DefaultMeshStatusService,
  MeshAdapterRegistry,
} from './DefaultMeshStatusService';

/**
 * The implementation of `meshStatusServiceRef`: add it to the backend beside
 * the plugin. Other backend plugins (the search collator, scaffolder
 * actions) then get mesh status without HTTP, passing their own
 * `auth.getOwnServiceCredentials()` or a user's credentials.
 *
 * The adapter registry and in-flight requests live in the root context, so
 * every plugin's instance uses the adapters registered through
 * `meshAdaptersExtensionPoint` and shares single-flight fetches.
 * @public
 */
export const meshStatusServiceFactory = createServiceFactory({
  service: meshStatusServiceRef,
  deps: {
    rootConfig: coreServices.rootConfig,
    logger: coreServices.logger,
    auth: coreServices.auth,
    discovery: coreServices.discovery,
    cache: coreServices.cache,
    catalog: catalogServiceRef,
  },
  async createRootContext({ rootConfig }) {
    return {
      config: readMeshConfig(rootConfig),
      registry: new MeshAdapterRegistry(defaultMeshAdapters()),
      inFlight: new Map<string, Promise<unknown>>(),
    };
  },
  async factory(deps, root) {
    return new DefaultMeshStatusService({
      config: root.config,
      registry: root.registry,
      inFlight: root.inFlight,
      catalog: deps.catalog,
      auth: deps.auth,
      discovery: deps.discovery,
      cache: new BoundedCache(
        deps.cache,
        root.config.cacheMaxEntries,
        root.config.cacheTtlSeconds * 1000,
      ),
      logger: deps.logger,
    });
  },
});
