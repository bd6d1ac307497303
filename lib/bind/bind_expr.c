/* bind_expr.c -- scalar expressions: the type of every operator and call,
 * KQL's arithmetic rules (int op int is long, real wins, datetime -
 * datetime is timespan), and names resolved against the row's columns. */
#include <string.h>

#include "bind_int.h"
#include "lex.h"
#include "types.h"
#include <stdio.h>

bool type_is_numeric(uint8_t t)
{
	return t == KQLITE_TYPE_INT || t == KQLITE_TYPE_LONG || t == KQLITE_TYPE_REAL ||
	       t == KQLITE_TYPE_DECIMAL;
}

/* Types that take part in anything: unknown until run time, dynamic, or
 * an untyped null. */
static bool loose(uint8_t t)
{
	return t == TYPE_ANY || t == KQLITE_TYPE_DYNAMIC || t == KQLITE_TYPE_NULL;
}

static const char *tname(uint8_t t)
{
	return t == TYPE_ANY ? "unknown" : kqlite_type_name((kqlite_type)t);
}

static uint8_t numeric_result(uint8_t l, uint8_t r)
{
	if (l == KQLITE_TYPE_REAL || r == KQLITE_TYPE_REAL)
		return KQLITE_TYPE_REAL;
	if (l == KQLITE_TYPE_DECIMAL || r == KQLITE_TYPE_DECIMAL)
		return KQLITE_TYPE_DECIMAL;
	return KQLITE_TYPE_LONG; /* int op int is long, as in Kusto */
}

static uint8_t arithmetic(binder *b, const ast *n, uint8_t l, uint8_t r)
{
	const uint8_t D = KQLITE_TYPE_DATETIME, T = KQLITE_TYPE_TIMESPAN;
	int op = n->op;
	if (loose(l) || loose(r))
		return TYPE_ANY;
	if (type_is_numeric(l) && type_is_numeric(r))
		return numeric_result(l, r);
	switch (op) {
	case OP_ADD:
		if ((l == D && r == T) || (l == T && r == D))
			return D;
		if (l == T && r == T)
			return T;
		break;
	case OP_SUB:
		if (l == D && r == D)
			return T;
		if (l == D && r == T)
			return D;
		if (l == T && r == T)
			return T;
		break;
	case OP_MUL:
		if ((l == T && type_is_numeric(r)) || (type_is_numeric(l) && r == T))
			return T;
		break;
	case OP_DIV:
		if (l == T && type_is_numeric(r))
			return T;
		if (l == T && r == T)
			return KQLITE_TYPE_REAL;
		break;
	case OP_MOD:
		if (l == T && (r == T || type_is_numeric(r)))
			return T;
		break;
	}
	return bind_error(b, n, "operator '%s' cannot be applied to %s and %s", lex_op_text(op), tname(l), tname(r));
}

static bool comparable(uint8_t l, uint8_t r)
{
	if (loose(l) || loose(r) || l == r)
		return true;
	if (type_is_numeric(l) && type_is_numeric(r))
		return true;
	/* a bool compares with a number as 0 or 1 (IsSigned == 1 is common) */
	if ((l == KQLITE_TYPE_BOOL && type_is_numeric(r)) || (type_is_numeric(l) && r == KQLITE_TYPE_BOOL))
		return true;
	/* a guid compares with its text form */
	return (l == KQLITE_TYPE_GUID && r == KQLITE_TYPE_STRING) ||
	       (l == KQLITE_TYPE_STRING && r == KQLITE_TYPE_GUID);
}

static bool ordered(uint8_t t)
{
	return loose(t) || type_is_numeric(t) || t == KQLITE_TYPE_DATETIME || t == KQLITE_TYPE_TIMESPAN ||
	       t == KQLITE_TYPE_STRING || t == KQLITE_TYPE_BOOL || t == KQLITE_TYPE_GUID;
}

static uint8_t need_bool(binder *b, const ast *n, uint8_t t, const char *what)
{
	if (t == TYPE_ERR)
		return TYPE_ERR;
	if (t == KQLITE_TYPE_BOOL || loose(t))
		return KQLITE_TYPE_BOOL;
	return bind_error(b, n, "%s needs a bool, not %s", what, tname(t));
}

static uint8_t binary(binder *b, const ast *n, rowscope *rs)
{
	int op = n->op;
	const ast *lhs = n->kids[0];
	uint8_t l;
	if (lhs->kind == A_STAR && op >= OP_HAS && op <= OP_NLIKE)
		l = KQLITE_TYPE_STRING; /* * has "x": any column */
	else
		l = bind_scalar(b, lhs, rs);
	if (l == TYPE_ERR)
		return TYPE_ERR;
	uint8_t r = bind_scalar(b, n->kids[1], rs);
	if (r == TYPE_ERR)
		return TYPE_ERR;
	switch (op) {
	case OP_AND:
	case OP_OR:
		if (rs && rs->search_terms) { /* search "a" or "b": strings are terms */
			if (l == KQLITE_TYPE_STRING)
				l = KQLITE_TYPE_BOOL;
			if (r == KQLITE_TYPE_STRING)
				r = KQLITE_TYPE_BOOL;
		}
		if (need_bool(b, lhs, l, op == OP_AND ? "'and'" : "'or'") == TYPE_ERR)
			return TYPE_ERR;
		return need_bool(b, n->kids[1], r, op == OP_AND ? "'and'" : "'or'");
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
		return arithmetic(b, n, l, r);
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		if (!comparable(l, r))
			return bind_error(b, n, "cannot compare %s with %s (convert one side, e.g. with tostring() or tolong())",
			                  tname(l), tname(r));
		if (op >= OP_LT && (!ordered(l) || !ordered(r)))
			return bind_error(b, n, "values of type %s have no order", tname(ordered(l) ? r : l));
		return KQLITE_TYPE_BOOL;
	default:
		/* =~, !~ and the string operators read both sides as text */
		return KQLITE_TYPE_BOOL;
	}
}

static uint8_t in_list(binder *b, const ast *n, rowscope *rs)
{
	uint8_t l = bind_scalar(b, n->kids[0], rs);
	if (l == TYPE_ERR)
		return TYPE_ERR;
	for (uint32_t i = 1; i < n->nkids; i++) {
		bval v = bind_value(b, n->kids[i], rs);
		if (bind_failed(b))
			return TYPE_ERR;
		if (v.table) {
			if (v.schema && v.schema->n == 0 && !v.schema->open)
				return bind_error(b, n->kids[i], "the table in '%s (...)' has no columns", lex_op_text(n->op));
			continue;
		}
		if ((n->op == OP_IN || n->op == OP_NIN) && !comparable(l, v.type) &&
		    v.type != KQLITE_TYPE_DYNAMIC)
			return bind_error(b, n->kids[i], "cannot compare %s with %s in '%s'", tname(l), tname(v.type),
			                  lex_op_text(n->op));
	}
	return KQLITE_TYPE_BOOL;
}

static uint8_t between(binder *b, const ast *n, rowscope *rs)
{
	uint8_t x = bind_scalar(b, n->kids[0], rs);
	uint8_t lo = x == TYPE_ERR ? TYPE_ERR : bind_scalar(b, n->kids[1], rs);
	uint8_t hi = lo == TYPE_ERR ? TYPE_ERR : bind_scalar(b, n->kids[2], rs);
	if (hi == TYPE_ERR)
		return TYPE_ERR;
	if (!ordered(x))
		return bind_error(b, n->kids[0], "'between' needs a number, datetime or timespan, not %s", tname(x));
	if (!comparable(x, lo))
		return bind_error(b, n->kids[1], "cannot compare %s with %s in 'between'", tname(x), tname(lo));
	/* datetime between (start .. timespan) means start .. start + timespan */
	if (!comparable(x, hi) && !(x == KQLITE_TYPE_DATETIME && hi == KQLITE_TYPE_TIMESPAN))
		return bind_error(b, n->kids[2], "cannot compare %s with %s in 'between'", tname(x), tname(hi));
	return KQLITE_TYPE_BOOL;
}

static const bschema *side_of(const rowscope *rs, const ast *base)
{
	if (!rs || base->kind != A_NAME)
		return NULL;
	if (ast_text_is(base, "$left"))
		return rs->left;
	if (ast_text_is(base, "$right"))
		return rs->right;
	return NULL;
}

static uint8_t unknown_column(binder *b, const ast *n, const rowscope *rs)
{
	const bcol *near = rs && rs->cols ? sch_closest(rs->cols, n->text, n->tlen) : NULL;
	if (near)
		return bind_error(b, n, "unknown column '%.*s'; did you mean '%.*s'?", (int)n->tlen, n->text,
		                  (int)near->len, near->name);
	for (const sym *s = b->scope; s; s = s->next)
		if (s->kind == SYM_SCALAR &&
		    diag_edit_distance(n->text, n->tlen, s->name, s->len, diag_suggest_cap(n->tlen)) <= diag_suggest_cap(n->tlen))
			return bind_error(b, n, "unknown name '%.*s'; did you mean '%.*s'?", (int)n->tlen, n->text,
			                  (int)s->len, s->name);
	if (!rs || !rs->cols)
		return bind_error(b, n, "unknown name '%.*s'", (int)n->tlen, n->text);
	return bind_error(b, n, "unknown column '%.*s'", (int)n->tlen, n->text);
}

static uint8_t name_type(binder *b, const ast *n, rowscope *rs)
{
	if (rs && rs->cols) {
		long i = sch_find(rs->cols, n->text, n->tlen);
		if (i >= 0)
			return rs->cols->cols[i].type;
	}
	const sym *s = bind_lookup(b, n->text, n->tlen);
	if (s && s->kind == SYM_SCALAR)
		return s->type;
	if (s && s->kind == SYM_FUNC && s->lambda->kids[0]->nkids == 0) {
		bval v = bind_user_call(b, s, n, NULL, rs);
		if (bind_failed(b))
			return TYPE_ERR;
		if (!v.table)
			return v.type;
	}
	if (ast_text_is(n, "$left") || ast_text_is(n, "$right"))
		return bind_error(b, n, "%.*s is only valid in a join's on-clause, as %.*s.Column", (int)n->tlen,
		                  n->text, (int)n->tlen, n->text);
	if (s || catalog_find_n(b->cat, n->text, n->tlen, NULL))
		return bind_error(b, n, "'%.*s' is a table, not a scalar value (use toscalar() for one value)",
		                  (int)n->tlen, n->text);
	if (rs && rs->cols && rs->cols->open)
		return TYPE_ANY; /* may be a column that appears at run time */
	return unknown_column(b, n, rs);
}

static uint8_t member(binder *b, const ast *n, rowscope *rs)
{
	const ast *base = n->kids[0];
	const bschema *side = side_of(rs, base);
	if (side) {
		long i = sch_find(side, n->text, n->tlen);
		if (i >= 0)
			return side->cols[i].type;
		if (side->open)
			return TYPE_ANY;
		const bcol *near = sch_closest(side, n->text, n->tlen);
		if (near)
			return bind_error(b, n, "%.*s has no column '%.*s'; did you mean '%.*s'?", (int)base->tlen,
			                  base->text, (int)n->tlen, n->text, (int)near->len, near->name);
		return bind_error(b, n, "%.*s has no column '%.*s'", (int)base->tlen, base->text, (int)n->tlen,
		                  n->text);
	}
	uint8_t t = bind_scalar(b, base, rs);
	if (t == TYPE_ERR)
		return TYPE_ERR;
	if (loose(t))
		return KQLITE_TYPE_DYNAMIC;
	return bind_error(b, n, "cannot take member '%.*s' of a %s value (only of dynamic; parse_json() makes one)",
	                  (int)n->tlen, n->text, tname(t));
}

static uint8_t index_type(binder *b, const ast *n, rowscope *rs)
{
	uint8_t t = bind_scalar(b, n->kids[0], rs);
	if (t == TYPE_ERR)
		return TYPE_ERR;
	uint8_t i = bind_scalar(b, n->kids[1], rs);
	if (i == TYPE_ERR)
		return TYPE_ERR;
	if (!loose(t))
		return bind_error(b, n, "cannot index a %s value (only dynamic arrays and bags)", tname(t));
	if (!loose(i) && i != KQLITE_TYPE_LONG && i != KQLITE_TYPE_INT && i != KQLITE_TYPE_STRING)
		return bind_error(b, n->kids[1], "an index must be an integer or a string, not %s", tname(i));
	return KQLITE_TYPE_DYNAMIC;
}

/* datetime(x), long(x)... with a non-literal inside: a conversion. */
static bool conversion_type(const ast *n, uint8_t *out)
{
	kqlite_type t;
	if (!type_from_name(n->text, n->tlen, &t))
		return false;
	*out = (uint8_t)t;
	return true;
}

static uint8_t scalar_call(binder *b, const ast *n, rowscope *rs)
{
	const sym *us = bind_lookup(b, n->text, n->tlen);
	if (us && us->kind == SYM_FUNC) {
		bval v = bind_user_call(b, us, n, NULL, rs);
		if (bind_failed(b))
			return TYPE_ERR;
		if (v.table)
			return bind_error(b, n, "%.*s() returns a table, not a scalar value (use toscalar())", (int)n->tlen,
			                  n->text);
		return v.type;
	}
	if (ast_text_is(n, "toscalar")) {
		if (n->nkids != 1)
			return bind_error(b, n, "toscalar() takes 1 argument");
		bval v = bind_value(b, n->kids[0], rs);
		if (bind_failed(b))
			return TYPE_ERR;
		if (!v.table)
			return v.type;
		return v.schema && v.schema->n ? v.schema->cols[0].type : TYPE_ANY;
	}
	if (ast_text_is(n, "column_ifexists")) {
		if (n->nkids != 2)
			return bind_error(b, n, "column_ifexists() takes a column name and a default value");
		uint8_t name_t = bind_scalar(b, n->kids[0], rs);
		if (name_t == TYPE_ERR)
			return TYPE_ERR;
		if (name_t != KQLITE_TYPE_STRING && name_t != TYPE_ANY)
			return bind_error(b, n->kids[0], "column_ifexists() takes the column's name as a string, not %s",
			                  tname(name_t));
		uint8_t def = bind_scalar(b, n->kids[1], rs);
		if (def == TYPE_ERR || !rs || !rs->cols || n->kids[0]->kind != A_LITERAL)
			return def; /* a name known only when the query runs */
		long i = sch_find(rs->cols, n->kids[0]->text, n->kids[0]->tlen);
		return i >= 0 ? rs->cols->cols[i].type : def;
	}
	if (ast_text_is(n, "typeof")) { /* a type as a value: extractjson(path, json, typeof(long)) */
		kqlite_type t;
		if (n->nkids != 1 || n->kids[0]->kind != A_NAME || !type_from_name(n->kids[0]->text, n->kids[0]->tlen, &t))
			return bind_error(b, n, "typeof() takes a type name, such as typeof(string)");
		return TYPE_ANY;
	}
	uint8_t conv;
	if (conversion_type(n, &conv)) {
		if (n->nkids != 1)
			return bind_error(b, n, "%.*s() takes 1 argument", (int)n->tlen, n->text);
		return bind_scalar(b, n->kids[0], rs) == TYPE_ERR ? TYPE_ERR : conv;
	}
	const fn_def *f = fn_lookup(n->text, n->tlen);
	if (!f) {
		const fn_def *near = fn_closest(n->text, n->tlen);
		if (near)
			return bind_error(b, n, "unknown function '%.*s'; did you mean '%s'?", (int)n->tlen, n->text,
			                  near->name);
		return bind_error(b, n, "unknown function '%.*s'", (int)n->tlen, n->text);
	}
	if (f->flags & FNF_OFFLINE)
		return bind_error(b, n, "not available offline: %s() needs a live service", f->name);
	rowscope inner = rs ? *rs : (rowscope){0};
	switch (f->kind) {
	case FN_AGGREGATE:
		if (!rs || !rs->aggregates)
			return bind_error(b, n, "%s() is an aggregate: it is allowed only in summarize, make-series and top-nested",
			                  f->name);
		if (rs->in_aggregate)
			return bind_error(b, n, "aggregates cannot be nested: %s() inside another aggregate", f->name);
		inner.in_aggregate = true;
		if (rs->naggs)
			(*rs->naggs)++;
		break;
	case FN_PLUGIN:
		return bind_error(b, n, "%s is a plugin: call it with evaluate, as in '| evaluate %s(...)'", f->name,
		                  f->name);
	case FN_WINDOW:
		if (!rs || !rs->cols || !rs->cols->serialized)
			return bind_error(b, n, "%s() needs ordered rows: use serialize, sort, top or range before it",
			                  f->name);
		break;
	default:
		inner.in_aggregate = rs ? rs->in_aggregate : false;
	}
	uint8_t *types = arena_alloc(b->a, n->nkids + 1);
	if (!types)
		return bind_nomem(b), TYPE_ERR;
	int nt = 0;
	for (uint32_t i = 0; i < n->nkids; i++) {
		const ast *a = n->kids[i];
		if (nt == 127)
			return bind_error(b, a, "too many arguments: %s() takes at most 127", f->name);
		if (a->kind == A_STAR) {
			if (!(f->flags & FNF_STAR))
				return bind_error(b, a, "'*' is not an argument of %s()", f->name);
			types[nt++] = TYPE_ANY;
			continue;
		}
		if (a->kind == A_NAMEDARG)
			a = a->kids[0];
		uint8_t t = bind_scalar(b, a, rs ? &inner : NULL);
		if (t == TYPE_ERR)
			return TYPE_ERR;
		types[nt++] = t;
	}
	uint8_t out;
	int bad;
	char err[DIAG_MSG_MAX];
	if (fn_check(f, types, nt, &out, &bad, err, sizeof(err)) != 0)
		return bind_error(b, bad >= 0 && (uint32_t)bad < n->nkids ? n->kids[bad] : n, "%s", err);
	/* extract(re, group, text, typeof(T)) and extract_json(path, json,
	 * typeof(T)) give a T */
	kqlite_type as;
	uint32_t ti = !strcmp(f->canonical, "extract") ? 3 : !strcmp(f->canonical, "extract_json") ? 2 : 0;
	if (ti && n->nkids == ti + 1 && n->kids[ti]->kind == A_CALL && ast_text_is(n->kids[ti], "typeof") &&
	    n->kids[ti]->nkids == 1 && type_from_name(n->kids[ti]->kids[0]->text, n->kids[ti]->kids[0]->tlen, &as))
		out = (uint8_t)as;
	return out;
}

static uint8_t scalar(binder *b, const ast *n, rowscope *rs);

uint8_t bind_scalar(binder *b, const ast *n, rowscope *rs)
{
	uint8_t t = scalar(b, n, rs);
	((ast *)n)->btype = t; /* the annotation ast.h documents */
	return t;
}

static uint8_t scalar(binder *b, const ast *n, rowscope *rs)
{
	if (bind_failed(b))
		return TYPE_ERR;
	switch (n->kind) {
	case A_LITERAL:
		return bind_literal_type(n);
	case A_NAME:
		return name_type(b, n, rs);
	case A_BINARY:
		return binary(b, n, rs);
	case A_UNARY: {
		uint8_t t = bind_scalar(b, n->kids[0], rs);
		if (t == TYPE_ERR || loose(t))
			return t == TYPE_ERR ? t : TYPE_ANY;
		if (type_is_numeric(t) || t == KQLITE_TYPE_TIMESPAN)
			return t;
		return bind_error(b, n, "unary '%s' cannot be applied to %s", lex_op_text(n->op), tname(t));
	}
	case A_IN:
		return in_list(b, n, rs);
	case A_BETWEEN:
		return between(b, n, rs);
	case A_MEMBER:
		return member(b, n, rs);
	case A_INDEX:
		return index_type(b, n, rs);
	case A_CALL:
		return scalar_call(b, n, rs);
	case A_PAREN: {
		bval v = bind_value(b, n->kids[0], rs);
		if (bind_failed(b))
			return TYPE_ERR;
		if (v.table)
			return bind_error(b, n, "a table cannot be used as a scalar value (use toscalar())");
		return v.type;
	}
	case A_STAR:
		return bind_error(b, n, "'*' cannot be used as a value here");
	case A_METHOD:
		return bind_error(b, n, "not available offline: cluster(), database() and workspace() name remote data");
	default:
		return bind_error(b, n, "a table cannot be used as a scalar value (use toscalar())");
	}
}

const char *bind_concat(binder *b, const char *a, size_t alen, const char *c, size_t clen, uint32_t *len)
{
	char *s = arena_alloc(b->a, alen + clen + 1);
	if (!s) {
		bind_nomem(b);
		return NULL;
	}
	memcpy(s, a, alen);
	memcpy(s + alen, c, clen);
	s[alen + clen] = '\0';
	*len = (uint32_t)(alen + clen);
	return s;
}

/* The generated name of an aggregate: prefix_Arg (count_, sum_X...). */
const char *bind_agg_name(binder *b, const fn_def *f, const ast *call, uint32_t *len)
{
	const char *prefix = f->agg_prefix ? f->agg_prefix : f->name;
	char head[64];
	int hl = snprintf(head, sizeof(head), "%s_", prefix);
	uint32_t al = 0;
	const char *arg = NULL;
	if (call->nkids >= 1 && strcmp(prefix, "countif") != 0 && strcmp(prefix, "count") != 0)
		arg = bind_expr_name(b, call->kids[0], &al);
	if (!strcmp(prefix, "count") && call->nkids == 1)
		arg = bind_expr_name(b, call->kids[0], &al);
	const char *name = bind_concat(b, head, (size_t)hl, arg ? arg : "", arg ? al : 0, len);
	/* percentile(x, 95) is percentile_x_95; a '.' in the number becomes '_' */
	if (name && !strcmp(f->canonical, "percentile") && call->nkids >= 2 &&
	    call->kids[1]->kind == A_LITERAL) {
		char num[64];
		int nl = snprintf(num, sizeof(num), "_%.*s", (int)call->kids[1]->tlen, call->kids[1]->text);
		for (int i = 0; i < nl; i++)
			if (num[i] == '.')
				num[i] = '_';
		name = bind_concat(b, name, *len, num, (size_t)nl, len);
	}
	return name;
}

const char *bind_expr_name(binder *b, const ast *n, uint32_t *len)
{
	if (n->kind == A_CALL && !bind_lookup(b, n->text, n->tlen)) {
		/* count() is count_, tostring(x) is x, round(avg(x)) is avg_x */
		const fn_def *f = fn_lookup(n->text, n->tlen);
		if (f && f->kind == FN_AGGREGATE)
			return bind_agg_name(b, f, n, len);
		if (f && (f->flags & FNF_NAME_ARG0) && n->nkids >= 1)
			return bind_expr_name(b, n->kids[0], len);
		return NULL;
	}
	if (n->kind == A_NAME) {
		*len = n->tlen;
		return n->text;
	}
	if (n->kind != A_MEMBER)
		return NULL;
	/* a.b.c is named a_b_c; $left.x and $right.x are named x */
	const ast *chain[64];
	int k = 0;
	const ast *cur = n;
	while (cur->kind == A_MEMBER && k < 64) {
		chain[k++] = cur;
		cur = cur->kids[0];
	}
	if (cur->kind != A_NAME || k == 64)
		return NULL;
	if (ast_text_is(cur, "$left") || ast_text_is(cur, "$right")) {
		if (k != 1)
			return NULL;
		*len = n->tlen;
		return n->text;
	}
	size_t total = cur->tlen;
	for (int i = 0; i < k; i++)
		total += 1 + chain[i]->tlen;
	char *s = arena_alloc(b->a, total + 1);
	if (!s)
		return NULL;
	size_t at = 0;
	memcpy(s, cur->text, cur->tlen);
	at = cur->tlen;
	for (int i = k - 1; i >= 0; i--) {
		s[at++] = '_';
		memcpy(s + at, chain[i]->text, chain[i]->tlen);
		at += chain[i]->tlen;
	}
	s[at] = '\0';
	*len = (uint32_t)at;
	return s;
}
