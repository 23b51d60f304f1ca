import { Edge, EdgePeer } from '@meshlens/plugin-mesh-common';
import { KubeObject } from '@meshlens/plugin-mesh-node';

/**
 * How an ingress controller shows itself: as a caller (the workload and
 * namespace its charts install by default), or as the class an Ingress
 * names. Data only, so a controller is added here and nowhere else.
 */
export interface IngressControllerRule {
  /** What the API and the graph call it: `ingress: traefik`. */
  id: string;
  /** Namespaces its chart installs into by default. */
  namespaces: string[];
  /** Workload name prefixes of its proxies. */
  workloadPrefixes: string[];
  /** `spec.ingressClassName` (or the old `kubernetes.io/ingress.class` annotation) values. */
  ingressClasses: string[];
}

/** The usual charts' defaults (mesh-facts section 8). */
export const INGRESS_CONTROLLERS: readonly IngressControllerRule[] = [
  {
    id: 'traefik',
    namespaces: ['traefik', 'traefik-system'],
    workloadPrefixes: ['traefik'],
    ingressClasses: ['traefik'],
  },
  {
    id: 'ingress-nginx',
    namespaces: ['ingress-nginx'],
    workloadPrefixes: ['ingress-nginx-controller', 'nginx-ingress'],
    ingressClasses: ['nginx'],
  },
  {
    id: 'istio-gateway',
    namespaces: ['istio-ingress'],
    workloadPrefixes: ['istio-ingressgateway', 'istio-ingress'],
    ingressClasses: ['istio'],
  },
  {
    id: 'envoy-gateway',
    namespaces: ['envoy-gateway-system'],
    workloadPrefixes: ['envoy-gateway'],
    ingressClasses: ['envoy-gateway', 'eg'],
  },
  {
    id: 'cilium-ingress',
    namespaces: [],
    workloadPrefixes: ['cilium-ingress', 'cilium-gateway'],
    ingressClasses: ['cilium'],
  },
];

/** The ingress controller a caller is, by its namespace or workload name. */
export function ingressControllerOfCaller(
  peer: EdgePeer,
  rules: readonly IngressControllerRule[] = INGRESS_CONTROLLERS,
): IngressControllerRule | undefined {
  return rules.find(
    r =>
      r.namespaces.includes(peer.namespace) ||
      r.workloadPrefixes.some(p => peer.name.startsWith(p)),
  );
}

/** The ingress controller an Ingress object is served by, by its class. */
export function ingressControllerOfIngress(
  ingress: KubeObject,
  rules: readonly IngressControllerRule[] = INGRESS_CONTROLLERS,
): IngressControllerRule | undefined {
  const className =
    (ingress.spec?.ingressClassName as string | undefined) ??
    ingress.metadata.annotations?.['kubernetes.io/ingress.class'];
  return className
    ? rules.find(r => r.ingressClasses.includes(className))
    : undefined;
}

interface IngressBackend {
  service?: { name?: string };
}
interface IngressSpec {
  defaultBackend?: IngressBackend;
  rules?: Array<{ http?: { paths?: Array<{ backend?: IngressBackend }> } }>;
}

/** The Service names an Ingress routes to. */
export function ingressServiceNames(ingress: KubeObject): string[] {
  const spec = (ingress.spec ?? {}) as IngressSpec;
  const backends = [
    spec.defaultBackend,
    ...(spec.rules ?? []).flatMap(r =>
      (r.http?.paths ?? []).map(p => p.backend),
    ),
  ];
  return [
    ...new Set(
      backends
        .map(b => b?.service?.name)
        .filter((n): n is string => Boolean(n)),
    ),
  ];
}

/** Marks inbound edges from ingress controllers, and plaintext ones from other callers outside the mesh. */
export function classifyCallers(edges: Edge[]): Edge[] {
  return edges.map(edge => {
    if (edge.direction !== 'inbound') return edge;
    const rule = ingressControllerOfCaller(edge.peer);
    if (rule) return { ...edge, callerKind: 'ingress', ingress: rule.id };
    if (edge.mtls === false) return { ...edge, callerKind: 'unmeshed' };
    return edge;
  });
}
