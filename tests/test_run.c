/* test_run.c -- running queries through the public API: results and their
 * accessors (cells, bulk columns, writers), render metadata, run-time
 * errors on the statement, --now pinning, batch sizes, the memory limit,
 * interruption, and two threads querying one catalog at once. */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kqlite.h"

/* 2025-11-15T12:00:00Z in ticks */
#define NOW_TICKS INT64_C(638988048000000000)

static kqlite_db *open_with_sample(void)
{
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	assert_int_equal(kqlite_load(db, "../examples/data", NULL), KQLITE_OK);
	return db;
}

static kqlite_result *run_opts(kqlite_db *db, const char *q, const kqlite_run_options *o)
{
	kqlite_stmt *st;
	int rc = kqlite_prepare(db, q, strlen(q), &st);
	if (rc != KQLITE_OK)
		fail_msg("prepare: %s", kqlite_errmsg(db));
	kqlite_result *res = NULL;
	rc = kqlite_run(st, o, &res);
	if (rc != KQLITE_OK)
		fail_msg("run: %s", kqlite_stmt_errmsg(st));
	kqlite_finalize(st); /* the result outlives its statement */
	return res;
}

static kqlite_result *run(kqlite_db *db, const char *q)
{
	kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
	o.pin_now = 1;
	o.now = NOW_TICKS;
	return run_opts(db, q, &o);
}

static char *csv(const kqlite_result *res)
{
	char *out;
	size_t len;
	assert_int_equal(kqlite_result_write(res, "csv", &out, &len), KQLITE_OK);
	assert_int_equal(strlen(out), len);
	return out;
}

static void cells_and_columns(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	kqlite_result *res = run(db, "datatable(n:long, s:string, r:real, d:dynamic, t:datetime)"
	                             "[1, 'a', 1.5, dynamic([1]), datetime(2021-01-01),"
	                             " long(null), '', real(null), dynamic(null), datetime(null)]");
	assert_int_equal(kqlite_result_column_count(res), 5);
	assert_int_equal(kqlite_result_row_count(res), 2);
	assert_string_equal(kqlite_result_column_name(res, 1), "s");
	assert_int_equal(kqlite_result_column_type(res, 2), KQLITE_TYPE_REAL);
	assert_null(kqlite_result_column_name(res, 5));
	kqlite_value v;
	assert_int_equal(kqlite_result_value(res, 0, 0, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_LONG);
	assert_int_equal(v.v.l, 1);
	assert_int_equal(kqlite_result_value(res, 0, 1, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_NULL);
	assert_int_equal(kqlite_result_value(res, 3, 0, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_DYNAMIC);
	assert_string_equal(v.v.s.ptr, "[1]");
	assert_int_equal(kqlite_result_value(res, 4, 0, &v), KQLITE_OK);
	assert_int_equal(v.v.l, INT64_C(637450560000000000));
	assert_int_equal(kqlite_result_value(res, 0, 2, &v), KQLITE_MISUSE);
	kqlite_column_data cd;
	assert_int_equal(kqlite_result_column_data(res, 0, &cd), KQLITE_OK);
	assert_int_equal(cd.rows, 2);
	assert_int_equal(((const int64_t *)cd.values)[0], 1);
	assert_non_null(cd.validity);
	assert_int_equal(cd.validity[0] & 3, 1); /* row 0 has a value, row 1 is null */
	assert_int_equal(kqlite_result_column_data(res, 1, &cd), KQLITE_OK);
	assert_int_equal(cd.offsets[1] - cd.offsets[0], 1);
	assert_memory_equal(cd.heap + cd.offsets[0], "a", 1);
	assert_null(kqlite_result_render_kind(res));
	kqlite_result_free(res);
	kqlite_close(db);
}

static void connector_chart(void **state)
{
	(void)state;
	kqlite_db *db = open_with_sample();
	kqlite_result *res = run(db, "let Now = now();\n"
	                             "(range TimeGenerated from ago(14d) to Now-1d step 1d\n"
	                             "| extend Count = 0\n"
	                             "| union isfuzzy=true (\n"
	                             "    SecurityIncident\n"
	                             "    | where ProviderName == \"Microsoft 365 Defender\"\n"
	                             "    | summarize Count = count() by bin_at(TimeGenerated, 1d, Now)\n"
	                             ")\n"
	                             "| summarize Count=max(Count) by bin_at(TimeGenerated, 1d, Now)\n"
	                             "| sort by TimeGenerated\n"
	                             "| project Value = iff(isnull(Count), 0, Count), Time = TimeGenerated, Legend = \"Events\")\n"
	                             "| render timechart with (title=\"Incidents\", ycolumns=Value)");
	assert_int_equal(kqlite_result_row_count(res), 14);
	assert_string_equal(kqlite_result_column_name(res, 0), "Value");
	assert_int_equal(kqlite_result_column_type(res, 0), KQLITE_TYPE_LONG);
	assert_int_equal(kqlite_result_column_type(res, 1), KQLITE_TYPE_DATETIME);
	assert_string_equal(kqlite_result_render_kind(res), "timechart");
	assert_string_equal(kqlite_result_render_property(res, "title"), "Incidents");
	assert_string_equal(kqlite_result_render_property(res, "ycolumns"), "Value");
	assert_null(kqlite_result_render_property(res, "series"));
	/* sorted descending by time, the first row is Now - 1d */
	kqlite_value v;
	assert_int_equal(kqlite_result_value(res, 1, 0, &v), KQLITE_OK);
	assert_int_equal(v.v.l, NOW_TICKS - INT64_C(864000000000));
	/* the sum of the daily counts equals the incidents of those days */
	int64_t total = 0;
	for (size_t r = 0; r < 14; r++) {
		assert_int_equal(kqlite_result_value(res, 0, r, &v), KQLITE_OK);
		assert_int_equal(v.type, KQLITE_TYPE_LONG);
		total += v.v.l;
	}
	kqlite_result *check = run(db, "SecurityIncident | where ProviderName == \"Microsoft 365 Defender\""
	                               " | where TimeGenerated >= ago(14d) and TimeGenerated < now() | count");
	assert_int_equal(kqlite_result_value(check, 0, 0, &v), KQLITE_OK);
	assert_int_equal(v.v.l, total);
	kqlite_result_free(check);
	kqlite_result_free(res);
	kqlite_close(db);
}

static void batch_sizes_agree(void **state)
{
	(void)state;
	kqlite_db *db = open_with_sample();
	const char *qs[] = {
		"DeviceProcessEvents | where ProcessCommandLine has 'powershell' | summarize count() by DeviceName | sort by DeviceName asc",
		"SecurityAlert | top 5 by TimeGenerated desc | project AlertName, TimeGenerated",
		"range x from 1 to 100 step 7 | where x % 2 == 0 | extend y = x * 2 | take 5",
		"SecurityAlert | summarize dcount(ProductName), make_set(AlertSeverity) by bin(TimeGenerated, 1d) | sort by TimeGenerated asc",
	};
	for (size_t q = 0; q < sizeof(qs) / sizeof(qs[0]); q++) {
		char *want = NULL;
		size_t sizes[] = {0, 1, 3, 2048};
		for (size_t k = 0; k < 4; k++) {
			kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
			o.pin_now = 1;
			o.now = NOW_TICKS;
			o.batch_rows = sizes[k];
			kqlite_result *res = run_opts(db, qs[q], &o);
			char *got = csv(res);
			if (!want)
				want = got;
			else {
				assert_string_equal(got, want);
				free(got);
			}
			kqlite_result_free(res);
		}
		free(want);
	}
	kqlite_close(db);
}

static void run_errors_stay_on_statement(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	kqlite_stmt *st;
	const char *q = "range x from 1 to 3 step 0";
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	kqlite_result *res = (kqlite_result *)1;
	assert_int_equal(kqlite_run(st, NULL, &res), KQLITE_ERROR);
	assert_null(res);
	assert_non_null(strstr(kqlite_stmt_errmsg(st), "step"));
	kqlite_finalize(st);
	/* a statement runs again, with the same answer */
	q = "print now() - now()";
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(kqlite_run(st, NULL, &res), KQLITE_OK);
		kqlite_value v;
		assert_int_equal(kqlite_result_value(res, 0, 0, &v), KQLITE_OK);
		assert_int_equal(v.type, KQLITE_TYPE_TIMESPAN);
		assert_int_equal(v.v.l, 0); /* now() is read once per query */
		kqlite_result_free(res);
	}
	kqlite_finalize(st);
	assert_int_equal(kqlite_run(NULL, NULL, &res), KQLITE_MISUSE);
	kqlite_close(db);
}

static void memory_limit(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	const char *q = "range x from 1 to 200000 step 1 | sort by x asc";
	kqlite_stmt *st;
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
	o.max_memory = 100000;
	kqlite_result *res;
	assert_int_equal(kqlite_run(st, &o, &res), KQLITE_LIMIT);
	assert_non_null(strstr(kqlite_stmt_errmsg(st), "max-memory"));
	o.max_memory = 0;
	assert_int_equal(kqlite_run(st, &o, &res), KQLITE_OK);
	kqlite_result_free(res);
	kqlite_finalize(st);
	/* the result itself counts: a range with no operator to hold rows */
	q = "range x from 1 to 100000000 step 1";
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	o.max_memory = 1000000;
	assert_int_equal(kqlite_run(st, &o, &res), KQLITE_LIMIT);
	assert_non_null(strstr(kqlite_stmt_errmsg(st), "result"));
	o.max_memory = 0;
	q = "range x from 1 to 200000 step 1 | sort by x asc";
	kqlite_finalize(st);
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	assert_int_equal(kqlite_run(st, &o, &res), KQLITE_OK);
	assert_int_equal(kqlite_result_row_count(res), 200000);
	kqlite_result_free(res);
	kqlite_finalize(st);
	kqlite_close(db);
}

static void interrupt_flag(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	const char *q = "range x from 1 to 100000 step 1 | summarize count()";
	kqlite_stmt *st;
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	volatile int stop = 1;
	kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
	o.interrupt = &stop;
	kqlite_result *res;
	assert_int_equal(kqlite_run(st, &o, &res), KQLITE_INTERRUPT);
	stop = 0;
	assert_int_equal(kqlite_run(st, &o, &res), KQLITE_OK);
	kqlite_result_free(res);
	kqlite_finalize(st);
	kqlite_close(db);
}

typedef struct job {
	kqlite_stmt *st;
	char *out;
} job;

static void *worker(void *arg)
{
	job *j = arg;
	for (int i = 0; i < 20; i++) {
		kqlite_result *res;
		if (kqlite_run(j->st, NULL, &res) != KQLITE_OK)
			return NULL;
		free(j->out);
		size_t len;
		if (kqlite_result_write(res, "csv", &j->out, &len) != KQLITE_OK)
			j->out = NULL;
		kqlite_result_free(res);
	}
	return j;
}

static void two_threads(void **state)
{
	(void)state;
	kqlite_db *db = open_with_sample();
	const char *q1 = "DeviceEvents | summarize count() by ActionType | sort by ActionType asc";
	const char *q2 = "SecurityAlert | where ProductName has 'defender' | summarize n = count() by ProductName "
	                 "| sort by ProductName asc";
	job a = {0}, b = {0};
	assert_int_equal(kqlite_prepare(db, q1, strlen(q1), &a.st), KQLITE_OK);
	assert_int_equal(kqlite_prepare(db, q2, strlen(q2), &b.st), KQLITE_OK);
	kqlite_result *ra, *rb;
	assert_int_equal(kqlite_run(a.st, NULL, &ra), KQLITE_OK);
	assert_int_equal(kqlite_run(b.st, NULL, &rb), KQLITE_OK);
	char *wa = csv(ra), *wb = csv(rb);
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, worker, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, worker, &b), 0);
	void *ja, *jb;
	pthread_join(ta, &ja);
	pthread_join(tb, &jb);
	assert_non_null(ja);
	assert_non_null(jb);
	assert_string_equal(a.out, wa);
	assert_string_equal(b.out, wb);
	free(a.out), free(b.out), free(wa), free(wb);
	kqlite_result_free(ra);
	kqlite_result_free(rb);
	kqlite_finalize(a.st);
	kqlite_finalize(b.st);
	kqlite_close(db);
}

/* fuzz_run's findings (fuzz/crashes/run-*: a batch-size byte, then the
 * query) run again under the sanitizers: an error is fine, a crash or a
 * leak is not. */
static void fuzz_run_findings(void **state)
{
	(void)state;
	kqlite_db *db = open_with_sample();
	DIR *dir = opendir("../fuzz/crashes");
	assert_non_null(dir);
	int seen = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, "run-", 4) != 0)
			continue;
		char path[512], buf[16384];
		snprintf(path, sizeof(path), "../fuzz/crashes/%s", e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		seen++;
		kqlite_stmt *st;
		if (n < 1 || kqlite_prepare(db, buf + 1, n - 1, &st) != KQLITE_OK)
			continue;
		size_t sizes[] = {1, 3, 0};
		for (int k = 0; k < 3; k++) {
			kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
			o.batch_rows = sizes[k];
			o.max_memory = 64u << 20;
			kqlite_result *res;
			if (kqlite_run(st, &o, &res) == KQLITE_OK)
				kqlite_result_free(res);
			else
				assert_true(kqlite_stmt_errmsg(st)[0] != '\0');
		}
		kqlite_finalize(st);
	}
	closedir(dir);
	assert_true(seen >= 1);
	kqlite_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cells_and_columns),
		cmocka_unit_test(connector_chart),
		cmocka_unit_test(batch_sizes_agree),
		cmocka_unit_test(run_errors_stay_on_statement),
		cmocka_unit_test(memory_limit),
		cmocka_unit_test(interrupt_flag),
		cmocka_unit_test(two_threads),
		cmocka_unit_test(fuzz_run_findings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
