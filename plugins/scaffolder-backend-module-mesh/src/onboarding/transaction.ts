import {
  ConflictError,
  CustomErrorBase,
  ResponseError,
} from '@backstage/errors';
import {
  KUBE_RESOURCES,
  KubeObject,
  KubernetesClusterClient,
} from '@meshlens/plugin-mesh-node';
import { OnboardingLeftover, undoCommands } from './leftovers';
import { readBack, sendWrite, undoWrite } from './writeOps';
import { AppliedWrite, PlannedWrite } from './writes';

/** A value a checkpoint keeps: JSON. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue | undefined };

/** `ctx.checkpoint`: a successful result is kept and returned on a resumed run. */
export type Checkpoint = <T extends JsonValue | void>(options: {
  key: string;
  fn: () => Promise<T> | T;
}) => Promise<T>;

/**
 * Why a run failed, naming the step, what was put back and, when the
 * rollback did not finish, what is left with the commands that finish it.
 * @public
 */
export class OnboardingStepError extends CustomErrorBase {
  name = 'OnboardingStepError' as const;

  constructor(
    message: string,
    readonly failedStep: string,
    readonly rolledBack: string[],
    readonly leftovers: OnboardingLeftover[],
  ) {
    super(message);
  }
}

/** A write that got no answer: it may have been committed. */
class ReplyLostError extends CustomErrorBase {}

/** Thrown by a probe's fn: the checkpoint was not stored before. */
class NotStored extends Error {}

/**
 * Reads a checkpoint without storing one: its fn throws, which the
 * scaffolder records as a failed checkpoint (run again next time).
 */
async function probe<T extends JsonValue>(
  checkpoint: Checkpoint,
  key: string,
): Promise<T | undefined> {
  try {
    return await checkpoint<T>({
      key,
      fn: () => {
        throw new NotStored(`no checkpoint ${key}`);
      },
    });
  } catch (error) {
    if (error instanceof NotStored) return undefined;
    throw error;
  }
}

/** The errors the Kubernetes layer makes of 400, 403, 404, 409 and 422. */
const REFUSALS = new Set([
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
]);

/** A 4xx answer: the server refused, so nothing was written. */
function wasRefused(error: unknown): boolean {
  if (error instanceof Error && REFUSALS.has(error.name)) return true;
  if (error instanceof ResponseError) {
    const code = error.response.status;
    return code >= 400 && code < 500;
  }
  return false;
}

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

interface Done {
  write: PlannedWrite;
  applied: AppliedWrite;
}

/**
 * Applies a plan all-or-nothing, as one transaction under the caller's
 * namespace lock: each write in a checkpoint (a resumed run skips what it
 * wrote), stopped by `signal` between writes, and undone on any failure,
 * including one of `afterWrites` (the rollout). A write whose reply was
 * lost (timeout, 5xx, dropped connection, cancelled in flight) counts as
 * possibly applied and is undone if it is there.
 */
export async function applyPlan(options: {
  api: KubernetesClusterClient;
  writes: PlannedWrite[];
  checkpoint: Checkpoint;
  /** Whether the namespace carries the mesh's enrolment marker. */
  markerSet(namespace: KubeObject | undefined): boolean;
  log(message: string): void;
  afterWrites?: () => Promise<void>;
  signal?: AbortSignal;
  timeoutMs?: number;
}): Promise<void> {
  const { api, writes, checkpoint, signal, timeoutMs } = options;
  const key = (what: string) => `meshlens.onboard.${what}`;
  const done: Done[] = [];

  const rollingBack = await probe<{ step: string; cause: string }>(
    checkpoint,
    key('rollback'),
  );
  if (rollingBack) {
    // Restarted during a rollback: undo what the checkpoints say was written.
    for (const [i, write] of writes.entries()) {
      const applied = await probe(checkpoint, key(`write.${i}`));
      done.push({
        write,
        applied: (applied as AppliedWrite | undefined) ?? { uncertain: true },
      });
    }
    return rollback(rollingBack.step, rollingBack.cause);
  }

  async function applyOne(write: PlannedWrite): Promise<AppliedWrite> {
    try {
      const result = await sendWrite(api, write, { signal, timeoutMs });
      return {
        uid: result.metadata.uid,
        resourceVersion: result.metadata.resourceVersion,
      };
    } catch (error) {
      if (error instanceof ConflictError) {
        // Written before a restart, its checkpoint lost with the process.
        const present = await readBack(api, write, { timeoutMs });
        if (present) return present;
      }
      if (wasRefused(error)) throw error;
      throw new ReplyLostError(
        `${messageOf(
          error,
        )} (a 5xx or lost reply: it may have been applied, so it is undone if it is there)`,
      );
    }
  }

  for (const [i, write] of writes.entries()) {
    if (signal?.aborted) {
      return rollback(write.change.description, 'the task was cancelled');
    }
    try {
      const applied = await checkpoint({
        key: key(`write.${i}`),
        fn: async () => (await applyOne(write)) as JsonValue,
      });
      done.push({ write, applied: applied as AppliedWrite });
      options.log(`Done: ${write.change.description}`);
    } catch (error) {
      if (error instanceof ReplyLostError || signal?.aborted) {
        done.push({ write, applied: { uncertain: true } });
      }
      const cause = signal?.aborted
        ? `the task was cancelled (${messageOf(error)})`
        : messageOf(error);
      return rollback(write.change.description, cause);
    }
  }
  if (options.afterWrites) {
    try {
      await options.afterWrites();
    } catch (error) {
      return rollback('Rollout', messageOf(error));
    }
  }
  return undefined;

  async function rollback(step: string, cause: string): Promise<never> {
    await checkpoint({ key: key('rollback'), fn: () => ({ step, cause }) });
    // No signal: a cancelled task still puts back what it wrote.
    const calls = { timeoutMs };
    const rolledBack: string[] = [];
    const leftovers: OnboardingLeftover[] = [];
    const leave = (write: PlannedWrite, state: string) =>
      leftovers.push({
        kind: write.change.kind,
        name: write.name,
        ...(write.namespace ? { namespace: write.namespace } : {}),
        state,
        commands: undoCommands(write),
      });
    const undo = async ({ write, applied }: Done) => {
      try {
        if ((await undoWrite(api, write, applied, calls)) === 'undone') {
          rolledBack.push(write.change.description);
          options.log(`Rolled back: ${write.change.description}`);
        }
      } catch (error) {
        leave(write, messageOf(error));
      }
    };
    const of = (op: PlannedWrite['op']) =>
      done.filter(d => d.write.op === op).reverse();

    // The marker first: a restart undone while it is set would bring the
    // data plane back into the new pods.
    for (const d of of('namespace')) await undo(d);
    const restarts = of('restart');
    if (restarts.length > 0) {
      const namespace = restarts[0].write.namespace!;
      // Unreadable counts as marked: no rollout is started blind.
      const marked = await api
        .get(KUBE_RESOURCES.namespace, namespace, undefined, calls)
        .then(ns => options.markerSet(ns))
        .catch(() => true);
      for (const d of restarts) {
        if (marked) {
          leave(
            d.write,
            `not undone: namespace ${namespace} still has the enrolment marker, and a restart now would bring the data plane back; remove the marker first`,
          );
        } else {
          await undo(d);
        }
      }
    }
    for (const d of of('object')) await undo(d);

    const parts = [
      `Step "${step}" failed: ${cause}.`,
      rolledBack.length > 0
        ? `Rolled back: ${rolledBack.join('; ')}.`
        : 'Nothing had been changed before it.',
    ];
    if (leftovers.length > 0) {
      parts.push(
        `Could NOT roll back ${leftovers
          .map(l => `${l.kind} ${l.name} (${l.state})`)
          .join('; ')}. Finish by hand: ${leftovers
          .flatMap(l => l.commands)
          .join(' && ')}`,
      );
    }
    throw new OnboardingStepError(parts.join(' '), step, rolledBack, leftovers);
  }
}
