import {
  BackstageCredentials,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';

/** @public */
export interface MeshStatusRequestOptions {
  /** Whose view of the clusters and the catalog to use. */
  credentials: BackstageCredentials;
  /** A Prometheus duration such as `5m`; the configured default when left out. */
  window?: string;
}

/**
 * The mesh status of catalog entities, for backend plugins that need it
 * without going through HTTP (the search collator, the scaffolder actions).
 * @public
 */
export interface MeshStatusService {
  getEntityStatus(
    entityRef: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus>;
  getOverview(options: MeshStatusRequestOptions): Promise<MeshOverview>;
  getCertificates(
    options: Omit<MeshStatusRequestOptions, 'window'>,
  ): Promise<MeshCertificates>;
}

/**
 * Its implementation comes from `@meshlens/plugin-mesh-backend`
 * (`meshStatusServiceFactory`), added to the backend beside the plugin.
 * @public
 */
export const meshStatusServiceRef = createServiceRef<MeshStatusService>({
  id: 'mesh.status',
  scope: 'plugin',
});

/** @public */
export interface MeshTimeseriesRequestOptions {
  credentials: BackstageCredentials;
  /** How far back, a Prometheus duration such as `1h`. */
  range?: string;
  /** Between points, a Prometheus duration such as `1m`. */
  step?: string;
}

/**
 * Requests/s, success rate and p95 over time, per workload of an entity.
 * Implemented by `@meshlens/plugin-mesh-backend`'s status service.
 * @public
 */
export interface MeshTimeseriesService {
  getEntityTimeseries(
    entityRef: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries>;
}
