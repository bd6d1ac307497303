#!/usr/bin/env bash
# corpus_run.sh DIR [BUILD] [ROWS] -- runs every .kql query under DIR
# (recursively) over generated data: tools/gen_sample.py fills every column
# of the 16 known tables (ROWS a table, default 1000, fixed seed), and each
# query runs with now() pinned to the data's reference time and a 2 s limit
# (`timeout`). Prints how many ran without error, the slowest queries, and
# the top failure reasons. If DIR has a SCOPE.tsv (file, known_only,
# reason), queries marked known_only=yes are reported on their own and the
# others apart (they need tables or services kqlite does not have).
# Crashes (signals) and time-outs are listed by name: there should be none.
set -uo pipefail
dir=${1:?usage: bench/corpus_run.sh DIR [BUILD_DIR] [ROWS]}
build=${2:-build}
rows=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
kqlite="$build/tools/kqlite"
[ -x "$kqlite" ] || { echo "build first: meson setup $build && ninja -C $build" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/tools/gen_sample.py" --out "$work/data" --rows-per-table "$rows" --format jsonl >/dev/null
now=$(cat "$work/data/NOW")
rm -f "$work/data/README.md" "$work/data/MANIFEST.tsv" "$work/data/NOW"

declare -A scope=()
if [ -f "$dir/SCOPE.tsv" ]; then
    while IFS=$'\t' read -r f k _; do scope[$f]=$k; done < <(tail -n +2 "$dir/SCOPE.tsv")
fi

: >"$work/results.tsv"   # file  group  status  ms  first error line
while IFS= read -r f; do
    rel=${f#"$dir"/}
    group=${scope[$rel]:-all}
    t0=$(date +%s%N)
    timeout -s KILL 2 "$kqlite" --now "$now" --format csv -f "$f" "$work/data" >/dev/null 2>"$work/err"
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    case $rc in
    0) status=ok; msg= ;;
    137) status=timeout; msg="error: took over 2 s" ;;
    1|2) status=error; msg=$(grep -m1 -o 'error: .*' "$work/err" || head -n1 "$work/err") ;;
    *) status=crash; msg="crashed (exit $rc)" ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$rel" "$group" "$status" "$ms" "$msg" >>"$work/results.tsv"
done < <(find "$dir" -name '*.kql' -type f | sort)

report() { # report GROUP TITLE
    awk -F'\t' -v g="$1" -v title="$2" '
        $2 == g || g == "*" { n++; if ($3 == "ok") ok++ }
        END { if (n) printf "%s: %d/%d run without error (%.1f%%)\n", title, ok, n, 100 * ok / n }' "$work/results.tsv"
    awk -F'\t' -v g="$1" '($2 == g || g == "*") && $3 != "ok" { print $5 }' "$work/results.tsv" |
        sed -E "s/'[^']*'/'…'/g; s/\"[^\"]*\"/\"…\"/g" | sort | uniq -c | sort -rn | head -n 15 | sed 's/^/    /'
}
report '*' "all queries"
if [ "${#scope[@]}" -gt 0 ]; then
    report yes "known tables only (SCOPE.tsv known_only=yes)"
    report no "other tables or services (known_only=no)"
fi
echo "slowest:"
sort -t$'\t' -k4,4nr "$work/results.tsv" | head -n 5 | awk -F'\t' '{ printf "    %6d ms  %s\n", $4, $1 }'
bad=$(awk -F'\t' '$3 == "crash" || $3 == "timeout" { print "    " $3 ": " $1 }' "$work/results.tsv")
echo "crashes and time-outs: $( [ -z "$bad" ] && echo none || echo)"
[ -z "$bad" ] || echo "$bad"
[ -n "${CORPUS_RESULTS:-}" ] && cp "$work/results.tsv" "$CORPUS_RESULTS"
exit 0
