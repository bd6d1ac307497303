#!/usr/bin/env python3
"""chart_test.py -- `kqlite --chart FILE.svg` for every render kind.

Usage (cwd tests/): python3 chart_test.py PATH/TO/kqlite
Each case runs a small query, parses the SVG back (it must be well-formed
XML) and checks its content: title, legend entries, number of series,
lines, bars, slices and points, axis labels; and the errors. Prints the
failures and exits nonzero when there is one.
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
KQLITE = sys.argv[1] if len(sys.argv) > 1 else "../build/tools/kqlite"
DATA = "../examples/data"
NOW = "2025-11-15T12:00:00Z"
failures = []
passed = 0


def run(query, data=False, extra=()):
    """Runs query with --chart; returns (returncode, stderr, svg root or None)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "chart.svg")
        args = [KQLITE, "--now", NOW, "--format", "csv", "--chart", path, "-q", query]
        args += list(extra)
        if data:
            args.append(DATA)
        p = subprocess.run(args, capture_output=True, text=True)
        root = None
        if os.path.exists(path) and os.path.getsize(path) > 0:
            try:
                root = ET.parse(path).getroot()
            except ET.ParseError as e:
                root = e
        return p.returncode, p.stderr, root


def by_class(root, cls):
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def texts(root, cls):
    return ["".join(e.itertext()) for e in by_class(root, cls)]


def check(name, cond, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(f"{name}: {detail}")


def chart(name, query, data=False, extra=()):
    """Runs a query that must draw; returns the root (or None after a failure)."""
    rc, err, root = run(query, data, extra)
    if rc != 0 or root is None or isinstance(root, ET.ParseError):
        failures.append(f"{name}: rc={rc} err={err.strip()[-300:]} root={root}")
        return None
    check(name + " svg root", root.tag == NS + "svg", root.tag)
    for attr in ("width", "height", "viewBox"):
        check(name + " " + attr, root.get(attr), f"no {attr}")
    return root


def error(name, query, message, data=False):
    rc, err, root = run(query, data)
    check(name + " exit", rc != 0, f"rc={rc}")
    check(name + " message", message in err, err.strip())
    check(name + " no chart", root is None, "an SVG was written")


INGESTION = open("../examples/incident_ingestion_chart.kql").read()

# -- timechart: the mission's ingestion chart ------------------------------
r = chart("ingestion", INGESTION, data=True)
if r is not None:
    check("ingestion legend", texts(r, "legend-item") == ["Events"], texts(r, "legend-item"))
    check("ingestion one series", len(by_class(r, "series")) == 1, len(by_class(r, "series")))
    check("ingestion one line", len(by_class(r, "line")) == 1, "")
    check("ingestion 14 points", len(by_class(r, "point")) == 14, len(by_class(r, "point")))
    xl = texts(r, "xlabel")
    for d in ("Nov 01", "Nov 07", "Nov 14"):
        check("ingestion x label " + d, d in xl, xl)
    check("ingestion y labels", "0" in texts(r, "ylabel"), texts(r, "ylabel"))
    check("ingestion y title", texts(r, "ytitle") == ["Value"], texts(r, "ytitle"))
    check("ingestion x title", texts(r, "xtitle") == ["Time, 2025 (UTC)"], texts(r, "xtitle"))

# -- timechart split by a string column (series), title with markup --------
r = chart("series", 'SecurityAlert | summarize count() by bin(TimeGenerated, 1d), ProductName '
          '| render timechart with (title="Alerts <by> \'product\' & day")', data=True)
if r is not None:
    check("series title", texts(r, "title") == ["Alerts <by> 'product' & day"], texts(r, "title"))
    names = sorted(texts(r, "legend-item"))
    check("series legend", names == sorted(["Azure Security Center", "Office 365 Advanced Threat Protection",
                                             "Microsoft Defender Advanced Threat Protection", "Azure Sentinel",
                                             "Defender for IoT", "Azure Advanced Threat Protection"]), names)
    check("series lines", len(by_class(r, "line")) == 6, len(by_class(r, "line")))

# -- sub-day time axis: times, with the date in the axis title --------------
r = chart("hours", "range t from datetime(2025-11-02 00:00) to datetime(2025-11-02 18:00) step 1h "
          "| extend v = hourofday(t) | render timechart")
if r is not None:
    xl = texts(r, "xlabel")
    check("hours labels", "06:00" in xl and "12:00" in xl, xl)
    check("hours date", "Nov 02, 2025" in texts(r, "xtitle")[0], texts(r, "xtitle"))

# -- linechart: unsorted x, nulls are gaps, several y columns ---------------
r = chart("line", "datatable(x:long, a:real, b:long)[3, 1.5, 7, 1, 2.0, 5, 2, real(null), 6, 4, 3.0, 8] "
          "| render linechart with (ycolumns=a, b, ytitle=\"Things\", xtitle=\"X\")")
if r is not None:
    check("line legend", texts(r, "legend-item") == ["a", "b"], texts(r, "legend-item"))
    paths = [e.get("d") for e in by_class(r, "line")]
    check("line gap", paths[0].count("M") == 2, paths[0])  # the null splits a's line
    check("line no gap", paths[1].count("M") == 1, paths[1])
    xs = [float(s.split()[0]) for s in paths[1].replace("M", "L").split("L") if s.strip()]
    check("line sorted", xs == sorted(xs), xs)
    check("line titles", texts(r, "ytitle") == ["Things"] and texts(r, "xtitle") == ["X"], "")
    check("line points", len(by_class(r, "point")) == 7, len(by_class(r, "point")))

# -- a single point; negative and huge values --------------------------------
r = chart("single", "print t = datetime(2025-11-02 12:00), v = 5 | render timechart")
if r is not None:
    check("single point", len(by_class(r, "point")) == 1, "")
r = chart("negative", "range x from -5 to 5 step 1 | extend y = x * 3 | render linechart")
if r is not None:
    yl = texts(r, "ylabel")
    check("negative labels", "-15" in yl and "15" in yl, yl)
r = chart("huge", "range x from 1 to 5 step 1 | extend y = x * 2000000000.0 | render linechart")
if r is not None:
    yl = texts(r, "ylabel")
    check("huge labels", "10B" in yl, yl)

# -- areachart, stackedareachart --------------------------------------------
r = chart("area", "range x from 1 to 10 step 1 | extend a = x % 4, b = 10 - x | render areachart")
if r is not None:
    check("area areas", len(by_class(r, "area")) == 2, len(by_class(r, "area")))
r = chart("stackedarea", "range x from 1 to 10 step 1 | extend a = x % 4, b = 10 + x | render areachart with (kind=stacked)")
if r is not None:
    check("stacked area", len(by_class(r, "area")) == 2 and "25" in texts(r, "ylabel"), texts(r, "ylabel"))

# -- columnchart: categories by string, stacked series ---------------------
r = chart("columns", 'datatable(k:string, s:string, v:long)["a", "x", 1, "b", "x", 2, "a", "y", 3, "c", "y", 4] '
          '| render columnchart with (title="Cols")')
if r is not None:
    check("columns labels", texts(r, "xlabel") == ["a", "b", "c"], texts(r, "xlabel"))
    check("columns legend", texts(r, "legend-item") == ["x", "y"], texts(r, "legend-item"))
    check("columns bars", len(by_class(r, "bar")) == 4, len(by_class(r, "bar")))
    check("columns series", len(by_class(r, "series")) == 2, "")
r = chart("columns time", "SecurityAlert | summarize count() by bin(TimeGenerated, 1d) | render columnchart", data=True)
if r is not None:
    xl = texts(r, "xlabel")
    check("columns time order", xl[0] == "Nov 01" and xl[-1] == "Nov 15", xl)
    check("columns time bars", len(by_class(r, "bar")) == 14, len(by_class(r, "bar")))
r = chart("columns unstacked", 'datatable(k:string, a:long, b:long)["p", 1, -2, "q", 3, 4] '
          '| render columnchart with (kind=unstacked, legend=hidden)')
if r is not None:
    check("columns unstacked bars", len(by_class(r, "bar")) == 4, "")
    check("legend hidden", texts(r, "legend-item") == [], texts(r, "legend-item"))

# -- barchart --------------------------------------------------------------
r = chart("bars", "SecurityAlert | summarize count() by ProductName | render barchart", data=True)
if r is not None:
    check("bars count", len(by_class(r, "bar")) == 6, "")
    check("bars labels", "Defender for IoT" in texts(r, "xlabel"), texts(r, "xlabel"))

# -- piechart: slices, shares, "Other" past ten slices ----------------------
r = chart("pie", 'SecurityAlert | summarize count() by ProductName | render piechart with (title="Share")', data=True)
if r is not None:
    check("pie slices", len(by_class(r, "slice")) == 6, len(by_class(r, "slice")))
    shares = texts(r, "share")
    check("pie share", "31.1%  (23)" in shares, shares)
r = chart("pie many", 'range i from 1 to 15 step 1 | extend k = strcat("k", i) | project k, i | render piechart')
if r is not None:
    items = texts(r, "legend-item")
    check("pie other", len(by_class(r, "slice")) == 10 and any(t.startswith("Other (6)") for t in items), items)
r = chart("pie one", 'print k = "only", v = 3 | render piechart')
if r is not None:
    check("pie one slice", len(by_class(r, "slice")) == 1, "")

# -- scatterchart ------------------------------------------------------------
r = chart("scatter", "range x from 1 to 30 step 1 | extend y = x * x | render scatterchart")
if r is not None:
    check("scatter points", len(by_class(r, "point")) == 30, len(by_class(r, "point")))
    check("scatter no line", by_class(r, "line") == [], "")

# -- many series: the legend keeps nine and "Other" ---------------------------
r = chart("many series", 'range i from 1 to 40 step 1 | extend k = strcat("s", i % 15), '
          't = datetime(2025-11-01) + 1d * (i % 5) | summarize v = count() by t, k | render timechart')
if r is not None:
    items = texts(r, "legend-item")
    check("many series legend", len(items) == 10 and items[-1] == "Other (6 series)", items)

# -- empty input: an empty chart with a note -----------------------------------
r = chart("empty", "datatable(t:datetime, v:long)[] | render timechart with (title=\"Nothing\")")
if r is not None:
    check("empty note", texts(r, "note") == ["No data to plot"], texts(r, "note"))
    check("empty title", texts(r, "title") == ["Nothing"], "")

# -- escaping: markup and control characters in data ---------------------------
r = chart("escape", 'datatable(k:string, v:long)["<b>&amp;\\"x\\"</b>", 1, "tab\\there", 2] | render columnchart')
if r is not None:
    check("escape label", "<b>&amp;\"x\"</b>" in texts(r, "xlabel"), texts(r, "xlabel"))

# -- errors ------------------------------------------------------------------
error("table", "print a = 1 | render table", "not supported yet: render table as a chart")
error("card", "print a = 1 | render card", "not supported yet: render card as a chart")
error("anomaly", "print a = 1 | render anomalychart", "not supported yet: render anomalychart")
error("no datetime", "print a = 1 | render timechart", "no datetime column for the x axis")
error("no numbers", 'print a = "x", b = "y" | render columnchart', "no numeric column")
# without render, no chart is written (and the query still succeeds)
rc, err, root = run("print a = 1")
check("no render rc", rc == 0, f"rc={rc} {err}")
check("no render file", root is None, "a chart was written")

for f in failures:
    print("FAIL", f)
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
