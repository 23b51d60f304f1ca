import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { createContentLunrQueryTranslator } from '@meshlens/plugin-search-backend-module-mesh';

/**
 * The demo's in-memory Lunr engine, with a query translator that drops stop
 * words and matches what people type against the documents' content, so that
 * "not meshed" finds the unmeshed entities and not every mesh document
 * (whose location ends in /mesh).
 */
export default createBackendModule({
  pluginId: 'search',
  moduleId: 'lunr-content-queries',
  register(env) {
    env.registerInit({
      deps: {
        engines: searchEngineRegistryExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ engines, logger }) {
        const engine = new LunrSearchEngine({ logger });
        engine.setTranslator(createContentLunrQueryTranslator({ logger }));
        engines.setSearchEngine(engine);
      },
    });
  },
});
