/* test_fn_string.c -- the string, conversion, conditional and regex
 * functions (fn_string.c, fn_conv.c, fn_regex.c) called through their xfn
 * entries, on vectors built by hand: nulls, constants, selection vectors,
 * empty strings, Unicode and bad patterns. Input strings are exact-size
 * heap copies without a NUL, so that ASan reports any read past them. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "regex.h"
#include "types.h"

enum {
	T_NULL = KQLITE_TYPE_NULL,
	T_BOOL = KQLITE_TYPE_BOOL,
	T_INT = KQLITE_TYPE_INT,
	T_LONG = KQLITE_TYPE_LONG,
	T_REAL = KQLITE_TYPE_REAL,
	T_DEC = KQLITE_TYPE_DECIMAL,
	T_STR = KQLITE_TYPE_STRING,
	T_DT = KQLITE_TYPE_DATETIME,
	T_TS = KQLITE_TYPE_TIMESPAN,
	T_GUID = KQLITE_TYPE_GUID,
	T_DYN = KQLITE_TYPE_DYNAMIC,
};

/* ---- Harness ---------------------------------------------------------------- */

static arena qa, tmp;
static diag dg;
static xquery q;
static xctx cx;
static void *owned[4096];
static size_t nowned;

static int setup(void **state)
{
	(void)state;
	arena_init(&qa);
	arena_init(&tmp);
	diag_clear(&dg);
	q = (xquery){.qa = &qa, .d = &dg, .batch = BATCH_DEFAULT};
	cx = (xctx){.q = &q, .tmp = &tmp};
	nowned = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nowned; i++)
		free(owned[i]);
	arena_free(&qa);
	arena_free(&tmp);
	return 0;
}

static void *own(void *p)
{
	assert_non_null(p);
	assert_true(nowned < sizeof owned / sizeof owned[0]);
	owned[nowned++] = p;
	return p;
}

/* An exact-size copy of s[0..n) (no NUL after it). */
static kstr exact(const char *s, size_t n)
{
	char *p = own(malloc(n ? n : 1));
	if (n)
		memcpy(p, s, n);
	return (kstr){n ? p : "", n};
}

#define NUL64 INT64_MIN /* marks a null in L() */
#define NULR 1e300      /* marks a null in R() */

static vec mkvec(uint8_t type, int n)
{
	vec v = {.type = type};
	size_t sz = type_phys(type) == PH_STR ? sizeof(kstr) : type_phys(type) == PH_GUID ? 16 : 8;
	v.d.any = own(calloc((size_t)n ? (size_t)n : 1, sz));
	v.nulls = own(calloc((size_t)n ? (size_t)n : 1, 1));
	return v;
}

/* Strings: S(3, "a", "", "b") */
static vec S(int n, ...)
{
	vec v = mkvec(T_STR, n);
	v.nulls = NULL;
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);
		v.d.s[i] = exact(s, strlen(s));
	}
	va_end(ap);
	return v;
}

/* One string with explicit length (embedded NULs, invalid UTF-8). */
static vec Sn(const char *s, size_t len)
{
	vec v = mkvec(T_STR, 1);
	v.nulls = NULL;
	v.d.s[0] = exact(s, len);
	return v;
}

static vec L(uint8_t type, int n, ...)
{
	vec v = mkvec(type, n);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		int64_t x = va_arg(ap, int64_t);
		if (x == NUL64)
			v.nulls[i] = 1;
		else
			v.d.i[i] = x;
	}
	va_end(ap);
	return v;
}

static vec R(int n, ...)
{
	vec v = mkvec(T_REAL, n);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		double x = va_arg(ap, double);
		if (x == NULR)
			v.nulls[i] = 1;
		else
			v.d.f[i] = x;
	}
	va_end(ap);
	return v;
}

/* Bools: 0, 1, or -1 for null. */
static vec B(int n, ...)
{
	vec v = mkvec(T_BOOL, n);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		int x = va_arg(ap, int);
		if (x < 0)
			v.nulls[i] = 1;
		else
			v.d.b[i] = (uint8_t)x;
	}
	va_end(ap);
	return v;
}

/* Dynamic values from JSON text; NULL is a dynamic null. */
static vec D(int n, ...)
{
	vec v = mkvec(T_DYN, n);
	v.nulls = NULL;
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *json = va_arg(ap, const char *);
		if (!json)
			continue;
		strbuf sb;
		sb_init(&sb);
		size_t bad;
		assert_true(dyn_from_json(json, strlen(json), &sb, &bad));
		v.d.s[i] = exact(sb.s, sb.len);
		sb_free(&sb);
	}
	va_end(ap);
	return v;
}

static vec konst(vec v)
{
	v.is_const = true;
	return v;
}
#define CS(s) konst(S(1, s))
#define CL(x) konst(L(T_LONG, 1, (int64_t)(x)))

/* Calls the function like the engine does: prepare (with the constant
 * arguments), the kernel, cleanup. Returns false (the message in dg) when
 * prepare or the kernel fails. */
static bool try_call(const char *name, uint8_t rtype, vec *args, uint32_t nargs,
                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	const xfn_def *f = xfn_lookup(name);
	if (!f)
		fail_msg("no implementation of %s()", name);
	xcall c = {.def = f, .rtype = rtype};
	uint8_t types[16];
	const vec *consts[16];
	for (uint32_t i = 0; i < nargs; i++) {
		types[i] = args[i].type;
		consts[i] = args[i].is_const ? &args[i] : NULL;
	}
	diag_clear(&dg);
	bool ok = true;
	if (f->prepare)
		ok = f->prepare(&q, &c, types, consts, nargs, &dg, 7, 3);
	*out = (vec){.type = rtype};
	if (ok) {
		ok = f->fn(&cx, &c, args, nargs, sel, n, rows, out);
		if (!ok)
			assert_int_not_equal(dg.code, 0); /* a failure always says why */
	}
	if (c.cleanup)
		c.cleanup(c.state);
	return ok;
}

static vec call_sel(const char *name, uint8_t rtype, vec *args, uint32_t nargs, const uint32_t *sel,
                    uint32_t n, uint32_t rows)
{
	vec out;
	if (!try_call(name, rtype, args, nargs, sel, n, rows, &out))
		fail_msg("%s(): %s", name, dg.msg);
	if (out.type != KQLITE_TYPE_NULL)
		assert_int_equal(out.type, rtype);
	return out;
}

#define CALL(name, rtype, rows, ...)                                                               \
	({                                                                                         \
		vec args_[] = {__VA_ARGS__};                                                       \
		call_sel(name, rtype, args_, sizeof args_ / sizeof args_[0], NULL, rows, rows);    \
	})

/* The call fails with a message containing want. */
#define CALL_ERR(name, rtype, rows, want, ...)                                                     \
	do {                                                                                       \
		vec args_[] = {__VA_ARGS__}, out_;                                                 \
		if (try_call(name, rtype, args_, sizeof args_ / sizeof args_[0], NULL, rows, rows, \
		             &out_))                                                               \
			fail_msg("%s(): succeeded, want an error \"%s\"", name, want);             \
		if (!strstr(dg.msg, want))                                                         \
			fail_msg("%s(): error \"%s\", want \"%s\"", name, dg.msg, want);           \
	} while (0)

static void str_eq(const vec *v, uint32_t i, const char *want)
{
	assert_int_equal(v->type, T_STR);
	kstr s = v_str(v, i);
	if (s.n != strlen(want) || (s.n && memcmp(s.p, want, s.n) != 0))
		fail_msg("row %u: \"%.*s\", want \"%s\"", i, (int)s.n, s.p ? s.p : "", want);
}

static void strs_eq(const vec *v, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		str_eq(v, (uint32_t)i, va_arg(ap, const char *));
	va_end(ap);
}

static void long_eq(const vec *v, uint32_t i, int64_t want)
{
	if (want == NUL64) {
		if (!v_null(v, i))
			fail_msg("row %u: %lld, want null", i, (long long)v_i64(v, i));
		return;
	}
	if (v_null(v, i))
		fail_msg("row %u: null, want %lld", i, (long long)want);
	if (v_i64(v, i) != want)
		fail_msg("row %u: %lld, want %lld", i, (long long)v_i64(v, i), (long long)want);
}

static void longs_eq(const vec *v, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		long_eq(v, (uint32_t)i, va_arg(ap, int64_t));
	va_end(ap);
}

static void real_eq(const vec *v, uint32_t i, double want)
{
	if (want == NULR) {
		if (!v_null(v, i))
			fail_msg("row %u: %g, want null", i, v_f64(v, i));
		return;
	}
	if (v_null(v, i))
		fail_msg("row %u: null, want %g", i, want);
	double got = v_f64(v, i);
	if (!(got == want || (isnan(got) && isnan(want))))
		fail_msg("row %u: %.17g, want %.17g", i, got, want);
}

/* Bools: 0, 1 or -1 for null. */
static void bools_eq(const vec *v, int n, ...)
{
	assert_int_equal(v->type, T_BOOL);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		int want = va_arg(ap, int);
		int got = v_null(v, (uint32_t)i) ? -1 : v_bool(v, (uint32_t)i);
		if (got != want)
			fail_msg("row %d: %d, want %d", i, got, want);
	}
	va_end(ap);
}

/* Row i of a dynamic vector as JSON; "null" for a null. */
static void json_eq(const vec *v, uint32_t i, const char *want)
{
	assert_int_equal(v->type, T_DYN);
	kstr s = v_str(v, i);
	strbuf sb;
	sb_init(&sb);
	if (v_null(v, i))
		sb_adds(&sb, "null");
	else
		dyn_to_json((const uint8_t *)s.p, s.n, &sb);
	if (strcmp(sb.s ? sb.s : "", want) != 0) {
		char got[512];
		snprintf(got, sizeof got, "%s", sb.s ? sb.s : "");
		sb_free(&sb);
		fail_msg("row %u: %s, want %s", i, got, want);
	}
	sb_free(&sb);
}

static int64_t ticks_of(const char *s)
{
	int64_t t;
	assert_true(datetime_parse(s, strlen(s), &t));
	return t;
}

/* ---- Conversions ---------------------------------------------------------------- */

static void test_tostring(void **state)
{
	(void)state;
	vec o =
	    CALL("tostring", T_STR, 4, L(T_LONG, 4, (int64_t)123, (int64_t)-5, NUL64, (int64_t)0));
	strs_eq(&o, 4, "123", "-5", "", "0");
	o = CALL("tostring", T_STR, 6, R(6, 1.0, 0.1, -2.5, NULR, 1e20, NAN));
	strs_eq(&o, 6, "1", "0.1", "-2.5", "", "1e+20", "NaN");
	o = CALL("tostring", T_STR, 3, B(3, 1, 0, -1));
	strs_eq(&o, 3, "true", "false", "");
	int64_t t = ticks_of("2021-01-02T03:04:05.1234567Z");
	o = CALL("tostring", T_STR, 2, L(T_DT, 2, t, NUL64));
	strs_eq(&o, 2, "2021-01-02T03:04:05.1234567Z", "");
	o = CALL("tostring", T_STR, 1, L(T_DT, 1, ticks_of("2021-01-02")));
	str_eq(&o, 0, "2021-01-02T00:00:00.0000000Z");
	o = CALL("tostring", T_STR, 3,
	         L(T_TS, 3, 26 * 3600 * TICKS_PER_SECOND, -(90 * TICKS_PER_SECOND + 5),
	           1500 * TICKS_PER_SECOND / 1000));
	strs_eq(&o, 3, "1.02:00:00", "-00:01:30.0000005", "00:00:01.5000000");
	o = CALL("tostring", T_STR, 5, D(5, "\"abc\"", "5", "{\"a\":[1,2]}", NULL, "1.5"));
	strs_eq(&o, 5, "abc", "5", "{\"a\":[1,2]}", "", "1.5");
	vec g = mkvec(T_GUID, 1);
	assert_true(guid_parse("12E8B78D-55B4-46AE-B068-26D7A0080254", 36, g.d.g[0]));
	o = CALL("tostring", T_STR, 1, g);
	str_eq(&o, 0, "12e8b78d-55b4-46ae-b068-26d7a0080254");
	/* A string is itself, shared; an untyped null is "". */
	vec s = S(1, "x");
	o = CALL("tostring", T_STR, 1, s);
	assert_ptr_equal(v_str(&o, 0).p, s.d.s[0].p);
	o = CALL("tostring", T_STR, 1, vec_const_null(T_NULL));
	str_eq(&o, 0, "");
}

static void test_tolong_toint(void **state)
{
	(void)state;
	vec o = CALL("tolong", T_LONG, 9,
	             S(9, "123", " -7 ", "abc", "", "1.9", "-1.9", "9223372036854775807",
	               "9223372036854775808", "1e3"));
	longs_eq(&o, 9, (int64_t)123, (int64_t)-7, NUL64, NUL64, (int64_t)1, (int64_t)-1, INT64_MAX,
	         NUL64, (int64_t)1000);
	o = CALL("tolong", T_LONG, 6, R(6, 2.9, -2.9, NAN, 1e30, NULR, INFINITY));
	longs_eq(&o, 6, (int64_t)2, (int64_t)-2, NUL64, NUL64, NUL64, NUL64);
	o = CALL("tolong", T_LONG, 3, B(3, 1, 0, -1));
	longs_eq(&o, 3, (int64_t)1, (int64_t)0, NUL64);
	o = CALL("tolong", T_LONG, 2, L(T_DT, 2, (int64_t)42, NUL64));
	longs_eq(&o, 2, (int64_t)42, NUL64);
	o = CALL("tolong", T_LONG, 5, D(5, "5", "\"6\"", "[1]", NULL, "true"));
	longs_eq(&o, 5, (int64_t)5, (int64_t)6, NUL64, NUL64, (int64_t)1);
	o = CALL("toint", T_INT, 4,
	         L(T_LONG, 4, (int64_t)3000000000, (int64_t)-2147483648LL, (int64_t)12, NUL64));
	longs_eq(&o, 4, NUL64, (int64_t)-2147483648LL, (int64_t)12, NUL64);
	o = CALL("toint", T_INT, 2, S(2, "12", "x"));
	longs_eq(&o, 2, (int64_t)12, NUL64);
	/* A guid does not convert. */
	o = CALL("tolong", T_LONG, 1, mkvec(T_GUID, 1));
	long_eq(&o, 0, NUL64);
}

static void test_toreal_todecimal(void **state)
{
	(void)state;
	vec o =
	    CALL("toreal", T_REAL, 7, S(7, "1.5", "NaN", "-Infinity", "abc", "", "0x10", " 2e3 "));
	real_eq(&o, 0, 1.5);
	real_eq(&o, 1, NAN);
	real_eq(&o, 2, -INFINITY);
	real_eq(&o, 3, NULR);
	real_eq(&o, 4, NULR);
	real_eq(&o, 5, NULR);
	real_eq(&o, 6, 2000);
	o = CALL("toreal", T_REAL, 2, L(T_LONG, 2, (int64_t)3, NUL64));
	real_eq(&o, 0, 3);
	real_eq(&o, 1, NULR);
	o = CALL("todecimal", T_DEC, 1, S(1, "2.25"));
	real_eq(&o, 0, 2.25);
	o = CALL("toreal", T_REAL, 1, D(1, "\"7.5\""));
	real_eq(&o, 0, 7.5);
}

static void test_tobool(void **state)
{
	(void)state;
	vec o =
	    CALL("tobool", T_BOOL, 8, S(8, "true", "FALSE", " True ", "yes", "1", "0", "", "2.5"));
	bools_eq(&o, 8, 1, 0, 1, -1, 1, 0, -1, 1);
	o = CALL("tobool", T_BOOL, 4, L(T_LONG, 4, (int64_t)0, (int64_t)123, (int64_t)-1, NUL64));
	bools_eq(&o, 4, 0, 1, 1, -1);
	o = CALL("tobool", T_BOOL, 3, R(3, 0.0, NAN, 0.5));
	bools_eq(&o, 3, 0, -1, 1);
	o = CALL("tobool", T_BOOL, 3, D(3, "true", "\"false\"", "{}"));
	bools_eq(&o, 3, 1, 0, -1);
}

static void test_todatetime_totimespan_toguid(void **state)
{
	(void)state;
	vec o =
	    CALL("todatetime", T_DT, 4, S(4, "2021-01-02", "garbage", "", "2021-01-02T03:04:05Z"));
	longs_eq(&o, 4, ticks_of("2021-01-02"), NUL64, NUL64, ticks_of("2021-01-02 03:04:05"));
	o = CALL("todatetime", T_DT, 2, L(T_LONG, 2, (int64_t)5, NUL64));
	longs_eq(&o, 2, NUL64, NUL64); /* numbers do not convert */
	o = CALL("totimespan", T_TS, 4, S(4, "01:00:00", "1d", "x", "1.02:03:04.5"));
	longs_eq(&o, 4, 3600 * TICKS_PER_SECOND, TICKS_PER_DAY, NUL64,
	         TICKS_PER_DAY + (2 * 3600 + 3 * 60 + 4) * TICKS_PER_SECOND + TICKS_PER_SECOND / 2);
	o = CALL("toguid", T_GUID, 3, S(3, " 12e8b78d-55b4-46ae-b068-26d7a0080254", "nope", ""));
	assert_false(v_null(&o, 0));
	assert_int_equal(v_guid(&o, 0)[0], 0x12);
	assert_int_equal(v_guid(&o, 0)[15], 0x54);
	assert_true(v_null(&o, 1));
	assert_true(v_null(&o, 2));
}

static void test_vec_cast(void **state)
{
	(void)state;
	/* A constant converts once and stays constant. */
	vec c = CL(42), o;
	assert_true(vec_cast(&cx, &c, T_STR, NULL, 100, 100, &o));
	assert_true(o.is_const);
	str_eq(&o, 77, "42");
	/* int -> long and real -> decimal share the arrays. */
	vec i = L(T_INT, 2, (int64_t)1, NUL64);
	assert_true(vec_cast(&cx, &i, T_LONG, NULL, 2, 2, &o));
	assert_ptr_equal(o.d.i, i.d.i);
	assert_int_equal(o.type, T_LONG);
	/* Only the selected rows are computed. */
	vec s = S(4, "1", "x", "3", "y");
	uint32_t sel[] = {0, 2};
	assert_true(vec_cast(&cx, &s, T_LONG, sel, 2, 4, &o));
	long_eq(&o, 0, 1);
	long_eq(&o, 2, 3);
	/* To dynamic: scalars as dynamic scalars, datetime as its text, null as null. */
	vec l = L(T_LONG, 2, (int64_t)7, NUL64);
	assert_true(vec_cast(&cx, &l, T_DYN, NULL, 2, 2, &o));
	json_eq(&o, 0, "7");
	json_eq(&o, 1, "null");
	vec dt = L(T_DT, 1, ticks_of("2021-01-02"));
	assert_true(vec_cast(&cx, &dt, T_DYN, NULL, 1, 1, &o));
	json_eq(&o, 0, "\"2021-01-02T00:00:00.0000000Z\"");
	vec st = S(2, "a\"b", "");
	assert_true(vec_cast(&cx, &st, T_DYN, NULL, 2, 2, &o));
	json_eq(&o, 0, "\"a\\\"b\"");
	json_eq(&o, 1, "\"\"");
	vec bb = B(1, 1);
	assert_true(vec_cast(&cx, &bb, T_DYN, NULL, 1, 1, &o));
	json_eq(&o, 0, "true");
	/* An untyped null becomes a null of the type. */
	vec nl = vec_const_null(T_NULL);
	assert_true(vec_cast(&cx, &nl, T_LONG, NULL, 3, 3, &o));
	assert_true(v_null(&o, 2));
}

/* ---- Conditionals and null tests ----------------------------------------------- */

static void test_iff(void **state)
{
	(void)state;
	/* A null condition takes the else branch; int and long into long. */
	vec o = CALL("iff", T_LONG, 4, B(4, 1, 0, -1, 1),
	             L(T_INT, 4, (int64_t)1, (int64_t)2, (int64_t)3, NUL64),
	             L(T_LONG, 4, (int64_t)10, (int64_t)20, (int64_t)30, (int64_t)40));
	longs_eq(&o, 4, (int64_t)1, (int64_t)20, (int64_t)30, NUL64);
	o = CALL("iff", T_STR, 2, B(2, 1, 0), CS("yes"), S(2, "n1", "n2"));
	strs_eq(&o, 2, "yes", "n2");
	/* long into real */
	o = CALL("iff", T_REAL, 2, B(2, 1, 0), L(T_LONG, 2, (int64_t)2, (int64_t)2),
	         R(2, 0.5, 0.5));
	real_eq(&o, 0, 2.0);
	real_eq(&o, 1, 0.5);
	/* Selection vector: only rows 1 and 3. */
	vec args[] = {B(4, 1, 1, 0, 0),
	              L(T_LONG, 4, (int64_t)1, (int64_t)2, (int64_t)3, (int64_t)4), CL(0)};
	uint32_t sel[] = {1, 3};
	o = call_sel("iff", T_LONG, args, 3, sel, 2, 4);
	long_eq(&o, 1, 2);
	long_eq(&o, 3, 0);
	/* A dynamic condition; dynamic branches. */
	o = CALL("iff", T_DYN, 3, D(3, "true", "false", NULL), D(3, "[1]", "[2]", "[3]"),
	         D(3, "{}", "{}", "{}"));
	json_eq(&o, 0, "[1]");
	json_eq(&o, 1, "{}");
	json_eq(&o, 2, "{}");
	/* Both branches null: a null result. */
	o = CALL("iff", T_NULL, 1, B(1, 1), vec_const_null(T_NULL), vec_const_null(T_NULL));
	assert_true(v_null(&o, 0));
}

static void test_case(void **state)
{
	(void)state;
	vec o = CALL("case", T_STR, 4, B(4, 1, 0, 0, -1), CS("first"), B(4, 1, 1, 0, -1),
	             CS("second"), CS("else"));
	strs_eq(&o, 4, "first", "second", "else", "else");
	o = CALL("case", T_LONG, 2, B(2, 0, 1), L(T_INT, 2, (int64_t)5, (int64_t)6), CL(-1));
	longs_eq(&o, 2, (int64_t)-1, (int64_t)6);
}

static void test_coalesce(void **state)
{
	(void)state;
	vec o = CALL("coalesce", T_LONG, 3, L(T_LONG, 3, NUL64, (int64_t)1, NUL64),
	             L(T_INT, 3, (int64_t)2, (int64_t)3, NUL64), L(T_LONG, 3, NUL64, NUL64, NUL64));
	longs_eq(&o, 3, (int64_t)2, (int64_t)1, NUL64);
	/* Strings: the first non-empty. */
	o = CALL("coalesce", T_STR, 3, S(3, "", "a", ""), S(3, "b", "c", ""));
	strs_eq(&o, 3, "b", "a", "");
	o = CALL("coalesce", T_DYN, 2, D(2, NULL, "1"), D(2, "\"x\"", "2"));
	json_eq(&o, 0, "\"x\"");
	json_eq(&o, 1, "1");
}

static void test_null_tests(void **state)
{
	(void)state;
	vec o = CALL("isnull", T_BOOL, 2, S(2, "", "x"));
	bools_eq(&o, 2, 0, 0); /* a string is never null */
	o = CALL("isnull", T_BOOL, 2, L(T_LONG, 2, NUL64, (int64_t)0));
	bools_eq(&o, 2, 1, 0);
	o = CALL("isnotnull", T_BOOL, 2, L(T_LONG, 2, NUL64, (int64_t)0));
	bools_eq(&o, 2, 0, 1);
	o = CALL("isnull", T_BOOL, 3, D(3, NULL, "null", "[]"));
	bools_eq(&o, 3, 1, 1, 0);
	o = CALL("isnull", T_BOOL, 2, vec_const_null(T_NULL));
	bools_eq(&o, 2, 1, 1);
	o = CALL("isempty", T_BOOL, 2, S(2, "", "x"));
	bools_eq(&o, 2, 1, 0);
	o = CALL("isnotempty", T_BOOL, 2, S(2, "", "x"));
	bools_eq(&o, 2, 0, 1);
	o = CALL("isempty", T_BOOL, 5, D(5, NULL, "\"\"", "[]", "{}", "0"));
	bools_eq(&o, 5, 1, 1, 0, 0, 0);
	o = CALL("isempty", T_BOOL, 2, R(2, NULR, 0.0));
	bools_eq(&o, 2, 1, 0);
	o = CALL("not", T_BOOL, 3, B(3, 1, 0, -1));
	bools_eq(&o, 3, 0, 1, -1);
	o = CALL("not", T_BOOL, 2, D(2, "true", "\"x\""));
	bools_eq(&o, 2, 0, -1);
}

static void test_min_max_of(void **state)
{
	(void)state;
	/* The docs' table: non-null values take precedence. */
	vec a = L(T_INT, 5, (int64_t)1, (int64_t)8, NUL64, (int64_t)1, NUL64);
	vec b = L(T_INT, 5, (int64_t)6, (int64_t)1, (int64_t)2, NUL64, NUL64);
	vec o = CALL("max_of", T_LONG, 5, a, b);
	longs_eq(&o, 5, (int64_t)6, (int64_t)8, (int64_t)2, (int64_t)1, NUL64);
	o = CALL("min_of", T_LONG, 5, a, b);
	longs_eq(&o, 5, (int64_t)1, (int64_t)1, (int64_t)2, (int64_t)1, NUL64);
	o = CALL("max_of", T_LONG, 1, CL(10), CL(1), CL(-3), CL(17));
	long_eq(&o, 0, 17);
	o = CALL("max_of", T_REAL, 2, R(2, 1.5, NULR), L(T_LONG, 2, (int64_t)1, (int64_t)3));
	real_eq(&o, 0, 1.5);
	real_eq(&o, 1, 3);
	o = CALL("min_of", T_STR, 2, S(2, "b", "abc"), S(2, "a", "abd"));
	strs_eq(&o, 2, "a", "abc");
	o = CALL("max_of", T_DT, 1, L(T_DT, 1, ticks_of("2024-12-15 07:15:22")),
	         L(T_DT, 1, ticks_of("2024-12-15 07:15:24")));
	long_eq(&o, 0, ticks_of("2024-12-15 07:15:24"));
}

static void test_gettype(void **state)
{
	(void)state;
	vec o = CALL("gettype", T_STR, 1, L(T_LONG, 1, (int64_t)1));
	str_eq(&o, 0, "long");
	o = CALL("gettype", T_STR, 1, S(1, "a"));
	str_eq(&o, 0, "string");
	o = CALL("gettype", T_STR, 1, L(T_TS, 1, NUL64));
	str_eq(&o, 0, "timespan");
	o = CALL("gettype", T_STR, 8,
	         D(8, "1", "5000000000", "1.5", "\"abc\"", "{\"abc\":1}", "[1,2]", NULL, "true"));
	strs_eq(&o, 8, "int", "long", "real", "string", "dictionary", "array", "null", "bool");
}

/* ---- Strings ---------------------------------------------------------------------- */

static void test_strcat(void **state)
{
	(void)state;
	vec o = CALL("strcat", T_STR, 3, S(3, "a", "", "é"),
	             L(T_LONG, 3, (int64_t)1, NUL64, (int64_t)-2), CS("!"));
	strs_eq(&o, 3, "a1!", "!", "é-2!");
	o = CALL("strcat", T_STR, 1, S(1, ""));
	str_eq(&o, 0, "");
	o = CALL("strcat_delim", T_STR, 1, CS("-"), CS("a"), L(T_LONG, 1, (int64_t)2), CS(""));
	str_eq(&o, 0, "a-2-");
}

static void test_strlen_size_strcmp(void **state)
{
	(void)state;
	vec o = CALL("strlen", T_LONG, 4, S(4, "hello", "", "héllo", "⒦⒰⒮⒯⒪"));
	longs_eq(&o, 4, (int64_t)5, (int64_t)0, (int64_t)5, (int64_t)5);
	o = CALL("strlen", T_LONG, 1, Sn("a\xff\xc3", 3)); /* invalid bytes count one each */
	long_eq(&o, 0, 3);
	o = CALL("strlen", T_LONG, 1, Sn("\xe0\x80\x80", 3)); /* an overlong form: three bytes */
	long_eq(&o, 0, 3);
	o = CALL("strlen", T_LONG, 2, L(T_LONG, 2, (int64_t)12345, NUL64));
	longs_eq(&o, 2, (int64_t)5, (int64_t)0);
	o = CALL("string_size", T_LONG, 2, S(2, "héllo", ""));
	longs_eq(&o, 2, (int64_t)6, (int64_t)0);
	o = CALL("strcmp", T_LONG, 4, S(4, "a", "b", "ab", ""), S(4, "a", "a", "abc", ""));
	longs_eq(&o, 4, (int64_t)0, (int64_t)1, (int64_t)-1, (int64_t)0);
}

static void test_case_mapping(void **state)
{
	(void)state;
	vec o = CALL("tolower", T_STR, 4, S(4, "HeLLo 12!", "ÄÖÜ ÀÞ", "ΣΑΣ ΆΏ", "ПРИВЕТ Ё"));
	strs_eq(&o, 4, "hello 12!", "äöü àþ", "σασ άώ", "привет ё");
	o = CALL("toupper", T_STR, 5, S(5, "hello", "äöüÿß", "σας ή", "привет ё", "ąčęž"));
	strs_eq(&o, 5, "HELLO", "ÄÖÜŸß", "ΣΑΣ Ή", "ПРИВЕТ Ё", "ĄČĘŽ");
	o = CALL("tolower", T_STR, 1, S(1, "ĄČĘŽŁ İ"));
	str_eq(&o, 0, "ąčęžł İ"); /* the dotted capital I stays */
	o = CALL("toupper", T_STR, 1, Sn("a\xffz", 3));
	str_eq(&o, 0, "A\xffZ");
	o = CALL("toupper", T_STR, 1, L(T_LONG, 1, (int64_t)7));
	str_eq(&o, 0, "7");
}

static void test_substring(void **state)
{
	(void)state;
	vec o = CALL("substring", T_STR, 1, CS("123456"), CL(1));
	str_eq(&o, 0, "23456");
	o = CALL("substring", T_STR, 1, CS("123456"), CL(2), CL(2));
	str_eq(&o, 0, "34");
	o = CALL("substring", T_STR, 1, CS("ABCD"), CL(0), CL(2));
	str_eq(&o, 0, "AB");
	o = CALL("substring", T_STR, 1, CS("123456"), CL(-2), CL(2));
	str_eq(&o, 0, "56");
	o = CALL(
	    "substring", T_STR, 6, S(6, "héllo", "abc", "abc", "abc", "", "abc"),
	    L(T_LONG, 6, (int64_t)1, (int64_t)5, (int64_t)-10, NUL64, (int64_t)0, (int64_t)1),
	    L(T_LONG, 6, (int64_t)3, (int64_t)1, (int64_t)2, (int64_t)1, (int64_t)3, (int64_t)-1));
	strs_eq(&o, 6, "éll", "", "ab", "", "", "");
	o = CALL("substring", T_STR, 1, CS("abc"), CL(1), CL(100));
	str_eq(&o, 0, "bc");
	o = CALL("substring", T_STR, 1, L(T_LONG, 1, (int64_t)12345), CL(1), CL(2));
	str_eq(&o, 0, "23");
}

static void test_indexof(void **state)
{
	(void)state;
	/* The docs' examples, idx1 .. idx9. */
	vec o = CALL("indexof", T_LONG, 1, CS("abcdefg"), CS("cde"));
	long_eq(&o, 0, 2);
	o = CALL("indexof", T_LONG, 1, CS("abcdefg"), CS("cde"), CL(1), CL(4));
	long_eq(&o, 0, 2);
	o = CALL("indexof", T_LONG, 1, CS("abcdefg"), CS("cde"), CL(1), CL(2));
	long_eq(&o, 0, -1);
	o = CALL("indexof", T_LONG, 1, CS("abcdefg"), CS("cde"), CL(3), CL(4));
	long_eq(&o, 0, -1);
	o = CALL("indexof", T_LONG, 1, CS("abcdefg"), CS("cde"), CL(-5));
	long_eq(&o, 0, 2);
	o = CALL("indexof", T_LONG, 1, CL(1234567), CL(5), CL(1), CL(4));
	long_eq(&o, 0, 4);
	o = CALL("indexof", T_LONG, 1, CS("abcdefg"), CS("cde"), CL(2), CL(-1));
	long_eq(&o, 0, 2);
	o = CALL("indexof", T_LONG, 1, CS("abcdefgabcdefg"), CS("cde"), CL(1), CL(10), CL(2));
	long_eq(&o, 0, 9);
	o = CALL("indexof", T_LONG, 1, CS("abcdefgabcdefg"), CS("cde"), CL(1), CL(-1), CL(3));
	long_eq(&o, 0, -1);
	/* Nulls: a start before the string, length < -1, occurrence < 1, null arguments. */
	o = CALL("indexof", T_LONG, 1, CS("abc"), CS("a"), CL(-10));
	long_eq(&o, 0, NUL64);
	o = CALL("indexof", T_LONG, 1, CS("abc"), CS("a"), CL(0), CL(-2));
	long_eq(&o, 0, NUL64);
	o = CALL("indexof", T_LONG, 1, CS("abc"), CS("a"), CL(0), CL(-1), CL(0));
	long_eq(&o, 0, NUL64);
	o = CALL("indexof", T_LONG, 1, CS("abc"), CS("a"), L(T_LONG, 1, NUL64));
	long_eq(&o, 0, NUL64);
	/* Characters, not bytes; overlapping occurrences; empty lookup; start past the end. */
	o = CALL("indexof", T_LONG, 5, S(5, "héllo", "aaaa", "abc", "abc", ""),
	         S(5, "l", "aa", "", "x", ""));
	longs_eq(&o, 5, (int64_t)2, (int64_t)0, (int64_t)0, (int64_t)-1, (int64_t)0);
	o = CALL("indexof", T_LONG, 1, CS("aaaa"), CS("aa"), CL(0), CL(-1), CL(3));
	long_eq(&o, 0, 2);
	o = CALL("indexof", T_LONG, 1, CS("abc"), CS("c"), CL(7));
	long_eq(&o, 0, -1);
	o = CALL("indexof", T_LONG, 1, CS("ééé"), CS("é"), CL(1), CL(-1), CL(2));
	long_eq(&o, 0, 2);
}

static void test_split(void **state)
{
	(void)state;
	vec o = CALL("split", T_DYN, 5, S(5, "aa_bb", "", "a__b", "aabbcc", "abc"),
	             S(5, "_", "_", "_", "bb", ""));
	json_eq(&o, 0, "[\"aa\",\"bb\"]");
	json_eq(&o, 1, "[\"\"]");
	json_eq(&o, 2, "[\"a\",\"\",\"b\"]");
	json_eq(&o, 3, "[\"aa\",\"cc\"]");
	json_eq(&o, 4, "[\"abc\"]");
	o = CALL("split", T_DYN, 4, S(4, "aaa_bbb_ccc", "a_b", "a_b", "a_b"), CS("_"),
	         L(T_LONG, 4, (int64_t)1, (int64_t)5, (int64_t)-1, NUL64));
	json_eq(&o, 0, "[\"bbb\"]");
	json_eq(&o, 1, "[]");
	json_eq(&o, 2, "[]");
	json_eq(&o, 3, "[]");
	o = CALL("split", T_DYN, 1, CS("é|ü|"), CS("|"));
	json_eq(&o, 0, "[\"é\",\"ü\",\"\"]");
}

static void test_trim(void **state)
{
	(void)state;
	vec o = CALL("trim", T_STR, 1, CS("--"), CS("--https://bing.com--"));
	str_eq(&o, 0, "https://bing.com");
	o = CALL("trim_start", T_STR, 3, CS("[^\\w]+"), S(3, "...hello...", "", "hello"));
	strs_eq(&o, 3, "hello...", "", "hello");
	o = CALL("trim_end", T_STR, 2, CS("[^\\w]+"), S(2, "...hello...", "...."));
	strs_eq(&o, 2, "...hello", "");
	o = CALL("trim", T_STR, 2, CS(" "), S(2, "  a b  ", "   "));
	strs_eq(&o, 2, "a b", "");
	/* Repeated matches go; a pattern that matches empty removes nothing. */
	o = CALL("trim_end", T_STR, 1, CS("a"), CS("baaa"));
	str_eq(&o, 0, "b");
	o = CALL("trim", T_STR, 1, CS("x*"), CS("abc"));
	str_eq(&o, 0, "abc");
	o = CALL("trim", T_STR, 1, CS("é"), CS("ééaéé"));
	str_eq(&o, 0, "a");
	/* A pattern per row. */
	o = CALL("trim", T_STR, 3, S(3, "a", "b", "b"), S(3, "aXa", "bYb", "bZb"));
	strs_eq(&o, 3, "X", "Y", "Z");
	CALL_ERR("trim", T_STR, 1, "invalid regex", CS("("), CS("x"));
	CALL_ERR("trim", T_STR, 1, "lookahead", CS("(?=a)"), CS("x"));
	/* A bad pattern in a row is a run-time error. */
	CALL_ERR("trim_start", T_STR, 2, "invalid regex", S(2, "a", "[z"), S(2, "a", "b"));
}

static void test_replace_string(void **state)
{
	(void)state;
	vec o = CALL("replace_string", T_STR, 5, S(5, "A magic trick", "aaa", "abc", "", "héhé"),
	             S(5, "magic", "aa", "", "x", "é"), S(5, "cool", "b", "z", "y", "e"));
	strs_eq(&o, 5, "A cool trick", "ba", "abc", "", "hehe");
}

static void test_strcat_array(void **state)
{
	(void)state;
	vec o = CALL("strcat_array", T_STR, 4,
	             D(4, "[1,\"a\",null,{\"x\":1},2.5]", "[]", "{\"a\":1}", NULL), CS(","));
	strs_eq(&o, 4, "1,a,,{\"x\":1},2.5", "", "", "");
	o = CALL("strcat_array", T_STR, 1, D(1, "[\"a\",\"b\"]"), CS(""));
	str_eq(&o, 0, "ab");
}

static void test_strrep_reverse(void **state)
{
	(void)state;
	vec o = CALL("strrep", T_STR, 1, CS("ABC"), CL(2));
	str_eq(&o, 0, "ABCABC");
	o = CALL("strrep", T_STR, 1, CL(123), CL(3), CS("."));
	str_eq(&o, 0, "123.123.123");
	o = CALL("strrep", T_STR, 1, L(T_TS, 1, 3 * TICKS_PER_SECOND), CL(2), CS(" "));
	str_eq(&o, 0, "00:00:03 00:00:03");
	o = CALL("strrep", T_STR, 3, CS("x"), L(T_LONG, 3, (int64_t)0, NUL64, (int64_t)5000));
	str_eq(&o, 0, "");
	str_eq(&o, 1, "");
	assert_int_equal(v_str(&o, 2).n, 1024);
	char *big = own(malloc(1 << 17));
	memset(big, 'a', 1 << 17);
	CALL_ERR("strrep", T_STR, 1, "larger than", konst(Sn(big, 1 << 17)), CL(1000));
	o = CALL("reverse", T_STR, 4, S(4, "abc", "", "añb", "⒦x"));
	strs_eq(&o, 4, "cba", "", "bña", "x⒦");
	o = CALL("reverse", T_STR, 1, CL(123));
	str_eq(&o, 0, "321");
}

static void test_countof(void **state)
{
	(void)state;
	vec o = CALL("countof", T_LONG, 4, S(4, "aaa", "aaaa", "ababa", "ababa"),
	             S(4, "a", "aa", "ab", "aba"));
	longs_eq(&o, 4, (int64_t)3, (int64_t)3, (int64_t)2, (int64_t)2);
	o = CALL("countof", T_LONG, 1, CS("ababa"), CS("aba"), CS("regex"));
	long_eq(&o, 0, 1);
	o = CALL("countof", T_LONG, 1, CS("abcabc"), CS("a.c"), CS("regex"));
	long_eq(&o, 0, 2);
	o = CALL("countof", T_LONG, 1, CS("abc1234abcd1234"), CS("[0-9]+"), CS("regex"));
	long_eq(&o, 0, 2);
	o = CALL("countof", T_LONG, 2, S(2, "abc", ""), CS(""));
	longs_eq(&o, 2, (int64_t)0, (int64_t)0);
	/* "(" is fine as a plain search, an error as a regex. */
	o = CALL("countof", T_LONG, 1, CS("f(x)"), CS("("), CS("normal"));
	long_eq(&o, 0, 1);
	CALL_ERR("countof", T_LONG, 1, "invalid regex", CS("f(x)"), CS("("), CS("regex"));
	CALL_ERR("countof", T_LONG, 1, "kind must be", CS("a"), CS("a"), CS("fuzzy"));
	/* The kind per row. */
	o = CALL("countof", T_LONG, 2, CS("a.a"), CS("."), S(2, "normal", "regex"));
	longs_eq(&o, 2, (int64_t)1, (int64_t)3);
	CALL_ERR("countof", T_LONG, 1, "kind must be", CS("a"), CS("a"), S(1, "Regex"));
}

static void test_hash_sha256(void **state)
{
	(void)state;
	vec o = CALL("hash_sha256", T_STR, 2, S(2, "", "abc"));
	strs_eq(&o, 2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* Two blocks of padding (55, 56 and 64 bytes long). */
	o = CALL("hash_sha256", T_STR, 1,
	         S(1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
	str_eq(&o, 0, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char a64[65];
	memset(a64, 'a', 64);
	a64[64] = '\0';
	o = CALL("hash_sha256", T_STR, 1, S(1, a64));
	str_eq(&o, 0, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
	o = CALL("hash_sha256", T_STR, 2, L(T_LONG, 2, (int64_t)1, NUL64));
	str_eq(&o, 0, "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b");
	str_eq(&o, 1, "");
}

static void test_base64(void **state)
{
	(void)state;
	vec o = CALL("base64_encode_tostring", T_STR, 5, S(5, "Kusto", "", "a", "ab", "é"));
	strs_eq(&o, 5, "S3VzdG8=", "", "YQ==", "YWI=", "w6k=");
	o = CALL("base64_decode_tostring", T_STR, 7,
	         S(7, "S3VzdG8=", "", "YQ", "!!!!", "U3RyaW5n0KHR0tGA0L7Rh9C60LA=", "YQ=x", "Y"));
	strs_eq(&o, 7, "Kusto", "", "a", "", "", "", "");
	o = CALL("base64_decode_tostring", T_STR, 2, S(2, "w6k=", "S3Vz\ndG8="));
	strs_eq(&o, 2, "é", "Kusto");
}

static void test_url(void **state)
{
	(void)state;
	vec o = CALL("url_encode", T_STR, 3,
	             S(3, "https://www.bing.com/hello world", "a-_.!*()b", "é"));
	strs_eq(&o, 3, "https%3a%2f%2fwww.bing.com%2fhello+world", "a-_.!*()b", "%c3%a9");
	o = CALL("url_encode_component", T_STR, 1, S(1, "https://www.bing.com/hello world/"));
	str_eq(&o, 0, "https%3a%2f%2fwww.bing.com%2fhello%20world%2f");
	o = CALL("url_encode", T_STR, 1, Sn("a\0b", 3));
	str_eq(&o, 0, "a%00b");
	o = CALL(
	    "url_decode", T_STR, 5,
	    S(5, "https%3a%2f%2fwww.bing.com%2fhello+world", "%C3%A9", "100%", "%zz%4", "%41%4a"));
	strs_eq(&o, 5, "https://www.bing.com/hello world", "é", "100%", "%zz%4", "AJ");
}

/* ---- Regex ------------------------------------------------------------------------ */

static void test_extract(void **state)
{
	(void)state;
	vec o = CALL("extract", T_STR, 1, CS("x=([0-9.]+)"), CL(1), CS("hello x=45.6|wo"));
	str_eq(&o, 0, "45.6");
	o = CALL("extract", T_STR, 4, CS("(\\d+)-(\\d+)"), CL(2),
	         S(4, "a 12-34 b", "none", "", "5-6 7-8"));
	strs_eq(&o, 4, "34", "", "", "6");
	o = CALL("extract", T_STR, 1, CS("b+"), CL(0), CS("abbbc"));
	str_eq(&o, 0, "bbb");
	/* An optional group that did not take part; a group per row. */
	o = CALL("extract", T_STR, 3, CS("(a)|(b)"), L(T_LONG, 3, (int64_t)1, (int64_t)2, NUL64),
	         S(3, "b", "b", "b"));
	strs_eq(&o, 3, "", "b", "");
	/* With a result type: the text converted. */
	o = CALL("extract", T_LONG, 2, CS("x=([0-9.]+)"), CL(1), S(2, "hello x=456|wo", "x=."),
	         konst(vec_const_null(T_NULL)));
	longs_eq(&o, 2, (int64_t)456, NUL64);
	o = CALL("extract", T_REAL, 1, CS("x=([0-9.]+)"), CL(1), CS("x=4.5"));
	real_eq(&o, 0, 4.5);
	/* Unicode; caseless by a flag in the pattern. */
	o = CALL("extract", T_STR, 2, CS("(?i)(é+)"), CL(1), S(2, "aÉÉb", "ééé"));
	strs_eq(&o, 2, "ÉÉ", "ééé");
	o = CALL("extract", T_STR, 1, CS("(.)"), CL(1), CS("⒦x"));
	str_eq(&o, 0, "⒦");
	/* $ is the end of the text only. */
	o = CALL("extract", T_STR, 2, CS("(c)$"), CL(1), S(2, "abc\n", "abc"));
	strs_eq(&o, 2, "", "c");
	/* Errors at prepare time. */
	CALL_ERR("extract", T_STR, 1, "invalid regex: missing closing parenthesis", CS("(a"), CL(1),
	         CS("a"));
	CALL_ERR("extract", T_STR, 1, "backreferences", CS("(a)\\1"), CL(1), CS("aa"));
	CALL_ERR("extract", T_STR, 1, "lookahead (?=", CS("a(?=b)"), CL(0), CS("ab"));
	CALL_ERR("extract", T_STR, 1, "negative lookahead", CS("a(?!b)"), CL(0), CS("ab"));
	CALL_ERR("extract", T_STR, 1, "lookbehind (?<=", CS("(?<=a)b"), CL(0), CS("ab"));
	CALL_ERR("extract", T_STR, 1, "negative lookbehind", CS("(?<!a)b"), CL(0), CS("ab"));
	CALL_ERR("extract", T_STR, 1, "possessive", CS("a++"), CL(0), CS("a"));
	CALL_ERR("extract", T_STR, 1, "atomic", CS("(?>a)"), CL(0), CS("a"));
	CALL_ERR("extract", T_STR, 1, "recursion", CS("(a(?R)?b)"), CL(0), CS("ab"));
	CALL_ERR("extract", T_STR, 1, "group 3 does not exist", CS("(a)(b)"), CL(3), CS("ab"));
	CALL_ERR("extract", T_STR, 1, "invalid regex", konst(Sn("\xff", 1)), CL(0), CS("a"));
	/* The error carries the call's span. */
	assert_true(dg.has_span);
	assert_int_equal(dg.off, 7);
	/* Things that look like the unsupported ones but are not. */
	o = CALL("extract", T_STR, 1, CS("[(?=]\\(\\?=(?:x)(?P<n>y)(?<m>z)a+?\\\\1"), CL(0),
	         CS("=(?=xyzaa\\1"));
	str_eq(&o, 0, "=(?=xyzaa\\1");
	o = CALL("extract", T_STR, 1, CS("[]a]\\Q(?=\\E[[:digit:]]{2,3}"), CL(0), CS("]a(?=123"));
	str_eq(&o, 0, "a(?=123");
}

static void test_extract_all(void **state)
{
	(void)state;
	vec o =
	    CALL("extract_all", T_DYN, 1, CS("(\\d+)"), CS("a set of numbers: 123, 567 and 789"));
	json_eq(&o, 0, "[\"123\",\"567\",\"789\"]");
	o = CALL("extract_all", T_DYN, 2, CS("(\\w)(\\w+)(\\w)"), S(2, "82b8be2d-dfa7-4bd1", "no"));
	json_eq(&o, 0, "[[\"8\",\"2b8be2\",\"d\"],[\"d\",\"fa\",\"7\"],[\"4\",\"bd\",\"1\"]]");
	json_eq(&o, 1, "null"); /* no match: null */
	o = CALL("extract_all", T_DYN, 1, CS("(\\w)(\\w+)(\\w)"), D(1, "[1,3]"),
	         CS("82b8be2d-dfa7"));
	json_eq(&o, 0, "[[\"8\",\"d\"],[\"d\",\"7\"]]");
	o = CALL("extract_all", T_DYN, 1, CS("(?<first>\\w)(\\w+)(?<last>\\w)"), D(1, "[\"last\"]"),
	         CS("abc xyz"));
	json_eq(&o, 0, "[\"c\",\"z\"]");
	o = CALL("extract_all", T_DYN, 1, CS("\\d"), CS("a1b2")); /* no group: the whole matches */
	json_eq(&o, 0, "[\"1\",\"2\"]");
	o = CALL("extract_all", T_DYN, 1, CS("(x*)"),
	         CS("ab")); /* empty matches advance a character */
	json_eq(&o, 0, "[\"\",\"\",\"\"]");
	o = CALL("extract_all", T_DYN, 1, CS("(é)"), Sn("é\xffé", 5));
	json_eq(&o, 0, "[\"é\",\"é\"]");
	CALL_ERR("extract_all", T_DYN, 1, "no capture group named 'nope'", CS("(?<a>x)"),
	         D(1, "[\"nope\"]"), CS("x"));
	CALL_ERR("extract_all", T_DYN, 1, "capture group 2 does not exist", CS("(x)"), D(1, "[2]"),
	         CS("x"));
	CALL_ERR("extract_all", T_DYN, 1, "must be a dynamic array", CS("(x)"), D(1, "{}"),
	         CS("x"));
	CALL_ERR("extract_all", T_DYN, 1, "backreferences", CS("(x)\\k<a>"), CS("x"));
}

static void test_replace_regex(void **state)
{
	(void)state;
	vec o = CALL("replace_regex", T_STR, 3, S(3, "Number is 1.000000", "Number is 22", "none"),
	             CS("is (\\d+)"), CS("was: \\1"));
	strs_eq(&o, 3, "Number was: 1.000000", "Number was: 22", "none");
	o = CALL("replace_regex", T_STR, 1, CS("abc"), CS("x*"), CS("-"));
	str_eq(&o, 0, "-a-b-c-");
	o = CALL("replace_regex", T_STR, 1, CS("a.b.c"), CS("\\."), CS("\\0\\0\\\\\\9"));
	str_eq(&o, 0, "a..\\b..\\c");
	o = CALL("replace_regex", T_STR, 1, CS("héllo wörld"), CS("[éö]"), CS("_"));
	str_eq(&o, 0, "h_llo w_rld");
	/* The legacy replace(regex, rewrite, text). */
	o = CALL("replace", T_STR, 1, CS("(\\d+)"), CS("<\\1>"), CS("a1b22"));
	str_eq(&o, 0, "a<1>b<22>");
	CALL_ERR("replace_regex", T_STR, 1, "invalid regex", CS("x"), CS("[a-"), CS(""));
	CALL_ERR("replace", T_STR, 1, "lookbehind", CS("(?<=x)"), CS(""), CS("x"));
}

static void test_regex_limits(void **state)
{
	(void)state;
	/* Catastrophic backtracking ends with an error, quickly. */
	char s[64];
	memset(s, 'a', 40);
	s[40] = 'b';
	s[41] = '\0';
	CALL_ERR("extract", T_STR, 1, "too much backtracking", CS("(a|aa)+$"), CL(0), S(1, s));
	assert_int_equal(dg.code, KQLITE_LIMIT);
	s[40] = '!';
	CALL_ERR("replace_regex", T_STR, 1, "too much backtracking", S(1, s), CS("^(a|\\w)+$"),
	         CS(""));
}

static void test_regex_api(void **state)
{
	(void)state;
	diag_clear(&dg);
	xregex *re = xregex_compile(&q, "h.llo", 5, true, NULL, 0, 0);
	assert_non_null(re);
	assert_int_equal(xregex_match(re, "say HELLO", 9), 1);
	assert_int_equal(xregex_match(re, "help", 4), 0);
	assert_int_equal(xregex_match(re, "", 0), 0);
	assert_int_equal(xregex_match(re, "x\xffhéllo", 8),
	                 1); /* invalid UTF-8 in the subject is fine */
	assert_int_equal(xregex_groups(re), 0);
	xregex_free(re);
	const char *ymd = "(?P<y>\\d{4})-(?<m>\\d\\d)";
	re = xregex_compile(&q, ymd, strlen(ymd), false, NULL, 0, 0);
	assert_non_null(re);
	assert_int_equal(xregex_groups(re), 2);
	assert_int_equal(xregex_group_number(re, "m", 1), 2);
	assert_int_equal(xregex_group_number(re, "zz", 2), -1);
	assert_int_equal(xregex_find(re, "on 2024-05-01", 13, 0, false, false), 1);
	assert_int_equal(xregex_ovector(re)[2], 3);
	assert_int_equal(xregex_ovector(re)[3], 7);
	assert_int_equal(xregex_find(re, "on 2024-05-01", 13, 0, true, false), 0);
	assert_int_equal(xregex_find(re, "2024-05", 7, 0, true, true), 1);
	xregex_free(re);
	/* Errors without a diag go on the query. */
	assert_null(xregex_compile(&q, "(", 1, false, NULL, 0, 0));
	assert_int_not_equal(dg.code, 0);
	assert_non_null(strstr(dg.msg, "invalid regex"));
	diag_clear(&dg);
	diag d2;
	diag_clear(&d2);
	assert_null(xregex_compile(&q, "\\2(a)(b)", 8, false, &d2, 3, 4));
	assert_non_null(strstr(d2.msg, "backreferences"));
	assert_int_equal(d2.off, 3);
	assert_int_equal(d2.len, 4);
	assert_int_equal(dg.code, 0);
	assert_null(xregex_compile(&q, "(*LIMIT_MATCH=1)a", 17, false, &d2, 0, 0));
	/* Characters: an invalid byte or an overlong form is one character. */
	assert_int_equal(xregex_next_char("é", 2, 0), 2);
	assert_int_equal(xregex_next_char("\xc3", 1, 0), 1);
	assert_int_equal(xregex_next_char("\xe0\x80\x80", 3, 0), 1);
	assert_int_equal(xregex_next_char("\xed\xa0\x80", 3, 0), 1); /* a surrogate */
	assert_int_equal(xregex_next_char("a", 1, 1), 1);
}

static void test_regex_cache(void **state)
{
	(void)state;
	/* Per-row patterns, repeated and changing. */
	vec o = CALL("extract", T_STR, 4, S(4, "a(b)", "a(b)", "(c)d", "a(b)"), CL(1),
	             S(4, "ab", "xab", "cd", "b"));
	strs_eq(&o, 4, "b", "b", "c", "");
	/* A kernel called without prepare compiles on its own and cleans up. */
	const xfn_def *f = xfn_lookup("replace_regex");
	assert_non_null(f);
	xcall c = {.def = f, .rtype = T_STR};
	vec args[] = {S(2, "aa", "ba"), CS("a"), CS("z")};
	vec out = {.type = T_STR};
	assert_true(f->fn(&cx, &c, args, 3, NULL, 2, 2, &out));
	strs_eq(&out, 2, "zz", "bz");
	assert_null(c.state);
	/* Prepared once, run on two batches. */
	xcall c2 = {.def = f, .rtype = T_STR};
	uint8_t types[3] = {T_STR, T_STR, T_STR};
	const vec *consts[3] = {NULL, &args[1], &args[2]};
	assert_true(f->prepare(&q, &c2, types, consts, 3, &dg, 0, 0));
	assert_non_null(c2.state);
	assert_true(f->fn(&cx, &c2, args, 3, NULL, 2, 2, &out));
	str_eq(&out, 1, "bz");
	assert_true(f->fn(&cx, &c2, args, 3, NULL, 2, 2, &out));
	str_eq(&out, 0, "zz");
	c2.cleanup(c2.state);
}

/* Kernels compute the selected rows only and read constants at every row. */
static void test_selection(void **state)
{
	(void)state;
	uint32_t sel[] = {1, 3};
	vec a1[] = {S(4, "a", "b", "c", "d")};
	vec o = call_sel("toupper", T_STR, a1, 1, sel, 2, 4);
	str_eq(&o, 1, "B");
	str_eq(&o, 3, "D");
	assert_null(v_str(&o, 0).p); /* not computed */
	vec a2[] = {CS("(\\d)"), CL(1), S(4, "1", "x2", "3", "y4")};
	o = call_sel("extract", T_STR, a2, 3, sel, 2, 4);
	str_eq(&o, 1, "2");
	str_eq(&o, 3, "4");
	vec a3[] = {CS("héllo"), CL(1), CL(3)};
	o = call_sel("substring", T_STR, a3, 3, sel, 2, 4);
	str_eq(&o, 1, "éll");
	str_eq(&o, 3, "éll");
	vec a4[] = {S(4, "", "", "", ""), CS("x")};
	o = call_sel("coalesce", T_STR, a4, 2, sel, 2, 4);
	str_eq(&o, 3, "x");
	vec a5[] = {D(4, "[1]", "[1,2]", "[]", "[\"a\",\"b\"]"), CS("+")};
	o = call_sel("strcat_array", T_STR, a5, 2, sel, 2, 4);
	str_eq(&o, 1, "1+2");
	str_eq(&o, 3, "a+b");
	vec a6[] = {CS("a,b"), CS(",")};
	o = call_sel("split", T_DYN, a6, 2, sel, 2, 4);
	json_eq(&o, 3, "[\"a\",\"b\"]");
}

static void test_table(void **state)
{
	(void)state;
	static const char *names[] = {
	    "tostring",
	    "tolong",
	    "toint",
	    "toreal",
	    "tobool",
	    "todatetime",
	    "totimespan",
	    "toguid",
	    "todecimal",
	    "iff",
	    "case",
	    "coalesce",
	    "isnull",
	    "isnotnull",
	    "isempty",
	    "isnotempty",
	    "not",
	    "min_of",
	    "max_of",
	    "gettype",
	    "strcat",
	    "strlen",
	    "tolower",
	    "toupper",
	    "substring",
	    "indexof",
	    "split",
	    "trim",
	    "trim_start",
	    "trim_end",
	    "replace_string",
	    "strcat_array",
	    "strrep",
	    "reverse",
	    "countof",
	    "hash_sha256",
	    "base64_encode_tostring",
	    "base64_decode_tostring",
	    "url_encode",
	    "url_decode",
	    "extract",
	    "extract_all",
	    "replace_regex",
	    "replace",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const xfn_def *f = xfn_lookup(names[i]);
		if (!f)
			fail_msg("%s() has no implementation", names[i]);
		assert_int_equal(f->flags & XF_DETERMINISTIC, XF_DETERMINISTIC);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_tostring),
	    T(test_tolong_toint),
	    T(test_toreal_todecimal),
	    T(test_tobool),
	    T(test_todatetime_totimespan_toguid),
	    T(test_vec_cast),
	    T(test_iff),
	    T(test_case),
	    T(test_coalesce),
	    T(test_null_tests),
	    T(test_min_max_of),
	    T(test_gettype),
	    T(test_strcat),
	    T(test_strlen_size_strcmp),
	    T(test_case_mapping),
	    T(test_substring),
	    T(test_indexof),
	    T(test_split),
	    T(test_trim),
	    T(test_replace_string),
	    T(test_strcat_array),
	    T(test_strrep_reverse),
	    T(test_countof),
	    T(test_hash_sha256),
	    T(test_base64),
	    T(test_url),
	    T(test_extract),
	    T(test_extract_all),
	    T(test_replace_regex),
	    T(test_regex_limits),
	    T(test_regex_api),
	    T(test_regex_cache),
	    T(test_selection),
	    T(test_table),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
