import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  CertificateRole,
  DataPlane,
  Edge,
  GoldenMetrics,
  InjectionState,
  MeshCheck,
  MeshCheckDefinition,
  MtlsMode,
} from '@meshlens/plugin-mesh-common';
import { KubernetesClusterReader } from './kubernetes/KubernetesProxyClient';
import { KubeObject, KubeResourceType } from './kubernetes/types';
import type { MeshOnboarding } from './onboarding';
import type { MeshCostAdapter } from './costAdapter';

/**
 * Read access to one cluster, through the Kubernetes backend's proxy.
 * A resource type whose CRD is not installed lists as empty.
 * @public
 */
export type MeshClusterReader = KubernetesClusterReader;

/**
 * A mesh's control plane as an adapter found it in a cluster.
 * @public
 */
export interface MeshControlPlaneState {
  namespace: string;
  version: string | null;
  healthy: boolean;
  /** What is unhealthy, for the check's message. */
  problems: string[];
  /**
   * Adapter-private facts read with the control plane (e.g. trust bundle
   * hash, feature flags). JSON only: control planes are kept in the cache
   * service, whose stores serialize to JSON.
   */
  details: JsonObject;
}

/**
 * One namespace as the backend read it, handed to the adapter whose mesh
 * runs there.
 * @public
 */
export interface MeshNamespaceContext {
  cluster: string;
  /** Undefined when the namespace does not exist. */
  namespace: KubeObject | undefined;
  namespaceName: string;
  /** Every pod of the namespace (not only the entity's). */
  pods: KubeObject[];
  /** The objects of the adapter's `detectionResources`, by kind. */
  resources: Record<string, KubeObject[]>;
  controlPlane: MeshControlPlaneState;
}

/**
 * How a namespace takes part in the adapter's mesh.
 * @public
 */
export interface MeshDetection {
  dataPlane: DataPlane;
  injection: InjectionState;
  /** Whether the namespace or at least one pod is enrolled. */
  enrolled: boolean;
}

/**
 * A workload of the entity, with its pods.
 * @public
 */
export interface MeshWorkload {
  kind: string;
  name: string;
  namespace: string;
  object: KubeObject;
  pods: KubeObject[];
}

/**
 * Where a certificate lives. The backend reads only the named keys; any
 * other key of a Secret (private keys) is dropped unread.
 * @public
 */
export interface MeshCertificateSource {
  /**
   * `Certificate` is a cert-manager `Certificate`, read from its status.
   * `Metric` is the control plane's own expiry metric: `query` is an instant
   * PromQL query whose value is the expiry as a Unix time in seconds, and
   * `name` the certificate it describes. A `Secret` is read only when
   * `mesh.certificates.readSecrets` is on.
   */
  kind: 'Secret' | 'ConfigMap' | 'Certificate' | 'Metric';
  /** The PromQL of a `Metric` source. */
  query?: string;
  namespace: string;
  name: string;
  /** Keys tried in order; the first present is used, per role. */
  keys: Array<{ key: string; role: CertificateRole }>;
}

/**
 * Which namespaces a set of PromQL queries covers. `namespaces` undefined
 * means every namespace of the cluster (the overview).
 * @public
 */
export interface MeshMetricScope {
  namespaces?: string[];
  /** A validated Prometheus duration, e.g. `5m`. */
  window: string;
  /** Golden metrics and encrypted share only: no edges, no latency (the overview). */
  summary?: boolean;
}

/** @public */
export interface MeshRangeScope extends MeshMetricScope {
  /** Step between points, a validated Prometheus duration. */
  step: string;
}

/**
 * One sample of an instant vector.
 * @public
 */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/**
 * One series of a range query.
 * @public
 */
export interface PromSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

/**
 * The traffic of one workload, as the mesh measured it.
 * @public
 */
export interface MeshWorkloadTraffic {
  namespace: string;
  workload: string;
  metrics: GoldenMetrics | null;
  /** Share of the window's inbound requests (or connections) that were mTLS. */
  encryptedShare: number | null;
  edges: Edge[];
}

/** @public */
export interface MeshWorkloadSeries {
  namespace: string;
  workload: string;
  points: Array<{
    t: number;
    requestsPerSecond: number | null;
    successRate: number | null;
    p95Ms: number | null;
  }>;
}

/**
 * Workload certificate expiry read from the proxies' metrics.
 * @public
 */
export interface MeshWorkloadCertificate {
  namespace: string;
  pod: string;
  /** Unix seconds. */
  notAfter: number;
}

/**
 * What the adapter needs to decide checks and mTLS for a namespace.
 * @public
 */
export interface MeshAssessmentContext extends MeshNamespaceContext {
  detection: MeshDetection;
  workloads: MeshWorkload[];
  /** The objects of the adapter's `policyResources`, by kind. */
  policies: Record<string, KubeObject[]>;
  /** Traffic per workload name, when Prometheus answered. */
  traffic?: Map<string, MeshWorkloadTraffic>;
}

/**
 * Everything that differs between meshes. The backend asks each adapter,
 * never "which mesh is it?": adding a mesh is one new adapter registered
 * through {@link meshAdaptersExtensionPoint}.
 * @public
 */
export interface MeshAdapter extends MeshCostAdapter {
  /** The mesh name reported in the API, e.g. `linkerd`. */
  readonly mesh: string;

  /** The mesh's name for people, e.g. `Linkerd`; `mesh` when left out. */
  readonly title?: string;

  /**
   * How onboarding enrols a namespace; without it the mesh is shown but
   * `mesh:namespace:onboard` refuses it.
   */
  readonly onboarding?: MeshOnboarding;

  /**
   * Finds the control plane in a cluster; undefined when not installed.
   * `known` is what an earlier read of this cluster found: an adapter may
   * read the objects in that namespace while it confirms where the control
   * plane runs (see `readAlongsideKnownNamespace`), to save a round.
   */
  readControlPlane(
    reader: MeshClusterReader,
    known?: MeshControlPlaneState,
  ): Promise<MeshControlPlaneState | undefined>;

  /**
   * Namespaced objects needed by `detect` or `checks` (listed per
   * namespace; in `MeshNamespaceContext.resources`). Add a kind here, and to
   * deploy/rbac.yaml, before a check reads it.
   */
  readonly detectionResources: KubeResourceType[];

  /** How the namespace joins this mesh; undefined when it does not. */
  detect(context: MeshNamespaceContext): MeshDetection | undefined;

  /**
   * Whether the pod runs with this mesh's data plane. The one answer: the
   * tab, the checks and the onboarding rollout wait all ask it.
   */
  isPodMeshed(pod: KubeObject, context: MeshNamespaceContext): boolean;

  /** The proxy version of a meshed pod, null when unknown. */
  proxyVersion(pod: KubeObject): string | null;

  /** Namespaced policy objects listed read-only (per namespace). */
  readonly policyResources: KubeResourceType[];

  /** A one-line summary of a policy object. */
  summarizePolicy(object: KubeObject): string;

  /** The mTLS mode that applies to a workload. */
  mtlsMode(workload: MeshWorkload, context: MeshAssessmentContext): MtlsMode;

  /** Certificates of the control plane and of the namespace. */
  certificateSources(
    controlPlane: MeshControlPlaneState,
    namespace?: string,
  ): MeshCertificateSource[];

  /** Instant PromQL queries for golden metrics, edges and encrypted share, one set per scope. */
  metricQueries(scope: MeshMetricScope): Record<string, string>;
  readMetrics(
    results: Record<string, PromSample[]>,
    scope: MeshMetricScope,
  ): MeshWorkloadTraffic[];

  /** Range PromQL queries for requests/s, success rate and p95 per workload. */
  rangeQueries(scope: MeshRangeScope): Record<string, string>;
  readRange(results: Record<string, PromSeries[]>): MeshWorkloadSeries[];

  /** Instant PromQL query for workload certificate expiry, if the proxies export it. */
  workloadCertificateQuery?(scope: MeshMetricScope): string;
  readWorkloadCertificates?(samples: PromSample[]): MeshWorkloadCertificate[];

  /** How to enroll a namespace, for the hint of a "not in a mesh" check. */
  enrollHint(namespace: string): string;

  /** Mesh-specific checks: the common mistakes of this mesh. */
  checks(context: MeshAssessmentContext): MeshCheck[];

  /**
   * The catalogue of the checks `checks` returns: every result's `id` is
   * one of these, each with its page `docs/checks/<id>.md`. Optional for
   * adapters written before coded checks; their IDs cannot be filtered on.
   */
  readonly checkDefinitions?: MeshCheckDefinition[];
}

/**
 * The mesh's name for people: the adapter's `title`, else its id. The one
 * place a mesh's title comes from, for the API, search and the ADR.
 * @public
 */
export function meshTitleOf(adapter: Pick<MeshAdapter, 'mesh' | 'title'>) {
  return adapter.title ?? adapter.mesh;
}

/**
 * An adapter, or a factory that receives the built-in adapters.
 * @public
 */
export type MeshAdapterFactory = (options: {
  getDefault(): MeshAdapter[];
}) => MeshAdapter[];

/**
 * Adds mesh adapters to the Meshlens backend.
 * @public
 */
export interface MeshAdaptersExtensionPoint {
  /**
   * Adds adapters beside the built-in ones, or, given a factory, replaces
   * the list with what the factory returns. Only one call is accepted.
   */
  addAdapters(adapters: MeshAdapter | MeshAdapter[] | MeshAdapterFactory): void;
}

/** @public */
export const meshAdaptersExtensionPoint =
  createExtensionPoint<MeshAdaptersExtensionPoint>({
    id: 'mesh.adapters',
  });
