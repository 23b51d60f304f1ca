import { formatLabelSelector } from '@meshlens/plugin-mesh-node';
import { KUBERNETES_ID_ANNOTATION } from '@meshlens/plugin-mesh-common';
import { entityWorkloads } from './assemble';
import { KubeSnapshot } from './clusterSnapshot';
import { EntityTarget } from './entityTargets';

/**
 * Finds an entity's workloads among a whole cluster's without scanning all
 * of them per entity: `backstage.io/kubernetes-id` selectors are looked up.
 */
export class WorkloadIndex {
  private readonly byId = new Map<string, Set<string>>();
  private readonly memo = new Map<string, ReturnType<typeof entityWorkloads>>();

  constructor(private readonly snapshot: KubeSnapshot) {
    for (const [ns, list] of snapshot.workloads) {
      for (const w of list) {
        const id = w.metadata.labels?.[KUBERNETES_ID_ANNOTATION];
        if (!id) continue;
        const set = this.byId.get(id) ?? new Set();
        set.add(ns);
        this.byId.set(id, set);
      }
    }
  }

  private idOf(target: Extract<EntityTarget, { ok: true }>) {
    const [r] = target.selector;
    return target.selector.length === 1 &&
      r.op === '=' &&
      r.key === KUBERNETES_ID_ANNOTATION
      ? r.values[0]
      : undefined;
  }

  namespacesOf(target: Extract<EntityTarget, { ok: true }>): string[] {
    const id = this.idOf(target);
    if (id !== undefined) return [...(this.byId.get(id) ?? [])].sort();
    return [...this.snapshot.workloads.keys()].filter(
      ns => this.workloads(ns, target).length > 0,
    );
  }

  workloads(namespace: string, target: Extract<EntityTarget, { ok: true }>) {
    const key = `${namespace}|${formatLabelSelector(target.selector)}`;
    let hit = this.memo.get(key);
    if (!hit) {
      hit = entityWorkloads(
        namespace,
        target.selector,
        this.snapshot.workloads,
        this.snapshot.pods,
      );
      this.memo.set(key, hit);
    }
    return hit;
  }
}
