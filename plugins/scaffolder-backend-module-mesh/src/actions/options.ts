import { PermissionsService } from '@backstage/backend-plugin-api';
import { MeshStatusService } from '@meshlens/plugin-mesh-node';
import { OnboardingSettings } from '../config';
import { KubernetesApiFactory } from '../kubernetes/types';

/**
 * What the cluster-facing actions need. The module builds `kubernetes` from
 * the Kubernetes backend's proxy; tests and other wirings can pass their own.
 * @public
 */
export interface MeshClusterActionOptions {
  kubernetes: KubernetesApiFactory;
  permissions: PermissionsService;
  meshStatus?: MeshStatusService;
  settings?: Partial<OnboardingSettings>;
}
