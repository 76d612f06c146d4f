#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 and Redis 7 on 127.0.0.1 (free ports, data in DIR) for the
# multi-node tests and benchmarks; writes DIR/env with the URLs. Stop them with stop-services.sh DIR.
# Usage: test/services/start-services.sh DIR && source DIR/env
set -euo pipefail
dir="${1:?usage: start-services.sh DIR}"
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# initdb and postgres refuse to run as root: run them as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_port="$(free_port)"
mkdir -p "$dir/pg" "$dir/pg-socket" "$dir/redis"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir" "$dir/pg" "$dir/pg-socket"; fi
as_pg "$pg_bin/initdb" -D "$dir/pg/data" -U postgres -E UTF8 --auth-local=trust \
  --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1
as_pg "$pg_bin/postgres" -D "$dir/pg/data" -p "$pg_port" -k "$dir/pg-socket" \
  -c listen_addresses=127.0.0.1 -c max_connections=200 >"$dir/postgres.log" 2>&1 &
echo $! >"$dir/postgres.pid"
for _ in $(seq 1 300); do
  if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port"; then break; fi
  sleep 0.1
done
"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" || {
  cat "$dir/postgres.log" >&2
  exit 1
}
# An ordinary role that owns its database: what a deployment gives Tessera (no superuser).
as_pg "$pg_bin/psql" -q -h "$dir/pg-socket" -p "$pg_port" -U postgres -d postgres \
  -c "CREATE ROLE tessera LOGIN PASSWORD 'tessera' NOSUPERUSER NOCREATEDB NOCREATEROLE" \
  -c "CREATE DATABASE tessera OWNER tessera"

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$dir/redis" --logfile "$dir/redis.log" --daemonize yes --pidfile "$dir/redis.pid"
for _ in $(seq 1 100); do
  if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then break; fi
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null

cat >"$dir/env" <<ENV
export TESSERA_TEST_POSTGRES_URL=postgres://tessera:tessera@127.0.0.1:$pg_port/tessera
export TESSERA_TEST_REDIS_URL=redis://127.0.0.1:$redis_port
ENV
echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port; source $dir/env"
