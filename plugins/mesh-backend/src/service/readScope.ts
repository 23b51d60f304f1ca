import {
  MeshAdapter,
  MeshClusterReader,
  entityWorkloadNamespaces,
} from '@meshlens/plugin-mesh-node';
import { LocatedTarget } from './entityTargets';
import { TopologyHints } from './TopologyHints';

/** Whether two namespace scopes (undefined: the whole cluster) are the same. */
export function sameScope(a: string[] | undefined, b: string[] | undefined) {
  return a === b || (!!a && !!b && a.join('\n') === b.join('\n'));
}

/** Whether two lists hold the same adapters. */
export function sameMeshes(a: MeshAdapter[], b: MeshAdapter[]): boolean {
  return a.length === b.length && a.every(adapter => b.includes(adapter));
}

/** The namespaces to read: the annotated one, those holding the entity's workloads, or all (undefined). */
export async function namespacesOf(
  reader: MeshClusterReader,
  target: LocatedTarget | undefined,
): Promise<string[] | undefined> {
  if (!target) return undefined;
  return entityWorkloadNamespaces((t, o) => reader.list(t, o), target);
}

/**
 * The namespaces to read as far as known before the workload list confirms
 * them: the whole cluster without a target, the annotated namespace, or
 * those remembered for the selector; undefined when nothing is known.
 */
export function knownScope(
  hints: TopologyHints,
  cluster: string,
  target: LocatedTarget | undefined,
  selector: string | undefined,
): { namespaces: string[] | undefined } | undefined {
  if (!target) return { namespaces: undefined };
  if (target.namespace) return { namespaces: [target.namespace] };
  const remembered = hints.namespaces(cluster, selector!);
  return remembered?.length ? { namespaces: remembered } : undefined;
}

/**
 * The mesh reads to start before the namespaces' objects confirm which
 * mesh runs them: for the overview every installed mesh over the whole
 * cluster; for an entity the meshes its namespaces had last time, each
 * over its namespaces (every installed mesh when one is not known).
 */
export function likelyMeshReads(
  hints: TopologyHints,
  cluster: string,
  installed: MeshAdapter[],
  namespaces: string[] | undefined,
  summary: boolean,
): Array<[MeshAdapter, string[] | undefined]> {
  if (summary || !namespaces) return installed.map(a => [a, undefined]);
  const known = namespaces.map(ns => hints.meshOf(cluster, ns));
  if (known.some(mesh => mesh === undefined)) {
    return installed.map(a => [a, namespaces]);
  }
  return installed
    .map(
      a =>
        [a, namespaces.filter((_, i) => known[i] === a.mesh)] as [
          MeshAdapter,
          string[],
        ],
    )
    .filter(([, scope]) => scope.length > 0);
}
