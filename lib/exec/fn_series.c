/* fn_series.c -- series_* functions over the arrays make-series produces:
 * element-wise arithmetic and comparisons (series_add ... series_pow,
 * series_greater ... series_not_equals), element-wise math (series_abs ...
 * series_tan), series_fill_forward/backward/const/linear, series_stats and
 * series_stats_dynamic, series_fit_line and series_fit_line_dynamic,
 * series_fit_2lines and series_fit_2lines_dynamic, series_outliers,
 * series_decompose, series_decompose_anomalies, series_pearson_correlation.
 *
 * A series is a dynamic array; its elements that are not numbers (null,
 * strings...) are missing values: null in element-wise results, skipped
 * by the statistics, filled by the fill functions. An argument that is
 * not an array gives null.
 *
 * The functions with several results (series_stats, series_fit_line,
 * series_fit_2lines, series_decompose, series_decompose_anomalies) give
 * their FIRST result when called plainly: series_stats -> min,
 * series_fit_line -> rsquare, series_fit_2lines -> rsquare,
 * series_decompose -> baseline, series_decompose_anomalies -> the anomaly
 * flags. Each also has an "f:tuple" form, which the planner calls for
 * `extend (a, b, ...) = f(x)`: one dynamic array per row holding all the
 * results in the docs' order (null when the *_dynamic form would be null:
 * not an array, or a fit without points). The *_dynamic forms give
 * everything as a bag. All three shapes come from one computation.
 *
 * series_decompose: trend "linefit" (least squares, x = 1..n, as the docs'
 * series_fit_line example), "avg" or "none"; seasonality -1 detects a
 * period with the autocorrelation of the detrended series (the lag in
 * 2..n/2 with the largest autocorrelation when above the threshold,
 * default 0.6; choice: Kusto uses its own period detection), 0 none, N a
 * period; the seasonal part is the mean of the detrended values at each
 * phase; baseline = seasonal + trend; residual = series - baseline.
 * series_decompose_anomalies scores the residuals with series_outliers
 * (ctukey: Tukey's fences on the 10th and 90th percentiles) and flags
 * scores beyond +-threshold (default 1.5) as 1 / -1. test_points and
 * method "tukey" are accepted; test_points excludes the last points from
 * the fit only in trend and seasonal estimation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"

#define UNUSED_CALL                                                                                \
	(void)call;                                                                                \
	(void)nargs

/* ---- Reading and writing series ------------------------------------------ */

typedef struct series {
	double *v;   /* NAN: missing */
	uint32_t n;
} series;

/* Row i of v as a series (in tmp); false when it is not an array. A number
 * argument gives a one-element "scalar" (n = 1, *scalar set). */
static bool series_at(xctx *cx, const vec *v, uint32_t i, series *s, bool *scalar)
{
	if (scalar)
		*scalar = false;
	if (v->type != KQLITE_TYPE_DYNAMIC) {
		double f;
		if (!scalar || !vec_get_f64(v, i, &f))
			return false;
		s->v = arena_alloc(cx->tmp, sizeof(double));
		if (!s->v)
			return x_nomem(cx->q);
		s->v[0] = f;
		s->n = 1;
		*scalar = true;
		return true;
	}
	if (v_null(v, i))
		return false;
	kstr d = v_str(v, i);
	const uint8_t *p = (const uint8_t *)d.p;
	int tag = dyn_tag(p, d.n);
	if (tag == DYN_LONG || tag == DYN_REAL) { /* a dynamic number beside a series */
		double f;
		if (!scalar || !vec_get_f64(v, i, &f))
			return false;
		s->v = arena_alloc(cx->tmp, sizeof(double));
		if (!s->v)
			return x_nomem(cx->q);
		s->v[0] = f;
		s->n = 1;
		*scalar = true;
		return true;
	}
	dyn_iter it;
	if (tag != DYN_ARRAY || !dyn_iter_init(&it, p, d.n))
		return false;
	uint32_t cnt = dyn_count(p, d.n);
	s->n = cnt;
	s->v = arena_alloc(cx->tmp, sizeof(double) * (cnt ? cnt : 1));
	if (!s->v)
		return x_nomem(cx->q);
	const uint8_t *e;
	size_t elen;
	for (uint32_t k = 0; dyn_iter_next(&it, NULL, NULL, &e, &elen); k++) {
		int64_t l;
		double f;
		if (dyn_get_long(e, elen, &l))
			s->v[k] = (double)l;
		else if (dyn_get_real(e, elen, &f))
			s->v[k] = f;
		else if (dyn_tag(e, elen) == DYN_TRUE || dyn_tag(e, elen) == DYN_FALSE)
			s->v[k] = dyn_tag(e, elen) == DYN_TRUE;
		else
			s->v[k] = NAN;
	}
	return true;
}

/* Appends a number: an integral value as a long (series_add([1],[2]) is
 * [3]), NaN as null. */
static void put_num(dyn_builder *b, double f, bool as_real)
{
	if (isnan(f))
		dynb_null(b);
	else if (!as_real && f == floor(f) && fabs(f) < 9e15)
		dynb_long(b, (int64_t)f);
	else
		dynb_real(b, f);
}

static void put_array(dyn_builder *b, const double *v, uint32_t n, bool as_real)
{
	dynb_begin_array(b);
	for (uint32_t k = 0; k < n; k++)
		put_num(b, v[k], as_real);
	dynb_end(b);
}

static bool set_built(xctx *cx, vec *out, uint32_t i, strbuf *sb, const dyn_builder *b)
{
	if (sb->oom)
		return x_nomem(cx->q);
	if (b->failed)
		return x_error(cx->q, "dynamic value nested too deeply");
	return vec_set_str(cx, out, i, sb->s ? sb->s : "", sb->len);
}

/* Sets row i of a dynamic out to the array v. */
static bool out_array(xctx *cx, vec *out, uint32_t i, const double *v, uint32_t n, bool as_real)
{
	strbuf sb;
	sb_init(&sb);
	dyn_builder b;
	dynb_init(&b, &sb);
	put_array(&b, v, n, as_real);
	bool ok = set_built(cx, out, i, &sb, &b);
	sb_free(&sb);
	return ok;
}

static double *scratch(xctx *cx, uint32_t n)
{
	double *p = arena_alloc(cx->tmp, sizeof(double) * (n ? n : 1));
	if (!p)
		x_nomem(cx->q);
	return p;
}

/* An optional numeric argument k at row i (def when absent or null). */
static double num_arg(const vec *args, uint32_t nargs, uint32_t k, uint32_t i, double def)
{
	double f;
	if (k >= nargs || !vec_get_f64(&args[k], i, &f))
		return def;
	return f;
}

static bool out_dyn(xctx *cx, vec *out, uint32_t rows)
{
	out->type = KQLITE_TYPE_DYNAMIC;
	return vec_alloc(cx, out, rows, false);
}

/* ---- Results with several parts --------------------------------------------- */

/* The functions with several results build one dynamic value per row, in
 * one of three shapes: AS_BAG (the *_dynamic forms: an object with named
 * parts), AS_TUPLE (the "f:tuple" forms the planner uses for
 * `extend (a, b) = f(x)`: an array of the parts in the documented order)
 * or AS_FIRST (the plain call: its first part only). */
enum { AS_FIRST, AS_TUPLE, AS_BAG };

/* Builds row i's value from the series a into b; 1 built, 0 null, -1 error. */
typedef int (*emitter)(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, const series *a, dyn_builder *b,
                       int as);

static bool build_rows(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                       vec *out, emitter emit, int as)
{
	if (!out_dyn(cx, out, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		series a;
		if (!series_at(cx, &args[0], i, &a, NULL)) {
			if ((ok = !cx->q->d->code))
				continue;
			break;
		}
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		int r = emit(cx, args, nargs, i, &a, &b, as);
		if (r < 0) {
			ok = false;
			break;
		}
		if (r > 0 && !(ok = set_built(cx, out, i, &sb, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

#define SHAPED(fname, emit, as)                                                                    \
	static bool fname(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,            \
	                  const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                \
	{                                                                                          \
		(void)call;                                                                        \
		return build_rows(cx, args, nargs, sel, n, rows, out, emit, as);                   \
	}

static void begin_parts(dyn_builder *b, int as)
{
	if (as == AS_BAG)
		dynb_begin_object(b);
	else
		dynb_begin_array(b);
}

/* A part's name: a key in a bag, nothing in a tuple. */
static void part(dyn_builder *b, int as, const char *key)
{
	if (as == AS_BAG)
		dynb_key(b, key, strlen(key));
}

static void part_real(dyn_builder *b, int as, const char *key, double v, bool have)
{
	part(b, as, key);
	if (have && !isnan(v))
		dynb_real(b, v);
	else
		dynb_null(b);
}

static void part_long(dyn_builder *b, int as, const char *key, int64_t v, bool have)
{
	part(b, as, key);
	if (have)
		dynb_long(b, v);
	else
		dynb_null(b);
}

/* ---- Element-wise ------------------------------------------------------------ */

typedef double (*binop)(double, double);
static double op_add(double a, double b) { return a + b; }
static double op_sub(double a, double b) { return a - b; }
static double op_mul(double a, double b) { return a * b; }
static double op_div(double a, double b) { return a / b; }
static double op_pow(double a, double b) { return pow(a, b); }
static double op_gt(double a, double b) { return a > b; }
static double op_ge(double a, double b) { return a >= b; }
static double op_lt(double a, double b) { return a < b; }
static double op_le(double a, double b) { return a <= b; }
static double op_eq(double a, double b) { return a == b; }
static double op_ne(double a, double b) { return a != b; }

/* Two series (or a series and a number) element by element; the shorter
 * series is padded with nulls (Kusto: the result is as long as the
 * longer). Comparisons give booleans, divide and pow reals. */
static bool binary(xctx *cx, const vec *args, const uint32_t *sel, uint32_t n, uint32_t rows, vec *out,
                   binop op, int kind /* 0 number, 1 real, 2 bool */)
{
	if (!out_dyn(cx, out, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		series a, b;
		bool sa, sb_;
		if (!series_at(cx, &args[0], i, &a, &sa) || !series_at(cx, &args[1], i, &b, &sb_)) {
			if (cx->q->d->code) {
				ok = false;
				break;
			}
			continue;
		}
		if (sa && sb_) /* two numbers: not series */
			continue;
		uint32_t len = sa ? b.n : sb_ ? a.n : (a.n > b.n ? a.n : b.n);
		sb.len = 0;
		dyn_builder db;
		dynb_init(&db, &sb);
		dynb_begin_array(&db);
		for (uint32_t k = 0; k < len; k++) {
			double x = sa ? a.v[0] : k < a.n ? a.v[k] : NAN;
			double y = sb_ ? b.v[0] : k < b.n ? b.v[k] : NAN;
			if (isnan(x) || isnan(y)) {
				dynb_null(&db);
				continue;
			}
			double r = op(x, y);
			if (kind == 2)
				dynb_bool(&db, r != 0);
			else if (kind == 1 || isinf(r))
				dynb_real(&db, r);
			else
				put_num(&db, r, false);
		}
		dynb_end(&db);
		if (!(ok = set_built(cx, out, i, &sb, &db)))
			break;
	}
	sb_free(&sb);
	return ok;
}

#define BINARY(fname, op, kind)                                                                    \
	static bool fname(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,            \
	                  const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                \
	{                                                                                          \
		UNUSED_CALL;                                                                       \
		return binary(cx, args, sel, n, rows, out, op, kind);                              \
	}
BINARY(fn_series_add, op_add, 0)
BINARY(fn_series_subtract, op_sub, 0)
BINARY(fn_series_multiply, op_mul, 0)
BINARY(fn_series_divide, op_div, 1)
BINARY(fn_series_pow, op_pow, 1)
BINARY(fn_series_greater, op_gt, 2)
BINARY(fn_series_greater_equals, op_ge, 2)
BINARY(fn_series_less, op_lt, 2)
BINARY(fn_series_less_equals, op_le, 2)
BINARY(fn_series_equals, op_eq, 2)
BINARY(fn_series_not_equals, op_ne, 2)

static double f_sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }

static bool unary(xctx *cx, const vec *args, const uint32_t *sel, uint32_t n, uint32_t rows, vec *out,
                  double (*f)(double), bool as_real)
{
	if (!out_dyn(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n)
	{
		series a;
		if (!series_at(cx, &args[0], i, &a, NULL)) {
			if (cx->q->d->code)
				return false;
			continue;
		}
		for (uint32_t k = 0; k < a.n; k++)
			if (!isnan(a.v[k]))
				a.v[k] = f(a.v[k]);
		if (!out_array(cx, out, i, a.v, a.n, as_real))
			return false;
	}
	return true;
}

#define UNARY(fname, f, real)                                                                      \
	static bool fname(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,            \
	                  const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                \
	{                                                                                          \
		UNUSED_CALL;                                                                       \
		return unary(cx, args, sel, n, rows, out, f, real);                                \
	}
UNARY(fn_series_abs, fabs, false)
UNARY(fn_series_acos, acos, true)
UNARY(fn_series_asin, asin, true)
UNARY(fn_series_atan, atan, true)
UNARY(fn_series_ceiling, ceil, false)
UNARY(fn_series_cos, cos, true)
UNARY(fn_series_exp, exp, true)
UNARY(fn_series_floor, floor, false)
UNARY(fn_series_log, log, true)
UNARY(fn_series_sign, f_sign, false)
UNARY(fn_series_sin, sin, true)
UNARY(fn_series_tan, tan, true)

/* ---- Fill -------------------------------------------------------------------- */

/* Which values are missing: nulls (NaN here), or those equal to the
 * missing_value_placeholder argument when given. */
static bool is_missing(double x, bool have_ph, double ph)
{
	return isnan(x) || (have_ph && x == ph);
}

enum { FILL_FORWARD, FILL_BACKWARD, FILL_CONST, FILL_LINEAR };

static bool fill(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                 vec *out, int how)
{
	if (!out_dyn(cx, out, rows))
		return false;
	/* the placeholder argument: 1 (forward/backward/linear), 2 (const) */
	uint32_t ph_arg = how == FILL_CONST ? 2 : 1;
	FOR_SEL(i, sel, n)
	{
		series a;
		if (!series_at(cx, &args[0], i, &a, NULL)) {
			if (cx->q->d->code)
				return false;
			continue;
		}
		double ph = 0;
		bool have_ph = ph_arg < nargs && vec_get_f64(&args[ph_arg], i, &ph);
		double *v = a.v;
		uint32_t len = a.n;
		if (how == FILL_FORWARD) {
			for (uint32_t k = 1; k < len; k++)
				if (is_missing(v[k], have_ph, ph) && !is_missing(v[k - 1], have_ph, ph))
					v[k] = v[k - 1];
		} else if (how == FILL_BACKWARD) {
			for (uint32_t k = len; k-- > 1;)
				if (is_missing(v[k - 1], have_ph, ph) && !is_missing(v[k], have_ph, ph))
					v[k - 1] = v[k];
		} else if (how == FILL_CONST) {
			double c = num_arg(args, nargs, 1, i, 0);
			for (uint32_t k = 0; k < len; k++)
				if (is_missing(v[k], have_ph, ph))
					v[k] = c;
		} else {
			/* linear between known neighbours; the ends are filled with the
			 * nearest known value when fill_edges (argument 2, default true) */
			bool edges = true;
			if (nargs > 2 && !v_null(&args[2], i) && args[2].type == KQLITE_TYPE_BOOL)
				edges = v_bool(&args[2], i);
			int64_t prev = -1;
			for (uint32_t k = 0; k < len; k++) {
				if (is_missing(v[k], have_ph, ph))
					continue;
				if (prev >= 0)
					for (uint32_t j = (uint32_t)prev + 1; j < k; j++)
						v[j] = v[prev] + (v[k] - v[prev]) * (double)(j - prev) / (double)(k - prev);
				else if (edges)
					for (uint32_t j = 0; j < k; j++)
						v[j] = v[k];
				prev = k;
			}
			if (edges && prev >= 0)
				for (uint32_t j = (uint32_t)prev + 1; j < len; j++)
					v[j] = v[prev];
		}
		/* placeholders left unfilled stay as they were */
		if (!out_array(cx, out, i, v, len, false))
			return false;
	}
	return true;
}

#define FILL(fname, how)                                                                           \
	static bool fname(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,            \
	                  const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                \
	{                                                                                          \
		(void)call;                                                                        \
		return fill(cx, args, nargs, sel, n, rows, out, how);                              \
	}
FILL(fn_series_fill_forward, FILL_FORWARD)
FILL(fn_series_fill_backward, FILL_BACKWARD)
FILL(fn_series_fill_const, FILL_CONST)
FILL(fn_series_fill_linear, FILL_LINEAR)

/* ---- Statistics ----------------------------------------------------------- */

typedef struct stats {
	double min, max, avg, stdev, variance;
	int64_t min_idx, max_idx;
	uint32_t count;
} stats;

/* series_stats: over the numbers (nulls skipped; NaN/inf skipped too when
 * ignore_nonfinite). variance is the sample variance (n - 1). */
static void compute_stats(const series *a, bool ignore_nonfinite, stats *st)
{
	memset(st, 0, sizeof *st);
	st->min_idx = st->max_idx = -1;
	double mean = 0, m2 = 0;
	for (uint32_t k = 0; k < a->n; k++) {
		double x = a->v[k];
		if (isnan(x) || (ignore_nonfinite && !isfinite(x)))
			continue;
		if (!st->count || x < st->min) {
			st->min = x;
			st->min_idx = k;
		}
		if (!st->count || x > st->max) {
			st->max = x;
			st->max_idx = k;
		}
		st->count++;
		double d = x - mean;
		mean += d / st->count;
		m2 += d * (x - mean);
	}
	st->avg = mean;
	st->variance = st->count > 1 ? m2 / (st->count - 1) : 0;
	st->stdev = sqrt(st->variance);
}

static bool ignore_nonfinite_arg(const vec *args, uint32_t nargs, uint32_t i)
{
	return nargs > 1 && args[1].type == KQLITE_TYPE_BOOL && !v_null(&args[1], i) && v_bool(&args[1], i);
}

static bool fn_series_stats(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	out->type = KQLITE_TYPE_REAL;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		series a;
		stats st;
		if (!series_at(cx, &args[0], i, &a, NULL)) {
			if (cx->q->d->code)
				return false;
			out->nulls[i] = 1;
			continue;
		}
		compute_stats(&a, ignore_nonfinite_arg(args, nargs, i), &st);
		if (!st.count)
			out->nulls[i] = 1;
		else
			out->d.f[i] = st.min;
	}
	return true;
}

/* min, min_idx, max, max_idx, avg, stdev, variance; all null when the
 * series has no numbers. */
static int emit_stats(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, const series *a, dyn_builder *b,
                      int as)
{
	(void)cx;
	stats st;
	compute_stats(a, ignore_nonfinite_arg(args, nargs, i), &st);
	bool have = st.count > 0;
	begin_parts(b, as);
	part_real(b, as, "min", st.min, have);
	part_long(b, as, "min_idx", st.min_idx, have);
	part_real(b, as, "max", st.max, have);
	part_long(b, as, "max_idx", st.max_idx, have);
	part_real(b, as, "avg", st.avg, have);
	part_real(b, as, "stdev", st.stdev, have);
	part_real(b, as, "variance", st.variance, have);
	dynb_end(b);
	return 1;
}
SHAPED(fn_series_stats_dynamic, emit_stats, AS_BAG)
SHAPED(fn_series_stats_tuple, emit_stats, AS_TUPLE)

/* ---- Line fits -------------------------------------------------------------- */

typedef struct linefit {
	double rsquare, slope, variance, rvariance, interception;
	bool ok;
} linefit;

/* Least squares over x = 1..n on the points k in [from, to) that are
 * numbers. variance: the sample variance of y; rvariance: of the residuals. */
static linefit fit_line(const double *y, uint32_t from, uint32_t to)
{
	linefit f = {0};
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	uint32_t cnt = 0;
	for (uint32_t k = from; k < to; k++) {
		if (isnan(y[k]))
			continue;
		double x = k + 1;
		sx += x;
		sy += y[k];
		sxx += x * x;
		sxy += x * y[k];
		cnt++;
	}
	if (!cnt)
		return f;
	double den = cnt * sxx - sx * sx;
	f.slope = den != 0 ? (cnt * sxy - sx * sy) / den : 0;
	f.interception = (sy - f.slope * sx) / cnt;
	double mean = sy / cnt, ss = 0, rs = 0;
	for (uint32_t k = from; k < to; k++) {
		if (isnan(y[k]))
			continue;
		double r = y[k] - (f.slope * (k + 1) + f.interception);
		ss += (y[k] - mean) * (y[k] - mean);
		rs += r * r;
	}
	f.variance = cnt > 1 ? ss / (cnt - 1) : 0;
	f.rvariance = cnt > 1 ? rs / (cnt - 1) : 0;
	f.rsquare = ss > 0 ? 1 - rs / ss : 1;
	f.ok = true;
	return f;
}

static bool fn_series_fit_line(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	out->type = KQLITE_TYPE_REAL;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		series a;
		linefit f = {0};
		if (series_at(cx, &args[0], i, &a, NULL))
			f = fit_line(a.v, 0, a.n);
		else if (cx->q->d->code)
			return false;
		if (f.ok)
			out->d.f[i] = f.rsquare;
		else
			out->nulls[i] = 1;
	}
	return true;
}

static void put_line(dyn_builder *b, const linefit *f, uint32_t from, uint32_t to)
{
	for (uint32_t k = from; k < to; k++)
		dynb_real(b, f->slope * (k + 1) + f->interception);
}

/* rsquare, slope, variance, rvariance, interception, line_fit; null when
 * the series has no numbers. */
static int emit_fit_line(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, const series *a, dyn_builder *b,
                         int as)
{
	(void)cx;
	(void)args;
	(void)nargs;
	(void)i;
	linefit f = fit_line(a->v, 0, a->n);
	if (!f.ok)
		return 0;
	begin_parts(b, as);
	part_real(b, as, "rsquare", f.rsquare, true);
	part_real(b, as, "slope", f.slope, true);
	part_real(b, as, "variance", f.variance, true);
	part_real(b, as, "rvariance", f.rvariance, true);
	part_real(b, as, "interception", f.interception, true);
	part(b, as, "line_fit");
	dynb_begin_array(b);
	put_line(b, &f, 0, a->n);
	dynb_end(b);
	dynb_end(b);
	return 1;
}
SHAPED(fn_series_fit_line_dynamic, emit_fit_line, AS_BAG)
SHAPED(fn_series_fit_line_tuple, emit_fit_line, AS_TUPLE)

/* series_fit_2lines: the split point k (2 <= k <= n-2) whose two line fits
 * leave the least residual sum of squares. */
typedef struct fit2 {
	linefit l, r;
	uint32_t split;
	double rsquare, rvariance, variance;
	bool ok;
} fit2;

static fit2 fit_2lines(const double *y, uint32_t n)
{
	fit2 best = {0};
	double best_rs = INFINITY;
	linefit all = fit_line(y, 0, n);
	for (uint32_t k = 2; k + 2 <= n; k++) {
		linefit l = fit_line(y, 0, k), r = fit_line(y, k, n);
		if (!l.ok || !r.ok)
			continue;
		double rs = 0;
		uint32_t cnt = 0;
		for (uint32_t j = 0; j < n; j++) {
			if (isnan(y[j]))
				continue;
			const linefit *f = j < k ? &l : &r;
			double e = y[j] - (f->slope * (j + 1) + f->interception);
			rs += e * e;
			cnt++;
		}
		if (rs < best_rs) {
			best_rs = rs;
			best.l = l;
			best.r = r;
			best.split = k;
			best.ok = true;
			best.rvariance = cnt > 1 ? rs / (cnt - 1) : 0;
		}
	}
	if (best.ok) {
		best.variance = all.variance;
		best.rsquare = all.variance > 0 ? 1 - best.rvariance / all.variance : 1;
	}
	return best;
}

static bool fn_series_fit_2lines(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	out->type = KQLITE_TYPE_REAL;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		series a;
		fit2 f = {0};
		if (series_at(cx, &args[0], i, &a, NULL))
			f = fit_2lines(a.v, a.n);
		else if (cx->q->d->code)
			return false;
		if (f.ok)
			out->d.f[i] = f.rsquare;
		else
			out->nulls[i] = 1;
	}
	return true;
}

/* One side's line: a nested bag "right"/"left", or in a tuple the flat
 * parts right_rsquare ... right_rvariance (the docs' order). */
static void put_side(dyn_builder *b, int as, const char *key, const linefit *f)
{
	part(b, as, key);
	if (as == AS_BAG)
		dynb_begin_object(b);
	part_real(b, as, "rsquare", f->rsquare, true);
	part_real(b, as, "slope", f->slope, true);
	part_real(b, as, "interception", f->interception, true);
	part_real(b, as, "variance", f->variance, true);
	part_real(b, as, "rvariance", f->rvariance, true);
	if (as == AS_BAG)
		dynb_end(b);
}

/* rsquare, split_idx, variance, rvariance, line_fit, then right_* and
 * left_* (rsquare, slope, interception, variance, rvariance); null when no
 * split fits (fewer than 4 points). */
static int emit_fit_2lines(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, const series *a,
                           dyn_builder *b, int as)
{
	(void)cx;
	(void)args;
	(void)nargs;
	(void)i;
	fit2 f = fit_2lines(a->v, a->n);
	if (!f.ok)
		return 0;
	begin_parts(b, as);
	part_real(b, as, "rsquare", f.rsquare, true);
	part_long(b, as, "split_idx", (int64_t)f.split - 1, true);
	part_real(b, as, "variance", f.variance, true);
	part_real(b, as, "rvariance", f.rvariance, true);
	part(b, as, "line_fit");
	dynb_begin_array(b);
	put_line(b, &f.l, 0, f.split);
	put_line(b, &f.r, f.split, a->n);
	dynb_end(b);
	put_side(b, as, "right", &f.r);
	put_side(b, as, "left", &f.l);
	dynb_end(b);
	return 1;
}
SHAPED(fn_series_fit_2lines_dynamic, emit_fit_2lines, AS_BAG)
SHAPED(fn_series_fit_2lines_tuple, emit_fit_2lines, AS_TUPLE)

static bool fn_series_pearson_correlation(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	out->type = KQLITE_TYPE_REAL;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		series a, b;
		if (!series_at(cx, &args[0], i, &a, NULL) || !series_at(cx, &args[1], i, &b, NULL) || a.n != b.n) {
			if (cx->q->d->code)
				return false;
			out->nulls[i] = 1;
			continue;
		}
		double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
		uint32_t cnt = 0;
		for (uint32_t k = 0; k < a.n; k++) {
			if (isnan(a.v[k]) || isnan(b.v[k]))
				continue;
			sx += a.v[k];
			sy += b.v[k];
			sxx += a.v[k] * a.v[k];
			syy += b.v[k] * b.v[k];
			sxy += a.v[k] * b.v[k];
			cnt++;
		}
		double den = sqrt(cnt * sxx - sx * sx) * sqrt(cnt * syy - sy * sy);
		if (!cnt || den == 0)
			out->nulls[i] = 1;
		else
			out->d.f[i] = (cnt * sxy - sx * sy) / den;
	}
	return true;
}

/* ---- Outliers and decomposition --------------------------------------------- */

static int cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/* The p-th percentile (0..100) of sorted values, linear interpolation. */
static double percentile(const double *s, uint32_t n, double p)
{
	if (!n)
		return NAN;
	double pos = p / 100 * (n - 1);
	uint32_t lo = (uint32_t)floor(pos);
	uint32_t hi = lo + 1 < n ? lo + 1 : lo;
	return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/* Tukey scores: 0 inside [Q_lo, Q_hi], else the distance beyond the
 * fence in units of the range Q_hi - Q_lo (signed). */
static bool outlier_scores(xctx *cx, const double *v, uint32_t n, double plo, double phi, double *score)
{
	double *s = scratch(cx, n);
	if (!s)
		return false;
	uint32_t m = 0;
	for (uint32_t k = 0; k < n; k++)
		if (!isnan(v[k]))
			s[m++] = v[k];
	qsort(s, m, sizeof *s, cmp_dbl);
	double lo = percentile(s, m, plo), hi = percentile(s, m, phi), range = hi - lo;
	for (uint32_t k = 0; k < n; k++) {
		double x = v[k];
		if (isnan(x))
			score[k] = NAN;
		else if (x > hi)
			score[k] = range > 0 ? (x - hi) / range : (x > hi ? INFINITY : 0);
		else if (x < lo)
			score[k] = range > 0 ? (x - lo) / range : -INFINITY;
		else
			score[k] = 0;
		if (isinf(score[k])) /* a flat series: any step is far out */
			score[k] = score[k] > 0 ? 1e6 : -1e6;
	}
	return true;
}

static bool kind_percentiles(kstr kind, double *plo, double *phi)
{
	if (kind.n == 5 && !memcmp(kind.p, "tukey", 5)) {
		*plo = 25;
		*phi = 75;
		return true;
	}
	if (kind.n == 6 && !memcmp(kind.p, "ctukey", 6)) {
		*plo = 10;
		*phi = 90;
		return true;
	}
	return false;
}

static bool fn_series_outliers(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	if (!out_dyn(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n)
	{
		series a;
		if (!series_at(cx, &args[0], i, &a, NULL)) {
			if (cx->q->d->code)
				return false;
			continue;
		}
		double plo = 10, phi = 90;
		if (nargs > 1 && args[1].type == KQLITE_TYPE_STRING) {
			kstr kind = v_str(&args[1], i);
			if (!kind.p)
				kind.p = "";
			if (kind.n && !kind_percentiles(kind, &plo, &phi))
				return x_error(cx->q, "series_outliers(): kind must be \"tukey\" or \"ctukey\", not \"%.*s\"",
				               (int)kind.n, kind.p);
		}
		if (nargs > 2) {
			double ign;
			if (vec_get_f64(&args[2], i, &ign))
				for (uint32_t k = 0; k < a.n; k++)
					if (a.v[k] == ign)
						a.v[k] = NAN;
		}
		if (plo == 10 && phi == 90) {
			plo = num_arg(args, nargs, 3, i, 10);
			phi = num_arg(args, nargs, 4, i, 90);
		}
		double *score = scratch(cx, a.n);
		if (!score || !outlier_scores(cx, a.v, a.n, plo, phi, score))
			return false;
		for (uint32_t k = 0; k < a.n; k++) /* an ignored value scores 0 */
			if (isnan(score[k]))
				score[k] = 0;
		if (!out_array(cx, out, i, score, a.n, true))
			return false;
	}
	return true;
}

typedef struct decomp {
	double *baseline, *seasonal, *trend, *residual;
} decomp;

/* The period with the best autocorrelation of v (0: none above thr). */
static uint32_t detect_period(const double *v, uint32_t n, double thr)
{
	double mean = 0;
	uint32_t cnt = 0;
	for (uint32_t k = 0; k < n; k++)
		if (!isnan(v[k])) {
			mean += v[k];
			cnt++;
		}
	if (cnt < 8)
		return 0;
	mean /= cnt;
	double var = 0;
	for (uint32_t k = 0; k < n; k++)
		if (!isnan(v[k]))
			var += (v[k] - mean) * (v[k] - mean);
	if (var <= 0)
		return 0;
	uint32_t best = 0;
	double best_r = thr;
	for (uint32_t lag = 2; lag <= n / 2; lag++) {
		double s = 0;
		for (uint32_t k = 0; k + lag < n; k++)
			if (!isnan(v[k]) && !isnan(v[k + lag]))
				s += (v[k] - mean) * (v[k + lag] - mean);
		double r = s / var;
		if (r > best_r + 1e-12) {
			best_r = r;
			best = lag;
		}
	}
	return best;
}

/* trend: 0 linefit, 1 avg, 2 none. */
static bool decompose(xctx *cx, const series *a, int64_t season, int trend, uint32_t test_points,
                      double season_thr, decomp *d)
{
	uint32_t n = a->n, fit_n = test_points < n ? n - test_points : 0;
	d->baseline = scratch(cx, n);
	d->seasonal = scratch(cx, n);
	d->trend = scratch(cx, n);
	d->residual = scratch(cx, n);
	double *detr = scratch(cx, n);
	if (!d->baseline || !d->seasonal || !d->trend || !d->residual || !detr)
		return false;
	if (trend == 0) {
		linefit f = fit_line(a->v, 0, fit_n);
		for (uint32_t k = 0; k < n; k++)
			d->trend[k] = f.ok ? f.slope * (k + 1) + f.interception : 0;
	} else {
		double mean = 0;
		uint32_t cnt = 0;
		for (uint32_t k = 0; k < fit_n; k++)
			if (!isnan(a->v[k])) {
				mean += a->v[k];
				cnt++;
			}
		mean = cnt ? mean / cnt : 0;
		for (uint32_t k = 0; k < n; k++)
			d->trend[k] = trend == 1 ? mean : 0;
	}
	for (uint32_t k = 0; k < n; k++)
		detr[k] = isnan(a->v[k]) ? NAN : a->v[k] - d->trend[k];
	uint32_t period = season < 0 ? detect_period(detr, fit_n, season_thr) : (uint32_t)season;
	for (uint32_t k = 0; k < n; k++)
		d->seasonal[k] = 0;
	if (period >= 2 && period <= fit_n) {
		for (uint32_t ph = 0; ph < period; ph++) {
			double s = 0;
			uint32_t cnt = 0;
			for (uint32_t k = ph; k < fit_n; k += period)
				if (!isnan(detr[k])) {
					s += detr[k];
					cnt++;
				}
			double m = cnt ? s / cnt : 0;
			for (uint32_t k = ph; k < n; k += period)
				d->seasonal[k] = m;
		}
	}
	for (uint32_t k = 0; k < n; k++) {
		d->baseline[k] = d->seasonal[k] + d->trend[k];
		d->residual[k] = isnan(a->v[k]) ? NAN : a->v[k] - d->baseline[k];
	}
	return true;
}

/* Reads the trend argument: "linefit", "avg" or "none". */
static bool trend_arg(xctx *cx, const vec *args, uint32_t nargs, uint32_t k, uint32_t i, const char *fname,
                      int *trend)
{
	*trend = 0;
	if (k >= nargs || args[k].type != KQLITE_TYPE_STRING)
		return true;
	kstr t = v_str(&args[k], i);
	if (!t.n || (t.n == 7 && !memcmp(t.p, "linefit", 7)))
		*trend = 0;
	else if (t.n == 3 && !memcmp(t.p, "avg", 3))
		*trend = 1;
	else if (t.n == 4 && !memcmp(t.p, "none", 4))
		*trend = 2;
	else
		return x_error(cx->q, "%s(): trend must be \"linefit\", \"avg\" or \"none\", not \"%.*s\"", fname,
		               (int)t.n, t.p);
	return true;
}

static int64_t int_arg(const vec *args, uint32_t nargs, uint32_t k, uint32_t i, int64_t def)
{
	int64_t x;
	if (k >= nargs || !vec_get_i64(&args[k], i, &x))
		return def;
	return x;
}

/* series_decompose(series, seasonality=-1, trend="linefit", test_points=0,
 * seasonality_threshold=0.6) -> baseline, seasonal, trend, residual (see
 * the header). */
static int emit_decompose(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, const series *a, dyn_builder *b,
                          int as)
{
	int trend;
	if (!trend_arg(cx, args, nargs, 2, i, "series_decompose", &trend))
		return -1;
	decomp d;
	int64_t tp = int_arg(args, nargs, 3, i, 0);
	if (!decompose(cx, a, int_arg(args, nargs, 1, i, -1), trend, tp < 0 ? 0 : (uint32_t)tp,
	               num_arg(args, nargs, 4, i, 0.6), &d))
		return -1;
	if (as == AS_FIRST) {
		put_array(b, d.baseline, a->n, true);
		return 1;
	}
	dynb_begin_array(b);
	put_array(b, d.baseline, a->n, true);
	put_array(b, d.seasonal, a->n, true);
	put_array(b, d.trend, a->n, true);
	put_array(b, d.residual, a->n, true);
	dynb_end(b);
	return 1;
}
SHAPED(fn_series_decompose, emit_decompose, AS_FIRST)
SHAPED(fn_series_decompose_tuple, emit_decompose, AS_TUPLE)

/* series_decompose_anomalies(series, threshold=1.5, seasonality=-1,
 * trend="linefit", test_points=0, method="ctukey",
 * seasonality_threshold=0.6) -> ad_flag (+1, -1, 0), ad_score (the
 * residual's outlier score; 0 for a missing value), baseline. */
static int emit_anomalies(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, const series *a, dyn_builder *b,
                          int as)
{
	int trend;
	if (!trend_arg(cx, args, nargs, 3, i, "series_decompose_anomalies", &trend))
		return -1;
	double plo = 10, phi = 90;
	if (nargs > 5 && args[5].type == KQLITE_TYPE_STRING) {
		kstr m = v_str(&args[5], i);
		if (m.n && !kind_percentiles(m, &plo, &phi))
			return x_error(cx->q, "series_decompose_anomalies(): method must be \"ctukey\" or \"tukey\", not \"%.*s\"",
			               (int)m.n, m.p),
			       -1;
	}
	double thr = num_arg(args, nargs, 1, i, 1.5);
	int64_t tp = int_arg(args, nargs, 4, i, 0);
	decomp d;
	if (!decompose(cx, a, int_arg(args, nargs, 2, i, -1), trend, tp < 0 ? 0 : (uint32_t)tp,
	               num_arg(args, nargs, 6, i, 0.6), &d))
		return -1;
	double *score = scratch(cx, a->n), *flag = scratch(cx, a->n);
	if (!score || !flag || !outlier_scores(cx, d.residual, a->n, plo, phi, score))
		return -1;
	for (uint32_t k = 0; k < a->n; k++) {
		if (isnan(score[k]))
			score[k] = 0;
		flag[k] = score[k] > thr ? 1 : score[k] < -thr ? -1 : 0;
	}
	if (as == AS_FIRST) {
		put_array(b, flag, a->n, false);
		return 1;
	}
	dynb_begin_array(b);
	put_array(b, flag, a->n, false);
	put_array(b, score, a->n, true);
	put_array(b, d.baseline, a->n, true);
	dynb_end(b);
	return 1;
}
SHAPED(fn_series_decompose_anomalies, emit_anomalies, AS_FIRST)
SHAPED(fn_series_decompose_anomalies_tuple, emit_anomalies, AS_TUPLE)

const xfn_def xfn_series_defs[] = {
    {"series_abs", fn_series_abs, NULL, XF_DETERMINISTIC},
    {"series_acos", fn_series_acos, NULL, XF_DETERMINISTIC},
    {"series_add", fn_series_add, NULL, XF_DETERMINISTIC},
    {"series_asin", fn_series_asin, NULL, XF_DETERMINISTIC},
    {"series_atan", fn_series_atan, NULL, XF_DETERMINISTIC},
    {"series_ceiling", fn_series_ceiling, NULL, XF_DETERMINISTIC},
    {"series_cos", fn_series_cos, NULL, XF_DETERMINISTIC},
    {"series_decompose", fn_series_decompose, NULL, XF_DETERMINISTIC},
    {"series_decompose:tuple", fn_series_decompose_tuple, NULL, XF_DETERMINISTIC},
    {"series_decompose_anomalies", fn_series_decompose_anomalies, NULL, XF_DETERMINISTIC},
    {"series_decompose_anomalies:tuple", fn_series_decompose_anomalies_tuple, NULL, XF_DETERMINISTIC},
    {"series_divide", fn_series_divide, NULL, XF_DETERMINISTIC},
    {"series_equals", fn_series_equals, NULL, XF_DETERMINISTIC},
    {"series_exp", fn_series_exp, NULL, XF_DETERMINISTIC},
    {"series_fill_backward", fn_series_fill_backward, NULL, XF_DETERMINISTIC},
    {"series_fill_const", fn_series_fill_const, NULL, XF_DETERMINISTIC},
    {"series_fill_forward", fn_series_fill_forward, NULL, XF_DETERMINISTIC},
    {"series_fill_linear", fn_series_fill_linear, NULL, XF_DETERMINISTIC},
    {"series_fit_2lines", fn_series_fit_2lines, NULL, XF_DETERMINISTIC},
    {"series_fit_2lines:tuple", fn_series_fit_2lines_tuple, NULL, XF_DETERMINISTIC},
    {"series_fit_2lines_dynamic", fn_series_fit_2lines_dynamic, NULL, XF_DETERMINISTIC},
    {"series_fit_line", fn_series_fit_line, NULL, XF_DETERMINISTIC},
    {"series_fit_line:tuple", fn_series_fit_line_tuple, NULL, XF_DETERMINISTIC},
    {"series_fit_line_dynamic", fn_series_fit_line_dynamic, NULL, XF_DETERMINISTIC},
    {"series_floor", fn_series_floor, NULL, XF_DETERMINISTIC},
    {"series_greater", fn_series_greater, NULL, XF_DETERMINISTIC},
    {"series_greater_equals", fn_series_greater_equals, NULL, XF_DETERMINISTIC},
    {"series_less", fn_series_less, NULL, XF_DETERMINISTIC},
    {"series_less_equals", fn_series_less_equals, NULL, XF_DETERMINISTIC},
    {"series_log", fn_series_log, NULL, XF_DETERMINISTIC},
    {"series_multiply", fn_series_multiply, NULL, XF_DETERMINISTIC},
    {"series_not_equals", fn_series_not_equals, NULL, XF_DETERMINISTIC},
    {"series_outliers", fn_series_outliers, NULL, XF_DETERMINISTIC},
    {"series_pearson_correlation", fn_series_pearson_correlation, NULL, XF_DETERMINISTIC},
    {"series_pow", fn_series_pow, NULL, XF_DETERMINISTIC},
    {"series_sign", fn_series_sign, NULL, XF_DETERMINISTIC},
    {"series_sin", fn_series_sin, NULL, XF_DETERMINISTIC},
    {"series_stats", fn_series_stats, NULL, XF_DETERMINISTIC},
    {"series_stats:tuple", fn_series_stats_tuple, NULL, XF_DETERMINISTIC},
    {"series_stats_dynamic", fn_series_stats_dynamic, NULL, XF_DETERMINISTIC},
    {"series_subtract", fn_series_subtract, NULL, XF_DETERMINISTIC},
    {"series_tan", fn_series_tan, NULL, XF_DETERMINISTIC},
    {NULL, NULL, NULL, 0},
};
