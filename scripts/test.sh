#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): installs the real servers it needs, checks
# types and lint, builds the program and the browser embed, then runs unit, integration (SQLite,
# then PostgreSQL), browser and package tests on the machine's Node, and the unit and SQLite phases
# again on Node 24 (scripts/node24.sh).
# `npm test -- <phase>...` runs only those phases; `npm test -- node24` only the Node 24 run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
[ -f dist/main.js ] || node scripts/build.mjs # npm ci ran it (prepare) unless scripts were off
npx tsc --noEmit
npx tsc --noEmit -p src/embed
node scripts/build-embed.mjs
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
if [ "$*" != node24 ]; then node scripts/run-tests.mjs "$@"; fi
if [ $# -eq 0 ] || [ "$*" = node24 ]; then bash scripts/node24.sh; fi
