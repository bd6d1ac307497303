#!/usr/bin/env bash
# corpus.sh DIR [BUILD] -- how much of a folder of .kql queries (searched
# recursively) passes `kqlite check --syntax-only`, round-trips through the
# printer, and how fast it lexes and parses. Prints the top failure reasons.
set -euo pipefail
dir=${1:?usage: bench/corpus.sh DIR [BUILD_DIR]}
build=${2:-build}
kqlite="$build/tools/kqlite"
bench="$build/bench/bench_parse"
[ -x "$kqlite" ] && [ -x "$bench" ] || { echo "build first: meson setup $build && ninja -C $build" >&2; exit 2; }
mapfile -t files < <(find "$dir" -name '*.kql' -type f | sort)
[ "${#files[@]}" -gt 0 ] || { echo "no .kql files under $dir" >&2; exit 2; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$kqlite" check --syntax-only "${files[@]}" 2>"$err" | tail -n 1 | sed 's/^/check --syntax-only: /' || true
echo "top failure reasons:"
grep -o 'error: .*' "$err" | sed "s/'[^']*'/'…'/g" | sort | uniq -c | sort -rn | head -n 10 || true
"$bench" "${files[@]}"
