/* kernels.c -- typed kernels over whole batches: arithmetic with KQL's
 * rules (int op int is long, real wins, datetime - datetime is timespan,
 * integer `/` truncates and `%` is never negative, nothing traps),
 * comparisons with KQL's null rules, three-valued and/or, between.
 *
 * Division by zero and overflow (documented in the README): integer x / 0
 * and x % 0 are null; LONG_MIN / -1 is LONG_MIN; + - * wrap around in
 * two's complement; real arithmetic follows IEEE (x / 0.0 is ±inf or NaN). */
#include <math.h>
#include <string.h>

#include "engine.h"
#include "lex.h"

static bool eval_kids(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *l, vec *r)
{
	return x->kids[0]->eval(cx, x->kids[0], b, sel, n, l) && x->kids[1]->eval(cx, x->kids[1], b, sel, n, r);
}

/* out's null array: the union of l's and r's. Returns false on OOM. */
static bool merge_nulls(xctx *cx, const vec *l, const vec *r, const uint32_t *sel, uint32_t n, uint32_t rows,
                        vec *out)
{
	bool ln = l->type == KQLITE_TYPE_NULL || l->nulls, rn = r->type == KQLITE_TYPE_NULL || r->nulls;
	if (!ln && !rn && l->type != KQLITE_TYPE_DYNAMIC && r->type != KQLITE_TYPE_DYNAMIC)
		return true;
	if (!vec_nulls(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) out->nulls[i] = v_null(l, i) || v_null(r, i);
	return true;
}

/* ---- arithmetic -------------------------------------------------------- */

static int64_t wrap_add(int64_t a, int64_t b) { return (int64_t)((uint64_t)a + (uint64_t)b); }
static int64_t wrap_sub(int64_t a, int64_t b) { return (int64_t)((uint64_t)a - (uint64_t)b); }
static int64_t wrap_mul(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

/* Integer arithmetic on int64 operands (long, int, datetime, timespan, bool). */
static bool k_arith_i64(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = x->type;
	if (!vec_alloc(cx, out, b->rows, false) || !merge_nulls(cx, &l, &r, sel, n, b->rows, out))
		return false;
	int64_t *o = out->d.i;
	const int64_t *a = l.d.i, *c = r.d.i;
	switch (x->op) {
	case OP_ADD:
		if (!l.is_const && r.is_const) {
			int64_t k = c[0];
			FOR_SEL(i, sel, n) o[i] = wrap_add(a[i], k);
		} else {
			FOR_SEL(i, sel, n) o[i] = wrap_add(v_i64(&l, i), v_i64(&r, i));
		}
		break;
	case OP_SUB:
		if (!l.is_const && r.is_const) {
			int64_t k = c[0];
			FOR_SEL(i, sel, n) o[i] = wrap_sub(a[i], k);
		} else {
			FOR_SEL(i, sel, n) o[i] = wrap_sub(v_i64(&l, i), v_i64(&r, i));
		}
		break;
	case OP_MUL:
		FOR_SEL(i, sel, n) o[i] = wrap_mul(v_i64(&l, i), v_i64(&r, i));
		break;
	case OP_DIV:
	case OP_MOD:
		FOR_SEL(i, sel, n)
		{
			int64_t p = v_i64(&l, i), q = v_i64(&r, i);
			if (q == 0) {
				if (!vec_nulls(cx, out, b->rows))
					return false;
				out->nulls[i] = 1;
				o[i] = 0;
			} else if (q == -1) {
				o[i] = x->op == OP_DIV ? wrap_sub(0, p) : 0;
			} else if (x->op == OP_DIV) {
				o[i] = p / q;
			} else {
				int64_t m = p % q;
				o[i] = m < 0 ? (q < 0 ? m - q : m + q) : m;
			}
		}
		break;
	}
	return true;
}

/* Arithmetic in doubles (a real operand); an integer-typed result
 * (timespan * 1.5) is truncated, null when out of range. */
static bool k_arith_f64(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = x->type;
	bool real = type_phys(x->type) == PH_F64;
	if (!vec_alloc(cx, out, b->rows, false) || !merge_nulls(cx, &l, &r, sel, n, b->rows, out))
		return false;
	FOR_SEL(i, sel, n)
	{
		double p = v_num(&l, i), q = v_num(&r, i), v = 0;
		switch (x->op) {
		case OP_ADD: v = p + q; break;
		case OP_SUB: v = p - q; break;
		case OP_MUL: v = p * q; break;
		case OP_DIV: v = p / q; break;
		case OP_MOD:
			v = fmod(p, q);
			if (v < 0)
				v += fabs(q);
			break;
		}
		if (real) {
			out->d.f[i] = v;
		} else if (v >= -9.2e18 && v <= 9.2e18) {
			out->d.i[i] = (int64_t)v;
		} else {
			if (!vec_nulls(cx, out, b->rows))
				return false;
			out->nulls[i] = 1;
			out->d.i[i] = 0;
		}
	}
	return true;
}

/* An operand whose type is unknown until it runs (dynamic, an untyped
 * null): arithmetic on null gives null; a dynamic number is read as one. */
static bool k_arith_dyn(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = x->type;
	if (!vec_alloc(cx, out, b->rows, true))
		return false;
	FOR_SEL(i, sel, n) out->nulls[i] = 1;
	return true;
}

xeval pick_arith(uint8_t lt, uint8_t rt, uint8_t out)
{
	int lp = type_phys(lt), rp = type_phys(rt);
	if (lt == KQLITE_TYPE_NULL || rt == KQLITE_TYPE_NULL || lp == PH_STR || rp == PH_STR || lp == PH_BOOL ||
	    rp == PH_BOOL || lp == PH_GUID || rp == PH_GUID || lp == PH_NONE || rp == PH_NONE)
		return k_arith_dyn; /* nothing to compute: null */
	if (type_phys(out) == PH_F64 || lp == PH_F64 || rp == PH_F64)
		return k_arith_f64;
	return k_arith_i64;
}

static bool k_neg(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec v;
	if (!x->kids[0]->eval(cx, x->kids[0], b, sel, n, &v))
		return false;
	out->type = x->type;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	if (v.nulls || v.type == KQLITE_TYPE_NULL) {
		if (!vec_nulls(cx, out, b->rows))
			return false;
		FOR_SEL(i, sel, n) out->nulls[i] = v_null(&v, i);
	}
	if (type_phys(x->type) == PH_F64) {
		FOR_SEL(i, sel, n) out->d.f[i] = -v_num(&v, i);
	} else if (type_phys(x->type) == PH_I64 && type_phys(v.type) == PH_I64) {
		FOR_SEL(i, sel, n) out->d.i[i] = wrap_sub(0, v_i64(&v, i));
	} else {
		if (!vec_nulls(cx, out, b->rows))
			return false;
		FOR_SEL(i, sel, n) out->nulls[i] = 1;
	}
	return true;
}

xeval pick_neg(void)
{
	return k_neg;
}

/* ---- comparison -------------------------------------------------------- */

/* -1, 0, 1 */
#define CMP3(a, b) ((a) < (b) ? -1 : (a) > (b))

static bool cmp_holds(int op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

/* KQL's null rule: == and != with one null are false / true; with two
 * nulls, and any ordering with a null, the result is null. */
static bool null_rule(xctx *cx, int op, bool ln, bool rn, vec *out, uint32_t i, uint32_t rows)
{
	if (!ln && !rn)
		return false;
	if (ln != rn && (op == OP_EQ || op == OP_NE)) {
		out->d.b[i] = op == OP_NE;
		return true;
	}
	if (vec_nulls(cx, out, rows))
		out->nulls[i] = 1;
	out->d.b[i] = 0;
	return true;
}

static bool k_cmp_i64(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	uint8_t *o = out->d.b;
	int op = x->op;
	if (!l.nulls && !r.nulls && !l.is_const && r.is_const) {
		const int64_t *a = l.d.i;
		int64_t k = r.d.i[0];
		switch (op) {
		case OP_EQ: FOR_SEL(i, sel, n) o[i] = a[i] == k; break;
		case OP_NE: FOR_SEL(i, sel, n) o[i] = a[i] != k; break;
		case OP_LT: FOR_SEL(i, sel, n) o[i] = a[i] < k; break;
		case OP_LE: FOR_SEL(i, sel, n) o[i] = a[i] <= k; break;
		case OP_GT: FOR_SEL(i, sel, n) o[i] = a[i] > k; break;
		default: FOR_SEL(i, sel, n) o[i] = a[i] >= k; break;
		}
		return true;
	}
	FOR_SEL(i, sel, n)
	{
		if (null_rule(cx, op, v_null(&l, i), v_null(&r, i), out, i, b->rows))
			continue;
		o[i] = cmp_holds(op, CMP3(v_i64(&l, i), v_i64(&r, i)));
	}
	return true;
}

static bool k_cmp_f64(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		if (null_rule(cx, x->op, v_null(&l, i), v_null(&r, i), out, i, b->rows))
			continue;
		double p = v_num(&l, i), q = v_num(&r, i);
		out->d.b[i] = cmp_holds(x->op, CMP3(p, q));
	}
	return true;
}

static int str_cmp(kstr a, kstr b)
{
	size_t m = a.n < b.n ? a.n : b.n;
	int c = m ? memcmp(a.p, b.p, m) : 0;
	if (c)
		return c < 0 ? -1 : 1;
	return CMP3(a.n, b.n);
}

static bool str_eq_const(const xnode *x, kstr s)
{
	kstr k = x->kids[1]->cval.d.s[0];
	return s.n == k.n && (k.n == 0 || !memcmp(s.p, k.p, k.n));
}

static bool k_cmp_str(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	size_t start;
	const column *dc;
	if ((x->op == OP_EQ || x->op == OP_NE) && xnode_is_const(x->kids[1]) && xnode_is_col(x->kids[0]) &&
	    (dc = batch_dict(b, x->kids[0]->col, &start))) {
		out->type = KQLITE_TYPE_BOOL;
		return vec_alloc(cx, out, b->rows, false) &&
		       dict_eval(cx, x, dc, start, str_eq_const, x->op == OP_NE, sel, n, out->d.b);
	}
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	uint8_t *o = out->d.b;
	if ((x->op == OP_EQ || x->op == OP_NE) && r.is_const && !l.is_const) {
		kstr k = r.d.s[0];
		bool eq = x->op == OP_EQ;
		FOR_SEL(i, sel, n)
		{
			kstr s = l.d.s[i];
			o[i] = (s.n == k.n && (k.n == 0 || (s.p[0] == k.p[0] && !memcmp(s.p, k.p, k.n)))) == eq;
		}
		return true;
	}
	FOR_SEL(i, sel, n) o[i] = cmp_holds(x->op, str_cmp(v_str(&l, i), v_str(&r, i)));
	return true;
}

static bool k_cmp_guid(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		if (null_rule(cx, x->op, v_null(&l, i), v_null(&r, i), out, i, b->rows))
			continue;
		int c = memcmp(v_guid(&l, i), v_guid(&r, i), 16);
		out->d.b[i] = cmp_holds(x->op, c < 0 ? -1 : c > 0);
	}
	return true;
}

/* Only nulls on one side (an untyped null): the null rule alone. */
static bool k_cmp_null(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		if (!null_rule(cx, x->op, v_null(&l, i), v_null(&r, i), out, i, b->rows))
			out->d.b[i] = x->op == OP_NE; /* a typed value vs. something of no type */
	}
	return true;
}

xeval pick_compare(uint8_t lt, uint8_t rt)
{
	int lp = type_phys(lt), rp = type_phys(rt);
	if (lt == KQLITE_TYPE_NULL || rt == KQLITE_TYPE_NULL)
		return k_cmp_null;
	if (lp == PH_I64 && rp == PH_I64)
		return k_cmp_i64;
	if ((lp == PH_I64 || lp == PH_F64 || lp == PH_BOOL) && (rp == PH_I64 || rp == PH_F64 || rp == PH_BOOL))
		return lp == PH_BOOL && rp == PH_BOOL ? k_cmp_f64 : k_cmp_f64;
	if (lp == PH_GUID && rp == PH_GUID)
		return k_cmp_guid;
	if (lp == PH_STR && rp == PH_STR)
		return k_cmp_str;
	return NULL; /* the compiler converts (guid vs string, dynamic vs scalar) */
}

/* ---- and / or / not ---------------------------------------------------- */

static bool k_logic(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!eval_kids(cx, x, b, sel, n, &l, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	bool any_null = l.nulls || r.nulls || l.type != KQLITE_TYPE_BOOL || r.type != KQLITE_TYPE_BOOL;
	if (!any_null) {
		if (x->op == OP_AND) {
			FOR_SEL(i, sel, n) out->d.b[i] = v_bool(&l, i) & v_bool(&r, i);
		} else {
			FOR_SEL(i, sel, n) out->d.b[i] = v_bool(&l, i) | v_bool(&r, i);
		}
		return true;
	}
	if (!vec_nulls(cx, out, b->rows))
		return false;
	FOR_SEL(i, sel, n)
	{
		bool ln = l.type != KQLITE_TYPE_BOOL || v_null(&l, i), rn = r.type != KQLITE_TYPE_BOOL || v_null(&r, i);
		bool lv = !ln && v_bool(&l, i), rv = !rn && v_bool(&r, i);
		if (x->op == OP_AND) {
			if ((!ln && !lv) || (!rn && !rv))
				out->d.b[i] = 0;
			else if (ln || rn)
				out->nulls[i] = 1, out->d.b[i] = 0;
			else
				out->d.b[i] = 1;
		} else {
			if (lv || rv)
				out->d.b[i] = 1;
			else if (ln || rn)
				out->nulls[i] = 1, out->d.b[i] = 0;
			else
				out->d.b[i] = 0;
		}
	}
	return true;
}

xeval pick_logic(void)
{
	return k_logic;
}

/* ---- filters ------------------------------------------------------------- */

long eval_filter(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, uint32_t *out)
{
	if (x->eval == k_logic && x->op == OP_AND) {
		/* The right side runs only on the rows the left side kept. */
		uint32_t *mid = arena_alloc(cx->tmp, (n ? n : 1) * sizeof(uint32_t));
		if (!mid)
			return x_nomem(cx->q), -1;
		long k = eval_filter(cx, x->kids[0], b, sel, n, mid);
		if (k <= 0)
			return k;
		return eval_filter(cx, x->kids[1], b, mid, (uint32_t)k, out);
	}
	vec v;
	if (!x->eval(cx, x, b, sel, n, &v))
		return -1;
	if (v.type != KQLITE_TYPE_BOOL) /* null, or a dynamic: only a true bool keeps a row */
		return 0;
	uint32_t k = 0;
	if (v.is_const) {
		if (!v_bool(&v, 0) || v_null(&v, 0))
			return 0;
		FOR_SEL(i, sel, n) out[k++] = i;
		return k;
	}
	if (v.nulls) {
		FOR_SEL(i, sel, n) if (v.d.b[i] && !v.nulls[i]) out[k++] = i;
	} else {
		const uint8_t *bv = v.d.b;
		FOR_SEL(i, sel, n)
		{
			out[k] = i;
			k += bv[i];
		}
	}
	return k;
}

/* ---- between --------------------------------------------------------------- */

static bool k_between(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec v, lo, hi;
	if (!x->kids[0]->eval(cx, x->kids[0], b, sel, n, &v) || !x->kids[1]->eval(cx, x->kids[1], b, sel, n, &lo) ||
	    !x->kids[2]->eval(cx, x->kids[2], b, sel, n, &hi))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	bool neg = x->op == OP_NBETWEEN;
	bool ints = type_phys(v.type) == PH_I64 && type_phys(lo.type) == PH_I64 && type_phys(hi.type) == PH_I64;
	/* datetime between (start .. timespan): the end is start + timespan */
	bool span = v.type == KQLITE_TYPE_DATETIME && hi.type == KQLITE_TYPE_TIMESPAN;
	FOR_SEL(i, sel, n)
	{
		if (v_null(&v, i) || v_null(&lo, i) || v_null(&hi, i)) {
			if (!vec_nulls(cx, out, b->rows))
				return false;
			out->nulls[i] = 1;
			out->d.b[i] = 0;
			continue;
		}
		bool in;
		if (ints) {
			int64_t a = v_i64(&v, i), l0 = v_i64(&lo, i), h = v_i64(&hi, i);
			if (span)
				h = wrap_add(l0, h);
			in = a >= l0 && a <= h;
		} else {
			double a = v_num(&v, i);
			in = a >= v_num(&lo, i) && a <= v_num(&hi, i);
		}
		out->d.b[i] = in != neg;
	}
	return true;
}

xeval pick_between(void)
{
	return k_between;
}
