/* agg.c -- the aggregates of summarize (exec.h's xagg_def): the registry
 * by canonical name, the helpers both aggregate files share (agg_int.h),
 * and count/countif, sum/sumif, avg/avgif, min/max(if), arg_min/arg_max,
 * take_any(if), make_list(_if, _with_nulls) and binary_all_and/or/xor.
 * Distinct counts, sets, bags, variance and percentiles are in agg_stats.c.
 *
 * Semantics (Kusto's docs where they say; the choices are marked):
 * - Aggregates skip null values; count() and count(x) count rows, nulls
 *   included. An _if predicate counts only when it is true (null: false).
 * - A group with no values gives the summarize docs' defaults: 0 for
 *   count, countif, sum, sumif (of the result type); an empty array for
 *   make_list; null for avg, min, max, arg_*, take_any, binary_all_*.
 * - A string is never null (KQL): "" is a value like any other for
 *   min/max/make_list; take_any(x) prefers a non-empty string.
 * - sum of int/long wraps (two's complement), never traps; of real is a
 *   plain double sum; of dynamic (the binder types it dynamic) a long
 *   while every value is a long, else a real (non-numbers skipped). avg keeps an exact 128-bit sum
 * of integer ticks and values; avg of int/long is real, of datetime/timespan truncates the mean
 * toward zero.
 * - min/max compare numbers, bool (false < true), datetime, timespan,
 *   guid (bytes) and strings (ordinal, by UTF-8 bytes); a NaN loses to
 *   any other real. Ties keep the first value seen (arg_min/arg_max keep
 *   the first row). min/max of dynamic is an error at prepare.
 * - arg_max(k, a, b...): rows whose k is null lose to any other (a group
 *   with only null keys gives its first row); the outputs are
 *   k, a, b... at the chosen row (a and b may be null there).
 * - take_any(a, b, ...) with several arguments: the group's first row as
 *   it is (nulls included).
 * - make_list(x, max): the first max values in input order (max a
 *   constant >= 1; above 1048576 it is 1048576, the default); datetime,
 *   timespan and guid become strings in the array. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_int.h"
#include "types.h"

/* ---- Shared helpers (agg_int.h) --------------------------------------- */

bool agg_fail(diag *d, uint32_t off, uint32_t len, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_set(d, KQLITE_ERROR, off, len, "%s", msg);
	return false;
}

bool agg_charge(xquery *q, size_t bytes)
{
	q->memory += bytes;
	if (q->max_memory && q->memory > q->max_memory) {
		if (!q->d->code)
			diag_set_nospan(
			    q->d, KQLITE_LIMIT,
			    "the query needs more than --max-memory (%zu bytes) to summarize",
			    q->max_memory);
		return false;
	}
	return true;
}

bool agg_grow(xquery *q, void *p, size_t *cap, size_t need, size_t sz, void **out)
{
	*out = p;
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap : 4;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / sz)
			return x_nomem(q);
		nc *= 2;
	}
	void *np = realloc(p, nc * sz);
	if (!np)
		return x_nomem(q);
	size_t grown = (nc - *cap) * sz;
	*out = np;
	*cap = nc;
	return agg_charge(q, grown);
}

bool agg_num(const vec *v, uint32_t i, double *out)
{
	if (v_null(v, i))
		return false;
	switch (type_phys(v->type)) {
	case PH_BOOL:
		*out = v_bool(v, i);
		return true;
	case PH_I64:
		*out = (double)v_i64(v, i);
		return true;
	case PH_F64:
		*out = v_f64(v, i);
		return true;
	default:
		break;
	}
	if (v->type == KQLITE_TYPE_DYNAMIC) {
		kstr s = v_str(v, i);
		int64_t l;
		if (dyn_get_long((const uint8_t *)s.p, s.n, &l)) {
			*out = (double)l;
			return true;
		}
		return dyn_get_real((const uint8_t *)s.p, s.n, out);
	}
	return false;
}

/* A double as int64, truncated toward zero and clamped (NaN: 0). */
static int64_t f2i(double f)
{
	if (isnan(f))
		return 0;
	if (f >= 9223372036854775807.0)
		return INT64_MAX;
	if (f <= -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)f;
}

/* Row i as an integer: integers, bool, ticks, a real truncated, a dynamic
 * long or real. false when null or not a number. */
static bool agg_int(const vec *v, uint32_t i, int64_t *out)
{
	if (v_null(v, i))
		return false;
	switch (type_phys(v->type)) {
	case PH_BOOL:
		*out = v_bool(v, i);
		return true;
	case PH_I64:
		*out = v_i64(v, i);
		return true;
	case PH_F64:
		*out = f2i(v_f64(v, i));
		return true;
	default:
		break;
	}
	if (v->type == KQLITE_TYPE_DYNAMIC) {
		kstr s = v_str(v, i);
		double f;
		if (dyn_get_long((const uint8_t *)s.p, s.n, out))
			return true;
		if (dyn_get_real((const uint8_t *)s.p, s.n, &f)) {
			*out = f2i(f);
			return true;
		}
	}
	return false;
}

/* ISO 8601 with the fraction's trailing zeros (and a bare '.') dropped,
 * as tostring() writes a datetime. buf: 32 bytes. */
static size_t datetime_text(int64_t ticks, char *buf)
{
	size_t end = datetime_format(ticks, buf) - 1; /* at the 'Z' */
	while (end > 0 && buf[end - 1] == '0')
		end--;
	if (end > 0 && buf[end - 1] == '.')
		end--;
	buf[end] = 'Z';
	buf[end + 1] = '\0';
	return end + 1;
}

void agg_dyn_i64(dyn_builder *b, uint8_t t, int64_t x)
{
	char buf[40];
	switch (t) {
	case KQLITE_TYPE_DATETIME:
		dynb_string(b, buf, datetime_text(x, buf));
		break;
	case KQLITE_TYPE_TIMESPAN:
		dynb_string(b, buf, timespan_format(x, buf));
		break;
	case KQLITE_TYPE_BOOL:
		dynb_bool(b, x != 0);
		break;
	default:
		dynb_long(b, x);
		break;
	}
}

void agg_dyn_value(dyn_builder *b, const vec *v, uint32_t i)
{
	if (v_null(v, i)) {
		dynb_null(b);
		return;
	}
	switch (v->type) {
	case KQLITE_TYPE_BOOL:
		dynb_bool(b, v_bool(v, i));
		break;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		agg_dyn_i64(b, v->type, v_i64(v, i));
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		dynb_real(b, v_f64(v, i));
		break;
	case KQLITE_TYPE_STRING: {
		kstr s = v_str(v, i);
		dynb_string(b, s.p, s.n);
		break;
	}
	case KQLITE_TYPE_GUID: {
		char buf[40];
		dynb_string(b, buf, guid_format(v_guid(v, i), buf));
		break;
	}
	case KQLITE_TYPE_DYNAMIC: {
		kstr s = v_str(v, i);
		dynb_raw(b, (const uint8_t *)s.p, s.n);
		break;
	}
	default:
		dynb_null(b);
		break;
	}
}

int agg_push_i64(column *c, int64_t v)
{
	switch (c->type) {
	case KQLITE_TYPE_BOOL:
		return col_push_bool(c, v != 0);
	case KQLITE_TYPE_INT:
		return col_push_int(c, (int32_t)(uint32_t)(uint64_t)v);
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		return col_push_long(c, v);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return col_push_real(c, (double)v);
	default:
		return col_push_null(c);
	}
}

int agg_push_f64(column *c, double v)
{
	switch (c->type) {
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return col_push_real(c, v);
	case KQLITE_TYPE_BOOL:
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		if (isnan(v))
			return col_push_null(c);
		return agg_push_i64(c, f2i(v));
	default:
		return col_push_null(c);
	}
}

bool agg_pushed(xquery *q, int rc)
{
	return rc == 0 ? true : x_nomem(q);
}

static const char *tname(uint8_t t)
{
	return kqlite_type_name((kqlite_type)t);
}

bool agg_prepare_common(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	const aggdef *ad = AGGDEF(a);
	const char *name = ad->x.name;
	if (nargs > 64 || a->nout > 64)
		return agg_fail(d, off, len, "%s() takes at most 64 arguments and outputs", name);
	if (a->nout == 0)
		return agg_fail(d, off, len, "%s() has no output column", name);
	a->nargs = nargs;
	if (types && nargs)
		memcpy(a->argtype, types, nargs);
	aggcfg *cfg = arena_zalloc(q->qa, sizeof *cfg);
	if (!cfg) {
		diag_set_nospan(d, KQLITE_NOMEM, "out of memory");
		return false;
	}
	cfg->pred = -1;
	cfg->max = AGG_MAX_ELEMENTS;
	if (ad->pred >= 0) {
		if ((uint32_t)ad->pred >= nargs)
			return agg_fail(d, off, len, "%s() needs a predicate as argument %d", name,
			                ad->pred + 1);
		uint8_t t = a->argtype[ad->pred];
		if (t != KQLITE_TYPE_BOOL && t != KQLITE_TYPE_DYNAMIC && t != KQLITE_TYPE_NULL)
			return agg_fail(
			    d, off, len,
			    "argument %d of %s() (the predicate) must be a bool, not %s",
			    ad->pred + 1, name, tname(t));
		cfg->pred = ad->pred;
	}
	if (ad->max_arg >= 0 && (uint32_t)ad->max_arg < nargs) {
		const vec *c = consts ? consts[ad->max_arg] : NULL;
		if (!c)
			return agg_fail(d, off, len,
			                "argument %d of %s() (the maximum size) must be a constant",
			                ad->max_arg + 1, name);
		if (type_phys(c->type) != PH_I64 || c->type == KQLITE_TYPE_DATETIME ||
		    c->type == KQLITE_TYPE_TIMESPAN || v_null(c, 0))
			return agg_fail(d, off, len,
			                "argument %d of %s() (the maximum size) must be an integer",
			                ad->max_arg + 1, name);
		int64_t m = v_i64(c, 0);
		if (m < 1)
			return agg_fail(d, off, len,
			                "the maximum size of %s() must be at least 1, not %lld",
			                name, (long long)m);
		cfg->max = m > AGG_MAX_ELEMENTS ? AGG_MAX_ELEMENTS : m;
	}
	a->state = cfg;
	return true;
}

/* The state of group groups[k]. */
#define STATE(T, k) ((T *)(base + (size_t)groups[k] * a->def->state_size))
/* The predicate of an _if variant (NULL: none). */
#define PRED(a, args) (agg_cfg(a)->pred >= 0 ? &(args)[agg_cfg(a)->pred] : NULL)

/* Checks that output j has the physical form of argument j (or either is
 * an untyped null) for aggregates that hand values through. */
static bool same_form(const xagg *a, uint32_t j, uint32_t argj, diag *d, uint32_t off, uint32_t len)
{
	uint8_t r = a->rtype[j], t = a->argtype[argj];
	if (r == KQLITE_TYPE_NULL || t == KQLITE_TYPE_NULL || type_phys(r) == type_phys(t))
		return true;
	return agg_fail(d, off, len, "%s(): output %u is %s but its argument is %s", a->def->name,
	                j + 1, tname(r), tname(t));
}

static bool is_numeric_out(uint8_t t)
{
	int ph = type_phys(t);
	return ph == PH_I64 || ph == PH_F64 || ph == PH_BOOL;
}

/* ---- count, countif ------------------------------------------------------ */

typedef struct {
	int64_t n;
} st_count;

static bool count_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                          uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	if (a->nout != 1 || !is_numeric_out(a->rtype[0]))
		return agg_fail(d, off, len, "%s() gives one number, not %s", a->def->name,
		                tname(a->rtype[0]));
	return true;
}

static bool count_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                         uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)cx;
	(void)nargs;
	const vec *p = PRED(a, args);
	if (!p) {
		for (uint32_t k = 0; k < n; k++)
			STATE(st_count, k)->n++;
		return true;
	}
	FOR_SEL(i, sel, n)
	{
		if (agg_true(p, i))
			STATE(st_count, i_k)->n++;
	}
	return true;
}

static bool count_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)a;
	(void)nout;
	return agg_pushed(q, agg_push_i64(&out[0], ((st_count *)state)->n));
}

/* ---- sum, sumif ---------------------------------------------------------- */

typedef struct {
	uint64_t i; /* wraps */
	double f;
	bool real; /* a dynamic result: a real was added */
} st_sum;

static bool sum_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	uint8_t t = nargs ? types[0] : KQLITE_TYPE_NULL;
	if (nargs < 1 || (!is_numeric_out(t) && t != KQLITE_TYPE_DYNAMIC && t != KQLITE_TYPE_NULL))
		return agg_fail(d, off, len,
		                "%s() needs a number, a datetime or a timespan, not %s",
		                a->def->name, tname(t));
	bool dyn_sum = a->rtype[0] == KQLITE_TYPE_DYNAMIC && !strncmp(a->def->name, "sum", 3);
	if (a->nout != 1 || (!is_numeric_out(a->rtype[0]) && !dyn_sum))
		return agg_fail(d, off, len, "%s() cannot give %s", a->def->name,
		                tname(a->rtype[0]));
	return true;
}

/* sum(dynamic) is dynamic (the binder's type for it): a long while every
 * value is a long, else a real. */
static void sum_dyn(st_sum *s, const vec *x, uint32_t i)
{
	kstr d = v_str(x, i);
	int64_t l;
	double f;
	if (dyn_get_long((const uint8_t *)d.p, d.n, &l)) {
		s->i += (uint64_t)l;
	} else if (dyn_get_real((const uint8_t *)d.p, d.n, &f)) {
		s->f += f;
		s->real = true;
	}
}

static bool sum_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                       uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)cx;
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	bool ints = type_phys(a->rtype[0]) != PH_F64;
	if (!p && !x->is_const && type_phys(x->type) == PH_I64 && ints) {
		const int64_t *v = x->d.i;
		const uint8_t *nl = x->nulls;
		FOR_SEL(i, sel, n)
		{
			if (!nl || !nl[i])
				STATE(st_sum, i_k)->i += (uint64_t)v[i];
		}
		return true;
	}
	if (!p && !x->is_const && type_phys(x->type) == PH_F64 && !ints) {
		const double *v = x->d.f;
		const uint8_t *nl = x->nulls;
		FOR_SEL(i, sel, n)
		{
			if (!nl || !nl[i])
				STATE(st_sum, i_k)->f += v[i];
		}
		return true;
	}
	if (a->rtype[0] == KQLITE_TYPE_DYNAMIC) {
		FOR_SEL(i, sel, n)
		{
			if ((!p || agg_true(p, i)) && x->type == KQLITE_TYPE_DYNAMIC)
				sum_dyn(STATE(st_sum, i_k), x, i);
		}
		return true;
	}
	FOR_SEL(i, sel, n)
	{
		if (p && !agg_true(p, i))
			continue;
		if (ints) {
			int64_t v;
			if (agg_int(x, i, &v))
				STATE(st_sum, i_k)->i += (uint64_t)v;
		} else {
			double v;
			if (agg_num(x, i, &v))
				STATE(st_sum, i_k)->f += v;
		}
	}
	return true;
}

static bool sum_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)nout;
	st_sum *s = (st_sum *)state;
	if (a->rtype[0] == KQLITE_TYPE_DYNAMIC) {
		strbuf sb;
		sb_init(&sb);
		dyn_builder b;
		dynb_init(&b, &sb);
		if (s->real)
			dynb_real(&b, (double)(int64_t)s->i + s->f);
		else
			dynb_long(&b, (int64_t)s->i);
		bool ok = !sb.oom && agg_pushed(q, col_push_bytes(&out[0], sb.s, sb.len));
		sb_free(&sb);
		return ok || x_nomem(q);
	}
	if (type_phys(a->rtype[0]) != PH_F64)
		return agg_pushed(q, agg_push_i64(&out[0], (int64_t)s->i));
	return agg_pushed(q, agg_push_f64(&out[0], s->f));
}

/* ---- avg, avgif ---------------------------------------------------------- */

/* An exact sum of integers: 128 bits in two words (hi signed). */
typedef struct {
	uint64_t lo, hi;
	double f; /* reals (and dynamic reals) */
	int64_t n;
} st_avg;

static void add128(st_avg *s, int64_t v)
{
	uint64_t old = s->lo;
	s->lo += (uint64_t)v;
	s->hi += (s->lo < old) + (v < 0 ? UINT64_MAX : 0);
}

/* The integer sum divided by n: the mean as a double, or truncated. */
#ifdef __SIZEOF_INT128__
static __int128 sum128(const st_avg *s)
{
	return (__int128)(((unsigned __int128)s->hi << 64) | s->lo);
}
static double mean_f(const st_avg *s)
{
	return (double)sum128(s) / (double)s->n;
}
static int64_t mean_i(const st_avg *s)
{
	return (int64_t)(sum128(s) / s->n); /* the mean of int64s fits */
}
#else
static long double sum_ld(const st_avg *s)
{
	return (long double)(int64_t)s->hi * 18446744073709551616.0L + (long double)s->lo;
}
static double mean_f(const st_avg *s)
{
	return (double)(sum_ld(s) / (long double)s->n);
}
static int64_t mean_i(const st_avg *s)
{
	return (int64_t)(sum_ld(s) / (long double)s->n);
}
#endif

static bool avg_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                       uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)cx;
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	int ph = type_phys(x->type);
	FOR_SEL(i, sel, n)
	{
		if ((p && !agg_true(p, i)) || v_null(x, i))
			continue;
		st_avg *s = STATE(st_avg, i_k);
		if (ph == PH_I64) {
			add128(s, v_i64(x, i));
		} else if (ph == PH_F64) {
			s->f += v_f64(x, i);
		} else if (ph == PH_BOOL) {
			add128(s, v_bool(x, i));
		} else {
			kstr d = v_str(x, i);
			int64_t l;
			double f;
			if (dyn_get_long((const uint8_t *)d.p, d.n, &l))
				add128(s, l);
			else if (dyn_get_real((const uint8_t *)d.p, d.n, &f))
				s->f += f;
			else
				continue; /* not a number: skipped like a null */
		}
		s->n++;
	}
	return true;
}

static bool avg_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)nout;
	st_avg *s = (st_avg *)state;
	if (!s->n) /* 0 / 0: NaN for a real average (the summarize docs), else null */
		return agg_pushed(q, type_phys(a->rtype[0]) == PH_F64 ? agg_push_f64(&out[0], NAN)
		                                                      : col_push_null(&out[0]));
	if (type_phys(a->rtype[0]) == PH_I64)
		return agg_pushed(q, agg_push_i64(&out[0], mean_i(s) + f2i(s->f / (double)s->n)));
	return agg_pushed(q, agg_push_f64(&out[0], mean_f(s) + s->f / (double)s->n));
}

/* ---- Values kept across batches (min, max, arg_*, take_any) --------------- */

typedef struct cell {
	bool set; /* false: null, or nothing yet */
	union {
		int64_t i; /* bool, int, long, datetime, timespan */
		double f;  /* real, decimal */
		uint8_t g[16];
	} u;
	char *s; /* string or dynamic bytes, owned */
	size_t n, cap;
} cell;

/* Copies row i of v into c (a null clears it). */
static bool cell_take(xquery *q, cell *c, const vec *v, uint32_t i)
{
	c->set = false;
	c->n = 0;
	if (v_null(v, i))
		return true;
	switch (type_phys(v->type)) {
	case PH_BOOL:
		c->u.i = v_bool(v, i);
		break;
	case PH_I64:
		c->u.i = v_i64(v, i);
		break;
	case PH_F64:
		c->u.f = v_f64(v, i);
		break;
	case PH_GUID:
		memcpy(c->u.g, v_guid(v, i), 16);
		break;
	case PH_STR: {
		kstr s = v_str(v, i);
		void *np;
		bool ok = agg_grow(q, c->s, &c->cap, s.n, 1, &np);
		c->s = np;
		if (!ok)
			return false;
		if (s.n)
			memcpy(c->s, s.p, s.n);
		c->n = s.n;
		break;
	}
	default:
		return true;
	}
	c->set = true;
	return true;
}

static int cmp_i64(int64_t x, int64_t y)
{
	return (x > y) - (x < y);
}

/* Whether row i of v beats c's value (set): greater for max, less for
 * min. A NaN never wins and any real beats a NaN. */
static bool cell_beaten(const vec *v, uint32_t i, const cell *c, bool max)
{
	int r;
	switch (type_phys(v->type)) {
	case PH_BOOL:
		r = cmp_i64(v_bool(v, i), c->u.i);
		break;
	case PH_I64:
		r = cmp_i64(v_i64(v, i), c->u.i);
		break;
	case PH_F64: {
		double x = v_f64(v, i);
		if (isnan(x))
			return false;
		if (isnan(c->u.f))
			return true;
		r = (x > c->u.f) - (x < c->u.f);
		break;
	}
	case PH_GUID:
		r = memcmp(v_guid(v, i), c->u.g, 16);
		break;
	case PH_STR: {
		kstr s = v_str(v, i);
		size_t m = s.n < c->n ? s.n : c->n;
		r = m ? memcmp(s.p, c->s, m) : 0;
		if (!r)
			r = (s.n > c->n) - (s.n < c->n);
		break;
	}
	default:
		return false;
	}
	return max ? r > 0 : r < 0;
}

static int cell_push(column *out, const cell *c)
{
	if (!c->set)
		return col_push_null(out);
	switch (out->type) {
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return col_push_real(out, c->u.f);
	case KQLITE_TYPE_GUID:
		return col_push_guid(out, c->u.g);
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC:
		return col_push_bytes(out, c->s ? c->s : "", c->n);
	default:
		return agg_push_i64(out, c->u.i);
	}
}

/* ---- min, max, minif, maxif ------------------------------------------------ */

static bool minmax_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                           uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	if (nargs < 1 || a->nout != 1)
		return agg_fail(d, off, len, "%s() takes a value and gives one", a->def->name);
	if (types[0] == KQLITE_TYPE_DYNAMIC)
		return agg_fail(d, off, len,
		                "%s() cannot compare dynamic values; convert them first (tolong(), "
		                "tostring()...)",
		                a->def->name);
	return same_form(a, 0, 0, d, off, len);
}

static bool minmax_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                          uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	bool max = AGGDEF(a)->flags & AF_MAX;
	FOR_SEL(i, sel, n)
	{
		if ((p && !agg_true(p, i)) || v_null(x, i))
			continue;
		cell *c = STATE(cell, i_k);
		if ((!c->set || cell_beaten(x, i, c, max)) && !cell_take(cx->q, c, x, i))
			return false;
	}
	return true;
}

static bool minmax_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)a;
	(void)nout;
	return agg_pushed(q, cell_push(&out[0], (cell *)state));
}

static void cell_destroy(xagg *a, char *state)
{
	(void)a;
	free(((cell *)state)->s);
}

/* ---- arg_max, arg_min, take_any, take_anyif ------------------------------ */

/* One row's values: the first in place, the others (outputs 1..) apart. */
typedef struct {
	cell first;
	cell *rest;
	bool done; /* take_any: a row was taken */
} st_row;

static bool row_take(xquery *q, const xagg *a, st_row *s, const vec *args, uint32_t i)
{
	if (!cell_take(q, &s->first, &args[0], i))
		return false;
	if (a->nout > 1 && !s->rest) {
		s->rest = calloc(a->nout - 1, sizeof(cell));
		if (!s->rest)
			return x_nomem(q);
		if (!agg_charge(q, (a->nout - 1) * sizeof(cell)))
			return false;
	}
	for (uint32_t j = 1; j < a->nout; j++)
		if (!cell_take(q, &s->rest[j - 1], &args[j], i))
			return false;
	s->done = true;
	return true;
}

static bool row_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	uint32_t nval = agg_cfg(a)->pred >= 0 ? nargs - 1 : nargs;
	if (nval < 1 || a->nout != nval)
		return agg_fail(d, off, len,
		                "%s() gives one output for each of its %u arguments, not %u",
		                a->def->name, nval, a->nout);
	if (!strncmp(a->def->name, "arg_", 4) && types[0] == KQLITE_TYPE_DYNAMIC)
		return agg_fail(d, off, len,
		                "%s() cannot compare dynamic values; convert them first (tolong(), "
		                "tostring()...)",
		                a->def->name);
	for (uint32_t j = 0; j < a->nout; j++)
		if (!same_form(a, j, j, d, off, len))
			return false;
	return true;
}

static bool argmax_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                          uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *k0 = &args[0];
	bool max = AGGDEF(a)->flags & AF_MAX;
	FOR_SEL(i, sel, n)
	{
		st_row *s = STATE(st_row, i_k);
		if (v_null(k0, i)) {
			/* a group whose keys are all null still gives one of its rows
			 * (the first); a row with a key replaces it */
			if (!s->done && !row_take(cx->q, a, s, args, i))
				return false;
			continue;
		}
		if ((!s->first.set || cell_beaten(k0, i, &s->first, max)) &&
		    !row_take(cx->q, a, s, args, i))
			return false;
	}
	return true;
}

static bool takeany_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                           uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	bool one = a->nout == 1, str = type_phys(x->type) == PH_STR;
	FOR_SEL(i, sel, n)
	{
		st_row *s = STATE(st_row, i_k);
		if (s->done || (p && !agg_true(p, i)))
			continue;
		/* One value: a non-null, non-empty one where there is one. */
		if (one && (v_null(x, i) || (str && v_str(x, i).n == 0)))
			continue;
		if (!row_take(cx->q, a, s, args, i))
			return false;
	}
	return true;
}

static bool row_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	st_row *s = (st_row *)state;
	if (!agg_pushed(q, cell_push(&out[0], &s->first)))
		return false;
	for (uint32_t j = 1; j < nout && j < a->nout; j++) {
		static const cell none;
		if (!agg_pushed(q, cell_push(&out[j], s->rest ? &s->rest[j - 1] : &none)))
			return false;
	}
	return true;
}

static void row_destroy(xagg *a, char *state)
{
	st_row *s = (st_row *)state;
	free(s->first.s);
	if (s->rest)
		for (uint32_t j = 1; j < a->nout; j++)
			free(s->rest[j - 1].s);
	free(s->rest);
}

/* ---- make_list, make_list_if, make_list_with_nulls ------------------------ */

typedef struct {
	strbuf buf; /* the elements, encoded one after another */
	int64_t n;
} st_list;

static bool list_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                         uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	if (nargs < 1 || a->nout != 1 || a->rtype[0] != KQLITE_TYPE_DYNAMIC)
		return agg_fail(d, off, len, "%s() takes a value and gives one dynamic array",
		                a->def->name);
	return true;
}

static bool list_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                        uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	bool nulls = AGGDEF(a)->flags & AF_WITH_NULLS;
	int64_t max = agg_cfg(a)->max;
	FOR_SEL(i, sel, n)
	{
		if ((p && !agg_true(p, i)) || (!nulls && v_null(x, i)))
			continue;
		st_list *s = STATE(st_list, i_k);
		if (s->n >= max)
			continue;
		size_t cap = s->buf.cap;
		dyn_builder b;
		dynb_init(&b, &s->buf);
		agg_dyn_value(&b, x, i);
		if (s->buf.oom)
			return x_nomem(cx->q);
		s->n++;
		if (s->buf.cap > cap && !agg_charge(cx->q, s->buf.cap - cap))
			return false;
	}
	return true;
}

static bool list_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)a;
	(void)nout;
	st_list *s = (st_list *)state;
	strbuf arr;
	sb_init(&arr);
	dyn_builder b;
	dynb_init(&b, &arr);
	dynb_begin_array(&b);
	const uint8_t *p = (const uint8_t *)s->buf.s;
	size_t left = s->buf.len;
	while (left) {
		size_t sz = dyn_size(p, left);
		if (!sz)
			break; /* cannot happen: the buffer holds whole values */
		dynb_raw(&b, p, sz);
		p += sz;
		left -= sz;
	}
	dynb_end(&b);
	bool ok = !arr.oom && !b.failed && agg_pushed(q, col_push_bytes(&out[0], arr.s, arr.len));
	sb_free(&arr);
	return ok || x_nomem(q);
}

static void list_destroy(xagg *a, char *state)
{
	(void)a;
	sb_free(&((st_list *)state)->buf);
}

/* ---- binary_all_and, binary_all_or, binary_all_xor ------------------------ */

typedef struct {
	bool set;
	uint64_t v;
} st_bits;

static bool bits_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                         uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	int ph = nargs ? type_phys(types[0]) : PH_NONE;
	if (nargs != 1 || a->nout != 1 ||
	    (ph != PH_I64 && types[0] != KQLITE_TYPE_DYNAMIC && types[0] != KQLITE_TYPE_NULL))
		return agg_fail(d, off, len, "%s() takes one integer", a->def->name);
	return true;
}

static bool bits_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                        uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)cx;
	(void)nargs;
	char op = a->def->name[11]; /* binary_all_[a]nd, [o]r, [x]or */
	FOR_SEL(i, sel, n)
	{
		int64_t x;
		if (!agg_int(&args[0], i, &x))
			continue;
		st_bits *s = STATE(st_bits, i_k);
		if (!s->set)
			s->v = (uint64_t)x;
		else if (op == 'a')
			s->v &= (uint64_t)x;
		else if (op == 'o')
			s->v |= (uint64_t)x;
		else
			s->v ^= (uint64_t)x;
		s->set = true;
	}
	return true;
}

static bool bits_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)a;
	(void)nout;
	st_bits *s = (st_bits *)state;
	return agg_pushed(q,
	                  s->set ? agg_push_i64(&out[0], (int64_t)s->v) : col_push_null(&out[0]));
}

/* ---- The registry -------------------------------------------------------- */

#define DEF(nm, st, prep, upd, fin, des, pred, max, fl)                                            \
	{                                                                                          \
		{nm, sizeof(st), prep, upd, fin, des}, pred, max, fl                               \
	}

static const aggdef agg_defs[] = {
    DEF("count", st_count, count_prepare, count_update, count_finish, NULL, -1, -1, 0),
    DEF("countif", st_count, count_prepare, count_update, count_finish, NULL, 0, -1, 0),
    DEF("sum", st_sum, sum_prepare, sum_update, sum_finish, NULL, -1, -1, 0),
    DEF("sumif", st_sum, sum_prepare, sum_update, sum_finish, NULL, 1, -1, 0),
    DEF("avg", st_avg, sum_prepare, avg_update, avg_finish, NULL, -1, -1, 0),
    DEF("avgif", st_avg, sum_prepare, avg_update, avg_finish, NULL, 1, -1, 0),
    DEF("min", cell, minmax_prepare, minmax_update, minmax_finish, cell_destroy, -1, -1, 0),
    DEF("max", cell, minmax_prepare, minmax_update, minmax_finish, cell_destroy, -1, -1, AF_MAX),
    DEF("minif", cell, minmax_prepare, minmax_update, minmax_finish, cell_destroy, 1, -1, 0),
    DEF("maxif", cell, minmax_prepare, minmax_update, minmax_finish, cell_destroy, 1, -1, AF_MAX),
    DEF("arg_min", st_row, row_prepare, argmax_update, row_finish, row_destroy, -1, -1, 0),
    DEF("arg_max", st_row, row_prepare, argmax_update, row_finish, row_destroy, -1, -1, AF_MAX),
    DEF("take_any", st_row, row_prepare, takeany_update, row_finish, row_destroy, -1, -1, 0),
    DEF("take_anyif", st_row, row_prepare, takeany_update, row_finish, row_destroy, 1, -1, 0),
    DEF("make_list", st_list, list_prepare, list_update, list_finish, list_destroy, -1, 1, 0),
    DEF("make_list_if", st_list, list_prepare, list_update, list_finish, list_destroy, 1, 2, 0),
    DEF("make_list_with_nulls", st_list, list_prepare, list_update, list_finish, list_destroy, -1,
        -1, AF_WITH_NULLS),
    DEF("binary_all_and", st_bits, bits_prepare, bits_update, bits_finish, NULL, -1, -1, 0),
    DEF("binary_all_or", st_bits, bits_prepare, bits_update, bits_finish, NULL, -1, -1, 0),
    DEF("binary_all_xor", st_bits, bits_prepare, bits_update, bits_finish, NULL, -1, -1, 0),
};

static const aggdef *const stats_defs[] = {
    &agg_dcount,
    &agg_dcountif,
    &agg_count_distinct,
    &agg_count_distinctif,
    &agg_make_set,
    &agg_make_set_if,
    &agg_make_bag,
    &agg_make_bag_if,
    &agg_stdev,
    &agg_stdevif,
    &agg_stdevp,
    &agg_variance,
    &agg_varianceif,
    &agg_variancep,
    &agg_percentile,
    &agg_percentiles,
    &agg_percentiles_array,
    &agg_percentilew,
    &agg_percentilesw,
    &agg_percentilesw_array,
    &agg_hll,
    &agg_hll_if,
    &agg_hll_merge,
};

const xagg_def *xagg_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t k = 0; k < sizeof agg_defs / sizeof agg_defs[0]; k++)
		if (!strcmp(agg_defs[k].x.name, name))
			return &agg_defs[k].x;
	for (size_t k = 0; k < sizeof stats_defs / sizeof stats_defs[0]; k++)
		if (!strcmp(stats_defs[k]->x.name, name))
			return &stats_defs[k]->x;
	return NULL;
}
