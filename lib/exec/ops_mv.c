/* ops_mv.c -- the mv-expand operator (Kusto docs: mv-expand operator).
 *
 * Each input row is repeated once per element of its expanded values:
 * several items expand in parallel (the row gives as many rows as its
 * longest value; a shorter one gives nulls), a null gives one row (null),
 * an empty array or bag gives none, and any other scalar gives one row
 * (itself). A property bag gives its members, each as a one-member bag
 * {key: value} (kind=bag, the default) or as [key, value] (kind=array).
 * `to typeof(T)` makes the element a T; an element that does not conform
 * to T (a string as a long, a number as a datetime...) is null.
 * `with_itemindex=I` adds the element's 0-based index; `limit N` keeps at
 * most N rows an input row (the legacy spelling `mvexpand`, when the parser
 * marks it, defaults to 128).
 *
 * Streaming: output batches hold at most q->batch rows, so a row with a
 * huge array streams through many batches; each output batch's scratch
 * memory is released right after it is pushed. */
#include <string.h>

#include "dyn.h"
#include "engine.h"

/* Where output column j comes from. */
enum { MV_PASS, MV_ITEM, MV_INDEX };

typedef struct mv_col {
	uint8_t kind;     /* MV_PASS, MV_ITEM, MV_INDEX */
	uint8_t type;     /* the output type */
	uint32_t src;     /* MV_PASS: input column; MV_ITEM: item */
} mv_col;

/* The element walk of one item over the current input row. */
typedef struct mv_cur {
	dyn_iter it;
	bool walking;     /* an array or a bag: elements come from it */
	bool object;
	kstr whole;       /* otherwise the one element (n == 0: null) */
	uint32_t count;   /* elements this row */
} mv_cur;

typedef struct mv_op {
	xop op;
	xnode **items;    /* each as a dynamic value */
	uint32_t nitems;
	xnode *limit;     /* NULL: no limit */
	int64_t deflimit; /* when limit is NULL; -1: none */
	bool bag_array;   /* kind=array: a member is [key, value] */
	mv_col *cols;
	uint32_t ncols;
	mv_cur *cur;      /* nitems */
	strbuf sb;        /* builds bag members */
} mv_op;

/* ---- per row ------------------------------------------------------------- */

static void cur_start(mv_cur *c, kstr v)
{
	const uint8_t *p = (const uint8_t *)v.p;
	int tag = dyn_tag(p, v.n);
	c->walking = (tag == DYN_ARRAY || tag == DYN_OBJECT) && dyn_iter_init(&c->it, p, v.n);
	if (c->walking) {
		c->object = tag == DYN_OBJECT;
		c->count = dyn_count(p, v.n);
	} else {
		c->whole = tag == DYN_NULL ? (kstr){NULL, 0} : v;
		c->count = 1;
	}
}

/* The next element of the row's value (null past its end), in scratch
 * memory when it had to be built. */
static bool cur_next(mv_op *m, xctx *cx, mv_cur *c, uint32_t e, kstr *out)
{
	*out = (kstr){NULL, 0};
	if (!c->walking) {
		if (e == 0)
			*out = c->whole;
		return true;
	}
	const char *key;
	size_t klen;
	const uint8_t *val;
	size_t vlen;
	if (!dyn_iter_next(&c->it, &key, &klen, &val, &vlen))
		return true;
	if (!c->object) {
		*out = (kstr){(const char *)val, vlen};
		return true;
	}
	m->sb.len = 0;
	dyn_builder b;
	dynb_init(&b, &m->sb);
	if (m->bag_array) {
		dynb_begin_array(&b);
		dynb_string(&b, key, klen);
	} else {
		dynb_begin_object(&b);
		dynb_key(&b, key, klen);
	}
	dynb_raw(&b, val, vlen);
	dynb_end(&b);
	if (m->sb.oom)
		return x_nomem(cx->q);
	char *s = vec_strdup(cx, m->sb.s, m->sb.len);
	if (!s)
		return false;
	*out = (kstr){s, m->sb.len};
	return true;
}

/* ---- output columns -------------------------------------------------------- */

/* Rows rows[0..n-1] of src. */
static bool gather(xctx *cx, const vec *src, const uint32_t *rows, uint32_t n, vec *out)
{
	int ph = type_phys(src->type);
	if (ph == PH_NONE) {
		*out = vec_const_null(src->type);
		return true;
	}
	*out = (vec){.type = src->type};
	if (!vec_alloc(cx, out, n, src->nulls != NULL))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t r = vat(src, rows[i]);
		switch (ph) {
		case PH_BOOL: out->d.b[i] = src->d.b[r]; break;
		case PH_I64: out->d.i[i] = src->d.i[r]; break;
		case PH_F64: out->d.f[i] = src->d.f[r]; break;
		case PH_STR: out->d.s[i] = src->d.s[r]; break;
		case PH_GUID: memcpy(out->d.g[i], src->d.g[r], 16); break;
		}
		if (src->nulls)
			out->nulls[i] = src->nulls[r];
	}
	return true;
}

/* Whether a JSON element may become a `type` (a cast, not a parse of
 * other kinds: numbers for numeric types, strings for datetime, timespan
 * and guid, anything for string). */
static bool conforms(kstr v, uint8_t type)
{
	int tag = dyn_tag((const uint8_t *)v.p, v.n);
	switch (type) {
	case KQLITE_TYPE_BOOL:
		return tag == DYN_TRUE || tag == DYN_FALSE;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return tag == DYN_LONG || tag == DYN_REAL;
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
	case KQLITE_TYPE_GUID:
		return tag == DYN_STRING;
	default:
		return true;
	}
}

/* The elements of one item as a column of `type`. */
static bool item_col(xctx *cx, kstr *elems, uint32_t n, uint8_t type, vec *out)
{
	vec dv = {.type = KQLITE_TYPE_DYNAMIC, .d.s = elems};
	if (type == KQLITE_TYPE_DYNAMIC || type == TYPE_ANY) {
		*out = dv;
		return true;
	}
	for (uint32_t i = 0; i < n; i++)
		if (!conforms(elems[i], type))
			elems[i] = (kstr){NULL, 0};
	return vec_cast(cx, &dv, type, NULL, n, n, out);
}

/* Pushes output rows 0..n-1: input row rows[i], element index idx[i], the
 * items' elements elems[k][i]. */
static bool emit(mv_op *m, xctx *cx, xbatch *in, const uint32_t *rows, int64_t *idx, kstr **elems, uint32_t n)
{
	bcolref *cols = arena_zalloc(cx->tmp, (m->ncols ? m->ncols : 1) * sizeof(bcolref));
	if (!cols)
		return x_nomem(cx->q);
	for (uint32_t j = 0; j < m->ncols; j++) {
		const mv_col *c = &m->cols[j];
		vec *v = &cols[j].v;
		switch (c->kind) {
		case MV_PASS:
			/* read before the first output batch: see mv_push */
			if (!gather(cx, &in->cols[c->src].v, rows, n, v))
				return false;
			break;
		case MV_ITEM:
			if (!item_col(cx, elems[c->src], n, c->type, v))
				return false;
			break;
		case MV_INDEX:
			*v = (vec){.type = KQLITE_TYPE_LONG, .d.i = idx};
			break;
		}
	}
	xbatch out = {.rows = n, .n = n, .ncols = m->ncols, .cols = cols};
	return xop_push(m->op.next, cx, &out);
}

/* ---- the operator ---------------------------------------------------------- */

static bool mv_push(xop *op, xctx *cx, xbatch *b)
{
	mv_op *m = (mv_op *)op;
	if (b->n == 0)
		return true;
	/* Everything read from the input batch lives in scratch memory
	 * allocated now, before the output batches' marks. */
	for (uint32_t j = 0; j < m->ncols; j++)
		if (m->cols[j].kind == MV_PASS && !batch_col(cx, b, m->cols[j].src))
			return false;
	vec *vals = arena_alloc(cx->tmp, (m->nitems ? m->nitems : 1) * sizeof(vec));
	vec lim = {0};
	if (!vals)
		return x_nomem(cx->q);
	for (uint32_t k = 0; k < m->nitems; k++)
		if (!m->items[k]->eval(cx, m->items[k], b, b->sel, b->n, &vals[k]))
			return false;
	if (m->limit && !m->limit->eval(cx, m->limit, b, b->sel, b->n, &lim))
		return false;

	uint32_t cap = cx->q->batch ? cx->q->batch : BATCH_DEFAULT;
	uint32_t pos = 0;       /* the k-th active input row */
	uint32_t e = 0, count = 0;
	bool started = false;   /* the cursors are on row pos */
	while (pos < b->n) {
		arena_mark_t mark = arena_mark(cx->tmp);
		uint32_t *rows = arena_alloc(cx->tmp, cap * sizeof(uint32_t));
		int64_t *idx = arena_alloc(cx->tmp, cap * sizeof(int64_t));
		kstr **elems = arena_alloc(cx->tmp, (m->nitems ? m->nitems : 1) * sizeof(kstr *));
		if (!rows || !idx || !elems)
			return x_nomem(cx->q);
		for (uint32_t k = 0; k < m->nitems; k++)
			if (!(elems[k] = arena_alloc(cx->tmp, cap * sizeof(kstr))))
				return x_nomem(cx->q);
		uint32_t n = 0;
		while (n < cap && pos < b->n) {
			uint32_t r = b->sel ? b->sel[pos] : pos;
			if (!started) {
				count = 0;
				for (uint32_t k = 0; k < m->nitems; k++) {
					/* an untyped null (dynamic(null) folded) has no values */
					kstr v = vals[k].type == KQLITE_TYPE_DYNAMIC ? v_str(&vals[k], r) : (kstr){NULL, 0};
					cur_start(&m->cur[k], v);
					if (m->cur[k].count > count)
						count = m->cur[k].count;
				}
				int64_t l = m->deflimit;
				if (m->limit && !vec_get_i64(&lim, r, &l))
					l = -1; /* a null limit: none */
				if (l >= 0 && (int64_t)count > l)
					count = (uint32_t)l;
				started = true;
				e = 0;
			}
			if (e >= count) {
				pos++;
				started = false;
				continue;
			}
			rows[n] = r;
			idx[n] = e;
			for (uint32_t k = 0; k < m->nitems; k++)
				if (!cur_next(m, cx, &m->cur[k], e, &elems[k][n]))
					return false;
			n++;
			e++;
		}
		if (n && !emit(m, cx, b, rows, idx, elems, n))
			return false;
		arena_release(cx->tmp, mark);
	}
	return true;
}

static void mv_destroy(xop *op)
{
	sb_free(&((mv_op *)op)->sb);
}

static bool mv_finish(xop *op, xctx *cx)
{
	return op->next->finish(op->next, cx);
}

/* ---- planning ---------------------------------------------------------------- */

static bool same_name(const bcol *c, const char *name, size_t len)
{
	return c->len == len && !memcmp(c->name, name, len);
}

/* The output column of name (among the first n), or -1. */
static long find_out(const bschema *out, uint32_t n, const char *name, size_t len)
{
	for (uint32_t j = 0; j < n && j < out->n; j++)
		if (same_name(&out->cols[j], name, len))
			return (long)j;
	return -1;
}

/* Which output column each item fills: the binder's mv_items replaces a
 * column of that name in place, or appends one (a fresh ColumnN when the
 * expression has no name); with_itemindex comes last. Walks the same way. */
static bool map_columns(planner *p, mv_op *m, const ast *op, const bschema *in, const bschema *out)
{
	const ast *items = op->kids[1];
	uint32_t next = in->n;
	for (uint32_t j = 0; j < out->n && j < in->n; j++)
		m->cols[j] = (mv_col){MV_PASS, 0, j};
	for (uint32_t k = 0; k < items->nkids; k++) {
		const ast *e = items->kids[k]->kids[0];
		const char *name = NULL;
		uint32_t len = 0;
		if (e->kind == A_ASSIGN) {
			name = e->text;
			len = e->tlen;
		} else {
			name = bind_expr_name(&p->b, e, &len);
		}
		long j = name ? find_out(out, next, name, len) : -1;
		if (j < 0)
			j = next++;
		if ((uint32_t)j >= out->n)
			return plan_error(p, op, "internal error: mv-expand columns differ from the binder's");
		m->cols[j] = (mv_col){MV_ITEM, 0, k};
	}
	const ast *ix = plan_param(op->kids[0], "with_itemindex");
	if (ix) {
		long j = find_out(out, next, ix->text, ix->tlen);
		if (j < 0)
			j = next++;
		if ((uint32_t)j >= out->n)
			return plan_error(p, op, "internal error: mv-expand columns differ from the binder's");
		m->cols[j] = (mv_col){MV_INDEX, KQLITE_TYPE_LONG, 0};
	}
	if (next != out->n)
		return plan_error(p, op, "internal error: mv-expand columns differ from the binder's");
	for (uint32_t j = 0; j < out->n; j++) {
		uint8_t ty = out->cols[j].type;
		m->cols[j].type = ty == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : ty;
	}
	return true;
}

bool plan_mv_expand(planner *p, xtab *t, const ast *op)
{
	const bschema *in = t->bs;
	const bschema *out = bind_operator(&p->b, op, in);
	if (!out)
		return false;
	const ast *params = op->kids[0], *items = op->kids[1];
	mv_op *m = arena_zalloc(p->q->qa, sizeof(*m));
	if (!m)
		return x_nomem(p->q);
	sb_init(&m->sb);
	m->op.push = mv_push;
	m->op.finish = mv_finish;
	m->op.destroy = mv_destroy;
	m->nitems = items->nkids;
	m->ncols = out->n;
	m->items = arena_zalloc(p->q->qa, (m->nitems ? m->nitems : 1) * sizeof(xnode *));
	m->cur = arena_zalloc(p->q->qa, (m->nitems ? m->nitems : 1) * sizeof(mv_cur));
	m->cols = arena_zalloc(p->q->qa, (m->ncols ? m->ncols : 1) * sizeof(mv_col));
	if (!m->items || !m->cur || !m->cols)
		return x_nomem(p->q);
	/* (the strbuf allocates only while running: nothing to free if
	 * planning fails before plan_chain registers the operator) */

	const ast *kind = plan_param(params, "kind");
	if (!kind)
		kind = plan_param(params, "bagexpansion");
	if (kind) {
		if (ast_text_is(kind, "array"))
			m->bag_array = true;
		else if (!ast_text_is(kind, "bag"))
			return plan_error(p, kind, "mv-expand: kind must be bag or array");
	}

	xscope sc = {t->ncols, t->names, t->types};
	for (uint32_t k = 0; k < m->nitems; k++) {
		const ast *e = items->kids[k]->kids[0];
		const ast *value = e->kind == A_ASSIGN ? e->kids[0] : e;
		if (!(m->items[k] = cast_expr(p, compile_expr(p, value, &sc), KQLITE_TYPE_DYNAMIC)))
			return false;
	}
	m->deflimit = -1;
	if (op->kids[2]) {
		if (!(m->limit = compile_expr(p, op->kids[2], &sc)))
			return false;
		if (type_phys(m->limit->type) != PH_I64 && m->limit->type != KQLITE_TYPE_NULL)
			return plan_error(p, op->kids[2], "mv-expand: limit needs an integer");
	} else if (op->op == 1) {
		/* the legacy spelling mvexpand (the parser marks it with op 1)
		 * keeps at most 128 rows a row by default */
		m->deflimit = 128;
	}
	if (!map_columns(p, m, op, in, out))
		return false;
	for (uint32_t j = 0; j < m->ncols; j++)
		if (m->cols[j].kind == MV_PASS && m->cols[j].src >= t->ncols)
			return plan_error(p, op, "internal error: mv-expand input column missing");

	return plan_chain(p, t, &m->op, out);
}
