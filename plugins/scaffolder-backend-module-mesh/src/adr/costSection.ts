import { meshComparisonSources } from '@meshlens/plugin-mesh-common';
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
  /**
   * The mesh API's what-if estimates (`cost.whatIf.alternatives`): each
   * alternative's range from published figures, with their sources.
   */
  estimates?: EstimatedAlternative[];
}

/** A low–high range from published figures. */
export interface EstimatedRange {
  low: number;
  high: number;
}

/** One alternative as the mesh API estimates it; a range is absent where none is published. */
export interface EstimatedAlternative {
  title: string;
  cpuCores?: EstimatedRange;
  memoryBytes?: EstimatedRange;
  /** Keys of the mesh comparison's sources, or free text. */
  sources: string[];
}

const NOT_MEASURED = 'not measured';
const cores = (n?: number) =>
  n === undefined ? NOT_MEASURED : `${Number((n * 1000).toFixed(1))}m CPU`;
const mib = (n?: number) =>
  n === undefined ? NOT_MEASURED : `${Number((n / 2 ** 20).toFixed(1))} MiB`;
const percent = (n?: number) =>
  n === undefined ? NOT_MEASURED : `${Number((n * 100).toFixed(1))}%`;

const NOT_ESTIMATED = 'not estimated (no published figure or input)';

function range(r: EstimatedRange | undefined, format: (n: number) => string) {
  if (!r) return NOT_ESTIMATED;
  const low = format(r.low);
  const high = format(r.high);
  return low === high ? low : `${low} to ${high}`;
}

function sourceText(key: string): string {
  const known = meshComparisonSources[key];
  return known
    ? `${markdownInline(known.title)} (${markdownInline(known.reference)})`
    : markdownInline(key);
}

/** The estimated alternatives, kept apart from and labelled unlike the measurements. */
function estimatesPart(estimates: EstimatedAlternative[] | undefined) {
  if (!estimates?.length) return [];
  return [
    '### Estimated alternatives (not measured)',
    '',
    'The same load under each alternative, estimated by Meshlens from published per-proxy figures times the measured requests/s and pods; ranges span the sources:',
    '',
    ...estimates.map(
      e =>
        `* ${markdownInline(e.title)}: ${range(e.cpuCores, cores)}, ${range(
          e.memoryBytes,
          mib,
        )}${
          e.sources.length
            ? `. Sources: ${e.sources.map(sourceText).join('; ')}`
            : ''
        }`,
    ),
    '',
  ];
}

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
    ...estimatesPart(cost.estimates),
  ];
}
