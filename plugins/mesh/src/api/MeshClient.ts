import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { KubernetesAuthProvidersApi } from '@backstage/plugin-kubernetes-react';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  EntityOnboardingTargets,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import { MeshApi, MeshTimeseriesOptions } from './MeshApi';
import { KubernetesClusterTokens } from './clusterTokens';

/**
 * Talks to the Meshlens backend (`/api/mesh`) with the user's credentials.
 * With `kubernetesAuthProvidersApi`, each request also carries the user's
 * own tokens for clusters with a client-side auth provider (`oidc`,
 * `google`, ...), one header per provider as the Kubernetes plugin sends
 * them; the backend uses them for that user's reads only.
 * @public
 */
export class MeshClient implements MeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly clusterTokens?: KubernetesClusterTokens;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    kubernetesAuthProvidersApi?: KubernetesAuthProvidersApi;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    if (options.kubernetesAuthProvidersApi) {
      this.clusterTokens = new KubernetesClusterTokens({
        discoveryApi: options.discoveryApi,
        fetchApi: options.fetchApi,
        kubernetesAuthProvidersApi: options.kubernetesAuthProvidersApi,
      });
    }
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
    const headers = (await this.clusterTokens?.headers()) ?? {};
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
      { headers },
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
