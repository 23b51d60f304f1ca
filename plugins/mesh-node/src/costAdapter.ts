import type {
  ProxyCostFigures,
  SharedProxyKind,
} from '@meshlens/plugin-mesh-common';
import type { KubeObject } from './kubernetes/types';
import type { MeshControlPlaneState, PromSample } from './adapters';

/**
 * A control-plane component of a cluster with its pods, for the mesh's
 * cost (issue 15): every container of these pods counts as control plane,
 * their own proxies included.
 * @public
 */
export interface MeshControlPlaneComponent {
  /** e.g. `linkerd-destination`, `istiod`, `cilium-operator`. */
  component: string;
  namespace: string;
  /** Names of the component's running pods. */
  pods: string[];
}

/**
 * A pod that a shared proxy serves, with the workload that owns it.
 * @public
 */
export interface MeshServedPod {
  namespace: string;
  workload: string;
  node: string;
}

/**
 * A proxy shared by several pods (a node's ztunnel or cilium agent, a
 * waypoint), with what the backend needs to apportion its usage.
 * @public
 */
export interface MeshSharedProxy {
  kind: SharedProxyKind;
  /** The proxy's own pods. */
  proxyPods: Array<{ namespace: string; name: string; node: string }>;
  /** Per-node proxies: the pods they serve; absent for a waypoint. */
  served?: MeshServedPod[];
  /**
   * A proxy apportioned by traffic (a waypoint): requests/s through it by
   * destination workload, keyed `namespace/workload`, from the results of
   * the adapter's `costQueries`. Absent when those were not answered.
   */
  requestsPerSecond?: Record<string, number>;
}

/**
 * An alternative data plane of the what-if estimate, with its published
 * per-proxy figures. The id is the adapter's to choose (e.g. `linkerd`,
 * `istio-ambient`).
 * @public
 */
export interface MeshCostAlternative {
  id: string;
  figures: ProxyCostFigures;
}

/**
 * What an adapter knows about its mesh's cost. All optional: an adapter
 * without them reports no proxy cost (every container counts as
 * application) and no control-plane cost.
 * @public
 */
export interface MeshCostAdapter {
  /**
   * Names of this mesh's per-pod proxy containers (e.g. `linkerd-proxy`).
   * Applied only to workload pods: control-plane and shared-proxy pods are
   * excluded from the workloads first.
   */
  readonly proxyContainers?: string[];

  /** The control-plane components among a cluster's pods. */
  controlPlaneComponents?(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
  ): MeshControlPlaneComponent[];

  /**
   * Instant PromQL queries the mesh's shared proxies need (e.g. the
   * requests/s through waypoints), one set per cluster whatever its number
   * of workloads; sent with the cAdvisor queries.
   */
  costQueries?(window: string): Record<string, string>;

  /**
   * Shared proxies among a cluster's pods, each with the pods it serves.
   * `results` holds the answers to `costQueries` (a failed query is absent).
   */
  sharedProxies?(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
    results: Record<string, PromSample[]>,
  ): MeshSharedProxy[];

  /** The data planes of this mesh as what-if alternatives. */
  readonly costAlternatives?: MeshCostAlternative[];
}
