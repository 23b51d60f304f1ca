// Stryker's jest runner loads this from inside its sandbox copy of one
// package. The Backstage CLI's config resolves that package from the working
// directory, so the mutants run under the same transform, environment and
// test match as `backstage-cli package test`.
//
// MESHLENS_MUTATION_TESTS (set by scripts/mutation.mjs from a target's
// `tests`) narrows the test match to those globs, relative to the package:
// a package whose slow HTTP-level tests also reach the mutated modules is
// then scored by its focused unit tests only, and a run takes minutes, not
// hours. The Backstage config is a Promise of the config, hence the `then`.
const path = require('node:path');

const tests = process.env.MESHLENS_MUTATION_TESTS;

module.exports = Promise.resolve(require('@backstage/cli/config/jest')).then(
  config =>
    tests
      ? {
          ...config,
          testMatch: tests
            .split(',')
            .map(glob => path.resolve(config.rootDir, '..', glob)),
        }
      : config,
);
