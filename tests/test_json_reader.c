/* test_json_reader.c -- the JSON document and JSON lines readers (json.c)
 * through the real builder: JSONTestSuite, every document shape read back
 * from the finished tables, errors with their positions, truncation at
 * every byte, deep nesting. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "reader.h"
#include "strbuf.h"
#include "types.h"

#define SUITE "jsontestsuite/test_parsing"
#define MAX_TABLES 8

/* The tests' own loader: json.c sees the loader only through reader.h,
 * so the tests keep the tables it asks for and look at them after. */
struct loader {
	const char *defname;
	char *names[MAX_TABLES];
	tbuilder *b[MAX_TABLES];
	table *t[MAX_TABLES];
	size_t n;
	int warnings;
	bool refuse; /* loader_table answers "out of memory" */
};

tbuilder *loader_table(loader *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->names[i]) == len && memcmp(l->names[i], name, len) == 0)
			return l->b[i];
	if (l->refuse || l->n == MAX_TABLES)
		return NULL;
	l->names[l->n] = strndup(name, len);
	l->b[l->n] = tb_new(name, len, NULL);
	assert_non_null(l->names[l->n]);
	assert_non_null(l->b[l->n]);
	return l->b[l->n++];
}

const char *loader_default_name(const loader *l, size_t *len)
{
	*len = strlen(l->defname);
	return l->defname;
}

void loader_consumed(loader *l, size_t upto)
{
	(void)l;
	(void)upto;
}

void loader_warn(loader *l, const char *fmt, ...)
{
	(void)fmt;
	l->warnings++;
}

typedef struct result {
	loader l;
	int rc;
	diag d;
} result;

/* Readers get an exact-size heap copy with no NUL after it, so that ASan
 * reports any read past len. */
static char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);
	assert_non_null(p);
	if (len)
		memcpy(p, s, len);
	return p;
}

/* Whatever the outcome, an error has a message and a span inside the text. */
static void check_error_shape(const result *r, size_t len)
{
	if (r->rc == 0)
		return;
	assert_true(r->rc == KQLITE_ERROR || r->rc == KQLITE_NOMEM);
	assert_int_equal(r->d.code, r->rc);
	assert_true(r->d.msg[0] != '\0');
	if (r->rc == KQLITE_ERROR) {
		assert_true(r->d.has_span);
		assert_true((size_t)r->d.off + r->d.len <= len);
	}
}

static void load_n(result *r, const char *text, size_t len, bool lines)
{
	memset(r, 0, sizeof(*r));
	r->l.defname = "T";
	diag_clear(&r->d);
	char *copy = exact_copy(text, len);
	r->rc = lines ? json_read_lines(&r->l, copy, len, &r->d) : json_read_document(&r->l, copy, len, &r->d);
	check_error_shape(r, len);
	if (r->rc == 0) {
		for (size_t i = 0; i < r->l.n; i++) {
			assert_int_equal(tb_finish(r->l.b[i]), 0);
			r->l.t[i] = tb_take(r->l.b[i]);
			assert_non_null(r->l.t[i]);
		}
	}
	free(copy);
}

static void load(result *r, const char *text, bool lines)
{
	load_n(r, text, strlen(text), lines);
}

static void unload(result *r)
{
	for (size_t i = 0; i < r->l.n; i++) {
		table_free(r->l.t[i]);
		tb_free(r->l.b[i]);
		free(r->l.names[i]);
	}
	memset(r, 0, sizeof(*r));
}

static const table *tab(const result *r, const char *name)
{
	for (size_t i = 0; i < r->l.n; i++)
		if (strcmp(r->l.names[i], name) == 0)
			return r->l.t[i];
	fail_msg("no table %s", name);
	return NULL;
}

static const column *col_named(const table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	fail_msg("no column %s", name);
	return NULL;
}

/* A cell as text: "<null>", a string's bytes, dynamic as compact JSON,
 * other types in their text forms. */
static void cell_text(const column *c, size_t row, strbuf *o)
{
	char buf[64];
	size_t n;
	if (col_is_null(c, row)) {
		sb_adds(o, "<null>");
		return;
	}
	switch (c->type) {
	case KQLITE_TYPE_BOOL: sb_adds(o, c->v.b[row] ? "true" : "false"); break;
	case KQLITE_TYPE_INT: sb_printf(o, "%d", (int)c->v.i32[row]); break;
	case KQLITE_TYPE_LONG: sb_printf(o, "%lld", (long long)c->v.i64[row]); break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: sb_printf(o, "%.17g", c->v.f64[row]); break;
	case KQLITE_TYPE_DATETIME: n = datetime_format(c->v.i64[row], buf); sb_add(o, buf, n); break;
	case KQLITE_TYPE_TIMESPAN: n = timespan_format(c->v.i64[row], buf); sb_add(o, buf, n); break;
	case KQLITE_TYPE_GUID: n = guid_format(c->v.guid + 16 * row, buf); sb_add(o, buf, n); break;
	case KQLITE_TYPE_DYNAMIC: {
		const char *s = col_bytes(c, row, &n);
		dyn_to_json((const uint8_t *)s, n, o);
		break;
	}
	default: {
		const char *s = col_bytes(c, row, &n);
		sb_add(o, s, n);
	}
	}
}

static void expect_cell(const table *t, const char *col, size_t row, const char *want)
{
	const column *c = col_named(t, col);
	assert_true(row < t->nrows);
	strbuf o;
	sb_init(&o);
	cell_text(c, row, &o);
	sb_addc(&o, '\0'); /* an empty cell still gets a buffer */
	if (strcmp(o.s, want) != 0)
		fail_msg("%s[%zu]: got '%s', want '%s'", col, row, o.s, want);
	sb_free(&o);
}

static void expect_type(const table *t, const char *col, kqlite_type type)
{
	assert_string_equal(kqlite_type_name(col_named(t, col)->type), kqlite_type_name(type));
}

/* An error whose message holds `msg`, at byte `off`. */
static void expect_error(const char *text, bool lines, const char *msg, size_t off)
{
	result r;
	load(&r, text, lines);
	if (r.rc == 0)
		fail_msg("accepted: %s", text);
	if (!strstr(r.d.msg, msg))
		fail_msg("for %s: message '%s' lacks '%s'", text, r.d.msg, msg);
	if (r.d.off != off)
		fail_msg("for %s: '%s' at byte %u, want %zu", text, r.d.msg, (unsigned)r.d.off, off);
	unload(&r);
}

/* ---- JSONTestSuite ------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (run from tests/)", path);
	strbuf b;
	sb_init(&b);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&b, buf, n);
	fclose(f);
	assert_false(b.oom);
	*len = b.len;
	char *s = exact_copy(b.s ? b.s : "", b.len);
	sb_free(&b);
	return s;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The suite's files whose names start with prefix, sorted. */
static size_t suite_files(const char *prefix, char ***out)
{
	DIR *dir = opendir(SUITE);
	if (!dir)
		fail_msg("cannot open %s (run from tests/)", SUITE);
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		assert_non_null(names);
		names[n++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	*out = names;
	return n;
}

static int load_suite_file(const char *name, result *r)
{
	char path[512];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", SUITE, name);
	char *text = read_file(path, &len);
	load_n(r, text, len, false);
	free(text);
	return r->rc;
}

static void suite_y_accepted(void **state)
{
	(void)state;
	char **names;
	size_t n = suite_files("y_", &names);
	assert_true(n >= 95);
	for (size_t i = 0; i < n; i++) {
		result r;
		if (load_suite_file(names[i], &r) != 0)
			fail_msg("%s rejected: %s (byte %u)", names[i], r.d.msg, (unsigned)r.d.off);
		assert_true(r.l.n == 1);
		unload(&r);
		free(names[i]);
	}
	free(names);
}

static void suite_n_rejected(void **state)
{
	(void)state;
	char **names;
	size_t n = suite_files("n_", &names);
	assert_true(n >= 188);
	for (size_t i = 0; i < n; i++) {
		result r;
		if (load_suite_file(names[i], &r) != KQLITE_ERROR)
			fail_msg("%s accepted", names[i]);
		unload(&r);
		free(names[i]);
	}
	free(names);
}

/* Implementation-defined cases: these are rejected (invalid UTF-8, UTF-16
 * text), every other i_ file loads (huge numbers go to the builder as
 * text; lone surrogate escapes become U+FFFD; 500 nested arrays are within
 * the limit; a UTF-8 byte order mark is skipped). */
static const char *const i_rejected[] = {
	"i_string_UTF-16LE_with_BOM.json",
	"i_string_UTF-8_invalid_sequence.json",
	"i_string_UTF8_surrogate_U+D800.json",
	"i_string_invalid_utf-8.json",
	"i_string_iso_latin_1.json",
	"i_string_lone_utf8_continuation_byte.json",
	"i_string_not_in_unicode_range.json",
	"i_string_overlong_sequence_2_bytes.json",
	"i_string_overlong_sequence_6_bytes.json",
	"i_string_overlong_sequence_6_bytes_null.json",
	"i_string_truncated-utf-8.json",
	"i_string_utf16BE_no_BOM.json",
	"i_string_utf16LE_no_BOM.json",
};

static void suite_i_recorded(void **state)
{
	(void)state;
	char **names;
	size_t n = suite_files("i_", &names), rejected = 0;
	assert_true(n >= 35);
	for (size_t i = 0; i < n; i++) {
		bool want_reject = false;
		for (size_t k = 0; k < sizeof(i_rejected) / sizeof(i_rejected[0]); k++)
			want_reject = want_reject || strcmp(names[i], i_rejected[k]) == 0;
		result r;
		int rc = load_suite_file(names[i], &r);
		if ((rc != 0) != want_reject)
			fail_msg("%s: %s", names[i], rc ? r.d.msg : "accepted");
		rejected += rc != 0;
		unload(&r);
		free(names[i]);
	}
	free(names);
	assert_int_equal(rejected, sizeof(i_rejected) / sizeof(i_rejected[0]));
}

/* ---- Shapes ------------------------------------------------------------- */

static void array_of_objects(void **state)
{
	(void)state;
	result r;
	load(&r, "[ {\"a\": 1, \"b\": \"x\", \"c\": {\"k\": [1, 2]}, \"d\": true},\n"
	         "  {\"a\": 2, \"b\": \"y\", \"c\": [], \"d\": false},\n"
	         "  {\"a\": 3, \"b\": null, \"c\": null, \"d\": null} ]",
	     false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 1);
	const table *t = tab(&r, "T");
	assert_int_equal(t->nrows, 3);
	assert_int_equal(t->ncols, 4);
	expect_type(t, "a", KQLITE_TYPE_LONG);
	expect_type(t, "b", KQLITE_TYPE_STRING);
	expect_type(t, "c", KQLITE_TYPE_DYNAMIC);
	expect_type(t, "d", KQLITE_TYPE_BOOL);
	expect_cell(t, "a", 2, "3");
	expect_cell(t, "b", 1, "y");
	expect_cell(t, "c", 0, "{\"k\":[1,2]}");
	expect_cell(t, "c", 1, "[]");
	expect_cell(t, "c", 2, "<null>");
	expect_cell(t, "d", 0, "true");
	expect_cell(t, "d", 2, "<null>");
	unload(&r);
}

static void empty_array_is_an_empty_table(void **state)
{
	(void)state;
	result r;
	load(&r, " [ \n ] \n", false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 1);
	assert_int_equal(tab(&r, "T")->nrows, 0);
	assert_int_equal(tab(&r, "T")->ncols, 0);
	unload(&r);
}

static void api_json_one_table(void **state)
{
	(void)state;
	result r;
	load(&r,
	     "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":["
	     "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"l\",\"type\":\"long\"},"
	     "{\"name\":\"i\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"bool\"},"
	     "{\"name\":\"r\",\"type\":\"real\"},{\"name\":\"m\",\"type\":\"decimal\"},"
	     "{\"name\":\"t\",\"type\":\"datetime\"},{\"name\":\"ts\",\"type\":\"timespan\"},"
	     "{\"name\":\"g\",\"type\":\"guid\"},{\"name\":\"d\",\"type\":\"dynamic\"}],"
	     "\"rows\":["
	     "[\"x\",9223372036854775807,7,true,1.5,2.25,\"2021-11-09T10:00:00.1234567Z\",\"1.06:00:00\","
	     "\"0aa1b2c3-d4e5-f607-1829-3a4b5c6d7e8f\",\"{\\\"k\\\":[1,\\\"v\\\"]}\"],"
	     "[\"\",null,null,false,null,null,null,null,null,null]]}]}",
	     false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 1); /* one table: the file's name, not PrimaryResult */
	const table *t = tab(&r, "T");
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->ncols, 10);
	assert_string_equal(t->cols[0].name, "s");
	assert_string_equal(t->cols[9].name, "d");
	expect_type(t, "s", KQLITE_TYPE_STRING);
	expect_type(t, "l", KQLITE_TYPE_LONG);
	expect_type(t, "i", KQLITE_TYPE_INT);
	expect_type(t, "b", KQLITE_TYPE_BOOL);
	expect_type(t, "r", KQLITE_TYPE_REAL);
	expect_type(t, "m", KQLITE_TYPE_DECIMAL);
	expect_type(t, "t", KQLITE_TYPE_DATETIME);
	expect_type(t, "ts", KQLITE_TYPE_TIMESPAN);
	expect_type(t, "g", KQLITE_TYPE_GUID);
	expect_type(t, "d", KQLITE_TYPE_DYNAMIC);
	expect_cell(t, "s", 0, "x");
	expect_cell(t, "l", 0, "9223372036854775807");
	expect_cell(t, "i", 0, "7");
	expect_cell(t, "b", 0, "true");
	expect_cell(t, "r", 0, "1.5");
	expect_cell(t, "m", 0, "2.25");
	expect_cell(t, "t", 0, "2021-11-09T10:00:00.1234567Z");
	expect_cell(t, "ts", 0, "1.06:00:00");
	expect_cell(t, "g", 0, "0aa1b2c3-d4e5-f607-1829-3a4b5c6d7e8f");
	expect_cell(t, "d", 0, "{\"k\":[1,\"v\"]}");
	expect_cell(t, "s", 1, "");
	expect_cell(t, "l", 1, "<null>");
	expect_cell(t, "b", 1, "false");
	expect_cell(t, "d", 1, "<null>");
	unload(&r);
}

static void api_json_several_tables(void **state)
{
	(void)state;
	result r;
	/* The second table lists rows before columns and its name last. */
	load(&r,
	     "{\"tables\":[{\"name\":\"A\",\"columns\":[{\"name\":\"n\",\"type\":\"long\"}],"
	     "\"rows\":[[1],[2],[3]]},\n"
	     "{\"rows\":[[\"p\",true],[\"q\",false]],\"columns\":[{\"type\":\"string\",\"name\":\"s\"},"
	     "{\"name\":\"f\",\"type\":\"bool\"}],\"name\":\"B\"}],\"statistics\":{\"x\":1}}",
	     false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 2);
	const table *a = tab(&r, "A"), *b = tab(&r, "B");
	assert_int_equal(a->nrows, 3);
	expect_cell(a, "n", 2, "3");
	assert_int_equal(b->nrows, 2);
	expect_cell(b, "s", 1, "q");
	expect_cell(b, "f", 0, "true");
	unload(&r);

	/* "tables" twice: the last wins. */
	load(&r,
	     "{\"tables\":[{\"name\":\"A\",\"columns\":[],\"rows\":[]},{\"name\":\"B\",\"columns\":[],\"rows\":[]}],"
	     "\"tables\":[{\"name\":\"C\",\"columns\":[{\"name\":\"c\",\"type\":\"string\"}],\"rows\":[[\"z\"]]}]}",
	     false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.n, 1);
	expect_cell(tab(&r, "T"), "c", 0, "z");
	unload(&r);

	/* No tables: an empty table under the file's name. */
	load(&r, "{\"tables\":[]}", false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(tab(&r, "T")->nrows, 0);
	unload(&r);
}

/* Kusto's v1 response: Tables/TableName/Columns/ColumnName/ColumnType/Rows. */
static void kusto_v1_tables(void **state)
{
	(void)state;
	result r;
	load(&r,
	     "{\"Tables\":[{\"TableName\":\"Table_0\",\"Columns\":[{\"ColumnName\":\"x\",\"DataType\":\"Int64\","
	     "\"ColumnType\":\"long\"},{\"ColumnName\":\"ok\",\"DataType\":\"SByte\"}],"
	     "\"Rows\":[[5,true]]}]}",
	     false);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	expect_type(t, "x", KQLITE_TYPE_LONG);
	expect_type(t, "ok", KQLITE_TYPE_BOOL);
	expect_cell(t, "x", 0, "5");
	unload(&r);
}

static void api_json_errors(void **state)
{
	(void)state;
	const char *cols = "{\"tables\":[{\"name\":\"A\",\"columns\":[{\"name\":\"a\",\"type\":\"long\"},"
	                   "{\"name\":\"b\",\"type\":\"long\"}],\"rows\":";
	char buf[512];
	snprintf(buf, sizeof(buf), "%s[[1,2],[1,2,3]]}]}", cols);
	expect_error(buf, false, "more values than the table has columns (2)", strlen(cols) + 12);
	snprintf(buf, sizeof(buf), "%s[[1,2],[1]]}]}", cols);
	expect_error(buf, false, "this row has 1 value, but the table has 2 columns", strlen(cols) + 7);
	expect_error("{\"tables\":[{\"name\":\"A\",\"rows\":[]}]}", false, "has no \"columns\"", 11);
	expect_error("{\"tables\":[{\"name\":\"A\",\"columns\":[]}]}", false, "has no \"rows\"", 11);
	expect_error("{\"tables\":[{\"columns\":[],\"rows\":[]},{\"columns\":[],\"rows\":[]}]}", false,
	             "has no \"name\"", 11);
	expect_error("{\"tables\":[5]}", false, "expected a table object", 11);
	expect_error("{\"tables\":[{\"name\":\"A\",\"columns\":[{\"type\":\"long\"}],\"rows\":[]}]}", false,
	             "a column in \"columns\" has no \"name\"", 34);
	expect_error("{\"tables\":[{\"name\":\"A\",\"columns\":[],\"rows\":[5]}]}", false,
	             "expected a row (an array of values), found '5'", 44);

	/* An unknown type warns and leaves the column to inference. */
	result r;
	load(&r, "{\"tables\":[{\"name\":\"A\",\"columns\":[{\"name\":\"a\",\"type\":\"quaternion\"}],\"rows\":[[1]]}]}",
	     false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.l.warnings, 1);
	expect_type(tab(&r, "T"), "a", KQLITE_TYPE_LONG);
	unload(&r);
}

static void defender_response(void **state)
{
	(void)state;
	static const char *const schema =
		"\"Schema\":[{\"Name\":\"Timestamp\",\"Type\":\"DateTime\"},{\"Name\":\"DeviceId\",\"Type\":\"String\"},"
		"{\"Name\":\"Port\",\"Type\":\"Int32\"},{\"Name\":\"Bytes\",\"Type\":\"Int64\"},"
		"{\"Name\":\"Score\",\"Type\":\"Double\"},{\"Name\":\"Ok\",\"Type\":\"Boolean\"},"
		"{\"Name\":\"Elapsed\",\"Type\":\"TimeSpan\"},{\"Name\":\"Id\",\"Type\":\"Guid\"},"
		"{\"Name\":\"Extra\",\"Type\":\"Object\"},{\"Name\":\"Flag\",\"Type\":\"SByte\"},"
		"{\"Name\":\"More\",\"Type\":\"Dynamic\"}]";
	static const char *const results =
		"\"Results\":[{\"Timestamp\":\"2021-11-09T10:00:00Z\",\"DeviceId\":\"d1\",\"Port\":443,"
		"\"Bytes\":-9223372036854775808,\"Score\":0.5,\"Ok\":true,\"Elapsed\":\"00:01:00\","
		"\"Id\":\"0aa1b2c3-d4e5-f607-1829-3a4b5c6d7e8f\",\"Extra\":{\"a\":1},\"Flag\":false,"
		"\"More\":\"[1,2]\"},"
		"{\"DeviceId\":\"d2\",\"Timestamp\":\"2021-11-09T11:00:00Z\"}]";
	char buf[2048];
	for (int order = 0; order < 3; order++) {
		if (order == 0)
			snprintf(buf, sizeof(buf), "{\"Stats\":{\"x\":1},%s,%s}", schema, results);
		else if (order == 1) /* Results before Schema */
			snprintf(buf, sizeof(buf), "{%s,\"Stats\":null,%s}", results, schema);
		else /* the Graph API's camelCase */
			snprintf(buf, sizeof(buf), "{\"schema\":%s,\"results\":%s}", strchr(schema, '['),
			         strchr(results, '['));
		result r;
		load(&r, buf, false);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.l.n, 1);
		const table *t = tab(&r, "T");
		assert_int_equal(t->nrows, 2);
		assert_int_equal(t->ncols, 11);
		assert_string_equal(t->cols[0].name, "Timestamp"); /* Schema's order */
		assert_string_equal(t->cols[10].name, "More");
		expect_type(t, "Timestamp", KQLITE_TYPE_DATETIME);
		expect_type(t, "DeviceId", KQLITE_TYPE_STRING);
		expect_type(t, "Port", KQLITE_TYPE_INT);
		expect_type(t, "Bytes", KQLITE_TYPE_LONG);
		expect_type(t, "Score", KQLITE_TYPE_REAL);
		expect_type(t, "Ok", KQLITE_TYPE_BOOL);
		expect_type(t, "Elapsed", KQLITE_TYPE_TIMESPAN);
		expect_type(t, "Id", KQLITE_TYPE_GUID);
		expect_type(t, "Extra", KQLITE_TYPE_DYNAMIC);
		expect_type(t, "Flag", KQLITE_TYPE_BOOL);
		expect_type(t, "More", KQLITE_TYPE_DYNAMIC);
		expect_cell(t, "Timestamp", 1, "2021-11-09T11:00:00.0000000Z");
		expect_cell(t, "DeviceId", 1, "d2");
		expect_cell(t, "Port", 0, "443");
		expect_cell(t, "Bytes", 0, "-9223372036854775808");
		expect_cell(t, "Extra", 0, "{\"a\":1}");
		expect_cell(t, "More", 0, "[1,2]");
		expect_cell(t, "Port", 1, "<null>");
		unload(&r);
	}
	expect_error("{\"Schema\":[{\"Type\":\"String\"}],\"Results\":[]}", false,
	             "a column in \"Schema\" has no \"name\"", 11);
	expect_error("{\"Schema\":[],\"Results\":[{\"a\":1},[2]]}", false,
	             "expected an object (a row) in \"Results\", found '['", 32);
}

static void other_object_is_one_row(void **state)
{
	(void)state;
	result r;
	/* "tables" that is not an array, "Schema" without "Results": plain keys. */
	load(&r, "{\"tables\": 5, \"Schema\": [1], \"a\": {\"b\": null}, \"a\": \"last\"}", false);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	assert_int_equal(t->nrows, 1);
	assert_int_equal(t->ncols, 3);
	expect_cell(t, "tables", 0, "5");
	expect_cell(t, "Schema", 0, "[1]");
	expect_cell(t, "a", 0, "last"); /* a repeated key: the last wins */
	unload(&r);

	load(&r, "{}", false);
	assert_int_equal(r.rc, 0);
	assert_int_equal(tab(&r, "T")->nrows, 1);
	assert_int_equal(tab(&r, "T")->ncols, 0);
	unload(&r);
}

static void scalars_and_mixed_arrays(void **state)
{
	(void)state;
	static const struct {
		const char *doc;
		size_t rows;
		kqlite_type type;
		const char *first, *last;
	} cases[] = {
		{"\"hello\"", 1, KQLITE_TYPE_STRING, "hello", "hello"},
		{" -12 ", 1, KQLITE_TYPE_LONG, "-12", "-12"},
		{"true", 1, KQLITE_TYPE_BOOL, "true", "true"},
		{"null", 1, KQLITE_TYPE_STRING, "", ""},
		{"[1, 2, 3]", 3, KQLITE_TYPE_LONG, "1", "3"},
		{"[\"a\", \"b\"]", 2, KQLITE_TYPE_STRING, "a", "b"},
		{"[[1], [2, 3]]", 2, KQLITE_TYPE_DYNAMIC, "[1]", "[2,3]"},
		/* objects and non-objects: every element is a value */
		{"[{\"a\": 1}, 2, \"x\"]", 3, KQLITE_TYPE_DYNAMIC, "{\"a\":1}", "\"x\""},
		{"[1, {\"a\": 1}]", 2, KQLITE_TYPE_DYNAMIC, "1", "{\"a\":1}"},
		{"[{\"a\": 1}, {\"b\": 2}, null]", 3, KQLITE_TYPE_DYNAMIC, "{\"a\":1}", "<null>"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		result r;
		load(&r, cases[i].doc, false);
		if (r.rc)
			fail_msg("%s: %s", cases[i].doc, r.d.msg);
		const table *t = tab(&r, "T");
		assert_int_equal(t->ncols, 1);
		assert_string_equal(t->cols[0].name, "value");
		assert_int_equal(t->nrows, cases[i].rows);
		expect_type(t, "value", cases[i].type);
		expect_cell(t, "value", 0, cases[i].first);
		expect_cell(t, "value", cases[i].rows - 1, cases[i].last);
		unload(&r);
	}
}

static void empty_file_and_bom(void **state)
{
	(void)state;
	expect_error("", false, "empty file", 0);
	expect_error(" \n\t\r\n", false, "empty file", 0);
	expect_error("\xEF\xBB\xBF", false, "empty file", 0);
	expect_error("\xEF\xBB\xBF  ", false, "empty file", 0);
	result r;
	load(&r, "\xEF\xBB\xBF[{\"a\":1}]", false);
	assert_int_equal(r.rc, 0);
	expect_cell(tab(&r, "T"), "a", 0, "1");
	unload(&r);
	load(&r, "\xEF\xBB\xBF{\"a\":1}\n", true);
	assert_int_equal(r.rc, 0);
	expect_cell(tab(&r, "T"), "a", 0, "1");
	unload(&r);
	/* A BOM is only skipped at the start. */
	expect_error("[\xEF\xBB\xBF 1]", false, "expected a JSON value", 1);
}

/* ---- JSON lines --------------------------------------------------------- */

static void lines_basic(void **state)
{
	(void)state;
	result r;
	load(&r, "{\"a\":1,\"b\":\"x\"}\r\n\r\n   \n{\"b\":\"y\",\"a\":2}\n\t\n{\"a\":3, \"c\": [1, {\"d\": 2}]}  \r\n",
	     true);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	assert_int_equal(t->nrows, 3);
	expect_cell(t, "a", 1, "2");
	expect_cell(t, "b", 1, "y");
	expect_cell(t, "b", 2, "");
	expect_cell(t, "c", 2, "[1,{\"d\":2}]");
	expect_cell(t, "c", 0, "<null>");
	unload(&r);

	/* No final newline. */
	load(&r, "{\"a\":1}\n{\"a\":2}", true);
	assert_int_equal(r.rc, 0);
	assert_int_equal(tab(&r, "T")->nrows, 2);
	unload(&r);

	/* Empty, or blank only: a table with no rows. */
	const char *empty[] = {"", "\n", " \r\n\t\n\n"};
	for (size_t i = 0; i < 3; i++) {
		load(&r, empty[i], true);
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.l.n, 1);
		assert_int_equal(tab(&r, "T")->nrows, 0);
		unload(&r);
	}
}

static void lines_errors(void **state)
{
	(void)state;
	result r;
	const char *text = "{\"a\":1}\n\n[1,2]\n{\"a\":2}\n";
	load(&r, text, true);
	assert_int_equal(r.rc, KQLITE_ERROR);
	unsigned line, col;
	diag_linecol(text, strlen(text), r.d.off, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	assert_non_null(strstr(r.d.msg, "expected an object"));
	unload(&r);

	expect_error("{\"a\":1}\n42\n", true, "expected an object", 8);
	expect_error("{\"a\":1} {\"a\":2}\n", true, "unexpected text after the object", 8);
	/* A record does not continue on the next line: the error is on the
	 * line that stops short. */
	expect_error("{\"a\":1,\n\"b\":2}\n", true, "expected a member name (a string), found the end of the line", 7);
	expect_error("{\"a\":\n1}\n", true, "expected a JSON value, found the end of the line", 5);
	expect_error("{\"a\":1}\n{\"a\":2", true, "expected ',' or '}' after an object member, found the end of the file",
	             14);
	expect_error("{\"a\":1}\n{\"a\":\"x\n\"}", true, "control character U+000A", 15);
}

/* ---- Keys, values, escapes ---------------------------------------------- */

static void key_prediction(void **state)
{
	(void)state;
	/* Keys reordered, missing, extra and repeated from row to row: each
	 * value lands in its own column whatever the cache guessed. */
	strbuf doc;
	sb_init(&doc);
	sb_adds(&doc, "[");
	static const char *const keys[] = {"k0", "k1", "k2", "k3", "k4"};
	enum { ROWS = 300 };
	for (int r = 0; r < ROWS; r++) {
		sb_adds(&doc, r ? ",{" : "{");
		int n = 0;
		for (int k = 0; k < 5; k++) {
			int key = (r % 7 == 3) ? 4 - k : k; /* reversed now and then */
			if ((r + key) % 5 == 0 && r % 2)
				continue; /* missing */
			sb_printf(&doc, "%s\"%s\":%d", n++ ? "," : "", keys[key], r * 10 + key);
		}
		if (r % 11 == 0)
			sb_printf(&doc, ",\"extra%d\":%d", r % 3, r);
		if (r % 13 == 0)
			sb_printf(&doc, ",\"k0\":%d", -r); /* repeated: the last wins */
		sb_adds(&doc, "}");
	}
	sb_adds(&doc, "]");
	result r;
	load(&r, doc.s, false);
	sb_free(&doc);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	assert_int_equal(t->nrows, ROWS);
	for (int row = 0; row < ROWS; row++) {
		for (int key = 0; key < 5; key++) {
			char want[32];
			if (key == 0 && row % 13 == 0)
				snprintf(want, sizeof(want), "%d", -row);
			else if ((row + key) % 5 == 0 && row % 2)
				snprintf(want, sizeof(want), "<null>");
			else
				snprintf(want, sizeof(want), "%d", row * 10 + key);
			expect_cell(t, keys[key], (size_t)row, want);
		}
		char extra[32], want[32];
		for (int e = 0; e < 3; e++) {
			snprintf(extra, sizeof(extra), "extra%d", e);
			if (row % 11 == 0 && row % 3 == e)
				snprintf(want, sizeof(want), "%d", row);
			else
				snprintf(want, sizeof(want), "<null>");
			expect_cell(t, extra, (size_t)row, want);
		}
	}
	unload(&r);
}

static void escapes(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t"},
		{"\"\\u0041\\u00e9\\u20AC\"", "A\xC3\xA9\xE2\x82\xAC"},
		{"\"\\ud83d\\ude00\"", "\xF0\x9F\x98\x80"},          /* a surrogate pair */
		{"\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF"},          /* U+10FFFF */
		{"\"a\\ud800b\"", "a\xEF\xBF\xBD" "b"},              /* lone high: U+FFFD */
		{"\"\\udc00\"", "\xEF\xBF\xBD"},                     /* lone low */
		{"\"\\ud800\\u0041\"", "\xEF\xBF\xBD" "A"},          /* high, then not a low */
		{"\"\\ude00\\ud83d\"", "\xEF\xBF\xBD\xEF\xBF\xBD"},  /* inverted pair */
		{"\"\\ud800\\ud800\\udc00\"", "\xEF\xBF\xBD\xF0\x90\x80\x80"},
		{"\"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\"", "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"},
		{"\"C:\\\\Windows\\\\System32\\\\cmd.exe /c \\\"whoami\\\"\"", "C:\\Windows\\System32\\cmd.exe /c \"whoami\""},
		{"\"\"", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char doc[256];
		snprintf(doc, sizeof(doc), "{\"s\": %s, \"k\\u00e9y\\n\": 1}", cases[i].json);
		result r;
		load(&r, doc, false);
		if (r.rc)
			fail_msg("%s: %s", doc, r.d.msg);
		const table *t = tab(&r, "T");
		expect_cell(t, "s", 0, cases[i].want);
		assert_string_equal(t->cols[1].name, "k\xC3\xA9y\n");
		unload(&r);
	}
}

/* A tiny deterministic PRNG: no global state. */
static uint32_t next_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*s >> 33);
}

/* Random strings of every kind of character, escaped in random ways, at
 * random positions relative to the 16-byte blocks the scanner reads: the
 * decoded bytes must come back exactly. */
static void escapes_random_roundtrip(void **state)
{
	(void)state;
	uint64_t seed = 42;
	enum { ROWS = 400 };
	strbuf doc, want[ROWS];
	sb_init(&doc);
	sb_adds(&doc, "[");
	for (int row = 0; row < ROWS; row++) {
		sb_init(&want[row]);
		sb_adds(&doc, row ? ",{\"s\":\"" : "{\"s\":\"");
		int n = (int)(next_rand(&seed) % 70);
		for (int i = 0; i < n; i++) {
			uint32_t pick = next_rand(&seed) % 10, cp;
			if (pick < 5)
				cp = 0x20 + next_rand(&seed) % 0x5F;
			else if (pick == 5)
				cp = next_rand(&seed) % 0x20;
			else if (pick == 6)
				cp = 0x80 + next_rand(&seed) % 0x780;
			else if (pick == 7)
				cp = 0x800 + next_rand(&seed) % 0xD000; /* below the surrogates */
			else if (pick == 8)
				cp = 0x10000 + next_rand(&seed) % 0x100000;
			else
				cp = (next_rand(&seed) & 1) ? '"' : '\\';
			char u[5];
			size_t un;
			if (cp < 0x80) {
				u[0] = (char)cp;
				un = 1;
			} else if (cp < 0x800) {
				u[0] = (char)(0xC0 | cp >> 6);
				u[1] = (char)(0x80 | (cp & 0x3F));
				un = 2;
			} else if (cp < 0x10000) {
				u[0] = (char)(0xE0 | cp >> 12);
				u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
				u[2] = (char)(0x80 | (cp & 0x3F));
				un = 3;
			} else {
				u[0] = (char)(0xF0 | cp >> 18);
				u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
				u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
				u[3] = (char)(0x80 | (cp & 0x3F));
				un = 4;
			}
			sb_add(&want[row], u, un);
			bool must = cp < 0x20 || cp == '"' || cp == '\\';
			if (!must && next_rand(&seed) % 8) {
				sb_add(&doc, u, un);
			} else if (cp < 0x10000) {
				sb_printf(&doc, "\\u%04X", (unsigned)cp);
			} else {
				uint32_t v = cp - 0x10000;
				sb_printf(&doc, "\\u%04x\\u%04x", (unsigned)(0xD800 + (v >> 10)), (unsigned)(0xDC00 + (v & 0x3FF)));
			}
		}
		sb_adds(&doc, "\"}");
	}
	sb_adds(&doc, "]");
	assert_false(doc.oom);
	result r;
	load_n(&r, doc.s, doc.len, false);
	sb_free(&doc);
	if (r.rc)
		fail_msg("%s (byte %u)", r.d.msg, (unsigned)r.d.off);
	const table *t = tab(&r, "T");
	const column *c = col_named(t, "s");
	assert_int_equal(t->nrows, ROWS);
	for (int row = 0; row < ROWS; row++) {
		size_t n;
		const char *s = col_bytes(c, (size_t)row, &n);
		assert_int_equal(n, want[row].len);
		if (n)
			assert_memory_equal(s, want[row].s, n);
		sb_free(&want[row]);
	}
	unload(&r);
}

/* Arrays of objects whose strings are full of brackets, quotes and
 * backslash runs, crossing the 64-byte blocks of the reader's look ahead:
 * rows, unless one element (anywhere) is not an object: then the "value"
 * table with every element. */
static void rows_or_values_random(void **state)
{
	(void)state;
	static const char *const bits[] = {"[", "]", "{", "}", "\\\"", "\\\\", "\\\\\\\"", "x", ",", " ", ":"};
	static const char *const intruders[] = {"5", "\"]}\"", "[{}]", "null", "\"\\\\\"", "-1.5e3", "true"};
	uint64_t seed = 7;
	for (int round = 0; round < 300; round++) {
		strbuf doc;
		sb_init(&doc);
		int n = 1 + (int)(next_rand(&seed) % 12);
		int intruder = round % 3 == 0 ? -1 : (int)(next_rand(&seed) % (uint32_t)n);
		sb_adds(&doc, "[");
		for (int e = 0; e < n; e++) {
			if (e)
				sb_adds(&doc, next_rand(&seed) % 2 ? ",\n " : ",");
			if (e == intruder) {
				sb_adds(&doc, intruders[next_rand(&seed) % 7]);
				continue;
			}
			sb_adds(&doc, "{\"s\":\"");
			for (int k = (int)(next_rand(&seed) % 60); k > 0; k--)
				sb_adds(&doc, bits[next_rand(&seed) % 11]);
			sb_adds(&doc, "\",\"n\":[{\"t\":\"}\"}]}");
		}
		sb_adds(&doc, "]");
		result r;
		load_n(&r, doc.s, doc.len, false);
		if (r.rc)
			fail_msg("round %d: %s in %s", round, r.d.msg, doc.s);
		const table *t = tab(&r, "T");
		assert_int_equal(t->nrows, (size_t)n);
		if (intruder < 0) {
			assert_int_equal(t->ncols, 2);
			assert_string_equal(t->cols[0].name, "s");
			expect_cell(t, "n", 0, "[{\"t\":\"}\"}]");
		} else {
			assert_int_equal(t->ncols, 1);
			assert_string_equal(t->cols[0].name, "value");
		}
		unload(&r);
		sb_free(&doc);
	}
}

static void big_numbers(void **state)
{
	(void)state;
	result r;
	load(&r, "[{\"n\": 9223372036854775807, \"x\": 1e400, \"y\": 0.1},"
	         " {\"n\": -9223372036854775808, \"x\": -0.0, \"y\": 123456789012345678901234567890},"
	         " {\"n\": 9007199254740993, \"x\": 2E-3, \"y\": -1}]",
	     false);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	expect_type(t, "n", KQLITE_TYPE_LONG);
	expect_cell(t, "n", 0, "9223372036854775807");
	expect_cell(t, "n", 1, "-9223372036854775808");
	expect_cell(t, "n", 2, "9007199254740993"); /* not through a double */
	expect_type(t, "y", KQLITE_TYPE_REAL);
	unload(&r);
}

static void nul_bytes(void **state)
{
	(void)state;
	static const char raw_in_string[] = "[{\"a\":\"x\0y\"}]";
	static const char outside[] = "[{\"a\":1}\0]";
	static const char after[] = "[{\"a\":1}]\0";
	static const char in_key[] = "[{\"a\\u0000b\":1,\"s\":\"p\\u0000q\"}]";
	result r;
	load_n(&r, raw_in_string, sizeof(raw_in_string) - 1, false);
	assert_int_equal(r.rc, KQLITE_ERROR);
	assert_non_null(strstr(r.d.msg, "control character U+0000"));
	assert_int_equal(r.d.off, 8);
	unload(&r);
	load_n(&r, outside, sizeof(outside) - 1, false);
	assert_int_equal(r.rc, KQLITE_ERROR);
	assert_non_null(strstr(r.d.msg, "found a NUL byte"));
	assert_int_equal(r.d.off, 8);
	unload(&r);
	load_n(&r, after, sizeof(after) - 1, false);
	assert_int_equal(r.rc, KQLITE_ERROR);
	assert_non_null(strstr(r.d.msg, "unexpected text after the JSON value"));
	assert_int_equal(r.d.off, 9);
	unload(&r);
	load_n(&r, after, sizeof(after) - 1, true);
	assert_int_equal(r.rc, KQLITE_ERROR);
	unload(&r);

	/* Escaped NULs: a value keeps it; a key cannot name a column with it. */
	load(&r, in_key, false);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	assert_string_equal(t->cols[0].name, "Column1");
	size_t n;
	const char *s = col_bytes(col_named(t, "s"), 0, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "p\0q", 3);
	unload(&r);
}

/* ---- Errors ------------------------------------------------------------- */

static void error_messages(void **state)
{
	(void)state;
	static const struct {
		const char *doc, *msg;
		size_t off;
	} cases[] = {
		{"[1,]", "trailing commas are not allowed", 3},
		{"[{\"a\":1,}]", "trailing commas are not allowed", 8},
		{"{\"a\":1,}", "trailing commas are not allowed", 7},
		{"[{\"a\":[1,2,]}]", "trailing commas are not allowed", 11},
		{"[{\"a\":1},]", "trailing commas are not allowed", 9},
		{"[\"abc", "unterminated string", 1},
		{"[{\"a\":\"abc\\", "unterminated string", 6},
		{"[\"a\\qb\"]", "invalid escape \\q", 3},
		{"[\"\\u12G4\"]", "invalid \\u escape", 2},
		{"[\"a\tb\"]", "control character U+0009 in a string", 3},
		{"[\"a\xC3(\"]", "invalid UTF-8 in a string", 3},
		{"[\"\xED\xA0\x80\"]", "invalid UTF-8 in a string", 2},    /* a surrogate in UTF-8 */
		{"[\"\xC0\xAF\"]", "invalid UTF-8 in a string", 2},        /* overlong */
		{"[\"\xF4\x90\x80\x80\"]", "invalid UTF-8 in a string", 2}, /* past U+10FFFF */
		{"[1] x", "unexpected text after the JSON value", 4},
		{"{\"a\":1}}", "unexpected text after the JSON value", 7},
		{"[01]", "leading zeros are not allowed", 1},
		{"[-]", "expected a digit after '-'", 2},
		{"[1.]", "expected a digit after the decimal point", 3},
		{"[1e+]", "expected a digit in the exponent", 4},
		{"[{\"a\" 1}]", "expected ':' after a member name, found '1'", 6},
		{"[{\"a\":1 \"b\":2}]", "expected ',' or '}' after an object member, found '\"'", 8},
		{"[{\"a\":1}{\"b\":2}]", "expected ',' or ']' after an array element, found '{'", 8},
		{"[{\"a\":[1 2]}]", "expected ',' or ']' after an array element, found '2'", 9},
		{"[{\"a\":tru}]", "invalid literal: expected true", 6},
		{"[{\"a\":NaN}]", "expected a JSON value, found 'N'", 6},
		{"[{\"a\":'x'}]", "expected a JSON value, found '''", 6},
		{"[{1:2}]", "expected a member name (a string), found '1'", 2},
		{"[\xFF]", "expected a JSON value, found invalid UTF-8 (byte 0xFF)", 1},
		{"{\"tables\":[{\"name\":\"A\",\"columns\":[],\"rows\":[]},]}", "trailing commas are not allowed", 47},
		{"{\"Schema\":[],\"Results\":[{\"a\":1}],}", "trailing commas are not allowed", 33},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].doc, false, cases[i].msg, cases[i].off);
}

/* Every proper prefix of a document is an error (with a message and a
 * position inside it); JSON lines prefixes load or fail, never crash. */
static void truncated_everywhere(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"[{\"a\": 1, \"b\": \"x\\u00e9\\ud83d\\ude00y\", \"c\": {\"k\": [1.5e3, true, null, \"v\"]},"
		" \"d\": false}, {\"b\": \"C:\\\\p\", \"a\": -0.25}]",
		"{\"tables\":[{\"name\":\"A\",\"columns\":[{\"name\":\"s\",\"type\":\"string\"},"
		"{\"name\":\"d\",\"type\":\"dynamic\"}],\"rows\":[[\"x\",\"{\\\"k\\\":1}\"],[null,null]]},"
		"{\"name\":\"B\",\"columns\":[],\"rows\":[[]]}]}",
		"{\"Results\":[{\"Timestamp\":\"2021-01-01T00:00:00Z\",\"N\":1}],"
		"\"Schema\":[{\"Name\":\"Timestamp\",\"Type\":\"DateTime\"},{\"Name\":\"N\",\"Type\":\"Int32\"}]}",
		"{\"one\": [\"row\", {\"x\": \"\xE6\x97\xA5\"}]}",
		"[1, \"two\", [3], {\"four\": 4}]",
	};
	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		size_t len = strlen(docs[d]);
		result r;
		load_n(&r, docs[d], len, false);
		if (r.rc)
			fail_msg("whole document %zu: %s", d, r.d.msg);
		unload(&r);
		for (size_t cut = 0; cut < len; cut++) {
			load_n(&r, docs[d], cut, false);
			if (r.rc != KQLITE_ERROR)
				fail_msg("document %zu cut at %zu accepted", d, cut);
			unload(&r);
			load_n(&r, docs[d], cut, true); /* shape checked inside load_n */
			unload(&r);
		}
	}
	const char *lines = "{\"a\":1,\"b\":[1,{\"c\":\"\\u00e9\"}]}\r\n\n{\"b\":null,\"a\":2}\n";
	size_t len = strlen(lines);
	for (size_t cut = 0; cut <= len; cut++) {
		result r;
		load_n(&r, lines, cut, true);
		/* Whole records load; a cut inside one is an error. */
		bool whole = cut == 0 || cut == 30 || cut == 31 || cut == 32 || cut == 33 || cut >= len - 1;
		if ((r.rc == 0) != whole)
			fail_msg("lines cut at %zu: %s", cut, r.rc ? r.d.msg : "accepted");
		unload(&r);
	}
}

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *s = malloc(h + n + t + 1);
	assert_non_null(s);
	memcpy(s, head, h);
	memset(s + h, c, n);
	memcpy(s + h + n, tail, t + 1);
	return s;
}

static void nested(const char *head, size_t opens, const char *mid, const char *closes_tail, bool lines,
                   bool ok)
{
	/* head + opens '[' + mid + as many ']' + closes_tail */
	char *open = repeat(head, '[', opens, mid);
	char *doc = repeat(open, ']', opens, closes_tail);
	result r;
	load(&r, doc, lines);
	if (ok && r.rc)
		fail_msg("%zu levels rejected: %s", opens, r.d.msg);
	if (!ok) {
		assert_int_equal(r.rc, KQLITE_ERROR);
		assert_string_equal(r.d.msg, "nesting deeper than 512 levels");
	}
	unload(&r);
	free(open);
	free(doc);
}

static void deep_nesting(void **state)
{
	(void)state;
	/* 100000 '[' with nothing after: the limit, not the end of the file. */
	char *deep = repeat("", '[', 100000, "");
	result r;
	load(&r, deep, false);
	assert_int_equal(r.rc, KQLITE_ERROR);
	assert_string_equal(r.d.msg, "nesting deeper than 512 levels");
	assert_int_equal(r.d.off, 512);
	unload(&r);
	load(&r, deep, true);
	assert_int_equal(r.rc, KQLITE_ERROR);
	unload(&r);
	free(deep);
	char *objs = malloc(100000 * 5 + 1);
	assert_non_null(objs);
	for (size_t i = 0; i < 100000; i++)
		memcpy(objs + 5 * i, "{\"a\":", 5);
	objs[500000] = '\0';
	load(&r, objs, false);
	assert_int_equal(r.rc, KQLITE_ERROR);
	assert_string_equal(r.d.msg, "nesting deeper than 512 levels");
	unload(&r);
	load(&r, objs, true);
	assert_string_equal(r.d.msg, "nesting deeper than 512 levels");
	unload(&r);
	free(objs);

	/* 512 levels in all are fine, 513 are not: counted from the document. */
	nested("", 512, "", "", false, true);
	nested("", 513, "", "", false, false);
	nested("[{\"a\":", 510, "", "}]", false, true);
	nested("[{\"a\":", 511, "", "}]", false, false);
	nested("{\"a\":", 511, "", "}\n", true, true);
	nested("{\"a\":", 512, "", "}\n", true, false);
	nested("{\"x\":1,\"a\":", 511, "", "}", false, true);
	nested("{\"x\":1,\"a\":", 512, "", "}", false, false);
}

static void out_of_memory_from_loader(void **state)
{
	(void)state;
	static const char *const docs[] = {"[{\"a\":1}]", "{\"a\":1}", "1", "[1]", "{\"tables\":[]}"};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		result r;
		memset(&r, 0, sizeof(r));
		r.l.defname = "T";
		r.l.refuse = true;
		diag_clear(&r.d);
		char *copy = exact_copy(docs[i], strlen(docs[i]));
		assert_int_equal(json_read_document(&r.l, copy, strlen(docs[i]), &r.d), KQLITE_NOMEM);
		assert_int_equal(r.d.code, KQLITE_NOMEM);
		diag_clear(&r.d);
		assert_int_equal(json_read_lines(&r.l, copy, strlen(docs[i]), &r.d), KQLITE_NOMEM);
		free(copy);
	}
}

static void pretty_printed(void **state)
{
	(void)state;
	result r;
	load(&r,
	     "[\r\n  {\r\n    \"TimeGenerated\": \"2025-02-25T09:19:25.391Z\",\r\n    \"Count\": 3,\r\n"
	     "    \"Tags\": [\r\n      \"a\",\r\n      \"b\"\r\n    ]\r\n  },\r\n  {\r\n    \"Count\": 4\r\n  }\r\n]\r\n",
	     false);
	assert_int_equal(r.rc, 0);
	const table *t = tab(&r, "T");
	assert_int_equal(t->nrows, 2);
	expect_cell(t, "Count", 1, "4");
	expect_cell(t, "Tags", 0, "[\"a\",\"b\"]");
	unload(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(suite_y_accepted),
	    cmocka_unit_test(suite_n_rejected),
	    cmocka_unit_test(suite_i_recorded),
	    cmocka_unit_test(array_of_objects),
	    cmocka_unit_test(empty_array_is_an_empty_table),
	    cmocka_unit_test(api_json_one_table),
	    cmocka_unit_test(api_json_several_tables),
	    cmocka_unit_test(kusto_v1_tables),
	    cmocka_unit_test(api_json_errors),
	    cmocka_unit_test(defender_response),
	    cmocka_unit_test(other_object_is_one_row),
	    cmocka_unit_test(scalars_and_mixed_arrays),
	    cmocka_unit_test(empty_file_and_bom),
	    cmocka_unit_test(lines_basic),
	    cmocka_unit_test(lines_errors),
	    cmocka_unit_test(key_prediction),
	    cmocka_unit_test(escapes),
	    cmocka_unit_test(escapes_random_roundtrip),
	    cmocka_unit_test(rows_or_values_random),
	    cmocka_unit_test(big_numbers),
	    cmocka_unit_test(nul_bytes),
	    cmocka_unit_test(error_messages),
	    cmocka_unit_test(truncated_everywhere),
	    cmocka_unit_test(deep_nesting),
	    cmocka_unit_test(out_of_memory_from_loader),
	    cmocka_unit_test(pretty_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
