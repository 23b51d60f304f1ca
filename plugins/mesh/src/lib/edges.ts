import { Edge, WorkloadStatus } from '@meshlens/plugin-mesh-common';

/** One peer of the service, all its workloads' edges to that peer merged. */
export interface PeerEdge extends Edge {
  key: string;
}

function mergeMtls(a: boolean | null, b: boolean | null): boolean | null {
  // One plaintext connection is enough to call the edge plaintext.
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

/**
 * Merges the edges of every workload per direction and peer; success rates
 * are averaged weighted by request rate.
 */
export function mergeEdges(workloads: WorkloadStatus[]): PeerEdge[] {
  const merged = new Map<string, PeerEdge & { successWeight: number }>();
  for (const workload of workloads) {
    for (const edge of workload.edges) {
      const key = `${edge.direction}:${edge.peer.namespace}/${edge.peer.name}`;
      const weight =
        edge.successRate === null ? 0 : Math.max(edge.requestsPerSecond, 1e-9);
      const existing = merged.get(key);
      if (!existing) {
        merged.set(key, {
          ...edge,
          key,
          successRate: edge.successRate,
          successWeight: weight,
        });
        continue;
      }
      const totalWeight = existing.successWeight + weight;
      existing.successRate =
        totalWeight === 0
          ? null
          : ((existing.successRate ?? 0) * existing.successWeight +
              (edge.successRate ?? 0) * weight) /
            totalWeight;
      existing.successWeight = totalWeight;
      existing.requestsPerSecond += edge.requestsPerSecond;
      existing.mtls = mergeMtls(existing.mtls, edge.mtls);
    }
  }
  return [...merged.values()]
    .map(({ successWeight: _ignored, ...edge }) => edge)
    .sort(
      (a, b) =>
        a.direction.localeCompare(b.direction) ||
        b.requestsPerSecond - a.requestsPerSecond,
    );
}

/**
 * What kind of caller an inbound edge comes from, when it is not a meshed
 * workload: `ingress: traefik`, or `unmeshed`.
 */
export function callerKindLabel(edge: Edge): string | undefined {
  if (edge.direction !== 'inbound') return undefined;
  if (edge.callerKind === 'ingress') return `ingress: ${edge.ingress}`;
  if (edge.callerKind === 'unmeshed') return 'unmeshed';
  return undefined;
}
