import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { Entity } from '@backstage/catalog-model';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import meshPlugin, {
  entityMeshCard,
  entityMeshContent,
  meshFleetPage,
} from './alpha';
import { meshApiRef } from './api';
import { certificatesFixture, overviewFixture } from './__fixtures__/fleet';
import { entityFixture, mockMeshApi } from './__testUtils__/render';

describe('the new-frontend-system plugin', () => {
  it('has the mesh plugin id and its extensions', () => {
    expect(meshPlugin.pluginId).toBe('mesh');
    for (const id of [
      'api:mesh',
      'entity-content:mesh/mesh',
      'entity-card:mesh/mesh',
      'page:mesh',
      'search-result-list-item:mesh/mesh',
      'search-filter-result-type:mesh/mesh',
    ]) {
      expect(meshPlugin.getExtension(id as any)).toBeDefined();
    }
    expect(() => meshPlugin.getExtension('page:not-there' as any)).toThrow();
  });

  it('shows the tab and the card only for entities with Kubernetes annotations', () => {
    for (const extension of [entityMeshContent, entityMeshCard]) {
      const tester = createExtensionTester(extension as any);
      const filter = tester.get(
        EntityContentBlueprint.dataRefs.filterFunction,
      ) as (entity: Entity) => boolean;
      expect(filter(entityFixture('storefront'))).toBe(true);
      expect(
        filter({
          ...entityFixture('x'),
          metadata: {
            name: 'x',
            annotations: { 'backstage.io/kubernetes-label-selector': 'app=x' },
          },
        }),
      ).toBe(true);
      expect(filter({ ...entityFixture('x'), metadata: { name: 'x' } })).toBe(
        false,
      );
    }
    const content = createExtensionTester(entityMeshContent);
    expect(content.get(EntityContentBlueprint.dataRefs.title)).toBe('Mesh');
  });

  it('renders the fleet page from its page extension', async () => {
    const api = mockMeshApi({
      getOverview: jest.fn(async () => overviewFixture),
      getCertificates: jest.fn(async () => certificatesFixture),
    });
    const tester = createExtensionTester(meshFleetPage);
    renderInTestApp(tester.reactElement(), {
      config: { mesh: { refreshIntervalSeconds: 0 } },
      apis: [[meshApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    // The posture table's link (the failing-checks table links it too).
    const fleet = await screen.findByRole('table', {
      name: 'Mesh posture of every entity',
    });
    expect(
      within(fleet).getByRole('link', { name: 'storefront' }),
    ).toHaveAttribute('href', '/catalog/default/component/storefront/mesh');
    expect(
      await screen.findByRole('table', {
        name: 'Mesh posture of every entity',
      }),
    ).toBeInTheDocument();
    expect(api.getOverview).toHaveBeenCalledTimes(1);
  });
});
