/**
 * What an adopter does with Meshlens, done by a test: pack every published
 * package into a tarball, create a fresh Backstage backend and app (new
 * frontend system) outside this workspace that depend only on published
 * Backstage packages and those tarballs, and paste in the README's Install
 * section exactly as written.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { REPO_ROOT } from './meshlens';

const run = promisify(execFile);

/** The fenced blocks of the root README's "## Install" section, by the path named on their first line. */
export interface InstallSnippets {
  /** `npm install ...` lines, each with its `--workspace`. */
  commands: string[];
  /** Statements for packages/backend/src/index.ts, before `backend.start()`. */
  backend: string[];
  /** packages/app/src/App.tsx: import lines, and the features to add to `createApp`. */
  appImports: string[];
  appFeatures: string[];
  /** What goes into app-config.yaml. */
  config: Record<string, unknown>;
}

/** Reads the README's Install section; each block names its file on its first line. */
export function readInstallSnippets(
  readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'),
): InstallSnippets {
  const start = readme.indexOf('\n## Install\n');
  if (start < 0) throw new Error('README.md has no "## Install" section');
  const next = readme.indexOf('\n## ', start + 5);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(m => ({
    lang: m[1],
    lines: m[2].trimEnd().split('\n'),
  }));
  const named = (marker: string) => {
    const found = blocks.filter(b => b.lines[0].includes(marker));
    if (found.length !== 1) {
      throw new Error(
        `README's Install section needs exactly one block whose first line names ${marker} (found ${found.length})`,
      );
    }
    return found[0].lines.slice(1);
  };
  const code = (lines: string[]) =>
    lines.filter(l => l.trim() && !l.trim().startsWith('//'));
  const shell = named('# shell');
  const app = code(named('packages/app/src/App.tsx'));
  const features = app
    .filter(l => !l.startsWith('import '))
    .flatMap(l => {
      const m = l.match(
        /^createApp\(\{ features: \[\.\.\.existing, (.+)\] \}\)/,
      );
      if (!m) throw new Error(`Unexpected App.tsx line in the README: ${l}`);
      return m[1].split(',').map(s => s.trim());
    });
  return {
    commands: shell.filter(l => l.startsWith('npm ')),
    backend: code(named('packages/backend/src/index.ts')),
    appImports: app.filter(l => l.startsWith('import ')),
    appFeatures: features,
    config: parseYaml(named('app-config.yaml').join('\n')),
  };
}

const PUBLISHED = [
  'mesh',
  'mesh-backend',
  'mesh-common',
  'mesh-node',
  'scaffolder-backend-module-mesh',
  'search-backend-module-mesh',
];

/** Builds and packs every published package; returns package name -> tarball path. */
export async function packPublishedPackages(
  into: string,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string>> {
  mkdirSync(into, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const dir of PUBLISHED) {
    const cwd = join(REPO_ROOT, 'plugins', dir);
    const { name } = JSON.parse(
      readFileSync(join(cwd, 'package.json'), 'utf8'),
    );
    await run('backstage-cli', ['package', 'build'], { cwd, env });
    const { stdout } = await run(
      'npm',
      ['pack', '--silent', '--pack-destination', into],
      { cwd, env },
    );
    tarballs.set(name, join(into, stdout.trim().split('\n').pop()!));
  }
  return tarballs;
}

/** The versions this repository resolved, so the fresh app installs from the npm cache. */
function versionOf(name: string): string {
  const pkg = JSON.parse(
    readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'),
  );
  return `^${pkg.version}`;
}

function depsOf(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map(n => [n, versionOf(n)]));
}

const BACKEND_PACKAGES = [
  '@backstage/backend-defaults',
  '@backstage/plugin-app-backend',
  '@backstage/plugin-proxy-backend',
  '@backstage/plugin-auth-backend',
  '@backstage/plugin-auth-backend-module-guest-provider',
  '@backstage/plugin-catalog-backend',
  '@backstage/plugin-catalog-backend-module-scaffolder-entity-model',
  '@backstage/plugin-catalog-backend-module-logs',
  '@backstage/plugin-permission-backend',
  '@backstage/plugin-permission-common',
  '@backstage/plugin-permission-node',
  '@backstage/backend-plugin-api',
  '@backstage/plugin-scaffolder-backend',
  '@backstage/plugin-search-backend',
  '@backstage/plugin-search-backend-module-catalog',
  '@backstage/plugin-kubernetes-backend',
  'better-sqlite3',
];

const APP_PACKAGES = [
  '@backstage/cli',
  '@backstage/core-components',
  '@backstage/core-plugin-api',
  '@backstage/frontend-defaults',
  '@backstage/frontend-plugin-api',
  '@backstage/plugin-catalog',
  '@backstage/plugin-kubernetes',
  '@backstage/plugin-scaffolder',
  '@backstage/plugin-search',
  '@backstage/plugin-user-settings',
  '@backstage/ui',
  '@material-ui/core',
  '@material-ui/icons',
  'react',
  'react-dom',
  'react-router',
  'react-router-dom',
];

/**
 * The backend a new adopter has before adding Meshlens: the core features
 * of Backstage's app template, and a permission policy that allows what the
 * default template allows (everything).
 */
const BACKEND_INDEX = `import { createBackend } from '@backstage/backend-defaults';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

const backend = createBackend();
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  createBackendModule({
    pluginId: 'permission',
    moduleId: 'allow-all',
    register(reg) {
      reg.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy({ handle: async () => ({ result: AuthorizeResult.ALLOW }) });
        },
      });
    },
  }),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-kubernetes-backend'));
`;

const APP_TSX = `import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import searchPlugin from '@backstage/plugin-search/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';

const existing = [catalogPlugin, kubernetesPlugin, scaffolderPlugin, searchPlugin, userSettingsPlugin];
`;

const INDEX_TSX = `import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import App from './App';
import '@backstage/ui/css/styles.css';

ReactDOM.createRoot(document.getElementById('root')!).render(App.createRoot());
`;

const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title><%= config.getString('app.title') %></title>
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

function writeJson(path: string, value: unknown) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a fresh Backstage root (npm workspaces, packages/app and
 * packages/backend), then pastes the README's snippets into it.
 */
export function createFreshBackstage(
  root: string,
  snippets: InstallSnippets,
  appConfig: Record<string, unknown>,
): void {
  const backendDir = join(root, 'packages/backend');
  const appDir = join(root, 'packages/app');
  mkdirSync(join(backendDir, 'src'), { recursive: true });
  mkdirSync(join(appDir, 'src'), { recursive: true });
  mkdirSync(join(appDir, 'public'), { recursive: true });
  const rootPkg = JSON.parse(
    readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'),
  );
  writeJson(join(root, 'package.json'), {
    name: 'fresh-backstage',
    private: true,
    workspaces: ['packages/*'],
    engines: rootPkg.engines,
    // The npm workarounds any Backstage app on npm needs (see the toolchain notes).
    overrides: rootPkg.overrides,
    devDependencies: depsOf(['@backstage/cli', 'typescript']),
  });
  writeFileSync(join(root, '.npmrc'), 'legacy-peer-deps=true\n');
  writeJson(join(root, 'tsconfig.json'), {
    extends: '@backstage/cli/config/tsconfig.json',
    include: ['packages/*/src'],
    compilerOptions: { outDir: 'dist-types', rootDir: '.', jsx: 'react-jsx' },
  });
  writeJson(join(backendDir, 'package.json'), {
    name: 'backend',
    version: '0.0.0',
    private: true,
    main: 'dist/index.cjs.js',
    backstage: { role: 'backend' },
    scripts: { start: 'backstage-cli package start' },
    dependencies: { ...depsOf(BACKEND_PACKAGES), app: '0.0.0' },
  });
  writeJson(join(appDir, 'package.json'), {
    name: 'app',
    version: '0.0.0',
    private: true,
    bundled: true,
    backstage: { role: 'frontend' },
    scripts: { start: 'backstage-cli package start' },
    dependencies: depsOf(APP_PACKAGES),
  });
  writeFileSync(
    join(backendDir, 'src/index.ts'),
    `${BACKEND_INDEX}\n// Meshlens, from the README's Install section:\n${snippets.backend.join(
      '\n',
    )}\n\nbackend.start();\n`,
  );
  writeFileSync(
    join(appDir, 'src/App.tsx'),
    `${APP_TSX}${snippets.appImports.join('\n')}\n\n` +
      `export default createApp({ features: [...existing, ${snippets.appFeatures.join(
        ', ',
      )}] });\n`,
  );
  writeFileSync(join(appDir, 'src/index.tsx'), INDEX_TSX);
  writeFileSync(join(appDir, 'public/index.html'), INDEX_HTML);
  writeFileSync(
    join(root, 'app-config.yaml'),
    stringifyYaml(pasteConfig(appConfig, snippets.config)),
  );
}

/** Runs the README's install commands, each tarball standing in for its published package. */
export async function installFreshBackstage(
  root: string,
  snippets: InstallSnippets,
  tarballs: Map<string, string>,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const flags = ['--prefer-offline', '--no-audit', '--no-fund'];
  const npm = (args: string[]) =>
    run('npm', [...args, ...flags], {
      cwd: root,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
  // The app as the adopter had it before Meshlens.
  let log = (await npm(['install'])).stdout;
  for (const command of snippets.commands) {
    const args = command
      .split(/\s+/)
      .slice(1)
      .map(a => tarballs.get(a) ?? a);
    const unknown = args.filter(a => a.startsWith('@meshlens/'));
    if (unknown.length) {
      throw new Error(`The README installs unpublished packages: ${unknown}`);
    }
    log += (await npm(args)).stdout;
  }
  return log;
}

/**
 * Pastes a config snippet into an app-config as a person does: keys are
 * added or replaced, and list entries are appended to the lists already
 * there (a separate config file would replace whole lists instead).
 */
export function pasteConfig(
  into: Record<string, unknown>,
  snippet: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...into };
  for (const [key, value] of Object.entries(snippet)) {
    const had = out[key];
    if (Array.isArray(had) && Array.isArray(value)) {
      out[key] = [...had, ...value];
    } else if (isObject(had) && isObject(value)) {
      out[key] = pasteConfig(had, value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
