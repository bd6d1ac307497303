/* test_write.c -- tables built through the public API, written in every
 * output format (exact text), and loaded back: exactly for api-json and for
 * built-in schemas, with types re-inferred for untyped formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kqlite.h"

#define SEC INT64_C(10000000)
#define DAY (INT64_C(86400) * SEC)
#define DT_2021 INT64_C(637720488000000000)        /* 2021-11-09T10:00:00Z */
#define DT_MAX INT64_C(3155378975999999999)        /* 9999-12-31T23:59:59.9999999Z */

/* ---- Values ---------------------------------------------------------------- */

static kqlite_value v_null(void)
{
	kqlite_value v;
	memset(&v, 0, sizeof(v));
	v.type = KQLITE_TYPE_NULL;
	return v;
}

static kqlite_value v_bool(int b)
{
	kqlite_value v = v_null();
	v.type = KQLITE_TYPE_BOOL;
	v.v.b = b;
	return v;
}

static kqlite_value v_int(int32_t i)
{
	kqlite_value v = v_null();
	v.type = KQLITE_TYPE_INT;
	v.v.i = i;
	return v;
}

static kqlite_value v_ticks(kqlite_type type, int64_t l)
{
	kqlite_value v = v_null();
	v.type = type;
	v.v.l = l;
	return v;
}

static kqlite_value v_long(int64_t l)
{
	return v_ticks(KQLITE_TYPE_LONG, l);
}

static kqlite_value v_dt(int64_t l)
{
	return v_ticks(KQLITE_TYPE_DATETIME, l);
}

static kqlite_value v_ts(int64_t l)
{
	return v_ticks(KQLITE_TYPE_TIMESPAN, l);
}

static kqlite_value v_real(double r)
{
	kqlite_value v = v_null();
	v.type = KQLITE_TYPE_REAL;
	v.v.r = r;
	return v;
}

static kqlite_value v_text(kqlite_type type, const char *s)
{
	kqlite_value v = v_null();
	v.type = type;
	v.v.s.ptr = s;
	v.v.s.len = strlen(s);
	return v;
}

static kqlite_value v_str(const char *s)
{
	return v_text(KQLITE_TYPE_STRING, s);
}

static kqlite_value v_dyn(const char *json)
{
	return v_text(KQLITE_TYPE_DYNAMIC, json);
}

/* 32 hex digits, in text order. */
static kqlite_value v_guid(const char *hex)
{
	kqlite_value v = v_null();
	v.type = KQLITE_TYPE_GUID;
	for (int i = 0; i < 16; i++) {
		unsigned b;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		v.v.guid[i] = (unsigned char)b;
	}
	return v;
}

static void assert_same_value(const kqlite_value *a, const kqlite_value *b, const char *what)
{
	if (a->type != b->type)
		fail_msg("%s: type %s, expected %s", what, kqlite_type_name(a->type), kqlite_type_name(b->type));
	switch (a->type) {
	case KQLITE_TYPE_NULL: break;
	case KQLITE_TYPE_BOOL: assert_int_equal(a->v.b, b->v.b); break;
	case KQLITE_TYPE_INT: assert_int_equal(a->v.i, b->v.i); break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		/* bit for bit: -0 keeps its sign; NaN is NaN */
		if (!(isnan(a->v.r) && isnan(b->v.r)) && memcmp(&a->v.r, &b->v.r, sizeof(double)) != 0)
			fail_msg("%s: %.17g, expected %.17g", what, a->v.r, b->v.r);
		break;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC:
		if (a->v.s.len != b->v.s.len || memcmp(a->v.s.ptr, b->v.s.ptr, a->v.s.len) != 0)
			fail_msg("%s: '%.*s', expected '%.*s'", what, (int)a->v.s.len, a->v.s.ptr,
			         (int)b->v.s.len, b->v.s.ptr);
		break;
	case KQLITE_TYPE_GUID: assert_memory_equal(a->v.guid, b->v.guid, 16); break;
	default:
		if (a->v.l != b->v.l)
			fail_msg("%s: %lld, expected %lld", what, (long long)a->v.l, (long long)b->v.l);
	}
}

/* ---- Tables ---------------------------------------------------------------- */

typedef struct col_spec {
	const char *name;
	kqlite_type type;
} col_spec;

static size_t create(kqlite_db *db, const char *name, const col_spec *cols, size_t n)
{
	const char *names[32];
	kqlite_type types[32];
	assert_true(n <= 32);
	for (size_t i = 0; i < n; i++) {
		names[i] = cols[i].name;
		types[i] = cols[i].type;
	}
	size_t t;
	int rc = kqlite_table_create(db, name, n, names, types, &t);
	if (rc != KQLITE_OK)
		fail_msg("create %s: %s", name, kqlite_errmsg(db));
	return t;
}

static void append(kqlite_db *db, size_t t, const kqlite_value *row, size_t n)
{
	int rc = kqlite_table_append_row(db, t, row, n);
	if (rc != KQLITE_OK)
		fail_msg("append: %s", kqlite_errmsg(db));
}

static char *write_as(kqlite_db *db, size_t t, const char *format)
{
	char *out = NULL;
	size_t len = 0;
	int rc = kqlite_table_write(db, t, format, &out, &len);
	if (rc != KQLITE_OK)
		fail_msg("write %s: %s", format, kqlite_errmsg(db));
	assert_non_null(out);
	assert_int_equal(strlen(out), len);
	return out;
}

static void assert_writes(kqlite_db *db, size_t t, const char *format, const char *expected)
{
	char *out = write_as(db, t, format);
	if (strcmp(out, expected) != 0)
		fail_msg("%s output:\n%s\nexpected:\n%s", format, out, expected);
	kqlite_free(out);
}

/* The value of column `name` of table t, row r. */
static kqlite_value value_of(kqlite_db *db, size_t t, const char *name, size_t r)
{
	for (size_t c = 0; c < kqlite_table_column_count(db, t); c++) {
		const char *cn;
		assert_int_equal(kqlite_table_column(db, t, c, &cn, NULL), KQLITE_OK);
		if (strcmp(cn, name) != 0)
			continue;
		kqlite_value v;
		int rc = kqlite_table_value(db, t, c, r, &v);
		if (rc != KQLITE_OK)
			fail_msg("value %s[%zu]: %s", name, r, kqlite_errmsg(db));
		return v;
	}
	fail_msg("no column %s", name);
	return v_null();
}

static kqlite_type type_of(kqlite_db *db, size_t t, const char *name)
{
	for (size_t c = 0; c < kqlite_table_column_count(db, t); c++) {
		const char *cn;
		kqlite_type type;
		assert_int_equal(kqlite_table_column(db, t, c, &cn, &type), KQLITE_OK);
		if (!strcmp(cn, name))
			return type;
	}
	fail_msg("no column %s", name);
	return KQLITE_TYPE_NULL;
}

/* Every value of the named columns of (a, ta) equals (b, tb)'s. Dynamic
 * values compare as JSON text, which is only valid until the next call on
 * their db: copy one before reading the other. */
static void assert_same_columns(kqlite_db *a, size_t ta, kqlite_db *b, size_t tb, const col_spec *cols,
                                size_t n, const char *what)
{
	assert_int_equal(kqlite_table_row_count(a, ta), kqlite_table_row_count(b, tb));
	for (size_t c = 0; c < n; c++) {
		if (type_of(a, ta, cols[c].name) != type_of(b, tb, cols[c].name))
			fail_msg("%s: column %s is %s, expected %s", what, cols[c].name,
			         kqlite_type_name(type_of(a, ta, cols[c].name)),
			         kqlite_type_name(type_of(b, tb, cols[c].name)));
		for (size_t r = 0; r < kqlite_table_row_count(b, tb); r++) {
			kqlite_value want = value_of(b, tb, cols[c].name, r);
			char *copy = NULL;
			if (want.type == KQLITE_TYPE_DYNAMIC) {
				copy = malloc(want.v.s.len + 1);
				memcpy(copy, want.v.s.ptr, want.v.s.len);
				want.v.s.ptr = copy;
			}
			kqlite_value got = value_of(a, ta, cols[c].name, r);
			char label[128];
			snprintf(label, sizeof(label), "%s: %s row %zu", what, cols[c].name, r);
			assert_same_value(&got, &want, label);
			free(copy);
		}
	}
}

/* ---- Files ----------------------------------------------------------------- */

typedef struct tmpdir {
	char path[64];
	char files[8][128];
	int n;
} tmpdir;

static void tmp_open(tmpdir *d)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->path, "/tmp/kqlite_write_XXXXXX");
	assert_non_null(mkdtemp(d->path));
}

static const char *tmp_write(tmpdir *d, const char *name, const char *text)
{
	assert_true(d->n < 8);
	char *p = d->files[d->n++], path[sizeof(d->files[0])];
	snprintf(path, sizeof(path), "%s/%s", d->path, name);
	strcpy(p, path);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return p;
}

static void tmp_close(tmpdir *d)
{
	for (int i = 0; i < d->n; i++)
		unlink(d->files[i]);
	rmdir(d->path);
}

/* Writes table t of db in format to a file, loads it as NAME into a fresh
 * db; returns that db and the table's index in *out. */
static kqlite_db *reload(kqlite_db *db, size_t t, const char *format, const char *name, size_t *out)
{
	const char *ext = !strcmp(format, "csv") ? "csv" : !strcmp(format, "ndjson") ? "ndjson" : "json";
	char file[64], arg[256];
	snprintf(file, sizeof(file), "%s.%s", format, ext);
	tmpdir d;
	tmp_open(&d);
	char *text = write_as(db, t, format);
	const char *path = tmp_write(&d, file, text);
	kqlite_free(text);
	kqlite_db *db2;
	assert_int_equal(kqlite_open(&db2), KQLITE_OK);
	snprintf(arg, sizeof(arg), "%s=%s", name, path);
	int rc = kqlite_load(db2, arg, NULL);
	tmp_close(&d);
	if (rc != KQLITE_OK)
		fail_msg("load %s: %s", format, kqlite_errmsg(db2));
	assert_int_equal(kqlite_table_find(db2, name, out), KQLITE_OK);
	return db2;
}

/* ---- Encodings: one value in a one-column table ------------------------------ */

static char *one(kqlite_type type, kqlite_value v, const char *format)
{
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	col_spec c = {"c", type};
	size_t t = create(db, "T", &c, 1);
	append(db, t, &v, 1);
	char *out = write_as(db, t, format);
	kqlite_close(db);
	return out;
}

/* The value as a CSV field and as a JSON value (in ndjson). */
static void check_one(kqlite_type type, kqlite_value v, const char *csv, const char *json)
{
	char want[512];
	char *out = one(type, v, "csv");
	snprintf(want, sizeof(want), "c\n%s\n", csv);
	if (strcmp(out, want))
		fail_msg("csv: '%s', expected '%s'", out, want);
	kqlite_free(out);
	out = one(type, v, "ndjson");
	snprintf(want, sizeof(want), "{\"c\":%s}\n", json);
	if (strcmp(out, want))
		fail_msg("ndjson: '%s', expected '%s'", out, want);
	kqlite_free(out);
}

static void encodings_of_scalars(void **state)
{
	(void)state;
	check_one(KQLITE_TYPE_BOOL, v_bool(1), "true", "true");
	check_one(KQLITE_TYPE_BOOL, v_bool(0), "false", "false");
	check_one(KQLITE_TYPE_INT, v_int(INT32_MIN), "-2147483648", "-2147483648");
	check_one(KQLITE_TYPE_INT, v_int(INT32_MAX), "2147483647", "2147483647");
	check_one(KQLITE_TYPE_LONG, v_long(INT64_MIN), "-9223372036854775808", "-9223372036854775808");
	check_one(KQLITE_TYPE_LONG, v_long(INT64_MAX), "9223372036854775807", "9223372036854775807");
	check_one(KQLITE_TYPE_LONG, v_int(-5), "-5", "-5"); /* an int fills a long column */
	/* reals: the shortest of 15, 16, 17 digits that reads back */
	check_one(KQLITE_TYPE_REAL, v_real(0.1), "0.1", "0.1");
	check_one(KQLITE_TYPE_REAL, v_real(1.0 / 3), "0.3333333333333333", "0.3333333333333333");
	check_one(KQLITE_TYPE_REAL, v_real(0.1 + 0.2), "0.30000000000000004", "0.30000000000000004");
	check_one(KQLITE_TYPE_REAL, v_real(1e300), "1e+300", "1e+300");
	/* %.15g already reads back as the smallest denormal */
	check_one(KQLITE_TYPE_REAL, v_real(5e-324), "4.94065645841247e-324", "4.94065645841247e-324");
	check_one(KQLITE_TYPE_REAL, v_real(123456789.123), "123456789.123", "123456789.123");
	check_one(KQLITE_TYPE_REAL, v_real(-0.0), "-0", "-0");
	check_one(KQLITE_TYPE_REAL, v_real(2.0), "2", "2");
	check_one(KQLITE_TYPE_REAL, v_real(NAN), "NaN", "\"NaN\"");
	check_one(KQLITE_TYPE_REAL, v_real(INFINITY), "Infinity", "\"Infinity\"");
	check_one(KQLITE_TYPE_REAL, v_real(-INFINITY), "-Infinity", "\"-Infinity\"");
	check_one(KQLITE_TYPE_REAL, v_int(7), "7", "7");
	check_one(KQLITE_TYPE_REAL, v_long(INT64_C(1) << 53), "9007199254740992", "9007199254740992");
	check_one(KQLITE_TYPE_DECIMAL, v_real(12.5), "12.5", "12.5");
	/* datetimes: trailing fractional zeros dropped, the '.' too when all are */
	check_one(KQLITE_TYPE_DATETIME, v_dt(DT_2021 + 1234567), "2021-11-09T10:00:00.1234567Z",
	          "\"2021-11-09T10:00:00.1234567Z\"");
	check_one(KQLITE_TYPE_DATETIME, v_dt(DT_2021), "2021-11-09T10:00:00Z", "\"2021-11-09T10:00:00Z\"");
	check_one(KQLITE_TYPE_DATETIME, v_dt(DT_2021 + 5000000), "2021-11-09T10:00:00.5Z",
	          "\"2021-11-09T10:00:00.5Z\"");
	check_one(KQLITE_TYPE_DATETIME, v_dt(DT_2021 + 10), "2021-11-09T10:00:00.000001Z",
	          "\"2021-11-09T10:00:00.000001Z\"");
	check_one(KQLITE_TYPE_DATETIME, v_dt(0), "0001-01-01T00:00:00Z", "\"0001-01-01T00:00:00Z\"");
	check_one(KQLITE_TYPE_DATETIME, v_dt(DT_MAX), "9999-12-31T23:59:59.9999999Z",
	          "\"9999-12-31T23:59:59.9999999Z\"");
	/* timespans: [-][d.]hh:mm:ss[.fffffff] */
	check_one(KQLITE_TYPE_TIMESPAN, v_ts(0), "00:00:00", "\"00:00:00\"");
	check_one(KQLITE_TYPE_TIMESPAN, v_ts(DAY + 6 * 3600 * SEC), "1.06:00:00", "\"1.06:00:00\"");
	check_one(KQLITE_TYPE_TIMESPAN, v_ts(-15 * SEC / 10), "-00:00:01.5000000", "\"-00:00:01.5000000\"");
	check_one(KQLITE_TYPE_TIMESPAN, v_ts(-(3 * DAY + (4 * 3600 + 5 * 60 + 6) * SEC + 7)),
	          "-3.04:05:06.0000007", "\"-3.04:05:06.0000007\"");
	check_one(KQLITE_TYPE_TIMESPAN, v_ts(INT64_MIN), "-10675199.02:48:05.4775808",
	          "\"-10675199.02:48:05.4775808\"");
	check_one(KQLITE_TYPE_GUID, v_guid("0123456789ABCDEF0123456789abcdef"),
	          "01234567-89ab-cdef-0123-456789abcdef", "\"01234567-89ab-cdef-0123-456789abcdef\"");
	/* strings: CSV quotes when needed; JSON escapes */
	check_one(KQLITE_TYPE_STRING, v_str("plain"), "plain", "\"plain\"");
	check_one(KQLITE_TYPE_STRING, v_str("a,b"), "\"a,b\"", "\"a,b\"");
	check_one(KQLITE_TYPE_STRING, v_str("say \"hi\""), "\"say \"\"hi\"\"\"", "\"say \\\"hi\\\"\"");
	check_one(KQLITE_TYPE_STRING, v_str("two\r\nlines"), "\"two\r\nlines\"", "\"two\\r\\nlines\"");
	check_one(KQLITE_TYPE_STRING, v_str(" lead"), "\" lead\"", "\" lead\"");
	check_one(KQLITE_TYPE_STRING, v_str("trail\t"), "\"trail\t\"", "\"trail\\t\"");
	check_one(KQLITE_TYPE_STRING, v_str("back\\slash\x01\x1f"), "back\\slash\x01\x1f",
	          "\"back\\\\slash\\u0001\\u001f\"");
	check_one(KQLITE_TYPE_STRING, v_str("é🙂"), "é🙂", "\"é🙂\"");
	check_one(KQLITE_TYPE_STRING, v_str("bad\xff utf8\xc3"), "bad\xff utf8\xc3", "\"bad\\ufffd utf8\\ufffd\"");
	/* an empty field alone on its line is quoted: a blank line is no record */
	check_one(KQLITE_TYPE_STRING, v_str(""), "\"\"", "\"\"");
	check_one(KQLITE_TYPE_STRING, v_null(), "\"\"", "\"\"");
	check_one(KQLITE_TYPE_LONG, v_null(), "\"\"", "null");
	check_one(KQLITE_TYPE_GUID, v_null(), "\"\"", "null");
	/* dynamic: JSON text in CSV, the value itself in JSON */
	check_one(KQLITE_TYPE_DYNAMIC, v_dyn(" {\"a\": [1, 2.5, \"x\", true], \"b\": null} "),
	          "\"{\"\"a\"\":[1,2.5,\"\"x\"\",true],\"\"b\"\":null}\"", "{\"a\":[1,2.5,\"x\",true],\"b\":null}");
	check_one(KQLITE_TYPE_DYNAMIC, v_dyn("\"hi\""), "\"\"\"hi\"\"\"", "\"hi\"");
	check_one(KQLITE_TYPE_DYNAMIC, v_dyn("-7.25"), "-7.25", "-7.25");
	check_one(KQLITE_TYPE_DYNAMIC, v_dyn("[]"), "[]", "[]");
	check_one(KQLITE_TYPE_DYNAMIC, v_dyn("null"), "\"\"", "null"); /* dynamic(null) is null */
}

/* ---- Every format, exactly ---------------------------------------------------- */

static const col_spec small_cols[] = {
	{"s", KQLITE_TYPE_STRING}, {"n", KQLITE_TYPE_LONG}, {"r", KQLITE_TYPE_REAL},
	{"d", KQLITE_TYPE_DATETIME}, {"x", KQLITE_TYPE_DYNAMIC},
};

static size_t small_table(kqlite_db *db)
{
	size_t t = create(db, "Small", small_cols, 5);
	kqlite_value r1[] = {v_str("a|b"), v_long(1), v_real(0.5), v_dt(DT_2021 + 1234567),
	                     v_dyn("{\"k\": [1, \"v\"]}")};
	kqlite_value r2[] = {v_null(), v_null(), v_null(), v_null(), v_null()};
	kqlite_value r3[] = {v_str("é🙂"), v_int(-12), v_real(NAN), v_dt(DT_2021), v_dyn("\"str\"")};
	append(db, t, r1, 5);
	append(db, t, r2, 5);
	append(db, t, r3, 5);
	return t;
}

static void every_format_exactly(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t t = small_table(db);
	assert_writes(db, t, "json",
	              "[\n"
	              "{\"s\":\"a|b\",\"n\":1,\"r\":0.5,\"d\":\"2021-11-09T10:00:00.1234567Z\",\"x\":{\"k\":[1,\"v\"]}},\n"
	              "{\"s\":\"\",\"n\":null,\"r\":null,\"d\":null,\"x\":null},\n"
	              "{\"s\":\"é🙂\",\"n\":-12,\"r\":\"NaN\",\"d\":\"2021-11-09T10:00:00Z\",\"x\":\"str\"}\n"
	              "]\n");
	assert_writes(db, t, "ndjson",
	              "{\"s\":\"a|b\",\"n\":1,\"r\":0.5,\"d\":\"2021-11-09T10:00:00.1234567Z\",\"x\":{\"k\":[1,\"v\"]}}\n"
	              "{\"s\":\"\",\"n\":null,\"r\":null,\"d\":null,\"x\":null}\n"
	              "{\"s\":\"é🙂\",\"n\":-12,\"r\":\"NaN\",\"d\":\"2021-11-09T10:00:00Z\",\"x\":\"str\"}\n");
	assert_writes(db, t, "api-json",
	              "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":["
	              "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"long\"},"
	              "{\"name\":\"r\",\"type\":\"real\"},{\"name\":\"d\",\"type\":\"datetime\"},"
	              "{\"name\":\"x\",\"type\":\"dynamic\"}],\"rows\":[\n"
	              "[\"a|b\",1,0.5,\"2021-11-09T10:00:00.1234567Z\",\"{\\\"k\\\":[1,\\\"v\\\"]}\"],\n"
	              "[\"\",null,null,null,null],\n"
	              "[\"é🙂\",-12,\"NaN\",\"2021-11-09T10:00:00Z\",\"\\\"str\\\"\"]\n"
	              "]}]}\n");
	assert_writes(db, t, "csv",
	              "s,n,r,d,x\n"
	              "a|b,1,0.5,2021-11-09T10:00:00.1234567Z,\"{\"\"k\"\":[1,\"\"v\"\"]}\"\n"
	              ",,,,\n"
	              "é🙂,-12,NaN,2021-11-09T10:00:00Z,\"\"\"str\"\"\"\n");
	assert_writes(db, t, "markdown",
	              "| s | n | r | d | x |\n"
	              "|---|---:|---:|---|---|\n"
	              "| a\\|b | 1 | 0.5 | 2021-11-09T10:00:00.1234567Z | {\"k\":[1,\"v\"]} |\n"
	              "|  |  |  |  |  |\n"
	              "| é🙂 | -12 | NaN | 2021-11-09T10:00:00Z | \"str\" |\n");
	/* the emoji is two columns wide; numbers align right; no trailing spaces */
	assert_writes(db, t, "table",
	              "s          n     r  d                             x\n"
	              "string  long  real  datetime                      dynamic\n"
	              "------  ----  ----  ----------------------------  -------------\n"
	              "a|b        1   0.5  2021-11-09T10:00:00.1234567Z  {\"k\":[1,\"v\"]}\n"
	              "\n" /* all null: padding is never trailing */
	              "é🙂      -12   NaN  2021-11-09T10:00:00Z          \"str\"\n");
	kqlite_close(db);
}

static void empty_and_odd_tables(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	col_spec cols[] = {{"a b", KQLITE_TYPE_STRING}, {"n,1", KQLITE_TYPE_INT}};
	size_t t = create(db, "Empty", cols, 2);
	assert_writes(db, t, "json", "[]\n");
	assert_writes(db, t, "ndjson", "");
	assert_writes(db, t, "csv", "a b,\"n,1\"\n");
	assert_writes(db, t, "api-json",
	              "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[{\"name\":\"a b\",\"type\":\"string\"},"
	              "{\"name\":\"n,1\",\"type\":\"int\"}],\"rows\":[]}]}\n");
	assert_writes(db, t, "markdown", "| a b | n,1 |\n|---|---:|\n");
	assert_writes(db, t, "table", "a b     n,1\nstring  int\n------  ---\n");
	/* control characters stay on one line in display formats */
	kqlite_value row[] = {v_str("x|\ny\t"), v_int(3)};
	append(db, t, row, 2);
	assert_writes(db, t, "markdown", "| a b | n,1 |\n|---|---:|\n| x\\|\\ny\\t | 3 |\n");
	assert_writes(db, t, "table", "a b      n,1\nstring   int\n-------  ---\nx|\\ny\\t    3\n");
	/* a built-in table never loaded writes its schema and no rows */
	size_t ea;
	assert_int_equal(kqlite_table_find(db, "EmailUrlInfo", &ea), KQLITE_OK);
	char *csv = write_as(db, ea, "csv");
	assert_true(strchr(csv, '\n') && strchr(csv, '\n')[1] == '\0');
	assert_non_null(strstr(csv, "Url"));
	kqlite_free(csv);
	kqlite_close(db);
}

/* ---- Round trips ------------------------------------------------------------- */

static const col_spec all_cols[] = {
	{"b", KQLITE_TYPE_BOOL},     {"i", KQLITE_TYPE_INT},      {"l", KQLITE_TYPE_LONG},
	{"r", KQLITE_TYPE_REAL},     {"m", KQLITE_TYPE_DECIMAL},  {"s", KQLITE_TYPE_STRING},
	{"d", KQLITE_TYPE_DATETIME}, {"t", KQLITE_TYPE_TIMESPAN}, {"g", KQLITE_TYPE_GUID},
	{"x", KQLITE_TYPE_DYNAMIC},  {"naïve name", KQLITE_TYPE_STRING},
};
#define NALL (sizeof(all_cols) / sizeof(all_cols[0]))

static size_t all_types_table(kqlite_db *db, const char *name)
{
	size_t t = create(db, name, all_cols, NALL);
	/* reals fill the decimal column m */
	kqlite_value rows[][NALL] = {
		{v_bool(1), v_int(INT32_MIN), v_long(INT64_MIN), v_real(NAN), v_real(0.1), v_str(""), v_dt(0),
		 v_ts(INT64_MIN), v_guid("00000000000000000000000000000000"),
		 v_dyn("{\"a\":{\"b\":[1,2.5,\"x\",true,null]},\"\":\"empty key\"}"), v_str("one")},
		{v_bool(0), v_int(INT32_MAX), v_long(INT64_MAX), v_real(INFINITY), v_real(-1e-300),
		 v_str("é🙂\x01\"\\\n\t"), v_dt(DT_2021 + 1234567), v_ts(-(3 * DAY + 7)),
		 v_guid("ffffffffffffffffffffffffffffffff"), v_dyn("[1,\"two\",3.5,[]]"), v_str(" two ")},
		{v_null(), v_null(), v_null(), v_null(), v_null(), v_null(), v_null(), v_null(), v_null(),
		 v_null(), v_null()},
		{v_bool(1), v_int(0), v_long(0), v_real(-INFINITY), v_real(-0.0), v_str(" lead, trail "),
		 v_dt(DT_MAX), v_ts(INT64_MAX), v_guid("0123456789abcdef0123456789abcdef"),
		 v_dyn("\"plain string\""), v_str("a,b")},
		{v_bool(0), v_int(-1), v_long(INT64_C(9007199254740993)), v_real(0.1 + 0.2), v_real(1e300),
		 v_str("{not json"), v_dt(DT_2021), v_ts(DAY + 6 * 3600 * SEC), v_guid("a0a1a2a3b0b1c0c1d0d1e0e1e2e3e4e5"),
		 v_dyn("42"), v_str("\"quoted\"")},
		{v_bool(1), v_int(1), v_long(-1), v_real(5e-324), v_real(2.5), v_str("[not json"),
		 v_dt(DT_2021 + 5000000), v_ts(0), v_guid("11111111222233334444555555555555"), v_dyn("true"),
		 v_str("")},
		{v_bool(0), v_int(2), v_long(2), v_real(2.0), v_real(-7), v_str("NaN"), v_dt(DT_2021 + 10),
		 v_ts(-15 * SEC / 10), v_guid("99999999888877776666555555555555"), v_dyn("-7.25"), v_str("{}")},
		{v_bool(1), v_int(3), v_long(3), v_real(1.0 / 3), v_real(1e-5), v_str("x"), v_dt(1), v_ts(1),
		 v_guid("12345678123412341234123456789abc"), v_dyn("\"{not json\""), v_str("y")},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		append(db, t, rows[r], NALL);
	return t;
}

static void api_json_round_trip_is_exact(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t t = all_types_table(db, "Everything");
	size_t t2;
	kqlite_db *db2 = reload(db, t, "api-json", "X", &t2);
	assert_int_equal(kqlite_table_column_count(db2, t2), NALL);
	for (size_t c = 0; c < NALL; c++) {
		const char *name;
		kqlite_type type;
		assert_int_equal(kqlite_table_column(db2, t2, c, &name, &type), KQLITE_OK);
		assert_string_equal(name, all_cols[c].name);
		assert_int_equal(type, all_cols[c].type);
	}
	assert_same_columns(db2, t2, db, t, all_cols, NALL, "api-json");
	/* and written again, the text is the same */
	char *a = write_as(db, t, "api-json"), *b = write_as(db2, t2, "api-json");
	assert_string_equal(a, b);
	kqlite_free(a);
	kqlite_free(b);
	kqlite_close(db2);
	kqlite_close(db);
}

/* Built-in schemas type the untyped formats: every value comes back. */
static const col_spec alert_cols[] = {
	{"AlertName", KQLITE_TYPE_STRING},     {"ConfidenceScore", KQLITE_TYPE_REAL},
	{"IsIncident", KQLITE_TYPE_BOOL},      {"StartTime", KQLITE_TYPE_DATETIME},
	{"TimeGenerated", KQLITE_TYPE_DATETIME}, {"Description", KQLITE_TYPE_STRING},
};

static const col_spec incident_cols[] = {
	{"IncidentNumber", KQLITE_TYPE_INT}, {"Labels", KQLITE_TYPE_DYNAMIC},
	{"Owner", KQLITE_TYPE_DYNAMIC},      {"Title", KQLITE_TYPE_STRING},
	{"CreatedTime", KQLITE_TYPE_DATETIME},
};

static const col_spec network_cols[] = {
	{"Timestamp", KQLITE_TYPE_DATETIME}, {"TimeGenerated", KQLITE_TYPE_DATETIME},
	{"ReportId", KQLITE_TYPE_LONG},      {"LocalPort", KQLITE_TYPE_INT},
	{"AdditionalFields", KQLITE_TYPE_DYNAMIC},
};

static void builtin_tables(kqlite_db *db, size_t t[3])
{
	t[0] = create(db, "SecurityAlert", alert_cols, 6);
	kqlite_value a[][6] = {
		{v_str("Brute force"), v_real(0.1), v_bool(1), v_dt(DT_2021 + 1234567), v_dt(DT_2021),
		 v_str("line one\nline \"two\", é🙂\x01")},
		{v_str(""), v_real(NAN), v_bool(0), v_dt(0), v_dt(DT_MAX), v_str(" spaced ")},
		{v_null(), v_null(), v_null(), v_null(), v_null(), v_null()},
		{v_str("x"), v_real(INFINITY), v_bool(1), v_dt(DT_2021 + 5000000), v_dt(DT_2021), v_str("a,b")},
		{v_str("y"), v_real(-INFINITY), v_bool(0), v_dt(DT_2021), v_dt(DT_2021), v_str("12")},
		{v_str("z"), v_real(-0.0), v_bool(0), v_dt(DT_2021), v_dt(DT_2021), v_str("2021-01-01")},
		{v_str("w"), v_real(1.0 / 3), v_bool(0), v_dt(DT_2021), v_dt(DT_2021), v_str("NaN")},
	};
	for (size_t r = 0; r < sizeof(a) / sizeof(a[0]); r++)
		append(db, t[0], a[r], 6);
	t[1] = create(db, "SecurityIncident", incident_cols, 5);
	kqlite_value b[][5] = {
		{v_int(INT32_MIN), v_dyn("[{\"labelName\":\"a\"},\"b\"]"), v_dyn("{\"email\":\"x@y\",\"n\":null}"),
		 v_str("t1"), v_dt(DT_2021)},
		{v_int(INT32_MAX), v_dyn("\"just text\""), v_dyn("42"), v_str("t2"), v_dt(DT_2021 + 1)},
		{v_null(), v_null(), v_null(), v_null(), v_null()},
		{v_int(0), v_dyn("[]"), v_dyn("-2.5e-7"), v_str("é🙂"), v_dt(DT_MAX)},
	};
	for (size_t r = 0; r < sizeof(b) / sizeof(b[0]); r++)
		append(db, t[1], b[r], 5);
	t[2] = create(db, "DeviceNetworkEvents", network_cols, 5);
	kqlite_value c[][5] = {
		{v_dt(DT_2021), v_dt(DT_2021 + 1), v_long(INT64_MIN), v_int(INT32_MIN), v_dyn("{}")},
		{v_dt(DT_MAX), v_dt(0), v_long(INT64_MAX), v_int(INT32_MAX), v_dyn("{\"k\":[true,false]}")},
		{v_null(), v_null(), v_null(), v_null(), v_null()},
	};
	for (size_t r = 0; r < sizeof(c) / sizeof(c[0]); r++)
		append(db, t[2], c[r], 5);
}

static void builtin_round_trips(void **state)
{
	(void)state;
	static const char *const formats[] = {"json", "ndjson", "csv", "api-json"};
	static const char *const names[] = {"SecurityAlert", "SecurityIncident", "DeviceNetworkEvents"};
	static const col_spec *const cols[] = {alert_cols, incident_cols, network_cols};
	static const size_t ncols[] = {6, 5, 5};
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t t[3];
	builtin_tables(db, t);
	for (size_t f = 0; f < 4; f++) {
		for (size_t k = 0; k < 3; k++) {
			size_t t2;
			kqlite_db *db2 = reload(db, t[k], formats[f], names[k], &t2);
			char what[64];
			snprintf(what, sizeof(what), "%s %s", formats[f], names[k]);
			assert_same_columns(db2, t2, db, t[k], cols[k], ncols[k], what);
			/* the reloaded table has the whole built-in schema */
			assert_true(kqlite_table_column_count(db2, t2) > ncols[k]);
			kqlite_close(db2);
		}
	}
	kqlite_close(db);
}

/* Untyped formats for an unknown table infer types from the text. */
static void untyped_formats_reinfer(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t t = all_types_table(db, "Adhoc");
	static const struct {
		const char *name;
		kqlite_type json, csv;
	} want[] = {
		{"b", KQLITE_TYPE_BOOL, KQLITE_TYPE_BOOL},
		{"i", KQLITE_TYPE_LONG, KQLITE_TYPE_LONG},      /* ints are longs */
		{"l", KQLITE_TYPE_LONG, KQLITE_TYPE_LONG},
		/* NaN is a string in JSON: numbers and strings mix into dynamic */
		{"r", KQLITE_TYPE_DYNAMIC, KQLITE_TYPE_REAL},
		{"m", KQLITE_TYPE_REAL, KQLITE_TYPE_REAL},
		{"s", KQLITE_TYPE_STRING, KQLITE_TYPE_STRING},
		{"d", KQLITE_TYPE_DATETIME, KQLITE_TYPE_DATETIME},
		{"t", KQLITE_TYPE_STRING, KQLITE_TYPE_STRING},  /* timespans are not inferred */
		{"g", KQLITE_TYPE_GUID, KQLITE_TYPE_GUID},
		{"x", KQLITE_TYPE_DYNAMIC, KQLITE_TYPE_STRING}, /* CSV's JSON text is text */
	};
	static const char *const formats[] = {"json", "ndjson", "csv"};
	for (size_t f = 0; f < 3; f++) {
		size_t t2;
		kqlite_db *db2 = reload(db, t, formats[f], "Adhoc", &t2);
		bool csv = f == 2;
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			kqlite_type got = type_of(db2, t2, want[i].name), w = csv ? want[i].csv : want[i].json;
			if (got != w)
				fail_msg("%s: %s inferred %s, expected %s", formats[f], want[i].name, kqlite_type_name(got),
				         kqlite_type_name(w));
		}
		/* the values of the columns whose type survived are the same */
		static const col_spec same[] = {{"b", KQLITE_TYPE_BOOL}, {"l", KQLITE_TYPE_LONG},
		                                {"s", KQLITE_TYPE_STRING}, {"d", KQLITE_TYPE_DATETIME},
		                                {"g", KQLITE_TYPE_GUID}};
		assert_same_columns(db2, t2, db, t, same, 5, formats[f]);
		/* the timespan text reads back as the same text */
		kqlite_value ts = value_of(db2, t2, "t", 0);
		assert_int_equal(ts.type, KQLITE_TYPE_STRING);
		assert_int_equal(ts.v.s.len, strlen("-10675199.02:48:05.4775808"));
		assert_memory_equal(ts.v.s.ptr, "-10675199.02:48:05.4775808", ts.v.s.len);
		kqlite_close(db2);
	}
	kqlite_close(db);
}

/* ---- Building and reading ------------------------------------------------------ */

static void create_replaces_and_retypes(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t n0 = kqlite_table_count(db);
	col_spec c1[] = {{"a", KQLITE_TYPE_LONG}};
	size_t t = create(db, "Mine", c1, 1);
	assert_int_equal(kqlite_table_count(db), n0 + 1);
	assert_string_equal(kqlite_table_name(db, t), "Mine");
	kqlite_value one = v_long(5);
	append(db, t, &one, 1);
	assert_int_equal(kqlite_table_row_count(db, t), 1);
	col_spec c2[] = {{"x", KQLITE_TYPE_STRING}, {"y", KQLITE_TYPE_GUID}};
	size_t t2 = create(db, "Mine", c2, 2);
	assert_int_equal(t2, t);
	assert_int_equal(kqlite_table_count(db), n0 + 1);
	assert_int_equal(kqlite_table_row_count(db, t), 0);
	assert_int_equal(kqlite_table_column_count(db, t), 2);
	assert_int_equal(type_of(db, t, "y"), KQLITE_TYPE_GUID);
	/* a built-in table keeps its place and takes the given columns */
	size_t sa;
	assert_int_equal(kqlite_table_find(db, "SecurityAlert", &sa), KQLITE_OK);
	col_spec c3[] = {{"AlertName", KQLITE_TYPE_STRING}, {"Extra", KQLITE_TYPE_INT}};
	assert_int_equal(create(db, "SecurityAlert", c3, 2), sa);
	assert_int_equal(kqlite_table_column_count(db, sa), 2);
	assert_int_equal(type_of(db, sa, "Extra"), KQLITE_TYPE_INT);
	assert_int_equal(kqlite_table_count(db), n0 + 1);
	/* binding sees the new schema */
	kqlite_stmt *st;
	const char *q = "SecurityAlert | project Extra";
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	assert_int_equal(kqlite_stmt_column_type(st, 0), KQLITE_TYPE_INT);
	kqlite_finalize(st);
	/* no columns at all is a table too */
	size_t e;
	assert_int_equal(kqlite_table_create(db, "NoCols", 0, NULL, NULL, &e), KQLITE_OK);
	assert_int_equal(kqlite_table_append_row(db, e, NULL, 0), KQLITE_OK);
	assert_int_equal(kqlite_table_row_count(db, e), 1);
	assert_int_equal(kqlite_table_create(db, "NoIndex", 0, NULL, NULL, NULL), KQLITE_OK);
	kqlite_close(db);
}

static void append_to_builtin_never_loaded(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t t;
	assert_int_equal(kqlite_table_find(db, "EmailUrlInfo", &t), KQLITE_OK);
	size_t n = kqlite_table_column_count(db, t);
	kqlite_value row[64];
	assert_true(n <= 64);
	for (size_t i = 0; i < n; i++)
		row[i] = v_null();
	assert_int_equal(kqlite_table_append_row(db, t, row, n - 1), KQLITE_MISUSE);
	assert_int_equal(kqlite_table_row_count(db, t), 0);
	assert_int_equal(kqlite_table_append_row(db, t, row, n), KQLITE_OK);
	assert_int_equal(kqlite_table_row_count(db, t), 1);
	assert_int_equal(kqlite_table_column_count(db, t), n);
	kqlite_value v;
	assert_int_equal(kqlite_table_value(db, t, 0, 0, &v), KQLITE_OK);
	kqlite_close(db);
}

static void values_read_back(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t t = small_table(db);
	kqlite_value v;
	assert_int_equal(kqlite_table_value(db, t, 1, 2, &v), KQLITE_OK); /* an int in a long column */
	assert_int_equal(v.type, KQLITE_TYPE_LONG);
	assert_int_equal(v.v.l, -12);
	assert_int_equal(kqlite_table_value(db, t, 0, 1, &v), KQLITE_OK); /* a string's null is "" */
	assert_int_equal(v.type, KQLITE_TYPE_STRING);
	assert_int_equal(v.v.s.len, 0);
	assert_non_null(v.v.s.ptr);
	assert_int_equal(kqlite_table_value(db, t, 2, 1, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_NULL);
	assert_int_equal(kqlite_table_value(db, t, 4, 0, &v), KQLITE_OK); /* dynamic: compact JSON */
	assert_int_equal(v.type, KQLITE_TYPE_DYNAMIC);
	assert_int_equal(v.v.s.len, strlen("{\"k\":[1,\"v\"]}"));
	assert_memory_equal(v.v.s.ptr, "{\"k\":[1,\"v\"]}", v.v.s.len);
	assert_int_equal(kqlite_table_value(db, t, 4, 1, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_NULL);
	assert_int_equal(kqlite_table_value(db, t, 3, 0, &v), KQLITE_OK);
	assert_int_equal(v.type, KQLITE_TYPE_DATETIME);
	assert_true(v.v.l == DT_2021 + 1234567);
	/* strings are copied: the caller's buffer may go */
	char *buf = strdup("temporary");
	kqlite_value row[] = {v_str(buf), v_long(0), v_real(0), v_dt(0), v_dyn("0")};
	append(db, t, row, 5);
	memset(buf, 'x', strlen(buf));
	free(buf);
	assert_int_equal(kqlite_table_value(db, t, 0, 3, &v), KQLITE_OK);
	assert_int_equal(v.v.s.len, 9);
	assert_memory_equal(v.v.s.ptr, "temporary", 9);
	/* bools are 0 or 1 */
	col_spec bc = {"b", KQLITE_TYPE_BOOL};
	size_t bt = create(db, "B", &bc, 1);
	kqlite_value seven = v_bool(7);
	append(db, bt, &seven, 1);
	assert_int_equal(kqlite_table_value(db, bt, 0, 0, &v), KQLITE_OK);
	assert_int_equal(v.v.b, 1);
	kqlite_close(db);
}

static void columns_append_column_major(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	col_spec cols[] = {{"n", KQLITE_TYPE_LONG}, {"s", KQLITE_TYPE_STRING}, {"x", KQLITE_TYPE_DYNAMIC}};
	size_t t = create(db, "C", cols, 3);
	kqlite_value n[] = {v_long(1), v_int(2), v_null()};
	kqlite_value s[] = {v_str("a"), v_null(), v_str("c")};
	kqlite_value x[] = {v_dyn("[1]"), v_dyn("{\"a\":1}"), v_dyn("null")};
	const kqlite_value *const columns[] = {n, s, x};
	assert_int_equal(kqlite_table_append_columns(db, t, 3, columns, 3), KQLITE_OK);
	assert_int_equal(kqlite_table_row_count(db, t), 3);
	assert_writes(db, t, "csv", "n,s,x\n1,a,[1]\n2,,\"{\"\"a\"\":1}\"\n,c,\n");
	kqlite_close(db);
}

/* ---- Misuse and all-or-nothing --------------------------------------------------- */

static void misuse_is_reported(void **state)
{
	(void)state;
	kqlite_value v = v_long(1);
	char *out = (char *)1;
	size_t idx;
	const char *name = "a";
	kqlite_type type = KQLITE_TYPE_LONG;
	assert_int_equal(kqlite_table_create(NULL, "T", 1, &name, &type, &idx), KQLITE_MISUSE);
	assert_int_equal(kqlite_table_append_row(NULL, 0, &v, 1), KQLITE_MISUSE);
	assert_int_equal(kqlite_table_append_columns(NULL, 0, 0, NULL, 0), KQLITE_MISUSE);
	assert_int_equal(kqlite_table_value(NULL, 0, 0, 0, &v), KQLITE_MISUSE);
	assert_int_equal(kqlite_table_write(NULL, 0, "csv", &out, NULL), KQLITE_MISUSE);

	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t n0 = kqlite_table_count(db);
#define MISUSE(call)                                                    \
	do {                                                            \
		assert_int_equal((call), KQLITE_MISUSE);                \
		assert_int_equal(kqlite_errcode(db), KQLITE_MISUSE);    \
		assert_true(kqlite_errmsg(db)[0] != '\0');              \
	} while (0)
	const char *dup[] = {"a", "a"};
	kqlite_type two[] = {KQLITE_TYPE_LONG, KQLITE_TYPE_STRING};
	const char *empty_name[] = {""};
	const char *null_name[] = {NULL};
	kqlite_type bad_types[] = {KQLITE_TYPE_NULL, KQLITE_TYPE_UNKNOWN, (kqlite_type)99};
	MISUSE(kqlite_table_create(db, "", 1, &name, &type, &idx));
	MISUSE(kqlite_table_create(db, NULL, 1, &name, &type, &idx));
	MISUSE(kqlite_table_create(db, "T", 1, NULL, &type, &idx));
	MISUSE(kqlite_table_create(db, "T", 1, &name, NULL, &idx));
	MISUSE(kqlite_table_create(db, "T", 2, dup, two, &idx));
	assert_non_null(strstr(kqlite_errmsg(db), "'a'"));
	MISUSE(kqlite_table_create(db, "T", 1, empty_name, &type, &idx));
	MISUSE(kqlite_table_create(db, "T", 1, null_name, &type, &idx));
	for (size_t i = 0; i < 3; i++)
		MISUSE(kqlite_table_create(db, "T", 1, &name, &bad_types[i], &idx));
	assert_int_equal(kqlite_table_count(db), n0); /* nothing was made */

	col_spec cols[] = {{"n", KQLITE_TYPE_LONG}, {"i", KQLITE_TYPE_INT}, {"d", KQLITE_TYPE_DATETIME},
	                   {"s", KQLITE_TYPE_STRING}, {"x", KQLITE_TYPE_DYNAMIC}};
	size_t t = create(db, "T", cols, 5);
	kqlite_value good[] = {v_long(1), v_int(1), v_dt(DT_2021), v_str("s"), v_dyn("{}")};
	MISUSE(kqlite_table_append_row(db, n0 + 5, good, 5));
	MISUSE(kqlite_table_append_row(db, t, good, 4));
	MISUSE(kqlite_table_append_row(db, t, good, 6));
	MISUSE(kqlite_table_append_row(db, t, NULL, 5));
	/* values of the wrong type */
	kqlite_value bad[5];
	memcpy(bad, good, sizeof(good));
	bad[0] = v_str("1");
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	assert_non_null(strstr(kqlite_errmsg(db), "column 'n'"));
	bad[0] = v_real(1.0); /* a real does not fill a long */
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	memcpy(bad, good, sizeof(good));
	bad[1] = v_long(1); /* nor a long an int */
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	memcpy(bad, good, sizeof(good));
	bad[2] = v_dt(-1);
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	bad[2] = v_dt(DT_MAX + 1);
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	bad[2] = v_ts(0); /* a timespan is not a datetime */
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	memcpy(bad, good, sizeof(good));
	bad[3].v.s.ptr = NULL;
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	bad[3] = v_dyn("{}"); /* dynamic is not string */
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	bad[3] = v_str("s");
	bad[4].type = (kqlite_type)42;
	MISUSE(kqlite_table_append_row(db, t, bad, 5));
	/* invalid JSON is an error of the data */
	bad[4] = v_dyn("{\"a\":}");
	assert_int_equal(kqlite_table_append_row(db, t, bad, 5), KQLITE_ERROR);
	assert_non_null(strstr(kqlite_errmsg(db), "column 'x'"));
	bad[4] = v_dyn("");
	assert_int_equal(kqlite_table_append_row(db, t, bad, 5), KQLITE_ERROR);
	bad[4] = v_dyn("1 2");
	assert_int_equal(kqlite_table_append_row(db, t, bad, 5), KQLITE_ERROR);
	assert_int_equal(kqlite_table_row_count(db, t), 0);

	/* reading and writing */
	append(db, t, good, 5);
	assert_int_equal(kqlite_errcode(db), KQLITE_OK); /* a success clears the error */
	MISUSE(kqlite_table_value(db, t, 5, 0, &v));
	MISUSE(kqlite_table_value(db, t, 0, 1, &v));
	MISUSE(kqlite_table_value(db, n0 + 5, 0, 0, &v));
	MISUSE(kqlite_table_value(db, t, 0, 0, NULL));
	MISUSE(kqlite_table_write(db, t, "xml", &out, NULL));
	assert_null(out);
	assert_non_null(strstr(kqlite_errmsg(db), "xml"));
	MISUSE(kqlite_table_write(db, t, NULL, &out, NULL));
	MISUSE(kqlite_table_write(db, t, "csv", NULL, NULL));
	MISUSE(kqlite_table_write(db, n0 + 5, "csv", &out, NULL));
	MISUSE(kqlite_table_append_columns(db, t, 1, NULL, 5));
	MISUSE(kqlite_table_append_columns(db, t, 0, NULL, 4));
	assert_int_equal(kqlite_table_append_columns(db, t, 0, NULL, 5), KQLITE_OK);
	assert_int_equal(kqlite_table_write(db, t, "csv", &out, NULL), KQLITE_OK); /* len may be NULL */
	kqlite_free(out);
#undef MISUSE
	kqlite_close(db);
}

static void appends_are_all_or_nothing(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	col_spec cols[] = {{"s", KQLITE_TYPE_STRING}, {"n", KQLITE_TYPE_LONG}, {"x", KQLITE_TYPE_DYNAMIC},
	                   {"g", KQLITE_TYPE_GUID}};
	size_t t = create(db, "A", cols, 4);
	kqlite_value r1[] = {v_str("first"), v_long(1), v_dyn("[1]"), v_guid("0123456789abcdef0123456789abcdef")};
	append(db, t, r1, 4);
	char *before = write_as(db, t, "api-json");
	/* the last value fails: the first three were pushed and are undone */
	kqlite_value r2[] = {v_str("second, a long string"), v_null(), v_dyn("{\"a\":[1,2,3]}"), v_str("nope")};
	assert_int_equal(kqlite_table_append_row(db, t, r2, 4), KQLITE_MISUSE);
	assert_int_equal(kqlite_table_row_count(db, t), 1);
	char *after = write_as(db, t, "api-json");
	assert_string_equal(before, after);
	kqlite_free(after);
	/* the same, column by column: a bad value in the last row of the last column */
	kqlite_value s[] = {v_str("p"), v_str("q")};
	kqlite_value n[] = {v_null(), v_long(3)};
	kqlite_value x[] = {v_dyn("1"), v_dyn("2")};
	kqlite_value g[] = {v_null(), v_dyn("3")};
	const kqlite_value *const columns[] = {s, n, x, g};
	assert_int_equal(kqlite_table_append_columns(db, t, 2, columns, 4), KQLITE_MISUSE);
	assert_non_null(strstr(kqlite_errmsg(db), "row 1"));
	assert_int_equal(kqlite_table_row_count(db, t), 1);
	after = write_as(db, t, "api-json");
	assert_string_equal(before, after);
	kqlite_free(after);
	kqlite_free(before);
	/* and the table still takes rows, each value in its place */
	g[1] = v_null();
	assert_int_equal(kqlite_table_append_columns(db, t, 2, columns, 4), KQLITE_OK);
	append(db, t, r1, 4);
	assert_writes(db, t, "csv",
	              "s,n,x,g\n"
	              "first,1,[1],01234567-89ab-cdef-0123-456789abcdef\n"
	              "p,,1,\n"
	              "q,3,2,\n"
	              "first,1,[1],01234567-89ab-cdef-0123-456789abcdef\n");
	kqlite_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encodings_of_scalars),
		cmocka_unit_test(every_format_exactly),
		cmocka_unit_test(empty_and_odd_tables),
		cmocka_unit_test(api_json_round_trip_is_exact),
		cmocka_unit_test(builtin_round_trips),
		cmocka_unit_test(untyped_formats_reinfer),
		cmocka_unit_test(create_replaces_and_retypes),
		cmocka_unit_test(append_to_builtin_never_loaded),
		cmocka_unit_test(values_read_back),
		cmocka_unit_test(columns_append_column_major),
		cmocka_unit_test(misuse_is_reported),
		cmocka_unit_test(appends_are_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
