#!/usr/bin/env bash
# Writes the SQL that takes the database from the committed migrations to the current schemas,
# for both providers, as prisma/<provider>/migrations/<NNNN_name>/migration.sql.
# Usage: scripts/migration-diff.sh add_outbox
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/migration-diff.sh <name>}
# The PostgreSQL adapter connects even for a diff between two files: give it a throwaway server.
eval "$(scripts/postgres-temp.sh start)"
trap 'scripts/postgres-temp.sh stop "$EPISTLE_TEST_PG_DIR"' EXIT
for p in sqlite postgresql; do
  dir=prisma/$p/migrations
  mkdir -p "$dir"
  n=$(find "$dir" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)
  next=$(printf '%04d_%s' $((n + 1)) "$name")
  shadow=$(mktemp -d)
  # Replay the committed migrations into a schema snapshot: the previous schema is kept beside each migration.
  prev=$(find "$dir" -name schema.prisma 2>/dev/null | sort | tail -n 1)
  url=$([ $p = sqlite ] && echo "file:$shadow/x.db" || echo "$EPISTLE_TEST_PG_URL")
  mkdir -p "$dir/$next"
  if [ -n "$prev" ]; then from=(--from-schema-datamodel "$prev"); else from=(--from-empty); fi
  DATABASE_URL=$url node node_modules/prisma/build/index.js migrate diff --config prisma/$p/prisma.config.ts \
    "${from[@]}" --to-schema-datamodel prisma/$p/schema.prisma --script > "$dir/$next/migration.sql"
  cp prisma/$p/schema.prisma "$dir/$next/schema.prisma"
  rm -rf "$shadow"
  echo "wrote $dir/$next/migration.sql"
done
