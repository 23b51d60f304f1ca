import { CustomErrorBase } from '@backstage/errors';
import {
  KUBE_RESOURCES,
  KubeObject,
  KubeResourceType,
  KubernetesClusterClient,
  resourceTypeOf,
} from '@meshlens/plugin-mesh-node';
import { FIELD_MANAGER } from './changeSet';
import { ChangeRecord, DesiredState, OnboardingRequest } from './types';

/** One write, with the write that undoes it. */
export interface Step {
  change: ChangeRecord;
  apply(api: KubernetesClusterClient): Promise<void>;
  rollback(api: KubernetesClusterClient): Promise<void>;
}

/** True when every field of `wanted` has the same value in `actual`. */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') {
    return wanted === actual;
  }
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) &&
      actual.length === wanted.length &&
      wanted.every((w, i) => isSubset(w, actual[i]))
    );
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return false;
  }
  return Object.entries(wanted as Record<string, unknown>).every(([k, v]) =>
    isSubset(v, (actual as Record<string, unknown>)[k]),
  );
}

/** The object as it was, ready to PUT over its current version. */
function restorable(previous: KubeObject, current: KubeObject): KubeObject {
  const { managedFields, resourceVersion, generation, ...metadata } =
    previous.metadata as KubeObject['metadata'] & Record<string, unknown>;
  const { status, ...rest } = previous;
  return {
    ...rest,
    metadata: {
      ...metadata,
      resourceVersion: (current.metadata as Record<string, unknown>)
        .resourceVersion,
    } as KubeObject['metadata'],
  };
}

function objectStep(
  desired: KubeObject,
  live: KubeObject | undefined,
  types: KubeResourceType[],
): Step {
  const type = resourceTypeOf(desired, types);
  const { apiVersion, kind } = type;
  const { name, namespace } = desired.metadata;
  const writing = { fieldManager: FIELD_MANAGER };
  // The object this run created, so a rollback deletes that one only and
  // never one somebody made again meanwhile.
  let created: KubeObject | undefined;
  return {
    change: {
      action: 'apply',
      apiVersion,
      kind,
      name: desired.metadata.name,
      namespace: desired.metadata.namespace,
      description: `${live ? 'Update' : 'Create'} ${kind} ${
        desired.metadata.namespace
      }/${desired.metadata.name}`,
    },
    async apply(api) {
      created = await api.apply(type, desired, writing);
    },
    async rollback(api) {
      if (!live) {
        const uid = created?.metadata.uid;
        await api.delete(type, name, namespace, {
          ...(uid ? { preconditions: { uid } } : {}),
        });
        return;
      }
      const current = await api.get(type, name, namespace);
      if (!current) {
        const { resourceVersion, ...metadata } = live.metadata as Record<
          string,
          unknown
        >;
        await api.apply(
          type,
          { ...live, metadata: metadata as KubeObject['metadata'] },
          writing,
        );
        return;
      }
      await api.replace(type, restorable(live, current), writing);
    },
  };
}

function describeKeys(
  what: string,
  changes: Record<string, string | null>,
): string[] {
  return Object.entries(changes).map(([k, v]) =>
    v === null ? `remove ${what} ${k}` : `${what} ${k}=${v}`,
  );
}

function namespaceStep(
  request: OnboardingRequest,
  desired: DesiredState,
  live: KubeObject,
): Step | undefined {
  const diff = (
    wanted: Record<string, string | null>,
    current: Record<string, string> | undefined,
  ) => {
    const next: Record<string, string | null> = {};
    const previous: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(wanted)) {
      const now = current?.[k];
      if ((v === null && now !== undefined) || (v !== null && now !== v)) {
        next[k] = v;
        previous[k] = now ?? null;
      }
    }
    return { next, previous };
  };
  const labels = diff(desired.namespace.labels, live.metadata.labels);
  const annotations = diff(
    desired.namespace.annotations,
    live.metadata.annotations,
  );
  const patch = (l: Record<string, unknown>, a: Record<string, unknown>) => ({
    metadata: {
      ...(Object.keys(l).length ? { labels: l } : {}),
      ...(Object.keys(a).length ? { annotations: a } : {}),
    },
  });
  if (
    Object.keys(labels.next).length === 0 &&
    Object.keys(annotations.next).length === 0
  ) {
    return undefined;
  }
  const write = (api: KubernetesClusterClient, body: object) =>
    api.mergePatch(
      KUBE_RESOURCES.namespace,
      request.namespace,
      undefined,
      body,
      {
        fieldManager: FIELD_MANAGER,
      },
    );
  return {
    change: {
      action: 'patch',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: request.namespace,
      description: `Namespace ${request.namespace}: ${[
        ...describeKeys('label', labels.next),
        ...describeKeys('annotation', annotations.next),
      ].join(', ')}`,
    },
    async apply(api) {
      await write(api, patch(labels.next, annotations.next));
    },
    async rollback(api) {
      // null removes the keys that did not exist before.
      await write(api, patch(labels.previous, annotations.previous));
    },
  };
}

/**
 * The writes that bring the cluster to `desired`, after reading what is
 * there: objects first (policies before traffic can arrive through a
 * proxy), then the namespace's enrolment marker. Nothing when nothing
 * differs.
 */
export async function planChanges(options: {
  api: KubernetesClusterClient;
  request: OnboardingRequest;
  desired: DesiredState;
  liveNamespace: KubeObject;
}): Promise<{ steps: Step[]; unchanged: string[] }> {
  const { api, request, desired, liveNamespace } = options;
  const steps: Step[] = [];
  const unchanged: string[] = [];
  for (const obj of desired.objects) {
    const live = await api.get(
      resourceTypeOf(obj, desired.resourceTypes),
      obj.metadata.name,
      obj.metadata.namespace,
    );
    if (
      live &&
      isSubset(obj.spec, live.spec) &&
      isSubset(obj.metadata.labels, live.metadata.labels)
    ) {
      unchanged.push(
        `${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name}`,
      );
    } else {
      steps.push(objectStep(obj, live, desired.resourceTypes));
    }
  }
  const ns = namespaceStep(request, desired, liveNamespace);
  if (ns) {
    steps.push(ns);
  } else {
    unchanged.push(`Namespace ${request.namespace} enrolment marker`);
  }
  return { steps, unchanged };
}

/** Why a run failed, naming the step and what was put back. */
export class OnboardingStepError extends CustomErrorBase {
  name = 'OnboardingStepError' as const;

  constructor(
    message: string,
    readonly failedStep: string,
    readonly rolledBack: string[],
    readonly rollbackFailures: string[],
  ) {
    super(message);
  }
}

/**
 * Runs the steps in order; on the first failure, undoes the steps already
 * done in reverse order and throws an {@link OnboardingStepError}.
 */
export async function executeSteps(
  api: KubernetesClusterClient,
  steps: Step[],
  log: (message: string) => void,
): Promise<void> {
  const done: Step[] = [];
  for (const step of steps) {
    try {
      await step.apply(api);
      done.push(step);
      log(`Done: ${step.change.description}`);
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      const rolledBack: string[] = [];
      const failures: string[] = [];
      for (const previous of [...done].reverse()) {
        try {
          await previous.rollback(api);
          rolledBack.push(previous.change.description);
          log(`Rolled back: ${previous.change.description}`);
        } catch (rollbackError) {
          failures.push(
            `${previous.change.description}: ${
              rollbackError instanceof Error
                ? rollbackError.message
                : String(rollbackError)
            }`,
          );
        }
      }
      const parts = [
        `Step "${step.change.description}" failed: ${cause}.`,
        rolledBack.length > 0
          ? `Rolled back: ${rolledBack.join('; ')}.`
          : 'Nothing had been changed before it.',
      ];
      if (failures.length > 0) {
        parts.push(
          `Could NOT roll back (fix by hand): ${failures.join('; ')}.`,
        );
      }
      throw new OnboardingStepError(
        parts.join(' '),
        step.change.description,
        rolledBack,
        failures,
      );
    }
  }
}
