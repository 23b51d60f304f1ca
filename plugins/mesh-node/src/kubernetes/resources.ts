import { assertNamespaceName } from './names';
import { KubeObject, KubeResourceType } from './types';

const resource = (
  apiVersion: string,
  kind: string,
  plural: string,
  namespaced = true,
): KubeResourceType =>
  namespaced
    ? { apiVersion, kind, plural }
    : { apiVersion, kind, plural, namespaced };

/**
 * Every kind Meshlens reads or writes, in the versions of mesh-facts
 * section 4 (storage versions where several are served). Reading and
 * onboarding share these, so they can never ask for different versions.
 * @public
 */
export const KUBE_RESOURCES = {
  namespace: resource('v1', 'Namespace', 'namespaces', false),
  pod: resource('v1', 'Pod', 'pods'),
  service: resource('v1', 'Service', 'services'),
  configMap: resource('v1', 'ConfigMap', 'configmaps'),
  secret: resource('v1', 'Secret', 'secrets'),
  deployment: resource('apps/v1', 'Deployment', 'deployments'),
  statefulSet: resource('apps/v1', 'StatefulSet', 'statefulsets'),
  daemonSet: resource('apps/v1', 'DaemonSet', 'daemonsets'),
  replicaSet: resource('apps/v1', 'ReplicaSet', 'replicasets'),
  networkPolicy: resource(
    'networking.k8s.io/v1',
    'NetworkPolicy',
    'networkpolicies',
  ),
  ingress: resource('networking.k8s.io/v1', 'Ingress', 'ingresses'),
  certManagerCertificate: resource(
    'cert-manager.io/v1',
    'Certificate',
    'certificates',
  ),
  linkerdServer: resource('policy.linkerd.io/v1beta3', 'Server', 'servers'),
  linkerdHttpRoute: resource(
    'policy.linkerd.io/v1beta3',
    'HTTPRoute',
    'httproutes',
  ),
  linkerdAuthorizationPolicy: resource(
    'policy.linkerd.io/v1alpha1',
    'AuthorizationPolicy',
    'authorizationpolicies',
  ),
  linkerdServerAuthorization: resource(
    'policy.linkerd.io/v1beta1',
    'ServerAuthorization',
    'serverauthorizations',
  ),
  linkerdMeshTlsAuthentication: resource(
    'policy.linkerd.io/v1alpha1',
    'MeshTLSAuthentication',
    'meshtlsauthentications',
  ),
  istioPeerAuthentication: resource(
    'security.istio.io/v1',
    'PeerAuthentication',
    'peerauthentications',
  ),
  istioAuthorizationPolicy: resource(
    'security.istio.io/v1',
    'AuthorizationPolicy',
    'authorizationpolicies',
  ),
  istioDestinationRule: resource(
    'networking.istio.io/v1',
    'DestinationRule',
    'destinationrules',
  ),
  istioVirtualService: resource(
    'networking.istio.io/v1',
    'VirtualService',
    'virtualservices',
  ),
  istioSidecar: resource('networking.istio.io/v1', 'Sidecar', 'sidecars'),
  istioEnvoyFilter: resource(
    'networking.istio.io/v1alpha3',
    'EnvoyFilter',
    'envoyfilters',
  ),
  gateway: resource('gateway.networking.k8s.io/v1', 'Gateway', 'gateways'),
  ciliumNetworkPolicy: resource(
    'cilium.io/v2',
    'CiliumNetworkPolicy',
    'ciliumnetworkpolicies',
  ),
} as const satisfies Record<string, KubeResourceType>;

/**
 * The kinds whose pods make up a workload, in the order they are listed.
 * @public
 */
export const WORKLOAD_RESOURCES: readonly KubeResourceType[] = [
  KUBE_RESOURCES.deployment,
  KUBE_RESOURCES.statefulSet,
  KUBE_RESOURCES.daemonSet,
];

/**
 * The API path of a collection (no `name`) or of one object:
 * `/api/v1/namespaces/ns/pods/p` or `/apis/group/version/plural`. The
 * namespace is validated (an InputError otherwise) and the name escaped,
 * so no input can change the path. Without a namespace, a namespaced kind
 * gives the path across all namespaces.
 * @public
 */
export function resourcePath(
  type: KubeResourceType,
  namespace?: string,
  name?: string,
): string {
  const prefix = type.apiVersion.includes('/')
    ? `/apis/${type.apiVersion}`
    : `/api/${type.apiVersion}`;
  const scope =
    type.namespaced !== false && namespace !== undefined
      ? `/namespaces/${assertNamespaceName(namespace)}`
      : '';
  const object = name === undefined ? '' : `/${encodeURIComponent(name)}`;
  return `${prefix}${scope}/${type.plural}${object}`;
}

/**
 * The type of an object by its apiVersion and kind, among `known` (the
 * catalogue by default, plus whatever kinds an adapter brings).
 * @public
 */
export function resourceTypeOf(
  object: Pick<KubeObject, 'apiVersion' | 'kind'>,
  known: readonly KubeResourceType[] = Object.values(KUBE_RESOURCES),
): KubeResourceType {
  const found = known.find(
    r => r.apiVersion === object.apiVersion && r.kind === object.kind,
  );
  if (!found) {
    throw new TypeError(
      `No resource type for ${object.apiVersion} ${object.kind}`,
    );
  }
  return found;
}
