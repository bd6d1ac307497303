/* gen_tables.c -- seeded Defender/Sentinel data for the query benchmark:
 *   gen_tables ROWS DIR [SEED]
 * writes DIR/DeviceEvents.ndjson, DIR/DeviceProcessEvents.ndjson and
 * DIR/SecurityAlert.ndjson, ROWS rows each, with the built-in schemas'
 * column names. TimeGenerated is spread over the 14 days before the fixed
 * reference time 2025-11-15T12:00:00Z (bench/query.sh pins now() to it).
 * Shape: ~1000 device names and ~50 ActionTypes, both skewed as in real
 * tenants; about 2% of process command lines run PowerShell and a quarter
 * of those pass an encoded command (-enc / -EncodedCommand), with decoys
 * that match `contains` but not `has`; SecurityAlert's ProductName is one
 * of four products. DeviceEvents rows are about 790 bytes. The output is
 * the same for the same ROWS and SEED. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICKS_PER_SEC INT64_C(10000000)
#define TICKS_PER_DAY (86400 * TICKS_PER_SEC)
/* 2025-11-15T12:00:00Z in 100 ns ticks since 1970-01-01. */
#define REF_TICKS (INT64_C(1763208000) * TICKS_PER_SEC)
#define HOSTS 1000

/* ---- random numbers ------------------------------------------------------- */

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Uniform in [0, n). */
static uint64_t below(uint64_t n)
{
	return next() % n;
}

/* In [0, n), small values far more likely (density ~ 1/sqrt(x)): how
 * hosts and action types are spread in a real tenant. */
static uint64_t skewed(uint64_t n)
{
	double u = (double)(next() >> 11) / 9007199254740992.0;
	uint64_t k = (uint64_t)(u * u * (double)n);
	return k < n ? k : n - 1;
}

/* A stable hash of x (splitmix64's finalizer), for per-host identifiers. */
static uint64_t mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

#define COUNT(a) (sizeof(a) / sizeof(*(a)))
#define PICK(a) ((a)[below(COUNT(a))])

/* ---- one output line ------------------------------------------------------ */

static char line[16384];
static size_t len;
static int first_key;

static void put(const char *s)
{
	size_t n = strlen(s);
	memcpy(line + len, s, n);
	len += n;
}

/* s as the inside of a JSON string. */
static void put_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			line[len++] = '\\';
		line[len++] = *s;
	}
}

static void key(const char *k)
{
	if (!first_key)
		line[len++] = ',';
	first_key = 0;
	line[len++] = '"';
	put(k);
	put("\":");
}

static void kstr(const char *k, const char *v)
{
	key(k);
	line[len++] = '"';
	put_escaped(v);
	line[len++] = '"';
}

static void kfmt(const char *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A string value built with printf. */
static void kfmt(const char *k, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	kstr(k, buf);
}

static void kint(const char *k, int64_t v)
{
	key(k);
	len += (size_t)snprintf(line + len, 32, "%" PRId64, v);
}

static void kraw(const char *k, const char *json)
{
	key(k);
	put(json);
}

/* An ISO 8601 UTC datetime with 7 fractional digits, as Defender exports. */
static void kdate(const char *k, int64_t ticks)
{
	int64_t days = ticks / TICKS_PER_DAY, rem = ticks % TICKS_PER_DAY;
	/* days since 1970-01-01 to a civil date (era-based, proleptic Gregorian) */
	int64_t z = days + 719468, era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	int64_t secs = rem / TICKS_PER_SEC, frac = rem % TICKS_PER_SEC;
	key(k);
	len += (size_t)snprintf(line + len, 40, "\"%04d-%02d-%02dT%02d:%02d:%02d.%07dZ\"", (int)y, (int)m, (int)d,
	                        (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), (int)frac);
}

static void begin(void)
{
	len = 0;
	first_key = 1;
	line[len++] = '{';
}

static int end(FILE *f)
{
	line[len++] = '}';
	line[len++] = '\n';
	return fwrite(line, 1, len, f) == len ? 0 : -1;
}

/* ---- shared vocabulary ---------------------------------------------------- */

static void hex(char *out, int n)
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		out[i] = d[next() & 15];
	out[n] = '\0';
}

/* A stable 40-hex-digit id for host h. */
static void host_id(char *out, uint64_t h)
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < 40; i++)
		out[i] = d[(mix(h * 41 + (uint64_t)i / 16) >> (4 * (i % 16))) & 15];
	out[40] = '\0';
}

/* Host h's lower-case FQDN: domain controllers and servers first (the
 * busiest), then workstations. */
static void host_name(char *out, size_t n, uint64_t h)
{
	if (h < 8)
		snprintf(out, n, "dc%02u.contoso.local", (unsigned)h + 1);
	else if (h < 120)
		snprintf(out, n, "srv-app%03u.contoso.local", (unsigned)h);
	else
		snprintf(out, n, "ws-%04u.contoso.local", (unsigned)h);
}

static const char *const users[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
                                    "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter",
                                    "system", "local service", "network service", "svc-backup"};

/* 50 of DeviceEvents' action types, the common ones first. */
static const char *const actions[] = {
    "OpenProcessApiCall", "DnsQueryResponse", "PowerShellCommand", "NamedPipeEvent",
    "ReadProcessMemoryApiCall", "CreateRemoteThreadApiCall", "NtAllocateVirtualMemoryApiCall",
    "ProcessCreatedUsingWmiQuery", "ScheduledTaskUpdated", "AntivirusReport", "ShellLinkCreateFileEvent",
    "GetClipboardData", "LdapSearch", "ExploitGuardNonMicrosoftSignedAudited", "DpapiAccessed",
    "SmartScreenUrlWarning", "BrowserLaunchedToOpenUrl", "FirewallInboundConnectionBlocked",
    "FirewallOutboundConnectionBlocked", "UserAccountCreated", "ServiceInstalled", "ScheduledTaskCreated",
    "ScheduledTaskDeleted", "AntivirusDetection", "AntivirusScanCompleted", "AntivirusDefinitionsUpdated",
    "AppControlCodeIntegrityPolicyAudited", "AppControlExecutableAudited", "AsrOfficeChildProcessAudited",
    "AsrObfuscatedScriptAudited", "AsrPsexecWmiChildProcessAudited", "AsrLsassCredentialTheftAudited",
    "AsrExecutableEmailContentAudited", "ControlledFolderAccessViolationAudited", "DriverLoad",
    "ExploitGuardNetworkProtectionAudited", "GetAsyncKeyStateApiCall", "LogonRightsSettingEnabled",
    "MemoryRemoteProtect", "NetworkShareObjectAdded", "NtAllocateVirtualMemoryRemoteApiCall",
    "NtMapViewOfSectionRemoteApiCall", "PnpDeviceConnected", "ProcessPrimaryTokenModified",
    "QueueUserApcRemoteApiCall", "RemoteDesktopConnection", "ScreenshotTaken", "SecurityLogCleared",
    "TamperingAttempt", "UsbDriveMounted"};

struct image {
	const char *file, *folder, *company, *product;
};

static const struct image images[] = {
    {"svchost.exe", "C:\\Windows\\System32", "Microsoft Corporation", "Microsoft Windows Operating System"},
    {"chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application", "Google LLC", "Google Chrome"},
    {"msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application", "Microsoft Corporation",
     "Microsoft Edge"},
    {"explorer.exe", "C:\\Windows", "Microsoft Corporation", "Microsoft Windows Operating System"},
    {"cmd.exe", "C:\\Windows\\System32", "Microsoft Corporation", "Microsoft Windows Operating System"},
    {"rundll32.exe", "C:\\Windows\\System32", "Microsoft Corporation", "Microsoft Windows Operating System"},
    {"WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16", "Microsoft Corporation",
     "Microsoft Office"},
    {"EXCEL.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16", "Microsoft Corporation",
     "Microsoft Office"},
    {"MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25090.3009",
     "Microsoft Corporation", "Microsoft Malware Protection"},
    {"OneDrive.exe", "C:\\Program Files\\Microsoft OneDrive", "Microsoft Corporation", "Microsoft OneDrive"},
    {"Teams.exe", "C:\\Users\\alice\\AppData\\Local\\Microsoft\\Teams\\current", "Microsoft Corporation",
     "Microsoft Teams"},
    {"powershell.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0", "Microsoft Corporation",
     "Microsoft Windows Operating System"},
};

/* A process command line: ~2% PowerShell (a quarter of those with an
 * encoded command), a few decoys with "powershell" inside a longer term or
 * "-enc" outside PowerShell, the rest ordinary. */
static void command_line(char *out, size_t n, const struct image **img)
{
	uint64_t r = below(10000);
	char b64[257];
	static const char b64c[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t bl = 40 + (size_t)below(200);
	for (size_t i = 0; i < bl; i++)
		b64[i] = b64c[next() & 63];
	b64[bl] = '\0';
	*img = &images[11];
	if (r < 50) { /* 0.5%: an encoded PowerShell command */
		static const char *const forms[] = {"powershell.exe -NoP -NonI -W Hidden -enc %s",
		                                    "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" "
		                                    "-ExecutionPolicy Bypass -EncodedCommand %s",
		                                    "powershell -nop -w hidden -ENC %s"};
		snprintf(out, n, PICK(forms), b64);
		return;
	}
	if (r < 200) { /* 1.5%: PowerShell without an encoded command */
		static const char *const forms[] = {
		    "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\scripts\\inventory-%s.ps1",
		    "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -Command "
		    "\"Get-Process | Where-Object {$_.CPU -gt 100} | Out-File C:\\temp\\%.12s.txt\"",
		    "PowerShell.exe -noninteractive -command Get-WmiObject Win32_Service -Filter \"Name='%.8s'\""};
		snprintf(out, n, PICK(forms), b64);
		return;
	}
	if (r < 260) { /* decoys: "powershell" inside a term, "-enc" elsewhere */
		*img = &images[4];
		static const char *const forms[] = {
		    "cmd.exe /c C:\\Tools\\mypowershellscripts\\run-%.6s.cmd",
		    "cmd.exe /c type C:\\temp\\%.8s.txt | certutil -encode - C:\\temp\\out.b64",
		    "C:\\Windows\\System32\\chcp.com 65001 & findstr /c:\"-encoding utf8\" %.10s.log"};
		snprintf(out, n, PICK(forms), b64);
		return;
	}
	uint64_t k = below(COUNT(images) - 1);
	*img = &images[k];
	switch (k) {
	case 0:
		snprintf(out, n, "C:\\Windows\\system32\\svchost.exe -k %s -p -s %s",
		         below(2) ? "netsvcs" : "LocalServiceNetworkRestricted", below(2) ? "Schedule" : "Dnscache");
		break;
	case 1:
	case 2:
		snprintf(out, n,
		         "\"%s\\%s\" --type=renderer --lang=en-US --renderer-client-id=%u "
		         "--field-trial-handle=%.24s --mojo-platform-channel-handle=%u /prefetch:1",
		         (*img)->folder, (*img)->file, (unsigned)below(400), b64, (unsigned)below(10000));
		break;
	case 6:
	case 7:
		snprintf(out, n, "\"%s\\%s\" /n \"C:\\Users\\%s\\Documents\\report-%.6s.%s\" /o \"\"", (*img)->folder,
		         (*img)->file, PICK(users), b64, k == 6 ? "docx" : "xlsx");
		break;
	default:
		snprintf(out, n, "\"%s\\%s\" %s", (*img)->folder, (*img)->file,
		         below(2) ? "/background" : "-Embedding");
		break;
	}
}

/* ---- the tables ------------------------------------------------------------ */

/* A TimeGenerated in (REF - 14d, REF]. */
static int64_t time_generated(void)
{
	return REF_TICKS - (int64_t)below((uint64_t)(14 * TICKS_PER_DAY));
}

static int device_events(FILE *f, uint64_t i)
{
	char sha1[41], sha256[65], md5[33], dev[41], name[64], cmd[1024], extra[160];
	uint64_t h = skewed(HOSTS);
	int64_t tg = time_generated(), ts = tg - (int64_t)below(300 * (uint64_t)TICKS_PER_SEC);
	const struct image *img, *parent = &images[below(COUNT(images))];
	const char *act = actions[skewed(COUNT(actions))], *user = PICK(users);
	int file = below(3) == 0, net = below(4) == 0; /* what the action is about */
	hex(sha1, 40);
	hex(sha256, 64);
	hex(md5, 32);
	host_id(dev, h);
	host_name(name, sizeof name, h);
	command_line(cmd, sizeof cmd, &img);
	begin();
	kdate("Timestamp", ts);
	kstr("DeviceId", dev);
	kstr("DeviceName", name);
	kstr("ActionType", act);
	kstr("FileName", img->file);
	kstr("FolderPath", img->folder);
	kstr("SHA1", file ? sha1 : "");
	kstr("SHA256", file ? sha256 : "");
	kstr("MD5", file ? md5 : "");
	if (file)
		kint("FileSize", (int64_t)below(50000000));
	else
		kraw("FileSize", "null");
	kstr("AccountName", user);
	kfmt("AccountSid", "S-1-5-21-1004336348-1177238915-682003330-%u", 1000 + (unsigned)below(9000));
	if (net) {
		if (below(2))
			kstr("RemoteUrl", "https://login.microsoftonline.com/common/oauth2/v2.0/token");
		kfmt("RemoteIP", "10.%u.%u.%u", (unsigned)below(256), (unsigned)below(256), (unsigned)below(256));
		kint("RemotePort", (int64_t)below(65536));
		kfmt("LocalIP", "192.168.%u.%u", (unsigned)(h / 250), (unsigned)(h % 250 + 2));
		kint("LocalPort", (int64_t)below(65536));
	}
	kint("ProcessId", (int64_t)below(100000));
	kstr("ProcessCommandLine", i % 2 ? cmd : "");
	kstr("InitiatingProcessFileName", parent->file);
	kint("InitiatingProcessId", (int64_t)below(100000));
	snprintf(extra, sizeof extra, "{\"Command\":\"%s\",\"Count\":%u}", act, (unsigned)below(100));
	kraw("AdditionalFields", extra);
	kint("ReportId", (int64_t)i);
	kdate("TimeGenerated", tg);
	kstr("Type", "DeviceEvents");
	return end(f);
}

static int device_process_events(FILE *f, uint64_t i)
{
	char sha1[41], md5[33], dev[41], name[64], cmd[1024];
	uint64_t h = skewed(HOSTS);
	int64_t tg = time_generated(), ts = tg - (int64_t)below(300 * (uint64_t)TICKS_PER_SEC);
	const struct image *img, *parent = &images[below(COUNT(images))];
	const char *user = PICK(users);
	static const char *const levels[] = {"Medium", "High", "System", "Low"};
	hex(sha1, 40);
	hex(md5, 32);
	host_id(dev, h);
	host_name(name, sizeof name, h);
	command_line(cmd, sizeof cmd, &img);
	begin();
	kdate("Timestamp", ts);
	kstr("DeviceId", dev);
	kstr("DeviceName", name);
	kstr("ActionType", "ProcessCreated");
	kstr("FileName", img->file);
	kfmt("FolderPath", "%s\\%s", img->folder, img->file);
	kstr("SHA1", sha1);
	kstr("MD5", md5);
	kint("FileSize", (int64_t)below(50000000));
	kstr("ProcessVersionInfoCompanyName", img->company);
	kint("ProcessId", (int64_t)below(100000));
	kstr("ProcessCommandLine", cmd);
	kstr("ProcessIntegrityLevel", PICK(levels));
	kstr("ProcessTokenElevation", below(8) ? "TokenElevationTypeDefault" : "TokenElevationTypeFull");
	kdate("ProcessCreationTime", ts);
	kstr("AccountDomain", "contoso");
	kstr("AccountName", user);
	kfmt("AccountSid", "S-1-5-21-1004336348-1177238915-682003330-%u", 1000 + (unsigned)below(9000));
	kint("LogonId", (int64_t)below(10000000));
	kstr("InitiatingProcessFileName", parent->file);
	kint("InitiatingProcessId", (int64_t)below(100000));
	kstr("InitiatingProcessCommandLine", parent->file);
	kdate("InitiatingProcessCreationTime", ts - (int64_t)below(3600 * (uint64_t)TICKS_PER_SEC));
	kint("ReportId", (int64_t)i);
	kdate("TimeGenerated", tg);
	kstr("Type", "DeviceProcessEvents");
	return end(f);
}

struct alert {
	const char *name, *tactic, *technique, *severity;
};

struct product {
	const char *name, *component, *provider;
	unsigned weight; /* per 100 */
	struct alert alerts[4];
};

static const struct product products[] = {
    {"Defender for IoT", "", "IoTSecurity", 10,
     {{"Unauthorized PLC programming", "ImpairProcessControl", "T0843", "High"},
      {"New asset detected", "Discovery", "T0846", "Low"},
      {"Unauthorized internet connectivity detected", "CommandAndControl", "T0884", "Medium"},
      {"Suspicious scanning activity", "Discovery", "T0840", "Medium"}}},
    {"Azure Security Center", "Servers", "Azure Security Center", 35,
     {{"Suspicious process executed", "Execution", "T1059", "High"},
      {"Traffic detected from IP addresses recommended for blocking", "InitialAccess", "T1190", "Low"},
      {"Suspicious authentication activity", "CredentialAccess", "T1110", "Medium"},
      {"Detected suspicious file download", "CommandAndControl", "T1105", "Medium"}}},
    {"Azure Advanced Threat Protection", "", "Azure Advanced Threat Protection", 15,
     {{"Suspected Brute Force attack (Kerberos, NTLM)", "CredentialAccess", "T1110", "Medium"},
      {"Account enumeration reconnaissance", "Discovery", "T1087", "Medium"},
      {"Suspected DCSync attack (replication of directory services)", "CredentialAccess", "T1003.006", "High"},
      {"Network-mapping reconnaissance (DNS)", "Discovery", "T1046", "Low"}}},
    {"Microsoft 365 Defender", "", "MDATP", 40,
     {{"Suspicious PowerShell command line", "Execution", "T1059.001", "Medium"},
      {"Ransomware behavior detected in the file system", "Impact", "T1486", "High"},
      {"Suspicious process injection observed", "DefenseEvasion", "T1055", "Medium"},
      {"Possible credential theft activity", "CredentialAccess", "T1003", "High"}}},
};

static void guid(char *out)
{
	char h[33];
	hex(h, 32);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static int security_alert(FILE *f, uint64_t i)
{
	char name[64], id[37], vid[37], text[1024];
	unsigned w = (unsigned)below(100), acc = 0;
	const struct product *p = &products[0];
	for (size_t k = 0; k < COUNT(products); k++) {
		acc += products[k].weight;
		if (w < acc) {
			p = &products[k];
			break;
		}
	}
	const struct alert *a = &p->alerts[below(4)];
	uint64_t h = skewed(HOSTS);
	const char *user = PICK(users);
	int64_t tg = time_generated(), start = tg - (int64_t)below(3600 * (uint64_t)TICKS_PER_SEC);
	host_name(name, sizeof name, h);
	guid(id);
	guid(vid);
	begin();
	kdate("TimeGenerated", tg);
	kstr("DisplayName", a->name);
	kstr("AlertName", a->name);
	kstr("AlertSeverity", a->severity);
	kfmt("Description", "%s was observed on %s.", a->name, name);
	kstr("ProviderName", p->provider);
	kstr("VendorName", "Microsoft");
	kstr("VendorOriginalId", vid);
	kstr("SystemAlertId", id);
	kfmt("ResourceId", "/subscriptions/0d4c5b2a-1e3f-4a5b-8c7d-9e0f1a2b3c4d/resourceGroups/rg-%s",
	     p->component[0] ? "servers" : "soc");
	kstr("SourceComputerId", "");
	kfmt("AlertType", "%s_%s", p->provider, a->technique);
	kfmt("ConfidenceLevel", "%s", below(3) ? "Unknown" : "High");
	if (below(2))
		kraw("ConfidenceScore", "null");
	else
		kfmt("ConfidenceScore", "0.%02u", (unsigned)below(100));
	kraw("IsIncident", "false");
	kdate("StartTime", start);
	kdate("EndTime", tg);
	kdate("ProcessingEndTime", tg + (int64_t)below(60 * (uint64_t)TICKS_PER_SEC));
	snprintf(text, sizeof text,
	         "{\"Product Component Name\":\"%s\",\"Alert Id\":\"%s\",\"Count\":\"%u\"}",
	         p->component, vid, (unsigned)below(20) + 1);
	kstr("ExtendedProperties", text);
	snprintf(text, sizeof text,
	         "[{\"$id\":\"2\",\"HostName\":\"%.*s\",\"DnsDomain\":\"contoso.local\",\"Type\":\"host\"},"
	         "{\"$id\":\"3\",\"Name\":\"%s\",\"NTDomain\":\"CONTOSO\",\"Type\":\"account\"}]",
	         (int)(strchr(name, '.') - name), name, user);
	kstr("Entities", text);
	kstr("CompromisedEntity", name);
	kstr("ProductName", p->name);
	kstr("ProductComponentName", p->component);
	kstr("Status", below(10) ? "New" : "Resolved");
	kfmt("Tactics", "%s", a->tactic);
	kfmt("Techniques", "[\"%s\"]", a->technique);
	kstr("WorkspaceResourceGroup", "rg-sentinel");
	kstr("Type", "SecurityAlert");
	(void)i;
	return end(f);
}

/* ---- main -------------------------------------------------------------------- */

static int write_table(const char *dir, const char *table, uint64_t rows, uint64_t seed, uint64_t stream,
                       int (*row)(FILE *, uint64_t))
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.ndjson", dir, table);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen_tables: %s: %s\n", path, strerror(errno));
		return -1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	rng = mix(seed * 4 + stream) | 1; /* each table its own stream */
	int bad = 0;
	for (uint64_t i = 0; i < rows && !bad; i++)
		bad = row(f, i);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "gen_tables: %s: write failed: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gen_tables ROWS DIR [SEED]\n");
		return 2;
	}
	char *e;
	errno = 0;
	uint64_t rows = strtoull(argv[1], &e, 10);
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 20251115;
	if (errno || *e || argv[1][0] == '-') {
		fprintf(stderr, "gen_tables: bad row count: %s\n", argv[1]);
		return 2;
	}
	if (write_table(argv[2], "DeviceEvents", rows, seed, 0, device_events) ||
	    write_table(argv[2], "DeviceProcessEvents", rows, seed, 1, device_process_events) ||
	    write_table(argv[2], "SecurityAlert", rows, seed, 2, security_alert))
		return 1;
	return 0;
}
