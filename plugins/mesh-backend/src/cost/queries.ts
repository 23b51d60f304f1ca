import { InputError } from '@backstage/errors';
import {
  isPromDuration,
  promqlBy,
  promqlMatcher,
  promqlSelector,
} from '@meshlens/plugin-mesh-node';

/** The cAdvisor series the cost is read from. */
export const CPU_METRIC = 'container_cpu_usage_seconds_total';
export const MEMORY_METRIC = 'container_memory_working_set_bytes';

/** The labels every cost query groups by. */
export const COST_GROUPING = ['namespace', 'pod', 'container'];

/** Input of {@link costQueries}: one cluster's scope. */
export interface CostQueryInput {
  /** The PromQL range of the CPU rate, e.g. `5m`. */
  window: string;
  /**
   * Namespaces to read (the scope's, plus those of the shared proxies and
   * the control plane); undefined reads every namespace (overview, fleet).
   */
  namespaces?: string[];
  /**
   * A label and value that select the cluster in a shared store (Thanos,
   * Mimir), e.g. `cluster` / `homelab`; none for a per-cluster Prometheus.
   */
  clusterLabel?: { name: string; value: string };
  /**
   * The scrape job of cAdvisor (e.g. `kubelet`), for stores that scrape it
   * twice (kubelet and a standalone cAdvisor) and would count it double.
   */
  job?: string;
}

/** The two instant queries of one cluster. */
export interface CostQueries {
  cpu: string;
  memory: string;
}

/**
 * The cost queries of one cluster: one CPU and one memory query for every
 * pod of the given namespaces, grouped by `namespace, pod, container`, so a
 * cluster costs two queries whatever its number of workloads. They
 * exclude the pod cgroup's own series (`container=""`) and the sandbox
 * (`container="POD"`), which would count every container twice. Inputs
 * are validated or escaped; a bad window or an empty namespace list is an
 * InputError. Without namespaces, every namespace is read.
 */
export function costQueries(input: CostQueryInput): CostQueries {
  if (!isPromDuration(input.window)) {
    throw new InputError(
      `Invalid cost window "${input.window}": use a Prometheus duration such as 5m`,
    );
  }
  if (input.namespaces?.length === 0) {
    throw new InputError(
      'Cost queries need at least one namespace (or none given, for all)',
    );
  }
  const namespaces = input.namespaces && [...new Set(input.namespaces)].sort();
  const matchers = [
    promqlMatcher('namespace', namespaces),
    'container!=""',
    'container!="POD"',
  ];
  if (input.clusterLabel) {
    matchers.push(
      promqlMatcher(input.clusterLabel.name, [input.clusterLabel.value]),
    );
  }
  if (input.job !== undefined) matchers.push(promqlMatcher('job', [input.job]));
  const selector = promqlSelector(matchers);
  const by = promqlBy(COST_GROUPING);
  return {
    cpu: `sum ${by} (rate(${CPU_METRIC}${selector}[${input.window}]))`,
    memory: `sum ${by} (${MEMORY_METRIC}${selector})`,
  };
}
