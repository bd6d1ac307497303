/* exec.h -- the execution engine's shared vocabulary: value vectors over a
 * batch of rows, the evaluation context, and the two plug-in interfaces
 * (scalar functions, aggregates). Operators and the planner are private
 * to exec/; function and aggregate libraries see only this header.
 *
 * A batch is up to `batch` rows (default 2048). Every vector of a batch is
 * indexed by row position 0..rows-1; a selection vector lists the active
 * rows (after a filter) and kernels compute only those: out[i] for each i
 * in sel. Rows outside sel hold garbage and are never read.
 *
 * Physical forms (the kqlite_type says what the values mean):
 *   bool                          -> d.b   uint8_t, 0 or 1
 *   int, long, datetime, timespan -> d.i   int64_t (int is widened)
 *   real, decimal                 -> d.f   double
 *   string                        -> d.s   kstr (UTF-8; a null string is "")
 *   dynamic                       -> d.s   kstr of the dyn.h encoding; n == 0 is null
 *   guid                          -> d.g   16 bytes a row
 * nulls: NULL when no row is null, else one byte a row (1 = null). string
 * and dynamic vectors never have nulls (see above).
 * is_const: one value at index 0 stands for every row (literals, folded
 * expressions, let-bound scalars); read through the v*_at() helpers. */
#ifndef KQ_EXEC_H
#define KQ_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "column.h"
#include "diag.h"
#include "kqlite.h"
#include "strbuf.h"

#define BATCH_DEFAULT 2048

typedef struct kstr {
	const char *p;
	size_t n;
} kstr;

typedef struct vec {
	uint8_t type;     /* kqlite_type; KQLITE_TYPE_NULL: an untyped null (all rows null) */
	bool is_const;
	uint8_t *nulls;   /* NULL or one byte a row, 1 = null */
	union {
		uint8_t *b;
		int64_t *i;
		double *f;
		kstr *s;
		uint8_t (*g)[16];
		void *any;
	} d;
} vec;

/* The state of one running query, shared by its operators and kernels. */
typedef struct xquery {
	arena *qa;            /* lives as long as the query (compiled plan, constants) */
	diag *d;              /* the run-time error, if any (first wins) */
	int64_t now;          /* now() in ticks, read once per query */
	uint32_t batch;       /* rows per batch */
	size_t max_memory;    /* 0: no limit */
	size_t memory;        /* bytes held by materializing operators (approximate) */
	volatile int *interrupt;
} xquery;

/* What a kernel gets: the query, and a scratch arena that is emptied
 * after each batch (outputs of kernels live there). */
typedef struct xctx {
	xquery *q;
	arena *tmp;
} xctx;

/* ---- vector helpers (vec.c) ---------------------------------------------- */

static inline uint32_t vat(const vec *v, uint32_t i) { return v->is_const ? 0 : i; }
static inline bool v_null(const vec *v, uint32_t i)
{
	if (v->type == KQLITE_TYPE_NULL)
		return true;
	if (v->type == KQLITE_TYPE_DYNAMIC)
		return v->d.s[vat(v, i)].n == 0 || (uint8_t)v->d.s[vat(v, i)].p[0] == 0; /* DYN_NULL */
	return v->nulls && v->nulls[vat(v, i)];
}
static inline int64_t v_i64(const vec *v, uint32_t i) { return v->d.i[vat(v, i)]; }
static inline double v_f64(const vec *v, uint32_t i) { return v->d.f[vat(v, i)]; }
static inline bool v_bool(const vec *v, uint32_t i) { return v->d.b[vat(v, i)] != 0; }
static inline kstr v_str(const vec *v, uint32_t i) { return v->d.s[vat(v, i)]; }
static inline const uint8_t *v_guid(const vec *v, uint32_t i) { return v->d.g[vat(v, i)]; }
/* A number of any numeric type (int/long/real/decimal, and bool) as double. */
double v_num(const vec *v, uint32_t i);
/* Row i as an integer (int, long, datetime, timespan, bool; a real
 * truncated; a dynamic long or real) or a real (the same sources); false
 * when null, not a number, or a real out of the long range. */
bool vec_get_i64(const vec *v, uint32_t i, int64_t *out);
bool vec_get_f64(const vec *v, uint32_t i, double *out);
/* f truncated to a long; false for NaN and out of range. */
bool vec_f64_to_i64(double f, int64_t *out);

/* Iterates the active rows: FOR_SEL(i, sel, n) { ... i ... } */
#define FOR_SEL(i, sel, n) \
	for (uint32_t i##_k = 0, i = 0; i##_k < (n) && ((i = (sel) ? (sel)[i##_k] : i##_k), 1); i##_k++)

enum phys { PH_NONE, PH_BOOL, PH_I64, PH_F64, PH_STR, PH_GUID };
int type_phys(uint8_t type);

/* Gives out (whose type is set) a value array of `rows` rows and, if
 * with_nulls, a zeroed null array, in cx->tmp. Returns false when out of
 * memory (the error is set on the query). */
bool vec_alloc(xctx *cx, vec *out, uint32_t rows, bool with_nulls);
/* Adds a zeroed null array to out if it has none. */
bool vec_nulls(xctx *cx, vec *out, uint32_t rows);
/* Copies len bytes into cx->tmp (strings that outlive one kernel). */
char *vec_strdup(xctx *cx, const char *s, size_t len);
/* Sets a string/dynamic result from a strbuf's bytes (copied into tmp). */
bool vec_set_str(xctx *cx, vec *out, uint32_t i, const char *s, size_t len);

/* A constant vector holding one value (in the query arena). */
vec vec_const_null(uint8_t type);
/* A constant string vector (copied into a). */
bool vec_const_str(arena *a, vec *out, const char *s, size_t len);

/* Converts v to `type` (tostring, tolong... rules; a value that does not
 * convert is null) into out. */
bool vec_cast(xctx *cx, const vec *v, uint8_t type, const uint32_t *sel, uint32_t n, uint32_t rows,
              vec *out);

/* Appends row i of v to a column of the same kqlite_type (int narrows). */
int vec_push(column *c, const vec *v, uint32_t i);

/* Sets a run-time error on the query (first wins); returns false. */
bool x_error(xquery *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool x_nomem(xquery *q);

/* ---- scalar functions (fn_*.c) --------------------------------------------- */

typedef struct xcall xcall;

/* Computes out for the active rows. args are evaluated already; constant
 * arguments have is_const set. out->type is the result type the binder
 * computed; the function allocates out with vec_alloc. rows is the batch
 * length (size arrays by it). Returns false after setting an error. */
typedef bool (*xfn)(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                    uint32_t n, uint32_t rows, vec *out);

/* Optional: called once when the query is compiled, with the argument
 * types and any constant argument values (consts[i] NULL when argument i
 * is not constant). May check them (an invalid regex is an error here,
 * with the argument's span) and keep prepared state in call->state
 * (allocate it in q->qa; or set call->cleanup to free other memory). */
typedef bool (*xprep)(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts, uint32_t nargs,
                      diag *d, uint32_t span_off, uint32_t span_len);

struct xcall {
	const struct xfn_def *def;
	uint8_t rtype;      /* result type */
	void *state;        /* from prepare */
	void (*cleanup)(void *state);
};

typedef struct xfn_def {
	const char *name;   /* the canonical name in functions.c */
	xfn fn;
	xprep prepare;      /* may be NULL */
	/* DETERMINISTIC: constant arguments give a constant result, so the
	 * compiler folds the call (all but rand(), new_guid()...). */
	unsigned flags;
} xfn_def;

enum { XF_DETERMINISTIC = 1 };

/* Looks an implementation up by canonical name; NULL if the engine has none. */
const xfn_def *xfn_lookup(const char *name);

/* ---- aggregates (agg*.c) ------------------------------------------------- */

typedef struct xagg xagg;

/* An aggregate keeps state_size bytes per group, zeroed when the group
 * is created (states are contiguous: group g's is base + g * state_size).
 * update: for active row k (the k-th of sel), groups[k] is its group.
 * Values the state keeps beyond the call (strings, dynamic) must be
 * copied: vectors die with the batch.
 * finish: appends group g's result to out[0..nout-1], called once per
 *   group in group order 0, 1, 2... (one column, or
 *   several for arg_max/arg_min/take_any(a, b)/percentiles).
 * destroy: frees what the state owns (NULL if nothing). */
typedef struct xagg_def {
	const char *name;   /* canonical */
	size_t state_size;
	bool (*prepare)(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts, uint32_t nargs,
	                diag *d, uint32_t span_off, uint32_t span_len);
	bool (*update)(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args, uint32_t nargs,
	               const uint32_t *sel, uint32_t n);
	bool (*finish)(xquery *q, xagg *a, char *state, column *out, uint32_t nout);
	void (*destroy)(xagg *a, char *state);
} xagg_def;

struct xagg {
	const xagg_def *def;
	uint8_t rtype[64];  /* result type of each output column (nout of them) */
	uint32_t nout;
	uint32_t nargs;
	uint8_t argtype[64];
	void *state;        /* from prepare (per aggregate, not per group) */
};

const xagg_def *xagg_lookup(const char *name);

#endif
