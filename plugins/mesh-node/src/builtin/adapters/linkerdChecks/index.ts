import { MeshCheck } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshAssessmentContext } from '../../../index';
import { initBeforeProxyCheck } from '../initContainers';
import { serverAuthorizationChecks, scrapingChecks } from './authorization';
import { LINKERD_CHECKS } from './catalogue';
import { injectionChecks } from './injection';
import { opaquePortChecks } from './opaquePorts';
import { trustRootChecks } from './trustRoot';

export { LINKERD_CHECKS } from './catalogue';

const NATIVE_SIDECAR = 'config.alpha.linkerd.io/proxy-enable-native-sidecar';

/** MESH-LNK-006: application init containers that start before the proxy. */
function initOrderChecks(context: MeshAssessmentContext): MeshCheck[] {
  return initBeforeProxyCheck(context, {
    definition: LINKERD_CHECKS.initBeforeProxy,
    names: {
      proxy: 'linkerd-proxy',
      init: ['linkerd-init', 'linkerd-network-validator'],
    },
    nativeSidecarAnnotation: NATIVE_SIDECAR,
    otherwise: 'or skip their ports with config.linkerd.io/skip-outbound-ports',
  });
}

/** Every Linkerd check of a namespace. */
export function linkerdChecks(
  context: MeshAssessmentContext,
  linkerd: {
    isPodMeshed(pod: KubeObject): boolean;
    enrollHint(namespace: string): string;
  },
): MeshCheck[] {
  return [
    ...injectionChecks(context, ns => linkerd.enrollHint(ns)),
    ...trustRootChecks(context, p => linkerd.isPodMeshed(p)),
    ...serverAuthorizationChecks(context),
    ...scrapingChecks(context),
    ...initOrderChecks(context),
    ...opaquePortChecks(context),
  ];
}
