import {
  KubeObject,
  KubeResourceType,
  MeshDefaultPolicy,
  MeshNamespaceChange,
  MeshMtlsSetting,
  MeshOnboardingRequest,
} from '@meshlens/plugin-mesh-node';

/** @public */
export type MtlsSetting = MeshMtlsSetting;

/** @public */
export type DefaultPolicy = MeshDefaultPolicy;

/**
 * What a service owner asked for, validated.
 * @public
 */
export type OnboardingRequest = MeshOnboardingRequest;

/** Labels and annotations to set on the namespace; `null` removes a key. */
export type NamespaceMetadataChange = MeshNamespaceChange;

/** The desired state for a namespace in a mesh. */
export interface DesiredState {
  namespace: NamespaceMetadataChange;
  /** Objects Meshlens owns, in apply order. */
  objects: KubeObject[];
  /** The resource types of `objects`: the Kubernetes ones and the mesh's. */
  resourceTypes: KubeResourceType[];
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
