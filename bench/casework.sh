#!/usr/bin/env bash
# The casework benchmark (issue 10, "Speed and scale"; a benchmark, not a timed test).
# Builds bench/casework.rs (an example of the prem library) in release mode and runs it: a
# synthetic ten-year, six-LA tracker (50,000 referrals, 150,000 people, 60,000 places; invented
# names with slips, aliases, swapped dates and repeats), then p50/p99 of the possible-match
# lookup for a new referral, of search, and of the repeat and hotspot lists; then of the case
# list and a case page through the workspace's real router, over a real workspace of as many
# sealed referrals. Prints a Markdown table, with the peak memory of the whole run from
# /usr/bin/time -v.
#
#   bash bench/casework.sh            # 50,000 referrals
#   bash bench/casework.sh 5000       # a smaller workspace
#
# Writes only to bench/out/ (ignored by git), and the pages' workspace to a temporary
# directory under BENCH_DATA (default /dev/shm where there is one: storing 50,000 referrals
# flushes sled 100,000 times, minutes on a shared disk; it is removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${BENCH_OUT:-bench/out}"
mkdir -p "$out"
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
echo "casework: building (release)..." >&2
cargo build --release --example casework -q
bin="${CARGO_TARGET_DIR:-target}/release/examples/casework"
if [ -z "${BENCH_DATA:-}" ] && [ -d /dev/shm ]; then
    export BENCH_DATA=/dev/shm
fi
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v "$bin" "$@" >"$out/casework.md" 2>"$out/casework-time.txt" || {
    cat "$out/casework-time.txt" >&2
    exit 1
}
grep '^casework:' "$out/casework-time.txt" >&2 || true
cat "$out/casework.md"
awk -F': ' '/Maximum resident/ {printf "| peak memory of the whole run (/usr/bin/time -v) | %.0f MB | | |\n", $2/1024}' \
    "$out/casework-time.txt"
echo "| load average before the run, on $(nproc) cores | $load_before | | |"
