import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// The demo signs everyone in as a guest; configure a real provider for production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@meshlens/plugin-scaffolder-backend-module-mesh'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('./searchEngine'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@meshlens/plugin-search-backend-module-mesh'));

backend.add(import('@backstage/plugin-kubernetes-backend'));

// Meshlens: the mesh API. The search collator and the scaffolder actions
// reach it through meshStatusServiceRef, over HTTP with their credentials.
backend.add(import('@meshlens/plugin-mesh-backend'));

backend.start();
