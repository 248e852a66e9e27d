#!/usr/bin/env bash
# Runs every cargo-fuzz target briefly (FUZZ_SECONDS each, default 60) from its committed seed
# corpus, and fails on the first crash, panic, timeout or leak libFuzzer reports.
#
# Only the stable toolchain exists here, so: RUSTC_BOOTSTRAP=1 and no sanitizer.
# The first build of fuzz/ (release, instrumented) takes several minutes on two cores.
#
#   bash .ci/fuzz.sh                     # every target, 60 s each
#   FUZZ_SECONDS=20 bash .ci/fuzz.sh form_post sealed_record
set -euo pipefail

cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-60}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(RUSTC_BOOTSTRAP=1 cargo fuzz list)
fi

export RUSTC_BOOTSTRAP=1
# libFuzzer writes the inputs it finds into the corpus folder; fuzz from a scratch copy so the
# committed seeds stay as they are and runs do not pile up files.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

for t in "${targets[@]}"; do
    echo "fuzz: building $t"
    cargo fuzz build --sanitizer none "$t"
done

failed=()
for t in "${targets[@]}"; do
    mkdir -p "$scratch/$t"
    if [ -d "corpus/$t" ]; then
        cp -R "corpus/$t/." "$scratch/$t/"
    fi
    echo "fuzz: $t for ${seconds}s from $(ls "$scratch/$t" | wc -l) seeds"
    # -rss_limit_mb: libFuzzer's default 2 GB; -timeout: one input taking longer is a bug.
    if cargo fuzz run --sanitizer none "$t" "$scratch/$t" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$scratch/$t.log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done )' "$scratch/$t.log" || true
        echo "fuzz: $t ok"
    else
        tail -n 60 "$scratch/$t.log"
        echo "fuzz: $t FAILED (the crashing input is in fuzz/artifacts/$t/; reproduce with"
        echo "      RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none $t fuzz/artifacts/$t/<file>)"
        failed+=("$t")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: ${#targets[@]} target(s) ran ${seconds}s each without a crash"
