#!/bin/sh
# Runs every fuzz target for a while, one at a time, one job each, seeded with small
# valid files written by the test suite (tests/data/fuzz/seeds), and copies any crash
# into tests/data/fuzz/ where `cargo test --test fuzz_crashes` replays it.
#
#   fuzz/run.sh [seconds per target, default 120]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler, or on stable:
# RUSTC_BOOTSTRAP=1 (set here).
set -eu
cd "$(dirname "$0")"
secs="${1:-120}"
export RUSTC_BOOTSTRAP=1
crashes=../tests/data/fuzz
mkdir -p "$crashes"
for target in fit parquet phone text; do
    corpus="corpus/$target"
    mkdir -p "$corpus" "artifacts/$target"
    if [ -d "$crashes/seeds/$target" ]; then cp -n "$crashes/seeds/$target"/* "$corpus"/ 2>/dev/null || true; fi
    echo "== $target ($secs s)"
    cargo fuzz run -s none "$target" "$corpus" -- \
        -max_total_time="$secs" -jobs=1 -workers=1 -max_len=65536 -rss_limit_mb=2048 \
        -artifact_prefix="artifacts/$target/" 2>&1 | tail -n 3 || true
    for f in artifacts/"$target"/crash-* artifacts/"$target"/oom-* artifacts/"$target"/timeout-*; do
        [ -e "$f" ] && cp "$f" "$crashes/$target-$(basename "$f")"
    done
done
