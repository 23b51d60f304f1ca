import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { EntityCost, ResourceUsage } from '@meshlens/plugin-mesh-common';
import { MeshStatusService } from '@meshlens/plugin-mesh-node';
import { MeasuredCost } from './costSection';

/** Two usages added per field; a field is absent when both sides lack it. */
function plus(a: ResourceUsage, b: ResourceUsage): ResourceUsage {
  const field = (k: keyof ResourceUsage) =>
    a[k] === undefined && b[k] === undefined
      ? {}
      : { [k]: (a[k] ?? 0) + (b[k] ?? 0) };
  return { ...field('cpuCores'), ...field('memoryBytes') };
}

/**
 * An entity's measured cost (the mesh API's `cost`) as the ADR's cost
 * factor: proxies are the sidecars plus the entity's parts of shared
 * proxies, and the what-if's alternatives become the estimates.
 */
export function measuredCostOf(
  subject: string,
  cost: EntityCost | undefined,
): MeasuredCost | undefined {
  if (!cost) return undefined;
  const { totals } = cost;
  return {
    window: cost.window,
    subject,
    proxy: plus(totals.proxy, totals.sharedProxies),
    application: totals.application,
    proxyShareOfTotal: totals.proxyShareOfTotal,
    ...(cost.whatIf && {
      estimates: cost.whatIf.alternatives.map(a => ({
        title: a.title,
        ...(a.cpuCores && { cpuCores: a.cpuCores }),
        ...(a.memoryBytes && { memoryBytes: a.memoryBytes }),
        sources: a.sources,
      })),
    }),
  };
}

/**
 * The entity's cost factor, read from the status service as the caller
 * (the read the STRICT check made is shared within the cache's TTL). A
 * failed read is reported and leaves the factor out: a decision record
 * without a measurement is better than no check at all.
 */
export async function entityCostFactor(
  entityRef: string | undefined,
  meshStatus: MeshStatusService | undefined,
  credentials: BackstageCredentials,
  warn: (message: string) => void,
): Promise<MeasuredCost | undefined> {
  if (!entityRef || !meshStatus) return undefined;
  try {
    const status = await meshStatus.getEntityStatus(entityRef, {
      credentials,
    });
    return measuredCostOf(status.entityRef, status.cost);
  } catch (e) {
    warn(
      `The mesh cost of ${entityRef} could not be read, so no cost factor is given: ${
        e instanceof Error ? e.message : String(e)
      }`,
    );
    return undefined;
  }
}

/**
 * The zod schema of a cost factor, for the ADR's input and mesh:check's
 * output; `zod` is the schema's own `z`, which this package does not import.
 */
export function measuredCostSchema(zod: any) {
  const usage = () =>
    zod.object({
      cpuCores: zod.number().nonnegative().optional(),
      memoryBytes: zod.number().nonnegative().optional(),
    });
  const range = () =>
    zod.object({
      low: zod.number().nonnegative(),
      high: zod.number().nonnegative(),
    });
  return zod.object(
    {
      window: zod.string(),
      subject: zod.string().optional(),
      proxy: usage(),
      application: usage(),
      proxyShareOfTotal: zod
        .object({
          cpu: zod.number().nonnegative().optional(),
          memory: zod.number().nonnegative().optional(),
        })
        .optional(),
      estimates: zod
        .array(
          zod.object({
            title: zod.string(),
            cpuCores: range().optional(),
            memoryBytes: range().optional(),
            sources: zod.array(zod.string()),
          }),
          {
            description:
              "The mesh API's what-if estimates (cost.whatIf.alternatives of the entity status): written as estimated, not measured, with their sources.",
          },
        )
        .optional(),
    },
    {
      description:
        "The measured proxy overhead, as a factor (the mesh API's cost totals of the entity, namespace or fleet, or mesh:check's `cost` output): a Cost section.",
    },
  );
}
