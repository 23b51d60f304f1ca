import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  meshOnboardingAdaptersExtensionPoint,
  meshStatusServiceRef,
} from '@meshlens/plugin-mesh-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { deployment, namespace, pod } from './__testUtils__/fixtures';
import { fakeCluster } from './__testUtils__/setup';
import {
  MESHY_ENROL_LABEL,
  MESHY_POLICY,
  MESHY_PROXY,
  MeshyAdapter,
} from './__testUtils__/meshyAdapter';
import { scaffolderModuleMesh } from './module';

const meshyModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'meshy',
  register(reg) {
    reg.registerInit({
      deps: { adapters: meshOnboardingAdaptersExtensionPoint },
      async init({ adapters }) {
        adapters.addAdapters(new MeshyAdapter());
      },
    });
  },
});

/** What the mesh plugin answers for the entity: it runs in lab/shop. */
const getOnboardingTargets = jest.fn(async (entityRef: string) => ({
  entityRef,
  targets: [{ cluster: 'lab', namespace: 'shop' }],
  problems: [],
}));

async function actions(extra = [meshyModule]) {
  const addActions = jest.fn();
  await startTestBackend({
    extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
    features: [
      scaffolderModuleMesh,
      ...extra,
      // The discovery fakeCluster's proxy base assumes.
      mockServices.discovery.factory(),
      mockServices.rootConfig.factory({
        data: {
          mesh: {
            onboarding: {
              rolloutTimeoutSeconds: 3,
              rolloutPollIntervalSeconds: 0.005,
            },
          },
        },
      }),
      createServiceFactory({
        service: meshStatusServiceRef,
        deps: {},
        factory: () => ({
          getEntityStatus: jest.fn(),
          getOverview: jest.fn(),
          getCertificates: jest.fn(),
          getEntityTimeseries: jest.fn(),
          getOnboardingTargets,
        }),
      }),
    ],
  });
  const all = addActions.mock.calls.flat();
  return (id: string) => all.find((a: { id: string }) => a.id === id);
}

describe('a fourth mesh, registered through meshOnboardingAdaptersExtensionPoint', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const workspace = createMockDirectory();

  it('is onboarded by mesh:namespace:onboard with its own marker, objects and isPodMeshed', async () => {
    const fake = fakeCluster(server).installCustomResources(MESHY_POLICY);
    // The Kubernetes backend's cluster list: lab keeps its credential on the server.
    server.use(
      http.get('http://localhost:0/api/kubernetes/clusters', () =>
        HttpResponse.json({
          items: [{ name: 'lab', authProvider: 'serviceAccount' }],
        }),
      ),
    );
    const control = deployment('meshy-system', 'meshy-control');
    control.metadata.labels = { 'app.kubernetes.io/part-of': 'meshy' };
    fake.add(
      'lab',
      namespace('meshy-system'),
      control,
      namespace('shop'),
      deployment('shop', 'cart'),
      pod('shop', 'cart-1', 'cart'),
    );
    // Plays the Deployment controller and the injector.
    fake.onWrite = (cluster, p, obj) => {
      if (!obj || !p.includes('/deployments/cart')) return;
      fake.remove(cluster, '/api/v1/namespaces/shop/pods/cart-1');
      const meshed = pod('shop', 'cart-2', 'cart');
      meshed.spec.containers.push({ name: MESHY_PROXY });
      fake.add(cluster, meshed);
    };
    const onboard = (await actions())('mesh:namespace:onboard');
    const ctx = createMockActionContext({
      input: {
        cluster: 'lab',
        namespace: 'shop',
        mesh: 'meshy',
        restartWorkloads: true,
        entityRef: 'component:default/cart',
      },
      workspacePath: workspace.path,
    });
    await onboard.handler(ctx);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.changes.map((c: any) => `${c.action} ${c.kind}`)).toEqual([
      'apply MeshyPolicy',
      'patch Namespace',
      'restart Deployment',
    ]);
    expect(
      fake.get(
        'lab',
        '/apis/meshy.example/v1alpha1/namespaces/shop/meshypolicies/meshlens-default',
      )?.spec,
    ).toEqual({ mtls: 'permissive' });
    expect(
      fake.get('lab', '/api/v1/namespaces/shop')?.metadata.labels,
    ).toMatchObject({ [MESHY_ENROL_LABEL]: 'on' });
    expect(outputs.rollout).toEqual({ pods: 1, meshedPods: 1, complete: true });
    // Scoped for the initiator, written under the module's own identity.
    expect(getOnboardingTargets).toHaveBeenCalledWith(
      'component:default/cart',
      {
        credentials: expect.objectContaining({
          principal: expect.objectContaining({ type: 'user' }),
        }),
      },
    );
    const writes = fake.requests.filter(r => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) {
      expect(w.authorization).toMatch(/^Bearer mock-service-token:/);
      expect(w.authorization).not.toContain('"obo"');
    }
  });

  it('is weighed by mesh:adr:create with its own text', async () => {
    const adr = (await actions())('mesh:adr:create');
    const ctx = createMockActionContext({
      input: { mesh: 'meshy', alternatives: ['linkerd'] },
      workspacePath: workspace.path,
    });
    await adr.handler(ctx);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.content).toContain('Chosen option: "Meshy"');
    expect(outputs.content).toContain('| Meshy | Linkerd |');
    expect(outputs.content).toContain(
      '- [ ] Label <namespace> with meshy.example/enrol=on.',
    );
    expect(outputs.content).toContain(
      '- **meshy-handbook**: The Meshy handbook.',
    );
  });

  it('is unknown without the registration', async () => {
    const onboard = (await actions([]))('mesh:namespace:onboard');
    const ctx = createMockActionContext({
      input: { cluster: 'lab', namespace: 'shop', mesh: 'meshy' },
      workspacePath: workspace.path,
    });
    await expect(onboard.handler(ctx)).rejects.toThrow(
      /^mesh: "meshy" is not one of linkerd, istio, istio-ambient, cilium$/,
    );
  });
});
