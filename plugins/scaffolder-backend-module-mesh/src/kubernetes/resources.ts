import { KubeObject } from '@meshlens/plugin-mesh-node';

/** A kind of object onboarding reads or writes. */
export interface ResourceType {
  /** `v1` for the core group, otherwise `group/version`. */
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const type = (
  apiVersion: string,
  kind: string,
  plural: string,
  namespaced = true,
): ResourceType => ({ apiVersion, kind, plural, namespaced });

/** Versions from mesh-facts section 4 (storage versions where several are served). */
export const RESOURCES = {
  namespace: type('v1', 'Namespace', 'namespaces', false),
  pod: type('v1', 'Pod', 'pods'),
  service: type('v1', 'Service', 'services'),
  configMap: type('v1', 'ConfigMap', 'configmaps'),
  deployment: type('apps/v1', 'Deployment', 'deployments'),
  statefulSet: type('apps/v1', 'StatefulSet', 'statefulsets'),
  daemonSet: type('apps/v1', 'DaemonSet', 'daemonsets'),
  networkPolicy: type(
    'networking.k8s.io/v1',
    'NetworkPolicy',
    'networkpolicies',
  ),
  linkerdServer: type('policy.linkerd.io/v1beta3', 'Server', 'servers'),
  linkerdAuthorizationPolicy: type(
    'policy.linkerd.io/v1alpha1',
    'AuthorizationPolicy',
    'authorizationpolicies',
  ),
  linkerdMeshTlsAuthentication: type(
    'policy.linkerd.io/v1alpha1',
    'MeshTLSAuthentication',
    'meshtlsauthentications',
  ),
  istioPeerAuthentication: type(
    'security.istio.io/v1',
    'PeerAuthentication',
    'peerauthentications',
  ),
  istioAuthorizationPolicy: type(
    'security.istio.io/v1',
    'AuthorizationPolicy',
    'authorizationpolicies',
  ),
  ciliumNetworkPolicy: type(
    'cilium.io/v2',
    'CiliumNetworkPolicy',
    'ciliumnetworkpolicies',
  ),
} as const;

const ALL_RESOURCES: ResourceType[] = Object.values(RESOURCES);

/** The type of an object by its apiVersion and kind. */
export function resourceOf(object: {
  apiVersion?: string;
  kind?: string;
}): ResourceType {
  const found = ALL_RESOURCES.find(
    r => r.apiVersion === object.apiVersion && r.kind === object.kind,
  );
  if (!found) {
    throw new TypeError(
      `No resource type for ${object.apiVersion} ${object.kind}`,
    );
  }
  return found;
}

/** The API path of a collection (`name` undefined) or of one object. */
export function resourcePath(
  resource: ResourceType,
  namespace: string | undefined,
  name?: string,
): string {
  const prefix = resource.apiVersion.includes('/')
    ? `/apis/${resource.apiVersion}`
    : `/api/${resource.apiVersion}`;
  const scope =
    resource.namespaced && namespace
      ? `/namespaces/${encodeURIComponent(namespace)}`
      : '';
  const object = name ? `/${encodeURIComponent(name)}` : '';
  return `${prefix}${scope}/${resource.plural}${object}`;
}

/** The API path of an object built by onboarding. */
export function objectPath(object: KubeObject): string {
  return resourcePath(
    resourceOf(object),
    object.metadata.namespace,
    object.metadata.name,
  );
}
