import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { MeshOption } from '@meshlens/plugin-mesh-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { adrFileName, nextAdrNumber } from '../adr/numbering';
import { renderMadr, renderNygard } from '../adr/renderAdr';
import { MESH_OPTIONS } from '../onboarding/types';
import { examples } from './meshAdrCreate.examples';

function meshOption(field: string, value: unknown): MeshOption {
  if (!MESH_OPTIONS.includes(value as MeshOption)) {
    throw new InputError(
      `${field}: "${String(value)}" is not one of ${MESH_OPTIONS.join(', ')}`,
    );
  }
  return value as MeshOption;
}

/**
 * `mesh:adr:create`: writes the next numbered ADR recording the mesh
 * decision, with a sourced comparison table and an onboarding checklist.
 * @public
 */
export function createMeshAdrCreateAction(options?: { now?: () => Date }) {
  const now = options?.now ?? (() => new Date());
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
          z.enum(MESH_OPTIONS, {
            description: 'The mesh chosen.',
          }),
        alternatives: z =>
          z
            .array(z.enum(MESH_OPTIONS), {
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
      const mesh = meshOption('mesh', ctx.input.mesh);
      const alternatives = (
        ctx.input.alternatives ?? MESH_OPTIONS.filter(m => m !== mesh)
      )
        .map((a, i) => meshOption(`alternatives[${i}]`, a))
        .filter((a, i, all) => a !== mesh && all.indexOf(a) === i);
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
      const subject = context.service ?? context.namespace;
      const title =
        ctx.input.title?.trim() ||
        `Use ${
          mesh === 'istio-ambient'
            ? 'Istio ambient'
            : mesh.charAt(0).toUpperCase() + mesh.slice(1)
        }${subject ? ` for ${subject}` : ''}`;

      const directory = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.adrDirectory ?? 'docs/adrs',
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
        requirements: context.requirements ?? {},
        notes: context.notes,
        deciders: ctx.input.deciders,
      } as const;
      const markdown =
        format === 'nygard' ? renderNygard(content) : renderMadr(content);

      const file = path.join(directory, adrFileName(number, title));
      await fs.mkdir(directory, { recursive: true });
      await fs.writeFile(file, markdown, { encoding: 'utf8', flag: 'wx' });
      const relative = path.relative(ctx.workspacePath, file);
      ctx.logger.info(`Wrote ADR ${number}: ${relative}`);
      ctx.output('path', relative);
      ctx.output('number', number);
      ctx.output('content', markdown);
    },
  });
}
