/* test_syntax_errors.c -- malformed queries: each must fail with its
 * exact message at its exact line and column, and leave the handle usable.
 * Uses only the public API, as a user would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

typedef struct bad_query {
	const char *query;
	unsigned line, column;
	const char *message;
} bad_query;

static const bad_query cases[] = {
	{"T | wher x == 1",
	 1, 5, "unknown tabular operator 'wher'; did you mean 'where'?"},
	{"T | where (x == 1",
	 1, 11, "'(' is never closed: expected ')' before the end of the query"},
	{"T | where x = 1",
	 1, 13, "unexpected '=': use '==' to compare"},
	{"T |",
	 1, 4, "expected a tabular operator after '|', found end of query"},
	{"T | where x == 1)",
	 1, 17, "unmatched ')': nothing is open here"},
	{"T | project a,",
	 1, 15, "unexpected end of query; expected an expression"},
	{"T | summarize count() by",
	 1, 25, "unexpected end of query; expected an expression"},
	{"T | where x == \"abc",
	 1, 16, "unterminated string literal"},
	{"T | extend y = dynamic([1, 2)",
	 1, 16, "unterminated dynamic literal: no ')' closes this '('"},
	{"T | extend d = datetime(2021-13-01)",
	 1, 16, "invalid datetime literal"},
	{"T | take 10.5abc",
	 1, 10, "invalid number: a number runs into letters that are not a timespan unit"},
	{"T | where !x",
	 1, 11, "unexpected '!': use not(...) to negate, or an operator such as !=, !~, !has, !in"},
	{"T | where x in \"a\"",
	 1, 16, "unexpected string \"a\"; expected '('"},
	{"T | where x between (1, 5)",
	 1, 23, "unexpected ','; expected an expression, 'or', 'and', a comparison, a string operator or 'in'"},
	{"T | sort x",
	 1, 10, "unexpected 'x'; expected 'by'"},
	{"T | top by x",
	 1, 12, "unexpected 'x'; expected an expression, 'by', 'or', 'and', a comparison or a string operator"},
	{"T | join (U) x",
	 1, 14, "unexpected 'x'; expected 'on'"},
	{"T | join kind=inner U",
	 1, 22, "unexpected end of query; expected 'on'"},
	{"let x = ;",
	 1, 9, "unexpected ';'; expected a tabular operator or an expression"},
	{"let f = (a:strin) { a };",
	 1, 12, "unknown type 'strin'; did you mean 'string'?"},
	{"T | extend x = 1 +",
	 1, 19, "unexpected end of query; expected an expression"},
	{"T | project-rename a = b + 1",
	 1, 20, "project-rename expects NewName = ExistingName"},
	{"T | where a ==",
	 1, 15, "unexpected end of query; expected an expression"},
	{"T | where a == b == ",
	 1, 21, "unexpected end of query; expected an expression"},
	{"T |  | take 1",
	 1, 6, "expected a tabular operator after '|', found '|'"},
	{"T | project ['']",
	 1, 13, "a name cannot be empty"},
	{"T | where x == 'a' and",
	 1, 23, "unexpected end of query; expected an expression"},
	{"T | render",
	 1, 11, "unexpected end of query; expected an expression"},
	{"T | mv-expand x to typeof(foo)",
	 1, 27, "unknown type 'foo'; did you mean 'bool'?"},
	{"T | parse x with",
	 1, 17, "unexpected end of query; expected a parse pattern after 'with': strings, '*' and column names"},
	{"datatable(a:long)[1, 2",
	 1, 18, "'[' is never closed: expected ']' before the end of the query"},
	{"T | extend \xc3\xbc" " = 1",
	 1, 12, "unexpected character (non-ASCII text is only allowed in strings, comments and ['quoted names'])"},
	{"T | take 1;; |",
	 1, 14, "unexpected '|'; expected a statement after ';'"},
	{"T | where f(a, ) ",
	 1, 16, "unexpected ')'; expected a tabular operator or an expression"},
	{"T | summarize by",
	 1, 17, "unexpected end of query; expected an expression"},
	{"union",
	 1, 6, "unexpected end of query; expected an expression"},
	{"range x from 1 to 10",
	 1, 21, "unexpected end of query; expected an expression, 'step', 'or', 'and', a comparison or a string operator"},
	{"T | where x == 1 |",
	 1, 19, "expected a tabular operator after '|', found end of query"},
	{"\tT\n| where a ==\n| take 5",
	 3, 1, "unexpected '|'; expected an expression"},
	{"T | extend t = time(25:00:00:00)",
	 1, 16, "invalid timespan literal"},
	{"T | extend l = long(99999999999999999999)",
	 1, 16, "invalid long literal"},
	{"T | extend s = \"bad \\q escape\"",
	 1, 21, "invalid escape sequence in string (use \\\\ for a backslash, or a verbatim @\"...\" string)"},
	{"T | extend r = 1.5e",
	 1, 16, "invalid number: a number runs into letters that are not a timespan unit"},
	{"T | lookup (U) on",
	 1, 18, "unexpected end of query; expected an expression"},
	{"T | invoke",
	 1, 11, "unexpected end of query; expected an expression"},
	{"T | where x has_any",
	 1, 20, "unexpected end of query; expected '('"},
	{"print x = 1 = 2",
	 1, 13, "unexpected '=': use '==' to compare"},
	{"T | extend x = a[",
	 1, 17, "'[' is never closed: expected ']' before the end of the query"},
	{"T | order by",
	 1, 13, "unexpected end of query; expected an expression"},
	{"T ]",
	 1, 3, "unmatched ']': nothing is open here"},
	{"let f = (x:long) { x + 1 ;",
	 1, 18, "'{' is never closed: expected '}' before the end of the query"},
	{"T | where a !contains",
	 1, 22, "unexpected end of query; expected an expression"},
	{"T | project x y",
	 1, 15, "unexpected 'y' after a complete expression; expected ',', '|' or ';' before it"},
	{"T | summarize x = count() by y z",
	 1, 32, "unexpected 'z' after a complete expression; expected ',', '|' or ';' before it"},
	{"T | take 1 | count | project",
	 1, 29, "unexpected end of query; expected an expression"},
	{"", 1, 1, "empty query"},
	{"// only a comment\n", 1, 1, "empty query"},
	{"T | take 1\n| where x == datetime(2021-02-30)", 2, 14, "invalid datetime literal"},
	{"T\n| where a == 1\n| extend b = f(c]\n| take 5", 3, 17,
	 "']' does not match the '(' opened at line 3, column 15"},
	{"T | extend s = \"multi\nline\"", 1, 16, "unterminated string literal"},
	{"T | extend s = ```never closed", 1, 16, "unterminated multi-line string: no closing ```"},
	{"T | where x == h'abc", 1, 16, "unterminated string literal"},
	{"T | union kind=outer", 1, 21, "unexpected end of query; expected an expression"},
	{"T | where x has_any (\"a\") and", 1, 30, "unexpected end of query; expected an expression"},
	{"T | search in x \"y\"", 1, 15, "unexpected 'x'; expected '('"},
	/* dynamic literals: KQL literals inside are fine, anything else is not */
	{"print d = dynamic([@\"a\", b])", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	{"print d = dynamic([datetime(2021-13-01)])", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	{"print d = dynamic({'a' 1})", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	{"print d = dynamic([\"\\q\"])", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	{"print d = dynamic([1.5x])", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	{"print d = dynamic([nan])", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	{"print d = dynamic([1,])", 1, 11,
	 "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)"},
	/* a name may start with digits, a number with a fraction may not run into letters */
	{"print 5Minutebin = 1.5Minutes", 1, 20,
	 "invalid number: a number runs into letters that are not a timespan unit"},
};

static void each_case_fails_where_expected(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t n = sizeof(cases) / sizeof(*cases);
	int wrong = 0;
	for (size_t i = 0; i < n; i++) {
		const bad_query *c = &cases[i];
		kqlite_syntax *s = (kqlite_syntax *)&s; /* must be reset to NULL */
		int rc = kqlite_parse(db, c->query, strlen(c->query), &s);
		kqlite_span sp = {0, 0, 0, 0};
		int has_span = kqlite_errspan(db, &sp) == KQLITE_OK;
		if (rc != KQLITE_SYNTAX || s != NULL || !has_span || sp.line != c->line ||
		    sp.column != c->column || strcmp(kqlite_errmsg(db), c->message) != 0) {
			fprintf(stderr, "case %zu: %s\n  want %u:%u %s\n  got  rc=%d %u:%u %s\n", i, c->query,
			        c->line, c->column, c->message, rc, sp.line, sp.column, kqlite_errmsg(db));
			wrong++;
		}
		if (has_span)
			assert_true(sp.offset + sp.length <= strlen(c->query));
		/* the handle stays usable */
		assert_int_equal(kqlite_parse(db, "T | take 1", 10, &s), KQLITE_OK);
		kqlite_syntax_free(s);
		assert_int_equal(kqlite_errcode(db), KQLITE_OK);
	}
	assert_int_equal(wrong, 0);
	assert_true(n >= 60);
	kqlite_close(db);
}

/* A NUL byte inside the text is an error at its place, not the end. */
static void nul_byte_is_an_error(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	const char q[] = "T | where x == 1\0 | take 1";
	kqlite_syntax *s;
	assert_int_equal(kqlite_parse(db, q, sizeof(q) - 1, &s), KQLITE_SYNTAX);
	kqlite_span sp;
	assert_int_equal(kqlite_errspan(db, &sp), KQLITE_OK);
	assert_int_equal(sp.offset, 16);
	assert_string_equal(kqlite_errmsg(db), "unexpected character");
	kqlite_close(db);
}

/* Deep nesting is a limit error, never a stack overflow. */
static void deep_nesting_is_limited(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	size_t depth = 100000;
	char *q = malloc(depth * 2 + 16);
	assert_non_null(q);
	size_t n = 0;
	memcpy(q, "print ", 6);
	n = 6;
	for (size_t i = 0; i < depth; i++)
		q[n++] = '(';
	q[n++] = '1';
	for (size_t i = 0; i < depth; i++)
		q[n++] = ')';
	kqlite_syntax *s;
	assert_int_equal(kqlite_parse(db, q, n, &s), KQLITE_LIMIT);
	assert_non_null(strstr(kqlite_errmsg(db), "nested too deeply"));

	/* a long flat chain (x + x + ...) is deep for a tree, too */
	n = 0;
	memcpy(q, "print 1", 7);
	n = 7;
	for (size_t i = 0; i < 5000; i++) {
		memcpy(q + n, "+1", 2);
		n += 2;
	}
	assert_int_equal(kqlite_parse(db, q, n, &s), KQLITE_LIMIT);
	assert_non_null(strstr(kqlite_errmsg(db), "nested too deeply"));

	/* and a chain of 1000 terms is fine */
	assert_int_equal(kqlite_parse(db, q, 7 + 2 * 1000, &s), KQLITE_OK);
	kqlite_syntax_free(s);
	free(q);
	kqlite_close(db);
}

static void misuse_is_reported(void **state)
{
	(void)state;
	kqlite_syntax *s;
	assert_int_equal(kqlite_parse(NULL, "x", 1, &s), KQLITE_MISUSE);
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	assert_int_equal(kqlite_parse(db, NULL, 3, &s), KQLITE_MISUSE);
	assert_int_equal(kqlite_parse(db, "x", 1, NULL), KQLITE_MISUSE);
	kqlite_span sp;
	assert_int_equal(kqlite_errspan(db, &sp), KQLITE_NOTFOUND);
	kqlite_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_case_fails_where_expected),
		cmocka_unit_test(nul_byte_is_an_error),
		cmocka_unit_test(deep_nesting_is_limited),
		cmocka_unit_test(misuse_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
