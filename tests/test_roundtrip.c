/* test_roundtrip.c -- printed queries parse back to the same tree; how the printer normalises. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

/* The test runs in tests/: its own queries, the hunting queries and the examples. */
static const char *const query_dirs[] = {"queries", "hunting", "../examples"};

enum { MIN_FILES = 60, MAX_FILES = 1000 };

/* Reads a whole file into a malloc'd buffer; NULL on failure. */
static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Parses text and hands back its dump and print (caller frees both), or
 * returns false with the error on db. */
static bool dump_and_print(kqlite_db *db, const char *text, size_t len, char **dump, char **print)
{
	kqlite_syntax *s = NULL;
	if (kqlite_parse(db, text, len, &s) != KQLITE_OK)
		return false;
	*dump = kqlite_syntax_dump(s);
	*print = kqlite_syntax_print(s);
	kqlite_syntax_free(s);
	assert_non_null(*dump);
	assert_non_null(*print);
	return true;
}

/* The round trip of one text: parse, print, parse the print, and compare.
 * `what` names the text in messages. Returns true when all holds. */
static bool round_trips(kqlite_db *db, const char *what, const char *text, size_t len)
{
	char *dump1, *print1, *dump2, *print2;
	if (!dump_and_print(db, text, len, &dump1, &print1)) {
		print_error("%s: does not parse: %s\n", what, kqlite_errmsg(db));
		return false;
	}
	bool ok = true;
	if (!dump_and_print(db, print1, strlen(print1), &dump2, &print2)) {
		print_error("%s: its printed form does not parse: %s\n--- printed:\n%s\n", what,
		            kqlite_errmsg(db), print1);
		ok = false;
	} else {
		if (strcmp(dump1, dump2) != 0) {
			print_error("%s: the printed form parses to another tree\n"
			            "--- printed:\n%s\n--- tree:\n%s\n"
			            "--- tree of the printed form:\n%s\n",
			            what, print1, dump1, dump2);
			ok = false;
		}
		if (strcmp(print1, print2) != 0) {
			print_error("%s: printing is not idempotent\n"
			            "--- first:\n%s\n--- second:\n%s\n",
			            what, print1, print2);
			ok = false;
		}
		kqlite_free(dump2);
		kqlite_free(print2);
	}
	kqlite_free(dump1);
	kqlite_free(print1);
	return ok;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_kql(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".kql") == 0;
}

/* Round-trips every .kql file of dir (in name order); counts the files
 * in *checked and returns the number that failed. */
static int round_trip_dir(kqlite_db *db, const char *dir, int *checked)
{
	DIR *d = opendir(dir);
	if (!d) {
		print_error("cannot open %s (the test runs in tests/)\n", dir);
		return 1;
	}
	char *names[MAX_FILES];
	int n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (!is_kql(e->d_name))
			continue;
		assert_true(n < MAX_FILES);
		names[n] = strdup(e->d_name);
		assert_non_null(names[n]);
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	int failed = 0;
	for (int i = 0; i < n; i++) {
		char path[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		size_t len;
		char *text = read_whole(path, &len);
		if (!text) {
			print_error("%s: cannot read\n", path);
			failed++;
		} else if (!round_trips(db, path, text, len)) {
			failed++;
		}
		free(text);
		free(names[i]);
		(*checked)++;
	}
	return failed;
}

static void query_files_round_trip(void **state)
{
	(void)state;
	kqlite_db *db = NULL;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	int checked = 0, failed = 0;
	for (size_t i = 0; i < sizeof(query_dirs) / sizeof(query_dirs[0]); i++)
		failed += round_trip_dir(db, query_dirs[i], &checked);
	kqlite_close(db);
	print_message("%d query files round-tripped, %d failed\n", checked, failed);
	assert_int_equal(failed, 0);
	/* not vacuous: the corpus is there */
	assert_true(checked >= MIN_FILES);
}

/* The fuzzer's findings (fuzz/crashes): each either round-trips now or
 * is a clean error, never a printed text that does not reparse. */
static void fuzz_findings_stay_fixed(void **state)
{
	(void)state;
	kqlite_db *db = NULL;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	DIR *dir = opendir("../fuzz/crashes");
	assert_non_null(dir);
	int seen = 0, bad = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || !strstr(e->d_name, ".kql"))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "../fuzz/crashes/%s", e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char buf[4096];
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		seen++;
		char *dump, *print;
		if (!dump_and_print(db, buf, n, &dump, &print)) {
			kqlite_span sp;
			if (kqlite_errmsg(db)[0] == '\0' || (kqlite_errspan(db, &sp) == KQLITE_OK && sp.offset + sp.length > n)) {
				print_error("%s: a bad error\n", path);
				bad++;
			}
			continue;
		}
		char *dump2, *print2;
		if (!dump_and_print(db, print, strlen(print), &dump2, &print2) || strcmp(dump, dump2) != 0) {
			print_error("%s: printed as %s, which does not reparse to the same tree\n", path, print);
			bad++;
		} else {
			free(dump2);
			free(print2);
		}
		free(dump);
		free(print);
	}
	closedir(dir);
	kqlite_close(db);
	assert_true(seen >= 6);
	assert_int_equal(bad, 0);
}

/* ---- normalisation ---------------------------------------------------- */

typedef struct norm_case {
	const char *query;
	const char *printed;
} norm_case;

/* Each query prints as exactly `printed`, which is itself a fixed point. */
static void check_prints(const norm_case *cases, size_t n)
{
	kqlite_db *db = NULL;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		char *dump, *print;
		if (!dump_and_print(db, cases[i].query, strlen(cases[i].query), &dump, &print)) {
			print_error("query: %s\nparse failed: %s\n", cases[i].query,
			            kqlite_errmsg(db));
			bad++;
			continue;
		}
		if (strcmp(print, cases[i].printed) != 0) {
			print_error("query: %s\n--- printed:\n%s\n--- want:\n%s\n", cases[i].query,
			            print, cases[i].printed);
			bad++;
		}
		if (!round_trips(db, cases[i].query, cases[i].query, strlen(cases[i].query)))
			bad++;
		kqlite_free(dump);
		kqlite_free(print);
	}
	kqlite_close(db);
	assert_int_equal(bad, 0);
}

static void spacing_and_layout(void **state)
{
	(void)state;
	static const norm_case cases[] = {
		{"T|where  x=='a'", "T\n| where x == \"a\""},
		{"T\n  |   where x>1|take 5", "T\n| where x > 1\n| take 5"},
		{"let x=1;T|take x;", "let x = 1;\nT\n| take x"},
		{"T // a comment\n// another\n| count // the end", "T\n| count"},
		{"T | summarize count()by bin(t,1h)", "T\n| summarize count() by bin(t, 1h)"},
		{"T | summarize   by a,b", "T\n| summarize by a, b"},
		{"datatable(a:long,b:string)[1,'x',2,'y',]",
		 "datatable(a:long, b:string)[1, \"x\", 2, \"y\"]"},
		{"let f=(a:long=1,T:(*)){T|take a};f()",
		 "let f = (a:long = 1, T:(*)) { T\n| take a };\nf()"},
		{"union T,(U|take 1)", "union T, (U\n| take 1)"},
		{"T | project-away a*,*b , *c*", "T\n| project-away a*, *b, *c*"},
		{"T|render piechart with(title='t',ycolumns=a,b)",
		 "T\n| render piechart with (title = \"t\", ycolumns = a, b)"},
		{"print x=a between(1..2)", "print x = a between (1 .. 2)"},
		{"T | mv-apply x on(take 1|count)", "T\n| mv-apply x on (take 1 | count)"},
	};
	check_prints(cases, sizeof(cases) / sizeof(cases[0]));
}

static void synonyms_print_one_way(void **state)
{
	(void)state;
	static const norm_case cases[] = {
		{"T | filter x | limit 1 | order by a", "T\n| where x\n| take 1\n| sort by a"},
		{"T | mvexpand x | mvapply y on (count)",
		 "T\n| mv-expand x\n| mv-apply y on (count)"},
		{"T | where a <> b and c notcontains 'd' and e containscs 'f'",
		 "T\n| where a != b and c !contains \"d\" and e contains_cs \"f\""},
		{"T | where a !like 'x' and b notbetween (1 .. 2)",
		 "T\n| where a notlike \"x\" and b !between (1 .. 2)"},
		{"T | where x matches  \n regex 'y'", "T\n| where x matches regex \"y\""},
		{"find x", "find where x"},
		{"external_data(a:string)[@'u']", "externaldata(a:string)[\"u\"]"},
	};
	check_prints(cases, sizeof(cases) / sizeof(cases[0]));
}

static void strings_print_double_quoted(void **state)
{
	(void)state;
	static const norm_case cases[] = {
		{"print @'a\\b', 'c\"d', h'e', \"f\" 'g'",
		 "print \"a\\\\b\", \"c\\\"d\", h\"e\", \"fg\""},
		{"print @\"x\"\"y\"", "print \"x\\\"y\""},
		{"print '\\t\\n\\r\\0\\x01'", "print \"\\t\\n\\r\\0\\u0001\""},
		{"print '\\u00e9\\/'", "print \"\xC3\xA9/\""},
		{"print ```a\nb```", "print \"a\\nb\""},
	};
	check_prints(cases, sizeof(cases) / sizeof(cases[0]));
}

static void names_print_so_they_reparse(void **state)
{
	(void)state;
	static const norm_case cases[] = {
		/* names that need brackets get ['...']; the others lose theirs */
		{"T | project ['a b'], [\"c\"], ['d-e'], ['it\\'s'], ['$x']",
		 "T\n| project ['a b'], c, ['d-e'], ['it\\'s'], $x"},
		/* keywords used as names are bracketed; mere parameter words too */
		{"T | extend kind = 1, type = 2, count = 3, by = 4",
		 "T\n| extend ['kind'] = 1, type = 2, ['count'] = 3, ['by'] = 4"},
		{"T | where ['has'] == [\"contains\"]", "T\n| where ['has'] == ['contains']"},
		{"T | project ['true'], ['and'], ['in'], ['between']",
		 "T\n| project ['true'], ['and'], ['in'], ['between']"},
		{"datatable(count:long, limit:long)[]",
		 "datatable(['count']:long, ['limit']:long)[]"},
		{"let step = 1; print step", "let ['step'] = 1;\nprint ['step']"},
		/* members: a keyword or odd name takes the bracket form */
		{"print x.['a b'], y.where, z.kind, w.type",
		 "print x['a b'], y['where'], z['kind'], w.type"},
		/* .[i] is printed as [i] */
		{"print x.[0], y[\"k\"]", "print x[0], y.k"},
		/* function names print bare, keywords included */
		{"T | summarize count(), take_any(x) by range(1, 2, 1)",
		 "T\n| summarize count(), take_any(x) by range(1, 2, 1)"},
		{"T | sort by asc desc nulls first", "T\n| sort by ['asc'] desc nulls first"},
	};
	check_prints(cases, sizeof(cases) / sizeof(cases[0]));
	/* a function name that is not a plain word keeps its brackets; an index
	 * by a constant string is a member */
	static const norm_case more[] = {
		{"print ['a b'](1), x.['a b'](1), ['and'](2)", "print ['a b'](1), x.['a b'](1), ['and'](2)"},
		{"print y[@\"a\"], y[\"a\" \"b\"], y[h\"s\"]", "print y.a, y.ab, y[h\"s\"]"},
	};
	check_prints(more, sizeof(more) / sizeof(more[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_files_round_trip),
		cmocka_unit_test(fuzz_findings_stay_fixed),
		cmocka_unit_test(spacing_and_layout),
		cmocka_unit_test(synonyms_print_one_way),
		cmocka_unit_test(strings_print_double_quoted),
		cmocka_unit_test(names_print_so_they_reparse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
