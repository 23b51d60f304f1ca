import { UpstreamError } from '@meshlens/plugin-mesh-common';
import {
  KubeObject,
  KubeResourceType,
  MeshAdapter,
  MeshClusterReader,
  MeshControlPlaneState,
  MeshMetricScope,
  MeshWorkloadCertificate,
  MeshWorkloadTraffic,
  PromSample,
  KUBE_RESOURCES,
  WORKLOAD_RESOURCES,
} from '@meshlens/plugin-mesh-node';
import { PrometheusClient } from '../clients/PrometheusClient';

export function errorMessage(e: unknown): string {
  const err = e as Error & { response?: { status?: number } };
  if (err?.name === 'TimeoutError') return 'request timed out';
  return err?.message ?? String(e);
}

/** Objects of one type grouped by namespace. */
export type ByNamespace = Map<string, KubeObject[]>;

function groupByNamespace(items: KubeObject[], kind: string): ByNamespace {
  const out: ByNamespace = new Map();
  for (const item of items) {
    const ns = item.metadata.namespace ?? '';
    // List items carry no kind; set it on the parsed object rather than copy
    // thousands of them.
    item.kind ??= kind;
    const list = out.get(ns);
    if (list) list.push(item);
    else out.set(ns, [item]);
  }
  return out;
}

/**
 * The Kubernetes state of some namespaces of a cluster (or all of them),
 * read in one round of parallel requests: the number of requests depends
 * on the scope and the adapters, never on the number of workloads or
 * entities in it.
 */
export interface KubeSnapshot {
  /** Namespace objects; a missing namespace maps to undefined. */
  namespaces: Map<string, KubeObject | undefined>;
  pods: ByNamespace;
  workloads: ByNamespace;
  /** Per adapter mesh, per resource kind, grouped by namespace. */
  resources: Map<string, Map<string, ByNamespace>>;
  /** Services and Ingresses: who routes north-south traffic to a workload. */
  services: ByNamespace;
  ingresses: ByNamespace;
  /** Why the Services or Ingresses could not be read (ingress callers are then not recognised). */
  ingressReadError?: string;
}

/** Ingress routing is optional knowledge: a cluster that refuses it still gets its status. */
async function readIngressRouting(
  reader: MeshClusterReader,
  namespaces: string[] | undefined,
): Promise<Pick<KubeSnapshot, 'services' | 'ingresses' | 'ingressReadError'>> {
  try {
    const [services, ingresses] = await Promise.all([
      listScoped(reader, KUBE_RESOURCES.service, namespaces),
      listScoped(reader, KUBE_RESOURCES.ingress, namespaces),
    ]);
    return { services, ingresses };
  } catch (e) {
    return {
      services: new Map(),
      ingresses: new Map(),
      ingressReadError: errorMessage(e),
    };
  }
}

async function listScoped(
  reader: MeshClusterReader,
  type: KubeResourceType,
  namespaces: string[] | undefined,
  labelSelector?: string,
): Promise<ByNamespace> {
  if (!namespaces) {
    return groupByNamespace(
      await reader.list(type, { labelSelector }),
      type.kind,
    );
  }
  const lists = await Promise.all(
    namespaces.map(namespace =>
      reader.list(type, { namespace, labelSelector }),
    ),
  );
  return groupByNamespace(lists.flat(), type.kind);
}

export async function readKubeSnapshot(
  reader: MeshClusterReader,
  namespaces: string[] | undefined,
  resourceTypes: Map<string, KubeResourceType[]>,
): Promise<KubeSnapshot> {
  const namespaceObjects = namespaces
    ? Promise.all(
        namespaces.map(n => reader.get(KUBE_RESOURCES.namespace, n)),
      ).then(list => new Map(namespaces.map((n, i) => [n, list[i]] as const)))
    : reader
        .list(KUBE_RESOURCES.namespace)
        .then(list => new Map(list.map(n => [n.metadata.name, n] as const)));
  const resourceEntries = [...resourceTypes.entries()].map(
    async ([mesh, types]) => {
      const byKind = new Map<string, ByNamespace>();
      await Promise.all(
        types.map(async type => {
          byKind.set(type.kind, await listScoped(reader, type, namespaces));
        }),
      );
      return [mesh, byKind] as const;
    },
  );
  const [ns, pods, workloadLists, resources, routing] = await Promise.all([
    namespaceObjects,
    listScoped(reader, KUBE_RESOURCES.pod, namespaces),
    Promise.all(WORKLOAD_RESOURCES.map(t => listScoped(reader, t, namespaces))),
    Promise.all(resourceEntries),
    readIngressRouting(reader, namespaces),
  ]);
  const workloads: ByNamespace = new Map();
  for (const byNs of workloadLists) {
    for (const [n, list] of byNs) {
      workloads.set(n, [...(workloads.get(n) ?? []), ...list]);
    }
  }
  return {
    namespaces: ns,
    pods,
    workloads,
    resources: new Map(resources),
    ...routing,
  };
}

/** Reads every adapter's control plane; a failing adapter becomes an error, not a failure. */
export async function readControlPlanes(
  reader: MeshClusterReader,
  adapters: MeshAdapter[],
  known: Record<string, MeshControlPlaneState> = {},
): Promise<{
  controlPlanes: Record<string, MeshControlPlaneState>;
  errors: UpstreamError[];
  /** Why, when every adapter's read failed: the cluster cannot be read. */
  unreachable?: string;
}> {
  const controlPlanes: Record<string, MeshControlPlaneState> = {};
  const errors: UpstreamError[] = [];
  const failures: string[] = [];
  await Promise.all(
    adapters.map(async adapter => {
      try {
        const state = await adapter.readControlPlane(
          reader,
          known[adapter.mesh],
        );
        if (state) controlPlanes[adapter.mesh] = state;
      } catch (e) {
        failures.push(errorMessage(e));
        errors.push({
          source: 'kubernetes',
          message: `Reading the ${adapter.mesh} control plane of ${
            reader.cluster
          } failed: ${errorMessage(e)}`,
        });
      }
    }),
  );
  if (adapters.length > 0 && failures.length === adapters.length) {
    return { controlPlanes, errors, unreachable: failures[0] };
  }
  return { controlPlanes, errors };
}

/** The traffic of an adapter's workloads, or the reason it is missing. */
export interface MetricsResult {
  traffic?: Map<string, MeshWorkloadTraffic>;
  workloadCertificates: MeshWorkloadCertificate[];
  error?: string;
}

/**
 * Runs an adapter's PromQL for a scope: one set of queries for all its
 * namespaces and workloads at once.
 */
export async function readMetrics(
  prometheus: PrometheusClient | undefined,
  adapter: MeshAdapter,
  scope: MeshMetricScope,
  missingPrometheusMessage: string,
): Promise<MetricsResult> {
  if (!prometheus) {
    return { workloadCertificates: [], error: missingPrometheusMessage };
  }
  const queries = adapter.metricQueries(scope);
  const certQuery = adapter.workloadCertificateQuery?.(scope);
  const [metricResults, certResult] = await Promise.all([
    Promise.all(
      Object.entries(queries).map(
        async ([id, q]) => [id, await prometheus.query(q)] as const,
      ),
    ).then(
      entries => ({
        ok: true as const,
        results: Object.fromEntries(entries) as Record<string, PromSample[]>,
      }),
      e => ({ ok: false as const, error: errorMessage(e) }),
    ),
    certQuery
      ? prometheus.query(certQuery).then(
          s => adapter.readWorkloadCertificates?.(s) ?? [],
          () => [] as MeshWorkloadCertificate[],
        )
      : Promise.resolve([] as MeshWorkloadCertificate[]),
  ]);
  if (!metricResults.ok) {
    return { workloadCertificates: certResult, error: metricResults.error };
  }
  const traffic = new Map<string, MeshWorkloadTraffic>();
  for (const t of adapter.readMetrics(metricResults.results, scope)) {
    traffic.set(`${t.namespace}/${t.workload}`, t);
  }
  return { traffic, workloadCertificates: certResult };
}
