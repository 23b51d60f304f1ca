import { InputError, NotAllowedError } from '@backstage/errors';
import { AuditorService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { StableTemplateAction } from './options';
import { meshNamespaceOnboardPermission } from '@meshlens/plugin-mesh-common';
import { DEFAULT_ONBOARDING_SETTINGS } from '../config';
import { onboardNamespace } from '../onboarding/onboard';
import { OnboardingStepError } from '../onboarding/transaction';
import { parseOnboardingRequest } from '../onboarding/validation';
import { examples } from './meshNamespaceOnboard.examples';
import {
  assertOnboardingScope,
  auditOnboarding,
  initiatorOf,
  OnboardingTargetsResolver,
  onboardingTargetsResolver,
} from './onboardingScope';
import {
  dataPlaneInputDescription,
  MeshClusterActionOptions,
  meshInputDescription,
  onboardingMeshes,
} from './options';

/**
 * The fields of one change (a ChangeRecord), in `changes` and `preview`;
 * `zod` is the schema's own `z`, which this package does not import.
 */
const changeFields = (zod: any) => ({
  action: zod.enum(['patch', 'apply', 'restart']),
  apiVersion: zod.string(),
  kind: zod.string(),
  name: zod.string(),
  namespace: zod.string().optional(),
  description: zod.string(),
});

/**
 * What `mesh:namespace:onboard` needs besides the cluster access.
 * @public
 */
export interface MeshNamespaceOnboardActionOptions
  extends MeshClusterActionOptions {
  /**
   * Where an entity may be onboarded; default the mesh status service's
   * `getOnboardingTargets`. One of the two is required.
   */
  onboardingTargets?: OnboardingTargetsResolver;
  /** The audit log; without it, audit lines go to the task log. */
  auditor?: AuditorService;
}

/**
 * `mesh:namespace:onboard`: puts a namespace into a mesh with its real
 * enrolment marker and security objects, after pre-flight checks; applies
 * all-or-nothing, or writes manifests for a pull request.
 * @public
 */
export function createMeshNamespaceOnboardAction(
  options: MeshNamespaceOnboardActionOptions,
): StableTemplateAction {
  const resolveTargets = onboardingTargetsResolver(options);
  const settings = { ...DEFAULT_ONBOARDING_SETTINGS, ...options.settings };
  const meshes = onboardingMeshes(options.adapters);
  return createTemplateAction({
    id: 'mesh:namespace:onboard',
    description:
      "Puts a namespace into a service mesh (Linkerd, Istio sidecar or ambient, Cilium) with the mesh's real enrolment marker, mTLS and authorization objects, after pre-flight checks. Applies all-or-nothing through the Kubernetes backend, or writes the manifests into the workspace for a pull request.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z.string({
            description:
              "Cluster name, as configured in the Kubernetes plugin; one the entity's Kubernetes annotations resolve to.",
          }),
        namespace: z =>
          z.string({
            description:
              "The namespace to onboard; one the entity's Kubernetes annotations resolve to in that cluster.",
          }),
        mesh: z =>
          z.string({
            description: meshInputDescription(meshes),
          }),
        dataPlane: z =>
          z
            .string({ description: dataPlaneInputDescription(meshes) })
            .optional(),
        allowStrictWithoutTraffic: z =>
          z
            .boolean({
              description:
                'With mtlsMode strict: proceed although traffic data cannot show that every caller of every workload in the namespace has a proxy (recorded in the ADR); default false, which refuses.',
            })
            .optional(),
        mtlsMode: z =>
          z
            .enum(['permissive', 'strict'], {
              description:
                'permissive (default) also accepts callers without a proxy; strict refuses them and is refused while such callers are seen.',
            })
            .optional(),
        defaultPolicy: z =>
          z
            .enum(['none', 'allow-same-namespace', 'deny'], {
              description:
                'Inbound policy: none (default), allow-same-namespace (plus allowFrom), or deny (only allowFrom).',
            })
            .optional(),
        allowFrom: z =>
          z
            .array(z.string(), {
              description: 'Namespaces whose workloads may call in.',
            })
            .optional(),
        ports: z =>
          z
            .array(z.union([z.number(), z.string()]), {
              description:
                "Linkerd only: ports for the Server objects of a policy; by default the namespace's Services' target ports.",
            })
            .optional(),
        istioRevision: z =>
          z
            .string({
              description:
                'Istio only: revision (istio.io/rev) instead of istio-injection=enabled.',
            })
            .optional(),
        controlPlaneNamespace: z =>
          z
            .string({
              description:
                "Where the mesh's control plane runs, when not in its default namespace.",
            })
            .optional(),
        entityRef: z =>
          z.string({
            description:
              'The catalog entity running in the namespace. Required: the cluster and namespace must be ones its Kubernetes annotations resolve to, and mesh.namespace.onboard is decided on it.',
          }),
        restartWorkloads: z =>
          z
            .boolean({
              description:
                'Restart the Deployments, StatefulSets and DaemonSets whose pods lack the data plane, then wait until meshed pods = pods.',
            })
            .optional(),
        delivery: z =>
          z
            .enum(['apply', 'manifests'], {
              description:
                'apply (default) changes the cluster; manifests writes YAML into the workspace and changes nothing.',
            })
            .optional(),
        manifestsDirectory: z =>
          z
            .string({
              description:
                'Workspace directory for delivery manifests; default mesh/<cluster>/<namespace>.',
            })
            .optional(),
        dryRun: z =>
          z
            .boolean({
              description:
                'Only compute and output the change set, as in a dry run of the template.',
            })
            .optional(),
        planHash: z =>
          z
            .string({
              description:
                'The planHash output of the preview (dry run): the apply stops before any write when the plan differs, because the cluster changed in between.',
            })
            .regex(/^sha256:[0-9a-f]{64}$/, {
              message: 'planHash must be sha256:<64 hex digits>, as output',
            })
            .optional(),
      },
      output: {
        changes: z =>
          z.array(z.object(changeFields(z)), {
            description: 'What was changed, or would be.',
          }),
        manifests: z =>
          z.array(z.string(), {
            description: 'Written manifest paths, relative to the workspace.',
          }),
        summary: z => z.string({ description: 'What happened, in words.' }),
        checks: z =>
          z.array(
            z.object({
              id: z.string(),
              status: z.enum(['pass', 'warn', 'fail']),
              message: z.string(),
              hint: z.string(),
            }),
            { description: 'The pre-flight checks.' },
          ),
        rollout: z =>
          z
            .object({
              pods: z.number(),
              meshedPods: z.number(),
              complete: z.boolean(),
            })
            .optional(),
        preview: z =>
          z.array(
            z.object({
              ...changeFields(z),
              result: z.enum([
                'ok',
                'forbidden',
                'invalid',
                'conflict',
                'unknown-kind',
                'error',
              ]),
              message: z.string(),
            }),
            {
              description:
                'What the API server answered to each write sent with dryRun=All: admission, RBAC, validation, conflicts, unknown kinds.',
            },
          ),
        planHash: z =>
          z.string({
            description:
              'The hash of the plan previewed or applied; give it as the planHash input to apply exactly this plan.',
          }),
        leftovers: z =>
          z
            .array(
              z.object({
                kind: z.string(),
                name: z.string(),
                namespace: z.string().optional(),
                state: z.string(),
                commands: z.array(z.string()),
              }),
              {
                description:
                  'Set when a rollback did not finish: what is left, and the kubectl commands that finish the job.',
              },
            )
            .optional(),
      },
    },
    async handler(ctx) {
      const { request, mesh } = parseOnboardingRequest(ctx.input, meshes, m =>
        ctx.logger.warn(m),
      );
      const credentials = await ctx.getInitiatorCredentials();
      // Scope first: nothing is read or written for a namespace that is
      // not where the entity runs, whoever asks.
      const entityRef = request.entityRef;
      if (!entityRef) {
        throw new InputError(
          'entityRef: give the catalog entity whose namespace is onboarded; the cluster and namespace must be where its Kubernetes annotations resolve',
        );
      }
      await assertOnboardingScope({
        entityRef,
        cluster: request.cluster,
        namespace: request.namespace,
        credentials,
        resolve: resolveTargets,
      });
      const initiator = initiatorOf(credentials, ctx.user?.ref);
      ctx.logger.info(
        `Onboarding ${request.cluster}/${request.namespace} for ${entityRef}, started by ${initiator}; the cluster is changed under the scaffolder module's own identity`,
      );
      const delivery = ctx.input.delivery ?? 'apply';
      const dryRun = Boolean(ctx.isDryRun || ctx.input.dryRun);
      const api = options.kubernetes({ cluster: request.cluster, credentials });
      const audit = await auditOnboarding({
        auditor: options.auditor,
        log: m => ctx.logger.info(m),
        initiator,
        meta: {
          entityRef,
          cluster: request.cluster,
          namespace: request.namespace,
          mesh: request.mesh,
          delivery,
          dryRun,
        },
      });

      const run = onboardNamespace({
        api,
        meshes,
        mesh,
        request,
        credentials,
        delivery,
        dryRun,
        restartWorkloads: ctx.input.restartWorkloads ?? false,
        workspacePath: ctx.workspacePath,
        manifestsDirectory:
          ctx.input.manifestsDirectory ??
          `mesh/${request.cluster}/${request.namespace}`,
        rollout: {
          timeoutMs: settings.rolloutTimeoutMs,
          intervalMs: settings.rolloutPollIntervalMs,
        },
        meshStatus: options.meshStatus,
        protectedNamespaces: settings.protectedNamespaces,
        signal: ctx.signal,
        taskId: ctx.task.id,
        checkpoint: opts => ctx.checkpoint(opts),
        expectedPlanHash: ctx.input.planHash,
        log: message => ctx.logger.info(message),
        authorize: async () => {
          // Decided for the entity, so a policy may allow its owners only.
          const [decision] = await options.permissions.authorize(
            [
              {
                permission: meshNamespaceOnboardPermission,
                resourceRef: entityRef,
              },
            ],
            { credentials },
          );
          if (decision.result !== AuthorizeResult.ALLOW) {
            throw new NotAllowedError(
              `${initiator} may not onboard namespaces to a mesh for ${entityRef} (permission ${meshNamespaceOnboardPermission.name}); use delivery: manifests to propose the change in a pull request instead`,
            );
          }
        },
      }).catch(async error => {
        await audit.fail(error);
        throw error;
      });
      const result = await run.catch(error => {
        if (error instanceof OnboardingStepError && error.leftovers.length) {
          ctx.output('leftovers', error.leftovers);
        }
        throw error;
      });
      await audit.success();
      ctx.logger.info(result.summary);
      ctx.output('changes', result.changes);
      ctx.output('manifests', result.manifests);
      ctx.output('summary', result.summary);
      ctx.output('checks', result.checks);
      ctx.output('preview', result.preview);
      ctx.output('planHash', result.planHash);
      if (result.rollout) {
        ctx.output('rollout', result.rollout);
      }
    },
  });
}
