/* ops_join.c -- join and lookup.
 *
 * A hash join over materialized sides: the left side is the pipe (collected
 * by op_collect), the right side a tabular expression run when the left
 * one finishes. The smaller side is the build side: its rows go into a
 * chained hash table keyed by an XXH3 hash of their key values; the other
 * side probes it. Matches are gathered as (left row, right row) pairs in
 * left-row order, then each kind picks its rows:
 *   innerunique (default)  the first left row of each key, then inner
 *   inner                  every matching pair
 *   leftouter / rightouter / fullouter   pairs plus unmatched rows (nulls)
 *   leftsemi / rightsemi   the rows of one side that have a match
 *   leftanti / rightanti   the rows of one side that have none
 * Output rows: the pairs in left order, then unmatched right rows in right
 * order. A null key (a null long, datetime...) matches nothing, as in SQL;
 * strings are never null, so "" matches "". int and long keys compare as
 * integers, and either against real as reals. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "engine.h"

enum jkind { J_INNERUNIQUE, J_INNER, J_LEFTOUTER, J_RIGHTOUTER, J_FULLOUTER, J_LEFTSEMI, J_RIGHTSEMI,
	     J_LEFTANTI, J_RIGHTANTI };

static const struct {
	const char *name;
	enum jkind kind;
} kinds[] = {
	{"innerunique", J_INNERUNIQUE}, {"inner", J_INNER},         {"leftouter", J_LEFTOUTER},
	{"rightouter", J_RIGHTOUTER},   {"fullouter", J_FULLOUTER}, {"leftsemi", J_LEFTSEMI},
	{"rightsemi", J_RIGHTSEMI},     {"leftanti", J_LEFTANTI},   {"anti", J_LEFTANTI},
	{"leftantisemi", J_LEFTANTI},   {"rightanti", J_RIGHTANTI}, {"rightantisemi", J_RIGHTANTI},
};

/* How a key pair's values are compared. */
enum kclass { K_INT, K_REAL, K_BYTES, K_GUID };

typedef struct jkey {
	uint32_t l, r;      /* column of each side */
	enum kclass cls;
} jkey;

typedef struct join_op {
	enum jkind kind;
	bool lookup;
	xtab *right;        /* compiled right side */
	jkey *keys;
	uint32_t nkeys;
	/* output column j: side[j] (0 left, 1 right) column src[j] */
	uint32_t nout;
	uint8_t *side;
	uint32_t *src;
	const char **names;
	uint8_t *types;
	table *rt;          /* the right side's rows, while finishing */
} join_op;

/* ---- keys ------------------------------------------------------------------ */

static bool key_i64(const column *c, size_t i, int64_t *out)
{
	if (col_is_null(c, i))
		return false;
	switch (c->type) {
	case KQLITE_TYPE_BOOL: *out = c->v.b[i]; break;
	case KQLITE_TYPE_INT: *out = c->v.i32[i]; break;
	default: *out = c->v.i64[i]; break;
	}
	return true;
}

static bool key_f64(const column *c, size_t i, double *out)
{
	if (col_is_null(c, i))
		return false;
	if (c->type == KQLITE_TYPE_REAL || c->type == KQLITE_TYPE_DECIMAL) {
		*out = c->v.f64[i];
		if (*out == 0)
			*out = 0; /* -0.0 and 0.0 hash alike */
		return *out == *out; /* NaN matches nothing */
	}
	int64_t v;
	if (!key_i64(c, i, &v))
		return false;
	*out = (double)v;
	return true;
}

/* The bytes that stand for row i's value of key column c (compared and
 * hashed); false for a null, which matches nothing. */
static bool key_bytes(enum kclass cls, const column *c, size_t i, void *buf, const void **p, size_t *n)
{
	switch (cls) {
	case K_INT:
		*p = buf, *n = 8;
		return key_i64(c, i, buf);
	case K_REAL:
		*p = buf, *n = 8;
		return key_f64(c, i, buf);
	case K_GUID:
		*p = c->v.guid + 16 * i, *n = 16;
		return !col_is_null(c, i);
	case K_BYTES:
		if (c->type == KQLITE_TYPE_DYNAMIC && col_is_null(c, i))
			return false;
		*p = col_bytes(c, i, n);
		return true;
	}
	return false;
}

static uint64_t row_hash(const join_op *j, const table *t, bool right, size_t i, bool *ok)
{
	uint64_t h = 0x9e3779b97f4a7c15u;
	for (uint32_t k = 0; k < j->nkeys; k++) {
		const column *c = &t->cols[right ? j->keys[k].r : j->keys[k].l];
		int64_t buf;
		const void *p;
		size_t n;
		if (!key_bytes(j->keys[k].cls, c, i, &buf, &p, &n)) {
			*ok = false;
			return 0;
		}
		h = XXH3_64bits_withSeed(p, n, h);
	}
	*ok = true;
	return h;
}

static bool rows_equal(const join_op *j, const table *a, bool a_right, size_t ai, const table *b, bool b_right,
                       size_t bi)
{
	for (uint32_t k = 0; k < j->nkeys; k++) {
		const column *ca = &a->cols[a_right ? j->keys[k].r : j->keys[k].l];
		const column *cb = &b->cols[b_right ? j->keys[k].r : j->keys[k].l];
		int64_t ba, bb;
		const void *pa, *pb;
		size_t na, nb;
		if (!key_bytes(j->keys[k].cls, ca, ai, &ba, &pa, &na) || !key_bytes(j->keys[k].cls, cb, bi, &bb, &pb, &nb))
			return false;
		if (na != nb || memcmp(pa, pb, na))
			return false;
	}
	return true;
}

/* ---- the hash table ------------------------------------------------------- */

typedef struct jhash {
	uint32_t mask;
	uint32_t *head;     /* bucket -> row + 1 (0: empty) */
	uint32_t *next;     /* row -> next row + 1 in the bucket */
	uint64_t *hash;     /* row -> its hash */
} jhash;

static void jhash_free(jhash *h)
{
	free(h->head);
	free(h->next);
	free(h->hash);
}

/* Inserts rows[0..n) of t (one side); with unique, only the first row of
 * each key (the others are marked in skip). */
static bool jhash_build(jhash *h, const join_op *j, const table *t, bool right, size_t nrows)
{
	uint32_t size = 16;
	while (size < 2 * nrows)
		size *= 2;
	h->mask = size - 1;
	h->head = calloc(size, sizeof(uint32_t));
	h->next = calloc(nrows ? nrows : 1, sizeof(uint32_t));
	h->hash = malloc((nrows ? nrows : 1) * sizeof(uint64_t));
	if (!h->head || !h->next || !h->hash)
		return false;
	for (size_t i = nrows; i-- > 0;) { /* backwards: chains list rows in order */
		bool ok;
		uint64_t hv = row_hash(j, t, right, i, &ok);
		if (!ok)
			continue;
		h->hash[i] = hv;
		uint32_t b = (uint32_t)hv & h->mask;
		h->next[i] = h->head[b];
		h->head[b] = (uint32_t)i + 1;
	}
	return true;
}

/* ---- pairs ------------------------------------------------------------------ */

typedef struct pairs {
	uint32_t *l, *r;    /* UINT32_MAX: no row of that side */
	size_t n, cap;
} pairs;

static bool pair_add(pairs *p, uint32_t l, uint32_t r)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? 2 * p->cap : 1024;
		uint32_t *nl = realloc(p->l, nc * sizeof(uint32_t));
		if (!nl)
			return false;
		p->l = nl;
		uint32_t *nr = realloc(p->r, nc * sizeof(uint32_t));
		if (!nr)
			return false;
		p->r = nr;
		p->cap = nc;
	}
	p->l[p->n] = l;
	p->r[p->n++] = r;
	return true;
}

/* Orders pairs by left row (stable: right rows stay in probe order). */
static bool pairs_by_left(pairs *p, size_t nleft)
{
	size_t *start = calloc(nleft + 1, sizeof(size_t));
	uint32_t *l = malloc((p->n ? p->n : 1) * sizeof(uint32_t));
	uint32_t *r = malloc((p->n ? p->n : 1) * sizeof(uint32_t));
	if (!start || !l || !r) {
		free(start), free(l), free(r);
		return false;
	}
	for (size_t i = 0; i < p->n; i++)
		start[p->l[i] + 1]++;
	for (size_t k = 0; k < nleft; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < p->n; i++) {
		size_t at = start[p->l[i]]++;
		l[at] = p->l[i];
		r[at] = p->r[i];
	}
	free(start);
	free(p->l);
	free(p->r);
	p->l = l;
	p->r = r;
	return true;
}

/* The matching pairs of left rows lrows (all, or the unique ones) and every
 * right row, in left order; lhit/rhit mark rows that matched. Semi and
 * anti joins need only the marks: no pairs then. Pairs past max_memory
 * (0: no limit) stop the match with *limit set: a join of two big sides
 * on a common key has rows*rows of them. */
static bool match(const join_op *j, const table *lt, const uint8_t *lskip, const table *rt, pairs *out,
                  uint8_t *lhit, uint8_t *rhit, size_t max_memory, bool *limit)
{
	bool keep = j->kind != J_LEFTSEMI && j->kind != J_LEFTANTI && j->kind != J_RIGHTSEMI && j->kind != J_RIGHTANTI;
	bool build_left = lt->nrows < rt->nrows;
	const table *bt = build_left ? lt : rt, *pt = build_left ? rt : lt;
	jhash h = {0};
	bool ok = jhash_build(&h, j, bt, !build_left, bt->nrows);
	for (size_t i = 0; ok && i < pt->nrows; i++) {
		if (!build_left && lskip && lskip[i])
			continue;
		bool has;
		uint64_t hv = row_hash(j, pt, build_left, i, &has);
		if (!has)
			continue;
		for (uint32_t e = h.head[(uint32_t)hv & h.mask]; e; e = h.next[e - 1]) {
			uint32_t b = e - 1;
			if (h.hash[b] != hv || (build_left && lskip && lskip[b]) ||
			    !rows_equal(j, pt, build_left, i, bt, !build_left, b))
				continue;
			uint32_t l = build_left ? b : (uint32_t)i, r = build_left ? (uint32_t)i : b;
			lhit[l] = rhit[r] = 1;
			if (keep && max_memory && (out->n + 1) * 2 * sizeof(uint32_t) > max_memory) {
				*limit = true;
				ok = false;
			}
			if (!ok || (keep && !(ok = pair_add(out, l, r))))
				break;
		}
	}
	jhash_free(&h);
	if (ok && build_left)
		ok = pairs_by_left(out, lt->nrows);
	return ok;
}

/* innerunique: marks every left row but the first of its key. */
static bool first_of_keys(const join_op *j, const table *lt, uint8_t *skip)
{
	jhash h = {0};
	bool ok = jhash_build(&h, j, lt, false, lt->nrows);
	for (size_t i = 0; ok && i < lt->nrows; i++) {
		bool has;
		uint64_t hv = row_hash(j, lt, false, i, &has);
		if (!has)
			continue;
		for (uint32_t e = h.head[(uint32_t)hv & h.mask]; e && e - 1 < i; e = h.next[e - 1])
			if (h.hash[e - 1] == hv && rows_equal(j, lt, false, i, lt, false, e - 1)) {
				skip[i] = 1;
				break;
			}
	}
	jhash_free(&h);
	return ok;
}

/* ---- output ----------------------------------------------------------------- */

static int push_cell(column *dst, const column *src, uint32_t row)
{
	if (row == UINT32_MAX || col_is_null(src, row))
		return col_push_null(dst);
	return col_push_from(dst, src, row);
}

static bool too_big(xctx *cx)
{
	diag_set_nospan(cx->q->d, KQLITE_LIMIT, "the join needs more than --max-memory (%zu bytes)", cx->q->max_memory);
	return false;
}

static bool emit(join_op *j, xctx *cx, const table *lt, const table *rt, const pairs *pr, xop *next)
{
	table *out = table_shaped(j->nout, j->names, j->types);
	if (!out)
		return x_nomem(cx->q);
	for (uint32_t c = 0; c < j->nout; c++) {
		const table *t = j->side[c] ? rt : lt;
		const column *src = &t->cols[j->src[c]];
		const uint32_t *rows = j->side[c] ? pr->r : pr->l;
		column *dst = &out->cols[c];
		for (size_t i = 0; i < pr->n; i++)
			if (push_cell(dst, src, rows[i]) != 0) {
				table_free(out);
				return x_nomem(cx->q);
			}
		/* checked column by column: the whole output may be far bigger */
		if (cx->q->max_memory && table_memory(out) > cx->q->max_memory) {
			table_free(out);
			return too_big(cx);
		}
	}
	out->nrows = pr->n;
	bool ok = run_table(cx, out, next);
	table_free(out);
	return ok;
}

/* Which rows come out, as pairs, for j's kind. */
static bool select_rows(const join_op *j, const table *lt, const table *rt, const pairs *m, const uint8_t *lhit,
                        const uint8_t *rhit, pairs *out)
{
	bool ok = true;
	switch (j->kind) {
	case J_INNERUNIQUE:
	case J_INNER:
		for (size_t i = 0; ok && i < m->n; i++)
			ok = pair_add(out, m->l[i], m->r[i]);
		return ok;
	case J_LEFTOUTER:
	case J_FULLOUTER:
	case J_RIGHTOUTER: {
		bool left_rows = j->kind != J_RIGHTOUTER;
		size_t k = 0;
		for (uint32_t l = 0; ok && l < lt->nrows; l++) {
			if (left_rows && !lhit[l])
				ok = pair_add(out, l, UINT32_MAX);
			for (; ok && k < m->n && m->l[k] == l; k++)
				ok = pair_add(out, m->l[k], m->r[k]);
		}
		if (j->kind != J_LEFTOUTER)
			for (uint32_t r = 0; ok && r < rt->nrows; r++)
				if (!rhit[r])
					ok = pair_add(out, UINT32_MAX, r);
		return ok;
	}
	case J_LEFTSEMI:
	case J_LEFTANTI:
		for (uint32_t l = 0; ok && l < lt->nrows; l++)
			if (lhit[l] == (j->kind == J_LEFTSEMI))
				ok = pair_add(out, l, UINT32_MAX);
		return ok;
	case J_RIGHTSEMI:
	case J_RIGHTANTI:
		for (uint32_t r = 0; ok && r < rt->nrows; r++)
			if (rhit[r] == (j->kind == J_RIGHTSEMI))
				ok = pair_add(out, UINT32_MAX, r);
		return ok;
	}
	return false;
}

static bool join_done(void *state, xctx *cx, table *lt, xop *next)
{
	join_op *j = state;
	table *rt = xtab_collect(cx, j->right);
	if (!rt)
		return false;
	if (lt->nrows >= UINT32_MAX || rt->nrows >= UINT32_MAX) {
		table_free(rt);
		diag_set_nospan(cx->q->d, KQLITE_LIMIT, "a join side has more than 4 billion rows");
		return false;
	}
	pairs m = {0}, sel = {0};
	uint8_t *lhit = calloc(lt->nrows + 1, 1), *rhit = calloc(rt->nrows + 1, 1);
	uint8_t *lskip = j->kind == J_INNERUNIQUE ? calloc(lt->nrows + 1, 1) : NULL;
	bool ok = lhit && rhit && (j->kind != J_INNERUNIQUE || lskip);
	if (ok && lskip)
		ok = first_of_keys(j, lt, lskip);
	bool limit = false;
	if (ok)
		ok = match(j, lt, lskip, rt, &m, lhit, rhit, cx->q->max_memory, &limit);
	if (ok)
		ok = select_rows(j, lt, rt, &m, lhit, rhit, &sel);
	bool result = ok ? emit(j, cx, lt, rt, &sel, next) : limit ? too_big(cx) : x_nomem(cx->q);
	free(lhit), free(rhit), free(lskip);
	free(m.l), free(m.r), free(sel.l), free(sel.r);
	table_free(rt);
	return result;
}

/* ---- planning ----------------------------------------------------------------- */

static long find_col(const xtab *t, const char *name, size_t len)
{
	for (uint32_t i = 0; i < t->ncols; i++)
		if (strlen(t->names[i]) == len && !memcmp(t->names[i], name, len))
			return i;
	return -1;
}

static bool add_key(planner *p, join_op *j, const xtab *l, const xtab *r, const ast *src, const ast *ln,
                    const ast *rn)
{
	long lc = find_col(l, ln->text, ln->tlen), rc = find_col(r, rn->text, rn->tlen);
	if (lc < 0 || rc < 0)
		return plan_error(p, src, "join key '%.*s' is not a column of the %s side",
		                  (int)(lc < 0 ? ln->tlen : rn->tlen), lc < 0 ? ln->text : rn->text,
		                  lc < 0 ? "left" : "right");
	uint8_t lt = l->types[lc], rt = r->types[rc];
	enum kclass cls;
	bool lint = type_phys(lt) == PH_I64 || lt == KQLITE_TYPE_BOOL;
	bool rint = type_phys(rt) == PH_I64 || rt == KQLITE_TYPE_BOOL;
	bool lreal = lt == KQLITE_TYPE_REAL || lt == KQLITE_TYPE_DECIMAL;
	bool rreal = rt == KQLITE_TYPE_REAL || rt == KQLITE_TYPE_DECIMAL;
	if (lint && rint)
		cls = K_INT;
	else if ((lint || lreal) && (rint || rreal))
		cls = K_REAL;
	else if (lt == rt && lt == KQLITE_TYPE_GUID)
		cls = K_GUID;
	else if (lt == rt && (lt == KQLITE_TYPE_STRING || lt == KQLITE_TYPE_DYNAMIC))
		cls = K_BYTES;
	else
		return plan_error(p, src, "join key '%.*s' is %s on the left and %s on the right (convert one side)",
		                  (int)ln->tlen, ln->text, kqlite_type_name((kqlite_type)lt),
		                  kqlite_type_name((kqlite_type)rt));
	jkey *k = arena_alloc(p->q->qa, (j->nkeys + 1) * sizeof(jkey));
	if (!k)
		return x_nomem(p->q);
	if (j->nkeys)
		memcpy(k, j->keys, j->nkeys * sizeof(jkey));
	k[j->nkeys++] = (jkey){(uint32_t)lc, (uint32_t)rc, cls};
	j->keys = k;
	return true;
}

static bool is_side(const ast *m, const char *side)
{
	return m->kind == A_MEMBER && m->kids[0]->kind == A_NAME && ast_text_is(m->kids[0], side);
}

/* The on-clause: names of both sides, $left.a == $right.b, and 'and'. */
static bool add_condition(planner *p, join_op *j, const xtab *l, const xtab *r, const ast *c)
{
	if (c->kind == A_NAME)
		return add_key(p, j, l, r, c, c, c);
	if (c->kind == A_PAREN)
		return add_condition(p, j, l, r, c->kids[0]);
	if (c->kind == A_BINARY && c->op == OP_AND)
		return add_condition(p, j, l, r, c->kids[0]) && add_condition(p, j, l, r, c->kids[1]);
	if (c->kind == A_BINARY && c->op == OP_EQ) {
		const ast *x = c->kids[0], *y = c->kids[1];
		if (is_side(x, "$left") && is_side(y, "$right"))
			return add_key(p, j, l, r, c, x, y);
		if (is_side(x, "$right") && is_side(y, "$left"))
			return add_key(p, j, l, r, c, y, x);
	}
	return plan_error(p, c, "not supported yet: this join condition (use Column or $left.A == $right.B)");
}

static bool is_key_col(const join_op *j, uint32_t rc)
{
	for (uint32_t k = 0; k < j->nkeys; k++)
		if (j->keys[k].r == rc)
			return true;
	return false;
}

bool plan_join(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	join_op *j = arena_zalloc(p->q->qa, sizeof(*j));
	if (!j)
		return x_nomem(p->q);
	j->lookup = op->kind == A_LOOKUP;
	j->kind = j->lookup ? J_LEFTOUTER : J_INNERUNIQUE;
	const ast *kind = plan_param(op->kids[0], "kind");
	if (kind) {
		size_t k = 0;
		while (k < sizeof(kinds) / sizeof(kinds[0]) && !ast_text_is(kind, kinds[k].name))
			k++;
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			return plan_error(p, kind, "unknown join kind");
		j->kind = kinds[k].kind;
	}
	if (!(j->right = plan_tab(p, op->kids[1])))
		return false;
	for (uint32_t i = 0; i < op->kids[2]->nkids; i++)
		if (!add_condition(p, j, t, j->right, op->kids[2]->kids[i]))
			return false;
	if (!j->nkeys)
		return plan_error(p, op, "a join needs an on clause");

	/* output columns: the binder's schema is the left columns then the
	 * right ones (lookup: without the right keys), or one side alone */
	j->nout = out->n;
	j->side = arena_zalloc(p->q->qa, out->n + 1);
	j->src = arena_zalloc(p->q->qa, (out->n + 1) * sizeof(uint32_t));
	if (!j->side || !j->src)
		return x_nomem(p->q);
	if (!plan_shape(p, out, &j->names, &j->types))
		return false;
	bool right_only = j->kind == J_RIGHTSEMI || j->kind == J_RIGHTANTI;
	bool left_only = j->kind == J_LEFTSEMI || j->kind == J_LEFTANTI;
	uint32_t c = 0;
	for (int side = right_only; side <= !left_only; side++) {
		const xtab *from = side ? j->right : t;
		for (uint32_t i = 0; i < from->ncols; i++) {
			if (side && j->lookup && is_key_col(j, i))
				continue;
			/* the binder's type (dynamic when it could not tell) must be the data's */
			if (c >= out->n || j->types[c] != from->types[i])
				return plan_error(p, op, "internal error: the join's columns do not match its schema");
			j->side[c] = (uint8_t)side, j->src[c++] = i;
		}
	}
	if (c != out->n)
		return plan_error(p, op, "internal error: the join's columns do not match its schema");
	xop *o = op_collect(p->q, t->ncols, t->names, t->types, join_done, j);
	if (!o)
		return false;
	/* the output's shape: names/types as above (plan_chain takes them from out) */
	return plan_chain(p, t, o, out);
}
