import { InputError } from '@backstage/errors';
import {
  CostMissing,
  EstimateRange,
  meshComparisonSources,
  ProxyCostFigure,
  ProxyCostFigures,
  proxyCostFigures,
  WhatIfAlternative,
  WhatIfAlternativeEstimate,
  WhatIfEstimate,
} from '@meshlens/plugin-mesh-common';
import { MeshAdapter, MeshCostAlternative } from '@meshlens/plugin-mesh-node';

/** The measured inputs of a what-if. */
export interface WhatIfInput {
  /** `entity:...` or `cluster/namespace`. */
  subject: string;
  /** Requests/s through the subject's proxies (in + out) over `window`; undefined when not measured. */
  requestsPerSecond?: number;
  /** Whose proxies measured `requestsPerSecond` (see `measuredThroughput`). */
  requestsPerSecondMeasuredBy?: 'own-proxies' | 'peer-proxies';
  /** The subject's pods (one sidecar each). */
  pods: number;
  /**
   * The subject's share of the nodes' per-node proxies: Σ over nodes of
   * (its pods on the node ÷ the pods on the node), as apportionNodeProxies
   * computes it. Undefined: a per-node proxy's memory is not estimated.
   */
  nodeShare?: number;
  window: string;
}

const INSTANCES_TEXT: Record<ProxyCostFigure['per'], string> = {
  pod: 'pods',
  node: 'node share',
  waypoint: 'one waypoint',
  none: 'none',
};

/** The alternative every what-if has: no mesh, no proxy. */
export const NO_MESH_ALTERNATIVE: MeshCostAlternative = {
  id: 'none',
  figures: proxyCostFigures.none,
};

/**
 * The what-if alternatives: those of the adapters (their
 * `costAlternatives`, first one wins on a repeated id), then no mesh.
 */
export function whatIfAlternatives(
  adapters: Array<Pick<MeshAdapter, 'costAlternatives'>>,
): MeshCostAlternative[] {
  const out = new Map<string, MeshCostAlternative>();
  for (const a of adapters) {
    for (const alt of a.costAlternatives ?? []) {
      if (!out.has(alt.id)) out.set(alt.id, alt);
    }
  }
  if (!out.has(NO_MESH_ALTERNATIVE.id)) {
    out.set(NO_MESH_ALTERNATIVE.id, NO_MESH_ALTERNATIVE);
  }
  return [...out.values()];
}

const add = (a: EstimateRange, b: EstimateRange): EstimateRange => ({
  low: a.low + b.low,
  high: a.high + b.high,
});
const times = (r: EstimateRange, f: number): EstimateRange => ({
  low: r.low * f,
  high: r.high * f,
});

/** How many instances of a figure's proxy the subject pays for. */
function instances(
  figure: ProxyCostFigure,
  input: WhatIfInput,
): number | undefined {
  switch (figure.per) {
    case 'pod':
      return input.pods;
    case 'node':
      return input.nodeShare;
    case 'waypoint':
      // The high end of the waypoint figure is one waypoint for the subject's traffic.
      return 1;
    default:
      return 0;
  }
}

function estimateOne(
  alternative: WhatIfAlternative,
  figures: ProxyCostFigures,
  input: WhatIfInput,
): WhatIfAlternativeEstimate {
  const missing: CostMissing[] = [];
  const subject = `${input.subject} (${alternative})`;
  let cpu: EstimateRange | undefined = { low: 0, high: 0 };
  let memory: EstimateRange | undefined = { low: 0, high: 0 };
  const methods: string[] = [];
  for (const f of figures.figures) {
    if (!f.cpuCoresPer1000Rps && !f.memoryBytesPerInstance) {
      cpu = undefined;
      memory = undefined;
      missing.push({ gap: 'no-published-figure', subject, message: f.note });
      continue;
    }
    if (f.cpuCoresPer1000Rps && cpu) {
      if (input.requestsPerSecond === undefined) {
        cpu = undefined;
        missing.push({
          gap: 'no-traffic',
          subject,
          message: `No measured requests/s over ${input.window}: the ${f.component}'s CPU, a per-request figure, is not estimated`,
        });
      } else {
        cpu = add(
          cpu,
          times(f.cpuCoresPer1000Rps, input.requestsPerSecond / 1000),
        );
        methods.push(
          `${f.component} CPU: requests/s ÷ 1000 × cores per 1000 rps`,
        );
      }
    }
    if (f.memoryBytesPerInstance && memory) {
      const n = instances(f, input);
      if (n === undefined) {
        memory = undefined;
        missing.push({
          gap: 'no-node-share',
          subject,
          message: `The subject's share of the nodes is unknown: the ${f.component}'s memory is not estimated`,
        });
      } else {
        memory = add(memory, times(f.memoryBytesPerInstance, n));
        methods.push(
          `${f.component} memory: ${
            INSTANCES_TEXT[f.per]
          } × bytes per instance`,
        );
      }
    }
  }
  const sources = [...new Set(figures.figures.flatMap(f => f.sources))];
  const derivations = figures.figures.flatMap(f =>
    f.derivation ? [f.derivation] : [],
  );
  const out: WhatIfAlternativeEstimate = {
    alternative,
    title: figures.title,
    method:
      [...methods, ...derivations].join('; ') ||
      figures.figures.map(f => f.note).join(' '),
    sources,
    caveats: sources.flatMap(s => {
      const caveat = meshComparisonSources[s]?.caveat;
      return caveat ? [caveat] : [];
    }),
    missing,
  };
  if (cpu) out.cpuCores = cpu;
  if (memory) out.memoryBytes = memory;
  return out;
}

/**
 * Estimates the subject's proxy resources under each alternative from its
 * measured requests/s and pods and the published per-proxy figures: CPU
 * is requests/s × cores per request; memory is instances × bytes per
 * proxy (a sidecar per pod, the subject's share of per-node proxies, one
 * waypoint at most). Ranges span the sources. It is an estimate, never a
 * measurement (`kind: 'estimate'`); where no figure is published, the
 * range is absent and `missing` says so.
 */
export function estimateWhatIf(
  input: WhatIfInput,
  alternatives: MeshCostAlternative[],
): WhatIfEstimate {
  if (!Number.isInteger(input.pods) || input.pods < 0) {
    throw new InputError(
      `Invalid pod count ${input.pods} for a what-if estimate`,
    );
  }
  if (
    input.requestsPerSecond !== undefined &&
    !(Number.isFinite(input.requestsPerSecond) && input.requestsPerSecond >= 0)
  ) {
    throw new InputError(
      `Invalid requests/s ${input.requestsPerSecond} for a what-if estimate`,
    );
  }
  const estimates = alternatives.map(a => estimateOne(a.id, a.figures, input));
  const missing: CostMissing[] = [];
  if (input.requestsPerSecond === undefined) {
    missing.push({
      gap: 'no-traffic',
      subject: input.subject,
      message: `No measured requests/s over ${input.window}: CPU is not estimated for any mesh`,
    });
  }
  return {
    kind: 'estimate',
    subject: input.subject,
    basis: {
      ...(input.requestsPerSecond !== undefined && {
        requestsPerSecond: input.requestsPerSecond,
        ...(input.requestsPerSecondMeasuredBy && {
          requestsPerSecondMeasuredBy: input.requestsPerSecondMeasuredBy,
        }),
      }),
      pods: input.pods,
      ...(input.nodeShare !== undefined && { nodeShare: input.nodeShare }),
      window: input.window,
    },
    alternatives: estimates,
    missing,
  };
}
