/*
 * The publish:github:pull-request action for dry runs only: the template's
 * pull-request path runs up to it with the scaffolder's dry-run API and no
 * network. Outside a dry run it refuses, since it opens no pull request.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { NotImplementedError } from '@backstage/errors';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';

/** What the pull request would have held. */
export interface PullRequestSeen {
  input: Record<string, unknown>;
  /** The workspace's files, relative, sorted: the pull request's content. */
  files: string[];
}

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    return entry.isDirectory()
      ? filesUnder(root, path)
      : [relative(root, path)];
  });
}

export function publishPullRequestDouble(seen: PullRequestSeen[]) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-publish-pull-request-double',
    register(env) {
      env.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(
            createTemplateAction({
              id: 'publish:github:pull-request',
              supportsDryRun: true,
              schema: {
                input: {
                  repoUrl: z => z.string(),
                  branchName: z => z.string(),
                  targetBranchName: z => z.string().optional(),
                  title: z => z.string(),
                  description: z => z.string(),
                },
                output: {
                  remoteUrl: z => z.string(),
                  pullRequestNumber: z => z.number(),
                },
              },
              async handler(ctx) {
                if (!ctx.isDryRun) {
                  throw new NotImplementedError(
                    'this publish:github:pull-request is a test double for dry runs',
                  );
                }
                seen.push({
                  input: { ...ctx.input },
                  files: filesUnder(ctx.workspacePath).sort(),
                });
                // repoUrl as RepoUrlPicker writes it: github.com?owner=...&repo=...
                const repo = new URL(`https://${ctx.input.repoUrl}`);
                ctx.output(
                  'remoteUrl',
                  `https://${repo.host}/${repo.searchParams.get(
                    'owner',
                  )}/${repo.searchParams.get('repo')}/pull/1`,
                );
                ctx.output('pullRequestNumber', 1);
              },
            }),
          );
        },
      });
    },
  });
}
