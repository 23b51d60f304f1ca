import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  MeshAdapter,
  meshAdaptersExtensionPoint,
  meshStatusServiceRef,
} from '@meshlens/plugin-mesh-node';
import { LinkerdAdapter } from './adapters';
import { meshPlugin } from './plugin';
import { DefaultMeshStatusService } from './service/DefaultMeshStatusService';
import { meshStatusServiceFactory } from './service/serviceFactory';

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

async function adaptersSeenByAnotherPlugin(features: any[]): Promise<string[]> {
  let status: DefaultMeshStatusService | undefined;
  // Another plugin's instance of the status service.
  const probe = createBackendPlugin({
    pluginId: 'probe',
    register(reg) {
      reg.registerInit({
        deps: { status: meshStatusServiceRef },
        async init(deps) {
          status = deps.status as DefaultMeshStatusService;
        },
      });
    },
  });
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
  return (status as any).options.registry.get().map((a: MeshAdapter) => a.mesh);
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
