import {
  CostMissing,
  ResourceUsage,
  SharedProxyKind,
  UpstreamError,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import {
  KUBE_RESOURCES,
  KubeObject,
  MeshAdapter,
  MeshClusterReader,
  MeshControlPlaneState,
  MeshSharedProxy,
  PromSample,
  podWorkloadName,
} from '@meshlens/plugin-mesh-node';
import { PrometheusClient } from '../clients/PrometheusClient';
import {
  Apportioned,
  ContainerUsageIndex,
  ControlPlaneComponentInput,
  addUsage,
  apportionByTraffic,
  apportionNodeProxies,
  controlPlaneCost,
  costPodFromSpec,
  costQueries,
  podKey,
  podsPerNode,
  readContainerUsage,
  readContainerUsageIndex,
  workloadCost,
  workloadKey,
} from '../cost';
import { errorMessage } from './clusterSnapshot';

/** Whether a pod runs now (its usage is being measured). */
export const isRunning = (pod: KubeObject) =>
  !pod.metadata.deletionTimestamp &&
  (pod.status?.phase === undefined || pod.status.phase === 'Running');

/**
 * One cluster's measured container usage with what the adapters know of
 * it: enough to cost any workload of the cluster (an entity's, or all of
 * them for the cluster totals) without another query. JSON only: it is
 * kept in the cache service.
 */
export interface ClusterCostRead {
  cluster: string;
  window: string;
  /** Every workload of the cluster, control plane and shared proxies excluded. */
  workloads: WorkloadCost[];
  unapportioned: ResourceUsage;
  controlPlane: ReturnType<typeof controlPlaneCost>;
  /** Why the cluster has no cost at all (no Prometheus); undefined otherwise. */
  unavailable?: CostMissing;
  errors: UpstreamError[];
  /** What `costOfPods` needs. */
  basis: {
    proxyContainers: string[];
    /** `namespace/pod` → container → usage. */
    usage: Record<string, Record<string, ResourceUsage>>;
    /** `namespace/workload` → shared proxy kind → share. */
    shares: Record<string, Partial<Record<SharedProxyKind, ResourceUsage>>>;
    /** `namespace/workload` → shared proxies serving it without series. */
    unmeasured: Record<string, SharedProxyKind[]>;
    /** `namespace/pod` of control-plane and shared-proxy pods. */
    notWorkloads: string[];
    /** Node → the pods a per-node proxy would serve there, for a what-if's node share. */
    podsPerNode: Record<string, number>;
  };
}

const indexes = new WeakMap<
  ClusterCostRead,
  { usage: ContainerUsageIndex; notWorkloads: Set<string> }
>();

/**
 * The lookup structures of a cost read, built once per read object: the
 * overview costs thousands of entities from one read, and rebuilding them
 * per entity made its assembly quadratic in the cluster's pods.
 */
export function indexesOf(read: ClusterCostRead) {
  let out = indexes.get(read);
  if (!out) {
    out = {
      usage: readContainerUsageIndex(read.basis.usage),
      notWorkloads: new Set(read.basis.notWorkloads),
    };
    indexes.set(read, out);
  }
  return out;
}

/**
 * Costs a set of pods as one workload (an entity's, found by its
 * selector) from a cluster's cost read.
 */
export function costOfPods(
  read: ClusterCostRead,
  namespace: string,
  workload: string,
  pods: KubeObject[],
  index: ContainerUsageIndex = indexesOf(read).usage,
): WorkloadCost {
  const key = workloadKey(namespace, workload);
  const { notWorkloads } = indexesOf(read);
  return workloadCost({
    cluster: read.cluster,
    namespace,
    workload,
    pods: pods
      .filter(
        p =>
          isRunning(p) && !notWorkloads.has(podKey(namespace, p.metadata.name)),
      )
      .map(costPodFromSpec),
    proxyContainers: read.basis.proxyContainers,
    usage: index,
    sharedProxies: read.basis.shares[key],
    unmeasuredSharedProxies: read.basis.unmeasured[key],
  });
}

/** A shared proxy's measured pods; undefined when none has a series. */
function proxyUsage(proxy: MeshSharedProxy, usage: ContainerUsageIndex) {
  const measured = proxy.proxyPods.flatMap(p => {
    const containers = usage.get(podKey(p.namespace, p.name));
    return containers
      ? [{ node: p.node, usage: addUsage(...containers.values()) }]
      : [];
  });
  return measured.length > 0 ? measured : undefined;
}

/** The workloads (`namespace/workload`) a shared proxy serves, as far as known. */
function servedKeys(proxy: MeshSharedProxy) {
  if (proxy.served) {
    return proxy.served.map(p => workloadKey(p.namespace, p.workload));
  }
  return Object.keys(proxy.requestsPerSecond ?? {});
}

interface Inputs {
  cluster: string;
  window: string;
  reader: MeshClusterReader;
  prometheus: PrometheusClient | undefined;
  adapters: MeshAdapter[];
  /** The cluster's control planes, when read (the cost queries do not wait for them). */
  controlPlanes: Promise<Record<string, MeshControlPlaneState>>;
}

/**
 * Reads a cluster's cost in one set of requests whatever its number of
 * workloads: the cluster's pods, the two cAdvisor queries over every
 * namespace (per-node proxies are shared across namespaces, so an
 * entity's share needs the whole node), and one traffic query per shared
 * proxy that is apportioned by traffic.
 */
export async function readClusterCost(input: Inputs): Promise<ClusterCostRead> {
  const { cluster, window, prometheus } = input;
  const errors: UpstreamError[] = [];
  const empty = (unavailable?: CostMissing): ClusterCostRead => ({
    cluster,
    window,
    workloads: [],
    unapportioned: {},
    controlPlane: { components: [], missing: [] },
    ...(unavailable && { unavailable }),
    errors,
    basis: {
      proxyContainers: [],
      usage: {},
      shares: {},
      unmeasured: {},
      notWorkloads: [],
      podsPerNode: {},
    },
  });
  if (!prometheus) {
    return empty({
      gap: 'no-usage-series',
      subject: cluster,
      message: `No Prometheus is configured for cluster ${cluster} (mesh.clusters[].prometheus.url): proxy and application usage are not measured`,
    });
  }
  // Every adapter's queries go out at once, before the control planes
  // are confirmed: the answers of a mesh that is not installed are unused.
  const extra = input.adapters.flatMap(a =>
    Object.entries(a.costQueries?.(window) ?? {}).map(([name, promql]) => ({
      adapter: a.mesh,
      name,
      promql,
    })),
  );
  const results: Record<string, Record<string, PromSample[]>> = {};
  const extraAnswers = Promise.all(
    extra.map(async q => {
      try {
        (results[q.adapter] ??= {})[q.name] = await prometheus.query(q.promql);
      } catch (e) {
        errors.push({
          source: 'prometheus',
          message: `Cost of ${cluster}, ${q.adapter} ${q.name}: ${errorMessage(
            e,
          )}`,
        });
      }
    }),
  );
  const queries = costQueries({ window });
  let pods: KubeObject[];
  let usage: ContainerUsageIndex;
  let controlPlanes: Record<string, MeshControlPlaneState>;
  try {
    const [listed, cpu, memory, planes] = await Promise.all([
      input.reader.list(KUBE_RESOURCES.pod, {}),
      prometheus.query(queries.cpu),
      prometheus.query(queries.memory),
      input.controlPlanes,
      extraAnswers,
    ]);
    pods = listed.filter(isRunning);
    usage = readContainerUsage(cpu, memory);
    controlPlanes = planes;
  } catch (e) {
    errors.push({
      source: 'prometheus',
      message: `Cost of ${cluster}: ${errorMessage(e)}`,
    });
    return empty();
  }
  const installed = input.adapters.filter(a => controlPlanes[a.mesh]);
  const proxyContainers = [
    ...new Set(installed.flatMap(a => a.proxyContainers ?? [])),
  ];

  const components: ControlPlaneComponentInput[] = [];
  const shared: MeshSharedProxy[] = [];
  for (const adapter of installed) {
    const plane = controlPlanes[adapter.mesh];
    components.push(...(adapter.controlPlaneComponents?.(plane, pods) ?? []));
    shared.push(
      ...(adapter.sharedProxies?.(plane, pods, results[adapter.mesh] ?? {}) ??
        []),
    );
  }
  const notWorkloads = new Set([
    ...components.flatMap(c => c.pods.map(p => podKey(c.namespace, p))),
    ...shared.flatMap(s => s.proxyPods.map(p => podKey(p.namespace, p.name))),
  ]);

  const shares: ClusterCostRead['basis']['shares'] = {};
  const unmeasured: ClusterCostRead['basis']['unmeasured'] = {};
  let unapportioned: ResourceUsage = {};
  for (const proxy of shared) {
    const measured = proxyUsage(proxy, usage);
    if (!measured || (!proxy.served && !proxy.requestsPerSecond)) {
      for (const key of servedKeys(proxy)) {
        unmeasured[key] = [
          ...new Set([...(unmeasured[key] ?? []), proxy.kind]),
        ];
      }
      if (measured) {
        unapportioned = addUsage(unapportioned, ...measured.map(m => m.usage));
      }
      continue;
    }
    const apportioned: Apportioned = proxy.served
      ? apportionNodeProxies(measured, proxy.served)
      : apportionByTraffic(
          measured.map(m => m.usage),
          new Map(Object.entries(proxy.requestsPerSecond ?? {})),
        );
    unapportioned = addUsage(unapportioned, apportioned.unapportioned);
    for (const [key, part] of apportioned.byWorkload) {
      const entry = (shares[key] ??= {});
      entry[proxy.kind] = addUsage(entry[proxy.kind] ?? {}, part);
    }
  }

  const read: ClusterCostRead = {
    ...empty(),
    controlPlane: controlPlaneCost(cluster, components, usage),
    unapportioned,
    basis: {
      proxyContainers,
      usage: Object.fromEntries(
        [...usage].map(([pod, c]) => [pod, Object.fromEntries(c)]),
      ),
      shares,
      unmeasured,
      notWorkloads: [...notWorkloads],
      podsPerNode: podsPerNode(pods),
    },
  };
  const byWorkload = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    const ns = pod.metadata.namespace ?? '';
    if (notWorkloads.has(podKey(ns, pod.metadata.name))) continue;
    const key = workloadKey(ns, podWorkloadName(pod));
    byWorkload.set(key, [...(byWorkload.get(key) ?? []), pod]);
  }
  // A node proxy's share of pods that are no workload (another mesh's
  // control plane) is counted as unapportioned, so the workloads' shares
  // and `unapportioned` add up to the shared proxies' usage.
  for (const [key, byKind] of Object.entries(shares)) {
    if (byWorkload.has(key)) continue;
    read.unapportioned = addUsage(read.unapportioned, ...Object.values(byKind));
    delete shares[key];
  }
  read.workloads = [...byWorkload]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => {
      const [ns, ...rest] = key.split('/');
      return costOfPods(read, ns, rest.join('/'), list, usage);
    });
  return read;
}
