import { InputError } from '@backstage/errors';
import {
  MeshAdapter,
  MeshDataPlaneOption,
  MeshOnboarding,
  meshTitleOf,
} from '@meshlens/plugin-mesh-node';

/** An adapter that can onboard, with the data plane asked for. */
export interface OnboardingMesh {
  adapter: MeshAdapter & { onboarding: MeshOnboarding };
  dataPlane: MeshDataPlaneOption;
}

const hasOnboarding = (
  a: MeshAdapter,
): a is MeshAdapter & { onboarding: MeshOnboarding } =>
  a.onboarding !== undefined;

/** The meshes onboarding knows, from the adapters; it never names one itself. */
export class OnboardingMeshes {
  readonly adapters: Array<MeshAdapter & { onboarding: MeshOnboarding }>;

  constructor(adapters: MeshAdapter[]) {
    this.adapters = adapters.filter(hasOnboarding);
  }

  /** Every accepted `mesh` input, deprecated aliases after their mesh. */
  get inputs(): string[] {
    return this.adapters.flatMap(a => [
      a.mesh,
      ...Object.keys(a.onboarding.deprecatedAliases ?? {}),
    ]);
  }

  /**
   * The mesh and data plane for the action's inputs. A deprecated alias
   * (e.g. `istio-ambient`) names both, with a warning.
   */
  resolve(
    input: { mesh?: unknown; dataPlane?: unknown },
    warn: (message: string) => void,
  ): OnboardingMesh {
    const mesh = input.mesh;
    let adapter = this.adapters.find(a => a.mesh === mesh);
    let aliased: string | undefined;
    if (!adapter && typeof mesh === 'string') {
      adapter = this.adapters.find(
        a => a.onboarding.deprecatedAliases?.[mesh] !== undefined,
      );
      aliased = adapter?.onboarding.deprecatedAliases?.[mesh];
    }
    if (!adapter) {
      throw new InputError(
        `mesh: "${String(mesh)}" is not one of ${this.inputs.join(', ')}`,
      );
    }
    const planes = adapter.onboarding.dataPlanes;
    if (aliased !== undefined) {
      if (input.dataPlane !== undefined && input.dataPlane !== aliased) {
        throw new InputError(
          `dataPlane: "${String(input.dataPlane)}" contradicts mesh "${String(
            mesh,
          )}"; give mesh: ${adapter.mesh} with dataPlane: ${aliased}`,
        );
      }
      warn(
        `mesh: "${String(
          mesh,
        )}" is deprecated and will be removed in the next release; use mesh: ${
          adapter.mesh
        } with dataPlane: ${aliased}`,
      );
    }
    const wanted = aliased ?? input.dataPlane;
    const dataPlane =
      wanted === undefined || wanted === ''
        ? planes[0]
        : planes.find(p => p.id === wanted);
    if (!dataPlane) {
      throw new InputError(
        `dataPlane: "${String(wanted)}" is not one of ${planes
          .map(p => p.id)
          .join(', ')} (the data planes of ${adapter.mesh})`,
      );
    }
    return { adapter, dataPlane };
  }

  get(mesh: string): OnboardingMesh['adapter'] {
    const adapter = this.adapters.find(a => a.mesh === mesh);
    if (!adapter) {
      throw new InputError(
        `mesh: "${mesh}" is not one of ${this.inputs.join(', ')}`,
      );
    }
    return adapter;
  }

  /** How people call the mesh and data plane, e.g. `Istio ambient`. */
  title(mesh: string, dataPlane?: string): string {
    const adapter = this.adapters.find(a => a.mesh === mesh);
    const planes = adapter?.onboarding.dataPlanes ?? [];
    const plane = planes.find(p => p.id === dataPlane);
    if (plane && plane !== planes[0]) return plane.title;
    return adapter ? meshTitleOf(adapter) : mesh;
  }
}
