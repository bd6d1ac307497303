/* ops_topnested.c -- top-nested.
 *
 *   T | top-nested 3 of A by sum(x), top-nested 2 of B by count() asc
 *
 * Level k keeps, for each row kept at level k-1, the N_k values of its
 * `of` expression with the highest (or lowest) aggregate among that row's
 * rows. Because an aggregate over the rows with equal (A_1..A_k) depends
 * on nothing else, level k is one summarize of the whole input,
 *
 *   summarize __agg = AGG_k by A_1, ..., A_k
 *
 * (compiled when the input has been collected, over it), and the nesting
 * is a selection over those tables: each level's groups hang under the
 * kept rows of the level above, sorted by __agg, cut at N_k. The output
 * has A_1, aggregated_A_1, A_2, ... (the binder's names), one row per kept
 * path, parents in order. `with others = V` adds, after the kept values
 * under each parent, a row with V and the aggregate over that parent's
 * other rows (deeper levels null); it is computed by tagging each input row
 * that fell out with its parent and summarizing those by parent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "engine.h"

typedef struct tn_op {
	planner *p;
	const ast *op;
	uint32_t nlevels;
	int64_t *limit;      /* -1: all */
	bool *asc;
	const ast **sums;    /* per level: the synthetic summarize */
	vec *others;         /* per level: the `with others` value (type NULL: none) */
	const ast **tags;    /* per level with others: extend __t1 = of_1, ..., __tk = of_k */
	const ast **osums;   /* ... and summarize __agg = AGG by __parent */
	uint32_t nout;
	const char **names;
	uint8_t *types;
} tn_op;

/* ---- comparing and matching cells --------------------------------------------- */

static int cmp_cells(const column *c, size_t a, size_t b)
{
	bool na = col_is_null(c, a), nb = col_is_null(c, b);
	if (na || nb)
		return na == nb ? 0 : na ? 1 : -1; /* nulls last either way */
	switch (c->type) {
	case KQLITE_TYPE_BOOL: return (c->v.b[a] > c->v.b[b]) - (c->v.b[a] < c->v.b[b]);
	case KQLITE_TYPE_INT: return (c->v.i32[a] > c->v.i32[b]) - (c->v.i32[a] < c->v.i32[b]);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: return (c->v.f64[a] > c->v.f64[b]) - (c->v.f64[a] < c->v.f64[b]);
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN: return (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]);
	default: {
		size_t la, lb;
		const char *sa = col_bytes(c, a, &la), *sb = col_bytes(c, b, &lb);
		int r = memcmp(sa, sb, la < lb ? la : lb);
		return r ? r : (la > lb) - (la < lb);
	}
	}
}

/* Row r's first k cells as bytes. */
static void prefix(const table *t, size_t r, uint32_t k, strbuf *sb)
{
	row_key(t, NULL, k, r, sb);
}

/* ---- the selection --------------------------------------------------------------- */

typedef struct path {
	uint32_t row;     /* in its level's table */
	int32_t parent;   /* index in the level above, -1 at the top */
} path;

/* What by_agg sorts by (passed to qsort_r: queries run in several threads
 * at once, so no static state). */
typedef struct agg_order {
	const column *c;
	bool asc;
} agg_order;

static int by_agg(const void *a, const void *b, void *arg)
{
	uint32_t ra = *(const uint32_t *)a, rb = *(const uint32_t *)b;
	const agg_order *o = arg;
	const column *c = o->c;
	bool na = col_is_null(c, ra), nb = col_is_null(c, rb);
	int r = na || nb ? (na == nb ? 0 : na ? 1 : -1) : cmp_cells(c, ra, rb) * (o->asc ? 1 : -1);
	return r ? r : (ra > rb) - (ra < rb);
}

/* An index of the kept paths of a level (their rows of t), by their first
 * ncols cells: entry e is path e. */
static bool kept_index(rowmap *m, const table *t, uint32_t ncols, const path *paths, size_t n, strbuf *sb)
{
	if (!rowmap_init(m, t, NULL, ncols, n))
		return false;
	for (size_t e = 0; e < n; e++) {
		row_key(t, NULL, ncols, paths[e].row, sb);
		rowmap_add(m, paths[e].row, XXH3_64bits(sb->s, sb->len));
	}
	return !sb->oom;
}

/* Level k's kept paths, given the level above's (k > 0). */
static bool select_level(const tn_op *t, uint32_t k, const table *s, const table *above, const path *up,
                         size_t nup, path **out, size_t *nout)
{
	size_t n = s->nrows;
	uint32_t *order = malloc((n + 1) * sizeof(uint32_t));
	int32_t *parent = malloc((n + 1) * sizeof(int32_t));
	*out = malloc((n + 1) * sizeof(path));
	if (!order || !parent || !*out) {
		free(order), free(parent);
		return false;
	}
	/* each row's parent: the kept path of the level above with its prefix */
	rowmap up_map;
	strbuf a, b;
	sb_init(&a);
	sb_init(&b);
	bool ok = kept_index(&up_map, above, k, up, k ? nup : 0, &a);
	for (size_t r = 0; ok && r < n; r++) {
		parent[r] = 0;
		if (k == 0)
			continue;
		prefix(s, r, k, &a);
		parent[r] = (int32_t)rowmap_find(&up_map, a.s, a.len, XXH3_64bits(a.s, a.len), &b);
		ok = !a.oom && !b.oom;
	}
	rowmap_free(&up_map);
	sb_free(&a);
	sb_free(&b);
	/* rows by parent, then by aggregate */
	size_t m = 0;
	for (size_t r = 0; r < n; r++)
		if (parent[r] >= 0)
			order[m++] = (uint32_t)r;
	agg_order by = {&s->cols[k + 1], t->asc[k]};
	/* stable by parent: sort each parent's rows */
	size_t nk = 0;
	size_t groups = k == 0 ? 1 : nup;
	uint32_t *bucket = malloc((m + 1) * sizeof(uint32_t));
	size_t *start = calloc(groups + 2, sizeof(size_t));
	ok = ok && bucket && start;
	if (ok) {
		for (size_t i = 0; i < m; i++)
			start[parent[order[i]] + 1]++;
		for (size_t g = 0; g < groups; g++)
			start[g + 1] += start[g];
		size_t *fill = calloc(groups + 1, sizeof(size_t));
		ok = fill != NULL;
		for (size_t i = 0; ok && i < m; i++) {
			int32_t g = parent[order[i]];
			bucket[start[g] + fill[g]++] = order[i];
		}
		free(fill);
		for (size_t g = 0; ok && g < groups; g++) {
			size_t cnt = start[g + 1] - start[g];
			qsort_r(bucket + start[g], cnt, sizeof(uint32_t), by_agg, &by);
			size_t keep = t->limit[k] < 0 || (size_t)t->limit[k] > cnt ? cnt : (size_t)t->limit[k];
			for (size_t i = 0; i < keep; i++)
				(*out)[nk++] = (path){bucket[start[g] + i], k == 0 ? -1 : (int32_t)g};
		}
	}
	free(bucket), free(start), free(order), free(parent);
	*nout = nk;
	return ok;
}

/* ---- with others --------------------------------------------------------------- */

/* For level k with others: (*orow)[parent] is the row of *osum (columns
 * __parent, __agg) holding the aggregate of that kept parent's other rows,
 * or -1 when it has none. */
static bool others_level(tn_op *t, xctx *cx, table *in, uint32_t k, table **levels, path **paths, size_t *npaths,
                         table **osum, long **orow)
{
	planner *p = t->p;
	size_t nparents = k ? npaths[k - 1] : 1;
	xtab *src = plan_rows_source(p, in);
	xtab *ext = src ? plan_pipe(p, src, &t->tags[k], 1) : NULL;
	table *e = ext ? xtab_collect(cx, ext) : NULL;
	if (!e)
		return false;
	uint32_t *cols = malloc((k + 1) * sizeof(uint32_t));
	table *o = table_like(e);
	rowmap up = {0}, kept = {0};
	strbuf a, b;
	sb_init(&a);
	sb_init(&b);
	bool ok = cols && o && table_add_column(o, "__parent", 8, KQLITE_TYPE_LONG) >= 0;
	for (uint32_t j = 0; ok && j <= k; j++)
		cols[j] = (uint32_t)(e->ncols - k - 1 + j);
	ok = ok && kept_index(&up, k ? levels[k - 1] : NULL, k, k ? paths[k - 1] : NULL, k ? npaths[k - 1] : 0, &a) &&
	     kept_index(&kept, levels[k], k + 1, paths[k], npaths[k], &a);
	for (size_t r = 0; ok && r < e->nrows; r++) {
		long parent = 0;
		if (k) {
			row_key(e, cols, k, r, &a);
			if ((parent = rowmap_find(&up, a.s, a.len, XXH3_64bits(a.s, a.len), &b)) < 0)
				continue;
		}
		row_key(e, cols, k + 1, r, &a);
		if (rowmap_find(&kept, a.s, a.len, XXH3_64bits(a.s, a.len), &b) >= 0)
			continue;
		ok = table_push_row(o, e, r) == 0 && col_push_long(&o->cols[o->ncols - 1], parent) == 0;
		ok = ok && !a.oom && !b.oom;
	}
	if (!ok)
		x_nomem(cx->q);
	rowmap_free(&up);
	rowmap_free(&kept);
	sb_free(&a);
	sb_free(&b);
	free(cols);
	table_free(e);
	if (ok) {
		xtab *osrc = plan_rows_source(p, o);
		xtab *sum = osrc ? plan_pipe(p, osrc, &t->osums[k], 1) : NULL;
		ok = sum && (*osum = xtab_collect(cx, sum)) != NULL;
	}
	table_free(o);
	if (ok && !(*orow = malloc(nparents * sizeof(long))))
		ok = x_nomem(cx->q);
	for (size_t u = 0; ok && u < nparents; u++)
		(*orow)[u] = -1;
	for (size_t r = 0; ok && r < (*osum)->nrows; r++) {
		int64_t parent = (*osum)->cols[0].v.i64[r];
		if (parent >= 0 && (size_t)parent < nparents)
			(*orow)[parent] = (long)r;
	}
	return ok;
}

/* ---- the output ---------------------------------------------------------------- */

typedef struct tn_out {
	tn_op *t;
	table *out;
	table **levels;
	path **paths;
	size_t *npaths;
	size_t **first;   /* per level: its first path under each parent (paths are grouped by parent) */
	table **osum;
	long **orow;
	size_t *stack;    /* the path taken at each level */
} tn_out;

/* Level j's two columns from path v, or (with others) the value and row r of
 * the others table, or nulls. */
static bool push_level(tn_out *o, uint32_t j, long v, long others_row)
{
	column *val = &o->out->cols[2 * j], *agg = &o->out->cols[2 * j + 1];
	if (v >= 0) {
		const table *s = o->levels[j];
		uint32_t row = o->paths[j][v].row;
		const column *sv = &s->cols[j], *sa = &s->cols[j + 1];
		return (sv->type == val->type ? col_push_from(val, sv, row) : col_push_null(val)) == 0 &&
		       (sa->type == agg->type ? col_push_from(agg, sa, row) : col_push_null(agg)) == 0;
	}
	if (others_row >= 0) {
		const column *sa = &o->osum[j]->cols[1];
		return vec_push(val, &o->t->others[j], 0) == 0 &&
		       (sa->type == agg->type ? col_push_from(agg, sa, (size_t)others_row) : col_push_null(agg)) == 0;
	}
	return col_push_null(val) == 0 && col_push_null(agg) == 0;
}

/* The rows under parent (a path of level k-1; 0 at the top), depth first. */
static bool emit(tn_out *o, uint32_t k, size_t parent)
{
	tn_op *t = o->t;
	uint32_t last = t->nlevels - 1;
	for (size_t v = o->first[k][parent]; v < o->npaths[k] && (!k || (size_t)o->paths[k][v].parent == parent);
	     v++) {
		o->stack[k] = v;
		if (k < last) {
			if (!emit(o, k + 1, v))
				return false;
			continue;
		}
		for (uint32_t j = 0; j <= last; j++)
			if (!push_level(o, j, (long)o->stack[j], -1))
				return false;
		o->out->nrows++;
	}
	long orow = o->orow[k] ? o->orow[k][parent] : -1;
	if (orow >= 0) {
		for (uint32_t j = 0; j <= last; j++)
			if (!push_level(o, j, j < k ? (long)o->stack[j] : -1, j == k ? orow : -1))
				return false;
		o->out->nrows++;
	}
	return true;
}

static bool tn_done(void *state, xctx *cx, table *in, xop *next)
{
	tn_op *t = state;
	planner *p = t->p;
	uint32_t L = t->nlevels;
	tn_out o = {.t = t};
	o.levels = calloc(L, sizeof(table *));
	o.paths = calloc(L, sizeof(path *));
	o.npaths = calloc(L, sizeof(size_t));
	o.first = calloc(L, sizeof(size_t *));
	o.osum = calloc(L, sizeof(table *));
	o.orow = calloc(L, sizeof(long *));
	o.stack = calloc(L, sizeof(size_t));
	o.out = table_shaped(t->nout, t->names, t->types);
	bool ok = o.levels && o.paths && o.npaths && o.first && o.osum && o.orow && o.stack && o.out;
	if (!ok)
		x_nomem(cx->q);
	for (uint32_t k = 0; ok && k < L; k++) {
		xtab *src = plan_rows_source(p, in);
		xtab *sum = src ? plan_pipe(p, src, &t->sums[k], 1) : NULL;
		o.levels[k] = sum ? xtab_collect(cx, sum) : NULL;
		ok = o.levels[k] != NULL;
		if (ok && o.levels[k]->ncols != k + 2)
			ok = x_error(cx->q, "internal error: top-nested level %u has %zu columns", k, o.levels[k]->ncols);
		if (ok && !select_level(t, k, o.levels[k], k ? o.levels[k - 1] : NULL, k ? o.paths[k - 1] : NULL,
		                        k ? o.npaths[k - 1] : 0, &o.paths[k], &o.npaths[k]))
			ok = x_nomem(cx->q);
		/* where each parent's paths start (they come grouped by parent, in order) */
		size_t nparents = k ? o.npaths[k - 1] : 1;
		if (ok && !(o.first[k] = malloc((nparents + 1) * sizeof(size_t))))
			ok = x_nomem(cx->q);
		for (size_t u = 0, v = 0; ok && u <= nparents; u++) {
			while (k && v < o.npaths[k] && (size_t)o.paths[k][v].parent < u)
				v++;
			o.first[k][u] = k ? v : 0;
		}
		if (ok && t->others[k].type != KQLITE_TYPE_NULL)
			ok = others_level(t, cx, in, k, o.levels, o.paths, o.npaths, &o.osum[k], &o.orow[k]);
	}
	if (ok && !emit(&o, 0, 0))
		ok = x_nomem(cx->q);
	for (uint32_t k = 0; o.levels && k < L; k++) {
		table_free(o.levels[k]);
		free(o.paths[k]);
		if (o.first)
			free(o.first[k]);
		if (o.osum)
			table_free(o.osum[k]);
		if (o.orow)
			free(o.orow[k]);
	}
	free(o.levels), free(o.paths), free(o.npaths), free(o.first), free(o.osum), free(o.orow), free(o.stack);
	if (ok)
		ok = run_table(cx, o.out, next);
	table_free(o.out);
	return ok;
}

/* The value of `with others = V` at level k, and the operators that find
 * each kept parent's other rows: extend __t1..__tk = of_1..of_k (the keys,
 * to match against the kept paths), then, over the rows that fell out,
 * summarize __agg = AGG by __parent. */
static bool others_plan(planner *p, tn_op *tn, const ast *op, uint32_t k)
{
	const ast *cl = op->kids[k];
	xnode *x = compile_expr(p, cl->kids[2], NULL);
	if (!x || !eval_const(p, x, &tn->others[k]))
		return false;
	ast *ext = plan_ast(p, cl, A_EXTEND, NULL, k + 1);
	if (!ext)
		return false;
	for (uint32_t j = 0; j <= k; j++) {
		char name[16];
		snprintf(name, sizeof name, "__t%u", j);
		const ast *of = op->kids[j]->kids[1];
		ast *as = plan_ast(p, of, A_ASSIGN, arena_strndup(p->q->qa, name, strlen(name)), 1);
		if (!as || !as->text)
			return x_nomem(p->q);
		as->kids[0] = of->kind == A_ASSIGN ? of->kids[0] : (ast *)of;
		ext->kids[j] = as;
	}
	tn->tags[k] = ext;
	ast *sum = plan_ast(p, cl, A_SUMMARIZE, NULL, 3), *params = plan_ast(p, cl, A_LIST, NULL, 0);
	ast *aggs = plan_ast(p, cl, A_LIST, NULL, 1), *by = plan_ast(p, cl, A_LIST, NULL, 1);
	ast *agg = plan_ast(p, cl->kids[3], A_ASSIGN, "__agg", 1), *parent = plan_ast(p, cl, A_NAME, "__parent", 0);
	if (!sum || !params || !aggs || !by || !agg || !parent)
		return false;
	const ast *ae = cl->kids[3];
	agg->kids[0] = ae->kind == A_ASSIGN ? ae->kids[0] : (ast *)ae;
	aggs->kids[0] = agg;
	by->kids[0] = parent;
	sum->kids[0] = params;
	sum->kids[1] = aggs;
	sum->kids[2] = by;
	tn->osums[k] = sum;
	return true;
}

bool plan_top_nested(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	tn_op *tn = arena_zalloc(p->q->qa, sizeof(*tn));
	uint32_t L = op->nkids;
	if (!tn || !(tn->limit = arena_zalloc(p->q->qa, L * sizeof(int64_t))) ||
	    !(tn->asc = arena_zalloc(p->q->qa, L)) || !(tn->sums = arena_zalloc(p->q->qa, L * sizeof(ast *))) ||
	    !(tn->others = arena_zalloc(p->q->qa, L * sizeof(vec))) ||
	    !(tn->tags = arena_zalloc(p->q->qa, L * sizeof(ast *))) ||
	    !(tn->osums = arena_zalloc(p->q->qa, L * sizeof(ast *))))
		return x_nomem(p->q);
	tn->p = p;
	tn->op = op;
	tn->nlevels = L;
	for (uint32_t k = 0; k < L; k++) {
		const ast *cl = op->kids[k];
		tn->others[k] = (vec){.type = KQLITE_TYPE_NULL};
		if (cl->kids[2] && !others_plan(p, tn, op, k))
			return false;
		tn->limit[k] = -1;
		if (cl->kids[0]) {
			xnode *x = compile_expr(p, cl->kids[0], NULL);
			vec v;
			if (!x || !eval_const(p, x, &v))
				return false;
			if (v_null(&v, 0) || type_phys(v.type) != PH_I64)
				return plan_error(p, cl->kids[0], "top-nested needs a constant count");
			tn->limit[k] = v_i64(&v, 0) < 0 ? 0 : v_i64(&v, 0);
		}
		tn->asc[k] = (cl->op & SORT_ASC) != 0;
		/* summarize __agg = AGG by of_1..of_k */
		ast *sum = plan_ast(p, cl, A_SUMMARIZE, NULL, 3), *params = plan_ast(p, cl, A_LIST, NULL, 0);
		ast *aggs = plan_ast(p, cl, A_LIST, NULL, 1), *by = plan_ast(p, cl, A_LIST, NULL, k + 1);
		ast *agg = plan_ast(p, cl->kids[3], A_ASSIGN, "__agg", 1);
		if (!sum || !params || !aggs || !by || !agg)
			return false;
		const ast *ae = cl->kids[3];
		agg->kids[0] = ae->kind == A_ASSIGN ? ae->kids[0] : (ast *)ae;
		aggs->kids[0] = agg;
		for (uint32_t j = 0; j <= k; j++)
			by->kids[j] = op->kids[j]->kids[1];
		sum->kids[0] = params;
		sum->kids[1] = aggs;
		sum->kids[2] = by;
		tn->sums[k] = sum;
	}
	tn->nout = out->n;
	if (out->n != 2 * L)
		return plan_error(p, op, "internal error: top-nested's schema has %u columns", out->n);
	if (!plan_shape(p, out, &tn->names, &tn->types))
		return false;
	for (uint32_t k = 0; k < L; k++) {
		uint8_t vt = tn->others[k].type, want = tn->types[2 * k];
		if (vt == KQLITE_TYPE_NULL || vt == want)
			continue;
		if (type_phys(vt) == PH_I64 && type_phys(want) == PH_I64 && vt != KQLITE_TYPE_DATETIME &&
		    want != KQLITE_TYPE_DATETIME && vt != KQLITE_TYPE_TIMESPAN && want != KQLITE_TYPE_TIMESPAN) {
			tn->others[k].type = want; /* an int literal for a long column */
			continue;
		}
		return plan_error(p, op->kids[k]->kids[2], "top-nested: 'with others' needs a %s value here, not %s",
		                  kqlite_type_name((kqlite_type)want), kqlite_type_name((kqlite_type)vt));
	}
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, tn_done, tn);
	return o && plan_chain(p, t, o, out);
}
