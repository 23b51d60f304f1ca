import {
  isWorkloadReady,
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
  managedObject,
  MESH_POLICY_NAME,
  MeshAdapter,
  MeshClusterReader,
  MeshControlPlaneState,
  MeshNamespaceContext,
  MeshOnboarding,
} from '@meshlens/plugin-mesh-node';

/** A made-up mesh's policy CRD, unknown to the resource catalogue. */
export const TESSERA_POLICY: KubeResourceType = {
  apiVersion: 'tessera.example/v1',
  kind: 'TesseraPolicy',
  plural: 'tesserapolicies',
  namespaced: true,
};

const ENROL = 'tessera.example/enrol';
const PROXY = 'tessera-proxy';

const onboarding: MeshOnboarding = {
  dataPlanes: [
    {
      id: 'sidecar',
      title: 'Tessera',
      podsNeedRestart: true,
      waitForPods: true,
      proxyMetricsPorts: [9901],
      decision: {
        comparison: {
          id: 'tessera',
          title: 'Tessera',
          tradeOff: 'A made-up mesh that exists only in tests.',
          cells: Object.fromEntries(
            [
              'dataPlane',
              'proxyMemory',
              'proxyCpu',
              'controlPlaneCost',
              'mtls',
              'trafficManagement',
              'multiCluster',
              'operationalComplexity',
            ].map(c => [
              c,
              { value: `Tessera ${c}`, sources: ['tessera-doc'] },
            ]),
          ) as any,
          perPodMemoryMiB: { value: 8, basis: 'test figure', sources: [] },
        },
        sources: {
          'tessera-doc': { title: 'Tessera test doc', reference: 'nowhere' },
        },
        consequences: ['Good, because it is only a test.'],
        checklist: ns => [`Label ${ns} with ${ENROL}=on.`],
      },
    },
  ],
  defaultControlPlaneNamespace: 'tessera-system',
  systemNamespaces: { names: ['tessera-system'], prefixes: [], labels: [] },
  writesResources: [TESSERA_POLICY],
  revisions: false,
  coexistsWithOtherMeshes: false,
  needsPorts: () => false,
  controlPlaneProblems: () => [],
  strictMtlsBlocker: () => undefined,
  enrolmentChange: () => ({
    value: { labels: { [ENROL]: 'on' }, annotations: {} },
    notes: [],
  }),
  policyObjects: request => ({
    value: [
      managedObject(TESSERA_POLICY, MESH_POLICY_NAME, request.namespace, {
        mtls: request.mtlsMode,
      }),
    ],
    notes: [],
  }),
  enrolmentMarker: ns =>
    ns.metadata.labels?.[ENROL] === 'on'
      ? { dataPlane: 'sidecar', description: `label ${ENROL}` }
      : undefined,
  markerConflicts: () => [],
  markerMistakes: () => [],
  isOptedOut: meta => meta.labels?.[ENROL] === 'off',
};

/** A fourth mesh, registered only through the extension point. */
export class TesseraAdapter implements MeshAdapter {
  readonly mesh = 'tessera';
  readonly title = 'Tessera';
  readonly onboarding = onboarding;
  readonly detectionResources: KubeResourceType[] = [];
  readonly policyResources = [TESSERA_POLICY];

  async readControlPlane(
    reader: MeshClusterReader,
  ): Promise<MeshControlPlaneState | undefined> {
    const found = await reader.list(KUBE_RESOURCES.deployment, {
      labelSelector: 'app=tessera-control',
    });
    if (found.length === 0) return undefined;
    const problems = found
      .filter(d => !isWorkloadReady(d))
      .map(d => `Deployment ${d.metadata.name} is not ready`);
    return {
      namespace: found[0].metadata.namespace!,
      version: null,
      healthy: problems.length === 0,
      problems,
      details: {},
    };
  }

  detect(context: MeshNamespaceContext) {
    if (context.namespace?.metadata.labels?.[ENROL] !== 'on') return undefined;
    return {
      dataPlane: 'sidecar',
      injection: { namespace: 'enabled' as const, marker: `label ${ENROL}` },
      enrolled: true,
    };
  }

  isPodMeshed(pod: KubeObject): boolean {
    return (pod.spec?.containers ?? []).some(
      (c: { name: string }) => c.name === PROXY,
    );
  }

  proxyVersion = () => null;
  summarizePolicy = (o: KubeObject) => `Tessera policy ${o.metadata.name}`;
  mtlsMode = () => 'strict' as const;
  certificateSources = () => [];
  metricQueries = () => ({});
  readMetrics = () => [];
  rangeQueries = () => ({});
  readRange = () => [];
  enrollHint = (ns: string) => `kubectl label namespace ${ns} ${ENROL}=on`;
  checks = () => [];
}
