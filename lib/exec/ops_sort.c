/* ops_sort.c -- sort and top. The input is materialized into columns
 * (with one extra column per sort key), a permutation of row numbers is
 * ordered -- for top only the first N, chosen with a heap -- and the rows
 * are pushed on in that order. Descending is the default; nulls come last
 * when descending and first when ascending unless the query says. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

typedef struct skey {
	xnode *x;
	bool desc, nulls_first;
} skey;

typedef struct sort_op {
	xop op;
	skey *keys;
	uint32_t nkeys;
	int64_t limit;      /* -1: all rows */
	table *buf;         /* input columns, then the key columns */
	uint32_t ncols;     /* input columns */
	const uint8_t *types;
	xquery *q;
} sort_op;

static int cmp_cell(const column *c, size_t a, size_t b)
{
	switch (c->type) {
	case KQLITE_TYPE_BOOL:
		return (c->v.b[a] > c->v.b[b]) - (c->v.b[a] < c->v.b[b]);
	case KQLITE_TYPE_INT:
		return (c->v.i32[a] > c->v.i32[b]) - (c->v.i32[a] < c->v.i32[b]);
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		return (c->v.i64[a] > c->v.i64[b]) - (c->v.i64[a] < c->v.i64[b]);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: {
		double x = c->v.f64[a], y = c->v.f64[b];
		return (x > y) - (x < y);
	}
	case KQLITE_TYPE_GUID: {
		int r = memcmp(c->v.guid + 16 * a, c->v.guid + 16 * b, 16);
		return (r > 0) - (r < 0);
	}
	default: {
		size_t la, lb;
		const char *pa = col_bytes(c, a, &la), *pb = col_bytes(c, b, &lb);
		size_t m = la < lb ? la : lb;
		int r = m ? memcmp(pa, pb, m) : 0;
		if (r)
			return (r > 0) - (r < 0);
		return (la > lb) - (la < lb);
	}
	}
}

/* 2 for a null, 1 for a NaN, 0 for any other value */
static int rank_special(const column *c, size_t i)
{
	if (col_is_null(c, i))
		return 2;
	if ((c->type == KQLITE_TYPE_REAL || c->type == KQLITE_TYPE_DECIMAL) && c->v.f64[i] != c->v.f64[i])
		return 1;
	return 0;
}

static int cmp_rows(const sort_op *s, size_t a, size_t b)
{
	for (uint32_t k = 0; k < s->nkeys; k++) {
		const column *c = &s->buf->cols[s->ncols + k];
		/* nulls and NaNs sort together, at the end the query asks for:
		 * null, NaN, values -- or values, NaN, null (the sort docs) */
		int ga = rank_special(c, a), gb = rank_special(c, b);
		int r;
		if (ga || gb) {
			if (ga == gb)
				continue;
			r = ga > gb ? -1 : 1;
			if (!s->keys[k].nulls_first)
				r = -r;
			return r;
		}
		r = cmp_cell(c, a, b);
		if (r)
			return s->keys[k].desc ? -r : r;
	}
	return (a > b) - (a < b); /* stable */
}

static int qcmp(const void *x, const void *y, void *ctx)
{
	return cmp_rows(ctx, *(const size_t *)x, *(const size_t *)y);
}

static bool sort_push(xop *op, xctx *cx, xbatch *b)
{
	sort_op *s = (sort_op *)op;
	if (!s->buf) {
		s->buf = table_new("sort", 4);
		if (!s->buf)
			return x_nomem(cx->q);
		for (uint32_t j = 0; j < s->ncols; j++)
			if (table_add_column(s->buf, "c", 1, (kqlite_type)s->types[j]) < 0)
				return x_nomem(cx->q);
		for (uint32_t k = 0; k < s->nkeys; k++)
			if (table_add_column(s->buf, "k", 1, (kqlite_type)s->keys[k].x->type) < 0)
				return x_nomem(cx->q);
	}
	for (uint32_t j = 0; j < b->ncols; j++) {
		const vec *v = batch_col(cx, b, j);
		if (!v)
			return false;
		FOR_SEL(i, b->sel, b->n) if (vec_push(&s->buf->cols[j], v, i)) return x_nomem(cx->q);
	}
	for (uint32_t k = 0; k < s->nkeys; k++) {
		vec v;
		if (!s->keys[k].x->eval(cx, s->keys[k].x, b, b->sel, b->n, &v))
			return false;
		FOR_SEL(i, b->sel, b->n) if (vec_push(&s->buf->cols[s->ncols + k], &v, i)) return x_nomem(cx->q);
	}
	s->buf->nrows += b->n;
	cx->q->memory = 0;
	size_t mem = table_memory(s->buf);
	if (cx->q->max_memory && mem > cx->q->max_memory) {
		diag_set_nospan(cx->q->d, KQLITE_LIMIT, "the query needs more than --max-memory (%zu bytes) to sort",
		                cx->q->max_memory);
		return false;
	}
	return true;
}

/* top N: keep the N best rows in a max-heap (its root is the worst kept). */
static void sift_down(const sort_op *s, size_t *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && cmp_rows(s, h[l], h[m]) > 0)
			m = l;
		if (r < n && cmp_rows(s, h[r], h[m]) > 0)
			m = r;
		if (m == i)
			return;
		size_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static bool sort_finish(xop *op, xctx *cx)
{
	sort_op *s = (sort_op *)op;
	size_t n = s->buf ? s->buf->nrows : 0;
	if (n == 0)
		return op->next->finish(op->next, cx);
	size_t keep = s->limit >= 0 && (uint64_t)s->limit < n ? (size_t)s->limit : n;
	size_t *perm = malloc((keep ? keep : 1) * sizeof(size_t));
	if (!perm)
		return x_nomem(cx->q);
	if (keep < n) {
		for (size_t i = 0; i < keep; i++)
			perm[i] = i;
		for (size_t i = keep / 2; i-- > 0;)
			sift_down(s, perm, keep, i);
		for (size_t i = keep; i < n && keep; i++)
			if (cmp_rows(s, i, perm[0]) < 0) {
				perm[0] = i;
				sift_down(s, perm, keep, 0);
			}
	} else {
		for (size_t i = 0; i < n; i++)
			perm[i] = i;
	}
	qsort_r(perm, keep, sizeof(size_t), qcmp, s);
	/* the rows in order, as new columns */
	table *out = table_new("sorted", 6);
	bool ok = out != NULL;
	for (uint32_t j = 0; ok && j < s->ncols; j++) {
		column *src = &s->buf->cols[j];
		ok = table_add_column(out, "c", 1, src->type) >= 0;
		for (size_t i = 0; ok && i < keep; i++)
			ok = col_push_from(&out->cols[j], src, perm[i]) == 0;
	}
	free(perm);
	table_free(s->buf);
	s->buf = NULL;
	if (!ok) {
		table_free(out);
		return x_nomem(cx->q);
	}
	column **cols = malloc((s->ncols ? s->ncols : 1) * sizeof(column *));
	if (!cols) {
		table_free(out);
		return x_nomem(cx->q);
	}
	for (uint32_t j = 0; j < s->ncols; j++)
		cols[j] = &out->cols[j];
	ok = run_columns(cx, cols, s->ncols, keep, op->next);
	free(cols);
	table_free(out);
	return ok;
}

static void sort_destroy(xop *op)
{
	sort_op *s = (sort_op *)op;
	table_free(s->buf);
	s->buf = NULL;
}

xop *op_sort(planner *p, const ast *op, const xscope *in, uint32_t first_key, int64_t limit)
{
	sort_op *s = arena_zalloc(p->q->qa, sizeof(*s));
	uint32_t nkeys = op->nkids - first_key;
	if (!s || !(s->keys = arena_zalloc(p->q->qa, (nkeys ? nkeys : 1) * sizeof(skey))))
		return x_nomem(p->q), NULL;
	s->op = (xop){sort_push, sort_finish, sort_destroy, NULL};
	s->nkeys = nkeys;
	s->limit = limit;
	s->q = p->q;
	s->ncols = in->ncols;
	s->types = in->types;
	for (uint32_t k = 0; k < nkeys; k++) {
		const ast *key = op->kids[first_key + k];
		int fl = key->op;
		s->keys[k].desc = !(fl & SORT_ASC);
		s->keys[k].nulls_first = (fl & SORT_NULLS_FIRST) || (!(fl & SORT_NULLS_LAST) && !s->keys[k].desc);
		if (!(s->keys[k].x = compile_expr(p, key->kids[0], in)))
			return NULL;
		if (s->keys[k].x->type == KQLITE_TYPE_NULL || s->keys[k].x->type == TYPE_ANY)
			s->keys[k].x->type = KQLITE_TYPE_STRING;
	}
	return &s->op;
}
