import {
  MeshComparisonSource,
  MeshOptionInfo,
} from '@meshlens/plugin-mesh-common';
import { KubeObject, KubeResourceType } from './kubernetes/types';
import type { MeshControlPlaneState } from './adapters';

/**
 * The mTLS mode onboarding asks for.
 * @public
 */
export type MeshMtlsSetting = 'permissive' | 'strict';

/**
 * The inbound policy onboarding writes: none, the namespace itself plus
 * `allowFrom`, or only `allowFrom`.
 * @public
 */
export type MeshDefaultPolicy = 'none' | 'allow-same-namespace' | 'deny';

/**
 * What an architecture decision record says about a mesh and data plane.
 * Every figure names its sources.
 * @public
 */
export interface MeshDecisionText {
  /** The row of the comparison table: title, trade-off, sourced cells. */
  comparison: MeshOptionInfo;
  /** The sources the row cites, by key. */
  sources: Record<string, MeshComparisonSource>;
  /** Consequences of choosing it, each starting "Good, because" or "Bad, because". */
  consequences: string[];
  /** The onboarding checklist items of this mesh for a namespace. */
  checklist(namespace: string): string[];
  /** Why an mTLS requirement counts against it, when it does. */
  mtlsDrawback?: string;
}

/**
 * A data plane a mesh offers, e.g. Istio's `sidecar` and `ambient`.
 * @public
 */
export interface MeshDataPlaneOption {
  /** The value of `dataPlane` in the API and the actions. */
  id: string;
  title: string;
  /** Whether running pods must be restarted to get this data plane. */
  podsNeedRestart: boolean;
  /**
   * Whether each pod joins on its own (a sidecar, a redirection), so the
   * rollout waits until `isPodMeshed` holds for every pod.
   */
  waitForPods: boolean;
  /** Ports of the proxies' metrics, kept open by a default-deny NetworkPolicy. */
  proxyMetricsPorts: number[];
  /** What an ADR says about it; without it, `mesh:adr:create` does not offer it. */
  decision?: MeshDecisionText;
}

/**
 * What a service owner asked for, validated.
 * @public
 */
export interface MeshOnboardingRequest {
  cluster: string;
  namespace: string;
  /** An adapter's `mesh`. */
  mesh: string;
  /** One of the adapter's `onboarding.dataPlanes`. */
  dataPlane: string;
  mtlsMode: MeshMtlsSetting;
  defaultPolicy: MeshDefaultPolicy;
  /** Namespaces whose workloads may call into this one. */
  allowFrom: string[];
  /** Ports for per-port policy objects; derived from the namespace's Services when left out. */
  ports?: Array<number | string>;
  /** A control-plane revision, for meshes with `revisions`. */
  revision?: string;
  /** Where the mesh's control plane runs, when not in its default namespace. */
  controlPlaneNamespace?: string;
  /** The catalog entity whose callers decide whether STRICT is safe. */
  entityRef?: string;
  /**
   * STRICT although traffic data cannot show every caller of the
   * namespace has a proxy; recorded in the ADR.
   */
  allowStrictWithoutTraffic?: boolean;
}

/**
 * Labels and annotations to set on a namespace; `null` removes a key.
 * @public
 */
export interface MeshNamespaceChange {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
}

/**
 * A part of the desired state, with why an input had no effect.
 * @public
 */
export interface MeshOnboardingPart<T> {
  value: T;
  notes: string[];
}

/**
 * Labels and annotations of a namespace or a pod template.
 * @public
 */
export interface MeshObjectMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * How a mesh takes in a namespace. The scaffolder's onboarding is
 * mesh-neutral: it asks these, never "which mesh is it?".
 * @public
 */
export interface MeshOnboarding {
  /** The data planes offered; the first is the default. */
  readonly dataPlanes: [MeshDataPlaneOption, ...MeshDataPlaneOption[]];
  /**
   * Old names of a mesh and data plane accepted by the actions for one
   * release, e.g. `istio-ambient` for Istio's `ambient`.
   */
  readonly deprecatedAliases?: Record<string, string>;
  /** Where the control plane is installed when nobody says otherwise. */
  readonly defaultControlPlaneNamespace: string;
  /** Namespaces the mesh itself runs in, never onboarded. */
  readonly systemNamespaces: {
    names: string[];
    prefixes: string[];
    /** Namespace labels that mark a control-plane namespace. */
    labels: string[];
  };
  /** Every resource type onboarding may write for this mesh. */
  readonly writesResources: KubeResourceType[];
  /** Whether a control-plane revision (`revision`) may be asked for. */
  readonly revisions: boolean;
  /**
   * Whether the mesh's markers may sit beside another mesh's (a CNI under
   * a sidecar mesh); otherwise another mesh's marker blocks onboarding.
   */
  readonly coexistsWithOtherMeshes: boolean;
  /** Whether `policyObjects` needs the namespace's ports. */
  needsPorts(request: MeshOnboardingRequest): boolean;
  /** What the control plane lacks for this request (a data plane, a revision). */
  controlPlaneProblems(
    controlPlane: MeshControlPlaneState,
    request: MeshOnboardingRequest,
  ): string[];
  /** Why STRICT cannot be enforced by this control plane, if it cannot. */
  strictMtlsBlocker(
    controlPlane: MeshControlPlaneState,
  ): { message: string; hint: string } | undefined;
  /** The namespace's enrolment marker; `live` is the namespace as it is now. */
  enrolmentChange(
    request: MeshOnboardingRequest,
    live: KubeObject | undefined,
  ): MeshOnboardingPart<MeshNamespaceChange>;
  /** The policy objects onboarding owns for the mTLS mode and default policy. */
  policyObjects(
    request: MeshOnboardingRequest,
    options: {
      controlPlane: MeshControlPlaneState;
      ports: Array<number | string>;
    },
  ): MeshOnboardingPart<KubeObject[]>;
  /** This mesh's enrolment marker on a namespace, for other meshes' conflicts. */
  enrolmentMarker(
    namespace: KubeObject,
  ): { dataPlane: string; description: string } | undefined;
  /** What blocks onboarding this namespace into this mesh (e.g. switching data plane). */
  markerConflicts(
    namespace: KubeObject,
    request: MeshOnboardingRequest,
  ): string[];
  /** Markers that do nothing or are ignored (misspellings); they warn only. */
  markerMistakes(namespace: KubeObject): string[];
  /** Whether a pod or pod template opted out of the data plane. */
  isOptedOut(meta: MeshObjectMeta, dataPlane: string): boolean;
}

/** The field manager of every onboarding write, and `managed-by` of its objects. @public */
export const MESH_FIELD_MANAGER = 'meshlens';

/** The name of the policy objects onboarding writes for a namespace. @public */
export const MESH_POLICY_NAME = 'meshlens-default';

/**
 * An object onboarding owns, labelled as managed by Meshlens.
 * @public
 */
export function managedObject(
  type: { apiVersion: string; kind: string },
  name: string,
  namespace: string,
  spec: unknown,
): KubeObject {
  return {
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': MESH_FIELD_MANAGER },
    },
    spec,
  };
}

/**
 * Namespaces whose workloads may call in, the namespace itself first.
 * @public
 */
export function allowedNamespaces(request: MeshOnboardingRequest): string[] {
  if (request.defaultPolicy === 'allow-same-namespace') {
    return [request.namespace, ...request.allowFrom];
  }
  if (request.defaultPolicy === 'deny') {
    return request.allowFrom;
  }
  return [];
}
