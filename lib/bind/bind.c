/* bind.c -- statements, let-bound names and values: decides whether an
 * expression is a table or a scalar, resolves table names against the
 * catalog and the scope, and expands calls of user functions by binding
 * their bodies with the actual arguments. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bind_int.h"
#include "kql.h"

enum { MAX_CALL_DEPTH = 32 };

uint8_t bind_error(binder *b, const ast *n, const char *fmt, ...)
{
	if (b->d->code)
		return TYPE_ERR;
	va_list ap;
	va_start(ap, fmt);
	char msg[DIAG_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n)
		diag_set(b->d, KQLITE_ERROR, n->off, n->len, "%s", msg);
	else
		diag_set_nospan(b->d, KQLITE_ERROR, "%s", msg);
	return TYPE_ERR;
}

bool bind_failed(const binder *b)
{
	return b->d->code != 0;
}

void bind_nomem(binder *b)
{
	diag_set_nospan(b->d, KQLITE_NOMEM, "out of memory while binding");
}

const sym *bind_lookup(const binder *b, const char *name, size_t len)
{
	for (const sym *s = b->scope; s; s = s->next)
		if (s->len == len && memcmp(s->name, name, len) == 0)
			return s;
	return NULL;
}

static sym *push_sym(binder *b, const char *name, uint32_t len, uint8_t kind)
{
	sym *s = arena_zalloc(b->a, sizeof(*s));
	if (!s) {
		bind_nomem(b);
		return NULL;
	}
	s->name = name;
	s->len = len;
	s->kind = kind;
	s->next = b->scope;
	b->scope = s;
	return s;
}

uint8_t bind_literal_type(const ast *n)
{
	return (uint8_t)n->op;
}

/* The closest table name (catalog or tabular let) for "did you mean". */
static const char *closest_table(const binder *b, const char *name, size_t len)
{
	const char *best = NULL;
	unsigned cap = diag_suggest_cap(len), best_d = cap + 1;
	for (size_t i = 0; i < b->cat->ntables; i++) {
		const char *t = b->cat->tables[i]->name;
		unsigned d = diag_edit_distance(name, len, t, strlen(t), cap);
		if (d < best_d)
			best_d = d, best = t;
	}
	for (const sym *s = b->scope; s; s = s->next) {
		if (s->kind == SYM_SCALAR)
			continue;
		unsigned d = diag_edit_distance(name, len, s->name, s->len, cap);
		if (d < best_d) {
			char *copy = arena_strndup(b->a, s->name, s->len);
			if (copy)
				best_d = d, best = copy;
		}
	}
	return best;
}

static const bschema *catalog_schema(binder *b, const table_def *t)
{
	bschema *s = sch_new(b->a);
	if (!s)
		return bind_nomem(b), NULL;
	for (size_t i = 0; i < t->ncols; i++)
		if (!sch_append(b->a, s, t->cols[i].name, strlen(t->cols[i].name), (uint8_t)t->cols[i].type))
			return bind_nomem(b), NULL;
	return s;
}

/* A name in table position: a let-bound table or function, or a table of
 * the catalog. */
static bval bind_table_name(binder *b, const ast *n)
{
	bval v = {true, 0, NULL};
	const sym *s = bind_lookup(b, n->text, n->tlen);
	if (s && s->kind == SYM_TABLE) {
		v.schema = s->schema;
		return v;
	}
	if (s && s->kind == SYM_FUNC)
		return bind_user_call(b, s, n, NULL, NULL);
	if (s && s->kind == SYM_SCALAR) {
		v.table = false;
		v.type = s->type;
		return v;
	}
	const table_def *t = catalog_find_n(b->cat, n->text, n->tlen, NULL);
	if (t) {
		v.schema = catalog_schema(b, t);
		return v;
	}
	if (b->fuzzy) {
		b->missing = true;
		v.schema = NULL;
		return v;
	}
	const char *near = closest_table(b, n->text, n->tlen);
	if (near)
		bind_error(b, n, "unknown table or name '%.*s'; did you mean '%s'?", (int)n->tlen, n->text, near);
	else
		bind_error(b, n, "unknown table or name '%.*s'", (int)n->tlen, n->text);
	v.table = false;
	v.type = TYPE_ERR;
	return v;
}

static bool is_source_kind(int k)
{
	switch (k) {
	case A_RANGE: case A_PRINT: case A_UNION: case A_DATATABLE: case A_EXTERNALDATA:
	case A_SEARCH: case A_FIND:
		return true;
	default:
		return false;
	}
}

static bval pipe_value(binder *b, const ast *n)
{
	bval v = {true, 0, NULL};
	const bschema *s = bind_table(b, n->kids[0]);
	if (!s && !bind_failed(b))
		return v; /* a table that union isfuzzy=true skips: no schema, no error */
	for (uint32_t i = 1; s && i < n->nkids && !bind_failed(b); i++)
		s = bind_operator(b, n->kids[i], s);
	v.schema = bind_failed(b) ? NULL : s;
	if (!v.schema) {
		v.table = false;
		v.type = TYPE_ERR;
	}
	return v;
}

/* Calls that take or give tables: materialize(T), table("T"), user
 * functions; NULL-kind result (table=false, type=0) means "not one". */
static bool tabular_call(binder *b, const ast *n, bval *out)
{
	const sym *s = bind_lookup(b, n->text, n->tlen);
	if (s && s->kind == SYM_FUNC) {
		*out = bind_user_call(b, s, n, NULL, NULL);
		return true;
	}
	if (ast_text_is(n, "materialize")) {
		if (n->nkids != 1) {
			bind_error(b, n, "materialize() takes 1 argument, a tabular expression");
			*out = (bval){false, TYPE_ERR, NULL};
			return true;
		}
		out->table = true;
		out->schema = bind_table(b, n->kids[0]);
		if (!out->schema)
			*out = (bval){false, TYPE_ERR, NULL};
		return true;
	}
	if (ast_text_is(n, "table")) {
		if (n->nkids < 1 || n->kids[0]->kind != A_LITERAL || n->kids[0]->op != KQLITE_TYPE_STRING) {
			bind_error(b, n, "table() takes a table name as a string literal");
			*out = (bval){false, TYPE_ERR, NULL};
			return true;
		}
		ast name = *n->kids[0];
		name.kind = A_NAME;
		*out = bind_table_name(b, &name);
		return true;
	}
	if (ast_text_is(n, "cluster") || ast_text_is(n, "database") || ast_text_is(n, "workspace") ||
	    ast_text_is(n, "app") || ast_text_is(n, "adx")) {
		bind_error(b, n, "not available offline: %.*s() names a remote cluster or workspace", (int)n->tlen, n->text);
		*out = (bval){false, TYPE_ERR, NULL};
		return true;
	}
	return false;
}

bval bind_value(binder *b, const ast *n, rowscope *rs)
{
	bval v = {false, TYPE_ERR, NULL};
	if (bind_failed(b))
		return v;
	switch (n->kind) {
	case A_PIPE:
		return pipe_value(b, n);
	case A_PAREN:
		return bind_value(b, n->kids[0], rs);
	case A_NAME:
		if (rs && sch_find(rs->cols, n->text, n->tlen) >= 0)
			break; /* a column */
		{
			const sym *s = bind_lookup(b, n->text, n->tlen);
			if (s && s->kind == SYM_SCALAR)
				break;
			if (s || !rs || catalog_find_n(b->cat, n->text, n->tlen, NULL))
				return bind_table_name(b, n);
		}
		break;
	case A_CALL:
		if (tabular_call(b, n, &v))
			return v;
		break;
	case A_METHOD:
		bind_error(b, n, "not available offline: cluster(), database() and workspace() name remote data");
		return v;
	default:
		if (is_source_kind(n->kind)) {
			v.table = true;
			v.schema = bind_source(b, n);
			if (!v.schema)
				v = (bval){false, TYPE_ERR, NULL};
			return v;
		}
	}
	v.type = bind_scalar(b, n, rs);
	return v;
}

const bschema *bind_table(binder *b, const ast *n)
{
	bval v = bind_value(b, n, NULL);
	if (bind_failed(b))
		return NULL;
	if (!v.table) {
		bind_error(b, n, "expected a table here, not a %s value", kqlite_type_name(v.type));
		return NULL;
	}
	if (!v.schema && b->fuzzy)
		return NULL; /* a skipped leg */
	return v.schema;
}

/* ---- user functions ---------------------------------------------------- */

/* The arguments of a call node: CALL nodes hold them as kids; a bare name
 * (a view, or a function referred to without parentheses) has none. */
static uint32_t call_nargs(const ast *call)
{
	return call->kind == A_CALL ? call->nkids : 0;
}

static bool bind_body(binder *b, const ast *body, bval *result)
{
	*result = (bval){false, TYPE_ERR, NULL};
	bool any = false;
	for (uint32_t i = 0; i < body->nkids && !bind_failed(b); i++) {
		const ast *st = body->kids[i];
		if (st->kind == A_LET || st->kind == A_SET || st->kind == A_DECLARE) {
			bind_statement(b, st);
			continue;
		}
		*result = bind_value(b, st, NULL);
		any = true;
	}
	if (!any && !bind_failed(b))
		bind_error(b, body, "a function body must end with an expression");
	return !bind_failed(b);
}

bval bind_user_call(binder *b, const sym *f, const ast *call, const bschema *piped,
                    rowscope *rs)
{
	bval v = {false, TYPE_ERR, NULL};
	const ast *lam = f->lambda, *params = lam->kids[0];
	uint32_t nargs = call_nargs(call) + (piped ? 1 : 0);
	uint32_t required = 0;
	for (uint32_t i = 0; i < params->nkids; i++)
		if (params->kids[i]->nkids < 2 || !params->kids[i]->kids[1])
			required = i + 1;
	if (nargs < required || nargs > params->nkids) {
		bind_error(b, call, "%.*s() takes %u argument%s, not %u", (int)f->len, f->name,
		           params->nkids, params->nkids == 1 ? "" : "s", nargs);
		return v;
	}
	if (b->call_depth >= MAX_CALL_DEPTH) {
		bind_error(b, call, "functions call each other more than %d levels deep", MAX_CALL_DEPTH);
		return v;
	}
	/* Bind the arguments in the caller's scope, then the body in the
	 * function's own scope with the parameters on top. */
	bval args[64];
	if (nargs > 64) {
		bind_error(b, call, "too many arguments");
		return v;
	}
	for (uint32_t i = 0; i < nargs; i++) {
		if (piped && i == 0) {
			args[0] = (bval){true, 0, piped};
			continue;
		}
		const ast *arg = call->kids[i - (piped ? 1 : 0)];
		if (arg->kind == A_NAMEDARG)
			arg = arg->kids[0];
		const ast *decl = params->kids[i]->kids[0];
		if (decl->kind == A_SCHEMA) {
			args[i].table = true;
			args[i].schema = bind_table(b, arg);
			if (!args[i].schema)
				return v;
			for (uint32_t c = 0; c < decl->nkids; c++) {
				const ast *cd = decl->kids[c];
				if (sch_find(args[i].schema, cd->text, cd->tlen) < 0 && !args[i].schema->open) {
					bind_error(b, arg, "argument %u of %.*s() has no column '%.*s' (the parameter's schema requires it)",
					           i + 1, (int)f->len, f->name, (int)cd->tlen, cd->text);
					return v;
				}
			}
		} else {
			args[i] = bind_value(b, arg, rs);
			if (bind_failed(b))
				return v;
			if (args[i].table) {
				bind_error(b, arg, "argument %u of %.*s() must be a scalar, not a table", i + 1,
				           (int)f->len, f->name);
				return v;
			}
			/* a value of another type than the parameter's: numbers pass
			 * for numbers, dynamic and untyped values for anything */
			uint8_t want = (uint8_t)decl->op, got = args[i].type;
			bool num = type_is_numeric(want) && type_is_numeric(got);
			if (decl->kind == A_TYPE && want != got && !num && got != TYPE_ANY && got != KQLITE_TYPE_NULL &&
			    got != KQLITE_TYPE_DYNAMIC && want != KQLITE_TYPE_DYNAMIC) {
				bind_error(b, arg, "argument %u of %.*s() must be %s, not %s", i + 1, (int)f->len, f->name,
				           kqlite_type_name((kqlite_type)want), kqlite_type_name((kqlite_type)got));
				return v;
			}
		}
	}
	sym *saved = b->scope;
	b->scope = f->defined_in;
	b->call_depth++;
	for (uint32_t i = 0; i < params->nkids && !bind_failed(b); i++) {
		const ast *p = params->kids[i];
		const ast *decl = p->kids[0];
		sym *s = push_sym(b, p->text, p->tlen, decl->kind == A_SCHEMA ? SYM_TABLE : SYM_SCALAR);
		if (!s)
			break;
		if (decl->kind == A_SCHEMA) {
			s->schema = args[i].schema;
		} else {
			s->type = (uint8_t)decl->op; /* the declared type, whatever was passed */
			if (i >= nargs && p->kids[1])
				bind_scalar(b, p->kids[1], NULL);
		}
	}
	bval result;
	bind_body(b, lam->kids[1], &result);
	b->call_depth--;
	b->scope = saved;
	return bind_failed(b) ? v : result;
}

/* ---- statements -------------------------------------------------------- */

static void check_lambda(binder *b, const ast *lam)
{
	/* Parameter defaults must be scalars of the declared type's family;
	 * the body is bound at each call, with the actual arguments. */
	const ast *params = lam->kids[0];
	for (uint32_t i = 0; i < params->nkids; i++) {
		for (uint32_t j = 0; j < i; j++)
			if (params->kids[j]->tlen == params->kids[i]->tlen &&
			    !memcmp(params->kids[j]->text, params->kids[i]->text, params->kids[i]->tlen)) {
				bind_error(b, params->kids[i], "parameter '%.*s' is declared twice",
				           (int)params->kids[i]->tlen, params->kids[i]->text);
				return;
			}
	}
}

bool bind_statement(binder *b, const ast *st)
{
	switch (st->kind) {
	case A_LET: {
		const ast *val = st->kids[0];
		if (val->kind == A_LAMBDA) {
			check_lambda(b, val);
			sym *s = push_sym(b, st->text, st->tlen, SYM_FUNC);
			if (s) {
				s->lambda = val;
				s->defined_in = s; /* a function sees itself and what came before */
			}
			/* Bind a parameterless function once now, so that errors in it
			 * show even when nobody calls it. */
			if (s && val->kids[0]->nkids == 0)
				bind_user_call(b, s, st, NULL, NULL);
			return !bind_failed(b);
		}
		bval v = bind_value(b, val, NULL);
		if (bind_failed(b))
			return false;
		sym *s = push_sym(b, st->text, st->tlen, v.table ? SYM_TABLE : SYM_SCALAR);
		if (s) {
			s->type = v.type;
			s->schema = v.schema;
		}
		return !bind_failed(b);
	}
	case A_SET:
		if (st->nkids)
			bind_scalar(b, st->kids[0], NULL);
		return !bind_failed(b);
	case A_DECLARE: {
		const ast *params = st->kids[0];
		for (uint32_t i = 0; i < params->nkids && !bind_failed(b); i++) {
			const ast *p = params->kids[i];
			sym *s = push_sym(b, p->text, p->tlen, SYM_SCALAR);
			if (s)
				s->type = p->kids[0]->kind == A_TYPE ? (uint8_t)p->kids[0]->op : TYPE_ANY;
		}
		return !bind_failed(b);
	}
	default:
		return false;
	}
}

int bind_query(const ast *root, const catalog *cat, arena *a, diag *d, bind_result *out)
{
	binder b = {.a = a, .d = d, .cat = cat};
	memset(out, 0, sizeof(*out));
	const bschema *last = NULL;
	const ast *last_stmt = NULL;
	for (uint32_t i = 0; i < root->nkids && !d->code; i++) {
		const ast *st = root->kids[i];
		if (st->kind == A_LET || st->kind == A_SET || st->kind == A_DECLARE) {
			bind_statement(&b, st);
			continue;
		}
		bval v = bind_value(&b, st, NULL);
		if (d->code)
			break;
		if (!v.table) {
			bind_error(&b, st, "a query statement must be tabular; to show a scalar, use print");
			break;
		}
		last = v.schema;
		last_stmt = st;
	}
	if (!d->code && !last_stmt)
		bind_error(&b, root->nkids ? root->kids[root->nkids - 1] : root,
		           "the query has no tabular expression after its let statements");
	if (d->code)
		return d->code;
	out->schema = last;
	out->unsupported = b.unsupported;
	out->unsupported_what = b.unsupported_what;
	return KQLITE_OK;
}
