/* fn_time.c -- scalar functions of datetimes and timespans: now, ago,
 * bin/floor and bin_at (also over numbers), startof / endof a day, week,
 * month or year, the calendar parts (dayofweek, getyear, week_of_year,
 * datetime_part...), datetime_add and datetime_diff, format_datetime and
 * format_timespan, make_datetime, make_timespan and the unixtime_*
 * conversions.
 *
 * Datetimes and timespans are int64 ticks (100 ns); datetimes run from
 * 0001-01-01 (tick 0) to 9999-12-31T23:59:59.9999999 in the proleptic
 * Gregorian calendar, UTC. A datetime outside that range, as an argument
 * or as a result, is null; so is a result that overflows 64 bits.
 *
 * bin(x, size), floor(x, size), bin_at(x, size, at): round down (toward
 * minus infinity) to a multiple of size (from at). A size that is zero,
 * negative or null gives null (the docs say so for negative sizes; zero
 * is treated alike). Datetimes are binned from 0001-01-01. */
#include <math.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "types.h"

#define TICKS_PER_MINUTE (INT64_C(60) * TICKS_PER_SECOND)
#define TICKS_PER_HOUR (INT64_C(3600) * TICKS_PER_SECOND)
#define TICKS_PER_WEEK (INT64_C(7) * TICKS_PER_DAY)
/* 0001-01-01 to 1970-01-01 in days */
#define DAYS_0001_TO_1970 INT64_C(719162)
/* days in 0001-01-01 .. 9999-12-31 */
#define DAYS_MAX INT64_C(3652058)

/* ---- calendar ------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 0001-01-01 of a proleptic Gregorian date (any year within
 * a few million of the range). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + DAYS_0001_TO_1970;
}

static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days - DAYS_0001_TO_1970 + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static bool dt_valid(int64_t t)
{
	return t >= 0 && t <= TICKS_MAX_DATETIME;
}

/* A datetime split into its calendar parts. */
typedef struct dtparts {
	int64_t days; /* since 0001-01-01 */
	int64_t y;
	int mo, d, h, mi, s;
	int64_t frac; /* ticks within the second */
	int doy;      /* 1..366 */
	int dow;      /* 0 = Sunday */
} dtparts;

static bool dt_split(int64_t t, dtparts *p)
{
	if (!dt_valid(t))
		return false;
	p->days = t / TICKS_PER_DAY;
	int64_t rem = t % TICKS_PER_DAY;
	civil_from_days(p->days, &p->y, &p->mo, &p->d);
	p->h = (int)(rem / TICKS_PER_HOUR);
	p->mi = (int)(rem / TICKS_PER_MINUTE % 60);
	p->s = (int)(rem / TICKS_PER_SECOND % 60);
	p->frac = rem % TICKS_PER_SECOND;
	p->doy = (int)(p->days - days_from_civil(p->y, 1, 1) + 1);
	p->dow = (int)((p->days + 1) % 7); /* 0001-01-01 was a Monday */
	return true;
}

/* ISO 8601 weeks in year y: 53 when it starts on a Thursday, or on a
 * Wednesday in a leap year. */
static int iso_weeks(int64_t y)
{
	int64_t jan1 = days_from_civil(y, 1, 1);
	int wd = (int)((jan1 % 7 + 7) % 7); /* 0 = Monday */
	return wd == 3 || (wd == 2 && is_leap(y)) ? 53 : 52;
}

/* ISO 8601 week number: weeks start on Monday, week 1 holds the year's
 * first Thursday, and the last days of December may be week 1 of the
 * next year. legacy: the deprecated weekofyear(), as .NET's "first four-day
 * week" with weeks starting on Sunday: week 1 holds the year's first
 * Wednesday, and days are never counted in the next year (53 instead). */
static int week_number(const dtparts *p, bool legacy)
{
	if (legacy) {
		int wd = p->dow + 1; /* Sunday 1 .. Saturday 7 */
		int w = (p->doy - wd + 10) / 7;
		if (w < 1) /* counted as in the previous year */
			w = (p->doy + (is_leap(p->y - 1) ? 366 : 365) - wd + 10) / 7;
		return w;
	}
	int wd = (p->dow + 6) % 7 + 1; /* Monday 1 .. Sunday 7 */
	int w = (p->doy - wd + 10) / 7;
	if (w < 1)
		return iso_weeks(p->y - 1);
	if (w > iso_weeks(p->y))
		return 1;
	return w;
}

/* ---- reading arguments ----------------------------------------------------- */

/* A string argument (a dynamic string's text); false when null. */
static bool get_str(const vec *v, uint32_t i, kstr *out)
{
	if (v_null(v, i))
		return false;
	if (v->type == KQLITE_TYPE_STRING) {
		*out = v_str(v, i);
		return true;
	}
	if (v->type == KQLITE_TYPE_DYNAMIC) {
		kstr s = v_str(v, i);
		const char *p;
		size_t n;
		if (!dyn_get_string((const uint8_t *)s.p, s.n, &p, &n))
			return false;
		*out = (kstr){p, n};
		return true;
	}
	return false;
}

/* A datetime: its ticks, or a string (a dynamic string) in a datetime form. */
static bool get_dt(const vec *v, uint32_t i, int64_t *out)
{
	if (v->type == KQLITE_TYPE_STRING || v->type == KQLITE_TYPE_DYNAMIC) {
		kstr s;
		if (get_str(v, i, &s))
			return datetime_parse(s.p, s.n, out) && dt_valid(*out);
	}
	return vec_get_i64(v, i, out) && dt_valid(*out);
}

/* A timespan: its ticks, or a string in a timespan form. */
static bool get_ts(const vec *v, uint32_t i, int64_t *out)
{
	if (v->type == KQLITE_TYPE_STRING || v->type == KQLITE_TYPE_DYNAMIC) {
		kstr s;
		if (get_str(v, i, &s))
			return timespan_parse(s.p, s.n, out);
	}
	return vec_get_i64(v, i, out);
}

/* ---- writing results --------------------------------------------------- */

/* Allocates out. A dynamic result (a call whose argument type is known
 * only at run time) gets a 9-byte slot a row for a long or real value;
 * its rows start null. */
static bool out_alloc(xctx *cx, vec *out, uint32_t rows)
{
	if (!vec_alloc(cx, out, rows, true))
		return false;
	if (out->type == KQLITE_TYPE_DYNAMIC) {
		char *slots = arena_alloc(cx->tmp, 9 * (size_t)(rows ? rows : 1));
		if (!slots)
			return x_nomem(cx->q);
		for (uint32_t i = 0; i < rows; i++)
			out->d.s[i] = (kstr){slots + 9 * (size_t)i, 0};
	}
	return true;
}

/* A dynamic result row: a long or real in its slot (see out_alloc). */
static void put_dyn(vec *out, uint32_t i, bool ok, int tag, uint64_t bits)
{
	char *p = (char *)out->d.s[i].p;
	if (!ok || !p) {
		out->d.s[i].n = 0;
		return;
	}
	p[0] = (char)tag;
	for (int k = 0; k < 8; k++)
		p[1 + k] = (char)(bits >> (8 * k));
	out->d.s[i].n = 9;
}

/* Row i of out: v, or null when !ok (a datetime result out of range is null). */
static void put_i64(vec *out, uint32_t i, bool ok, int64_t v)
{
	if (ok && out->type == KQLITE_TYPE_DATETIME && !dt_valid(v))
		ok = false;
	if (ok && out->type == KQLITE_TYPE_INT && (v < INT32_MIN || v > INT32_MAX))
		ok = false;
	switch (type_phys(out->type)) {
	case PH_I64:
		out->d.i[i] = ok ? v : 0;
		break;
	case PH_F64:
		out->d.f[i] = ok ? (double)v : 0;
		break;
	case PH_BOOL:
		out->d.b[i] = ok && v;
		break;
	default:
		if (out->type == KQLITE_TYPE_DYNAMIC)
			put_dyn(out, i, ok, DYN_LONG, (uint64_t)v);
		return;
	}
	if (out->nulls)
		out->nulls[i] = !ok;
}

static void put_f64(vec *out, uint32_t i, bool ok, double v)
{
	if (type_phys(out->type) == PH_I64) {
		int64_t l = 0;
		ok = ok && vec_f64_to_i64(v, &l);
		put_i64(out, i, ok, l);
		return;
	}
	if (out->type == KQLITE_TYPE_DYNAMIC) {
		uint64_t bits;
		memcpy(&bits, &v, 8);
		put_dyn(out, i, ok, DYN_REAL, bits);
		return;
	}
	if (type_phys(out->type) == PH_F64)
		out->d.f[i] = ok ? v : 0;
	else
		ok = false;
	if (out->nulls)
		out->nulls[i] = !ok;
}

/* ---- now, ago -------------------------------------------------------------- */

static bool fn_now(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t off = 0, r = 0;
		bool ok = (nargs < 1 || get_ts(&args[0], i, &off)) &&
		          !__builtin_add_overflow(cx->q->now, off, &r);
		put_i64(out, i, ok, r);
	}
	return true;
}

static bool fn_ago(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t t = 0, r = 0;
		bool ok = get_ts(&args[0], i, &t) && !__builtin_sub_overflow(cx->q->now, t, &r);
		put_i64(out, i, ok, r);
	}
	return true;
}

/* ---- bin, floor, bin_at ------------------------------------------------------ */

/* floor(x / size) * size, size > 0; false on overflow. */
static bool ifloor(int64_t x, int64_t size, int64_t *r)
{
	int64_t q = x / size;
	if (x % size < 0)
		q--;
	return !__builtin_mul_overflow(q, size, r);
}

static bool is_integral(uint8_t type)
{
	return type_phys(type) == PH_I64 || type == KQLITE_TYPE_BOOL;
}

/* true when row i of v holds an integer (an integral type, a dynamic long). */
static bool row_integral(const vec *v, uint32_t i)
{
	if (is_integral(v->type))
		return true;
	if (v->type != KQLITE_TYPE_DYNAMIC)
		return false;
	kstr s = v_str(v, i);
	return s.n && (uint8_t)s.p[0] == DYN_LONG;
}

/* The binned value of row i (at: the fixed point, or NULL for bin). */
static void bin_row(const vec *x, const vec *size, const vec *at, uint32_t i, vec *out)
{
	if (type_phys(out->type) == PH_F64 || !row_integral(size, i) || !row_integral(x, i)) {
		double xv, sv, av = 0;
		bool ok = vec_get_f64(x, i, &xv) && vec_get_f64(size, i, &sv) &&
		          (!at || vec_get_f64(at, i, &av)) && sv > 0;
		put_f64(out, i, ok, ok ? floor((xv - av) / sv) * sv + av : 0);
		return;
	}
	int64_t xv, sv, av = 0, d, r = 0;
	bool ok = vec_get_i64(x, i, &xv) && vec_get_i64(size, i, &sv) && (!at || vec_get_i64(at, i, &av)) &&
	          sv > 0 && !__builtin_sub_overflow(xv, av, &d) && ifloor(d, sv, &r) &&
	          !__builtin_add_overflow(r, av, &r);
	put_i64(out, i, ok, r);
}

/* The common case, vectorized: integer ticks binned by a constant
 * positive size from a constant fixed point. Returns 0 when it does not
 * apply, 1 when done, -1 on error. */
static int bin_fast(xctx *cx, const vec *x, const vec *size, const vec *at, const uint32_t *sel, uint32_t n,
                    uint32_t rows, vec *out)
{
	if (type_phys(out->type) != PH_I64 || type_phys(x->type) != PH_I64 || x->is_const ||
	    x->type == KQLITE_TYPE_INT || !size->is_const || type_phys(size->type) != PH_I64 || v_null(size, 0) ||
	    (at && (!at->is_const || type_phys(at->type) != PH_I64 || v_null(at, 0))))
		return 0;
	int64_t sv = v_i64(size, 0), av = at ? v_i64(at, 0) : 0;
	if (sv <= 0 || av < -TICKS_MAX_DATETIME || av > TICKS_MAX_DATETIME)
		return 0;
	if (!vec_alloc(cx, out, rows, x->nulls != NULL))
		return -1;
	const int64_t *xv = x->d.i;
	int64_t *o = out->d.i;
	bool dt = out->type == KQLITE_TYPE_DATETIME;
	FOR_SEL(i, sel, n)
	{
		if (x->nulls && x->nulls[i]) {
			out->nulls[i] = 1;
			o[i] = 0;
			continue;
		}
		int64_t d, r;
		bool ok = !__builtin_sub_overflow(xv[i], av, &d) && ifloor(d, sv, &r) && !__builtin_add_overflow(r, av, &r) &&
		          (!dt || dt_valid(r));
		if (!ok) {
			if (!vec_nulls(cx, out, rows))
				return -1;
			out->nulls[i] = 1;
			r = 0;
		}
		o[i] = r;
	}
	return 1;
}

static bool fn_bin(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	int fast = bin_fast(cx, &args[0], &args[1], NULL, sel, n, rows, out);
	if (fast)
		return fast > 0;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n)
	bin_row(&args[0], &args[1], NULL, i, out);
	return true;
}

static bool fn_bin_at(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	int fast = bin_fast(cx, &args[0], &args[1], &args[2], sel, n, rows, out);
	if (fast)
		return fast > 0;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n)
	bin_row(&args[0], &args[1], &args[2], i, out);
	return true;
}

/* ---- startof / endof, calendar parts ------------------------------------- */

enum dtop {
	OP_STARTDAY,
	OP_STARTWEEK,
	OP_STARTMONTH,
	OP_STARTYEAR,
	OP_ENDDAY,
	OP_ENDWEEK,
	OP_ENDMONTH,
	OP_ENDYEAR,
	OP_DAYOFWEEK,
	OP_DAYOFMONTH,
	OP_DAYOFYEAR,
	OP_WEEK_ISO,
	OP_WEEK_LEGACY,
	OP_MONTH,
	OP_YEAR,
	OP_HOUR,
};

/* The first day (days since 0001-01-01) of the period containing p,
 * moved by off periods; false when far out of range. */
static bool period_start(int op, const dtparts *p, int64_t off, int64_t *days)
{
	switch (op) {
	case OP_STARTDAY:
		if (off < -DAYS_MAX - 1 || off > DAYS_MAX + 1)
			return false;
		*days = p->days + off;
		return true;
	case OP_STARTWEEK:
		if (off < -DAYS_MAX / 7 - 1 || off > DAYS_MAX / 7 + 1)
			return false;
		*days = p->days - p->dow + off * 7;
		return true;
	case OP_STARTMONTH: {
		if (off < -120000 || off > 120000)
			return false;
		int64_t mon = p->y * 12 + (p->mo - 1) + off;
		*days = days_from_civil(floor_div(mon, 12),
		                        (int)(mon - floor_div(mon, 12) * 12) + 1, 1);
		return true;
	}
	case OP_STARTYEAR:
		if (off < -10000 || off > 10000)
			return false;
		*days = days_from_civil(p->y + off, 1, 1);
		return true;
	default:
		return false;
	}
}

static bool dt_calc(int op, int64_t t, int64_t off, int64_t *r)
{
	dtparts p;
	int64_t days;
	if (!dt_split(t, &p))
		return false;
	switch (op) {
	case OP_STARTDAY:
	case OP_STARTWEEK:
	case OP_STARTMONTH:
	case OP_STARTYEAR:
		if (!period_start(op, &p, off, &days))
			return false;
		*r = days * TICKS_PER_DAY;
		return dt_valid(*r);
	case OP_ENDDAY:
	case OP_ENDWEEK:
	case OP_ENDMONTH:
	case OP_ENDYEAR:
		/* the start of the next period, less one tick */
		if (off == INT64_MAX ||
		    !period_start(op - OP_ENDDAY + OP_STARTDAY, &p, off + 1, &days))
			return false;
		*r = days * TICKS_PER_DAY - 1;
		return dt_valid(*r);
	case OP_DAYOFWEEK:
		*r = p.dow * TICKS_PER_DAY;
		return true;
	case OP_DAYOFMONTH:
		*r = p.d;
		return true;
	case OP_DAYOFYEAR:
		*r = p.doy;
		return true;
	case OP_WEEK_ISO:
		*r = week_number(&p, false);
		return true;
	case OP_WEEK_LEGACY:
		*r = week_number(&p, true);
		return true;
	case OP_MONTH:
		*r = p.mo;
		return true;
	case OP_YEAR:
		*r = p.y;
		return true;
	case OP_HOUR:
		*r = p.h;
		return true;
	default:
		return false;
	}
}

static bool dt_driver(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                      uint32_t rows, vec *out, int op)
{
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t t, off = 0, r = 0;
		bool ok = get_dt(&args[0], i, &t) && (nargs < 2 || vec_get_i64(&args[1], i, &off)) &&
		          dt_calc(op, t, off, &r);
		put_i64(out, i, ok, r);
	}
	return true;
}

#define DT_FN(name, op)                                                                            \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		return dt_driver(cx, args, nargs, sel, n, rows, out, op);                          \
	}
DT_FN(fn_startofday, OP_STARTDAY)
DT_FN(fn_startofweek, OP_STARTWEEK)
DT_FN(fn_startofmonth, OP_STARTMONTH)
DT_FN(fn_startofyear, OP_STARTYEAR)
DT_FN(fn_endofday, OP_ENDDAY)
DT_FN(fn_endofweek, OP_ENDWEEK)
DT_FN(fn_endofmonth, OP_ENDMONTH)
DT_FN(fn_endofyear, OP_ENDYEAR)
DT_FN(fn_dayofweek, OP_DAYOFWEEK)
DT_FN(fn_dayofmonth, OP_DAYOFMONTH)
DT_FN(fn_dayofyear, OP_DAYOFYEAR)
DT_FN(fn_week_of_year, OP_WEEK_ISO)
DT_FN(fn_weekofyear, OP_WEEK_LEGACY)
DT_FN(fn_getmonth, OP_MONTH)
DT_FN(fn_getyear, OP_YEAR)
DT_FN(fn_hourofday, OP_HOUR)

/* ---- datetime_part, datetime_add, datetime_diff ------------------------------- */

enum part {
	P_YEAR,
	P_QUARTER,
	P_MONTH,
	P_WEEK,
	P_DAY,
	P_DAYOFYEAR,
	P_HOUR,
	P_MINUTE,
	P_SECOND,
	P_MILLISECOND,
	P_MICROSECOND,
	P_NANOSECOND,
	P_WEEK_LEGACY, /* datetime_part's obsolete "weekofyear" */
	P_NONE
};

/* Names of parts (datetime_part) and periods (datetime_add, datetime_diff). */
enum { IN_PART = 1, IN_PERIOD = 2 };
static const struct {
	const char *name;
	int part;
	int where;
} part_names[] = {
    {"year", P_YEAR, IN_PART | IN_PERIOD},
    {"quarter", P_QUARTER, IN_PART | IN_PERIOD},
    {"month", P_MONTH, IN_PART | IN_PERIOD},
    {"week", P_WEEK, IN_PART | IN_PERIOD},
    {"week_of_year", P_WEEK, IN_PART},
    {"weekofyear", P_WEEK_LEGACY, IN_PART},
    {"day", P_DAY, IN_PART | IN_PERIOD},
    {"dayofyear", P_DAYOFYEAR, IN_PART},
    {"hour", P_HOUR, IN_PART | IN_PERIOD},
    {"minute", P_MINUTE, IN_PART | IN_PERIOD},
    {"second", P_SECOND, IN_PART | IN_PERIOD},
    {"millisecond", P_MILLISECOND, IN_PART | IN_PERIOD},
    {"microsecond", P_MICROSECOND, IN_PART | IN_PERIOD},
    {"nanosecond", P_NANOSECOND, IN_PART | IN_PERIOD},
};

/* The part or period named s (ASCII case-insensitive); P_NONE if unknown. */
static int part_lookup(kstr s, bool part_fn)
{
	for (size_t k = 0; k < sizeof(part_names) / sizeof(part_names[0]); k++) {
		const char *nm = part_names[k].name;
		size_t len = strlen(nm), j = 0;
		if (len != s.n || !(part_names[k].where & (part_fn ? IN_PART : IN_PERIOD)))
			continue;
		while (j < len &&
		       (s.p[j] >= 'A' && s.p[j] <= 'Z' ? s.p[j] | 0x20 : s.p[j]) == nm[j])
			j++;
		if (j == len)
			return part_names[k].part;
	}
	return P_NONE;
}

static const char part_list[] =
    "year, quarter, month, week_of_year, day, dayofyear, hour, minute, second, "
    "millisecond, microsecond, nanosecond";
static const char period_list[] =
    "year, quarter, month, week, day, hour, minute, second, millisecond, "
    "microsecond, nanosecond";

/* The prepared part of a call whose first argument is constant. */
typedef struct part_state {
	int part;
} part_state;

static bool prep_part(xquery *q, xcall *call, const vec *const *consts, diag *d, uint32_t off,
                      uint32_t len, bool part_fn)
{
	if (!consts[0] || v_null(consts[0], 0))
		return true;
	kstr s;
	if (!get_str(consts[0], 0, &s))
		return true;
	int p = part_lookup(s, part_fn);
	if (p == P_NONE) {
		const char *fname =
		    call->def && call->def->name ? call->def->name : "datetime_part";
		diag_set(d, KQLITE_ERROR, off, len, "%s(): unknown %s '%.*s' (expected one of: %s)",
		         fname, part_fn ? "part" : "period", (int)(s.n > 64 ? 64 : s.n), s.p,
		         part_fn ? part_list : period_list);
		return false;
	}
	part_state *st = arena_alloc(q->qa, sizeof(*st));
	if (!st) {
		diag_set_nospan(d, KQLITE_NOMEM, "out of memory");
		return false;
	}
	st->part = p;
	call->state = st;
	return true;
}

static bool prep_datetime_part(xquery *q, xcall *call, const uint8_t *types,
                               const vec *const *consts, uint32_t nargs, diag *d, uint32_t off,
                               uint32_t len)
{
	(void)types;
	(void)nargs;
	return prep_part(q, call, consts, d, off, len, true);
}

static bool prep_period(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	(void)nargs;
	return prep_part(q, call, consts, d, off, len, false);
}

/* The part of row i: from prepare, or read now. -1: null; -2: an error was set. */
static int row_part(xctx *cx, const xcall *call, const vec *v, uint32_t i, bool part_fn,
                    const char *fname)
{
	if (call && call->state)
		return ((const part_state *)call->state)->part;
	kstr s;
	if (!get_str(v, i, &s))
		return -1;
	int p = part_lookup(s, part_fn);
	if (p == P_NONE) {
		x_error(cx->q, "%s(): unknown %s '%.*s' (expected one of: %s)", fname,
		        part_fn ? "part" : "period", (int)(s.n > 64 ? 64 : s.n), s.p,
		        part_fn ? part_list : period_list);
		return -2;
	}
	return p;
}

static bool fn_datetime_part(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int part = row_part(cx, call, &args[0], i, true, "datetime_part");
		if (part == -2)
			return false;
		int64_t t, r = 0;
		dtparts p;
		bool ok = part >= 0 && get_dt(&args[1], i, &t) && dt_split(t, &p);
		if (ok) {
			switch (part) {
			case P_YEAR:
				r = p.y;
				break;
			case P_QUARTER:
				r = (p.mo - 1) / 3 + 1;
				break;
			case P_MONTH:
				r = p.mo;
				break;
			case P_WEEK:
				r = week_number(&p, false);
				break;
			case P_WEEK_LEGACY:
				r = week_number(&p, true);
				break;
			case P_DAY:
				r = p.d;
				break;
			case P_DAYOFYEAR:
				r = p.doy;
				break;
			case P_HOUR:
				r = p.h;
				break;
			case P_MINUTE:
				r = p.mi;
				break;
			case P_SECOND:
				r = p.s;
				break;
			case P_MILLISECOND:
				r = p.frac / 10000;
				break;
			case P_MICROSECOND:
				r = p.frac / 10;
				break;
			case P_NANOSECOND:
				r = p.frac * 100;
				break;
			default:
				ok = false;
				break;
			}
		}
		put_i64(out, i, ok, r);
	}
	return true;
}

/* t moved by `months` calendar months; the day is clamped to the month's
 * last day (Jan 31 + 1 month = Feb 28 or 29). */
static bool add_months(int64_t t, int64_t months, int64_t *r)
{
	dtparts p;
	if (!dt_split(t, &p) || months < -120000 || months > 120000)
		return false;
	int64_t mon = p.y * 12 + (p.mo - 1) + months;
	int64_t y = floor_div(mon, 12);
	int m = (int)(mon - y * 12) + 1;
	if (y < 1 || y > 9999)
		return false;
	int d = p.d > month_days(y, m) ? month_days(y, m) : p.d;
	*r = days_from_civil(y, m, d) * TICKS_PER_DAY + t % TICKS_PER_DAY;
	return true;
}

static bool fn_datetime_add(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int part = row_part(cx, call, &args[0], i, false, "datetime_add");
		if (part == -2)
			return false;
		int64_t amount, t, r = 0, unit = 0, m;
		bool ok = part >= 0 && vec_get_i64(&args[1], i, &amount) && get_dt(&args[2], i, &t);
		if (ok) {
			switch (part) {
			case P_YEAR:
				ok =
				    !__builtin_mul_overflow(amount, 12, &m) && add_months(t, m, &r);
				break;
			case P_QUARTER:
				ok = !__builtin_mul_overflow(amount, 3, &m) && add_months(t, m, &r);
				break;
			case P_MONTH:
				ok = add_months(t, amount, &r);
				break;
			case P_WEEK:
				unit = TICKS_PER_WEEK;
				break;
			case P_DAY:
				unit = TICKS_PER_DAY;
				break;
			case P_HOUR:
				unit = TICKS_PER_HOUR;
				break;
			case P_MINUTE:
				unit = TICKS_PER_MINUTE;
				break;
			case P_SECOND:
				unit = TICKS_PER_SECOND;
				break;
			case P_MILLISECOND:
				unit = 10000;
				break;
			case P_MICROSECOND:
				unit = 10;
				break;
			case P_NANOSECOND: /* whole ticks only: 150 ns adds one tick */
				ok = !__builtin_add_overflow(t, amount / 100, &r);
				break;
			default:
				ok = false;
				break;
			}
			if (unit)
				ok = !__builtin_mul_overflow(amount, unit, &m) &&
				     !__builtin_add_overflow(t, m, &r);
		}
		put_i64(out, i, ok, r);
	}
	return true;
}

/* datetime_diff counts the period boundaries crossed from t2 to t1:
 * datetime_diff('year', 2017-01-01, 2000-12-31) is 17, ('day', Oct 29
 * 00:00, Sep 30 23:59) is 29. Weeks start on Sunday. */
static bool diff_periods(int part, int64_t t1, int64_t t2, int64_t *r)
{
	dtparts a, b;
	if (!dt_split(t1, &a) || !dt_split(t2, &b))
		return false;
	switch (part) {
	case P_YEAR:
		*r = a.y - b.y;
		return true;
	case P_QUARTER:
		*r = (a.y * 4 + (a.mo - 1) / 3) - (b.y * 4 + (b.mo - 1) / 3);
		return true;
	case P_MONTH:
		*r = (a.y * 12 + a.mo) - (b.y * 12 + b.mo);
		return true;
	case P_WEEK:
		*r = ((a.days - a.dow) - (b.days - b.dow)) / 7;
		return true;
	case P_DAY:
		*r = a.days - b.days;
		return true;
	case P_HOUR:
		*r = t1 / TICKS_PER_HOUR - t2 / TICKS_PER_HOUR;
		return true;
	case P_MINUTE:
		*r = t1 / TICKS_PER_MINUTE - t2 / TICKS_PER_MINUTE;
		return true;
	case P_SECOND:
		*r = t1 / TICKS_PER_SECOND - t2 / TICKS_PER_SECOND;
		return true;
	case P_MILLISECOND:
		*r = t1 / 10000 - t2 / 10000;
		return true;
	case P_MICROSECOND:
		*r = t1 / 10 - t2 / 10;
		return true;
	case P_NANOSECOND:
		return !__builtin_mul_overflow(t1 - t2, 100, r);
	default:
		return false;
	}
}

static bool fn_datetime_diff(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int part = row_part(cx, call, &args[0], i, false, "datetime_diff");
		if (part == -2)
			return false;
		int64_t t1, t2, r = 0;
		bool ok = part >= 0 && get_dt(&args[1], i, &t1) && get_dt(&args[2], i, &t2) &&
		          diff_periods(part, t1, t2, &r);
		put_i64(out, i, ok, r);
	}
	return true;
}

/* ---- format_datetime, format_timespan ------------------------------------ */

static const char *const day_names[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                         "Thursday", "Friday", "Saturday"};
static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};

/* v in decimal, zero-padded to at least width digits. */
static void put_num(strbuf *b, uint64_t v, int width)
{
	char tmp[24];
	int k = 0;
	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k < 20);
	while (k < width && k < 24)
		tmp[k++] = '0';
	while (k)
		sb_addc(b, tmp[--k]);
}

/* f/F: the first `count` (1..7) digits of the 7-digit fraction; F drops
 * trailing zeros, and when nothing is left also a '.' written just before. */
static void put_fraction(strbuf *b, int64_t frac, int count, bool trim)
{
	if (count > 7)
		count = 7;
	char digits[8];
	int64_t v = frac;
	for (int k = 6; k >= 0; k--) {
		digits[k] = (char)('0' + v % 10);
		v /= 10;
	}
	int len = count;
	if (trim)
		while (len > 0 && digits[len - 1] == '0')
			len--;
	if (trim && len == 0) {
		if (b->len && b->s[b->len - 1] == '.')
			b->len--;
		return;
	}
	sb_add(b, digits, (size_t)len);
}

/* Copies a quoted literal ('...' or "...") or an escaped character of
 * the format; returns how many format bytes it used, 0 if none. */
static size_t literal(strbuf *b, const char *f, size_t k, size_t n)
{
	char c = f[k];
	if (c == '\\') {
		if (k + 1 < n)
			sb_addc(b, f[k + 1]);
		return k + 1 < n ? 2 : 1;
	}
	if (c == '\'' || c == '"') {
		size_t e = k + 1;
		while (e < n && f[e] != c)
			e++;
		sb_add(b, f + k + 1, e - k - 1);
		return e < n ? e - k + 1 : e - k;
	}
	return 0;
}

/* Kusto's format elements: d dd ddd dddd, f..fffffff, F..FFFFFFF, h hh,
 * H HH, m mm, M MM MMM MMMM, s ss, y yy yyyy, tt. Any other character
 * (the documented delimiters and others) is copied; '\x' and quoted
 * text are literal. */
static void format_dt(strbuf *b, const dtparts *p, const char *f, size_t n)
{
	for (size_t k = 0; k < n;) {
		size_t lit = literal(b, f, k, n);
		if (lit) {
			k += lit;
			continue;
		}
		char c = f[k];
		size_t run = 1;
		while (k + run < n && f[k + run] == c)
			run++;
		int r = run > 16 ? 16 : (int)run;
		switch (c) {
		case 'd':
			if (r <= 2)
				put_num(b, (uint64_t)p->d, r);
			else if (r == 3)
				sb_add(b, day_names[p->dow], 3);
			else
				sb_adds(b, day_names[p->dow]);
			break;
		case 'f':
		case 'F':
			put_fraction(b, p->frac, r, c == 'F');
			break;
		case 'h':
			put_num(b, (uint64_t)(p->h % 12 == 0 ? 12 : p->h % 12), r >= 2 ? 2 : 1);
			break;
		case 'H':
			put_num(b, (uint64_t)p->h, r >= 2 ? 2 : 1);
			break;
		case 'm':
			put_num(b, (uint64_t)p->mi, r >= 2 ? 2 : 1);
			break;
		case 'M':
			if (r <= 2)
				put_num(b, (uint64_t)p->mo, r);
			else if (r == 3)
				sb_add(b, month_names[p->mo - 1], 3);
			else
				sb_adds(b, month_names[p->mo - 1]);
			break;
		case 's':
			put_num(b, (uint64_t)p->s, r >= 2 ? 2 : 1);
			break;
		case 'y':
			if (r <= 2)
				put_num(b, (uint64_t)(p->y % 100), r);
			else
				put_num(b, (uint64_t)p->y, r);
			break;
		case 't':
			if (r == 1)
				sb_addc(b, p->h < 12 ? 'A' : 'P');
			else
				sb_adds(b, p->h < 12 ? "AM" : "PM");
			break;
		default:
			sb_add(b, f + k, run);
			break;
		}
		k += run;
	}
}

/* Timespan elements: d..dddddddd (whole days), h/hh/H/HH (hours of the
 * day), m mm, s ss, f/F as for datetimes. A negative span starts with '-'. */
static void format_ts(strbuf *b, int64_t t, const char *f, size_t n)
{
	uint64_t mag = t < 0 ? 0 - (uint64_t)t : (uint64_t)t;
	uint64_t days = mag / (uint64_t)TICKS_PER_DAY, rem = mag % (uint64_t)TICKS_PER_DAY;
	uint64_t h = rem / (uint64_t)TICKS_PER_HOUR, mi = rem / (uint64_t)TICKS_PER_MINUTE % 60;
	uint64_t s = rem / (uint64_t)TICKS_PER_SECOND % 60, frac = rem % (uint64_t)TICKS_PER_SECOND;
	if (t < 0)
		sb_addc(b, '-');
	for (size_t k = 0; k < n;) {
		size_t lit = literal(b, f, k, n);
		if (lit) {
			k += lit;
			continue;
		}
		char c = f[k];
		size_t run = 1;
		while (k + run < n && f[k + run] == c)
			run++;
		int r = run > 16 ? 16 : (int)run;
		switch (c) {
		case 'd':
			put_num(b, days, r > 8 ? 8 : r);
			break;
		case 'h':
		case 'H':
			put_num(b, h, r >= 2 ? 2 : 1);
			break;
		case 'm':
			put_num(b, mi, r >= 2 ? 2 : 1);
			break;
		case 's':
			put_num(b, s, r >= 2 ? 2 : 1);
			break;
		case 'f':
		case 'F':
			put_fraction(b, (int64_t)frac, r, c == 'F');
			break;
		default:
			sb_add(b, f + k, run);
			break;
		}
		k += run;
	}
}

static bool format_driver(xctx *cx, const vec *args, const uint32_t *sel, uint32_t n, uint32_t rows,
                          vec *out, bool timespan)
{
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf b;
	sb_init(&b);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		int64_t t;
		kstr f;
		dtparts p;
		if (!get_str(&args[1], i, &f))
			continue; /* "" */
		if (timespan ? !get_ts(&args[0], i, &t)
		             : !(get_dt(&args[0], i, &t) && dt_split(t, &p)))
			continue;
		b.len = 0;
		if (timespan)
			format_ts(&b, t, f.p, f.n);
		else
			format_dt(&b, &p, f.p, f.n);
		if (b.oom) {
			ok = x_nomem(cx->q);
			break;
		}
		if (!vec_set_str(cx, out, i, b.s ? b.s : "", b.len)) {
			ok = false;
			break;
		}
	}
	sb_free(&b);
	return ok;
}

static bool fn_format_datetime(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	return format_driver(cx, args, sel, n, rows, out, false);
}

static bool fn_format_timespan(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	return format_driver(cx, args, sel, n, rows, out, true);
}

/* ---- make_datetime, make_timespan ---------------------------------------- */

/* Seconds (0 <= s < 60, fractional) as ticks, rounded to the nearest tick. */
static bool sec_ticks(double s, int64_t *r)
{
	if (!(s >= 0 && s < 60))
		return false;
	int64_t t = (int64_t)llround(s * 1e7);
	*r = t > 60 * TICKS_PER_SECOND - 1 ? 60 * TICKS_PER_SECOND - 1 : t;
	return true;
}

/* make_datetime(year, month, day [, hour [, minute [, second]]]): null
 * for fewer than 3 arguments or any part out of range (year 1..9999). */
static bool fn_make_datetime(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t y, mo, d, h = 0, mi = 0, st = 0, r = 0;
		double s = 0;
		bool ok = nargs >= 3 && vec_get_i64(&args[0], i, &y) && vec_get_i64(&args[1], i, &mo) &&
		          vec_get_i64(&args[2], i, &d) && (nargs < 4 || vec_get_i64(&args[3], i, &h)) &&
		          (nargs < 5 || vec_get_i64(&args[4], i, &mi)) &&
		          (nargs < 6 || vec_get_f64(&args[5], i, &s));
		ok = ok && y >= 1 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 &&
		     d <= month_days(y, (int)mo) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 &&
		     sec_ticks(s, &st);
		if (ok)
			r = days_from_civil(y, (int)mo, (int)d) * TICKS_PER_DAY +
			    h * TICKS_PER_HOUR + mi * TICKS_PER_MINUTE + st;
		put_i64(out, i, ok, r);
	}
	return true;
}

/* make_timespan(hour, minute), (hour, minute, second), (day, hour,
 * minute, second): hour 0..23, minute 0..59, second 0..59.9999999, any
 * day; otherwise (and with one argument) null. */
static bool fn_make_timespan(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!out_alloc(cx, out, rows))
		return false;
	uint32_t base = nargs == 4 ? 1 : 0;
	FOR_SEL(i, sel, n) {
		int64_t d = 0, h, mi, st = 0, r = 0, dt;
		double s = 0;
		bool ok = nargs >= 2 && (base == 0 || vec_get_i64(&args[0], i, &d)) &&
		          vec_get_i64(&args[base], i, &h) && vec_get_i64(&args[base + 1], i, &mi) &&
		          (nargs - base < 3 || vec_get_f64(&args[base + 2], i, &s));
		ok = ok && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec_ticks(s, &st) &&
		     !__builtin_mul_overflow(d, TICKS_PER_DAY, &dt);
		if (ok) {
			int64_t tod = h * TICKS_PER_HOUR + mi * TICKS_PER_MINUTE + st;
			ok = !__builtin_add_overflow(
			    dt, tod, &r); /* summed, as .NET's TimeSpan(d, h, m, s) */
		}
		put_i64(out, i, ok, r);
	}
	return true;
}

/* ---- unixtime_*_todatetime ------------------------------------------------ */

/* x units since 1970-01-01 as a datetime: mul ticks a unit, or 1/div of
 * a tick (nanoseconds: rounded down to whole ticks). Integers are exact;
 * reals are rounded to the nearest tick. */
static bool unix_driver(xctx *cx, const vec *args, const uint32_t *sel, uint32_t n, uint32_t rows,
                        vec *out, int64_t mul, int64_t div)
{
	if (!out_alloc(cx, out, rows))
		return false;
	const vec *x = &args[0];
	FOR_SEL(i, sel, n) {
		int64_t r = 0, l;
		double f;
		bool ok;
		kstr s = x->type == KQLITE_TYPE_DYNAMIC ? v_str(x, i) : (kstr){NULL, 0};
		if (is_integral(x->type) || dyn_get_long((const uint8_t *)s.p, s.n, &l)) {
			ok = vec_get_i64(x, i, &l);
			if (div > 1)
				r = floor_div(l, div);
			else
				ok = ok && !__builtin_mul_overflow(l, mul, &r);
		} else {
			ok = vec_get_f64(x, i, &f);
			double t = ok ? (div > 1 ? f / (double)div : f * (double)mul) : 0;
			ok = ok && t > -9.2e18 && t < 9.2e18;
			if (ok)
				r = (int64_t)llround(t);
		}
		ok = ok && !__builtin_add_overflow(r, TICKS_UNIX_EPOCH, &r);
		put_i64(out, i, ok, r);
	}
	return true;
}

#define UNIX_FN(name, mul, div)                                                                    \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		(void)nargs;                                                                       \
		return unix_driver(cx, args, sel, n, rows, out, mul, div);                         \
	}
UNIX_FN(fn_unix_s, TICKS_PER_SECOND, 1)
UNIX_FN(fn_unix_ms, 10000, 1)
UNIX_FN(fn_unix_us, 10, 1)
UNIX_FN(fn_unix_ns, 1, 100)

/* ---- the table --------------------------------------------------------------- */

#define D XF_DETERMINISTIC
const xfn_def xfn_time_defs[] = {
    {"now", fn_now, NULL, D}, /* constant within a query */
    {"ago", fn_ago, NULL, D},
    {"bin", fn_bin, NULL, D},
    {"bin_at", fn_bin_at, NULL, D},
    {"startofday", fn_startofday, NULL, D},
    {"startofweek", fn_startofweek, NULL, D},
    {"startofmonth", fn_startofmonth, NULL, D},
    {"startofyear", fn_startofyear, NULL, D},
    {"endofday", fn_endofday, NULL, D},
    {"endofweek", fn_endofweek, NULL, D},
    {"endofmonth", fn_endofmonth, NULL, D},
    {"endofyear", fn_endofyear, NULL, D},
    {"dayofweek", fn_dayofweek, NULL, D},
    {"dayofmonth", fn_dayofmonth, NULL, D},
    {"dayofyear", fn_dayofyear, NULL, D},
    {"week_of_year", fn_week_of_year, NULL, D},
    {"weekofyear", fn_weekofyear, NULL, D},
    {"monthofyear", fn_getmonth, NULL, D},
    {"getmonth", fn_getmonth, NULL, D},
    {"getyear", fn_getyear, NULL, D},
    {"hourofday", fn_hourofday, NULL, D},
    {"datetime_part", fn_datetime_part, prep_datetime_part, D},
    {"datetime_add", fn_datetime_add, prep_period, D},
    {"datetime_diff", fn_datetime_diff, prep_period, D},
    {"format_datetime", fn_format_datetime, NULL, D},
    {"format_timespan", fn_format_timespan, NULL, D},
    {"make_datetime", fn_make_datetime, NULL, D},
    {"make_timespan", fn_make_timespan, NULL, D},
    {"unixtime_seconds_todatetime", fn_unix_s, NULL, D},
    {"unixtime_milliseconds_todatetime", fn_unix_ms, NULL, D},
    {"unixtime_microseconds_todatetime", fn_unix_us, NULL, D},
    {"unixtime_nanoseconds_todatetime", fn_unix_ns, NULL, D},
    {NULL, NULL, NULL, 0},
};
