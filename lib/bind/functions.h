/* functions.h -- the KQL function library as the binder sees it: names,
 * arity, argument expectations and result types of scalar functions,
 * aggregates and evaluate plugins. Knowing a function here does not mean
 * the engine can run it. */
#ifndef KQ_FUNCTIONS_H
#define KQ_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "kqlite.h"

/* A type the binder cannot know before the query runs (a column of an
 * open schema, a value inside dynamic). Accepted wherever a value is. */
#define TYPE_ANY 15

typedef enum fn_kind {
	FN_SCALAR,    /* tostring(x) */
	FN_AGGREGATE, /* count(), make_set(x): only in summarize/make-series/top-nested */
	FN_PLUGIN,    /* evaluate bag_unpack(x): tabular, open schema unless known */
	FN_WINDOW,    /* prev(), next(), row_number(): need serialized input */
} fn_kind;

/* How the result type is computed from the argument types. */
typedef enum fn_result {
	FR_FIXED,       /* rtype */
	FR_ARG0,        /* the type of argument 0 */
	FR_ARG1,        /* the type of argument 1 */
	FR_COMMON,      /* common type of the "value" arguments (iff: 1,2; case: 1,3,..,last; coalesce: all) */
	FR_NUMERIC,     /* promotion of the arguments: int op int -> long... (abs, round) */
	FR_SUM,         /* sum: int/long -> long, real -> real, timespan -> timespan */
	FR_AVG,         /* avg: real; timespan/datetime stay themselves */
	FR_BIN,         /* bin/bin_at/floor: the type of argument 0 (int -> long) */
} fn_result;

/* Flags */
enum {
	FNF_STAR = 1,        /* accepts * as an argument (arg_max(t, *), pack_all) */
	FNF_OFFLINE = 2,     /* needs a live service: "not available offline" */
	FNF_ALIAS = 4,       /* a legacy or alternative name of `canonical` */
	FNF_EXPANDS = 8,     /* aggregate whose output is several columns (arg_max, arg_min, take_any with several args, percentiles) */
	/* Also set on the scalar series functions whose result is a tuple of
	 * columns (series_stats, series_fit_line, series_decompose_anomalies...);
	 * their rtype is the type of the first column. */
	FNF_TABULAR = 16,    /* not a scalar: a table or an entity (table(), materialize(), cluster(), database(), workspace()) */
	FNF_NAME_ARG0 = 32,  /* an unnamed call takes its first argument's name: tostring(x) -> x, bin(T, 1h) -> T, round(avg(x)) -> avg_x, take_any(x) -> x */
};

typedef struct fn_def {
	const char *name;
	const char *canonical; /* == name unless FNF_ALIAS (makeset -> make_set) */
	uint8_t kind;          /* fn_kind */
	int8_t min_args;
	int8_t max_args;       /* -1: no upper bound */
	uint8_t result;        /* fn_result */
	uint8_t rtype;         /* kqlite_type, for FR_FIXED */
	uint8_t flags;
	/* One character per argument, the last repeating for further ones:
	 *   s string, l integer (int/long), n number (int/long/real/decimal),
	 *   t timespan, d datetime, b bool, g guid, y dynamic,
	 *   o ordered (number, datetime or timespan: bin, min, max),
	 *   a any scalar or dynamic, c a column name (take_any(*), arg_max's rest)
	 * "" for no arguments. TYPE_ANY and dynamic arguments satisfy any letter. */
	const char *args;
	/* Aggregates: the prefix of the generated column name (count -> count_,
	 * sum -> sum_X, make_set -> set_X); NULL for other kinds. */
	const char *agg_prefix;
} fn_def;

/* Exact (case-sensitive) lookup; NULL when unknown. */
const fn_def *fn_lookup(const char *name, size_t len);

/* The known function closest to name (edit distance <= 2), for "did you
 * mean"; NULL if none is close. */
const fn_def *fn_closest(const char *name, size_t len);

/* Checks argument types and computes the result type. types[i] is a
 * kqlite_type or TYPE_ANY (a '*' argument is TYPE_ANY). Returns 0 and sets
 * *out, or -1 with *bad_arg the index of the offending argument (or -1 for
 * a wrong count) and a message in err ("argument 2 of bin() must be a
 * timespan or a number, not string"). */
int fn_check(const fn_def *f, const uint8_t *types, int ntypes, uint8_t *out, int *bad_arg,
             char *err, size_t errsize);

/* Iteration over the table, for completion and tests. */
size_t fn_count(void);
const fn_def *fn_at(size_t i);

#endif
