#!/usr/bin/env bash
# hunting_test.sh KQLITE -- the detection and hunting queries of
# tests/hunting/ (written for this project in the style of the public
# Sentinel/Defender corpora: joins, lookup, mv-expand, parse, make-series,
# top-nested, window functions, find, materialize, pivot...) run over data
# that tools/gen_sample.py generates (1,000 rows a table, fixed seed, every
# column of the 16 known tables) with now() pinned: each must succeed and
# return rows. The last line is "N passed, N failed".
set -u
kq=${1:?usage: hunting_test.sh KQLITE}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/../tools/gen_sample.py" --out "$tmp/data" --rows-per-table 1000 --format jsonl >/dev/null || {
    echo "gen_sample.py failed"
    echo "0 passed, 1 failed"
    exit 1
}
now=$(cat "$tmp/data/NOW")
rm -f "$tmp/data/NOW" "$tmp/data/README.md" "$tmp/data/MANIFEST.tsv"
pass=0
fail=0
for q in "$here"/hunting/*.kql; do
    name=$(basename "$q")
    if "$kq" --now "$now" --format csv -f "$q" "$tmp/data" >"$tmp/out" 2>"$tmp/err"; then
        rows=$(($(wc -l <"$tmp/out") - 1))
        if [ "$rows" -ge 1 ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL: $name returned no rows"
        fi
    else
        fail=$((fail + 1))
        echo "FAIL: $name"
        sed 's/^/  /' "$tmp/err" | grep -v ": note: " | head -n 5
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
