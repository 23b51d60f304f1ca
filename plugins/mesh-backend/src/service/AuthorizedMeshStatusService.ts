import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityMeshStatus,
  EntityMeshTimeseries,
  EntityOnboardingTargets,
  MeshCertificates,
  MeshOverview,
  meshCertificatesReadPermission,
  meshEntityReadPermission,
} from '@meshlens/plugin-mesh-common';
import {
  MeshCertificatesRequestOptions,
  MeshOverviewRequestOptions,
  MeshStatusRequestOptions,
  MeshStatusService,
  MeshTimeseriesRequestOptions,
} from '@meshlens/plugin-mesh-node';

/**
 * The status service as every caller gets it, over HTTP or in process:
 * each answer is authorized for the calling principal with Meshlens'
 * permissions. `mesh.entity.read` is decided with the entity as resource,
 * so a conditional decision (the catalog's `isEntityOwner`, `isEntityKind`)
 * is resolved against it. The answers underneath may be shared between
 * callers; this is where one caller's view is cut from them.
 */
export class AuthorizedMeshStatusService implements MeshStatusService {
  constructor(
    private readonly inner: MeshStatusService,
    private readonly permissions: PermissionsService,
  ) {}

  async getEntityStatus(
    ref: string | CompoundEntityRef,
    options: MeshStatusRequestOptions,
  ): Promise<EntityMeshStatus> {
    await this.authorizeEntity(ref, options.credentials);
    return this.inner.getEntityStatus(ref, options);
  }

  async getEntityTimeseries(
    ref: string | CompoundEntityRef,
    options: MeshTimeseriesRequestOptions,
  ): Promise<EntityMeshTimeseries> {
    await this.authorizeEntity(ref, options.credentials);
    return this.inner.getEntityTimeseries(ref, options);
  }

  /**
   * Where the entity runs is part of its mesh status, so it is read with
   * `mesh.entity.read`; the action decides `mesh.namespace.onboard` before
   * it applies (a pull request needs only the read).
   */
  async getOnboardingTargets(
    ref: string | CompoundEntityRef,
    options: MeshCertificatesRequestOptions,
  ): Promise<EntityOnboardingTargets> {
    await this.authorizeEntity(ref, options.credentials);
    return this.inner.getOnboardingTargets(ref, options);
  }

  async getOverview(
    options: MeshOverviewRequestOptions,
  ): Promise<MeshOverview> {
    let decided = false;
    const authorize = async (entityRefs: string[]) => {
      decided = true;
      const readable = await this.readable(entityRefs, options.credentials);
      if (!options.authorize) return readable;
      // A caller's own filter can only narrow what the caller may read.
      const also = await options.authorize([...readable]);
      return new Set([...readable].filter(r => also.has(r)));
    };
    const overview = await this.inner.getOverview({ ...options, authorize });
    if (!decided) {
      // A status service that ignores `authorize` still gets its rows filtered.
      const allowed = await authorize(overview.entities.map(e => e.entityRef));
      overview.entities = overview.entities.filter(e =>
        allowed.has(e.entityRef),
      );
    }
    return overview;
  }

  async getCertificates(
    options: MeshCertificatesRequestOptions,
  ): Promise<MeshCertificates> {
    const [decision] = await this.permissions.authorize(
      [{ permission: meshCertificatesReadPermission }],
      { credentials: options.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read mesh certificates (permission ${meshCertificatesReadPermission.name})`,
      );
    }
    return this.inner.getCertificates(options);
  }

  private async authorizeEntity(
    ref: string | CompoundEntityRef,
    credentials: BackstageCredentials,
  ) {
    const entityRef = typeof ref === 'string' ? ref : stringifyEntityRef(ref);
    const [decision] = await this.permissions.authorize(
      [{ permission: meshEntityReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to read the mesh status of ${entityRef} (permission ${meshEntityReadPermission.name})`,
      );
    }
  }

  private async readable(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    if (entityRefs.length === 0) return new Set();
    const decisions = await this.permissions.authorize(
      entityRefs.map(resourceRef => ({
        permission: meshEntityReadPermission,
        resourceRef,
      })),
      { credentials },
    );
    return new Set(
      entityRefs.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      ),
    );
  }
}
