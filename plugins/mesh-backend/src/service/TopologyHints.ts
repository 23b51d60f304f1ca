import { MeshControlPlaneState } from '@meshlens/plugin-mesh-node';

interface Remembered<T> {
  value: T;
  at: number;
}

/**
 * What earlier requests learnt about the clusters: the Kubernetes backend's
 * cluster list, where each cluster's control planes run, the namespaces
 * that hold the workloads of an entity known by label selector only, and
 * which mesh ran each namespace. They
 * change rarely (a config reload, a mesh install or upgrade, a move), and
 * every other read depends on them, so knowing them lets a request send all
 * its reads in one round instead of three or four. They are hints only: each request reads them again
 * in that same round, and builds its answer from what it read, so a stale
 * hint costs a second round, never a wrong answer. Kept in memory, not in the
 * cache service: they say which requests to send, not what a user may see.
 */
export class TopologyHints {
  private clusterList?: Remembered<string[]>;
  private readonly planes = new Map<
    string,
    Remembered<Record<string, MeshControlPlaneState>>
  >();

  /** Namespaces per `${cluster}\n${labelSelector}`, oldest first. */
  private readonly locations = new Map<string, Remembered<string[]>>();
  /** The mesh (or none) per `${cluster}\n${namespace}`, oldest first. */
  private readonly meshes = new Map<string, Remembered<string | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Bounds the entity locations kept; the oldest go first. */
    private readonly maxEntries = 20_000,
  ) {}

  private fresh<T>(entry: Remembered<T> | undefined): T | undefined {
    return entry && this.now() - entry.at < this.ttlMs
      ? entry.value
      : undefined;
  }

  clusters(): string[] | undefined {
    return this.fresh(this.clusterList);
  }

  rememberClusters(clusters: string[]) {
    this.clusterList = { value: [...clusters], at: this.now() };
  }

  controlPlanes(
    cluster: string,
  ): Record<string, MeshControlPlaneState> | undefined {
    return this.fresh(this.planes.get(cluster));
  }

  rememberControlPlanes(
    cluster: string,
    controlPlanes: Record<string, MeshControlPlaneState>,
  ) {
    this.planes.set(cluster, { value: controlPlanes, at: this.now() });
  }

  namespaces(cluster: string, labelSelector: string): string[] | undefined {
    return this.fresh(this.locations.get(`${cluster}\n${labelSelector}`));
  }

  rememberNamespaces(
    cluster: string,
    labelSelector: string,
    namespaces: string[],
  ) {
    this.remember(this.locations, `${cluster}\n${labelSelector}`, [
      ...namespaces,
    ]);
  }

  /** The mesh that ran a namespace (null: none), undefined when not known. */
  meshOf(cluster: string, namespace: string): string | null | undefined {
    return this.fresh(this.meshes.get(`${cluster}\n${namespace}`));
  }

  rememberMesh(cluster: string, namespace: string, mesh: string | null) {
    this.remember(this.meshes, `${cluster}\n${namespace}`, mesh);
  }

  private remember<T>(map: Map<string, Remembered<T>>, key: string, value: T) {
    map.delete(key);
    map.set(key, { value, at: this.now() });
    for (const oldest of map.keys()) {
      if (map.size <= this.maxEntries) break;
      map.delete(oldest);
    }
  }
}
