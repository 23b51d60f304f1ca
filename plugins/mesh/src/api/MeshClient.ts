import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  EntityOnboardingTargets,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import { MeshApi, MeshTimeseriesOptions } from './MeshApi';

/**
 * Talks to the Meshlens backend (`/api/mesh`) with the user's credentials.
 * @public
 */
export class MeshClient implements MeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityStatus(
    entityRef: CompoundEntityRef,
    options?: { window?: string },
  ): Promise<EntityMeshStatus> {
    return this.get<EntityMeshStatus>(entityPath(entityRef), {
      window: options?.window,
    });
  }

  async getEntityTimeseries(
    entityRef: CompoundEntityRef,
    options?: MeshTimeseriesOptions,
  ): Promise<EntityMeshTimeseries> {
    return this.get<EntityMeshTimeseries>(
      `${entityPath(entityRef)}/timeseries`,
      { range: options?.range ?? '1h', step: options?.step ?? '1m' },
    );
  }

  async getOverview(): Promise<MeshOverview> {
    return this.get<MeshOverview>('/v1/overview');
  }

  async getCertificates(): Promise<MeshCertificates> {
    return this.get<MeshCertificates>('/v1/certificates');
  }

  async getOnboardingTargets(
    entityRef: CompoundEntityRef,
  ): Promise<EntityOnboardingTargets> {
    return this.get<EntityOnboardingTargets>(
      `${entityPath(entityRef)}/onboarding-targets`,
    );
  }

  private async get<T>(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, value);
    }
    const search = params.toString();
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function entityPath(ref: CompoundEntityRef): string {
  // Entity routes use lower-case kinds; the catalog matches refs case-insensitively.
  const parts = [
    ref.kind.toLocaleLowerCase('en-US'),
    ref.namespace,
    ref.name,
  ].map(part => encodeURIComponent(part));
  return `/v1/entities/${parts.join('/')}`;
}
