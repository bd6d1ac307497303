/* batch.c -- batches over stored columns (read lazily, zero-copy where the
 * stored form is the vector form), scratch-memory marks, the push that
 * releases a batch's scratch memory, scanning stored columns, and the
 * sink that collects a result table. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

void colref_init(bcolref *ref, const column *c, size_t start)
{
	memset(ref, 0, sizeof(*ref));
	ref->v.type = (uint8_t)c->type;
	ref->src = c;
	ref->start = start;
}

static bool read_nulls(xctx *cx, vec *v, const column *c, size_t start, uint32_t rows)
{
	if (!c->valid || !c->nulls)
		return true;
	if (!vec_nulls(cx, v, rows))
		return false;
	for (uint32_t i = 0; i < rows; i++) {
		size_t r = start + i;
		v->nulls[i] = !(c->valid[r >> 6] >> (r & 63) & 1);
	}
	return true;
}

const vec *batch_col(xctx *cx, xbatch *b, uint32_t j)
{
	if (j >= b->ncols) { /* a column where none can be: a row-less constant */
		x_error(cx->q, "a constant is expected here, not a column");
		return NULL;
	}
	bcolref *ref = &b->cols[j];
	const column *c = ref->src;
	if (!c || ref->ready)
		return &ref->v;
	ref->ready = true;
	vec *v = &ref->v;
	size_t s = ref->start;
	uint32_t rows = b->rows;
	v->is_const = false;
	v->nulls = NULL;
	switch (c->type) {
	case KQLITE_TYPE_BOOL:
		v->d.b = c->v.b + s;
		break;
	case KQLITE_TYPE_INT:
		if (!vec_alloc(cx, v, rows, false))
			return NULL;
		for (uint32_t i = 0; i < rows; i++)
			v->d.i[i] = c->v.i32[s + i];
		break;
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		v->d.i = c->v.i64 + s;
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		v->d.f = c->v.f64 + s;
		break;
	case KQLITE_TYPE_GUID:
		v->d.g = (uint8_t(*)[16])(c->v.guid + 16 * s);
		break;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: {
		if (!vec_alloc(cx, v, rows, false))
			return NULL;
		const char *heap = c->heap ? c->heap : "";
		if (c->dict_width) {
			const uint64_t *off = c->v.off;
			for (uint32_t i = 0; i < rows; i++) {
				size_t k = col_code(c, s + i);
				v->d.s[i] = (kstr){heap + off[k], (size_t)(off[k + 1] - off[k])};
			}
		} else {
			const uint64_t *off = c->v.off + s;
			for (uint32_t i = 0; i < rows; i++)
				v->d.s[i] = (kstr){heap + off[i], (size_t)(off[i + 1] - off[i])};
		}
		if (c->type == KQLITE_TYPE_DYNAMIC && c->valid && c->nulls)
			for (uint32_t i = 0; i < rows; i++)
				if (!(c->valid[(s + i) >> 6] >> ((s + i) & 63) & 1))
					v->d.s[i].n = 0;
		return v;
	}
	default:
		*v = vec_const_null(KQLITE_TYPE_NULL);
		return v;
	}
	if (!read_nulls(cx, v, c, s, rows))
		return NULL;
	return v;
}

bool xop_push(xop *op, xctx *cx, xbatch *b)
{
	arena_mark_t m = arena_mark(cx->tmp);
	bool ok = op->push(op, cx, b);
	arena_release(cx->tmp, m);
	if (ok && cx->q->interrupt && *cx->q->interrupt) {
		diag_set_nospan(cx->q->d, KQLITE_INTERRUPT, "interrupted");
		return false;
	}
	return ok;
}

bool run_columns(xctx *cx, column *const *cols, uint32_t ncols, size_t nrows, xop *sink)
{
	bcolref *refs = arena_alloc(cx->q->qa, (ncols ? ncols : 1) * sizeof(bcolref));
	if (!refs)
		return x_nomem(cx->q);
	uint32_t step = cx->q->batch;
	for (size_t start = 0; start < nrows; start += step) {
		uint32_t rows = (uint32_t)(nrows - start < step ? nrows - start : step);
		for (uint32_t j = 0; j < ncols; j++)
			colref_init(&refs[j], cols[j], start);
		xbatch b = {.rows = rows, .sel = NULL, .n = rows, .ncols = ncols, .cols = refs};
		if (!xop_push(sink, cx, &b))
			return false;
	}
	return sink->finish(sink, cx);
}

/* ---- the result sink ----------------------------------------------------- */

typedef struct sink {
	xop op;
	table *t;
	const char *what;   /* for the --max-memory error: "the result", "join's input"... */
} sink;

static bool sink_push(xop *op, xctx *cx, xbatch *b)
{
	sink *s = (sink *)op;
	for (uint32_t j = 0; j < b->ncols; j++) {
		const vec *v = batch_col(cx, b, j);
		if (!v)
			return false;
		column *c = &s->t->cols[j];
		FOR_SEL(i, b->sel, b->n)
		{
			if (vec_push(c, v, i) != 0)
				return x_nomem(cx->q);
		}
	}
	s->t->nrows += b->n;
	if (cx->q->max_memory && table_memory(s->t) > cx->q->max_memory) {
		diag_set_nospan(cx->q->d, KQLITE_LIMIT, "%s needs more than --max-memory (%zu bytes)",
		                s->what ? s->what : "the result", cx->q->max_memory);
		return false;
	}
	return true;
}

static bool sink_finish(xop *op, xctx *cx)
{
	(void)op;
	(void)cx;
	return true;
}

static void sink_destroy(xop *op)
{
	(void)op;
}

xop *sink_table(xquery *q, table *t)
{
	sink *s = arena_zalloc(q->qa, sizeof(*s));
	if (!s)
		return NULL;
	s->op = (xop){sink_push, sink_finish, sink_destroy, NULL};
	s->t = t;
	return &s->op;
}

/* ---- materializing operators ------------------------------------------- */

typedef struct collect {
	sink s;             /* collects the input into s.t */
	xcollect_done done;
	void *state;
} collect;

static bool collect_finish(xop *op, xctx *cx)
{
	collect *c = (collect *)op;
	return c->done(c->state, cx, c->s.t, op->next);
}

static void collect_destroy(xop *op)
{
	collect *c = (collect *)op;
	table_free(c->s.t);
	c->s.t = NULL;
}

table *table_shaped(uint32_t ncols, const char *const *names, const uint8_t *types)
{
	table *t = table_new("", 0);
	for (uint32_t j = 0; t && j < ncols; j++)
		if (table_add_column(t, names[j], strlen(names[j]), (kqlite_type)types[j]) < 0) {
			table_free(t);
			t = NULL;
		}
	return t;
}

xop *op_collect(xquery *q, uint32_t ncols, const char *const *names, const uint8_t *types,
                xcollect_done done, void *state)
{
	collect *c = arena_zalloc(q->qa, sizeof(*c));
	if (!c || !(c->s.t = table_shaped(ncols, names, types)))
		return x_nomem(q), NULL;
	c->s.op = (xop){sink_push, collect_finish, collect_destroy, NULL};
	c->s.what = "an operator's collected input";
	c->done = done;
	c->state = state;
	return &c->s.op;
}

table *xtab_collect(xctx *cx, xtab *t)
{
	table *out = table_shaped(t->ncols, t->names, t->types);
	if (!out)
		return x_nomem(cx->q), NULL;
	sink s = {{sink_push, sink_finish, sink_destroy, NULL}, out, "a subquery's result"};
	if (!t->run(t, cx, &s.op)) {
		table_free(out);
		return NULL;
	}
	return out;
}

bool run_table(xctx *cx, const table *t, xop *next)
{
	column **cols = arena_alloc(cx->q->qa, (t->ncols ? t->ncols : 1) * sizeof(column *));
	if (!cols)
		return x_nomem(cx->q);
	for (size_t j = 0; j < t->ncols; j++)
		cols[j] = &t->cols[j];
	return run_columns(cx, cols, (uint32_t)t->ncols, t->nrows, next);
}

bool dict_eval(xctx *cx, xnode *x, const column *c, size_t start, xentry entry, bool negate,
               const uint32_t *sel, uint32_t n, uint8_t *out)
{
	if (x->dict_col != c) {
		uint8_t *m = arena_alloc(cx->q->qa, c->ndict ? c->ndict : 1);
		if (!m)
			return x_nomem(cx->q);
		for (size_t k = 0; k < c->ndict; k++) {
			kstr v = {c->heap + c->v.off[k], (size_t)(c->v.off[k + 1] - c->v.off[k])};
			m[k] = entry(x, v) != negate;
		}
		x->dict_col = c;
		x->dict_match = m;
	}
	const uint8_t *m = x->dict_match;
	if (c->dict_width == 1) {
		const uint8_t *codes = (const uint8_t *)c->codes + start;
		FOR_SEL(i, sel, n) out[i] = m[codes[i]];
	} else {
		const uint16_t *codes = (const uint16_t *)c->codes + start;
		FOR_SEL(i, sel, n) out[i] = m[codes[i]];
	}
	return true;
}
