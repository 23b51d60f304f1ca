import { ResourceUsage } from '@meshlens/plugin-mesh-common';

/** One instant-query sample, as the Prometheus client returns it. */
export interface CostSample {
  metric: Record<string, string>;
  value: number;
}

/** Measured usage per `namespace/pod`, then per container name. */
export type ContainerUsageIndex = Map<string, Map<string, ResourceUsage>>;

/** The index key of a pod. */
export const podKey = (namespace: string, pod: string) => `${namespace}/${pod}`;

/**
 * Indexes the results of the two cost queries. A sample without
 * `namespace`, `pod` or `container`, or with a non-finite value (NaN from
 * a counter reset at the window's edge), is left out: it measures nothing,
 * and leaving it out makes the field absent rather than 0.
 */
export function readContainerUsage(
  cpu: CostSample[],
  memory: CostSample[],
): ContainerUsageIndex {
  const index: ContainerUsageIndex = new Map();
  const put = (s: CostSample, field: keyof ResourceUsage) => {
    const { namespace, pod, container } = s.metric;
    if (!namespace || !pod || !container || !Number.isFinite(s.value)) return;
    const key = podKey(namespace, pod);
    let containers = index.get(key);
    if (!containers) {
      containers = new Map();
      index.set(key, containers);
    }
    const usage = containers.get(container) ?? {};
    usage[field] = (usage[field] ?? 0) + s.value;
    containers.set(container, usage);
  };
  for (const s of cpu) put(s, 'cpuCores');
  for (const s of memory) put(s, 'memoryBytes');
  return index;
}

/** An index back from its JSON form (`namespace/pod` → container → usage). */
export function readContainerUsageIndex(
  json: Record<string, Record<string, ResourceUsage>>,
): ContainerUsageIndex {
  return new Map(
    Object.entries(json).map(([pod, c]) => [pod, new Map(Object.entries(c))]),
  );
}

/**
 * The sum of usages, per field: a field is present when at least one
 * part has it (absent parts are reported in `missing` by the caller).
 */
export function addUsage(...parts: ResourceUsage[]): ResourceUsage {
  const out: ResourceUsage = {};
  for (const p of parts) {
    if (p.cpuCores !== undefined)
      out.cpuCores = (out.cpuCores ?? 0) + p.cpuCores;
    if (p.memoryBytes !== undefined)
      out.memoryBytes = (out.memoryBytes ?? 0) + p.memoryBytes;
  }
  return out;
}

/** Scales a usage (an apportioned share). */
export function scaleUsage(u: ResourceUsage, factor: number): ResourceUsage {
  const out: ResourceUsage = {};
  if (u.cpuCores !== undefined) out.cpuCores = u.cpuCores * factor;
  if (u.memoryBytes !== undefined) out.memoryBytes = u.memoryBytes * factor;
  return out;
}

const ratio = (a?: number, b?: number) =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

/** `part ÷ whole`, per field; absent where either is absent or the whole is 0. */
export function shareOf(part: ResourceUsage, whole: ResourceUsage) {
  const out: { cpu?: number; memory?: number } = {};
  const cpu = ratio(part.cpuCores, whole.cpuCores);
  const memory = ratio(part.memoryBytes, whole.memoryBytes);
  if (cpu !== undefined) out.cpu = cpu;
  if (memory !== undefined) out.memory = memory;
  return out;
}

/** `a + b` per field, present only where both are (a pod total needs both parts). */
export function addBoth(a: ResourceUsage, b: ResourceUsage): ResourceUsage {
  const out: ResourceUsage = {};
  if (a.cpuCores !== undefined && b.cpuCores !== undefined)
    out.cpuCores = a.cpuCores + b.cpuCores;
  if (a.memoryBytes !== undefined && b.memoryBytes !== undefined)
    out.memoryBytes = a.memoryBytes + b.memoryBytes;
  return out;
}
