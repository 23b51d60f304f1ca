import { KubeObject } from '@meshlens/plugin-mesh-node';

export function namespace(
  name: string,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...meta.labels },
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
    },
  };
}

export function deployment(
  ns: string,
  name: string,
  ready = true,
  template: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: {
          labels: { app: name, ...template.labels },
          ...(template.annotations
            ? { annotations: template.annotations }
            : {}),
        },
        spec: { containers: [{ name: 'app', image: `${name}:1` }] },
      },
    },
    status: { replicas: 1, readyReplicas: ready ? 1 : 0 },
  };
}

export function daemonSet(
  ns: string,
  name: string,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, labels },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } } },
    },
    status: { desiredNumberScheduled: 2, numberReady: 2 },
  };
}

export function pod(
  ns: string,
  name: string,
  app: string,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { app, ...meta.labels },
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
    },
    spec: { containers: [{ name: 'app' }] },
    status: { phase: 'Running' },
  };
}

export function service(
  ns: string,
  name: string,
  port: number,
  targetPort: number,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: { app: name }, ports: [{ port, targetPort }] },
  };
}

/** A Linkerd control-plane Deployment, labelled as the chart labels it. */
export function linkerdDeployment(name: string, ready = true): KubeObject {
  const d = deployment('linkerd', name, ready);
  d.metadata.labels = {
    'linkerd.io/control-plane-component': name.replace(/^linkerd-/, ''),
    'linkerd.io/control-plane-ns': 'linkerd',
  };
  return d;
}

export const linkerdControlPlane = (): KubeObject[] => [
  namespace('linkerd', { labels: { 'linkerd.io/is-control-plane': 'true' } }),
  linkerdDeployment('linkerd-identity'),
  linkerdDeployment('linkerd-destination'),
  linkerdDeployment('linkerd-proxy-injector'),
];

export const istioControlPlane = (ambient = false): KubeObject[] => {
  const istiod = deployment('istio-system', 'istiod');
  istiod.metadata.labels = { app: 'istiod', 'istio.io/rev': 'default' };
  return [
    namespace('istio-system'),
    istiod,
    ...(ambient
      ? [
          daemonSet('istio-system', 'ztunnel', { app: 'ztunnel' }),
          daemonSet('istio-system', 'istio-cni-node'),
        ]
      : []),
  ];
};

export const ciliumControlPlane = (meshAuth = true): KubeObject[] => [
  namespace('kube-system'),
  daemonSet('kube-system', 'cilium', { 'k8s-app': 'cilium' }),
  deployment('kube-system', 'cilium-operator'),
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cilium-config', namespace: 'kube-system' },
    data: { 'mesh-auth-enabled': meshAuth ? 'true' : 'false' },
  },
];
