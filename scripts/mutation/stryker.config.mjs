// Shared StrykerJS options for scripts/mutation.mjs, which runs Stryker once
// per package with that package as the working directory and passes the
// modules to mutate and the report paths on the command line.
import { fileURLToPath } from 'node:url';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: fileURLToPath(new URL('./jest.config.cjs', import.meta.url)),
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  checkers: [],
  // The machine is shared: one test-runner process at a time.
  concurrency: 1,
  reporters: ['json', 'clear-text'],
  jsonReporter: {
    fileName:
      process.env.MESHLENS_MUTATION_REPORT ?? 'reports/mutation/mutation.json',
  },
  clearTextReporter: { allowColor: false, logTests: false, allowEmojis: false },
  // Only the package's own sources and tests are copied into the sandbox;
  // node_modules is found by walking up to the repository root.
  ignorePatterns: ['dist', 'dist-types', 'coverage', '*.md'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  timeoutMS: 10000,
  thresholds: { high: 90, low: 80, break: null },
};
