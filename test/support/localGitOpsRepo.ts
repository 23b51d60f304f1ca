/*
 * A GitOps repository on GitHub, served from a local directory through the
 * backend's URL reader, so that the template's fetch steps run for real
 * without the network. Only trees (`/tree/<branch>/<path>`) are served,
 * which is what fetch:plain reads.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { urlReaderFactoriesServiceRef } from '@backstage/backend-defaults/urlReader';
import { NotFoundError, NotImplementedError } from '@backstage/errors';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Serves https://github.com/<owner>/<repo>/tree/<branch>/... from `root`,
 * as GitHub's reader would: the files below the path, relative to it.
 */
export function localGitOpsRepoFactory(options: {
  owner: string;
  repo: string;
  branch: string;
  root: string;
}) {
  const prefix = `/${options.owner}/${options.repo}/tree/${options.branch}`;
  return createServiceFactory({
    service: urlReaderFactoriesServiceRef,
    deps: {},
    async factory() {
      return ({ treeResponseFactory }) => [
        {
          predicate: (url: URL) =>
            url.host === 'github.com' &&
            url.pathname.startsWith(`/${options.owner}/${options.repo}/`),
          reader: {
            async readTree(url: string) {
              const { pathname } = new URL(url);
              if (!pathname.startsWith(prefix)) {
                throw new NotFoundError(`${url} is not a tree of ${prefix}`);
              }
              const dir = join(options.root, pathname.slice(prefix.length));
              if (!existsSync(dir) || !statSync(dir).isDirectory()) {
                throw new NotFoundError(`${url} not found`);
              }
              return treeResponseFactory.fromReadableArray(
                filesUnder(dir).map(file => ({
                  data: createReadStream(file),
                  path: relative(dir, file),
                  lastModifiedAt: statSync(file).mtime,
                })),
              );
            },
            async readUrl(url: string) {
              throw new NotImplementedError(
                `the local GitOps repository serves trees only, not ${url}`,
              );
            },
            async search(url: string) {
              throw new NotImplementedError(
                `the local GitOps repository serves trees only, not ${url}`,
              );
            },
          },
        },
      ];
    },
  });
}
