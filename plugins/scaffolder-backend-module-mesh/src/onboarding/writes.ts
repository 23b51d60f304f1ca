import { createHash } from 'node:crypto';
import { KubeObject, KubeResourceType } from '@meshlens/plugin-mesh-node';
import { ChangeRecord } from './types';

/** Labels and annotations of a namespace write; `null` is "absent". */
export interface MetadataKeys {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
}

interface WriteBase {
  change: ChangeRecord;
  type: KubeResourceType;
  name: string;
  namespace?: string;
}

/** A server-side apply of an object Meshlens owns; `live` is what was there. */
export interface ObjectWrite extends WriteBase {
  op: 'object';
  desired: KubeObject;
  live?: KubeObject;
}

/** The enrolment marker: keys set to `next`, `previous` what they were. */
export interface NamespaceWrite extends WriteBase {
  op: 'namespace';
  next: MetadataKeys;
  previous: MetadataKeys;
  resourceVersion: string;
}

/** A rollout restart: the pod template's restartedAt set to `restartedAt`. */
export interface RestartWrite extends WriteBase {
  op: 'restart';
  restartedAt: string;
  previous: string | null;
  /** Whether the pod template had annotations at all, so an undo leaves no empty map. */
  hadAnnotations: boolean;
  resourceVersion: string;
}

/**
 * One write of a plan, as plain data: it survives a checkpoint (JSON) and
 * a scaffolder restart, so a resumed run undoes exactly what it wrote.
 */
export type PlannedWrite = ObjectWrite | NamespaceWrite | RestartWrite;

/** What an applied write left, for undoing it. */
export interface AppliedWrite {
  uid?: string;
  resourceVersion?: string;
  /** The reply was lost: the write may or may not have been committed. */
  uncertain?: boolean;
}

/**
 * What a plan changes, and against which versions of the live objects,
 * without the restart timestamps: two plans with one hash make the same
 * writes over the same cluster state.
 */
export function planHash(writes: PlannedWrite[]): string {
  const essence = writes.map(w => {
    switch (w.op) {
      case 'object':
        return {
          op: w.op,
          type: w.type,
          desired: w.desired,
          live: w.live
            ? {
                uid: w.live.metadata.uid,
                resourceVersion: w.live.metadata.resourceVersion,
              }
            : null,
        };
      case 'namespace':
        return {
          op: w.op,
          name: w.name,
          next: w.next,
          previous: w.previous,
          resourceVersion: w.resourceVersion,
        };
      default:
        return {
          op: w.op,
          type: w.type,
          name: w.name,
          namespace: w.namespace,
          previous: w.previous,
          resourceVersion: w.resourceVersion,
        };
    }
  });
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(essence))
    .digest('hex')}`;
}

/** The template annotation `kubectl rollout restart` sets. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Whether a namespace's labels and annotations have `keys` (`null`: absent). */
export function hasKeys(object: KubeObject, keys: MetadataKeys): boolean {
  const holds = (
    wanted: Record<string, string | null>,
    actual: Record<string, string> | undefined,
  ) =>
    Object.entries(wanted).every(([k, v]) =>
      v === null ? actual?.[k] === undefined : actual?.[k] === v,
    );
  return (
    holds(keys.labels, object.metadata.labels) &&
    holds(keys.annotations, object.metadata.annotations)
  );
}

/** The restartedAt of a workload's pod template, or null. */
export function restartedAtOf(workload: KubeObject): string | null {
  return workload.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? null;
}
