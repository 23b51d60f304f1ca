import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  MeshStatusService,
  meshStatusServiceRef,
} from '@meshlens/plugin-mesh-node';
import { meshStatusHostRef } from './statusHost';

/**
 * Opt-in, for a backend that runs the mesh plugin in the same process: other
 * plugins (the search collator, the scaffolder actions) then use the mesh
 * plugin's own status service without HTTP. Without it they call the mesh
 * plugin over HTTP (the default of `meshStatusServiceRef`), which also works
 * when the mesh plugin runs in another backend.
 *
 * Calls made by those plugins wait for the mesh plugin to start; if the
 * backend starts without the mesh plugin they fail with the line to add.
 * Each call is authorized for the credentials it carries, exactly as over
 * HTTP: the published service is the mesh plugin's AuthorizedMeshStatusService.
 * @public
 */
export const meshStatusServiceFactory = createServiceFactory({
  service: meshStatusServiceRef,
  deps: { host: meshStatusHostRef },
  factory({ host }): MeshStatusService {
    return {
      getEntityStatus: async (ref, options) =>
        (await host.service()).getEntityStatus(ref, options),
      getOverview: async options => (await host.service()).getOverview(options),
      getCertificates: async options =>
        (await host.service()).getCertificates(options),
      getEntityTimeseries: async (ref, options) =>
        (await host.service()).getEntityTimeseries(ref, options),
      getOnboardingTargets: async (ref, options) =>
        (await host.service()).getOnboardingTargets(ref, options),
    };
  },
});
