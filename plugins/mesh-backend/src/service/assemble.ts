import {
  CertificateInfo,
  ClusterMeshStatus,
  DashboardLink,
  MeshName,
  UpstreamError,
  WorkloadStatus,
  hasVersionSkew,
} from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  MeshAssessmentContext,
  MeshWorkload,
  MeshWorkloadCertificate,
  MeshWorkloadTraffic,
  LabelSelector,
  labelSelectorFromSpec,
  labelIndexOf,
  meshTitleOf,
} from '@meshlens/plugin-mesh-node';
import { stringify as toYaml } from 'yaml';
import {
  CertificateReader,
  IssuerVerification,
} from '../clients/CertificateReader';
import { MeshClusterConfig } from '../config';
import { StatusCheckInput, statusChecks } from './checks';
import { ByNamespace } from './clusterSnapshot';
import { NamespaceMesh } from './meshDetection';
import { edgesWithIngressCallers } from './ingressCallers';

const NONE: KubeObject[] = [];

/** The entity's workloads in a namespace, each with the pods its selector matches. */
export function entityWorkloads(
  namespace: string,
  selector: LabelSelector,
  workloads: ByNamespace,
  pods: ByNamespace,
): MeshWorkload[] {
  const nsPods = labelIndexOf(pods.get(namespace) ?? NONE);
  return labelIndexOf(workloads.get(namespace) ?? NONE)
    .select(selector)
    .map(w => {
      const podSelector = labelSelectorFromSpec(w.spec?.selector);
      return {
        kind: w.kind ?? 'Deployment',
        name: w.metadata.name,
        namespace,
        object: w,
        pods: podSelector ? nsPods.select(podSelector) : [],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface AssembleInput {
  cluster: string;
  namespace: string;
  workloads: MeshWorkload[];
  mesh?: NamespaceMesh;
  /** Workload traffic keyed `namespace/workload`; undefined when metrics are unavailable. */
  traffic?: Map<string, MeshWorkloadTraffic>;
  policies: Record<string, KubeObject[]>;
  certificates: CertificateInfo[];
  issuers: IssuerVerification[];
  workloadCertificates: MeshWorkloadCertificate[];
  certificateReader: CertificateReader;
  errors: UpstreamError[];
  clusterConfig?: MeshClusterConfig;
  /** The overview leaves out policy YAML and edges it does not show. */
  summary?: boolean;
  /** Set when no mesh runs the namespace: what the cluster runs instead. */
  unmeshed?: StatusCheckInput['unmeshed'];
  /** Where the workloads were looked for, for the check when none is found. */
  target?: StatusCheckInput['target'];
  /** The namespace's Services and Ingresses, to name ingress callers the metrics cannot. */
  services?: KubeObject[];
  ingresses?: KubeObject[];
}

/** One cluster and namespace of an entity, as the API returns it. */
export function assembleClusterStatus(input: AssembleInput): ClusterMeshStatus {
  const { mesh, cluster, namespace } = input;
  const adapter = mesh?.adapter;
  const trafficOf = (name: string) =>
    input.traffic?.get(`${namespace}/${name}`);
  const localTraffic = new Map<string, MeshWorkloadTraffic>();
  for (const w of input.workloads) {
    const t = trafficOf(w.name);
    if (t) localTraffic.set(w.name, t);
  }
  const assessment: MeshAssessmentContext | undefined = mesh && {
    ...mesh.context,
    detection: mesh.detection,
    workloads: input.workloads,
    policies: input.policies,
    traffic: input.traffic ? localTraffic : undefined,
  };

  const workloads: WorkloadStatus[] = input.workloads.map(w => {
    const meshedPods =
      adapter && assessment
        ? w.pods.filter(p => adapter.isPodMeshed(p, assessment))
        : [];
    const proxyVersions = [
      ...new Set(
        meshedPods
          .map(p => adapter!.proxyVersion(p))
          .filter((v): v is string => Boolean(v)),
      ),
    ].sort();
    const traffic = localTraffic.get(w.name);
    let metrics: WorkloadStatus['metrics'] = null;
    if (adapter && input.traffic) {
      metrics = traffic?.metrics ?? {
        requestsPerSecond: 0,
        successRate: null,
        latencyMs: { p50: null, p95: null, p99: null },
      };
    }
    return {
      kind: w.kind,
      name: w.name,
      pods: w.pods.length,
      meshedPods: meshedPods.length,
      proxyVersions,
      versionSkew: hasVersionSkew(proxyVersions, mesh?.controlPlane.version),
      mtls: {
        mode:
          adapter && assessment ? adapter.mtlsMode(w, assessment) : 'disabled',
        encryptedShare: traffic?.encryptedShare ?? null,
      },
      metrics,
      // The overview shows no edges, but grades plaintext by who sends it.
      edges: edgesWithIngressCallers({
        workload: w,
        metrics,
        encryptedShare: traffic?.encryptedShare ?? null,
        edges: traffic?.edges ?? [],
        services: input.services ?? NONE,
        ingresses: input.ingresses ?? NONE,
      }),
    };
  });

  const certificates = [
    ...input.certificates,
    ...workloadCertificates(input, workloads),
  ].sort((a, b) => a.daysLeft - b.daysLeft);

  // The overview shows neither policies nor links; its checks read the policies themselves.
  const policies = (
    input.summary ? [] : Object.values(input.policies).flat()
  ).map(p => ({
    kind: p.kind ?? '',
    apiVersion: p.apiVersion ?? '',
    name: p.metadata.name,
    namespace: p.metadata.namespace,
    summary: adapter ? adapter.summarizePolicy(p) : '',
    yaml: input.summary ? undefined : toYaml(withoutManagedFields(p)),
  }));

  const status: ClusterMeshStatus = {
    cluster,
    namespace,
    mesh: (adapter?.mesh ?? 'none') as MeshName,
    dataPlane: mesh?.detection.dataPlane ?? 'none',
    ...(adapter ? { meshTitle: meshTitleOf(adapter) } : {}),
    controlPlane: mesh
      ? {
          namespace: mesh.controlPlane.namespace,
          version: mesh.controlPlane.version,
          healthy: mesh.controlPlane.healthy,
        }
      : null,
    injection: mesh?.detection.injection ?? {
      namespace: 'unset',
      marker: null,
    },
    workloads,
    certificates,
    policies,
    checks: [],
    errors: input.errors,
    links: input.summary
      ? undefined
      : dashboardLinks(input.clusterConfig, cluster, namespace, workloads),
  };

  status.checks = statusChecks({
    status,
    workloads: input.workloads,
    mesh:
      mesh && assessment
        ? {
            adapter: mesh.adapter,
            assessment,
            controlPlane: mesh.controlPlane,
            enrolled: mesh.detection.enrolled,
          }
        : undefined,
    issuers: input.issuers,
    unmeshed: input.unmeshed,
    target: input.target,
  });
  if (input.summary) for (const w of workloads) w.edges = [];
  return status;
}

/** The soonest-expiring proxy certificate of each of the entity's workloads. */
function workloadCertificates(
  input: AssembleInput,
  workloads: WorkloadStatus[],
): CertificateInfo[] {
  if (input.workloadCertificates.length === 0) return [];
  const byPod =
    expiryByNamespace(input.workloadCertificates).get(input.namespace) ??
    new Map<string, number>();
  const issuer = input.certificates.find(c => c.role === 'issuer');
  const out: CertificateInfo[] = [];
  for (const w of input.workloads) {
    if (!workloads.some(s => s.name === w.name)) continue;
    let soonest: { pod: string; notAfter: number } | undefined;
    for (const pod of w.pods) {
      const notAfter = byPod.get(pod.metadata.name);
      if (notAfter !== undefined && (!soonest || notAfter < soonest.notAfter)) {
        soonest = { pod: pod.metadata.name, notAfter };
      }
    }
    if (!soonest) continue;
    out.push(
      input.certificateReader.info({
        role: 'workload',
        subject: `${input.namespace}/${w.name}`,
        issuer: issuer?.subject ?? '',
        serialNumber: '',
        // Proxies export the expiry only.
        notBefore: '',
        notAfter: new Date(soonest.notAfter * 1000).toISOString(),
        source: `proxy metrics of pod ${input.namespace}/${soonest.pod}`,
      }),
    );
  }
  return out;
}

const expiries = new WeakMap<object, Map<string, Map<string, number>>>();

/** Proxy certificate expiry per namespace and pod, built once per metrics read. */
function expiryByNamespace(
  certificates: MeshWorkloadCertificate[],
): Map<string, Map<string, number>> {
  let out = expiries.get(certificates);
  if (!out) {
    out = new Map();
    for (const c of certificates) {
      const pods = out.get(c.namespace) ?? new Map<string, number>();
      pods.set(c.pod, c.notAfter);
      out.set(c.namespace, pods);
    }
    expiries.set(certificates, out);
  }
  return out;
}

function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _managed, ...metadata } = object.metadata as any;
  return { ...object, metadata };
}

const LINK_TITLES: Record<string, string> = {
  linkerdViz: 'Linkerd viz',
  kiali: 'Kiali',
  grafana: 'Grafana',
};

function dashboardLinks(
  config: MeshClusterConfig | undefined,
  cluster: string,
  namespace: string,
  workloads: WorkloadStatus[],
): DashboardLink[] | undefined {
  if (!config) return undefined;
  const links: DashboardLink[] = [];
  for (const [key, template] of Object.entries(config.links)) {
    if (!template) continue;
    const targets = workloads.length ? workloads.map(w => w.name) : [''];
    for (const workload of targets) {
      links.push({
        title: `${LINK_TITLES[key] ?? key}${workload ? `: ${workload}` : ''}`,
        url: template
          .replace(/\{cluster\}/g, encodeURIComponent(cluster))
          .replace(/\{namespace\}/g, encodeURIComponent(namespace))
          .replace(/\{workload\}/g, encodeURIComponent(workload)),
      });
    }
  }
  return links.length ? links : undefined;
}
