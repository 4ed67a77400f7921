#!/bin/sh
# One bounded run of a fuzzer, as ctest runs it (fuzz/CMakeLists.txt):
#   run_bounded.sh FUZZER SEEDS WORK SECONDS [DICT]
# Replays the seed corpus SEEDS, then fuzzes until SECONDS have passed in all, writing what
# it learns to WORK (emptied first), never to the seeds. Exits non-zero on a crash, a leak,
# a timeout or a failed check, leaving the input that did it in WORK/..
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4 dict=${5:-}
rm -rf "$work"
mkdir -p "$work"
cd "$work/.."
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  ${dict:+-dict="$dict"} -artifact_prefix="$work/../$(basename "$work")-" "$work" "$seeds"
