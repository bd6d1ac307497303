/* print.c -- the tree back to KQL text (normalised spacing and quoting),
 * and an S-expression dump for tests. The printer adds no parentheses:
 * the parser keeps every written pair as a PAREN node, so printing a
 * parsed tree and parsing it again gives the same tree. */
#include <string.h>

#include "kql.h"
#include "kqlite.h"
#include "parse.h"

static void expr(strbuf *b, const ast *n);
static void pipe_or_expr(strbuf *b, const ast *n);

static void text(strbuf *b, const ast *n)
{
	sb_add(b, n->text, n->tlen);
}

/* A name prints bare when the scanner reads it back as one plain name;
 * otherwise (spaces, keywords, operators) as ['...']. */
static bool plain_name(const char *s, size_t len)
{
	if (len == 0 || len > 256)
		return false;
	char buf[260];
	memcpy(buf, s, len);
	buf[len] = '\0';
	diag d;
	diag_clear(&d);
	lexer lx;
	lex_token t;
	lex_init(&lx, buf, len, &d);
	return lex_next(&lx, &t) == TK_ID && t.off == 0 && t.len == len;
}

static void quoted(strbuf *b, const char *s, size_t len, char q)
{
	sb_addc(b, q);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '\\': sb_adds(b, "\\\\"); break;
		case '\n': sb_adds(b, "\\n"); break;
		case '\r': sb_adds(b, "\\r"); break;
		case '\t': sb_adds(b, "\\t"); break;
		case '\0': sb_adds(b, "\\0"); break;
		default:
			if (c == (unsigned char)q) {
				sb_addc(b, '\\');
				sb_addc(b, (char)c);
			} else if (c < 0x20 || c == 0x7f) {
				sb_printf(b, "\\u%04x", c);
			} else {
				sb_addc(b, (char)c);
			}
		}
	}
	sb_addc(b, q);
}

static void name_text(strbuf *b, const char *s, size_t len)
{
	if (plain_name(s, len)) {
		sb_add(b, s, len);
	} else {
		sb_addc(b, '[');
		quoted(b, s, len, '\'');
		sb_addc(b, ']');
	}
}

static void name(strbuf *b, const ast *n)
{
	name_text(b, n->text, n->tlen);
}

/* A function name prints bare when it is a word that the parser takes
 * as a name before '(' (keywords such as count fall back to names there);
 * anything else prints as ['...']. */
static void function_name(strbuf *b, const ast *n)
{
	bool word = n->tlen > 0 && n->tlen <= 256;
	for (uint32_t i = 0; word && i < n->tlen; i++) {
		char c = n->text[i];
		word = c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		       (i > 0 && c >= '0' && c <= '9');
	}
	if (word) {
		char buf[260];
		memcpy(buf, n->text, n->tlen);
		buf[n->tlen] = '\0';
		diag d;
		diag_clear(&d);
		lexer lx;
		lex_token t;
		lex_init(&lx, buf, n->tlen, &d);
		int code = lex_next(&lx, &t);
		word = code != TK_AND && code != TK_OR && code != TK_TRUE && code != TK_FALSE &&
		       code != TK_STROP && code != TK_INOP && code != TK_BETWEEN && code != TK_ILLEGAL &&
		       t.len == n->tlen;
	}
	if (word)
		text(b, n);
	else
		name(b, n);
}

static void list(strbuf *b, const ast *l, uint32_t from, const char *sep, void (*fn)(strbuf *, const ast *))
{
	for (uint32_t i = from; l && i < l->nkids; i++) {
		if (i > from)
			sb_adds(b, sep);
		fn(b, l->kids[i]);
	}
}

static void type(strbuf *b, const ast *n)
{
	text(b, n);
}

static void schema(strbuf *b, const ast *n)
{
	sb_addc(b, '(');
	for (uint32_t i = 0; i < n->nkids; i++) {
		if (i)
			sb_adds(b, ", ");
		name(b, n->kids[i]);
		sb_addc(b, ':');
		type(b, n->kids[i]->kids[0]);
	}
	if (n->op == 1)
		sb_adds(b, n->nkids ? ", *" : "*");
	sb_addc(b, ')');
}

static void param(strbuf *b, const ast *n)
{
	name(b, n);
	sb_addc(b, ':');
	if (n->kids[0]->kind == A_SCHEMA)
		schema(b, n->kids[0]);
	else
		type(b, n->kids[0]);
	if (n->nkids > 1 && n->kids[1]) {
		sb_adds(b, " = ");
		expr(b, n->kids[1]);
	}
}

static void assign(strbuf *b, const ast *n)
{
	if (n->kind == A_ASSIGN) {
		name(b, n);
		sb_adds(b, " = ");
		expr(b, n->kids[0]);
	} else if (n->kind == A_TUPLE_ASSIGN) {
		sb_addc(b, '(');
		list(b, n->kids[0], 0, ", ", name);
		sb_adds(b, ") = ");
		expr(b, n->kids[1]);
	} else {
		expr(b, n);
	}
}

static void opparams(strbuf *b, const ast *l)
{
	for (uint32_t i = 0; l && i < l->nkids; i++) {
		text(b, l->kids[i]);
		sb_addc(b, '=');
		expr(b, l->kids[i]->kids[0]);
		sb_addc(b, ' ');
	}
}

static void namepat(strbuf *b, const ast *n)
{
	if (n->op & 1)
		sb_addc(b, '*');
	if (n->tlen)
		name(b, n);
	if (n->op & 2)
		sb_addc(b, '*');
	if (n->op & 4)
		sb_adds(b, " asc");
	if (n->op & 8)
		sb_adds(b, " desc");
}

static void sortflags(strbuf *b, int op)
{
	if (op & SORT_ASC)
		sb_adds(b, " asc");
	if (op & SORT_DESC)
		sb_adds(b, " desc");
	if (op & SORT_NULLS_FIRST)
		sb_adds(b, " nulls first");
	if (op & SORT_NULLS_LAST)
		sb_adds(b, " nulls last");
}

static void sortkey(strbuf *b, const ast *n)
{
	expr(b, n->kids[0]);
	sortflags(b, n->op);
}

static void prop(strbuf *b, const ast *n)
{
	name(b, n);
	sb_adds(b, " = ");
	list(b, n, 0, ", ", expr);
}

static void leg(strbuf *b, const ast *n)
{
	if (n->kind == A_NAMEPAT)
		namepat(b, n);
	else
		expr(b, n);
}

static void mvitem(strbuf *b, const ast *n)
{
	assign(b, n->kids[0]);
	if (n->kids[1]) {
		sb_adds(b, " to typeof(");
		type(b, n->kids[1]);
		sb_addc(b, ')');
	}
}

static void msagg(strbuf *b, const ast *n)
{
	assign(b, n->kids[0]);
	if (n->kids[1]) {
		sb_adds(b, " default = ");
		expr(b, n->kids[1]);
	}
}

static void pitem(strbuf *b, const ast *n)
{
	if (n->kind == A_PCAPTURE) {
		name(b, n);
		if (n->nkids) {
			sb_addc(b, ':');
			type(b, n->kids[0]);
		}
	} else {
		expr(b, n);
	}
}

static void tnclause(strbuf *b, const ast *n)
{
	sb_adds(b, "top-nested ");
	if (n->kids[0]) {
		expr(b, n->kids[0]);
		sb_addc(b, ' ');
	}
	sb_adds(b, "of ");
	assign(b, n->kids[1]);
	if (n->kids[2]) {
		sb_adds(b, " with others = ");
		expr(b, n->kids[2]);
	}
	sb_adds(b, " by ");
	assign(b, n->kids[3]);
	sortflags(b, n->op);
}

static void subpipe(strbuf *b, const ast *n);

static void tables_in(strbuf *b, const ast *l)
{
	if (!l)
		return;
	sb_adds(b, "in (");
	list(b, l, 0, ", ", leg);
	sb_adds(b, ") ");
}

static void with_kw(strbuf *b, const char *kw, const ast *n)
{
	sb_adds(b, kw);
	if (n->nkids) {
		sb_addc(b, ' ');
		list(b, n, 0, ", ", assign);
	}
}

static void datatable_rows(strbuf *b, const ast *l)
{
	sb_addc(b, '[');
	list(b, l, 0, ", ", expr);
	sb_addc(b, ']');
}

/* Tabular operators and sources. */
static void tabop(strbuf *b, const ast *n)
{
	switch (n->kind) {
	case A_WHERE: sb_adds(b, "where "); expr(b, n->kids[0]); break;
	case A_EXTEND: with_kw(b, "extend", n); break;
	case A_PROJECT: with_kw(b, "project", n); break;
	case A_SERIALIZE: with_kw(b, "serialize", n); break;
	case A_DISTINCT: with_kw(b, "distinct", n); break;
	case A_PRINT: with_kw(b, "print", n); break;
	case A_PROJECT_RENAME: with_kw(b, "project-rename", n); break;
	case A_PROJECT_AWAY: sb_adds(b, "project-away "); list(b, n, 0, ", ", namepat); break;
	case A_PROJECT_KEEP: sb_adds(b, "project-keep "); list(b, n, 0, ", ", namepat); break;
	case A_PROJECT_REORDER: sb_adds(b, "project-reorder "); list(b, n, 0, ", ", namepat); break;
	case A_SUMMARIZE:
		sb_adds(b, "summarize ");
		opparams(b, n->kids[0]);
		list(b, n->kids[1], 0, ", ", assign);
		if (n->kids[2]) {
			sb_adds(b, n->kids[1]->nkids ? " by " : "by ");
			list(b, n->kids[2], 0, ", ", assign);
		}
		break;
	case A_SORT: sb_adds(b, "sort by "); list(b, n, 0, ", ", sortkey); break;
	case A_TOP:
		sb_adds(b, "top ");
		expr(b, n->kids[0]);
		sb_adds(b, " by ");
		list(b, n, 1, ", ", sortkey);
		break;
	case A_TAKE: sb_adds(b, "take "); expr(b, n->kids[0]); break;
	case A_COUNT: sb_adds(b, "count"); break;
	case A_GETSCHEMA: sb_adds(b, "getschema"); break;
	case A_RENDER:
		sb_adds(b, "render ");
		name(b, n);
		if (n->nkids) {
			sb_adds(b, " with (");
			list(b, n, 0, ", ", prop);
			sb_addc(b, ')');
		}
		break;
	case A_MV_EXPAND:
	case A_MV_APPLY:
		sb_adds(b, n->kind == A_MV_EXPAND ? "mv-expand " : "mv-apply ");
		opparams(b, n->kids[0]);
		list(b, n->kids[1], 0, ", ", mvitem);
		if (n->kids[2]) {
			sb_adds(b, " limit ");
			expr(b, n->kids[2]);
		}
		if (n->kind == A_MV_APPLY) {
			sb_adds(b, " on (");
			subpipe(b, n->kids[3]);
			sb_addc(b, ')');
		}
		break;
	case A_PARSE:
		sb_adds(b, n->op ? "parse-where " : "parse ");
		opparams(b, n->kids[0]);
		expr(b, n->kids[1]);
		sb_adds(b, " with ");
		list(b, n, 2, " ", pitem);
		break;
	case A_MAKE_SERIES:
		sb_adds(b, "make-series ");
		opparams(b, n->kids[0]);
		list(b, n->kids[1], 0, ", ", msagg);
		sb_adds(b, " on ");
		expr(b, n->kids[2]);
		if (n->kids[3]) {
			sb_adds(b, " from ");
			expr(b, n->kids[3]);
		}
		if (n->kids[4]) {
			sb_adds(b, " to ");
			expr(b, n->kids[4]);
		}
		sb_adds(b, " step ");
		expr(b, n->kids[5]);
		if (n->kids[6]) {
			sb_adds(b, " by ");
			list(b, n->kids[6], 0, ", ", assign);
		}
		break;
	case A_EVALUATE: sb_adds(b, "evaluate "); opparams(b, n->kids[0]); expr(b, n->kids[1]); break;
	case A_INVOKE: sb_adds(b, "invoke "); expr(b, n->kids[0]); break;
	case A_AS: sb_adds(b, "as "); opparams(b, n->kids[0]); name(b, n); break;
	case A_SAMPLE: sb_adds(b, "sample "); expr(b, n->kids[0]); break;
	case A_SAMPLE_DISTINCT:
		sb_adds(b, "sample-distinct ");
		expr(b, n->kids[0]);
		sb_adds(b, " of ");
		expr(b, n->kids[1]);
		break;
	case A_SEARCH:
		sb_adds(b, "search ");
		opparams(b, n->kids[0]);
		tables_in(b, n->kids[1]);
		expr(b, n->kids[2]);
		break;
	case A_FIND:
		sb_adds(b, "find ");
		opparams(b, n->kids[0]);
		tables_in(b, n->kids[1]);
		sb_adds(b, "where ");
		expr(b, n->kids[2]);
		if (n->op == 1)
			sb_adds(b, " project-smart");
		else if (n->kids[3])
			with_kw(b, " project", n->kids[3]);
		break;
	case A_UNION:
		sb_adds(b, "union ");
		opparams(b, n->kids[0]);
		list(b, n, 1, ", ", leg);
		break;
	case A_JOIN:
	case A_LOOKUP:
		sb_adds(b, n->kind == A_JOIN ? "join " : "lookup ");
		opparams(b, n->kids[0]);
		leg(b, n->kids[1]);
		sb_adds(b, " on ");
		list(b, n->kids[2], 0, ", ", expr);
		break;
	case A_TOP_NESTED: list(b, n, 0, ", ", tnclause); break;
	case A_PARTITION:
		sb_adds(b, "partition ");
		opparams(b, n->kids[0]);
		sb_adds(b, "by ");
		name(b, n->kids[1]);
		if (n->kids[2]->kind == A_SUBPIPE) {
			sb_adds(b, " (");
			subpipe(b, n->kids[2]);
			sb_addc(b, ')');
		} else {
			sb_adds(b, " { ");
			pipe_or_expr(b, n->kids[2]);
			sb_adds(b, " }");
		}
		break;
	case A_RANGE:
		sb_adds(b, "range ");
		name(b, n);
		sb_adds(b, " from ");
		expr(b, n->kids[0]);
		sb_adds(b, " to ");
		expr(b, n->kids[1]);
		sb_adds(b, " step ");
		expr(b, n->kids[2]);
		break;
	case A_DATATABLE:
		sb_adds(b, "datatable");
		schema(b, n->kids[0]);
		datatable_rows(b, n->kids[1]);
		break;
	case A_EXTERNALDATA:
		sb_adds(b, "externaldata");
		schema(b, n->kids[0]);
		datatable_rows(b, n->kids[1]);
		if (n->kids[2]) {
			sb_adds(b, " with (");
			list(b, n->kids[2], 0, ", ", prop);
			sb_addc(b, ')');
		}
		break;
	default:
		sb_printf(b, "<%s>", ast_kind_name(n->kind));
	}
}

static void subpipe(strbuf *b, const ast *n)
{
	list(b, n, 0, " | ", tabop);
}

static bool is_source(int kind)
{
	switch (kind) {
	case A_RANGE: case A_PRINT: case A_UNION: case A_DATATABLE: case A_EXTERNALDATA:
	case A_SEARCH: case A_FIND:
		return true;
	default:
		return false;
	}
}

static void pipe_or_expr(strbuf *b, const ast *n)
{
	if (n->kind == A_PIPE) {
		pipe_or_expr(b, n->kids[0]);
		for (uint32_t i = 1; i < n->nkids; i++) {
			sb_adds(b, "\n| ");
			tabop(b, n->kids[i]);
		}
	} else if (is_source(n->kind)) {
		tabop(b, n);
	} else {
		expr(b, n);
	}
}

static void string_lit(strbuf *b, const ast *n)
{
	if (n->flags & LIT_OBFUSCATED)
		sb_addc(b, 'h');
	quoted(b, n->text, n->tlen, '"');
}

static void call_args(strbuf *b, const ast *n, uint32_t from)
{
	sb_addc(b, '(');
	for (uint32_t i = from; i < n->nkids; i++) {
		const ast *a = n->kids[i];
		if (i > from)
			sb_adds(b, ", ");
		if (a->kind == A_NAMEDARG) {
			name(b, a);
			sb_adds(b, " = ");
			expr(b, a->kids[0]);
		} else {
			pipe_or_expr(b, a);
		}
	}
	sb_addc(b, ')');
}

static void name_bracketed(strbuf *b, const ast *n)
{
	sb_addc(b, '[');
	quoted(b, n->text, n->tlen, '\'');
	sb_addc(b, ']');
}

/* datetime(x), long(x)... are literals when the text inside looks like one
 * (datetime(2021-01-01)); a call of such a name whose first argument does
 * not print as a name would read back as a literal: write ['datetime'](...). */
static bool typed_word_call_needs_brackets(const ast *n)
{
	static const char *const words[] = {"bool", "boolean", "int", "int32", "long", "int64", "real",
	                                    "double", "decimal", "datetime", "date", "timespan", "time",
	                                    "guid", "uniqueid", "dynamic"};
	bool typed = false;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words) && !typed; i++)
		typed = ast_text_is(n, words[i]);
	if (!typed)
		return false;
	if (n->nkids == 0)
		return true;
	strbuf tmp;
	sb_init(&tmp);
	if (n->kids[0]->kind == A_NAMEDARG)
		name(&tmp, n->kids[0]);
	else
		pipe_or_expr(&tmp, n->kids[0]);
	char c = tmp.s && tmp.len ? tmp.s[0] : '\0';
	bool namey = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
	             (c == '[' && tmp.len > 1 && (tmp.s[1] == '\'' || tmp.s[1] == '"'));
	if (namey) { /* true, false, null, nan, inf are literal words */
		static const char *const lit[] = {"true", "false", "null", "nan", "inf"};
		for (size_t i = 0; i < sizeof(lit) / sizeof(*lit); i++) {
			size_t l = strlen(lit[i]);
			char after = tmp.len > l ? tmp.s[l] : '\0';
			if (tmp.len >= l && !memcmp(tmp.s, lit[i], l) &&
			    !((after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
			      (after >= '0' && after <= '9') || after == '_'))
				namey = false;
		}
	}
	sb_free(&tmp);
	return !namey;
}

static void expr(strbuf *b, const ast *n)
{
	switch (n->kind) {
	case A_NAME: name(b, n); break;
	case A_LITERAL:
		if (n->op == KQLITE_TYPE_STRING)
			string_lit(b, n);
		else
			text(b, n);
		break;
	case A_BINARY:
		expr(b, n->kids[0]);
		sb_printf(b, " %s ", lex_op_text(n->op));
		expr(b, n->kids[1]);
		break;
	case A_UNARY:
		sb_adds(b, lex_op_text(n->op));
		expr(b, n->kids[0]);
		break;
	case A_IN:
		expr(b, n->kids[0]);
		sb_printf(b, " %s (", lex_op_text(n->op));
		list(b, n, 1, ", ", pipe_or_expr);
		sb_addc(b, ')');
		break;
	case A_BETWEEN:
		expr(b, n->kids[0]);
		sb_printf(b, " %s (", lex_op_text(n->op));
		expr(b, n->kids[1]);
		sb_adds(b, " .. ");
		expr(b, n->kids[2]);
		sb_addc(b, ')');
		break;
	case A_CALL:
		if (typed_word_call_needs_brackets(n))
			name_bracketed(b, n);
		else
			function_name(b, n);
		call_args(b, n, 0);
		break;
	case A_METHOD:
		expr(b, n->kids[0]);
		/* hint.x would scan as one hint token: write hint .x */
		sb_adds(b, (n->kids[0]->kind == A_NAME || n->kids[0]->kind == A_MEMBER) && ast_text_is(n->kids[0], "hint")
		               ? " ."
		               : ".");
		function_name(b, n);
		call_args(b, n, 1);
		break;
	case A_MEMBER:
		expr(b, n->kids[0]);
		/* hint.x would scan as one hint token: write hint['x'] */
		if (plain_name(n->text, n->tlen) && !((n->kids[0]->kind == A_NAME || n->kids[0]->kind == A_MEMBER) &&
		                                       ast_text_is(n->kids[0], "hint"))) {
			sb_addc(b, '.');
			text(b, n);
		} else {
			sb_addc(b, '[');
			quoted(b, n->text, n->tlen, '\'');
			sb_addc(b, ']');
		}
		break;
	case A_INDEX:
		expr(b, n->kids[0]);
		sb_addc(b, '[');
		expr(b, n->kids[1]);
		sb_addc(b, ']');
		break;
	case A_PAREN:
		sb_addc(b, '(');
		pipe_or_expr(b, n->kids[0]);
		sb_addc(b, ')');
		break;
	case A_STAR: sb_addc(b, '*'); break;
	case A_PIPE: pipe_or_expr(b, n); break;
	default:
		if (is_source(n->kind))
			tabop(b, n);
		else
			sb_printf(b, "<%s>", ast_kind_name(n->kind));
	}
}

static void body(strbuf *b, const ast *n);

static void statement(strbuf *b, const ast *n)
{
	switch (n->kind) {
	case A_LET:
		sb_adds(b, "let ");
		name(b, n);
		sb_adds(b, " = ");
		if (n->kids[0]->kind == A_LAMBDA) {
			const ast *l = n->kids[0];
			sb_adds(b, l->op ? "view (" : "(");
			list(b, l->kids[0], 0, ", ", param);
			sb_adds(b, ") ");
			body(b, l->kids[1]);
		} else {
			pipe_or_expr(b, n->kids[0]);
		}
		break;
	case A_SET:
		sb_adds(b, "set ");
		name(b, n);
		if (n->nkids) {
			sb_adds(b, " = ");
			expr(b, n->kids[0]);
		}
		break;
	case A_DECLARE:
		sb_adds(b, "declare query_parameters(");
		list(b, n->kids[0], 0, ", ", param);
		sb_addc(b, ')');
		break;
	default:
		pipe_or_expr(b, n);
	}
}

static void body(strbuf *b, const ast *n)
{
	sb_adds(b, "{ ");
	list(b, n, 0, "; ", statement);
	sb_adds(b, " }");
}

void print_kql(strbuf *b, const ast *n)
{
	if (n->kind == A_QUERY) {
		list(b, n, 0, ";\n", statement);
		return;
	}
	statement(b, n);
}

void print_dump(strbuf *b, const ast *n)
{
	if (!n) {
		sb_adds(b, "nil");
		return;
	}
	sb_addc(b, '(');
	sb_adds(b, ast_kind_name(n->kind));
	if (n->kind == A_BINARY || n->kind == A_UNARY || n->kind == A_IN || n->kind == A_BETWEEN)
		sb_printf(b, " %s", lex_op_text(n->op));
	else if (n->kind == A_LITERAL)
		sb_printf(b, ":%s", kqlite_type_name((kqlite_type)n->op));
	else if (n->op)
		sb_printf(b, ":%u", n->op);
	if (n->flags)
		sb_printf(b, "/%u", n->flags);
	if (n->tlen || n->kind == A_LITERAL) {
		sb_addc(b, ' ');
		quoted(b, n->text, n->tlen, '"');
	}
	for (uint32_t i = 0; i < n->nkids; i++) {
		sb_addc(b, ' ');
		print_dump(b, n->kids[i]);
	}
	sb_addc(b, ')');
}
