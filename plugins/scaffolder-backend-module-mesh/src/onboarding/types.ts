import { MeshOption } from '@meshlens/plugin-mesh-common';
import { KubeObject } from '@meshlens/plugin-mesh-node';

/** @public */
export type MtlsSetting = 'permissive' | 'strict';

/** @public */
export type DefaultPolicy = 'none' | 'allow-same-namespace' | 'deny';

/** @public */
export const MESH_OPTIONS: [MeshOption, ...MeshOption[]] = [
  'linkerd',
  'istio',
  'istio-ambient',
  'cilium',
];

/**
 * What a service owner asked for, validated.
 * @public
 */
export interface OnboardingRequest {
  cluster: string;
  namespace: string;
  mesh: MeshOption;
  mtlsMode: MtlsSetting;
  defaultPolicy: DefaultPolicy;
  /** Namespaces whose workloads may call into this one. */
  allowFrom: string[];
  /** Ports for Linkerd `Server`s; derived from the namespace's Services when left out. */
  ports?: Array<number | string>;
  /** Istio revision for `istio.io/rev` instead of `istio-injection`. */
  istioRevision?: string;
  /** Where the mesh's control plane runs, when not in its default namespace. */
  controlPlaneNamespace?: string;
  /** The catalog entity whose callers decide whether STRICT is safe. */
  entityRef?: string;
}

/**
 * Labels and annotations to set on the namespace; `null` removes a key.
 */
export interface NamespaceMetadataChange {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
}

/** The desired state for a namespace in a mesh. */
export interface DesiredState {
  namespace: NamespaceMetadataChange;
  /** Objects Meshlens owns, in apply order. */
  objects: KubeObject[];
  /** Whether pods need a restart to get the mesh's data plane. */
  restartNeeded: boolean;
  /** Why an input had no effect, for the summary. */
  notes: string[];
}

/**
 * One change, as reported in the action's `changes` output.
 * @public
 */
export interface ChangeRecord {
  action: 'patch' | 'apply' | 'restart';
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  description: string;
}
