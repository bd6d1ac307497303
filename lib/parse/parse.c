/* parse.c -- the parse driver: feeds the scanner's tokens to the lemon
 * parser and turns a syntax error into a message that says what was
 * expected, where, and (for a misspelt operator) what was probably meant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kql.h"
#include "kqlite.h"
#include "parse.h"
#include "parse_int.h"

/* lemon's generated entry points (kql.c) */
void *kqlParseAlloc(void *(*alloc)(size_t), parser *p);
void kqlParseFree(void *parser, void (*dealloc)(void *));
void kqlParse(void *parser, int code, lex_token tok);

enum { MAX_OPEN = 64 };

typedef struct brackets {
	uint32_t off[MAX_OPEN];
	char ch[MAX_OPEN];
	int n;     /* depth, may exceed MAX_OPEN */
} brackets;

static const char *const tabular_operators[] = {
	"where", "filter", "extend", "project", "project-away", "project-keep",
	"project-rename", "project-reorder", "summarize", "sort", "order", "top",
	"top-nested", "take", "limit", "distinct", "count", "render", "mv-expand",
	"mv-apply", "parse", "parse-where", "make-series", "evaluate", "invoke", "as",
	"serialize", "sample", "sample-distinct", "search", "getschema", "union",
	"join", "lookup", "partition",
};

static bool is_tabop_token(int code)
{
	switch (code) {
	case TK_WHERE: case TK_FILTER: case TK_EXTEND: case TK_PROJECT:
	case TK_PROJECT_AWAY: case TK_PROJECT_KEEP: case TK_PROJECT_RENAME:
	case TK_PROJECT_REORDER: case TK_SUMMARIZE: case TK_SORT: case TK_ORDER:
	case TK_TOP: case TK_TOP_NESTED: case TK_TAKE: case TK_LIMIT: case TK_DISTINCT:
	case TK_COUNT: case TK_RENDER: case TK_MV_EXPAND: case TK_MV_APPLY: case TK_PARSE:
	case TK_PARSE_WHERE: case TK_MAKE_SERIES: case TK_EVALUATE: case TK_INVOKE:
	case TK_AS: case TK_SERIALIZE: case TK_SAMPLE: case TK_SAMPLE_DISTINCT:
	case TK_SEARCH: case TK_GETSCHEMA: case TK_UNION: case TK_JOIN: case TK_LOOKUP:
	case TK_PARTITION:
		return true;
	default:
		return false;
	}
}

static bool starts_expression(int code)
{
	switch (code) {
	case TK_ID: case TK_BRACKETNAME: case TK_STRING: case TK_LONG: case TK_REAL:
	case TK_TIMESPAN: case TK_TYPEDLIT: case TK_DYNLIT: case TK_TRUE: case TK_FALSE:
	case TK_LP: case TK_MINUS: case TK_PLUS:
		return true;
	default:
		return false;
	}
}

static bool has(const int *set, int n, int code)
{
	for (int i = 0; i < n; i++)
		if (set[i] == code)
			return true;
	return false;
}

/* What the text of token t looks like in a message: 'where', or its kind. */
static void describe(const parser *p, int code, lex_token t, char *buf, size_t size)
{
	if (code == 0) {
		snprintf(buf, size, "end of query");
		return;
	}
	if (code == TK_STRING) {
		if (t.len <= 40)
			snprintf(buf, size, "string %.*s", (int)t.len, p->src + t.off);
		else
			snprintf(buf, size, "string %.*s...", 37, p->src + t.off);
		return;
	}
	if (t.len > 0 && t.len <= 40 && code != TK_DYNLIT) {
		snprintf(buf, size, "'%.*s'", (int)t.len, p->src + t.off);
		return;
	}
	snprintf(buf, size, "%s", lex_token_desc(code));
}

/* "expected X, Y or Z" from the explicit lookaheads of the failing state;
 * expression starters collapse into "an expression". */
static void expected_list(const int *exp, int n, char *buf, size_t size)
{
	const char *items[8];
	int k = 0;
	bool expr = false, tabop = false;
	for (int i = 0; i < n; i++) {
		if (starts_expression(exp[i]) && exp[i] != TK_LP) {
			expr = true;
			continue;
		}
		if (is_tabop_token(exp[i])) {
			tabop = true;
			continue;
		}
	}
	if (tabop && k < 8)
		items[k++] = "a tabular operator";
	if (expr && k < 8)
		items[k++] = "an expression";
	for (int i = 0; i < n && k < 6; i++) {
		int c = exp[i];
		if ((expr && (starts_expression(c) || c == TK_STAR)) || is_tabop_token(c))
			continue; /* '*' starts an expression too: * has "x" */
		if (c == TK_PARAMNAME || c == TK_HINTNAME || c == TK_ILLEGAL)
			continue;
		const char *d = lex_token_desc(c);
		if (!strcmp(d, "a keyword"))
			continue;
		bool dup = false;
		for (int j = 0; j < k; j++)
			dup = dup || !strcmp(items[j], d);
		if (!dup)
			items[k++] = d;
	}
	buf[0] = '\0';
	size_t used = 0;
	for (int i = 0; i < k; i++) {
		const char *sep = i == 0 ? "" : (i == k - 1 ? " or " : ", ");
		int w = snprintf(buf + used, size - used, "%s%s", sep, items[i]);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
}

static const char *closest_operator(const char *s, size_t len)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (size_t i = 0; i < sizeof(tabular_operators) / sizeof(*tabular_operators); i++) {
		const char *op = tabular_operators[i];
		unsigned d = diag_edit_distance(s, len, op, strlen(op), 2);
		if (d < best_d) {
			best_d = d;
			best = op;
		}
	}
	return best;
}

void parse_syntax_error(parser *p, int code, lex_token t, const int *exp, int n)
{
	if (p->failed || p->d->code) {
		p->failed = true;
		return;
	}
	p->failed = true;
	if (code == TK_ILLEGAL)
		return; /* the scanner has said why */
	char what[96], want[256];
	describe(p, code, t, what, sizeof(what));
	expected_list(exp, n, want, sizeof(want));
	uint32_t off = t.off, len = t.len;

	if (code == TK_INOP && !exp) {
		diag_set(p->d, KQLITE_SYNTAX, off, len, "expected 'in' here, not '%.*s'", (int)len, p->src + off);
		return;
	}
	if (p->prev_code == TK_PIPE && !is_tabop_token(code)) {
		if (code == TK_ID) {
			const char *near = closest_operator(p->src + off, len);
			if (near)
				diag_set(p->d, KQLITE_SYNTAX, off, len,
				         "unknown tabular operator %s; did you mean '%s'?", what, near);
			else
				diag_set(p->d, KQLITE_SYNTAX, off, len,
				         "unknown tabular operator %s after '|'", what);
		} else {
			diag_set(p->d, KQLITE_SYNTAX, off, len,
			         "expected a tabular operator after '|', found %s", what);
		}
		return;
	}
	if (p->prev_code == TK_WITH && has(exp, n, TK_STAR) && has(exp, n, TK_STRING)) {
		diag_set(p->d, KQLITE_SYNTAX, off, len,
		         "unexpected %s; expected a parse pattern after 'with': strings, '*' and column names", what);
		return;
	}
	if (code == TK_EQ && !has(exp, n, TK_EQ)) {
		diag_set(p->d, KQLITE_SYNTAX, off, len, "unexpected '=': use '==' to compare");
		return;
	}
	if (code == 0) {
		if (p->prev_code == TK_PIPE)
			diag_set(p->d, KQLITE_SYNTAX, p->prev.off, p->prev.len,
			         "expected a tabular operator after '|'");
		else if (want[0])
			diag_set(p->d, KQLITE_SYNTAX, off, 0, "unexpected end of query; expected %s", want);
		else
			diag_set(p->d, KQLITE_SYNTAX, off, 0, "unexpected end of query");
		return;
	}
	if (p->prev_code == TK_SEMI && !starts_expression(code)) {
		diag_set(p->d, KQLITE_SYNTAX, off, len, "unexpected %s; expected a statement after ';'", what);
		return;
	}
	bool ends_statement = n > 0;
	for (int i = 0; i < n; i++)
		ends_statement = ends_statement && (exp[i] == TK_SEMI || exp[i] == TK_PIPE);
	if (ends_statement) {
		/* lemon reduced up to a whole statement: the text before was complete */
		diag_set(p->d, KQLITE_SYNTAX, off, len,
		         "unexpected %s after a complete expression; expected ',', '|' or ';' before it", what);
		return;
	}
	if (want[0])
		diag_set(p->d, KQLITE_SYNTAX, off, len, "unexpected %s; expected %s", what, want);
	else
		diag_set(p->d, KQLITE_SYNTAX, off, len, "unexpected %s", what);
}

void parse_stack_overflow(parser *p)
{
	diag_set(p->d, KQLITE_LIMIT, p->tok.off, p->tok.len, "query is nested too deeply");
	p->failed = true;
}

/* Bracket bookkeeping, only for messages: an unclosed or stray bracket is
 * reported where it is, which the parser alone cannot do. */
static bool track_bracket(parser *p, brackets *b, int code, lex_token t)
{
	char open = 0, want = 0;
	switch (code) {
	case TK_LP: open = '('; break;
	case TK_LBRACKET: open = '['; break;
	case TK_LBRACE: open = '{'; break;
	case TK_RP: want = '('; break;
	case TK_RBRACKET: want = '['; break;
	case TK_RBRACE: want = '{'; break;
	default: return true;
	}
	if (open) {
		if (b->n < MAX_OPEN) {
			b->off[b->n] = t.off;
			b->ch[b->n] = open;
		}
		b->n++;
		return true;
	}
	if (b->n == 0) {
		diag_set(p->d, KQLITE_SYNTAX, t.off, t.len, "unmatched '%c': nothing is open here",
		         p->src[t.off]);
		return false;
	}
	b->n--;
	if (b->n < MAX_OPEN && b->ch[b->n] != want) {
		unsigned line, col;
		diag_linecol(p->src, p->len, b->off[b->n], &line, &col);
		diag_set(p->d, KQLITE_SYNTAX, t.off, t.len,
		         "'%c' does not match the '%c' opened at line %u, column %u", p->src[t.off],
		         b->ch[b->n], line, col);
		return false;
	}
	return true;
}

static void unclosed(parser *p, const brackets *b)
{
	int i = (b->n < MAX_OPEN ? b->n : MAX_OPEN) - 1;
	char close = b->ch[i] == '(' ? ')' : b->ch[i] == '[' ? ']' : '}';
	diag_set(p->d, KQLITE_SYNTAX, b->off[i], 1, "'%c' is never closed: expected '%c' before the end of the query",
	         b->ch[i], close);
}

int parse_query(parse_tree *tree, const char *text, size_t len, diag *d)
{
	memset(tree, 0, sizeof(*tree));
	arena_init(&tree->a);
	if (len >= UINT32_MAX / 2) {
		diag_set_nospan(d, KQLITE_LIMIT, "query is too large (%zu bytes)", len);
		return KQLITE_LIMIT;
	}
	char *copy = arena_strndup(&tree->a, text ? text : "", len);
	if (!copy) {
		diag_set_nospan(d, KQLITE_NOMEM, "out of memory while parsing");
		return KQLITE_NOMEM;
	}
	tree->text = copy;
	tree->len = len;

	parser p = {.a = &tree->a, .src = copy, .len = len, .d = d};
	lexer lx;
	lex_init(&lx, copy, len, d);
	void *lp = kqlParseAlloc(malloc, &p);
	if (!lp) {
		diag_set_nospan(d, KQLITE_NOMEM, "out of memory while parsing");
		return KQLITE_NOMEM;
	}
	brackets br = {.n = 0};
	bool any = false;
	for (;;) {
		lex_token t;
		int code = lex_next(&lx, &t);
		if (code == TK_ILLEGAL || !track_bracket(&p, &br, code, t))
			break;
		if (code == 0 && !any) {
			diag_set(d, KQLITE_SYNTAX, 0, 0, "empty query");
			break;
		}
		if (code == 0 && br.n > 0) {
			unclosed(&p, &br);
			break;
		}
		any = true;
		p.prev = p.tok;
		p.prev_code = p.code;
		p.tok = t;
		p.code = code;
		kqlParse(lp, code, t);
		if (p.failed || d->code || code == 0)
			break;
	}
	kqlParseFree(lp, free);
	if (d->code)
		return d->code;
	tree->root = p.root;
	return KQLITE_OK;
}

void parse_tree_free(parse_tree *t)
{
	arena_free(&t->a);
	t->root = NULL;
}
