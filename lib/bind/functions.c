/* functions.c -- the KQL function library: one sorted static table of
 * scalar functions, aggregates, window functions and evaluate plugins,
 * with arity, argument expectations and result types.
 *
 * The signatures follow the Kusto query reference and the Kusto language
 * service (microsoft/Kusto-Query-Language: Functions.cs, Aggregates.cs,
 * PlugIns.cs). Where KQL converts implicitly the letters are lenient ('a').
 * Aliases repeat their canonical's signature (the tests check it). */
#include "functions.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

/* ---- The table ----------------------------------------------------------- */

/* clang-format off */
#define T_NULL KQLITE_TYPE_NULL
#define T_BOOL KQLITE_TYPE_BOOL
#define T_INT KQLITE_TYPE_INT
#define T_LONG KQLITE_TYPE_LONG
#define T_REAL KQLITE_TYPE_REAL
#define T_DEC KQLITE_TYPE_DECIMAL
#define T_STR KQLITE_TYPE_STRING
#define T_DT KQLITE_TYPE_DATETIME
#define T_TS KQLITE_TYPE_TIMESPAN
#define T_GUID KQLITE_TYPE_GUID
#define T_DYN KQLITE_TYPE_DYNAMIC
#define T_ANY TYPE_ANY

#define NA FNF_NAME_ARG0
#define STAR FNF_STAR
#define OFF FNF_OFFLINE
#define EXP FNF_EXPANDS
#define TAB FNF_TABULAR

#define E(n, c, k, mn, mx, r, t, fl, a, p) \
	{n, c, (uint8_t)(k), mn, mx, (uint8_t)(r), (uint8_t)(t), (uint8_t)(fl), a, p}
/* Scalar with a fixed result type; with flags. */
#define F(n, mn, mx, t, a) E(n, n, FN_SCALAR, mn, mx, FR_FIXED, t, 0, a, NULL)
#define FF(n, mn, mx, t, fl, a) E(n, n, FN_SCALAR, mn, mx, FR_FIXED, t, fl, a, NULL)
/* Scalar whose result type is computed from the arguments. */
#define C(n, mn, mx, r, fl, a) E(n, n, FN_SCALAR, mn, mx, r, T_NULL, fl, a, NULL)
/* Scalar aliases. */
#define AF(n, c, mn, mx, t, fl, a) E(n, c, FN_SCALAR, mn, mx, FR_FIXED, t, (fl) | FNF_ALIAS, a, NULL)
#define AC(n, c, mn, mx, r, fl, a) E(n, c, FN_SCALAR, mn, mx, r, T_NULL, (fl) | FNF_ALIAS, a, NULL)
/* Aggregates (p: the prefix of the generated column name) and aliases. */
#define G(n, mn, mx, r, t, fl, a, p) E(n, n, FN_AGGREGATE, mn, mx, r, t, fl, a, p)
#define AG(n, c, mn, mx, r, t, fl, a, p) E(n, c, FN_AGGREGATE, mn, mx, r, t, (fl) | FNF_ALIAS, a, p)
/* Window functions. */
#define W(n, mn, mx, r, t, a) E(n, n, FN_WINDOW, mn, mx, r, t, 0, a, NULL)
/* Evaluate plugins: tabular, the binder knows or opens their schema. */
#define P(n, mn, mx, fl, a) E(n, n, FN_PLUGIN, mn, mx, FR_FIXED, T_ANY, fl, a, NULL)

/* Sorted by name in byte order (strcmp): '_' sorts before letters.
 * hll_merge and tdigest_merge are also scalar functions of 2 to 16 digests
 * (extend m = hll_merge(h1, h2)); one entry per name: the aggregate's. */
static const fn_def fn_table[] = {
	/* BEGIN TABLE */
	C("abs", 1, 1, FR_NUMERIC, NA, "o"),
	FF("acos", 1, 1, T_REAL, NA, "n"),
	P("active_users_count", 8, -1, 0, "ccooooooc"),
	P("activity_counts_metrics", 5, -1, 0, "ccoooc"),
	P("activity_engagement", 4, -1, 0, "ccooooc"),
	P("activity_metrics", 2, -1, 0, "ccoooc"),
	F("ago", 1, 1, T_DT, "t"),
	AG("any", "take_any", 1, -1, FR_ARG0, T_NULL, STAR | EXP, "a", "any"),
	AG("anyif", "take_anyif", 2, 2, FR_ARG0, T_NULL, 0, "ab", "anyif"),
	FF("app", 1, 1, T_ANY, TAB | OFF, "s"),
	G("arg_max", 1, -1, FR_ARG0, T_NULL, STAR | EXP, "ac", "max"),
	G("arg_min", 1, -1, FR_ARG0, T_NULL, STAR | EXP, "ac", "min"),
	AG("argmax", "arg_max", 1, -1, FR_ARG0, T_NULL, STAR | EXP, "ac", "max"),
	AG("argmin", "arg_min", 1, -1, FR_ARG0, T_NULL, STAR | EXP, "ac", "min"),
	F("around", 3, 3, T_BOOL, "aaa"),
	F("array_concat", 1, -1, T_DYN, "y"),
	F("array_iff", 3, 3, T_DYN, "yaa"),
	AF("array_iif", "array_iff", 3, 3, T_DYN, 0, "yaa"),
	F("array_index_of", 2, 5, T_LONG, "yalll"),
	F("array_length", 1, 1, T_LONG, "y"),
	F("array_reverse", 1, 1, T_DYN, "y"),
	F("array_rotate_left", 2, 2, T_DYN, "yl"),
	F("array_rotate_right", 2, 2, T_DYN, "yl"),
	F("array_shift_left", 2, 3, T_DYN, "yla"),
	F("array_shift_right", 2, 3, T_DYN, "yla"),
	F("array_slice", 3, 3, T_DYN, "yll"),
	F("array_sort_asc", 1, -1, T_DYN, "ya"),
	F("array_sort_desc", 1, -1, T_DYN, "ya"),
	F("array_split", 2, 2, T_DYN, "yl"),
	AF("array_strcat", "strcat_array", 2, 2, T_STR, 0, "ya"),
	F("array_sum", 1, 1, T_REAL, "y"),
	AF("arraylength", "array_length", 1, 1, T_LONG, 0, "y"),
	FF("asin", 1, 1, T_REAL, NA, "n"),
	F("assert", 2, 2, T_BOOL, "bs"),
	FF("atan", 1, 1, T_REAL, NA, "n"),
	FF("atan2", 2, 2, T_REAL, NA, "nn"),
	P("autocluster", 0, -1, 0, "a"),
	G("avg", 1, 1, FR_AVG, T_NULL, 0, "o", "avg"),
	G("avgif", 2, 2, FR_AVG, T_NULL, 0, "ob", "avgif"),
	F("bag_has_key", 2, 2, T_BOOL, "ys"),
	F("bag_keys", 1, 1, T_DYN, "y"),
	F("bag_merge", 2, -1, T_DYN, "y"),
	F("bag_pack", 2, -1, T_DYN, "sa"),
	F("bag_remove_keys", 2, 2, T_DYN, "yy"),
	F("bag_set_key", 3, 3, T_DYN, "ysa"),
	P("bag_unpack", 1, 4, 0, "yssy"),
	F("bag_zip", 2, 2, T_DYN, "yy"),
	F("base64_decode_toarray", 1, 1, T_DYN, "s"),
	F("base64_decode_toguid", 1, 1, T_GUID, "s"),
	F("base64_decode_tostring", 1, 1, T_STR, "s"),
	AF("base64_decodestring", "base64_decode_tostring", 1, 1, T_STR, 0, "s"),
	F("base64_encode_fromarray", 1, 1, T_STR, "y"),
	F("base64_encode_fromguid", 1, 1, T_STR, "g"),
	F("base64_encode_tostring", 1, 1, T_STR, "s"),
	AF("base64_encodestring", "base64_encode_tostring", 1, 1, T_STR, 0, "s"),
	P("basket", 0, -1, 0, "a"),
	F("beta_cdf", 3, 3, T_REAL, "nnn"),
	F("beta_inv", 3, 3, T_REAL, "nnn"),
	F("beta_pdf", 3, 3, T_REAL, "nnn"),
	C("bin", 2, 2, FR_BIN, NA, "oo"),
	C("bin_at", 3, 3, FR_BIN, NA, "ooo"),
	G("binary_all_and", 1, 1, FR_ARG0, T_NULL, NA, "l", "binary_all_and"),
	G("binary_all_or", 1, 1, FR_ARG0, T_NULL, NA, "l", "binary_all_or"),
	G("binary_all_xor", 1, 1, FR_ARG0, T_NULL, NA, "l", "binary_all_xor"),
	FF("binary_and", 2, 2, T_LONG, NA, "ll"),
	FF("binary_not", 1, 1, T_LONG, NA, "l"),
	FF("binary_or", 2, 2, T_LONG, NA, "ll"),
	FF("binary_shift_left", 2, 2, T_LONG, NA, "ll"),
	FF("binary_shift_right", 2, 2, T_LONG, NA, "ll"),
	FF("binary_xor", 2, 2, T_LONG, NA, "ll"),
	FF("bitset_count_ones", 1, 1, T_LONG, NA, "l"),
	G("buildschema", 1, 1, FR_FIXED, T_DYN, 0, "y", "schema"),
	C("case", 3, -1, FR_COMMON, 0, "ba"),
	C("ceiling", 1, 1, FR_ARG0, NA, "n"),
	FF("cluster", 1, 1, T_ANY, TAB | OFF, "s"),
	C("coalesce", 2, -1, FR_COMMON, 0, "a"),
	C("column_ifexists", 2, 2, FR_ARG1, 0, "sa"),
	AC("columnifexists", "column_ifexists", 2, 2, FR_ARG1, 0, "sa"),
	FF("cos", 1, 1, T_REAL, NA, "n"),
	P("cosmosdb_sql_request", 2, 4, OFF, "ssyy"),
	F("cot", 1, 1, T_REAL, "n"),
	G("count", 0, 1, FR_FIXED, T_LONG, 0, "a", "count"),
	G("count_distinct", 1, 1, FR_FIXED, T_LONG, 0, "a", "count_distinct"),
	G("count_distinctif", 2, 2, FR_FIXED, T_LONG, 0, "ab", "count_distinctif"),
	G("countif", 1, 1, FR_FIXED, T_LONG, 0, "b", "countif"),
	F("countof", 2, 3, T_LONG, "sss"),
	F("current_cluster_endpoint", 0, 0, T_STR, ""),
	AF("current_cursor", "cursor_current", 0, 0, T_STR, 0, ""),
	F("current_database", 0, 0, T_STR, ""),
	F("current_principal", 0, 0, T_STR, ""),
	F("current_principal_details", 0, 0, T_DYN, ""),
	F("current_principal_is_member_of", 1, -1, T_BOOL, "s"),
	F("cursor_after", 1, 1, T_BOOL, "s"),
	F("cursor_before_or_at", 1, 1, T_BOOL, "s"),
	F("cursor_current", 0, 0, T_STR, ""),
	FF("database", 1, 1, T_ANY, TAB, "s"),
	AF("datepart", "datetime_part", 2, 2, T_INT, 0, "sd"),
	F("datetime_add", 3, 3, T_DT, "sld"),
	F("datetime_diff", 3, 3, T_LONG, "sdd"),
	F("datetime_list_timezones", 0, 0, T_DYN, ""),
	F("datetime_local_to_utc", 2, 2, T_DT, "ds"),
	F("datetime_part", 2, 2, T_INT, "sd"),
	F("datetime_utc_to_local", 2, 2, T_DT, "ds"),
	F("dayofmonth", 1, 1, T_INT, "d"),
	F("dayofweek", 1, 1, T_TS, "d"),
	F("dayofyear", 1, 1, T_INT, "d"),
	G("dcount", 1, 2, FR_FIXED, T_LONG, 0, "al", "dcount"),
	F("dcount_hll", 1, 1, T_LONG, "y"),
	P("dcount_intersect", 2, -1, 0, "y"),
	G("dcountif", 2, 3, FR_FIXED, T_LONG, 0, "abl", "dcountif"),
	F("degrees", 1, 1, T_REAL, "n"),
	P("diffpatterns", 3, -1, 0, "cssa"),
	F("dynamic_to_json", 1, 1, T_STR, "y"),
	F("endofday", 1, 2, T_DT, "dl"),
	F("endofmonth", 1, 2, T_DT, "dl"),
	F("endofweek", 1, 2, T_DT, "dl"),
	F("endofyear", 1, 2, T_DT, "dl"),
	FF("estimate_data_size", 1, -1, T_LONG, STAR, "c"),
	FF("exp", 1, 1, T_REAL, NA, "n"),
	FF("exp10", 1, 1, T_REAL, NA, "n"),
	FF("exp2", 1, 1, T_REAL, NA, "n"),
	F("extent_id", 0, 0, T_GUID, ""),
	F("extent_tags", 0, 0, T_DYN, ""),
	AF("extentid", "extent_id", 0, 0, T_GUID, 0, ""),
	FF("external_table", 1, 2, T_ANY, TAB | OFF, "ss"),
	F("extract", 3, 4, T_STR, "slsa"),
	F("extract_all", 2, 3, T_DYN, "sas"),
	F("extract_json", 2, 3, T_STR, "ssa"),
	AF("extractall", "extract_all", 2, 3, T_DYN, 0, "sas"),
	AF("extractjson", "extract_json", 2, 3, T_STR, 0, "ssa"),
	AC("floor", "bin", 2, 2, FR_BIN, NA, "oo"),
	FF("format_bytes", 1, 3, T_STR, NA, "nls"),
	FF("format_datetime", 2, 2, T_STR, NA, "ds"),
	F("format_ipv4", 1, 2, T_STR, "al"),
	F("format_ipv4_mask", 1, 2, T_STR, "al"),
	FF("format_timespan", 2, 2, T_STR, NA, "ts"),
	P("funnel_sequence", 8, 8, 0, "ccoooocy"),
	P("funnel_sequence_completion", 8, 8, 0, "ccooocyy"),
	FF("gamma", 1, 1, T_REAL, NA, "n"),
	F("geo_distance_2points", 4, 4, T_REAL, "n"),
	F("geo_distance_point_to_line", 3, 3, T_REAL, "nny"),
	F("geo_distance_point_to_polygon", 3, 3, T_REAL, "nny"),
	F("geo_geohash_neighbors", 1, 1, T_DYN, "s"),
	F("geo_geohash_to_central_point", 1, 1, T_DYN, "s"),
	F("geo_geohash_to_polygon", 1, 1, T_DYN, "s"),
	F("geo_h3cell_children", 1, 2, T_DYN, "sn"),
	F("geo_h3cell_level", 1, 1, T_INT, "s"),
	F("geo_h3cell_neighbors", 1, 1, T_DYN, "s"),
	F("geo_h3cell_parent", 1, 2, T_STR, "sn"),
	F("geo_h3cell_rings", 2, 2, T_DYN, "sn"),
	F("geo_h3cell_to_central_point", 1, 1, T_DYN, "s"),
	F("geo_h3cell_to_polygon", 1, 1, T_DYN, "s"),
	FF("geo_info_from_ip_address", 1, 1, T_DYN, OFF, "s"),
	F("geo_intersection_2lines", 2, 2, T_DYN, "yy"),
	F("geo_intersection_2polygons", 2, 2, T_DYN, "yy"),
	F("geo_intersection_line_with_polygon", 2, 2, T_DYN, "yy"),
	F("geo_intersects_2lines", 2, 2, T_BOOL, "yy"),
	F("geo_intersects_2polygons", 2, 2, T_BOOL, "yy"),
	F("geo_intersects_line_with_polygon", 2, 2, T_BOOL, "yy"),
	F("geo_line_centroid", 1, 1, T_DYN, "y"),
	F("geo_line_densify", 1, 3, T_DYN, "yna"),
	F("geo_line_length", 1, 1, T_REAL, "y"),
	F("geo_line_simplify", 1, 2, T_DYN, "yn"),
	F("geo_point_in_circle", 5, 5, T_BOOL, "n"),
	F("geo_point_in_polygon", 3, 3, T_BOOL, "nny"),
	F("geo_point_to_geohash", 2, 3, T_STR, "n"),
	F("geo_point_to_h3cell", 2, 3, T_STR, "n"),
	F("geo_point_to_s2cell", 2, 3, T_STR, "n"),
	F("geo_polygon_area", 1, 1, T_REAL, "y"),
	F("geo_polygon_centroid", 1, 1, T_DYN, "y"),
	F("geo_polygon_densify", 1, 3, T_DYN, "yna"),
	F("geo_polygon_perimeter", 1, 1, T_REAL, "y"),
	F("geo_polygon_simplify", 1, 2, T_DYN, "yn"),
	F("geo_polygon_to_s2cells", 1, 2, T_DYN, "yn"),
	F("geo_s2cell_neighbors", 1, 1, T_DYN, "s"),
	F("geo_s2cell_to_central_point", 1, 1, T_DYN, "s"),
	F("geo_s2cell_to_polygon", 1, 1, T_DYN, "s"),
	F("geo_simplify_polygons_array", 1, 2, T_DYN, "yn"),
	F("geo_union_lines_array", 1, 1, T_DYN, "y"),
	F("geo_union_polygons_array", 1, 1, T_DYN, "y"),
	F("getmonth", 1, 1, T_INT, "d"),
	F("gettype", 1, 1, T_STR, "a"),
	F("getyear", 1, 1, T_INT, "d"),
	F("gzip_compress_to_base64_string", 1, 1, T_STR, "s"),
	F("gzip_decompress_from_base64_string", 1, 1, T_STR, "s"),
	F("has_any_index", 2, 2, T_LONG, "sy"),
	F("has_any_ipv4", 2, -1, T_BOOL, "ss"),
	F("has_any_ipv4_prefix", 2, -1, T_BOOL, "ss"),
	F("has_ipv4", 2, 2, T_BOOL, "ss"),
	F("has_ipv4_prefix", 2, 2, T_BOOL, "ss"),
	F("hash", 1, 2, T_LONG, "al"),
	F("hash_combine", 2, -1, T_LONG, "a"),
	F("hash_many", 1, -1, T_LONG, "a"),
	F("hash_md5", 1, 1, T_STR, "a"),
	F("hash_sha1", 1, 1, T_STR, "a"),
	F("hash_sha256", 1, 1, T_STR, "a"),
	F("hash_xxhash64", 1, 2, T_LONG, "al"),
	G("hll", 1, 2, FR_FIXED, T_DYN, 0, "al", "hll"),
	G("hll_if", 2, 3, FR_FIXED, T_DYN, 0, "abl", "hll_if"),
	G("hll_merge", 1, 16, FR_FIXED, T_DYN, 0, "y", "hll_merge"),
	F("hourofday", 1, 1, T_INT, "d"),
	P("http_request", 1, 3, OFF, "syy"),
	P("http_request_post", 1, 4, OFF, "syys"),
	C("iff", 3, 3, FR_COMMON, 0, "baa"),
	AC("iif", "iff", 3, 3, FR_COMMON, 0, "baa"),
	F("indexof", 2, 5, T_LONG, "aalll"),
	F("indexof_regex", 2, 5, T_LONG, "aslll"),
	P("infer_storage_schema", 1, 1, 0, "y"),
	F("ingestion_time", 0, 0, T_DT, ""),
	F("ipv4_compare", 2, 3, T_LONG, "ssl"),
	F("ipv4_is_in_any_range", 2, -1, T_BOOL, "ss"),
	F("ipv4_is_in_range", 2, 2, T_BOOL, "ss"),
	F("ipv4_is_match", 2, 3, T_BOOL, "ssl"),
	F("ipv4_is_private", 1, 1, T_BOOL, "s"),
	P("ipv4_lookup", 3, -1, 0, "ac"),
	F("ipv4_netmask_suffix", 1, 1, T_LONG, "s"),
	F("ipv4_range_to_cidr_list", 2, 2, T_DYN, "ss"),
	F("ipv6_compare", 2, 3, T_LONG, "ssl"),
	F("ipv6_is_in_any_range", 2, -1, T_BOOL, "ss"),
	F("ipv6_is_in_range", 2, 2, T_BOOL, "ss"),
	F("ipv6_is_match", 2, 3, T_BOOL, "ssl"),
	P("ipv6_lookup", 3, -1, 0, "ac"),
	F("isascii", 1, 1, T_BOOL, "a"),
	F("isempty", 1, 1, T_BOOL, "a"),
	F("isfinite", 1, 1, T_BOOL, "n"),
	F("isinf", 1, 1, T_BOOL, "n"),
	F("isnan", 1, 1, T_BOOL, "n"),
	F("isnotempty", 1, 1, T_BOOL, "a"),
	F("isnotnull", 1, 1, T_BOOL, "a"),
	F("isnull", 1, 1, T_BOOL, "a"),
	F("isutf8", 1, 1, T_BOOL, "a"),
	F("jaccard_index", 2, 2, T_REAL, "yy"),
	FF("log", 1, 1, T_REAL, NA, "n"),
	FF("log10", 1, 1, T_REAL, NA, "n"),
	FF("log2", 1, 1, T_REAL, NA, "n"),
	FF("loggamma", 1, 1, T_REAL, NA, "n"),
	G("make_bag", 1, 2, FR_FIXED, T_DYN, 0, "yl", "bag"),
	G("make_bag_if", 2, 3, FR_FIXED, T_DYN, 0, "ybl", "bag"),
	F("make_datetime", 1, 6, T_DT, "an"),
	G("make_list", 1, 2, FR_FIXED, T_DYN, 0, "al", "list"),
	G("make_list_if", 2, 3, FR_FIXED, T_DYN, 0, "abl", "list"),
	G("make_list_with_nulls", 1, 1, FR_FIXED, T_DYN, 0, "a", "list"),
	G("make_set", 1, 2, FR_FIXED, T_DYN, 0, "al", "set"),
	G("make_set_if", 2, 3, FR_FIXED, T_DYN, 0, "abl", "set"),
	AF("make_string", "unicode_codepoints_to_string", 1, -1, T_STR, 0, "l"),
	F("make_timespan", 1, 4, T_TS, "al"),
	AG("makelist", "make_list", 1, 2, FR_FIXED, T_DYN, 0, "al", "list"),
	AG("makeset", "make_set", 1, 2, FR_FIXED, T_DYN, 0, "al", "set"),
	FF("materialize", 1, 1, T_ANY, TAB, "a"),
	FF("materialized_view", 1, 2, T_ANY, TAB, "st"),
	G("max", 1, 1, FR_ARG0, T_NULL, 0, "a", "max"),
	C("max_of", 2, -1, FR_COMMON, 0, "a"),
	G("maxif", 2, 2, FR_ARG0, T_NULL, 0, "ab", "maxif"),
	AG("merge_tdigest", "tdigest_merge", 1, 16, FR_FIXED, T_DYN, 0, "y", "merge_tdigests"),
	G("min", 1, 1, FR_ARG0, T_NULL, 0, "a", "min"),
	C("min_of", 2, -1, FR_COMMON, 0, "a"),
	G("minif", 2, 2, FR_ARG0, T_NULL, 0, "ab", "minif"),
	F("monthofyear", 1, 1, T_INT, "d"),
	P("mysql_request", 2, 3, OFF, "ssy"),
	P("narrow", 0, 0, 0, ""),
	P("new_activity_metrics", 5, -1, 0, "ccooa"),
	F("new_guid", 0, 0, T_GUID, ""),
	W("next", 1, 3, FR_ARG0, T_NULL, "ala"),
	F("not", 1, 1, T_BOOL, "b"),
	AF("notempty", "isnotempty", 1, 1, T_BOOL, 0, "a"),
	AF("notnull", "isnotnull", 1, 1, T_BOOL, 0, "a"),
	F("now", 0, 1, T_DT, "t"),
	AF("pack", "bag_pack", 2, -1, T_DYN, 0, "sa"),
	FF("pack_all", 0, 1, T_DYN, STAR, "b"),
	FF("pack_array", 1, -1, T_DYN, STAR, "a"),
	AF("pack_dictionary", "bag_pack", 2, -1, T_DYN, 0, "sa"),
	F("parse_command_line", 2, 2, T_DYN, "as"),
	FF("parse_csv", 1, 1, T_DYN, NA, "s"),
	F("parse_ipv4", 1, 1, T_LONG, "s"),
	F("parse_ipv4_mask", 2, 2, T_LONG, "sl"),
	F("parse_ipv6", 1, 1, T_STR, "s"),
	F("parse_ipv6_mask", 2, 2, T_STR, "sl"),
	FF("parse_json", 1, 1, T_DYN, NA, "s"),
	F("parse_path", 1, 1, T_DYN, "s"),
	F("parse_url", 1, 1, T_DYN, "s"),
	F("parse_urlquery", 1, 1, T_DYN, "s"),
	F("parse_user_agent", 1, 2, T_DYN, "ss"),
	F("parse_version", 1, 1, T_DEC, "s"),
	FF("parse_xml", 1, 1, T_DYN, NA, "s"),
	AF("parsejson", "parse_json", 1, 1, T_DYN, NA, "s"),
	AF("parseurl", "parse_url", 1, 1, T_DYN, 0, "s"),
	AF("parseurlquery", "parse_urlquery", 1, 1, T_DYN, 0, "s"),
	G("percentile", 2, 2, FR_ARG0, T_NULL, 0, "on", "percentile"),
	F("percentile_tdigest", 2, 3, T_DYN, "yna"),
	G("percentiles", 2, -1, FR_ARG0, T_NULL, EXP, "on", "percentile"),
	G("percentiles_array", 2, -1, FR_FIXED, T_DYN, 0, "on", "percentiles"),
	F("percentiles_array_tdigest", 2, -1, T_DYN, "yn"),
	G("percentilesw", 3, -1, FR_ARG0, T_NULL, EXP, "oln", "percentile"),
	G("percentilesw_array", 3, -1, FR_FIXED, T_DYN, 0, "oln", "percentiles"),
	G("percentilew", 3, 3, FR_ARG0, T_NULL, 0, "oln", "percentile"),
	F("percentrank_tdigest", 2, 2, T_REAL, "ya"),
	F("pi", 0, 0, T_REAL, ""),
	P("pivot", 1, -1, 0, "cac"),
	P("postgresql_request", 2, 3, OFF, "ssy"),
	FF("pow", 2, 2, T_REAL, NA, "nn"),
	W("prev", 1, 3, FR_ARG0, T_NULL, "ala"),
	P("preview", 1, 1, 0, "l"),
	F("punycode_from_string", 1, 1, T_STR, "s"),
	F("punycode_to_string", 1, 1, T_STR, "s"),
	P("python", 2, 3, OFF, "asy"),
	P("r", 2, 3, OFF, "asy"),
	F("radians", 1, 1, T_REAL, "n"),
	FF("rand", 0, 1, T_REAL, NA, "l"),
	F("range", 2, 3, T_DYN, "ooo"),
	F("rank_tdigest", 2, 2, T_REAL, "ya"),
	F("regex_quote", 1, 1, T_STR, "a"),
	F("repeat", 2, 2, T_DYN, "al"),
	F("replace", 3, 3, T_STR, "sss"),
	F("replace_regex", 3, 3, T_STR, "sss"),
	F("replace_string", 3, 3, T_STR, "sss"),
	F("replace_strings", 3, 3, T_STR, "syy"),
	FF("resource", 1, 1, T_ANY, TAB | OFF, "s"),
	F("reverse", 1, 1, T_STR, "a"),
	P("rolling_percentile", 5, -1, 0, "cncolc"),
	C("round", 1, 2, FR_ARG0, NA, "nl"),
	W("row_cumsum", 1, 2, FR_ARG0, T_NULL, "nb"),
	W("row_number", 0, 2, FR_FIXED, T_LONG, "lb"),
	W("row_rank_dense", 1, 2, FR_FIXED, T_LONG, "ab"),
	W("row_rank_min", 1, 2, FR_FIXED, T_LONG, "ab"),
	W("row_window_session", 3, 4, FR_ARG0, T_NULL, "dttb"),
	P("schema_merge", 0, 1, 0, "b"),
	P("sequence_detect", 5, -1, 0, "cooa"),
	F("series_abs", 1, 1, T_DYN, "y"),
	F("series_acos", 1, 1, T_DYN, "y"),
	F("series_add", 2, 2, T_DYN, "nn"),
	F("series_asin", 1, 1, T_DYN, "y"),
	F("series_atan", 1, 1, T_DYN, "y"),
	F("series_ceiling", 1, 1, T_DYN, "y"),
	F("series_cos", 1, 1, T_DYN, "y"),
	FF("series_decompose", 1, 5, T_DYN, EXP, "ylsln"),
	FF("series_decompose_anomalies", 1, 7, T_DYN, EXP, "ynlslsn"),
	FF("series_decompose_forecast", 2, 5, T_DYN, EXP, "yllsn"),
	F("series_divide", 2, 2, T_DYN, "nn"),
	F("series_equals", 2, 2, T_DYN, "nn"),
	F("series_exp", 1, 1, T_DYN, "y"),
	FF("series_fft", 1, 2, T_DYN, EXP, "yy"),
	FF("series_fill_backward", 1, 2, T_DYN, NA, "yn"),
	FF("series_fill_const", 1, 3, T_DYN, NA, "ynn"),
	FF("series_fill_forward", 1, 2, T_DYN, NA, "yn"),
	FF("series_fill_linear", 1, 4, T_DYN, NA, "ynbn"),
	FF("series_fir", 2, 4, T_DYN, NA, "yybb"),
	FF("series_fit_2lines", 1, 1, T_REAL, EXP, "y"),
	F("series_fit_2lines_dynamic", 1, 1, T_DYN, "y"),
	FF("series_fit_line", 1, 1, T_REAL, EXP, "y"),
	F("series_fit_line_dynamic", 1, 1, T_DYN, "y"),
	FF("series_fit_poly", 1, 3, T_REAL, EXP, "yyl"),
	F("series_floor", 1, 1, T_DYN, "y"),
	F("series_greater", 2, 2, T_DYN, "nn"),
	F("series_greater_equals", 2, 2, T_DYN, "nn"),
	FF("series_ifft", 1, 2, T_DYN, EXP, "yy"),
	FF("series_iir", 3, 3, T_DYN, NA, "yyy"),
	F("series_less", 2, 2, T_DYN, "nn"),
	F("series_less_equals", 2, 2, T_DYN, "nn"),
	F("series_log", 1, 1, T_DYN, "y"),
	F("series_multiply", 2, 2, T_DYN, "nn"),
	F("series_not_equals", 2, 2, T_DYN, "nn"),
	FF("series_outliers", 1, 6, T_DYN, NA, "ysnnnl"),
	F("series_pearson_correlation", 2, 2, T_REAL, "yy"),
	FF("series_periods_detect", 4, 4, T_DYN, EXP, "ynnl"),
	FF("series_periods_validate", 2, 17, T_DYN, EXP, "yn"),
	F("series_pow", 2, 2, T_DYN, "nn"),
	F("series_seasonal", 1, 3, T_DYN, "yll"),
	F("series_sign", 1, 1, T_DYN, "y"),
	F("series_sin", 1, 1, T_DYN, "y"),
	FF("series_stats", 1, 2, T_REAL, EXP, "yb"),
	F("series_stats_dynamic", 1, 2, T_DYN, "yb"),
	F("series_subtract", 2, 2, T_DYN, "nn"),
	F("series_tan", 1, 1, T_DYN, "y"),
	P("session_count", 6, -1, 0, "ccooooc"),
	F("set_difference", 2, -1, T_DYN, "y"),
	F("set_has_element", 2, 2, T_BOOL, "ya"),
	F("set_intersect", 2, -1, T_DYN, "y"),
	F("set_union", 2, -1, T_DYN, "y"),
	F("sign", 1, 1, T_REAL, "n"),
	FF("sin", 1, 1, T_REAL, NA, "n"),
	P("sliding_window_counts", 6, -1, 0, "ccooooc"),
	FF("split", 2, 3, T_DYN, NA, "asl"),
	P("sql_request", 2, 4, OFF, "ssyy"),
	FF("sqrt", 1, 1, T_REAL, NA, "n"),
	FF("startofday", 1, 2, T_DT, NA, "dl"),
	F("startofmonth", 1, 2, T_DT, "dl"),
	F("startofweek", 1, 2, T_DT, "dl"),
	F("startofyear", 1, 2, T_DT, "dl"),
	G("stdev", 1, 1, FR_FIXED, T_REAL, 0, "o", "stdev"),
	G("stdevif", 2, 2, FR_FIXED, T_REAL, 0, "ob", "stdevif"),
	G("stdevp", 1, 1, FR_FIXED, T_REAL, 0, "o", "stdevp"),
	FF("stored_query_result", 1, 1, T_ANY, TAB | OFF, "s"),
	F("strcat", 1, -1, T_STR, "a"),
	F("strcat_array", 2, 2, T_STR, "ya"),
	F("strcat_delim", 3, -1, T_STR, "a"),
	F("strcmp", 2, 2, T_LONG, "aa"),
	F("string_size", 1, 1, T_LONG, "a"),
	F("strlen", 1, 1, T_LONG, "a"),
	F("strrep", 2, 3, T_STR, "ala"),
	F("substring", 2, 3, T_STR, "all"),
	G("sum", 1, 1, FR_SUM, T_NULL, 0, "o", "sum"),
	G("sumif", 2, 2, FR_SUM, T_NULL, 0, "ob", "sumif"),
	FF("table", 1, 2, T_ANY, TAB, "ss"),
	G("take_any", 1, -1, FR_ARG0, T_NULL, STAR | EXP | NA, "a", "any"),
	G("take_anyif", 2, 2, FR_ARG0, T_NULL, NA, "ab", "anyif"),
	FF("tan", 1, 1, T_REAL, NA, "n"),
	G("tdigest", 1, 2, FR_FIXED, T_DYN, 0, "ol", "tdigest"),
	G("tdigest_merge", 1, 16, FR_FIXED, T_DYN, 0, "y", "merge_tdigests"),
	AF("to_utf8", "unicode_codepoints_from_string", 1, 1, T_DYN, 0, "a"),
	FF("tobool", 1, 1, T_BOOL, NA, "a"),
	AF("toboolean", "tobool", 1, 1, T_BOOL, NA, "a"),
	FF("todatetime", 1, 1, T_DT, NA, "a"),
	FF("todecimal", 1, 1, T_DEC, NA, "a"),
	AF("todouble", "toreal", 1, 1, T_REAL, NA, "a"),
	AF("todynamic", "parse_json", 1, 1, T_DYN, NA, "s"),
	FF("toguid", 1, 1, T_GUID, NA, "s"),
	FF("tohex", 1, 2, T_STR, NA, "ll"),
	FF("toint", 1, 1, T_INT, NA, "a"),
	FF("tolong", 1, 1, T_LONG, NA, "a"),
	F("tolower", 1, 1, T_STR, "a"),
	AF("toobject", "parse_json", 1, 1, T_DYN, NA, "s"),
	FF("toreal", 1, 1, T_REAL, NA, "a"),
	F("toscalar", 1, 1, T_ANY, "a"),
	FF("tostring", 1, 1, T_STR, NA, "a"),
	AF("totime", "totimespan", 1, 1, T_TS, NA, "a"),
	FF("totimespan", 1, 1, T_TS, NA, "a"),
	F("toupper", 1, 1, T_STR, "a"),
	F("translate", 3, 3, T_STR, "sss"),
	F("treepath", 1, 1, T_DYN, "y"),
	F("trim", 2, 2, T_STR, "ss"),
	F("trim_end", 2, 2, T_STR, "ss"),
	F("trim_start", 2, 2, T_STR, "ss"),
	F("unicode_codepoints_from_string", 1, 1, T_DYN, "a"),
	F("unicode_codepoints_to_string", 1, -1, T_STR, "l"),
	F("unixtime_microseconds_todatetime", 1, 1, T_DT, "n"),
	F("unixtime_milliseconds_todatetime", 1, 1, T_DT, "n"),
	F("unixtime_nanoseconds_todatetime", 1, 1, T_DT, "n"),
	F("unixtime_seconds_todatetime", 1, 1, T_DT, "n"),
	F("url_decode", 1, 1, T_STR, "s"),
	F("url_encode", 1, 1, T_STR, "s"),
	F("url_encode_component", 1, 1, T_STR, "s"),
	G("variance", 1, 1, FR_FIXED, T_REAL, 0, "o", "variance"),
	G("varianceif", 2, 2, FR_FIXED, T_REAL, 0, "ob", "varianceif"),
	G("variancep", 1, 1, FR_FIXED, T_REAL, 0, "o", "variancep"),
	F("week_of_year", 1, 1, T_INT, "d"),
	F("weekofyear", 1, 1, T_INT, "d"),
	F("welch_test", 6, 6, T_REAL, "n"),
	FF("workspace", 1, 1, T_ANY, TAB | OFF, "s"),
	F("zip", 2, -1, T_DYN, "y"),
	F("zlib_compress_to_base64_string", 1, 1, T_STR, "s"),
	F("zlib_decompress_from_base64_string", 1, 1, T_STR, "s"),
	/* END TABLE */
};
/* clang-format on */

#define FN_COUNT (sizeof(fn_table) / sizeof(fn_table[0]))

size_t fn_count(void)
{
	return FN_COUNT;
}

const fn_def *fn_at(size_t i)
{
	return i < FN_COUNT ? &fn_table[i] : NULL;
}

/* ---- Lookup -------------------------------------------------------------- */

/* Byte-order comparison of (name, len) with a NUL-terminated table name;
 * the same order as strcmp on the table. */
static int name_cmp(const char *name, size_t len, const char *entry)
{
	size_t elen = strlen(entry);
	int c = memcmp(name, entry, len < elen ? len : elen);
	if (c != 0)
		return c;
	return len < elen ? -1 : len > elen ? 1 : 0;
}

const fn_def *fn_lookup(const char *name, size_t len)
{
	if (!name)
		return NULL;
	size_t lo = 0, hi = FN_COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(name, len, fn_table[mid].name);
		if (c == 0)
			return &fn_table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const fn_def *fn_closest(const char *name, size_t len)
{
	if (!name || len == 0)
		return NULL;
	/* Two edits turn any short word into another: allow fewer for them. */
	unsigned cap = len >= 5 ? 2 : len >= 2 ? 1 : 0;
	const fn_def *best = NULL;
	unsigned best_d = cap + 1;
	size_t best_len = 0;
	for (size_t i = 0; i < FN_COUNT; i++) {
		const fn_def *f = &fn_table[i];
		size_t flen = strlen(f->name);
		unsigned d = diag_edit_distance(name, len, f->name, flen, cap);
		if (d > cap)
			continue;
		if (!best || d < best_d || (d == best_d && flen < best_len)) {
			best = f;
			best_d = d;
			best_len = flen;
		}
	}
	return best;
}

/* ---- Checking -------------------------------------------------------------- */

static bool is_unknown(uint8_t t)
{
	/* TYPE_ANY, and any type past dynamic (a schema's "unknown"). */
	return t > KQLITE_TYPE_DYNAMIC;
}

static bool is_number(uint8_t t)
{
	return t == T_INT || t == T_LONG || t == T_REAL || t == T_DEC;
}

/* int < long < decimal < real */
static int num_rank(uint8_t t)
{
	switch (t) {
	case T_INT:
		return 0;
	case T_LONG:
		return 1;
	case T_DEC:
		return 2;
	default:
		return 3;
	}
}

static uint8_t widest(uint8_t a, uint8_t b)
{
	return num_rank(a) >= num_rank(b) ? a : b;
}

static bool accepts(char letter, uint8_t t)
{
	if (is_unknown(t) || t == T_DYN || t == T_NULL)
		return true;
	switch (letter) {
	case 's':
		return t == T_STR;
	case 'l':
		return t == T_INT || t == T_LONG;
	case 'n':
		return is_number(t);
	case 't':
		return t == T_TS;
	case 'd':
		return t == T_DT;
	case 'b':
		return t == T_BOOL;
	case 'g':
		return t == T_GUID;
	case 'y':
		return false; /* only dynamic, accepted above */
	case 'o':
		return is_number(t) || t == T_DT || t == T_TS;
	default: /* 'a', 'c' */
		return true;
	}
}

static const char *letter_desc(char letter)
{
	switch (letter) {
	case 's':
		return "a string";
	case 'l':
		return "an integer";
	case 'n':
		return "a number";
	case 't':
		return "a timespan";
	case 'd':
		return "a datetime";
	case 'b':
		return "a bool";
	case 'g':
		return "a guid";
	case 'y':
		return "a dynamic value";
	case 'o':
		return "a number, a datetime or a timespan";
	default:
		return "a scalar";
	}
}

static const char *type_desc(uint8_t t)
{
	return kqlite_type_name((kqlite_type)t);
}

static bool is(const fn_def *f, const char *canonical)
{
	return strcmp(f->canonical, canonical) == 0;
}

/* Argument layouts that a letter string cannot say. */
enum layout { LAY_PLAIN, LAY_CASE, LAY_PAIRS };

static enum layout layout_of(const fn_def *f)
{
	if (is(f, "case"))
		return LAY_CASE; /* predicate, value, ..., else */
	if (is(f, "bag_pack"))
		return LAY_PAIRS; /* key, value, ... */
	return LAY_PLAIN;
}

static char letter_at(const fn_def *f, enum layout lay, int i, int n)
{
	switch (lay) {
	case LAY_CASE:
		return (i % 2 == 0 && i < n - 1) ? 'b' : 'a';
	case LAY_PAIRS:
		return i % 2 == 0 ? 's' : 'a';
	default:
		break;
	}
	size_t len = strlen(f->args);
	if (len == 0)
		return 'a';
	return f->args[(size_t)i < len ? (size_t)i : len - 1];
}

static void fail(char *err, size_t errsize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errsize, const char *fmt, ...)
{
	if (!err || errsize == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
}

static int arity_error(const fn_def *f, int n, int *bad_arg, char *err, size_t errsize)
{
	*bad_arg = -1;
	int mn = f->min_args, mx = f->max_args;
	if (mx < 0)
		fail(err, errsize, "%s() takes at least %d argument%s, not %d", f->name, mn,
		     mn == 1 ? "" : "s", n);
	else if (mn == mx && mn == 0)
		fail(err, errsize, "%s() takes no arguments, not %d", f->name, n);
	else if (mn == mx)
		fail(err, errsize, "%s() takes %d argument%s, not %d", f->name, mn,
		     mn == 1 ? "" : "s", n);
	else if (mx == mn + 1)
		fail(err, errsize, "%s() takes %d or %d arguments, not %d", f->name, mn, mx, n);
	else
		fail(err, errsize, "%s() takes %d to %d arguments, not %d", f->name, mn, mx, n);
	return -1;
}

/* FR_COMMON: the common type of the value arguments. */
static int common_type(const fn_def *f, const uint8_t *types, int n, uint8_t *out, int *bad_arg,
                       char *err, size_t errsize)
{
	bool cond = is(f, "iff"), cas = is(f, "case");
	uint8_t acc = 0;
	bool have = false, saw_dyn = false, saw_any = false;
	for (int i = 0; i < n; i++) {
		if (cond && i == 0)
			continue;
		if (cas && i % 2 == 0 && i < n - 1)
			continue;
		uint8_t t = types[i];
		if (is_unknown(t)) {
			saw_any = true;
			continue;
		}
		if (t == T_DYN) {
			saw_dyn = true;
			continue;
		}
		if (t == T_NULL)
			continue;
		if (!have) {
			acc = t;
			have = true;
		} else if (t == acc) {
			continue;
		} else if (is_number(t) && is_number(acc)) {
			acc = widest(acc, t);
		} else {
			*bad_arg = i;
			fail(err, errsize, "%s() %s have different types: %s and %s", f->name,
			     cond || cas ? "branches" : "arguments", type_desc(acc), type_desc(t));
			return -1;
		}
	}
	*out = have ? acc : saw_dyn ? T_DYN : saw_any ? T_ANY : T_NULL;
	return 0;
}

/* FR_NUMERIC: the widest number (int -> long), or the timespan/datetime. */
static uint8_t numeric_type(const uint8_t *types, int n)
{
	uint8_t acc = 0;
	bool have = false, unknown = false;
	for (int i = 0; i < n; i++) {
		uint8_t t = types[i];
		if (t == T_TS || t == T_DT)
			return t;
		if (is_number(t)) {
			acc = have ? widest(acc, t) : t;
			have = true;
		} else if (t != T_NULL) {
			unknown = true;
		}
	}
	if (have && !unknown)
		return acc == T_INT ? T_LONG : acc;
	return T_ANY;
}

/* FR_BIN: datetime and timespan stay; numbers take the widest of the
 * numeric arguments (as Kusto does: bin(long, 0.5) is real), int -> long. */
static uint8_t bin_type(const uint8_t *types, int n)
{
	uint8_t t0 = types[0];
	if (t0 == T_DT || t0 == T_TS)
		return t0;
	if (!is_number(t0))
		return T_ANY;
	uint8_t acc = t0;
	for (int i = 1; i < n; i++)
		if (is_number(types[i]))
			acc = widest(acc, types[i]);
	return acc == T_INT ? T_LONG : acc;
}

static uint8_t sum_type(uint8_t t)
{
	switch (t) {
	case T_INT:
	case T_LONG:
		return T_LONG;
	case T_REAL:
	case T_DEC:
	case T_TS:
	case T_DT:
		return t;
	default:
		return T_ANY;
	}
}

static uint8_t avg_type(uint8_t t)
{
	if (t == T_DT || t == T_TS || t == T_DEC)
		return t;
	return is_unknown(t) ? T_ANY : T_REAL;
}

int fn_check(const fn_def *f, const uint8_t *types, int ntypes, uint8_t *out, int *bad_arg,
             char *err, size_t errsize)
{
	int dummy_bad;
	uint8_t dummy_out;
	if (!bad_arg)
		bad_arg = &dummy_bad;
	if (!out)
		out = &dummy_out;
	if (err && errsize)
		err[0] = '\0';
	*bad_arg = -1;
	if (!f || ntypes < 0 || (ntypes > 0 && !types)) {
		fail(err, errsize, "invalid function call");
		return -1;
	}

	/* Arity. */
	enum layout lay = layout_of(f);
	if (ntypes < f->min_args || (f->max_args >= 0 && ntypes > f->max_args))
		return arity_error(f, ntypes, bad_arg, err, errsize);
	if (lay == LAY_CASE && ntypes % 2 == 0) {
		fail(err, errsize, "%s() takes an odd number of arguments, not %d", f->name,
		     ntypes);
		return -1;
	}
	if (lay == LAY_PAIRS && ntypes % 2 != 0) {
		fail(err, errsize, "%s() takes an even number of arguments, not %d", f->name,
		     ntypes);
		return -1;
	}

	/* Each argument. */
	for (int i = 0; i < ntypes; i++) {
		char letter = letter_at(f, lay, i, ntypes);
		if (!accepts(letter, types[i])) {
			*bad_arg = i;
			fail(err, errsize, "argument %d of %s() must be %s, not %s", i + 1, f->name,
			     letter_desc(letter), type_desc(types[i]));
			return -1;
		}
	}

	/* The result. */
	uint8_t t0 = ntypes > 0 ? types[0] : T_ANY;
	switch ((fn_result)f->result) {
	case FR_FIXED:
		*out = f->rtype;
		break;
	case FR_ARG0:
		*out = t0;
		/* Percentiles of int are long, of decimal real. */
		if (f->kind == FN_AGGREGATE && strncmp(f->canonical, "percentile", 10) == 0) {
			if (t0 == T_INT)
				*out = T_LONG;
			else if (t0 == T_DEC)
				*out = T_REAL;
		}
		break;
	case FR_ARG1:
		*out = ntypes > 1 ? types[1] : T_ANY;
		break;
	case FR_COMMON:
		return common_type(f, types, ntypes, out, bad_arg, err, errsize);
	case FR_NUMERIC:
		*out = numeric_type(types, ntypes);
		break;
	case FR_SUM:
		*out = sum_type(t0);
		break;
	case FR_AVG:
		*out = avg_type(t0);
		break;
	case FR_BIN:
		*out = ntypes > 0 ? bin_type(types, ntypes) : T_ANY;
		break;
	default:
		*out = T_ANY;
		break;
	}
	return 0;
}
