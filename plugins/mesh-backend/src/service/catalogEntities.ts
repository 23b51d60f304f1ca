import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  MESH_SUMMARY_ENTITY_FIELDS,
  hasKubernetesAnnotations,
} from '@meshlens/plugin-mesh-common';
import { canonicalEntityRef } from './requestInput';

const ENTITY_FIELDS = MESH_SUMMARY_ENTITY_FIELDS;
const PAGE_SIZE = 1000;

/** One entity the caller may read, or a NotFoundError. */
export async function catalogEntity(
  catalog: CatalogService,
  ref: string | CompoundEntityRef,
  credentials: BackstageCredentials,
): Promise<{ entity: Entity; entityRef: string }> {
  const entityRef = canonicalEntityRef(ref);
  const entity = await catalog.getEntityByRef(entityRef, { credentials });
  if (!entity) {
    throw new NotFoundError(`No entity ${entityRef} in the catalog`);
  }
  return { entity, entityRef };
}

/** Every entity with Kubernetes annotations the caller may read, page by page. */
export async function kubernetesEntities(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const entities: Entity[] = [];
  let cursor: string | undefined;
  do {
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, limit: PAGE_SIZE, fields: ENTITY_FIELDS }
        : {
            filter: [
              {
                [`metadata.annotations.${KUBERNETES_ID_ANNOTATION}`]:
                  CATALOG_FILTER_EXISTS,
              },
              {
                [`metadata.annotations.${KUBERNETES_LABEL_SELECTOR_ANNOTATION}`]:
                  CATALOG_FILTER_EXISTS,
              },
            ],
            limit: PAGE_SIZE,
            fields: ENTITY_FIELDS,
          },
      { credentials },
    );
    entities.push(...page.items.filter(hasKubernetesAnnotations));
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return entities;
}
