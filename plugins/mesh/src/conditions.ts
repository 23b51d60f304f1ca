import { Entity } from '@backstage/catalog-model';
import { FilterPredicate } from '@backstage/filter-predicates';
import { hasKubernetesAnnotations } from '@meshlens/plugin-mesh-common';

/**
 * True when the entity names its workloads the way the Kubernetes plugin
 * understands, which is all Meshlens needs to find them.
 * @public
 */
export function isMeshAvailable(entity: Entity): boolean {
  return hasKubernetesAnnotations(entity);
}

/**
 * The same condition as a filter predicate, for the new frontend system.
 * Spelled out because computed keys widen to `string`, which the predicate
 * type rejects; conditions.test.ts keeps it equal to KUBERNETES_ANNOTATIONS.
 */
export const meshAvailableFilter: FilterPredicate = {
  $any: [
    { 'metadata.annotations.backstage.io/kubernetes-id': { $exists: true } },
    {
      'metadata.annotations.backstage.io/kubernetes-label-selector': {
        $exists: true,
      },
    },
  ],
};
