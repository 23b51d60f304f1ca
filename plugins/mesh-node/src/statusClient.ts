import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { KUBERNETES_AUTH_HEADER_PREFIX } from './kubernetes/clusterAuth';
import {
  EntityMeshStatus,
  EntityOnboardingTargets,
  EntityMeshTimeseries,
  MeshCertificates,
  MeshOverview,
} from '@meshlens/plugin-mesh-common';
import type {
  MeshCertificatesRequestOptions,
  MeshOverviewRequestOptions,
  MeshStatusRequestOptions,
  MeshStatusService,
  MeshTimeseriesRequestOptions,
} from './statusService';

/**
 * The line a backend without the mesh plugin is missing.
 * @public
 */
export const MESH_PLUGIN_WIRING = `backend.add(import('@meshlens/plugin-mesh-backend'))`;

/**
 * The mesh status over the mesh plugin's HTTP API (`/api/mesh/v1/...`),
 * with the caller's credentials: the mesh plugin authorizes each call as
 * if the caller made it. The default implementation of
 * `meshStatusServiceRef`, as the catalog client is `catalogServiceRef`'s.
 * @public
 */
export class MeshStatusClient implements MeshStatusService {
  constructor(
    private readonly options: {
      auth: AuthService;
      discovery: DiscoveryService;
    },
  ) {}

  getEntityStatus(
    entityRef: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus> {
    return this.get(
      entityPath(entityRef),
      options.credentials,
      { window: options.window },
      options.kubernetesAuth,
    );
  }

  async getOverview(
    options: MeshOverviewRequestOptions,
  ): Promise<MeshOverview> {
    const overview: MeshOverview = await this.get(
      '/v1/overview',
      options.credentials,
      { window: options.window },
      options.kubernetesAuth,
    );
    // The mesh plugin already answers with what the credentials may read;
    // `authorize` narrows the rows further (the totals stay the plugin's).
    if (options.authorize) {
      const allowed = await options.authorize(
        overview.entities.map(e => e.entityRef),
      );
      overview.entities = overview.entities.filter(e =>
        allowed.has(e.entityRef),
      );
    }
    return overview;
  }

  getCertificates(
    options: MeshCertificatesRequestOptions,
  ): Promise<MeshCertificates> {
    return this.get(
      '/v1/certificates',
      options.credentials,
      {},
      options.kubernetesAuth,
    );
  }

  getEntityTimeseries(
    entityRef: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries> {
    return this.get(
      `${entityPath(entityRef)}/timeseries`,
      options.credentials,
      { range: options.range, step: options.step },
      options.kubernetesAuth,
    );
  }

  getOnboardingTargets(
    entityRef: string | CompoundEntityRef,
    options: MeshCertificatesRequestOptions,
  ): Promise<EntityOnboardingTargets> {
    return this.get(
      `${entityPath(entityRef)}/onboarding-targets`,
      options.credentials,
      {},
      options.kubernetesAuth,
    );
  }

  private async get<T>(
    path: string,
    credentials: BackstageCredentials,
    query: Record<string, string | undefined>,
    kubernetesAuth: Record<string, string> = {},
  ): Promise<T> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'mesh',
    });
    const baseUrl = await this.options.discovery.getBaseUrl('mesh');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, value);
    }
    const url = `${baseUrl}${path}${params.size ? `?${params}` : ''}`;
    const response = await fetch(url, {
      headers: {
        // The caller's own cluster tokens, as the Kubernetes plugin sends them.
        ...Object.fromEntries(
          Object.entries(kubernetesAuth).map(([suffix, value]) => [
            `${KUBERNETES_AUTH_HEADER_PREFIX}${suffix}`,
            value,
          ]),
        ),
        Authorization: `Bearer ${token}`,
      },
    });
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      // The mesh plugin's own 404s (an unknown entity) name their error.
      if (
        response.status === 404 &&
        error.body?.error?.name !== 'NotFoundError'
      ) {
        throw new Error(
          `The mesh plugin does not answer at ${baseUrl} (404 for ${path}). Add ${MESH_PLUGIN_WIRING} to the backend, or point the discovery of plugin "mesh" at the backend that runs it`,
        );
      }
      throw error;
    }
    return (await response.json()) as T;
  }
}

function entityPath(ref: string | CompoundEntityRef): string {
  const { kind, namespace, name } =
    typeof ref === 'string' ? parseEntityRef(ref) : ref;
  return `/v1/entities/${[kind, namespace, name]
    .map(encodeURIComponent)
    .join('/')}`;
}
