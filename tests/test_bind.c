/* test_bind.c -- binding through the public API: the output schema of
 * each query, with KQL's generated names (count_, sum_X, set_y, set_y1,
 * Column1, print_0, bin keys, arg_max expansions, join's 1 suffix,
 * union's name_type...), and binding errors with message and position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

typedef struct schema_case {
	const char *query;
	const char *columns; /* "name:type ..."; "... a:t b:t" checks the tail */
} schema_case;

typedef struct error_case {
	const char *query;
	unsigned line, column;
	const char *message;
} error_case;

static const schema_case schema_cases[] = {
	{"search in (DeviceProcessEvents, Email*) \"mimikatz\" or ProcessCommandLine has \"sekurlsa\"",
	 "$table:string +open"},
	{"SecurityAlert | summarize count()",
	 "count_:long"},
	{"SecurityAlert | summarize count() by ProductName",
	 "ProductName:string count_:long"},
	{"SecurityAlert | summarize count(AlertName)",
	 "count_AlertName:long"},
	{"SecurityAlert | summarize countif(AlertSeverity == \"High\")",
	 "countif_:long"},
	{"SecurityAlert | summarize dcount(AlertName), dcountif(AlertName, IsIncident)",
	 "dcount_AlertName:long dcountif_AlertName:long"},
	{"SecurityAlert | summarize sum(ConfidenceScore), avg(ConfidenceScore), min(TimeGenerated), max(TimeGenerated)",
	 "sum_ConfidenceScore:real avg_ConfidenceScore:real min_TimeGenerated:datetime max_TimeGenerated:datetime"},
	{"SecurityAlert | summarize make_set(AlertName), make_list(AlertName), make_set(AlertName)",
	 "set_AlertName:dynamic list_AlertName:dynamic set_AlertName1:dynamic"},
	{"SecurityAlert | summarize make_set_if(AlertName, IsIncident), make_list_if(AlertName, IsIncident), make_bag(pack(\"a\", 1))",
	 "set_AlertName:dynamic list_AlertName:dynamic bag_:dynamic"},
	{"SecurityAlert | summarize count() | summarize max(count_)",
	 "max_count_:long"},
	{"SecurityAlert | summarize Count = count() by ProductName | summarize max(Count)",
	 "max_Count:long"},
	{"SecurityAlert | summarize count() by bin(TimeGenerated, 1h)",
	 "TimeGenerated:datetime count_:long"},
	{"SecurityAlert | summarize count() by bin_at(TimeGenerated, 1d, now())",
	 "TimeGenerated:datetime count_:long"},
	{"SecurityAlert | summarize count() by strlen(AlertName)",
	 "Column1:long count_:long"},
	{"SecurityAlert | summarize count() by tostring(ExtendedProperties)",
	 "ExtendedProperties:string count_:long"},
	{"SecurityAlert | summarize arg_max(TimeGenerated, *) by SystemAlertId",
	 "... VendorOriginalId:string WorkspaceResourceGroup:string WorkspaceSubscriptionId:string"},
	{"SecurityAlert | summarize arg_max(TimeGenerated, AlertName, ProductName) by SystemAlertId",
	 "SystemAlertId:string TimeGenerated:datetime AlertName:string ProductName:string"},
	{"SecurityAlert | summarize Last = arg_max(TimeGenerated, AlertName) by SystemAlertId",
	 "SystemAlertId:string Last:datetime AlertName:string"},
	{"SecurityAlert | summarize (LastTime, LastName) = arg_max(TimeGenerated, AlertName) by SystemAlertId",
	 "SystemAlertId:string LastTime:datetime LastName:string"},
	{"SecurityAlert | summarize take_any(AlertName), any(ProductName)",
	 "AlertName:string any_ProductName:string"},
	{"SecurityAlert | summarize percentile(ConfidenceScore, 95), percentiles(ConfidenceScore, 50, 99.9)",
	 "percentile_ConfidenceScore_95:real percentile_ConfidenceScore_50:real percentile_ConfidenceScore_99_9:real"},
	{"SecurityAlert | summarize stdev(ConfidenceScore), variance(ConfidenceScore)",
	 "stdev_ConfidenceScore:real variance_ConfidenceScore:real"},
	{"SecurityAlert | summarize tostring(make_set(AlertName)) by ProductName",
	 "ProductName:string set_AlertName:string"},
	{"SecurityAlert | extend strlen(AlertName), tolower(AlertName)",
	 "... WorkspaceSubscriptionId:string Column1:long Column2:string"},
	{"SecurityAlert | project AlertName, strlen(AlertName), x = 1, 2",
	 "AlertName:string Column1:long x:long Column2:long"},
	{"SecurityAlert | project parse_json(ExtendedProperties).a.b",
	 "Column1:dynamic"},
	{"print 1, x = 2, \"three\"",
	 "print_0:long x:long print_2:string"},
	{"print a = 1 + 2, b = 1 + 2.5, c = int(1) + int(2), d = now() - ago(1d), e = now() + 1d, f = 1d * 2, g = 1d / 1h, h = 7 / 2, i = -14 % 12",
	 "... g:real h:long i:long"},
	{"SecurityAlert | join (SecurityIncident) on TimeGenerated | project-keep TimeGenerated*",
	 "TimeGenerated:datetime TimeGenerated1:datetime"},
	{"SecurityAlert | project A = AlertName, T = TimeGenerated | join kind=leftouter (SecurityAlert | project A = AlertName, B = 1) on A",
	 "A:string T:datetime A1:string B:long"},
	{"SecurityAlert | join kind=leftsemi (SecurityIncident) on TimeGenerated | count",
	 "Count:long"},
	{"SecurityAlert | join kind=rightanti (SecurityIncident) on TimeGenerated | getschema",
	 "ColumnName:string ColumnOrdinal:int DataType:string ColumnType:string"},
	{"SecurityAlert | project a = AlertName | lookup (SecurityAlert | project a = AlertName, b = 1) on a",
	 "a:string b:long"},
	{"union (print x = 1), (print x = \"s\")",
	 "x_long:long x_string:string"},
	{"union (print x = 1, y = 2), (print x = 3, z = \"s\")",
	 "x:long y:long z:string"},
	{"union kind=inner (print x = 1, y = 2), (print x = 3, z = \"s\")",
	 "x:long"},
	{"union withsource=Src (print x = 1), (print y = 2)",
	 "Src:string x:long y:long"},
	{"union isfuzzy=true SecurityAlert, NoSuchTable | count",
	 "Count:long"},
	{"SecurityAlert | getschema",
	 "ColumnName:string ColumnOrdinal:int DataType:string ColumnType:string"},
	{"range x from 1 to 10 step 1",
	 "x:long"},
	{"range x from 1.0 to 10 step 1",
	 "x:real"},
	{"range t from ago(1d) to now() step 1h",
	 "t:datetime"},
	{"datatable(a:long, b:string)[1, \"x\", 2, \"y\"]",
	 "a:long b:string"},
	{"SecurityAlert | count",
	 "Count:long"},
	{"SecurityAlert | mv-expand with_itemindex=i parse_json(Entities) to typeof(string)",
	 "... WorkspaceResourceGroup:string WorkspaceSubscriptionId:string i:long"},
	{"SecurityAlert | extend e = parse_json(Entities) | mv-expand e",
	 "... WorkspaceResourceGroup:string WorkspaceSubscriptionId:string e:dynamic"},
	{"SecurityAlert | parse AlertName with * \"x\" a:long \" \" b",
	 "... WorkspaceSubscriptionId:string a:long b:string"},
	{"SecurityAlert | make-series n = count() default = 0 on TimeGenerated from ago(7d) to now() step 1d by ProductName",
	 "ProductName:string n:dynamic TimeGenerated:dynamic"},
	{"SecurityAlert | evaluate bag_unpack(ExtendedProperties) | project AnythingGoes",
	 "AnythingGoes:unknown"},
	{"SecurityAlert | top-nested 3 of ProductName by count()",
	 "ProductName:string aggregated_ProductName:long"},
	{"SecurityAlert | distinct ProductName, AlertName",
	 "ProductName:string AlertName:string"},
	{"SecurityAlert | extend AlertName = 1",
	 "... VendorOriginalId:string WorkspaceResourceGroup:string WorkspaceSubscriptionId:string"},
	{"SecurityAlert | project-rename Name = AlertName | project Name",
	 "Name:string"},
	{"SecurityAlert | project-reorder TimeGenerated, Alert* | project-away Alert*",
	 "... VendorOriginalId:string WorkspaceResourceGroup:string WorkspaceSubscriptionId:string"},
	{"SecurityAlert | sort by TimeGenerated | extend prev(TimeGenerated), row_number()",
	 "... WorkspaceSubscriptionId:string Column1:datetime Column2:long"},
	{"let f = (T:(*), n:long) { T | take n }; f(SecurityAlert, 5) | count",
	 "Count:long"},
	{"let g = (x:long) { x * 2 }; print g(3)",
	 "print_0:long"},
	{"let h = (T:(AlertName:string)) { T | project AlertName }; SecurityAlert | invoke h()",
	 "AlertName:string"},
	{"let t = toscalar(SecurityAlert | summarize max(TimeGenerated)); print t",
	 "print_0:datetime"},
	{"SecurityAlert | sample-distinct 3 of ProductName",
	 "ProductName:string"},
	{"SecurityAlert | where AlertName in ((SecurityIncident | project Title))",
	 "... VendorOriginalId:string WorkspaceResourceGroup:string WorkspaceSubscriptionId:string"},
};

static const error_case error_cases[] = {
	{"search \"a\" or 1",
	 1, 15, "'or' needs a bool, not long"},
	{"SecurityAlrt | take 1",
	 1, 1, "unknown table or name 'SecurityAlrt'; did you mean 'SecurityAlert'?"},
	{"SecurityAlert | where ProductNam == \"x\"",
	 1, 23, "unknown column 'ProductNam'; did you mean 'ProductName'?"},
	{"SecurityAlert | where productname == \"x\"",
	 1, 23, "unknown column 'productname'; did you mean 'ProductName'?"},
	{"SecurityAlert | project AlertName, Nope",
	 1, 36, "unknown column 'Nope'"},
	{"SecurityAlert | extend x = tostrig(AlertName)",
	 1, 28, "unknown function 'tostrig'; did you mean 'tostring'?"},
	{"SecurityAlert | extend x = nosuchfunction(1)",
	 1, 28, "unknown function 'nosuchfunction'"},
	{"SecurityAlert | where AlertName == 1",
	 1, 23, "cannot compare string with long (convert one side, e.g. with tostring() or tolong())"},
	{"SecurityAlert | where TimeGenerated > \"yesterday\"",
	 1, 23, "cannot compare datetime with string (convert one side, e.g. with tostring() or tolong())"},
	{"SecurityAlert | where ConfidenceScore",
	 1, 23, "where needs a bool predicate, not real"},
	{"SecurityAlert | where IsIncident and 1",
	 1, 38, "'and' needs a bool, not long"},
	{"SecurityAlert | extend x = AlertName + 1",
	 1, 28, "operator '+' cannot be applied to string and long"},
	{"SecurityAlert | extend x = TimeGenerated + TimeGenerated",
	 1, 28, "operator '+' cannot be applied to datetime and datetime"},
	{"SecurityAlert | extend x = count()",
	 1, 28, "count() is an aggregate: it is allowed only in summarize, make-series and top-nested"},
	{"SecurityAlert | summarize AlertName",
	 1, 27, "this is not an aggregate: summarize takes aggregates such as count(), sum(x), make_set(x)"},
	{"SecurityAlert | summarize count(count())",
	 1, 33, "aggregates cannot be nested: count() inside another aggregate"},
	{"SecurityAlert | summarize count() by parse_json(Entities)",
	 1, 38, "a group key cannot be dynamic: convert it, e.g. tostring(...)"},
	{"SecurityAlert | extend x = strlen(AlertName, 1)",
	 1, 28, "strlen() takes 1 argument, not 2"},
	{"SecurityAlert | extend x = bin(TimeGenerated, \"1h\")",
	 1, 47, "argument 2 of bin() must be a number, a datetime or a timespan, not string"},
	{"SecurityAlert | extend x = iff(IsIncident, \"a\", 1)",
	 1, 49, "iff() branches have different types: string and long"},
	{"SecurityAlert | extend x = AlertName.foo",
	 1, 28, "cannot take member 'foo' of a string value (only of dynamic; parse_json() makes one)"},
	{"SecurityAlert | extend x = AlertName[0]",
	 1, 28, "cannot index a string value (only dynamic arrays and bags)"},
	{"SecurityAlert | project-away Nope",
	 1, 30, "unknown column 'Nope'"},
	{"SecurityAlert | project-rename A = Nope",
	 1, 36, "unknown column 'Nope'"},
	{"SecurityAlert | project a = AlertName, a = ProductName",
	 1, 40, "column 'a' is named twice"},
	{"SecurityAlert | join (SecurityIncident) on AlertName",
	 1, 44, "the right side of the join has no column 'AlertName'"},
	{"SecurityAlert | join kind=outer (SecurityIncident) on TimeGenerated",
	 1, 27, "join kind=outer is not a kind (expected innerunique, inner, leftouter, rightouter, fullouter, leftanti, anti, leftantisemi, rightanti, rightantisemi, leftsemi, rightsemi)"},
	{"SecurityAlert | join (SecurityIncident) on $left.AlertName == $right.Nope",
	 1, 63, "$right has no column 'Nope'"},
	{"SecurityAlert | join (SecurityIncident) on AlertName == Title",
	 1, 44, "a join condition compares $left.Column == $right.Column"},
	{"SecurityAlert | union kind=sideways SecurityIncident",
	 1, 28, "union kind=sideways is not a kind (expected inner, outer)"},
	{"SecurityAlert | mv-expand AlertName",
	 1, 27, "mv-expand needs a dynamic array or property bag, not string"},
	{"SecurityAlert | take \"ten\"",
	 1, 22, "take needs an integer count, not string"},
	{"SecurityAlert | top 5 by Nope",
	 1, 26, "unknown column 'Nope'"},
	{"SecurityAlert | render piechar",
	 1, 17, "unknown chart 'piechar'; did you mean 'piechart'?"},
	{"SecurityAlert | render timechart with (xcolumn = Nope)",
	 1, 50, "render xcolumn: no column 'Nope' in the result"},
	{"SecurityAlert | evaluate no_such_plugin()",
	 1, 26, "unknown plugin 'no_such_plugin'"},
	{"SecurityAlert | evaluate python(\"x\")",
	 1, 26, "not available offline: the python plugin needs a live service"},
	{"SecurityAlert | extend x = geo_info_from_ip_address(\"1.2.3.4\")",
	 1, 28, "not available offline: geo_info_from_ip_address() needs a live service"},
	{"SecurityAlert | extend x = prev(TimeGenerated)",
	 1, 28, "prev() needs ordered rows: use serialize, sort, top or range before it"},
	{"SecurityAlert | extend x = bag_unpack(Entities)",
	 1, 28, "bag_unpack is a plugin: call it with evaluate, as in '| evaluate bag_unpack(...)'"},
	{"print x = SecurityAlert",
	 1, 11, "'SecurityAlert' is a table, not a scalar value (use toscalar() for one value)"},
	{"let x = 1; x",
	 1, 12, "a query statement must be tabular; to show a scalar, use print"},
	{"let f = (a:long) { a + 1 }; print f()",
	 1, 35, "f() takes 1 argument, not 0"},
	{"let f = (a:long) { a + 1 }; print f(1, 2)",
	 1, 35, "f() takes 1 argument, not 2"},
	{"let f = (T:(Nope:string)) { T | count }; f(SecurityAlert)",
	 1, 44, "argument 1 of f() has no column 'Nope' (the parameter's schema requires it)"},
	{"SecurityAlert | invoke nosuch()",
	 1, 24, "invoke needs a function defined with let; 'nosuch' is not one"},
	{"datatable(a:long)[1, \"x\"]",
	 1, 22, "datatable column 'a' is long, but this value is string"},
	{"datatable(a:long, b:string)[1, \"x\", 2]",
	 1, 28, "datatable has 3 values for 2 columns: the last row is incomplete"},
	{"range x from 1 to \"z\" step 1",
	 1, 1, "range from long to string step long: expected numbers, datetimes with a timespan step, or timespans"},
	{"print toscalar(SecurityAlert | take 1), 1 + cluster(\"x\").database(\"y\").T",
	 1, 45, "not available offline: cluster(), database() and workspace() name remote data"},
	{"SecurityAlert | where $left.x == 1",
	 1, 23, "$left is only valid in a join's on-clause, as $left.Column"},
	{"SecurityAlert | extend x = -AlertName",
	 1, 28, "unary '-' cannot be applied to string"},
	{"SecurityAlert | where AlertName between (1 .. 2)",
	 1, 42, "cannot compare string with long in 'between'"},
	{"SecurityAlert | where TimeGenerated in (\"a\", \"b\")",
	 1, 41, "cannot compare datetime with string in 'in'"},
	{"SecurityAlert | extend x = column_ifexists(1, 2)",
	 1, 44, "column_ifexists() takes the column's name as a string, not long"},
	{"SecurityAlert | summarize hint.shufflekey=AlertName count() by AlertName | parse kind=fancy AlertName with x",
	 1, 87, "parse kind=fancy is not a kind (expected simple, regex, relaxed)"},
	{"let x = 5;",
	 1, 1, "the query has no tabular expression after its let statements"},
	{"SecurityAlert | extend x = typeof(notatype)",
	 1, 28, "typeof() takes a type name, such as typeof(string)"},
	{"SecurityAlert | mv-apply e = parse_json(Entities) on (where Nope == 1)",
	 1, 61, "unknown column 'Nope'"},
	{"SecurityAlert | where * has \"x\" | extend y = * + 1",
	 1, 48, "unexpected '+'; expected a string operator"},
};

/* "a:long b:string", plus " +open" for an open schema. */
static char *describe(const kqlite_stmt *st)
{
	size_t cap = 8192, n = 0;
	char *s = malloc(cap);
	s[0] = '\0';
	for (size_t i = 0; i < kqlite_stmt_column_count(st); i++)
		n += (size_t)snprintf(s + n, cap - n, "%s%s:%s", i ? " " : "", kqlite_stmt_column_name(st, i),
		                      kqlite_type_name(kqlite_stmt_column_type(st, i)));
	if (kqlite_stmt_schema_is_open(st))
		snprintf(s + n, cap - n, " +open");
	return s;
}

static bool columns_match(const char *got, const char *want)
{
	if (strncmp(want, "... ", 4) != 0)
		return strcmp(got, want) == 0;
	size_t gl = strlen(got), wl = strlen(want + 4);
	return gl >= wl && strcmp(got + gl - wl, want + 4) == 0;
}

static void output_schemas(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	int wrong = 0;
	for (size_t i = 0; i < sizeof(schema_cases) / sizeof(*schema_cases); i++) {
		const schema_case *c = &schema_cases[i];
		kqlite_stmt *st;
		if (kqlite_prepare(db, c->query, strlen(c->query), &st) != KQLITE_OK) {
			fprintf(stderr, "case %zu: %s\n  fails: %s\n", i, c->query, kqlite_errmsg(db));
			wrong++;
			continue;
		}
		char *got = describe(st);
		if (!columns_match(got, c->columns)) {
			fprintf(stderr, "case %zu: %s\n  want %s\n  got  %s\n", i, c->query, c->columns, got);
			wrong++;
		}
		free(got);
		kqlite_finalize(st);
	}
	assert_int_equal(wrong, 0);
	kqlite_close(db);
}

static void binding_errors(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	int wrong = 0;
	size_t n = sizeof(error_cases) / sizeof(*error_cases);
	for (size_t i = 0; i < n; i++) {
		const error_case *c = &error_cases[i];
		kqlite_stmt *st = (kqlite_stmt *)&st;
		int rc = kqlite_prepare(db, c->query, strlen(c->query), &st);
		kqlite_span sp = {0, 0, 0, 0};
		kqlite_errspan(db, &sp);
		if (rc == KQLITE_OK || st != NULL || sp.line != c->line || sp.column != c->column ||
		    strcmp(kqlite_errmsg(db), c->message) != 0) {
			fprintf(stderr, "case %zu: %s\n  want %u:%u %s\n  got  rc=%d %u:%u %s\n", i, c->query, c->line,
			        c->column, c->message, rc, sp.line, sp.column, kqlite_errmsg(db));
			wrong++;
		}
		if (rc == KQLITE_OK)
			kqlite_finalize(st);
	}
	assert_int_equal(wrong, 0);
	assert_true(n >= 40);
	kqlite_close(db);
}

/* Several statements, functions calling functions, and a database that
 * stays usable after every kind of failure. */
static void statements_and_reuse(void **state)
{
	(void)state;
	kqlite_db *db;
	assert_int_equal(kqlite_open(&db), KQLITE_OK);
	const char *q = "let a = 1d;\n"
	                "let recent = (T:(TimeGenerated:datetime)) { T | where TimeGenerated > ago(a) };\n"
	                "let twice = (x:long) { x * 2 };\n"
	                "recent(SecurityIncident) | summarize n = count() | extend m = twice(n)";
	kqlite_stmt *st;
	assert_int_equal(kqlite_prepare(db, q, strlen(q), &st), KQLITE_OK);
	char *got = describe(st);
	assert_string_equal(got, "n:long m:long");
	free(got);
	assert_null(kqlite_stmt_unsupported(st, NULL)); /* the engine runs all of it */
	assert_null(kqlite_stmt_column_name(st, 2));
	kqlite_finalize(st);

	assert_int_equal(kqlite_prepare(db, "T |", 3, &st), KQLITE_SYNTAX);
	assert_int_equal(kqlite_prepare(db, "Nope", 4, &st), KQLITE_ERROR);
	assert_int_equal(kqlite_prepare(db, "print 1", 7, &st), KQLITE_OK);
	kqlite_finalize(st);
	kqlite_finalize(NULL);
	kqlite_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(output_schemas),
		cmocka_unit_test(binding_errors),
		cmocka_unit_test(statements_and_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
