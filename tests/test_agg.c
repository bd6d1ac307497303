/* test_agg.c -- the aggregates of summarize, each driven through its
 * xagg_def as the engine drives it: prepare, update per batch (groups
 * interleaved, selection vectors, constant vectors, nulls, several
 * batches whose memory is freed after each), finish per group, destroy.
 * The state array moves whenever groups are added, as the engine's does. */
#include <setjmp.h> /* cmocka.h needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "functions.h"
#include "types.h"

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
};

/* ---- The harness ----------------------------------------------------------- */

typedef struct H {
	arena qa, tmp;
	diag d;
	xquery q;
	xctx cx;
	xagg a;
	char *states;
	uint32_t ng;
	column out[8];
	bool inited;
} H;

/* Sets up the arenas and the query once (constants may be made before
 * prepare); done() undoes it. Declare H h = {0}. */
static void hinit(H *h)
{
	if (h->inited)
		return;
	memset(h, 0, sizeof *h);
	arena_init(&h->qa);
	arena_init(&h->tmp);
	h->q.qa = &h->qa;
	h->q.d = &h->d;
	h->q.batch = BATCH_DEFAULT;
	h->cx.q = &h->q;
	h->cx.tmp = &h->tmp;
	h->inited = true;
}

/* Prepares aggregate `name`; returns prepare's answer (the error in h->d). */
static bool prep(H *h, const char *name, const uint8_t *at, uint32_t nargs, const uint8_t *rt,
                 uint32_t nout, const vec *const *consts)
{
	hinit(h);
	const xagg_def *def = xagg_lookup(name);
	if (!def)
		fail_msg("no aggregate %s", name);
	h->a.def = def;
	h->a.nargs = nargs;
	h->a.nout = nout;
	if (nargs)
		memcpy(h->a.argtype, at, nargs);
	memcpy(h->a.rtype, rt, nout);
	for (uint32_t j = 0; j < nout; j++)
		assert_int_equal(col_init(&h->out[j], "c", 1, (kqlite_type)rt[j]), 0);
	const vec *none[16] = {0};
	return def->prepare(&h->q, &h->a, at, consts ? consts : none, nargs, &h->d, 3, 7);
}

#define PREP(h, name, at, rt, consts)                                                              \
	do {                                                                                       \
		if (!prep(h, name, at, sizeof(at), rt, sizeof(rt), consts))                        \
			fail_msg("prepare %s: %s", name, (h)->d.msg);                              \
	} while (0)

/* Makes groups 0..ng-1 exist; the states move (a new block, the old one
 * freed) so a pointer kept into them is caught by ASan. */
static void groups_upto(H *h, uint32_t ng)
{
	if (ng <= h->ng)
		return;
	size_t sz = h->a.def->state_size;
	char *s = calloc(ng, sz);
	assert_non_null(s);
	if (h->ng)
		memcpy(s, h->states, h->ng * sz);
	free(h->states);
	h->states = s;
	h->ng = ng;
}

/* One batch; its vectors (in h->tmp) are freed afterwards. */
static bool update(H *h, const uint32_t *groups, const vec *args, const uint32_t *sel, uint32_t n)
{
	uint32_t ng = 0;
	for (uint32_t k = 0; k < n; k++)
		if (groups[k] + 1 > ng)
			ng = groups[k] + 1;
	groups_upto(h, ng);
	bool ok = h->a.def->update(&h->cx, &h->a, h->states, groups, args, h->a.nargs, sel, n);
	arena_free(&h->tmp);
	arena_init(&h->tmp);
	return ok;
}

#define UPDATE(h, groups, args, sel, n)                                                            \
	do {                                                                                       \
		if (!update(h, groups, args, sel, n))                                              \
			fail_msg("update: %s", (h)->d.msg);                                        \
	} while (0)

static void finish(H *h)
{
	for (uint32_t g = 0; g < h->ng; g++)
		if (!h->a.def->finish(&h->q, &h->a, h->states + g * h->a.def->state_size, h->out,
		                      h->a.nout))
			fail_msg("finish: %s", h->d.msg);
	for (uint32_t j = 0; j < h->a.nout; j++)
		assert_int_equal(h->out[j].n, h->ng);
}

static void done(H *h)
{
	if (h->a.def->destroy)
		for (uint32_t g = 0; g < h->ng; g++)
			h->a.def->destroy(&h->a, h->states + g * h->a.def->state_size);
	free(h->states);
	for (uint32_t j = 0; j < 8; j++)
		if (h->out[j].name)
			col_free(&h->out[j]);
	arena_free(&h->tmp);
	arena_free(&h->qa);
	memset(h, 0, sizeof *h);
}

/* ---- Vectors --------------------------------------------------------------- */

/* nulls: a string with 'n' at each null row (NULL: none). */
static uint8_t *nullmask(H *h, uint32_t n, const char *nulls)
{
	if (!nulls)
		return NULL;
	uint8_t *m = arena_zalloc(&h->tmp, n);
	for (uint32_t i = 0; i < n; i++)
		m[i] = nulls[i] == 'n';
	return m;
}

static vec vi(H *h, uint8_t type, uint32_t n, const int64_t *v, const char *nulls)
{
	vec x = {.type = type};
	x.d.i = arena_alloc(&h->tmp, 8 * n);
	memcpy(x.d.i, v, 8 * n);
	x.nulls = nullmask(h, n, nulls);
	return x;
}

static vec vf(H *h, uint32_t n, const double *v, const char *nulls)
{
	vec x = {.type = R};
	x.d.f = arena_alloc(&h->tmp, 8 * n);
	memcpy(x.d.f, v, 8 * n);
	x.nulls = nullmask(h, n, nulls);
	return x;
}

/* -1: null */
static vec vb(H *h, uint32_t n, const int *v)
{
	vec x = {.type = B};
	x.d.b = arena_zalloc(&h->tmp, n);
	x.nulls = arena_zalloc(&h->tmp, n);
	for (uint32_t i = 0; i < n; i++) {
		x.d.b[i] = v[i] > 0;
		x.nulls[i] = v[i] < 0;
	}
	return x;
}

static vec vs(H *h, uint32_t n, const char *const *s)
{
	vec x = {.type = S};
	x.d.s = arena_alloc(&h->tmp, sizeof(kstr) * n);
	for (uint32_t i = 0; i < n; i++) {
		size_t len = strlen(s[i]);
		x.d.s[i] = (kstr){arena_strndup(&h->tmp, s[i], len), len};
	}
	return x;
}

/* JSON texts; NULL is a dynamic null. */
static kstr dyn_of(H *h, const char *json)
{
	if (!json)
		return (kstr){"", 0};
	strbuf b;
	sb_init(&b);
	size_t bad;
	assert_true(dyn_from_json(json, strlen(json), &b, &bad));
	char *p = arena_alloc(&h->tmp, b.len);
	memcpy(p, b.s, b.len);
	kstr k = {p, b.len};
	sb_free(&b);
	return k;
}

static vec vd(H *h, uint32_t n, const char *const *json)
{
	vec x = {.type = DYN};
	x.d.s = arena_alloc(&h->tmp, sizeof(kstr) * n);
	for (uint32_t i = 0; i < n; i++)
		x.d.s[i] = dyn_of(h, json[i]);
	return x;
}

static vec vg(H *h, uint32_t n, const char *const *text)
{
	vec x = {.type = G};
	x.d.g = arena_alloc(&h->tmp, 16 * n);
	for (uint32_t i = 0; i < n; i++)
		assert_true(guid_parse(text[i], strlen(text[i]), x.d.g[i]));
	return x;
}

/* Constants live in the query arena, as the engine's do. */
static vec ci(H *h, uint8_t type, int64_t v, bool null)
{
	hinit(h);
	vec x = {.type = type, .is_const = true};
	x.d.i = arena_alloc(&h->qa, 8);
	x.d.i[0] = v;
	if (null) {
		x.nulls = arena_alloc(&h->qa, 1);
		x.nulls[0] = 1;
	}
	return x;
}

static vec cf(H *h, double v)
{
	hinit(h);
	vec x = {.type = R, .is_const = true};
	x.d.f = arena_alloc(&h->qa, 8);
	x.d.f[0] = v;
	return x;
}

static vec cb(H *h, int v)
{
	hinit(h);
	vec x = {.type = B, .is_const = true};
	x.d.b = arena_alloc(&h->qa, 1);
	x.d.b[0] = v > 0;
	if (v < 0) {
		x.nulls = arena_alloc(&h->qa, 1);
		x.nulls[0] = 1;
	}
	return x;
}

static vec cs(H *h, const char *s)
{
	hinit(h);
	vec x = {.type = S, .is_const = true};
	x.d.s = arena_alloc(&h->qa, sizeof(kstr));
	x.d.s[0] = (kstr){arena_strndup(&h->qa, s, strlen(s)), strlen(s)};
	return x;
}

static vec cd(H *h, const char *json)
{
	hinit(h);
	vec x = {.type = DYN, .is_const = true};
	x.d.s = arena_alloc(&h->qa, sizeof(kstr));
	kstr k = dyn_of(h, json);
	char *p = arena_alloc(&h->qa, k.n ? k.n : 1);
	memcpy(p, k.p, k.n);
	x.d.s[0] = (kstr){p, k.n};
	return x;
}

#define I64S(...) ((const int64_t[]){__VA_ARGS__})
#define F64S(...) ((const double[]){__VA_ARGS__})
#define INTS(...) ((const int[]){__VA_ARGS__})
#define STRS(...) ((const char *const[]){__VA_ARGS__})
#define GRP(...) ((const uint32_t[]){__VA_ARGS__})
#define SEL(...) ((const uint32_t[]){__VA_ARGS__})
#define TYPES(...) ((const uint8_t[]){__VA_ARGS__})
#define NARGS(...) (sizeof((const uint8_t[]){__VA_ARGS__}))

/* ---- Reading results ------------------------------------------------------ */

static bool onull(H *h, uint32_t j, uint32_t g)
{
	return col_is_null(&h->out[j], g);
}

static int64_t oi(H *h, uint32_t j, uint32_t g)
{
	if (onull(h, j, g))
		fail_msg("output %u of group %u is null", j, g);
	const column *c = &h->out[j];
	if ((int)c->type == I)
		return c->v.i32[g];
	if ((int)c->type == B)
		return c->v.b[g];
	return c->v.i64[g];
}

static double of(H *h, uint32_t j, uint32_t g)
{
	if (onull(h, j, g))
		fail_msg("output %u of group %u is null", j, g);
	return h->out[j].v.f64[g];
}

/* A string output, or a dynamic one as JSON; "<null>" for null. */
static const char *os(H *h, uint32_t j, uint32_t g)
{
	static char buf[4][4096];
	static int k;
	char *out = buf[k++ & 3];
	if (onull(h, j, g))
		return "<null>";
	size_t len;
	const char *p = col_bytes(&h->out[j], g, &len);
	if ((int)h->out[j].type == DYN) {
		strbuf b;
		sb_init(&b);
		dyn_to_json((const uint8_t *)p, len, &b);
		snprintf(out, 4096, "%s", b.s ? b.s : "");
		sb_free(&b);
	} else {
		snprintf(out, 4096, "%.*s", (int)len, p);
	}
	return out;
}

/* ---- The registry ---------------------------------------------------------- */

static void test_lookup(void **st)
{
	(void)st;
	static const char *const names[] = {
	    "count",
	    "countif",
	    "sum",
	    "sumif",
	    "avg",
	    "avgif",
	    "min",
	    "max",
	    "minif",
	    "maxif",
	    "arg_min",
	    "arg_max",
	    "take_any",
	    "take_anyif",
	    "make_list",
	    "make_list_if",
	    "make_list_with_nulls",
	    "make_set",
	    "make_set_if",
	    "make_bag",
	    "make_bag_if",
	    "dcount",
	    "dcountif",
	    "count_distinct",
	    "count_distinctif",
	    "stdev",
	    "stdevif",
	    "stdevp",
	    "variance",
	    "varianceif",
	    "variancep",
	    "percentile",
	    "percentiles",
	    "percentiles_array",
	    "percentilew",
	    "percentilesw",
	    "percentilesw_array",
	    "binary_all_and",
	    "binary_all_or",
	    "binary_all_xor",
	};
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		const xagg_def *d = xagg_lookup(names[k]);
		if (!d)
			fail_msg("%s is missing", names[k]);
		assert_string_equal(d->name, names[k]);
		assert_true(d->state_size > 0 && d->prepare && d->update && d->finish);
		/* The binder knows it as an aggregate under the same canonical name. */
		const fn_def *f = fn_lookup(names[k], strlen(names[k]));
		if (!f || f->kind != FN_AGGREGATE || strcmp(f->canonical, names[k]) != 0)
			fail_msg("%s is not a canonical aggregate in functions.c", names[k]);
	}
	/* Aliases are resolved by the binder, not here. */
	assert_null(xagg_lookup("any"));
	assert_null(xagg_lookup("makelist"));
	assert_non_null(xagg_lookup("hll")); /* hll, hll_merge: sketches (agg_stats.c) */
	assert_null(xagg_lookup("nosuch"));
	assert_null(xagg_lookup(NULL));
}

/* ---- count, countif ------------------------------------------------------ */

static void test_count(void **st)
{
	(void)st;
	H h = {0};
	/* count(): rows per group, groups interleaved, two batches, a selection. */
	if (!prep(&h, "count", NULL, 0, TYPES(L), 1, NULL))
		fail_msg("%s", h.d.msg);
	UPDATE(&h, GRP(0, 1, 0, 2, 0), NULL, NULL, 5);
	UPDATE(&h, GRP(1, 3), NULL, SEL(4, 9), 2);
	groups_upto(&h, 5); /* group 4 made by another aggregate: count 0 */
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 3);
	assert_int_equal(oi(&h, 0, 1), 2);
	assert_int_equal(oi(&h, 0, 2), 1);
	assert_int_equal(oi(&h, 0, 3), 1);
	assert_int_equal(oi(&h, 0, 4), 0);
	done(&h);

	/* count(x) counts rows, nulls included. */
	PREP(&h, "count", TYPES(L), TYPES(L), NULL);
	vec x = vi(&h, L, 4, I64S(1, 2, 3, 4), "n.nn");
	UPDATE(&h, GRP(0, 0, 1, 1), &x, NULL, 4);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 2);
	assert_int_equal(oi(&h, 0, 1), 2);
	done(&h);

	/* countif: null is false; a constant predicate; a dynamic one. */
	PREP(&h, "countif", TYPES(B), TYPES(L), NULL);
	vec p = vb(&h, 5, INTS(1, 0, -1, 1, 1));
	UPDATE(&h, GRP(0, 0, 0, 1, 0), &p, NULL, 5);
	p = cb(&h, 1);
	UPDATE(&h, GRP(1, 1), &p, SEL(3, 7), 2);
	p = cb(&h, -1);
	UPDATE(&h, GRP(2, 2), &p, NULL, 2);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 2);
	assert_int_equal(oi(&h, 0, 1), 3);
	assert_int_equal(oi(&h, 0, 2), 0);
	done(&h);

	PREP(&h, "countif", TYPES(DYN), TYPES(L), NULL);
	p = vd(&h, 4, STRS("true", "false", NULL, "1"));
	UPDATE(&h, GRP(0, 0, 0, 0), &p, NULL, 4);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 1);
	done(&h);

	/* An int result column narrows. */
	PREP(&h, "count", TYPES(S), TYPES(I), NULL);
	x = vs(&h, 2, STRS("", "a"));
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_int_equal(h.out[0].type, I);
	assert_int_equal(oi(&h, 0, 0), 2);
	done(&h);
}

/* ---- sum, sumif ---------------------------------------------------------- */

static void test_sum(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "sum", TYPES(L), TYPES(L), NULL);
	vec x = vi(&h, L, 5, I64S(1, 2, 100, 4, 5), "..n..");
	UPDATE(&h, GRP(0, 1, 0, 1, 0), &x, NULL, 5);
	x = vi(&h, L, 3, I64S(10, 20, 30), NULL);
	UPDATE(&h, GRP(1, 0), &x, SEL(0, 2), 2);
	x = vi(&h, L, 2, I64S(INT64_MAX, 1), NULL); /* wraps, never traps */
	UPDATE(&h, GRP(3, 3), &x, NULL, 2);
	x = vi(&h, L, 1, I64S(7), "n");
	UPDATE(&h, GRP(2), &x, NULL, 1); /* only nulls: 0 */
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 1 + 5 + 30);
	assert_int_equal(oi(&h, 0, 1), 2 + 4 + 10);
	assert_int_equal(oi(&h, 0, 2), 0);
	assert_true(oi(&h, 0, 3) == INT64_MIN);
	done(&h);

	/* int -> long, a constant vector. */
	PREP(&h, "sum", TYPES(I), TYPES(L), NULL);
	x = ci(&h, I, 7, false);
	UPDATE(&h, GRP(0, 0, 1), &x, NULL, 3);
	x = ci(&h, I, 7, true);
	UPDATE(&h, GRP(0, 0, 1), &x, NULL, 3);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 14);
	assert_int_equal(oi(&h, 0, 1), 7);
	done(&h);

	/* real */
	PREP(&h, "sum", TYPES(R), TYPES(R), NULL);
	x = vf(&h, 4, F64S(0.5, 0.25, 1e300, 2), "..n.");
	UPDATE(&h, GRP(0, 0, 0, 1), &x, NULL, 4);
	groups_upto(&h, 3);
	finish(&h);
	assert_true(of(&h, 0, 0) == 0.75);
	assert_true(of(&h, 0, 1) == 2);
	assert_true(of(&h, 0, 2) == 0); /* no values: 0 */
	done(&h);

	/* timespan stays timespan. */
	PREP(&h, "sum", TYPES(TS), TYPES(TS), NULL);
	x = vi(&h, TS, 2, I64S(TICKS_PER_SECOND, -3 * TICKS_PER_SECOND), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_int_equal(h.out[0].type, TS);
	assert_int_equal(oi(&h, 0, 0), -2 * TICKS_PER_SECOND);
	done(&h);

	/* sumif: the predicate is the last argument. */
	PREP(&h, "sumif", TYPES(L, B), TYPES(L), NULL);
	vec a2[2] = {vi(&h, L, 4, I64S(1, 2, 4, 8), "...n"), vb(&h, 4, INTS(1, -1, 1, 1))};
	UPDATE(&h, GRP(0, 0, 0, 0), a2, NULL, 4);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 5);
	done(&h);

	/* dynamic numbers; a string inside is skipped. */
	PREP(&h, "sum", TYPES(DYN), TYPES(R), NULL);
	x = vd(&h, 4, STRS("1", "2.5", "\"x\"", NULL));
	UPDATE(&h, GRP(0, 0, 0, 0), &x, NULL, 4);
	finish(&h);
	assert_true(of(&h, 0, 0) == 3.5);
	done(&h);

	/* sum(dynamic) is dynamic: a long while the values are longs. */
	PREP(&h, "sum", TYPES(DYN), TYPES(DYN), NULL);
	x = vd(&h, 5, STRS("1", "2", "\"x\"", NULL, "4.5"));
	UPDATE(&h, GRP(0, 0, 0, 1, 1), &x, NULL, 5);
	groups_upto(&h, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "3");
	assert_string_equal(os(&h, 0, 1), "4.5");
	assert_string_equal(os(&h, 0, 2), "0");
	done(&h);

	/* Errors at prepare. */
	assert_false(prep(&h, "avg", TYPES(DYN), 1, TYPES(DYN), 1, NULL));
	assert_string_equal(h.d.msg, "avg() cannot give dynamic");
	done(&h);
	assert_false(prep(&h, "sum", TYPES(S), 1, TYPES(L), 1, NULL));
	assert_string_equal(h.d.msg, "sum() needs a number, a datetime or a timespan, not string");
	assert_true(h.d.has_span && h.d.off == 3 && h.d.len == 7);
	done(&h);
	assert_false(prep(&h, "sumif", TYPES(L, S), 2, TYPES(L), 1, NULL));
	assert_string_equal(h.d.msg,
	                    "argument 2 of sumif() (the predicate) must be a bool, not string");
	done(&h);
}

/* ---- avg, avgif ---------------------------------------------------------- */

static void test_avg(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "avg", TYPES(L), TYPES(R), NULL);
	vec x = vi(&h, L, 5, I64S(1, 2, 99, 4, 5), "..n..");
	UPDATE(&h, GRP(0, 0, 0, 0, 1), &x, NULL, 5);
	x = vi(&h, L, 2, I64S(INT64_MAX, INT64_MAX), NULL); /* no overflow */
	UPDATE(&h, GRP(2, 2), &x, NULL, 2);
	x = vi(&h, L, 1, I64S(1), "n");
	UPDATE(&h, GRP(3), &x, NULL, 1);
	finish(&h);
	assert_true(of(&h, 0, 0) == 7.0 / 3);
	assert_true(of(&h, 0, 1) == 5);
	assert_true(of(&h, 0, 2) == (double)INT64_MAX);
	assert_true(isnan(of(&h, 0, 3))); /* no values: 0 / 0, NaN (the summarize docs) */
	done(&h);

	/* datetime stays datetime, exact (sums of ticks overflow 64 bits). */
	PREP(&h, "avg", TYPES(DT), TYPES(DT), NULL);
	int64_t t0 = TICKS_MAX_DATETIME - 10;
	x = vi(&h, DT, 4, I64S(t0, t0 + 2, t0 + 4, t0 + 5), NULL);
	UPDATE(&h, GRP(0, 0, 0, 0), &x, NULL, 4);
	finish(&h);
	assert_int_equal(h.out[0].type, DT);
	assert_true(oi(&h, 0, 0) == t0 + 2); /* 2.75 truncated */
	done(&h);

	/* timespan: negative means truncate toward zero. */
	PREP(&h, "avg", TYPES(TS), TYPES(TS), NULL);
	x = vi(&h, TS, 2, I64S(-1, -2), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), -1);
	done(&h);

	/* avgif on reals, const predicate. */
	PREP(&h, "avgif", TYPES(R, B), TYPES(R), NULL);
	vec a2[2] = {vf(&h, 3, F64S(1, 2, 6), NULL), cb(&h, 1)};
	UPDATE(&h, GRP(0, 0, 0), a2, SEL(0, 2), 2);
	a2[0] = vf(&h, 1, F64S(100), NULL);
	a2[1] = cb(&h, 0);
	UPDATE(&h, GRP(0), a2, NULL, 1);
	finish(&h);
	assert_true(of(&h, 0, 0) == 3.5);
	done(&h);

	/* int -> real */
	PREP(&h, "avg", TYPES(I), TYPES(R), NULL);
	x = vi(&h, I, 2, I64S(1, 2), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_true(of(&h, 0, 0) == 1.5);
	done(&h);
}

/* ---- min, max, minif, maxif ------------------------------------------------ */

static void test_minmax(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "max", TYPES(L), TYPES(L), NULL);
	vec x = vi(&h, L, 6, I64S(3, -5, 100, 7, -9, 0), "..n...");
	UPDATE(&h, GRP(0, 1, 0, 0, 1, 2), &x, NULL, 6);
	x = vi(&h, L, 1, I64S(0), "n");
	UPDATE(&h, GRP(3), &x, NULL, 1);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 7);
	assert_int_equal(oi(&h, 0, 1), -5);
	assert_int_equal(oi(&h, 0, 2), 0);
	assert_true(onull(&h, 0, 3));
	done(&h);

	PREP(&h, "min", TYPES(I), TYPES(I), NULL);
	x = vi(&h, I, 3, I64S(3, -5, 100), NULL);
	UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), -5);
	done(&h);

	/* Strings: ordinal, "" is a value, copies outlive the batch. */
	PREP(&h, "max", TYPES(S), TYPES(S), NULL);
	x = vs(&h, 4, STRS("b", "abc", "é", "B"));
	UPDATE(&h, GRP(0, 0, 1, 1), &x, NULL, 4);
	x = vs(&h, 2, STRS("ba", "b"));
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "ba");
	assert_string_equal(os(&h, 0, 1), "é");
	done(&h);

	PREP(&h, "min", TYPES(S), TYPES(S), NULL);
	x = vs(&h, 3, STRS("b", "", "a"));
	UPDATE(&h, GRP(0, 0, 1), &x, NULL, 3);
	groups_upto(&h, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "");
	assert_false(onull(&h, 0, 0));
	assert_string_equal(os(&h, 0, 1), "a");
	assert_true(onull(&h, 0, 2));
	done(&h);

	/* Reals: a NaN never wins. */
	PREP(&h, "max", TYPES(R), TYPES(R), NULL);
	x = vf(&h, 5, F64S(NAN, 1.5, -2, NAN, NAN), NULL);
	UPDATE(&h, GRP(0, 0, 0, 1, 1), &x, NULL, 5);
	finish(&h);
	assert_true(of(&h, 0, 0) == 1.5);
	assert_true(isnan(of(&h, 0, 1)));
	done(&h);

	/* bool, datetime, guid. */
	PREP(&h, "max", TYPES(B), TYPES(B), NULL);
	x = vb(&h, 4, INTS(0, 1, -1, 0));
	UPDATE(&h, GRP(0, 0, 1, 1), &x, NULL, 4);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 1);
	assert_int_equal(oi(&h, 0, 1), 0);
	done(&h);

	PREP(&h, "min", TYPES(DT), TYPES(DT), NULL);
	x = vi(&h, DT, 2, I64S(TICKS_UNIX_EPOCH + 5, TICKS_UNIX_EPOCH), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_true(oi(&h, 0, 0) == TICKS_UNIX_EPOCH);
	done(&h);

	PREP(&h, "max", TYPES(G), TYPES(G), NULL);
	x = vg(
	    &h, 2,
	    STRS("00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"));
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_int_equal(h.out[0].v.guid[15], 0x0b);
	done(&h);

	/* maxif with a constant value vector and a predicate. */
	PREP(&h, "maxif", TYPES(L, B), TYPES(L), NULL);
	vec a2[2] = {vi(&h, L, 3, I64S(5, 9, 7), NULL), vb(&h, 3, INTS(1, 0, 1))};
	UPDATE(&h, GRP(0, 0, 0), a2, NULL, 3);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 7);
	done(&h);

	/* Errors. */
	assert_false(prep(&h, "max", TYPES(DYN), 1, TYPES(DYN), 1, NULL));
	assert_non_null(strstr(h.d.msg, "max() cannot compare dynamic values"));
	done(&h);
	assert_false(prep(&h, "min", TYPES(S), 1, TYPES(L), 1, NULL));
	assert_string_equal(h.d.msg, "min(): output 1 is long but its argument is string");
	done(&h);
}

/* ---- arg_max, arg_min ------------------------------------------------------ */

static void test_argmax(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "arg_max", TYPES(L, S, R), TYPES(L, S, R), NULL);
	vec a3[3] = {vi(&h, L, 5, I64S(5, 9, 9, 1, 100), "....n"),
	             vs(&h, 5, STRS("a", "first", "second", "x", "nul")),
	             vf(&h, 5, F64S(1, 2, 3, 4, 5), ".n...")};
	UPDATE(&h, GRP(0, 0, 0, 1, 0), a3, NULL, 5);
	a3[0] = vi(&h, L, 2, I64S(9, 10), NULL);
	a3[1] = vs(&h, 2, STRS("tie", "ten"));
	a3[2] = vf(&h, 2, F64S(0, 0), NULL);
	UPDATE(&h, GRP(0, 2), a3, NULL, 2);
	a3[0] = vi(&h, L, 1, I64S(0), "n");
	a3[1] = vs(&h, 1, STRS("z"));
	a3[2] = vf(&h, 1, F64S(0), NULL);
	UPDATE(&h, GRP(3), a3, NULL, 1);
	finish(&h);
	/* Group 0: 9 twice; the first row wins, its null real stays null. */
	assert_int_equal(oi(&h, 0, 0), 9);
	assert_string_equal(os(&h, 1, 0), "first");
	assert_true(onull(&h, 2, 0));
	assert_int_equal(oi(&h, 0, 1), 1);
	assert_string_equal(os(&h, 1, 1), "x");
	assert_true(of(&h, 2, 1) == 4);
	assert_int_equal(oi(&h, 0, 2), 10);
	assert_string_equal(os(&h, 1, 2), "ten");
	/* Only a null key: the group's first row, as the arg_min docs show. */
	assert_true(onull(&h, 0, 3));
	assert_string_equal(os(&h, 1, 3), "z");
	assert_true(of(&h, 2, 3) == 0);
	done(&h);

	PREP(&h, "arg_min", TYPES(DT, DYN), TYPES(DT, DYN), NULL);
	vec a2[2] = {vi(&h, DT, 3, I64S(30, 10, 10), NULL),
	             vd(&h, 3, STRS("{\"a\":1}", "[1,2]", "3"))};
	UPDATE(&h, GRP(0, 0, 0), a2, NULL, 3);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 10);
	assert_string_equal(os(&h, 1, 0), "[1,2]");
	done(&h);

	/* One output: arg_max(x) is max(x). */
	PREP(&h, "arg_max", TYPES(S), TYPES(S), NULL);
	vec x = vs(&h, 2, STRS("a", "c"));
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "c");
	done(&h);

	assert_false(prep(&h, "arg_max", TYPES(L, S), 2, TYPES(L), 1, NULL));
	assert_string_equal(h.d.msg,
	                    "arg_max() gives one output for each of its 2 arguments, not 1");
	done(&h);
}

/* ---- take_any, take_anyif -------------------------------------------------- */

static void test_take_any(void **st)
{
	(void)st;
	H h = {0};
	/* One value: a non-null, non-empty one when there is one. */
	PREP(&h, "take_any", TYPES(S), TYPES(S), NULL);
	vec x = vs(&h, 4, STRS("", "x", "y", ""));
	UPDATE(&h, GRP(0, 0, 0, 1), &x, NULL, 4);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "x");
	assert_string_equal(os(&h, 0, 1), "<null>");
	done(&h);

	PREP(&h, "take_any", TYPES(L), TYPES(L), NULL);
	x = vi(&h, L, 3, I64S(1, 2, 3), "n..");
	UPDATE(&h, GRP(0, 0, 1), &x, NULL, 3);
	x = vi(&h, L, 1, I64S(9), NULL);
	UPDATE(&h, GRP(0), &x, NULL, 1);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 2);
	assert_int_equal(oi(&h, 0, 1), 3);
	done(&h);

	/* Several values: one row's, as it is. */
	PREP(&h, "take_any", TYPES(L, S), TYPES(L, S), NULL);
	vec a2[2] = {vi(&h, L, 3, I64S(1, 2, 3), "n.."), vs(&h, 3, STRS("a", "b", "c"))};
	UPDATE(&h, GRP(0, 0, 1), a2, SEL(0, 1, 2), 3);
	finish(&h);
	assert_true(onull(&h, 0, 0));
	assert_string_equal(os(&h, 1, 0), "a");
	assert_int_equal(oi(&h, 0, 1), 3);
	assert_string_equal(os(&h, 1, 1), "c");
	done(&h);

	PREP(&h, "take_anyif", TYPES(S, B), TYPES(S), NULL);
	a2[0] = vs(&h, 3, STRS("no", "yes", "also"));
	a2[1] = vb(&h, 3, INTS(0, 1, 1));
	UPDATE(&h, GRP(0, 0, 0), a2, NULL, 3);
	a2[0] = cs(&h, "never");
	a2[1] = cb(&h, -1);
	UPDATE(&h, GRP(1), a2, NULL, 1);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "yes");
	assert_string_equal(os(&h, 0, 1), "<null>");
	done(&h);
}

/* ---- make_list ------------------------------------------------------------- */

static void test_make_list(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "make_list", TYPES(L), TYPES(DYN), NULL);
	vec x = vi(&h, L, 5, I64S(1, 2, 3, 4, 5), "..n..");
	UPDATE(&h, GRP(0, 1, 0, 0, 1), &x, NULL, 5);
	x = vi(&h, L, 2, I64S(6, 6), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	groups_upto(&h, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[1,4,6,6]");
	assert_string_equal(os(&h, 0, 1), "[2,5]");
	assert_string_equal(os(&h, 0, 2), "[]"); /* no values: an empty array */
	done(&h);

	/* A size limit; datetime, timespan, strings, reals, bools, guids, dynamic. */
	vec lim = ci(&h, L, 2, false);
	const vec *c2[2] = {NULL, &lim};
	PREP(&h, "make_list", TYPES(S, L), TYPES(DYN), c2);
	x = vs(&h, 3, STRS("a\"b", "", "c"));
	UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"a\\\"b\",\"\"]");
	done(&h);

	PREP(&h, "make_list", TYPES(DT), TYPES(DYN), NULL);
	x = vi(&h, DT, 2, I64S(TICKS_UNIX_EPOCH, TICKS_UNIX_EPOCH + 5000000), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"1970-01-01T00:00:00Z\",\"1970-01-01T00:00:00.5Z\"]");
	done(&h);

	PREP(&h, "make_list", TYPES(TS), TYPES(DYN), NULL);
	x = vi(&h, TS, 1, I64S(90 * TICKS_PER_SECOND), NULL);
	UPDATE(&h, GRP(0), &x, NULL, 1);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"00:01:30\"]");
	done(&h);

	PREP(&h, "make_list", TYPES(R), TYPES(DYN), NULL);
	x = vf(&h, 2, F64S(1.5, -2), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[1.5,-2]");
	done(&h);

	PREP(&h, "make_list", TYPES(G), TYPES(DYN), NULL);
	x = vg(&h, 1, STRS("0123456789ABCDEF0123456789abcdef"));
	UPDATE(&h, GRP(0), &x, NULL, 1);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"01234567-89ab-cdef-0123-456789abcdef\"]");
	done(&h);

	/* Dynamic values go in whole (arrays are not flattened); nulls skipped. */
	PREP(&h, "make_list", TYPES(DYN), TYPES(DYN), NULL);
	x = vd(&h, 4, STRS("[1,2]", NULL, "{\"a\":true}", "null"));
	UPDATE(&h, GRP(0, 0, 0, 0), &x, NULL, 4);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[[1,2],{\"a\":true}]");
	done(&h);

	/* make_list_if(x, pred, max) */
	lim = ci(&h, I, 2, false);
	const vec *c3[3] = {NULL, NULL, &lim};
	PREP(&h, "make_list_if", TYPES(B, B, I), TYPES(DYN), c3);
	vec a2[2] = {vb(&h, 5, INTS(1, 0, -1, 1, 1)), vb(&h, 5, INTS(1, 1, 1, -1, 1))};
	UPDATE(&h, GRP(0, 0, 0, 0, 0), a2, NULL, 5);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[true,false]");
	done(&h);

	PREP(&h, "make_list_with_nulls", TYPES(L), TYPES(DYN), NULL);
	x = vi(&h, L, 3, I64S(1, 2, 3), ".n.");
	UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[1,null,3]");
	done(&h);

	/* Bad limits. */
	lim = ci(&h, L, 0, false);
	assert_false(prep(&h, "make_list", TYPES(L, L), 2, TYPES(DYN), 1, c2));
	assert_string_equal(h.d.msg, "the maximum size of make_list() must be at least 1, not 0");
	done(&h);
	assert_false(prep(&h, "make_list", TYPES(L, L), 2, TYPES(DYN), 1, NULL));
	assert_string_equal(h.d.msg,
	                    "argument 2 of make_list() (the maximum size) must be a constant");
	done(&h);
	vec bad = cs(&h, "3");
	const vec *cbad[2] = {NULL, &bad};
	assert_false(prep(&h, "make_list", TYPES(L, S), 2, TYPES(DYN), 1, cbad));
	assert_string_equal(h.d.msg,
	                    "argument 2 of make_list() (the maximum size) must be an integer");
	done(&h);
}

/* ---- make_set, make_bag ---------------------------------------------------- */

static void test_make_set(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "make_set", TYPES(S), TYPES(DYN), NULL);
	vec x = vs(&h, 6, STRS("b", "a", "b", "", "c", "a"));
	UPDATE(&h, GRP(0, 0, 0, 0, 1, 1), &x, NULL, 6);
	x = vs(&h, 2, STRS("a", "d"));
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	groups_upto(&h, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"b\",\"a\",\"\",\"d\"]");
	assert_string_equal(os(&h, 0, 1), "[\"c\",\"a\"]");
	assert_string_equal(os(&h, 0, 2), "[]");
	done(&h);

	/* Reals: -0.0 is 0.0; nulls skipped; a limit. */
	vec lim = ci(&h, L, 3, false);
	const vec *c2[2] = {NULL, &lim};
	PREP(&h, "make_set", TYPES(R, L), TYPES(DYN), c2);
	x = vf(&h, 6, F64S(0.0, -0.0, 1, 99, 2, 3), "...n..");
	UPDATE(&h, GRP(0, 0, 0, 0, 0, 0), &x, NULL, 6);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[0,1,2]");
	done(&h);

	/* Dynamic arrays give their elements (Kusto's docs' example). */
	PREP(&h, "make_set", TYPES(DYN), TYPES(DYN), NULL);
	x = vd(&h, 5,
	       STRS("[\"A1\",\"A2\",\"A3\"]", "[\"A2\",\"C1\"]", "[\"C2\",\"A3\"]",
	            "[\"C2\",\"A1\",null]", "5"));
	UPDATE(&h, GRP(0, 0, 0, 0, 0), &x, NULL, 5);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"A1\",\"A2\",\"A3\",\"C1\",\"C2\",5]");
	done(&h);

	PREP(&h, "make_set_if", TYPES(L, B), TYPES(DYN), NULL);
	vec a2[2] = {vi(&h, L, 4, I64S(1, 2, 1, 3), NULL), vb(&h, 4, INTS(1, 0, 1, -1))};
	UPDATE(&h, GRP(0, 0, 0, 0), a2, NULL, 4);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[1]");
	done(&h);

	PREP(&h, "make_set", TYPES(DT), TYPES(DYN), NULL);
	x = vi(&h, DT, 2, I64S(TICKS_UNIX_EPOCH, TICKS_UNIX_EPOCH), NULL);
	UPDATE(&h, GRP(0, 0), &x, NULL, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"1970-01-01T00:00:00Z\"]");
	done(&h);
}

static void test_make_bag(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "make_bag", TYPES(DYN), TYPES(DYN), NULL);
	vec x =
	    vd(&h, 5,
	       STRS("{\"a\":1,\"b\":[2]}", "{\"a\":5,\"c\":null}", "[1]", NULL, "{\"z\":\"s\"}"));
	UPDATE(&h, GRP(0, 0, 0, 0, 1), &x, NULL, 5);
	x = vd(&h, 1, STRS("{\"d\":{\"e\":1}}"));
	UPDATE(&h, GRP(0), &x, NULL, 1);
	groups_upto(&h, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "{\"a\":1,\"b\":[2],\"c\":null,\"d\":{\"e\":1}}");
	assert_string_equal(os(&h, 0, 1), "{\"z\":\"s\"}");
	assert_string_equal(os(&h, 0, 2), "{}");
	done(&h);

	vec lim = ci(&h, L, 1, false);
	const vec *c3[3] = {NULL, NULL, &lim};
	PREP(&h, "make_bag_if", TYPES(DYN, B, L), TYPES(DYN), c3);
	vec a2[2] = {vd(&h, 2, STRS("{\"x\":1,\"y\":2}", "{\"q\":1}")), vb(&h, 2, INTS(0, 1))};
	UPDATE(&h, GRP(0, 0), a2, NULL, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "{\"q\":1}");
	done(&h);

	assert_false(prep(&h, "make_bag", TYPES(S), 1, TYPES(DYN), 1, NULL));
	assert_string_equal(h.d.msg, "make_bag() needs a dynamic property bag, not string");
	done(&h);
}

/* ---- dcount ---------------------------------------------------------------- */

static void test_dcount(void **st)
{
	(void)st;
	H h = {0};
	/* Exact over many values and batches: group g gets i % 1000 for
	 * i = g, g + 3, ... so each of 3 groups sees 1000 distinct values. */
	PREP(&h, "dcount", TYPES(L), TYPES(L), NULL);
	for (int batch = 0; batch < 10; batch++) {
		int64_t v[1500];
		uint32_t grp[1500];
		for (int k = 0; k < 1500; k++) {
			int i = batch * 1500 + k;
			v[k] = (i % 3000) * 7919; /* spread values */
			grp[k] = (uint32_t)(i % 3);
		}
		vec x = vi(&h, L, 1500, v, NULL);
		UPDATE(&h, grp, &x, NULL, 1500);
	}
	groups_upto(&h, 4);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 1000);
	assert_int_equal(oi(&h, 0, 1), 1000);
	assert_int_equal(oi(&h, 0, 2), 1000);
	assert_int_equal(oi(&h, 0, 3), 0);
	done(&h);

	/* Strings ("" counts), nulls skipped for other types, accuracy checked. */
	vec acc = ci(&h, I, 2, false);
	const vec *c2[2] = {NULL, &acc};
	PREP(&h, "dcount", TYPES(S, I), TYPES(L), c2);
	vec x = vs(&h, 5, STRS("a", "", "a", "A", ""));
	UPDATE(&h, GRP(0, 0, 0, 0, 0), &x, NULL, 5);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 3);
	done(&h);

	PREP(&h, "dcountif", TYPES(R, B), TYPES(L), NULL);
	vec a2[2] = {vf(&h, 5, F64S(1, 1, 2, 3, NAN), "...n."), vb(&h, 5, INTS(1, 1, 0, 1, 1))};
	UPDATE(&h, GRP(0, 0, 0, 0, 0), a2, NULL, 5);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 2); /* 1 and NaN */
	done(&h);

	PREP(&h, "count_distinct", TYPES(G), TYPES(L), NULL);
	x = vg(&h, 3,
	       STRS("00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001",
	            "00000000-0000-0000-0000-000000000002"));
	UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 2);
	done(&h);

	acc = ci(&h, I, 5, false);
	assert_false(prep(&h, "dcount", TYPES(S, I), 2, TYPES(L), 1, c2));
	assert_string_equal(h.d.msg, "the accuracy of dcount() must be a constant from 0 to 4");
	done(&h);
}

/* ---- variance, stdev ----------------------------------------------------- */

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-12 * fmax(1, fabs(b));
}

static void test_variance(void **st)
{
	(void)st;
	static const char *const names[] = {"variance", "variancep", "stdev", "stdevp"};
	/* 2 4 4 4 5 5 7 9: sum of squares 32 around the mean 5. */
	const double want[4] = {32.0 / 7, 4, sqrt(32.0 / 7), 2};
	const bool none_null[4] = {false, true, false, true};
	for (int k = 0; k < 4; k++) {
		H h = {0};
		PREP(&h, names[k], TYPES(L), TYPES(R), NULL);
		vec x = vi(&h, L, 6, I64S(2, 4, 4, 4, 100, 5), "....n.");
		UPDATE(&h, GRP(0, 0, 0, 0, 0, 0), &x, NULL, 6);
		x = vi(&h, L, 3, I64S(5, 7, 9), NULL);
		UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
		x = vi(&h, L, 1, I64S(42), NULL);
		UPDATE(&h, GRP(1), &x, NULL, 1);
		groups_upto(&h, 3);
		finish(&h);
		if (!near(of(&h, 0, 0), want[k]))
			fail_msg("%s: %.17g, want %.17g", names[k], of(&h, 0, 0), want[k]);
		assert_true(of(&h, 0, 1) == 0); /* one value */
		if (none_null[k])
			assert_true(onull(&h, 0, 2));
		else
			assert_true(of(&h, 0, 2) == 0);
		done(&h);
	}

	/* Large values do not cancel. */
	H h = {0};
	PREP(&h, "variance", TYPES(R), TYPES(R), NULL);
	vec x = vf(&h, 3, F64S(1e9 + 4, 1e9 + 7, 1e9 + 13), NULL);
	UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
	finish(&h);
	assert_true(near(of(&h, 0, 0), 21));
	done(&h);

	PREP(&h, "stdevif", TYPES(R, B), TYPES(R), NULL);
	vec a2[2] = {vf(&h, 3, F64S(1, 3, 1000), NULL), vb(&h, 3, INTS(1, 1, 0))};
	UPDATE(&h, GRP(0, 0, 0), a2, NULL, 3);
	finish(&h);
	assert_true(near(of(&h, 0, 0), sqrt(2)));
	done(&h);

	assert_false(prep(&h, "stdev", TYPES(S), 1, TYPES(R), 1, NULL));
	assert_string_equal(h.d.msg, "stdev() needs a number, not string");
	done(&h);
}

/* ---- percentiles ----------------------------------------------------------- */

static void test_percentiles(void **st)
{
	(void)st;
	H h = {0};
	/* 1..10, shuffled over two batches, with a null: nearest rank. */
	vec p[7] = {ci(&h, L, 0, false),  ci(&h, L, 10, false), ci(&h, L, 50, false),
	            ci(&h, L, 70, false), cf(&h, 95.5),         ci(&h, L, 100, false),
	            cf(&h, 10.000001)};
	const vec *c[8] = {NULL, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5], &p[6]};
	PREP(&h, "percentiles", TYPES(I, L, L, L, L, R, L, R), TYPES(L, L, L, L, L, L, L), c);
	vec x = vi(&h, I, 6, I64S(7, 3, 10, 1, 99, 5), "....n.");
	UPDATE(&h, GRP(0, 0, 0, 0, 0, 0), &x, NULL, 6);
	x = vi(&h, I, 5, I64S(2, 9, 4, 8, 6), NULL);
	UPDATE(&h, GRP(0, 0, 0, 0, 0), &x, NULL, 5);
	groups_upto(&h, 2);
	finish(&h);
	const int64_t want[7] = {1, 1, 5, 7, 10, 10, 2};
	for (uint32_t j = 0; j < 7; j++) {
		assert_int_equal(h.out[j].type, L);
		if (oi(&h, j, 0) != want[j])
			fail_msg("percentile %u: %lld, want %lld", j, (long long)oi(&h, j, 0),
			         (long long)want[j]);
		assert_true(onull(&h, j, 1)); /* no values */
	}
	done(&h);

	/* percentile: reals (NaN skipped), one output. */
	vec p50 = ci(&h, L, 50, false);
	const vec *c2[2] = {NULL, &p50};
	PREP(&h, "percentile", TYPES(R, L), TYPES(R), c2);
	x = vf(&h, 5, F64S(NAN, 0.5, -1, 2.5, 8), NULL);
	UPDATE(&h, GRP(0, 0, 0, 0, 0), &x, NULL, 5);
	finish(&h);
	assert_true(of(&h, 0, 0) == 0.5);
	done(&h);

	/* datetime stays datetime. */
	p50 = ci(&h, L, 50, false);
	PREP(&h, "percentile", TYPES(DT, L), TYPES(DT), c2);
	x = vi(&h, DT, 3, I64S(300, 100, 200), NULL);
	UPDATE(&h, GRP(0, 0, 0), &x, NULL, 3);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 200);
	done(&h);

	/* percentiles_array: scalars, or one dynamic array of them. */
	vec arr = cd(&h, "[25, 50.0, 100]");
	const vec *ca[2] = {NULL, &arr};
	PREP(&h, "percentiles_array", TYPES(L, DYN), TYPES(DYN), ca);
	x = vi(&h, L, 4, I64S(40, 10, 30, 20), NULL);
	UPDATE(&h, GRP(0, 0, 0, 0), &x, NULL, 4);
	groups_upto(&h, 2);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[10,20,40]");
	assert_string_equal(os(&h, 0, 1), "<null>");
	done(&h);

	p50 = ci(&h, L, 50, false);
	PREP(&h, "percentiles_array", TYPES(TS, L), TYPES(DYN), c2);
	x = vi(&h, TS, 1, I64S(TICKS_PER_SECOND), NULL);
	UPDATE(&h, GRP(0), &x, NULL, 1);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[\"00:00:01\"]");
	done(&h);

	/* Weighted: 1, 2, 3 weighing 1, 1, 8 (rows with a null, zero or
	 * negative weight are left out). */
	vec pw[3] = {ci(&h, L, 10, false), ci(&h, L, 20, false), cf(&h, 50)};
	const vec *cw[5] = {NULL, NULL, &pw[0], &pw[1], &pw[2]};
	PREP(&h, "percentilesw", TYPES(L, I, L, L, R), TYPES(L, L, L), cw);
	vec a2[2] = {vi(&h, L, 6, I64S(3, 1, 2, 0, 9, 9), NULL),
	             vi(&h, I, 6, I64S(8, 1, 1, 5, 0, -3), "...n..")};
	UPDATE(&h, GRP(0, 0, 0, 0, 0, 0), a2, NULL, 6);
	groups_upto(&h, 2);
	finish(&h);
	assert_int_equal(oi(&h, 0, 0), 1);
	assert_int_equal(oi(&h, 1, 0), 2);
	assert_int_equal(oi(&h, 2, 0), 3);
	assert_true(onull(&h, 0, 1) && onull(&h, 2, 1));
	done(&h);

	vec pwa = cd(&h, "[0, 50, 100]");
	const vec *cwa[3] = {NULL, NULL, &pwa};
	PREP(&h, "percentilesw_array", TYPES(R, L, DYN), TYPES(DYN), cwa);
	a2[0] = vf(&h, 3, F64S(0.5, 1.5, 2.5), NULL);
	a2[1] = vi(&h, L, 3, I64S(1, 3, 1), NULL);
	UPDATE(&h, GRP(0, 0, 0), a2, NULL, 3);
	finish(&h);
	assert_string_equal(os(&h, 0, 0), "[0.5,1.5,2.5]");
	done(&h);

	p50 = ci(&h, L, 50, false);
	const vec *cw1[3] = {NULL, NULL, &p50};
	assert_false(prep(&h, "percentilew", TYPES(L, R, L), 3, TYPES(L), 1, cw1));
	assert_string_equal(h.d.msg, "the weight of percentilew() must be an integer, not real");
	done(&h);

	/* Errors: not a constant, out of range, dynamic values. */
	assert_false(prep(&h, "percentile", TYPES(L, L), 2, TYPES(L), 1, NULL));
	assert_string_equal(h.d.msg,
	                    "argument 2 of percentile() (a percentile) must be a constant number");
	done(&h);
	vec p101 = cf(&h, 100.5);
	const vec *cbad[2] = {NULL, &p101};
	assert_false(prep(&h, "percentile", TYPES(L, R), 2, TYPES(L), 1, cbad));
	assert_string_equal(h.d.msg,
	                    "the percentiles of percentile() must be from 0 to 100, not 100.5");
	done(&h);
	p50 = ci(&h, L, 50, false);
	assert_false(prep(&h, "percentile", TYPES(DYN, L), 2, TYPES(DYN), 1, c2));
	assert_non_null(strstr(h.d.msg, "convert them first"));
	done(&h);
	p50 = ci(&h, L, 50, false);
	assert_false(prep(&h, "percentiles", TYPES(L, L), 2, TYPES(L, L), 2, c2));
	assert_string_equal(h.d.msg,
	                    "percentiles() gives one output for each of its 1 percentiles, not 2");
	done(&h);
}

/* ---- binary_all_* -------------------------------------------------------- */

static void test_binary_all(void **st)
{
	(void)st;
	static const char *const names[] = {"binary_all_and", "binary_all_or", "binary_all_xor"};
	const int64_t want[3] = {0x4, 0x7 | 0x8, 0x6 ^ 0x5 ^ 0xc};
	for (int k = 0; k < 3; k++) {
		H h = {0};
		PREP(&h, names[k], TYPES(L), TYPES(L), NULL);
		vec x = vi(&h, L, 4, I64S(0x6, 0x5, 0, 0xc), "..n.");
		UPDATE(&h, GRP(0, 0, 0, 0), &x, NULL, 4);
		groups_upto(&h, 2);
		finish(&h);
		assert_int_equal(oi(&h, 0, 0), want[k]);
		assert_true(onull(&h, 0, 1));
		done(&h);
	}
}

/* ---- The memory budget ----------------------------------------------------- */

static void test_memory_limit(void **st)
{
	(void)st;
	H h = {0};
	PREP(&h, "make_list", TYPES(S), TYPES(DYN), NULL);
	h.q.max_memory = 100000;
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	bool ok = true;
	for (int b = 0; b < 100 && ok; b++) {
		vec x = vs(&h, 1, STRS(big));
		ok = update(&h, GRP(0), &x, NULL, 1);
	}
	assert_false(ok);
	assert_int_equal(h.d.code, KQLITE_LIMIT);
	assert_non_null(strstr(h.d.msg, "memory"));
	done(&h); /* what was kept is still freed */

	PREP(&h, "dcount", TYPES(L), TYPES(L), NULL);
	h.q.max_memory = 4096;
	int64_t v[1000];
	uint32_t grp[1000] = {0};
	for (int k = 0; k < 1000; k++)
		v[k] = k;
	vec x = vi(&h, L, 1000, v, NULL);
	assert_false(update(&h, grp, &x, NULL, 1000));
	assert_int_equal(h.d.code, KQLITE_LIMIT);
	done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),       cmocka_unit_test(test_count),
	    cmocka_unit_test(test_sum),          cmocka_unit_test(test_avg),
	    cmocka_unit_test(test_minmax),       cmocka_unit_test(test_argmax),
	    cmocka_unit_test(test_take_any),     cmocka_unit_test(test_make_list),
	    cmocka_unit_test(test_make_set),     cmocka_unit_test(test_make_bag),
	    cmocka_unit_test(test_dcount),       cmocka_unit_test(test_variance),
	    cmocka_unit_test(test_percentiles),  cmocka_unit_test(test_binary_all),
	    cmocka_unit_test(test_memory_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
