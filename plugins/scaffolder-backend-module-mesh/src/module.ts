import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createMeshAdaptersRegistration,
  KubernetesProxyClient,
  meshOnboardingAdaptersExtensionPoint,
  meshStatusServiceRef,
  resolveMeshAdapters,
} from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { createMeshAdrCreateAction } from './actions/meshAdrCreate';
import { createMeshCheckAction } from './actions/meshCheck';
import { createMeshNamespaceOnboardAction } from './actions/meshNamespaceOnboard';
import { KubernetesClientFactory } from './actions/options';
import { readOnboardingSettings } from './config';

/**
 * Adds the Meshlens actions to the scaffolder: `mesh:namespace:onboard`,
 * `mesh:check` and `mesh:adr:create`.
 * @public
 */
export const scaffolderModuleMesh = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mesh',
  register(reg) {
    const registration = createMeshAdaptersRegistration();
    reg.registerExtensionPoint(
      meshOnboardingAdaptersExtensionPoint,
      registration.extensionPoint,
    );
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        meshStatus: meshStatusServiceRef,
        auditor: coreServices.auditor,
      },
      async init({
        scaffolder,
        discovery,
        auth,
        permissions,
        logger,
        config,
        meshStatus,
        auditor,
      }) {
        const settings = readOnboardingSettings(config);
        const adapters = resolveMeshAdapters(
          defaultMeshAdapters(),
          registration.registered(),
        );
        const proxy = new KubernetesProxyClient({ discovery, auth });
        // The module's own identity on server-side-auth clusters: the action
        // has decided Meshlens' permissions and the entity's scope itself,
        // so no user needs kubernetes.proxy.
        const kubernetes: KubernetesClientFactory = ({
          cluster,
          credentials,
        }) => proxy.cluster(cluster, credentials, { identity: 'plugin' });
        scaffolder.addActions(
          createMeshNamespaceOnboardAction({
            kubernetes,
            permissions,
            meshStatus,
            settings,
            adapters,
            auditor,
          }),
          // mesh:check reads as the initiator, unless scoped to an entity
          // (as in the template): then where it runs, as onboarding does.
          createMeshCheckAction({
            kubernetes: ({ cluster, credentials }) =>
              proxy.cluster(cluster, credentials),
            entityScopedKubernetes: kubernetes,
            meshStatus,
            settings,
            adapters,
          }),
          createMeshAdrCreateAction({ adapters }),
        );
        logger.info(
          'Added scaffolder actions mesh:namespace:onboard, mesh:check and mesh:adr:create',
        );
      },
    });
  },
});
