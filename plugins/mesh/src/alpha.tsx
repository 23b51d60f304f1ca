import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { meshApiRef, MeshClient } from './api';
import { meshAvailableFilter } from './conditions';
import { MeshIcon } from './components/MeshIcon';

/** @alpha */
export const meshFleetRouteRef = createRouteRef();

/** @alpha */
export const meshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: meshApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        kubernetesAuthProvidersApi: kubernetesAuthProvidersApiRef,
      },
      factory: deps => new MeshClient(deps),
    }),
});

/** @alpha */
export const entityMeshContent = EntityContentBlueprint.make({
  name: 'mesh',
  params: {
    path: '/mesh',
    title: 'Mesh',
    group: 'observability',
    filter: meshAvailableFilter,
    loader: () =>
      import('./components/EntityMeshContent').then(m => (
        <m.EntityMeshContent />
      )),
  },
});

/** @alpha */
export const entityMeshCard = EntityCardBlueprint.make({
  name: 'mesh',
  params: {
    type: 'info',
    filter: meshAvailableFilter,
    loader: () =>
      import('./components/EntityMeshCard').then(m => <m.EntityMeshCard />),
  },
});

/** @alpha */
export const meshFleetPage = PageBlueprint.make({
  params: {
    path: '/mesh',
    title: 'Service mesh',
    icon: <MeshIcon />,
    routeRef: meshFleetRouteRef,
    loader: () =>
      Promise.all([
        import('@backstage/core-components'),
        import('./components/MeshPage'),
      ]).then(([{ Content }, m]) => (
        <Content>
          <m.MeshFleetContent />
        </Content>
      )),
  },
});

/** @alpha */
export const meshSearchResultListItem = SearchResultListItemBlueprint.make({
  name: 'mesh',
  params: {
    icon: <MeshIcon />,
    predicate: result => result.type === 'mesh',
    component: () =>
      import('./components/MeshSearchResultListItem').then(
        m => m.MeshSearchResultListItem,
      ),
  },
});

/** The "Service mesh" result type of the search page's type filter. @alpha */
export const meshSearchResultType = SearchFilterResultTypeBlueprint.make({
  name: 'mesh',
  params: { value: 'mesh', name: 'Service mesh', icon: <MeshIcon /> },
});

/**
 * Meshlens for the new frontend system: API, entity tab and card, fleet page
 * with its navigation item, and mesh search results.
 * @alpha
 */
/**
 * The scaffolder field `ui:field: MeshNamespacePicker` (see the template
 * mesh-my-service).
 * @alpha
 */
export const meshNamespacePickerField = FormFieldBlueprint.make({
  name: 'mesh-namespace-picker',
  params: {
    field: () =>
      import('./components/MeshNamespacePicker/formField').then(
        m => m.meshNamespacePickerFormField,
      ),
  },
});

export default createFrontendPlugin({
  pluginId: 'mesh',
  title: 'Service mesh',
  icon: <MeshIcon />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: meshFleetRouteRef },
  extensions: [
    meshApi,
    entityMeshContent,
    entityMeshCard,
    meshFleetPage,
    meshSearchResultListItem,
    meshSearchResultType,
    meshNamespacePickerField,
  ],
});
