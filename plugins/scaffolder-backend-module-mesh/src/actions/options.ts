import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  KubernetesClusterClient,
  MeshAdapter,
  MeshStatusService,
} from '@meshlens/plugin-mesh-node';
import { defaultMeshAdapters } from '@meshlens/plugin-mesh-node/adapters';
import { OnboardingMeshes } from '../onboarding/meshes';
import { OnboardingSettings } from '../config';

/**
 * Gives the client of one cluster. The module's reaches a server-side-auth
 * cluster under its own identity (the credentials are the initiator's, for
 * a cluster whose auth provider needs the user's own token).
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
  /**
   * The meshes the actions know; default the built-in adapters. The module
   * passes the built-ins plus those of `meshOnboardingAdaptersExtensionPoint`.
   */
  adapters?: MeshAdapter[];
}

/** The onboarding view of the adapters the actions were given. */
export function onboardingMeshes(adapters?: MeshAdapter[]): OnboardingMeshes {
  return new OnboardingMeshes(adapters ?? defaultMeshAdapters());
}

/** Describes the `mesh` input from the adapters. */
export function meshInputDescription(meshes: OnboardingMeshes): string {
  return `The mesh: ${meshes.adapters.map(a => a.mesh).join(', ')}.`;
}

/** Describes the `dataPlane` input from the adapters. */
export function dataPlaneInputDescription(meshes: OnboardingMeshes): string {
  return `The data plane, when the mesh offers several (${meshes.adapters
    .filter(a => a.onboarding.dataPlanes.length > 1)
    .map(
      a => `${a.mesh}: ${a.onboarding.dataPlanes.map(p => p.id).join(' or ')}`,
    )
    .join('; ')}); default the first.`;
}

/**
 * What the action factories return. Their inputs and outputs are described
 * by each action's zod schema (and its examples); the type is left open here
 * because TypeScript prints the inferred unions in varying order, which would
 * make the API report change from one build to the next.
 * @public
 */
export type StableTemplateAction = TemplateAction<any, any, 'v2'>;
