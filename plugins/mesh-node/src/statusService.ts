import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { MeshStatusClient } from './statusClient';
import {
  EntityMeshStatus,
  EntityOnboardingTargets,
  EntityMeshTimeseries,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';

/** @public */
export interface MeshCertificatesRequestOptions {
  /** Whose view of the clusters and the catalog to use. */
  credentials: BackstageCredentials;
  /**
   * The caller's own tokens for clusters with a client-side auth provider,
   * keyed by the suffix of their `Backstage-Kubernetes-Authorization-*`
   * header (`google`, `oidc-okta`). Used for that caller's reads only.
   */
  kubernetesAuth?: Record<string, string>;
}

/** @public */
export interface MeshStatusRequestOptions
  extends MeshCertificatesRequestOptions {
  /** A Prometheus duration such as `5m`; the configured default when left out. */
  window?: string;
}

/** @public */
export interface MeshOverviewRequestOptions extends MeshStatusRequestOptions {
  /**
   * Keeps the entity refs the caller may read (e.g. a permission check).
   * The totals then count those entities only. Without it, every entity
   * the credentials can see in the catalog is listed.
   */
  authorize?: (entityRefs: string[]) => Promise<Set<string>>;
}

/** @public */
export interface MeshTimeseriesRequestOptions
  extends MeshCertificatesRequestOptions {
  /** How far back, a Prometheus duration such as `1h`. */
  range?: string;
  /** Between points, a Prometheus duration such as `1m`. */
  step?: string;
}

/**
 * The mesh status of catalog entities, for backend plugins that need it
 * (the search collator, the scaffolder actions).
 * @public
 */
export interface MeshStatusService {
  getEntityStatus(
    entityRef: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus>;
  getOverview(options: MeshOverviewRequestOptions): Promise<MeshOverview>;
  getCertificates(
    options: MeshCertificatesRequestOptions,
  ): Promise<MeshCertificates>;
  /** Requests/s, success rate and p95 over time, per workload of an entity. */
  getEntityTimeseries(
    entityRef: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries>;
  /**
   * The (cluster, namespace) pairs the entity's Kubernetes annotations
   * resolve to, where `mesh.namespace.onboard` may change the entity's
   * namespace; authorized with that permission on the entity.
   */
  getOnboardingTargets(
    entityRef: string | CompoundEntityRef,
    options: MeshCertificatesRequestOptions,
  ): Promise<EntityOnboardingTargets>;
}

/**
 * The mesh status for other backend plugins. By default it calls the mesh
 * plugin over HTTP with the caller's credentials (`MeshStatusClient`), so
 * it works wherever the mesh plugin runs. A backend that runs the mesh
 * plugin in the same process may add `meshStatusServiceFactory` from
 * `@meshlens/plugin-mesh-backend` instead, to skip HTTP.
 * @public
 */
export const meshStatusServiceRef = createServiceRef<MeshStatusService>({
  id: 'mesh.status',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { auth: coreServices.auth, discovery: coreServices.discovery },
      factory: ({ auth, discovery }) =>
        new MeshStatusClient({ auth, discovery }),
    }),
});
