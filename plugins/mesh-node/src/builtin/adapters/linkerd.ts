import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
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
  QUANTILES,
  SeriesAccumulator,
  TrafficAccumulator,
  containers,
  imageTag,
  samples,
  summarizeNetworkPolicy,
  isPlausibleExpiry,
} from './common';

import {
  DEFAULT_INBOUND_POLICY,
  INJECT_ANNOTATION,
  INJECT_ENABLED,
  linkerdOnboarding,
  mistakenLabel,
} from './linkerdOnboarding';
import { LINKERD_CHECKS, linkerdChecks } from './linkerdChecks';
import { linkerdCost } from './linkerdCost';

/** linkerd-viz's Prometheus job of the proxies (viz/charts/linkerd-viz/templates/prometheus.yaml). */
const PROXY_SCRAPE_JOB = 'linkerd-proxy';
const WORKLOAD_LABELS = ['deployment', 'statefulset', 'daemonset'];
const DST_WORKLOAD_LABELS = WORKLOAD_LABELS.map(l => `dst_${l}`);

function workloadOf(labels: Record<string, string>, prefix = ''): string {
  for (const l of WORKLOAD_LABELS) {
    if (labels[`${prefix}${l}`]) return labels[`${prefix}${l}`];
  }
  return '';
}

/**
 * Linkerd: proxies injected through the `linkerd.io/inject` annotation.
 * @public
 */
export class LinkerdAdapter implements MeshAdapter {
  readonly mesh = 'linkerd';
  readonly title = 'Linkerd';
  // The mesh tax (issue 15), in linkerdCost.ts.
  readonly proxyContainers = linkerdCost.proxyContainers;
  readonly controlPlaneComponents = linkerdCost.controlPlaneComponents;
  readonly costAlternatives = linkerdCost.costAlternatives;
  readonly onboarding = linkerdOnboarding;
  readonly detectionResources: KubeResourceType[] = [];
  readonly policyResources: KubeResourceType[] = [
    // Server is v1beta3 since Linkerd 2.16, v1beta2/v1beta1 before (mesh-facts section 4).
    {
      ...KUBE_RESOURCES.linkerdServer,
      fallbackApiVersions: [
        'policy.linkerd.io/v1beta2',
        'policy.linkerd.io/v1beta1',
      ],
    },
    KUBE_RESOURCES.linkerdAuthorizationPolicy,
    KUBE_RESOURCES.linkerdServerAuthorization,
    KUBE_RESOURCES.linkerdMeshTlsAuthentication,
    {
      ...KUBE_RESOURCES.linkerdHttpRoute,
      fallbackApiVersions: [
        'policy.linkerd.io/v1beta2',
        'policy.linkerd.io/v1beta1',
        'policy.linkerd.io/v1alpha1',
      ],
    },
    KUBE_RESOURCES.networkPolicy,
  ];

  async readControlPlane(
    reader: MeshClusterReader,
    known?: MeshControlPlaneState,
  ): Promise<MeshControlPlaneState | undefined> {
    const found = await readAlongsideKnownNamespace({
      known,
      locate: () =>
        reader.list(KUBE_RESOURCES.deployment, {
          labelSelector: 'linkerd.io/control-plane-component',
        }),
      namespaceOf: deployments => deployments[0]?.metadata.namespace,
      read: ns =>
        Promise.all([
          reader.get(KUBE_RESOURCES.configMap, 'linkerd-config', ns),
          reader.get(
            KUBE_RESOURCES.configMap,
            'linkerd-identity-trust-roots',
            ns,
          ),
        ]),
    });
    if (!found) return undefined;
    const {
      located: deployments,
      namespace,
      objects: [config, trustRoots],
    } = found;
    let values: any = {};
    try {
      values = parseYaml(config?.data?.values ?? '') ?? {};
    } catch {
      values = {};
    }
    const problems = deployments
      .filter(d => d.metadata.namespace === namespace && !isWorkloadReady(d))
      .map(d => `Deployment ${namespace}/${d.metadata.name} is not ready`);
    const bundle = trustRoots?.data?.['ca-bundle.crt'];
    return {
      namespace,
      version:
        values.linkerdVersion ??
        deployments[0].metadata.labels?.['app.kubernetes.io/version'] ??
        null,
      healthy: problems.length === 0,
      problems,
      details: {
        defaultInboundPolicy: values.proxy?.defaultInboundPolicy ?? null,
        trustRootSha256: bundle
          ? createHash('sha256').update(bundle).digest('hex')
          : null,
      },
    };
  }

  detect(context: MeshNamespaceContext): MeshDetection | undefined {
    const annotations = context.namespace?.metadata.annotations ?? {};
    const labels = context.namespace?.metadata.labels ?? {};
    const value = annotations[INJECT_ANNOTATION];
    const meshedPods = context.pods.filter(p => this.isPodMeshed(p)).length;
    const mistaken = mistakenLabel(context.namespace);
    // A mistaken label alone does not mesh anything: the namespace stays
    // unmeshed, and `checks` names the mistake.
    if (value === undefined && meshedPods === 0) return undefined;
    let namespaceState: 'enabled' | 'disabled' | 'unset' = 'unset';
    if (value !== undefined) {
      namespaceState = INJECT_ENABLED.includes(value) ? 'enabled' : 'disabled';
    }
    let marker: string | null = null;
    if (value !== undefined)
      marker = `annotation ${INJECT_ANNOTATION}=${value}`;
    else if (mistaken) {
      marker = `label ${mistaken}=${labels[mistaken]} (ignored by Linkerd)`;
    } else if (meshedPods > 0) marker = `pod annotation ${INJECT_ANNOTATION}`;
    return {
      dataPlane: 'sidecar',
      injection: { namespace: namespaceState, marker },
      enrolled: namespaceState === 'enabled' || meshedPods > 0,
    };
  }

  isPodMeshed(pod: KubeObject): boolean {
    return (
      Boolean(pod.metadata.labels?.['linkerd.io/control-plane-ns']) ||
      containers(pod).some(c => c.name === 'linkerd-proxy')
    );
  }

  proxyVersion(pod: KubeObject): string | null {
    const annotated = pod.metadata.annotations?.['linkerd.io/proxy-version'];
    if (annotated) return annotated;
    return imageTag(
      containers(pod).find(c => c.name === 'linkerd-proxy')?.image,
    );
  }

  summarizePolicy(object: KubeObject): string {
    const spec = object.spec ?? {};
    switch (object.kind) {
      case 'Server': {
        const selector = spec.podSelector?.matchLabels
          ? Object.entries(spec.podSelector.matchLabels)
              .map(([k, v]) => `${k}=${v}`)
              .join(',')
          : 'all pods';
        return `Port ${spec.port ?? '?'} (${
          spec.proxyProtocol ?? 'unknown'
        }) of ${selector}`;
      }
      case 'AuthorizationPolicy':
        return `Allows ${
          (spec.requiredAuthenticationRefs ?? [])
            .map((r: any) => `${r.kind} ${r.name}`)
            .join(', ') || 'nobody'
        } to reach ${spec.targetRef?.kind ?? '?'} ${
          spec.targetRef?.name ?? ''
        }`.trim();
      case 'ServerAuthorization':
        return `Allows ${
          spec.client?.unauthenticated
            ? 'unauthenticated clients'
            : (spec.client?.meshTLS?.serviceAccounts ?? [])
                .map((a: any) => a.name)
                .join(', ') || 'meshed clients'
        } to reach Server ${
          spec.server?.name ??
          Object.entries(spec.server?.selector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(',')
        }`;
      case 'MeshTLSAuthentication':
        return `Mesh identities: ${[
          ...(spec.identities ?? []),
          ...(spec.identityRefs ?? []).map(
            (r: any) => `${r.kind} ${r.name ?? '*'}`,
          ),
        ].join(', ')}`;
      case 'HTTPRoute':
        return `Routes for ${(spec.parentRefs ?? [])
          .map((p: any) => `${p.kind ?? 'Service'} ${p.name}`)
          .join(', ')}: ${(spec.rules ?? []).length} rule(s)`;
      default:
        return summarizeNetworkPolicy(object);
    }
  }

  mtlsMode(workload: MeshWorkload, context: MeshAssessmentContext): MtlsMode {
    if (!workload.pods.some(p => this.isPodMeshed(p))) return 'disabled';
    const policy =
      workload.object.spec?.template?.metadata?.annotations?.[
        DEFAULT_INBOUND_POLICY
      ] ??
      context.namespace?.metadata.annotations?.[DEFAULT_INBOUND_POLICY] ??
      (context.controlPlane.details.defaultInboundPolicy as string | null);
    if (
      policy &&
      /authenticated$|^deny$/.test(policy) &&
      !/unauth/.test(policy)
    ) {
      return 'strict';
    }
    return 'automatic';
  }

  certificateSources(
    controlPlane: MeshControlPlaneState,
  ): MeshCertificateSource[] {
    const ns = controlPlane.namespace;
    const webhook = (name: string): MeshCertificateSource => ({
      kind: 'Secret',
      namespace: ns,
      name,
      keys: [{ key: 'tls.crt', role: 'webhook' }],
    });
    return [
      {
        kind: 'ConfigMap',
        namespace: ns,
        name: 'linkerd-identity-trust-roots',
        keys: [{ key: 'ca-bundle.crt', role: 'trust-anchor' }],
      },
      {
        kind: 'Secret',
        namespace: ns,
        name: 'linkerd-identity-issuer',
        keys: [
          { key: 'crt.pem', role: 'issuer' },
          { key: 'tls.crt', role: 'issuer' },
          { key: 'ca.crt', role: 'trust-anchor' },
        ],
      },
      {
        kind: 'Certificate',
        namespace: ns,
        name: 'linkerd-identity-issuer',
        keys: [{ key: 'status', role: 'issuer' }],
      },
      {
        // linkerd-identity's own gauge (since edge-25.2.1): seconds left.
        kind: 'Metric',
        namespace: ns,
        name: 'linkerd identity issuer',
        // linkerd-identity's pods only: any pod scraped by annotation could
        // export the same name.
        query: `time() + min(issuer_cert_ttl_seconds${promqlSelector([
          promqlMatcher('namespace', [ns]),
          'pod=~"linkerd-identity-.+"',
        ])})`,
        keys: [{ key: 'issuer_cert_ttl_seconds', role: 'issuer' }],
      },
      {
        kind: 'Certificate',
        namespace: ns,
        name: 'linkerd-trust-anchor',
        keys: [{ key: 'status', role: 'trust-anchor' }],
      },
      // The chart's fixed webhook Secret names (charts/linkerd-control-plane;
      // Linkerd's cert-manager guide requires exactly these).
      webhook('linkerd-proxy-injector-k8s-tls'),
      webhook('linkerd-sp-validator-k8s-tls'),
      webhook('linkerd-policy-validator-k8s-tls'),
    ];
  }

  metricQueries(scope: MeshMetricScope): Record<string, string> {
    const ns = promqlMatcher('namespace', scope.namespaces);
    const w = scope.window;
    const inbound = promqlSelector(['direction="inbound"', ns]);
    const queries: Record<string, string> = {
      // linkerd viz stat: sum(increase(response_total{…}[W])) by (…, classification, tls)
      inbound: `sum(increase(response_total${inbound}[${w}])) ${promqlBy([
        'namespace',
        ...WORKLOAD_LABELS,
        'classification',
        'tls',
      ])}`,
    };
    if (scope.summary) return queries;
    for (const [name, q] of Object.entries(QUANTILES)) {
      queries[
        name
      ] = `histogram_quantile(${q}, sum(irate(response_latency_ms_bucket${inbound}[${w}])) ${promqlBy(
        ['le', 'namespace', ...WORKLOAD_LABELS],
      )})`;
    }
    const edgeBy = promqlBy([
      'namespace',
      ...WORKLOAD_LABELS,
      'dst_namespace',
      ...DST_WORKLOAD_LABELS,
      'classification',
      'tls',
    ]);
    queries.outbound = `sum(increase(response_total${promqlSelector([
      'direction="outbound"',
      ns,
    ])}[${w}])) ${edgeBy}`;
    queries.callers = `sum(increase(response_total${promqlSelector([
      'direction="outbound"',
      promqlMatcher('dst_namespace', scope.namespaces),
    ])}[${w}])) ${edgeBy}`;
    return queries;
  }

  readMetrics(results: Record<string, PromSample[]>, scope: MeshMetricScope) {
    const acc = TrafficAccumulator.forWindow(scope.window);
    for (const s of samples(results, 'inbound')) {
      acc.addRequests(
        s.metric.namespace,
        workloadOf(s.metric),
        s.value,
        s.metric.classification === 'success',
        s.metric.tls === undefined ? null : s.metric.tls === 'true',
      );
    }
    for (const name of Object.keys(QUANTILES) as Array<
      keyof typeof QUANTILES
    >) {
      for (const s of samples(results, name)) {
        acc.addLatency(s.metric.namespace, workloadOf(s.metric), name, s.value);
      }
    }
    const inScope = (ns: string) =>
      !scope.namespaces || scope.namespaces.includes(ns);
    for (const id of ['outbound', 'callers']) {
      for (const s of samples(results, id)) {
        const src = {
          namespace: s.metric.namespace,
          name: workloadOf(s.metric),
        };
        const dst = {
          namespace: s.metric.dst_namespace,
          name: workloadOf(s.metric, 'dst_'),
        };
        const ok = s.metric.classification === 'success';
        const tls = s.metric.tls === undefined ? null : s.metric.tls === 'true';
        // A series in both queries (a call inside the namespace) counts once per side.
        if (id === 'outbound' && inScope(src.namespace)) {
          acc.addEdge(
            src.namespace,
            src.name,
            'outbound',
            dst,
            s.value,
            ok,
            tls,
          );
        }
        if (id === 'callers' && inScope(dst.namespace)) {
          acc.addEdge(
            dst.namespace,
            dst.name,
            'inbound',
            src,
            s.value,
            ok,
            tls,
          );
        }
      }
    }
    return acc.result();
  }

  rangeQueries(scope: MeshRangeScope): Record<string, string> {
    const inbound = promqlSelector([
      'direction="inbound"',
      promqlMatcher('namespace', scope.namespaces),
    ]);
    return {
      rate: `sum(rate(response_total${inbound}[${scope.window}])) ${promqlBy([
        'namespace',
        ...WORKLOAD_LABELS,
        'classification',
      ])}`,
      p95: `histogram_quantile(0.95, sum(rate(response_latency_ms_bucket${inbound}[${
        scope.window
      }])) ${promqlBy(['le', 'namespace', ...WORKLOAD_LABELS])})`,
    };
  }

  readRange(results: Record<string, PromSeries[]>) {
    const acc = new SeriesAccumulator();
    for (const s of results.rate ?? []) {
      acc.addRate(
        s.metric.namespace,
        workloadOf(s.metric),
        s,
        s.metric.classification === 'success',
      );
    }
    for (const s of results.p95 ?? []) {
      acc.addP95(s.metric.namespace, workloadOf(s.metric), s);
    }
    return acc.result();
  }

  workloadCertificateQuery(scope: MeshMetricScope): string {
    // The metric was renamed in proxy v2.227.0 (edge-24.4.3): match both names.
    // Only linkerd-viz's job of the proxies' admin ports, which scrapes the
    // control plane's proxies too: an application pod scraped by annotation
    // is in another job, whatever names its metrics have.
    return `min(${promqlSelector([
      '__name__=~"(control_)?identity_cert_expiration_timestamp_seconds"',
      `job="${PROXY_SCRAPE_JOB}"`,
      promqlMatcher('namespace', scope.namespaces),
    ])}) ${promqlBy(['namespace', 'pod'])}`;
  }

  readWorkloadCertificates(list: PromSample[]): MeshWorkloadCertificate[] {
    return list
      .filter(
        s => s.metric.namespace && s.metric.pod && isPlausibleExpiry(s.value),
      )
      .map(s => ({
        namespace: s.metric.namespace,
        pod: s.metric.pod,
        notAfter: s.value,
      }));
  }

  enrollHint(namespace: string): string {
    return `kubectl annotate namespace ${namespace} ${INJECT_ANNOTATION}=enabled, then kubectl rollout restart deployment -n ${namespace}`;
  }

  readonly checkDefinitions: MeshCheckDefinition[] =
    Object.values(LINKERD_CHECKS);

  checks(context: MeshAssessmentContext): MeshCheck[] {
    return linkerdChecks(context, this);
  }
}
