import { Edge, GoldenMetrics } from '@meshlens/plugin-mesh-common';
import { KubeObject, MeshWorkload } from '@meshlens/plugin-mesh-node';
import {
  classifyCallers,
  ingressControllerOfIngress,
  ingressServiceNames,
} from './ingressControllers';

/** Below this share of a workload's requests, plaintext left unnamed is rounding. */
const UNNAMED_TOLERANCE = 0.001;

function podLabelsOf(workload: MeshWorkload): Array<Record<string, string>> {
  const template = (
    workload.object.spec as
      | { template?: { metadata?: { labels?: Record<string, string> } } }
      | undefined
  )?.template?.metadata?.labels;
  return [
    ...(template ? [template] : []),
    ...workload.pods.map(p => p.metadata.labels ?? {}),
  ];
}

/** The Services whose selector picks the workload's pods. */
function servicesOf(workload: MeshWorkload, services: KubeObject[]): string[] {
  const labelSets = podLabelsOf(workload);
  return services
    .filter(service => {
      const selector = service.spec?.selector as
        | Record<string, string>
        | undefined;
      const entries = Object.entries(selector ?? {});
      return (
        entries.length > 0 &&
        labelSets.some(labels => entries.every(([k, v]) => labels[k] === v))
      );
    })
    .map(s => s.metadata.name);
}

/** The plaintext requests/s that no inbound edge names. */
function unnamedPlaintext(
  metrics: GoldenMetrics | null,
  encryptedShare: number | null,
  edges: Edge[],
): number {
  if (!metrics || encryptedShare === null) return 0;
  const plain = metrics.requestsPerSecond * (1 - encryptedShare);
  const named = edges
    .filter(e => e.direction === 'inbound' && e.mtls === false)
    .reduce((sum, e) => sum + e.requestsPerSecond, 0);
  const rest = plain - named;
  return rest > metrics.requestsPerSecond * UNNAMED_TOLERANCE ? rest : 0;
}

/**
 * The workload's edges with their callers classified, plus one for an
 * ingress controller outside the mesh that the mesh's metrics cannot name:
 * a plaintext caller has no identity, so Linkerd's inbound metrics and
 * Istio's destination reporter leave it out (mesh-facts section 8). It is
 * found through the Ingress objects that route to the workload's Services,
 * and only when exactly one controller serves them, since the metrics give
 * no way to split the requests between several.
 */
export function edgesWithIngressCallers(input: {
  workload: MeshWorkload;
  metrics: GoldenMetrics | null;
  encryptedShare: number | null;
  edges: Edge[];
  services: KubeObject[];
  ingresses: KubeObject[];
}): Edge[] {
  const edges = classifyCallers(input.edges);
  const rest = unnamedPlaintext(input.metrics, input.encryptedShare, edges);
  if (rest === 0) return edges;
  const services = servicesOf(input.workload, input.services);
  const routing = input.ingresses
    .filter(i => ingressServiceNames(i).some(n => services.includes(n)))
    .map(i => ({ ingress: i, rule: ingressControllerOfIngress(i) }));
  const controllers = new Set(routing.map(r => r.rule?.id));
  if (routing.length === 0 || controllers.size !== 1) return edges;
  const rule = routing[0].rule;
  if (!rule) return edges;
  const names = routing.map(r => r.ingress.metadata.name).sort();
  const className = routing[0].ingress.spec?.ingressClassName as
    | string
    | undefined;
  return [
    ...edges,
    {
      direction: 'inbound',
      peer: { namespace: input.workload.namespace, name: names.join(', ') },
      requestsPerSecond: rest,
      // The metrics give no per-caller outcome for an unnamed caller.
      successRate: null,
      mtls: false,
      callerKind: 'ingress',
      ingress: rule.id,
      recognisedBy: `Ingress ${names
        .map(n => `${input.workload.namespace}/${n}`)
        .join(', ')}${className ? ` (class ${className})` : ''}`,
    },
  ];
}
