/* agg_int.h -- what the aggregate libraries (agg.c, agg_stats.c) share:
 * the extended definition every aggregate is declared with, its prepared
 * configuration, the predicate of the _if variants, the memory budget,
 * numbers read from any value, values written into dynamic arrays, and
 * results appended to columns of any numeric type. */
#ifndef KQ_AGG_INT_H
#define KQ_AGG_INT_H

#include "dyn.h"
#include "exec.h"

/* What an aggregate's arguments look like; xagg_def comes first so that
 * a->def points at the whole (see AGG()). */
typedef struct aggdef {
	xagg_def x;
	int8_t pred;    /* the index of the predicate argument (-1: none) */
	int8_t max_arg; /* the index of the optional constant size limit (-1: none) */
	uint8_t flags;
} aggdef;

enum {
	AF_MAX = 1,        /* min/max and arg_min/arg_max: the max variant */
	AF_WITH_NULLS = 2, /* make_list_with_nulls */
	AF_POP = 4,        /* variancep, stdevp: the population variant */
	AF_SQRT = 8,       /* stdev*: the square root of the variance */
	AF_ARRAY = 16,     /* percentiles(w)_array: one dynamic array */
	AF_WEIGHT = 32,    /* percentile(s)w: argument 2 is the weight */
};

#define AGGDEF(a) ((const aggdef *)(a)->def)

/* The configuration prepare leaves in a->state (in the query arena). */
typedef struct aggcfg {
	int pred;      /* index of the predicate argument, or -1 */
	int64_t max;   /* element limit of make_list/make_set/make_bag */
	uint32_t npct; /* percentiles: how many, and the percentages */
	double *pct;
	/* dcount: the (group, value hash) pairs of every row, counted when the
	 * first group finishes (agg_stats.c); malloc'd, freed by the last */
	uint32_t *pair_group;
	uint64_t *pair_hash;
	size_t npairs, pair_cap;
	int64_t *counts;      /* distinct values per group, once counted */
	size_t ncounts, next; /* groups counted; the group finish is at */
} aggcfg;

#define AGG_MAX_ELEMENTS INT64_C(1048576) /* make_list/make_set: Kusto's default and maximum */

/* Sets a prepare-time error with the call's span; returns false. */
bool agg_fail(diag *d, uint32_t off, uint32_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The common prepare: keeps nargs and the argument types in a, checks
 * the output count, finds the predicate and the size limit (a constant
 * integer), fills a->state. */
bool agg_prepare_common(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len);

static inline const aggcfg *agg_cfg(const xagg *a)
{
	return (const aggcfg *)a->state;
}

/* The predicate of an _if variant at row i: only a non-null true counts
 * (bool, or a dynamic true). */
static inline bool agg_true(const vec *v, uint32_t i)
{
	if (v->type == KQLITE_TYPE_DYNAMIC) {
		kstr s = v_str(v, i);
		return s.n > 0 && (uint8_t)s.p[0] == DYN_TRUE;
	}
	if (v->type != KQLITE_TYPE_BOOL || v_null(v, i))
		return false;
	return v_bool(v, i);
}

/* Counts bytes a state took from malloc against the query's budget;
 * false (KQLITE_LIMIT set) past it. */
bool agg_charge(xquery *q, size_t bytes);

/* Grows p (an array of *cap elements of size sz; NULL when *cap is 0) to
 * hold at least need elements, charging the growth. *out is always the
 * array to keep (p itself when it was big enough or realloc failed, the
 * grown one even when the charge then failed). false after setting an
 * error. */
bool agg_grow(xquery *q, void *p, size_t *cap, size_t need, size_t sz, void **out);

/* Row i as a number: numbers, bool, datetime/timespan ticks, a dynamic
 * long or real. false when null or not a number. */
bool agg_num(const vec *v, uint32_t i, double *out);

/* Row i of v (not null) as one dynamic value: numbers and bool as JSON
 * numbers and booleans, string/datetime/timespan/guid as strings (the
 * datetime as ISO 8601 with the fraction trimmed), dynamic as it is. */
void agg_dyn_value(dyn_builder *b, const vec *v, uint32_t i);
/* The same for a long/datetime/timespan (ticks) or real of type t. */
void agg_dyn_i64(dyn_builder *b, uint8_t t, int64_t x);

/* Appends a number to a column of any numeric, datetime or timespan
 * type (int narrows, a real is truncated toward zero for integer columns). */
int agg_push_i64(column *c, int64_t v);
int agg_push_f64(column *c, double v);

/* Result codes of col_push_* as the engine's errors. */
bool agg_pushed(xquery *q, int rc);

/* The definitions in agg_stats.c. */
extern const aggdef agg_dcount, agg_dcountif, agg_count_distinct, agg_count_distinctif,
    agg_make_set, agg_make_set_if, agg_make_bag, agg_make_bag_if, agg_stdev, agg_stdevif,
    agg_stdevp, agg_variance, agg_varianceif, agg_variancep, agg_percentile, agg_percentiles,
    agg_percentiles_array, agg_percentilew, agg_percentilesw, agg_percentilesw_array, agg_hll,
    agg_hll_if, agg_hll_merge;

/* hll sketches (agg_stats.c) as dcount_hll reads them: a sketch's exact
 * hashes (*hashes malloc'd, *nh of them) or its registers merged into
 * regs (HLL_REGISTERS bytes, zeroed by the caller; *is_regs set). false
 * when v is not a sketch. */
#define HLL_REGISTERS 16384
bool hll_read(const uint8_t *v, size_t len, uint64_t **hashes, uint32_t *nh, uint8_t *regs, bool *is_regs);
/* The HyperLogLog estimate of HLL_REGISTERS registers. */
int64_t hll_estimate_regs(const uint8_t *regs);

#endif
