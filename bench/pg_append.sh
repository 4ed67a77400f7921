#!/usr/bin/env bash
# bench/pg_append.sh [ROTONDE_BENCH]: the PostgreSQL backend's durable ~200-byte appends as
# "name value" lines for the peers' run, so that they compare with PostgreSQL's plain one
# event per transaction (pg_appends_per_s_c16) measured in the same minutes:
#   ../shared/peers/run_all.sh bench/pg_append.sh
# It starts a throwaway PostgreSQL 15 on 127.0.0.1 with the peers' durability (fsync=on,
# synchronous_commit=on), runs rotonde-bench's pg/ benchmarks (16 and 64 appends in flight
# over 16 platforms) against it, and stops it. With ROTONDE_BENCH_CLUSTER=1 it also runs them
# on the synchronous 3-node Patroni cluster of scripts/cluster (a standby confirms each
# commit). Bounded: each benchmark runs about 3 s.
set -euo pipefail
bench=${1:-build/release/rotonde-bench}
[ -x "$bench" ] || { echo "# no $bench (cmake --build --preset release)" >&2; exit 1; }
pg=/usr/lib/postgresql/15/bin
[ -x $pg/postgres ] || { echo "# no PostgreSQL 15 (scripts/setup)" >&2; exit 1; }
port=${ROTONDE_BENCH_PG_PORT:-55532}
dir=$(mktemp -d /tmp/rotonde-pg-bench.XXXXXX)
cluster_dir=$dir/cluster
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)
stop() {
  [ -f "$dir/data/postmaster.pid" ] && "${as_postgres[@]}" $pg/pg_ctl -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  [ -d "$cluster_dir" ] && ROTONDE_CLUSTER_DIR=$cluster_dir ROTONDE_CLUSTER_PORT=${ROTONDE_BENCH_CLUSTER_PORT:-24400} scripts/cluster stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
"${as_postgres[@]}" $pg/initdb -D "$dir/data" -A trust -U postgres >/dev/null
"${as_postgres[@]}" $pg/pg_ctl -D "$dir/data" -l "$dir/log" -w start -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on -c synchronous_commit=on" >/dev/null

# One line per benchmark: the appends per second, and how many events each commit carried.
report() {
  python3 -c '
import json, re, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    m = re.search(r"pg/durable_append_async/in_flight:(\d+)/platforms:(\d+)", b["name"])
    if m:
        key = f"{sys.argv[2]}_async{m.group(1)}_p{m.group(2)}"
        print("rotonde_%s %.0f" % (key, b.get("items_per_second", 0)))
        print("rotonde_%s_events_per_commit %.1f" % (key, b.get("events_per_fsync", 0)))
' "$1" "$2"
}
"$bench" --dir="$dir/bench" --pg="postgresql://postgres@127.0.0.1:$port/postgres" \
  --benchmark_filter='^pg/' --benchmark_format=json >"$dir/single.json" 2>"$dir/single.err" ||
  { cat "$dir/single.err" >&2; exit 1; }
report "$dir/single.json" pg_append_per_s

if [ "${ROTONDE_BENCH_CLUSTER:-0}" = 1 ]; then
  url=$(ROTONDE_CLUSTER_DIR=$cluster_dir ROTONDE_CLUSTER_PORT=${ROTONDE_BENCH_CLUSTER_PORT:-24400} \
    scripts/cluster start | tail -1)
  "$bench" --dir="$dir/bench-cluster" --pg="$url" --benchmark_filter='^pg/' \
    --benchmark_format=json >"$dir/cluster.json" 2>"$dir/cluster.err" ||
    { cat "$dir/cluster.err" >&2; exit 1; }
  report "$dir/cluster.json" pg_cluster_append_per_s
fi
