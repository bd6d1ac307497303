#!/usr/bin/env bash
# sample_test.sh [KQLITE] -- the sample data generator (tools/gen_sample.py) and
# the bundled sample (examples/data):
#   1. 10,000 rows (625 per table) as jsonl: MANIFEST.tsv row counts equal the
#      non-blank lines of each file;
#   2. the bundle regenerates byte-identically (deterministic), and equals the
#      committed examples/data (the committed sample is current);
#   3. examples/data itself: every file parses as its format says, row counts,
#      every schema column present, the 2 MB budget, and the special cases the
#      README promises (connectors, >30 KB alert, status sync, empty day...).
# KQLITE is optional; it is for the load step (see "LOAD CHECKS" below).
# The last line is "N passed, N failed"; the exit code is 1 if any check failed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
gen="$root/tools/gen_sample.py"
data="$root/examples/data"
schemas="$root/data/schemas"
kq=${1:-}
py=${PYTHON:-python3}
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

now_ms() { "$py" -c 'import time; print(int(time.monotonic() * 1000))'; }

# --- 1. 10k rows as jsonl -------------------------------------------------------
t0=$(now_ms)
"$py" "$gen" --out "$tmp/jsonl" --rows-per-table 625 --format jsonl 2>"$tmp/err"
rc=$?
t1=$(now_ms)
check "generator runs (--rows-per-table 625 --format jsonl)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/err" >&2
check "10k rows generated in under 10 s ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 10000 ]
check "16 .jsonl files" [ "$(find "$tmp/jsonl" -name '*.jsonl' | wc -l)" -eq 16 ]
check "MANIFEST.tsv header" [ "$(head -n 1 "$tmp/jsonl/MANIFEST.tsv" 2>/dev/null)" = "$(printf 'file\ttable\trows\tformat')" ]
total=0
while IFS=$'\t' read -r file table rows format; do
    [ "$file" = file ] && continue
    lines=$(grep -c '[^[:space:]]' "$tmp/jsonl/$file")
    check "$file: MANIFEST rows ($rows) = non-blank lines ($lines)" [ "$rows" = "$lines" ]
    check "$file: 625 rows of $table" [ "$rows" = 625 ]
    check "$file: format jsonl" [ "$format" = jsonl ]
    total=$((total + rows))
done <"$tmp/jsonl/MANIFEST.tsv"
check "10000 rows in all ($total)" [ "$total" -eq 10000 ]

# --- 2. determinism, and the committed sample is current -------------------------
t0=$(now_ms)
"$py" "$gen" --out "$tmp/bundle" 2>"$tmp/err"
rc=$?
t1=$(now_ms)
check "generator runs with the defaults" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$tmp/err" >&2
check "bundle generated in under 10 s ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 10000 ]
"$py" "$gen" --out "$tmp/bundle2" --seed 20251115 --now 2025-11-15T12:00:00Z --format mixed 2>/dev/null
check "the same arguments give byte-identical output" diff -r "$tmp/bundle" "$tmp/bundle2"
"$py" "$gen" --out "$tmp/seed2" --seed 2 2>/dev/null
check "another seed gives other data" bash -c "! cmp -s '$tmp/bundle/SecurityAlert.api.json' '$tmp/seed2/SecurityAlert.api.json'"
if diff -rq "$tmp/bundle" "$data" >"$tmp/diff" 2>&1; then
    check "examples/data is current (regenerated output is byte-identical)" true
else
    check "examples/data is current: run 'python3 tools/gen_sample.py --out examples/data'" false
    sed "s|$tmp/bundle|<regenerated>|" "$tmp/diff" | head -n 20 >&2
fi

# --- 3. the bundled sample: parse, count, columns, budget, special cases ---------
size=$(du -sb "$data" | cut -f1)
check "examples/data is at most 2 MB ($size bytes)" [ "$size" -le 2000000 ]
"$py" - "$data" "$schemas" >"$tmp/checks" 2>&1 <<'PY'
import csv, io, json, re, sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

d, sd = Path(sys.argv[1]), Path(sys.argv[2])

def ok(name, cond):
    print(("PASS " if cond else "FAIL ") + name)

schema = {}
for f in sorted(sd.glob("*.json")):
    j = json.loads(f.read_text(encoding="utf-8"))
    schema[j["name"]] = {c["name"]: c["type"] for c in j["columns"]}
DOTNET = {"Boolean": "bool", "Int32": "int", "Int64": "long", "Double": "real", "String": "string",
          "DateTime": "datetime", "TimeSpan": "timespan", "Guid": "guid", "Object": "dynamic", "Dynamic": "dynamic"}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$")
BLADE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}), (\d{1,2}):(\d\d):(\d\d)\.(\d{3}) ([AP]M)$")

def ticks(s):
    m = BLADE.match(s)
    if m:
        mo, dd, y, h, mi, se, ms, ap = m.groups()
        h = int(h) % 12 + (12 if ap == "PM" else 0)
        dt = datetime(int(y), int(mo), int(dd), h, int(mi), int(se), tzinfo=timezone.utc)
        frac = int(ms) * 10000
    else:
        main, _, frac = s.rstrip("Z").partition(".")
        dt = datetime.fromisoformat(main).replace(tzinfo=timezone.utc)
        frac = int(frac.ljust(7, "0")) if frac else 0
    return int(dt.timestamp()) * 10**7 + frac

now_text = (d / "NOW").read_text(encoding="utf-8").strip()
ok(f"NOW is an ISO 8601 UTC datetime ({now_text})", bool(ISO.match(now_text)))
NOW, DAY = ticks(now_text), 864 * 10**9

man = list(csv.reader((d / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"))
ok("MANIFEST.tsv header", man[0] == ["file", "table", "rows", "format"])
listed = {r[0] for r in man[1:]}
present = {p.name for p in d.iterdir()} - {"NOW", "MANIFEST.tsv", "README.md"}
ok("MANIFEST.tsv lists exactly the data files", listed == present)
ok("README.md present", (d / "README.md").is_file())

tables, seen, formats = defaultdict(list), defaultdict(set), set()
for f, t, n, fmt in man[1:]:
    formats.add(fmt)
    raw = (d / f).read_bytes()
    cols = None
    try:
        if fmt == "csv":
            ok(f"{f}: UTF-8 BOM", raw.startswith(b"\xef\xbb\xbf"))
            rdr = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
            hdr = rdr[0]
            names = [h[:-6] if h.endswith(" [UTC]") else h for h in hdr]
            ok(f"{f}: ' [UTC]' exactly on the datetime headers",
               all(h.endswith(" [UTC]") == (schema[t].get(n) == "datetime") for h, n in zip(hdr, names)))
            objs = [dict(zip(names, r)) for r in rdr[1:]]
            ok(f"{f}: every CSV row has {len(hdr)} fields", all(len(r) == len(hdr) for r in rdr[1:]))
        elif fmt in ("jsonl", "ndjson"):
            objs = [json.loads(l) for l in raw.decode("utf-8").splitlines() if l.strip()]
        else:
            j = json.loads(raw.decode("utf-8"))
            if fmt == "json":
                objs = j
            elif fmt == "api-json":
                tb = j["tables"][0]
                cols = {c["name"]: c["type"] for c in tb["columns"]}
                objs = [dict(zip(cols, r)) for r in tb["rows"]]
            elif fmt == "defender-json":
                cols = {c["Name"]: DOTNET[c["Type"]] for c in j["Schema"]}
                objs = j["Results"]
            else:
                raise ValueError("unknown format " + fmt)
        parsed = True
    except Exception as e:  # noqa: BLE001 - report and go on
        print(f"FAIL {f}: does not parse as {fmt}: {e}")
        continue
    ok(f"{f}: parses as {fmt}, {n} rows as MANIFEST.tsv says", len(objs) == int(n))
    if cols is not None:
        ok(f"{f}: header types match the schema", all(schema[t].get(c) == ty for c, ty in cols.items()))
    keys = set().union(*(o.keys() for o in objs)) if objs else set()
    ok(f"{f}: no column outside the {t} schema", keys <= set(schema[t]))
    seen[t] |= keys
    bad = []
    for o in objs:
        for c, v in o.items():
            ty = schema[t].get(c)
            if v is None or v == "":
                continue
            if ty == "datetime" and not (BLADE.match(v) if fmt == "csv" else ISO.match(v)):
                bad.append((c, v))
            elif ty in ("int", "long") and fmt != "csv" and (isinstance(v, bool) or not isinstance(v, int)):
                bad.append((c, v))
            elif ty == "bool" and fmt != "csv" and not isinstance(v, bool):
                bad.append((c, v))
            elif ty == "dynamic" and fmt in ("api-json", "defender-json", "csv"):
                try:
                    json.loads(v)
                except Exception:  # noqa: BLE001
                    bad.append((c, v))
    ok(f"{f}: values encoded as CLI.md says{'' if not bad else ' ' + repr(bad[:3])}", not bad)
    for o in objs:
        o["_file"], o["_fmt"] = f, fmt
    tables[t] += objs

for t in schema:
    missing = sorted(set(schema[t]) - seen[t])
    ok(f"{t}: every schema column in some file{'' if not missing else ' (missing ' + ', '.join(missing) + ')'}", not missing)
ok("all formats used (api-json, json, jsonl, ndjson, defender-json, csv)",
   formats >= {"api-json", "json", "jsonl", "ndjson", "defender-json", "csv"})

def etime(o):
    v = o.get("Timestamp") or o.get("TimeGenerated")
    return ticks(v)

times = [etime(o) for rows in tables.values() for o in rows]
ok("every row in the 14 days before NOW", all(NOW - 14 * DAY <= x < NOW for x in times))
days = {(x - (x % DAY)) for x in times}
empty_cal = [NOW - k * DAY - (NOW - k * DAY) % DAY for k in range(1, 14)
             if (NOW - k * DAY - (NOW - k * DAY) % DAY) not in days]
bins = Counter((NOW - x - 1) // DAY for x in times)
ok("a calendar day with no data in any table", bool(empty_cal))
ok("a now()-aligned daily bin with no data in any table", any(bins.get(k, 0) == 0 for k in range(14)))
ok("some datetimes keep 100 ns precision (7 fractional digits)",
   any(re.search(r"\.\d{7}Z$", o.get("TimeGenerated") or "") for o in tables["SecurityAlert"]))
styles = Counter()
for t in tables:
    if not t.startswith(("Device", "Email")):
        continue
    for f in {o["_file"] for o in tables[t]}:
        ks = set().union(*(o.keys() for o in tables[t] if o["_file"] == f))
        styles[("Timestamp" in ks, "TimeGenerated" in ks)] += 1
ok("Device*/Email* files with both Timestamp and TimeGenerated", styles[(True, True)] > 0)
ok("... with Timestamp only (Defender style)", styles[(True, False)] > 0)
ok("... with TimeGenerated only (Sentinel style)", styles[(False, True)] > 0)

sa = tables["SecurityAlert"]
for p in ("Defender for IoT", "Azure Security Center", "Azure Advanced Threat Protection",
          "Microsoft Defender Advanced Threat Protection", "Office 365 Advanced Threat Protection"):
    ok(f"SecurityAlert has ProductName {p!r}", any(a["ProductName"] == p for a in sa))
big = [a for a in sa if len(json.dumps([a[c] for c in schema["SecurityAlert"]], separators=(",", ":"))) > 30 * 1024]
ok("a SecurityAlert row larger than 30 KB", len(big) >= 1)
status = defaultdict(list)
for a in sorted(sa, key=etime):
    if a["ProductName"] == "Azure Security Center":
        status[a["SystemAlertId"]].append(a["Status"])
ok("a Defender for Cloud alert goes New then Resolved (same SystemAlertId)",
   any(s[0] == "New" and s[-1] == "Resolved" for s in status.values()))
si = tables["SecurityIncident"]
ok("SecurityIncident has Microsoft 365 Defender incidents", any(r["ProviderName"] == "Microsoft 365 Defender" for r in si))
ok("SecurityIncident has Azure Sentinel incidents", any(r["ProviderName"] == "Azure Sentinel" for r in si))
ok("SecurityIncident IncidentNumber is an int, Owner and AlertIds are dynamic",
   all(isinstance(r["IncidentNumber"], int) and isinstance(r["Owner"], dict) and isinstance(r["AlertIds"], list) for r in si))
ids = {a["SystemAlertId"] for a in sa}
ok("every incident AlertId is a SystemAlertId of SecurityAlert", all(x in ids for r in si for x in r["AlertIds"]))
iot = min((etime(a) for a in sa if a["ProductName"] == "Defender for IoT"), default=None)
idn = min((etime(a) for a in sa if a["ProductName"] == "Azure Advanced Threat Protection"), default=None)
readme = (d / "README.md").read_text(encoding="utf-8")
m1 = re.search(r"Defender for IoT connected \*\*(\S+)\*\*", readme)
m2 = re.search(r"Defender for Identity connected \*\*(\S+)\*\*", readme)
ok("first IoT alert 15-20 minutes after the connection time in README.md",
   bool(m1) and iot is not None and 15 * 60 * 10**7 <= iot - ticks(m1.group(1)) <= 20 * 60 * 10**7)
ok("first Identity alert 24-25 hours after the connection time in README.md",
   bool(m2) and idn is not None and 24 * 3600 * 10**7 <= idn - ticks(m2.group(1)) <= 25 * 3600 * 10**7)

dpe = tables["DeviceProcessEvents"]
ok("encoded PowerShell started by WINWORD.EXE/EXCEL.EXE",
   any(o["FileName"].lower() == "powershell.exe" and o["InitiatingProcessFileName"].lower() in ("winword.exe", "excel.exe")
       and re.search(r"(?i)(^|\s)-(enc|encodedcommand)\s", o["ProcessCommandLine"]) for o in dpe))
ok("... one of them within the last day (Timestamp)",
   any(o.get("Timestamp") and ticks(o["Timestamp"]) > NOW - DAY and o["FileName"].lower() == "powershell.exe"
       and o["InitiatingProcessFileName"].lower() in ("winword.exe", "excel.exe") for o in dpe))
ok("certutil -urlcache download", any("certutil" in o["FileName"].lower() and "-urlcache" in o["ProcessCommandLine"] for o in dpe))
ok("rundll32 comsvcs.dll MiniDump", any(o["FileName"].lower() == "rundll32.exe" and "comsvcs.dll" in o["ProcessCommandLine"]
                                        and "MiniDump" in o["ProcessCommandLine"] for o in dpe))
dle = sorted(tables["DeviceLogonEvents"], key=etime)
burst = False
fails = defaultdict(list)
for o in dle:
    if o["ActionType"] == "LogonFailed" and o["RemoteIP"]:
        fails[o["RemoteIP"]].append(etime(o))
    elif o["ActionType"] == "LogonSuccess" and len(fails[o["RemoteIP"]]) >= 10:
        burst = True
ok("a failed-logon burst (>= 10) followed by a success from the same IP", burst)
dne = tables["DeviceNetworkEvents"]
ok("connections to the C2 domain", any(o["RemoteUrl"] == "msoffice-cdn-update.com" for o in dne))
ok("RemoteIP: private, public and IPv6 addresses",
   {"Private", "Public"} <= {o["RemoteIPType"] for o in dne} and any(":" in o["RemoteIP"] and "::ffff:" not in o["RemoteIP"] for o in dne))
ee, eu, ep = tables["EmailEvents"], tables["EmailUrlInfo"], tables["EmailPostDeliveryEvents"]
phish = {o["NetworkMessageId"] for o in ee if "Phish" in o["ThreatTypes"]}
ok("EmailEvents ThreatTypes Phish, Malware, Spam and empty", {"Phish", "Malware", "Spam", ""} <= {o["ThreatTypes"] for o in ee})
ok("phish later removed (EmailPostDeliveryEvents ActionType has ZAP)",
   any(o["NetworkMessageId"] in phish and "ZAP" in o["ActionType"].split() for o in ep))
ok("EmailUrlInfo joins EmailEvents on NetworkMessageId (phish URLs too)",
   {o["NetworkMessageId"] for o in eu} <= {o["NetworkMessageId"] for o in ee} and any(o["NetworkMessageId"] in phish for o in eu))
PY
while read -r verdict name; do
    if [ "$verdict" = PASS ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name" >&2
    fi
done <"$tmp/checks"
check "structural checks ran" grep -q '^PASS ' "$tmp/checks"

# --- LOAD CHECKS -------------------------------------------------------------------
# With a kqlite binary: loading reports, per table, exactly the rows the files
# hold (MANIFEST.tsv summed over a table's files), the built-in schema's types,
# and no value that failed to convert.
if [ -n "$kq" ]; then
    expected_rows() { # expected_rows MANIFEST -> "table rows" lines, summed
        awk -F'\t' 'NR > 1 { n[$2] += $3 } END { for (t in n) print t, n[t] }' "$1" | sort
    }
    loaded_rows() { # loaded_rows SUMMARY -> "table rows" lines
        sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\): \([0-9]*\) rows, .*/\1 \2/p' "$1" | sort
    }
    "$kq" load --summary "$data" >"$tmp/summary.txt" 2>"$tmp/summary.err"
    check "kqlite loads examples/data" [ $? -eq 0 ]
    check "row counts of examples/data match MANIFEST.tsv" \
        diff <(expected_rows "$data/MANIFEST.tsv") <(loaded_rows "$tmp/summary.txt")
    check "no value in examples/data fails to convert" \
        bash -c '! grep -q "did not convert" "$1"' _ "$tmp/summary.err"
    check "every table of the sample is loaded" [ "$(tail -n 1 "$tmp/summary.txt")" = "16 tables, $(awk -F'\t' 'NR > 1 { n += $3 } END { print n }' "$data/MANIFEST.tsv") rows" ]
    if [ -d "$tmp/jsonl" ]; then
        "$kq" load --summary "$tmp/jsonl" >"$tmp/summary10k.txt" 2>"$tmp/summary10k.err"
        check "kqlite loads the 10k-row export" [ $? -eq 0 ]
        check "row counts of the 10k-row export match" \
            diff <(expected_rows "$tmp/jsonl/MANIFEST.tsv") <(loaded_rows "$tmp/summary10k.txt")
        check "the 10k-row export has 10,000 rows" [ "$(tail -n 1 "$tmp/summary10k.txt")" = "16 tables, 10000 rows" ]
    else
        check "the 10k-row export exists for the load checks" false
    fi
fi
# --- end of LOAD CHECKS -----------------------------------------------------------

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
