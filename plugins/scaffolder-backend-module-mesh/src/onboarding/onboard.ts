import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
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
import { executeSteps, planChanges, Step } from './plan';
import { planRestarts, RolloutReport, waitForMeshedPods } from './rollout';
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

/**
 * Onboards a namespace: pre-flight checks, the change set, then either
 * manifests in the workspace, nothing (dry run), or an all-or-nothing apply.
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
  meshStatus?: MeshStatusService;
  protectedNamespaces?: string[];
  signal?: AbortSignal;
  now?: () => Date;
}): Promise<OnboardingResult> {
  const { api, mesh, request, log } = options;
  const target = `${request.cluster}/${request.namespace}`;

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

  const plan = await planChanges({
    api,
    request,
    desired,
    liveNamespace: preflight.namespace,
  });
  const restartSteps: Step[] =
    options.restartWorkloads && desired.restartNeeded
      ? await planRestarts({
          api,
          cluster: request.cluster,
          namespace: request.namespace,
          mesh,
          controlPlane,
          now: options.now ?? (() => new Date()),
        })
      : [];
  const steps = [...plan.steps, ...restartSteps];
  const changes = steps.map(s => s.change);
  const notes = desired.notes.length ? `\n${desired.notes.join('\n')}` : '';

  if (options.delivery === 'manifests') {
    const manifests = await writeManifests({
      workspacePath: options.workspacePath,
      directory: options.manifestsDirectory,
      request,
      desired,
    });
    const restartHint =
      restartSteps.length > 0
        ? `\nOnce applied, restart so pods get the data plane: ${restartSteps
            .map(
              s =>
                `kubectl -n ${
                  request.namespace
                } rollout restart ${s.change.kind.toLowerCase()}/${
                  s.change.name
                }`,
            )
            .join('; ')}`
        : '';
    return {
      checks: preflight.checks,
      changes,
      manifests,
      summary: `Wrote ${manifests.length} manifest files for ${target} (${request.mesh}); the cluster was not changed. ${changes.length} change(s) against the cluster as it is now.${restartHint}${notes}`,
    };
  }

  if (steps.length === 0) {
    return {
      checks: preflight.checks,
      changes: [],
      manifests: [],
      summary: `Nothing to change: ${target} is already onboarded to ${
        request.mesh
      } as requested (${plan.unchanged.join(', ')}).${notes}`,
    };
  }

  if (options.dryRun) {
    return {
      checks: preflight.checks,
      changes,
      manifests: [],
      summary: `Dry run: ${
        changes.length
      } change(s) would be made to ${target}:\n${changes
        .map(c => `- ${c.description}`)
        .join('\n')}${notes}`,
    };
  }

  await options.authorize();
  await executeSteps(api, steps, log);

  let rollout: RolloutReport | undefined;
  let rolloutLine = '';
  if (options.restartWorkloads && mesh.dataPlane.waitForPods) {
    rollout = await waitForMeshedPods({
      api,
      cluster: request.cluster,
      namespace: request.namespace,
      mesh,
      controlPlane,
      timeoutMs: options.rollout.timeoutMs,
      intervalMs: options.rollout.intervalMs,
      signal: options.signal,
    });
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

  return {
    checks: preflight.checks,
    changes,
    manifests: [],
    rollout,
    summary: `Applied ${changes.length} change(s) to ${target}:\n${changes
      .map(c => `- ${c.description}`)
      .join('\n')}${rolloutLine}${notes}`,
  };
}
