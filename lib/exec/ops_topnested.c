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
 * path, parents in order. `with others` is not supported yet. */
#include <math.h>
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
	size_t cap = 16;
	while (cap < 2 * nup + 2)
		cap *= 2;
	int32_t *slot = malloc(cap * sizeof(int32_t));
	strbuf a, b;
	sb_init(&a);
	sb_init(&b);
	bool ok = slot != NULL;
	for (size_t i = 0; ok && i < cap; i++)
		slot[i] = -1;
	for (size_t u = 0; ok && k > 0 && u < nup; u++) {
		prefix(above, up[u].row, k, &a);
		size_t h = (size_t)XXH3_64bits(a.s, a.len);
		for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
			if (slot[i] < 0) {
				slot[i] = (int32_t)u;
				break;
			}
	}
	for (size_t r = 0; ok && r < n; r++) {
		parent[r] = -1;
		if (k == 0) {
			parent[r] = 0;
			continue;
		}
		prefix(s, r, k, &a);
		size_t h = (size_t)XXH3_64bits(a.s, a.len);
		for (size_t i = h & (cap - 1); slot[i] >= 0; i = (i + 1) & (cap - 1)) {
			prefix(above, up[slot[i]].row, k, &b);
			if (a.len == b.len && !memcmp(a.s, b.s, a.len)) {
				parent[r] = slot[i];
				break;
			}
		}
		ok = !a.oom && !b.oom;
	}
	sb_free(&a);
	sb_free(&b);
	free(slot);
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

static bool tn_done(void *state, xctx *cx, table *in, xop *next)
{
	tn_op *t = state;
	planner *p = t->p;
	table **levels = calloc(t->nlevels, sizeof(table *));
	path **paths = calloc(t->nlevels, sizeof(path *));
	size_t *npaths = calloc(t->nlevels, sizeof(size_t));
	table *out = table_shaped(t->nout, t->names, t->types);
	bool ok = levels && paths && npaths && out;
	for (uint32_t k = 0; ok && k < t->nlevels; k++) {
		xtab *src = plan_rows_source(p, in);
		xtab *sum = src ? plan_pipe(p, src, &t->sums[k], 1) : NULL;
		levels[k] = sum ? xtab_collect(cx, sum) : NULL;
		ok = levels[k] != NULL;
		if (ok && levels[k]->ncols != k + 2)
			ok = x_error(cx->q, "internal error: top-nested level %u has %zu columns", k, levels[k]->ncols);
		if (ok && !select_level(t, k, levels[k], k ? levels[k - 1] : NULL, k ? paths[k - 1] : NULL,
		                        k ? npaths[k - 1] : 0, &paths[k], &npaths[k]))
			ok = x_nomem(cx->q);
	}
	/* one output row per kept path of the last level: walk up its parents */
	uint32_t last = t->nlevels - 1;
	for (size_t i = 0; ok && i < npaths[last]; i++) {
		size_t at = i;
		for (int32_t k = (int32_t)last; ok && k >= 0; k--) {
			const path *pa = &paths[k][at];
			const table *s = levels[k];
			for (int part = 0; part < 2 && ok; part++) {
				const column *src = &s->cols[part ? k + 1 : k];
				column *dst = &out->cols[2 * k + part];
				ok = (col_is_null(src, pa->row) || src->type != dst->type ? col_push_null(dst)
				                                                          : col_push_from(dst, src, pa->row)) == 0;
				if (!ok)
					x_nomem(cx->q);
			}
			at = pa->parent < 0 ? 0 : (size_t)pa->parent;
		}
		out->nrows++;
	}
	for (uint32_t k = 0; levels && k < t->nlevels; k++) {
		table_free(levels[k]);
		free(paths[k]);
	}
	free(levels), free(paths), free(npaths);
	if (ok)
		ok = run_table(cx, out, next);
	table_free(out);
	return ok;
}

bool plan_top_nested(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	tn_op *tn = arena_zalloc(p->q->qa, sizeof(*tn));
	uint32_t L = op->nkids;
	if (!tn || !(tn->limit = arena_zalloc(p->q->qa, L * sizeof(int64_t))) ||
	    !(tn->asc = arena_zalloc(p->q->qa, L)) || !(tn->sums = arena_zalloc(p->q->qa, L * sizeof(ast *))))
		return x_nomem(p->q);
	tn->p = p;
	tn->op = op;
	tn->nlevels = L;
	for (uint32_t k = 0; k < L; k++) {
		const ast *cl = op->kids[k];
		if (cl->kids[2])
			return plan_error(p, cl->kids[2], "not supported yet: top-nested with others");
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
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, tn_done, tn);
	return o && plan_chain(p, t, o, out);
}
