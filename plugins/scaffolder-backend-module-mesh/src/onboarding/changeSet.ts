import { KUBE_RESOURCES, KubeObject } from '@meshlens/plugin-mesh-node';
import { DesiredState, OnboardingRequest } from './types';

/** The field manager of every write, and the value of `managed-by` on our objects. */
export const FIELD_MANAGER = 'meshlens';

/** The name of the policy objects Meshlens writes for a namespace. */
export const POLICY_NAME = 'meshlens-default';

/** Linkerd's default trust domain; identities are `<sa>.<ns>.serviceaccount.identity.<cp ns>.<domain>`. */
const LINKERD_TRUST_DOMAIN = 'cluster.local';

/** Metrics ports Prometheus scrapes on meshed pods (mesh-facts sections 1 and 2). */
const PROXY_METRICS_PORTS: Record<string, number[]> = {
  linkerd: [4191],
  istio: [15020, 15090],
};

function object(
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
      labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER },
    },
    spec,
  };
}

/** Namespaces whose workloads may call in, the namespace itself first. */
function allowedNamespaces(request: OnboardingRequest): string[] {
  if (request.defaultPolicy === 'allow-same-namespace') {
    return [request.namespace, ...request.allowFrom];
  }
  if (request.defaultPolicy === 'deny') {
    return request.allowFrom;
  }
  return [];
}

function kubernetesNetworkPolicy(request: OnboardingRequest): KubeObject {
  const from = allowedNamespaces(request).map(ns =>
    ns === request.namespace
      ? { podSelector: {} }
      : {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': ns },
          },
        },
  );
  const ingress: unknown[] = [];
  if (from.length > 0) {
    ingress.push({ from });
  }
  // Keep the proxies' metrics reachable, or the mesh's own dashboards go dark.
  const metricsPorts = PROXY_METRICS_PORTS[request.mesh] ?? [];
  if (metricsPorts.length > 0) {
    ingress.push({
      ports: metricsPorts.map(port => ({ protocol: 'TCP', port })),
    });
  }
  return object(KUBE_RESOURCES.networkPolicy, POLICY_NAME, request.namespace, {
    podSelector: {},
    policyTypes: ['Ingress'],
    ingress,
  });
}

function linkerd(
  request: OnboardingRequest,
  controlPlaneNamespace: string,
  ports: Array<number | string>,
): DesiredState {
  const annotations: Record<string, string | null> = {
    'linkerd.io/inject': 'enabled',
  };
  const notes: string[] = [];
  const objects: KubeObject[] = [];
  const allowed = allowedNamespaces(request);

  if (request.defaultPolicy !== 'none') {
    annotations['config.linkerd.io/default-inbound-policy'] = 'deny';
  } else if (request.mtlsMode === 'strict') {
    annotations['config.linkerd.io/default-inbound-policy'] =
      'all-authenticated';
  }

  if (allowed.length > 0) {
    if (ports.length === 0) {
      notes.push(
        'No port found for Linkerd Servers (no Service in the namespace and no ports given): every inbound connection is denied until Servers exist.',
      );
    }
    for (const port of ports) {
      objects.push(
        object(
          KUBE_RESOURCES.linkerdServer,
          `meshlens-port-${port}`,
          request.namespace,
          { podSelector: {}, port },
        ),
      );
    }
    objects.push(
      object(
        KUBE_RESOURCES.linkerdMeshTlsAuthentication,
        POLICY_NAME,
        request.namespace,
        {
          identities: allowed.map(
            ns =>
              `*.${ns}.serviceaccount.identity.${controlPlaneNamespace}.${LINKERD_TRUST_DOMAIN}`,
          ),
        },
      ),
    );
    objects.push(
      object(
        KUBE_RESOURCES.linkerdAuthorizationPolicy,
        POLICY_NAME,
        request.namespace,
        {
          targetRef: { kind: 'Namespace', name: request.namespace },
          requiredAuthenticationRefs: [
            {
              group: 'policy.linkerd.io',
              kind: 'MeshTLSAuthentication',
              name: POLICY_NAME,
            },
          ],
        },
      ),
    );
  }
  return {
    namespace: { labels: {}, annotations },
    objects,
    restartNeeded: true,
    notes,
  };
}

function istioSecurity(request: OnboardingRequest): KubeObject[] {
  const objects: KubeObject[] = [
    object(
      KUBE_RESOURCES.istioPeerAuthentication,
      'default',
      request.namespace,
      {
        mtls: { mode: request.mtlsMode === 'strict' ? 'STRICT' : 'PERMISSIVE' },
      },
    ),
  ];
  if (request.defaultPolicy !== 'none') {
    const allowed = allowedNamespaces(request);
    // An ALLOW policy with no rules allows nothing: Istio's "allow-nothing".
    const spec =
      allowed.length === 0
        ? {}
        : {
            action: 'ALLOW',
            rules: [{ from: [{ source: { namespaces: allowed } }] }],
          };
    objects.push(
      object(
        KUBE_RESOURCES.istioAuthorizationPolicy,
        POLICY_NAME,
        request.namespace,
        spec,
      ),
    );
  }
  return objects;
}

function istio(
  request: OnboardingRequest,
  live: KubeObject | undefined,
): DesiredState {
  const labels: Record<string, string | null> = {};
  const notes: string[] = [];
  const existingRev = live?.metadata.labels?.['istio.io/rev'];
  const revision = request.istioRevision ?? existingRev;
  if (request.mesh === 'istio-ambient') {
    labels['istio.io/dataplane-mode'] = 'ambient';
    if (request.istioRevision) {
      labels['istio.io/rev'] = request.istioRevision;
    }
  } else if (revision) {
    // istio-injection wins over istio.io/rev: never leave both.
    labels['istio.io/rev'] = revision;
    labels['istio-injection'] = null;
    if (!request.istioRevision) {
      notes.push(`Kept the namespace's Istio revision ${revision}.`);
    }
  } else {
    labels['istio-injection'] = 'enabled';
    labels['istio.io/rev'] = null;
  }
  return {
    namespace: { labels, annotations: {} },
    objects: istioSecurity(request),
    // ztunnel picks up running pods; only sidecars need new pods.
    restartNeeded: request.mesh === 'istio',
    notes,
  };
}

function cilium(request: OnboardingRequest): DesiredState {
  const notes = [
    'Cilium needs no enrolment marker: every pod on the Cilium CNI is already in its data plane.',
  ];
  const strict = request.mtlsMode === 'strict';
  const objects: KubeObject[] = [];
  if (strict || request.defaultPolicy !== 'none') {
    const allowed = allowedNamespaces(request);
    const auth = strict ? { authentication: { mode: 'required' } } : {};
    let ingress: unknown[];
    if (request.defaultPolicy === 'none') {
      ingress = [{ fromEntities: ['cluster'], ...auth }];
    } else if (allowed.length === 0) {
      // An empty rule selects the pods and allows nothing: default deny.
      ingress = [{}];
    } else {
      ingress = [
        {
          fromEndpoints: allowed.map(ns => ({
            matchLabels: { 'k8s:io.kubernetes.pod.namespace': ns },
          })),
          ...auth,
        },
      ];
    }
    objects.push(
      object(
        KUBE_RESOURCES.ciliumNetworkPolicy,
        POLICY_NAME,
        request.namespace,
        {
          endpointSelector: {},
          ingress,
        },
      ),
    );
  }
  return {
    namespace: { labels: {}, annotations: {} },
    objects,
    restartNeeded: false,
    notes,
  };
}

/**
 * What the namespace should look like in the requested mesh (mesh-facts
 * sections 1 and 4). `live` is the namespace as it is now.
 */
export function desiredState(options: {
  request: OnboardingRequest;
  live: KubeObject | undefined;
  controlPlaneNamespace: string;
  ports: Array<number | string>;
}): DesiredState {
  const { request, live, controlPlaneNamespace, ports } = options;
  let state: DesiredState;
  if (request.mesh === 'linkerd') {
    state = linkerd(request, controlPlaneNamespace, ports);
  } else if (request.mesh === 'cilium') {
    state = cilium(request);
  } else {
    state = istio(request, live);
  }
  if (request.defaultPolicy !== 'none') {
    // Kubernetes NetworkPolicy too: it holds at L3/L4 even for pods without a proxy.
    state.objects.push(kubernetesNetworkPolicy(request));
  }
  return state;
}
