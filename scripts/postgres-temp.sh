#!/usr/bin/env bash
# Starts a private, throwaway PostgreSQL on a free loopback port with its data in a temp dir.
# Installs PostgreSQL from Debian first if it is missing. Prints `export` lines to eval:
#   eval "$(scripts/postgres-temp.sh start)"   -> EPISTLE_TEST_PG_URL, EPISTLE_TEST_PG_DIR
#   scripts/postgres-temp.sh stop "$EPISTLE_TEST_PG_DIR"
set -euo pipefail

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ]; then
    echo "installing PostgreSQL from Debian..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql) >&2
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$d"
}

case "${1:-}" in
start)
  bin=$(pg_bin)
  dir=$(mktemp -d /tmp/epistle-pg.XXXXXX)
  chown postgres: "$dir" 2>/dev/null || true
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  as_pg "$bin/initdb" -D "$dir/data" -U epistle --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U epistle epistle
  echo "export EPISTLE_TEST_PG_URL=postgresql://epistle@127.0.0.1:$port/epistle"
  echo "export EPISTLE_TEST_PG_DIR=$dir"
  ;;
stop)
  dir=${2:?usage: postgres-temp.sh stop DIR}
  bin=$(pg_bin)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  else "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop DIR" >&2
  exit 2
  ;;
esac
