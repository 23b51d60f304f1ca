import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  MeshAdapter,
  MeshAdapterFactory,
  MeshAdaptersExtensionPoint,
} from './adapters';

/**
 * Adds mesh adapters to the Meshlens scaffolder actions
 * (`mesh:namespace:onboard`, `mesh:check`, `mesh:adr:create`), from a
 * module of the `scaffolder` plugin. Same shape as
 * `meshAdaptersExtensionPoint`, which does the same for the mesh plugin: a
 * mesh that should be shown and onboarded is registered with both.
 * @public
 */
export const meshOnboardingAdaptersExtensionPoint =
  createExtensionPoint<MeshAdaptersExtensionPoint>({
    id: 'scaffolder.mesh.adapters',
  });

/**
 * The adapters to use: the built-in ones plus those registered, or a
 * factory's own list. Two adapters for one mesh are refused.
 * @public
 */
export function resolveMeshAdapters(
  defaults: MeshAdapter[],
  registered: MeshAdapter[] | MeshAdapterFactory | undefined,
): MeshAdapter[] {
  let adapters = defaults;
  if (typeof registered === 'function') {
    adapters = registered({ getDefault: () => defaults });
  } else if (registered) {
    adapters = [...defaults, ...registered];
  }
  const names = adapters.map(a => a.mesh);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) {
    throw new Error(`Two mesh adapters are registered for "${duplicate}"`);
  }
  return adapters;
}

/**
 * The implementation of a set-once adapters extension point, for the
 * plugin or module that registers it.
 * @public
 */
export function createMeshAdaptersRegistration(): {
  extensionPoint: MeshAdaptersExtensionPoint;
  registered(): MeshAdapter[] | MeshAdapterFactory | undefined;
} {
  let registered: MeshAdapter[] | MeshAdapterFactory | undefined;
  return {
    extensionPoint: {
      addAdapters(adapters) {
        if (registered) {
          throw new Error(
            'Mesh adapters were already added: call addAdapters once, with every adapter',
          );
        }
        registered =
          typeof adapters === 'function' || Array.isArray(adapters)
            ? adapters
            : [adapters];
      },
    },
    registered: () => registered,
  };
}
