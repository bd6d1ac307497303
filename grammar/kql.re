/* kql.re -- the KQL scanner (re2c). One call returns one token as a span
 * of the query text. Keywords are matched here and demoted to names by the
 * parser's %fallback wherever a keyword cannot stand. Literals whose body
 * is not a token sequence (datetime(2021-01-01 10:00), dynamic({...})) are
 * scanned whole here and checked when the parser builds their node. */
#include <string.h>

#include "kql.h"
#include "lex.h"
#include "kqlite.h"
#include "types.h"

void lex_init(lexer *lx, const char *src, size_t len, diag *d)
{
	lx->src = (const unsigned char *)src;
	lx->cur = lx->src;
	lx->lim = lx->src + len;
	lx->d = d;
}

static uint32_t off_of(const lexer *lx, const unsigned char *p)
{
	return (uint32_t)(p - lx->src);
}

static int lex_error(lexer *lx, const unsigned char *at, size_t len, const char *msg)
{
	diag_set(lx->d, KQLITE_SYNTAX, off_of(lx, at), (uint32_t)len, "%s", msg);
	return TK_ILLEGAL;
}

/* Skips a quoted string starting at p (which points at the quote or at the
 * '@' of a verbatim one); returns the position after it, or NULL. */
static const unsigned char *skip_string(const unsigned char *p, const unsigned char *lim)
{
	bool verbatim = false;
	if (*p == '@') {
		verbatim = true;
		p++;
	}
	unsigned char q = *p++;
	while (p < lim) {
		if (*p == q) {
			if (verbatim && p + 1 < lim && p[1] == q) {
				p += 2;
				continue;
			}
			return p + 1;
		}
		if (*p == '\\' && !verbatim && p + 1 < lim)
			p++;
		else if (*p == '\n' && !verbatim)
			return NULL;
		p++;
	}
	return NULL;
}

/* From just after an opening '(', finds the matching ')' (brackets of
 * every kind nest; strings are skipped). Returns it, or NULL. */
static const unsigned char *match_paren(const unsigned char *p, const unsigned char *lim)
{
	int depth = 1;
	while (p < lim) {
		unsigned char c = *p;
		if (c == '/' && p + 1 < lim && p[1] == '/') {
			while (p < lim && *p != '\n')
				p++;
			continue;
		}
		if (c == '"' || c == '\'' || (c == '@' && p + 1 < lim && (p[1] == '"' || p[1] == '\''))) {
			p = skip_string(p, lim);
			if (!p)
				return NULL;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (++depth > 256)
				return NULL;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0)
				return c == ')' ? p : NULL;
		}
		p++;
	}
	return NULL;
}

static bool word_is(const unsigned char *s, const unsigned char *e, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(e - s) == n && memcmp(s, w, n) == 0;
}

/* A typed literal such as datetime(2021-01-01) or long(null) is one token
 * when its body is literal-shaped; a body that starts like a name
 * (datetime(SomeColumn)) makes the type word an ordinary function name. */
static int scan_typed(lexer *lx, const unsigned char *start, const unsigned char *word_end,
                      const unsigned char *lp, lex_token *t, kqlite_type type)
{
	const unsigned char *rp = match_paren(lp + 1, lx->lim);
	const unsigned char *b = lp + 1, *e = rp ? rp : lx->lim;
	while (b < e && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n'))
		b++;
	const unsigned char *we = b;
	while (we < e && ((*we >= 'a' && *we <= 'z') || (*we >= 'A' && *we <= 'Z') ||
	                  (*we >= '0' && *we <= '9') || *we == '_' || *we == '$'))
		we++;
	bool namey = b < e && ((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || *b == '_' || *b == '$' ||
	                       (*b == '[' && b + 1 < e && (b[1] == '\'' || b[1] == '"'))); /* ['name'] */
	unsigned char g[16];
	const unsigned char *ge = e;
	while (ge > b && (ge[-1] == ' ' || ge[-1] == '\t' || ge[-1] == '\r' || ge[-1] == '\n'))
		ge--;
	int64_t ticks;
	/* guid(a1b2c3d4-...) and datetime(Sat, 8 Nov 14 ...) are literals that start with a letter */
	if (namey && type == KQLITE_TYPE_GUID && guid_parse((const char *)b, (size_t)(ge - b), g))
		namey = false;
	if (namey && type == KQLITE_TYPE_DATETIME && datetime_parse((const char *)b, (size_t)(ge - b), &ticks))
		namey = false;
	if (namey && !word_is(b, we, "null") && !word_is(b, we, "true") && !word_is(b, we, "false") &&
	    !word_is(b, we, "nan") && !word_is(b, we, "inf")) {
		t->len = (uint32_t)(word_end - start);
		lx->cur = word_end;
		return TK_ID;
	}
	if (!rp)
		return lex_error(lx, start, (size_t)(lp + 1 - start), "unterminated literal: no ')' closes this '('");
	t->len = (uint32_t)(rp + 1 - start);
	t->sub = (uint16_t)type;
	lx->cur = rp + 1;
	return TK_TYPEDLIT;
}

static int scan_dynamic(lexer *lx, const unsigned char *start, const unsigned char *lp, lex_token *t)
{
	const unsigned char *rp = match_paren(lp + 1, lx->lim);
	if (!rp)
		return lex_error(lx, start, (size_t)(lp + 1 - start),
		                 "unterminated dynamic literal: no ')' closes this '('");
	t->len = (uint32_t)(rp + 1 - start);
	t->sub = KQLITE_TYPE_DYNAMIC;
	lx->cur = rp + 1;
	return TK_DYNLIT;
}

static int scan_multiline(lexer *lx, const unsigned char *start, lex_token *t)
{
	const unsigned char *p = start + 3;
	while (p + 2 < lx->lim) {
		if (p[0] == '`' && p[1] == '`' && p[2] == '`') {
			t->len = (uint32_t)(p + 3 - start);
			t->sub = STR_MULTILINE;
			lx->cur = p + 3;
			return TK_STRING;
		}
		p++;
	}
	return lex_error(lx, start, 3, "unterminated multi-line string: no closing ```");
}

static const unsigned char *type_word_end(const unsigned char *s, const unsigned char *lp)
{
	const unsigned char *e = s;
	while (e < lp && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n' && *e != '(')
		e++;
	return e;
}

int lex_next(lexer *lx, lex_token *t)
{
	const unsigned char *cur, *mar, *lim = lx->lim, *start;
	kqlite_type ty;
	int op;
again:
	cur = lx->cur;
	start = cur;
	t->off = off_of(lx, cur);
	t->len = 0;
	t->sub = 0;
	/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = cur;
	re2c:define:YYMARKER = mar;
	re2c:define:YYLIMIT = lim;
	re2c:yyfill:enable = 0;
	re2c:eof = 0;

	/* Unicode spaces (NBSP, U+1680, U+180E, U+2000-U+200B, U+2028/9, U+202F,
	 * U+205F, U+3000) and the BOM are spaces too, as in Kusto: they come with
	 * queries pasted from pages. */
	ws = [ \t\r\n\f\v]+ | "\xC2\xA0" | "\xEF\xBB\xBF" | "\xE2\x80" [\x80-\x8B\xA8\xA9\xAF]
	   | "\xE2\x81\x9F" | "\xE3\x80\x80" | "\xE1\x9A\x80" | "\xE1\xA0\x8E";
	id = [A-Za-z_$][A-Za-z0-9_]*;
	dq = ["] ([^"\\\n] | "\\" [^\n])* ["];
	sq = ['] ([^'\\\n] | "\\" [^\n])* ['];
	vdq = "@" ["] ([^"] | ["]["])* ["];
	vsq = "@" ['] ([^'] | [']['])* ['];
	str = dq | sq | vdq | vsq;
	digits = [0-9]+;
	exp = [eE] [+-]? digits;
	unit = "d" | "day" | "days" | "h" | "hr" | "hrs" | "hour" | "hours"
	     | "m" | "min" | "minute" | "minutes" | "s" | "sec" | "second" | "seconds"
	     | "ms" | "milli" | "millis" | "millisecond" | "milliseconds"
	     | "microsecond" | "microseconds" | "tick" | "ticks";
	sp = ws*;

	$ { return 0; }
	ws { lx->cur = cur; goto again; }
	"//" [^\n]* { lx->cur = cur; goto again; }

	"|" { t->len = 1; lx->cur = cur; return TK_PIPE; }
	";" { t->len = 1; lx->cur = cur; return TK_SEMI; }
	"," { t->len = 1; lx->cur = cur; return TK_COMMA; }
	"(" { t->len = 1; lx->cur = cur; return TK_LP; }
	")" { t->len = 1; lx->cur = cur; return TK_RP; }
	"[" { t->len = 1; lx->cur = cur; return TK_LBRACKET; }
	"]" { t->len = 1; lx->cur = cur; return TK_RBRACKET; }
	"{" { t->len = 1; lx->cur = cur; return TK_LBRACE; }
	"}" { t->len = 1; lx->cur = cur; return TK_RBRACE; }
	".." { t->len = 2; lx->cur = cur; return TK_DOTDOT; }
	"." { t->len = 1; lx->cur = cur; return TK_DOT; }
	":" { t->len = 1; lx->cur = cur; return TK_COLON; }
	"=" { t->len = 1; lx->cur = cur; return TK_EQ; }
	"+" { t->len = 1; lx->cur = cur; return TK_PLUS; }
	"-" { t->len = 1; lx->cur = cur; return TK_MINUS; }
	"*" { t->len = 1; lx->cur = cur; return TK_STAR; }
	"/" { t->len = 1; lx->cur = cur; return TK_SLASH; }
	"%" { t->len = 1; lx->cur = cur; return TK_PERCENT; }

	"==" { op = OP_EQ; goto cmp; }
	"!=" | "<>" { op = OP_NE; goto cmp; }
	"<" { op = OP_LT; goto cmp; }
	"<=" { op = OP_LE; goto cmp; }
	">" { op = OP_GT; goto cmp; }
	">=" { op = OP_GE; goto cmp; }
	"=~" { op = OP_EQ_CI; goto cmp; }
	"!~" { op = OP_NE_CI; goto cmp; }

	"has" { op = OP_HAS; goto strop; }
	"!has" { op = OP_NHAS; goto strop; }
	"has_cs" { op = OP_HAS_CS; goto strop; }
	"!has_cs" { op = OP_NHAS_CS; goto strop; }
	"hasprefix" { op = OP_HASPREFIX; goto strop; }
	"!hasprefix" { op = OP_NHASPREFIX; goto strop; }
	"hasprefix_cs" { op = OP_HASPREFIX_CS; goto strop; }
	"!hasprefix_cs" { op = OP_NHASPREFIX_CS; goto strop; }
	"hassuffix" { op = OP_HASSUFFIX; goto strop; }
	"!hassuffix" { op = OP_NHASSUFFIX; goto strop; }
	"hassuffix_cs" { op = OP_HASSUFFIX_CS; goto strop; }
	"!hassuffix_cs" { op = OP_NHASSUFFIX_CS; goto strop; }
	"contains" { op = OP_CONTAINS; goto strop; }
	"!contains" | "notcontains" { op = OP_NCONTAINS; goto strop; }
	"contains_cs" | "containscs" { op = OP_CONTAINS_CS; goto strop; }
	"!contains_cs" | "notcontainscs" { op = OP_NCONTAINS_CS; goto strop; }
	"startswith" { op = OP_STARTSWITH; goto strop; }
	"!startswith" { op = OP_NSTARTSWITH; goto strop; }
	"startswith_cs" { op = OP_STARTSWITH_CS; goto strop; }
	"!startswith_cs" { op = OP_NSTARTSWITH_CS; goto strop; }
	"endswith" { op = OP_ENDSWITH; goto strop; }
	"!endswith" { op = OP_NENDSWITH; goto strop; }
	"endswith_cs" { op = OP_ENDSWITH_CS; goto strop; }
	"!endswith_cs" { op = OP_NENDSWITH_CS; goto strop; }
	"matches" [ \t\r\n]+ "regex" { op = OP_MATCHES; goto strop; }
	"like" { op = OP_LIKE; goto strop; }
	"notlike" | "!like" { op = OP_NLIKE; goto strop; }

	"in" { op = OP_IN; goto inop; }
	"!in" { op = OP_NIN; goto inop; }
	"in~" { op = OP_IN_CI; goto inop; }
	"!in~" { op = OP_NIN_CI; goto inop; }
	"has_any" { op = OP_HAS_ANY; goto inop; }
	"has_all" { op = OP_HAS_ALL; goto inop; }
	"between" { op = OP_BETWEEN; goto between; }
	"!between" | "notbetween" { op = OP_NBETWEEN; goto between; }

	"and" { t->len = 3; lx->cur = cur; return TK_AND; }
	"or" { t->len = 2; lx->cur = cur; return TK_OR; }
	"true" { t->len = 4; lx->cur = cur; return TK_TRUE; }
	"false" { t->len = 5; lx->cur = cur; return TK_FALSE; }

	"where" { goto kw_where; }
	"filter" { goto kw_filter; }
	"extend" { goto kw_extend; }
	"project" { goto kw_project; }
	"project-away" { goto kw_project_away; }
	"project-keep" { goto kw_project_keep; }
	"project-rename" { goto kw_project_rename; }
	"project-reorder" { goto kw_project_reorder; }
	"project-smart" { goto kw_project_smart; }
	"summarize" { goto kw_summarize; }
	"by" { goto kw_by; }
	"range" { goto kw_range; }
	"from" { goto kw_from; }
	"to" { goto kw_to; }
	"step" { goto kw_step; }
	"union" { goto kw_union; }
	"join" { goto kw_join; }
	"lookup" { goto kw_lookup; }
	"on" { goto kw_on; }
	"sort" { goto kw_sort; }
	"order" { goto kw_order; }
	"asc" { goto kw_asc; }
	"desc" { goto kw_desc; }
	"nulls" { goto kw_nulls; }
	"first" { goto kw_first; }
	"last" { goto kw_last; }
	"top" { goto kw_top; }
	"top-nested" { goto kw_top_nested; }
	"of" { goto kw_of; }
	"with" { goto kw_with; }
	"others" { goto kw_others; }
	"take" { goto kw_take; }
	"limit" { goto kw_limit; }
	"distinct" { goto kw_distinct; }
	"count" { goto kw_count; }
	"datatable" { goto kw_datatable; }
	"print" { goto kw_print; }
	"render" { goto kw_render; }
	"mv-expand" | "mvexpand" { goto kw_mv_expand; }
	"mv-apply" | "mvapply" { goto kw_mv_apply; }
	"parse" { goto kw_parse; }
	"parse-where" { goto kw_parse_where; }
	"make-series" { goto kw_make_series; }
	"evaluate" { goto kw_evaluate; }
	"invoke" { goto kw_invoke; }
	"as" { goto kw_as; }
	"serialize" { goto kw_serialize; }
	"sample" { goto kw_sample; }
	"sample-distinct" { goto kw_sample_distinct; }
	"search" { goto kw_search; }
	"find" { goto kw_find; }
	"getschema" { goto kw_getschema; }
	"externaldata" | "external_data" { goto kw_externaldata; }
	"partition" { goto kw_partition; }
	"let" { goto kw_let; }
	"set" { goto kw_set; }
	"declare" { goto kw_declare; }
	"query_parameters" { goto kw_query_parameters; }
	"typeof" { goto kw_typeof; }
	"default" { goto kw_default; }
	"view" { goto kw_view; }
	"kind" | "flags" | "isfuzzy" | "withsource" | "with_source" | "bagexpansion"
	  | "with_itemindex" { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_PARAMNAME; }
	"hint." id { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_HINTNAME; }

	("bool" | "boolean") sp "(" { ty = KQLITE_TYPE_BOOL; goto typed; }
	("int" | "int32") sp "(" { ty = KQLITE_TYPE_INT; goto typed; }
	("long" | "int64") sp "(" { ty = KQLITE_TYPE_LONG; goto typed; }
	("real" | "double") sp "(" { ty = KQLITE_TYPE_REAL; goto typed; }
	"decimal" sp "(" { ty = KQLITE_TYPE_DECIMAL; goto typed; }
	("datetime" | "date") sp "(" { ty = KQLITE_TYPE_DATETIME; goto typed; }
	("timespan" | "time") sp "(" { ty = KQLITE_TYPE_TIMESPAN; goto typed; }
	("guid" | "uniqueid") sp "(" { ty = KQLITE_TYPE_GUID; goto typed; }
	"dynamic" sp "(" { return scan_dynamic(lx, start, cur - 1, t); }

	id { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_ID; }
	"[" sp (dq | sq) sp "]" { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_BRACKETNAME; }

	str { t->len = (uint32_t)(cur - start); t->sub = *start == '@' ? STR_VERBATIM : STR_PLAIN; lx->cur = cur; return TK_STRING; }
	[hH] str { t->len = (uint32_t)(cur - start); t->sub = STR_OBFUSCATED | (start[1] == '@' ? STR_VERBATIM : STR_PLAIN); lx->cur = cur; return TK_STRING; }
	"```" { return scan_multiline(lx, start, t); }
	[hH]? "@"? ["'] { return lex_error(lx, start, (size_t)(cur - start), "unterminated string literal"); }

	digits | "0" [xX] [0-9a-fA-F]+ { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_LONG; }
	digits "." digits exp? | digits exp { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_REAL; }
	digits ("." digits)? unit { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_TIMESPAN; }
	/* As in Kusto, digits running into letters or '_' make a name
	 * (5Minutebin, 1st_seen) unless the whole run is a literal: 5m, 1e3 and
	 * 0x1F match the rules above with the same length, and those come first. */
	digits [A-Za-z_][A-Za-z0-9_]* { t->len = (uint32_t)(cur - start); lx->cur = cur; return TK_ID; }
	digits "." digits [A-Za-z_][A-Za-z0-9_]* {
		return lex_error(lx, start, (size_t)(cur - start), "invalid number: a number runs into letters that are not a timespan unit");
	}
	"!" { return lex_error(lx, start, 1, "unexpected '!': use not(...) to negate, or an operator such as !=, !~, !has, !in"); }
	[\x80-\xff] { return lex_error(lx, start, 1, "unexpected character (non-ASCII text is only allowed in strings, comments and ['quoted names'])"); }
	* { return lex_error(lx, start, 1, "unexpected character"); }
	*/

cmp:
	t->len = (uint32_t)(cur - start);
	t->sub = (uint16_t)op;
	lx->cur = cur;
	return TK_CMP;
strop:
	t->len = (uint32_t)(cur - start);
	t->sub = (uint16_t)op;
	lx->cur = cur;
	return TK_STROP;
inop:
	t->len = (uint32_t)(cur - start);
	t->sub = (uint16_t)op;
	lx->cur = cur;
	return TK_INOP;
between:
	t->len = (uint32_t)(cur - start);
	t->sub = (uint16_t)op;
	lx->cur = cur;
	return TK_BETWEEN;
typed:
	return scan_typed(lx, start, type_word_end(start, cur - 1), cur - 1, t, ty);

#define KW(label, code)                                 \
	label:                                          \
	t->len = (uint32_t)(cur - start);               \
	lx->cur = cur;                                  \
	return code;
	KW(kw_where, TK_WHERE)
	KW(kw_filter, TK_FILTER)
	KW(kw_extend, TK_EXTEND)
	KW(kw_project, TK_PROJECT)
	KW(kw_project_away, TK_PROJECT_AWAY)
	KW(kw_project_keep, TK_PROJECT_KEEP)
	KW(kw_project_rename, TK_PROJECT_RENAME)
	KW(kw_project_reorder, TK_PROJECT_REORDER)
	KW(kw_project_smart, TK_PROJECT_SMART)
	KW(kw_summarize, TK_SUMMARIZE)
	KW(kw_by, TK_BY)
	KW(kw_range, TK_RANGE)
	KW(kw_from, TK_FROM)
	KW(kw_to, TK_TO)
	KW(kw_step, TK_STEP)
	KW(kw_union, TK_UNION)
	KW(kw_join, TK_JOIN)
	KW(kw_lookup, TK_LOOKUP)
	KW(kw_on, TK_ON)
	KW(kw_sort, TK_SORT)
	KW(kw_order, TK_ORDER)
	KW(kw_asc, TK_ASC)
	KW(kw_desc, TK_DESC)
	KW(kw_nulls, TK_NULLS)
	KW(kw_first, TK_FIRST)
	KW(kw_last, TK_LAST)
	KW(kw_top, TK_TOP)
	KW(kw_top_nested, TK_TOP_NESTED)
	KW(kw_of, TK_OF)
	KW(kw_with, TK_WITH)
	KW(kw_others, TK_OTHERS)
	KW(kw_take, TK_TAKE)
	KW(kw_limit, TK_LIMIT)
	KW(kw_distinct, TK_DISTINCT)
	KW(kw_count, TK_COUNT)
	KW(kw_datatable, TK_DATATABLE)
	KW(kw_print, TK_PRINT)
	KW(kw_render, TK_RENDER)
	KW(kw_mv_expand, TK_MV_EXPAND)
	KW(kw_mv_apply, TK_MV_APPLY)
	KW(kw_parse, TK_PARSE)
	KW(kw_parse_where, TK_PARSE_WHERE)
	KW(kw_make_series, TK_MAKE_SERIES)
	KW(kw_evaluate, TK_EVALUATE)
	KW(kw_invoke, TK_INVOKE)
	KW(kw_as, TK_AS)
	KW(kw_serialize, TK_SERIALIZE)
	KW(kw_sample, TK_SAMPLE)
	KW(kw_sample_distinct, TK_SAMPLE_DISTINCT)
	KW(kw_search, TK_SEARCH)
	KW(kw_find, TK_FIND)
	KW(kw_getschema, TK_GETSCHEMA)
	KW(kw_externaldata, TK_EXTERNALDATA)
	KW(kw_partition, TK_PARTITION)
	KW(kw_let, TK_LET)
	KW(kw_set, TK_SET)
	KW(kw_declare, TK_DECLARE)
	KW(kw_query_parameters, TK_QUERY_PARAMETERS)
	KW(kw_typeof, TK_TYPEOF)
	KW(kw_default, TK_DEFAULT)
	KW(kw_view, TK_VIEW)
#undef KW
}
