#!/usr/bin/env bash
# bench/peers_append.sh [ROTONDE_BENCH]: the store's durable ~200-byte appends as "name value"
# lines for the peers' run (../shared/peers/run_all.sh bench/peers_append.sh), so that they
# are measured in the same minutes as PostgreSQL, Redis and NATS: blocking writers (1/16/64
# threads), the asynchronous contract (16 and 64 appends in flight over 16 platforms, 100 in
# flight over 100 platforms), each with the raw fdatasync limit at the batch it achieved.
set -euo pipefail
bench=${1:-build/release/rotonde-bench}
[ -x "$bench" ] || { echo "# no $bench (cmake --build --preset release)" >&2; exit 1; }
dir=$(mktemp -d /tmp/rotonde-peers.XXXXXX)
out=$dir/bench.json
trap 'rm -rf "$dir"' EXIT
"$bench" --dir="$dir" --benchmark_filter='durable_append|raw_fdatasync' \
  --benchmark_format=json >"$out" 2>/dev/null
python3 - "$out" <<'PY'
import json, re, sys
rates = {}
# (benchmark name, what it measures, the key of its lines): blocking writers and the raw disk
# at their batch by writer count, the asynchronous appends and theirs by in flight/platforms.
shapes = [(r"eventstore/durable_append/.*threads:(\d+)$", "store", "c{}"),
          (r"durable_append_async/in_flight:(\d+)/platforms:(\d+)", "store", "async{}_p{}"),
          (r"raw_fdatasync/as_with_writers:(\d+)", "raw", "c{}"),
          (r"raw_fdatasync/as_with_in_flight:(\d+)/platforms:(\d+)", "raw", "async{}_p{}")]
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    name = re.sub(r"/(min_time:[0-9.]+|real_time)", "", b["name"])
    for pattern, kind, key_format in shapes:
        m = re.search(pattern, name)
        if not m:
            continue
        key, rate = key_format.format(*m.groups()), b.get("items_per_second", 0)
        rates[(kind, key)] = rate
        if kind == "store":
            print(f"rotonde_append_per_s_{key} {rate:.0f}")
            print(f"rotonde_events_per_fsync_{key} {b.get('events_per_fsync', 0):.1f}")
        else:
            print(f"raw_same_batch_per_s_{key} {rate:.0f}")
for (kind, key), rate in sorted(rates.items()):
    raw = rates.get(("raw", key))
    if kind == "store" and raw:
        print(f"rotonde_share_of_raw_pct_{key} {100 * rate / raw:.1f}")
PY
