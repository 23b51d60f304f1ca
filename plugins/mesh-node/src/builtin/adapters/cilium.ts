import {
  MeshCheck,
  MeshCheckDefinition,
  MtlsMode,
} from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
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
  PromSample,
  PromSeries,
  KUBE_RESOURCES,
  isWorkloadReady,
  LabelSelectorSpec,
  labelSelectorFromSpec,
  matchesLabelSelector,
} from '../../index';
import {
  DestinationRequestMetrics,
  destinationMetricQueries,
  destinationRangeQueries,
  readDestinationMetrics,
  readDestinationRange,
  TrafficAccumulator,
  imageTag,
  summarizeNetworkPolicy,
} from './common';

import { ciliumOnboarding } from './ciliumOnboarding';
import { CILIUM_CHECKS, ciliumChecks } from './ciliumChecks';
import { ciliumCost } from './ciliumCost';
/** Cilium's dashboard counts everything but 5xx as success. */
const isSuccess = (status: string | undefined) => !/^5/.test(status ?? '');

/** Hubble's server-side HTTP metrics (mesh-facts: Hubble). */
const REQUESTS: DestinationRequestMetrics = {
  reporter: 'reporter="server"',
  requests: 'hubble_http_requests_total',
  durationBuckets: 'hubble_http_request_duration_seconds_bucket',
  namespaceLabel: 'destination_namespace',
  workloadLabel: 'destination_workload',
  sourceNamespaceLabel: 'source_namespace',
  sourceWorkloadLabel: 'source_workload',
  statusLabel: 'status',
  isSuccess,
  toMilliseconds: 1000,
};

function rules(policy: KubeObject): any[] {
  const spec = policy.spec ?? {};
  return [...(spec.ingress ?? []), ...(spec.egress ?? [])];
}

/** HTTP metrics exist only for pods selected by a policy with L7 rules. */
function hasL7Rules(policy: KubeObject): boolean {
  return rules(policy).some((r: any) =>
    (r.toPorts ?? []).some(
      (p: any) => p.rules?.http || p.rules?.kafka || p.rules?.dns,
    ),
  );
}

function requiresAuth(policy: KubeObject): boolean {
  return rules(policy).some((r: any) => r.authentication?.mode === 'required');
}

function selects(
  policy: KubeObject,
  labels: Record<string, string> | undefined,
) {
  const spec: LabelSelectorSpec = policy.spec?.endpointSelector ?? {};
  // Cilium also accepts labels prefixed with their source, e.g. k8s:app.
  const unprefixed = (key: string) => key.replace(/^k8s:/, '');
  const selector = labelSelectorFromSpec({
    matchLabels: Object.fromEntries(
      Object.entries(spec.matchLabels ?? {}).map(([k, v]) => [
        unprefixed(k),
        v,
      ]),
    ),
    matchExpressions: (spec.matchExpressions ?? []).map(e => ({
      ...e,
      key: unprefixed(e.key),
    })),
  });
  return selector !== undefined && matchesLabelSelector(selector, labels);
}

/**
 * Cilium: the eBPF data plane, with Hubble's HTTP metrics where L7 visibility is on.
 * @public
 */
export class CiliumAdapter implements MeshAdapter {
  readonly mesh = 'cilium';
  readonly title = 'Cilium';
  // The mesh tax (issue 15), in ciliumCost.ts.
  readonly proxyContainers = ciliumCost.proxyContainers;
  readonly controlPlaneComponents = ciliumCost.controlPlaneComponents;
  readonly sharedProxies = ciliumCost.sharedProxies;
  readonly costAlternatives = ciliumCost.costAlternatives;
  readonly onboarding = ciliumOnboarding;
  readonly detectionResources = [KUBE_RESOURCES.ciliumNetworkPolicy];
  readonly policyResources = [
    KUBE_RESOURCES.ciliumNetworkPolicy,
    KUBE_RESOURCES.networkPolicy,
  ];

  async readControlPlane(
    reader: MeshClusterReader,
    known?: MeshControlPlaneState,
  ): Promise<MeshControlPlaneState | undefined> {
    const found = await readAlongsideKnownNamespace({
      known,
      locate: () =>
        reader.list(KUBE_RESOURCES.daemonSet, {
          labelSelector: 'k8s-app=cilium',
        }),
      namespaceOf: agents => agents[0]?.metadata.namespace,
      read: ns => reader.get(KUBE_RESOURCES.configMap, 'cilium-config', ns),
    });
    if (!found) return undefined;
    const { located: agents, namespace } = found;
    const config = found.objects?.data ?? {};
    const problems = agents
      .filter(a => !isWorkloadReady(a))
      .map(a => `DaemonSet ${namespace}/${a.metadata.name} is not ready`);
    if (config['enable-hubble'] === 'false') {
      problems.push(
        'Hubble is disabled (enable-hubble=false): no HTTP metrics',
      );
    }
    const tagOf = (a: KubeObject) =>
      imageTag(
        (a.spec?.template?.spec?.containers ?? []).find(
          (c: any) => c.name === 'cilium-agent',
        )?.image ?? a.spec?.template?.spec?.containers?.[0]?.image,
      );
    return {
      namespace,
      version:
        agents[0].metadata.labels?.['app.kubernetes.io/version'] ??
        tagOf(agents[0]),
      healthy: problems.length === 0,
      problems,
      details: {
        meshAuth: config['mesh-auth-enabled'] === 'true',
        encryption:
          config['enable-wireguard'] === 'true' ||
          config['enable-ipsec'] === 'true',
        hubble: config['enable-hubble'] !== 'false',
        hubbleMetrics: config['hubble-metrics'] ?? null,
      },
    };
  }

  private l7Policies(context: MeshNamespaceContext): KubeObject[] {
    return (context.resources.CiliumNetworkPolicy ?? []).filter(
      p => hasL7Rules(p) || requiresAuth(p),
    );
  }

  detect(context: MeshNamespaceContext): MeshDetection | undefined {
    const policies = this.l7Policies(context);
    if (policies.length === 0) return undefined;
    return {
      dataPlane: 'ebpf',
      injection: {
        namespace: 'enabled',
        marker: `CiliumNetworkPolicy ${policies
          .map(p => p.metadata.name)
          .join(', ')} (L7 visibility)`,
      },
      enrolled: true,
    };
  }

  isPodMeshed(pod: KubeObject, context: MeshNamespaceContext): boolean {
    if (pod.spec?.hostNetwork) return false;
    return this.l7Policies(context).some(p => selects(p, pod.metadata.labels));
  }

  proxyVersion(): string | null {
    // No per-pod proxy: the node agent's version is the control plane's.
    return null;
  }

  summarizePolicy(object: KubeObject): string {
    if (object.kind !== 'CiliumNetworkPolicy')
      return summarizeNetworkPolicy(object);
    const selector = Object.entries(
      object.spec?.endpointSelector?.matchLabels ?? {},
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const http = rules(object)
      .flatMap((r: any) => r.toPorts ?? [])
      .flatMap((p: any) => p.rules?.http ?? [])
      .map((h: any) => `${h.method ?? '*'} ${h.path ?? '/*'}`);
    return `${selector ? `Pods ${selector}` : 'All pods'}: ${
      (object.spec?.ingress ?? []).length
    } ingress, ${(object.spec?.egress ?? []).length} egress rule(s)${
      http.length ? `, L7 HTTP ${http.slice(0, 3).join(', ')}` : ''
    }${requiresAuth(object) ? ', mutual authentication required' : ''}`;
  }

  mtlsMode(workload: MeshWorkload, context: MeshAssessmentContext): MtlsMode {
    const labels = workload.object.spec?.template?.metadata?.labels;
    const policies = (context.policies.CiliumNetworkPolicy ?? []).filter(p =>
      selects(p, labels),
    );
    if (context.controlPlane.details.meshAuth && policies.some(requiresAuth)) {
      return 'strict';
    }
    // WireGuard/IPsec encrypt node to node for every pod, without workload identity.
    if (context.controlPlane.details.encryption) return 'automatic';
    return 'disabled';
  }

  certificateSources(
    controlPlane: MeshControlPlaneState,
  ): MeshCertificateSource[] {
    const ns = controlPlane.namespace;
    // The Helm chart's names: its common CA (`cilium.ca.setup`) and the
    // Hubble server certificate it signs (templates/hubble/tls-helm).
    return [
      {
        kind: 'Secret',
        namespace: ns,
        name: 'cilium-ca',
        keys: [{ key: 'ca.crt', role: 'trust-anchor' }],
      },
      {
        kind: 'Secret',
        namespace: ns,
        name: 'hubble-server-certs',
        keys: [
          { key: 'tls.crt', role: 'workload' },
          { key: 'ca.crt', role: 'trust-anchor' },
        ],
      },
    ];
  }

  metricQueries(scope: MeshMetricScope): Record<string, string> {
    return destinationMetricQueries(REQUESTS, scope);
  }

  readMetrics(results: Record<string, PromSample[]>, scope: MeshMetricScope) {
    // Hubble has no per-request mTLS label: encryption stays unknown.
    const acc = TrafficAccumulator.forWindow(scope.window);
    readDestinationMetrics(REQUESTS, results, scope, acc);
    return acc.result();
  }

  rangeQueries(scope: MeshRangeScope): Record<string, string> {
    return destinationRangeQueries(REQUESTS, scope);
  }

  readRange(results: Record<string, PromSeries[]>) {
    return readDestinationRange(REQUESTS, results);
  }

  enrollHint(namespace: string): string {
    return `Apply a CiliumNetworkPolicy in ${namespace} whose ingress toPorts carry L7 http rules (the "Mesh my service" template writes one)`;
  }

  readonly checkDefinitions: MeshCheckDefinition[] =
    Object.values(CILIUM_CHECKS);

  requiresAuth(policy: KubeObject): boolean {
    return requiresAuth(policy);
  }

  checks(context: MeshAssessmentContext): MeshCheck[] {
    return ciliumChecks(context, this);
  }
}
