#!/usr/bin/env bash
# Remakes the bundled sample recordings with runform's simulator (exact truth beside each).
# Run from the repository root: bash sample_data/make.sh
set -euo pipefail
cd "$(dirname "$0")/.."
run() { cargo run --quiet --release -- simulate "$@"; }

# A heel-striking overstrider: low cadence, long landing ahead of the pelvis, a lot of
# trunk rotation, forward lean, some pelvic drop. Stands, walks, runs, walks, stands.
run --out sample_data/heel-striker.csv --seed 11 --duration-s 45 --rate-hz 100 \
    --placements left_foot,right_foot,pelvis,trunk \
    --cadence-spm 158 --speed-mps 3.0 --contact-ms 290 --strike-angle-deg 18 \
    --overstride-cm 32 --trunk-rotation-deg 38 --pelvis-rotation-deg 16 \
    --pelvic-drop-deg 8 --forward-lean-deg 12 --standing-s 3 --walking-s 8

# An efficient runner: quick cadence, midfoot landing under the body, quiet trunk.
run --out sample_data/efficient.csv --seed 12 --duration-s 45 --rate-hz 100 \
    --placements left_foot,right_foot,pelvis,trunk \
    --cadence-spm 180 --speed-mps 3.3 --contact-ms 230 --strike-angle-deg 3 \
    --overstride-cm 8 --trunk-rotation-deg 12 --pelvis-rotation-deg 9 \
    --pelvic-drop-deg 4 --forward-lean-deg 5 --standing-s 3 --walking-s 8
