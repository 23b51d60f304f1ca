import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  KubernetesClusterClient,
  MeshStatusService,
} from '@meshlens/plugin-mesh-node';
import { OnboardingSettings } from '../config';

/**
 * Gives the client of one cluster, acting for the given credentials.
 * @public
 */
export type KubernetesClientFactory = (options: {
  cluster: string;
  credentials: BackstageCredentials;
}) => KubernetesClusterClient;

/**
 * What the cluster-facing actions need. The module builds `kubernetes` from
 * the Kubernetes backend's proxy; tests and other wirings can pass their own
 * (e.g. a `KubernetesClient` that reaches an API server directly).
 * @public
 */
export interface MeshClusterActionOptions {
  kubernetes: KubernetesClientFactory;
  permissions: PermissionsService;
  meshStatus?: MeshStatusService;
  settings?: Partial<OnboardingSettings>;
}
