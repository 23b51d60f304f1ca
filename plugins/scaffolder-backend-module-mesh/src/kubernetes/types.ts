import { KubeObject } from '@meshlens/plugin-mesh-node';

/**
 * The few Kubernetes API calls onboarding needs. Paths are API server paths
 * (`/api/v1/namespaces/x`); implementations decide how they reach a cluster.
 * @public
 */
export interface KubernetesApi {
  /** The object, or undefined on 404. */
  get(path: string): Promise<KubeObject | undefined>;
  /** The list's items; an empty list on 404 (a CRD that is not installed). */
  list(
    path: string,
    options?: { labelSelector?: string },
  ): Promise<KubeObject[]>;
  /** Server-side apply (`application/apply-patch+yaml`). */
  apply(
    path: string,
    object: KubeObject,
    fieldManager: string,
  ): Promise<KubeObject>;
  /** JSON merge patch (`application/merge-patch+json`). */
  mergePatch(
    path: string,
    patch: object,
    fieldManager: string,
  ): Promise<KubeObject>;
  /** PUT, used to put a changed object back exactly as it was. */
  replace(
    path: string,
    object: KubeObject,
    fieldManager: string,
  ): Promise<KubeObject>;
  delete(path: string): Promise<void>;
}

/**
 * Builds a {@link KubernetesApi} for one cluster, acting for the given
 * credentials.
 * @public
 */
export type KubernetesApiFactory = (options: {
  cluster: string;
  credentials: import('@backstage/backend-plugin-api').BackstageCredentials;
}) => KubernetesApi;
