/* plan.c -- the planner: walks the bound query and builds what runs.
 * Statements first (let-bound scalars are evaluated once, tables and
 * functions are kept as syntax to compile where they are used), then the
 * final tabular expression: sources (tables, range, datatable, print,
 * union) and a chain of operators after each. The binder is asked for
 * every operator's output schema just before the operator is compiled,
 * so names and types are exactly those `kqlite check` reports. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "functions.h"
#include "lex.h"
#include "types.h"

enum pv_kind { PV_SCALAR, PV_TABLE, PV_FUNC };

struct pval {
	const char *name;
	uint32_t len;
	int kind;
	xnode *x;           /* PV_SCALAR */
	const ast *expr;    /* PV_TABLE: the expression; PV_FUNC: the lambda */
	pval *env;          /* the scope expr is compiled in */
	sym *benv;          /* the binder's scope for it */
	xtab *piped;        /* a function's table parameter fed by invoke */
	table *data;        /* PV_TABLE computed once: materialize(), as */
	pval *next;
};

static bool is_materialize(const ast *e);
static xtab *materialized(planner *p, pval *v);

bool plan_error(planner *p, const ast *n, const char *fmt, ...)
{
	if (p->q->d->code)
		return false;
	va_list ap;
	va_start(ap, fmt);
	char msg[DIAG_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		diag_set(p->q->d, KQLITE_ERROR, n->off, n->len, "%s", msg);
	else
		diag_set_nospan(p->q->d, KQLITE_ERROR, "%s", msg);
	return false;
}

bool plan_register_op(planner *p, xop *op)
{
	if (p->nops == p->capops) {
		size_t nc = p->capops ? p->capops * 2 : 16;
		xop **g = realloc(p->ops, nc * sizeof(*g));
		if (!g)
			return x_nomem(p->q);
		p->ops = g;
		p->capops = nc;
	}
	p->ops[p->nops++] = op;
	return true;
}

bool plan_register_call(planner *p, xcall *c)
{
	if (p->ncalls == p->capcalls) {
		size_t nc = p->capcalls ? p->capcalls * 2 : 16;
		xcall **g = realloc(p->calls, nc * sizeof(*g));
		if (!g)
			return x_nomem(p->q);
		p->calls = g;
		p->capcalls = nc;
	}
	p->calls[p->ncalls++] = c;
	return true;
}

void planner_free(planner *p)
{
	for (size_t i = 0; i < p->nops; i++)
		if (p->ops[i]->destroy)
			p->ops[i]->destroy(p->ops[i]);
	for (size_t i = 0; i < p->ncalls; i++)
		if (p->calls[i]->cleanup)
			p->calls[i]->cleanup(p->calls[i]->state);
	for (size_t i = 0; i < p->ntables; i++)
		table_free(p->tables[i]);
	for (size_t i = 0; i < p->nkept; i++)
		table_free(p->kept[i]);
	free(p->ops);
	free(p->calls);
	free(p->tables);
	free(p->kept);
	memset(p, 0, sizeof(*p));
}

/* Appends t to a list of tables the planner frees (t is freed on failure). */
static bool add_table(planner *p, table ***list, size_t *n, size_t *cap, table *t)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		table **g = realloc(*list, nc * sizeof(*g));
		if (!g) {
			table_free(t);
			return x_nomem(p->q);
		}
		*list = g;
		*cap = nc;
	}
	(*list)[(*n)++] = t;
	return true;
}

static bool own_table(planner *p, table *t)
{
	return add_table(p, &p->tables, &p->ntables, &p->captables, t);
}

/* A table that lives as long as the query, even when what compiled it is
 * released (a let's materialize() first read inside mv-apply's subquery,
 * which is compiled and released again for every row). */
static bool keep_table(planner *p, table *t)
{
	return add_table(p, &p->kept, &p->nkept, &p->capkept, t);
}

static pval *push_val(planner *p, const char *name, uint32_t len, int kind)
{
	pval *v = arena_zalloc(p->q->qa, sizeof(*v));
	if (!v) {
		x_nomem(p->q);
		return NULL;
	}
	v->name = name;
	v->len = len;
	v->kind = kind;
	v->next = p->scope;
	p->scope = v;
	return v;
}

static const pval *find_val(const planner *p, const char *name, size_t len)
{
	for (const pval *v = p->scope; v; v = v->next)
		if (v->len == len && !memcmp(v->name, name, len))
			return v;
	return NULL;
}

static sym *push_bsym(planner *p, const char *name, uint32_t len, uint8_t kind)
{
	sym *s = arena_zalloc(p->q->qa, sizeof(*s));
	if (!s) {
		x_nomem(p->q);
		return NULL;
	}
	*s = (sym){.name = name, .len = len, .kind = kind, .next = p->b.scope};
	p->b.scope = s;
	return s;
}

/* ---- xtab helpers ------------------------------------------------------------ */

static xtab *new_tab(planner *p, const bschema *bs, size_t extra)
{
	xtab *t = arena_zalloc(p->q->qa, sizeof(xtab) + extra);
	uint32_t n = bs ? bs->n : 0;
	if (t) {
		t->ncols = n;
		t->bs = bs;
		t->names = arena_zalloc(p->q->qa, (n ? n : 1) * sizeof(char *));
		t->types = arena_zalloc(p->q->qa, n ? n : 1);
	}
	if (!t || !t->names || !t->types) {
		x_nomem(p->q);
		return NULL;
	}
	t->impl = t + 1;
	for (uint32_t i = 0; i < n; i++) {
		t->names[i] = arena_strndup(p->q->qa, bs->cols[i].name, bs->cols[i].len);
		if (!t->names[i])
			return x_nomem(p->q), NULL;
		uint8_t ty = bs->cols[i].type;
		t->types[i] = ty == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : ty;
	}
	return t;
}

static xscope scope_of(const xtab *t)
{
	return (xscope){t->ncols, t->names, t->types};
}

/* Stored columns as a source. */
typedef struct cols_tab {
	column **cols;
	size_t nrows;
} cols_tab;

static bool run_cols(xtab *t, xctx *cx, xop *sink)
{
	cols_tab *c = t->impl;
	return run_columns(cx, c->cols, t->ncols, c->nrows, sink);
}

/* A source over a table's columns, in the order of bs (missing ones are
 * filled by null columns kept in the planner). */
static xtab *tab_of_table(planner *p, const table *data, const bschema *bs)
{
	xtab *t = new_tab(p, bs, sizeof(cols_tab));
	if (!t)
		return NULL;
	cols_tab *c = t->impl;
	c->cols = arena_zalloc(p->q->qa, (t->ncols ? t->ncols : 1) * sizeof(column *));
	if (!c->cols)
		return x_nomem(p->q), NULL;
	c->nrows = data ? data->nrows : 0;
	table *fill = NULL;
	for (uint32_t i = 0; i < t->ncols; i++) {
		long k = data ? table_find_column(data, t->names[i], strlen(t->names[i])) : -1;
		if (k >= 0 && data->cols[k].type == t->types[i]) {
			c->cols[i] = &data->cols[k];
			continue;
		}
		/* a column the data lacks: nulls */
		if (!fill) {
			fill = table_new("", 0);
			if (!fill || !own_table(p, fill))
				return x_nomem(p->q), NULL;
		}
		long j = table_add_column(fill, t->names[i], strlen(t->names[i]), t->types[i]);
		if (j < 0)
			return x_nomem(p->q), NULL;
		for (size_t r = 0; r < c->nrows; r++)
			if (col_push_null(&fill->cols[j]) != 0)
				return x_nomem(p->q), NULL;
		c->cols[i] = NULL; /* resolved below: fill->cols may move while growing */
	}
	for (uint32_t i = 0; i < t->ncols; i++)
		if (!c->cols[i])
			c->cols[i] = &fill->cols[table_find_column(fill, t->names[i], strlen(t->names[i]))];
	t->run = run_cols;
	return t;
}

/* A pipe: a source and a chain of operators. */
typedef struct pipe_tab {
	xtab *src;
	xop *first, *last;
} pipe_tab;

static bool run_pipe(xtab *t, xctx *cx, xop *sink)
{
	pipe_tab *pt = t->impl;
	if (!pt->first)
		return pt->src->run(pt->src, cx, sink);
	pt->last->next = sink;
	return pt->src->run(pt->src, cx, pt->first);
}

static xtab *pipe_over(planner *p, xtab *src)
{
	xtab *t = new_tab(p, src->bs, sizeof(pipe_tab));
	if (!t)
		return NULL;
	pipe_tab *pt = t->impl;
	pt->src = src;
	t->run = run_pipe;
	t->render = src->render;
	return t;
}

bool plan_chain(planner *p, xtab *t, xop *op, const bschema *bs)
{
	if (!op || !plan_register_op(p, op))
		return false;
	pipe_tab *pt = t->impl;
	if (pt->last)
		pt->last->next = op;
	else
		pt->first = op;
	pt->last = op;
	xtab *shape = new_tab(p, bs, 0);
	if (!shape)
		return false;
	t->ncols = shape->ncols;
	t->names = shape->names;
	t->types = shape->types;
	t->bs = bs;
	return true;
}

/* ---- sources ------------------------------------------------------------------- */

static xtab *compile_tab(planner *p, const ast *n);
static xtab *pipe_ops(planner *p, xtab *src, const ast *const *ops, uint32_t nops);

static xtab *table_source(planner *p, const ast *n)
{
	const bschema *bs = bind_table(&p->b, n);
	if (!bs)
		return NULL;
	size_t idx;
	const char *name = n->text;
	uint32_t len = n->tlen;
	if (n->kind == A_CALL) { /* table("T") */
		name = n->kids[0]->text;
		len = n->kids[0]->tlen;
	}
	if (!catalog_find_n(p->cat, name, len, &idx)) {
		plan_error(p, n, "unknown table '%.*s'", (int)len, name);
		return NULL;
	}
	return tab_of_table(p, p->cat->data[idx], bs);
}

/* A source of one row and no columns (print's input). */
static bool run_one_row(xtab *t, xctx *cx, xop *sink)
{
	(void)t;
	xbatch b = {.rows = 1, .n = 1};
	return xop_push(sink, cx, &b) && sink->finish(sink, cx);
}

static xtab *one_row(planner *p)
{
	bschema *empty = sch_new(p->q->qa);
	if (!empty)
		return x_nomem(p->q), NULL;
	xtab *t = new_tab(p, empty, 0);
	if (t)
		t->run = run_one_row;
	return t;
}

static xtab *print_source(planner *p, const ast *n)
{
	const bschema *bs = bind_source(&p->b, n);
	xtab *one = bs ? one_row(p) : NULL;
	xtab *t = one ? pipe_over(p, one) : NULL;
	if (!t)
		return NULL;
	xnode **exprs = arena_alloc(p->q->qa, (n->nkids ? n->nkids : 1) * sizeof(xnode *));
	if (!exprs)
		return x_nomem(p->q), NULL;
	for (uint32_t i = 0; i < n->nkids; i++) {
		const ast *it = n->kids[i];
		if (it->kind == A_TUPLE_ASSIGN)
			return plan_error(p, it, "not supported yet: (a, b) = ... in print"), NULL;
		const ast *e = it->kind == A_ASSIGN ? it->kids[0] : it;
		uint8_t want = bs->cols[i].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : bs->cols[i].type;
		if (!(exprs[i] = cast_expr(p, compile_expr(p, e, NULL), want)))
			return NULL;
	}
	return plan_chain(p, t, op_project(p, exprs, n->nkids), bs) ? t : NULL;
}

static xtab *datatable_source(planner *p, const ast *n)
{
	const bschema *bs = bind_source(&p->b, n);
	if (!bs)
		return NULL;
	table *data = table_new("datatable", 9);
	if (!data)
		return x_nomem(p->q), NULL;
	if (!own_table(p, data))
		return NULL;
	for (uint32_t c = 0; c < bs->n; c++)
		if (table_add_column(data, bs->cols[c].name, bs->cols[c].len, (kqlite_type)bs->cols[c].type) < 0)
			return x_nomem(p->q), NULL;
	const ast *vals = n->kids[1];
	uint32_t nc = bs->n ? bs->n : 1;
	for (uint32_t i = 0; i < vals->nkids; i++) {
		column *c = &data->cols[i % nc];
		xnode *x = compile_expr(p, vals->kids[i], NULL);
		if (!x)
			return NULL;
		vec v;
		if (!eval_const(p, x, &v))
			return NULL;
		if (v.type != c->type && !(v.type == KQLITE_TYPE_NULL)) {
			xnode *cast = const_node(p, vals->kids[i], &v);
			if (!cast)
				return NULL;
			/* an int literal in a real column, a string in a dynamic one... */
			xctx cx = {p->q, p->q->qa};
			vec out = {.type = (uint8_t)c->type};
			if (!vec_cast(&cx, &v, (uint8_t)c->type, NULL, 1, 1, &out))
				return NULL;
			v = out;
		}
		if (vec_push(c, &v, 0) != 0)
			return x_nomem(p->q), NULL;
	}
	data->nrows = bs->n ? vals->nkids / bs->n : 0;
	return tab_of_table(p, data, bs);
}

/* range Name from A to B step S */
typedef struct range_tab {
	vec from, to, step;
} range_tab;

static bool run_range(xtab *t, xctx *cx, xop *sink)
{
	range_tab *r = t->impl;
	uint8_t ty = t->types[0];
	bool real = type_phys(ty) == PH_F64;
	if (v_null(&r->from, 0) || v_null(&r->to, 0) || v_null(&r->step, 0))
		return sink->finish(sink, cx);
	double ff = v_num(&r->from, 0), ft = v_num(&r->to, 0), fs = v_num(&r->step, 0);
	int64_t lf = real ? 0 : v_i64(&r->from, 0), lt = real ? 0 : v_i64(&r->to, 0),
	        ls = real ? 0 : v_i64(&r->step, 0);
	if ((real && (fs == 0 || fs != fs)) || (!real && ls == 0))
		return x_error(cx->q, "range: the step must not be zero");
	bool up = real ? fs > 0 : ls > 0;
	uint32_t step = cx->q->batch;
	uint64_t k = 0;
	for (;;) {
		bcolref ref = {.v = {.type = ty}};
		if (!vec_alloc(cx, &ref.v, step, false))
			return false;
		uint32_t n = 0;
		while (n < step) {
			if (real) {
				double v = ff + (double)k * fs;
				if (up ? v > ft : v < ft)
					break;
				ref.v.d.f[n++] = v;
			} else {
				/* k * step from the start, in 128 bits: no overflow */
				__int128 v = (__int128)lf + (__int128)k * ls;
				if (up ? v > lt : v < lt)
					break;
				ref.v.d.i[n++] = (int64_t)v;
			}
			k++;
		}
		if (n == 0)
			break;
		xbatch b = {.rows = n, .n = n, .ncols = 1, .cols = &ref};
		if (!xop_push(sink, cx, &b))
			return false;
		if (n < step)
			break;
	}
	return sink->finish(sink, cx);
}

static xtab *range_source(planner *p, const ast *n)
{
	const bschema *bs = bind_source(&p->b, n);
	xtab *t = bs ? new_tab(p, bs, sizeof(range_tab)) : NULL;
	if (!t)
		return NULL;
	range_tab *r = t->impl;
	vec *v[3] = {&r->from, &r->to, &r->step};
	for (int i = 0; i < 3; i++) {
		xnode *x = compile_expr(p, n->kids[i], NULL);
		if (!x || !eval_const(p, x, v[i]))
			return NULL;
	}
	t->run = run_range;
	return t;
}

/* union: legs run one after another into adapters that place each leg's
 * columns where the output has them; the sink finishes once. */
typedef struct union_tab {
	xtab **legs;
	xop **adapt;
	uint32_t nlegs;
} union_tab;

static bool nop_finish(xop *op, xctx *cx)
{
	(void)op, (void)cx;
	return true;
}

static bool run_union(xtab *t, xctx *cx, xop *sink)
{
	union_tab *u = t->impl;
	for (uint32_t i = 0; i < u->nlegs; i++) {
		u->adapt[i]->next = sink;
		u->adapt[i]->finish = nop_finish;
		if (!u->legs[i]->run(u->legs[i], cx, u->adapt[i]))
			return false;
	}
	return sink->finish(sink, cx);
}

static const char *leg_name(const ast *leg)
{
	(void)leg;
	return NULL;
}

static xtab *union_of(planner *p, const ast *n, xtab *piped)
{
	const ast *params = n->kids[0];
	const ast *ws = NULL;
	bool fuzzy = false;
	for (uint32_t i = 0; params && i < params->nkids; i++) {
		const ast *pa = params->kids[i];
		if (ast_text_is(pa, "withsource") || ast_text_is(pa, "with_source"))
			ws = pa->kids[0];
		if (ast_text_is(pa, "isfuzzy") && ast_text_is(pa->kids[0], "true"))
			fuzzy = true;
	}
	uint32_t max = n->nkids + 1;
	xtab **legs = arena_zalloc(p->q->qa, max * sizeof(xtab *));
	const ast **srcs = arena_zalloc(p->q->qa, max * sizeof(ast *));
	if (!legs || !srcs)
		return x_nomem(p->q), NULL;
	uint32_t nlegs = 0;
	if (piped)
		legs[nlegs++] = piped;
	bool saved = p->b.fuzzy;
	for (uint32_t i = 1; i < n->nkids; i++) {
		const ast *leg = n->kids[i];
		if (leg->kind == A_NAMEPAT) {
			/* Device*: the views defined with let, then the catalog's
			 * tables, whose names match (the binder's order) */
			const ast *found[512];
			uint32_t nf = 0;
			for (const pval *v = p->scope; v && nf < 256; v = v->next)
				if (v->kind == PV_FUNC && v->expr->op == 1 && v->expr->kids[0]->nkids == 0 &&
				    bind_pattern_matches(leg, v->name, v->len)) {
					bool seen = false;
					for (uint32_t k = 0; k < nf && !seen; k++)
						seen = found[k]->tlen == v->len && !memcmp(found[k]->text, v->name, v->len);
					ast *nm = seen ? NULL : arena_alloc(p->q->qa, sizeof(ast));
					if (seen)
						continue;
					if (!nm)
						return x_nomem(p->q), NULL;
					*nm = *leg;
					nm->kind = A_NAME;
					nm->text = v->name;
					nm->tlen = v->len;
					found[nf++] = nm;
				}
			for (uint32_t a = 0, z = nf ? nf - 1 : 0; nf && a < z; a++, z--) {
				const ast *t = found[a];
				found[a] = found[z];
				found[z] = t;
			}
			for (size_t c = 0; c < p->cat->ntables && nf < 512; c++) {
				const char *tn = p->cat->tables[c]->name;
				if (!bind_pattern_matches(leg, tn, strlen(tn)))
					continue;
				ast *nm = arena_alloc(p->q->qa, sizeof(ast));
				if (!nm)
					return x_nomem(p->q), NULL;
				*nm = *leg;
				nm->kind = A_NAME;
				nm->text = tn;
				nm->tlen = (uint32_t)strlen(tn);
				found[nf++] = nm;
			}
			if (nlegs + nf >= max) {
				xtab **l2 = arena_zalloc(p->q->qa, (max + nf) * sizeof(xtab *));
				const ast **s2 = arena_zalloc(p->q->qa, (max + nf) * sizeof(ast *));
				if (!l2 || !s2)
					return x_nomem(p->q), NULL;
				memcpy(l2, legs, nlegs * sizeof(xtab *));
				memcpy(s2, srcs, nlegs * sizeof(ast *));
				legs = l2, srcs = s2, max += nf;
			}
			for (uint32_t k = 0; k < nf; k++) {
				xtab *lt = compile_tab(p, found[k]);
				if (!lt)
					return NULL;
				srcs[nlegs] = found[k];
				legs[nlegs++] = lt;
			}
			continue;
		}
		p->b.fuzzy = fuzzy;
		xtab *lt = compile_tab(p, leg);
		p->b.fuzzy = saved;
		if (!lt && p->q->d->code)
			return NULL;
		if (!lt)
			continue; /* a missing table under isfuzzy=true */
		srcs[nlegs] = leg;
		legs[nlegs++] = lt;
	}
	/* the output schema, from the binder over the same legs */
	const bschema *bs = bind_union(&p->b, n, piped ? piped->bs : NULL);
	if (!bs)
		return NULL;
	xtab *t = new_tab(p, bs, sizeof(union_tab));
	if (!t)
		return NULL;
	union_tab *u = t->impl;
	u->legs = legs;
	u->nlegs = nlegs;
	u->adapt = arena_zalloc(p->q->qa, (nlegs ? nlegs : 1) * sizeof(xop *));
	if (!u->adapt)
		return x_nomem(p->q), NULL;
	for (uint32_t l = 0; l < nlegs; l++) {
		int32_t *map = arena_alloc(p->q->qa, (t->ncols ? t->ncols : 1) * sizeof(int32_t));
		if (!map)
			return x_nomem(p->q), NULL;
		for (uint32_t j = 0; j < t->ncols; j++) {
			map[j] = -1;
			if (ws && j == 0) {
				map[j] = -2; /* the leg's name */
				continue;
			}
			for (uint32_t c = 0; c < legs[l]->ncols; c++) {
				if (legs[l]->types[c] != t->types[j])
					continue;
				const char *ln = legs[l]->names[c];
				size_t ll = strlen(ln);
				const char *tn = kqlite_type_name((kqlite_type)t->types[j]);
				if (!strcmp(ln, t->names[j]) ||
				    (!strncmp(t->names[j], ln, ll) && t->names[j][ll] == '_' && !strcmp(t->names[j] + ll + 1, tn))) {
					map[j] = (int32_t)c;
					break;
				}
			}
		}
		xop *a = op_adapt(p, map, t->types, t->ncols);
		if (!a || !plan_register_op(p, a))
			return NULL;
		if (ws) {
			const ast *src = srcs[l];
			const char *nm = src && src->kind == A_NAME ? src->text : "union_arg";
			uint32_t nl = src && src->kind == A_NAME ? src->tlen : (uint32_t)strlen(nm);
			if (!src && l == 0 && piped)
				nm = "union_arg0", nl = 10;
			if (!op_adapt_source(p, a, nm, nl))
				return NULL;
		}
		u->adapt[l] = a;
	}
	(void)leg_name;
	t->run = run_union;
	return t;
}

/* ---- let-bound tables and user functions ----------------------------------------- */

static bool compile_in_env(planner *p, const pval *v, const ast *expr, xtab **out)
{
	pval *saved = p->scope;
	sym *bsaved = p->b.scope;
	p->scope = v->env;
	p->b.scope = v->benv;
	*out = compile_tab(p, expr);
	p->scope = saved;
	p->b.scope = bsaved;
	return *out != NULL;
}

bool plan_is_user_function(planner *p, const ast *call)
{
	const pval *v = find_val(p, call->text, call->tlen);
	return v && v->kind == PV_FUNC;
}

/* Binds the parameters of f's lambda to the call's arguments (scalars
 * compiled in the caller's scope, tables kept as syntax) and enters the
 * function's scope. Restore with the saved scopes. */
static bool enter_function(planner *p, const pval *f, const ast *call, xtab *piped, const xscope *sc)
{
	const ast *lam = f->expr, *params = lam->kids[0];
	uint32_t nargs = (call->kind == A_CALL ? call->nkids : 0) + (piped ? 1 : 0);
	if (nargs > params->nkids)
		return plan_error(p, call, "%.*s() takes %u arguments", (int)f->len, f->name, params->nkids);
	if (++p->b.call_depth > 32)
		return plan_error(p, call, "functions call each other more than 32 levels deep");
	pval *vals[64];
	xnode *args[64];
	const bschema *schemas[64];
	if (params->nkids > 64)
		return plan_error(p, call, "too many parameters");
	for (uint32_t i = 0; i < params->nkids; i++) {
		const ast *prm = params->kids[i];
		const ast *decl = prm->kids[0];
		args[i] = NULL;
		schemas[i] = NULL;
		vals[i] = NULL;
		if (i >= nargs) {
			if (prm->nkids < 2 || !prm->kids[1])
				return plan_error(p, call, "%.*s(): missing argument %u", (int)f->len, f->name, i + 1);
			if (!(args[i] = compile_expr(p, prm->kids[1], NULL)))
				return false;
			continue;
		}
		if (piped && i == 0) {
			schemas[i] = piped->bs;
			continue;
		}
		const ast *arg = call->kids[i - (piped ? 1 : 0)];
		if (arg->kind == A_NAMEDARG)
			arg = arg->kids[0];
		if (decl->kind == A_SCHEMA) {
			/* a table argument: compiled where used, in the caller's scope */
			pval *tv = arena_zalloc(p->q->qa, sizeof(*tv));
			if (!tv)
				return x_nomem(p->q);
			*tv = (pval){prm->text, prm->tlen, PV_TABLE, NULL, arg, p->scope, p->b.scope, NULL, NULL, NULL};
			vals[i] = tv;
			if (!(schemas[i] = bind_table(&p->b, arg)))
				return false;
		} else if (!(args[i] = compile_expr(p, arg, sc))) {
			return false;
		}
	}
	p->scope = f->env;
	p->b.scope = f->benv;
	for (uint32_t i = 0; i < params->nkids; i++) {
		const ast *prm = params->kids[i];
		const ast *decl = prm->kids[0];
		bool tab = decl->kind == A_SCHEMA;
		sym *s = push_bsym(p, prm->text, prm->tlen, tab ? SYM_TABLE : SYM_SCALAR);
		pval *v = push_val(p, prm->text, prm->tlen, tab ? PV_TABLE : PV_SCALAR);
		if (!s || !v)
			return false;
		if (tab) {
			s->schema = schemas[i];
			if (vals[i]) {
				v->expr = vals[i]->expr;
				v->env = vals[i]->env;
				v->benv = vals[i]->benv;
			} else {
				v->kind = PV_TABLE;
				v->expr = NULL; /* the piped input: see plan_invoke */
			}
		} else {
			s->type = (uint8_t)decl->op;
			xnode *a = args[i];
			if (a && a->type != decl->op && decl->op != KQLITE_TYPE_DYNAMIC)
				a = a; /* the binder accepted it; kernels read numbers of any width */
			v->x = a;
		}
	}
	return true;
}

xnode *plan_user_scalar(planner *p, const ast *call, const xscope *sc)
{
	const pval *f = find_val(p, call->text, call->tlen);
	pval *saved = p->scope;
	sym *bsaved = p->b.scope;
	xnode *x = NULL;
	if (enter_function(p, f, call, NULL, sc)) {
		const ast *body = f->expr->kids[1];
		for (uint32_t i = 0; i + 1 < body->nkids && !p->q->d->code; i++)
			plan_statement(p, body->kids[i]);
		if (!p->q->d->code && body->nkids) {
			const ast *last = body->kids[body->nkids - 1];
			if (bind_scalar(&p->b, last, NULL) != TYPE_ERR)
				x = compile_expr(p, last, sc);
		}
	}
	p->b.call_depth--;
	p->scope = saved;
	p->b.scope = bsaved;
	return x;
}

static xtab *user_table(planner *p, const pval *f, const ast *call, xtab *piped)
{
	pval *saved = p->scope;
	sym *bsaved = p->b.scope;
	xtab *t = NULL;
	if (enter_function(p, f, call, piped, NULL)) {
		if (piped) { /* invoke: the first parameter is the piped table */
			for (pval *v = p->scope; v; v = v->next)
				if (v->kind == PV_TABLE && !v->expr) {
					v->piped = piped;
					break;
				}
		}
		const ast *body = f->expr->kids[1];
		for (uint32_t i = 0; i + 1 < body->nkids && !p->q->d->code; i++)
			plan_statement(p, body->kids[i]);
		if (!p->q->d->code && body->nkids)
			t = compile_tab(p, body->kids[body->nkids - 1]);
	}
	p->b.call_depth--;
	p->scope = saved;
	p->b.scope = bsaved;
	return t;
}

xnode *plan_lookup_scalar(planner *p, const ast *n, const xscope *sc)
{
	const pval *v = find_val(p, n->text, n->tlen);
	if (!v)
		return NULL;
	if (v->kind == PV_SCALAR)
		return v->x;
	if (v->kind == PV_FUNC && v->expr->kids[0]->nkids == 0)
		return plan_user_scalar(p, n, sc);
	plan_error(p, n, "'%.*s' is a table, not a scalar value", (int)n->tlen, n->text);
	return NULL;
}

bool plan_is_tabular(planner *p, const ast *n)
{
	switch (n->kind) {
	case A_PIPE: case A_RANGE: case A_PRINT: case A_UNION: case A_DATATABLE:
		return true;
	case A_PAREN:
		return plan_is_tabular(p, n->kids[0]);
	case A_NAME: {
		const pval *v = find_val(p, n->text, n->tlen);
		if (v)
			return v->kind == PV_TABLE;
		return catalog_find_n(p->cat, n->text, n->tlen, NULL) != NULL;
	}
	case A_CALL: {
		const pval *v = find_val(p, n->text, n->tlen);
		if (v && v->kind == PV_FUNC) {
			bval bv = bind_value(&p->b, n, NULL);
			return bv.table;
		}
		return ast_text_is(n, "materialize") || ast_text_is(n, "table");
	}
	default:
		return false;
	}
}

const ast *plan_param(const ast *params, const char *name)
{
	for (uint32_t i = 0; params && i < params->nkids; i++)
		if (ast_text_is(params->kids[i], name))
			return params->kids[i]->kids[0];
	return NULL;
}

bool plan_own_table(planner *p, table *t)
{
	return own_table(p, t);
}

xtab *plan_table_source(planner *p, table *data)
{
	bschema *bs = sch_new(p->q->qa);
	for (size_t j = 0; bs && j < data->ncols; j++)
		if (!sch_append(p->q->qa, bs, data->cols[j].name, strlen(data->cols[j].name), (uint8_t)data->cols[j].type))
			bs = NULL;
	if (!bs)
		return x_nomem(p->q), NULL;
	xtab *src = tab_of_table(p, data, bs);
	return src ? pipe_over(p, src) : NULL;
}

xtab *plan_rows_source(planner *p, const table *data)
{
	bschema *bs = sch_new(p->q->qa);
	for (size_t j = 0; bs && j < data->ncols; j++)
		if (!sch_append(p->q->qa, bs, data->cols[j].name, strlen(data->cols[j].name), (uint8_t)data->cols[j].type))
			bs = NULL;
	if (!bs)
		return x_nomem(p->q), NULL;
	bs->serialized = true;
	xtab *src = tab_of_table(p, data, bs);
	return src ? pipe_over(p, src) : NULL;
}

void plan_release(planner *p, size_t nops, size_t ncalls, size_t ntables)
{
	while (p->nops > nops) {
		xop *op = p->ops[--p->nops];
		if (op->destroy)
			op->destroy(op);
	}
	while (p->ncalls > ncalls) {
		xcall *c = p->calls[--p->ncalls];
		if (c->cleanup)
			c->cleanup(c->state);
	}
	while (p->ntables > ntables)
		table_free(p->tables[--p->ntables]);
}

xtab *plan_pipe(planner *p, xtab *src, const ast *const *ops, uint32_t nops)
{
	return pipe_ops(p, src, ops, nops);
}

ast *plan_ast(planner *p, const ast *at, int kind, const char *text, uint32_t nkids)
{
	ast *n = arena_zalloc(p->q->qa, sizeof(ast));
	ast **kids = arena_zalloc(p->q->qa, (nkids ? nkids : 1) * sizeof(ast *));
	if (!n || !kids)
		return x_nomem(p->q), NULL;
	n->kind = (uint8_t)kind;
	n->off = at->off;
	n->len = at->len;
	n->text = text;
	n->tlen = text ? (uint32_t)strlen(text) : 0;
	n->kids = kids;
	n->nkids = n->cap = nkids;
	n->depth = at->depth + 8;
	return n;
}

bool plan_shape(planner *p, const bschema *bs, const char ***names, uint8_t **types)
{
	*names = arena_alloc(p->q->qa, (bs->n + 1) * sizeof(char *));
	*types = arena_alloc(p->q->qa, bs->n + 1);
	if (!*names || !*types)
		return x_nomem(p->q);
	for (uint32_t i = 0; i < bs->n; i++) {
		if (!((*names)[i] = arena_strndup(p->q->qa, bs->cols[i].name, bs->cols[i].len)))
			return x_nomem(p->q);
		(*types)[i] = bs->cols[i].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : bs->cols[i].type;
	}
	return true;
}

table *plan_collect(planner *p, xtab *t)
{
	if (p->dry) {
		table *empty = table_shaped(t->ncols, t->names, t->types);
		return empty ? empty : (x_nomem(p->q), NULL);
	}
	xctx cx = {p->q, p->tmp};
	return xtab_collect(&cx, t);
}

xtab *plan_tab(planner *p, const ast *n)
{
	return compile_tab(p, n);
}

table *plan_run_table(planner *p, const ast *n)
{
	xtab *t = compile_tab(p, n);
	if (!t)
		return NULL;
	table *out = table_new("subquery", 8);
	if (!out || !own_table(p, out))
		return x_nomem(p->q), NULL;
	for (uint32_t i = 0; i < t->ncols; i++)
		if (table_add_column(out, t->names[i], strlen(t->names[i]), (kqlite_type)t->types[i]) < 0)
			return x_nomem(p->q), NULL;
	xop *sink = sink_table(p->q, out);
	xctx cx = {p->q, p->tmp};
	if (!sink || (!p->dry && !t->run(t, &cx, sink)))
		return NULL;
	return out;
}

/* ---- statements --------------------------------------------------------------- */

bool plan_statement(planner *p, const ast *st)
{
	if (st->kind != A_LET)
		return true; /* set: options that change nothing offline; declare: see bind */
	if (!bind_statement(&p->b, st))
		return false;
	const ast *val = st->kids[0];
	sym *bs = p->b.scope;
	if (val->kind == A_LAMBDA) {
		pval *v = push_val(p, st->text, st->tlen, PV_FUNC);
		if (!v)
			return false;
		v->expr = val;
		v->env = v; /* sees itself and what came before */
		v->benv = bs;
		return true;
	}
	if (bs->kind == SYM_TABLE) {
		pval *v = push_val(p, st->text, st->tlen, PV_TABLE);
		if (!v)
			return false;
		v->expr = val;
		v->env = v->next;
		v->benv = bs->next;
		return true;
	}
	xnode *x = compile_expr(p, val, NULL);
	if (!x)
		return false;
	vec c;
	if (!xnode_is_const(x)) {
		if (!eval_const(p, x, &c))
			return false;
		if (!(x = const_node(p, val, &c)))
			return false;
	}
	pval *v = push_val(p, st->text, st->tlen, PV_SCALAR);
	if (!v)
		return false;
	v->x = x;
	return true;
}

/* ---- tabular expressions -------------------------------------------------------- */

static xtab *compile_tab(planner *p, const ast *n)
{
	if (p->q->d->code)
		return NULL;
	if (++p->depth > 200) {
		p->depth--;
		plan_error(p, n, "tabular expressions nested too deeply");
		return NULL;
	}
	xtab *t = NULL;
	switch (n->kind) {
	case A_PAREN:
		t = compile_tab(p, n->kids[0]);
		break;
	case A_PIPE: {
		xtab *src = compile_tab(p, n->kids[0]);
		if (src)
			t = pipe_ops(p, src, (const ast *const *)n->kids + 1, n->nkids - 1);
		break;
	}
	case A_NAME: {
		const pval *v = find_val(p, n->text, n->tlen);
		if (v && v->kind == PV_TABLE) {
			if (v->piped) {
				t = v->piped;
			} else if (v->data || is_materialize(v->expr)) {
				bind_table(&p->b, n);
				t = materialized(p, (pval *)v);
			} else {
				bind_table(&p->b, n); /* keeps the binder's fuzzy-union bookkeeping */
				compile_in_env(p, v, v->expr, &t);
			}
		} else if (v && v->kind == PV_FUNC) {
			t = user_table(p, v, n, NULL);
		} else if (p->b.fuzzy && !catalog_find_n(p->cat, n->text, n->tlen, NULL)) {
			t = NULL; /* skipped leg */
		} else {
			t = table_source(p, n);
		}
		break;
	}
	case A_CALL: {
		const pval *v = find_val(p, n->text, n->tlen);
		if (v && v->kind == PV_FUNC)
			t = user_table(p, v, n, NULL);
		else if (ast_text_is(n, "materialize"))
			t = compile_tab(p, n->kids[0]);
		else if (ast_text_is(n, "table"))
			t = table_source(p, n);
		else
			plan_error(p, n, "not supported yet: %.*s() as a table", (int)n->tlen, n->text);
		break;
	}
	case A_PRINT:
		t = print_source(p, n);
		break;
	case A_DATATABLE:
		t = datatable_source(p, n);
		break;
	case A_RANGE:
		t = range_source(p, n);
		break;
	case A_UNION:
		t = union_of(p, n, NULL);
		break;
	case A_SEARCH:
	case A_FIND:
		t = plan_search(p, n);
		break;
	case A_EXTERNALDATA:
		t = plan_externaldata(p, n);
		break;
	default:
		plan_error(p, n, "not supported yet: %s", ast_kind_name(n->kind));
	}
	p->depth--;
	return t;
}

/* Columns of the input that an operator's output keeps, by name. */
static xtab *project_by_names(planner *p, xtab *t, const bschema *out, const ast *op,
                              const char *const *from_names)
{
	xnode **exprs = arena_alloc(p->q->qa, (out->n ? out->n : 1) * sizeof(xnode *));
	if (!exprs)
		return x_nomem(p->q), NULL;
	for (uint32_t j = 0; j < out->n; j++) {
		const char *want = from_names ? from_names[j] : NULL;
		size_t wl = want ? strlen(want) : out->cols[j].len;
		if (!want)
			want = out->cols[j].name;
		long k = -1;
		for (uint32_t c = 0; c < t->ncols && k < 0; c++)
			if (strlen(t->names[c]) == wl && !memcmp(t->names[c], want, wl))
				k = (long)c;
		if (k < 0)
			return plan_error(p, op, "internal error: column '%.*s' not found", (int)wl, want), NULL;
		if (!(exprs[j] = col_node(p, op, (uint32_t)k, t->types[k])))
			return NULL;
	}
	return plan_chain(p, t, op_project(p, exprs, out->n), out) ? t : NULL;
}

/* (a, b, c) = f(x): functions with several results have a form
 * "f:tuple" (fn_series.c) that returns them as one dynamic array; each
 * name gets its element. */
static xnode *tuple_call(planner *p, const ast *e, const xscope *sc)
{
	char name[80];
	const fn_def *f = e->kind == A_CALL ? fn_lookup(e->text, e->tlen) : NULL;
	if (f)
		snprintf(name, sizeof name, "%s:tuple", f->canonical);
	if (!f || !xfn_lookup(name))
		return plan_error(p, e, "not supported yet: (a, b) = ... of this expression"), NULL;
	xnode *args[16];
	if (e->nkids > 16)
		return plan_error(p, e, "too many arguments"), NULL;
	for (uint32_t i = 0; i < e->nkids; i++) {
		const ast *a = e->kids[i]->kind == A_NAMEDARG ? e->kids[i]->kids[0] : e->kids[i];
		if (!(args[i] = compile_expr(p, a, sc)))
			return NULL;
	}
	return plan_call(p, e, name, args, e->nkids, KQLITE_TYPE_DYNAMIC);
}

static xnode *tuple_item(planner *p, const ast *it, xnode *tuple, uint32_t k)
{
	static int64_t index[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
	if (k >= 16)
		return plan_error(p, it, "not supported yet: more than 16 names"), NULL;
	vec v = {.type = KQLITE_TYPE_LONG, .is_const = true, .d.i = &index[k]};
	xnode *args[2] = {tuple, const_node(p, it, &v)};
	return args[1] ? plan_call(p, it, "__index", args, 2, KQLITE_TYPE_DYNAMIC) : NULL;
}

static xtab *extend_op(planner *p, xtab *t, const ast *op, bool project)
{
	/* one projection per item, so later items see earlier ones */
	if (project) {
		const bschema *out = bind_operator(&p->b, op, t->bs);
		if (!out)
			return NULL;
		xscope sc = scope_of(t);
		xnode **exprs = arena_alloc(p->q->qa, (out->n ? out->n : 1) * sizeof(xnode *));
		if (!exprs)
			return x_nomem(p->q), NULL;
		uint32_t j = 0; /* output column; (a, b) = f(x) makes several */
		for (uint32_t i = 0; i < op->nkids; i++) {
			const ast *it = op->kids[i];
			bool tuple = it->kind == A_TUPLE_ASSIGN;
			const ast *e = it->kind == A_ASSIGN ? it->kids[0] : tuple ? it->kids[1] : it;
			xnode *x = tuple ? tuple_call(p, e, &sc) : compile_expr(p, e, &sc);
			if (!x)
				return NULL;
			for (uint32_t k = 0; k < (tuple ? it->kids[0]->nkids : 1); k++, j++) {
				if (j >= out->n)
					return plan_error(p, it, "not supported yet: a project that names a column twice"), NULL;
				uint8_t want = out->cols[j].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : out->cols[j].type;
				xnode *v = tuple ? tuple_item(p, it, x, k) : x;
				if (!v || !(exprs[j] = cast_expr(p, v, want)))
					return NULL;
			}
		}
		if (j != out->n)
			return plan_error(p, op, "not supported yet: a project that names a column twice"), NULL;
		return plan_chain(p, t, op_project(p, exprs, out->n), out) ? t : NULL;
	}
	for (uint32_t i = 0; i < op->nkids; i++) {
		const ast *it = op->kids[i];
		ast one = *op;
		ast *kids[1] = {(ast *)it};
		one.kids = kids;
		one.nkids = 1;
		const bschema *out = bind_operator(&p->b, &one, t->bs);
		if (!out)
			return NULL;
		xscope sc = scope_of(t);
		bool tuple = it->kind == A_TUPLE_ASSIGN;
		const ast *e = it->kind == A_ASSIGN ? it->kids[0] : tuple ? it->kids[1] : it;
		xnode *x = tuple ? tuple_call(p, e, &sc) : compile_expr(p, e, &sc);
		if (!x)
			return NULL;
		xnode **exprs = arena_alloc(p->q->qa, (out->n ? out->n : 1) * sizeof(xnode *));
		if (!exprs)
			return x_nomem(p->q), NULL;
		for (uint32_t j = 0; j < out->n; j++) {
			if (j < t->ncols && !(strlen(t->names[j]) == out->cols[j].len &&
			                      !memcmp(t->names[j], out->cols[j].name, out->cols[j].len)))
				return plan_error(p, op, "internal error: extend reordered columns"), NULL;
			bool is_new = j >= t->ncols;
			const char *nm = out->cols[j].name;
			uint32_t nl = out->cols[j].len;
			long target = -1; /* which value of the item column j gets */
			if (tuple) {
				for (uint32_t k = 0; k < it->kids[0]->nkids && target < 0; k++)
					if (nl == it->kids[0]->kids[k]->tlen && !memcmp(nm, it->kids[0]->kids[k]->text, nl))
						target = k;
			} else if (it->kind == A_ASSIGN ? nl == it->tlen && !memcmp(nm, it->text, nl) : is_new) {
				target = 0;
			}
			if (target >= 0) {
				uint8_t want = out->cols[j].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : out->cols[j].type;
				xnode *v = tuple ? tuple_item(p, it, x, (uint32_t)target) : x;
				if (!v || !(exprs[j] = cast_expr(p, v, want)))
					return NULL;
			} else if (!(exprs[j] = col_node(p, it, j, t->types[j]))) {
				return NULL;
			}
		}
		if (!plan_chain(p, t, op_project(p, exprs, out->n), out))
			return NULL;
	}
	return t;
}

static int64_t const_long(planner *p, const ast *n, bool *ok)
{
	*ok = false;
	xnode *x = compile_expr(p, n, NULL);
	vec v;
	if (!x || !eval_const(p, x, &v))
		return 0;
	if (v_null(&v, 0) || type_phys(v.type) != PH_I64) {
		plan_error(p, n, "expected an integer constant");
		return 0;
	}
	*ok = true;
	return v_i64(&v, 0);
}

static xtab *getschema_of(planner *p, xtab *in, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, in->bs);
	if (!out)
		return NULL;
	table *data = table_new("getschema", 9);
	if (!data || !own_table(p, data))
		return x_nomem(p->q), NULL;
	for (uint32_t c = 0; c < out->n; c++)
		if (table_add_column(data, out->cols[c].name, out->cols[c].len, (kqlite_type)out->cols[c].type) < 0)
			return x_nomem(p->q), NULL;
	for (uint32_t i = 0; i < in->ncols; i++) {
		static const char *const dotnet[] = {"System.Object", "System.SByte", "System.Int32", "System.Int64",
		                                     "System.Double", "System.Data.SqlTypes.SqlDecimal", "System.String",
		                                     "System.DateTime", "System.TimeSpan", "System.Guid", "System.Object",
		                                     "System.Object"};
		const char *tn = kqlite_type_name((kqlite_type)in->types[i]);
		const char *dn = dotnet[in->types[i] < 12 ? in->types[i] : 0];
		if (col_push_bytes(&data->cols[0], in->names[i], strlen(in->names[i])) ||
		    col_push_int(&data->cols[1], (int32_t)i) || col_push_bytes(&data->cols[2], dn, strlen(dn)) ||
		    col_push_bytes(&data->cols[3], tn, strlen(tn)))
			return x_nomem(p->q), NULL;
		data->nrows++;
	}
	xtab *src = tab_of_table(p, data, out);
	return src ? pipe_over(p, src) : NULL;
}

/* ---- values computed once ----------------------------------------------------- */

static bool is_materialize(const ast *e)
{
	return e && e->kind == A_CALL && ast_text_is(e, "materialize") && e->nkids == 1;
}

/* let X = materialize(...) runs once, the first time X is read (and X
 * from `as` ran already): later reads scan the kept table. */
static xtab *materialized(planner *p, pval *v)
{
	if (!v->data) {
		xtab *t = NULL;
		if (!compile_in_env(p, v, v->expr->kids[0], &t) || !t)
			return NULL;
		table *data = plan_collect(p, t);
		if (!data || !keep_table(p, data))
			return NULL;
		v->data = data;
	}
	return plan_rows_source(p, v->data);
}

/* T | as X: T's rows, kept under the name X for the rest of the query. */
static xtab *as_op(planner *p, xtab *t, const ast *op)
{
	if (!bind_operator(&p->b, op, t->bs))
		return NULL;
	table *data = plan_collect(p, t);
	if (!data || !own_table(p, data))
		return NULL;
	pval *v = push_val(p, op->text, op->tlen, PV_TABLE);
	if (!v)
		return NULL;
	v->expr = op;
	v->data = data;
	return plan_rows_source(p, data);
}

static xtab *pipe_ops(planner *p, xtab *src, const ast *const *ops, uint32_t nops);

/* ---- window functions ------------------------------------------------------ */

static bool has_window_call(const ast *n)
{
	if (!n)
		return false;
	if (n->kind == A_CALL) {
		const fn_def *f = fn_lookup(n->text, n->tlen);
		if (f && f->kind == FN_WINDOW)
			return true;
	}
	for (uint32_t i = 0; i < n->nkids; i++)
		if (has_window_call(n->kids[i]))
			return true;
	return false;
}

/* The whole serialized input as one batch, so that row_number(), prev(),
 * next() and row_cumsum() (fn_window.c) see every row in order. */
static bool push_whole(void *state, xctx *cx, table *in, xop *next)
{
	(void)state;
	if (in->nrows > UINT32_MAX)
		return diag_set_nospan(cx->q->d, KQLITE_LIMIT, "window functions over more than 4 billion rows"), false;
	uint32_t saved = cx->q->batch;
	cx->q->batch = in->nrows ? (uint32_t)in->nrows : 1;
	bool ok = run_table(cx, in, next);
	cx->q->batch = saved;
	return ok;
}

static bool rebatch(void *state, xctx *cx, table *in, xop *next)
{
	(void)state;
	return run_table(cx, in, next);
}

static xtab *where_op(planner *p, xtab *t, const ast *op)
{
	if (!bind_operator(&p->b, op, t->bs))
		return NULL;
	xscope sc = scope_of(t);
	xnode *pred = compile_expr(p, op->kids[0], &sc);
	return pred && plan_chain(p, t, op_where(p, pred), t->bs) ? t : NULL;
}

/* where/extend/project with window functions: collect the input, run the
 * operator over it as one batch, and cut its output into batches again. */
static xtab *window_op(planner *p, xtab *t, const ast *op)
{
	xop *whole = op_collect(p->q, t->ncols, t->names, t->types, push_whole, NULL);
	if (!whole || !plan_chain(p, t, whole, t->bs))
		return NULL;
	p->window_ok = true;
	t = op->kind == A_WHERE ? where_op(p, t, op) : extend_op(p, t, op, op->kind == A_PROJECT);
	p->window_ok = false;
	if (!t)
		return NULL;
	xop *again = op_collect(p->q, t->ncols, t->names, t->types, rebatch, NULL);
	return again && plan_chain(p, t, again, t->bs) ? t : NULL;
}

/* Operators in files of their own, which append themselves to the pipe. */
static bool (*appended_op(int kind))(planner *, xtab *, const ast *)
{
	static const struct {
		int kind;
		bool (*plan)(planner *, xtab *, const ast *);
	} ops[] = {
		{A_JOIN, plan_join},           {A_LOOKUP, plan_join},          {A_MV_EXPAND, plan_mv_expand},
		{A_MV_APPLY, plan_mv_apply},   {A_PARTITION, plan_partition},  {A_PARSE, plan_parse},
		{A_MAKE_SERIES, plan_make_series}, {A_TOP_NESTED, plan_top_nested}, {A_SAMPLE, plan_sample},
		{A_SAMPLE_DISTINCT, plan_sample},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (ops[i].kind == kind)
			return ops[i].plan;
	return NULL;
}

static xtab *pipe_ops(planner *p, xtab *src, const ast *const *ops, uint32_t nops)
{
	xtab *t = pipe_over(p, src);
	for (uint32_t i = 0; t && i < nops; i++) {
		const ast *op = ops[i];
		xscope sc = scope_of(t);
		switch (op->kind) {
		case A_WHERE:
			t = has_window_call(op) ? window_op(p, t, op) : where_op(p, t, op);
			break;
		case A_EXTEND:
		case A_PROJECT:
			t = has_window_call(op) ? window_op(p, t, op) : extend_op(p, t, op, op->kind == A_PROJECT);
			break;
		case A_PROJECT_AWAY:
		case A_PROJECT_KEEP:
		case A_PROJECT_REORDER: {
			const bschema *out = bind_operator(&p->b, op, t->bs);
			t = out ? project_by_names(p, t, out, op, NULL) : NULL;
			break;
		}
		case A_PROJECT_RENAME: {
			const bschema *out = bind_operator(&p->b, op, t->bs);
			if (!out)
				return NULL;
			/* out keeps the input's order: column j was input column j */
			const char **from = arena_alloc(p->q->qa, (out->n ? out->n : 1) * sizeof(char *));
			if (!from)
				return x_nomem(p->q), NULL;
			for (uint32_t j = 0; j < out->n; j++)
				from[j] = t->names[j];
			t = project_by_names(p, t, out, op, from);
			break;
		}
		case A_TAKE: {
			if (!bind_operator(&p->b, op, t->bs))
				return NULL;
			bool ok;
			int64_t k = const_long(p, op->kids[0], &ok);
			if (!ok || !plan_chain(p, t, op_take(p, k), t->bs))
				return NULL;
			break;
		}
		case A_COUNT: {
			const bschema *out = bind_operator(&p->b, op, t->bs);
			if (!out || !plan_chain(p, t, op_count(p), out))
				return NULL;
			break;
		}
		case A_SORT:
		case A_TOP: {
			const bschema *out = bind_operator(&p->b, op, t->bs);
			if (!out)
				return NULL;
			int64_t limit = -1;
			if (op->kind == A_TOP) {
				bool ok;
				limit = const_long(p, op->kids[0], &ok);
				if (!ok)
					return NULL;
			}
			if (!plan_chain(p, t, op_sort(p, op, &sc, op->kind == A_TOP ? 1 : 0, limit), out))
				return NULL;
			break;
		}
		case A_SUMMARIZE: {
			const bschema *out = bind_operator(&p->b, op, t->bs);
			if (!out || !summarize_into(p, t, op, &sc, out))
				return NULL;
			break;
		}
		case A_DISTINCT: {
			const bschema *out = bind_operator(&p->b, op, t->bs);
			if (!out)
				return NULL;
			if (!(op->nkids == 1 && op->kids[0]->kind == A_STAR)) {
				xnode **exprs = arena_alloc(p->q->qa, op->nkids * sizeof(xnode *));
				if (!exprs)
					return x_nomem(p->q), NULL;
				for (uint32_t k = 0; k < op->nkids; k++) {
					const ast *it = op->kids[k];
					const ast *e = it->kind == A_ASSIGN ? it->kids[0] : it;
					uint8_t want = out->cols[k].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : out->cols[k].type;
					if (!(exprs[k] = cast_expr(p, compile_expr(p, e, &sc), want)))
						return NULL;
				}
				if (!plan_chain(p, t, op_project(p, exprs, op->nkids), out))
					return NULL;
			}
			if (!plan_chain(p, t, op_distinct(p, t->ncols, t->types), out))
				return NULL;
			break;
		}
		case A_RENDER:
			if (!bind_operator(&p->b, op, t->bs))
				return NULL;
			t->render = op;
			break;
		case A_GETSCHEMA:
			t = getschema_of(p, t, op);
			break;
		case A_UNION: {
			xtab *u = union_of(p, op, t);
			t = u ? pipe_over(p, u) : NULL;
			break;
		}
		case A_INVOKE: {
			const ast *call = op->kids[0];
			const pval *f = find_val(p, call->text, call->tlen);
			if (!f || f->kind != PV_FUNC)
				return plan_error(p, call, "invoke needs a function defined with let"), NULL;
			if (!bind_operator(&p->b, op, t->bs))
				return NULL;
			xtab *u = user_table(p, f, call, t);
			t = u ? pipe_over(p, u) : NULL;
			break;
		}
		case A_EVALUATE:
			t = plan_evaluate(p, t, op);
			break;
		case A_AS:
			t = as_op(p, t, op);
			break;
		case A_SEARCH:
			t = plan_search_piped(p, t, op);
			break;
		case A_SERIALIZE:
			if (op->nkids == 0) {
				const bschema *out = bind_operator(&p->b, op, t->bs);
				if (!out)
					return NULL;
				t->bs = out;
				break;
			}
			t = window_op(p, t, op); /* serialize Name = expr, ... */
			break;
		default: {
			bool (*plan)(planner *, xtab *, const ast *) = appended_op(op->kind);
			if (!plan) {
				plan_error(p, op, "not supported yet: operator %s", ast_kind_name(op->kind));
				return NULL;
			}
			if (!plan(p, t, op))
				return NULL;
			break;
		}
		}
	}
	return t;
}

xtab *plan_query(planner *p, const ast *root)
{
	const ast *last = NULL;
	for (uint32_t i = 0; i < root->nkids; i++) {
		const ast *st = root->kids[i];
		if (st->kind == A_LET || st->kind == A_SET || st->kind == A_DECLARE) {
			if (st->kind == A_DECLARE)
				return plan_error(p, st, "not supported yet: declare query_parameters (give values with let)"), NULL;
			if (!plan_statement(p, st))
				return NULL;
			continue;
		}
		last = st;
	}
	if (!last)
		return plan_error(p, root, "the query has no tabular expression"), NULL;
	return compile_tab(p, last);
}
