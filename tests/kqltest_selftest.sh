#!/usr/bin/env bash
# kqltest_selftest.sh KQLITE -- checks `kqlite test` itself (docs/kqltest.md):
# kqltest/selftest/failures.kqltest holds cases meant to fail; each must be
# reported with FILE:LINE, the query and a readable diff, the run must end
# with exactly one 'N passed, N failed' line and exit 1; malformed files and
# bad usage exit 2 with FILE:LINE: messages.
set -u
kq=${1:?usage: kqltest_selftest.sh PATH_TO_KQLITE}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() { # check NAME CONDITION...
    local name=$1
    shift
    if "$@"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name" >&2
    fi
}

run() { # run ARGS... : sets out, err, rc
    out=$("$kq" test "$@" 2>"$tmp/err") && rc=0 || rc=$?
    err=$(cat "$tmp/err")
}

has() { grep -qxF -- "$1" <<<"$2"; } # has LINE TEXT: TEXT has the exact line

cd "$here/kqltest/selftest"
f=failures.kqltest
run --batch-rows 1,3,0 "$f"
check "failures exit 1" [ "$rc" -eq 1 ]
check "one summary line, last" [ "$(tail -n 1 <<<"$out")" = "2 passed, 6 failed" ]
check "summary printed once" [ "$(grep -c 'passed, .* failed$' <<<"$out")" -eq 1 ]
check "failures on stderr only" [ "$(grep -c FAILED <<<"$out")" -eq 0 ]
check "six failures reported" [ "$(grep -c "^$f:[0-9]*: FAILED" <<<"$err")" -eq 6 ]
check "report names the batch size" has "$f:31: FAILED (batch rows 1)" "$err"
check "report shows the query" has "    T | where nope > 1" "$err"
check "report has a diff legend" grep -qF "  diff (- expected, + actual):" <<<"$err"

# a wrong row: only it differs; the others are context
sed -n '/^failures.kqltest:31:/,/^failures.kqltest:40:/p' <<<"$err" >"$tmp/row"
check "wrong row: header as context" has '      x:long, s:string' "$(cat "$tmp/row")"
check "wrong row: expected line" has '    - 2, "B"' "$(cat "$tmp/row")"
check "wrong row: actual line" has '    + 2, "b"' "$(cat "$tmp/row")"
check "wrong row: unchanged rows as context" has '      3, ""' "$(cat "$tmp/row")"

sed -n '/^failures.kqltest:40:/,/^failures.kqltest:49:/p' <<<"$err" >"$tmp/type"
check "wrong type: expected header" has '    - x:int, s:string' "$(cat "$tmp/type")"
check "wrong type: actual header" has '    + x:long, s:string' "$(cat "$tmp/type")"

check "wrong error position: expected" has '    - error 1:5 unknown column' "$err"
check "wrong error position: actual" has "    + error 1:11 unknown column 'nope'" "$err"
check "null is not the empty string" has '    - 3, null' "$err"
check "the empty string is shown quoted" has '    + 3, ""' "$err"
check "missing row" has '    - 1, "a"' "$err"
check "error expected, rows given" has '    - error 1:1 boom' "$err"

# --verbose lists the passing cases on stdout
run -v "$f"
check "--verbose prints ok lines" has "$f:13: ok" "$out"

# malformed files: exit 2, FILE:LINE: error: MESSAGE, no case runs
printf 'query\nT\n----\nx:long\n' >"$tmp/nover.kqltest"
run "$tmp/nover.kqltest"
check "no version: exit 2" [ "$rc" -eq 2 ]
check "no version: message" has "$tmp/nover.kqltest:1: error: a .kqltest file starts with 'kqltest 1' (its format version)" "$err"
check "no version: summary still printed" [ "$(tail -n 1 <<<"$out")" = "0 passed, 0 failed" ]

printf 'kqltest 1\ntable T\nx:long, y:string\n1, "a"\n2\n\nquery\nT\n----\nx:long\n' >"$tmp/row.kqltest"
run "$tmp/row.kqltest"
check "short row: exit 2" [ "$rc" -eq 2 ]
check "short row: message" has "$tmp/row.kqltest:5: error: row has 1 value, the header has 2 columns" "$err"

printf 'kqltest 1\nquery\nprint 1\n----\nx:int\n"1"\n' >"$tmp/cell.kqltest"
run "$tmp/cell.kqltest"
check "bad value: exit 2" [ "$rc" -eq 2 ]
check "bad value: message" grep -qF "$tmp/cell.kqltest:6: error: column 'x' (int): cannot read '\"1\"'" <<<"$err"

printf 'kqltest 1\nquery\nprint 1\n' >"$tmp/sep.kqltest"
run "$tmp/sep.kqltest"
check "no ----: exit 2" [ "$rc" -eq 2 ]
check "no ----: message" grep -qF "$tmp/sep.kqltest:2: error: query without '----'" <<<"$err"

printf 'kqltest 2\n' >"$tmp/v2.kqltest"
run "$tmp/v2.kqltest"
check "version 2: exit 2" [ "$rc" -eq 2 ]
check "version 2: message" grep -qF "unsupported .kqltest version '2'" <<<"$err"

printf 'kqltest 1\nload nosuch.json\n' >"$tmp/load.kqltest"
run "$tmp/load.kqltest"
check "failed load: exit 2" [ "$rc" -eq 2 ]
check "failed load: FILE:LINE" grep -qF "$tmp/load.kqltest:2: error: load:" <<<"$err"

# a malformed file wins over failures (2), the other files still run
run "$f" "$tmp/v2.kqltest"
check "malformed + failures: exit 2" [ "$rc" -eq 2 ]
check "malformed + failures: the good file ran" [ "$(tail -n 1 <<<"$out")" = "2 passed, 6 failed" ]

# usage
run
check "no FILE: exit 2" [ "$rc" -eq 2 ]
run --batch-rows x "$f"
check "bad --batch-rows: exit 2" [ "$rc" -eq 2 ]
run --bogus "$f"
check "unknown option: exit 2" [ "$rc" -eq 2 ]
run "$tmp/missing.kqltest"
check "unreadable file: exit 2" [ "$rc" -eq 2 ]
check "unreadable file: named" grep -qF "$tmp/missing.kqltest: error: cannot read" <<<"$err"
run --help
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help shows usage" grep -qF "usage: kqlite test" <<<"$out"

echo "kqltest selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
