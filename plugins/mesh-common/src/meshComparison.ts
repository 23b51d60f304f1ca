/**
 * A sourced comparison of the meshes Meshlens supports, used to write the
 * "options considered" table of an onboarding ADR. Every cell names the
 * sources it was taken from (keys of {@link meshComparisonSources}); a cell
 * the sources do not settle says so instead of guessing.
 */

/**
 * The key of a mesh and data plane in {@link meshComparison}, e.g.
 * `istio-ambient`; the built-in adapters map their data planes to these.
 * @public
 */
export type MeshOption = string;

/** @public */
export type MeshComparisonCriterion =
  | 'dataPlane'
  | 'proxyMemory'
  | 'proxyCpu'
  | 'controlPlaneCost'
  | 'mtls'
  | 'trafficManagement'
  | 'multiCluster'
  | 'operationalComplexity';

/** @public */
export interface MeshComparisonCell {
  value: string;
  /** Keys of {@link meshComparisonSources}. */
  sources: string[];
}

/** @public */
export interface MeshComparisonSource {
  title: string;
  /** Where to read it: a file of the mesh's repository, a doc page, or a Meshlens seed document. */
  reference: string;
  /** True for vendor-run or single-setup figures that should be read with care. */
  caveat?: string;
}

/** @public */
export interface MeshOptionInfo {
  id: MeshOption;
  title: string;
  /** One line for a template's enum description. */
  tradeOff: string;
  cells: Record<MeshComparisonCriterion, MeshComparisonCell>;
  /**
   * Typical memory added to each pod, in MiB, to compare with a per-pod
   * budget; 0 when the mesh adds no per-pod proxy.
   */
  perPodMemoryMiB: { value: number; basis: string; sources: string[] };
}

/** @public */
export const meshComparisonCriteria: Array<{
  id: MeshComparisonCriterion;
  title: string;
}> = [
  { id: 'dataPlane', title: 'Data plane' },
  { id: 'proxyMemory', title: 'Proxy memory' },
  { id: 'proxyCpu', title: 'Proxy CPU' },
  { id: 'controlPlaneCost', title: 'Control plane cost' },
  { id: 'mtls', title: 'mTLS' },
  { id: 'trafficManagement', title: 'Traffic management' },
  { id: 'multiCluster', title: 'Multi-cluster' },
  { id: 'operationalComplexity', title: 'Operational complexity' },
];

/** @public */
export const meshComparisonSources: Record<string, MeshComparisonSource> = {
  'linkerd-values': {
    title: 'Linkerd control-plane chart defaults (values.yaml, values-ha.yaml)',
    reference:
      'linkerd/linkerd2 charts/linkerd-control-plane/values.yaml, values-ha.yaml (Meshlens mesh-facts section 6)',
  },
  'linkerd-benchmark-2021': {
    title:
      'Linkerd vs Istio benchmarks, Linkerd 2.11.1 vs Istio 1.12.0 at 2,000 rps',
    reference:
      'linkerd/website blog/2021/1129-linkerd-vs-istio-benchmarks (Meshlens mesh-facts section 6)',
    caveat:
      'Vendor-run, old versions; no official figures exist for current releases.',
  },
  'istio-values': {
    title: 'Istio sidecar, waypoint and istiod defaults',
    reference:
      'istio/istio manifests/charts/istio-control/istio-discovery/values.yaml (Meshlens mesh-facts section 6)',
  },
  'istio-performance-1.24': {
    title:
      'Istio 1.24 performance and scalability, 1000 rps with 1 KB payloads',
    reference:
      'istio.io docs/ops/deployment/performance-and-scalability (1.24) (Meshlens mesh-facts section 6)',
  },
  'istio-performance-older': {
    title:
      'Istio performance and scalability, earlier releases: about 0.5 vCPU per 1000 rps and 50 MB per sidecar',
    reference:
      'istio/istio.io performance-and-scalability/index.md (Meshlens mesh-facts section 6)',
  },
  'istio-ambient-facts': {
    title: 'Istio ambient enrolment and components',
    reference:
      'istio/api label/labels.yaml (istio.io/dataplane-mode), charts/ztunnel (Meshlens mesh-facts sections 1 and 5)',
  },
  'istio-security-crds': {
    title: 'Istio PeerAuthentication and AuthorizationPolicy',
    reference:
      'istio/istio manifests/charts/base/files/crd-all.gen.yaml (Meshlens mesh-facts section 4)',
  },
  'cilium-mutual-auth': {
    title: 'Cilium mutual authentication (Beta, SPIRE)',
    reference:
      'cilium/cilium Documentation/network/servicemesh/mutual-authentication (Meshlens mesh-facts section 1)',
  },
  'cilium-config': {
    title: 'Cilium agent configuration and components',
    reference:
      'cilium/cilium install/kubernetes/cilium/templates/cilium-configmap.yaml (Meshlens mesh-facts sections 1 and 5)',
  },
  'seed-000-talos-homelab-strategy': {
    title: 'Service mesh strategy of a hybrid Talos homelab (Linkerd chosen)',
    reference: 'Meshlens seed 000_aeaeab0d2b2fda9d.txt',
    caveat: 'Estimates of one homelab, not measurements.',
  },
  'seed-001-adr-istio': {
    title: 'ADR-014: hub service mesh with Istio (single-node N100 homelab)',
    reference: 'Meshlens seed 001_f62ad052057c1a66.txt',
    caveat: 'Requests configured for one homelab, not measured usage.',
  },
  'seed-002-roadmap': {
    title: 'Service mesh learning roadmap (phase 9: decision framework)',
    reference: 'Meshlens seed 002_f451eba443b12897.txt',
  },
  'seed-004-linkerd-guide': {
    title: 'Linkerd setup guide for a PicoCluster',
    reference: 'Meshlens seed 004_55f77ff04fa177d6.txt',
    caveat:
      'Contains known mistakes (labels namespaces linkerd.io/injection); only its multi-cluster commands are used.',
  },
};

/** @public */
export const meshComparison: Record<MeshOption, MeshOptionInfo> = {
  linkerd: {
    id: 'linkerd',
    title: 'Linkerd',
    perPodMemoryMiB: {
      value: 20,
      basis:
        'HA request 20Mi; homelab estimate ~20 MB; benchmark maximum 26.3 MB',
      sources: [
        'linkerd-values',
        'seed-000-talos-homelab-strategy',
        'linkerd-benchmark-2021',
      ],
    },
    tradeOff:
      'Lightest sidecar and simplest operations, automatic mTLS; fewer traffic features than Istio.',
    cells: {
      dataPlane: {
        value: 'Rust sidecar (linkerd2-proxy) per pod',
        sources: ['linkerd-values'],
      },
      proxyMemory: {
        value:
          'No default request/limit; HA values 20Mi request, 250Mi limit. Benchmark max 26.3 MB (vs 156.2 MB Istio). Homelab estimate ~20 MB per proxy.',
        sources: [
          'linkerd-values',
          'linkerd-benchmark-2021',
          'seed-000-talos-homelab-strategy',
        ],
      },
      proxyCpu: {
        value:
          'No default request; HA values 100m request. Benchmark max 36 ms proxy CPU (vs 67 ms Istio) at 2,000 rps.',
        sources: ['linkerd-values', 'linkerd-benchmark-2021'],
      },
      controlPlaneCost: {
        value: 'Homelab estimate ~100m CPU, ~200 MB RAM in total.',
        sources: ['seed-000-talos-homelab-strategy'],
      },
      mtls: {
        value:
          'On by default between meshed pods; default inbound policy (all-authenticated, deny) enforces it.',
        sources: ['linkerd-values', 'seed-000-talos-homelab-strategy'],
      },
      trafficManagement: {
        value:
          'Retries, timeouts, traffic split through HTTPRoute; fewer advanced features than Istio.',
        sources: ['seed-000-talos-homelab-strategy', 'seed-002-roadmap'],
      },
      multiCluster: {
        value:
          'Linkerd multicluster extension (linkerd multicluster link); described as hybrid-friendly.',
        sources: ['seed-000-talos-homelab-strategy', 'seed-004-linkerd-guide'],
      },
      operationalComplexity: {
        value: 'Low: simple install and operation, low learning curve.',
        sources: ['seed-000-talos-homelab-strategy', 'seed-002-roadmap'],
      },
    },
  },
  istio: {
    id: 'istio',
    title: 'Istio (sidecar)',
    perPodMemoryMiB: {
      value: 128,
      basis:
        'default sidecar request 128Mi (about 60 MB used at 1000 rps in Istio 1.24)',
      sources: ['istio-values', 'istio-performance-1.24'],
    },
    tradeOff:
      'Most complete traffic management and policy, Kiali; heaviest sidecar and most moving parts.',
    cells: {
      dataPlane: {
        value: 'Envoy sidecar (istio-proxy) per pod',
        sources: ['istio-values'],
      },
      proxyMemory: {
        value:
          'Default request 128Mi, limit 1024Mi. ~60 MB at 1000 rps (1.24). Benchmark max 156.2 MB (Istio 1.12). Homelab estimate 50-100 MB per proxy.',
        sources: [
          'istio-values',
          'istio-performance-1.24',
          'linkerd-benchmark-2021',
          'seed-000-talos-homelab-strategy',
        ],
      },
      proxyCpu: {
        value:
          'Default request 100m, limit 2000m. ~0.20 vCPU per sidecar at 1000 rps (1.24).',
        sources: ['istio-values', 'istio-performance-1.24'],
      },
      controlPlaneCost: {
        value:
          'istiod default request 500m CPU, 2048Mi memory; tuned homelab 100m/256Mi. Homelab estimate ~1 GB RAM.',
        sources: [
          'istio-values',
          'seed-001-adr-istio',
          'seed-000-talos-homelab-strategy',
        ],
      },
      mtls: {
        value:
          'PeerAuthentication per namespace or mesh: PERMISSIVE (default) or STRICT.',
        sources: ['istio-security-crds', 'seed-001-adr-istio'],
      },
      trafficManagement: {
        value:
          'Full: VirtualService/DestinationRule routing, canary, fault injection, retries, circuit breaking.',
        sources: ['seed-001-adr-istio', 'seed-002-roadmap'],
      },
      multiCluster: {
        value: 'Not settled by our sources.',
        sources: [],
      },
      operationalComplexity: {
        value: 'High: many CRDs and options, debugging needs Envoy knowledge.',
        sources: ['seed-001-adr-istio', 'seed-000-talos-homelab-strategy'],
      },
    },
  },
  'istio-ambient': {
    id: 'istio-ambient',
    title: 'Istio ambient',
    perPodMemoryMiB: {
      value: 0,
      basis:
        'no per-pod proxy; ztunnel ~12 MB per node, waypoints ~60 MB each when used',
      sources: ['istio-performance-1.24', 'istio-ambient-facts'],
    },
    tradeOff:
      'No sidecar: per-node ztunnel for L4 mTLS, optional waypoints for L7; enrolment needs no restart.',
    cells: {
      dataPlane: {
        value: 'Per-node ztunnel (L4) plus optional waypoint proxies (L7)',
        sources: ['istio-ambient-facts'],
      },
      proxyMemory: {
        value:
          'ztunnel ~12 MB, waypoint ~60 MB at 1000 rps (1.24); waypoint default request 128Mi, limit 1Gi.',
        sources: ['istio-performance-1.24', 'istio-values'],
      },
      proxyCpu: {
        value: 'ztunnel ~0.06 vCPU, waypoint ~0.25 vCPU at 1000 rps (1.24).',
        sources: ['istio-performance-1.24'],
      },
      controlPlaneCost: {
        value:
          'istiod (default 500m/2048Mi) plus ztunnel and istio-cni-node DaemonSets.',
        sources: ['istio-values', 'istio-ambient-facts'],
      },
      mtls: {
        value:
          'ztunnel encrypts L4 between enrolled pods; PeerAuthentication sets PERMISSIVE or STRICT.',
        sources: ['istio-ambient-facts', 'istio-security-crds'],
      },
      trafficManagement: {
        value: 'L7 features only through a waypoint; L4 only without one.',
        sources: ['istio-ambient-facts'],
      },
      multiCluster: {
        value: 'Not settled by our sources.',
        sources: [],
      },
      operationalComplexity: {
        value:
          'Medium-high: Istio CRDs plus ztunnel/waypoint topology; suggested to cut sidecar overhead.',
        sources: ['istio-ambient-facts', 'seed-002-roadmap'],
      },
    },
  },
  cilium: {
    id: 'cilium',
    title: 'Cilium',
    perPodMemoryMiB: {
      value: 0,
      basis: 'no per-pod proxy (eBPF in the node agent)',
      sources: ['cilium-config'],
    },
    tradeOff:
      'No sidecar (eBPF) when Cilium is already the CNI; mutual auth is Beta and L7 needs policies.',
    cells: {
      dataPlane: {
        value:
          'eBPF in the cilium agent; Envoy (embedded or cilium-envoy DaemonSet) for L7',
        sources: ['cilium-config'],
      },
      proxyMemory: {
        value: 'No per-pod proxy.',
        sources: ['cilium-config', 'seed-000-talos-homelab-strategy'],
      },
      proxyCpu: {
        value: 'No per-pod proxy; our sources give no per-node figure.',
        sources: ['cilium-config'],
      },
      controlPlaneCost: {
        value:
          'cilium DaemonSet and cilium-operator; requires Cilium as the CNI.',
        sources: ['cilium-config', 'seed-001-adr-istio'],
      },
      mtls: {
        value:
          'Mutual authentication per policy rule (authentication.mode: required), Beta, uses SPIRE; or WireGuard/IPsec node encryption.',
        sources: ['cilium-mutual-auth', 'cilium-config'],
      },
      trafficManagement: {
        value:
          'L7 through CiliumNetworkPolicy/Envoy; L7 features described as still maturing.',
        sources: ['cilium-config', 'seed-001-adr-istio'],
      },
      multiCluster: {
        value: 'Cilium ClusterMesh (requires Cilium CNI in every cluster).',
        sources: ['seed-002-roadmap'],
      },
      operationalComplexity: {
        value:
          'Medium: one component when already the CNI; eBPF is harder to understand.',
        sources: ['seed-000-talos-homelab-strategy', 'seed-001-adr-istio'],
      },
    },
  },
};
