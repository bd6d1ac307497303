#!/usr/bin/env bash
# load.sh [ROWS] [BUILD] -- load throughput and peak memory on a generated
# DeviceEvents export (NDJSON and a JSON array, ROWS rows, default 1,000,000,
# about 1.1 GB each), with DuckDB's read_json on the same files when the
# bench-only peer is installed (cd bench && npm install @duckdb/node-api),
# else "DuckDB: skipped". Targets: >= 500 MB/s; peak RSS <= 2x the columns.
set -euo pipefail
rows=${1:-1000000}
build=${2:-build}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${TMPDIR:-/tmp}/kqlite-bench
mkdir -p "$dir"
for fmt in ndjson json; do
    f="$dir/DeviceEvents.$rows.$fmt"
    [ -f "$f" ] || "$build/bench/gen_export" "$rows" "$fmt" "$f"
    cat "$f" >/dev/null # into the page cache
done
"$build/bench/bench_load" "$dir/DeviceEvents.$rows.ndjson" "$dir/DeviceEvents.$rows.json"
if command -v node >/dev/null && [ -d "$here/node_modules/@duckdb/node-api" ]; then
    for threads in 1 2; do
        node "$here/duckdb_load.mjs" "$threads" "$dir/DeviceEvents.$rows.ndjson" "$dir/DeviceEvents.$rows.json"
    done
else
    echo "DuckDB: skipped (cd bench && npm install @duckdb/node-api)"
fi
