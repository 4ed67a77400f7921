#!/bin/sh
# One bounded run of a fuzzer, as ctest runs it (fuzz/CMakeLists.txt):
#   run_bounded.sh FUZZER SEEDS WORK SECONDS [DICT]
# Replays the seed corpus SEEDS, then fuzzes until SECONDS have passed in all, writing what
# it learns to WORK (emptied first), never to the seeds. Exits non-zero on a crash, a leak,
# a timeout or a failed check, leaving the input that did it in WORK/.. The harness's
# libFuzzer flags come from <name>.options beside this script, when there is one.
set -eu
fuzzer=$1 seeds=$2 work=$3 seconds=$4 dict=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
options=$here/$(basename "$fuzzer" _fuzzer).options
flags=
[ -f "$options" ] && flags=$("$here/options_flags.sh" "$options")
rm -rf "$work"
mkdir -p "$work"
cd "$work/.."
# $flags unquoted: one flag a line, none with a space in it.
# shellcheck disable=SC2086
exec "$fuzzer" $flags -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  ${dict:+-dict="$dict"} -artifact_prefix="$work/../$(basename "$work")-" "$work" "$seeds"
