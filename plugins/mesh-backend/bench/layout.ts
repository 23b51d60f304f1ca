/** The benchmark's catalog, shared by the cluster process that seeds it and the process that measures. */
export interface BenchEntity {
  name: string;
  /** backstage.io/kubernetes-id, and the label on its workloads. */
  id: string;
  namespace: string;
  cluster: string;
}

export interface BenchLayout {
  clusters: string[];
  big: BenchEntity & { workloads: number };
  entities: BenchEntity[];
  /** Namespaces annotated for injection after their pods started: enrolled, pods without a proxy. */
  enrolledLate: Set<string>;
}

export const ENTITIES_PER_NAMESPACE = 50;

export function benchLayout(
  entities: number,
  bigWorkloads: number,
): BenchLayout {
  const clusters = ['homelab', 'cloud', 'edge'];
  const out: BenchEntity[] = [];
  const enrolledLate = new Set<string>();
  for (let i = 0; i < entities; i++) {
    const cluster = clusters[i % clusters.length];
    const index = Math.floor(i / clusters.length);
    const bucket = Math.floor(index / ENTITIES_PER_NAMESPACE);
    const namespace = `bench-${cluster}-${bucket}`;
    if (bucket % 2 === 1) enrolledLate.add(`${cluster}/${namespace}`);
    out.push({ name: `svc-${i}`, id: `svc-${i}`, namespace, cluster });
  }
  return {
    clusters,
    big: {
      name: 'bench-big',
      id: 'bench-big',
      namespace: 'bench-big',
      cluster: 'homelab',
      workloads: bigWorkloads,
    },
    entities: out,
    enrolledLate,
  };
}
