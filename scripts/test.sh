#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): installs the real servers it needs, checks
# types and lint, then runs unit, integration (SQLite, then PostgreSQL) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
[ -f dist/main.js ] || node scripts/build.mjs  # npm ci ran it (prepare) unless scripts were off
npx tsc --noEmit
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
node scripts/run-tests.mjs "$@"
