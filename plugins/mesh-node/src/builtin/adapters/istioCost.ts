import { proxyCostFigures } from '@meshlens/plugin-mesh-common';
import type {
  KubeObject,
  MeshControlPlaneComponent,
  MeshControlPlaneState,
  MeshCostAdapter,
  MeshSharedProxy,
  PromSample,
} from '../../index';
import { promqlSelector } from '../../index';
import { containers } from './common';
import { componentsByLabel, proxyPodsOf, servedPod } from './costPods';

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';
const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';

const isZtunnel = (pod: KubeObject, controlPlane: MeshControlPlaneState) =>
  pod.metadata.namespace === controlPlane.namespace &&
  pod.metadata.labels?.app === 'ztunnel';
const isWaypoint = (pod: KubeObject) =>
  pod.metadata.labels?.[GATEWAY_NAME] !== undefined &&
  containers(pod).some(c => c.name === 'istio-proxy');

const WAYPOINT_TRAFFIC = 'waypointRequestsPerSecond';

/** Requests/s by destination workload (`namespace/workload`) in some samples. */
function byDestination(samples: PromSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    const ns = s.metric.destination_workload_namespace;
    const workload = s.metric.destination_workload;
    if (!ns || !workload || !Number.isFinite(s.value)) continue;
    const key = `${ns}/${workload}`;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/**
 * One shared proxy per waypoint (a Gateway's pods, by namespace and
 * gateway name), each apportioned by the traffic its own pods reported:
 * a namespace's waypoint is not paid for by another namespace's traffic.
 * The samples name the reporting pod by the scrape's `namespace` and `pod`
 * target labels; when they do not (a scrape without them), the waypoints
 * are split together by all waypoint traffic, which is right in total but
 * not per waypoint.
 */
function waypointProxies(
  waypoints: KubeObject[],
  traffic: PromSample[] | undefined,
): MeshSharedProxy[] {
  const byReporter = traffic?.every(s => s.metric.pod && s.metric.namespace);
  if (!traffic || !byReporter) {
    return [
      {
        kind: 'waypoint',
        proxyPods: proxyPodsOf(waypoints),
        ...(traffic && { requestsPerSecond: byDestination(traffic) }),
      },
    ];
  }
  const groups = new Map<string, KubeObject[]>();
  for (const pod of waypoints) {
    const key = `${pod.metadata.namespace}/${pod.metadata.labels?.[GATEWAY_NAME]}`;
    groups.set(key, [...(groups.get(key) ?? []), pod]);
  }
  return [...groups.values()].map(pods => {
    const own = new Set(
      pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    return {
      kind: 'waypoint' as const,
      proxyPods: proxyPodsOf(pods),
      requestsPerSecond: byDestination(
        traffic.filter(s => own.has(`${s.metric.namespace}/${s.metric.pod}`)),
      ),
    };
  });
}

/**
 * Istio's cost knowledge. Sidecars, waypoints and ztunnels all name their
 * container `istio-proxy` (mesh-facts §6), so the pods tell them apart:
 * ztunnel DaemonSet pods and waypoint pods are shared proxies, and
 * `istio-proxy` counts as a sidecar only on the other pods.
 */
export const istioCost: Required<
  Pick<
    MeshCostAdapter,
    | 'proxyContainers'
    | 'controlPlaneComponents'
    | 'costQueries'
    | 'sharedProxies'
    | 'costAlternatives'
  >
> = {
  proxyContainers: ['istio-proxy'],
  costQueries(window: string): Record<string, string> {
    // One query for every waypoint of the cluster, by reporting pod, so
    // that each waypoint is split over the workloads it carried.
    return {
      [WAYPOINT_TRAFFIC]: `sum by (namespace, pod, destination_workload_namespace, destination_workload) (rate(istio_requests_total${promqlSelector(
        ['reporter="waypoint"'],
      )}[${window}]))`,
    };
  },
  controlPlaneComponents(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
  ): MeshControlPlaneComponent[] {
    return [
      ...componentsByLabel(pods, controlPlane.namespace, 'app').filter(
        c => c.component === 'istiod',
      ),
      ...componentsByLabel(pods, controlPlane.namespace, 'k8s-app').filter(
        c => c.component === 'istio-cni-node',
      ),
    ];
  },
  sharedProxies(
    controlPlane: MeshControlPlaneState,
    pods: KubeObject[],
    results: Record<string, PromSample[]>,
  ): MeshSharedProxy[] {
    const out: MeshSharedProxy[] = [];
    const ztunnels = pods.filter(p => isZtunnel(p, controlPlane));
    if (ztunnels.length > 0) {
      out.push({
        kind: 'ztunnel',
        proxyPods: proxyPodsOf(ztunnels),
        served: pods
          .filter(
            p =>
              p.metadata.annotations?.[AMBIENT_REDIRECTION] === 'enabled' &&
              !isWaypoint(p),
          )
          .flatMap(servedPod),
      });
    }
    const waypoints = pods.filter(isWaypoint);
    if (waypoints.length > 0) {
      out.push(...waypointProxies(waypoints, results[WAYPOINT_TRAFFIC]));
    }
    return out;
  },
  costAlternatives: [
    { id: 'istio', figures: proxyCostFigures.istio },
    { id: 'istio-ambient', figures: proxyCostFigures['istio-ambient'] },
  ],
};
