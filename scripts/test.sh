#!/usr/bin/env bash
# Runs every check of the repository: type-checking, lint, the unit and
# component tests of every package, then the integration and browser tests in
# test/ (they start a real Prometheus, the demo cluster and the app themselves).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$MESHLENS_ROOT"
"$MESHLENS_ROOT/scripts/ensure-system-packages.sh" prometheus chromium redis-server postgresql victoria-metrics

step() { log "== $*"; }

step "type-check"
# From scratch: an incremental build prints some inferred unions in another
# order, and the API reports below are compared as text.
rm -rf dist-types
tsc

step "API reports (a changed public API needs its report: npm run build:api-reports)"
# Reads the declarations tsc just wrote to dist-types/.
backstage-repo-tools api-reports --ci -o ae-undocumented,ae-wrong-input-file-type --validate-release-tags plugins/*

step "changesets"
changeset status >/dev/null

step "lint"
backstage-cli repo lint

step "unit and component tests"
CI=true backstage-cli repo test

step "integration and browser tests"
node --require @backstage/cli/config/nodeTransform.cjs --test --test-concurrency=1 'test/**/*.test.ts'
