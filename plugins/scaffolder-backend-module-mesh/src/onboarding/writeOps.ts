import { ConflictError } from '@backstage/errors';
import {
  KubeObject,
  KubernetesCallOptions,
  KubernetesClusterClient,
} from '@meshlens/plugin-mesh-node';
import { FIELD_MANAGER } from './changeSet';
import { isSubset } from './plan';
import {
  AppliedWrite,
  hasKeys,
  MetadataKeys,
  PlannedWrite,
  RESTARTED_AT,
  RestartWrite,
  restartedAtOf,
} from './writes';

/** A namespace patch: the keys given, and the version as the precondition. */
const metadataPatch = (keys: MetadataKeys, resourceVersion: string) => ({
  metadata: {
    resourceVersion,
    ...(Object.keys(keys.labels).length ? { labels: keys.labels } : {}),
    ...(Object.keys(keys.annotations).length
      ? { annotations: keys.annotations }
      : {}),
  },
});

const restartPatch = (
  value: string | null,
  resourceVersion: string,
  dropAnnotations = false,
) => ({
  metadata: { resourceVersion },
  spec: {
    template: {
      metadata: {
        annotations: dropAnnotations ? null : { [RESTARTED_AT]: value },
      },
    },
  },
});

/** Whether undoing `write` empties the template's annotations it created. */
function leavesNoAnnotations(write: RestartWrite, current: KubeObject) {
  const keys = Object.keys(current.spec?.template?.metadata?.annotations ?? {});
  return (
    write.previous === null &&
    !write.hadAnnotations &&
    keys.length === 1 &&
    keys[0] === RESTARTED_AT
  );
}

/**
 * Sends one write, for real or as `dryRun=All`. Every update carries the
 * resourceVersion the plan read, so the server refuses it (409) when the
 * object changed since.
 */
export async function sendWrite(
  api: KubernetesClusterClient,
  write: PlannedWrite,
  options: KubernetesCallOptions & { dryRun?: boolean },
): Promise<KubeObject> {
  const writing = { ...options, fieldManager: FIELD_MANAGER };
  switch (write.op) {
    case 'object': {
      const { resourceVersion } = write.live?.metadata ?? {};
      return api.apply(
        write.type,
        resourceVersion
          ? {
              ...write.desired,
              metadata: { ...write.desired.metadata, resourceVersion },
            }
          : write.desired,
        writing,
      );
    }
    case 'namespace':
      return api.mergePatch(
        write.type,
        write.name,
        undefined,
        metadataPatch(write.next, write.resourceVersion),
        writing,
      );
    default:
      return api.mergePatch(
        write.type,
        write.name,
        write.namespace,
        restartPatch(write.restartedAt, write.resourceVersion),
        writing,
      );
  }
}

/** Whether the live object carries what `write` writes. */
export function carriesWrite(
  write: PlannedWrite,
  current: KubeObject | undefined,
): boolean {
  if (!current) return false;
  switch (write.op) {
    case 'object':
      // An object that was not there is ours once it exists with our spec:
      // the namespace lock keeps other runs out. Status writes of a
      // controller do not count as a change.
      return (
        (!write.live ||
          current.metadata.resourceVersion !==
            write.live.metadata.resourceVersion) &&
        isSubset(write.desired.spec, current.spec)
      );
    case 'namespace':
      return hasKeys(current, write.next);
    default:
      return restartedAtOf(current) === write.restartedAt;
  }
}

/**
 * After a lost reply (or a conflict on a resumed run): reads the object
 * back and says whether the write is in it.
 */
export async function readBack(
  api: KubernetesClusterClient,
  write: PlannedWrite,
  options: KubernetesCallOptions,
): Promise<AppliedWrite | undefined> {
  const current = await api.get(
    write.type,
    write.name,
    write.namespace,
    options,
  );
  if (!carriesWrite(write, current)) return undefined;
  return {
    uid: current!.metadata.uid,
    resourceVersion: current!.metadata.resourceVersion,
  };
}

/** The object as it was, without what the server sets, for a PUT over `resourceVersion`. */
function restorable(previous: KubeObject, resourceVersion: string): KubeObject {
  const {
    managedFields: _m,
    resourceVersion: _r,
    generation: _g,
    ...metadata
  } = previous.metadata as KubeObject['metadata'] & Record<string, unknown>;
  const { status: _s, ...rest } = previous;
  return {
    ...rest,
    metadata: { ...metadata, resourceVersion } as KubeObject['metadata'],
  };
}

/** Why an undo stopped: the object is no longer as this run left it. */
export class ChangedSinceError extends ConflictError {}

const ATTEMPTS = 3;

/**
 * Undoes one write: reads the object, checks it still carries this run's
 * write (otherwise somebody changed it since and it is left alone), then
 * writes the old state with that read's resourceVersion (or uid) as the
 * precondition; a conflict reads again. A write that is not there (a lost
 * reply that was never committed) needs nothing.
 */
export async function undoWrite(
  api: KubernetesClusterClient,
  write: PlannedWrite,
  applied: AppliedWrite,
  options: KubernetesCallOptions,
): Promise<'undone' | 'absent'> {
  const writing = { ...options, fieldManager: FIELD_MANAGER };
  for (let attempt = 1; ; attempt++) {
    const current = await api.get(
      write.type,
      write.name,
      write.namespace,
      options,
    );
    if (!carriesWrite(write, current)) {
      if (applied.uncertain || (write.op === 'object' && !current)) {
        return 'absent';
      }
      throw new ChangedSinceError(
        `${write.change.description}: changed by someone else since this run wrote it; left as it is`,
      );
    }
    const { uid, resourceVersion = '' } = current!.metadata;
    if (write.op === 'object' && applied.uid && uid !== applied.uid) {
      throw new ChangedSinceError(
        `${write.change.description}: re-created by someone else since (uid ${uid}, not ${applied.uid}); left as it is`,
      );
    }
    try {
      if (write.op === 'object') {
        if (write.live) {
          await api.replace(
            write.type,
            restorable(write.live, resourceVersion),
            writing,
          );
        } else {
          await api.delete(write.type, write.name, write.namespace, {
            ...writing,
            preconditions: { uid, resourceVersion },
          });
        }
      } else if (write.op === 'namespace') {
        await api.mergePatch(
          write.type,
          write.name,
          undefined,
          metadataPatch(write.previous, resourceVersion),
          writing,
        );
      } else {
        await api.mergePatch(
          write.type,
          write.name,
          write.namespace,
          restartPatch(
            write.previous,
            resourceVersion,
            leavesNoAnnotations(write, current!),
          ),
          writing,
        );
      }
      return 'undone';
    } catch (error) {
      // A controller wrote the status meanwhile: read again.
      if (!(error instanceof ConflictError) || attempt >= ATTEMPTS) {
        throw error;
      }
    }
  }
}
