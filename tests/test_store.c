/* test_store.c -- columns of every type (nulls, empty strings, unicode,
 * extremes), dynamic values in their binary form, the builder's
 * conversions and inference, and appending tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "builder.h"
#include "column.h"
#include "dyn.h"
#include "table.h"
#include "types.h"

static void columns_of_every_type(void **state)
{
	(void)state;
	column c;
	assert_int_equal(col_init(&c, "x", 1, KQLITE_TYPE_LONG), 0);
	for (int64_t i = 0; i < 1000; i++)
		assert_int_equal(col_push_long(&c, i), 0);
	assert_null(c.valid); /* no nulls: no bitmap */
	assert_int_equal(col_push_long(&c, INT64_MIN), 0);
	assert_int_equal(col_push_null(&c), 0);
	assert_non_null(c.valid);
	assert_int_equal(col_push_long(&c, INT64_MAX), 0);
	assert_int_equal(c.n, 1003);
	assert_int_equal(c.nulls, 1);
	assert_false(col_is_null(&c, 999));
	assert_true(col_is_null(&c, 1001));
	assert_true(c.v.i64[1000] == INT64_MIN && c.v.i64[1002] == INT64_MAX);
	col_truncate(&c, 1001);
	assert_int_equal(c.nulls, 0);
	col_free(&c);

	assert_int_equal(col_init(&c, "s", 1, KQLITE_TYPE_STRING), 0);
	assert_int_equal(col_push_bytes(&c, "", 0), 0);
	assert_int_equal(col_push_bytes(&c, "h\xc3\xa9llo \xf0\x9f\x99\x82", 11), 0);
	assert_int_equal(col_push_null(&c), 0);
	assert_int_equal(col_push_bytes(&c, "a\0b", 3), 0);
	size_t len;
	const char *s = col_bytes(&c, 0, &len);
	assert_int_equal(len, 0);
	assert_false(col_is_null(&c, 0)); /* "" is a value */
	s = col_bytes(&c, 1, &len);
	assert_int_equal(len, 11);
	assert_memory_equal(s, "h\xc3\xa9llo \xf0\x9f\x99\x82", 11);
	assert_true(col_is_null(&c, 2));
	s = col_bytes(&c, 3, &len);
	assert_memory_equal(s, "a\0b", 3);
	col_free(&c);

	/* only empty strings: there is no heap at all, and reading is fine */
	assert_int_equal(col_init(&c, "e", 1, KQLITE_TYPE_STRING), 0);
	assert_int_equal(col_push_bytes(&c, "", 0), 0);
	assert_null(c.heap);
	s = col_bytes(&c, 0, &len);
	assert_int_equal(len, 0);
	assert_non_null(s);
	col_free(&c);

	assert_int_equal(col_init(&c, "r", 1, KQLITE_TYPE_REAL), 0);
	assert_int_equal(col_push_real(&c, NAN), 0);
	assert_int_equal(col_push_real(&c, -INFINITY), 0);
	assert_int_equal(col_push_null(&c), 0);
	assert_true(isnan(c.v.f64[0]) && isinf(c.v.f64[1]));
	col_free(&c);

	uint8_t g[16];
	assert_true(guid_parse("7b2c1e3a-0000-4000-8000-0123456789ab", 36, g));
	assert_int_equal(col_init(&c, "g", 1, KQLITE_TYPE_GUID), 0);
	assert_int_equal(col_push_null(&c), 0);
	assert_int_equal(col_push_guid(&c, g), 0);
	assert_memory_equal(c.v.guid + 16, g, 16);
	col_free(&c);

	assert_int_equal(col_init(&c, "b", 1, KQLITE_TYPE_BOOL), 0);
	assert_int_equal(col_push_bool(&c, true), 0);
	assert_int_equal(col_push_null(&c), 0);
	assert_int_equal(col_push_int(&c, 0) == 0, 1); /* same width: no crash */
	col_free(&c);
}

static char *json_round(const char *text)
{
	strbuf b, out;
	sb_init(&b);
	sb_init(&out);
	size_t bad;
	if (!dyn_from_json(text, strlen(text), &b, &bad)) {
		sb_free(&b);
		return NULL;
	}
	assert_int_equal(dyn_size((const uint8_t *)b.s, b.len), b.len);
	dyn_to_json((const uint8_t *)b.s, b.len, &out);
	sb_free(&b);
	return sb_take(&out);
}

static void dynamic_values(void **state)
{
	(void)state;
	static const char *const same[] = {
		"null", "true", "false", "0", "-9223372036854775808", "9223372036854775807", "1.5",
		"\"\"", "\"h\\u00e9 \\\"q\\\"\"", "[]", "{}", "[1,[2,[3]],{\"a\":null}]",
		"{\"k\":\"v\",\"n\":{\"x\":[true,false]}}", "1e+300",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
		char *got = json_round(same[i]);
		assert_non_null(got);
		if (i == 8)
			assert_string_equal(got, "\"h\xc3\xa9 \\\"q\\\"\"");
		else
			assert_string_equal(got, same[i]);
		free(got);
	}
	char *got = json_round(" [ 1 , \"\\ud83d\\ude00\" , \"\\ud800\" ] ");
	assert_string_equal(got, "[1,\"\xf0\x9f\x98\x80\",\"\xef\xbf\xbd\"]");
	free(got);
	got = json_round("9223372036854775808"); /* past long: a real, written shortest */
	assert_string_equal(got, "9.223372036854776e+18");
	free(got);
	static const char *const bad[] = {"", "[", "[1,]", "{\"a\"}", "tru", "01", "\"\\q\"", "1 2",
	                                  "\"a\x01\"", "{\"a\":1,}", "-", "1.", ".5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_null(json_round(bad[i]));
	/* deep nesting is refused, not a stack overflow */
	char deep[2000];
	memset(deep, '[', 1000);
	memset(deep + 1000, ']', 1000);
	strbuf b;
	sb_init(&b);
	assert_false(dyn_from_json(deep, sizeof(deep), &b, NULL));
	sb_free(&b);
}

static void parse(strbuf *b, const char *text)
{
	sb_init(b);
	assert_true(dyn_from_json(text, strlen(text), b, NULL));
}

static void dynamic_reading(void **state)
{
	(void)state;
	strbuf b;
	const uint8_t *v, *x;
	size_t vl, xl, n;
	int64_t l;
	double d;
	const char *s;

	assert_int_equal(dyn_tag(NULL, 0), DYN_NULL);
	assert_int_equal(dyn_count(NULL, 0), 0);
	assert_false(dyn_get_long(NULL, 0, &l));
	assert_false(dyn_member(NULL, 0, "a", 1, &x, &xl));
	assert_false(dyn_index(NULL, 0, 0, &x, &xl));

	parse(&b, "-42");
	v = (const uint8_t *)b.s, vl = b.len;
	assert_int_equal(dyn_tag(v, vl), DYN_LONG);
	assert_true(dyn_get_long(v, vl, &l));
	assert_int_equal(l, -42);
	assert_false(dyn_get_real(v, vl, &d)); /* no conversion between tags */
	assert_false(dyn_get_long(v, vl - 1, &l)); /* cut short */
	assert_int_equal(dyn_count(v, vl), 0);
	sb_free(&b);

	parse(&b, "2.5");
	assert_int_equal(dyn_tag((const uint8_t *)b.s, b.len), DYN_REAL);
	assert_true(dyn_get_real((const uint8_t *)b.s, b.len, &d));
	assert_true(d == 2.5);
	sb_free(&b);

	parse(&b, "\"h\\u00e9\"");
	assert_true(dyn_get_string((const uint8_t *)b.s, b.len, &s, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(s, "h\xc3\xa9", 3);
	assert_false(dyn_get_string((const uint8_t *)b.s, 2, &s, &n)); /* cut short */
	sb_free(&b);

	parse(&b, "true");
	assert_int_equal(dyn_tag((const uint8_t *)b.s, b.len), DYN_TRUE);
	sb_free(&b);
	parse(&b, "null");
	assert_int_equal(dyn_tag((const uint8_t *)b.s, b.len), DYN_NULL);
	sb_free(&b);

	parse(&b, "[10,\"x\",[1,2],{\"a\":1},null]");
	v = (const uint8_t *)b.s, vl = b.len;
	assert_int_equal(dyn_tag(v, vl), DYN_ARRAY);
	assert_int_equal(dyn_count(v, vl), 5);
	assert_true(dyn_index(v, vl, 0, &x, &xl));
	assert_true(dyn_get_long(x, xl, &l) && l == 10);
	assert_true(dyn_index(v, vl, 2, &x, &xl));
	assert_int_equal(dyn_count(x, xl), 2);
	assert_int_equal(xl, 9 + 18);
	assert_true(dyn_index(v, vl, -1, &x, &xl));
	assert_int_equal(dyn_tag(x, xl), DYN_NULL);
	assert_int_equal(xl, 1);
	assert_true(dyn_index(v, vl, -5, &x, &xl));
	assert_true(dyn_get_long(x, xl, &l) && l == 10);
	assert_false(dyn_index(v, vl, 5, &x, &xl));
	assert_false(dyn_index(v, vl, -6, &x, &xl));
	assert_false(dyn_index(v, vl, INT64_MIN, &x, &xl));
	assert_false(dyn_member(v, vl, "a", 1, &x, &xl)); /* an array has no members */
	dyn_iter it;
	const char *k;
	size_t kl;
	assert_true(dyn_iter_init(&it, v, vl));
	int seen = 0;
	while (dyn_iter_next(&it, &k, &kl, &x, &xl)) {
		assert_null(k);
		assert_int_equal(dyn_size(x, xl), xl);
		seen++;
	}
	assert_int_equal(seen, 5);
	assert_false(dyn_iter_next(&it, &k, &kl, &x, &xl));
	/* a truncated array: iteration stops inside the bytes there are */
	assert_true(dyn_iter_init(&it, v, 14));
	seen = 0;
	while (dyn_iter_next(&it, NULL, NULL, &x, &xl))
		seen++;
	assert_int_equal(seen, 0);
	assert_true(dyn_iter_init(&it, v, 18));
	seen = 0;
	while (dyn_iter_next(&it, NULL, NULL, &x, &xl))
		seen++;
	assert_int_equal(seen, 1);
	sb_free(&b);

	parse(&b, "{\"a\":1,\"\":\"e\",\"b\":{\"c\":[true]},\"a\":2}");
	v = (const uint8_t *)b.s, vl = b.len;
	assert_int_equal(dyn_tag(v, vl), DYN_OBJECT);
	assert_int_equal(dyn_count(v, vl), 4);
	assert_true(dyn_member(v, vl, "a", 1, &x, &xl));
	assert_true(dyn_get_long(x, xl, &l) && l == 2); /* the last duplicate */
	assert_true(dyn_member(v, vl, "", 0, &x, &xl));
	assert_true(dyn_get_string(x, xl, &s, &n) && n == 1 && *s == 'e');
	assert_true(dyn_member(v, vl, "b", 1, &x, &xl));
	assert_true(dyn_member(x, xl, "c", 1, &x, &xl));
	assert_true(dyn_index(x, xl, 0, &x, &xl));
	assert_int_equal(dyn_tag(x, xl), DYN_TRUE);
	assert_false(dyn_member(v, vl, "A", 1, &x, &xl)); /* exact case */
	assert_false(dyn_member(v, vl, "ab", 2, &x, &xl));
	assert_false(dyn_index(v, vl, 0, &x, &xl)); /* an object has no index */
	assert_true(dyn_iter_init(&it, v, vl));
	assert_true(dyn_iter_next(&it, &k, &kl, &x, &xl));
	assert_int_equal(kl, 1);
	assert_memory_equal(k, "a", 1);
	assert_true(dyn_iter_next(&it, &k, &kl, &x, &xl));
	assert_int_equal(kl, 0);
	sb_free(&b);

	parse(&b, "3");
	assert_false(dyn_iter_init(&it, (const uint8_t *)b.s, b.len));
	sb_free(&b);
	uint8_t junk[] = {0x09, 1, 2};
	assert_int_equal(dyn_tag(junk, sizeof(junk)), DYN_NULL);
}

static char *built_json(strbuf *b)
{
	strbuf out;
	sb_init(&out);
	assert_int_equal(dyn_size((const uint8_t *)b->s, b->len), b->len);
	dyn_to_json((const uint8_t *)b->s, b->len, &out);
	return sb_take(&out);
}

static void dynamic_building(void **state)
{
	(void)state;
	strbuf b;
	dyn_builder db;
	sb_init(&b);
	dynb_init(&db, &b);
	dynb_begin_object(&db);
	dynb_key(&db, "n", 1);
	dynb_long(&db, INT64_MIN);
	dynb_key(&db, "r", 1);
	dynb_real(&db, 0.25);
	dynb_key(&db, "s", 1);
	dynb_string(&db, "a\"b", 3);
	dynb_key(&db, "arr", 3);
	dynb_begin_array(&db);
	dynb_bool(&db, true);
	dynb_bool(&db, false);
	dynb_null(&db);
	dynb_begin_array(&db);
	dynb_end(&db);
	dynb_raw(&db, NULL, 0); /* len 0: null */
	dynb_raw(&db, (const uint8_t *)"\x03\x07\0\0\0\0\0\0\0", 9);
	dynb_end(&db);
	dynb_key(&db, "o", 1);
	dynb_begin_object(&db);
	dynb_end(&db);
	dynb_end(&db);
	assert_false(db.failed);
	assert_int_equal(db.depth, 0);
	char *j = built_json(&b);
	assert_string_equal(j, "{\"n\":-9223372036854775808,\"r\":0.25,\"s\":\"a\\\"b\","
	                       "\"arr\":[true,false,null,[],null,7],\"o\":{}}");
	free(j);
	const uint8_t *x;
	size_t xl;
	assert_int_equal(dyn_count((const uint8_t *)b.s, b.len), 5);
	assert_true(dyn_member((const uint8_t *)b.s, b.len, "arr", 3, &x, &xl));
	assert_int_equal(dyn_count(x, xl), 6);
	sb_free(&b);

	/* a scalar at top level */
	sb_init(&b);
	dynb_init(&db, &b);
	dynb_real(&db, -1.5);
	j = built_json(&b);
	assert_string_equal(j, "-1.5");
	free(j);
	sb_free(&b);

	/* too deep: the innermost containers become null, the rest stays valid */
	sb_init(&b);
	dynb_init(&db, &b);
	for (int i = 0; i < DYN_BUILD_DEPTH + 3; i++)
		dynb_begin_array(&db);
	dynb_long(&db, 1);
	for (int i = 0; i < DYN_BUILD_DEPTH + 3; i++)
		dynb_end(&db);
	assert_true(db.failed);
	assert_int_equal(db.depth, 0);
	assert_int_equal(dyn_size((const uint8_t *)b.s, b.len), b.len);
	const uint8_t *p = (const uint8_t *)b.s;
	size_t pl = b.len;
	for (int i = 0; i < DYN_BUILD_DEPTH; i++) {
		assert_int_equal(dyn_count(p, pl), 1);
		assert_true(dyn_index(p, pl, 0, &p, &pl));
	}
	assert_int_equal(pl, 1);
	assert_int_equal(dyn_tag(p, pl), DYN_NULL);
	sb_free(&b);

	/* misuse is flagged, not a crash: an end too many, a key outside an object */
	sb_init(&b);
	dynb_init(&db, &b);
	dynb_end(&db);
	assert_true(db.failed);
	dynb_init(&db, &b);
	dynb_begin_array(&db);
	dynb_key(&db, "k", 1);
	assert_true(db.failed);
	dynb_end(&db);
	j = built_json(&b);
	assert_string_equal(j, "[]");
	free(j);
	sb_free(&b);
}

static table *build(const char *name, const table_def *schema, const char *rows[][3], size_t n)
{
	tbuilder *b = tb_new(name, strlen(name), schema);
	assert_non_null(b);
	for (size_t r = 0; r < n; r++) {
		assert_int_equal(tb_row_begin(b), 0);
		{
			const char *key = rows[r][0], *kind = rows[r][1], *val = rows[r][2];
			int c = tb_column(b, key, strlen(key));
			vkind vk = kind[0] == 'n' ? V_NUMBER : kind[0] == 's' ? V_STRING : kind[0] == 'j' ? V_JSON
			         : kind[0] == 't' ? V_TRUE : kind[0] == 'f' ? V_FALSE : kind[0] == 'x' ? V_TEXT : V_NULL;
			assert_int_equal(tb_value(b, c, vk, val, strlen(val)), 0);
		}
		assert_int_equal(tb_row_end(b), 0);
	}
	assert_int_equal(tb_finish(b), 0);
	table *t = tb_take(b);
	tb_free(b);
	return t;
}

static void builder_converts_and_infers(void **state)
{
	(void)state;
	/* one value a row keeps the table simple: other columns are null */
	const char *rows[][3] = {
		{"n", "n", "42"}, {"n", "n", "-9223372036854775808"}, {"r", "n", "1.5"}, {"r", "n", "2"},
		{"s", "s", "x"}, {"d", "s", "2021-11-09T10:00:00.1234567Z"}, {"d", "s", "2021-11-10"},
		{"j", "j", "{\"a\":[1,2]}"}, {"b", "t", ""}, {"b", "f", ""}, {"m", "n", "1"}, {"m", "s", "one"},
	};
	table *t = build("Custom", NULL, rows, sizeof(rows) / sizeof(rows[0]));
	assert_non_null(t);
	assert_int_equal(t->nrows, 12);
	const char *names[] = {"n", "r", "s", "d", "j", "b", "m"};
	const kqlite_type types[] = {KQLITE_TYPE_LONG, KQLITE_TYPE_REAL, KQLITE_TYPE_STRING, KQLITE_TYPE_DATETIME,
	                             KQLITE_TYPE_DYNAMIC, KQLITE_TYPE_BOOL, KQLITE_TYPE_DYNAMIC};
	assert_int_equal(t->ncols, 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(t->cols[i].name, names[i]);
		assert_int_equal(t->cols[i].type, types[i]);
		assert_int_equal(t->cols[i].n, 12);
	}
	assert_true(t->cols[0].v.i64[1] == INT64_MIN);
	assert_true(col_is_null(&t->cols[0], 2));
	assert_true(t->cols[1].v.f64[3] == 2.0);
	int64_t ticks;
	assert_true(datetime_parse("2021-11-09T10:00:00.1234567Z", 28, &ticks));
	assert_true(t->cols[3].v.i64[5] == ticks);
	size_t len;
	col_bytes(&t->cols[2], 0, &len);
	assert_int_equal(len, 0); /* a string's null is "" */
	table_free(t);
}

static void builder_uses_the_schema(void **state)
{
	(void)state;
	const table_def *schema = catalog_builtin_find("DeviceEvents");
	assert_non_null(schema);
	const char *rows[][3] = {
		{"Timestamp", "s", "2025-11-01T00:00:00Z"},
		{"Timestamp", "s", "not a date"},
		{"Timestamp", "s", ""},
		{"Extra", "n", "7"},
	};
	table *t = build("DeviceEvents", schema, rows, 4);
	long ts = table_find_column(t, "Timestamp", 9), tg = table_find_column(t, "TimeGenerated", 13);
	long ty = table_find_column(t, "Type", 4), ex = table_find_column(t, "Extra", 5);
	assert_true(ts >= 0 && tg >= 0 && ty >= 0);
	assert_int_equal(ex, (long)schema->ncols); /* unknown columns come after the schema's */
	assert_int_equal(t->cols[ts].failed, 1);  /* "not a date" became null and was counted */
	assert_true(col_is_null(&t->cols[ts], 1) && col_is_null(&t->cols[ts], 2));
	/* TimeGenerated was absent: filled from Timestamp; Type from the name */
	assert_true(t->cols[tg].v.i64[0] == t->cols[ts].v.i64[0]);
	size_t len;
	const char *s = col_bytes(&t->cols[ty], 3, &len);
	assert_int_equal(len, 12);
	assert_memory_equal(s, "DeviceEvents", 12);
	table_free(t);
}

/* A key that cannot name a column keeps one ColumnN however often it comes. */
static void bad_keys_keep_their_column(void **state)
{
	(void)state;
	tbuilder *b = tb_new("T", 1, NULL);
	assert_non_null(b);
	for (int r = 0; r < 3; r++) {
		assert_int_equal(tb_row_begin(b), 0);
		if (r == 1)
			assert_int_equal(tb_value(b, tb_column(b, "a", 1), V_NUMBER, "1", 1), 0);
		int c = tb_column(b, "", 0);
		assert_true(c >= 0);
		assert_int_equal(tb_value(b, c, V_NUMBER, "2", 1), 0);
		assert_int_equal(tb_value(b, tb_column(b, "x\0y", 3), V_NUMBER, "3", 1), 0);
		assert_int_equal(tb_row_end(b), 0);
	}
	assert_int_equal(tb_column_count(b), 3); /* Column1, Column2, a */
	tb_column_report r;
	tb_report(b, 0, &r);
	assert_string_equal(r.name, "Column1");
	assert_true(r.renamed);
	tb_report(b, 1, &r);
	assert_string_equal(r.name, "Column2");
	tb_free(b);
}

static void tables_append(void **state)
{
	(void)state;
	const char *a_rows[][3] = {{"x", "n", "1"}, {"x", "n", "2"}};
	const char *b_rows[][3] = {{"y", "s", "q"}};
	const char *c_rows[][3] = {{"x", "s", "not a number"}};
	table *a = build("T", NULL, a_rows, 2), *b = build("T", NULL, b_rows, 1), *c = build("T", NULL, c_rows, 1);
	const char *clash;
	table *ab = table_concat(a, b, &clash);
	assert_non_null(ab);
	assert_int_equal(ab->nrows, 3);
	assert_int_equal(ab->ncols, 2);
	assert_true(col_is_null(&ab->cols[0], 2));
	assert_null(table_concat(a, c, &clash));
	assert_string_equal(clash, "x");
	table_free(a);
	table_free(b);
	table_free(c);
	table_free(ab);
}


/* A finished string column with few distinct values becomes a dictionary:
 * every row reads back the same, nulls stay null, memory shrinks, and
 * appending afterwards still works. A column of many values stays plain. */
static void dictionary_columns(void **state)
{
	(void)state;
	column c;
	assert_int_equal(col_init(&c, "Product", 7, KQLITE_TYPE_STRING), 0);
	static const char *const names[] = {"Defender for IoT", "", "Azure Security Center", "é unicode"};
	for (size_t i = 0; i < 1000; i++) {
		if (i % 7 == 3)
			assert_int_equal(col_push_null(&c), 0);
		else
			assert_int_equal(col_push_bytes(&c, names[i % 4], strlen(names[i % 4])), 0);
	}
	size_t before = col_memory(&c);
	assert_int_equal(col_finish(&c), 0);
	assert_int_equal(c.dict_width, 1);
	assert_true(c.ndict <= 4);
	assert_true(col_memory(&c) < before / 4);
	for (size_t i = 0; i < 1000; i++) {
		size_t len;
		const char *p = col_bytes(&c, i, &len);
		if (i % 7 == 3) {
			assert_true(col_is_null(&c, i));
			assert_int_equal(len, 0);
		} else {
			assert_false(col_is_null(&c, i));
			assert_int_equal(len, strlen(names[i % 4]));
			assert_memory_equal(p, names[i % 4], len);
		}
	}
	/* back to the plain form on append */
	assert_int_equal(col_push_bytes(&c, "new", 3), 0);
	assert_int_equal(c.dict_width, 0);
	size_t len;
	const char *p = col_bytes(&c, 1000, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "new", 3);
	p = col_bytes(&c, 2, &len);
	assert_memory_equal(p, names[2], len);
	col_truncate(&c, 500);
	assert_int_equal(c.n, 500);
	col_free(&c);

	/* many distinct values: stays plain */
	assert_int_equal(col_init(&c, "Id", 2, KQLITE_TYPE_STRING), 0);
	for (size_t i = 0; i < 1000; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "id-%zu", i);
		assert_int_equal(col_push_bytes(&c, buf, (size_t)n), 0);
	}
	assert_int_equal(col_finish(&c), 0);
	assert_int_equal(c.dict_width, 0);
	p = col_bytes(&c, 999, &len);
	assert_memory_equal(p, "id-999", 6);
	col_free(&c);

	/* 300 distinct values over 5000 rows: two-byte codes */
	assert_int_equal(col_init(&c, "Host", 4, KQLITE_TYPE_STRING), 0);
	for (size_t i = 0; i < 5000; i++) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "host-%zu", (i * 7) % 300);
		assert_int_equal(col_push_bytes(&c, buf, (size_t)n), 0);
	}
	assert_int_equal(col_finish(&c), 0);
	assert_int_equal(c.dict_width, 2);
	assert_int_equal(c.ndict, 300);
	for (size_t i = 0; i < 5000; i += 97) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "host-%zu", (i * 7) % 300);
		p = col_bytes(&c, i, &len);
		assert_int_equal(len, (size_t)n);
		assert_memory_equal(p, buf, len);
	}
	col_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(columns_of_every_type),
		cmocka_unit_test(dynamic_values),
		cmocka_unit_test(dynamic_reading),
		cmocka_unit_test(dynamic_building),
		cmocka_unit_test(builder_converts_and_infers),
		cmocka_unit_test(builder_uses_the_schema),
		cmocka_unit_test(bad_keys_keep_their_column),
		cmocka_unit_test(tables_append),
		cmocka_unit_test(dictionary_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
