import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { meshStatusServiceRef } from '@meshlens/plugin-mesh-node';
import { scaffolderModuleMesh } from './module';

describe('scaffolderModuleMesh', () => {
  it('adds the three mesh actions to the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleMesh,
        mockServices.rootConfig.factory({
          data: { mesh: { onboarding: { rolloutTimeoutSeconds: 30 } } },
        }),
        createServiceFactory({
          service: meshStatusServiceRef,
          deps: {},
          factory: () => ({
            getEntityStatus: jest.fn(),
            getOverview: jest.fn(),
            getCertificates: jest.fn(),
            getEntityTimeseries: jest.fn(),
            getOnboardingTargets: jest.fn(),
          }),
        }),
      ],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      'mesh:namespace:onboard',
      'mesh:check',
      'mesh:adr:create',
    ]);
    const onboard = addActions.mock.calls[0][0];
    expect(onboard.supportsDryRun).toBe(true);
    expect(onboard.schema.input.required).toEqual([
      'cluster',
      'namespace',
      'mesh',
      'entityRef',
    ]);
  });

  it('refuses an invalid rollout timeout at startup', async () => {
    await expect(
      startTestBackend({
        extensionPoints: [
          [scaffolderActionsExtensionPoint, { addActions: jest.fn() }],
        ],
        features: [
          scaffolderModuleMesh,
          mockServices.rootConfig.factory({
            data: { mesh: { onboarding: { rolloutTimeoutSeconds: 0 } } },
          }),
          createServiceFactory({
            service: meshStatusServiceRef,
            deps: {},
            factory: () => ({
              getEntityStatus: jest.fn(),
              getOverview: jest.fn(),
              getCertificates: jest.fn(),
              getEntityTimeseries: jest.fn(),
              getOnboardingTargets: jest.fn(),
            }),
          }),
        ],
      }),
    ).rejects.toThrow(
      /mesh.onboarding.rolloutTimeoutSeconds must be a positive number/,
    );
  });
});
