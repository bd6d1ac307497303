/* test_parse.c -- parse trees via their dumps (public API), and node spans (internal API). */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "diag.h"
#include "kqlite.h"
#include "parse.h"

/* A query and the dump its tree must have. Every expected tree below was
 * checked by hand against the grammar: precedence, associativity, which
 * words are keywords, and how literals are decoded. */
typedef struct dump_case {
	const char *query;
	const char *dump;
} dump_case;

static void check_dumps(const dump_case *cases, size_t n)
{
	kqlite_db *db = NULL;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		kqlite_syntax *s = NULL;
		int rc = kqlite_parse(db, cases[i].query, strlen(cases[i].query), &s);
		if (rc != KQLITE_OK) {
			print_error("query: %s\nparse failed (%d): %s\n", cases[i].query, rc,
			            kqlite_errmsg(db));
			bad++;
			continue;
		}
		char *got = kqlite_syntax_dump(s);
		assert_non_null(got);
		if (strcmp(got, cases[i].dump) != 0) {
			print_error("query: %s\n got: %s\nwant: %s\n", cases[i].query, got,
			            cases[i].dump);
			bad++;
		}
		kqlite_free(got);
		kqlite_syntax_free(s);
	}
	kqlite_close(db);
	assert_int_equal(bad, 0);
}

static void precedence_and_associativity(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | where a or b and c",
		 "(query (pipe (name \"T\") (where (binary or (name \"a\") (binary and"
		 " (name \"b\") (name \"c\"))))))"},
		{"T | where a and b or c",
		 "(query (pipe (name \"T\") (where (binary or (binary and (name \"a\")"
		 " (name \"b\")) (name \"c\")))))"},
		{"T | where x == 1 and y has \"z\"",
		 "(query (pipe (name \"T\") (where (binary and (binary == (name \"x\")"
		 " (lit:long \"1\")) (binary has (name \"y\") (lit:string \"z\"))))))"},
		{"print a + b * c",
		 "(query (print (binary + (name \"a\") (binary * (name \"b\")"
		 " (name \"c\")))))"},
		{"print a - b - c",
		 "(query (print (binary - (binary - (name \"a\") (name \"b\"))"
		 " (name \"c\"))))"},
		{"print a / b * c % d",
		 "(query (print (binary % (binary * (binary / (name \"a\") (name \"b\"))"
		 " (name \"c\")) (name \"d\"))))"},
		{"print a or b or c",
		 "(query (print (binary or (binary or (name \"a\") (name \"b\"))"
		 " (name \"c\"))))"},
		{"print a + b < c * d",
		 "(query (print (binary < (binary + (name \"a\") (name \"b\")) (binary *"
		 " (name \"c\") (name \"d\")))))"},
		{"print a < b == c",
		 "(query (print (binary == (binary < (name \"a\") (name \"b\"))"
		 " (name \"c\"))))"},
		{"print (a or b) and c",
		 "(query (print (binary and (paren (binary or (name \"a\") (name \"b\")))"
		 " (name \"c\"))))"},
		{"print not(a) or b",
		 "(query (print (binary or (call \"not\" (name \"a\")) (name \"b\"))))"},
		{"print x in (1, 2) and y !between (1 .. 2)",
		 "(query (print (binary and (in in (name \"x\") (lit:long \"1\")"
		 " (lit:long \"2\")) (between !between (name \"y\") (lit:long \"1\")"
		 " (lit:long \"2\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void unary_and_postfix(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print -a.b",
		 "(query (print (unary - (member \"b\" (name \"a\")))))"},
		{"print -a * b",
		 "(query (print (binary * (unary - (name \"a\")) (name \"b\"))))"},
		{"print - -a, +b",
		 "(query (print (unary - (unary - (name \"a\"))) (unary + (name \"b\"))))"},
		{"print a.b.c[0]",
		 "(query (print (index (member \"c\" (member \"b\" (name \"a\")))"
		 " (lit:long \"0\"))))"},
		{"print a[\"b\"], a[0], a.[0], $left.x, a.[\"b\"]",
		 "(query (print (member \"b\" (name \"a\")) (index (name \"a\")"
		 " (lit:long \"0\")) (index (name \"a\") (lit:long \"0\")) (member \"x\""
		 " (name \"$left\")) (member \"b\" (name \"a\"))))"},
		{"print f(x, n = 1, *)",
		 "(query (print (call \"f\" (name \"x\") (namedarg \"n\" (lit:long \"1\"))"
		 " (star))))"},
		{"print a.f(1), a.b.g()",
		 "(query (print (method \"f\" (name \"a\") (lit:long \"1\")) (method \"g\""
		 " (member \"b\" (name \"a\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void operators_of_every_family(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | where a matches regex \"x\" and b !in~ (\"y\")",
		 "(query (pipe (name \"T\") (where (binary and (binary matches regex"
		 " (name \"a\") (lit:string \"x\")) (in !in~ (name \"b\")"
		 " (lit:string \"y\"))))))"},
		{"T | where a !contains_cs \"x\" or b notlike \"y\"",
		 "(query (pipe (name \"T\") (where (binary or (binary !contains_cs"
		 " (name \"a\") (lit:string \"x\")) (binary notlike (name \"b\")"
		 " (lit:string \"y\"))))))"},
		{"T | where a =~ \"x\" and b !~ \"y\" and c <> 1",
		 "(query (pipe (name \"T\") (where (binary and (binary and (binary =~"
		 " (name \"a\") (lit:string \"x\")) (binary !~ (name \"b\")"
		 " (lit:string \"y\"))) (binary != (name \"c\") (lit:long \"1\"))))))"},
		{"T | where a has_any (\"x\", \"y\") and b has_all (z)",
		 "(query (pipe (name \"T\") (where (binary and (in has_any (name \"a\")"
		 " (lit:string \"x\") (lit:string \"y\")) (in has_all (name \"b\")"
		 " (name \"z\"))))))"},
		{"T | where a between (1 .. 2)",
		 "(query (pipe (name \"T\") (where (between between (name \"a\")"
		 " (lit:long \"1\") (lit:long \"2\")))))"},
		{"T | where x in (U | project y)",
		 "(query (pipe (name \"T\") (where (in in (name \"x\") (pipe (name \"U\")"
		 " (project (name \"y\")))))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void keywords_as_names(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | project count, by, first, last, limit, from, to, step, on, of, with,"
		 " title, type",
		 "(query (pipe (name \"T\") (project (name \"count\") (name \"by\")"
		 " (name \"first\") (name \"last\") (name \"limit\") (name \"from\")"
		 " (name \"to\") (name \"step\") (name \"on\") (name \"of\")"
		 " (name \"with\") (name \"title\") (name \"type\"))))"},
		{"T | where count > 0",
		 "(query (pipe (name \"T\") (where (binary > (name \"count\")"
		 " (lit:long \"0\")))))"},
		{"let from = 1; print from",
		 "(query (let \"from\" (lit:long \"1\")) (print (name \"from\")))"},
		{"T | sort by asc desc",
		 "(query (pipe (name \"T\") (sort (sortkey:2 (name \"asc\")))))"},
		{"print x.where, x.kind",
		 "(query (print (member \"where\" (name \"x\")) (member \"kind\""
		 " (name \"x\"))))"},
		{"datatable(kind:string, by:long)[]",
		 "(query (datatable (schema (coldecl \"kind\" (type:6 \"string\"))"
		 " (coldecl \"by\" (type:3 \"long\"))) (list)))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void operator_parameters_versus_assignments(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | extend kind = 1",
		 "(query (pipe (name \"T\") (extend (assign \"kind\" (lit:long \"1\")))))"},
		{"T | summarize kind = count()",
		 "(query (pipe (name \"T\") (summarize nil (list (assign \"kind\""
		 " (call \"count\"))) nil)))"},
		{"T | mv-expand kind=array x",
		 "(query (pipe (name \"T\") (mv-expand (list (opparam \"kind\""
		 " (name \"array\"))) (list (mvitem (name \"x\") nil)) nil)))"},
		{"T | union isfuzzy=true U",
		 "(query (pipe (name \"T\") (union (list (opparam \"isfuzzy\""
		 " (lit:bool \"true\"))) (name \"U\"))))"},
		{"T | where isfuzzy and flags",
		 "(query (pipe (name \"T\") (where (binary and (name \"isfuzzy\")"
		 " (name \"flags\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void string_decoding(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print \"a\\tb\\\"c\\\\d\\n\"",
		 "(query (print (lit:string \"a\\tb\\\"c\\\\d\\n\")))"},
		{"print 'it\\'s', @\"C:\\dir\\\", @\"say \"\"hi\"\"\", @'a''b'",
		 "(query (print (lit:string \"it's\") (lit:string \"C:\\\\dir\\\\\")"
		 " (lit:string \"say \\\"hi\\\"\") (lit:string \"a'b\")))"},
		{"print \"\\u00e9\\x41\\ud83d\\ude00\"",
		 "(query (print (lit:string \"éA😀\")))"},
		{"print h\"secret\", H@\"x\\y\"",
		 "(query (print (lit:string/2 \"secret\") (lit:string/2 \"x\\\\y\")))"},
		{"print ```x\n\"y\"```",
		 "(query (print (lit:string \"x\\n\\\"y\\\"\")))"},
		{"print [\"a b\"], ['it\\'s']",
		 "(query (print (name \"a b\") (name \"it's\")))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void string_concatenation(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print \"a\" 'b' @\"c\" h'd'",
		 "(query (print (lit:string/2 \"abcd\")))"},
		{"T | parse s with \"a\" \"b\" x",
		 "(query (pipe (name \"T\") (parse nil (name \"s\") (lit:string \"ab\")"
		 " (capture \"x\"))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void literal_types_and_flags(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print 1, 1.5, 0x1F, 1d, 1.5h, true, false, 2.5e-3",
		 "(query (print (lit:long \"1\") (lit:real \"1.5\") (lit:long \"0x1F\")"
		 " (lit:timespan \"1d\") (lit:timespan \"1.5h\") (lit:bool \"true\")"
		 " (lit:bool \"false\") (lit:real \"2.5e-3\")))"},
		{"print long(null), datetime(2024-01-01), dynamic([1]), int(5), dynamic(null),"
		 " guid(null), real(nan)",
		 "(query (print (lit:long/5 \"long(null)\")"
		 " (lit:datetime/4 \"datetime(2024-01-01)\")"
		 " (lit:dynamic/4 \"dynamic([1])\") (lit:int/4 \"int(5)\")"
		 " (lit:dynamic/5 \"dynamic(null)\") (lit:guid/5 \"guid(null)\")"
		 " (lit:real/4 \"real(nan)\")))"},
		{"print time(1.02:03:04), guid(0b9c3d6a-2f1e-4c8b-9a7d-5e6f1a2b3c4d),"
		 " bool(false), decimal(null)",
		 "(query (print (lit:timespan/4 \"time(1.02:03:04)\")"
		 " (lit:guid/4 \"guid(0b9c3d6a-2f1e-4c8b-9a7d-5e6f1a2b3c4d)\")"
		 " (lit:bool/4 \"bool(false)\") (lit:decimal/5 \"decimal(null)\")))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A dynamic literal's body is strict JSON after parsing: one that already is
 * keeps its text; KQL strings (verbatim, single-quoted, obfuscated, split),
 * KQL numbers, timespans and typed literals inside are rewritten as JSON,
 * and values JSON cannot hold become their string forms. */
static void dynamic_literal_bodies(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print dynamic({\"a\": [1, 2.5, \"x\"], \"b\": null})",
		 "(query (print (lit:dynamic/4 \"dynamic({\\\"a\\\": [1, 2.5, \\\"x\\\"], \\\"b\\\": null})\")))"},
		{"print dynamic([@\"C:\\W\", @'it''s', h\"s\", \"a\" 'b'])",
		 "(query (print (lit:dynamic/4 \"dynamic([\\\"C:\\\\\\\\W\\\",\\\"it's\\\",\\\"s\\\",\\\"ab\\\"])\")))"},
		{"print dynamic([0x10, -3, +4, 1., 1d, -1.5h, True, FALSE])",
		 "(query (print (lit:dynamic/4 \"dynamic([16,-3,4,1.0,\\\"1.00:00:00\\\",\\\"-01:30:00\\\",true,false])\")))"},
		{"print dynamic({'t': datetime(2021-01-02 03:04), 'g': guid(0B9C3D6A-2F1E-4C8B-9A7D-5E6F1A2B3C4D),"
		 " 's': timespan(90m), 'l': long(null), 'r': real(2), 'd': dynamic([int(7)])})",
		 "(query (print (lit:dynamic/4 \"dynamic({\\\"t\\\":\\\"2021-01-02T03:04:00.0000000Z\\\","
		 "\\\"g\\\":\\\"0b9c3d6a-2f1e-4c8b-9a7d-5e6f1a2b3c4d\\\",\\\"s\\\":\\\"01:30:00\\\","
		 "\\\"l\\\":null,\\\"r\\\":2.0,\\\"d\\\":[7]})\")))"},
		/* no-break spaces and comments between the items */
		{"print dynamic([\"a\",\xC2\xA0// one\n\"b\"])",
		 "(query (print (lit:dynamic/4 \"dynamic([\\\"a\\\",\\\"b\\\"])\")))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Digits running into letters make a name, as in Kusto (5Minutebin). */
static void names_starting_with_digits(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | summarize n = count() by bin(5Minutebin = Timestamp, 5m) | project 5Minutebin, n",
		 "(query (pipe (name \"T\") (summarize nil (list (assign \"n\" (call \"count\")))"
		 " (list (call \"bin\" (namedarg \"5Minutebin\" (name \"Timestamp\"))"
		 " (lit:timespan \"5m\")))) (project (name \"5Minutebin\") (name \"n\"))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void typed_literal_or_call(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print datetime(SomeColumn), long(x), datetime (2024-01-01)",
		 "(query (print (call \"datetime\" (name \"SomeColumn\")) (call \"long\""
		 " (name \"x\")) (lit:datetime/4 \"datetime (2024-01-01)\")))"},
		{"print range(1, 10, 2)",
		 "(query (print (call \"range\" (lit:long \"1\") (lit:long \"10\")"
		 " (lit:long \"2\"))))"},
		{"range x from 1 to 10 step 2",
		 "(query (range \"x\" (lit:long \"1\") (lit:long \"10\") (lit:long \"2\")))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void statements(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"let f = (a:string, b:long = 5) { a }; f(\"x\")",
		 "(query (let \"f\" (lambda (params (param \"a\" (type:6 \"string\"))"
		 " (param \"b\" (type:3 \"long\") (lit:long \"5\"))) (body (name \"a\"))))"
		 " (call \"f\" (lit:string \"x\")))"},
		{"let g = (T:(*)) { T | take 1 }; g(X)",
		 "(query (let \"g\" (lambda (params (param \"T\" (schema:1))) (body (pipe"
		 " (name \"T\") (take (lit:long \"1\")))))) (call \"g\" (name \"X\")))"},
		{"let v = view () { T }; v",
		 "(query (let \"v\" (lambda:1 (params) (body (name \"T\")))) (name \"v\"))"},
		{"let h = (T:(a:string, *), n:int) { let m = n * 2; T | take m }; h(X, 1)",
		 "(query (let \"h\" (lambda (params (param \"T\" (schema:1 (coldecl \"a\""
		 " (type:6 \"string\")))) (param \"n\" (type:2 \"int\"))) (body (let \"m\""
		 " (binary * (name \"n\") (lit:long \"2\"))) (pipe (name \"T\") (take"
		 " (name \"m\")))))) (call \"h\" (name \"X\") (lit:long \"1\")))"},
		{"declare query_parameters(p:string = \"x\", q:datetime); T",
		 "(query (declare (params (param \"p\" (type:6 \"string\")"
		 " (lit:string \"x\")) (param \"q\" (type:7 \"datetime\")))) (name \"T\"))"},
		{"set a; set b = 1; T;",
		 "(query (set \"a\") (set \"b\" (lit:long \"1\")) (name \"T\"))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void join_and_lookup(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | join kind=leftouter hint.strategy=broadcast (U) on a, $left.b == $right.c",
		 "(query (pipe (name \"T\") (join (list (opparam \"kind\""
		 " (name \"leftouter\")) (opparam \"hint.strategy\" (name \"broadcast\")))"
		 " (paren (name \"U\")) (list (name \"a\") (binary == (member \"b\""
		 " (name \"$left\")) (member \"c\" (name \"$right\")))))))"},
		{"T | join U on a",
		 "(query (pipe (name \"T\") (join nil (name \"U\") (list (name \"a\")))))"},
		{"T | join (U | where x) on $left.a == $right.b and $left.c == $right.d",
		 "(query (pipe (name \"T\") (join nil (paren (pipe (name \"U\") (where"
		 " (name \"x\")))) (list (binary and (binary == (member \"a\""
		 " (name \"$left\")) (member \"b\" (name \"$right\"))) (binary =="
		 " (member \"c\" (name \"$left\")) (member \"d\" (name \"$right\"))))))))"},
		{"T | lookup U on a",
		 "(query (pipe (name \"T\") (lookup nil (name \"U\") (list (name \"a\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void union_legs(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"union kind=outer withsource=S A, B*, (C | take 1)",
		 "(query (union (list (opparam \"kind\" (name \"outer\"))"
		 " (opparam \"withsource\" (name \"S\"))) (name \"A\") (namepat:2 \"B\")"
		 " (paren (pipe (name \"C\") (take (lit:long \"1\"))))))"},
		{"union f(1), g()",
		 "(query (union nil (call \"f\" (lit:long \"1\")) (call \"g\")))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void summarize_forms(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | summarize hint.shufflekey=k c = count(), arg_max(t, *) by bin(t, 1h)",
		 "(query (pipe (name \"T\") (summarize (list (opparam \"hint.shufflekey\""
		 " (name \"k\"))) (list (assign \"c\" (call \"count\")) (call \"arg_max\""
		 " (name \"t\") (star))) (list (call \"bin\" (name \"t\")"
		 " (lit:timespan \"1h\"))))))"},
		{"T | summarize (a, b) = arg_max(t, x) by k",
		 "(query (pipe (name \"T\") (summarize nil (list (tuple-assign (list"
		 " (name \"a\") (name \"b\")) (call \"arg_max\" (name \"t\")"
		 " (name \"x\")))) (list (name \"k\")))))"},
		{"T | summarize by k",
		 "(query (pipe (name \"T\") (summarize nil (list) (list (name \"k\")))))"},
		{"T | summarize count()",
		 "(query (pipe (name \"T\") (summarize nil (list (call \"count\")) nil)))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void sort_top_take(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | sort by a desc nulls last, b asc, c nulls first",
		 "(query (pipe (name \"T\") (sort (sortkey:10 (name \"a\")) (sortkey:1"
		 " (name \"b\")) (sortkey:4 (name \"c\")))))"},
		{"T | order by a",
		 "(query (pipe (name \"T\") (sort (sortkey (name \"a\")))))"},
		{"T | top 5 by a desc",
		 "(query (pipe (name \"T\") (top (lit:long \"5\") (sortkey:2"
		 " (name \"a\")))))"},
		{"T | take 5 | limit 5",
		 "(query (pipe (name \"T\") (take (lit:long \"5\")) (take"
		 " (lit:long \"5\"))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void project_family(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | extend e = 1, f = -2 | project e",
		 "(query (pipe (name \"T\") (extend (assign \"e\" (lit:long \"1\"))"
		 " (assign \"f\" (unary - (lit:long \"2\")))) (project (name \"e\"))))"},
		{"T | project-away a*, *b, *c*, d",
		 "(query (pipe (name \"T\") (project-away (namepat:2 \"a\")"
		 " (namepat:1 \"b\") (namepat:3 \"c\") (namepat \"d\"))))"},
		{"T | project-reorder a asc, b* desc",
		 "(query (pipe (name \"T\") (project-reorder (namepat:4 \"a\")"
		 " (namepat:10 \"b\"))))"},
		{"T | project-keep a",
		 "(query (pipe (name \"T\") (project-keep (namepat \"a\"))))"},
		{"T | project-rename n = o, [\"p q\"] = r",
		 "(query (pipe (name \"T\") (project-rename (assign \"n\" (name \"o\"))"
		 " (assign \"p q\" (name \"r\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void mv_expand_and_mv_apply(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | mv-expand bagexpansion=array with_itemindex=i x = y to typeof(string), z"
		 " limit 10",
		 "(query (pipe (name \"T\") (mv-expand (list (opparam \"bagexpansion\""
		 " (name \"array\")) (opparam \"with_itemindex\" (name \"i\"))) (list"
		 " (mvitem (assign \"x\" (name \"y\")) (type:6 \"string\")) (mvitem"
		 " (name \"z\") nil)) (lit:long \"10\"))))"},
		{"T | mv-apply x on (take 1)",
		 "(query (pipe (name \"T\") (mv-apply nil (list (mvitem"
		 " (name \"x\") nil)) nil (subpipe (take (lit:long \"1\"))))))"},
		{"T | mv-apply y = x to typeof(long) on (summarize s = sum(y) | extend z = s)",
		 "(query (pipe (name \"T\") (mv-apply nil (list (mvitem (assign \"y\""
		 " (name \"x\")) (type:3 \"long\"))) nil (subpipe (summarize nil (list"
		 " (assign \"s\" (call \"sum\" (name \"y\")))) nil) (extend (assign \"z\""
		 " (name \"s\")))))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void parse_and_parse_where(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | parse kind=regex flags=i s with \"a\" x:long * \"b\" y",
		 "(query (pipe (name \"T\") (parse (list (opparam \"kind\""
		 " (name \"regex\")) (opparam \"flags\" (name \"i\"))) (name \"s\")"
		 " (lit:string \"a\") (capture \"x\" (type:3 \"long\")) (star)"
		 " (lit:string \"b\") (capture \"y\"))))"},
		{"T | parse-where s with * \"k=\" v",
		 "(query (pipe (name \"T\") (parse:1 nil (name \"s\") (star)"
		 " (lit:string \"k=\") (capture \"v\"))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void make_series(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | make-series n = count() default = 0 on t from a to b step 1h by k",
		 "(query (pipe (name \"T\") (make-series nil (list (msagg (assign \"n\""
		 " (call \"count\")) (lit:long \"0\"))) (name \"t\") (name \"a\")"
		 " (name \"b\") (lit:timespan \"1h\") (list (name \"k\")))))"},
		{"T | make-series n = count() on t step 1d",
		 "(query (pipe (name \"T\") (make-series nil (list (msagg (assign \"n\""
		 " (call \"count\")) nil)) (name \"t\") nil nil (lit:timespan \"1d\") nil)))"},
		{"T | make-series kind=nonempty n = count() on t from a step 1d",
		 "(query (pipe (name \"T\") (make-series (list (opparam \"kind\""
		 " (name \"nonempty\"))) (list (msagg (assign \"n\""
		 " (call \"count\")) nil)) (name \"t\") (name \"a\") nil"
		 " (lit:timespan \"1d\") nil)))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void top_nested(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | top-nested 3 of a with others = \"o\" by c = count() desc, top-nested of"
		 " b by max(t)",
		 "(query (pipe (name \"T\") (top-nested (tnclause:2 (lit:long \"3\")"
		 " (name \"a\") (lit:string \"o\") (assign \"c\" (call \"count\")))"
		 " (tnclause nil (name \"b\") nil (call \"max\" (name \"t\"))))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void render_and_properties(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | render timechart",
		 "(query (pipe (name \"T\") (render \"timechart\")))"},
		{"T | render timechart with (title = \"x\", ycolumns = a, b)",
		 "(query (pipe (name \"T\") (render \"timechart\" (prop \"title\""
		 " (lit:string \"x\")) (prop \"ycolumns\" (name \"a\") (name \"b\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void datatable_and_externaldata(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"datatable(a:long, b:string)[1, \"x\", 2, \"y\",]",
		 "(query (datatable (schema (coldecl \"a\" (type:3 \"long\"))"
		 " (coldecl \"b\" (type:6 \"string\"))) (list (lit:long \"1\")"
		 " (lit:string \"x\") (lit:long \"2\") (lit:string \"y\"))))"},
		{"datatable(a:string)[\"x\"]",
		 "(query (datatable (schema (coldecl \"a\" (type:6 \"string\"))) (list"
		 " (lit:string \"x\"))))"},
		{"externaldata(a:string)[\"u\"] with (format = \"csv\")",
		 "(query (externaldata (schema (coldecl \"a\" (type:6 \"string\"))) (list"
		 " (lit:string \"u\")) (list (prop \"format\" (lit:string \"csv\")))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void search_and_find(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"search in (A, B) \"x\"",
		 "(query (search nil (list (name \"A\") (name \"B\")) (lit:string \"x\")))"},
		{"T | search kind=case_sensitive x",
		 "(query (pipe (name \"T\") (search (list (opparam \"kind\""
		 " (name \"case_sensitive\"))) nil (name \"x\"))))"},
		{"find in (A) where x == 1 project a",
		 "(query (find nil (list (name \"A\")) (binary == (name \"x\")"
		 " (lit:long \"1\")) (list (name \"a\"))))"},
		{"find x project-smart",
		 "(query (find:1 nil nil (name \"x\") nil))"},
		{"find withsource=S where x",
		 "(query (find (list (opparam \"withsource\" (name \"S\"))) nil"
		 " (name \"x\") nil))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void other_tabular_operators(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"T | evaluate bag_unpack(d)",
		 "(query (pipe (name \"T\") (evaluate nil (call \"bag_unpack\""
		 " (name \"d\")))))"},
		{"T | evaluate hint.distribution=per_node pivot(k, count())",
		 "(query (pipe (name \"T\") (evaluate (list (opparam \"hint.distribution\""
		 " (name \"per_node\"))) (call \"pivot\" (name \"k\") (call \"count\")))))"},
		{"T | invoke f(1)",
		 "(query (pipe (name \"T\") (invoke (call \"f\" (lit:long \"1\")))))"},
		{"T | as hint.materialized=true N",
		 "(query (pipe (name \"T\") (as \"N\" (list (opparam \"hint.materialized\""
		 " (lit:bool \"true\"))))))"},
		{"T | serialize | serialize r = row_number()",
		 "(query (pipe (name \"T\") (serialize) (serialize (assign \"r\""
		 " (call \"row_number\")))))"},
		{"T | sample 5 | sample-distinct 3 of c",
		 "(query (pipe (name \"T\") (sample (lit:long \"5\")) (sample-distinct"
		 " (lit:long \"3\") (name \"c\"))))"},
		{"T | getschema | count",
		 "(query (pipe (name \"T\") (getschema) (count)))"},
		{"T | distinct * | distinct a, b = c",
		 "(query (pipe (name \"T\") (distinct (star)) (distinct (name \"a\")"
		 " (assign \"b\" (name \"c\")))))"},
		{"T | filter x",
		 "(query (pipe (name \"T\") (where (name \"x\"))))"},
		{"T | partition by k (take 1)",
		 "(query (pipe (name \"T\") (partition nil (name \"k\") (subpipe (take"
		 " (lit:long \"1\"))))))"},
		{"T | partition hint.strategy=native by k { U | take 1 }",
		 "(query (pipe (name \"T\") (partition (list (opparam \"hint.strategy\""
		 " (name \"native\"))) (name \"k\") (pipe (name \"U\") (take"
		 " (lit:long \"1\"))))))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

static void sources_and_subqueries(void **state)
{
	(void)state;
	static const dump_case cases[] = {
		{"print x = 1, 2",
		 "(query (print (assign \"x\" (lit:long \"1\")) (lit:long \"2\")))"},
		{"(T | take 1) | count",
		 "(query (pipe (paren (pipe (name \"T\") (take (lit:long \"1\")))) (count)))"},
		{"print toscalar(T | count)",
		 "(query (print (call \"toscalar\" (pipe (name \"T\") (count)))))"},
		{"print materialize(T)",
		 "(query (print (call \"materialize\" (name \"T\"))))"},
		{"T; U",
		 "(query (name \"T\") (name \"U\"))"},
	};
	check_dumps(cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- spans (internal API) ---------------------------------------------- */

typedef struct parsed {
	parse_tree t;
	diag d;
} parsed;

static void parse_ok(parsed *p, const char *text)
{
	diag_clear(&p->d);
	int rc = parse_query(&p->t, text, strlen(text), &p->d);
	if (rc != 0)
		print_error("query: %s\nparse failed: %s\n", text, p->d.msg);
	assert_int_equal(rc, 0);
	assert_non_null(p->t.root);
}

/* Kid i of n, which must exist. */
static const ast *kid(const ast *n, uint32_t i)
{
	assert_non_null(n);
	assert_true(i < n->nkids);
	assert_non_null(n->kids[i]);
	return n->kids[i];
}

/* n is of `kind` and spans exactly `text`, starting at byte off. */
static void expect_span(const parsed *p, const ast *n, int kind, uint32_t off, const char *text)
{
	uint32_t len = (uint32_t)strlen(text);
	if (n->kind != kind || n->off != off || n->len != len ||
	    memcmp(p->t.text + n->off, text, len) != 0) {
		print_error("got %s at %u+%u \"%.*s\"; want %s at %u+%u \"%s\"\n",
		            ast_kind_name(n->kind), n->off, n->len, (int)n->len, p->t.text + n->off,
		            ast_kind_name(kind), off, len, text);
		fail();
	}
}

static void spans_of_a_predicate(void **state)
{
	(void)state;
	parsed p;
	parse_ok(&p, "T | where x == 1 and y has \"z\"");
	const ast *pipe = kid(p.t.root, 0);
	expect_span(&p, p.t.root, A_QUERY, 0, "T | where x == 1 and y has \"z\"");
	expect_span(&p, pipe, A_PIPE, 0, "T | where x == 1 and y has \"z\"");
	expect_span(&p, kid(pipe, 0), A_NAME, 0, "T");
	/* the where node runs from `where` to the end of its predicate */
	const ast *where = kid(pipe, 1);
	expect_span(&p, where, A_WHERE, 4, "where x == 1 and y has \"z\"");
	const ast *and = kid(where, 0);
	expect_span(&p, and, A_BINARY, 10, "x == 1 and y has \"z\"");
	expect_span(&p, kid(and, 0), A_BINARY, 10, "x == 1");
	expect_span(&p, kid(and, 1), A_BINARY, 21, "y has \"z\"");
	expect_span(&p, kid(kid(and, 1), 1), A_LITERAL, 27, "\"z\"");
	parse_tree_free(&p.t);

	parse_ok(&p, "T | where x in (1, 2) and y between (1 .. 2)");
	and = kid(kid(kid(p.t.root, 0), 1), 0);
	expect_span(&p, kid(and, 0), A_IN, 10, "x in (1, 2)");
	expect_span(&p, kid(and, 1), A_BETWEEN, 26, "y between (1 .. 2)");
	parse_tree_free(&p.t);
}

static void spans_of_expressions(void **state)
{
	(void)state;
	parsed p;
	parse_ok(&p, "print count(), f(a, b), a.b.c, x[0], -y, (z), \"a\" \"b\", [ \"c d\" ]");
	const ast *print = kid(p.t.root, 0);
	assert_int_equal(print->kind, A_PRINT);
	expect_span(&p, kid(print, 0), A_CALL, 6, "count()");
	expect_span(&p, kid(print, 1), A_CALL, 15, "f(a, b)");
	expect_span(&p, kid(print, 2), A_MEMBER, 24, "a.b.c");
	expect_span(&p, kid(kid(print, 2), 0), A_MEMBER, 24, "a.b");
	expect_span(&p, kid(print, 3), A_INDEX, 31, "x[0]");
	expect_span(&p, kid(print, 4), A_UNARY, 37, "-y");
	expect_span(&p, kid(print, 5), A_PAREN, 41, "(z)");
	/* adjacent strings make one literal over all of them */
	expect_span(&p, kid(print, 6), A_LITERAL, 46, "\"a\" \"b\"");
	/* a bracketed name spans its brackets */
	expect_span(&p, kid(print, 7), A_NAME, 55, "[ \"c d\" ]");
	/* the print node spans all of its items */
	expect_span(&p, print, A_PRINT, 0, p.t.text);
	parse_tree_free(&p.t);
}

static void spans_of_operators(void **state)
{
	(void)state;
	parsed p;
	const char *q =
		"T | take 5 | mv-apply x on (take 1) | render barchart with (title = \"t\")";
	parse_ok(&p, q);
	const ast *pipe = kid(p.t.root, 0);
	expect_span(&p, pipe, A_PIPE, 0, q);
	expect_span(&p, kid(pipe, 1), A_TAKE, 4, "take 5");
	/* operators that end in a bracket include it */
	expect_span(&p, kid(pipe, 2), A_MV_APPLY, 13, "mv-apply x on (take 1)");
	expect_span(&p, kid(kid(pipe, 2), 3), A_SUBPIPE, 28, "take 1");
	expect_span(&p, kid(pipe, 3), A_RENDER, 38, "render barchart with (title = \"t\")");
	expect_span(&p, kid(kid(pipe, 3), 0), A_PROP, 60, "title = \"t\"");
	parse_tree_free(&p.t);

	parse_ok(&p, "let x = 1; T | summarize c = count() by k | join kind=inner (U) on k");
	expect_span(&p, kid(p.t.root, 0), A_LET, 0, "let x = 1");
	pipe = kid(p.t.root, 1);
	expect_span(&p, pipe, A_PIPE, 11,
	            "T | summarize c = count() by k | join kind=inner (U) on k");
	expect_span(&p, kid(pipe, 1), A_SUMMARIZE, 15, "summarize c = count() by k");
	const ast *join = kid(pipe, 2);
	expect_span(&p, join, A_JOIN, 44, "join kind=inner (U) on k");
	expect_span(&p, kid(kid(join, 0), 0), A_OPPARAM, 49, "kind=inner");
	expect_span(&p, kid(join, 1), A_PAREN, 60, "(U)");
	parse_tree_free(&p.t);

	/* a sort key covers its direction and nulls placement */
	parse_ok(&p, "T | sort by a desc nulls last");
	expect_span(&p, kid(kid(kid(p.t.root, 0), 1), 0), A_SORTKEY, 12, "a desc nulls last");
	parse_tree_free(&p.t);
}

/* Operators built from a list (extend, project, sort...) span from their
 * keyword to their last item, and the pipe and query around them too. */
static void spans_of_list_operators(void **state)
{
	(void)state;
	parsed p;
	parse_ok(&p, "T | extend a = 1");
	const ast *extend = kid(kid(p.t.root, 0), 1);
	expect_span(&p, extend, A_EXTEND, 4, "extend a = 1");
	expect_span(&p, kid(extend, 0), A_ASSIGN, 11, "a = 1");
	expect_span(&p, kid(p.t.root, 0), A_PIPE, 0, "T | extend a = 1");
	expect_span(&p, p.t.root, A_QUERY, 0, "T | extend a = 1");
	parse_tree_free(&p.t);

	const char *q = "T | project a, b | project-away c* | sort by d desc | distinct e, f";
	parse_ok(&p, q);
	const ast *pipe = kid(p.t.root, 0);
	expect_span(&p, pipe, A_PIPE, 0, q);
	expect_span(&p, kid(pipe, 1), A_PROJECT, 4, "project a, b");
	expect_span(&p, kid(pipe, 2), A_PROJECT_AWAY, 19, "project-away c*");
	expect_span(&p, kid(pipe, 3), A_SORT, 37, "sort by d desc");
	expect_span(&p, kid(pipe, 4), A_DISTINCT, 54, "distinct e, f");
	parse_tree_free(&p.t);

	parse_ok(&p, "let f = (x:long) { x }; datatable(a:long)[1, 2]");
	expect_span(&p, kid(kid(kid(p.t.root, 0), 0), 1), A_BODY, 17, "{ x }");
	const ast *dt = kid(p.t.root, 1);
	expect_span(&p, kid(dt, 0), A_SCHEMA, 34, "a:long");
	expect_span(&p, kid(dt, 1), A_LIST, 41, "[1, 2]");
	parse_tree_free(&p.t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(precedence_and_associativity),
		cmocka_unit_test(unary_and_postfix),
		cmocka_unit_test(operators_of_every_family),
		cmocka_unit_test(keywords_as_names),
		cmocka_unit_test(operator_parameters_versus_assignments),
		cmocka_unit_test(string_decoding),
		cmocka_unit_test(string_concatenation),
		cmocka_unit_test(literal_types_and_flags),
		cmocka_unit_test(dynamic_literal_bodies),
		cmocka_unit_test(names_starting_with_digits),
		cmocka_unit_test(typed_literal_or_call),
		cmocka_unit_test(statements),
		cmocka_unit_test(join_and_lookup),
		cmocka_unit_test(union_legs),
		cmocka_unit_test(summarize_forms),
		cmocka_unit_test(sort_top_take),
		cmocka_unit_test(project_family),
		cmocka_unit_test(mv_expand_and_mv_apply),
		cmocka_unit_test(parse_and_parse_where),
		cmocka_unit_test(make_series),
		cmocka_unit_test(top_nested),
		cmocka_unit_test(render_and_properties),
		cmocka_unit_test(datatable_and_externaldata),
		cmocka_unit_test(search_and_find),
		cmocka_unit_test(other_tabular_operators),
		cmocka_unit_test(sources_and_subqueries),
		cmocka_unit_test(spans_of_a_predicate),
		cmocka_unit_test(spans_of_expressions),
		cmocka_unit_test(spans_of_operators),
		cmocka_unit_test(spans_of_list_operators),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
