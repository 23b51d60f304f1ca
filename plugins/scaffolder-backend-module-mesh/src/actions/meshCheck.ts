import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { StableTemplateAction } from './options';
import { entityCostFactor, measuredCostSchema } from '../adr/measuredCost';
import { DEFAULT_ONBOARDING_SETTINGS } from '../config';
import { describeProblems, runPreflightChecks } from '../onboarding/checks';
import { parseOnboardingRequest } from '../onboarding/validation';
import { examples } from './meshCheck.examples';
import {
  assertOnboardingScope,
  OnboardingTargetsResolver,
  onboardingTargetsResolver,
} from './onboardingScope';
import {
  dataPlaneInputDescription,
  KubernetesClientFactory,
  MeshClusterActionOptions,
  meshInputDescription,
  onboardingMeshes,
} from './options';

/**
 * What `mesh:check` needs besides the cluster access.
 * @public
 */
export interface MeshCheckActionOptions
  extends Omit<MeshClusterActionOptions, 'permissions'> {
  /**
   * The cluster access for a check with an `entityRef`, once the cluster
   * and namespace are known to be where the entity runs (the module's own
   * identity, as onboarding writes with); without it, or without an
   * `entityRef`, `kubernetes` reads as the initiator.
   */
  entityScopedKubernetes?: KubernetesClientFactory;
  /** Where an entity may be onboarded; default the mesh status service's. */
  onboardingTargets?: OnboardingTargetsResolver;
}

/**
 * `mesh:check`: the pre-flight checks of onboarding as a step of their own.
 * Reads only.
 * @public
 */
export function createMeshCheckAction(
  options: MeshCheckActionOptions,
): StableTemplateAction {
  const settings = { ...DEFAULT_ONBOARDING_SETTINGS, ...options.settings };
  const meshes = onboardingMeshes(options.adapters);
  return createTemplateAction({
    id: 'mesh:check',
    description:
      "Checks that a namespace can join a mesh: valid name, exists, not a system or control-plane namespace, the mesh's control plane is installed and healthy, no conflicting mesh markers, and STRICT mTLS only when no caller without a proxy is seen. Fails the task on a failed check unless allowWarnings.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z.string({
            description:
              'Cluster name, as configured in the Kubernetes plugin.',
          }),
        namespace: z => z.string({ description: 'The namespace to check.' }),
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
              description: 'The mTLS mode that will be asked for.',
            })
            .optional(),
        istioRevision: z =>
          z
            .string({ description: 'Istio only: the revision to expect.' })
            .optional(),
        controlPlaneNamespace: z =>
          z
            .string({
              description:
                "Where the mesh's control plane runs, when not in its default namespace.",
            })
            .optional(),
        entityRef: z =>
          z
            .string({
              description:
                'The catalog entity running in the namespace, for the STRICT check; with it the cluster and namespace must be where its Kubernetes annotations resolve.',
            })
            .optional(),
        allowWarnings: z =>
          z
            .boolean({
              description:
                'Report failed checks as warnings and let the task go on (default false).',
            })
            .optional(),
      },
      output: {
        checks: z =>
          z.array(
            z.object({
              id: z.string(),
              status: z.enum(['pass', 'warn', 'fail']),
              message: z.string(),
              hint: z.string(),
            }),
            { description: 'Every check with its status, message and hint.' },
          ),
        passed: z => z.boolean({ description: 'True when no check failed.' }),
        cost: z =>
          measuredCostSchema(z)
            .optional()
            .describe(
              "With entityRef: the entity's measured proxy cost and the what-if estimates, as mesh:adr:create takes them (its `cost` input); absent when the mesh API has no cost for it.",
            ),
      },
    },
    async handler(ctx) {
      const { request, mesh } = parseOnboardingRequest(ctx.input, meshes, m =>
        ctx.logger.warn(m),
      );
      const credentials = await ctx.getInitiatorCredentials();
      const scoped = ctx.input.entityRef && options.entityScopedKubernetes;
      if (scoped) {
        // As for onboarding: only where the entity runs, before any read.
        await assertOnboardingScope({
          entityRef: ctx.input.entityRef!,
          cluster: request.cluster,
          namespace: request.namespace,
          credentials,
          resolve: onboardingTargetsResolver(options),
        });
      }
      const api = (scoped || options.kubernetes)({
        cluster: request.cluster,
        credentials,
      });
      const { checks } = await runPreflightChecks({
        api,
        meshes,
        mesh,
        request,
        credentials,
        meshStatus: options.meshStatus,
        protectedNamespaces: settings.protectedNamespaces,
      });
      for (const c of checks) {
        const line = `${c.status.toUpperCase()} [${c.id}] ${c.message}${
          c.status !== 'pass' && c.hint ? ` — ${c.hint}` : ''
        }`;
        if (c.status === 'pass') {
          ctx.logger.info(line);
        } else {
          ctx.logger.warn(line);
        }
      }
      const passed = checks.every(c => c.status !== 'fail');
      ctx.output('checks', checks);
      ctx.output('passed', passed);
      if (!passed && !ctx.input.allowWarnings) {
        throw new InputError(
          `Mesh pre-flight checks failed for ${request.cluster}/${
            request.namespace
          }:\n${describeProblems(checks.filter(c => c.status === 'fail'))}`,
        );
      }
      // Only for a task that goes on: the decision record's cost factor.
      const cost = await entityCostFactor(
        ctx.input.entityRef,
        options.meshStatus,
        credentials,
        m => ctx.logger.warn(m),
      );
      if (cost) ctx.output('cost', cost);
    },
  });
}
