/*
 * A made-up fourth mesh, "Meshy", written only against the public API of
 * @meshlens/plugin-mesh-node, as the author of a real fourth mesh would.
 * Its knowledge (CRD, enrolment label, proxy container, metric) lives here
 * and nowhere else: module.fourthMesh.test.ts and the repository's
 * test/fourth-mesh.test.ts register it through the extension points and
 * look for it in every answer Meshlens gives.
 */
import { MeshCheck, MtlsMode } from '@meshlens/plugin-mesh-common';
import {
  isWorkloadReady,
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
  managedObject,
  MESH_POLICY_NAME,
  MeshAdapter,
  MeshAssessmentContext,
  MeshClusterReader,
  MeshControlPlaneState,
  MeshMetricScope,
  MeshNamespaceContext,
  MeshOnboarding,
  MeshWorkload,
  MeshWorkloadTraffic,
  PromSample,
  promDurationSeconds,
  promqlBy,
  promqlMatcher,
  promqlSelector,
} from '@meshlens/plugin-mesh-node';

/** Meshy's policy CRD: the resource catalogue knows nothing of it. */
export const MESHY_POLICY: KubeResourceType = {
  apiVersion: 'meshy.example/v1alpha1',
  kind: 'MeshyPolicy',
  plural: 'meshypolicies',
  namespaced: true,
};

export const MESHY_ENROL_LABEL = 'meshy.example/enrol';
export const MESHY_PROXY = 'meshy-proxy';
const CONTROL_PLANE_SELECTOR = 'app.kubernetes.io/part-of=meshy';
const REQUESTS = 'meshy_requests_total';

const CRITERIA = [
  'dataPlane',
  'proxyMemory',
  'proxyCpu',
  'controlPlaneCost',
  'mtls',
  'trafficManagement',
  'multiCluster',
  'operationalComplexity',
] as const;

const onboarding: MeshOnboarding = {
  dataPlanes: [
    {
      id: 'sidecar',
      title: 'Meshy',
      podsNeedRestart: true,
      waitForPods: true,
      proxyMetricsPorts: [15999],
      decision: {
        comparison: {
          id: 'meshy',
          title: 'Meshy',
          tradeOff: 'A made-up mesh that exists only in tests.',
          cells: Object.fromEntries(
            CRITERIA.map(c => [
              c,
              { value: `Meshy ${c}`, sources: ['meshy-handbook'] },
            ]),
          ) as Record<
            (typeof CRITERIA)[number],
            { value: string; sources: string[] }
          >,
          perPodMemoryMiB: {
            value: 12,
            basis: 'Meshy handbook',
            sources: ['meshy-handbook'],
          },
        },
        sources: {
          'meshy-handbook': {
            title: 'The Meshy handbook',
            reference:
              'scaffolder-backend-module-mesh __testUtils__/meshyAdapter.ts',
          },
        },
        consequences: ['Good, because Meshy exists only in tests.'],
        checklist: ns => [`Label ${ns} with ${MESHY_ENROL_LABEL}=on.`],
      },
    },
  ],
  defaultControlPlaneNamespace: 'meshy-system',
  systemNamespaces: { names: ['meshy-system'], prefixes: [], labels: [] },
  writesResources: [MESHY_POLICY],
  revisions: false,
  coexistsWithOtherMeshes: false,
  needsPorts: () => false,
  controlPlaneProblems: () => [],
  strictMtlsBlocker: () => undefined,
  enrolmentChange: () => ({
    value: { labels: { [MESHY_ENROL_LABEL]: 'on' }, annotations: {} },
    notes: [],
  }),
  policyObjects: request => ({
    value: [
      managedObject(MESHY_POLICY, MESH_POLICY_NAME, request.namespace, {
        mtls: request.mtlsMode,
      }),
    ],
    notes: [],
  }),
  enrolmentMarker: ns =>
    ns.metadata.labels?.[MESHY_ENROL_LABEL] === 'on'
      ? { dataPlane: 'sidecar', description: `label ${MESHY_ENROL_LABEL}` }
      : undefined,
  markerConflicts: () => [],
  markerMistakes: () => [],
  isOptedOut: meta => meta.labels?.[MESHY_ENROL_LABEL] === 'off',
};

function proxyOf(pod: KubeObject): { image?: string } | undefined {
  return (pod.spec?.containers ?? []).find(
    (c: { name: string }) => c.name === MESHY_PROXY,
  );
}

/** Meshy, registered only through the extension points. */
export class MeshyAdapter implements MeshAdapter {
  readonly mesh = 'meshy';
  readonly title = 'Meshy';
  readonly onboarding = onboarding;
  readonly detectionResources: KubeResourceType[] = [];
  readonly policyResources = [MESHY_POLICY];

  async readControlPlane(
    reader: MeshClusterReader,
  ): Promise<MeshControlPlaneState | undefined> {
    const found = await reader.list(KUBE_RESOURCES.deployment, {
      labelSelector: CONTROL_PLANE_SELECTOR,
    });
    if (found.length === 0) return undefined;
    const problems = found
      .filter(d => !isWorkloadReady(d))
      .map(d => `Deployment ${d.metadata.name} is not ready`);
    return {
      namespace: found[0].metadata.namespace!,
      version: found[0].metadata.labels?.['app.kubernetes.io/version'] ?? null,
      healthy: problems.length === 0,
      problems,
      details: {},
    };
  }

  detect(context: MeshNamespaceContext) {
    if (context.namespace?.metadata.labels?.[MESHY_ENROL_LABEL] !== 'on') {
      return undefined;
    }
    return {
      dataPlane: 'sidecar',
      injection: {
        namespace: 'enabled' as const,
        marker: `label ${MESHY_ENROL_LABEL}=on`,
      },
      enrolled: true,
    };
  }

  isPodMeshed(pod: KubeObject): boolean {
    return proxyOf(pod) !== undefined;
  }

  proxyVersion(pod: KubeObject): string | null {
    return proxyOf(pod)?.image?.split(':')[1] ?? null;
  }

  summarizePolicy(object: KubeObject): string {
    return `Meshy mTLS ${object.spec?.mtls ?? 'unset'}`;
  }

  mtlsMode(_w: MeshWorkload, context: MeshAssessmentContext): MtlsMode {
    const policy = (context.policies[MESHY_POLICY.kind] ?? [])[0];
    return policy?.spec?.mtls === 'strict' ? 'strict' : 'permissive';
  }

  certificateSources() {
    return [];
  }

  metricQueries(scope: MeshMetricScope): Record<string, string> {
    const selector = promqlSelector([
      promqlMatcher('namespace', scope.namespaces),
    ]);
    return {
      requests: `sum ${promqlBy([
        'namespace',
        'workload',
        'code',
        'mtls',
      ])} (increase(${REQUESTS}${selector}[${scope.window}]))`,
    };
  }

  readMetrics(
    results: Record<string, PromSample[]>,
    scope: MeshMetricScope,
  ): MeshWorkloadTraffic[] {
    const seconds = promDurationSeconds(scope.window);
    const byWorkload = new Map<
      string,
      {
        namespace: string;
        workload: string;
        all: number;
        ok: number;
        tls: number;
      }
    >();
    for (const { metric, value } of results.requests ?? []) {
      const key = `${metric.namespace}/${metric.workload}`;
      const w = byWorkload.get(key) ?? {
        namespace: metric.namespace,
        workload: metric.workload,
        all: 0,
        ok: 0,
        tls: 0,
      };
      w.all += value;
      if (!metric.code?.startsWith('5')) w.ok += value;
      if (metric.mtls === 'true') w.tls += value;
      byWorkload.set(key, w);
    }
    return [...byWorkload.values()].map(w => ({
      namespace: w.namespace,
      workload: w.workload,
      metrics: {
        requestsPerSecond: w.all / seconds,
        successRate: w.all > 0 ? w.ok / w.all : null,
        latencyMs: { p50: null, p95: null, p99: null },
      },
      encryptedShare: w.all > 0 ? w.tls / w.all : null,
      edges: [],
    }));
  }

  rangeQueries() {
    return {};
  }

  readRange() {
    return [];
  }

  enrollHint(namespace: string): string {
    return `kubectl label namespace ${namespace} ${MESHY_ENROL_LABEL}=on`;
  }

  checks(context: MeshAssessmentContext): MeshCheck[] {
    if (!context.detection.enrolled) return [];
    const policies = context.policies[MESHY_POLICY.kind] ?? [];
    return [
      {
        id: 'meshy.policy',
        status: policies.length ? 'pass' : 'warn',
        message: policies.length
          ? `Namespace ${context.namespaceName} has a MeshyPolicy`
          : `Namespace ${context.namespaceName} has no MeshyPolicy`,
        hint: 'Onboard the namespace with mesh:namespace:onboard',
      },
    ];
  }
}
