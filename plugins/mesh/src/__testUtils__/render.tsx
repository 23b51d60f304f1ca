import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { MeshApi, meshApiRef } from '../api';

export function entityFixture(name: string, namespace = 'default'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace,
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { type: 'service', owner: 'shop-team', lifecycle: 'production' },
  };
}

export type MockMeshApi = { [K in keyof MeshApi]: jest.Mock };

export function mockMeshApi(partial: Partial<MockMeshApi> = {}): MockMeshApi {
  const never = () => new Promise<never>(() => {});
  return {
    getEntityStatus: jest.fn(never),
    getEntityTimeseries: jest.fn(never),
    getOverview: jest.fn(never),
    getCertificates: jest.fn(never),
    getOnboardingTargets: jest.fn(never),
    ...partial,
  };
}

/**
 * Renders inside a test app with the mesh API mocked, auto-refresh off unless
 * asked for, and entity routes mounted where the catalog mounts them.
 */
export async function renderWithMesh(
  element: ReactElement,
  options: {
    api: MockMeshApi;
    entity?: Entity;
    refreshIntervalSeconds?: number;
  },
) {
  const config = mockApis.config({
    data: {
      mesh: { refreshIntervalSeconds: options.refreshIntervalSeconds ?? 0 },
    },
  });
  // Awaited: an unfinished act() scope from one test swallows the next test's updates.
  return await renderInTestApp(
    <TestApiProvider
      apis={[
        [meshApiRef, options.api],
        [configApiRef, config],
      ]}
    >
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
