import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  EntityOnboardingTargets,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';

/**
 * Options of a timeseries request: the range back from now and the step
 * between points, both as Prometheus durations (`1h`, `1m`).
 * @public
 */
export interface MeshTimeseriesOptions {
  range?: string;
  step?: string;
}

/**
 * The Meshlens backend API, as the frontend sees it.
 * @public
 */
export interface MeshApi {
  /** Mesh, mTLS, metrics, edges, certificates, policies and checks of one entity. */
  getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { window?: string },
  ): Promise<EntityMeshStatus>;
  /** Requests/s, success rate and p95 of the entity's workloads over a range. */
  getEntityTimeseries(
    entityRef: CompoundEntityRef,
    options?: MeshTimeseriesOptions,
  ): Promise<EntityMeshTimeseries>;
  /** The mesh posture of every catalog entity with Kubernetes annotations. */
  getOverview(): Promise<MeshOverview>;
  /** Every certificate of every configured cluster's mesh, soonest expiry first. */
  getCertificates(): Promise<MeshCertificates>;
  /** The clusters and namespaces the entity's Kubernetes annotations resolve to, where it may be onboarded. */
  getOnboardingTargets(
    entityRef: CompoundEntityRef,
  ): Promise<EntityOnboardingTargets>;
}

/** @public */
export const meshApiRef = createApiRef<MeshApi>({
  id: 'plugin.mesh.service',
});
