/* ast.c -- tree builders called from the grammar's actions, and tree
 * equality. Builders keep spans and depths, and return NULL once the
 * parser has failed so that later actions are harmless. */
#include <stdarg.h>
#include <string.h>

#include "kql.h"
#include "kqlite.h"
#include "parse_int.h"
#include "types.h"

const char *ast_kind_name(int kind)
{
	static const char *const names[] = {
#define X(k, s) s,
		AST_KINDS(X)
#undef X
	};
	if (kind < 0 || kind >= A_COUNT_)
		return "?";
	return names[kind];
}

static bool failed(parser *p)
{
	return p->failed || p->d->code != 0;
}

static void nomem(parser *p)
{
	diag_set_nospan(p->d, KQLITE_NOMEM, "out of memory while parsing");
	p->failed = true;
}

static ast *alloc_node(parser *p, int kind, uint32_t off, uint32_t len)
{
	if (failed(p))
		return NULL;
	ast *n = arena_zalloc(p->a, sizeof(*n));
	if (!n) {
		nomem(p);
		return NULL;
	}
	n->kind = (uint8_t)kind;
	n->off = off;
	n->len = len;
	n->depth = 1;
	return n;
}

static void grow_span(ast *n, uint32_t off, uint32_t len)
{
	uint32_t end = n->off + n->len;
	if (off < n->off)
		n->off = off;
	if (off + len > end)
		end = off + len;
	n->len = end - n->off;
}

ast *push(parser *p, ast *list, ast *kid)
{
	if (failed(p) || !list)
		return NULL;
	if (list->nkids == list->cap) {
		uint32_t cap = list->cap ? list->cap * 2 : 4;
		ast **kids = arena_alloc(p->a, cap * sizeof(*kids));
		if (!kids) {
			nomem(p);
			return NULL;
		}
		if (list->nkids)
			memcpy(kids, list->kids, list->nkids * sizeof(*kids));
		list->kids = kids;
		list->cap = cap;
	}
	list->kids[list->nkids++] = kid;
	if (kid) {
		grow_span(list, kid->off, kid->len);
		if (kid->depth + 1 > list->depth) {
			list->depth = kid->depth + 1;
			if (list->depth > AST_MAX_DEPTH) {
				diag_set(p->d, KQLITE_LIMIT, kid->off, kid->len,
				         "query is nested too deeply (more than %d levels)", AST_MAX_DEPTH);
				p->failed = true;
				return NULL;
			}
		}
	}
	return list;
}

static ast *push_va(parser *p, ast *n, int count, va_list ap)
{
	for (int i = 0; i < count; i++)
		n = push(p, n, va_arg(ap, ast *));
	return n;
}

ast *nd(parser *p, int kind, lex_token t)
{
	return alloc_node(p, kind, t.off, t.len);
}

ast *ndk(parser *p, int kind, lex_token t, int n, ...)
{
	ast *node = nd(p, kind, t);
	va_list ap;
	va_start(ap, n);
	node = node ? push_va(p, node, n, ap) : NULL;
	va_end(ap);
	return node;
}

ast *ndn(parser *p, int kind, int n, ...)
{
	va_list ap;
	va_start(ap, n);
	ast *first = n > 0 ? va_arg(ap, ast *) : NULL;
	va_end(ap);
	if (!first) {
		if (!failed(p))
			nomem(p); /* a required kid is missing: only after a failure */
		return NULL;
	}
	ast *node = alloc_node(p, kind, first->off, first->len);
	va_start(ap, n);
	node = node ? push_va(p, node, n, ap) : NULL;
	va_end(ap);
	return node;
}

ast *ndnm(parser *p, int kind, const ast *name, int n, ...)
{
	if (!name || failed(p))
		return NULL;
	ast *node = alloc_node(p, kind, name->off, name->len);
	if (!node)
		return NULL;
	named_from(node, name);
	va_list ap;
	va_start(ap, n);
	node = push_va(p, node, n, ap);
	va_end(ap);
	return node;
}

ast *cover(ast *n, const ast *k)
{
	if (n && k)
		grow_span(n, k->off, k->len);
	return n;
}

ast *startat(ast *n, lex_token t)
{
	if (n && t.off < n->off) {
		n->len += n->off - t.off;
		n->off = t.off;
	}
	return n;
}

ast *endat(ast *n, lex_token t)
{
	if (n && t.off + t.len > n->off + n->len)
		n->len = t.off + t.len - n->off;
	return n;
}

ast *with_op(ast *n, int op)
{
	if (n)
		n->op = (uint16_t)op;
	return n;
}

ast *named_from(ast *n, const ast *name)
{
	if (n && name) {
		n->text = name->text;
		n->tlen = name->tlen;
	}
	return n;
}

lex_token unbracket(const parser *p, lex_token t)
{
	const char *s = p->src + t.off;
	uint32_t i = 1, e = t.len - 1;
	while (i < e && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
		e--;
	lex_token q = {t.off + i, e - i, STR_PLAIN};
	return q;
}

/* ['a b'] and ["a b"] name a column "a b"; the quotes may hold escapes. */
ast *named(parser *p, ast *n, lex_token t)
{
	if (!n)
		return NULL;
	const char *s = p->src + t.off;
	if (t.len >= 2 && s[0] == '[') {
		ast *str = mk_string(p, unbracket(p, t));
		if (!str)
			return NULL;
		if (str->tlen == 0) {
			diag_set(p->d, KQLITE_SYNTAX, t.off, t.len, "a name cannot be empty");
			p->failed = true;
			return NULL;
		}
		n->text = str->text;
		n->tlen = str->tlen;
		return n;
	}
	n->text = s;
	n->tlen = t.len;
	return n;
}

ast *mk_name(parser *p, lex_token t)
{
	return named(p, nd(p, A_NAME, t), t);
}

ast *mk_type(parser *p, ast *name)
{
	if (!name)
		return NULL;
	kqlite_type ty;
	if (!type_from_name(name->text, name->tlen, &ty)) {
		static const char *const types[] = {"bool", "int", "long", "real", "decimal", "string",
		                                    "datetime", "timespan", "guid", "dynamic"};
		const char *near = NULL;
		for (size_t i = 0; i < sizeof(types) / sizeof(*types) && !near; i++)
			if (diag_edit_distance(name->text, name->tlen, types[i], strlen(types[i]), 2) <= 2)
				near = types[i];
		if (near)
			diag_set(p->d, KQLITE_SYNTAX, name->off, name->len,
			         "unknown type '%.*s'; did you mean '%s'?", (int)name->tlen, name->text, near);
		else
			diag_set(p->d, KQLITE_SYNTAX, name->off, name->len,
			         "unknown type '%.*s' (expected bool, int, long, real, decimal, string, "
			         "datetime, timespan, guid or dynamic)",
			         (int)name->tlen, name->text);
		p->failed = true;
		return NULL;
	}
	ast *n = alloc_node(p, A_TYPE, name->off, name->len);
	if (n) {
		named_from(n, name);
		n->op = (uint16_t)ty;
	}
	return n;
}

/* Operators chain into one PIPE node: [source, op, op...]. A source that
 * is itself a pipe (only through parentheses) stays a PAREN. */
ast *mk_pipe(parser *p, ast *left, ast *op)
{
	if (!left || !op)
		return NULL;
	if (left->kind == A_PIPE)
		return push(p, left, op);
	ast *n = alloc_node(p, A_PIPE, left->off, left->len);
	n = push(p, n, left);
	return push(p, n, op);
}

ast *mk_assign(parser *p, ast *name, ast *value)
{
	return ndnm(p, A_ASSIGN, name, 1, value);
}

static ast *append_args(parser *p, ast *n, ast *args)
{
	if (n && args)
		for (uint32_t i = 0; i < args->nkids && n; i++)
			n = push(p, n, args->kids[i]);
	return n;
}

ast *mk_call(parser *p, ast *name, ast *args, lex_token rp)
{
	ast *n = endat(ndnm(p, A_CALL, name, 0), rp);
	return append_args(p, n, args);
}

ast *mk_bracket_member(parser *p, ast *target, lex_token t)
{
	ast *key = mk_string(p, unbracket(p, t));
	if (!key)
		return NULL;
	if (key->tlen == 0) /* no name: an index by "" */
		return endat(ndn(p, A_INDEX, 2, target, key), t);
	return named_from(endat(ndn(p, A_MEMBER, 1, target), t), key);
}

ast *mk_index(parser *p, ast *target, ast *index, lex_token rb)
{
	if (index && index->kind == A_LITERAL && index->op == KQLITE_TYPE_STRING &&
	    !(index->flags & LIT_OBFUSCATED) && index->tlen > 0) {
		ast *n = endat(ndn(p, A_MEMBER, 1, target), rb);
		return named_from(n, index);
	}
	return endat(ndn(p, A_INDEX, 2, target, index), rb);
}

ast *mk_method(parser *p, ast *target, ast *name, ast *args, lex_token rp)
{
	if (!target || !name)
		return NULL;
	ast *n = alloc_node(p, A_METHOD, target->off, target->len);
	n = push(p, named_from(n, name), target);
	return append_args(p, endat(n, rp), args);
}

ast *mk_namepat(parser *p, ast *name, int stars, const lex_token *star)
{
	if (!name && !star)
		return NULL; /* the name failed: the error is set */
	ast *n = name ? ndnm(p, A_NAMEPAT, name, 0) : nd(p, A_NAMEPAT, *star);
	if (n && star)
		grow_span(n, star->off, star->len);
	return with_op(n, stars);
}

ast *mk_render(parser *p, lex_token t, ast *chart, ast *props)
{
	ast *n = cover(named_from(nd(p, A_RENDER, t), chart), chart);
	if (n && props)
		for (uint32_t i = 0; i < props->nkids && n; i++)
			n = push(p, n, props->kids[i]);
	return n;
}

/* project-rename takes only new = old, both plain names. */
ast *mk_project_rename(parser *p, lex_token t, ast *assigns)
{
	if (!assigns)
		return NULL;
	for (uint32_t i = 0; i < assigns->nkids; i++) {
		ast *a = assigns->kids[i];
		if (a->kind != A_ASSIGN || a->kids[0]->kind != A_NAME) {
			diag_set(p->d, KQLITE_SYNTAX, a->off, a->len,
			         "project-rename expects NewName = ExistingName");
			p->failed = true;
			return NULL;
		}
	}
	assigns->kind = A_PROJECT_RENAME;
	return startat(assigns, t);
}

bool ast_text_is(const ast *n, const char *s)
{
	size_t len = strlen(s);
	return n && n->tlen == len && memcmp(n->text, s, len) == 0;
}

bool ast_equal(const ast *a, const ast *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->op != b->op || a->flags != b->flags || a->nkids != b->nkids ||
	    a->tlen != b->tlen)
		return false;
	if (a->tlen && memcmp(a->text, b->text, a->tlen) != 0)
		return false;
	for (uint32_t i = 0; i < a->nkids; i++)
		if (!ast_equal(a->kids[i], b->kids[i]))
			return false;
	return true;
}
