/* ops_subquery.c -- operators that run a subquery again and again:
 * mv-apply (over each row's expanded arrays) and partition (over each
 * group of rows).
 *
 * mv-apply:
 *
 *   T | mv-apply x = arr to typeof(long) on (where x > 1 | summarize s = sum(x))
 *
 * For each input row, the row alone is expanded like mv-expand does, the
 * subquery runs over those rows, and each row the subquery returns is
 * output with the input row's other columns (the binder's schema: the
 * input's columns that were not expanded and that the subquery does not
 * make, then the subquery's).
 *
 * The subquery's operators keep state (take counts, summarize groups), so
 * it is compiled afresh for every row, over a source holding that row;
 * what each compilation allocates is released before the next one (arena
 * mark, operators and calls destroyed), so memory stays flat. Compiling a
 * small pipe costs microseconds, which rows of detection data afford; a
 * resettable operator interface would avoid it (see the README). */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

typedef struct mvapply {
	planner *p;
	const ast *const *ops; /* the synthetic mv-expand, then the subquery's operators */
	uint32_t nops;
	uint32_t nout;
	const char **names;
	uint8_t *types;
} mvapply;

/* What one compilation of the subquery made, to undo once it has run. */
typedef struct compile_mark {
	arena_mark_t mark;
	size_t nops, ncalls;
	size_t ntables;
	pval *scope;
	sym *bscope;
} compile_mark;

static compile_mark compile_begin(planner *p)
{
	return (compile_mark){arena_mark(p->q->qa), p->nops, p->ncalls, p->ntables, p->scope, p->b.scope};
}

/* Destroys the compilation's operators, calls and tables and frees its
 * arena memory. The let scopes (planner's and binder's) must survive it:
 * `as X` in the subquery pushes X, allocated in the released arena; left in
 * place, the next compilation reads freed memory, or links its X to the
 * stale one at the same address, a cycle name lookups never leave. (A
 * let's materialize() first read inside the subquery keeps its rows in a
 * table plan_release does not free.) */
static void compile_end(planner *p, const compile_mark *cm)
{
	plan_release(p, cm->nops, cm->ncalls, cm->ntables);
	arena_release(p->q->qa, cm->mark);
	p->scope = cm->scope;
	p->b.scope = cm->bscope;
}

/* The subquery's result over rows (NULL with the error set), compiled
 * afresh and released again. */
static table *run_subquery(planner *p, xctx *cx, const table *rows, const ast *const *ops, uint32_t nops)
{
	compile_mark cm = compile_begin(p);
	xtab *src = plan_rows_source(p, rows);
	xtab *sub = src ? plan_pipe(p, src, ops, nops) : NULL;
	table *res = sub ? xtab_collect(cx, sub) : NULL;
	compile_end(p, &cm);
	return res;
}

static long find(const table *t, const char *name)
{
	return table_find_column(t, name, strlen(name));
}

/* Appends the subquery's rows res, with row r of in, to out. */
static bool append(const mvapply *m, table *out, const table *in, size_t r, const table *res)
{
	for (uint32_t c = 0; c < m->nout; c++) {
		long j = find(res, m->names[c]);
		const column *src = j >= 0 ? &res->cols[j] : NULL;
		long k = src ? -1 : find(in, m->names[c]);
		const column *row = k >= 0 ? &in->cols[k] : NULL;
		for (size_t i = 0; i < res->nrows; i++) {
			const column *from = src ? src : row;
			size_t at = src ? i : r;
			int rc = !from || col_is_null(from, at) || from->type != out->cols[c].type
			             ? col_push_null(&out->cols[c])
			             : col_push_from(&out->cols[c], from, at);
			if (rc)
				return false;
		}
	}
	out->nrows += res->nrows;
	return true;
}

static bool apply_done(void *state, xctx *cx, table *in, xop *next)
{
	mvapply *m = state;
	planner *p = m->p;
	table *out = table_shaped(m->nout, m->names, m->types);
	table *row = table_like(in);
	bool ok = out && row;
	if (!ok) {
		table_free(out);
		table_free(row);
		return x_nomem(cx->q);
	}
	for (size_t r = 0; ok && r < in->nrows; r++) {
		for (size_t j = 0; j < in->ncols; j++)
			col_truncate(&row->cols[j], 0);
		row->nrows = 0;
		table *res = table_push_row(row, in, r) == 0 ? run_subquery(p, cx, row, m->ops, m->nops)
		                                            : (x_nomem(cx->q), NULL);
		ok = res != NULL;
		if (ok && !append(m, out, in, r, res))
			ok = x_nomem(cx->q);
		table_free(res);
		if (ok && cx->q->interrupt && *cx->q->interrupt) {
			diag_set_nospan(cx->q->d, KQLITE_INTERRUPT, "interrupted");
			ok = false;
		}
	}
	table_free(row);
	if (ok)
		ok = run_table(cx, out, next);
	table_free(out);
	return ok;
}

bool plan_mv_apply(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	/* mv-expand with mv-apply's parameters and items, then the subquery */
	const ast *sub = op->kids[3];
	ast *expand = arena_zalloc(p->q->qa, sizeof(ast));
	ast **ekids = arena_zalloc(p->q->qa, 3 * sizeof(ast *));
	const ast **ops = arena_alloc(p->q->qa, (sub->nkids + 1) * sizeof(ast *));
	mvapply *m = arena_zalloc(p->q->qa, sizeof(*m));
	if (!expand || !ekids || !ops || !m)
		return x_nomem(p->q);
	*expand = *op;
	expand->kind = A_MV_EXPAND;
	expand->op = 0;
	ekids[0] = op->kids[0];
	ekids[1] = op->kids[1];
	ekids[2] = op->kids[2];
	expand->kids = ekids;
	expand->nkids = expand->cap = 3;
	ops[0] = expand;
	for (uint32_t i = 0; i < sub->nkids; i++)
		ops[i + 1] = sub->kids[i];
	m->p = p;
	m->ops = ops;
	m->nops = sub->nkids + 1;
	m->nout = out->n;
	if (!plan_shape(p, out, &m->names, &m->types))
		return false;
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, apply_done, m);
	return o && plan_chain(p, t, o, out);
}

/* ---- partition ------------------------------------------------------------------ */

/* T | partition by K (subquery): the subquery over each group of rows with
 * equal K (in order of first appearance), results one after the other.
 * Compiled afresh per group like mv-apply's. */
typedef struct part {
	planner *p;
	uint32_t key;
	const ast *const *ops;
	uint32_t nops;
	uint32_t nout;
	const char **names;
	uint8_t *types;
} part;

static bool part_done(void *state, xctx *cx, table *in, xop *next)
{
	part *m = state;
	planner *p = m->p;
	uint32_t *group = malloc((in->nrows + 1) * sizeof(uint32_t));
	uint32_t *first = malloc((in->nrows + 1) * sizeof(uint32_t));
	table *out = table_shaped(m->nout, m->names, m->types);
	long ngroups = group && first && out ? group_rows(in, &m->key, 1, group, first) : -1;
	bool ok = ngroups >= 0 || x_nomem(cx->q);
	if (ok && ngroups > 10000)
		ok = x_error(cx->q, "partition: %ld groups; at most 10000 (Kusto's limit is 64)", ngroups);
	for (long g = 0; ok && g < ngroups; g++) {
		table *rows = table_like(in);
		ok = rows != NULL;
		for (size_t r = first[g]; ok && r < in->nrows; r++)
			if (group[r] == (uint32_t)g)
				ok = table_push_row(rows, in, r) == 0;
		table *res = ok ? run_subquery(p, cx, rows, m->ops, m->nops) : (x_nomem(cx->q), NULL);
		table_free(rows);
		ok = res != NULL;
		for (uint32_t c = 0; ok && c < m->nout; c++) {
			long j = find(res, m->names[c]);
			for (size_t i = 0; ok && i < res->nrows; i++)
				ok = (j < 0 || res->cols[j].type != out->cols[c].type ? col_push_null(&out->cols[c])
				                                                      : col_push_from(&out->cols[c], &res->cols[j], i)) == 0 ||
				     x_nomem(cx->q);
		}
		if (ok)
			out->nrows += res->nrows;
		table_free(res);
		if (ok && cx->q->interrupt && *cx->q->interrupt) {
			diag_set_nospan(cx->q->d, KQLITE_INTERRUPT, "interrupted");
			ok = false;
		}
	}
	free(group);
	free(first);
	if (ok)
		ok = run_table(cx, out, next);
	table_free(out);
	return ok;
}

bool plan_partition(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	const ast *by = op->kids[1], *sub = op->kids[2];
	if (sub->kind != A_SUBPIPE)
		return plan_error(p, sub, "not supported yet: partition over a tabular expression (use (operators...))");
	part *m = arena_zalloc(p->q->qa, sizeof(*m));
	if (!m)
		return x_nomem(p->q);
	long key = -1;
	for (uint32_t i = 0; i < t->ncols; i++)
		if (strlen(t->names[i]) == by->tlen && !memcmp(t->names[i], by->text, by->tlen))
			key = i;
	if (key < 0)
		return plan_error(p, by, "partition by needs a column");
	m->p = p;
	m->key = (uint32_t)key;
	m->ops = (const ast *const *)sub->kids;
	m->nops = sub->nkids;
	m->nout = out->n;
	if (!plan_shape(p, out, &m->names, &m->types))
		return false;
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, part_done, m);
	return o && plan_chain(p, t, o, out);
}
