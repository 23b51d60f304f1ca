import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { createSearchResultListItemExtension } from '@backstage/plugin-search-react';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import { MeshOnboardingTarget } from '@meshlens/plugin-mesh-common';
import { meshApiRef, MeshClient } from './api';
import type { MeshSearchResultListItemProps } from './components/MeshSearchResultListItem';
import {
  MeshNamespacePicker,
  MeshNamespacePickerUiOptions,
  validateMeshNamespace,
} from './components/MeshNamespacePicker';
import { entityContentRouteRef, rootRouteRef } from './routes';

/**
 * The Meshlens plugin for apps on the legacy frontend system; the new
 * frontend system's plugin is the default export of `/alpha`.
 * @public
 */
export const meshPlugin = createPlugin({
  id: 'mesh',
  apis: [
    createApiFactory({
      api: meshApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        kubernetesAuthProvidersApi: kubernetesAuthProvidersApiRef,
      },
      factory: deps => new MeshClient(deps),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
  },
});

/**
 * The mesh tab of an entity page; mount it at `/mesh` for entities where
 * `isMeshAvailable(entity)`.
 * @public
 */
export const EntityMeshContent: () => JSX.Element = meshPlugin.provide(
  createRoutableExtension({
    name: 'EntityMeshContent',
    component: () =>
      import('./components/EntityMeshContent').then(m => m.EntityMeshContent),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * The overview card of an entity: mesh, mTLS, success rate, soonest
 * certificate expiry, worst check.
 * @public
 */
export const EntityMeshCard: () => JSX.Element = meshPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshCard',
    component: {
      lazy: () =>
        import('./components/EntityMeshCard').then(m => m.EntityMeshCard),
    },
  }),
);

/**
 * The fleet page: coverage, filters, every entity's posture, certificate expiry.
 * @public
 */
export const MeshPage: () => JSX.Element = meshPlugin.provide(
  createRoutableExtension({
    name: 'MeshPage',
    component: () => import('./components/MeshPage').then(m => m.MeshPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * Renders search results of type `mesh`.
 * @public
 */
export const MeshSearchResultListItem: (
  props: MeshSearchResultListItemProps,
) => JSX.Element | null = meshPlugin.provide(
  createSearchResultListItemExtension({
    name: 'MeshSearchResultListItem',
    component: () =>
      import('./components/MeshSearchResultListItem').then(
        m => m.MeshSearchResultListItem,
      ),
    predicate: result => result.type === 'mesh',
  }),
);

/**
 * Scaffolder field `ui:field: MeshNamespacePicker`: the clusters and
 * namespaces the form's entity (`entityRef`, or `ui:options.entityRefField`)
 * resolves to, as the mesh backend answers; its value is
 * `{ cluster, namespace }`. Add it inside `<ScaffolderFieldExtensions>`.
 * @public
 */
export const MeshNamespacePickerFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension<
    MeshOnboardingTarget | undefined,
    MeshNamespacePickerUiOptions
  >({
    name: 'MeshNamespacePicker',
    component: MeshNamespacePicker,
    validation: validateMeshNamespace,
  }),
);
