/* gen_export.c -- a seeded DeviceEvents-like export for load benchmarks:
 *   gen_export ROWS FORMAT OUT [SEED]     FORMAT: ndjson | json
 * Realistic shape: 30 columns of Defender's DeviceEvents (strings, longs,
 * ints, datetimes with 7 fractional digits, a nested AdditionalFields
 * object), about 800 bytes a row. Deterministic for a seed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *pick(const char *const *a, size_t n)
{
	return a[next() % n];
}

#define PICK(a) pick(a, sizeof(a) / sizeof(*(a)))

static const char *const actions[] = {"ProcessCreated", "ConnectionSuccess", "FileCreated", "LogonSuccess",
                                      "RegistryValueSet", "ImageLoaded", "AntivirusDetection",
                                      "PowerShellCommand", "DnsQueryResponse", "ScheduledTaskCreated"};
static const char *const files[] = {"powershell.exe", "cmd.exe", "rundll32.exe", "svchost.exe", "chrome.exe",
                                    "winword.exe", "excel.exe", "certutil.exe", "explorer.exe", "msedge.exe"};
static const char *const users[] = {"alice", "bob", "carol", "dave", "erin", "system", "network service",
                                    "frank", "grace", "heidi"};
static const char *const folders[] = {"C:\\\\Windows\\\\System32", "C:\\\\Program Files\\\\Google\\\\Chrome",
                                      "C:\\\\Users\\\\alice\\\\Downloads", "C:\\\\ProgramData\\\\Temp"};

static void hex(char *out, int n)
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < n; i++)
		out[i] = d[next() & 15];
	out[n] = '\0';
}

static void row(FILE *f, uint64_t i)
{
	char sha1[41], sha256[65], md5[33], dev[41];
	hex(sha1, 40);
	hex(sha256, 64);
	hex(md5, 32);
	hex(dev, 40);
	unsigned day = 1 + (unsigned)(next() % 14), h = (unsigned)(next() % 24), m = (unsigned)(next() % 60),
	         s = (unsigned)(next() % 60), frac = (unsigned)(next() % 10000000);
	const char *user = PICK(users), *file = PICK(files), *parent = PICK(files), *act = PICK(actions);
	fprintf(f,
	        "{\"Timestamp\":\"2025-11-%02uT%02u:%02u:%02u.%07uZ\",\"DeviceId\":\"%s\","
	        "\"DeviceName\":\"ws-%03" PRIu64 ".contoso.local\",\"ActionType\":\"%s\",\"FileName\":\"%s\","
	        "\"FolderPath\":\"%s\",\"SHA1\":\"%s\",\"SHA256\":\"%s\",\"MD5\":\"%s\",\"FileSize\":%" PRIu64 ","
	        "\"AccountDomain\":\"contoso\",\"AccountName\":\"%s\",\"AccountSid\":\"S-1-5-21-%" PRIu64 "\","
	        "\"RemoteUrl\":\"%s\",\"RemoteIP\":\"10.%u.%u.%u\",\"RemotePort\":%u,\"LocalIP\":\"192.168.%u.%u\","
	        "\"LocalPort\":%u,\"ProcessId\":%u,\"ProcessCommandLine\":\"%s -NoProfile -File C:\\\\temp\\\\%s.ps1\","
	        "\"ProcessTokenElevation\":\"TokenElevationTypeDefault\",\"InitiatingProcessFileName\":\"%s\","
	        "\"InitiatingProcessId\":%u,\"InitiatingProcessAccountName\":\"%s\","
	        "\"InitiatingProcessCommandLine\":\"%s\",\"AdditionalFields\":{\"Command\":\"Invoke-Thing\","
	        "\"Count\":%u,\"Nested\":{\"a\":[1,2,3],\"ok\":true}},\"ReportId\":%" PRIu64 ","
	        "\"AppGuardContainerId\":\"\",\"IsProcessRemoteSession\":false,\"TimeGenerated\":null}",
	        day, h, m, s, frac, dev, next() % 500, act, file, PICK(folders), sha1, sha256, md5, next() % 10000000,
	        user, next() % 1000000000, (next() & 1) ? "https://cdn.example.com/x.js" : "", (unsigned)(next() % 256),
	        (unsigned)(next() % 256), (unsigned)(next() % 256), (unsigned)(next() % 65536), (unsigned)(next() % 256),
	        (unsigned)(next() % 256), (unsigned)(next() % 65536), (unsigned)(next() % 100000), file, md5, parent,
	        (unsigned)(next() % 100000), user, parent, (unsigned)(next() % 100), i);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: gen_export ROWS ndjson|json OUT [SEED]\n");
		return 2;
	}
	uint64_t rows = strtoull(argv[1], NULL, 10);
	int json = !strcmp(argv[2], "json");
	rng = argc > 4 ? strtoull(argv[4], NULL, 10) : 20251115;
	if (!rng)
		rng = 1;
	FILE *f = fopen(argv[3], "w");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (json)
		fputs("[\n", f);
	for (uint64_t i = 0; i < rows; i++) {
		row(f, i);
		fputs(json ? (i + 1 < rows ? ",\n" : "\n") : "\n", f);
	}
	if (json)
		fputs("]\n", f);
	return fclose(f) ? 2 : 0;
}
