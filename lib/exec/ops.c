/* ops.c -- the streaming operators: where (a selection vector), project
 * and extend (vectors computed or passed through untouched), take, count,
 * and the adapter that lines up a union leg's columns with the output. */
#include <string.h>

#include "engine.h"

static bool pass_finish(xop *op, xctx *cx)
{
	return op->next->finish(op->next, cx);
}

static xop *new_op(planner *p, size_t size, bool (*push)(xop *, xctx *, xbatch *))
{
	xop *op = arena_zalloc(p->q->qa, size);
	if (!op) {
		x_nomem(p->q);
		return NULL;
	}
	op->push = push;
	op->finish = pass_finish;
	return op;
}

/* ---- where ------------------------------------------------------------------ */

typedef struct where_op {
	xop op;
	xnode *pred;
} where_op;

static bool where_push(xop *op, xctx *cx, xbatch *b)
{
	where_op *w = (where_op *)op;
	if (b->n == 0)
		return true;
	uint32_t *sel = arena_alloc(cx->tmp, b->n * sizeof(uint32_t));
	if (!sel)
		return x_nomem(cx->q);
	long k = eval_filter(cx, w->pred, b, b->sel, b->n, sel);
	if (k < 0)
		return false;
	if (k == 0)
		return true;
	xbatch out = *b;
	out.sel = sel;
	out.n = (uint32_t)k;
	return op->next->push(op->next, cx, &out);
}

xop *op_where(planner *p, xnode *pred)
{
	where_op *w = (where_op *)new_op(p, sizeof(where_op), where_push);
	if (w)
		w->pred = pred;
	return &w->op;
}

/* ---- project ------------------------------------------------------------------ */

typedef struct project_op {
	xop op;
	xnode **exprs;
	uint32_t n;
} project_op;

static bool project_push(xop *op, xctx *cx, xbatch *b)
{
	project_op *pr = (project_op *)op;
	bcolref *cols = arena_alloc(cx->tmp, (pr->n ? pr->n : 1) * sizeof(bcolref));
	if (!cols)
		return x_nomem(cx->q);
	for (uint32_t j = 0; j < pr->n; j++) {
		xnode *x = pr->exprs[j];
		if (xnode_is_col(x)) {
			cols[j] = b->cols[x->col]; /* passes through, still unread */
			continue;
		}
		cols[j].src = NULL;
		if (!x->eval(cx, x, b, b->sel, b->n, &cols[j].v))
			return false;
		cols[j].v.type = x->type == TYPE_ANY ? cols[j].v.type : x->type;
	}
	xbatch out = *b;
	out.ncols = pr->n;
	out.cols = cols;
	return op->next->push(op->next, cx, &out);
}

xop *op_project(planner *p, xnode **exprs, uint32_t n)
{
	project_op *pr = (project_op *)new_op(p, sizeof(project_op), project_push);
	if (pr) {
		pr->exprs = exprs;
		pr->n = n;
	}
	return &pr->op;
}

/* ---- take ----------------------------------------------------------------------- */

typedef struct take_op {
	xop op;
	int64_t left;
} take_op;

static bool take_push(xop *op, xctx *cx, xbatch *b)
{
	take_op *t = (take_op *)op;
	if (t->left <= 0 || b->n == 0)
		return true;
	xbatch out = *b;
	if ((int64_t)b->n > t->left) {
		out.n = (uint32_t)t->left;
		if (!b->sel) {
			uint32_t *sel = arena_alloc(cx->tmp, out.n * sizeof(uint32_t));
			if (!sel)
				return x_nomem(cx->q);
			for (uint32_t i = 0; i < out.n; i++)
				sel[i] = i;
			out.sel = sel;
		}
	}
	t->left -= out.n;
	return op->next->push(op->next, cx, &out);
}

xop *op_take(planner *p, int64_t limit)
{
	take_op *t = (take_op *)new_op(p, sizeof(take_op), take_push);
	if (t)
		t->left = limit;
	return &t->op;
}

/* ---- count ------------------------------------------------------------------------ */

typedef struct count_op {
	xop op;
	int64_t n;
} count_op;

static bool count_push(xop *op, xctx *cx, xbatch *b)
{
	(void)cx;
	((count_op *)op)->n += b->n;
	return true;
}

static bool count_finish(xop *op, xctx *cx)
{
	count_op *c = (count_op *)op;
	bcolref col = {.v = {.type = KQLITE_TYPE_LONG, .is_const = true, .d.i = &c->n}};
	xbatch b = {.rows = 1, .n = 1, .ncols = 1, .cols = &col};
	return xop_push(op->next, cx, &b) && op->next->finish(op->next, cx);
}

xop *op_count(planner *p)
{
	xop *op = new_op(p, sizeof(count_op), count_push);
	if (op)
		op->finish = count_finish;
	return op;
}

/* ---- union adapter -------------------------------------------------------------------- */

typedef struct adapt_op {
	xop op;
	const int32_t *map;
	const uint8_t *types;
	uint32_t ncols;
	kstr source;
} adapt_op;

static bool adapt_push(xop *op, xctx *cx, xbatch *b)
{
	adapt_op *a = (adapt_op *)op;
	bcolref *cols = arena_zalloc(cx->tmp, (a->ncols ? a->ncols : 1) * sizeof(bcolref));
	if (!cols)
		return x_nomem(cx->q);
	for (uint32_t j = 0; j < a->ncols; j++) {
		if (a->map[j] >= 0) {
			cols[j] = b->cols[a->map[j]];
		} else if (a->map[j] == -2) {
			cols[j].v = (vec){.type = KQLITE_TYPE_STRING, .is_const = true, .d.s = &a->source};
		} else {
			cols[j].v = vec_const_null(a->types[j]);
		}
	}
	xbatch out = *b;
	out.ncols = a->ncols;
	out.cols = cols;
	return op->next->push(op->next, cx, &out);
}

xop *op_adapt(planner *p, const int32_t *map, const uint8_t *types, uint32_t ncols)
{
	adapt_op *a = (adapt_op *)new_op(p, sizeof(adapt_op), adapt_push);
	if (a) {
		a->map = map;
		a->types = types;
		a->ncols = ncols;
	}
	return &a->op;
}

bool op_adapt_source(planner *p, xop *op, const char *name, uint32_t len)
{
	char *c = arena_strndup(p->q->qa, name, len);
	if (!c)
		return x_nomem(p->q);
	((adapt_op *)op)->source = (kstr){c, len};
	return true;
}
