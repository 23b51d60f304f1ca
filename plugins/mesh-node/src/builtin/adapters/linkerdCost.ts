import { proxyCostFigures } from '@meshlens/plugin-mesh-common';
import type {
  KubeObject,
  MeshControlPlaneComponent,
  MeshControlPlaneState,
  MeshCostAdapter,
} from '../../index';
import { componentsByLabel } from './costPods';

/** Linkerd's cost knowledge: its proxy container and its control-plane Deployments. */
export const linkerdCost: Required<
  Pick<
    MeshCostAdapter,
    'proxyContainers' | 'controlPlaneComponents' | 'costAlternatives'
  >
> = {
  proxyContainers: ['linkerd-proxy'],
  controlPlaneComponents(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
  ): MeshControlPlaneComponent[] {
    return componentsByLabel(
      pods,
      controlPlane.namespace,
      'linkerd.io/control-plane-component',
      value => `linkerd-${value}`,
    );
  },
  costAlternatives: [{ id: 'linkerd', figures: proxyCostFigures.linkerd }],
};
