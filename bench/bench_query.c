/* bench_query.c -- the engine benchmark of bench/query.sh, through the
 * public API only:
 *   bench_query [-n RUNS] [-q QUERY] DATA...
 * Loads each DATA argument with kqlite_load (a file or a directory, as the
 * command line takes it), prints the growth of the process's RSS from
 * loading, then runs Q1..Q5 (the queries over bench/gen_tables'
 * data) with kqlite_prepare + kqlite_run, now() pinned to the data's
 * reference time 2025-11-15T12:00:00Z, and prints the best of RUNS runs
 * (default 5) of each. One process, one thread.
 * Lines for query.sh: "MEMORY <MB>" and "RESULT <Qn> <ms> <rows> <first
 * cell>", or "RESULT <Qn> - - <error>" when a query cannot run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kqlite.h"

/* 2025-11-15T12:00:00Z in 100 ns ticks since 0001-01-01. */
#define REF_NOW INT64_C(638988048000000000)

static const struct {
	const char *name, *kql;
} queries[] = {
    {"Q1", "SecurityAlert | where ProductName == \"Defender for IoT\" | count"},
    {"Q2", "let Now = now();\n"
           "(range TimeGenerated from ago(14d) to Now-1d step 1d\n"
           "| extend Count = 0\n"
           "| union isfuzzy=true (DeviceEvents | summarize Count = count() by bin_at(TimeGenerated, 1d, Now))\n"
           "| summarize Count=max(Count) by bin_at(TimeGenerated, 1d, Now)\n"
           "| sort by TimeGenerated\n"
           "| project Value = iff(isnull(Count), 0, Count), Time = TimeGenerated, Legend = \"Events\")"},
    {"Q3", "DeviceEvents | summarize count() by DeviceName | top 10 by count_"},
    {"Q4", "DeviceProcessEvents\n"
           "| where ProcessCommandLine has \"powershell\" and ProcessCommandLine contains \"-enc\"\n"
           "| project TimeGenerated, DeviceName, ProcessCommandLine"},
    {"Q5", "DeviceEvents | summarize dcount(DeviceName), count() by ActionType, bin(TimeGenerated, 1h)"},
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The process's resident set in bytes (0 when /proc is not there). */
static double rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (double)resident * (double)sysconf(_SC_PAGESIZE);
}

/* Cell (0, 0) of a result, to compare with DuckDB's. */
static void print_first(kqlite_result *res)
{
	kqlite_value v;
	if (kqlite_result_row_count(res) == 0 || kqlite_result_value(res, 0, 0, &v) != KQLITE_OK)
		return;
	switch (v.type) {
	case KQLITE_TYPE_INT:
		printf(" %" PRId32, v.v.i);
		break;
	case KQLITE_TYPE_LONG:
		printf(" %" PRId64, v.v.l);
		break;
	case KQLITE_TYPE_REAL:
		printf(" %g", v.v.r);
		break;
	case KQLITE_TYPE_STRING:
		printf(" %.*s", (int)v.v.s.len, v.v.s.ptr);
		break;
	default:
		printf(" (%s)", kqlite_type_name(v.type));
		break;
	}
}

/* Runs one query `runs` times; prints its RESULT line. */
static void bench(kqlite_db *db, const char *name, const char *kql, int runs)
{
	kqlite_run_options opts = KQLITE_RUN_OPTIONS_INIT;
	opts.pin_now = 1;
	opts.now = REF_NOW;
	double best = -1;
	size_t rows = 0;
	kqlite_result *keep = NULL;
	for (int i = 0; i < runs; i++) {
		kqlite_stmt *stmt;
		kqlite_result *res;
		double t0 = now_ms();
		if (kqlite_prepare(db, kql, strlen(kql), &stmt) != KQLITE_OK) {
			printf("RESULT %s - - %s\n", name, kqlite_errmsg(db));
			break;
		}
		if (kqlite_run(stmt, &opts, &res) != KQLITE_OK) {
			printf("RESULT %s - - %s\n", name, kqlite_stmt_errmsg(stmt));
			kqlite_finalize(stmt);
			break;
		}
		double ms = now_ms() - t0;
		kqlite_finalize(stmt);
		if (best < 0 || ms < best)
			best = ms;
		rows = kqlite_result_row_count(res);
		kqlite_result_free(keep);
		keep = res;
	}
	if (keep) {
		printf("RESULT %s %.3f %zu", name, best, rows);
		print_first(keep);
		printf("\n");
		kqlite_result_free(keep);
	}
	fflush(stdout);
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_query [-n RUNS] [-q Q1..Q5] DATA...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int runs = 5, argi = 1;
	const char *only = NULL;
	while (argi < argc && argv[argi][0] == '-') {
		if (!strcmp(argv[argi], "-n") && argi + 1 < argc)
			runs = atoi(argv[argi + 1]);
		else if (!strcmp(argv[argi], "-q") && argi + 1 < argc)
			only = argv[argi + 1];
		else
			return usage();
		argi += 2;
	}
	if (argi >= argc || runs < 1)
		return usage();

	kqlite_db *db;
	if (kqlite_open(&db) != KQLITE_OK) {
		fprintf(stderr, "bench_query: cannot open a database\n");
		return 1;
	}
	double rss0 = rss_bytes(), t0 = now_ms();
	for (int i = argi; i < argc; i++) {
		if (kqlite_load(db, argv[i], NULL) != KQLITE_OK) {
			fprintf(stderr, "bench_query: %s\n", kqlite_errmsg(db));
			kqlite_close(db);
			return 1;
		}
	}
	double secs = (now_ms() - t0) / 1e3, rss1 = rss_bytes();
	size_t columns = 0;
	printf("kqlite: loaded in %.2f s (", secs);
	for (size_t t = 0, n = 0; t < kqlite_table_count(db); t++) {
		size_t rows = kqlite_table_row_count(db, t);
		if (!rows)
			continue;
		columns += kqlite_table_memory(db, t);
		printf("%s%s %zu", n++ ? ", " : "", kqlite_table_name(db, t), rows);
	}
	printf(" rows); RSS %.1f -> %.1f MB; columns %.1f MB\n", rss0 / 1048576, rss1 / 1048576,
	       (double)columns / 1048576);
	printf("MEMORY %.1f\n", (rss1 - rss0) / 1048576);
	fflush(stdout);

	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++)
		if (!only || !strcmp(only, queries[q].name))
			bench(db, queries[q].name, queries[q].kql, runs);
	kqlite_close(db);
	return 0;
}
