import {
  BackstageCredentials,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityMeshStatus,
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
