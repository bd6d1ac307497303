#!/usr/bin/env bash
# query.sh [ROWS] [BUILD] -- the engine benchmark: generates seeded
# DeviceEvents, DeviceProcessEvents and SecurityAlert exports (ROWS rows
# each, default 1,000,000, NDJSON; kept in $KQLITE_BENCH_DIR or
# ${TMPDIR:-/tmp}/kqlite-bench, tables-ROWS/), loads them into kqlite
# (bench_query) and, when the bench-only peer is installed
# (cd bench && npm install --no-save @duckdb/node-api), into DuckDB
# in-memory with threads=1 (duckdb_query.mjs), runs Q1..Q5 on both (best of
# $RUNS runs, default 5; now() pinned to 2025-11-15T12:00:00Z) and prints
# each query's times, the speed-up over DuckDB against its target, and the
# RSS growth from loading against DuckDB's. BUILD is a release build
# directory (default build). Numbers are only meaningful on an idle machine.
set -euo pipefail
rows=${1:-1000000}
build=${2:-build}
runs=${RUNS:-5}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${KQLITE_BENCH_DIR:-${TMPDIR:-/tmp}/kqlite-bench}/tables-$rows
tables=(DeviceEvents DeviceProcessEvents SecurityAlert)

if [ ! -f "$dir/.complete" ]; then
    mkdir -p "$dir"
    echo "generating $rows rows a table in $dir" >&2
    "$build/bench/gen_tables" "$rows" "$dir"
    touch "$dir/.complete"
fi
files=()
for t in "${tables[@]}"; do
    files+=("$dir/$t.ndjson")
done
cat "${files[@]}" >/dev/null # into the page cache

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
: >"$out/kqlite"
: >"$out/duckdb"
"$build/bench/bench_query" -n "$runs" "${files[@]}" | tee "$out/kqlite" ||
    echo "kqlite: bench_query failed" >&2
if command -v node >/dev/null && [ -d "$here/node_modules/@duckdb/node-api" ]; then
    node "$here/duckdb_query.mjs" "$runs" "${files[@]}" | tee "$out/duckdb" ||
        echo "DuckDB: duckdb_query.mjs failed" >&2
else
    echo "DuckDB: skipped (cd bench && npm install --no-save @duckdb/node-api)"
fi

echo
echo "$rows rows a table, best of $runs runs, one thread each:"
awk '
FNR == 1 { side = (FILENAME ~ /kqlite$/) ? "k" : "d" }
$1 == "MEMORY" { mem[side] = $2 }
$1 == "RESULT" { ms[side, $2] = $3; rows[side, $2] = $4 }
END {
    split("Q1 Q2 Q3 Q4 Q5", q, " ")
    split("3 10 5 20 5", target, " ")
    printf "%-6s %12s %12s %9s %8s  %s\n", "query", "kqlite ms", "DuckDB ms", "speed-up", "target", "rows (kqlite/DuckDB)"
    for (i = 1; i <= 5; i++) {
        k = ((("k", q[i]) in ms) ? ms["k", q[i]] : "-")
        d = ((("d", q[i]) in ms) ? ms["d", q[i]] : "-")
        up = "-"; mark = ""
        if (k != "-" && d != "-" && k > 0) {
            up = sprintf("%.1fx", d / k)
            mark = (d / k >= target[i]) ? "" : " (below)"
        }
        kr = ((("k", q[i]) in rows) ? rows["k", q[i]] : "-")
        dr = ((("d", q[i]) in rows) ? rows["d", q[i]] : "-")
        if (kr != "-" && dr != "-" && kr != dr) dr = dr " MISMATCH"
        printf "%-6s %12s %12s %9s %7s%s  %s/%s\n", q[i], k, d, up, ">=" target[i] "x", mark, kr, dr
    }
    km = ("k" in mem) ? mem["k"] : "-"
    dm = ("d" in mem) ? mem["d"] : "-"
    ratio = (km != "-" && dm != "-" && dm > 0) ? sprintf("%.2fx", km / dm) : "-"
    printf "memory after loading (RSS growth): kqlite %s MB, DuckDB %s MB, ratio %s (target <= 0.70x)\n", km, dm, ratio
}' "$out/kqlite" "$out/duckdb"
