import { KubeObject } from '@meshlens/plugin-mesh-node';

/** What a fake cluster answers: a status and body, or nothing at all. */
export type FakeAnswer =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | 'hang';

/** A Kubernetes `Status` failure body, as the API server sends it. */
export function statusBody(
  code: number,
  reason: string,
  message: string,
  details = {},
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}

/** Built-in kinds every cluster serves, by group version (namespaces is the one cluster-scoped). */
const BUILT_IN: Record<string, string[]> = {
  v1: [
    'namespaces',
    'pods',
    'services',
    'configmaps',
    'secrets',
    'serviceaccounts',
    'endpoints',
    'events',
  ],
  'apps/v1': ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
  'networking.k8s.io/v1': ['networkpolicies', 'ingresses'],
  'coordination.k8s.io/v1': ['leases'],
};

const crd = (group: string, plurals: string[], versions: string[]) =>
  plurals.flatMap(p => versions.map(v => `${group}/${v}/${p}`));

/**
 * The CRDs of the kinds Meshlens reads, at every version the meshes'
 * current releases serve (mesh-facts section 4), as `group/version/plural`.
 */
export const CURRENT_MESH_CRDS: string[] = [
  ...crd('policy.linkerd.io', ['servers'], ['v1beta3', 'v1beta2', 'v1beta1']),
  ...crd(
    'policy.linkerd.io',
    ['authorizationpolicies', 'meshtlsauthentications'],
    ['v1alpha1'],
  ),
  ...crd(
    'policy.linkerd.io',
    ['httproutes'],
    ['v1beta3', 'v1beta2', 'v1beta1', 'v1alpha1'],
  ),
  ...crd('linkerd.io', ['serviceprofiles'], ['v1alpha2', 'v1alpha1']),
  ...crd(
    'security.istio.io',
    ['peerauthentications', 'authorizationpolicies'],
    ['v1', 'v1beta1'],
  ),
  ...crd(
    'networking.istio.io',
    ['destinationrules', 'virtualservices'],
    ['v1', 'v1beta1', 'v1alpha3'],
  ),
  ...crd(
    'gateway.networking.k8s.io',
    ['gateways', 'httproutes'],
    ['v1', 'v1beta1'],
  ),
  ...crd('cilium.io', ['ciliumnetworkpolicies'], ['v2']),
  ...crd('cert-manager.io', ['certificates'], ['v1']),
];

const groupOf = (apiVersion: string) =>
  apiVersion.includes('/') ? apiVersion.split('/')[0] : '';

/** The kinds and versions one fake cluster serves. */
export class FakeKinds {
  private readonly crds: Set<string>;

  constructor(crds: string[] = CURRENT_MESH_CRDS) {
    this.crds = new Set(crds);
  }

  serves(apiVersion: string, plural: string): boolean {
    return (
      !!BUILT_IN[apiVersion]?.includes(plural) ||
      this.crds.has(`${apiVersion}/${plural}`)
    );
  }

  /** Where objects of a kind are kept: one store per group and plural, whatever the version. */
  storageKey(apiVersion: string, plural: string): string {
    return `${groupOf(apiVersion)}|${plural}`;
  }

  /** A CRD's object as a served version shows it (the API server converts); built-ins as they are. */
  atVersion(object: KubeObject, apiVersion: string): KubeObject {
    return BUILT_IN[apiVersion] ? object : { ...object, apiVersion };
  }

  /** The APIResourceList of a group version, undefined when it serves nothing. */
  resourceList(apiVersion: string) {
    const plurals = [
      ...(BUILT_IN[apiVersion] ?? []),
      ...[...this.crds]
        .filter(c => c.startsWith(`${apiVersion}/`))
        .map(c => c.slice(apiVersion.length + 1))
        .filter(p => !p.includes('/')),
    ];
    if (plurals.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersion,
      resources: plurals.map(name => ({
        name,
        namespaced: name !== 'namespaces',
        verbs: ['get', 'list', 'watch'],
      })),
    };
  }
}
