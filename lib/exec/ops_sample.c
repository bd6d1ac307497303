/* ops_sample.c -- sample and sample-distinct.
 *
 * sample N keeps N rows chosen at random (every subset equally likely:
 * Floyd's algorithm over the row numbers), in their input order.
 * sample-distinct N of E is `summarize by E` followed by sample N. The
 * generator is seeded per query from the clock, as Kusto's choice is not
 * reproducible either; tests check counts and membership, not rows. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

typedef struct sample_op {
	int64_t n;
	uint64_t rng;
} sample_op;

static uint64_t next_rand(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static bool sample_done(void *state, xctx *cx, table *in, xop *next)
{
	sample_op *s = state;
	size_t n = in->nrows, k = s->n < 0 ? 0 : (size_t)s->n;
	if (k >= n)
		return run_table(cx, in, next);
	uint8_t *pick = calloc(n, 1);
	table *out = table_like(in);
	bool ok = pick && out;
	/* Floyd: k distinct numbers of 0..n-1 */
	for (size_t j = n - k; ok && j < n; j++) {
		size_t t = (size_t)(next_rand(&s->rng) % (j + 1));
		pick[pick[t] ? j : t] = 1;
	}
	for (size_t r = 0; ok && r < n; r++)
		if (pick[r])
			ok = table_push_row(out, in, r) == 0;
	free(pick);
	if (!ok) {
		table_free(out);
		return x_nomem(cx->q);
	}
	ok = run_table(cx, out, next);
	table_free(out);
	return ok;
}

bool plan_sample(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	xnode *nx = compile_expr(p, op->kids[0], NULL);
	vec nv;
	if (!nx || !eval_const(p, nx, &nv))
		return false;
	if (v_null(&nv, 0) || type_phys(nv.type) != PH_I64)
		return plan_error(p, op->kids[0], "%s needs a constant count", ast_kind_name(op->kind));
	sample_op *s = arena_zalloc(p->q->qa, sizeof(*s));
	if (!s)
		return x_nomem(p->q);
	s->n = v_i64(&nv, 0);
	s->rng = (uint64_t)time(NULL) ^ (uint64_t)clock() ^ (uint64_t)(uintptr_t)s;
	if (op->kind == A_SAMPLE_DISTINCT) {
		/* summarize by E */
		ast *sum = arena_zalloc(p->q->qa, sizeof(ast)), *params = arena_zalloc(p->q->qa, sizeof(ast));
		ast *aggs = arena_zalloc(p->q->qa, sizeof(ast)), *by = arena_zalloc(p->q->qa, sizeof(ast));
		ast **kids = arena_zalloc(p->q->qa, 3 * sizeof(ast *)), **bykids = arena_zalloc(p->q->qa, sizeof(ast *));
		if (!sum || !params || !aggs || !by || !kids || !bykids)
			return x_nomem(p->q);
		*sum = *op;
		sum->kind = A_SUMMARIZE;
		*params = *op;
		params->kind = A_LIST;
		params->nkids = 0;
		*aggs = *params;
		*by = *params;
		bykids[0] = op->kids[1];
		by->kids = bykids;
		by->nkids = by->cap = 1;
		kids[0] = params, kids[1] = aggs, kids[2] = by;
		sum->kids = kids;
		sum->nkids = sum->cap = 3;
		const bschema *sout = bind_operator(&p->b, sum, t->bs);
		xscope sc = {t->ncols, t->names, t->types};
		if (!sout || !summarize_into(p, t, sum, &sc, sout))
			return false;
	}
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, sample_done, s);
	return o && plan_chain(p, t, o, out);
}
