#!/usr/bin/env bash
# cli_test.sh KQLITE -- the command line as CLI.md specifies it: output
# lines, diagnostics with a caret, the closing count and the exit codes.
set -u
kq=${1:?usage: cli_test.sh PATH_TO_KQLITE}
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
    out=$("$kq" "$@" 2>"$tmp/err") && rc=0 || rc=$?
    err=$(cat "$tmp/err")
}

printf 'SecurityAlert\n| where ProductName == "Defender for IoT"\n' >"$tmp/good.kql"
printf 'SecurityAlert\n| wher ProductName == "x"\n' >"$tmp/bad.kql"
printf 'T | where x == 1\n' >"$tmp/-dash.kql"

run --help
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help lists check" grep -q "kqlite check \[--syntax-only | --runnable\] \[--data PATH\]... FILE" <<<"$out"
check "--help lists load" grep -q "kqlite load --summary \[--strict\] DATA" <<<"$out"
check "--help has an example" grep -q "Example" <<<"$out"
run -h
check "-h is --help" [ "$rc" -eq 0 ]
run --version
check "--version" grep -Eq '^kqlite [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"
run
check "no arguments is usage (2)" [ "$rc" -eq 2 ]

run check --syntax-only "$tmp/good.kql"
check "good file exits 0" [ "$rc" -eq 0 ]
check "good file prints FILE: ok" grep -qx "$tmp/good.kql: ok" <<<"$out"
check "closing count" [ "$(tail -n 1 <<<"$out")" = "1 ok, 0 failed" ]

run check --syntax-only "$tmp/good.kql" "$tmp/bad.kql"
check "a failing file exits 1" [ "$rc" -eq 1 ]
check "count with a failure" [ "$(tail -n 1 <<<"$out")" = "1 ok, 1 failed" ]
check "diagnostic is FILE:LINE:COL: error: MESSAGE" \
    grep -qx "$tmp/bad.kql:2:3: error: unknown tabular operator 'wher'; did you mean 'where'?" <<<"$err"
check "diagnostic shows the line" grep -qx '  | wher ProductName == "x"' <<<"$err"
check "caret under the span" grep -qx '    ^~~~' <<<"$err"
check "diagnostics go to stderr only" [ "$(grep -c error <<<"$out")" -eq 0 ]

run check --syntax-only "$tmp/missing.kql"
check "unreadable file exits 2" [ "$rc" -eq 2 ]
check "unreadable file is named" grep -q "missing.kql: error: cannot read" <<<"$err"

run check --syntax-only -- "$tmp/-dash.kql"
check "-- ends options" [ "$rc" -eq 0 ]
run check --syntax-only --bogus "$tmp/good.kql"
check "unknown option exits 2" [ "$rc" -eq 2 ]
run check --syntax-only
check "check without files exits 2" [ "$rc" -eq 2 ]
run check "$tmp/good.kql"
check "check binds a valid query" [ "$rc" -eq 0 ]
printf 'SecurityAlert\n| where ProductNam == "x"\n' >"$tmp/unbound.kql"
run check "$tmp/unbound.kql"
check "an unknown column fails check" [ "$rc" -eq 1 ]
check "unknown column diagnostic" \
    grep -qx "$tmp/unbound.kql:2:9: error: unknown column 'ProductNam'; did you mean 'ProductName'?" <<<"$err"
run check --syntax-only "$tmp/unbound.kql"
check "--syntax-only does not bind" [ "$rc" -eq 0 ]
run check --runnable "$tmp/good.kql"
check "--runnable reports what cannot run" grep -q "good.kql: error: not supported yet: running queries" <<<"$err"
check "--runnable fails" [ "$rc" -eq 1 ]
run check --data "$tmp/missing.json" "$tmp/good.kql"
check "--data with a missing file exits 2" [ "$rc" -eq 2 ]
check "--data names the missing file" grep -q "missing.json: cannot open" <<<"$err"

# Loading: tables named by the file, types from the schema or the data.
printf '[{"TimeGenerated":"2025-11-01T10:00:00Z","AlertName":"A","ConfidenceScore":"x"}]' >"$tmp/SecurityAlert.json"
printf '{"Host":"h1","Bytes":10}\n\n{"Host":"h2","Bytes":2.5,"Seen":"2025-11-02T00:00:00Z"}\n' >"$tmp/Flows.jsonl"
run load --summary "$tmp/SecurityAlert.json" "$tmp/Flows.jsonl"
check "load exits 0" [ "$rc" -eq 0 ]
check "load counts rows" grep -qx "SecurityAlert: 1 rows, 33 columns" <<<"$out"
check "load infers types" grep -Eq "^  Bytes +real$" <<<"$out"
check "load infers datetimes" grep -Eq "^  Seen +datetime$" <<<"$out"
check "load reports conversions" grep -Eq "^  ConfidenceScore +real +1 value did not convert" <<<"$out"
check "load warns on stderr" grep -q "column ConfidenceScore: 1 value did not convert to real" <<<"$err"
check "load totals" [ "$(tail -n 1 <<<"$out")" = "2 tables, 3 rows" ]
run load --summary --strict "$tmp/SecurityAlert.json"
check "--strict makes a bad value an error (2)" [ "$rc" -eq 2 ]
run load --summary Alerts="$tmp/SecurityAlert.json"
check "NAME=PATH names the table" grep -q "^Alerts: 1 rows" <<<"$out"
printf '[{"a":1},' >"$tmp/broken.json"
run load --summary "$tmp/broken.json"
check "a malformed file exits 2" [ "$rc" -eq 2 ]
check "a malformed file names file, line, column and byte" grep -Eq "broken.json:1:10: .*[(]byte 9[)]" <<<"$err"
printf 'x' >"$tmp/data.txt"
run load --summary "$tmp/data.txt"
check "an unknown extension exits 2" [ "$rc" -eq 2 ]
# CSV as the Logs blade exports it: BOM, " [UTC]" headers, US datetimes,
# quoted fields with commas, quotes and line breaks.
printf '\xef\xbb\xbfTimeGenerated [UTC],Subject,Count,Flag\r\n"2/25/2025, 9:19:25.391 AM","a, ""b""\nc",3,true\r\n,,,\r\n' >"$tmp/Mail.csv"
run load --summary "$tmp/Mail.csv"
check "CSV loads" [ "$rc" -eq 0 ]
check "CSV header suffix dropped, datetime read" grep -Eq "^  TimeGenerated +datetime$" <<<"$out"
check "CSV numbers and bools inferred" grep -Eq "^  Count +long$" <<<"$out"
check "CSV rows (empty fields are nulls)" grep -q "^Mail: 2 rows, 4 columns" <<<"$out"
printf 'a,b\n1,2,3\n' >"$tmp/ragged.csv"
run load --summary "$tmp/ragged.csv"
check "a ragged CSV record is an error" grep -q "ragged.csv:2:1: this record has more fields" <<<"$err"
printf 'SecurityAlert | where AlertName == "A"\n' >"$tmp/q.kql"
printf 'Flows | where Bytes > 1 | project Host\n' >"$tmp/q2.kql"
run check --data "$tmp/Flows.jsonl" "$tmp/q2.kql"
check "check --data binds loaded tables" [ "$rc" -eq 0 ]
run check "$tmp/q2.kql"
check "without --data the table is unknown" [ "$rc" -eq 1 ]
run -q "print 1"
check "running queries says not supported yet" grep -q "not supported yet" <<<"$err"
check "running queries exits 2" [ "$rc" -eq 2 ]

# A diagnostic's column counts characters, not bytes.
printf 'print s = "\xc3\xa9\xc3\xa9", t = )\n' >"$tmp/utf8.kql"
run check --syntax-only "$tmp/utf8.kql"
check "column counts characters" grep -q "utf8.kql:1:21: error" <<<"$err"

# The examples shipped with the project all pass, bound against the schemas.
run check ../examples/*.kql
check "examples pass" [ "$rc" -eq 0 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
