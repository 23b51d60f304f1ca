/**
 * The shape of the Meshlens mesh API (`/api/mesh/v1/...`). The backend
 * produces these objects, the frontend, the search collator and the
 * scaffolder actions consume them.
 */

/**
 * A mesh, as its adapter names it (`linkerd`, `istio`, `cilium`, or one
 * registered by a backend module), or `none`. An open set: adding a mesh is
 * one adapter.
 * @public
 */
export type MeshName = string;

/**
 * A data plane of a mesh, as its adapter names it (e.g. `sidecar`,
 * `ambient`, `ebpf`), or `none`.
 * @public
 */
export type DataPlane = string;

/** @public */
export type MtlsMode =
  | 'strict'
  | 'permissive'
  | 'disabled'
  | 'automatic'
  | 'unknown';

/** @public */
export type CertificateRole =
  | 'trust-anchor'
  | 'issuer'
  | 'workload'
  | 'webhook';

/** @public */
export type CertificateStatus = 'ok' | 'warning' | 'critical' | 'expired';

/** @public */
export type CheckStatus = 'pass' | 'warn' | 'fail';

/** @public */
export type UpstreamSource = 'kubernetes' | 'prometheus';

/** @public */
export interface ControlPlane {
  namespace: string;
  /** The release the control plane runs, e.g. `edge-25.10.3` or `1.27.1`. */
  version: string | null;
  healthy: boolean;
}

/** @public */
export interface InjectionState {
  namespace: 'enabled' | 'disabled' | 'unset';
  /** The label or annotation that decides, e.g. `annotation linkerd.io/inject=enabled`. */
  marker: string | null;
}

/** @public */
export interface LatencyMs {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** @public */
export interface GoldenMetrics {
  requestsPerSecond: number;
  /** 0..1, null when there was no request in the window. */
  successRate: number | null;
  latencyMs: LatencyMs;
}

/** @public */
export interface WorkloadMtls {
  mode: MtlsMode;
  /** Share of the window's requests that were mutually authenticated, 0..1. */
  encryptedShare: number | null;
}

/** @public */
export interface EdgePeer {
  namespace: string;
  name: string;
}

/** @public */
export interface Edge {
  direction: 'inbound' | 'outbound';
  peer: EdgePeer;
  requestsPerSecond: number;
  successRate: number | null;
  mtls: boolean | null;
  /**
   * Who an inbound caller is, when it is not a meshed workload: an ingress
   * controller (north-south traffic) or another caller outside the mesh.
   */
  callerKind?: 'ingress' | 'unmeshed';
  /** The ingress controller, e.g. `traefik`, when `callerKind` is `ingress`. */
  ingress?: string;
  /**
   * How the caller was found when the mesh's metrics do not name it, e.g.
   * `Ingress storefront/storefront (class traefik)`.
   */
  recognisedBy?: string;
}

/** @public */
export interface WorkloadStatus {
  kind: string;
  name: string;
  pods: number;
  meshedPods: number;
  proxyVersions: string[];
  versionSkew: boolean;
  mtls: WorkloadMtls;
  metrics: GoldenMetrics | null;
  edges: Edge[];
}

/** @public */
export interface CertificateInfo {
  role: CertificateRole;
  subject: string;
  issuer: string;
  serialNumber: string;
  /** ISO 8601 */
  notBefore: string;
  /** ISO 8601 */
  notAfter: string;
  daysLeft: number;
  status: CertificateStatus;
  /** Where it was read, e.g. `Secret linkerd/linkerd-identity-issuer crt.pem`. */
  source: string;
}

/** @public */
export interface PolicySummary {
  kind: string;
  apiVersion: string;
  name: string;
  namespace?: string;
  summary: string;
  /** The object as YAML, for people who want the details. */
  yaml?: string;
}

/** @public */
export interface MeshCheck {
  /** The check's stable ID, e.g. `MESH-LNK-001`; its page is `docs/checks/<id>.md`. */
  id: string;
  /** The check's title in the catalogue. */
  title?: string;
  status: CheckStatus;
  message: string;
  hint: string;
}

/** @public */
export interface UpstreamError {
  source: UpstreamSource;
  message: string;
}

/** @public */
export interface ClusterMeshStatus {
  cluster: string;
  namespace: string;
  mesh: MeshName;
  dataPlane: DataPlane;
  /** The mesh's name for people (e.g. `Linkerd`), from its adapter; absent when no mesh runs there. */
  meshTitle?: string;
  controlPlane: ControlPlane | null;
  injection: InjectionState;
  workloads: WorkloadStatus[];
  certificates: CertificateInfo[];
  policies: PolicySummary[];
  checks: MeshCheck[];
  errors: UpstreamError[];
  /** Optional deep links into the mesh's own dashboards, when configured. */
  links?: DashboardLink[];
}

/** @public */
export interface DashboardLink {
  title: string;
  url: string;
}

/** @public */
export interface EntityMeshStatus {
  entityRef: string;
  window: string;
  /** ISO 8601 */
  generatedAt: string;
  clusters: ClusterMeshStatus[];
}

/** @public */
export interface TimeseriesPoint {
  /** Unix seconds */
  t: number;
  requestsPerSecond: number | null;
  successRate: number | null;
  p95Ms: number | null;
}

/** @public */
export interface EntityMeshTimeseries {
  entityRef: string;
  range: string;
  step: string;
  series: Array<{
    cluster: string;
    namespace: string;
    workload: string;
    points: TimeseriesPoint[];
  }>;
  errors: Array<UpstreamError & { cluster: string }>;
}

/** @public */
export interface OverviewEntity {
  entityRef: string;
  title?: string;
  owner?: string;
  clusters: string[];
  /** The mesh of the first meshed cluster; `perCluster` has every one. */
  mesh: MeshName;
  dataPlane: DataPlane;
  /** The title of `mesh` (e.g. `Linkerd`), from its adapter; absent when not meshed. */
  meshTitle?: string;
  /** Mesh and data plane in each cluster, for entities that span meshes. */
  perCluster?: Array<{
    cluster: string;
    mesh: MeshName;
    dataPlane: DataPlane;
    /** The title of `mesh`, from its adapter; absent when not meshed. */
    meshTitle?: string;
  }>;
  pods: number;
  meshedPods: number;
  mtlsMode: MtlsMode;
  encryptedShare: number | null;
  successRate: number | null;
  requestsPerSecond: number | null;
  soonestCertificateExpiry: {
    daysLeft: number;
    status: CertificateStatus;
    subject: string;
  } | null;
  worstCheck: MeshCheck | null;
  /** The IDs of the checks that warn or fail, each once, sorted (e.g. `MESH-IST-006`). */
  failingChecks?: string[];
  errors: Array<UpstreamError & { cluster: string }>;
}

/** @public */
export interface OverviewTotals {
  entities: number;
  meshed: number;
  strictMtls: number;
  pods: number;
  meshedPods: number;
}

/** @public */
export interface MeshOverview {
  generatedAt: string;
  window: string;
  entities: OverviewEntity[];
  totals: OverviewTotals;
  byCluster: Record<string, OverviewTotals>;
  byMesh: Partial<Record<MeshName, OverviewTotals>>;
}

/** @public */
export interface ClusterCertificate extends CertificateInfo {
  cluster: string;
  mesh: MeshName;
  /** The title of `mesh` (e.g. `Linkerd`), from its adapter. */
  meshTitle?: string;
}

/** @public */
export interface MeshCertificates {
  generatedAt: string;
  certificates: ClusterCertificate[];
  errors: Array<UpstreamError & { cluster: string }>;
}

/**
 * A cluster and namespace an entity's Kubernetes annotations resolve to: a
 * place onboarding may change for that entity.
 * @public
 */
export interface MeshOnboardingTarget {
  cluster: string;
  namespace: string;
}

/**
 * Where an entity may be onboarded to a mesh: the (cluster, namespace) pairs
 * its Kubernetes annotations resolve to, for the `mesh:namespace:onboard`
 * picker and the action's scope check.
 * @public
 */
export interface EntityOnboardingTargets {
  entityRef: string;
  targets: MeshOnboardingTarget[];
  /** Why clusters were left out (a cluster the list could not read). */
  problems: string[];
}
