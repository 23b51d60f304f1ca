import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { meshStatusServiceRef } from '@meshlens/plugin-mesh-node';
import {
  component,
  FixedMeshStatusService,
  overviewOf,
  overviewRow,
} from './__testUtils__/fixtures';
import { MeshCollatorFactory } from './collator/MeshCollatorFactory';
import { searchModuleMeshCollator } from './module';
import defaultExport from './index';

async function startWith(meshConfig?: object) {
  const registry = { addCollator: jest.fn(), addDecorator: jest.fn() };
  const runner = { run: jest.fn() };
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: jest.fn().mockReturnValue(runner),
  });
  const meshStatus = new FixedMeshStatusService(
    overviewOf([overviewRow('component:default/storefront')]),
  );
  const backend = await startTestBackend({
    extensionPoints: [[searchIndexRegistryExtensionPoint, registry]],
    features: [
      searchModuleMeshCollator,
      scheduler.factory,
      catalogServiceMock.factory({ entities: [component('storefront')] }),
      createServiceFactory({
        service: meshStatusServiceRef,
        deps: {},
        factory: () => meshStatus,
      }),
      mockServices.rootConfig.factory({
        data: meshConfig ? { search: { collators: { mesh: meshConfig } } } : {},
      }),
    ],
  });
  return { backend, registry, runner, scheduler, meshStatus };
}

describe('searchModuleMeshCollator', () => {
  it('is the default export', () => {
    expect(defaultExport).toBe(searchModuleMeshCollator);
  });

  it('registers the mesh collator on the schedule from config', async () => {
    const { backend, registry, runner, scheduler, meshStatus } =
      await startWith({
        schedule: {
          frequency: { minutes: 30 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 10 },
        },
      });

    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { minutes: 30 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 10 },
    });
    expect(registry.addCollator).toHaveBeenCalledTimes(1);
    const [{ schedule, factory }] = registry.addCollator.mock.calls[0];
    expect(schedule).toBe(runner);
    expect(factory).toBeInstanceOf(MeshCollatorFactory);
    expect(factory.type).toBe('mesh');

    // The factory is wired to the injected catalog and status service.
    const documents = [];
    for await (const document of await factory.getCollator()) {
      documents.push(document);
    }
    expect(documents.map((d: any) => d.entityRef)).toEqual([
      'component:default/storefront',
    ]);
    expect(meshStatus.calls.overview).toBe(1);
    await backend.stop();
  });

  it('defaults to every 10 minutes with a 15 minute timeout', async () => {
    const { backend, scheduler } = await startWith();
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { minutes: 10 },
      timeout: { minutes: 15 },
      initialDelay: { seconds: 3 },
    });
    await backend.stop();
  });

  it('refuses to start with a schedule it cannot read', async () => {
    await expect(
      startWith({ schedule: { frequency: 'often', timeout: { minutes: 5 } } }),
    ).rejects.toThrow(/Invalid schedule at search.collators.mesh.schedule/);
  });

  it('names the line to add when the backend has no mesh plugin', async () => {
    // meshStatusServiceRef has a default (HTTP to the mesh plugin), so the
    // backend starts; the first collection says what is missing.
    const registry = { addCollator: jest.fn(), addDecorator: jest.fn() };
    const backend = await startTestBackend({
      extensionPoints: [[searchIndexRegistryExtensionPoint, registry]],
      features: [
        searchModuleMeshCollator,
        catalogServiceMock.factory({ entities: [component('storefront')] }),
        mockServices.scheduler.factory(),
      ],
    });
    const [{ factory }] = registry.addCollator.mock.calls[0];
    const collect = async () => {
      for await (const _ of await factory.getCollator()) {
        // drained
      }
    };
    await expect(collect()).rejects.toThrow(
      "Add backend.add(import('@meshlens/plugin-mesh-backend'))",
    );
    await backend.stop();
  });
});
