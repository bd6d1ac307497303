#!/usr/bin/env bash
# corpus.sh DIR [BUILD] -- how much of a folder of .kql queries (searched
# recursively) passes `kqlite check --syntax-only` and `kqlite check`
# (binding against the built-in schemas), round-trips through the printer,
# and how fast it lexes, parses and binds. Prints the top failure reasons.
# If DIR has a SCOPE.tsv (file, known_only, reason), the files marked
# known_only=yes are also reported on their own.
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

reasons() {
    echo "  top failure reasons:"
    grep -o 'error: .*' "$err" | sed "s/'[^']*'/'…'/g" | sort | uniq -c | sort -rn | head -n 8 | sed 's/^/  /' || true
}

echo "all ${#files[@]} queries:"
"$kqlite" check --syntax-only "${files[@]}" 2>"$err" | tail -n 1 | sed 's/^/  check --syntax-only: /' || true
reasons
"$kqlite" check "${files[@]}" 2>"$err" | tail -n 1 | sed 's/^/  check: /' || true
reasons
if [ -f "$dir/SCOPE.tsv" ]; then
    mapfile -t known < <(awk -F'\t' 'NR > 1 && $2 == "yes" { print $1 }' "$dir/SCOPE.tsv")
    echo "the ${#known[@]} queries marked known_only in SCOPE.tsv:"
    (cd "$dir" && "$OLDPWD/$kqlite" check "${known[@]}" 2>"$err" | tail -n 1 | sed 's/^/  check: /') || true
    reasons
fi
"$bench" "${files[@]}"
