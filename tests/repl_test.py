#!/usr/bin/env python3
"""Drives the kqlite REPL through a pseudo-terminal and checks the screen.

Usage (from the tests/ directory): python3 repl_test.py PATH/TO/kqlite

The test makes its own pty (os.forkpty), so it runs without a terminal and
without stdin (CI). Every read has a deadline; the whole run stays well
under a minute. Prints each failed check and exits 1 if any failed.
"""
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time

ROWS, COLS = 40, 120
START = time.monotonic()
TOTAL_BUDGET = 55.0  # seconds for the whole test

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def clean(text):
    """The screen text without escape sequences and carriage returns."""
    return ANSI.sub("", text).replace("\r", "").replace("\x07", "")


class Repl:
    def __init__(self, exe, args, home, extra_env=None):
        env = {
            "TERM": "xterm-256color",
            "HOME": home,
            "LC_ALL": "C.UTF-8",
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        }
        for keep in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if keep in os.environ:
                env[keep] = os.environ[keep]
        env.update(extra_env or {})
        pid, fd = os.forkpty()
        if pid == 0:  # the child: its stdin is the pty's slave side
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
                os.execve(exe, [exe] + args, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.raw = ""     # everything the REPL wrote
        self.mark = 0     # where the next expect starts looking
        self.status = None

    def _read(self, deadline):
        """Reads what is there until the deadline; False at EOF."""
        left = max(0.0, min(deadline, START + TOTAL_BUDGET) - time.monotonic())
        ready, _, _ = select.select([self.fd], [], [], left)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not data:
            return False
        self.raw += data.decode("utf-8", "replace")
        return True

    def screen(self):
        return clean(self.raw)

    def expect(self, pattern, timeout=10.0):
        """Waits until pattern (a regex) shows after the mark; moves the
        mark past it. Returns the match or None at the deadline."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.screen(), self.mark)
            if m:
                self.mark = m.end()
                return m
            if time.monotonic() >= deadline or time.monotonic() >= START + TOTAL_BUDGET:
                return None
            if not self._read(deadline):
                m = rx.search(self.screen(), self.mark)
                if m:
                    self.mark = m.end()
                return m

    def send(self, text, pause=0.05):
        os.write(self.fd, text.encode())
        time.sleep(pause)

    def wait_exit(self, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(min(deadline, time.monotonic() + 0.2))
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                return status
        return None

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
        os.close(self.fd)


def main():
    if len(sys.argv) != 2:
        print("usage: repl_test.py PATH/TO/kqlite", file=sys.stderr)
        return 2
    exe = os.path.abspath(sys.argv[1])
    failures = []
    passed = 0

    def check(name, ok):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append(name)
            print("FAIL: " + name)

    home = tempfile.mkdtemp(prefix="kqlite-repl-")
    r = Repl(exe, ["../examples/data"], home)
    try:
        # Start: the load line, the banner, the prompt.
        check("loading line on stderr", r.expect(r"loading \.\./examples/data… done \(\d+ rows", 30))
        check("banner", r.expect(r"\.help lists commands", 10))
        check("first prompt", r.expect(r"kql> ", 10))

        # A multi-line query: a continuation prompt, then a blank line runs it.
        r.send("SecurityAlert\r")
        check("continuation prompt", r.expect(r"\.\.\.> ", 5))
        r.send('| where AlertSeverity in ("High", "Medium")\r')
        r.send("| summarize Alerts = count() by AlertSeverity\r")
        r.send("| order by AlertSeverity asc\r")
        r.send("\r")
        m = r.expect(r"AlertSeverity +Alerts\n *string +long\n[- ]+\nHigh +\d+\nMedium +\d+\n\(2 rows\)", 15)
        check("multi-line query: table with types under the names", m)
        check("colour on a terminal (bold column names)", "\x1b[1mAlertSeverity" in r.raw)
        check("prompt after the query", r.expect(r"kql> ", 5))

        # Tab completion: a table name at the start of a query...
        r.send("SecurityA\t", 0.3)
        check("Tab completes SecurityA to SecurityAlert", r.expect(r"SecurityAlert", 5))
        # ...an operator after '|'...
        r.send("| ta\t", 0.3)
        check("Tab completes an operator after | (take)", r.expect(r"take", 5))
        r.send("2\r\r")
        check("the completed query runs", r.expect(r"\(2 rows\)", 15))
        check("prompt after the completed query", r.expect(r"kql> ", 5))
        # ...a column of the table named so far.
        r.send("SecurityAlert | project AlertSev\t", 0.3)
        check("Tab completes a column of the query's table", r.expect(r"AlertSeverity", 5))
        r.send("\r\r")
        check("... and that query runs", r.expect(r"\(\d+ rows\)", 15))
        r.expect(r"kql> ", 5)
        # Two candidates: the second Tab lists them.
        r.send("Securi\t", 0.3)
        r.send("\t", 0.3)
        check("Tab Tab lists SecurityAlert and SecurityIncident",
              r.expect(r"SecurityAlert\s+SecurityIncident", 5))
        # Ctrl-C at the prompt clears the input.
        r.send("\x03", 0.3)
        check("Ctrl-C at the prompt: ^C and a new prompt", r.expect(r"\^C\nkql> ", 5))

        # Dot-commands.
        r.send(".schema SecurityAlert\r")
        check(".schema SecurityAlert names the table",
              r.expect(r"SecurityAlert: \d+ rows, \d+ columns", 5))
        check(".schema lists a column with its type", r.expect(r"\n  AlertSeverity +string\n", 5))
        check("prompt after .schema", r.expect(r"kql> ", 5))
        r.send(".tables\r")
        check(".tables lists tables with rows and columns", r.expect(r"Table +Rows +Columns\n", 5))
        check(".tables lists SecurityIncident", r.expect(r"SecurityIncident +\d+ +\d+\n", 5))
        r.expect(r"kql> ", 5)
        r.send(".help\r")
        check(".help lists the commands", r.expect(r"\.schema \[TABLE\].*\n(.*\n)*  \.quit ", 5))
        r.expect(r"kql> ", 5)
        r.send(".frobnicate\r")
        check("an unknown dot-command is an error",
              r.expect(r"error: unknown command '\.frobnicate' \(\.help lists the commands\)", 5))
        check("... and the session goes on", r.expect(r"kql> ", 5))

        # An error: the diagnostic with a caret under the span; the session goes on.
        r.send("SecurityAlert\r| wher AlertSeverity == 'High'\r\r")
        check("error diagnostic", r.expect(r"<query>:2:3: error: unknown tabular operator 'wher'", 10))
        check("error shows the line", r.expect(r"\n  \| wher AlertSeverity == 'High'\n", 5))
        check("caret under the span", r.expect(r"(?m)^    \^~~~\n", 5))
        check("prompt after the error", r.expect(r"kql> ", 5))
        r.send("print x = 41 + 1\r\r")
        check("a query after the error runs", r.expect(r"\n +42\n\(1 row\)", 10))
        r.expect(r"kql> ", 5)

        # Ctrl-C stops a long query and the prompt comes back.
        r.send("range x from 1 to 10000000000 step 1 | summarize count()\r\r", 1.0)
        r.send("\x03")
        check("Ctrl-C interrupts a running query", r.expect(r"(?m)^(\^C)?interrupted\n", 15))
        check("prompt after the interrupt", r.expect(r"kql> ", 5))
        r.send(".mode csv\r")
        r.expect(r"kql> ", 5)
        r.send("print a = 'after', b = 2\r\r")
        check("queries run after the interrupt (.mode csv)", r.expect(r"a,b\nafter,2\n", 10))
        r.expect(r"kql> ", 5)

        r.send(".quit\r")
        status = r.wait_exit(10)
        check(".quit ends the session", status is not None)
        check(".quit exits 0", status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
        hist = os.path.join(home, ".kqlite_history")
        check("history is saved in ~/.kqlite_history",
              os.path.exists(hist) and "frobnicate" in open(hist, errors="replace").read())

        # NO_COLOR: no colour; Ctrl-D at an empty prompt leaves.
        r2 = Repl(exe, [], home, {"NO_COLOR": "1"})
        try:
            check("second session prompt", r2.expect(r"kql> ", 20))
            r2.send("print Name = 'x'\r\r")
            check("NO_COLOR: the table", r2.expect(r"Name\nstring\n-+\nx\n\(1 row\)\n", 10))
            check("NO_COLOR: no colour", "\x1b[1m" not in r2.raw and "\x1b[2m" not in r2.raw)
            check("second session prompt again", r2.expect(r"kql> ", 5))
            # datetimes as the Logs blade shows them
            r2.send("print t = datetime(2025-11-14T13:05:03.1234567Z)\r\r")
            check("datetime in the blade's format", r2.expect(r"11/14/2025, 1:05:03\.123 PM", 10))
            check("prompt after the datetime", r2.expect(r"kql> ", 5))
            time.sleep(0.3)
            r2.send("\x04")
            status = r2.wait_exit(10)
            ok = status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
            check("Ctrl-D at an empty prompt exits 0", ok)
            if not ok:
                print("second session's screen: %r" % r2.raw[-500:])
        finally:
            r2.kill()
        # A large file shows a progress bar while it loads (stderr is the pty).
        big = os.path.join(home, "Big.jsonl")
        with open(big, "w") as f:
            row = '{"Name":"%s","N":%d,"Text":"' + "x" * 180 + '"}\n'
            for i in range(45000):
                f.write(row % ("n%d" % (i % 97), i))
        r3 = Repl(exe, [big], home, {"NO_COLOR": "1"})
        try:
            check("progress: the bar", r3.expect(r"loading Big\.jsonl… \[[#.]{30}\] +\d+%", 20))
            check("progress: done with the row count", r3.expect(r"done \(45000 rows", 20))
            check("progress: then the prompt", r3.expect(r"kql> ", 10))
            r3.send(".quit\r")
            r3.wait_exit(10)
        finally:
            r3.kill()
    finally:
        r.kill()
        if os.environ.get("REPL_TEST_SHOW"):
            print(r.screen())

    shutil.rmtree(home, ignore_errors=True)
    if failures:
        print("---- screen (last 3000 characters) ----")
        print(r.screen()[-3000:])
    print("%d passed, %d failed (%.1f s)" % (passed, len(failures), time.monotonic() - START))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
