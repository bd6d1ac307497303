/* ops_series.c -- make-series.
 *
 *   T | make-series A = agg(x) default = D, ... on Axis from F to E step S by K...
 *
 * runs as a summarize the engine already has,
 *
 *   T | summarize A = agg(x), ... by K..., __bin = bin_at(Axis, S, F)
 *
 * followed by a pivot (a materializing operator) that turns each group of
 * K's rows into one row: for every aggregate an array with one element a
 * bin, F, F+S, ... up to (not including) E, holding D (0 unless given)
 * where a bin has no rows; and the axis as an array of the bins' starts.
 * Without `from` the first bin is the smallest of the data, without `to`
 * the last one is the largest; both over all groups, so every row's arrays
 * line up. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "engine.h"
#include "types.h"

#define MAX_BINS 10000000 /* arrays longer than this are a mistake, not a series */

typedef struct series_op {
	uint32_t nkeys, naggs;
	bool real_axis;         /* a real axis: bins in double */
	uint8_t axis_type;
	bool has_from, has_to;
	bool nonempty;          /* kind=nonempty: a row of defaults for empty input */
	vec from, to, step;     /* constants */
	vec *defaults;          /* per aggregate */
	uint32_t nout;
	const char **names;
	uint8_t *types;
} series_op;

/* A cell as a dynamic array element. */
static void dyn_cell(dyn_builder *b, const column *c, size_t r)
{
	char buf[64];
	if (col_is_null(c, r)) {
		dynb_null(b);
		return;
	}
	switch (c->type) {
	case KQLITE_TYPE_BOOL: dynb_bool(b, c->v.b[r]); break;
	case KQLITE_TYPE_INT: dynb_long(b, c->v.i32[r]); break;
	case KQLITE_TYPE_LONG: dynb_long(b, c->v.i64[r]); break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: dynb_real(b, c->v.f64[r]); break;
	case KQLITE_TYPE_DATETIME: dynb_string(b, buf, datetime_format(c->v.i64[r], buf)); break;
	case KQLITE_TYPE_TIMESPAN: dynb_string(b, buf, timespan_format(c->v.i64[r], buf)); break;
	case KQLITE_TYPE_GUID: dynb_string(b, buf, guid_format(c->v.guid + 16 * r, buf)); break;
	case KQLITE_TYPE_DYNAMIC: {
		size_t n;
		const char *s = col_bytes(c, r, &n);
		dynb_raw(b, (const uint8_t *)s, n);
		break;
	}
	default: {
		size_t n;
		const char *s = col_bytes(c, r, &n);
		dynb_string(b, s, n);
	}
	}
}

/* A constant as a dynamic array element (the default of empty bins). */
static void dyn_const(dyn_builder *b, const vec *v)
{
	char buf[64];
	if (v->type == KQLITE_TYPE_NULL || v_null(v, 0)) {
		dynb_null(b);
		return;
	}
	switch (v->type) {
	case KQLITE_TYPE_BOOL: dynb_bool(b, v_bool(v, 0)); break;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG: dynb_long(b, v_i64(v, 0)); break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: dynb_real(b, v_f64(v, 0)); break;
	case KQLITE_TYPE_DATETIME: dynb_string(b, buf, datetime_format(v_i64(v, 0), buf)); break;
	case KQLITE_TYPE_TIMESPAN: dynb_string(b, buf, timespan_format(v_i64(v, 0), buf)); break;
	case KQLITE_TYPE_DYNAMIC: dynb_raw(b, (const uint8_t *)v_str(v, 0).p, v_str(v, 0).n); break;
	default: dynb_string(b, v_str(v, 0).p, v_str(v, 0).n); break;
	}
}

static double axis_value(const series_op *s, const column *bin, size_t r)
{
	return s->real_axis ? bin->v.f64[r] : (double)(bin->type == KQLITE_TYPE_INT ? bin->v.i32[r] : bin->v.i64[r]);
}

static double const_num(const vec *v)
{
	return v->type == KQLITE_TYPE_REAL || v->type == KQLITE_TYPE_DECIMAL ? v_f64(v, 0) : (double)v_i64(v, 0);
}

/* The array of one aggregate (or, with src NULL, of the axis) for a group
 * whose bins are filled by rows at[b] (-1: empty). */
static bool push_array(series_op *s, column *dst, const column *src, const vec *def, const long *at, size_t nbins,
                       double from, double step, strbuf *val)
{
	dyn_builder db;
	val->len = 0;
	dynb_init(&db, val);
	dynb_begin_array(&db);
	for (size_t b = 0; b < nbins; b++) {
		char buf[64];
		double v = from + (double)b * step;
		if (src && at[b] >= 0)
			dyn_cell(&db, src, (size_t)at[b]);
		else if (src)
			dyn_const(&db, def);
		else if (s->axis_type == KQLITE_TYPE_DATETIME)
			dynb_string(&db, buf, datetime_format((int64_t)v, buf));
		else if (s->axis_type == KQLITE_TYPE_TIMESPAN)
			dynb_string(&db, buf, timespan_format((int64_t)v, buf));
		else if (s->real_axis)
			dynb_real(&db, v);
		else
			dynb_long(&db, (int64_t)v);
	}
	dynb_end(&db);
	return !val->oom && col_push_bytes(dst, val->s, val->len) == 0;
}

/* Whether out and one more row of at least row_min bytes would pass
 * --max-memory (the error is then set). */
static bool over_memory(xctx *cx, const table *out, size_t row_min)
{
	if (!cx->q->max_memory || table_memory(out) + row_min <= cx->q->max_memory)
		return false;
	diag_set_nospan(cx->q->d, KQLITE_LIMIT, "make-series: the result needs more than --max-memory (%zu bytes)",
	                cx->q->max_memory);
	return true;
}

static bool pivot(void *state, xctx *cx, table *in, xop *next)
{
	series_op *s = state;
	const column *bin = &in->cols[s->nkeys];
	double step = const_num(&s->step);
	if (!(step > 0))
		return x_error(cx->q, "make-series: the step must be greater than zero");
	double lo = INFINITY, hi = -INFINITY;
	for (size_t r = 0; r < in->nrows; r++)
		if (!col_is_null(bin, r)) {
			double v = axis_value(s, bin, r);
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	double from = s->has_from ? const_num(&s->from) : lo;
	double to = s->has_to ? const_num(&s->to) : hi + step;
	double nb = lo > hi && !(s->has_from && s->has_to) ? 0 : ceil((to - from) / step - 1e-9);
	if (nb < 0)
		nb = 0;
	if (!(nb <= MAX_BINS))
		return x_error(cx->q, "make-series: %.0f bins from %g to %g step %g; at most %d", nb, from, to, step,
		               MAX_BINS);
	size_t nbins = (size_t)nb;

	uint32_t *group = malloc((in->nrows + 1) * sizeof(uint32_t));
	uint32_t *first = malloc((in->nrows + 1) * sizeof(uint32_t));
	long *at = malloc((nbins + 1) * sizeof(long));
	table *out = table_shaped(s->nout, s->names, s->types);
	strbuf val;
	sb_init(&val);
	long ngroups = group && first && at && out ? group_rows(in, NULL, s->nkeys, group, first) : -1;
	/* link[r]: the next row of r's group (UINT32_MAX: none), so that each
	 * group's rows are found without scanning the rest of the input */
	uint32_t *link = ngroups >= 0 ? malloc((in->nrows + 1) * sizeof(uint32_t)) : NULL;
	uint32_t *head = ngroups >= 0 ? malloc(((size_t)ngroups + 1) * sizeof(uint32_t)) : NULL;
	bool ok = link && head;
	for (long g = 0; ok && g < ngroups; g++)
		head[g] = UINT32_MAX;
	for (size_t r = in->nrows; ok && r-- > 0;) {
		link[r] = head[group[r]];
		head[group[r]] = (uint32_t)r;
	}
	/* every array element takes two bytes at least ("0,"): stop before a
	 * row that cannot fit in --max-memory rather than build it first (10M
	 * bins times groups and aggregates is gigabytes) */
	size_t row_min = 2 * nbins * (s->naggs + 1);
	bool limit = false;
	if (ok && ngroups == 0 && s->nonempty && s->nkeys == 0 && !(limit = over_memory(cx, out, row_min))) {
		for (size_t b = 0; b < nbins; b++)
			at[b] = -1;
		for (uint32_t a = 0; ok && a < s->naggs; a++)
			ok = push_array(s, &out->cols[a], &in->cols[1 + a], &s->defaults[a], at, nbins, from, step, &val);
		ok = ok && push_array(s, &out->cols[s->naggs], NULL, NULL, at, nbins, from, step, &val);
		out->nrows++;
	}
	for (long g = 0; ok && g < ngroups; g++) {
		if ((limit = over_memory(cx, out, row_min)))
			break;
		uint32_t c = 0;
		for (uint32_t k = 0; ok && k < s->nkeys; k++, c++)
			ok = col_push_from(&out->cols[c], &in->cols[k], first[g]) == 0;
		for (size_t b = 0; b < nbins; b++)
			at[b] = -1;
		for (uint32_t r = head[g]; r != UINT32_MAX; r = link[r]) {
			if (col_is_null(bin, r))
				continue;
			double k = floor((axis_value(s, bin, r) - from) / step + 1e-9);
			if (k >= 0 && k < (double)nbins)
				at[(size_t)k] = (long)r;
		}
		for (uint32_t a = 0; ok && a < s->naggs; a++, c++)
			ok = push_array(s, &out->cols[c], &in->cols[s->nkeys + 1 + a], &s->defaults[a], at, nbins, from, step,
			                &val);
		ok = ok && push_array(s, &out->cols[c], NULL, NULL, at, nbins, from, step, &val);
		out->nrows++;
	}
	sb_free(&val);
	free(group), free(first), free(at), free(link), free(head);
	if (!ok || limit) {
		table_free(out);
		return limit ? false : x_nomem(cx->q);
	}
	ok = run_table(cx, out, next);
	table_free(out);
	return ok;
}

/* ---- planning ----------------------------------------------------------------- */

static bool const_arg(planner *p, const ast *n, vec *out)
{
	xnode *x = compile_expr(p, n, NULL);
	if (!x || !eval_const(p, x, out))
		return false;
	if (v_null(out, 0) || (type_phys(out->type) != PH_I64 && type_phys(out->type) != PH_F64))
		return plan_error(p, n, "make-series: from, to and step must be constant numbers, datetimes or timespans");
	return true;
}

bool plan_make_series(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	const ast *aggs = op->kids[1], *axis = op->kids[2], *by = op->kids[6];
	series_op *s = arena_zalloc(p->q->qa, sizeof(*s));
	if (!s)
		return x_nomem(p->q);
	s->nkeys = by ? by->nkids : 0;
	s->naggs = aggs->nkids;
	s->has_from = op->kids[3] != NULL;
	s->has_to = op->kids[4] != NULL;
	const ast *kind = plan_param(op->kids[0], "kind");
	s->nonempty = kind && ast_text_is(kind, "nonempty");
	if ((s->has_from && !const_arg(p, op->kids[3], &s->from)) || (s->has_to && !const_arg(p, op->kids[4], &s->to)) ||
	    !const_arg(p, op->kids[5], &s->step))
		return false;
	if (!(s->defaults = arena_zalloc(p->q->qa, (s->naggs + 1) * sizeof(vec))))
		return x_nomem(p->q);
	for (uint32_t a = 0; a < s->naggs; a++) {
		const ast *d = aggs->kids[a]->kids[1];
		if (!d) {
			static int64_t zero = 0;
			s->defaults[a] = (vec){.type = KQLITE_TYPE_LONG, .is_const = true, .d.i = &zero};
			continue;
		}
		xnode *x = compile_expr(p, d, NULL);
		if (!x || !eval_const(p, x, &s->defaults[a]))
			return false;
	}

	/* summarize aggs... by keys..., __bin = bin_at(axis, step, from) */
	ast *sum = plan_ast(p, op, A_SUMMARIZE, NULL, 3), *params = plan_ast(p, op, A_LIST, NULL, 0);
	ast *alist = plan_ast(p, aggs, A_LIST, NULL, s->naggs), *blist = plan_ast(p, op, A_LIST, NULL, s->nkeys + 1);
	ast *binc = plan_ast(p, axis, A_CALL, s->has_from ? "bin_at" : "bin", s->has_from ? 3 : 2);
	ast *bname = plan_ast(p, axis, A_ASSIGN, "__bin", 1);
	if (!sum || !params || !alist || !blist || !binc || !bname)
		return false;
	for (uint32_t a = 0; a < s->naggs; a++)
		alist->kids[a] = aggs->kids[a]->kids[0];
	for (uint32_t k = 0; k < s->nkeys; k++)
		blist->kids[k] = by->kids[k];
	binc->kids[0] = (ast *)axis;
	binc->kids[1] = op->kids[5];
	if (s->has_from)
		binc->kids[2] = op->kids[3];
	bname->kids[0] = binc;
	blist->kids[s->nkeys] = bname;
	sum->kids[0] = params;
	sum->kids[1] = alist;
	sum->kids[2] = blist;
	const bschema *sout = bind_operator(&p->b, sum, t->bs);
	xscope sc = {t->ncols, t->names, t->types};
	if (!sout || !summarize_into(p, t, sum, &sc, sout))
		return false;
	uint8_t bt = t->types[s->nkeys];
	if (type_phys(bt) != PH_I64 && type_phys(bt) != PH_F64)
		return plan_error(p, axis, "make-series: the axis must be a number, datetime or timespan");
	s->axis_type = bt;
	s->real_axis = type_phys(bt) == PH_F64 || type_phys(s->step.type) == PH_F64;
	if (s->real_axis && type_phys(bt) != PH_F64)
		return plan_error(p, op->kids[5], "not supported yet: a real step over an integer axis");

	s->nout = out->n;
	if (!plan_shape(p, out, &s->names, &s->types))
		return false;
	for (uint32_t i = 0; i < out->n; i++) /* the keys keep their types; the rest are arrays */
		s->types[i] = i < s->nkeys ? t->types[i] : KQLITE_TYPE_DYNAMIC;
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, pivot, s);
	return o && plan_chain(p, t, o, out);
}
