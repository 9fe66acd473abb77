#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): installs the real servers it needs, checks
# types and lint, builds the browser embed, then runs unit, integration (SQLite, then PostgreSQL) and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npx tsc --noEmit
npx tsc --noEmit -p src/embed
node scripts/build-embed.mjs
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
node scripts/run-tests.mjs "$@"
