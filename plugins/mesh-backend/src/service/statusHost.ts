import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import {
  MESH_PLUGIN_WIRING,
  MeshStatusService,
} from '@meshlens/plugin-mesh-node';

/**
 * Hands the mesh plugin's one status service to the in-process factory of
 * other plugins in the same backend. It holds no adapters: the mesh plugin
 * builds the service from its extension point and publishes it here.
 */
export interface MeshStatusHost {
  publish(service: MeshStatusService): void;
  /** The published service; rejects once the backend started without it. */
  service(): Promise<MeshStatusService>;
}

export const meshStatusHostRef = createServiceRef<MeshStatusHost>({
  id: 'mesh.status.host',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { lifecycle: coreServices.rootLifecycle },
      factory({ lifecycle }) {
        let resolve!: (s: MeshStatusService) => void;
        let reject!: (e: Error) => void;
        const published = new Promise<MeshStatusService>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        published.catch(() => undefined);
        let done = false;
        lifecycle.addStartupHook(() => {
          if (done) return;
          // Every plugin has started: the mesh plugin is not in this backend.
          reject(
            new Error(
              `meshStatusServiceFactory (in-process) needs the mesh plugin in the same backend: add ${MESH_PLUGIN_WIRING}, or remove backend.add(meshStatusServiceFactory) to call a mesh plugin elsewhere over HTTP`,
            ),
          );
        });
        return {
          publish(s) {
            if (done)
              throw new Error('The mesh status service was already published');
            done = true;
            resolve(s);
          },
          service: () => published,
        };
      },
    }),
});
