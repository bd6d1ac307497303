/* bind_ops.c -- tabular operators and sources: each takes the input
 * schema and gives the output schema, with KQL's names for generated
 * columns (count_, sum_X, set_y, Column1, print_0, a 1 suffix on a
 * repeated name, join's right-side duplicates, union's name_type). */
#include <stdio.h>
#include <string.h>

#include "bind_int.h"
#include "lex.h"

/* ---- small helpers ----------------------------------------------------- */

static bschema *copy_of(binder *b, const bschema *in)
{
	bschema *s = sch_copy(b->a, in);
	if (!s)
		bind_nomem(b);
	return s;
}

static bschema *fresh(binder *b)
{
	bschema *s = sch_new(b->a);
	if (!s)
		bind_nomem(b);
	return s;
}

static const char *tname(uint8_t t)
{
	return t == TYPE_ANY ? "unknown" : kqlite_type_name((kqlite_type)t);
}

/* "Column1", "Column2"...: the first not yet in s. */
static bool column_n(binder *b, const bschema *s, const char *prefix, const char **name, uint32_t *len)
{
	char buf[64];
	for (unsigned k = 1;; k++) {
		int n = snprintf(buf, sizeof(buf), "%s%u", prefix, k);
		if (sch_find(s, buf, (size_t)n) < 0) {
			*name = arena_strndup(b->a, buf, (size_t)n);
			*len = (uint32_t)n;
			if (!*name)
				bind_nomem(b);
			return *name != NULL;
		}
	}
}

/* The value of an operator parameter (kind=inner), or NULL. */
static const ast *param(const ast *params, const char *name)
{
	for (uint32_t i = 0; params && i < params->nkids; i++)
		if (ast_text_is(params->kids[i], name))
			return params->kids[i]->kids[0];
	return NULL;
}

/* Parameters must be ones the operator knows, with a value it knows. */
static bool check_params(binder *b, const ast *params, const char *op, const char *const *names,
                         const char *const *values)
{
	for (uint32_t i = 0; params && i < params->nkids; i++) {
		const ast *p = params->kids[i];
		if (p->tlen > 5 && !memcmp(p->text, "hint.", 5))
			continue; /* hints change how, not what: accepted and ignored */
		bool known = false;
		for (size_t k = 0; names[k] && !known; k++)
			known = ast_text_is(p, names[k]);
		if (!known) {
			bind_error(b, p, "%s has no parameter '%.*s'", op, (int)p->tlen, p->text);
			return false;
		}
		if (values && ast_text_is(p, "kind")) {
			const ast *v = p->kids[0];
			bool ok = false;
			for (size_t k = 0; values[k] && !ok; k++)
				ok = ast_text_is(v, values[k]);
			if (!ok) {
				char list[256] = "";
				for (size_t k = 0; values[k]; k++) {
					strncat(list, k ? ", " : "", sizeof(list) - strlen(list) - 1);
					strncat(list, values[k], sizeof(list) - strlen(list) - 1);
				}
				bind_error(b, v, "%s kind=%.*s is not a kind (expected %s)", op, (int)v->tlen, v->text, list);
				return false;
			}
		}
	}
	return true;
}

/* Name for an unnamed expression in a column list. */
static bool expr_name(binder *b, const ast *e, const bschema *out, const char **name, uint32_t *len)
{
	*name = bind_expr_name(b, e, len);
	if (*name)
		return true;
	return column_n(b, out, "Column", name, len);
}

/* ---- column lists: extend, project, serialize, print, distinct -------- */

enum list_mode { LIST_EXTEND, LIST_PROJECT, LIST_PRINT };

static bool add_item(binder *b, const ast *item, uint32_t index, rowscope *rs, bschema *out, int mode)
{
	if (item->kind == A_TUPLE_ASSIGN) {
		uint8_t t = bind_scalar(b, item->kids[1], rs);
		if (t == TYPE_ERR)
			return false;
		const ast *names = item->kids[0];
		for (uint32_t i = 0; i < names->nkids; i++)
			if (!sch_set(b->a, out, names->kids[i]->text, names->kids[i]->tlen, KQLITE_TYPE_DYNAMIC))
				return bind_nomem(b), false;
		return true;
	}
	const ast *value = item->kind == A_ASSIGN ? item->kids[0] : item;
	uint8_t t = bind_scalar(b, value, rs);
	if (t == TYPE_ERR)
		return false;
	const char *name;
	uint32_t len;
	if (item->kind == A_ASSIGN) {
		name = item->text;
		len = item->tlen;
	} else if (mode == LIST_PRINT) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "print_%u", index);
		name = arena_strndup(b->a, buf, (size_t)n);
		len = (uint32_t)n;
		if (!name)
			return bind_nomem(b), false;
	} else if (!expr_name(b, value, out, &name, &len)) {
		return false;
	}
	if (mode == LIST_EXTEND)
		return sch_set(b->a, out, name, len, t) || (bind_nomem(b), false);
	if (sch_find(out, name, len) >= 0) {
		bind_error(b, item, "column '%.*s' is named twice", (int)len, name);
		return false;
	}
	return sch_append(b->a, out, name, len, t) || (bind_nomem(b), false);
}

static const bschema *column_list(binder *b, const ast *op, const bschema *in, int mode, uint32_t from)
{
	bschema *out = mode == LIST_EXTEND ? copy_of(b, in) : fresh(b);
	if (!out)
		return NULL;
	if (mode == LIST_PROJECT)
		out->serialized = in ? in->serialized : false;
	rowscope rs = {.cols = in ? in : out};
	for (uint32_t i = from; i < op->nkids; i++) {
		if (mode == LIST_EXTEND && in)
			rs.cols = out; /* later items see earlier ones */
		if (!add_item(b, op->kids[i], i - from, &rs, out, mode))
			return NULL;
	}
	return out;
}

/* ---- name patterns: project-away, project-keep, project-reorder ------- */

static bool pattern_matches(const ast *pat, const bcol *c);

bool bind_pattern_matches(const ast *pat, const char *name, size_t len)
{
	bcol c = {name, (uint32_t)len, 0};
	return pattern_matches(pat, &c);
}

static bool pattern_matches(const ast *pat, const bcol *c)
{
	bool lead = pat->op & 1, trail = pat->op & 2;
	const char *t = pat->text;
	size_t tl = pat->tlen;
	if (!lead && !trail)
		return c->len == tl && !memcmp(c->name, t, tl);
	if (tl == 0)
		return true; /* '*' */
	if (lead && trail) {
		for (size_t i = 0; i + tl <= c->len; i++)
			if (!memcmp(c->name + i, t, tl))
				return true;
		return false;
	}
	if (c->len < tl)
		return false;
	return lead ? !memcmp(c->name + c->len - tl, t, tl) : !memcmp(c->name, t, tl);
}

static bool pattern_found(binder *b, const ast *pat, const bschema *in)
{
	if (pat->op & 3)
		return true; /* a wildcard may match nothing */
	for (uint32_t i = 0; i < in->n; i++)
		if (pattern_matches(pat, &in->cols[i]))
			return true;
	if (in->open)
		return true;
	const bcol *near = sch_closest(in, pat->text, pat->tlen);
	if (near)
		bind_error(b, pat, "unknown column '%.*s'; did you mean '%.*s'?", (int)pat->tlen, pat->text,
		           (int)near->len, near->name);
	else
		bind_error(b, pat, "unknown column '%.*s'", (int)pat->tlen, pat->text);
	return false;
}

static const bschema *project_away(binder *b, const ast *op, const bschema *in, bool keep)
{
	for (uint32_t k = 0; k < op->nkids; k++)
		if (!pattern_found(b, op->kids[k], in))
			return NULL;
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	out->open = in->open;
	out->serialized = in->serialized;
	for (uint32_t i = 0; i < in->n; i++) {
		bool hit = false;
		for (uint32_t k = 0; k < op->nkids && !hit; k++)
			hit = pattern_matches(op->kids[k], &in->cols[i]);
		if (hit == keep && !sch_append(b->a, out, in->cols[i].name, in->cols[i].len, in->cols[i].type))
			return bind_nomem(b), NULL;
	}
	return out;
}

static const bschema *project_reorder(binder *b, const ast *op, const bschema *in)
{
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	out->open = in->open;
	out->serialized = in->serialized;
	for (uint32_t k = 0; k < op->nkids; k++) {
		const ast *pat = op->kids[k];
		if (!pattern_found(b, pat, in))
			return NULL;
		uint32_t first = out->n;
		for (uint32_t i = 0; i < in->n; i++)
			if (pattern_matches(pat, &in->cols[i]) && sch_find(out, in->cols[i].name, in->cols[i].len) < 0 &&
			    !sch_append(b->a, out, in->cols[i].name, in->cols[i].len, in->cols[i].type))
				return bind_nomem(b), NULL;
		/* a* asc / a* desc: the matched columns in name order */
		bool asc = pat->op & 4, desc = pat->op & 8;
		for (uint32_t i = first + 1; (asc || desc) && i < out->n; i++)
			for (uint32_t j = i; j > first; j--) {
				const bcol *x = &out->cols[j - 1], *y = &out->cols[j];
				size_t m = x->len < y->len ? x->len : y->len;
				int c = memcmp(x->name, y->name, m);
				if (!c)
					c = (x->len > y->len) - (x->len < y->len);
				if (asc ? c <= 0 : c >= 0)
					break;
				bcol t = out->cols[j - 1];
				out->cols[j - 1] = out->cols[j];
				out->cols[j] = t;
			}
	}
	for (uint32_t i = 0; i < in->n; i++)
		if (sch_find(out, in->cols[i].name, in->cols[i].len) < 0 &&
		    !sch_append(b->a, out, in->cols[i].name, in->cols[i].len, in->cols[i].type))
			return bind_nomem(b), NULL;
	return out;
}

static const bschema *project_rename(binder *b, const ast *op, const bschema *in)
{
	bschema *out = copy_of(b, in);
	if (!out)
		return NULL;
	for (uint32_t k = 0; k < op->nkids; k++) {
		const ast *a = op->kids[k], *old = a->kids[0];
		long i = sch_find(out, old->text, old->tlen);
		if (i < 0) {
			if (in->open)
				continue;
			rowscope rs = {.cols = out};
			bind_scalar(b, old, &rs); /* reports it, with a suggestion */
			return NULL;
		}
		long clash = sch_find(out, a->text, a->tlen);
		if (clash >= 0 && clash != i) {
			bind_error(b, a, "project-rename: column '%.*s' exists already", (int)a->tlen, a->text);
			return NULL;
		}
		out->cols[i].name = a->text;
		out->cols[i].len = a->tlen;
	}
	return out;
}

/* ---- summarize and friends --------------------------------------------- */

/* A group key: name = expr, a column, bin(Column, ...) keeping the
 * column's name, or ColumnN. */
static bool add_key(binder *b, const ast *item, rowscope *rs, bschema *out)
{
	const ast *value = item->kind == A_ASSIGN ? item->kids[0] : item;
	uint8_t t = bind_scalar(b, value, rs);
	if (t == TYPE_ERR)
		return false;
	if (t == KQLITE_TYPE_DYNAMIC)
		return bind_error(b, value, "a group key cannot be dynamic: convert it, e.g. tostring(...)"), false;
	const char *name;
	uint32_t len;
	if (item->kind == A_ASSIGN) {
		name = item->text;
		len = item->tlen;
	} else {
		if (!expr_name(b, value, out, &name, &len))
			return false;
	}
	if (sch_find(out, name, len) >= 0)
		return bind_error(b, item, "group key '%.*s' is named twice", (int)len, name), false;
	return sch_append(b->a, out, name, len, t) || (bind_nomem(b), false);
}

static bool append_col(binder *b, bschema *out, const char *name, uint32_t len, uint8_t type, bool unique)
{
	bool ok = unique ? sch_append_unique(b->a, out, name, len, type, NULL, NULL)
	                 : sch_append(b->a, out, name, len, type);
	if (!ok)
		bind_nomem(b);
	return ok;
}

/* arg_max(t, *), take_any(a, b), percentiles(x, 5, 50): several columns.
 * names/nnames come from a tuple assignment or a single name. */
static bool expand_aggregate(binder *b, const fn_def *f, const ast *call, bschema *out,
                             const bschema *in, const ast *const *names, uint32_t nnames)
{
	rowscope arg_rs = {.cols = in, .aggregates = false};
	uint32_t produced = 0;
	const char *canon = f->canonical;
	bool argmax = !strcmp(canon, "arg_max") || !strcmp(canon, "arg_min");
	bool pcts = !strncmp(canon, "percentiles", 11);
	uint32_t first_pct = !strcmp(canon, "percentilesw") ? 2 : 1; /* after the value (and weight) */
	for (uint32_t i = 0; i < call->nkids; i++) {
		const ast *a = call->kids[i];
		if (pcts && i >= first_pct) {
			uint32_t len;
			const fn_def *p = fn_lookup("percentile", 10);
			ast fake = *call;
			const ast *kids[2] = {call->kids[0], a};
			fake.kids = (ast **)kids;
			fake.nkids = 2;
			const char *name = bind_agg_name(b, p ? p : f, &fake, &len);
			if (!name)
				return false;
			if (produced < nnames)
				name = names[produced]->text, len = names[produced]->tlen;
			uint8_t t = bind_scalar(b, call->kids[0], &arg_rs);
			if (t == TYPE_ERR || !append_col(b, out, name, len, t, true))
				return false;
			produced++;
			continue;
		}
		if (pcts)
			continue;
		if (a->kind == A_STAR) {
			for (uint32_t c = 0; c < in->n; c++) {
				const bcol *col = &in->cols[c];
				/* '*' leaves out the group keys; a name another aggregate
				 * took gets a suffix (x1) */
				long at = sch_find(out, col->name, col->len);
				if (at >= 0 && (uint32_t)at < b->agg_keys)
					continue;
				if (argmax && call->kids[0]->kind == A_NAME && col->len == call->kids[0]->tlen &&
				    !memcmp(col->name, call->kids[0]->text, col->len))
					continue;
				if (!append_col(b, out, col->name, col->len, col->type, true))
					return false;
				produced++;
			}
			if (in->open)
				out->open = true;
			continue;
		}
		uint8_t t = bind_scalar(b, a, &arg_rs);
		if (t == TYPE_ERR)
			return false;
		const char *name;
		uint32_t len;
		if (produced < nnames) {
			name = names[produced]->text;
			len = names[produced]->tlen;
		} else if (!strcmp(f->name, "any") && (name = bind_expr_name(b, a, &len))) {
			/* the deprecated any(x) is any_x; take_any(x) is x */
			if (!(name = bind_concat(b, "any_", 4, name, len, &len)))
				return false;
		} else if (!(name = bind_expr_name(b, a, &len))) {
			if (!column_n(b, out, "Column", &name, &len))
				return false;
		}
		if (!append_col(b, out, name, len, t, true))
			return false;
		produced++;
	}
	if (nnames > produced)
		return bind_error(b, call, "%u names for %u columns of %s()", nnames, produced, f->name), false;
	return true;
}

/* One aggregate item of summarize (or make-series with `series`). */
static bool add_aggregate(binder *b, const ast *item, const bschema *in, bschema *out, uint8_t force_type)
{
	const ast *value = item;
	const ast *const *names = NULL;
	uint32_t nnames = 0;
	const ast *single[1];
	if (item->kind == A_ASSIGN) {
		value = item->kids[0];
		single[0] = item;
		names = single;
		nnames = 1;
	} else if (item->kind == A_TUPLE_ASSIGN) {
		value = item->kids[1];
		names = (const ast *const *)item->kids[0]->kids;
		nnames = item->kids[0]->nkids;
	}
	int naggs = 0;
	rowscope rs = {.cols = in, .aggregates = true, .naggs = &naggs};
	const fn_def *f = value->kind == A_CALL ? fn_lookup(value->text, value->tlen) : NULL;
	if (f && f->kind == FN_AGGREGATE && (f->flags & FNF_EXPANDS) && !bind_lookup(b, value->text, value->tlen)) {
		if (bind_scalar(b, value, &rs) == TYPE_ERR) /* checks the arguments */
			return false;
		return expand_aggregate(b, f, value, out, in, names, nnames);
	}
	uint8_t t = bind_scalar(b, value, &rs);
	if (t == TYPE_ERR)
		return false;
	if (naggs == 0)
		return bind_error(b, value, "this is not an aggregate: %s takes aggregates such as count(), sum(x), make_set(x)",
		                  force_type == KQLITE_TYPE_DYNAMIC ? "make-series" : "summarize"), false;
	if (nnames > 1)
		return bind_error(b, item, "%u names for one column", nnames), false;
	if (force_type)
		t = force_type;
	if (nnames == 1)
		return append_col(b, out, names[0]->text, names[0]->tlen, t, false) ||
		       (bind_error(b, item, "column '%.*s' is named twice", (int)names[0]->tlen, names[0]->text), false);
	const char *name;
	uint32_t len;
	if (!expr_name(b, value, out, &name, &len))
		return false;
	return name && append_col(b, out, name, len, t, true);
}

static const bschema *summarize(binder *b, const ast *op, const bschema *in)
{
	if (!check_params(b, op->kids[0], "summarize", (const char *const[]){NULL}, NULL))
		return NULL;
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	rowscope keys = {.cols = in};
	for (uint32_t i = 0; op->kids[2] && i < op->kids[2]->nkids; i++)
		if (!add_key(b, op->kids[2]->kids[i], &keys, out))
			return NULL;
	b->agg_keys = out->n;
	for (uint32_t i = 0; i < op->kids[1]->nkids; i++) {
		const ast *item = op->kids[1]->kids[i];
		if (item->kind == A_ASSIGN && sch_find(out, item->text, item->tlen) >= 0)
			return bind_error(b, item, "column '%.*s' is named twice", (int)item->tlen, item->text), NULL;
		if (!add_aggregate(b, item, in, out, 0))
			return NULL;
	}
	b->agg_keys = 0;
	if (in->open)
		out->open = true;
	return out;
}

static const bschema *make_series(binder *b, const ast *op, const bschema *in)
{
	static const char *const names[] = {"kind", NULL};
	static const char *const kinds[] = {"nonempty", NULL};
	if (!check_params(b, op->kids[0], "make-series", names, kinds))
		return NULL;
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	rowscope rs = {.cols = in};
	for (uint32_t i = 0; op->kids[6] && i < op->kids[6]->nkids; i++)
		if (!add_key(b, op->kids[6]->kids[i], &rs, out))
			return NULL;
	const ast *axis = op->kids[2];
	uint8_t at = bind_scalar(b, axis, &rs);
	if (at == TYPE_ERR)
		return NULL;
	for (int k = 3; k <= 5; k++) {
		if (!op->kids[k])
			continue;
		uint8_t t = bind_scalar(b, op->kids[k], &rs);
		if (t == TYPE_ERR)
			return NULL;
	}
	const ast *aggs = op->kids[1];
	for (uint32_t i = 0; i < aggs->nkids; i++) {
		const ast *ms = aggs->kids[i];
		if (ms->kids[1] && bind_scalar(b, ms->kids[1], &rs) == TYPE_ERR)
			return NULL;
		if (!add_aggregate(b, ms->kids[0], in, out, KQLITE_TYPE_DYNAMIC))
			return NULL;
	}
	const char *name;
	uint32_t len;
	if (!expr_name(b, axis, out, &name, &len) || !append_col(b, out, name, len, KQLITE_TYPE_DYNAMIC, true))
		return NULL;
	return out;
}

static const bschema *top_nested(binder *b, const ast *op, const bschema *in)
{
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	for (uint32_t i = 0; i < op->nkids; i++) {
		const ast *cl = op->kids[i];
		rowscope rs = {.cols = in};
		if (cl->kids[0] && bind_scalar(b, cl->kids[0], &rs) == TYPE_ERR)
			return NULL;
		if (cl->kids[2] && bind_scalar(b, cl->kids[2], &rs) == TYPE_ERR)
			return NULL;
		const ast *of = cl->kids[1];
		if (!add_item(b, of, 0, &rs, out, LIST_PROJECT))
			return NULL;
		const bcol *ofcol = &out->cols[out->n - 1];
		const ast *by = cl->kids[3];
		if (by->kind == A_ASSIGN) {
			if (!add_aggregate(b, by, in, out, 0))
				return NULL;
		} else {
			int naggs = 0;
			rowscope ars = {.cols = in, .aggregates = true, .naggs = &naggs};
			uint8_t t = bind_scalar(b, by, &ars);
			if (t == TYPE_ERR)
				return NULL;
			uint32_t len;
			const char *name = bind_concat(b, "aggregated_", 11, ofcol->name, ofcol->len, &len);
			if (!name || !append_col(b, out, name, len, t, true))
				return NULL;
		}
	}
	return out;
}

/* ---- join, lookup, union ----------------------------------------------- */

static const char *const join_kinds[] = {"innerunique", "inner", "leftouter", "rightouter", "fullouter",
                                         "leftanti", "anti", "leftantisemi", "rightanti",
                                         "rightantisemi", "leftsemi", "rightsemi", NULL};

/* One condition of an on-clause: a column of both sides, or
 * $left.a == $right.b (several joined with 'and'). Collects right keys. */
static bool join_condition(binder *b, const ast *c, const bschema *l, const bschema *r, const char **rkeys,
                           uint32_t *rklen, uint32_t *nk)
{
	if (c->kind == A_NAME) {
		rowscope rl = {.cols = l}, rr = {.cols = r};
		uint8_t lt = l->open && sch_find(l, c->text, c->tlen) < 0 ? TYPE_ANY : bind_scalar(b, c, &rl);
		if (lt == TYPE_ERR)
			return false;
		if (sch_find(r, c->text, c->tlen) < 0 && !r->open) {
			const bcol *near = sch_closest(r, c->text, c->tlen);
			if (near)
				return bind_error(b, c, "the right side of the join has no column '%.*s'; did you mean '%.*s'?",
				                  (int)c->tlen, c->text, (int)near->len, near->name), false;
			return bind_error(b, c, "the right side of the join has no column '%.*s'", (int)c->tlen, c->text), false;
		}
		uint8_t rt = r->open && sch_find(r, c->text, c->tlen) < 0 ? TYPE_ANY : bind_scalar(b, c, &rr);
		if (rt == TYPE_ERR)
			return false;
		if (lt != rt && lt != TYPE_ANY && rt != TYPE_ANY && !(type_is_numeric(lt) && type_is_numeric(rt)))
			return bind_error(b, c, "join key '%.*s' is %s on the left and %s on the right", (int)c->tlen, c->text,
			                  tname(lt), tname(rt)), false;
		if (*nk < 64)
			rkeys[*nk] = c->text, rklen[(*nk)++] = c->tlen;
		return true;
	}
	if (c->kind == A_BINARY && c->op == OP_AND)
		return join_condition(b, c->kids[0], l, r, rkeys, rklen, nk) &&
		       join_condition(b, c->kids[1], l, r, rkeys, rklen, nk);
	if (c->kind == A_PAREN)
		return join_condition(b, c->kids[0], l, r, rkeys, rklen, nk);
	if (c->kind == A_BINARY && c->op == OP_EQ) {
		rowscope rs = {.cols = NULL, .left = l, .right = r};
		const ast *x = c->kids[0], *y = c->kids[1];
		bool ok_shape = x->kind == A_MEMBER && y->kind == A_MEMBER && x->kids[0]->kind == A_NAME &&
		                y->kids[0]->kind == A_NAME &&
		                ((ast_text_is(x->kids[0], "$left") && ast_text_is(y->kids[0], "$right")) ||
		                 (ast_text_is(x->kids[0], "$right") && ast_text_is(y->kids[0], "$left")));
		if (!ok_shape)
			return bind_error(b, c, "a join condition compares $left.Column == $right.Column"), false;
		if (bind_scalar(b, c, &rs) == TYPE_ERR)
			return false;
		const ast *right = ast_text_is(x->kids[0], "$right") ? x : y;
		if (*nk < 64)
			rkeys[*nk] = right->text, rklen[(*nk)++] = right->tlen;
		return true;
	}
	return bind_error(b, c, "a join condition is a column name or $left.Column == $right.Column"), false;
}

static const bschema *join(binder *b, const ast *op, const bschema *left, bool lookup)
{
	static const char *const names[] = {"kind", NULL};
	static const char *const lookup_kinds[] = {"leftouter", "inner", NULL};
	const char *opname = lookup ? "lookup" : "join";
	if (!check_params(b, op->kids[0], opname, names, lookup ? lookup_kinds : join_kinds))
		return NULL;
	const bschema *right = bind_table(b, op->kids[1]);
	if (!right)
		return bind_failed(b) ? NULL : (bind_error(b, op->kids[1], "the right side of the %s is missing", opname), NULL);
	const char *rkeys[64];
	uint32_t rklen[64], nk = 0;
	for (uint32_t i = 0; i < op->kids[2]->nkids; i++)
		if (!join_condition(b, op->kids[2]->kids[i], left, right, rkeys, rklen, &nk))
			return NULL;
	const ast *kind = param(op->kids[0], "kind");
	if (kind && (ast_text_is(kind, "leftsemi") || ast_text_is(kind, "leftanti") || ast_text_is(kind, "anti") ||
	             ast_text_is(kind, "leftantisemi")))
		return left;
	if (kind && (ast_text_is(kind, "rightsemi") || ast_text_is(kind, "rightanti") ||
	             ast_text_is(kind, "rightantisemi")))
		return right;
	bschema *out = copy_of(b, left);
	if (!out)
		return NULL;
	out->serialized = false;
	out->open = left->open || right->open;
	for (uint32_t i = 0; i < right->n; i++) {
		const bcol *c = &right->cols[i];
		if (lookup) {
			bool key = false;
			for (uint32_t k = 0; k < nk && !key; k++)
				key = rklen[k] == c->len && !memcmp(rkeys[k], c->name, c->len);
			if (key)
				continue;
		}
		if (!append_col(b, out, c->name, c->len, c->type, true))
			return NULL;
	}
	return out;
}

/* A union leg by name may be a wildcard (Device*). */
static bool add_wildcard_legs(binder *b, const ast *pat, const bschema **legs, uint32_t *n, uint32_t max)
{
	/* views defined with let match too (plain functions do not) */
	const char *names[256];
	size_t nnames = 0;
	for (const sym *s = b->scope; s && nnames < 256; s = s->next)
		if (s->kind == SYM_FUNC && s->lambda->op == 1 && s->lambda->kids[0]->nkids == 0 &&
		    bind_pattern_matches(pat, s->name, s->len)) {
			bool seen = false;
			for (size_t k = 0; k < nnames && !seen; k++)
				seen = strlen(names[k]) == s->len && !memcmp(names[k], s->name, s->len);
			if (!seen && (names[nnames] = arena_strndup(b->a, s->name, s->len)))
				nnames++;
		}
	for (size_t k = nnames; k-- > 0 && *n < max;) {
		ast name = *pat;
		name.kind = A_NAME;
		name.text = names[k];
		name.tlen = (uint32_t)strlen(names[k]);
		const bschema *s = bind_table(b, &name);
		if (!s)
			return false;
		legs[(*n)++] = s;
	}
	for (size_t i = 0; i < b->cat->ntables && *n < max; i++) {
		const char *t = b->cat->tables[i]->name;
		bcol c = {t, (uint32_t)strlen(t), 0};
		if (!pattern_matches(pat, &c))
			continue;
		ast name = *pat;
		name.kind = A_NAME;
		name.text = t;
		name.tlen = c.len;
		const bschema *s = bind_table(b, &name);
		if (!s)
			return false;
		legs[(*n)++] = s;
	}
	return true;
}

typedef struct ucol {
	const char *name;
	uint32_t len;
	uint8_t type;
	uint32_t count; /* legs that have it */
} ucol;

const bschema *bind_union(binder *b, const ast *n, const bschema *piped)
{
	static const char *const names[] = {"kind", "isfuzzy", "withsource", "with_source", NULL};
	static const char *const kinds[] = {"inner", "outer", NULL};
	if (!check_params(b, n->kids[0], "union", names, kinds))
		return NULL;
	const ast *fz = param(n->kids[0], "isfuzzy");
	bool fuzzy = fz && ast_text_is(fz, "true");
	const ast *kind = param(n->kids[0], "kind");
	bool inner = kind && ast_text_is(kind, "inner");
	const ast *src = param(n->kids[0], "withsource");
	if (!src)
		src = param(n->kids[0], "with_source");
	enum { MAXLEGS = 256 };
	const bschema *legs[MAXLEGS];
	uint32_t nlegs = 0;
	if (piped)
		legs[nlegs++] = piped;
	bool saved = b->fuzzy;
	for (uint32_t i = 1; i < n->nkids && nlegs < MAXLEGS; i++) {
		const ast *leg = n->kids[i];
		b->fuzzy = fuzzy;
		b->missing = false;
		if (leg->kind == A_NAMEPAT) {
			if (!add_wildcard_legs(b, leg, legs, &nlegs, MAXLEGS))
				break;
			continue;
		}
		const bschema *s = bind_table(b, leg);
		if (bind_failed(b))
			break;
		if (s)
			legs[nlegs++] = s;
	}
	b->fuzzy = saved;
	if (bind_failed(b))
		return NULL;
	if (nlegs == 0)
		return bind_error(b, n, "union: none of its tables exist (isfuzzy=true skips missing tables, "
		                        "but at least one must be there)"), NULL;
	/* (name, type) pairs in order of first appearance */
	ucol *cols = NULL;
	uint32_t ncols = 0, cap = 0;
	bool open = false;
	for (uint32_t l = 0; l < nlegs; l++) {
		open = open || legs[l]->open;
		for (uint32_t i = 0; i < legs[l]->n; i++) {
			const bcol *c = &legs[l]->cols[i];
			uint32_t k = 0;
			while (k < ncols && !(cols[k].len == c->len && !memcmp(cols[k].name, c->name, c->len) &&
			                      cols[k].type == c->type))
				k++;
			if (k < ncols) {
				cols[k].count++;
				continue;
			}
			if (ncols == cap) {
				uint32_t ncap = cap ? cap * 2 : 32;
				ucol *bigger = arena_alloc(b->a, ncap * sizeof(*bigger));
				if (!bigger)
					return bind_nomem(b), NULL;
				if (ncols)
					memcpy(bigger, cols, ncols * sizeof(*cols));
				cols = bigger;
				cap = ncap;
			}
			cols[ncols++] = (ucol){c->name, c->len, c->type, 1};
		}
	}
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	out->open = open;
	if (src && !append_col(b, out, src->text, src->tlen, KQLITE_TYPE_STRING, false))
		return NULL;
	for (uint32_t k = 0; k < ncols; k++) {
		if (inner && cols[k].count < nlegs)
			continue;
		bool conflict = false;
		for (uint32_t j = 0; j < ncols && !conflict; j++)
			conflict = j != k && cols[j].len == cols[k].len && !memcmp(cols[j].name, cols[k].name, cols[k].len) &&
			           !(inner && cols[j].count < nlegs);
		const char *name = cols[k].name;
		uint32_t len = cols[k].len;
		if (conflict) { /* x_long and x_string: each type its own column */
			const char *t = tname(cols[k].type);
			char suffix[32];
			int sl = snprintf(suffix, sizeof(suffix), "_%s", t);
			name = bind_concat(b, name, len, suffix, (size_t)sl, &len);
			if (!name)
				return NULL;
		}
		if (!append_col(b, out, name, len, cols[k].type, true))
			return NULL;
	}
	return out;
}

/* ---- mv-expand, mv-apply, parse ---------------------------------------- */

static bool mv_items(binder *b, const ast *items, const bschema *in, bschema *out)
{
	for (uint32_t i = 0; i < items->nkids; i++) {
		const ast *it = items->kids[i];
		const ast *e = it->kids[0];
		uint8_t type = it->kids[1] ? (uint8_t)it->kids[1]->op : KQLITE_TYPE_DYNAMIC;
		rowscope rs = {.cols = in};
		const ast *value = e->kind == A_ASSIGN ? e->kids[0] : e;
		uint8_t t = bind_scalar(b, value, &rs);
		if (t == TYPE_ERR)
			return false;
		if (t != KQLITE_TYPE_DYNAMIC && t != TYPE_ANY && t != KQLITE_TYPE_NULL)
			return bind_error(b, value, "mv-expand needs a dynamic array or property bag, not %s", tname(t)), false;
		const char *name;
		uint32_t len;
		if (e->kind == A_ASSIGN) {
			name = e->text;
			len = e->tlen;
		} else if (!expr_name(b, value, out, &name, &len)) {
			return false;
		}
		if (!sch_set(b->a, out, name, len, type))
			return bind_nomem(b), false;
	}
	return true;
}

static const bschema *mv_expand(binder *b, const ast *op, const bschema *in)
{
	static const char *const names[] = {"kind", "bagexpansion", "with_itemindex", NULL};
	if (!check_params(b, op->kids[0], "mv-expand", names, NULL))
		return NULL;
	bschema *out = copy_of(b, in);
	if (!out || !mv_items(b, op->kids[1], in, out))
		return NULL;
	const ast *idx = param(op->kids[0], "with_itemindex");
	if (idx && !sch_set(b->a, out, idx->text, idx->tlen, KQLITE_TYPE_LONG))
		return bind_nomem(b), NULL;
	rowscope rs = {.cols = in};
	if (op->kids[2] && bind_scalar(b, op->kids[2], &rs) == TYPE_ERR)
		return NULL;
	return out;
}

static const bschema *mv_apply(binder *b, const ast *op, const bschema *in)
{
	static const char *const names[] = {"kind", "bagexpansion", "with_itemindex", NULL};
	if (!check_params(b, op->kids[0], "mv-apply", names, NULL))
		return NULL;
	bschema *row = copy_of(b, in);
	if (!row || !mv_items(b, op->kids[1], in, row))
		return NULL;
	const ast *idx = param(op->kids[0], "with_itemindex");
	if (idx && !sch_set(b->a, row, idx->text, idx->tlen, KQLITE_TYPE_LONG))
		return bind_nomem(b), NULL;
	row->serialized = true;
	const bschema *sub = row;
	const ast *sp = op->kids[3];
	for (uint32_t i = 0; i < sp->nkids && sub; i++)
		sub = bind_operator(b, sp->kids[i], sub);
	if (!sub)
		return NULL;
	/* the input's other columns, then what the subquery made */
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	out->open = sub->open;
	for (uint32_t i = 0; i < in->n; i++) {
		const bcol *c = &in->cols[i];
		bool expanded = false;
		for (uint32_t k = 0; k < op->kids[1]->nkids && !expanded; k++) {
			const ast *e = op->kids[1]->kids[k]->kids[0];
			expanded = (e->kind == A_NAME || e->kind == A_ASSIGN) && e->tlen == c->len &&
			           !memcmp(e->text, c->name, c->len);
		}
		if (!expanded && sch_find(sub, c->name, c->len) < 0 && !append_col(b, out, c->name, c->len, c->type, false))
			return NULL;
	}
	for (uint32_t i = 0; i < sub->n; i++)
		if (!sch_set(b->a, out, sub->cols[i].name, sub->cols[i].len, sub->cols[i].type))
			return bind_nomem(b), NULL;
	return out;
}

static const bschema *parse_op(binder *b, const ast *op, const bschema *in)
{
	static const char *const names[] = {"kind", "flags", NULL};
	static const char *const kinds[] = {"simple", "regex", "relaxed", NULL};
	if (!check_params(b, op->kids[0], op->op ? "parse-where" : "parse", names, kinds))
		return NULL;
	rowscope rs = {.cols = in};
	uint8_t t = bind_scalar(b, op->kids[1], &rs);
	if (t == TYPE_ERR)
		return NULL;
	bschema *out = copy_of(b, in);
	if (!out)
		return NULL;
	for (uint32_t i = 2; i < op->nkids; i++) {
		const ast *it = op->kids[i];
		if (it->kind != A_PCAPTURE)
			continue;
		uint8_t ct = it->nkids ? (uint8_t)it->kids[0]->op : KQLITE_TYPE_STRING;
		if (!sch_set(b->a, out, it->text, it->tlen, ct))
			return bind_nomem(b), NULL;
	}
	return out;
}

/* ---- evaluate, render, the rest ---------------------------------------- */

static const bschema *evaluate(binder *b, const ast *op, const bschema *in)
{
	const ast *call = op->kids[1];
	const fn_def *f = fn_lookup(call->text, call->tlen);
	if (!f || f->kind != FN_PLUGIN) {
		const fn_def *near = fn_closest(call->text, call->tlen);
		if (near && near->kind == FN_PLUGIN)
			return bind_error(b, call, "unknown plugin '%.*s'; did you mean '%s'?", (int)call->tlen, call->text,
			                  near->name), NULL;
		return bind_error(b, call, "unknown plugin '%.*s'", (int)call->tlen, call->text), NULL;
	}
	if (f->flags & FNF_OFFLINE)
		return bind_error(b, call, "not available offline: the %s plugin needs a live service", f->name), NULL;
	rowscope rs = {.cols = in};
	for (uint32_t i = 0; i < call->nkids; i++) {
		const ast *a = call->kids[i];
		if (a->kind == A_NAMEDARG)
			a = a->kids[0];
		if (a->kind == A_STAR)
			continue;
		/* pivot's and autocluster's arguments may be aggregates */
		int naggs = 0;
		rowscope ars = rs;
		ars.aggregates = true;
		ars.naggs = &naggs;
		if (bind_scalar(b, a, &ars) == TYPE_ERR)
			return NULL;
	}
	bschema *out;
	if (!strcmp(f->canonical, "bag_unpack")) {
		out = copy_of(b, in);
		if (!out)
			return NULL;
		if (call->nkids >= 1 && call->kids[0]->kind == A_NAME) {
			long i = sch_find(out, call->kids[0]->text, call->kids[0]->tlen);
			if (i >= 0)
				sch_remove(out, (uint32_t)i);
		}
	} else if (!strcmp(f->canonical, "narrow")) {
		out = fresh(b);
		if (!out || !append_col(b, out, "Row", 3, KQLITE_TYPE_INT, false) ||
		    !append_col(b, out, "Column", 6, KQLITE_TYPE_STRING, false) ||
		    !append_col(b, out, "Value", 5, KQLITE_TYPE_STRING, false))
			return NULL;
		return out;
	} else {
		out = fresh(b);
		if (!out)
			return NULL;
	}
	out->open = true; /* the plugin's columns depend on the data */
	return out;
}

static const char *const charts[] = {"anomalychart", "areachart", "barchart", "card", "columnchart",
                                     "ladderchart", "linechart", "piechart", "pivotchart", "scatterchart",
                                     "stackedareachart", "table", "timechart", "timepivot", "treemap",
                                     "3Dchart", "list", NULL};

static const bschema *render(binder *b, const ast *op, const bschema *in)
{
	bool known = false;
	const char *near = NULL;
	for (size_t i = 0; charts[i] && !known; i++) {
		known = ast_text_is(op, charts[i]);
		if (!near && diag_edit_distance(op->text, op->tlen, charts[i], strlen(charts[i]), 2) <= 2)
			near = charts[i];
	}
	if (!known) {
		if (near)
			return bind_error(b, op, "unknown chart '%.*s'; did you mean '%s'?", (int)op->tlen, op->text, near), NULL;
		return bind_error(b, op, "unknown chart '%.*s' (timechart, linechart, columnchart, barchart, piechart...)",
		                  (int)op->tlen, op->text), NULL;
	}
	for (uint32_t i = 0; i < op->nkids; i++) {
		const ast *p = op->kids[i];
		bool columns = ast_text_is(p, "xcolumn") || ast_text_is(p, "ycolumns") || ast_text_is(p, "series") ||
		               ast_text_is(p, "anomalycolumns");
		for (uint32_t k = 0; columns && k < p->nkids; k++) {
			const ast *v = p->kids[k];
			if (v->kind == A_NAME && sch_find(in, v->text, v->tlen) < 0 && !in->open)
				return bind_error(b, v, "render %.*s: no column '%.*s' in the result", (int)p->tlen, p->text,
				                  (int)v->tlen, v->text), NULL;
		}
	}
	return in;
}

static const bschema *single(binder *b, const char *name, uint8_t type)
{
	bschema *out = fresh(b);
	if (out && !append_col(b, out, name, (uint32_t)strlen(name), type, false))
		return NULL;
	return out;
}

static const bschema *getschema(binder *b)
{
	bschema *out = fresh(b);
	if (!out || !append_col(b, out, "ColumnName", 10, KQLITE_TYPE_STRING, false) ||
	    !append_col(b, out, "ColumnOrdinal", 13, KQLITE_TYPE_INT, false) ||
	    !append_col(b, out, "DataType", 8, KQLITE_TYPE_STRING, false) ||
	    !append_col(b, out, "ColumnType", 10, KQLITE_TYPE_STRING, false))
		return NULL;
	return out;
}

static bool need_type(binder *b, const ast *e, rowscope *rs, bool (*ok)(uint8_t), const char *what)
{
	uint8_t t = bind_scalar(b, e, rs);
	if (t == TYPE_ERR)
		return false;
	if (t == TYPE_ANY || t == KQLITE_TYPE_DYNAMIC || ok(t))
		return true;
	bind_error(b, e, "%s, not %s", what, tname(t));
	return false;
}

static bool is_integer(uint8_t t)
{
	return t == KQLITE_TYPE_INT || t == KQLITE_TYPE_LONG;
}

static bool is_bool(uint8_t t)
{
	return t == KQLITE_TYPE_BOOL;
}

/* search "term" looks for the text in every column */
static bool is_bool_or_string(uint8_t t)
{
	return t == KQLITE_TYPE_BOOL || t == KQLITE_TYPE_STRING;
}

static bool sort_keys(binder *b, const ast *op, uint32_t from, const bschema *in)
{
	rowscope rs = {.cols = in};
	for (uint32_t i = from; i < op->nkids; i++)
		if (bind_scalar(b, op->kids[i]->kids[0], &rs) == TYPE_ERR)
			return false;
	return true;
}

static const bschema *serialized(binder *b, const bschema *in)
{
	if (in->serialized)
		return in;
	bschema *out = copy_of(b, in);
	if (out)
		out->serialized = true;
	return out;
}

const bschema *bind_operator(binder *b, const ast *op, const bschema *in)
{
	if (bind_failed(b) || !in)
		return NULL;
	rowscope rs = {.cols = in};
	switch (op->kind) {
	case A_WHERE:
		return need_type(b, op->kids[0], &rs, is_bool, "where needs a bool predicate") ? in : NULL;
	case A_EXTEND:
		return column_list(b, op, in, LIST_EXTEND, 0);
	case A_SERIALIZE: {
		const bschema *s = column_list(b, op, serialized(b, in), LIST_EXTEND, 0);
		return s ? serialized(b, s) : NULL;
	}
	case A_PROJECT:
		return column_list(b, op, in, LIST_PROJECT, 0);
	case A_DISTINCT:
		if (op->nkids == 1 && op->kids[0]->kind == A_STAR)
			return in;
		return column_list(b, op, in, LIST_PROJECT, 0);
	case A_PROJECT_AWAY:
		return project_away(b, op, in, false);
	case A_PROJECT_KEEP:
		return project_away(b, op, in, true);
	case A_PROJECT_RENAME:
		return project_rename(b, op, in);
	case A_PROJECT_REORDER:
		return project_reorder(b, op, in);
	case A_SUMMARIZE:
		return summarize(b, op, in);
	case A_MAKE_SERIES:
		return make_series(b, op, in);
	case A_TOP_NESTED:
		return top_nested(b, op, in);
	case A_SORT:
		return sort_keys(b, op, 0, in) ? serialized(b, in) : NULL;
	case A_TOP:
		if (!need_type(b, op->kids[0], &rs, is_integer, "top needs an integer count"))
			return NULL;
		return sort_keys(b, op, 1, in) ? serialized(b, in) : NULL;
	case A_TAKE:
	case A_SAMPLE:
		return need_type(b, op->kids[0], &rs, is_integer, "take needs an integer count") ? in : NULL;
	case A_SAMPLE_DISTINCT: {
		if (!need_type(b, op->kids[0], &rs, is_integer, "sample-distinct needs an integer count"))
			return NULL;
		uint8_t t = bind_scalar(b, op->kids[1], &rs);
		const char *name;
		uint32_t len;
		bschema *out = fresh(b);
		if (t == TYPE_ERR || !out || !expr_name(b, op->kids[1], out, &name, &len) ||
		    !append_col(b, out, name, len, t, false))
			return NULL;
		return out;
	}
	case A_COUNT:
		return single(b, "Count", KQLITE_TYPE_LONG);
	case A_GETSCHEMA:
		return getschema(b);
	case A_RENDER:
		return render(b, op, in);
	case A_MV_EXPAND:
		return mv_expand(b, op, in);
	case A_MV_APPLY:
		return mv_apply(b, op, in);
	case A_PARSE:
		return parse_op(b, op, in);
	case A_EVALUATE:
		return evaluate(b, op, in);
	case A_INVOKE: {
		const ast *call = op->kids[0];
		const sym *f = bind_lookup(b, call->text, call->tlen);
		if (!f && (ast_text_is(call, "FileProfile") || ast_text_is(call, "DeviceFromIP") ||
		           ast_text_is(call, "AssignedIPAddresses") || ast_text_is(call, "SeenBy")))
			return bind_error(b, call, "not available offline: %.*s() is a Microsoft Defender service function",
			                  (int)call->tlen, call->text), NULL;
		if (!f || f->kind != SYM_FUNC)
			return bind_error(b, call, "invoke needs a function defined with let; '%.*s' is not one",
			                  (int)call->tlen, call->text), NULL;
		bval v = bind_user_call(b, f, call, in, NULL);
		if (bind_failed(b))
			return NULL;
		if (!v.table)
			return bind_error(b, call, "%.*s() returns a scalar, not a table", (int)call->tlen, call->text), NULL;
		return v.schema;
	}
	case A_AS: {
		sym *s = arena_zalloc(b->a, sizeof(*s));
		if (!s)
			return bind_nomem(b), NULL;
		*s = (sym){.name = op->text, .len = op->tlen, .kind = SYM_TABLE, .schema = in, .next = b->scope};
		b->scope = s;
		return in;
	}
	case A_UNION:
		return bind_union(b, op, in);
	case A_JOIN:
		return join(b, op, in, false);
	case A_LOOKUP:
		return join(b, op, in, true);
	case A_SEARCH:
	case A_FIND: {
		const bschema *s = bind_source(b, op);
		return s;
	}
	case A_PARTITION: {
		if (sch_find(in, op->kids[1]->text, op->kids[1]->tlen) < 0 && !in->open) {
			rowscope r2 = {.cols = in};
			bind_scalar(b, op->kids[1], &r2);
			return NULL;
		}
		const ast *sub = op->kids[2];
		if (sub->kind != A_SUBPIPE)
			return bind_table(b, sub);
		const bschema *s = in;
		for (uint32_t i = 0; i < sub->nkids && s; i++)
			s = bind_operator(b, sub->kids[i], s);
		return s;
	}
	default:
		return bind_error(b, op, "not supported yet: operator %s", ast_kind_name(op->kind)), NULL;
	}
}

/* ---- sources ----------------------------------------------------------- */

static const bschema *schema_of_decl(binder *b, const ast *decl)
{
	bschema *out = fresh(b);
	if (!out)
		return NULL;
	for (uint32_t i = 0; i < decl->nkids; i++) {
		const ast *c = decl->kids[i];
		if (sch_find(out, c->text, c->tlen) >= 0)
			return bind_error(b, c, "column '%.*s' is declared twice", (int)c->tlen, c->text), NULL;
		if (!append_col(b, out, c->text, c->tlen, (uint8_t)c->kids[0]->op, false))
			return NULL;
	}
	return out;
}

static bool literal_fits(uint8_t col, uint8_t v)
{
	if (v == col || v == KQLITE_TYPE_NULL || v == TYPE_ANY || col == KQLITE_TYPE_DYNAMIC)
		return true;
	if (type_is_numeric(col) && type_is_numeric(v))
		return true;
	return col == KQLITE_TYPE_GUID && v == KQLITE_TYPE_STRING;
}

static const bschema *datatable(binder *b, const ast *n)
{
	const bschema *s = schema_of_decl(b, n->kids[0]);
	if (!s)
		return NULL;
	const ast *vals = n->kids[1];
	if (s->n == 0)
		return bind_error(b, n, "datatable needs at least one column"), NULL;
	if (vals->nkids % s->n != 0)
		return bind_error(b, vals, "datatable has %u values for %u columns: the last row is incomplete", vals->nkids,
		                  s->n), NULL;
	for (uint32_t i = 0; i < vals->nkids; i++) {
		uint8_t t = bind_scalar(b, vals->kids[i], NULL);
		if (t == TYPE_ERR)
			return NULL;
		uint8_t want = s->cols[i % s->n].type;
		if (!literal_fits(want, t))
			return bind_error(b, vals->kids[i], "datatable column '%.*s' is %s, but this value is %s",
			                  (int)s->cols[i % s->n].len, s->cols[i % s->n].name, tname(want), tname(t)), NULL;
	}
	return s;
}

static const bschema *range(binder *b, const ast *n)
{
	uint8_t t[3];
	for (int i = 0; i < 3; i++)
		if ((t[i] = bind_scalar(b, n->kids[i], NULL)) == TYPE_ERR)
			return NULL;
	uint8_t out;
	if (type_is_numeric(t[0]) && type_is_numeric(t[1]) && type_is_numeric(t[2]))
		out = t[0] == KQLITE_TYPE_REAL || t[1] == KQLITE_TYPE_REAL || t[2] == KQLITE_TYPE_REAL ? KQLITE_TYPE_REAL
		                                                                                     : KQLITE_TYPE_LONG;
	else if (t[0] == KQLITE_TYPE_DATETIME && t[1] == KQLITE_TYPE_DATETIME && t[2] == KQLITE_TYPE_TIMESPAN)
		out = KQLITE_TYPE_DATETIME;
	else if (t[0] == KQLITE_TYPE_TIMESPAN && t[1] == KQLITE_TYPE_TIMESPAN && t[2] == KQLITE_TYPE_TIMESPAN)
		out = KQLITE_TYPE_TIMESPAN;
	else if (t[0] == TYPE_ANY || t[1] == TYPE_ANY || t[2] == TYPE_ANY)
		out = TYPE_ANY;
	else
		return bind_error(b, n, "range from %s to %s step %s: expected numbers, datetimes with a timespan step, or timespans",
		                  tname(t[0]), tname(t[1]), tname(t[2])), NULL;
	bschema *s = fresh(b);
	if (!s || !append_col(b, s, n->text, n->tlen, out, false))
		return NULL;
	s->serialized = true;
	return s;
}

const bschema *bind_source(binder *b, const ast *n)
{
	switch (n->kind) {
	case A_RANGE:
		return range(b, n);
	case A_PRINT:
		return column_list(b, n, NULL, LIST_PRINT, 0);
	case A_DATATABLE:
		return datatable(b, n);
	case A_EXTERNALDATA: {
		const bschema *s = schema_of_decl(b, n->kids[0]);
		for (uint32_t i = 0; s && i < n->kids[1]->nkids; i++)
			if (bind_scalar(b, n->kids[1]->kids[i], NULL) != KQLITE_TYPE_STRING && !bind_failed(b))
				return bind_error(b, n->kids[1]->kids[i], "externaldata takes storage URLs or paths as strings"), NULL;
		return bind_failed(b) ? NULL : s;
	}
	case A_UNION:
		return bind_union(b, n, NULL);
	case A_SEARCH:
	case A_FIND: {
		static const char *const snames[] = {"kind", "withsource", "with_source", NULL};
		static const char *const skinds[] = {"case_sensitive", "case_insensitive", NULL};
		if (!check_params(b, n->kids[0], n->kind == A_SEARCH ? "search" : "find", snames, skinds))
			return NULL;
		const ast *tables = n->kids[1];
		bool saved = b->fuzzy;
		for (uint32_t i = 0; tables && i < tables->nkids; i++) {
			if (tables->kids[i]->kind == A_NAMEPAT)
				continue;
			if (!bind_table(b, tables->kids[i]) && bind_failed(b))
				return NULL;
		}
		b->fuzzy = saved;
		bschema *out = fresh(b);
		if (!out)
			return NULL;
		out->open = true; /* the columns of whichever tables match */
		rowscope rs = {.cols = out, .search_terms = true};
		if (n->kind == A_SEARCH) {
			if (!append_col(b, out, "$table", 6, KQLITE_TYPE_STRING, false))
				return NULL;
			if (need_type(b, n->kids[2], &rs, is_bool_or_string, "search needs a bool predicate or a string"))
				return out;
			return NULL;
		}
		if (!append_col(b, out, "source_", 7, KQLITE_TYPE_STRING, false) ||
		    !append_col(b, out, "pack_", 5, KQLITE_TYPE_DYNAMIC, false))
			return NULL;
		return need_type(b, n->kids[2], &rs, is_bool, "find needs a bool predicate") ? out : NULL;
	}
	default:
		return bind_error(b, n, "not supported yet: %s as a source", ast_kind_name(n->kind)), NULL;
	}
}
