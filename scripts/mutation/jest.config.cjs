// Stryker's jest runner loads this from inside its sandbox copy of one
// package. The Backstage CLI's config resolves that package from the working
// directory, so the mutants run under the same transform, environment and
// test match as `backstage-cli package test`.
module.exports = require('@backstage/cli/config/jest');
