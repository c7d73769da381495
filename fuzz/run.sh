#!/bin/sh
# Runs the fuzz targets for a while, one at a time, one job each, seeded with small
# valid files (tests/data/fuzz/seeds/<target>), copies any crash, timeout or oom into
# tests/data/fuzz/ (where `cargo test --test fuzz_crashes` replays it), and ends with a
# one-line summary per target: executions, run time, coverage, findings.
#
#   fuzz/run.sh [seconds per target, default 300] [target ...]   (targets: fit parquet phone text)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler: rustup's nightly
# when installed, else the default one with RUSTC_BOOTSTRAP=1 (the build of one is not
# reused by the other: keep to one). Built without a sanitizer (safe Rust; a cold ASan build
# of polars takes too long) and 16 codegen units; FUZZ_TARGET_DIR sets the build
# directory (default fuzz/target). The full log of each run is in fuzz/logs/.
set -eu
cd "$(dirname "$0")"
secs="${1:-300}"
[ $# -gt 0 ] && shift
targets="${*:-fit parquet phone text}"
if rustup run nightly rustc --version >/dev/null 2>&1; then
    fuzz="cargo +nightly fuzz"
else
    export RUSTC_BOOTSTRAP=1
    fuzz="cargo fuzz"
fi
build="-O -s none --codegen-units 16 --target-dir ${FUZZ_TARGET_DIR:-$PWD/target}"
crashes=../tests/data/fuzz
mkdir -p "$crashes" logs
summary=""
for target in $targets; do
    corpus="corpus/$target"
    artifacts="artifacts/$target"
    log="logs/$target.log"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$crashes/seeds/$target" ]; then
        for f in "$crashes/seeds/$target"/*; do cp -n "$f" "$corpus/" 2>/dev/null || true; done
    fi
    touch "$artifacts/.start"
    echo "== $target ($secs s), log in fuzz/$log"
    # shellcheck disable=SC2086
    $fuzz build $build "$target" >"$log" 2>&1 || { tail -n 20 "$log"; exit 1; }
    start=$(date +%s)
    # shellcheck disable=SC2086
    $fuzz run $build "$target" "$corpus" -- \
        -max_total_time="$secs" -timeout=10 -max_len=65536 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >>"$log" 2>&1 || true
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    status=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$status" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    found=0
    for f in $(find "$artifacts" -type f -newer "$artifacts/.start" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'slow-unit-*' \)); do
        cp -n "$f" "$crashes/$target-$(basename "$f")"
        found=$((found + 1))
    done
    if [ -z "$execs" ]; then
        tail -n 5 "$log"
    fi
    if [ "$found" -gt 0 ]; then
        grep -m 1 -E 'panicked at|memory allocation|ERROR: libFuzzer' "$log" || true
    fi
    line="$target: ${execs:-?} execs in ${took} s of fuzzing, cov ${cov:-?} edges, ft ${ft:-?}, corpus ${corp:-?}, $found new finding(s)"
    echo "$line"
    summary="$summary$line
"
done
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $secs s per target)"
printf '%s' "$summary"
