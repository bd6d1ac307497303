/* test_csv.c -- the CSV reader through kqlite_load: the portals' quirks,
 * and every kind of bad input rejected with its line and column, leaving
 * the catalog as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kqlite.h"

/* Writes text to a fresh temporary directory as NAME.csv; returns the path. */
static char *temp_csv(const char *name, const char *text, size_t len)
{
	char dir[] = "/tmp/kqlite-csv-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = malloc(strlen(dir) + strlen(name) + 8);
	sprintf(path, "%s/%s.csv", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

static void remove_csv(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

static void portal_export_loads(void **state)
{
	(void)state;
	const char text[] = "\xef\xbb\xbfTimeGenerated [UTC],Subject,Score,Ok,Props\r\n"
	                    "\"2/25/2025, 9:19:25.391 AM\",\"a, \"\"b\"\"\nc\",1.5,true,\"{\"\"k\"\":[1]}\"\r\n"
	                    "2025-02-26T10:00:00Z,plain,2,false,\r\n"
	                    "\r\n"
	                    ",,,,\r\n";
	char *path = temp_csv("Mail", text, sizeof(text) - 1);
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	assert_int_equal(kqlite_load(db, path, NULL), KQLITE_OK);
	size_t t;
	assert_int_equal(kqlite_table_find(db, "Mail", &t), KQLITE_OK);
	assert_int_equal(kqlite_table_row_count(db, t), 3); /* the blank line is no record */
	const char *name;
	kqlite_type type;
	kqlite_table_column(db, t, 0, &name, &type);
	assert_string_equal(name, "TimeGenerated");
	assert_int_equal(type, KQLITE_TYPE_DATETIME);
	kqlite_value v;
	assert_int_equal(kqlite_table_value(db, t, 0, 0, &v), KQLITE_OK);
	assert_true(v.type == KQLITE_TYPE_DATETIME && v.v.l == INT64_C(638760719653910000));
	assert_int_equal(kqlite_table_value(db, t, 1, 0, &v), KQLITE_OK);
	assert_int_equal(v.v.s.len, 8);
	assert_memory_equal(v.v.s.ptr, "a, \"b\"\nc", 8);
	kqlite_table_column(db, t, 2, &name, &type);
	assert_int_equal(type, KQLITE_TYPE_REAL);
	kqlite_table_column(db, t, 3, &name, &type);
	assert_int_equal(type, KQLITE_TYPE_BOOL);
	assert_int_equal(kqlite_table_value(db, t, 2, 2, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_NULL); /* an empty field is null */
	kqlite_close(db);
	remove_csv(path);
}

typedef struct bad_csv {
	const char *text;
	size_t len;
	const char *message; /* a part of the error: FILE:LINE:COL: ... */
} bad_csv;

#define BAD(t, m) {t, sizeof(t) - 1, m}

static void bad_input_is_rejected(void **state)
{
	(void)state;
	static const bad_csv cases[] = {
		BAD("a,b\n\"x,1\n", ":2:1: unterminated quoted field"),
		BAD("a,b\nx\"y,1\n", ":2:2: a quote inside an unquoted field"),
		BAD("a,b\n\"x\"y,1\n", ":2:4: expected ',' or a line end after a quoted field"),
		BAD("a,b\n1,2,3\n", ":2:1: this record has more fields"),
		BAD("a,b,c\n1,2\n", ":2:1: this record has fewer fields"),
		BAD("a,b\n\x01\x02\"\xff,\x00\n", ":2:3: a quote inside an unquoted field"),
	};
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *path = temp_csv("Bad", cases[i].text, cases[i].len);
		int rc = kqlite_load(db, path, NULL);
		if (rc != KQLITE_ERROR || !strstr(kqlite_errmsg(db), cases[i].message))
			fail_msg("case %zu: rc %d, message %s; want %s", i, rc, kqlite_errmsg(db), cases[i].message);
		size_t t;
		assert_int_equal(kqlite_table_find(db, "Bad", &t), KQLITE_NOTFOUND); /* nothing half-loaded */
		remove_csv(path);
	}
	/* an empty file is a table with no rows; a header alone too */
	char *path = temp_csv("Empty", "", 0);
	assert_int_equal(kqlite_load(db, path, NULL), KQLITE_OK);
	remove_csv(path);
	path = temp_csv("Header", "a,b\r\n", 5);
	assert_int_equal(kqlite_load(db, path, NULL), KQLITE_OK);
	size_t t;
	assert_int_equal(kqlite_table_find(db, "Header", &t), KQLITE_OK);
	assert_int_equal(kqlite_table_column_count(db, t), 2);
	assert_int_equal(kqlite_table_row_count(db, t), 0);
	remove_csv(path);
	kqlite_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(portal_export_loads),
		cmocka_unit_test(bad_input_is_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
