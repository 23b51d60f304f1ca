/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/** One resource type served by the demo API server. */
export interface ResourceType {
  /** API group, empty for the core group. */
  group: string;
  /** Versions served; the first is the preferred (storage) version. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /**
   * Served by a CustomResourceDefinition rather than built in: a cluster
   * serves it only when its CRD set includes it.
   */
  crd?: boolean;
}

const VERBS = [
  'create',
  'delete',
  'get',
  'list',
  'patch',
  'update',
  'watch',
] as const;

/** Every resource type the demo API server knows about. */
export const RESOURCE_TYPES: ResourceType[] = [
  // core/v1
  {
    group: '',
    versions: ['v1'],
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'services',
    singular: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'secrets',
    singular: 'secret',
    kind: 'Secret',
    namespaced: true,
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'limitranges',
    singular: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
  },
  {
    group: '',
    versions: ['v1'],
    plural: 'resourcequotas',
    singular: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
  },
  // apps/v1
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'statefulsets',
    singular: 'statefulset',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    plural: 'daemonsets',
    singular: 'daemonset',
    kind: 'DaemonSet',
    namespaced: true,
    shortNames: ['ds'],
  },
  // what the Backstage Kubernetes backend also lists
  {
    group: 'autoscaling',
    versions: ['v2', 'v1'],
    plural: 'horizontalpodautoscalers',
    singular: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
  },
  {
    group: 'batch',
    versions: ['v1'],
    plural: 'jobs',
    singular: 'job',
    kind: 'Job',
    namespaced: true,
  },
  {
    group: 'batch',
    versions: ['v1'],
    plural: 'cronjobs',
    singular: 'cronjob',
    kind: 'CronJob',
    namespaced: true,
    shortNames: ['cj'],
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    plural: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
  },
  {
    group: 'networking.k8s.io',
    versions: ['v1'],
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
  },
  // coordination.k8s.io/v1: the locks controllers and onboarding take
  {
    group: 'coordination.k8s.io',
    versions: ['v1'],
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    namespaced: true,
  },
  // Linkerd
  {
    group: 'policy.linkerd.io',
    versions: ['v1beta3', 'v1beta2', 'v1beta1'],
    plural: 'servers',
    singular: 'server',
    kind: 'Server',
    namespaced: true,
    crd: true,
    shortNames: ['srv'],
  },
  {
    group: 'policy.linkerd.io',
    versions: ['v1alpha1'],
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    kind: 'AuthorizationPolicy',
    namespaced: true,
    crd: true,
  },
  {
    group: 'policy.linkerd.io',
    versions: ['v1alpha1'],
    plural: 'meshtlsauthentications',
    singular: 'meshtlsauthentication',
    kind: 'MeshTLSAuthentication',
    namespaced: true,
    crd: true,
  },
  {
    group: 'policy.linkerd.io',
    versions: ['v1beta3', 'v1beta2', 'v1beta1', 'v1alpha1'],
    plural: 'httproutes',
    singular: 'httproute',
    kind: 'HTTPRoute',
    namespaced: true,
    crd: true,
  },
  {
    group: 'linkerd.io',
    versions: ['v1alpha2', 'v1alpha1'],
    plural: 'serviceprofiles',
    singular: 'serviceprofile',
    kind: 'ServiceProfile',
    namespaced: true,
    crd: true,
    shortNames: ['sp'],
  },
  // Istio
  {
    group: 'security.istio.io',
    versions: ['v1', 'v1beta1'],
    plural: 'peerauthentications',
    singular: 'peerauthentication',
    kind: 'PeerAuthentication',
    namespaced: true,
    crd: true,
    shortNames: ['pa'],
  },
  {
    group: 'security.istio.io',
    versions: ['v1', 'v1beta1'],
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    kind: 'AuthorizationPolicy',
    namespaced: true,
    crd: true,
    shortNames: ['ap'],
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    plural: 'destinationrules',
    singular: 'destinationrule',
    kind: 'DestinationRule',
    namespaced: true,
    crd: true,
    shortNames: ['dr'],
  },
  {
    group: 'networking.istio.io',
    versions: ['v1', 'v1beta1', 'v1alpha3'],
    plural: 'virtualservices',
    singular: 'virtualservice',
    kind: 'VirtualService',
    namespaced: true,
    crd: true,
    shortNames: ['vs'],
  },
  // Gateway API
  {
    group: 'gateway.networking.k8s.io',
    versions: ['v1', 'v1beta1'],
    plural: 'gateways',
    singular: 'gateway',
    kind: 'Gateway',
    namespaced: true,
    crd: true,
    shortNames: ['gtw'],
  },
  {
    group: 'gateway.networking.k8s.io',
    versions: ['v1', 'v1beta1'],
    plural: 'httproutes',
    singular: 'httproute',
    kind: 'HTTPRoute',
    namespaced: true,
    crd: true,
  },
  // Cilium
  {
    group: 'cilium.io',
    versions: ['v2'],
    plural: 'ciliumnetworkpolicies',
    singular: 'ciliumnetworkpolicy',
    kind: 'CiliumNetworkPolicy',
    namespaced: true,
    crd: true,
    shortNames: ['cnp', 'ciliumnp'],
  },
  // cert-manager
  {
    group: 'cert-manager.io',
    versions: ['v1'],
    plural: 'certificates',
    singular: 'certificate',
    kind: 'Certificate',
    namespaced: true,
    crd: true,
    shortNames: ['cert', 'certs'],
  },
];

/** The verbs every demo resource supports. */
export const RESOURCE_VERBS: string[] = [...VERBS];

/** Key identifying a resource type independently of its version. */
export function resourceKey(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** Finds a resource type by group, version and plural. */
export function findResource(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    r =>
      r.group === group && r.plural === plural && r.versions.includes(version),
  );
}

/** Finds a resource type by apiVersion and kind, as written in an object. */
export function findResourceByKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/', 2)
    : ['', apiVersion];
  return RESOURCE_TYPES.find(
    r => r.group === group && r.kind === kind && r.versions.includes(version),
  );
}

/** Returns the apiVersion string for a group and version. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
