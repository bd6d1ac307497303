/* parse_int.h -- what the lemon grammar's actions call: tree builders
 * that take tokens and nodes, keep spans, and stay safe after an error
 * (every builder returns NULL once the parser has failed). */
#ifndef KQ_PARSE_INT_H
#define KQ_PARSE_INT_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"
#include "lex.h"

typedef struct parser {
	arena *a;
	const char *src;
	size_t len;
	diag *d;
	ast *root;
	lex_token tok;      /* the token being fed */
	int code;           /* its code */
	int prev_code;      /* the code of the token before it */
	lex_token prev;
	bool failed;
} parser;

/* A node of `kind` spanning token t, with no kids. */
ast *nd(parser *p, int kind, lex_token t);
/* A node spanning t and then `n` kids (NULL kids allowed). */
ast *ndk(parser *p, int kind, lex_token t, int n, ...);
/* A node whose span is that of its kids (the first must not be NULL). */
ast *ndn(parser *p, int kind, int n, ...);
/* Appends kid (may be NULL) and grows the span to cover it. */
ast *push(parser *p, ast *list, ast *kid);
/* A node whose text and span start are name's, then `n` kids. */
ast *ndnm(parser *p, int kind, const ast *name, int n, ...);
/* Grows n's span to cover node k. */
ast *cover(ast *n, const ast *k);
/* Grows n's span to start at token t. */
ast *startat(ast *n, lex_token t);
/* Grows n's span to end at token t. */
ast *endat(ast *n, lex_token t);
/* Sets n's text to token t's text (names are unquoted: ['a b'] → a b). */
ast *named(parser *p, ast *n, lex_token t);
/* Sets n's text to another node's text (a NAME's). */
ast *named_from(ast *n, const ast *name);
ast *with_op(ast *n, int op);

/* The quoted part of a ['name'] token, without brackets and spaces. */
lex_token unbracket(const parser *p, lex_token t);

/* Builders with checks. */
ast *mk_name(parser *p, lex_token t);
ast *mk_string(parser *p, lex_token t);
ast *mk_string_cat(parser *p, ast *s, lex_token t);
ast *mk_literal(parser *p, int code, lex_token t);
ast *mk_type(parser *p, ast *name);
ast *mk_pipe(parser *p, ast *left, ast *op);
ast *mk_assign(parser *p, ast *name, ast *value);
ast *mk_call(parser *p, ast *name, ast *args, lex_token rp);
/* a['b'] is the member a.b; a[''] indexes by the empty string */
ast *mk_bracket_member(parser *p, ast *target, lex_token t);
/* a[i]; a["b"] with a constant string is the member a.b */
ast *mk_index(parser *p, ast *target, ast *index, lex_token rb);
ast *mk_method(parser *p, ast *target, ast *name, ast *args, lex_token rp);
ast *mk_namepat(parser *p, ast *name, int stars, const lex_token *star);
ast *mk_render(parser *p, lex_token t, ast *chart, ast *props);
ast *mk_project_rename(parser *p, lex_token t, ast *assigns);

void parse_syntax_error(parser *p, int code, lex_token t, const int *expected, int nexpected);
void parse_stack_overflow(parser *p);

#endif
