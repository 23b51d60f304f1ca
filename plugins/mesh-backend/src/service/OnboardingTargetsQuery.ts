import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityOnboardingTargets } from '@meshlens/plugin-mesh-common';
import {
  entityKubernetesTarget,
  entityPlacements,
  MeshCertificatesRequestOptions,
} from '@meshlens/plugin-mesh-node';
import { catalogEntity } from './catalogEntities';
import { StatusQueryContext } from './queryContext';

/**
 * Where an entity may be onboarded: the pairs its annotations resolve to,
 * located as the status is (mesh-node's `entityPlacements`), read fresh so
 * a picker never offers a namespace the workloads have left.
 */
export class OnboardingTargetsQuery {
  constructor(private readonly context: StatusQueryContext) {}

  async getOnboardingTargets(
    ref: string | CompoundEntityRef,
    options: MeshCertificatesRequestOptions,
  ): Promise<EntityOnboardingTargets> {
    const { entity, entityRef } = await catalogEntity(
      this.context.catalog,
      ref,
      options.credentials,
    );
    const target = entityKubernetesTarget(entity);
    const session = this.context.kube.session(options.credentials, {
      kubernetesAuth: options.kubernetesAuth,
    });
    const { targets, problems } = await entityPlacements({
      target,
      clusters: await session.listClusters(),
      list: cluster => {
        const reader = session.reader(cluster);
        return (type, o) => reader.list(type, o);
      },
    });
    return { entityRef, targets, problems };
  }
}
