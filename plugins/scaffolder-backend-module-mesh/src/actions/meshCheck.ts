import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { StableTemplateAction } from './options';
import { DEFAULT_ONBOARDING_SETTINGS } from '../config';
import { describeProblems, runPreflightChecks } from '../onboarding/checks';
import { parseOnboardingRequest } from '../onboarding/validation';
import { examples } from './meshCheck.examples';
import {
  dataPlaneInputDescription,
  MeshClusterActionOptions,
  meshInputDescription,
  onboardingMeshes,
} from './options';

/**
 * `mesh:check`: the pre-flight checks of onboarding as a step of their own.
 * Reads only.
 * @public
 */
export function createMeshCheckAction(
  options: Omit<MeshClusterActionOptions, 'permissions'>,
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
                'The catalog entity running in the namespace, for the STRICT check.',
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
      },
    },
    async handler(ctx) {
      const { request, mesh } = parseOnboardingRequest(ctx.input, meshes, m =>
        ctx.logger.warn(m),
      );
      const credentials = await ctx.getInitiatorCredentials();
      const api = options.kubernetes({ cluster: request.cluster, credentials });
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
    },
  });
}
