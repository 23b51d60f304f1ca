import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** The "Mesh my service" template of the onboarding plugin. */
export const MESH_MY_SERVICE_TEMPLATE_PATH =
  '/create/templates/default/mesh-my-service';

/**
 * Link to the template with the entity prefilled: the scaffolder reads
 * `formData`, whose keys are the template's parameter names, here its
 * Component field `entityRef`.
 */
export function meshMyServiceLink(entityRef: CompoundEntityRef): string {
  const formData = JSON.stringify({
    entityRef: stringifyEntityRef(entityRef),
  });
  return `${MESH_MY_SERVICE_TEMPLATE_PATH}?formData=${encodeURIComponent(
    formData,
  )}`;
}
