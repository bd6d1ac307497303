/* test_chart.c -- the terminal chart (tools/chart.c, chart_text): every
 * line fits the width in display columns, at most the given rows, legend
 * and labels present, colours only when asked, errors for what it cannot
 * draw. Linked with tools/chart.c and the library.
 * With CHART_SHOW=1 it also prints each chart (to look at them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "chart.h"
#include "kqlite.h"

static kqlite_db *db;

static int setup(void **state)
{
	(void)state;
	if (kqlite_open(&db) != KQLITE_OK)
		return -1;
	return kqlite_load(db, "../examples/data", NULL) == KQLITE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kqlite_close(db);
	return 0;
}

static kqlite_result *run(const char *q)
{
	kqlite_stmt *st;
	if (kqlite_prepare(db, q, strlen(q), &st) != KQLITE_OK)
		fail_msg("prepare: %s", kqlite_errmsg(db));
	kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
	o.pin_now = 1;
	o.now = 638988048000000000LL; /* 2025-11-15T12:00:00Z, as examples/data/NOW */
	kqlite_result *res = NULL;
	if (kqlite_run(st, &o, &res) != KQLITE_OK)
		fail_msg("run: %s", kqlite_stmt_errmsg(st));
	kqlite_finalize(st);
	return res;
}

/* Display columns of one line: escapes skipped, UTF-8 continuation bytes
 * not counted (the chart only uses single-width characters, and wide ones
 * are checked apart). */
static int line_width(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if ((c & 0xC0) == 0x80)
			continue;
		/* CJK ideographs are two columns wide */
		if (c == 0xE4 || c == 0xE5 || c == 0xE6 || c == 0xE7 || c == 0xE8 || c == 0xE9)
			w++;
		w++;
	}
	return w;
}

/* Draws q in cols x rows and checks the frame; returns the text (free it). */
static char *draw(const char *q, int cols, int rows, bool color)
{
	kqlite_result *res = run(q);
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	int rc = chart_text(res, cols, rows, color, f, err, sizeof err);
	fclose(f);
	kqlite_result_free(res);
	if (rc != 0)
		fail_msg("chart_text: %s", err);
	if (getenv("CHART_SHOW"))
		printf("--- %dx%d: %s\n%s", cols, rows, q, buf);
	int lines = 0;
	for (const char *p = buf; *p;) {
		const char *e = strchr(p, '\n');
		assert_non_null(e); /* every line ends */
		int w = line_width(p, (size_t)(e - p));
		if (w > cols)
			fail_msg("line %d is %d columns wide (max %d): %.*s", lines + 1, w, cols, (int)(e - p), p);
		lines++;
		p = e + 1;
	}
	assert_true(lines <= rows);
	assert_true(lines > 0);
	if (!color)
		assert_null(strchr(buf, 0x1b));
	return buf;
}

static void expect_error(const char *q, int cols, int rows, const char *msg)
{
	kqlite_result *res = run(q);
	char *buf = NULL, err[256] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	int rc = chart_text(res, cols, rows, false, f, err, sizeof err);
	fclose(f);
	kqlite_result_free(res);
	free(buf);
	assert_int_equal(rc, -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not contain '%s'", err, msg);
}

static const char *const ingestion =
    "let Now = now();\n"
    "(range TimeGenerated from ago(14d) to Now-1d step 1d\n"
    "| extend Count = 0\n"
    "| union isfuzzy=true (SecurityIncident | where ProviderName == \"Microsoft 365 Defender\"\n"
    "    | summarize Count = count() by bin_at(TimeGenerated, 1d, Now))\n"
    "| summarize Count=max(Count) by bin_at(TimeGenerated, 1d, Now)\n"
    "| sort by TimeGenerated\n"
    "| project Value = iff(isnull(Count), 0, Count), Time = TimeGenerated, Legend = \"Events\")\n"
    "| render timechart with (title=\"Incidents per day\")";

static void test_timechart_sizes(void **state)
{
	(void)state;
	static const int sizes[][2] = {{80, 24}, {120, 30}, {40, 10}, {20, 4}, {200, 60}, {33, 7}};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *t = draw(ingestion, sizes[i][0], sizes[i][1], false);
		if (sizes[i][1] >= 8)
			assert_non_null(strstr(t, "Incidents per day"));
		if (sizes[i][0] >= 80)
			assert_non_null(strstr(t, "Nov"));
		assert_non_null(strstr(t, "\xE2\xA0")); /* braille dots (U+28xx) */
		free(t);
	}
}

static void test_timechart_series_color(void **state)
{
	(void)state;
	char *t = draw("SecurityAlert | summarize count() by bin(TimeGenerated, 1d), ProductName | render timechart",
	               100, 30, true);
	assert_non_null(strstr(t, "Defender for IoT"));
	assert_non_null(strstr(t, "Azure Sentinel"));
	assert_non_null(strstr(t, "\x1b[38;5;33m")); /* first series' colour */
	assert_non_null(strstr(t, "\x1b[38;5;208m"));
	assert_non_null(strstr(t, "\x1b[0m"));
	free(t);
	/* a narrow terminal: the legend says what it left out */
	t = draw("SecurityAlert | summarize count() by bin(TimeGenerated, 1d), ProductName | render timechart", 40,
	         20, false);
	assert_non_null(strstr(t, "more"));
	free(t);
}

static void test_columnchart(void **state)
{
	(void)state;
	char *t = draw("datatable(k:string, v:long)[\"alpha\", 5, \"beta\", 12, \"gamma\", -3] | render columnchart "
	               "with (title=\"Cols\")",
	               60, 16, false);
	assert_non_null(strstr(t, "Cols"));
	assert_non_null(strstr(t, "alpha"));
	assert_non_null(strstr(t, "gamma"));
	assert_non_null(strstr(t, "\xE2\x96\x88")); /* full block */
	free(t);
	/* unstacked columns of two y columns */
	t = draw("datatable(k:string, a:long, b:real)[\"x\", 1, 2.5, \"y\", 3, 0.5] | render columnchart with "
	         "(kind=unstacked)",
	         50, 14, false);
	assert_non_null(strstr(t, "a"));
	free(t);
	/* more categories than columns */
	t = draw("range i from 1 to 200 step 1 | extend k = strcat(\"c\", i) | project k, i | render columnchart "
	         "with (title=\"many\")",
	         40, 12, false);
	assert_non_null(strstr(t, "more"));
	free(t);
}

static void test_barchart_piechart(void **state)
{
	(void)state;
	char *t = draw("SecurityAlert | summarize count() by ProductName | render barchart", 70, 20, false);
	assert_non_null(strstr(t, "Azure Security Center"));
	assert_non_null(strstr(t, "23"));
	free(t);
	t = draw("SecurityAlert | summarize count() by ProductName | render piechart with (title=\"Share\")", 70, 20,
	         true);
	assert_non_null(strstr(t, "Share"));
	assert_non_null(strstr(t, "31.1%"));
	free(t);
	/* fewer rows than slices: a "more" line */
	t = draw("SecurityAlert | summarize count() by ProductName | render piechart", 50, 4, false);
	assert_non_null(strstr(t, "more"));
	free(t);
}

static void test_scatter_area_line(void **state)
{
	(void)state;
	char *t = draw("range x from 1 to 50 step 1 | extend y = x * x | render scatterchart", 60, 15, false);
	assert_non_null(strstr(t, "2000"));
	free(t);
	t = draw("range x from 1 to 10 step 1 | extend y = x % 3, z = 5 - x | render areachart", 60, 15, false);
	assert_non_null(strstr(t, "-5"));
	free(t);
	t = draw("datatable(x:long, y:real)[3, 1.0, 1, real(null), 2, 4.0] | render linechart", 30, 8, false);
	free(t);
}

static void test_text_hazards(void **state)
{
	(void)state;
	/* escapes and control characters in data never reach the terminal;
	 * wide characters count as two columns */
	char *t = draw("datatable(k:string, v:long)[\"a\\u001b[31mred\", 5, \"\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97"
	               "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\", 7] | render barchart",
	               30, 6, false);
	assert_null(strchr(t, 0x1b));
	free(t);
	t = draw("datatable(k:string, v:long)[] | render columnchart", 40, 8, false);
	assert_non_null(strstr(t, "No data"));
	free(t);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("print a = 1 | render table", 80, 24, "not supported yet: render table as a chart");
	expect_error("print a = 1 | render card", 80, 24, "not supported yet: render card");
	expect_error("print a = 1", 80, 24, "does not end in render");
	expect_error("print a = \"x\" | render columnchart", 80, 24, "no numeric column");
	expect_error("print a = 1 | render timechart", 80, 24, "no datetime column");
	expect_error("print a = 1, b = 2 | render linechart", 10, 24, "too small");
	expect_error("print a = 1, b = 2 | render linechart", 80, 3, "too small");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timechart_sizes),   cmocka_unit_test(test_timechart_series_color),
	    cmocka_unit_test(test_columnchart),       cmocka_unit_test(test_barchart_piechart),
	    cmocka_unit_test(test_scatter_area_line), cmocka_unit_test(test_text_hazards),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
