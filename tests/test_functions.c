/* test_functions.c -- the function table: its shape, lookups, argument
 * checks and result types. */
#include <setjmp.h> /* cmocka.h needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "functions.h"

enum {
	N = KQLITE_TYPE_NULL,
	B = KQLITE_TYPE_BOOL,
	I = KQLITE_TYPE_INT,
	L = KQLITE_TYPE_LONG,
	R = KQLITE_TYPE_REAL,
	DEC = KQLITE_TYPE_DECIMAL,
	S = KQLITE_TYPE_STRING,
	DT = KQLITE_TYPE_DATETIME,
	TS = KQLITE_TYPE_TIMESPAN,
	G = KQLITE_TYPE_GUID,
	DYN = KQLITE_TYPE_DYNAMIC,
	ANY = TYPE_ANY,
};

static const fn_def *get(const char *name)
{
	const fn_def *f = fn_lookup(name, strlen(name));
	if (!f)
		fail_msg("%s is not in the table", name);
	return f;
}

/* fn_check succeeds with result `want`. */
static void check_ok(const char *name, const uint8_t *t, int n, uint8_t want)
{
	const fn_def *f = get(name);
	uint8_t out = 0xEE;
	int bad = 99;
	char err[256] = "untouched";
	int rc = fn_check(f, t, n, &out, &bad, err, sizeof err);
	if (rc != 0)
		fail_msg("%s(): unexpected error: %s", name, err);
	if (out != want)
		fail_msg("%s(): result type %d, want %d", name, out, want);
}

/* fn_check fails on argument `want_bad` (-1: the count) with `want_msg`. */
static void check_err(const char *name, const uint8_t *t, int n, int want_bad, const char *want_msg)
{
	const fn_def *f = get(name);
	uint8_t out = 0xEE;
	int bad = 99;
	char err[256] = "";
	int rc = fn_check(f, t, n, &out, &bad, err, sizeof err);
	if (rc != -1)
		fail_msg("%s(): accepted, want \"%s\"", name, want_msg);
	if (bad != want_bad)
		fail_msg("%s(): bad_arg %d, want %d (%s)", name, bad, want_bad, err);
	if (strcmp(err, want_msg) != 0)
		fail_msg("%s(): message \"%s\", want \"%s\"", name, err, want_msg);
}

#define OK(want, name, ...)                                                                        \
	do {                                                                                       \
		const uint8_t ts_[] = {__VA_ARGS__};                                               \
		check_ok(name, ts_, (int)sizeof ts_, want);                                        \
	} while (0)
#define OK0(want, name) check_ok(name, NULL, 0, want)
#define ERR(bad, msg, name, ...)                                                                   \
	do {                                                                                       \
		const uint8_t ts_[] = {__VA_ARGS__};                                               \
		check_err(name, ts_, (int)sizeof ts_, bad, msg);                                   \
	} while (0)
#define ERR0(msg, name) check_err(name, NULL, 0, -1, msg)

/* ---- The table's shape --------------------------------------------------- */

static void table_is_sorted_without_duplicates(void **state)
{
	(void)state;
	size_t n = fn_count();
	assert_true(n > 0);
	for (size_t i = 1; i < n; i++) {
		const char *a = fn_at(i - 1)->name, *b = fn_at(i)->name;
		if (strcmp(a, b) >= 0)
			fail_msg("%s is not before %s", a, b);
	}
	assert_null(fn_at(n));
}

static void table_has_at_least_250_functions(void **state)
{
	(void)state;
	size_t by_kind[4] = {0}, aliases = 0;
	for (size_t i = 0; i < fn_count(); i++) {
		const fn_def *f = fn_at(i);
		assert_true(f->kind <= FN_WINDOW);
		by_kind[f->kind]++;
		aliases += (f->flags & FNF_ALIAS) != 0;
	}
	print_message(
	    "%zu functions: %zu scalar, %zu aggregate, %zu plugin, %zu window; %zu aliases\n",
	    fn_count(), by_kind[FN_SCALAR], by_kind[FN_AGGREGATE], by_kind[FN_PLUGIN],
	    by_kind[FN_WINDOW], aliases);
	assert_true(fn_count() >= 250);
	assert_true(by_kind[FN_AGGREGATE] >= 40);
	assert_true(by_kind[FN_PLUGIN] >= 20);
	assert_int_equal(by_kind[FN_WINDOW], 7);
}

static void aliases_point_to_canonical_functions(void **state)
{
	(void)state;
	for (size_t i = 0; i < fn_count(); i++) {
		const fn_def *f = fn_at(i);
		assert_non_null(f->canonical);
		if (!(f->flags & FNF_ALIAS)) {
			if (strcmp(f->canonical, f->name) != 0)
				fail_msg("%s: canonical %s without FNF_ALIAS", f->name,
				         f->canonical);
			continue;
		}
		if (strcmp(f->canonical, f->name) == 0)
			fail_msg("%s is an alias of itself", f->name);
		const fn_def *c = fn_lookup(f->canonical, strlen(f->canonical));
		if (!c)
			fail_msg("%s: canonical %s is missing", f->name, f->canonical);
		if (c->flags & FNF_ALIAS)
			fail_msg("%s: canonical %s is itself an alias", f->name, c->name);
		/* An alias checks like its canonical. */
		if (c->kind != f->kind || c->min_args != f->min_args ||
		    c->max_args != f->max_args || c->result != f->result || c->rtype != f->rtype ||
		    strcmp(c->args, f->args) != 0)
			fail_msg("%s differs from its canonical %s", f->name, c->name);
	}
}

static void aggregates_and_only_they_have_a_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < fn_count(); i++) {
		const fn_def *f = fn_at(i);
		if (f->kind == FN_AGGREGATE && (!f->agg_prefix || !f->agg_prefix[0]))
			fail_msg("aggregate %s has no agg_prefix", f->name);
		if (f->kind != FN_AGGREGATE && f->agg_prefix)
			fail_msg("%s is not an aggregate but has agg_prefix %s", f->name,
			         f->agg_prefix);
	}
}

static void signatures_are_well_formed(void **state)
{
	(void)state;
	const unsigned known_flags =
	    FNF_STAR | FNF_OFFLINE | FNF_ALIAS | FNF_EXPANDS | FNF_TABULAR | FNF_NAME_ARG0;
	for (size_t i = 0; i < fn_count(); i++) {
		const fn_def *f = fn_at(i);
		const char *n = f->name;
		assert_non_null(f->args);
		size_t alen = strlen(f->args);
		if (f->min_args < 0)
			fail_msg("%s: negative min_args", n);
		if (f->max_args >= 0 && f->max_args < f->min_args)
			fail_msg("%s: max_args < min_args", n);
		if (f->max_args < -1)
			fail_msg("%s: max_args below -1", n);
		if (f->max_args != 0 && alen == 0)
			fail_msg("%s: takes arguments but has no letters", n);
		if (f->max_args >= 0 && alen > (size_t)f->max_args)
			fail_msg("%s: more letters than arguments", n);
		if (strspn(f->args, "slntdbgyoac") != alen)
			fail_msg("%s: unknown letter in \"%s\"", n, f->args);
		if (f->result > FR_BIN)
			fail_msg("%s: unknown result kind", n);
		if (f->result == FR_FIXED && f->rtype > KQLITE_TYPE_DYNAMIC && f->rtype != TYPE_ANY)
			fail_msg("%s: bad rtype", n);
		if (f->result != FR_FIXED && f->rtype != KQLITE_TYPE_NULL)
			fail_msg("%s: rtype set but not FR_FIXED", n);
		if (f->flags & ~known_flags)
			fail_msg("%s: unknown flag", n);
		if ((f->flags & FNF_TABULAR) && f->kind != FN_SCALAR)
			fail_msg("%s: FNF_TABULAR is for functions called like scalars", n);
		if (f->kind == FN_PLUGIN && (f->result != FR_FIXED || f->rtype != TYPE_ANY))
			fail_msg("%s: plugins have no scalar type", n);
		if (f->result == FR_ARG1 && f->min_args < 2)
			fail_msg("%s: FR_ARG1 with fewer than 2 arguments", n);
		if ((f->result == FR_ARG0 || f->result == FR_BIN || f->result == FR_SUM ||
		     f->result == FR_AVG) &&
		    f->min_args < 1)
			fail_msg("%s: result from argument 0 but it may be absent", n);
	}
}

/* ---- Lookups ------------------------------------------------------------- */

static void lookup_is_exact_and_case_sensitive(void **state)
{
	(void)state;
	const fn_def *f = fn_lookup("tostring", 8);
	assert_non_null(f);
	assert_string_equal(f->name, "tostring");
	assert_int_equal(f->kind, FN_SCALAR);
	assert_null(fn_lookup("ToString", 8));
	assert_null(fn_lookup("TOSTRING", 8));
	assert_null(fn_lookup("tostrin", 7));
	assert_null(fn_lookup("tostrings", 9));
	assert_null(fn_lookup("", 0));
	assert_null(fn_lookup("nosuchfunction", 14));
	assert_null(fn_lookup("xyzzy", 5));
	/* The name need not be NUL-terminated. */
	f = fn_lookup("tostring(x)", 8);
	assert_non_null(f);
	assert_string_equal(f->name, "tostring");
	f = fn_lookup("binary", 3);
	assert_non_null(f);
	assert_string_equal(f->name, "bin");
	/* The first and the last entries, and every entry by its own name. */
	assert_ptr_equal(fn_lookup(fn_at(0)->name, strlen(fn_at(0)->name)), fn_at(0));
	for (size_t i = 0; i < fn_count(); i++) {
		const fn_def *e = fn_at(i);
		assert_ptr_equal(fn_lookup(e->name, strlen(e->name)), e);
	}
}

static void required_functions_are_present(void **state)
{
	(void)state;
	static const char *const scalars[] = {
	    "ago",
	    "now",
	    "tostring",
	    "tolong",
	    "toint",
	    "toreal",
	    "todouble",
	    "tobool",
	    "toboolean",
	    "todatetime",
	    "totimespan",
	    "toguid",
	    "todynamic",
	    "todecimal",
	    "parse_json",
	    "parsejson",
	    "isnotempty",
	    "isempty",
	    "isnull",
	    "isnotnull",
	    "notempty",
	    "not",
	    "iff",
	    "iif",
	    "case",
	    "coalesce",
	    "strcat",
	    "strcat_delim",
	    "strcat_array",
	    "strlen",
	    "tolower",
	    "toupper",
	    "substring",
	    "split",
	    "replace",
	    "replace_string",
	    "replace_regex",
	    "trim",
	    "trim_start",
	    "trim_end",
	    "indexof",
	    "countof",
	    "extract",
	    "extract_all",
	    "extractjson",
	    "extract_json",
	    "reverse",
	    "strrep",
	    "has_any_index",
	    "url_decode",
	    "url_encode",
	    "url_encode_component",
	    "base64_decode_tostring",
	    "base64_decodestring",
	    "base64_encode_tostring",
	    "base64_encodestring",
	    "base64_decode_toarray",
	    "hash",
	    "hash_sha256",
	    "hash_md5",
	    "hash_sha1",
	    "tohex",
	    "format_datetime",
	    "format_timespan",
	    "datetime_add",
	    "datetime_diff",
	    "datetime_part",
	    "dayofweek",
	    "dayofmonth",
	    "dayofyear",
	    "hourofday",
	    "getyear",
	    "getmonth",
	    "monthofyear",
	    "week_of_year",
	    "startofday",
	    "startofweek",
	    "startofmonth",
	    "startofyear",
	    "endofday",
	    "endofweek",
	    "endofmonth",
	    "endofyear",
	    "unixtime_seconds_todatetime",
	    "unixtime_milliseconds_todatetime",
	    "unixtime_microseconds_todatetime",
	    "unixtime_nanoseconds_todatetime",
	    "make_datetime",
	    "make_timespan",
	    "bin",
	    "bin_at",
	    "floor",
	    "ceiling",
	    "round",
	    "abs",
	    "sqrt",
	    "pow",
	    "log",
	    "log10",
	    "log2",
	    "exp",
	    "exp2",
	    "exp10",
	    "sign",
	    "max_of",
	    "min_of",
	    "rand",
	    "array_length",
	    "array_index_of",
	    "array_concat",
	    "array_slice",
	    "array_sort_asc",
	    "array_sort_desc",
	    "array_split",
	    "array_sum",
	    "array_reverse",
	    "array_iff",
	    "set_union",
	    "set_intersect",
	    "set_difference",
	    "set_has_element",
	    "pack",
	    "pack_array",
	    "pack_all",
	    "bag_pack",
	    "bag_keys",
	    "bag_merge",
	    "bag_remove_keys",
	    "bag_has_key",
	    "gettype",
	    "column_ifexists",
	    "parse_url",
	    "parse_urlquery",
	    "parse_path",
	    "parse_command_line",
	    "parse_csv",
	    "parse_xml",
	    "parse_user_agent",
	    "parse_version",
	    "parse_ipv4",
	    "parse_ipv4_mask",
	    "parse_ipv6",
	    "ipv4_is_private",
	    "ipv4_is_in_range",
	    "ipv4_is_match",
	    "ipv4_compare",
	    "ipv6_compare",
	    "ipv6_is_match",
	    "ipv4_netmask_suffix",
	    "format_ipv4",
	    "format_ipv4_mask",
	    "binary_and",
	    "binary_or",
	    "binary_xor",
	    "binary_not",
	    "binary_shift_left",
	    "binary_shift_right",
	    "new_guid",
	    "ingestion_time",
	    "series_decompose_anomalies",
	    "series_decompose",
	    "series_fir",
	    "series_stats",
	    "series_stats_dynamic",
	    "series_outliers",
	    "series_fit_line",
	    "series_fill_linear",
	    "series_fill_forward",
	    "series_fill_const",
	    "series_iir",
	    "series_periods_detect",
	    "series_add",
	    "series_subtract",
	    "series_multiply",
	    "series_divide",
	    "zip",
	    "translate",
	    "make_string",
	    "unicode_codepoints_to_string",
	    "unicode_codepoints_from_string",
	    "current_cluster_endpoint",
	    "cursor_current",
	    "table",
	    "materialize",
	    "toscalar",
	    "geo_info_from_ip_address",
	    "dcount_hll",
	    "percentile_tdigest",
	    "estimate_data_size",
	    "isascii",
	    "isutf8",
	    "isfinite",
	    "isinf",
	    "isnan",
	    "welch_test",
	    "beta_cdf",
	    "range",
	};
	for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
		if (get(scalars[i])->kind != FN_SCALAR)
			fail_msg("%s is not a scalar function", scalars[i]);

	static const char *const aggregates[] = {
	    "count",
	    "countif",
	    "dcount",
	    "dcountif",
	    "sum",
	    "sumif",
	    "avg",
	    "avgif",
	    "min",
	    "max",
	    "minif",
	    "maxif",
	    "make_set",
	    "make_set_if",
	    "make_list",
	    "make_list_if",
	    "make_list_with_nulls",
	    "make_bag",
	    "make_bag_if",
	    "arg_max",
	    "arg_min",
	    "take_any",
	    "any",
	    "take_anyif",
	    "stdev",
	    "stdevif",
	    "variance",
	    "varianceif",
	    "percentile",
	    "percentiles",
	    "percentilew",
	    "percentilesw",
	    "hll",
	    "hll_if",
	    "hll_merge",
	    "tdigest",
	    "tdigest_merge",
	    "buildschema",
	    "binary_all_and",
	    "binary_all_or",
	    "binary_all_xor",
	    "count_distinct",
	    "count_distinctif",
	    "makeset",
	    "makelist",
	    "argmax",
	    "argmin",
	};
	for (size_t i = 0; i < sizeof aggregates / sizeof aggregates[0]; i++)
		if (get(aggregates[i])->kind != FN_AGGREGATE)
			fail_msg("%s is not an aggregate", aggregates[i]);

	static const char *const plugins[] = {
	    "bag_unpack",
	    "pivot",
	    "narrow",
	    "autocluster",
	    "basket",
	    "diffpatterns",
	    "preview",
	    "sql_request",
	    "http_request",
	    "python",
	    "r",
	    "infer_storage_schema",
	    "ipv4_lookup",
	    "schema_merge",
	    "active_users_count",
	    "dcount_intersect",
	    "funnel_sequence",
	    "sequence_detect",
	    "session_count",
	    "sliding_window_counts",
	    "rolling_percentile",
	};
	for (size_t i = 0; i < sizeof plugins / sizeof plugins[0]; i++)
		if (get(plugins[i])->kind != FN_PLUGIN)
			fail_msg("%s is not a plugin", plugins[i]);

	static const char *const windows[] = {
	    "prev",           "next",         "row_number",         "row_cumsum",
	    "row_rank_dense", "row_rank_min", "row_window_session",
	};
	for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++)
		if (get(windows[i])->kind != FN_WINDOW)
			fail_msg("%s is not a window function", windows[i]);
}

static void aliases_and_legacy_names(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
	    {"iif", "iff"},
	    {"todouble", "toreal"},
	    {"toboolean", "tobool"},
	    {"parsejson", "parse_json"},
	    {"todynamic", "parse_json"},
	    {"notempty", "isnotempty"},
	    {"notnull", "isnotnull"},
	    {"extractjson", "extract_json"},
	    {"base64_decodestring", "base64_decode_tostring"},
	    {"base64_encodestring", "base64_encode_tostring"},
	    {"floor", "bin"},
	    {"pack", "bag_pack"},
	    {"make_string", "unicode_codepoints_to_string"},
	    {"array_iif", "array_iff"},
	    {"makeset", "make_set"},
	    {"makelist", "make_list"},
	    {"argmax", "arg_max"},
	    {"argmin", "arg_min"},
	    {"any", "take_any"},
	    {"columnifexists", "column_ifexists"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const fn_def *f = get(pairs[i][0]);
		if (!(f->flags & FNF_ALIAS) || strcmp(f->canonical, pairs[i][1]) != 0)
			fail_msg("%s should be an alias of %s", pairs[i][0], pairs[i][1]);
	}
	/* replace() is not replace_regex(): its arguments come in another order. */
	assert_false(get("replace")->flags & FNF_ALIAS);
	assert_false(get("iff")->flags & FNF_ALIAS);
	assert_false(get("take_any")->flags & FNF_ALIAS);
}

static void flags(void **state)
{
	(void)state;
	static const char *const offline[] = {
	    "sql_request", "http_request", "python", "r", "geo_info_from_ip_address",
	};
	for (size_t i = 0; i < sizeof offline / sizeof offline[0]; i++)
		assert_true(get(offline[i])->flags & FNF_OFFLINE);
	assert_false(get("bag_unpack")->flags & FNF_OFFLINE);
	assert_false(get("tostring")->flags & FNF_OFFLINE);

	unsigned se = FNF_STAR | FNF_EXPANDS;
	assert_int_equal(get("arg_max")->flags & se, se);
	assert_int_equal(get("arg_min")->flags & se, se);
	assert_int_equal(get("take_any")->flags & se, se);
	assert_int_equal(get("any")->flags & se, se);
	assert_true(get("percentiles")->flags & FNF_EXPANDS);
	assert_false(get("percentile")->flags & FNF_EXPANDS);
	assert_false(get("max")->flags & (FNF_STAR | FNF_EXPANDS));
	assert_true(get("pack_all")->flags & FNF_STAR);
	assert_true(get("series_decompose_anomalies")->flags & FNF_EXPANDS);

	assert_true(get("table")->flags & FNF_TABULAR);
	assert_true(get("materialize")->flags & FNF_TABULAR);
	assert_false(get("toscalar")->flags & FNF_TABULAR);

	/* Named after their first argument when unnamed. */
	static const char *const name_arg0[] = {
	    "bin",   "bin_at",     "floor",           "round",    "tostring",   "todynamic",
	    "toint", "parse_json", "format_datetime", "take_any", "take_anyif", "startofday",
	};
	for (size_t i = 0; i < sizeof name_arg0 / sizeof name_arg0[0]; i++)
		if (!(get(name_arg0[i])->flags & FNF_NAME_ARG0))
			fail_msg("%s should have FNF_NAME_ARG0", name_arg0[i]);
	assert_false(get("strcat")->flags & FNF_NAME_ARG0);
	assert_false(get("any")->flags & FNF_NAME_ARG0); /* any(x) is any_x */
	assert_false(get("sum")->flags & FNF_NAME_ARG0);
}

static void aggregate_prefixes(void **state)
{
	(void)state;
	/* As in the documented summarize examples: count() -> count_,
	 * dcountif(x, p) -> dcountif_x, make_set(x) -> set_x, buildschema(x) ->
	 * schema_x, percentile(x, 55) -> percentile_x_55. */
	static const char *const prefixes[][2] = {
	    {"count", "count"},
	    {"countif", "countif"},
	    {"dcount", "dcount"},
	    {"dcountif", "dcountif"},
	    {"sum", "sum"},
	    {"sumif", "sumif"},
	    {"avg", "avg"},
	    {"avgif", "avgif"},
	    {"min", "min"},
	    {"max", "max"},
	    {"minif", "minif"},
	    {"maxif", "maxif"},
	    {"make_set", "set"},
	    {"make_set_if", "set"},
	    {"makeset", "set"},
	    {"make_list", "list"},
	    {"make_list_if", "list"},
	    {"make_list_with_nulls", "list"},
	    {"makelist", "list"},
	    {"make_bag", "bag"},
	    {"make_bag_if", "bag"},
	    {"stdev", "stdev"},
	    {"variance", "variance"},
	    {"percentile", "percentile"},
	    {"percentiles", "percentile"},
	    {"hll", "hll"},
	    {"tdigest", "tdigest"},
	    {"buildschema", "schema"},
	    {"take_any", "any"},
	    {"arg_max", "max"},
	    {"arg_min", "min"},
	};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		const fn_def *f = get(prefixes[i][0]);
		if (!f->agg_prefix || strcmp(f->agg_prefix, prefixes[i][1]) != 0)
			fail_msg("%s: prefix %s, want %s", f->name,
			         f->agg_prefix ? f->agg_prefix : "NULL", prefixes[i][1]);
	}
}

/* ---- fn_check: arity ----------------------------------------------------- */

static void arity_errors(void **state)
{
	(void)state;
	ERR(-1, "strlen() takes 1 argument, not 2", "strlen", S, S);
	ERR0("strlen() takes 1 argument, not 0", "strlen");
	ERR(-1, "bin() takes 2 arguments, not 1", "bin", L);
	ERR(-1, "bin() takes 2 arguments, not 3", "bin", L, L, L);
	ERR0("strcat() takes at least 1 argument, not 0", "strcat");
	ERR(-1, "coalesce() takes at least 2 arguments, not 1", "coalesce", S);
	ERR(-1, "now() takes 0 or 1 arguments, not 2", "now", TS, TS);
	ERR(-1, "pi() takes no arguments, not 1", "pi", R);
	ERR(-1, "substring() takes 2 or 3 arguments, not 1", "substring", S);
	ERR(-1, "indexof() takes 2 to 5 arguments, not 6", "indexof", S, S, L, L, L, L);
	ERR(-1, "iff() takes 3 arguments, not 2", "iff", B, S);
	ERR(-1, "iif() takes 3 arguments, not 4", "iif", B, S, S, S); /* the alias's name */
	ERR(-1, "case() takes an odd number of arguments, not 4", "case", B, S, B, S);
	ERR(-1, "case() takes at least 3 arguments, not 1", "case", S);
	ERR(-1, "bag_pack() takes an even number of arguments, not 3", "bag_pack", S, L, S);
	ERR(-1, "pack() takes an even number of arguments, not 5", "pack", S, L, S, L, S);
	ERR(-1, "count() takes 0 or 1 arguments, not 2", "count", L, L);
	ERR0("arg_max() takes at least 1 argument, not 0", "arg_max");
	ERR(-1, "narrow() takes no arguments, not 1", "narrow", L);
	OK0(L, "count");
	OK0(KQLITE_TYPE_DATETIME, "now");
	OK0(L, "row_number");
}

/* ---- fn_check: argument types -------------------------------------------- */

static void argument_errors(void **state)
{
	(void)state;
	ERR(1, "argument 2 of bin() must be a number, a datetime or a timespan, not string", "bin",
	    DT, S);
	ERR(0, "argument 1 of ago() must be a timespan, not long", "ago", L);
	ERR(0, "argument 1 of iff() must be a bool, not string", "iff", S, L, L);
	ERR(0, "argument 1 of datetime_diff() must be a string, not datetime", "datetime_diff", DT,
	    DT, DT);
	ERR(2, "argument 3 of datetime_diff() must be a datetime, not string", "datetime_diff", S,
	    DT, S);
	ERR(1, "argument 2 of substring() must be an integer, not real", "substring", S, R);
	ERR(0, "argument 1 of array_length() must be a dynamic value, not string", "array_length",
	    S);
	ERR(0, "argument 1 of sum() must be a number, a datetime or a timespan, not string", "sum",
	    S);
	ERR(0, "argument 1 of countif() must be a bool, not long", "countif", L);
	ERR(0, "argument 1 of sqrt() must be a number, not timespan", "sqrt", TS);
	ERR(0, "argument 1 of base64_encode_fromguid() must be a guid, not string",
	    "base64_encode_fromguid", S);
	/* case: predicates at even places but the last, values anywhere. */
	ERR(2, "argument 3 of case() must be a bool, not string", "case", B, S, S, S, S);
	/* bag_pack: keys must be strings. */
	ERR(2, "argument 3 of bag_pack() must be a string, not long", "bag_pack", S, L, L, L);
	/* The repeating last letter. */
	ERR(3, "argument 4 of zip() must be a dynamic value, not long", "zip", DYN, DYN, DYN, L);
	/* bad_arg is optional; err may be NULL. */
	const fn_def *f = get("strlen");
	uint8_t out = 0;
	const uint8_t two[] = {S, S};
	assert_int_equal(fn_check(f, two, 2, &out, NULL, NULL, 0), -1);
}

static void lenient_arguments(void **state)
{
	(void)state;
	/* KQL converts to string implicitly in string functions. */
	OK(S, "tolower", L);
	OK(S, "toupper", G);
	OK(L, "strlen", I);
	OK(S, "strcat", S, L, DT, B, DYN);
	OK(S, "substring", L, I, L);
	/* TYPE_ANY, dynamic and untyped null satisfy every letter. */
	OK(L, "strlen", ANY);
	OK(L, "strlen", DYN);
	OK(KQLITE_TYPE_DATETIME, "ago", ANY);
	OK(KQLITE_TYPE_DATETIME, "ago", N);
	OK(B, "ipv4_is_private", DYN);
	OK(L, "array_length", ANY);
	OK(S, "trim", S, DYN);
	/* int, long, real and decimal are numbers; int and long integers. */
	OK(R, "sqrt", I);
	OK(R, "sqrt", DEC);
	OK(S, "substring", S, I, L);
	/* The schema's unknown type (past dynamic) counts as TYPE_ANY. */
	OK(L, "strlen", (uint8_t)(KQLITE_TYPE_DYNAMIC + 1));
	/* '*' arrives as TYPE_ANY. */
	OK(KQLITE_TYPE_DATETIME, "arg_max", DT, ANY);
	OK(ANY, "take_any", ANY);
	OK(KQLITE_TYPE_DYNAMIC, "pack_array", ANY);
	/* max() and min() order strings too. */
	OK(S, "max", S);
	OK(S, "max_of", S, S, S);
}

/* ---- fn_check: result types ---------------------------------------------- */

static void fixed_result_types(void **state)
{
	(void)state;
	OK(KQLITE_TYPE_DATETIME, "ago", TS);
	OK(S, "tostring", L);
	OK(L, "tolong", S);
	OK(I, "toint", S);
	OK(R, "todouble", S);
	OK(DYN, "parse_json", S);
	OK(DYN, "todynamic", S);
	OK(L, "strlen", S);
	OK(DYN, "split", S, S);
	OK(L, "countof", S, S);
	OK(L, "indexof", S, S);
	OK(L, "datetime_diff", S, DT, DT);
	OK(I, "datetime_part", S, DT);
	OK(L, "hash", S);
	OK(S, "hash_sha256", S);
	OK(S, "tohex", L);
	OK(I, "hourofday", DT);
	OK(TS, "dayofweek", DT);
	OK(L, "array_length", DYN);
	OK(B, "ipv4_is_private", S);
	OK(L, "parse_ipv4", S);
	OK(DEC, "parse_version", S);
	OK(B, "isnotempty", S);
	OK0(G, "new_guid");
	OK(R, "stdev", L);
	OK(R, "variance", I);
	OK(L, "dcount", S);
	OK(L, "count", S);
	OK(L, "countif", B);
	OK(DYN, "make_set", S);
	OK(DYN, "make_list", L, L);
	OK(DYN, "make_bag", DYN);
	OK(L, "row_number", L, B);
	OK(DYN, "geo_info_from_ip_address", S);
	OK(ANY, "toscalar", ANY);
	OK(ANY, "bag_unpack", DYN);
}

static void computed_result_types(void **state)
{
	(void)state;
	/* bin: datetime and timespan stay, numbers widen, int -> long. */
	OK(KQLITE_TYPE_DATETIME, "bin", DT, TS);
	OK(TS, "bin", TS, TS);
	OK(L, "bin", I, L);
	OK(L, "bin", I, I);
	OK(L, "bin", L, TS);
	OK(R, "bin", R, L);
	OK(R, "bin", L, R);
	OK(ANY, "bin", ANY, TS);
	OK(L, "floor", L, L);
	OK(KQLITE_TYPE_DATETIME, "bin_at", DT, TS, DT);
	OK(L, "bin_at", I, L, L);
	/* iff: the common type of the branches. */
	OK(S, "iff", B, S, S);
	OK(R, "iff", B, I, R);
	OK(L, "iff", B, I, L);
	OK(L, "iif", B, L, I);
	OK(S, "iff", B, S, N);
	OK(S, "iff", B, DYN, S);
	OK(S, "iff", B, ANY, S);
	OK(DYN, "iff", B, DYN, DYN);
	OK(ANY, "iff", B, ANY, ANY);
	OK(N, "iff", B, N, N);
	OK(KQLITE_TYPE_DATETIME, "iff", ANY, DT, DT);
	ERR(2, "iff() branches have different types: string and long", "iff", B, S, L);
	ERR(2, "iif() branches have different types: datetime and timespan", "iif", B, DT, TS);
	/* case: values at odd places and the last. */
	OK(S, "case", B, S, B, S, S);
	OK(R, "case", B, L, B, R, I);
	OK(L, "case", B, I, B, L, I);
	ERR(4, "case() branches have different types: string and long", "case", B, S, B, S, L);
	ERR(3, "case() branches have different types: string and bool", "case", B, S, B, B, S);
	/* coalesce, max_of, min_of: all arguments. */
	OK(S, "coalesce", S, S);
	OK(L, "coalesce", I, L, N);
	OK(R, "max_of", I, R, L);
	OK(KQLITE_TYPE_DATETIME, "min_of", DT, DT);
	ERR(1, "coalesce() arguments have different types: string and long", "coalesce", S, L);
	/* Aggregates. */
	OK(L, "sum", I);
	OK(L, "sum", L);
	OK(R, "sum", R);
	OK(DEC, "sum", DEC);
	OK(TS, "sum", TS);
	OK(ANY, "sum", ANY);
	OK(L, "sumif", I, B);
	OK(R, "avg", L);
	OK(R, "avg", I);
	OK(TS, "avg", TS);
	OK(KQLITE_TYPE_DATETIME, "avg", DT);
	OK(R, "avgif", R, B);
	OK(L, "max", L);
	OK(KQLITE_TYPE_DATETIME, "min", DT);
	OK(I, "maxif", I, B);
	OK(KQLITE_TYPE_DATETIME, "arg_max", DT, ANY);
	OK(L, "arg_min", L, S, S);
	OK(S, "take_any", S);
	OK(L, "percentile", L, R);
	OK(L, "percentile", I, L); /* int percentiles are long */
	OK(R, "percentile", R, L);
	OK(TS, "percentiles", TS, L, L, L);
	OK(DYN, "percentiles_array", L, L, L);
	OK(L, "binary_all_or", L);
	/* Window functions. */
	OK(S, "prev", S);
	OK(S, "next", S, L, S);
	OK(L, "row_cumsum", L);
	OK(R, "row_cumsum", R, B);
	OK(KQLITE_TYPE_DATETIME, "row_window_session", DT, TS, TS);
	/* round and ceiling keep their argument's type; abs promotes int. */
	OK(R, "round", R, L);
	OK(I, "round", I);
	OK(L, "abs", I);
	OK(R, "abs", R);
	OK(TS, "abs", TS);
	OK(ANY, "abs", ANY);
	/* column_ifexists: the default's type. */
	OK(S, "column_ifexists", S, S);
	OK(L, "column_ifexists", S, L);
}

/* ---- fn_closest ---------------------------------------------------------- */

static void closest_names(void **state)
{
	(void)state;
	const fn_def *f = fn_closest("tostrig", 7);
	assert_non_null(f);
	assert_string_equal(f->name, "tostring");
	f = fn_closest("ToString", 8); /* case-insensitive */
	assert_non_null(f);
	assert_string_equal(f->name, "tostring");
	f = fn_closest("dcont", 5);
	assert_non_null(f);
	assert_string_equal(f->name, "dcount");
	f = fn_closest("make_sett", 9);
	assert_non_null(f);
	assert_string_equal(f->name, "make_set");
	f = fn_closest("summ", 4);
	assert_non_null(f);
	assert_string_equal(f->name, "sum");
	f = fn_closest("isnotempy", 9);
	assert_non_null(f);
	assert_string_equal(f->name, "isnotempty");
	assert_null(fn_closest("xyzzy", 5));
	assert_null(fn_closest("", 0));
	assert_null(fn_closest("q", 1));
	assert_null(fn_closest("completely_unrelated_name", 25));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_is_sorted_without_duplicates),
	    cmocka_unit_test(table_has_at_least_250_functions),
	    cmocka_unit_test(aliases_point_to_canonical_functions),
	    cmocka_unit_test(aggregates_and_only_they_have_a_prefix),
	    cmocka_unit_test(signatures_are_well_formed),
	    cmocka_unit_test(lookup_is_exact_and_case_sensitive),
	    cmocka_unit_test(required_functions_are_present),
	    cmocka_unit_test(aliases_and_legacy_names),
	    cmocka_unit_test(flags),
	    cmocka_unit_test(aggregate_prefixes),
	    cmocka_unit_test(arity_errors),
	    cmocka_unit_test(argument_errors),
	    cmocka_unit_test(lenient_arguments),
	    cmocka_unit_test(fixed_result_types),
	    cmocka_unit_test(computed_result_types),
	    cmocka_unit_test(closest_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
