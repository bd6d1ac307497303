/* test_lex.c -- the scanner: codes, spans and sub-codes of each token family; error tokens. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kql.h"
#include "kqlite.h"
#include "lex.h"

enum { ANY = -1, MAX_TOKENS = 128 };

/* One expected token: code, span, and sub-code (ANY: not checked). */
typedef struct want {
	int code;
	uint32_t off, len;
	int sub;
} want;

/* A scan of a whole text: the source is an exact-size heap copy with only
 * the sentinel NUL after it, so ASan reports any read past it. */
typedef struct scan {
	char *src;
	size_t len;
	diag d;
	int n;
	int codes[MAX_TOKENS];
	lex_token toks[MAX_TOKENS];
} scan;

static scan *scan_text(const char *text, size_t len)
{
	scan *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->src = malloc(len + 1);
	assert_non_null(s->src);
	memcpy(s->src, text, len);
	s->src[len] = '\0';
	s->len = len;
	diag_clear(&s->d);
	lexer lx;
	lex_init(&lx, s->src, len, &s->d);
	for (;;) {
		assert_true(s->n < MAX_TOKENS);
		int code = lex_next(&lx, &s->toks[s->n]);
		s->codes[s->n] = code;
		if (code == 0 || code == TK_ILLEGAL)
			break;
		s->n++;
	}
	return s;
}

static void scan_free(scan *s)
{
	free(s->src);
	free(s);
}

/* Scans text (NUL-terminated here) and checks it gives exactly the
 * tokens in w and then the end of input. */
static void expect_n(const char *text, size_t len, const want *w, int nw)
{
	scan *s = scan_text(text, len);
	for (int i = 0; i < nw && i <= s->n; i++) {
		const lex_token *t = &s->toks[i];
		int code = s->codes[i];
		if (code != w[i].code || t->off != w[i].off || t->len != w[i].len ||
		    (w[i].sub != ANY && t->sub != w[i].sub)) {
			print_error("in %s\ntoken %d: got code %d (%s) at %u+%u sub %u; "
			            "want code %d (%s) at %u+%u sub %d\n",
			            text, i, code, lex_token_desc(code), t->off, t->len, t->sub,
			            w[i].code, lex_token_desc(w[i].code), w[i].off, w[i].len,
			            w[i].sub);
			scan_free(s);
			fail();
		}
	}
	if (s->n != nw || s->codes[s->n] != 0) {
		print_error("in %s\ngot %d tokens then code %d (%s: %s); "
		            "want %d tokens then the end\n",
		            text, s->n, s->codes[s->n], lex_token_desc(s->codes[s->n]), s->d.msg,
		            nw);
		scan_free(s);
		fail();
	}
	scan_free(s);
}

#define EXPECT(text, ...)                                                     \
	do {                                                                  \
		const want w_[] = {__VA_ARGS__};                              \
		expect_n((text), strlen(text), w_, (int)(sizeof(w_) / sizeof(w_[0]))); \
	} while (0)

/* The text is one token of `code` covering all of it, with sub `sub`. */
static void expect_one(const char *text, int code, int sub)
{
	const want w = {code, 0, (uint32_t)strlen(text), sub};
	expect_n(text, strlen(text), &w, 1);
}

/* The text (of length len) scans to some good tokens and then TK_ILLEGAL,
 * with a syntax error set at off+elen whose message contains msg. */
static void expect_error(const char *text, size_t len, int good, uint32_t off, uint32_t elen,
                         const char *msg)
{
	scan *s = scan_text(text, len);
	bool ok = s->n == good && s->codes[s->n] == TK_ILLEGAL && s->d.code == KQLITE_SYNTAX &&
	          s->d.has_span && s->d.off == off && s->d.len == elen && strstr(s->d.msg, msg);
	if (!ok) {
		print_error("in %s\ngot %d good tokens then code %d; error %d at %u+%u: %s\n"
		            "want %d good tokens then TK_ILLEGAL; "
		            "error at %u+%u containing \"%s\"\n",
		            text, s->n, s->codes[s->n], s->d.code, s->d.off, s->d.len, s->d.msg,
		            good, off, elen, msg);
		scan_free(s);
		fail();
	}
	scan_free(s);
}

static void punctuation(void **state)
{
	(void)state;
	EXPECT("|;,()[]{}",
	       {TK_PIPE, 0, 1, 0}, {TK_SEMI, 1, 1, 0}, {TK_COMMA, 2, 1, 0}, {TK_LP, 3, 1, 0},
	       {TK_RP, 4, 1, 0}, {TK_LBRACKET, 5, 1, 0}, {TK_RBRACKET, 6, 1, 0},
	       {TK_LBRACE, 7, 1, 0}, {TK_RBRACE, 8, 1, 0});
	EXPECT(". .. : = + - * / %",
	       {TK_DOT, 0, 1, 0}, {TK_DOTDOT, 2, 2, 0}, {TK_COLON, 5, 1, 0}, {TK_EQ, 7, 1, 0},
	       {TK_PLUS, 9, 1, 0}, {TK_MINUS, 11, 1, 0}, {TK_STAR, 13, 1, 0},
	       {TK_SLASH, 15, 1, 0}, {TK_PERCENT, 17, 1, 0});
	/* '..' is taken before '.', and '=' alone is not '==' */
	EXPECT("1..2", {TK_LONG, 0, 1, 0}, {TK_DOTDOT, 1, 2, 0}, {TK_LONG, 3, 1, 0});
	EXPECT("a=b==c", {TK_ID, 0, 1, 0}, {TK_EQ, 1, 1, 0}, {TK_ID, 2, 1, 0},
	       {TK_CMP, 3, 2, OP_EQ}, {TK_ID, 5, 1, 0});
	/* the end is sticky and an empty text has no tokens */
	expect_n("", 0, NULL, 0);
	expect_n("   \n\t ", 5, NULL, 0);
}

static void comparison_operators(void **state)
{
	(void)state;
	EXPECT("== != <> < <= > >= =~ !~",
	       {TK_CMP, 0, 2, OP_EQ}, {TK_CMP, 3, 2, OP_NE}, {TK_CMP, 6, 2, OP_NE},
	       {TK_CMP, 9, 1, OP_LT}, {TK_CMP, 11, 2, OP_LE}, {TK_CMP, 14, 1, OP_GT},
	       {TK_CMP, 16, 2, OP_GE}, {TK_CMP, 19, 2, OP_EQ_CI}, {TK_CMP, 22, 2, OP_NE_CI});
	/* no spaces: longest match */
	EXPECT("a<=b>=c", {TK_ID, 0, 1, 0}, {TK_CMP, 1, 2, OP_LE}, {TK_ID, 3, 1, 0},
	       {TK_CMP, 4, 2, OP_GE}, {TK_ID, 6, 1, 0});
}

static void string_operators(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int op;
	} ops[] = {
		{"has", OP_HAS}, {"!has", OP_NHAS}, {"has_cs", OP_HAS_CS}, {"!has_cs", OP_NHAS_CS},
		{"hasprefix", OP_HASPREFIX}, {"!hasprefix", OP_NHASPREFIX},
		{"hasprefix_cs", OP_HASPREFIX_CS}, {"!hasprefix_cs", OP_NHASPREFIX_CS},
		{"hassuffix", OP_HASSUFFIX}, {"!hassuffix", OP_NHASSUFFIX},
		{"hassuffix_cs", OP_HASSUFFIX_CS}, {"!hassuffix_cs", OP_NHASSUFFIX_CS},
		{"contains", OP_CONTAINS}, {"!contains", OP_NCONTAINS},
		{"notcontains", OP_NCONTAINS}, {"contains_cs", OP_CONTAINS_CS},
		{"containscs", OP_CONTAINS_CS}, {"!contains_cs", OP_NCONTAINS_CS},
		{"notcontainscs", OP_NCONTAINS_CS}, {"startswith", OP_STARTSWITH},
		{"!startswith", OP_NSTARTSWITH}, {"startswith_cs", OP_STARTSWITH_CS},
		{"!startswith_cs", OP_NSTARTSWITH_CS}, {"endswith", OP_ENDSWITH},
		{"!endswith", OP_NENDSWITH}, {"endswith_cs", OP_ENDSWITH_CS},
		{"!endswith_cs", OP_NENDSWITH_CS}, {"like", OP_LIKE}, {"notlike", OP_NLIKE},
		{"!like", OP_NLIKE}, {"matches regex", OP_MATCHES},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		expect_one(ops[i].text, TK_STROP, ops[i].op);
	/* in context: x has "y" */
	EXPECT("x !has_cs 'y'", {TK_ID, 0, 1, 0}, {TK_STROP, 2, 7, OP_NHAS_CS},
	       {TK_STRING, 10, 3, STR_PLAIN});
	/* matches regex is one token across any run of spaces and newlines */
	EXPECT("a matches \t\n  regex \"b\"", {TK_ID, 0, 1, 0}, {TK_STROP, 2, 17, OP_MATCHES},
	       {TK_STRING, 20, 3, STR_PLAIN});
	/* matches alone is a name, and so is a word that starts like an operator */
	EXPECT("matches x", {TK_ID, 0, 7, 0}, {TK_ID, 8, 1, 0});
	EXPECT("hash hasprefixes contained likely", {TK_ID, 0, 4, 0}, {TK_ID, 5, 11, 0},
	       {TK_ID, 17, 9, 0}, {TK_ID, 27, 6, 0});
}

static void in_and_between_operators(void **state)
{
	(void)state;
	EXPECT("in !in in~ !in~ has_any has_all",
	       {TK_INOP, 0, 2, OP_IN}, {TK_INOP, 3, 3, OP_NIN}, {TK_INOP, 7, 3, OP_IN_CI},
	       {TK_INOP, 11, 4, OP_NIN_CI}, {TK_INOP, 16, 7, OP_HAS_ANY},
	       {TK_INOP, 24, 7, OP_HAS_ALL});
	EXPECT("between !between notbetween",
	       {TK_BETWEEN, 0, 7, OP_BETWEEN}, {TK_BETWEEN, 8, 8, OP_NBETWEEN},
	       {TK_BETWEEN, 17, 10, OP_NBETWEEN});
	/* x !in~ (1) with no spaces around the operator's tilde */
	EXPECT("x!in~(1)", {TK_ID, 0, 1, 0}, {TK_INOP, 1, 4, OP_NIN_CI}, {TK_LP, 5, 1, 0},
	       {TK_LONG, 6, 1, 0}, {TK_RP, 7, 1, 0});
	EXPECT("index inner has_anything", {TK_ID, 0, 5, 0}, {TK_ID, 6, 5, 0}, {TK_ID, 12, 12, 0});
	EXPECT("and or true false", {TK_AND, 0, 3, 0}, {TK_OR, 4, 2, 0}, {TK_TRUE, 7, 4, 0},
	       {TK_FALSE, 12, 5, 0});
	EXPECT("android order_id truest", {TK_ID, 0, 7, 0}, {TK_ID, 8, 8, 0}, {TK_ID, 17, 6, 0});
}

static void keywords(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int code;
	} kws[] = {
		{"where", TK_WHERE}, {"filter", TK_FILTER}, {"extend", TK_EXTEND},
		{"project", TK_PROJECT}, {"project-away", TK_PROJECT_AWAY},
		{"project-keep", TK_PROJECT_KEEP}, {"project-rename", TK_PROJECT_RENAME},
		{"project-reorder", TK_PROJECT_REORDER}, {"project-smart", TK_PROJECT_SMART},
		{"summarize", TK_SUMMARIZE}, {"by", TK_BY}, {"range", TK_RANGE}, {"from", TK_FROM},
		{"to", TK_TO}, {"step", TK_STEP}, {"union", TK_UNION}, {"join", TK_JOIN},
		{"lookup", TK_LOOKUP}, {"on", TK_ON}, {"sort", TK_SORT}, {"order", TK_ORDER},
		{"asc", TK_ASC}, {"desc", TK_DESC}, {"nulls", TK_NULLS}, {"first", TK_FIRST},
		{"last", TK_LAST}, {"top", TK_TOP}, {"top-nested", TK_TOP_NESTED}, {"of", TK_OF},
		{"with", TK_WITH}, {"others", TK_OTHERS}, {"take", TK_TAKE}, {"limit", TK_LIMIT},
		{"distinct", TK_DISTINCT}, {"count", TK_COUNT}, {"datatable", TK_DATATABLE},
		{"print", TK_PRINT}, {"render", TK_RENDER}, {"mv-expand", TK_MV_EXPAND},
		{"mvexpand", TK_MV_EXPAND}, {"mv-apply", TK_MV_APPLY}, {"mvapply", TK_MV_APPLY},
		{"parse", TK_PARSE}, {"parse-where", TK_PARSE_WHERE},
		{"make-series", TK_MAKE_SERIES}, {"evaluate", TK_EVALUATE}, {"invoke", TK_INVOKE},
		{"as", TK_AS}, {"serialize", TK_SERIALIZE}, {"sample", TK_SAMPLE},
		{"sample-distinct", TK_SAMPLE_DISTINCT}, {"search", TK_SEARCH}, {"find", TK_FIND},
		{"getschema", TK_GETSCHEMA}, {"externaldata", TK_EXTERNALDATA},
		{"external_data", TK_EXTERNALDATA}, {"partition", TK_PARTITION}, {"let", TK_LET},
		{"set", TK_SET}, {"declare", TK_DECLARE}, {"query_parameters", TK_QUERY_PARAMETERS},
		{"typeof", TK_TYPEOF}, {"default", TK_DEFAULT}, {"view", TK_VIEW},
	};
	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		expect_one(kws[i].text, kws[i].code, 0);
}

static void keywords_versus_names(void **state)
{
	(void)state;
	/* a longer word is a name; keywords are case-sensitive */
	EXPECT("wherever where_ where1 Where WHERE",
	       {TK_ID, 0, 8, 0}, {TK_ID, 9, 6, 0}, {TK_ID, 16, 6, 0}, {TK_ID, 23, 5, 0},
	       {TK_ID, 29, 5, 0});
	EXPECT("counter byte totals projection", {TK_ID, 0, 7, 0}, {TK_ID, 8, 4, 0},
	       {TK_ID, 13, 6, 0}, {TK_ID, 20, 10, 0});
	/* names may start with '_' or '$' */
	EXPECT("_x $left $right.a", {TK_ID, 0, 2, 0}, {TK_ID, 3, 5, 0}, {TK_ID, 9, 6, 0},
	       {TK_DOT, 15, 1, 0}, {TK_ID, 16, 1, 0});
	/* a dashed keyword is one token; a dash after another word is a minus */
	EXPECT("project-away a", {TK_PROJECT_AWAY, 0, 12, 0}, {TK_ID, 13, 1, 0});
	EXPECT("project -away", {TK_PROJECT, 0, 7, 0}, {TK_MINUS, 8, 1, 0}, {TK_ID, 9, 4, 0});
	EXPECT("projectx-away", {TK_ID, 0, 8, 0}, {TK_MINUS, 8, 1, 0}, {TK_ID, 9, 4, 0});
	EXPECT("T|mvexpand x|mv-apply y", {TK_ID, 0, 1, 0}, {TK_PIPE, 1, 1, 0},
	       {TK_MV_EXPAND, 2, 8, 0}, {TK_ID, 11, 1, 0}, {TK_PIPE, 12, 1, 0},
	       {TK_MV_APPLY, 13, 8, 0}, {TK_ID, 22, 1, 0});
	EXPECT("top-nested top - nested", {TK_TOP_NESTED, 0, 10, 0}, {TK_TOP, 11, 3, 0},
	       {TK_MINUS, 15, 1, 0}, {TK_ID, 17, 6, 0});
}

static void parameter_and_hint_names(void **state)
{
	(void)state;
	EXPECT("kind flags isfuzzy withsource with_source bagexpansion with_itemindex",
	       {TK_PARAMNAME, 0, 4, 0}, {TK_PARAMNAME, 5, 5, 0}, {TK_PARAMNAME, 11, 7, 0},
	       {TK_PARAMNAME, 19, 10, 0}, {TK_PARAMNAME, 30, 11, 0}, {TK_PARAMNAME, 42, 12, 0},
	       {TK_PARAMNAME, 55, 14, 0});
	EXPECT("kinds withsources", {TK_ID, 0, 5, 0}, {TK_ID, 6, 11, 0});
	EXPECT("hint.strategy=broadcast hint.shufflekey = x",
	       {TK_HINTNAME, 0, 13, 0}, {TK_EQ, 13, 1, 0}, {TK_ID, 14, 9, 0},
	       {TK_HINTNAME, 24, 15, 0}, {TK_EQ, 40, 1, 0}, {TK_ID, 42, 1, 0});
	/* "hint." needs a name after it */
	EXPECT("hint. x", {TK_ID, 0, 4, 0}, {TK_DOT, 4, 1, 0}, {TK_ID, 6, 1, 0});
	EXPECT("hint.num_partitions", {TK_HINTNAME, 0, 19, 0});
}

static void bracketed_names(void **state)
{
	(void)state;
	expect_one("['a b']", TK_BRACKETNAME, 0);
	expect_one("[\"Risk-Score\"]", TK_BRACKETNAME, 0);
	expect_one("[ 'spaced' ]", TK_BRACKETNAME, 0);
	expect_one("['it\\'s']", TK_BRACKETNAME, 0);
	EXPECT("x['k']", {TK_ID, 0, 1, 0}, {TK_BRACKETNAME, 1, 5, 0});
	/* only one plain quoted string makes a bracketed name */
	EXPECT("[1]", {TK_LBRACKET, 0, 1, 0}, {TK_LONG, 1, 1, 0}, {TK_RBRACKET, 2, 1, 0});
	EXPECT("[@'v']", {TK_LBRACKET, 0, 1, 0}, {TK_STRING, 1, 4, STR_VERBATIM},
	       {TK_RBRACKET, 5, 1, 0});
	EXPECT("['a','b']", {TK_LBRACKET, 0, 1, 0}, {TK_STRING, 1, 3, STR_PLAIN},
	       {TK_COMMA, 4, 1, 0}, {TK_STRING, 5, 3, STR_PLAIN}, {TK_RBRACKET, 8, 1, 0});
}

static void strings(void **state)
{
	(void)state;
	expect_one("\"plain\"", TK_STRING, STR_PLAIN);
	expect_one("'single'", TK_STRING, STR_PLAIN);
	expect_one("\"esc \\\" \\\\ \\n\"", TK_STRING, STR_PLAIN);
	expect_one("'it\\'s'", TK_STRING, STR_PLAIN);
	expect_one("@\"C:\\temp\\\"", TK_STRING, STR_VERBATIM);
	expect_one("@\"say \"\"hi\"\"\"", TK_STRING, STR_VERBATIM);
	expect_one("@'a''b'", TK_STRING, STR_VERBATIM);
	expect_one("h\"secret\"", TK_STRING, STR_OBFUSCATED | STR_PLAIN);
	expect_one("H'secret'", TK_STRING, STR_OBFUSCATED | STR_PLAIN);
	expect_one("h@\"C:\\k\"", TK_STRING, STR_OBFUSCATED | STR_VERBATIM);
	expect_one("```line 1\nline \"2\"\n```", TK_STRING, STR_MULTILINE);
	expect_one("``````", TK_STRING, STR_MULTILINE);
	expect_one("\"\"", TK_STRING, STR_PLAIN);
	/* a verbatim string may span lines; adjacent strings stay separate tokens */
	expect_one("@\"a\nb\"", TK_STRING, STR_VERBATIM);
	EXPECT("\"a\" 'b'@\"c\"", {TK_STRING, 0, 3, STR_PLAIN}, {TK_STRING, 4, 3, STR_PLAIN},
	       {TK_STRING, 7, 4, STR_VERBATIM});
	/* h followed by a non-quote is a name */
	EXPECT("h hx", {TK_ID, 0, 1, 0}, {TK_ID, 2, 2, 0});
}

static void numbers_and_timespans(void **state)
{
	(void)state;
	EXPECT("0 42 0x1F 0XfF", {TK_LONG, 0, 1, 0}, {TK_LONG, 2, 2, 0}, {TK_LONG, 5, 4, 0},
	       {TK_LONG, 10, 4, 0});
	EXPECT("3.14 1e3 2.5e-4 6E+2 0.5", {TK_REAL, 0, 4, 0}, {TK_REAL, 5, 3, 0},
	       {TK_REAL, 9, 6, 0}, {TK_REAL, 16, 4, 0}, {TK_REAL, 21, 3, 0});
	static const char *const spans[] = {
		"1d", "2h", "30m", "10s", "100ms", "5microseconds", "1tick", "1.5h", "2days",
		"10min", "1day", "3hr", "4hrs", "1hour", "2hours", "1minute", "5minutes", "1sec",
		"1second", "2seconds", "5milli", "2millis", "1millisecond", "3milliseconds",
		"1microsecond", "10ticks", "0.5d",
	};
	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
		expect_one(spans[i], TK_TIMESPAN, 0);
	/* a number then a dot and a name; a unary minus is its own token */
	EXPECT("1.x", {TK_LONG, 0, 1, 0}, {TK_DOT, 1, 1, 0}, {TK_ID, 2, 1, 0});
	EXPECT("-1d", {TK_MINUS, 0, 1, 0}, {TK_TIMESPAN, 1, 2, 0});
	EXPECT("2*3h", {TK_LONG, 0, 1, 0}, {TK_STAR, 1, 1, 0}, {TK_TIMESPAN, 2, 2, 0});
}

/* As in Kusto, digits that run into letters or '_' make a name unless the
 * whole run is a literal (5m, 1e3, 0x1F stay literals). */
static void names_starting_with_digits(void **state)
{
	(void)state;
	expect_one("5Minutebin", TK_ID, 0);
	expect_one("1st_seen", TK_ID, 0);
	expect_one("10_", TK_ID, 0);
	expect_one("3ds", TK_ID, 0);   /* "3d" then "s": not a unit, so one name */
	expect_one("1e", TK_ID, 0);    /* no exponent digits: a name */
	expect_one("1e3x", TK_ID, 0);
	expect_one("0x1Fg", TK_ID, 0);
	expect_one("1d5", TK_ID, 0);
	expect_one("5m", TK_TIMESPAN, 0);
	expect_one("1e3", TK_REAL, 0);
	expect_one("0x1F", TK_LONG, 0);
	EXPECT("bin(5Minutebin=T, 5m)", {TK_ID, 0, 3, 0}, {TK_LP, 3, 1, 0}, {TK_ID, 4, 10, 0},
	       {TK_EQ, 14, 1, 0}, {TK_ID, 15, 1, 0}, {TK_COMMA, 16, 1, 0},
	       {TK_TIMESPAN, 18, 2, 0}, {TK_RP, 20, 1, 0});
	/* 1e+5 is a real; 1e-x is the name 1e, a minus and x */
	EXPECT("1e+5 1e-x", {TK_REAL, 0, 4, 0}, {TK_ID, 5, 2, 0}, {TK_MINUS, 7, 1, 0},
	       {TK_ID, 8, 1, 0});
}

static void typed_literals(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int type;
	} lits[] = {
		{"bool(true)", KQLITE_TYPE_BOOL}, {"boolean(0)", KQLITE_TYPE_BOOL},
		{"int(7)", KQLITE_TYPE_INT}, {"int32(-5)", KQLITE_TYPE_INT},
		{"long(-12)", KQLITE_TYPE_LONG}, {"int64(0x10)", KQLITE_TYPE_LONG},
		{"real(1.5)", KQLITE_TYPE_REAL}, {"double(nan)", KQLITE_TYPE_REAL},
		{"decimal(0.1)", KQLITE_TYPE_DECIMAL},
		{"datetime(2024-01-15T13:45:30Z)", KQLITE_TYPE_DATETIME},
		{"datetime(\"2024-01-15\")", KQLITE_TYPE_DATETIME},
		{"datetime(15 Jan 2024 13:45 GMT)", KQLITE_TYPE_DATETIME},
		{"datetime(1/15/2024 1:45 PM)", KQLITE_TYPE_DATETIME},
		{"date(2024-02-29)", KQLITE_TYPE_DATETIME},
		{"time(1.02:03:04)", KQLITE_TYPE_TIMESPAN},
		{"timespan(2d)", KQLITE_TYPE_TIMESPAN},
		{"guid(0b9c3d6a-2f1e-4c8b-9a7d-5e6f1a2b3c4d)", KQLITE_TYPE_GUID},
		{"uniqueid(null)", KQLITE_TYPE_GUID}, {"long(null)", KQLITE_TYPE_LONG},
		{"datetime(null)", KQLITE_TYPE_DATETIME}, {"real(-inf)", KQLITE_TYPE_REAL},
		{"datetime( 2024-01-01 )", KQLITE_TYPE_DATETIME},
		{"datetime (2024-01-01)", KQLITE_TYPE_DATETIME},
		{"datetime(\"a)b\")", KQLITE_TYPE_DATETIME},
	};
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++)
		expect_one(lits[i].text, TK_TYPEDLIT, lits[i].type);
	/* a body that starts like a name makes the type word a function name */
	EXPECT("datetime(Column)", {TK_ID, 0, 8, 0}, {TK_LP, 8, 1, 0}, {TK_ID, 9, 6, 0},
	       {TK_RP, 15, 1, 0});
	EXPECT("datetime (x)", {TK_ID, 0, 8, 0}, {TK_LP, 9, 1, 0}, {TK_ID, 10, 1, 0},
	       {TK_RP, 11, 1, 0});
	EXPECT("long(_x)", {TK_ID, 0, 4, 0}, {TK_LP, 4, 1, 0}, {TK_ID, 5, 2, 0}, {TK_RP, 7, 1, 0});
	/* the type words alone, and longer words, are names */
	EXPECT("datetime long guids", {TK_ID, 0, 8, 0}, {TK_ID, 9, 4, 0}, {TK_ID, 14, 5, 0});
	EXPECT("datetime_add(x)", {TK_ID, 0, 12, 0}, {TK_LP, 12, 1, 0}, {TK_ID, 13, 1, 0},
	       {TK_RP, 14, 1, 0});
	/* literals whose body starts with a letter stay literals when valid */
	expect_one("guid(deadbeef-1e4e-49d9-b579-fe0b331d3642)", TK_TYPEDLIT, KQLITE_TYPE_GUID);
	expect_one("datetime(Sat, 8 Nov 14 15:05:02 GMT)", TK_TYPEDLIT, KQLITE_TYPE_DATETIME);
}

static void dynamic_literals(void **state)
{
	(void)state;
	expect_one("dynamic([1, 2, 3])", TK_DYNLIT, KQLITE_TYPE_DYNAMIC);
	expect_one("dynamic(null)", TK_DYNLIT, KQLITE_TYPE_DYNAMIC);
	expect_one("dynamic({\"a\": [1, {\"b\": [[]]}], \"c\": {}})", TK_DYNLIT,
	           KQLITE_TYPE_DYNAMIC);
	/* brackets inside strings and comments do not count */
	expect_one("dynamic([\")]}\", 'x)', @\"y)\"\"\"])", TK_DYNLIT, KQLITE_TYPE_DYNAMIC);
	expect_one("dynamic([1, // a comment with ) and ]\n 2])", TK_DYNLIT, KQLITE_TYPE_DYNAMIC);
	expect_one("dynamic (\n{ } )", TK_DYNLIT, KQLITE_TYPE_DYNAMIC);
	EXPECT("dynamic([1])[0]", {TK_DYNLIT, 0, 12, KQLITE_TYPE_DYNAMIC},
	       {TK_LBRACKET, 12, 1, 0}, {TK_LONG, 13, 1, 0}, {TK_RBRACKET, 14, 1, 0});
	EXPECT("dynamic", {TK_ID, 0, 7, 0});
}

static void comments_and_spaces(void **state)
{
	(void)state;
	EXPECT("a // comment | where\nb//x", {TK_ID, 0, 1, 0}, {TK_ID, 21, 1, 0});
	expect_n("// only a comment", 17, NULL, 0);
	EXPECT("a/b", {TK_ID, 0, 1, 0}, {TK_SLASH, 1, 1, 0}, {TK_ID, 2, 1, 0});
	/* U+1680 and U+180E are spaces in Kusto too */
	EXPECT("a\xE1\x9A\x80" "b\xE1\xA0\x8E" "c", {TK_ID, 0, 1, 0}, {TK_ID, 4, 1, 0},
	       {TK_ID, 8, 1, 0});
	/* BOM, NBSP, U+202F, U+2003, U+200B, U+2028, U+205F, U+3000, \f \v \r */
	EXPECT("\xEF\xBB\xBF" "a\xC2\xA0" "b\xE2\x80\xAF" "c\xE2\x80\x83" "d\xE2\x80\x8B"
	       "e\xE2\x80\xA8" "f\xE2\x81\x9F" "g\xE3\x80\x80" "h\f\v\r\ni",
	       {TK_ID, 3, 1, 0}, {TK_ID, 6, 1, 0}, {TK_ID, 10, 1, 0}, {TK_ID, 14, 1, 0},
	       {TK_ID, 18, 1, 0}, {TK_ID, 22, 1, 0}, {TK_ID, 26, 1, 0}, {TK_ID, 30, 1, 0},
	       {TK_ID, 35, 1, 0});
}

static void error_tokens(void **state)
{
	(void)state;
	expect_error("x == \"abc", 9, 2, 5, 1, "unterminated string");
	expect_error("'abc\n'", 6, 0, 0, 1, "unterminated string");
	expect_error("a h@\"abc", 8, 1, 2, 3, "unterminated string");
	expect_error("print ```abc``", 14, 1, 6, 3, "unterminated multi-line string");
	expect_error("print dynamic([1, 2)", 20, 1, 6, 8, "unterminated dynamic");
	expect_error("print dynamic({\"a\": 1)", 22, 1, 6, 8, "unterminated dynamic");
	expect_error("datetime(2024-01-01", 19, 0, 0, 9, "unterminated literal");
	expect_error("take 3.5ds", 10, 1, 5, 5, "invalid number");
	expect_error("1.5e", 4, 0, 0, 4, "invalid number");
	expect_error("1.5xyz", 6, 0, 0, 6, "invalid number");
	expect_error("where !x", 8, 1, 6, 1, "unexpected '!'");
	expect_error("a ! = b", 7, 1, 2, 1, "unexpected '!'");
	expect_error("where n == caf\xC3\xA9", 16, 4, 14, 1, "non-ASCII");
	expect_error("a \xC2\xA1", 4, 1, 2, 1, "non-ASCII");
	expect_error("a # b", 5, 1, 2, 1, "unexpected character");
	expect_error("a ? b", 5, 1, 2, 1, "unexpected character");
	/* a NUL inside the text is not its end */
	expect_error("ab\0cd", 5, 1, 2, 1, "unexpected character");
	expect_error("x\0", 2, 1, 1, 1, "unexpected character");
	/* ...but inside a quoted string or a comment a NUL is just a byte */
	const want str = {TK_STRING, 0, 5, STR_PLAIN};
	expect_n("\"a\0b\"", 5, &str, 1);
	const want com[] = {{TK_ID, 0, 1, 0}, {TK_ID, 8, 1, 0}};
	expect_n("a // \0x\nb", 9, com, 2);
}

/* After the end, and after an error, the scanner keeps its position. */
static void end_is_sticky(void **state)
{
	(void)state;
	char src[] = "x";
	diag d;
	diag_clear(&d);
	lexer lx;
	lex_token t;
	lex_init(&lx, src, 1, &d);
	assert_int_equal(lex_next(&lx, &t), TK_ID);
	assert_int_equal(lex_next(&lx, &t), 0);
	assert_int_equal(t.off, 1);
	assert_int_equal(t.len, 0);
	assert_int_equal(lex_next(&lx, &t), 0);
	assert_int_equal(d.code, 0);
}

static void token_descriptions(void **state)
{
	(void)state;
	assert_string_equal(lex_token_desc(0), "end of query");
	assert_string_equal(lex_token_desc(TK_PIPE), "'|'");
	assert_string_equal(lex_token_desc(TK_STRING), "a string");
	assert_string_equal(lex_op_text(OP_NIN_CI), "!in~");
	assert_string_equal(lex_op_text(OP_MATCHES), "matches regex");
	assert_string_equal(lex_op_text(OP_NBETWEEN), "!between");
	assert_string_equal(lex_op_text(OP_NONE), "?");
	assert_string_equal(lex_op_text(OP_COUNT_), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(punctuation),
		cmocka_unit_test(comparison_operators),
		cmocka_unit_test(string_operators),
		cmocka_unit_test(in_and_between_operators),
		cmocka_unit_test(keywords),
		cmocka_unit_test(keywords_versus_names),
		cmocka_unit_test(parameter_and_hint_names),
		cmocka_unit_test(bracketed_names),
		cmocka_unit_test(strings),
		cmocka_unit_test(numbers_and_timespans),
		cmocka_unit_test(typed_literals),
		cmocka_unit_test(dynamic_literals),
		cmocka_unit_test(comments_and_spaces),
		cmocka_unit_test(names_starting_with_digits),
		cmocka_unit_test(error_tokens),
		cmocka_unit_test(end_is_sticky),
		cmocka_unit_test(token_descriptions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
