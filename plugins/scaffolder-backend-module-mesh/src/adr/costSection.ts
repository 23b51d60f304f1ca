import { markdownInline } from './markdown';

/** CPU and memory as the mesh API measures them; absent: not measured. */
export interface MeasuredUsage {
  cpuCores?: number;
  memoryBytes?: number;
}

/**
 * The measured proxy overhead a decision weighs (the `cost` totals of the
 * mesh API's entity status or overview).
 */
export interface MeasuredCost {
  /** The PromQL window of the measurement, e.g. `5m`. */
  window: string;
  /** What was measured, e.g. a namespace or `the fleet`. */
  subject?: string;
  /** Sidecars and the subject's parts of shared proxies. */
  proxy: MeasuredUsage;
  application: MeasuredUsage;
  proxyShareOfTotal?: { cpu?: number; memory?: number };
}

const NOT_MEASURED = 'not measured';
const cores = (n?: number) =>
  n === undefined ? NOT_MEASURED : `${Number((n * 1000).toFixed(1))}m CPU`;
const mib = (n?: number) =>
  n === undefined ? NOT_MEASURED : `${Number((n / 2 ** 20).toFixed(1))} MiB`;
const percent = (n?: number) =>
  n === undefined ? NOT_MEASURED : `${Number((n * 100).toFixed(1))}%`;

/** The "Cost" section: the measured numbers, and that they are measured. */
export function costSection(cost: MeasuredCost | undefined): string[] {
  if (!cost) return [];
  const subject = cost.subject ? ` for ${markdownInline(cost.subject)}` : '';
  return [
    '## Cost',
    '',
    `Measured${subject} by Meshlens over ${markdownInline(
      cost.window,
    )} from the cAdvisor series (container_cpu_usage_seconds_total, container_memory_working_set_bytes):`,
    '',
    `* Proxies: ${cores(cost.proxy.cpuCores)}, ${mib(cost.proxy.memoryBytes)}`,
    `* Application: ${cores(cost.application.cpuCores)}, ${mib(
      cost.application.memoryBytes,
    )}`,
    `* Proxy share of the pods: CPU ${percent(
      cost.proxyShareOfTotal?.cpu,
    )}, memory ${percent(cost.proxyShareOfTotal?.memory)}`,
    '',
  ];
}
