import {
  ApportionedUsage,
  CostMissing,
  EntityCost,
  ResourceReservation,
  ResourceUsage,
  SharedProxyKind,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import { APPORTIONING_RULES } from './apportion';
import { parseQuantity } from './quantity';
import { sumTotals } from './totals';
import {
  addBoth,
  addUsage,
  ContainerUsageIndex,
  podKey,
  shareOf,
} from './usage';

type Quantities = Record<string, string | number | undefined>;

/** A pod as the cost reads it: its running containers and their spec resources. */
export interface CostPod {
  namespace: string;
  name: string;
  node?: string;
  containers: Array<{
    name: string;
    resources?: { requests?: Quantities; limits?: Quantities };
  }>;
}

/**
 * The containers of a pod spec that run for the pod's life: the regular
 * ones and the native sidecars (init containers with `restartPolicy:
 * Always`, as Linkerd injects its proxy). Other init containers have ended
 * and cost nothing.
 */
export function costPodFromSpec(pod: {
  metadata: { name: string; namespace?: string };
  spec?: {
    nodeName?: string;
    containers?: CostPod['containers'];
    initContainers?: Array<
      CostPod['containers'][number] & { restartPolicy?: string }
    >;
  };
}): CostPod {
  const spec = pod.spec ?? {};
  return {
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name,
    node: spec.nodeName,
    containers: [
      ...(spec.initContainers ?? []).filter(c => c.restartPolicy === 'Always'),
      ...(spec.containers ?? []),
    ].map(c => ({ name: c.name, resources: c.resources })),
  };
}

/** Input of {@link workloadCost}. */
export interface WorkloadCostInput {
  cluster: string;
  namespace: string;
  workload: string;
  pods: CostPod[];
  /** The mesh's proxy container names (the adapter's `proxyContainers`). */
  proxyContainers: string[];
  usage: ContainerUsageIndex;
  /** This workload's shares of shared proxies (see apportion.ts), by kind. */
  sharedProxies?: Partial<Record<SharedProxyKind, ResourceUsage>>;
  /** Shared proxies that serve the pods but have no series. */
  unmeasuredSharedProxies?: SharedProxyKind[];
}

function reservation(
  containers: CostPod['containers'],
  which: 'requests' | 'limits',
): ResourceReservation {
  const out: ResourceReservation = {
    cpuSetBy: 0,
    memorySetBy: 0,
    containers: containers.length,
  };
  for (const c of containers) {
    const values = c.resources?.[which];
    if (values?.cpu !== undefined) {
      out.cpuCores = (out.cpuCores ?? 0) + parseQuantity(values.cpu);
      out.cpuSetBy++;
    }
    if (values?.memory !== undefined) {
      out.memoryBytes = (out.memoryBytes ?? 0) + parseQuantity(values.memory);
      out.memorySetBy++;
    }
  }
  return out;
}

/**
 * One workload's cost: its pods' proxy containers (by name) and
 * application containers (all others) summed over the pods that have
 * series, plus its shares of shared proxies; shares of application and of
 * the pod total; the proxy containers' requests and limits from the specs.
 * What was not measured is absent and listed in `missing`.
 */
export function workloadCost(input: WorkloadCostInput): WorkloadCost {
  const subject = `${input.cluster}/${input.namespace}/${input.workload}`;
  const proxyNames = new Set(input.proxyContainers);
  const missing: CostMissing[] = [];
  const measured = input.pods.filter(p =>
    input.usage.has(podKey(p.namespace, p.name)),
  );
  const unmeasured = input.pods.length - measured.length;
  if (unmeasured > 0) {
    missing.push({
      gap: 'no-usage-series',
      subject,
      message: `${unmeasured} of ${input.pods.length} pod(s) have no cAdvisor series (container_cpu_usage_seconds_total, container_memory_working_set_bytes): is the kubelet's /metrics/cadvisor scraped into this cluster's Prometheus?`,
    });
  }
  const proxySpecs = input.pods.flatMap(p =>
    p.containers.filter(c => proxyNames.has(c.name)),
  );
  let proxy: ResourceUsage = {};
  let application: ResourceUsage = {};
  let proxySeries = 0;
  for (const pod of measured) {
    const containers = input.usage.get(podKey(pod.namespace, pod.name))!;
    for (const [name, usage] of containers) {
      if (proxyNames.has(name)) {
        proxy = addUsage(proxy, usage);
        proxySeries++;
      } else {
        application = addUsage(application, usage);
      }
    }
  }
  const measuredProxySpecs = measured.flatMap(p =>
    p.containers.filter(c => proxyNames.has(c.name)),
  ).length;
  if (measured.length > 0 && measuredProxySpecs === 0) {
    // No sidecar in the specs: the per-pod proxy cost is known to be zero.
    proxy = { cpuCores: 0, memoryBytes: 0 };
  } else if (measuredProxySpecs > proxySeries) {
    missing.push({
      gap: 'no-proxy-series',
      subject,
      message: `${measuredProxySpecs - proxySeries} proxy container(s) (${[
        ...proxyNames,
      ].join(', ')}) have no cAdvisor series although their pods have`,
    });
  }

  const sharedProxies: ApportionedUsage[] = Object.entries(
    input.sharedProxies ?? {},
  ).map(([kind, usage]) => ({
    kind: kind as SharedProxyKind,
    rule: APPORTIONING_RULES[kind as SharedProxyKind],
    ...usage,
  }));
  for (const kind of input.unmeasuredSharedProxies ?? []) {
    missing.push({
      gap: 'no-shared-proxy-series',
      subject,
      message: `The ${kind} serving these pods has no cAdvisor series, so its share is not counted`,
    });
  }
  const allProxy =
    measured.length > 0
      ? addUsage(
          proxy,
          ...sharedProxies.map(({ kind: _k, rule: _r, ...u }) => u),
        )
      : {};
  const requests = reservation(proxySpecs, 'requests');
  const limits = reservation(proxySpecs, 'limits');
  if (proxySpecs.length > 0 && requests.cpuSetBy + requests.memorySetBy === 0) {
    missing.push({
      gap: 'no-proxy-requests',
      subject,
      message:
        'The proxy containers set no CPU or memory requests (the scheduler reserves nothing for them)',
    });
  }
  if (proxySpecs.length > 0 && limits.cpuSetBy + limits.memorySetBy === 0) {
    missing.push({
      gap: 'no-proxy-limits',
      subject,
      message: 'The proxy containers set no CPU or memory limits',
    });
  }
  return {
    cluster: input.cluster,
    namespace: input.namespace,
    workload: input.workload,
    pods: measured.length,
    proxy: measured.length > 0 ? proxy : {},
    sharedProxies,
    application,
    proxyShareOfApplication: shareOf(allProxy, application),
    proxyShareOfTotal: shareOf(allProxy, addBoth(allProxy, application)),
    proxyReservations: { requests, limits },
    missing,
  };
}

/** An entity's cost: its workloads and their sums. */
export function entityCost(
  window: string,
  workloads: WorkloadCost[],
): EntityCost {
  return {
    window,
    workloads,
    totals: sumTotals(workloads),
    rules: [
      ...new Set(workloads.flatMap(w => w.sharedProxies.map(s => s.rule))),
    ],
    missing: workloads.flatMap(w => w.missing),
  };
}
