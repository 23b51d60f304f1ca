import {
  EntityAnnotationError,
  EntityKubernetesTarget,
  entityKubernetesTarget,
} from '@meshlens/plugin-mesh-node';
import { Entity } from '@backstage/catalog-model';
import { MeshCheck } from '@meshlens/plugin-mesh-common';
import { invalidAnnotationCheck, missingAnnotationsCheck } from './checks';

/** Where an entity's workloads are, read from the Kubernetes plugin's annotations. */
export type EntityTarget =
  | ({ ok: true } & EntityKubernetesTarget)
  | { ok: false; check: MeshCheck };

/**
 * The annotations as the Kubernetes plugin reads them (shared with the
 * scaffolder module through mesh-node); an invalid one becomes a failing
 * check that names the annotation to fix.
 */
export function entityTarget(entity: Entity): EntityTarget {
  try {
    return { ok: true, ...entityKubernetesTarget(entity) };
  } catch (e) {
    if (!(e instanceof EntityAnnotationError)) throw e;
    return {
      ok: false,
      check:
        e.usesLabelSelector === undefined
          ? missingAnnotationsCheck()
          : invalidAnnotationCheck(e.message, e.usesLabelSelector),
    };
  }
}

/** An entity whose annotations say where to look. */
export type LocatedTarget = Extract<EntityTarget, { ok: true }>;
