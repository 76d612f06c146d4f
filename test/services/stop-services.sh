#!/usr/bin/env bash
# Stops what start-services.sh DIR started and removes DIR.
set -uo pipefail
dir="${1:?usage: stop-services.sh DIR}"
# postmaster.pid names the postgres process itself (postgres.pid may be runuser's, which waits for it).
if [ -f "$dir/pg/data/postmaster.pid" ]; then kill "$(head -1 "$dir/pg/data/postmaster.pid")" 2>/dev/null; fi
if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null; fi
for _ in $(seq 1 100); do
  alive=0
  for name in redis postgres; do
    if [ -f "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid" 2>/dev/null)" 2>/dev/null; then alive=1; fi
  done
  [ "$alive" = 0 ] && break
  sleep 0.1
done
rm -rf "$dir"
