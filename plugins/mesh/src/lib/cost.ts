import {
  ProxyShare,
  ResourceUsage,
  WorkloadCost,
} from '@meshlens/plugin-mesh-common';
import { DASH, formatPercent } from './format';

/** Shown for a figure the API could not measure (see its `missing`). */
export const NOT_MEASURED = 'not measured';

/** Cores as millicores (`12m`), the unit of pod specs; absent: not measured. */
export function formatCores(cores: number | undefined): string {
  if (cores === undefined) return NOT_MEASURED;
  const milli = cores * 1000;
  return `${milli >= 10 ? Math.round(milli) : milli.toFixed(1)}m`;
}

/** Bytes as MiB, the unit of pod specs; absent: not measured. */
export function formatMemory(bytes: number | undefined): string {
  if (bytes === undefined) return NOT_MEASURED;
  const mib = bytes / 2 ** 20;
  return `${mib >= 10 ? Math.round(mib) : mib.toFixed(1)} MiB`;
}

/** A share as "CPU 12% · memory 20%"; a side not measured is a dash. */
export function formatShare(share: ProxyShare): string {
  if (share.cpu === undefined && share.memory === undefined) {
    return NOT_MEASURED;
  }
  return `CPU ${formatPercent(share.cpu)} · memory ${formatPercent(
    share.memory,
  )}`;
}

/** Sidecars plus the workload's parts of shared proxies. */
export function allProxyUsage(w: WorkloadCost): ResourceUsage {
  const parts: ResourceUsage[] = [w.proxy, ...w.sharedProxies];
  const sum = (field: keyof ResourceUsage) =>
    parts.some(p => p[field] !== undefined)
      ? parts.reduce((a, p) => a + (p[field] ?? 0), 0)
      : undefined;
  return { cpuCores: sum('cpuCores'), memoryBytes: sum('memoryBytes') };
}

/** Requests or limits of the proxy containers, or why there are none. */
export function formatReservation(r: {
  cpuCores?: number;
  memoryBytes?: number;
  containers: number;
}): string {
  if (r.containers === 0) return DASH;
  if (r.cpuCores === undefined && r.memoryBytes === undefined) return 'not set';
  return `${
    r.cpuCores === undefined ? 'CPU not set' : formatCores(r.cpuCores)
  } / ${
    r.memoryBytes === undefined ? 'memory not set' : formatMemory(r.memoryBytes)
  }`;
}
