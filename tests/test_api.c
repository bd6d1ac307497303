/* test_api.c -- the public API's promises: handles are independent, the
 * catalog lists the built-in tables, errors stay readable after the
 * caller's text is gone, and every `_free` accepts NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

static void version_and_types(void **state)
{
	(void)state;
	assert_string_equal(kqlite_version(), KQLITE_VERSION);
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_LONG), "long");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_DATETIME), "datetime");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_DYNAMIC), "dynamic");
	assert_string_equal(kqlite_type_name((kqlite_type)999), "unknown");
}

static void catalog_lists_builtin_tables(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	assert_int_equal(kqlite_table_count(db), 16);
	size_t idx;
	assert_int_equal(kqlite_table_find(db, "SecurityIncident", &idx), KQLITE_OK);
	assert_string_equal(kqlite_table_name(db, idx), "SecurityIncident");
	assert_int_equal(kqlite_table_find(db, "securityincident", &idx), KQLITE_NOTFOUND);
	assert_int_equal(kqlite_table_find(db, "DeviceEvents", &idx), KQLITE_OK);
	int has_ts = 0, has_tg = 0;
	for (size_t c = 0; c < kqlite_table_column_count(db, idx); c++) {
		const char *name;
		kqlite_type type;
		assert_int_equal(kqlite_table_column(db, idx, c, &name, &type), KQLITE_OK);
		if (!strcmp(name, "Timestamp"))
			has_ts = type == KQLITE_TYPE_DATETIME;
		if (!strcmp(name, "TimeGenerated"))
			has_tg = type == KQLITE_TYPE_DATETIME;
		assert_true(name[0] != '_'); /* system columns are not part of tables */
	}
	assert_true(has_ts && has_tg);
	assert_null(kqlite_table_name(db, 16));
	assert_int_equal(kqlite_table_column_count(db, 99), 0);
	assert_int_equal(kqlite_table_column(db, idx, 9999, NULL, NULL), KQLITE_MISUSE);
	kqlite_close(db);
}

static void error_outlives_the_query_text(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	char *q = strdup("T\n| where x ==\n| take 1");
	kqlite_syntax *s;
	assert_int_equal(kqlite_parse(db, q, strlen(q), &s), KQLITE_SYNTAX);
	memset(q, 'x', strlen(q));
	free(q);
	kqlite_span sp;
	assert_int_equal(kqlite_errspan(db, &sp), KQLITE_OK);
	assert_int_equal(sp.line, 3);
	assert_int_equal(sp.column, 1);
	assert_int_equal(sp.offset, 15);
	assert_int_equal(sp.length, 1);
	assert_int_equal(kqlite_errcode(db), KQLITE_SYNTAX);
	/* a success clears the error */
	assert_int_equal(kqlite_parse(db, "T", 1, &s), KQLITE_OK);
	assert_int_equal(kqlite_errcode(db), KQLITE_OK);
	assert_string_equal(kqlite_errmsg(db), "");
	assert_int_equal(kqlite_errspan(db, &sp), KQLITE_NOTFOUND);
	kqlite_syntax_free(s);
	kqlite_close(db);
}

static void handles_are_independent(void **state)
{
	(void)state;
	kqlite_db *a, *b;
	assert_int_equal(kqlite_open(&a), KQLITE_OK);
	assert_int_equal(kqlite_open(&b), KQLITE_OK);
	kqlite_syntax *s;
	assert_int_equal(kqlite_parse(a, "T |", 3, &s), KQLITE_SYNTAX);
	assert_int_equal(kqlite_parse(b, "T | take 1", 10, &s), KQLITE_OK);
	assert_int_equal(kqlite_errcode(a), KQLITE_SYNTAX);
	assert_int_equal(kqlite_errcode(b), KQLITE_OK);
	kqlite_close(a);
	/* the tree outlives the handle that made it */
	char *text = kqlite_syntax_print(s);
	assert_string_equal(text, "T\n| take 1");
	kqlite_free(text);
	kqlite_syntax_free(s);
	kqlite_close(b);
}

static void text_need_not_be_terminated(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	char buf[] = {'T', ' ', '|', ' ', 't', 'a', 'k', 'e', ' ', '1', '|'}; /* no NUL */
	kqlite_syntax *s;
	assert_int_equal(kqlite_parse(db, buf, 10, &s), KQLITE_OK);
	char *dump = kqlite_syntax_dump(s);
	assert_string_equal(dump, "(query (pipe (name \"T\") (take (lit:long \"1\"))))");
	kqlite_free(dump);
	kqlite_syntax_free(s);
	kqlite_close(db);
}

struct progress {
	int calls;
	unsigned long long last, total;
	int backwards;
};

static void on_progress(void *payload, const char *file, unsigned long long done, unsigned long long total)
{
	struct progress *pr = payload;
	assert_non_null(file);
	if (done < pr->last)
		pr->backwards++;
	pr->last = done;
	pr->total = total;
	pr->calls++;
}

/* kqlite_load_options version 2 reports progress through each file, ending
 * at its size; version 1 callers (without the field) are still accepted. */
static void load_progress(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	struct progress pr = {0};
	kqlite_load_options o = KQLITE_LOAD_OPTIONS_INIT;
	o.payload = &pr;
	o.progress = on_progress;
	assert_int_equal(kqlite_load(db, "../examples/data/EmailEvents.csv", &o), KQLITE_OK);
	assert_true(pr.calls >= 1);
	assert_int_equal(pr.backwards, 0);
	assert_true(pr.total > 0);
	assert_true(pr.last == pr.total);
	struct {
		unsigned version;
		int strict;
		void (*warn)(void *, const char *);
		void *payload;
	} v1 = {1, 0, NULL, NULL};
	assert_int_equal(kqlite_load(db, "../examples/data/SecurityAlert.api.json", (const kqlite_load_options *)&v1),
	                 KQLITE_OK);
	o.version = 3;
	assert_int_equal(kqlite_load(db, "../examples/data/SecurityAlert.api.json", &o), KQLITE_MISUSE);
	kqlite_close(db);
}

static void frees_accept_null(void **state)
{
	(void)state;
	kqlite_close(NULL);
	kqlite_syntax_free(NULL);
	kqlite_free(NULL);
	assert_null(kqlite_syntax_print(NULL));
	assert_null(kqlite_syntax_dump(NULL));
	assert_int_equal(kqlite_open(NULL), KQLITE_MISUSE);
	assert_int_equal(kqlite_errcode(NULL), KQLITE_MISUSE);
	assert_non_null(kqlite_errmsg(NULL));
	assert_int_equal(kqlite_table_count(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(version_and_types),
		cmocka_unit_test(catalog_lists_builtin_tables),
		cmocka_unit_test(error_outlives_the_query_text),
		cmocka_unit_test(handles_are_independent),
		cmocka_unit_test(text_need_not_be_terminated),
		cmocka_unit_test(frees_accept_null),
		cmocka_unit_test(load_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
