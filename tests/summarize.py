#!/usr/bin/env python3
"""Sums test cases over a meson testlog.json: cmocka programs count their
cases, programs that print "N passed, N failed" count those, any other test
counts once. A program that fails after its cases passed counts one failure.
Prints one line "N passed, N failed"; exits 1 if anything failed."""
import json
import re
import sys

CMOCKA_PASS = re.compile(r"^\[  PASSED  \] (\d+) test", re.M)
CMOCKA_FAIL = re.compile(r"^\[  FAILED  \] (\d+) test", re.M)
PLAIN = re.compile(r"^(\d+) passed, (\d+) failed", re.M)


def main(path):
    passed = failed = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            out = (t.get("stdout") or "") + (t.get("stderr") or "")
            ok = t.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
            p = sum(int(n) for n in CMOCKA_PASS.findall(out))
            q = sum(int(n) for n in CMOCKA_FAIL.findall(out))
            m = PLAIN.findall(out)
            if m:
                p, q = int(m[-1][0]), int(m[-1][1])
            if p == 0 and q == 0:
                p, q = (1, 0) if ok else (0, 1)
            elif not ok and q == 0:
                q = 1
            passed += p
            failed += q
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
