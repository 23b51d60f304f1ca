import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { MeshCheck } from '@meshlens/plugin-mesh-common';
import {
  KUBE_RESOURCES,
  KubernetesClusterClient,
  MeshStatusService,
} from '@meshlens/plugin-mesh-node';
import { desiredState } from './changeSet';
import { OnboardingMesh, OnboardingMeshes } from './meshes';
import { describeProblems, runPreflightChecks } from './checks';
import { writeManifests } from './manifests';
import { acquireNamespaceLock, LEASE_NAME } from './lease';
import { Plan, readPlan } from './plan';
import { describeRefusals, PreviewResult, previewWrites } from './preview';
import { RolloutReport, waitForMeshedPods } from './rollout';
import { applyPlan, Checkpoint, JsonValue } from './transaction';
import { ChangeRecord, OnboardingRequest } from './types';

/** How onboarding delivers the change. */
export type Delivery = 'apply' | 'manifests';

/** What one onboarding run did or would do. */
export interface OnboardingResult {
  checks: MeshCheck[];
  changes: ChangeRecord[];
  manifests: string[];
  rollout?: RolloutReport;
  summary: string;
  /** The API server's answer per write, sent with dryRun=All. */
  preview: PreviewResult[];
  /**
   * The hash of the plan previewed or applied; with nothing to change, the
   * hash of the empty plan, so an apply after such a preview still stops
   * when the cluster changed in between.
   */
  planHash: string;
}

async function servicePorts(
  api: KubernetesClusterClient,
  namespace: string,
): Promise<Array<number | string>> {
  const services = await api.list(KUBE_RESOURCES.service, { namespace });
  const ports = new Set<number | string>();
  for (const svc of services) {
    for (const p of svc.spec?.ports ?? []) {
      ports.add(p.targetPort ?? p.port);
    }
  }
  return [...ports];
}

const listChanges = (changes: ChangeRecord[]) =>
  changes.map(c => `- ${c.description}`).join('\n');

/**
 * Onboards a namespace: pre-flight checks, the plan, its server-side dry
 * run, then either manifests in the workspace, nothing (dry run), or a
 * transactional apply under the namespace's Lease.
 */
export async function onboardNamespace(options: {
  api: KubernetesClusterClient;
  meshes: OnboardingMeshes;
  mesh: OnboardingMesh;
  request: OnboardingRequest;
  credentials: BackstageCredentials;
  delivery: Delivery;
  dryRun: boolean;
  restartWorkloads: boolean;
  workspacePath: string;
  manifestsDirectory: string;
  rollout: { timeoutMs: number; intervalMs: number };
  /** Throws when the initiator may not change the cluster. */
  authorize(): Promise<void>;
  log(message: string): void;
  /** The task's id: the holder of the namespace's Lease. */
  taskId: string;
  /** ctx.checkpoint, so that a restarted task resumes where it was. */
  checkpoint: Checkpoint;
  /** The hash of the previewed plan; the apply stops if the plan differs. */
  expectedPlanHash?: string;
  /** How long the Lease holds without its holder (default: the rollout timeout + 5 min). */
  lockTtlSeconds?: number;
  /** The timeout of each Kubernetes request (default: the client's). */
  requestTimeoutMs?: number;
  meshStatus?: MeshStatusService;
  protectedNamespaces?: string[];
  signal?: AbortSignal;
  now?: () => Date;
}): Promise<OnboardingResult> {
  const { api, mesh, request, log, signal } = options;
  const target = `${request.cluster}/${request.namespace}`;
  const calls = { signal, timeoutMs: options.requestTimeoutMs };

  const preflight = await runPreflightChecks({
    api,
    meshes: options.meshes,
    mesh,
    request,
    credentials: options.credentials,
    meshStatus: options.meshStatus,
    protectedNamespaces: options.protectedNamespaces,
  });
  const failed = preflight.checks.filter(c => c.status === 'fail');
  const controlPlane = preflight.controlPlane?.state;
  if (failed.length > 0 || !preflight.namespace || !controlPlane) {
    throw new InputError(
      `Pre-flight checks failed for ${target}; nothing was changed:\n${describeProblems(
        failed,
      )}`,
    );
  }
  for (const c of preflight.checks.filter(x => x.status === 'warn')) {
    log(`Warning [${c.id}]: ${c.message} ${c.hint}`);
  }

  const ports =
    request.ports ??
    (mesh.adapter.onboarding.needsPorts(request)
      ? await servicePorts(api, request.namespace)
      : []);
  const desired = desiredState({
    mesh,
    request,
    live: preflight.namespace,
    controlPlane,
    ports,
  });
  desired.notes.forEach(log);
  const notes = desired.notes.length ? `\n${desired.notes.join('\n')}` : '';
  const planning = {
    api,
    mesh,
    request,
    desired,
    liveNamespace: preflight.namespace,
    controlPlane,
    restartWorkloads: options.restartWorkloads,
    now: options.now ?? (() => new Date()),
    signal,
  };
  const base = { checks: preflight.checks, manifests: [] as string[] };

  const first = await readPlan(planning);
  const changes = first.writes.map(w => w.change);
  const restarts = first.writes.filter(w => w.op === 'restart');

  if (options.delivery === 'manifests') {
    const manifests = await writeManifests({
      workspacePath: options.workspacePath,
      directory: options.manifestsDirectory,
      request,
      desired,
    });
    const restartHint =
      restarts.length > 0
        ? `\nOnce applied, restart so pods get the data plane: ${restarts
            .map(
              w =>
                `kubectl -n ${
                  request.namespace
                } rollout restart ${w.change.kind.toLowerCase()}/${w.name}`,
            )
            .join('; ')}`
        : '';
    return {
      ...base,
      changes,
      manifests,
      preview: [],
      planHash: first.hash,
      summary: `Wrote ${manifests.length} manifest files for ${target} (${request.mesh}); the cluster was not changed. ${changes.length} change(s) against the cluster as it is now.${restartHint}${notes}`,
    };
  }

  const nothingToChange = (plan: Plan): OnboardingResult => ({
    ...base,
    changes: [],
    preview: [],
    planHash: plan.hash,
    summary: `Nothing to change: ${target} is already onboarded to ${
      request.mesh
    } as requested (${plan.unchanged.join(', ')}).${notes}`,
  });
  if (first.writes.length === 0) return nothingToChange(first);

  if (options.dryRun) {
    const preview = await previewWrites(api, first.writes, calls);
    const refusals = describeRefusals(preview);
    return {
      ...base,
      changes,
      preview,
      planHash: first.hash,
      summary: `Dry run: ${
        changes.length
      } change(s) would be made to ${target}:\n${listChanges(changes)}${
        refusals
          ? `\nThe API server would refuse (dry run):\n${refusals}`
          : `\nThe API server accepts every write (dry run); plan ${first.hash}.`
      }${notes}`,
    };
  }

  await options.authorize();
  const lock = await acquireNamespaceLock({
    api,
    namespace: request.namespace,
    holder: options.taskId,
    ttlSeconds:
      options.lockTtlSeconds ?? options.rollout.timeoutMs / 1000 + 300,
    signal,
  });
  log(`Holding Lease ${request.namespace}/${LEASE_NAME} for ${options.taskId}`);
  let rollout: RolloutReport | undefined;
  let preview: PreviewResult[] = [];
  let plan: Plan;
  try {
    // Read again under the lock; a resumed task gets the plan it started.
    const checked = (await options.checkpoint({
      key: 'meshlens.onboard.plan',
      fn: async () => {
        const locked = await readPlan(planning);
        if (
          options.expectedPlanHash &&
          options.expectedPlanHash !== locked.hash
        ) {
          throw new ConflictError(
            `The cluster changed since the preview: the plan previewed (${
              options.expectedPlanHash
            }) is not the plan now (${
              locked.hash
            }); nothing was changed. Preview again, then apply. The plan now:\n${listChanges(
              locked.writes.map(w => w.change),
            )}`,
          );
        }
        const answers = await previewWrites(api, locked.writes, calls);
        const refusals = describeRefusals(answers);
        if (refusals) {
          throw new InputError(
            `The API server refuses the plan for ${target} (dry run); nothing was changed:\n${refusals}`,
          );
        }
        return { ...locked, preview: answers } as unknown as JsonValue;
      },
    })) as unknown as Plan & { preview: PreviewResult[] };
    plan = checked;
    preview = checked.preview;
    if (plan.writes.length === 0) return nothingToChange(plan);
    const waits = options.restartWorkloads && mesh.dataPlane.waitForPods;
    await applyPlan({
      api,
      writes: plan.writes,
      checkpoint: options.checkpoint,
      log,
      signal,
      timeoutMs: options.requestTimeoutMs,
      markerSet: ns =>
        ns !== undefined &&
        mesh.adapter.onboarding.enrolmentMarker(ns) !== undefined,
      afterWrites: waits
        ? async () => {
            rollout = await waitForMeshedPods({
              api,
              cluster: request.cluster,
              namespace: request.namespace,
              mesh,
              controlPlane,
              timeoutMs: options.rollout.timeoutMs,
              intervalMs: options.rollout.intervalMs,
              restarted: plan.writes
                .filter(w => w.op === 'restart')
                .map(w => ({ kind: w.change.kind, name: w.name })),
              signal,
            });
            if (signal?.aborted) {
              throw new Error('the task was cancelled during the rollout');
            }
          }
        : undefined,
    });
  } finally {
    await lock
      .release()
      .catch(error =>
        log(
          `Could not release Lease ${request.namespace}/${LEASE_NAME} (${error}); it expires by itself, or: kubectl -n ${request.namespace} delete lease ${LEASE_NAME}`,
        ),
      );
  }

  let rolloutLine = '';
  if (rollout) {
    rolloutLine = rollout.complete
      ? `\nAll ${rollout.pods} pod(s) run with the ${request.mesh} data plane.`
      : `\nOnly ${rollout.meshedPods} of ${rollout.pods} pod(s) run with the ${
          request.mesh
        } data plane after ${Math.round(
          options.rollout.timeoutMs / 1000,
        )}s; the rollout may still be in progress (the changes were kept).`;
    if (!rollout.complete) {
      log(rolloutLine.trim());
    }
  }
  const applied = plan.writes.map(w => w.change);
  return {
    ...base,
    changes: applied,
    rollout,
    preview,
    planHash: plan.hash,
    summary: `Applied ${applied.length} change(s) to ${target}:\n${listChanges(
      applied,
    )}${rolloutLine}${notes}`,
  };
}
