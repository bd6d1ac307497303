/* test_fn_time.c -- the datetime, math and dynamic scalar functions
 * (fn_time.c, fn_math.c, fn_dyn.c), each called through its xfn as the
 * engine finds it (xfn_lookup), over hand-built vectors: constant vectors,
 * selection vectors, nulls, calendar edges (month ends, leap years, the
 * ends of the datetime range) and negative ticks. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "types.h"

/* ---- harness --------------------------------------------------------------- */

static arena qa, tmp;
static diag dg;
static xquery q;
static xctx cx;

static int setup(void **state)
{
	(void)state;
	arena_init(&qa);
	arena_init(&tmp);
	diag_clear(&dg);
	q = (xquery){.qa = &qa, .d = &dg, .batch = BATCH_DEFAULT};
	cx = (xctx){&q, &tmp};
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(&qa);
	arena_free(&tmp);
	return 0;
}

#define T_BOOL KQLITE_TYPE_BOOL
#define T_INT KQLITE_TYPE_INT
#define T_LONG KQLITE_TYPE_LONG
#define T_REAL KQLITE_TYPE_REAL
#define T_STR KQLITE_TYPE_STRING
#define T_DT KQLITE_TYPE_DATETIME
#define T_TS KQLITE_TYPE_TIMESPAN
#define T_GUID KQLITE_TYPE_GUID
#define T_DYN KQLITE_TYPE_DYNAMIC

#define NUL INT64_MIN /* in the value lists below: a null row */

static int64_t dt(const char *s)
{
	int64_t t;
	if (!datetime_parse(s, strlen(s), &t))
		fail_msg("bad datetime in test: %s", s);
	return t;
}

static int64_t ts(const char *s)
{
	int64_t t;
	if (!timespan_parse(s, strlen(s), &t))
		fail_msg("bad timespan in test: %s", s);
	return t;
}

static void *talloc(size_t n)
{
	void *p = arena_zalloc(&tmp, n ? n : 1);
	assert_non_null(p);
	return p;
}

/* An integer-typed vector of n rows; NUL marks a null row. */
static vec ivec(uint8_t type, const int64_t *v, uint32_t n)
{
	vec r = {.type = type};
	r.d.i = talloc(8 * n);
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] == NUL) {
			if (!r.nulls)
				r.nulls = talloc(n);
			r.nulls[i] = 1;
		} else {
			r.d.i[i] = v[i];
		}
	}
	return r;
}

static vec icon(uint8_t type, int64_t v)
{
	vec r = ivec(type, &v, 1);
	r.is_const = true;
	return r;
}

/* A constant that is never null (INT64_MIN included). */
static vec iraw(uint8_t type, int64_t v)
{
	vec r = icon(type, 0);
	r.d.i[0] = v;
	return r;
}

/* A real vector; NAN_NULL marks a null row. */
#define NAN_NULL -1.25e300
static vec fvec(const double *v, uint32_t n)
{
	vec r = {.type = T_REAL};
	r.d.f = talloc(8 * n);
	for (uint32_t i = 0; i < n; i++) {
		if (v[i] == NAN_NULL) {
			if (!r.nulls)
				r.nulls = talloc(n);
			r.nulls[i] = 1;
		} else {
			r.d.f[i] = v[i];
		}
	}
	return r;
}

static vec fcon(double v)
{
	vec r = fvec(&v, 1);
	r.is_const = true;
	return r;
}

static vec svec(const char *const *s, uint32_t n)
{
	vec r = {.type = T_STR};
	r.d.s = talloc(sizeof(kstr) * n);
	for (uint32_t i = 0; i < n; i++)
		r.d.s[i] = (kstr){s[i], strlen(s[i])};
	return r;
}

static vec scon(const char *s)
{
	vec r = svec(&s, 1);
	r.is_const = true;
	return r;
}

/* A dynamic vector from JSON texts; NULL is a null row. */
static vec dvec(const char *const *json, uint32_t n)
{
	vec r = {.type = T_DYN};
	r.d.s = talloc(sizeof(kstr) * n);
	for (uint32_t i = 0; i < n; i++) {
		if (!json[i])
			continue;
		strbuf b;
		sb_init(&b);
		if (!dyn_from_json(json[i], strlen(json[i]), &b, NULL))
			fail_msg("bad JSON in test: %s", json[i]);
		char *p = talloc(b.len);
		memcpy(p, b.s, b.len);
		r.d.s[i] = (kstr){p, b.len};
		sb_free(&b);
	}
	return r;
}

static vec dcon(const char *json)
{
	vec r = dvec(&json, 1);
	r.is_const = true;
	return r;
}

/* Calls function `name` with out of type rtype; the call must succeed. */
static vec run_sel(const char *name, uint8_t rtype, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows)
{
	const xfn_def *f = xfn_lookup(name);
	if (!f)
		fail_msg("no implementation of %s", name);
	xcall call = {.def = f, .rtype = rtype};
	vec out = {.type = rtype};
	if (!f->fn(&cx, &call, args, nargs, sel, n, rows, &out))
		fail_msg("%s failed: %s", name, dg.msg);
	assert_int_equal(dg.code, 0);
	return out;
}

static vec run(const char *name, uint8_t rtype, const vec *args, uint32_t nargs, uint32_t rows)
{
	return run_sel(name, rtype, args, nargs, NULL, rows, rows);
}

/* Runs with one row: every argument constant. */
static vec run1(const char *name, uint8_t rtype, const vec *args, uint32_t nargs)
{
	return run(name, rtype, args, nargs, 1);
}

static bool isnull(const vec *v, uint32_t i)
{
	return v_null(v, i);
}

#define CHECK_I(v, i, want)                                                                        \
	do {                                                                                       \
		assert_false(isnull(&(v), (i)));                                                   \
		assert_int_equal(v_i64(&(v), (i)), (int64_t)(want));                               \
	} while (0)
#define CHECK_NULL(v, i) assert_true(isnull(&(v), (i)))
static void check_f(const vec *v, uint32_t i, double want, int line)
{
	if (isnull(v, i))
		fail_msg("line %d: row %u is null, expected %.17g", line, i, want);
	double got = v_f64(v, i);
	if (!(fabs(got - want) <= 1e-12 * (fabs(want) > 1 ? fabs(want) : 1)))
		fail_msg("line %d: row %u is %.17g, expected %.17g", line, i, got, want);
}
#define CHECK_F(v, i, want) check_f(&(v), (i), (want), __LINE__)

static char *str_of(const vec *v, uint32_t i)
{
	kstr s = v_str(v, i);
	char *p = talloc(s.n + 1);
	if (s.n)
		memcpy(p, s.p, s.n);
	return p;
}

#define CHECK_S(v, i, want) assert_string_equal(str_of(&(v), (i)), (want))

/* The JSON text of a dynamic result ("null" for null). */
static char *json_of(const vec *v, uint32_t i)
{
	kstr s = v_str(v, i);
	strbuf b;
	sb_init(&b);
	if (!s.n)
		sb_adds(&b, "null");
	else {
		assert_int_equal(dyn_size((const uint8_t *)s.p, s.n), s.n); /* well formed */
		dyn_to_json((const uint8_t *)s.p, s.n, &b);
	}
	char *p = talloc(b.len + 1);
	memcpy(p, b.s, b.len);
	sb_free(&b);
	return p;
}

#define CHECK_J(v, i, want) assert_string_equal(json_of(&(v), (i)), (want))

/* ---- now, ago ---------------------------------------------------------------- */

static void now_and_ago(void **state)
{
	(void)state;
	q.now = dt("2024-02-29 12:00");
	vec o = run1("now", T_DT, NULL, 0);
	CHECK_I(o, 0, q.now);
	vec a = icon(T_TS, -ts("1d"));
	o = run1("now", T_DT, &a, 1);
	CHECK_I(o, 0, dt("2024-02-28 12:00"));
	int64_t spans[] = {ts("1h"), NUL, ts("-1d"), INT64_MAX};
	a = ivec(T_TS, spans, 4);
	o = run("ago", T_DT, &a, 1, 4);
	CHECK_I(o, 0, dt("2024-02-29 11:00"));
	CHECK_NULL(o, 1);
	CHECK_I(o, 2, dt("2024-03-01 12:00"));
	CHECK_NULL(o, 3); /* far before year 1, not a trap */
	q.now = 5;
	a = icon(T_TS, ts("1d"));
	o = run1("ago", T_DT, &a, 1);
	CHECK_NULL(o, 0); /* before 0001-01-01 */
}

/* ---- bin, floor, bin_at -------------------------------------------------------- */

static void bin_numbers(void **state)
{
	(void)state;
	int64_t xs[] = {7, -7, 10, NUL, 0, INT64_MAX};
	vec a[2] = {ivec(T_LONG, xs, 6), icon(T_LONG, 5)};
	a[0].d.i[4] = INT64_MIN;
	vec o = run("bin", T_LONG, a, 2, 6);
	CHECK_I(o, 0, 5);
	CHECK_I(o, 1, -10); /* rounds down, not toward zero */
	CHECK_I(o, 2, 10);
	CHECK_NULL(o, 3);
	CHECK_NULL(o, 4); /* the multiple below long_min does not exist */
	CHECK_I(o, 5, INT64_MAX / 5 * 5);
	/* size 0, negative or null: null */
	int64_t sizes[] = {0, -5, NUL, 2};
	a[0] = icon(T_LONG, 7);
	a[1] = ivec(T_LONG, sizes, 4);
	o = run("bin", T_LONG, a, 2, 4); /* floor() is its alias */
	CHECK_NULL(o, 0);
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_I(o, 3, 6);

	double fx[] = {4.5, -4.5, 25.73, NAN_NULL};
	a[0] = fvec(fx, 4);
	a[1] = icon(T_LONG, 1);
	o = run("bin", T_REAL, a, 2, 4);
	CHECK_F(o, 0, 4.0);
	CHECK_F(o, 1, -5.0);
	CHECK_F(o, 2, 25.0);
	CHECK_NULL(o, 3);
	a[1] = fcon(4);
	o = run("bin", T_REAL, a, 2, 3);
	CHECK_F(o, 2, 24.0);
	a[1] = fcon(0.0);
	o = run("bin", T_REAL, a, 2, 1);
	CHECK_NULL(o, 0);
	/* a long binned by a real size stays a long */
	a[0] = icon(T_LONG, 7);
	a[1] = fcon(2.5);
	o = run1("bin", T_LONG, a, 2);
	CHECK_I(o, 0, 5);
}

static void bin_time(void **state)
{
	(void)state;
	vec a[3];
	a[0] = icon(T_TS, ts("16d"));
	a[1] = icon(T_TS, ts("7d"));
	vec o = run1("bin", T_TS, a, 2);
	CHECK_I(o, 0, ts("14d"));
	a[0] = icon(T_TS, -ts("1.5h"));
	a[1] = icon(T_TS, ts("1h"));
	o = run1("bin", T_TS, a, 2);
	CHECK_I(o, 0, -ts("2h"));

	int64_t ds[] = {dt("1970-05-11 13:45:07"), dt("2024-02-29 23:59:59.9999999"), -5, NUL,
	                TICKS_MAX_DATETIME};
	a[0] = ivec(T_DT, ds, 5);
	a[1] = icon(T_TS, ts("1d"));
	uint32_t sel[] = {0, 2, 3, 4};
	o = run_sel("bin", T_DT, a, 2, sel, 4, 5);
	CHECK_I(o, 0, dt("1970-05-11"));
	CHECK_NULL(o, 2); /* negative ticks are no datetime */
	CHECK_NULL(o, 3);
	CHECK_I(o, 4, dt("9999-12-31"));
	/* weeks are counted from 0001-01-01, a Monday */
	a[0] = icon(T_DT, dt("2024-02-29 10:00"));
	a[1] = icon(T_TS, ts("7d"));
	o = run1("bin", T_DT, a, 2);
	CHECK_I(o, 0, dt("2024-02-26"));

	/* bin_at, the docs' examples */
	a[0] = fcon(6.5);
	a[1] = fcon(2.5);
	a[2] = fcon(7);
	o = run1("bin_at", T_REAL, a, 3);
	CHECK_F(o, 0, 4.5);
	a[0] = icon(T_TS, ts("1h"));
	a[1] = icon(T_TS, ts("1d"));
	a[2] = icon(T_TS, ts("12h"));
	o = run1("bin_at", T_TS, a, 3);
	CHECK_I(o, 0, -ts("12h"));
	int64_t d2[] = {dt("2017-05-15 10:20:00"), dt("2017-05-15 13:00"), NUL};
	a[0] = ivec(T_DT, d2, 3);
	a[1] = icon(T_TS, ts("1d"));
	a[2] = icon(T_DT, dt("1970-01-01 12:00"));
	o = run("bin_at", T_DT, a, 3, 3);
	CHECK_I(o, 0, dt("2017-05-14 12:00"));
	CHECK_I(o, 1, dt("2017-05-15 12:00"));
	CHECK_NULL(o, 2);
	a[0] = icon(T_LONG, INT64_MAX);
	a[1] = icon(T_LONG, 10);
	a[2] = iraw(T_LONG, INT64_MIN);
	o = run1("bin_at", T_LONG, a, 3);
	CHECK_NULL(o, 0); /* x - at overflows: null */
	a[0] = icon(T_LONG, 17);
	a[2] = icon(T_LONG, 3);
	o = run1("bin_at", T_LONG, a, 3);
	CHECK_I(o, 0, 13);
	a[1] = icon(T_LONG, -10);
	o = run1("bin_at", T_LONG, a, 3);
	CHECK_NULL(o, 0);
}

/* ---- startof / endof, calendar parts ------------------------------------------ */

static int64_t run_dt(const char *fn, uint8_t rtype, int64_t t, int64_t off, bool with_off,
                      bool *null)
{
	vec a[2] = {iraw(T_DT, t), iraw(T_LONG, off)};
	vec o = run1(fn, rtype, a, with_off ? 2 : 1);
	*null = isnull(&o, 0);
	return *null ? 0 : v_i64(&o, 0);
}

#define DT_EQ(fn, t, want)                                                                         \
	do {                                                                                       \
		bool nl;                                                                           \
		assert_int_equal(run_dt(fn, T_DT, t, 0, false, &nl), want);                        \
		assert_false(nl);                                                                  \
	} while (0)
#define DT_OFF_EQ(fn, t, off, want)                                                                \
	do {                                                                                       \
		bool nl;                                                                           \
		assert_int_equal(run_dt(fn, T_DT, t, off, true, &nl), want);                       \
		assert_false(nl);                                                                  \
	} while (0)
#define DT_OFF_NULL(fn, t, off)                                                                    \
	do {                                                                                       \
		bool nl;                                                                           \
		run_dt(fn, T_DT, t, off, true, &nl);                                               \
		assert_true(nl);                                                                   \
	} while (0)
#define PART_EQ(fn, rtype, t, want)                                                                \
	do {                                                                                       \
		bool nl;                                                                           \
		assert_int_equal(run_dt(fn, rtype, t, 0, false, &nl), want);                       \
		assert_false(nl);                                                                  \
	} while (0)

static void start_and_end(void **state)
{
	(void)state;
	int64_t t = dt("2024-02-29 13:14:15.5"); /* a Thursday */
	DT_EQ("startofday", t, dt("2024-02-29"));
	DT_OFF_EQ("startofday", t, -1, dt("2024-02-28"));
	DT_OFF_EQ("startofday", t, 1, dt("2024-03-01"));
	DT_EQ("startofweek", t, dt("2024-02-25"));
	DT_OFF_EQ("startofweek", t, 1, dt("2024-03-03"));
	DT_EQ("startofweek", dt("2024-02-25 01:00"),
	      dt("2024-02-25")); /* a Sunday starts its week */
	DT_EQ("startofmonth", t, dt("2024-02-01"));
	DT_OFF_EQ("startofmonth", t, 1, dt("2024-03-01"));
	DT_OFF_EQ("startofmonth", t, -2, dt("2023-12-01"));
	DT_OFF_EQ("startofmonth", t, -14, dt("2022-12-01"));
	DT_EQ("startofyear", t, dt("2024-01-01"));
	DT_OFF_EQ("startofyear", t, -1, dt("2023-01-01"));
	DT_EQ("endofday", t, dt("2024-02-29 23:59:59.9999999"));
	DT_OFF_EQ("endofday", t, -1, dt("2024-02-28 23:59:59.9999999"));
	DT_EQ("endofweek", t, dt("2024-03-02 23:59:59.9999999"));
	DT_EQ("endofmonth", t, dt("2024-02-29 23:59:59.9999999"));
	DT_EQ("endofmonth", dt("2023-02-10"), dt("2023-02-28 23:59:59.9999999"));
	DT_EQ("endofmonth", dt("1900-02-10"), dt("1900-02-28 23:59:59.9999999")); /* no leap day */
	DT_EQ("endofmonth", dt("2000-02-10"), dt("2000-02-29 23:59:59.9999999"));
	DT_OFF_EQ("endofmonth", dt("2024-01-31"), 1, dt("2024-02-29 23:59:59.9999999"));
	DT_EQ("endofmonth", dt("2024-12-31 23:59:59.9999999"), dt("2024-12-31 23:59:59.9999999"));
	DT_EQ("endofyear", t, dt("2024-12-31 23:59:59.9999999"));
	/* the ends of the range */
	DT_EQ("endofyear", dt("9999-06-01"), TICKS_MAX_DATETIME);
	DT_EQ("endofday", TICKS_MAX_DATETIME, TICKS_MAX_DATETIME);
	DT_EQ("startofweek", dt("0001-01-07 05:00"), dt("0001-01-07")); /* the first Sunday */
	DT_OFF_NULL("startofweek", dt("0001-01-06"), 0); /* its week starts in year 0 */
	DT_OFF_NULL("startofyear", dt("9999-06-01"), 1);
	DT_OFF_NULL("startofday", dt("0001-01-01"), -1);
	DT_OFF_NULL("endofmonth", dt("9999-12-01"), 0 + 1);
	DT_OFF_NULL("startofmonth", t, INT64_MAX);
	DT_OFF_NULL("startofyear", t, INT64_MIN);
	DT_OFF_NULL("endofweek", t, INT64_MAX);
	DT_OFF_NULL("startofday", -1, 0); /* negative ticks in: null */

	/* nulls, a selection, a per-row offset */
	int64_t ds[] = {t, NUL, dt("2023-03-31"), t};
	int64_t offs[] = {0, 0, -1, NUL};
	vec a[2] = {ivec(T_DT, ds, 4), ivec(T_LONG, offs, 4)};
	uint32_t sel[] = {1, 2, 3};
	vec o = run_sel("startofmonth", T_DT, a, 2, sel, 3, 4);
	CHECK_NULL(o, 1);
	CHECK_I(o, 2, dt("2023-02-01"));
	CHECK_NULL(o, 3);
}

static void calendar_parts(void **state)
{
	(void)state;
	int64_t t = dt("2024-02-29 13:14:15.5");
	PART_EQ("dayofweek", T_TS, t, 4 * TICKS_PER_DAY);
	PART_EQ("dayofweek", T_TS, dt("2024-02-25"), 0);
	PART_EQ("dayofweek", T_TS, 0, TICKS_PER_DAY); /* 0001-01-01: Monday */
	PART_EQ("dayofmonth", T_INT, t, 29);
	PART_EQ("dayofyear", T_INT, t, 60);
	PART_EQ("dayofyear", T_INT, dt("2023-12-31"), 365);
	PART_EQ("dayofyear", T_INT, dt("2024-12-31"), 366);
	PART_EQ("getmonth", T_INT, t, 2);
	PART_EQ("monthofyear", T_INT, dt("2024-12-31"), 12);
	PART_EQ("getyear", T_INT, t, 2024);
	PART_EQ("getyear", T_INT, TICKS_MAX_DATETIME, 9999);
	PART_EQ("getyear", T_INT, 0, 1);
	PART_EQ("hourofday", T_INT, t, 13);
	PART_EQ("hourofday", T_INT, dt("2024-02-29 23:59:59.9999999"), 23);
	/* ISO weeks (the docs' examples), and the legacy weekofyear */
	PART_EQ("week_of_year", T_INT, dt("2020-12-31"), 53);
	PART_EQ("week_of_year", T_INT, dt("2020-06-15"), 25);
	PART_EQ("week_of_year", T_INT, dt("1970-01-01"), 1);
	PART_EQ("week_of_year", T_INT, dt("2000-01-01"), 52);
	PART_EQ("week_of_year", T_INT, dt("2021-01-03"), 53);
	PART_EQ("week_of_year", T_INT, dt("2007-12-31"), 1);
	PART_EQ("weekofyear", T_INT, dt("2007-12-31"), 53);
	PART_EQ("weekofyear", T_INT, dt("2008-12-29"), 53);
	PART_EQ("weekofyear", T_INT, dt("2020-06-15"), 25);
	PART_EQ("weekofyear", T_INT, dt("2000-01-01"), 52);
	/* weeks of the legacy weekofyear start on Sunday */
	PART_EQ("week_of_year", T_INT, dt("2024-02-25"), 8);
	PART_EQ("weekofyear", T_INT, dt("2024-02-25"), 9);
	PART_EQ("weekofyear", T_INT, dt("2024-02-24"), 8);
	/* 2022 starts on a Saturday: its first Wednesday is in the week of Jan 2 */
	PART_EQ("weekofyear", T_INT, dt("2022-01-01"), 52);
	PART_EQ("weekofyear", T_INT, dt("2022-01-02"), 1);
	PART_EQ("week_of_year", T_INT, dt("2022-01-02"), 52);
	int64_t ds[] = {NUL, -1, TICKS_MAX_DATETIME + 1, t};
	vec a = ivec(T_DT, ds, 4);
	vec o = run("getyear", T_INT, &a, 1, 4);
	CHECK_NULL(o, 0);
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_I(o, 3, 2024);
	/* a datetime inside a dynamic string */
	vec d = dcon("\"2021-03-04T05:06:07Z\"");
	o = run1("dayofmonth", T_INT, &d, 1);
	CHECK_I(o, 0, 4);
}

static void datetime_part(void **state)
{
	(void)state;
	static const char *const parts[] = {"year",   "Quarter",     "MONTH",       "week_of_year",
	                                    "day",    "dayOfYear",   "hour",        "minute",
	                                    "second", "millisecond", "microsecond", "nanosecond"};
	static const int64_t want[] = {2017, 4, 10, 44, 30, 303, 1, 2, 3, 765, 765432, 765432100};
	vec a[2] = {svec(parts, 12), icon(T_DT, dt("2017-10-30 01:02:03.7654321"))};
	vec o = run("datetime_part", T_INT, a, 2, 12);
	for (uint32_t i = 0; i < 12; i++)
		CHECK_I(o, i, want[i]);
	/* a null datetime */
	a[0] = scon("year");
	a[1] = icon(T_DT, NUL);
	o = run1("datetime_part", T_INT, a, 2);
	CHECK_NULL(o, 0);
	/* an unknown part: an error at run time... */
	const xfn_def *f = xfn_lookup("datetime_part");
	xcall call = {.def = f};
	vec out = {.type = T_INT};
	a[0] = scon("fortnight");
	a[1] = icon(T_DT, 0);
	assert_false(f->fn(&cx, &call, a, 2, NULL, 1, 1, &out));
	assert_int_equal(dg.code, KQLITE_ERROR);
	assert_non_null(strstr(dg.msg, "unknown part 'fortnight'"));
	/* ...and when constant, at compile time with the call's span */
	diag_clear(&dg);
	assert_non_null(f->prepare);
	uint8_t types[2] = {T_STR, T_DT};
	const vec *consts[2] = {&a[0], NULL};
	diag d2;
	diag_clear(&d2);
	assert_false(f->prepare(&q, &call, types, consts, 2, &d2, 7, 3));
	assert_int_equal(d2.code, KQLITE_ERROR);
	assert_true(d2.has_span && d2.off == 7 && d2.len == 3);
	a[0] = scon("weekofyear"); /* the obsolete part: weeks from Sunday */
	a[1] = icon(T_DT, dt("2024-02-25"));
	vec w = run1("datetime_part", T_INT, a, 2);
	CHECK_I(w, 0, 9);
	a[0] = scon("Day");
	assert_true(f->prepare(&q, &call, types, consts, 2, &d2, 7, 3));
	assert_non_null(call.state);
	a[1] = icon(T_DT, dt("2017-10-30"));
	out = (vec){.type = T_INT};
	assert_true(f->fn(&cx, &call, a, 2, NULL, 1, 1, &out));
	CHECK_I(out, 0, 30);
}

static void datetime_add(void **state)
{
	(void)state;
	static const char *const per[] = {
	    "month",  "year",        "quarter",     "week",       "day",  "hour",  "minute",
	    "second", "millisecond", "microsecond", "nanosecond", "Year", "month", "day"};
	int64_t amount[] = {1, 1, -1, 2, -1, 25, 61, -1, 1500, 3, 150, 8000, NUL, INT64_MAX};
	int64_t base[] = {dt("2024-01-31"),
	                  dt("2024-02-29"),
	                  dt("2024-05-31"),
	                  dt("2024-02-29"),
	                  dt("2024-03-01"),
	                  dt("2024-02-28"),
	                  dt("2024-02-29"),
	                  dt("2024-01-01"),
	                  dt("2024-01-01"),
	                  0,
	                  0,
	                  dt("2024-01-01"),
	                  dt("2024-01-01"),
	                  dt("2024-01-01")};
	vec a[3] = {svec(per, 14), ivec(T_LONG, amount, 14), ivec(T_DT, base, 14)};
	vec o = run("datetime_add", T_DT, a, 3, 14);
	CHECK_I(o, 0, dt("2024-02-29")); /* the day is clamped */
	CHECK_I(o, 1, dt("2025-02-28"));
	CHECK_I(o, 2, dt("2024-02-29"));
	CHECK_I(o, 3, dt("2024-03-14"));
	CHECK_I(o, 4, dt("2024-02-29"));
	CHECK_I(o, 5, dt("2024-02-29 01:00"));
	CHECK_I(o, 6, dt("2024-02-29 01:01"));
	CHECK_I(o, 7, dt("2023-12-31 23:59:59"));
	CHECK_I(o, 8, dt("2024-01-01 00:00:01.5"));
	CHECK_I(o, 9, 30);
	CHECK_I(o, 10, 1); /* 150 ns: whole ticks only */
	CHECK_NULL(o, 11); /* past 9999 */
	CHECK_NULL(o, 12);
	CHECK_NULL(o, 13); /* overflow */
	/* unknown period */
	const xfn_def *f = xfn_lookup("datetime_add");
	xcall call = {.def = f};
	vec out = {.type = T_DT};
	a[0] = scon("week_of_year");
	a[1] = icon(T_LONG, 1);
	a[2] = icon(T_DT, 0);
	assert_false(f->fn(&cx, &call, a, 3, NULL, 1, 1, &out));
	assert_non_null(strstr(dg.msg, "datetime_add(): unknown period 'week_of_year'"));
}

static void datetime_diff(void **state)
{
	(void)state;
	static const char *const per[] = {
	    "year",   "quarter",     "month",       "week",       "day", "hour", "minute",
	    "second", "millisecond", "microsecond", "nanosecond", "day", "year"};
	int64_t d1[] = {dt("2017-01-01"),
	                dt("2017-07-01"),
	                dt("2017-01-01"),
	                dt("2017-10-29 00:00"),
	                dt("2017-10-29 00:00"),
	                dt("2017-10-31 01:00"),
	                dt("2017-10-30 23:05:01"),
	                dt("2017-10-30 23:00:10.100"),
	                dt("2017-10-30 23:00:00.200100"),
	                dt("2017-10-30 23:00:00.1009001"),
	                dt("2017-10-30 23:00:00.0000000"),
	                dt("2017-09-30 23:59"),
	                NUL};
	int64_t d2[] = {dt("2000-12-31"),
	                dt("2017-03-30"),
	                dt("2015-12-30"),
	                dt("2017-09-30 23:59"),
	                dt("2017-09-30 23:59"),
	                dt("2017-10-30 23:59"),
	                dt("2017-10-30 23:00:59"),
	                dt("2017-10-30 23:00:00.900"),
	                dt("2017-10-30 23:00:00.100900"),
	                dt("2017-10-30 23:00:00.1008009"),
	                dt("2017-10-30 23:00:00.0000007"),
	                dt("2017-10-29 00:00"),
	                dt("2017-01-01")};
	static const int64_t want[] = {17, 2, 13, 5, 29, 2, 5, 10, 100, 100, -700, -29};
	vec a[3] = {svec(per, 13), ivec(T_DT, d1, 13), ivec(T_DT, d2, 13)};
	vec o = run("datetime_diff", T_LONG, a, 3, 13);
	for (uint32_t i = 0; i < 12; i++)
		CHECK_I(o, i, want[i]);
	CHECK_NULL(o, 12);
	a[0] = scon("nanosecond");
	a[1] = icon(T_DT, TICKS_MAX_DATETIME);
	a[2] = icon(T_DT, 0);
	o = run1("datetime_diff", T_LONG, a, 3);
	CHECK_NULL(o, 0); /* 3e20 ns does not fit a long */
}

/* ---- format_datetime, format_timespan ------------------------------------------ */

static const char *fmt_dt(int64_t t, const char *f)
{
	vec a[2] = {icon(T_DT, t), scon(f)};
	vec o = run1("format_datetime", T_STR, a, 2);
	return str_of(&o, 0);
}

static const char *fmt_ts(int64_t t, const char *f)
{
	vec a[2] = {iraw(T_TS, t), scon(f)};
	vec o = run1("format_timespan", T_STR, a, 2);
	return str_of(&o, 0);
}

static void format_datetime(void **state)
{
	(void)state;
	int64_t t = dt("2017-01-29 09:00:05");
	assert_string_equal(fmt_dt(t, "yy-MM-dd [HH:mm:ss]"), "17-01-29 [09:00:05]");
	assert_string_equal(fmt_dt(t, "yyyy-M-dd [H:mm:ss]"), "2017-1-29 [9:00:05]");
	assert_string_equal(fmt_dt(t, "yy-MM-dd [hh:mm:ss tt]"), "17-01-29 [09:00:05 AM]");
	int64_t u = dt("2009-06-15T13:45:30.6175425");
	assert_string_equal(fmt_dt(u, "f ff fff ffff fffff ffffff fffffff"),
	                    "6 61 617 6175 61754 617542 6175425");
	assert_string_equal(fmt_dt(u, "F FF FFF FFFFFFF"), "6 61 617 6175425");
	assert_string_equal(fmt_dt(dt("2009-06-15T13:45:30.0001150"), "fffffff|FFFFFFF|FFF"),
	                    "0001150|000115|");
	assert_string_equal(fmt_dt(dt("2009-06-15T13:45:30"), "ss.FFF"),
	                    "30"); /* the '.' goes too */
	assert_string_equal(fmt_dt(dt("2009-06-15T13:45:30.05"), "ss.ff"), "30.05");
	assert_string_equal(fmt_dt(u, "h hh H HH m mm s ss d dd M MM t tt"),
	                    "1 01 13 13 45 45 30 30 15 15 6 06 P PM");
	assert_string_equal(fmt_dt(dt("2009-06-15T00:05:09"), "h:m:s"), "12:5:9");
	assert_string_equal(fmt_dt(u, "ddd dddd MMM MMMM"), "Mon Monday Jun June");
	assert_string_equal(fmt_dt(dt("0900-01-01"), "y yy yyyy"), "0 00 0900");
	assert_string_equal(fmt_dt(dt("0001-01-01"), "y yy yyyy"), "1 01 0001");
	assert_string_equal(fmt_dt(dt("2019-06-15"), "y/yy,yyy_yyyyy"), "19/19,2019_02019");
	assert_string_equal(fmt_dt(u, "yyyy-MM-ddTHH:mm:ss'Z' \\y"), "2009-06-15T13:45:30Z y");
	assert_string_equal(fmt_dt(TICKS_MAX_DATETIME, "yyyy-MM-dd HH:mm:ss.fffffff"),
	                    "9999-12-31 23:59:59.9999999");
	assert_string_equal(fmt_dt(u, ""), "");
	/* nulls and out-of-range values give the empty string (string null) */
	int64_t ds[] = {NUL, -1, u};
	vec a[2] = {ivec(T_DT, ds, 3), scon("yyyy")};
	vec o = run("format_datetime", T_STR, a, 2, 3);
	CHECK_S(o, 0, "");
	CHECK_S(o, 1, "");
	CHECK_S(o, 2, "2009");
}

static void format_timespan(void **state)
{
	(void)state;
	int64_t t = ts("29.09:00:05.12345");
	assert_string_equal(fmt_ts(t, "dd.hh:mm:ss:FF"), "29.09:00:05:12");
	assert_string_equal(fmt_ts(t, "ddd.h:mm:ss [fffffff]"), "029.9:00:05 [1234500]");
	assert_string_equal(fmt_ts(t, "d.H:m:s FFFFFFF"), "29.9:0:5 12345");
	assert_string_equal(fmt_ts(ts("15.13:45:30"), "dddddddd HH.FFF"), "00000015 13");
	assert_string_equal(fmt_ts(-ts("1h") - ts("30m"), "hh:mm"), "-01:30");
	assert_string_equal(fmt_ts(INT64_MIN, "d"), "-10675199");
	int64_t v[] = {NUL, 0};
	vec a[2] = {ivec(T_TS, v, 2), scon("hh:mm")};
	vec o = run("format_timespan", T_STR, a, 2, 2);
	CHECK_S(o, 0, "");
	CHECK_S(o, 1, "00:00");
}

/* ---- make_datetime, make_timespan, unixtime ---------------------------------------- */

static void make_datetime(void **state)
{
	(void)state;
	vec a[6] = {icon(T_LONG, 2017), icon(T_LONG, 10), icon(T_LONG, 1),
	            icon(T_LONG, 12),   icon(T_LONG, 11), fcon(0.1234567)};
	vec o = run1("make_datetime", T_DT, a, 3);
	CHECK_I(o, 0, dt("2017-10-01"));
	o = run1("make_datetime", T_DT, a, 5);
	CHECK_I(o, 0, dt("2017-10-01 12:11"));
	o = run1("make_datetime", T_DT, a, 6);
	CHECK_I(o, 0, dt("2017-10-01 12:11:00.1234567"));
	o = run1("make_datetime", T_DT, a, 2);
	CHECK_NULL(o, 0);
	int64_t ys[] = {2023, 2024, 0, 10000, 2024, NUL};
	int64_t ms[] = {2, 2, 1, 1, 13, 1};
	int64_t ds[] = {29, 29, 1, 1, 1, 1};
	a[0] = ivec(T_LONG, ys, 6);
	a[1] = ivec(T_LONG, ms, 6);
	a[2] = ivec(T_INT, ds, 6);
	o = run("make_datetime", T_DT, a, 3, 6);
	CHECK_NULL(o, 0); /* no Feb 29 in 2023 */
	CHECK_I(o, 1, dt("2024-02-29"));
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	CHECK_NULL(o, 4);
	CHECK_NULL(o, 5);
	a[0] = icon(T_LONG, 9999);
	a[1] = icon(T_LONG, 12);
	a[2] = icon(T_LONG, 31);
	a[3] = icon(T_LONG, 23);
	a[4] = icon(T_LONG, 59);
	a[5] = fcon(59.99999999);
	o = run1("make_datetime", T_DT, a, 6);
	CHECK_I(o, 0, TICKS_MAX_DATETIME);
	a[5] = fcon(60);
	o = run1("make_datetime", T_DT, a, 6);
	CHECK_NULL(o, 0);
	a[3] = icon(T_LONG, 24);
	o = run1("make_datetime", T_DT, a, 5);
	CHECK_NULL(o, 0);
}

static void make_timespan(void **state)
{
	(void)state;
	vec a[4] = {icon(T_LONG, 1), icon(T_LONG, 12), icon(T_LONG, 30), fcon(55.123)};
	vec o = run1("make_timespan", T_TS, a, 4);
	CHECK_I(o, 0, ts("1.12:30:55.123"));
	o = run1("make_timespan", T_TS, a, 2);
	CHECK_I(o, 0, ts("01:12:00"));
	o = run1("make_timespan", T_TS, a, 3);
	CHECK_I(o, 0, ts("01:12:30"));
	o = run1("make_timespan", T_TS, a, 1);
	CHECK_NULL(o, 0);
	a[0] = icon(T_LONG, 24);
	o = run1("make_timespan", T_TS, a, 2);
	CHECK_NULL(o, 0);
	a[0] = icon(T_LONG, -2);
	o = run1("make_timespan", T_TS, a, 4);
	CHECK_I(o, 0, -2 * TICKS_PER_DAY + ts("12:30:55.123"));
	a[0] = icon(T_LONG, INT64_MAX / 2);
	o = run1("make_timespan", T_TS, a, 4);
	CHECK_NULL(o, 0);
	a[0] = icon(T_LONG, 1);
	a[3] = fcon(NAN);
	o = run1("make_timespan", T_TS, a, 4);
	CHECK_NULL(o, 0);
}

static void unixtime(void **state)
{
	(void)state;
	int64_t s[] = {1546300800, -1, NUL, INT64_MAX, 0};
	vec a = ivec(T_LONG, s, 5);
	vec o = run("unixtime_seconds_todatetime", T_DT, &a, 1, 5);
	CHECK_I(o, 0, dt("2019-01-01"));
	CHECK_I(o, 1, dt("1969-12-31 23:59:59"));
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	CHECK_I(o, 4, TICKS_UNIX_EPOCH);
	double f[] = {1.5, NAN, 1e300, -62135596800.0, -62135596801.0, NAN_NULL};
	a = fvec(f, 6);
	o = run("unixtime_seconds_todatetime", T_DT, &a, 1, 6);
	CHECK_I(o, 0, dt("1970-01-01 00:00:01.5"));
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_I(o, 3, 0); /* 0001-01-01 */
	CHECK_NULL(o, 4);
	CHECK_NULL(o, 5);
	a = icon(T_LONG, 1546300800456);
	o = run1("unixtime_milliseconds_todatetime", T_DT, &a, 1);
	CHECK_I(o, 0, dt("2019-01-01 00:00:00.456"));
	a = icon(T_LONG, 1546300800456789);
	o = run1("unixtime_microseconds_todatetime", T_DT, &a, 1);
	CHECK_I(o, 0, dt("2019-01-01 00:00:00.456789"));
	a = icon(T_LONG, 1546300800123456789);
	o = run1("unixtime_nanoseconds_todatetime", T_DT, &a, 1);
	CHECK_I(o, 0, dt("2019-01-01 00:00:00.1234567"));
	a = icon(T_LONG, -150);
	o = run1("unixtime_nanoseconds_todatetime", T_DT, &a, 1);
	CHECK_I(o, 0, TICKS_UNIX_EPOCH - 2); /* rounded down */
	a = dcon("1546300800");
	o = run1("unixtime_seconds_todatetime", T_DT, &a, 1);
	CHECK_I(o, 0, dt("2019-01-01"));
}

/* ---- math ------------------------------------------------------------------------ */

static void round_abs_ceiling(void **state)
{
	(void)state;
	double x[] = {2.98765, 2.15, 2.15, -50.55, 21.5, 2.5, -2.5, 1e300, NAN_NULL, 123.456};
	int64_t dg_[] = {3, 1, 0, -2, -1, 0, 0, 5, 1, NUL};
	vec a[2] = {fvec(x, 10), ivec(T_LONG, dg_, 10)};
	vec o = run("round", T_REAL, a, 2, 10);
	CHECK_F(o, 0, 2.988);
	CHECK_F(o, 1, 2.2);
	CHECK_F(o, 2, 2.0);
	CHECK_F(o, 3, -100.0);
	CHECK_F(o, 4, 20.0);
	CHECK_F(o, 5, 3.0);
	CHECK_F(o, 6, -3.0);
	assert_true(v_f64(&o, 7) == 1e300);
	CHECK_NULL(o, 8);
	CHECK_NULL(o, 9);
	o = run("round", T_REAL, a, 1, 10);
	CHECK_F(o, 0, 3.0);
	CHECK_F(o, 9, 123.0);
	int64_t l[] = {1250, -1250, 1249, 7, INT64_MAX, 5};
	int64_t ld[] = {-2, -2, -2, 2, -1, -30};
	a[0] = ivec(T_LONG, l, 6);
	a[1] = ivec(T_LONG, ld, 6);
	o = run("round", T_LONG, a, 2, 6);
	CHECK_I(o, 0, 1300);
	CHECK_I(o, 1, -1300);
	CHECK_I(o, 2, 1200);
	CHECK_I(o, 3, 7);
	CHECK_I(o, 4, (int64_t)((uint64_t)(INT64_MAX / 10 + 1) * 10)); /* wraps */
	CHECK_I(o, 5, 0);

	int64_t ax[] = {-3, 3, 0, NUL};
	a[0] = ivec(T_LONG, ax, 4);
	a[0].d.i[2] = INT64_MIN;
	o = run("abs", T_LONG, a, 1, 4);
	CHECK_I(o, 0, 3);
	CHECK_I(o, 1, 3);
	CHECK_I(o, 2, INT64_MIN); /* wraps */
	CHECK_NULL(o, 3);
	a[0] = fcon(-2.5);
	o = run1("abs", T_REAL, a, 1);
	CHECK_F(o, 0, 2.5);
	a[0] = icon(T_TS, -ts("1h"));
	o = run1("abs", T_TS, a, 1);
	CHECK_I(o, 0, ts("1h"));

	double cx_[] = {2.1, -2.1, 3.0, NAN_NULL};
	a[0] = fvec(cx_, 4);
	o = run("ceiling", T_REAL, a, 1, 4);
	CHECK_F(o, 0, 3.0);
	CHECK_F(o, 1, -2.0);
	CHECK_F(o, 2, 3.0);
	CHECK_NULL(o, 3);
	a[0] = icon(T_LONG, 5);
	o = run1("ceiling", T_LONG, a, 1);
	CHECK_I(o, 0, 5);
}

static void logs_and_powers(void **state)
{
	(void)state;
	double x[] = {5, -1, 0, NAN_NULL, 100, 8, 16};
	vec a[2] = {fvec(x, 7)};
	vec o = run("log", T_REAL, a, 1, 7);
	CHECK_F(o, 0, 1.6094379124341003);
	CHECK_NULL(o, 1); /* negative: null, as the docs say */
	assert_true(isinf(v_f64(&o, 2)) && v_f64(&o, 2) < 0);
	CHECK_NULL(o, 3);
	o = run("log10", T_REAL, a, 1, 7);
	CHECK_F(o, 4, 2.0);
	CHECK_NULL(o, 1);
	o = run("log2", T_REAL, a, 1, 7);
	CHECK_F(o, 5, 3.0);
	CHECK_NULL(o, 1);
	o = run("sqrt", T_REAL, a, 1, 7);
	CHECK_F(o, 6, 4.0);
	CHECK_NULL(o, 1);
	CHECK_F(o, 2, 0.0);
	int64_t l[] = {0, 10, NUL};
	a[0] = ivec(T_LONG, l, 3);
	o = run("exp", T_REAL, a, 1, 3);
	CHECK_F(o, 0, 1.0);
	CHECK_NULL(o, 2);
	o = run("exp2", T_REAL, a, 1, 3);
	CHECK_F(o, 1, 1024.0);
	o = run("exp10", T_REAL, a, 1, 3);
	CHECK_F(o, 1, 1e10);
	a[0] = icon(T_LONG, 2);
	a[1] = icon(T_INT, 3);
	o = run1("pow", T_REAL, a, 2);
	CHECK_F(o, 0, 8.0);
	a[0] = fcon(-8);
	a[1] = fcon(1.0 / 3);
	o = run1("pow", T_REAL, a, 2);
	assert_true(isnan(v_f64(&o, 0))); /* NaN, a real value */
	a[1] = fcon(NAN_NULL);
	o = run1("pow", T_REAL, a, 2);
	CHECK_NULL(o, 0);
	double s[] = {-5, 0, 3.2, NAN, NAN_NULL};
	a[0] = fvec(s, 5);
	o = run("sign", T_REAL, a, 1, 5);
	CHECK_F(o, 0, -1.0);
	CHECK_F(o, 1, 0.0);
	CHECK_F(o, 2, 1.0);
	assert_true(isnan(v_f64(&o, 3)));
	CHECK_NULL(o, 4);
	o = run1("pi", T_REAL, NULL, 0);
	CHECK_F(o, 0, 3.14159265358979323846);
	/* a number inside a dynamic */
	a[0] = dcon("16");
	o = run1("sqrt", T_REAL, a, 1);
	CHECK_F(o, 0, 4.0);
	a[0] = dcon("\"16\"");
	o = run1("sqrt", T_REAL, a, 1);
	CHECK_NULL(o, 0);
}

static void classes_and_rand(void **state)
{
	(void)state;
	double x[] = {NAN, INFINITY, -INFINITY, 1.0, NAN_NULL};
	vec a = fvec(x, 5);
	vec o = run("isnan", T_BOOL, &a, 1, 5);
	assert_true(v_bool(&o, 0) && !v_bool(&o, 1) && !v_bool(&o, 3));
	CHECK_NULL(o, 4);
	o = run("isinf", T_BOOL, &a, 1, 5);
	assert_true(!v_bool(&o, 0) && v_bool(&o, 1) && v_bool(&o, 2) && !v_bool(&o, 3));
	CHECK_NULL(o, 4);
	o = run("isfinite", T_BOOL, &a, 1, 5);
	assert_true(!v_bool(&o, 0) && !v_bool(&o, 1) && !v_bool(&o, 2) && v_bool(&o, 3));
	a = icon(T_LONG, 7);
	o = run1("isfinite", T_BOOL, &a, 1);
	assert_true(v_bool(&o, 0));

	const xfn_def *f = xfn_lookup("rand");
	assert_non_null(f);
	assert_int_equal(f->flags & XF_DETERMINISTIC, 0);
	o = run("rand", T_REAL, NULL, 0, 100);
	bool differ = false;
	for (uint32_t i = 0; i < 100; i++) {
		assert_true(v_f64(&o, i) >= 0 && v_f64(&o, i) < 1);
		differ |= v_f64(&o, i) != v_f64(&o, 0);
	}
	assert_true(differ);
	int64_t lim[] = {10, 0, NUL, 1};
	a = ivec(T_LONG, lim, 4);
	/* with a prepared state */
	xcall call = {.def = f};
	uint8_t types[1] = {T_LONG};
	const vec *consts[1] = {NULL};
	diag d2;
	diag_clear(&d2);
	assert_true(f->prepare(&q, &call, types, consts, 1, &d2, 0, 0));
	o = (vec){.type = T_REAL};
	assert_true(f->fn(&cx, &call, &a, 1, NULL, 4, 4, &o));
	double r = v_f64(&o, 0);
	assert_true(r >= 0 && r <= 9 && r == floor(r));
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_F(o, 3, 0.0);
}

static void hex_and_bits(void **state)
{
	(void)state;
	int64_t v[] = {256, -256, 256, 256, NUL, 0};
	int64_t len[] = {NUL, 0, 8, 2, 4, 40};
	vec a[2] = {ivec(T_LONG, v, 6), ivec(T_LONG, len, 6)};
	vec o = run("tohex", T_STR, a, 1, 6);
	CHECK_S(o, 0, "100");
	CHECK_S(o, 1, "ffffffffffffff00");
	CHECK_S(o, 4, "");
	CHECK_S(o, 5, "0");
	o = run("tohex", T_STR, a, 2, 6);
	CHECK_S(o, 0, ""); /* null minLength: null */
	CHECK_S(o, 2, "00000100");
	CHECK_S(o, 3, "100");
	CHECK_S(o, 5, "0000000000000000"); /* at most 16 */
	a[0] = icon(T_INT, -256);
	a[1] = icon(T_LONG, 8);
	o = run1("tohex", T_STR, a, 2);
	CHECK_S(o, 0, "ffffff00");

	int64_t x[] = {12, -8, 1, 1, INT64_C(0x4000000000000000), NUL, 8};
	int64_t y[] = {10, 1, 65, -1, 1, 1, NUL};
	a[0] = ivec(T_LONG, x, 7);
	a[1] = ivec(T_LONG, y, 7);
	o = run("binary_and", T_LONG, a, 2, 7);
	CHECK_I(o, 0, 8);
	CHECK_NULL(o, 5);
	CHECK_NULL(o, 6);
	o = run("binary_or", T_LONG, a, 2, 7);
	CHECK_I(o, 0, 14);
	o = run("binary_xor", T_LONG, a, 2, 7);
	CHECK_I(o, 0, 6);
	o = run("binary_not", T_LONG, a, 1, 7);
	CHECK_I(o, 0, ~INT64_C(12));
	CHECK_NULL(o, 5);
	CHECK_I(o, 6, -9);
	o = run("binary_shift_left", T_LONG, a, 2, 7);
	CHECK_I(o, 0, 12 << 10);
	CHECK_I(o, 2, 2);         /* 65 % 64 */
	CHECK_NULL(o, 3);         /* negative count */
	CHECK_I(o, 4, INT64_MIN); /* wraps */
	o = run("binary_shift_right", T_LONG, a, 2, 7);
	CHECK_I(o, 0, 0);
	CHECK_I(o, 1, -4); /* keeps the sign */
	CHECK_NULL(o, 3);
}

/* ---- dynamic ------------------------------------------------------------------------ */

static void parse_json(void **state)
{
	(void)state;
	static const char *const s[] = {
	    "{\"a\":[1,2.5,\"x\"]}", "not json", "", "null", " 42 ", "[1,"};
	vec a = svec(s, 6);
	vec o = run("parse_json", T_DYN, &a, 1, 6);
	CHECK_J(o, 0, "{\"a\":[1,2.5,\"x\"]}");
	CHECK_J(o, 1, "\"not json\""); /* not JSON: the string itself */
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	CHECK_J(o, 4, "42");
	CHECK_J(o, 5, "\"[1,\"");
	a = dcon("{\"b\":true}");
	o = run1("parse_json", T_DYN, &a, 1);
	CHECK_J(o, 0, "{\"b\":true}"); /* dynamic passes through */
	int64_t l[] = {5, NUL};
	a = ivec(T_LONG, l, 2);
	o = run("parse_json", T_DYN, &a, 1, 2);
	CHECK_J(o, 0, "5");
	CHECK_NULL(o, 1);
}

static void arrays(void **state)
{
	(void)state;
	static const char *const d[] = {"[1,2,3]", "{}", NULL, "\"s\"", "[]"};
	vec a[5] = {dvec(d, 5)};
	vec o = run("array_length", T_LONG, a, 1, 5);
	CHECK_I(o, 0, 3);
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	CHECK_I(o, 4, 0);

	/* pack_array encodes every type */
	uint8_t g[16];
	for (int k = 0; k < 16; k++)
		g[k] = (uint8_t)k;
	vec gv = {.type = T_GUID, .is_const = true};
	gv.d.g = talloc(16);
	memcpy(gv.d.g[0], g, 16);
	vec bv = {.type = T_BOOL, .is_const = true};
	bv.d.b = talloc(1);
	bv.d.b[0] = 1;
	vec args[9] = {icon(T_INT, 1),
	               scon("a"),
	               icon(T_DT, dt("2021-01-02 03:04:05")),
	               fcon(2.5),
	               bv,
	               icon(T_LONG, NUL),
	               icon(T_TS, -ts("1.5h")),
	               gv,
	               dcon("{\"k\":[null]}")};
	o = run1("pack_array", T_DYN, args, 9);
	CHECK_J(o, 0,
	        "[1,\"a\",\"2021-01-02T03:04:05.0000000Z\",2.5,true,null,\"-01:30:00\","
	        "\"00010203-0405-0607-0809-0a0b0c0d0e0f\",{\"k\":[null]}]");

	static const char *const c1[] = {"[1]", "[]", "[1]"};
	static const char *const c2[] = {"[2,[3]]", "[]", "{}"};
	a[0] = dvec(c1, 3);
	a[1] = dvec(c2, 3);
	o = run("array_concat", T_DYN, a, 2, 3);
	CHECK_J(o, 0, "[1,2,[3]]");
	CHECK_J(o, 1, "[]");
	CHECK_NULL(o, 2); /* not all arrays */

	/* array_slice: the docs' examples, and clamping */
	static const char *const sl[] = {"[1,2,3]", "[1,2,3,4,5]", "[1,2,3,4,5]", "[1,2,3]",
	                                 "[1,2,3]", "[1,2,3]",     "{\"a\":1}"};
	int64_t st[] = {1, 2, -3, -10, 2, 5, 0};
	int64_t en[] = {2, -1, -2, 10, 1, 9, 0};
	a[0] = dvec(sl, 7);
	a[1] = ivec(T_LONG, st, 7);
	a[2] = ivec(T_LONG, en, 7);
	o = run("array_slice", T_DYN, a, 3, 7);
	CHECK_J(o, 0, "[2,3]");
	CHECK_J(o, 1, "[3,4,5]");
	CHECK_J(o, 2, "[3,4]");
	CHECK_J(o, 3, "[1,2,3]");
	CHECK_J(o, 4, "[]");
	CHECK_J(o, 5, "[]");
	CHECK_NULL(o, 6);
}

static void index_of(void **state)
{
	(void)state;
	/* the docs' examples */
	vec arr = dcon("[\"this\",\"is\",\"an\",\"example\",\"an\",\"example\"]");
	static const char *const look[] = {"an", "example", "example", "is", "example",
	                                   "an", "an",      "an",      "is"};
	int64_t st[] = {0, 1, 1, 2, 2, 1, 1, -3, -4};
	int64_t ln[] = {-1, 3, 2, 4, -1, -1, -1, -1, -1};
	int64_t oc[] = {1, 1, 1, 1, 1, 2, 3, 1, 1};
	static const int64_t want[] = {2, 3, -1, -1, 3, 4, -1, 4, -1};
	vec a[5] = {arr, svec(look, 9), ivec(T_LONG, st, 9), ivec(T_LONG, ln, 9),
	            ivec(T_LONG, oc, 9)};
	vec o = run("array_index_of", T_LONG, a, 5, 9);
	for (uint32_t i = 0; i < 9; i++)
		CHECK_I(o, i, want[i]);
	o = run("array_index_of", T_LONG, a, 2, 1);
	CHECK_I(o, 0, 2);
	/* numbers compare by value; nulls and bad arguments */
	a[0] = dcon("[1,2.0,\"3\",true]");
	int64_t nv[] = {2, 3, 1, NUL};
	a[1] = ivec(T_LONG, nv, 4);
	o = run("array_index_of", T_LONG, a, 2, 4);
	CHECK_I(o, 0, 1);
	CHECK_I(o, 1, -1);
	CHECK_I(o, 2, 0);
	CHECK_NULL(o, 3);
	a[1] = icon(T_LONG, 1);
	a[2] = icon(T_LONG, 0);
	a[3] = icon(T_LONG, -2);
	o = run1("array_index_of", T_LONG, a, 4);
	CHECK_NULL(o, 0); /* length < -1 */
	a[3] = icon(T_LONG, -1);
	a[4] = icon(T_LONG, -1);
	o = run1("array_index_of", T_LONG, a, 5);
	CHECK_NULL(o, 0); /* occurrence < 0 */
	a[0] = dcon("{\"a\":1}");
	o = run1("array_index_of", T_LONG, a, 2);
	CHECK_NULL(o, 0);
}

static void bags(void **state)
{
	(void)state;
	vec a[6] = {scon("a"), icon(T_LONG, 1), scon("b"), scon("x"), scon("a"), icon(T_LONG, 2)};
	vec o = run1("bag_pack", T_DYN, a, 6);
	CHECK_J(o, 0, "{\"b\":\"x\",\"a\":2}"); /* the last of a key wins */
	static const char *const keys[] = {"k", ""};
	int64_t vals[] = {NUL, 3};
	a[0] = svec(keys, 2);
	a[1] = ivec(T_LONG, vals, 2);
	a[2] = dcon("\"dk\"");
	a[3] = dcon("[1]");
	a[4] = icon(T_LONG, 5);
	a[5] = fcon(0.5);
	o = run("bag_pack", T_DYN, a, 6, 2);
	CHECK_J(o, 0, "{\"k\":null,\"dk\":[1],\"5\":0.5}");
	CHECK_J(o, 1, "{\"\":3,\"dk\":[1],\"5\":0.5}");
	/* odd arguments: an error when prepared and when run */
	const xfn_def *f = xfn_lookup("bag_pack");
	xcall call = {.def = f};
	uint8_t types[3] = {T_STR, T_LONG, T_STR};
	const vec *consts[3] = {NULL, NULL, NULL};
	diag d2;
	diag_clear(&d2);
	assert_false(f->prepare(&q, &call, types, consts, 3, &d2, 0, 8));
	assert_non_null(strstr(d2.msg, "key/value pairs"));
	vec out = {.type = T_DYN};
	assert_false(f->fn(&cx, &call, a, 3, NULL, 1, 1, &out));
	assert_int_equal(dg.code, KQLITE_ERROR);
	diag_clear(&dg);

	static const char *const b[] = {"{\"a\":1,\"b\":{\"c\":2}}", "[1]", NULL, "{}"};
	a[0] = dvec(b, 4);
	o = run("bag_keys", T_DYN, a, 1, 4);
	CHECK_J(o, 0, "[\"a\",\"b\"]");
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_J(o, 3, "[]");
}

static void sets(void **state)
{
	(void)state;
	vec a[3] = {dcon("[1,2,2,\"x\"]"), dcon("[2,3,1.0,\"x\",null]"),
	            dcon("[3,1,5,\"x\",null]")};
	vec o = run1("set_union", T_DYN, a, 3);
	CHECK_J(o, 0, "[1,2,\"x\",3,null,5]");
	o = run1("set_intersect", T_DYN, a, 3);
	CHECK_J(o, 0, "[1,\"x\"]");
	o = run1("set_difference", T_DYN, a, 2);
	CHECK_J(o, 0, "[]");
	a[0] = dcon("[1,2,3,2,4,{\"k\":1}]");
	a[1] = dcon("[2]");
	a[2] = dcon("[4]");
	o = run1("set_difference", T_DYN, a, 3);
	CHECK_J(o, 0, "[1,3,{\"k\":1}]");
	a[2] = dcon("{}");
	o = run1("set_union", T_DYN, a, 3);
	CHECK_NULL(o, 0);
	/* many elements (the hash set grows) */
	strbuf big;
	sb_init(&big);
	sb_addc(&big, '[');
	for (int k = 0; k < 3000; k++)
		sb_printf(&big, "%s%d", k ? "," : "", k % 1000);
	sb_addc(&big, ']');
	a[0] = dcon(big.s);
	a[1] = dcon("[999,0]");
	o = run1("set_intersect", T_DYN, a, 2);
	CHECK_J(o, 0, "[0,999]");
	o = run1("set_union", T_DYN, a, 1);
	vec len = run1("array_length", T_LONG, &o, 1);
	CHECK_I(len, 0, 1000);
	sb_free(&big);
}

static void member_and_index(void **state)
{
	(void)state;
	static const char *const d[] = {"{\"a\":{\"b\":5},\"n\":null}", "[1,2,3]", NULL,
	                                "{\"a\":[7]}"};
	vec a[2] = {dvec(d, 4), scon("a")};
	vec o = run("__member", T_DYN, a, 2, 4);
	CHECK_J(o, 0, "{\"b\":5}");
	CHECK_NULL(o, 1);
	CHECK_NULL(o, 2);
	CHECK_J(o, 3, "[7]");
	a[1] = scon("n");
	o = run("__member", T_DYN, a, 2, 1);
	CHECK_NULL(o, 0);
	a[1] = scon("missing");
	o = run("__member", T_DYN, a, 2, 1);
	CHECK_NULL(o, 0);
	int64_t ix[] = {0, -1, 3, NUL};
	a[0] = dcon("[1,2,3]");
	a[1] = ivec(T_LONG, ix, 4);
	uint32_t sel[] = {1, 2, 3};
	o = run_sel("__index", T_DYN, a, 2, sel, 3, 4);
	CHECK_J(o, 1, "3");
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	/* x[key] with a key that is itself dynamic */
	a[0] = dcon("{\"a\":1}");
	a[1] = dcon("\"a\"");
	o = run1("__index", T_DYN, a, 2);
	CHECK_J(o, 0, "1");
	a[0] = dcon("[5,6]");
	a[1] = dcon("1");
	o = run1("__member", T_DYN, a, 2);
	CHECK_J(o, 0, "6");
	/* nested: x.a[0] */
	a[0] = dcon("{\"a\":[7,8]}");
	a[1] = scon("a");
	vec inner = run1("__member", T_DYN, a, 2);
	inner.is_const = true;
	vec b[2] = {inner, icon(T_LONG, 1)};
	o = run1("__index", T_DYN, b, 2);
	CHECK_J(o, 0, "8");
}

/* A call whose argument is dynamic has a dynamic result (the binder knows
 * no better): numbers come back as dynamic longs or reals. */
static void dynamic_results(void **state)
{
	(void)state;
	static const char *const d[] = {"2.567", "-3", NULL, "\"x\"", "4.5"};
	vec a[2] = {dvec(d, 5), icon(T_LONG, 1)};
	vec o = run("round", T_DYN, a, 2, 5);
	CHECK_J(o, 0, "2.6");
	CHECK_J(o, 1, "-3");
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	o = run("abs", T_DYN, a, 1, 5);
	CHECK_J(o, 0, "2.567");
	CHECK_J(o, 1, "3");
	CHECK_NULL(o, 2);
	o = run("ceiling", T_DYN, a, 1, 5);
	CHECK_J(o, 0, "3");
	CHECK_J(o, 1, "-3");
	o = run("bin", T_DYN, a, 2, 5);
	CHECK_J(o, 0, "2");
	CHECK_J(o, 1, "-3");
	CHECK_NULL(o, 3);
	CHECK_J(o, 4, "4");
	assert_int_equal(dyn_tag((const uint8_t *)v_str(&o, 4).p, v_str(&o, 4).n), DYN_REAL);
	assert_int_equal(dyn_tag((const uint8_t *)v_str(&o, 1).p, v_str(&o, 1).n), DYN_LONG);
	/* a dynamic size */
	a[0] = icon(T_LONG, 17);
	a[1] = dcon("5");
	o = run1("bin", T_LONG, a, 2);
	CHECK_I(o, 0, 15);
}

static void trig_and_more(void **state)
{
	(void)state;
	double x[] = {0.5, 2, NAN_NULL, -1};
	vec a[2] = {fvec(x, 4)};
	vec o = run("acos", T_REAL, a, 1, 4);
	CHECK_F(o, 0, acos(0.5));
	CHECK_NULL(o, 1); /* outside [-1, 1] */
	CHECK_NULL(o, 2);
	CHECK_F(o, 3, acos(-1));
	o = run("asin", T_REAL, a, 1, 4);
	CHECK_F(o, 0, asin(0.5));
	CHECK_NULL(o, 1);
	o = run("atan", T_REAL, a, 1, 4);
	CHECK_F(o, 1, atan(2));
	o = run("cos", T_REAL, a, 1, 4);
	CHECK_F(o, 1, cos(2));
	o = run("sin", T_REAL, a, 1, 4);
	CHECK_F(o, 1, sin(2));
	o = run("tan", T_REAL, a, 1, 4);
	CHECK_F(o, 1, tan(2));
	o = run("cot", T_REAL, a, 1, 4);
	CHECK_F(o, 1, 1 / tan(2));
	o = run("gamma", T_REAL, a, 1, 4);
	CHECK_F(o, 1, 1.0);
	o = run("loggamma", T_REAL, a, 1, 4);
	CHECK_F(o, 1, 0.0);
	a[0] = icon(T_LONG, 180);
	o = run1("radians", T_REAL, a, 1);
	CHECK_F(o, 0, 3.14159265358979323846);
	a[0] = fcon(3.14159265358979323846 / 2);
	o = run1("degrees", T_REAL, a, 1);
	CHECK_F(o, 0, 90.0);
	a[0] = fcon(1);
	a[1] = fcon(1);
	o = run1("atan2", T_REAL, a, 2);
	CHECK_F(o, 0, 3.14159265358979323846 / 4);
	int64_t b[] = {0, 7, -1, NUL};
	a[0] = ivec(T_LONG, b, 4);
	o = run("bitset_count_ones", T_LONG, a, 1, 4);
	CHECK_I(o, 0, 0);
	CHECK_I(o, 1, 3);
	CHECK_I(o, 2, 64);
	CHECK_NULL(o, 3);
}

static void more_arrays(void **state)
{
	(void)state;
	static const char *const d[] = {"[1,2,3,4,5]", "[]", "{}", NULL};
	vec a[3] = {dvec(d, 4)};
	vec o = run("array_reverse", T_DYN, a, 1, 4);
	CHECK_J(o, 0, "[5,4,3,2,1]");
	CHECK_J(o, 1, "[]");
	CHECK_NULL(o, 2);
	CHECK_NULL(o, 3);
	int64_t k[] = {2, -2, 7, INT64_MAX};
	a[0] = dcon("[1,2,3,4,5]");
	a[1] = ivec(T_LONG, k, 4);
	o = run("array_rotate_left", T_DYN, a, 2, 4);
	CHECK_J(o, 0, "[3,4,5,1,2]");
	CHECK_J(o, 1, "[4,5,1,2,3]");
	CHECK_J(o, 2, "[3,4,5,1,2]");
	o = run("array_rotate_right", T_DYN, a, 2, 4);
	CHECK_J(o, 0, "[4,5,1,2,3]");
	CHECK_J(o, 1, "[3,4,5,1,2]");
	o = run("array_shift_left", T_DYN, a, 2, 4);
	CHECK_J(o, 0, "[3,4,5,null,null]");
	CHECK_J(o, 1, "[null,null,1,2,3]");
	CHECK_J(o, 2, "[null,null,null,null,null]");
	CHECK_J(o, 3, "[null,null,null,null,null]");
	a[2] = icon(T_LONG, -1);
	o = run("array_shift_left", T_DYN, a, 3, 2);
	CHECK_J(o, 0, "[3,4,5,-1,-1]");
	CHECK_J(o, 1, "[-1,-1,1,2,3]");
	o = run("array_shift_right", T_DYN, a, 3, 4);
	CHECK_J(o, 0, "[-1,-1,1,2,3]");
	CHECK_J(o, 3, "[-1,-1,-1,-1,-1]");
	a[1] = icon(T_LONG, NUL);
	o = run1("array_rotate_left", T_DYN, a, 2);
	CHECK_NULL(o, 0);

	static const char *const s[] = {"[1,2.5,3]", "[]", "[1,\"2\"]", "{}"};
	a[0] = dvec(s, 4);
	o = run("array_sum", T_REAL, a, 1, 4);
	CHECK_F(o, 0, 6.5);
	CHECK_F(o, 1, 0.0);
	CHECK_NULL(o, 2); /* not all numbers */
	CHECK_NULL(o, 3);

	a[0] = dcon("[1,\"a\",2.0]");
	static const char *const look[] = {"a", "b"};
	a[1] = svec(look, 2);
	o = run("set_has_element", T_BOOL, a, 2, 2);
	assert_true(v_bool(&o, 0));
	assert_false(v_bool(&o, 1));
	assert_false(isnull(&o, 1));
	a[1] = icon(T_LONG, 2);
	o = run1("set_has_element", T_BOOL, a, 2);
	assert_true(v_bool(&o, 0));
	a[0] = dcon("{}");
	o = run1("set_has_element", T_BOOL, a, 2);
	CHECK_NULL(o, 0);
}

static void more_bags(void **state)
{
	(void)state;
	vec a[3] = {
	    dcon("{\"key1\":123,\"key2\":{\"prop1\":\"abc\",\"p.2\":1},\"key3\":[100,200]}")};
	static const char *const keys[] = {"key2",     "key4",          "$.key2.prop1",
	                                   "$.key2.prop9", "$['key2']['p.2']", "$.key3.x",
	                                   "$[0]",     ""};
	a[1] = svec(keys, 8);
	vec o = run("bag_has_key", T_BOOL, a, 2, 8);
	static const bool want[] = {true, false, true, false, true, false, false, false};
	for (uint32_t i = 0; i < 8; i++) {
		assert_false(isnull(&o, i));
		assert_int_equal(v_bool(&o, i), want[i]);
	}
	a[0] = dcon("[1]");
	o = run1("bag_has_key", T_BOOL, a, 2);
	CHECK_NULL(o, 0);

	a[0] = dcon("{\"A1\":12,\"B1\":2,\"C1\":3}");
	a[1] = dcon("{\"A2\":81,\"B2\":82,\"A1\":1}");
	a[2] = dcon("[1]");
	o = run1("bag_merge", T_DYN, a, 3);
	CHECK_J(o, 0, "{\"A1\":12,\"B1\":2,\"C1\":3,\"A2\":81,\"B2\":82}");
}

/* Every function the tables promise is found by its canonical name. */
static void tables(void **state)
{
	(void)state;
	static const char *const names[] = {
	    "now",
	    "ago",
	    "bin",
	    "bin_at",
	    "startofday",
	    "startofweek",
	    "startofmonth",
	    "startofyear",
	    "endofday",
	    "endofweek",
	    "endofmonth",
	    "endofyear",
	    "dayofweek",
	    "dayofmonth",
	    "dayofyear",
	    "weekofyear",
	    "week_of_year",
	    "monthofyear",
	    "getmonth",
	    "getyear",
	    "hourofday",
	    "datetime_part",
	    "datetime_add",
	    "datetime_diff",
	    "format_datetime",
	    "format_timespan",
	    "make_datetime",
	    "make_timespan",
	    "unixtime_seconds_todatetime",
	    "unixtime_milliseconds_todatetime",
	    "unixtime_microseconds_todatetime",
	    "unixtime_nanoseconds_todatetime",
	    "round",
	    "abs",
	    "log",
	    "log10",
	    "log2",
	    "exp",
	    "exp2",
	    "exp10",
	    "pow",
	    "sqrt",
	    "sign",
	    "ceiling",
	    "isnan",
	    "isinf",
	    "isfinite",
	    "pi",
	    "rand",
	    "tohex",
	    "binary_and",
	    "binary_or",
	    "binary_xor",
	    "binary_not",
	    "binary_shift_left",
	    "binary_shift_right",
	    "parse_json",
	    "array_length",
	    "pack_array",
	    "bag_pack",
	    "bag_keys",
	    "array_concat",
	    "array_slice",
	    "array_index_of",
	    "set_union",
	    "set_intersect",
	    "set_difference",
	    "__member",
	    "__index",
	    "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "cot", "degrees", "radians",
	    "gamma", "loggamma", "bitset_count_ones", "array_reverse", "array_rotate_left",
	    "array_rotate_right",
	    "array_shift_left", "array_shift_right", "array_sum", "set_has_element", "bag_has_key",
	    "bag_merge",
	};
	for (size_t k = 0; k < sizeof(names) / sizeof(*names); k++) {
		const xfn_def *f = xfn_lookup(names[k]);
		if (!f)
			fail_msg("no implementation of %s", names[k]);
		assert_string_equal(f->name, names[k]);
	}
}

/* Empty input: no active rows, nothing read. */
static void empty_batch(void **state)
{
	(void)state;
	vec a[2] = {vec_const_null(T_DT), vec_const_null(T_LONG)};
	vec o = run_sel("startofday", T_DT, a, 2, NULL, 0, 0);
	(void)o;
	vec u = {.type = KQLITE_TYPE_NULL, .is_const = true};
	vec b[2] = {u, u};
	o = run1("bin", T_LONG, b, 2);
	CHECK_NULL(o, 0);
	o = run1("datetime_add", T_DT, (vec[]){scon("day"), u, u}, 3);
	CHECK_NULL(o, 0);
	o = run1("array_length", T_LONG, b, 1);
	CHECK_NULL(o, 0);
	o = run1("pack_array", T_DYN, b, 2);
	CHECK_J(o, 0, "[null,null]");
	o = run1("round", T_REAL, b, 2);
	CHECK_NULL(o, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(now_and_ago, setup, teardown),
	    cmocka_unit_test_setup_teardown(bin_numbers, setup, teardown),
	    cmocka_unit_test_setup_teardown(bin_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(start_and_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(calendar_parts, setup, teardown),
	    cmocka_unit_test_setup_teardown(datetime_part, setup, teardown),
	    cmocka_unit_test_setup_teardown(datetime_add, setup, teardown),
	    cmocka_unit_test_setup_teardown(datetime_diff, setup, teardown),
	    cmocka_unit_test_setup_teardown(format_datetime, setup, teardown),
	    cmocka_unit_test_setup_teardown(format_timespan, setup, teardown),
	    cmocka_unit_test_setup_teardown(make_datetime, setup, teardown),
	    cmocka_unit_test_setup_teardown(make_timespan, setup, teardown),
	    cmocka_unit_test_setup_teardown(unixtime, setup, teardown),
	    cmocka_unit_test_setup_teardown(round_abs_ceiling, setup, teardown),
	    cmocka_unit_test_setup_teardown(logs_and_powers, setup, teardown),
	    cmocka_unit_test_setup_teardown(classes_and_rand, setup, teardown),
	    cmocka_unit_test_setup_teardown(hex_and_bits, setup, teardown),
	    cmocka_unit_test_setup_teardown(parse_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(arrays, setup, teardown),
	    cmocka_unit_test_setup_teardown(index_of, setup, teardown),
	    cmocka_unit_test_setup_teardown(bags, setup, teardown),
	    cmocka_unit_test_setup_teardown(sets, setup, teardown),
	    cmocka_unit_test_setup_teardown(member_and_index, setup, teardown),
	    cmocka_unit_test_setup_teardown(dynamic_results, setup, teardown),
	    cmocka_unit_test_setup_teardown(trig_and_more, setup, teardown),
	    cmocka_unit_test_setup_teardown(more_arrays, setup, teardown),
	    cmocka_unit_test_setup_teardown(more_bags, setup, teardown),
	    cmocka_unit_test_setup_teardown(tables, setup, teardown),
	    cmocka_unit_test_setup_teardown(empty_batch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
