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

import { isObject, Json, JsonObject } from '../k8s/patch';

/** What the mutating webhooks of a cluster need to know. */
export interface MeshInstall {
  linkerd?: {
    /** linkerdVersion from linkerd-config. */
    version: string;
    controlPlaneNamespace: string;
    /** sha256 of ca-bundle.crt, hex. */
    trustRootSha256: string;
    /** proxy_build_info version of that release. */
    proxyVersion: string;
  };
  istio?: {
    version: string;
    revision: string;
    /** The sidecar image tag hub, e.g. docker.io/istio. */
    hub: string;
    /**
     * Whether istio-cni runs: the injector then adds istio-validation;
     * without it, istio-init, which needs NET_ADMIN and NET_RAW.
     */
    cni: boolean;
  };
}

/** How a pod joined a mesh, after the webhooks ran. */
export type PodMeshMode =
  | 'linkerd'
  | 'istio-sidecar'
  | 'istio-ambient'
  | 'none';

const LINKERD_SKIPPED_NAMESPACES = new Set(['kube-system', 'cert-manager']);

type Labels = Record<string, string>;

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

/** The webhook decision for Linkerd: pod annotation overrides namespace annotation. */
export function linkerdInjectionEnabled(
  namespace: { labels: Labels; annotations: Labels; name: string },
  pod: { labels: Labels; annotations: Labels },
): boolean {
  if (LINKERD_SKIPPED_NAMESPACES.has(namespace.name)) return false;
  if (namespace.labels['config.linkerd.io/admission-webhooks'] === 'disabled') {
    return false;
  }
  if (pod.labels['linkerd.io/control-plane-component']) return false;
  const podValue = pod.annotations['linkerd.io/inject'];
  const value = podValue ?? namespace.annotations['linkerd.io/inject'];
  return value === 'enabled' || value === 'ingress';
}

/** The webhook decision for Istio sidecars (istio-injection wins over istio.io/rev). */
export function istioSidecarEnabled(
  namespace: { labels: Labels },
  pod: { labels: Labels },
): boolean {
  if (pod.labels['sidecar.istio.io/inject'] === 'false') return false;
  const injection = namespace.labels['istio-injection'];
  if (injection === 'disabled') return false;
  if (injection === 'enabled') return true;
  if (namespace.labels['istio.io/rev']) return true;
  return pod.labels['sidecar.istio.io/inject'] === 'true';
}

/** Whether istio-cni/ztunnel capture the pod (ambient). */
export function istioAmbientEnabled(
  namespace: { labels: Labels },
  pod: { labels: Labels },
): boolean {
  const podMode = pod.labels['istio.io/dataplane-mode'];
  if (podMode === 'none') return false;
  if (podMode === 'ambient') return true;
  return namespace.labels['istio.io/dataplane-mode'] === 'ambient';
}

function linkerdProxyContainer(
  install: NonNullable<MeshInstall['linkerd']>,
  podNamespace: string,
  nativeSidecar: boolean,
): JsonObject {
  const c: JsonObject = {
    name: 'linkerd-proxy',
    image: `cr.l5d.io/linkerd/proxy:${install.version}`,
    imagePullPolicy: 'IfNotPresent',
    env: [
      {
        name: 'LINKERD2_PROXY_LOG',
        value:
          'warn,linkerd=info,hickory=error,[{headers}]=off,[{request}]=off',
      },
      {
        name: 'LINKERD2_PROXY_DESTINATION_SVC_ADDR',
        value: `linkerd-dst-headless.${install.controlPlaneNamespace}.svc.cluster.local.:8086`,
      },
      {
        name: 'LINKERD2_PROXY_POLICY_SVC_ADDR',
        value: `linkerd-policy.${install.controlPlaneNamespace}.svc.cluster.local.:8090`,
      },
      {
        name: 'LINKERD2_PROXY_POLICY_WORKLOAD',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      {
        name: 'LINKERD2_PROXY_INBOUND_DEFAULT_POLICY',
        value: 'all-unauthenticated',
      },
      { name: 'LINKERD2_PROXY_ADMIN_LISTEN_ADDR', value: '[::]:4191' },
      { name: 'LINKERD2_PROXY_CONTROL_LISTEN_ADDR', value: '[::]:4190' },
      { name: 'LINKERD2_PROXY_INBOUND_LISTEN_ADDR', value: '[::]:4143' },
      { name: 'LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR', value: '127.0.0.1:4140' },
      {
        name: '_pod_ns',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      {
        name: '_pod_sa',
        valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } },
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_DIR',
        value: '/var/run/linkerd/identity/end-entity',
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS',
        valueFrom: {
          configMapKeyRef: {
            name: 'linkerd-identity-trust-roots',
            key: 'ca-bundle.crt',
          },
        },
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_LOCAL_NAME',
        value: `$(_pod_sa).${podNamespace}.serviceaccount.identity.${install.controlPlaneNamespace}.cluster.local`,
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_SVC_NAME',
        value: `linkerd-identity.${install.controlPlaneNamespace}.serviceaccount.identity.${install.controlPlaneNamespace}.cluster.local`,
      },
      {
        name: 'LINKERD2_PROXY_IDENTITY_SVC_ADDR',
        value: `linkerd-identity-headless.${install.controlPlaneNamespace}.svc.cluster.local.:8080`,
      },
    ],
    ports: [
      { containerPort: 4143, name: 'linkerd-proxy', protocol: 'TCP' },
      { containerPort: 4191, name: 'linkerd-admin', protocol: 'TCP' },
    ],
    livenessProbe: {
      httpGet: { path: '/live', port: 4191, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 1,
    },
    readinessProbe: {
      httpGet: { path: '/ready', port: 4191, scheme: 'HTTP' },
      initialDelaySeconds: 2,
      periodSeconds: 10,
      timeoutSeconds: 1,
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 2102,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [
      {
        mountPath: '/var/run/linkerd/identity/end-entity',
        name: 'linkerd-identity-end-entity',
      },
      { mountPath: '/var/run/secrets/tokens', name: 'linkerd-identity-token' },
    ],
  };
  if (nativeSidecar) {
    c.restartPolicy = 'Always';
    c.startupProbe = {
      httpGet: { path: '/ready', port: 4191, scheme: 'HTTP' },
      failureThreshold: 120,
      periodSeconds: 1,
    };
  }
  return c;
}

const LINKERD_INIT: JsonObject = {
  name: 'linkerd-init',
  image: 'cr.l5d.io/linkerd/proxy-init:v2.4.3',
  imagePullPolicy: 'IfNotPresent',
  args: [
    '--incoming-proxy-port',
    '4143',
    '--outgoing-proxy-port',
    '4140',
    '--proxy-uid',
    '2102',
    '--inbound-ports-to-ignore',
    '4190,4191,4567,4568',
    '--outbound-ports-to-ignore',
    '4567,4568',
  ],
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { add: ['NET_ADMIN', 'NET_RAW'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsGroup: 65534,
    runAsNonRoot: true,
    runAsUser: 65534,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  volumeMounts: [
    { mountPath: '/run', name: 'linkerd-proxy-init-xtables-lock' },
  ],
};

/**
 * What Linkerd's proxy injector does to a pod: labels, annotations,
 * linkerd-init and a native-sidecar linkerd-proxy, volumes.
 */
export function injectLinkerd(
  pod: JsonObject,
  install: NonNullable<MeshInstall['linkerd']>,
  owner: { kind: string; name: string },
  options: { nativeSidecar?: boolean } = {},
): void {
  const nativeSidecar = options.nativeSidecar ?? true;
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const namespace = String(meta.namespace);
  const labels = { ...(obj(meta.labels) as Labels) };
  labels['linkerd.io/control-plane-ns'] = install.controlPlaneNamespace;
  labels[`linkerd.io/proxy-${owner.kind.toLowerCase()}`] = owner.name;
  labels['linkerd.io/workload-ns'] = namespace;
  meta.labels = labels;
  const annotations = { ...(obj(meta.annotations) as Labels) };
  // Pods rendered by the Helm chart (the control plane) keep `linkerd/helm <version>`.
  annotations[
    'linkerd.io/created-by'
  ] ??= `linkerd/proxy-injector ${install.version}`;
  annotations['linkerd.io/proxy-version'] = install.version;
  annotations['linkerd.io/trust-root-sha256'] = install.trustRootSha256;
  annotations['linkerd.io/inject'] ??= 'enabled';
  meta.annotations = annotations;
  const proxy = linkerdProxyContainer(install, namespace, nativeSidecar);
  const init = Array.isArray(spec.initContainers)
    ? [...spec.initContainers]
    : [];
  init.unshift(LINKERD_INIT);
  if (nativeSidecar) {
    init.splice(1, 0, proxy);
    spec.initContainers = init;
  } else {
    spec.initContainers = init;
    const containers = Array.isArray(spec.containers)
      ? [...spec.containers]
      : [];
    containers.unshift(proxy);
    spec.containers = containers;
  }
  const volumes = Array.isArray(spec.volumes) ? [...spec.volumes] : [];
  volumes.push(
    { name: 'linkerd-proxy-init-xtables-lock', emptyDir: {} },
    { name: 'linkerd-identity-end-entity', emptyDir: { medium: 'Memory' } },
    {
      name: 'linkerd-identity-token',
      projected: {
        sources: [
          {
            serviceAccountToken: {
              audience: 'identity.l5d.io',
              expirationSeconds: 86400,
              path: 'linkerd-identity-token',
            },
          },
        ],
      },
    },
  );
  spec.volumes = volumes;
  pod.metadata = meta;
  pod.spec = spec;
}

/**
 * What istiod's sidecar injector does to a pod: labels, the
 * sidecar.istio.io/status annotation, istio-validation (CNI) and istio-proxy.
 */
export function injectIstioSidecar(
  pod: JsonObject,
  install: NonNullable<MeshInstall['istio']>,
): void {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const labels = { ...(obj(meta.labels) as Labels) };
  const app =
    labels['app.kubernetes.io/name'] ??
    labels.app ??
    String(meta.generateName ?? 'unknown').replace(/-[a-z0-9]+-$/, '');
  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] = app;
  labels['service.istio.io/canonical-revision'] =
    labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  meta.labels = labels;
  const containers = Array.isArray(spec.containers) ? [...spec.containers] : [];
  const firstName = isObject(containers[0]) ? String(containers[0].name) : app;
  const annotations = { ...(obj(meta.annotations) as Labels) };
  annotations['istio.io/rev'] = install.revision;
  annotations['kubectl.kubernetes.io/default-container'] = firstName;
  annotations['kubectl.kubernetes.io/default-logs-container'] = firstName;
  annotations['prometheus.io/path'] = '/stats/prometheus';
  annotations['prometheus.io/port'] = '15020';
  annotations['prometheus.io/scrape'] = 'true';
  annotations['sidecar.istio.io/status'] = JSON.stringify({
    initContainers: [install.cni ? 'istio-validation' : 'istio-init'],
    containers: ['istio-proxy'],
    volumes: [
      'workload-socket',
      'credential-socket',
      'workload-certs',
      'istio-envoy',
      'istio-data',
      'istio-podinfo',
      'istio-token',
      'istiod-ca-cert',
    ],
    imagePullSecrets: null,
    revision: install.revision,
  });
  meta.annotations = annotations;
  const init = Array.isArray(spec.initContainers)
    ? [...spec.initContainers]
    : [];
  init.push({
    name: install.cni ? 'istio-validation' : 'istio-init',
    image: `${install.hub}/proxyv2:${install.version}`,
    args: [
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      '*',
      '-d',
      '15090,15021,15020',
      '--log_output_level=default:info',
      ...(install.cni ? ['--run-validation', '--skip-rule-apply'] : []),
    ],
    securityContext: install.cni
      ? {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          runAsGroup: 1337,
          runAsNonRoot: true,
          runAsUser: 1337,
        }
      : {
          // What istio-init needs to write the pod's iptables rules.
          allowPrivilegeEscalation: false,
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
          privileged: false,
          readOnlyRootFilesystem: false,
          runAsGroup: 0,
          runAsNonRoot: false,
          runAsUser: 0,
        },
  });
  spec.initContainers = init;
  containers.push({
    name: 'istio-proxy',
    image: `${install.hub}/proxyv2:${install.version}`,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
      {
        name: 'POD_NAME',
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      },
      {
        name: 'POD_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      {
        name: 'SERVICE_ACCOUNT',
        valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } },
      },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: app },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      failureThreshold: 4,
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 15,
      timeoutSeconds: 3,
    },
    resources: {
      limits: { cpu: '2', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    volumeMounts: [
      {
        mountPath: '/var/run/secrets/workload-spiffe-uds',
        name: 'workload-socket',
      },
      {
        mountPath: '/var/run/secrets/credential-uds',
        name: 'credential-socket',
      },
      {
        mountPath: '/var/run/secrets/workload-spiffe-credentials',
        name: 'workload-certs',
      },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  });
  spec.containers = containers;
  const volumes = Array.isArray(spec.volumes) ? [...spec.volumes] : [];
  volumes.push(
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          {
            path: 'annotations',
            fieldRef: { fieldPath: 'metadata.annotations' },
          },
        ],
      },
    },
    {
      name: 'istio-token',
      projected: {
        sources: [
          {
            serviceAccountToken: {
              audience: 'istio-ca',
              expirationSeconds: 43200,
              path: 'istio-token',
            },
          },
        ],
      },
    },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
  );
  spec.volumes = volumes;
  pod.metadata = meta;
  pod.spec = spec;
}

/** What istio-cni does for an ambient pod: the redirection annotation. */
export function markAmbient(pod: JsonObject): void {
  const meta = obj(pod.metadata);
  meta.annotations = {
    ...(obj(meta.annotations) as Labels),
    'ambient.istio.io/redirection': 'enabled',
  };
  pod.metadata = meta;
}

/** Reads how a pod is meshed from what it carries. */
export function podMeshMode(pod: JsonObject): PodMeshMode {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const names = [
    ...(Array.isArray(spec.initContainers) ? spec.initContainers : []),
    ...(Array.isArray(spec.containers) ? spec.containers : []),
  ].map(c => (isObject(c) ? c.name : undefined));
  if (names.includes('linkerd-proxy')) return 'linkerd';
  const labels = obj(meta.labels) as Labels;
  if (
    names.includes('istio-proxy') &&
    labels['security.istio.io/tlsMode'] === 'istio'
  ) {
    return 'istio-sidecar';
  }
  const annotations = obj(meta.annotations) as Labels;
  if (annotations['ambient.istio.io/redirection'] === 'enabled') {
    return 'istio-ambient';
  }
  return 'none';
}
