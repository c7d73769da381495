#!/usr/bin/env bash
# Remakes the Parquet files other writers make of one short simulated recording, read by
# tests/formats.rs (`other_writers_parquet_reads_as_runform_wrote_it`): pyarrow with v1
# and v2 data pages, dictionaries, statistics and a page index, and DuckDB.
# Needs runform built and `pip install pyarrow duckdb`. Run from this folder:
#   bash make.sh path/to/runform
set -euo pipefail
runform="${1:-runform}"
"$runform" simulate --out runform.csv --seed 3 --duration-s 4 --rate-hz 100 \
    --placements left_foot,pelvis --standing-s 0 --walking-s 0
"$runform" convert runform.csv runform.parquet
rm runform.csv runform.truth.json
python3 - <<'PY'
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

t = pq.read_table("runform.parquet")
pq.write_table(t, "pyarrow-v2-pages.parquet", version="2.6", data_page_version="2.0",
               compression="snappy", use_dictionary=True, write_statistics=True,
               write_page_index=True, data_page_size=1024)
pq.write_table(t.set_column(0, "time", pa.compute.cast(t["time"], pa.float32())),
               "pyarrow-v1-gzip-f32-time.parquet", version="1.0", compression="gzip",
               row_group_size=150, sorting_columns=[pq.SortingColumn(0)])
duckdb.sql("COPY (SELECT * FROM 'runform.parquet') TO 'duckdb.parquet' (FORMAT parquet)")
PY
