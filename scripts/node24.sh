#!/usr/bin/env bash
# Runs the unit and SQLite integration phases again on Node 24, the current LTS (the machine's
# Node is 20). Node 24 comes from the npm registry: the `node` package installs a platform
# package, node-<platform>-<arch>, which holds bin/node and the C headers (include/node/).
# better-sqlite3 is a native module built for the machine's Node, so the tests run in a temporary
# copy of the checkout whose better-sqlite3 is compiled for Node 24 (node-gyp against those
# headers); the checkout's own node_modules is never changed.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/epistle-node24.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The platform package directly: `npx -p node@24` gives the binary but not reliably the headers
# (a later npx run prunes the platform package it installed on the side). From the npm cache
# after the first run.
binary=$(node -p '`node-${process.platform}-${process.arch}@24`')
tarball=$(npm pack "$binary" --pack-destination "$work" --loglevel=error | tail -n 1)
node24=$work/node24
mkdir "$node24"
tar xzf "$work/$tarball" -C "$node24" --strip-components=1
[ -x "$node24/bin/node" ] && [ -f "$node24/include/node/node.h" ] || { echo "node24: no binary or headers in $binary" >&2; exit 1; }
echo "=== Node $("$node24/bin/node" --version) from the $binary package"

# The checkout's files, and the Prisma clients generated from them (ignored by git).
copy=$work/checkout
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  if [ -e "$f" ]; then
    mkdir -p "$copy/$(dirname "$f")"
    cp -p "$f" "$copy/$f"
  fi
done
cp -a src/db/generated "$copy/src/db/generated"
# node_modules: hard links (instant, no space; nothing writes into them while testing), except
# better-sqlite3, copied for real because it is rebuilt.
modules=$(readlink -f node_modules)
cp -al "$modules" "$copy/node_modules" 2>/dev/null || cp -a "$modules" "$copy/node_modules"
rm -rf "$copy/node_modules/better-sqlite3"
cp -a "$modules/better-sqlite3" "$copy/node_modules/better-sqlite3"

cd "$copy"
export PATH="$node24/bin:$PATH"
# Compiling takes 1-2 min on a quiet 2-core machine (SQLite itself is most of it): the result is
# kept per better-sqlite3 version and Node ABI, and reused by later runs on this machine.
version=$(node -p 'require("./node_modules/better-sqlite3/package.json").version')
abi=$(node -p 'process.versions.modules')
cached="${XDG_CACHE_HOME:-$HOME/.cache}/epistle/better-sqlite3-$version-node-abi$abi.node"
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
if [ -f "$cached" ]; then
  cp "$cached" "$addon"
  echo "=== better-sqlite3 $version for Node 24 (ABI $abi) from $cached"
else
  started=$(date +%s)
  npm_config_nodedir="$node24" npm_config_build_from_source=better-sqlite3 npm rebuild better-sqlite3 --loglevel=error >/dev/null
  mkdir -p "$(dirname "$cached")"
  cp "$addon" "$cached.tmp" && mv "$cached.tmp" "$cached"
  echo "=== better-sqlite3 $version compiled for Node 24 (ABI $abi) in $(($(date +%s) - started)) s"
fi
node scripts/run-tests.mjs unit sqlite
