#!/usr/bin/env python3
"""The connector queries of MISSION.md over the bundled sample, end to end.

Usage: python3 tests/mission_test.py PATH_TO_KQLITE   (standard library only)

Every expected answer is computed here, independently of libkqlite, from the
files of examples/data read as docs/CLI.md describes them (a file's table is
its base name up to the first '.', files of one table append; a file that
lacks Timestamp or TimeGenerated gets it from the other time column, as
examples/data/README.md says `kqlite load` does).  Each query then runs as
    kqlite examples/data --now 2025-11-15T12:00:00Z --format json -q QUERY
(or -f examples/X.kql) and its rows are compared with the expectation.
Prints one line per check, then "N passed, N failed"; exits 1 on any failure.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "examples", "data")
NOW_TEXT = "2025-11-15T12:00:00Z"

TICKS_PER_SECOND = 10_000_000
DAY = 86400 * TICKS_PER_SECOND

DEVICE_EMAIL_TABLES = [
    "DeviceInfo", "DeviceNetworkInfo", "DeviceProcessEvents",
    "DeviceNetworkEvents", "DeviceFileEvents", "DeviceRegistryEvents",
    "DeviceLogonEvents", "DeviceImageLoadEvents", "DeviceEvents",
    "DeviceFileCertificateInfo", "EmailAttachmentInfo", "EmailEvents",
    "EmailPostDeliveryEvents", "EmailUrlInfo",
]

# ---------------------------------------------------------------------------
# Datetimes as 100 ns ticks since 1970-01-01T00:00:00Z (exact, no floats).

ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?Z$")
CSV_DT_RE = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}), (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?"
    r" (AM|PM)$")


def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def ticks(y, mo, d, h, mi, s, frac):
    frac_ticks = int((frac or "").ljust(7, "0") or "0")
    secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
    return secs * TICKS_PER_SECOND + frac_ticks


def parse_iso(text):
    m = ISO_RE.match(text)
    if not m:
        raise ValueError("not an ISO 8601 UTC datetime: %r" % (text,))
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    return ticks(y, mo, d, h, mi, s, m.group(7))


def parse_csv_datetime(text):
    m = CSV_DT_RE.match(text)
    if not m:
        return parse_iso(text)
    mo, d, y, h, mi, s = (int(g) for g in m.groups()[:6])
    h = h % 12 + (12 if m.group(8) == "PM" else 0)
    return ticks(y, mo, d, h, mi, s, m.group(7))


def fmt_ticks(t):
    if t is None:
        return "null"
    days, rem = divmod(t, DAY)
    # civil_from_days
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    y = yoe + era * 400 + (m <= 2)
    secs, frac = divmod(rem, TICKS_PER_SECOND)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ" % (
        y, m, d, secs // 3600, secs // 60 % 60, secs % 60, frac)


NOW = parse_iso(NOW_TEXT)

# ---------------------------------------------------------------------------
# The sample, read independently of libkqlite.

TIME_COLUMNS = ("Timestamp", "TimeGenerated")


def read_json_file(path):
    """Rows (dicts) and the set of column names of one .json file."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if isinstance(doc, dict) and "tables" in doc:          # api-json
        table = doc["tables"][0]
        names = [c["name"] for c in table["columns"]]
        types = [c["type"] for c in table["columns"]]
        rows = []
        for r in table["rows"]:
            row = {}
            for n, t, v in zip(names, types, r):
                row[n] = parse_iso(v) if t == "datetime" and v is not None else v
            rows.append(row)
        return rows, set(names)
    if isinstance(doc, dict) and "Schema" in doc:          # defender-json
        names = [c["Name"] for c in doc["Schema"]]
        types = {c["Name"]: c["Type"] for c in doc["Schema"]}
        rows = []
        for r in doc["Results"]:
            row = {}
            for n in names:
                v = r.get(n)
                row[n] = parse_iso(v) if types[n] == "DateTime" and v is not None else v
            rows.append(row)
        return rows, set(names)
    if isinstance(doc, list):                               # array of objects
        return typed_object_rows(doc)
    raise ValueError("%s: unexpected JSON document" % path)


def typed_object_rows(objs):
    names = set()
    for o in objs:
        names.update(o.keys())
    rows = []
    for o in objs:
        row = dict(o)
        for c in TIME_COLUMNS:
            if isinstance(row.get(c), str):
                row[c] = parse_iso(row[c])
        rows.append(row)
    return rows, names


def read_jsonl_file(path):
    objs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                objs.append(json.loads(line))
    return typed_object_rows(objs)


def read_csv_file(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = [h[:-len(" [UTC]")] if h.endswith(" [UTC]") else h
                  for h in next(reader)]
        rows = []
        for rec in reader:
            row = {}
            for n, v in zip(header, rec):
                if v == "":
                    v = None
                elif n in TIME_COLUMNS:
                    v = parse_csv_datetime(v)
                row[n] = v
            rows.append(row)
    return rows, set(header)


def load_sample():
    tables = {}
    for name in sorted(os.listdir(DATA)):
        path = os.path.join(DATA, name)
        if name.endswith(".json"):
            rows, cols = read_json_file(path)
        elif name.endswith(".jsonl") or name.endswith(".ndjson"):
            rows, cols = read_jsonl_file(path)
        elif name.endswith(".csv"):
            rows, cols = read_csv_file(path)
        else:
            continue
        table = name.split(".", 1)[0]
        # A file without one of the time columns gets it from the other.
        for have, missing in (("Timestamp", "TimeGenerated"),
                              ("TimeGenerated", "Timestamp")):
            if have in cols and missing not in cols:
                for r in rows:
                    r[missing] = r.get(have)
        tables.setdefault(table, []).extend(rows)
    return tables


# ---------------------------------------------------------------------------
# KQL semantics the expectations need, written from the docs.

def ascii_lower(s):
    return s.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                     "abcdefghijklmnopqrstuvwxyz"))


def is_term_char(c):
    return c.isascii() and c.isalnum()


def kql_has(hay, needle):
    """`has` as docs/DESIGN.md defines it (ASCII case folding)."""
    if hay is None:
        return False
    h, n = ascii_lower(hay), ascii_lower(needle)
    i = h.find(n)
    while i >= 0:
        end = i + len(n)
        ok_start = not is_term_char(n[0]) or i == 0 or not is_term_char(h[i - 1])
        ok_end = not is_term_char(n[-1]) or end == len(h) or not is_term_char(h[end])
        if ok_start and ok_end:
            return True
        i = h.find(n, i + 1)
    return False


def bin_at(t, size, fixed):
    if t is None:
        return None
    return fixed + (t - fixed) // size * size


def expected_chart(rows):
    """Rows of the ingestion chart over `rows` (already filtered)."""
    counts = {}
    for r in rows:
        b = bin_at(r.get("TimeGenerated"), DAY, NOW)
        counts[b] = counts.get(b, 0) + 1
    best = {}
    t = NOW - 14 * DAY                      # range ... from ago(14d) to Now-1d
    while t <= NOW - DAY:
        best[bin_at(t, DAY, NOW)] = 0       # extend Count = 0
        t += DAY
    for b, c in counts.items():
        best[b] = max(best.get(b, c), c)
    # sort by TimeGenerated: descending, nulls last.
    keys = sorted((k for k in best if k is not None), reverse=True)
    if None in best:
        keys.append(None)
    return [{"Value": best[k], "Time": k, "Legend": "Events"} for k in keys]


# ---------------------------------------------------------------------------
# Running kqlite.

class Failure(Exception):
    pass


def stderr_summary(stderr):
    """The error lines of kqlite's stderr and, for a sanitizer report, its
    first frames in libkqlite (notes about the load are left out)."""
    lines = [l.strip() for l in stderr.decode("utf-8", "replace").splitlines()
             if ": note: " not in l and ": warning: " not in l]
    errors = [l for l in lines if "error" in l.lower()]
    frames = [l for l in lines if re.match(r"#\d+ ", l)
              and re.search(r"/(lib|tools)/", l)][:3]
    return " | ".join((errors or lines)[:2] + frames) or "(no message)"


def run_kqlite(kqlite, query=None, file=None):
    args = [kqlite, "examples/data", "--now", NOW_TEXT, "--format", "json"]
    args += ["-q", query] if query is not None else ["-f", file]
    try:
        p = subprocess.run(args, cwd=ROOT, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        raise Failure("kqlite timed out")
    if p.returncode != 0:
        raise Failure("kqlite exited %d: %s" % (p.returncode, stderr_summary(p.stderr)))
    try:
        rows = json.loads(p.stdout.decode("utf-8"))
    except ValueError as e:
        raise Failure("output is not JSON (%s): %r" % (e, p.stdout[:200]))
    if not isinstance(rows, list):
        raise Failure("output is not a JSON array of rows")
    return rows


def cols_of(rows):
    return [list(r.keys()) for r in rows[:1]]


def datetimes(rows, *names):
    """Rows with the named columns' ISO strings turned into ticks."""
    out = []
    for r in rows:
        r = dict(r)
        for n in names:
            if r.get(n) is not None:
                r[n] = parse_iso(r[n])
        out.append(r)
    return out


def show_rows(rows, time_cols=()):
    def cell(k, v):
        return fmt_ticks(v) if k in time_cols and isinstance(v, int) else v
    return "[" + ", ".join(
        "{" + ", ".join("%s: %s" % (k, cell(k, v)) for k, v in r.items()) + "}"
        for r in rows) + "]"


# ---------------------------------------------------------------------------
# The checks.

RESULTS = []


def check(name, fn):
    try:
        fn()
    except Failure as e:
        RESULTS.append(False)
        print("FAIL %s: %s" % (name, e))
    except Exception as e:  # a bug here, or output of an unexpected shape
        RESULTS.append(False)
        print("FAIL %s: %s: %s" % (name, type(e).__name__, e))
    else:
        RESULTS.append(True)
        print("ok   %s" % name)


def expect_equal(what, expected, actual):
    if expected != actual:
        raise Failure("%s: expected %s, got %s" % (what, expected, actual))


def check_filter(kqlite, label, rows, key, query=None, file=None):
    """Row count and the set of `key` values of a filter query."""
    def run():
        got = run_kqlite(kqlite, query=query, file=file)
        expect_equal("rows", len(rows), len(got))
        want = sorted({r[key] for r in rows}, key=str)
        have = sorted({r.get(key) for r in got}, key=str)
        expect_equal(key + " set", want, have)
    check(label, run)


def check_chart(kqlite, label, rows, query=None, file=None):
    def run():
        got = run_kqlite(kqlite, query=query, file=file)
        want = expected_chart(rows)
        for r in got:
            if list(r.keys()) != ["Value", "Time", "Legend"]:
                raise Failure("columns: expected [Value, Time, Legend], got %s"
                              % list(r.keys()))
        got = datetimes(got, "Time")
        if want != got:
            raise Failure("expected %s, got %s" % (
                show_rows(want, ("Time",)), show_rows(got, ("Time",))))
    check(label, run)


CHART = """let Now = now();
(range TimeGenerated from ago(14d) to Now-1d step 1d
| extend Count = 0
| union isfuzzy=true (
    %s
    | summarize Count = count() by bin_at(TimeGenerated, 1d, Now)
)
| summarize Count=max(Count) by bin_at(TimeGenerated, 1d, Now)
| sort by TimeGenerated
| project Value = iff(isnull(Count), 0, Count), Time = TimeGenerated, Legend = "Events")
| render timechart"""

M365 = "Microsoft 365 Defender"


def main():
    if len(sys.argv) != 2:
        print("usage: mission_test.py PATH_TO_KQLITE", file=sys.stderr)
        return 2
    kqlite = os.path.abspath(sys.argv[1])
    tables = load_sample()
    alerts = tables["SecurityAlert"]
    incidents = tables["SecurityIncident"]
    m365 = [r for r in incidents if r.get("ProviderName") == M365]

    # The sample is what its README says (else the expectations below
    # would test little): every table, rows in the 14 days before NOW.
    def sample_sane():
        for t in DEVICE_EMAIL_TABLES + ["SecurityAlert", "SecurityIncident"]:
            if not tables.get(t):
                raise Failure("table %s missing or empty" % t)
            for r in tables[t]:
                tg = r.get("TimeGenerated")
                if tg is None or not NOW - 14 * DAY <= tg < NOW:
                    raise Failure("%s row outside the window: %s" % (t, fmt_ticks(tg)))
            # The empty day: each chart below has a zero-filled bin.
            empty = parse_iso("2025-11-08T12:00:00Z")
            if {"Value": 0, "Time": empty, "Legend": "Events"} not in expected_chart(tables[t]):
                raise Failure("%s has rows in the empty day's bin" % t)
    check("sample: 16 tables, every row in [now-14d, now), an empty day", sample_sane)

    # The four connector checks, as -q and as the example files.
    connectors = [
        ("Defender for IoT", "defender_for_iot_alerts.kql"),
        ("Azure Security Center", "defender_for_cloud_alerts.kql"),
        ("Azure Advanced Threat Protection", "defender_for_identity_alerts.kql"),
    ]
    for product, example in connectors:
        rows = [r for r in alerts if r.get("ProductName") == product]
        q = 'SecurityAlert | where ProductName == "%s"' % product
        check_filter(kqlite, q, rows, "SystemAlertId", query=q)
        check_filter(kqlite, "examples/" + example, rows, "SystemAlertId",
                     file="examples/" + example)
    q = 'SecurityIncident | where ProviderName == "%s"' % M365
    check_filter(kqlite, q, m365, "IncidentNumber", query=q)
    check_filter(kqlite, "examples/m365_defender_incidents.kql", m365,
                 "IncidentNumber", file="examples/m365_defender_incidents.kql")

    # The 14 Device*/Email* tables: row count and ingestion chart.
    for t in DEVICE_EMAIL_TABLES:
        def count(t=t):
            got = run_kqlite(kqlite, query="%s | count" % t)
            expect_equal("rows", [{"Count": len(tables[t])}], got)
        check("%s | count" % t, count)
        check_chart(kqlite, "%s ingestion chart" % t, tables[t], query=CHART % t)
    check_chart(kqlite, "examples/device_events_chart.kql", tables["DeviceEvents"],
                file="examples/device_events_chart.kql")

    # The incident ingestion chart of MISSION.md, verbatim and as the example.
    incident_part = ('SecurityIncident\n    | where ProviderName == "%s"' % M365)
    check_chart(kqlite, "SecurityIncident (M365 Defender) ingestion chart", m365,
                query=CHART % incident_part)
    check_chart(kqlite, "examples/incident_ingestion_chart.kql", m365,
                file="examples/incident_ingestion_chart.kql")

    # examples/alerts_by_product.kql
    def alerts_by_product():
        groups = {}
        for r in alerts:
            if r["TimeGenerated"] is not None and r["TimeGenerated"] > NOW - 7 * DAY:
                g = groups.setdefault(r.get("ProductName"), [0, 0])
                g[0] += 1
                g[1] += r.get("AlertSeverity") == "High"
        want = [{"ProductName": p, "Alerts": a, "High": h}
                for p, (a, h) in groups.items()]
        if len(want) > 10:
            raise Failure("the sample has over 10 products: top 10 is ambiguous")
        got = run_kqlite(kqlite, file="examples/alerts_by_product.kql")
        for r in got:
            if list(r.keys()) != ["ProductName", "Alerts", "High"]:
                raise Failure("columns: expected [ProductName, Alerts, High], got %s"
                              % list(r.keys()))
        alerts_col = [r["Alerts"] for r in got]
        if alerts_col != sorted(alerts_col, reverse=True):
            raise Failure("not sorted by Alerts desc: %s" % alerts_col)
        key = lambda r: (-r["Alerts"], str(r["ProductName"]))
        want.sort(key=key)
        expect_equal("rows (ties in any order)", want, sorted(got, key=key))
    check("examples/alerts_by_product.kql", alerts_by_product)

    # examples/suspicious_powershell.kql
    def suspicious_powershell():
        office = ["winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe"]
        want = []
        for r in tables["DeviceProcessEvents"]:
            ts = r.get("Timestamp")
            if ts is None or not ts > NOW - DAY:
                continue
            parent = r.get("InitiatingProcessFileName")
            if parent is None or ascii_lower(parent) not in office:
                continue
            fname = r.get("FileName")
            if fname is None or ascii_lower(fname) != "powershell.exe":
                continue
            cmd = r.get("ProcessCommandLine")
            if not (kql_has(cmd, "-enc") or kql_has(cmd, "-EncodedCommand")):
                continue
            want.append({"Timestamp": ts, "DeviceName": r.get("DeviceName"),
                         "AccountName": r.get("AccountName"),
                         "InitiatingProcessFileName": parent,
                         "ProcessCommandLine": cmd})
        want.sort(key=lambda r: r["Timestamp"], reverse=True)
        if not want:
            raise Failure("the sample has no matching row: the check would test nothing")
        got = run_kqlite(kqlite, file="examples/suspicious_powershell.kql")
        for r in got:
            if list(r.keys()) != list(want[0].keys()):
                raise Failure("columns: expected %s, got %s"
                              % (list(want[0].keys()), list(r.keys())))
        got = datetimes(got, "Timestamp")
        if want != got:
            raise Failure("expected %s, got %s" % (
                show_rows(want, ("Timestamp",)), show_rows(got, ("Timestamp",))))
    check("examples/suspicious_powershell.kql", suspicious_powershell)

    # examples/phish_clicks.kql is join-based: not checked here.

    passed = sum(RESULTS)
    failed = len(RESULTS) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
