import { MeshCheck } from '@meshlens/plugin-mesh-common';
import { MeshAssessmentContext } from '../../../index';
import {
  l7PolicyChecks,
  sidecarResourceChecks,
  useWaypointChecks,
  waypointMetricsChecks,
} from './ambient';
import {
  ambientAndInjectionChecks,
  injectionMarkerChecks,
  revisionChecks,
} from './injection';
import {
  IstioMtlsFacts,
  destinationRuleTlsChecks,
  strictPlaintextChecks,
} from './mtls';
import { cniChecks, initOrderChecks, podSecurityChecks } from './podStartup';
import { virtualServiceChecks } from './routing';

export { ISTIO_CHECKS } from './catalogue';
export { INJECT_POD_KEY } from './injection';
export type { IstioMtlsFacts } from './mtls';

/** Every Istio check of a namespace, sidecar and ambient. */
export function istioChecks(
  context: MeshAssessmentContext,
  istio: IstioMtlsFacts,
): MeshCheck[] {
  const hasSidecar = istio.hasSidecar.bind(istio);
  return [
    ...injectionMarkerChecks(context),
    ...revisionChecks(context, hasSidecar),
    ...ambientAndInjectionChecks(context),
    ...strictPlaintextChecks(context, istio),
    ...destinationRuleTlsChecks(context, istio),
    ...podSecurityChecks(context),
    ...cniChecks(context, hasSidecar),
    ...initOrderChecks(context),
    ...virtualServiceChecks(context),
    ...l7PolicyChecks(context),
    ...useWaypointChecks(context),
    ...sidecarResourceChecks(context),
    ...waypointMetricsChecks(context),
  ];
}
