import {
  MeshCheck,
  MeshCheckDefinition,
  MtlsMode,
} from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  KubeResourceType,
  MeshAdapter,
  MeshAssessmentContext,
  MeshCertificateSource,
  MeshClusterReader,
  MeshControlPlaneState,
  readAlongsideKnownNamespace,
  MeshDetection,
  MeshMetricScope,
  MeshNamespaceContext,
  MeshRangeScope,
  MeshWorkload,
  MeshWorkloadCertificate,
  PromSample,
  PromSeries,
  promqlBy,
  promqlMatcher,
  promqlSelector,
  KUBE_RESOURCES,
  isWorkloadReady,
} from '../../index';
import {
  DestinationRequestMetrics,
  destinationMetricQueries,
  destinationRangeQueries,
  readDestinationMetrics,
  readDestinationRange,
  TrafficAccumulator,
  containers,
  imageTag,
  samples,
  selectsWorkload,
  summarizeNetworkPolicy,
  isPlausibleExpiry,
} from './common';

import {
  DATAPLANE_MODE_LABEL,
  INJECTION_LABEL,
  istioOnboarding,
  REVISION_LABEL,
} from './istioOnboarding';
import { INJECT_POD_KEY, ISTIO_CHECKS, istioChecks } from './istioChecks';
import { istioCost } from './istioCost';

/**
 * The Istio kinds read, with the versions older releases serve (mesh-facts
 * section 4): before 1.22 security.istio.io has v1beta1 only, and
 * networking.istio.io v1beta1 and v1alpha3.
 */
const PEER_AUTHENTICATION: KubeResourceType = {
  ...KUBE_RESOURCES.istioPeerAuthentication,
  fallbackApiVersions: ['security.istio.io/v1beta1'],
};
const AUTHORIZATION_POLICY: KubeResourceType = {
  ...KUBE_RESOURCES.istioAuthorizationPolicy,
  fallbackApiVersions: ['security.istio.io/v1beta1'],
};
const DESTINATION_RULE: KubeResourceType = {
  ...KUBE_RESOURCES.istioDestinationRule,
  fallbackApiVersions: [
    'networking.istio.io/v1beta1',
    'networking.istio.io/v1alpha3',
  ],
};
const VIRTUAL_SERVICE: KubeResourceType = {
  ...KUBE_RESOURCES.istioVirtualService,
  fallbackApiVersions: [
    'networking.istio.io/v1beta1',
    'networking.istio.io/v1alpha3',
  ],
};

/** The pilot-agent's merged-metrics port, the injected `prometheus.io/port`. */
const AGENT_METRICS_PORT = 15020;

/**
 * istiod's own series: its pods (Deployment `istiod` or `istiod-<rev>`) in
 * the control-plane namespace, so no other pod can stand in for it.
 */
function istiodSelector(namespace: string): string {
  return promqlSelector([
    promqlMatcher('namespace', [namespace]),
    'pod=~"istiod-.+"',
  ]);
}
const AMBIENT_REDIRECTION = 'ambient.istio.io/redirection';
/** Inbound requests as reported by the destination sidecar or the waypoint (Kiali's reporter choice). */
const INBOUND_REPORTER = 'reporter=~"destination|waypoint"';
/** Istio's dashboards count everything but 5xx as success. */
const isSuccess = (code: string | undefined) => !/^5\d\d$/.test(code ?? '');

/** Istio's destination-side (or waypoint) request metrics, as Kiali reads them. */
const REQUESTS: DestinationRequestMetrics = {
  reporter: INBOUND_REPORTER,
  requests: 'istio_requests_total',
  durationBuckets: 'istio_request_duration_milliseconds_bucket',
  namespaceLabel: 'destination_workload_namespace',
  workloadLabel: 'destination_workload',
  sourceNamespaceLabel: 'source_workload_namespace',
  sourceWorkloadLabel: 'source_workload',
  mtls: { label: 'connection_security_policy', value: 'mutual_tls' },
  statusLabel: 'response_code',
  isSuccess,
  toMilliseconds: 1,
};

function peerAuthMode(object: KubeObject | undefined): string | undefined {
  const mode = object?.spec?.mtls?.mode;
  return mode && mode !== 'UNSET' ? String(mode) : undefined;
}

function toMtlsMode(mode: string | undefined): MtlsMode {
  switch (mode) {
    case 'STRICT':
      return 'strict';
    case 'DISABLE':
      return 'disabled';
    default:
      // No PeerAuthentication, or UNSET all the way up, is PERMISSIVE.
      return 'permissive';
  }
}

/**
 * Istio, sidecar and ambient (ztunnel, waypoints).
 * @public
 */
export class IstioAdapter implements MeshAdapter {
  readonly mesh = 'istio';
  readonly title = 'Istio';
  // The mesh tax (issue 15), in istioCost.ts.
  readonly proxyContainers = istioCost.proxyContainers;
  readonly controlPlaneComponents = istioCost.controlPlaneComponents;
  readonly costQueries = istioCost.costQueries;
  readonly sharedProxies = istioCost.sharedProxies;
  readonly costAlternatives = istioCost.costAlternatives;
  readonly onboarding = istioOnboarding;
  /** Read for the checks: hosts, refused pods, waypoints, sidecar-only config. */
  readonly detectionResources: KubeResourceType[] = [
    KUBE_RESOURCES.service,
    KUBE_RESOURCES.replicaSet,
    KUBE_RESOURCES.gateway,
    KUBE_RESOURCES.istioSidecar,
    KUBE_RESOURCES.istioEnvoyFilter,
  ];
  readonly policyResources: KubeResourceType[] = [
    PEER_AUTHENTICATION,
    AUTHORIZATION_POLICY,
    DESTINATION_RULE,
    VIRTUAL_SERVICE,
    KUBE_RESOURCES.networkPolicy,
  ];

  async readControlPlane(
    reader: MeshClusterReader,
    known?: MeshControlPlaneState,
  ): Promise<MeshControlPlaneState | undefined> {
    const found = await readAlongsideKnownNamespace({
      known,
      locate: () =>
        Promise.all([
          reader.list(KUBE_RESOURCES.deployment, {
            labelSelector: 'app=istiod',
          }),
          reader.list(KUBE_RESOURCES.daemonSet, {
            labelSelector: 'app=ztunnel',
          }),
          reader.list(KUBE_RESOURCES.daemonSet, {
            labelSelector: 'k8s-app=istio-cni-node',
          }),
        ]),
      namespaceOf: ([istiods]) => istiods[0]?.metadata.namespace,
      // The root namespace's PeerAuthentication sets the mesh-wide mode.
      read: ns => reader.list(PEER_AUTHENTICATION, { namespace: ns }),
    });
    if (!found) return undefined;
    const {
      located: [istiods, ztunnels, cniNodes],
      namespace,
      objects: rootPolicies,
    } = found;
    const meshWide = rootPolicies.find(p => !p.spec?.selector);
    const problems = [...istiods, ...ztunnels]
      .filter(d => !isWorkloadReady(d))
      .map(
        d =>
          `${d.kind ?? 'Workload'} ${d.metadata.namespace}/${
            d.metadata.name
          } is not ready`,
      );
    const version = (d: KubeObject | undefined) =>
      d?.metadata.labels?.['app.kubernetes.io/version'] ??
      imageTag(d?.spec?.template?.spec?.containers?.[0]?.image) ??
      null;
    return {
      namespace,
      version: version(istiods[0]),
      healthy: problems.length === 0,
      problems,
      details: {
        revisions: istiods.map(
          d => d.metadata.labels?.[REVISION_LABEL] ?? 'default',
        ),
        ambient: ztunnels.length > 0,
        ztunnelVersion: ztunnels.length > 0 ? version(ztunnels[0]) : null,
        meshMtlsMode: peerAuthMode(meshWide) ?? null,
        // Whether the istio-cni node agent is installed (MESH-IST-006, -007).
        cni: cniNodes.length > 0,
      },
    };
  }

  isAmbientPod(pod: KubeObject): boolean {
    return pod.metadata.annotations?.[AMBIENT_REDIRECTION] === 'enabled';
  }

  hasSidecar(pod: KubeObject): boolean {
    return containers(pod).some(c => c.name === 'istio-proxy');
  }

  detect(context: MeshNamespaceContext): MeshDetection | undefined {
    const labels = context.namespace?.metadata.labels ?? {};
    const meshed = context.pods.filter(p => this.isPodMeshed(p));
    const annotatedPods = context.pods.some(
      p => p.metadata.annotations?.[INJECT_POD_KEY] !== undefined,
    );
    const injection = labels[INJECTION_LABEL];
    const revision = labels[REVISION_LABEL];
    const mode = labels[DATAPLANE_MODE_LABEL];
    if (
      injection === undefined &&
      revision === undefined &&
      mode !== 'ambient' &&
      meshed.length === 0 &&
      !annotatedPods
    ) {
      return undefined;
    }
    const ambient =
      mode === 'ambient' ||
      (meshed.length > 0 && meshed.every(p => this.isAmbientPod(p)));
    let state: 'enabled' | 'disabled' | 'unset' = 'unset';
    let marker: string | null = null;
    if (ambient && mode !== undefined) {
      state = mode === 'ambient' ? 'enabled' : 'disabled';
      marker = `label ${DATAPLANE_MODE_LABEL}=${mode}`;
    } else if (injection !== undefined) {
      // istio-injection wins over istio.io/rev.
      state = injection === 'enabled' ? 'enabled' : 'disabled';
      marker = `label ${INJECTION_LABEL}=${injection}`;
    } else if (revision !== undefined) {
      state = 'enabled';
      marker = `label ${REVISION_LABEL}=${revision}`;
    } else if (meshed.length > 0) {
      marker = `pod label ${INJECT_POD_KEY}=true`;
    }
    return {
      dataPlane: ambient ? 'ambient' : 'sidecar',
      injection: { namespace: state, marker },
      enrolled: state === 'enabled' || meshed.length > 0,
    };
  }

  isPodMeshed(pod: KubeObject): boolean {
    if (pod.metadata.labels?.app === 'ztunnel') return false;
    return this.hasSidecar(pod) || this.isAmbientPod(pod);
  }

  proxyVersion(pod: KubeObject): string | null {
    const sidecar = containers(pod).find(c => c.name === 'istio-proxy');
    // Ambient pods have no proxy of their own: ztunnel's version is reported by the control plane.
    return sidecar ? imageTag(sidecar.image) : null;
  }

  summarizePolicy(object: KubeObject): string {
    const spec = object.spec ?? {};
    const target = spec.selector?.matchLabels
      ? `workloads ${Object.entries(spec.selector.matchLabels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`
      : 'the whole namespace';
    switch (object.kind) {
      case 'PeerAuthentication': {
        const ports = Object.entries(spec.portLevelMtls ?? {})
          .map(([p, m]: [string, any]) => `${p}:${m.mode}`)
          .join(', ');
        return `mTLS ${spec.mtls?.mode ?? 'UNSET'} for ${target}${
          ports ? ` (ports ${ports})` : ''
        }`;
      }
      case 'AuthorizationPolicy':
        return `${spec.action ?? 'ALLOW'} ${
          (spec.rules ?? []).length
        } rule(s) for ${target}`;
      case 'DestinationRule':
        return `Traffic policy for ${spec.host ?? '?'}${
          spec.trafficPolicy?.tls?.mode
            ? `, TLS ${spec.trafficPolicy.tls.mode}`
            : ''
        }, ${(spec.subsets ?? []).length} subset(s)`;
      case 'VirtualService': {
        const weights = (spec.http ?? [])
          .flatMap((h: any) => h.route ?? [])
          .map(
            (r: any) =>
              `${r.destination?.host}${
                r.destination?.subset ? `/${r.destination.subset}` : ''
              } ${r.weight ?? 100}%`,
          );
        return `Routes ${(spec.hosts ?? []).join(', ')}${
          weights.length ? `: ${weights.join(', ')}` : ''
        }`;
      }
      default:
        return summarizeNetworkPolicy(object);
    }
  }

  mtlsMode(workload: MeshWorkload, context: MeshAssessmentContext): MtlsMode {
    if (!workload.pods.some(p => this.isPodMeshed(p))) return 'disabled';
    const policies = context.policies.PeerAuthentication ?? [];
    const forWorkload = policies.find(
      p =>
        p.spec?.selector?.matchLabels &&
        selectsWorkload(p.spec.selector, workload),
    );
    const namespaceWide = policies.find(p => !p.spec?.selector);
    return toMtlsMode(
      peerAuthMode(forWorkload) ??
        peerAuthMode(namespaceWide) ??
        (context.controlPlane.details.meshMtlsMode as string | null) ??
        undefined,
    );
  }

  certificateSources(
    controlPlane: MeshControlPlaneState,
    namespace?: string,
  ): MeshCertificateSource[] {
    const ns = controlPlane.namespace;
    return [
      {
        kind: 'Secret',
        namespace: ns,
        name: 'cacerts',
        keys: [
          { key: 'ca-cert.pem', role: 'issuer' },
          { key: 'tls.crt', role: 'issuer' },
          { key: 'root-cert.pem', role: 'trust-anchor' },
          { key: 'ca.crt', role: 'trust-anchor' },
        ],
      },
      {
        // Self-signed: istiod's own root signs workload certificates directly.
        kind: 'Secret',
        namespace: ns,
        name: 'istio-ca-secret',
        keys: [{ key: 'ca-cert.pem', role: 'trust-anchor' }],
      },
      {
        kind: 'ConfigMap',
        namespace: namespace ?? ns,
        name: 'istio-ca-root-cert',
        keys: [{ key: 'root-cert.pem', role: 'trust-anchor' }],
      },
      {
        kind: 'Certificate',
        namespace: ns,
        name: 'cacerts',
        keys: [{ key: 'status', role: 'issuer' }],
      },
      // istiod's own gauges (security/pkg/server/ca/monitoring.go).
      {
        kind: 'Metric',
        namespace: ns,
        name: 'istiod root certificate',
        query: `min(citadel_server_root_cert_expiry_timestamp${istiodSelector(
          ns,
        )})`,
        keys: [
          {
            key: 'citadel_server_root_cert_expiry_timestamp',
            role: 'trust-anchor',
          },
        ],
      },
      {
        kind: 'Metric',
        namespace: ns,
        name: 'istiod CA certificate chain',
        query: `min(citadel_server_cert_chain_expiry_timestamp${istiodSelector(
          ns,
        )})`,
        keys: [
          { key: 'citadel_server_cert_chain_expiry_timestamp', role: 'issuer' },
        ],
      },
    ];
  }

  metricQueries(scope: MeshMetricScope): Record<string, string> {
    return {
      ...destinationMetricQueries(REQUESTS, scope),
      // ambient without a waypoint: ztunnel reports TCP only.
      connections: `sum(increase(istio_tcp_connections_opened_total${promqlSelector(
        [
          'reporter="destination"',
          promqlMatcher('destination_workload_namespace', scope.namespaces),
        ],
      )}[${scope.window}])) ${promqlBy([
        'destination_workload_namespace',
        'destination_workload',
        'connection_security_policy',
      ])}`,
    };
  }

  readMetrics(results: Record<string, PromSample[]>, scope: MeshMetricScope) {
    const acc = TrafficAccumulator.forWindow(scope.window);
    readDestinationMetrics(REQUESTS, results, scope, acc);
    for (const s of samples(results, 'connections')) {
      const m = s.metric;
      acc.addConnections(
        m.destination_workload_namespace,
        m.destination_workload,
        s.value,
        m.connection_security_policy === 'mutual_tls',
      );
    }
    return acc.result();
  }

  rangeQueries(scope: MeshRangeScope): Record<string, string> {
    return destinationRangeQueries(REQUESTS, scope);
  }

  readRange(results: Record<string, PromSeries[]>) {
    return readDestinationRange(REQUESTS, results);
  }

  workloadCertificateQuery(scope: MeshMetricScope): string {
    // Only the istio-proxy container's series: where the scrape config
    // labels containers (Prometheus Operator), `container`; where it does
    // not (the annotation job of Istio's sample Prometheus), the agent's
    // merged-metrics port the injector annotates. An application pod
    // exporting the same name on its own port matches neither.
    const series = (proxy: string) =>
      `istio_agent_cert_expiry_seconds${promqlSelector([
        'resource_name="default"',
        proxy,
        promqlMatcher('namespace', scope.namespaces),
      ])}`;
    return `min(${series('container="istio-proxy"')} or ${series(
      `instance=~".+:${AGENT_METRICS_PORT}"`,
    )}) ${promqlBy(['namespace', 'pod'])}`;
  }

  readWorkloadCertificates(list: PromSample[]): MeshWorkloadCertificate[] {
    // The agent reports seconds left, not a timestamp.
    const now = Date.now() / 1000;
    return list
      .filter(
        s =>
          s.metric.namespace &&
          s.metric.pod &&
          isPlausibleExpiry(now + s.value, now),
      )
      .map(s => ({
        namespace: s.metric.namespace,
        pod: s.metric.pod,
        notAfter: now + s.value,
      }));
  }

  enrollHint(namespace: string): string {
    return `kubectl label namespace ${namespace} ${INJECTION_LABEL}=enabled (sidecar) or ${DATAPLANE_MODE_LABEL}=ambient (ambient), then kubectl rollout restart deployment -n ${namespace} for sidecars`;
  }

  readonly checkDefinitions: MeshCheckDefinition[] =
    Object.values(ISTIO_CHECKS);

  checks(context: MeshAssessmentContext): MeshCheck[] {
    return istioChecks(context, this);
  }
}
