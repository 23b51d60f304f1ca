import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  MeshAdapter,
  MeshStatusClient,
  MeshStatusService,
  meshAdaptersExtensionPoint,
  meshStatusServiceRef,
} from '@meshlens/plugin-mesh-node';
import { LinkerdAdapter } from '@meshlens/plugin-mesh-node/adapters';
import { meshPlugin } from './plugin';
import { resolveAdapters } from './service/adapterRegistry';
import { meshStatusServiceFactory } from './service/serviceFactory';

// The adapters the mesh plugin builds its one status service from.
jest.mock('./service/adapterRegistry', () => {
  const actual = jest.requireActual('./service/adapterRegistry');
  return { ...actual, resolveAdapters: jest.fn(actual.resolveAdapters) };
});

class KumaAdapter extends LinkerdAdapter {
  readonly mesh = 'kuma' as any;
}

function moduleAdding(id: string, add: (ep: any) => void) {
  return createBackendModule({
    pluginId: 'mesh',
    moduleId: id,
    register(reg) {
      reg.registerInit({
        deps: { adapters: meshAdaptersExtensionPoint },
        async init({ adapters }) {
          add(adapters);
        },
      });
    },
  });
}

/** Another plugin, and the status service it is given. */
function probePlugin() {
  let status: MeshStatusService | undefined;
  const probe = createBackendPlugin({
    pluginId: 'probe',
    register(reg) {
      reg.registerInit({
        deps: { status: meshStatusServiceRef },
        async init(deps) {
          status = deps.status;
        },
      });
    },
  });
  return { probe, status: () => status! };
}

async function adaptersSeenByAnotherPlugin(features: any[]): Promise<string[]> {
  const resolved = resolveAdapters as jest.MockedFunction<
    typeof resolveAdapters
  >;
  resolved.mockClear();
  // Another plugin's status service: the mesh plugin's own, in-process.
  const { probe, status: statusOf } = probePlugin();
  await startTestBackend({
    features: [
      meshPlugin,
      meshStatusServiceFactory,
      catalogServiceMock.factory(),
      mockServices.rootConfig.factory({ data: {} }),
      probe,
      ...features,
    ],
  });
  // The other plugin is served by the one implementation, with no entity.
  await expect(
    statusOf().getOverview({ credentials: mockCredentials.service() }),
  ).resolves.toMatchObject({ entities: [] });
  expect(resolved).toHaveBeenCalledTimes(1);
  const adapters = resolved.mock.results[0].value as MeshAdapter[];
  return adapters.map(a => a.mesh);
}

describe('meshAdaptersExtensionPoint', () => {
  it('adds adapter instances beside the built-in ones', async () => {
    const seen = await adaptersSeenByAnotherPlugin([
      moduleAdding('kuma', ep => ep.addAdapters(new KumaAdapter())),
    ]);
    expect(seen).toEqual(['linkerd', 'istio', 'cilium', 'kuma']);
  });

  it('takes a factory that receives the defaults', async () => {
    const seen = await adaptersSeenByAnotherPlugin([
      moduleAdding('only-linkerd', ep =>
        ep.addAdapters(({ getDefault }: any) =>
          getDefault().filter((a: MeshAdapter) => a.mesh === 'linkerd'),
        ),
      ),
    ]);
    expect(seen).toEqual(['linkerd']);
  });

  it('refuses a second registration', async () => {
    await expect(
      adaptersSeenByAnotherPlugin([
        moduleAdding('one', ep => ep.addAdapters([new KumaAdapter()])),
        moduleAdding('two', ep => ep.addAdapters([new KumaAdapter()])),
      ]),
    ).rejects.toThrow(/already added/);
  });

  it('refuses two adapters for the same mesh', async () => {
    await expect(
      adaptersSeenByAnotherPlugin([
        moduleAdding('dup', ep => ep.addAdapters([new LinkerdAdapter()])),
      ]),
    ).rejects.toThrow(/Two mesh adapters are registered for "linkerd"/);
  });
});

describe('meshStatusServiceFactory (in-process)', () => {
  it('fails with the line to add when the backend has no mesh plugin', async () => {
    const { probe, status: statusOf } = probePlugin();
    await startTestBackend({
      features: [
        meshStatusServiceFactory,
        mockServices.rootConfig.factory({ data: {} }),
        probe,
      ],
    });
    await expect(
      statusOf().getCertificates({ credentials: mockCredentials.service() }),
    ).rejects.toThrow(
      "add backend.add(import('@meshlens/plugin-mesh-backend'))",
    );
  });
});

describe('meshStatusServiceRef (default)', () => {
  it('calls the mesh plugin over HTTP with the caller credentials', async () => {
    const { probe, status: statusOf } = probePlugin();
    await startTestBackend({
      features: [
        meshPlugin,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: {} }),
        probe,
      ],
    });
    expect(statusOf()).toBeInstanceOf(MeshStatusClient);
    await expect(
      statusOf().getOverview({ credentials: mockCredentials.service() }),
    ).resolves.toMatchObject({ entities: [], window: '5m' });
    // An unknown entity is the mesh plugin's 404, as a ResponseError.
    await expect(
      statusOf().getEntityStatus('component:default/nope', {
        credentials: mockCredentials.user(),
      }),
    ).rejects.toMatchObject({ name: 'ResponseError', statusCode: 404 });
    await expect(
      statusOf().getEntityStatus('component:default/nope', {
        credentials: mockCredentials.user(),
        window: 'soon',
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      // The mesh plugin's InputError, with what to fix.
      cause: {
        name: 'InputError',
        message: expect.stringMatching(/window must be a Prometheus duration/),
      },
    });
  });
});
