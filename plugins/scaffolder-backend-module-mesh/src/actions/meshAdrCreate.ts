import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { StableTemplateAction } from './options';
import { assertNamespaceName, MeshAdapter } from '@meshlens/plugin-mesh-node';
import path from 'node:path';
import { measuredCostSchema } from '../adr/measuredCost';
import { adrFileName, nextAdrNumber } from '../adr/numbering';
import { DecisionOption, renderMadr, renderNygard } from '../adr/renderAdr';
import { OnboardingMeshes } from '../onboarding/meshes';
import { examples } from './meshAdrCreate.examples';
import { onboardingMeshes } from './options';
import {
  ensureWorkspaceDirectory,
  writeWorkspaceFile,
} from '../workspace/safeFiles';

/** Every mesh and data plane the adapters have ADR text for; `mesh/dataPlane` past the first. */
function decisionOptions(
  meshes: OnboardingMeshes,
): Array<DecisionOption & { title: string }> {
  return meshes.adapters.flatMap(a =>
    a.onboarding.dataPlanes.flatMap((plane, i) =>
      plane.decision
        ? [
            {
              id: i === 0 ? a.mesh : `${a.mesh}/${plane.id}`,
              title: meshes.title(a.mesh, plane.id),
              text: plane.decision,
            },
          ]
        : [],
    ),
  );
}

function decisionOption(
  meshes: OnboardingMeshes,
  field: string,
  value: unknown,
  dataPlane: unknown,
  warn: (message: string) => void,
) {
  const all = decisionOptions(meshes);
  const [mesh, plane] =
    typeof value === 'string' && value.includes('/')
      ? value.split('/', 2)
      : [value, dataPlane];
  let resolved;
  try {
    resolved = meshes.resolve({ mesh, dataPlane: plane }, m =>
      warn(`${field}: ${m}`),
    );
  } catch {
    resolved = undefined;
  }
  const found =
    resolved && all.find(o => o.text === resolved.dataPlane.decision);
  if (!found) {
    throw new InputError(
      `${field}: "${String(value)}" is not one of ${all
        .map(o => o.id)
        .join(', ')}`,
    );
  }
  return found;
}

/**
 * `mesh:adr:create`: writes the next numbered ADR recording the mesh
 * decision, with a sourced comparison table and an onboarding checklist.
 * @public
 */
export function createMeshAdrCreateAction(options?: {
  now?: () => Date;
  /** The meshes to weigh; default the built-in adapters. */
  adapters?: MeshAdapter[];
}): StableTemplateAction {
  const now = options?.now ?? (() => new Date());
  const meshes = onboardingMeshes(options?.adapters);
  const ids = decisionOptions(meshes).map(o => o.id);
  return createTemplateAction({
    id: 'mesh:adr:create',
    description:
      'Writes the next numbered architecture decision record for a mesh choice into the workspace (MADR by default, or Nygard), with a sourced comparison table, the decision, its consequences and an onboarding checklist. Readable by the Backstage ADR plugin.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        title: z =>
          z
            .string({
              description:
                'ADR title; default "Use <mesh> for <service or namespace>".',
            })
            .optional(),
        mesh: z =>
          z.string({
            description: `The mesh chosen: ${ids.join(', ')}.`,
          }),
        dataPlane: z =>
          z
            .string({
              description:
                'The data plane chosen, when the mesh offers several; default the first.',
            })
            .optional(),
        alternatives: z =>
          z
            .array(z.string(), {
              description:
                'Options considered besides the chosen one; default all other meshes.',
            })
            .optional(),
        context: z =>
          z
            .object(
              {
                service: z.string().optional(),
                cluster: z.string().optional(),
                namespace: z.string().optional(),
                mtlsMode: z.enum(['permissive', 'strict']).optional(),
                allowStrictWithoutTraffic: z.boolean().optional(),
                requirements: z
                  .object({
                    mtls: z.boolean().optional(),
                    multiCluster: z.boolean().optional(),
                    memoryBudgetMiB: z.number().optional(),
                    teamExperience: z.string().optional(),
                  })
                  .optional(),
                notes: z.string().optional(),
              },
              {
                description:
                  'The service, where it runs, and the requirements that drive the decision (mtls, multiCluster, memoryBudgetMiB per pod, teamExperience).',
              },
            )
            .optional(),
        cost: z => measuredCostSchema(z).optional(),
        status: z =>
          z
            .enum(['proposed', 'accepted'], {
              description: 'ADR status; default accepted.',
            })
            .optional(),
        deciders: z =>
          z
            .array(z.string(), { description: 'Who took the decision.' })
            .optional(),
        adrDirectory: z =>
          z
            .string({
              description:
                'Workspace directory of the ADRs; default docs/adrs.',
            })
            .optional(),
        format: z =>
          z
            .enum(['madr', 'nygard'], {
              description: 'madr (default) or nygard.',
            })
            .optional(),
      },
      output: {
        path: z =>
          z.string({
            description: 'The ADR file, relative to the workspace.',
          }),
        number: z => z.number({ description: 'The ADR number.' }),
        content: z => z.string({ description: 'The ADR as Markdown.' }),
      },
    },
    async handler(ctx) {
      const warn = (m: string) => ctx.logger.warn(m);
      const mesh = decisionOption(
        meshes,
        'mesh',
        ctx.input.mesh,
        ctx.input.dataPlane,
        warn,
      );
      const alternatives = (
        ctx.input.alternatives?.map((a, i) =>
          decisionOption(meshes, `alternatives[${i}]`, a, undefined, warn),
        ) ?? decisionOptions(meshes)
      ).filter(
        (a, i, all) =>
          a.id !== mesh.id && all.findIndex(b => b.id === a.id) === i,
      );
      const context = ctx.input.context ?? {};
      const budget = context.requirements?.memoryBudgetMiB;
      if (budget !== undefined && !(budget > 0)) {
        throw new InputError(
          `context.requirements.memoryBudgetMiB: give a positive number of MiB, not ${budget}`,
        );
      }
      const format = ctx.input.format ?? 'madr';
      if (format !== 'madr' && format !== 'nygard') {
        throw new InputError(`format: "${format}" is not one of madr, nygard`);
      }
      if (context.namespace !== undefined && context.namespace !== '') {
        // It reaches the checklist's kubectl commands.
        assertNamespaceName(context.namespace, 'context.namespace');
      }
      const subject = context.service ?? context.namespace;
      const title =
        ctx.input.title?.trim() ||
        `Use ${mesh.title}${subject ? ` for ${subject}` : ''}`;

      const directory = await ensureWorkspaceDirectory(
        ctx.workspacePath,
        ctx.input.adrDirectory ?? 'docs/adrs',
        'adrDirectory',
      );
      const number = await nextAdrNumber(directory);
      const content = {
        number,
        title,
        date: now().toISOString().slice(0, 10),
        status: ctx.input.status ?? 'accepted',
        mesh,
        alternatives,
        service: context.service,
        cluster: context.cluster,
        namespace: context.namespace,
        mtlsMode: context.mtlsMode,
        strictWithoutTraffic: context.allowStrictWithoutTraffic === true,
        requirements: context.requirements ?? {},
        notes: context.notes,
        deciders: ctx.input.deciders,
        cost: ctx.input.cost,
      } as const;
      const markdown =
        format === 'nygard' ? renderNygard(content) : renderMadr(content);

      const file = await writeWorkspaceFile(
        directory,
        adrFileName(number, title),
        markdown,
        { exclusive: true, field: 'adrDirectory' },
      );
      const relative = path.relative(ctx.workspacePath, file);
      ctx.logger.info(`Wrote ADR ${number}: ${relative}`);
      ctx.output('path', relative);
      ctx.output('number', number);
      ctx.output('content', markdown);
    },
  });
}
