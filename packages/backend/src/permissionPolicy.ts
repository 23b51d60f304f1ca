import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { resolve } from 'node:path';
import { FilePermissionPolicy, readPolicyFile } from './filePolicy';

/**
 * The demo's policy, read from the YAML file at `permission.policyFile`
 * (`permissions.yaml` beside the backend's working directory by default):
 * see that file for who may do what and how to change it. It is read
 * once at startup; a mistake in it stops the backend with the rule named.
 */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'demo-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        const file = resolve(
          config.getOptionalString('permission.policyFile') ??
            'permissions.yaml',
        );
        policy.setPolicy(new FilePermissionPolicy(readPolicyFile(file)));
      },
    });
  },
});
