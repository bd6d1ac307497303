/* engine.h -- inside the engine: batches, compiled expressions, operators
 * and the planner that turns a bound syntax tree into them.
 *
 * Execution is push-based, as in DuckDB's pipelines: a source (a table
 * scan, range, a union of sources...) produces batches and pushes each
 * through a chain of operators to a sink; streaming operators (where,
 * extend, project...) transform a batch and push it on; materializing
 * ones (summarize, sort, top, distinct) keep what they need and push their
 * result when their input finishes. Whoever creates a batch releases the
 * scratch memory of its kernels once the push returns. */
#ifndef KQ_ENGINE_H
#define KQ_ENGINE_H

#include "ast.h"
#include "bind_int.h"
#include "catalog.h"
#include "exec.h"
#include "table.h"

/* ---- batches ----------------------------------------------------------- */

/* A column of a batch: a vector, or rows of a stored column not yet read
 * into one (read on first use by batch_col). */
typedef struct bcolref {
	vec v;
	const column *src;   /* the stored column, if the vector comes from one */
	size_t start;        /* its first row */
	bool ready;          /* v holds the rows (always, when src is NULL) */
} bcolref;


typedef struct xbatch {
	uint32_t rows;        /* length of every vector */
	const uint32_t *sel;  /* active rows; NULL: all of 0..rows-1 */
	uint32_t n;           /* number of active rows */
	uint32_t ncols;
	bcolref *cols;
} xbatch;

/* The stored dictionary column behind batch column j, or NULL: kernels
 * that can work on codes (a comparison with a constant, a group key)
 * read codes from row `*start` on instead of the values. */
static inline const column *batch_dict(const xbatch *b, uint32_t j, size_t *start)
{
	const bcolref *r = &b->cols[j];
	if (!r->src || !r->src->dict_width)
		return NULL;
	*start = r->start;
	return r->src;
}

/* Column j as a vector (reads a stored column's rows into tmp once). */
const vec *batch_col(xctx *cx, xbatch *b, uint32_t j);
/* Points ref at rows [start, start+rows) of a stored column. */
void colref_init(bcolref *ref, const column *c, size_t start);

/* ---- expressions --------------------------------------------------------- */

typedef struct xnode xnode;
typedef bool (*xeval)(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out);

struct xnode {
	xeval eval;
	uint8_t type;         /* result type */
	uint16_t op;          /* lex_op for operators */
	uint32_t col;         /* column index (X column refs) */
	vec cval;             /* constants */
	xnode **kids;
	uint32_t nkids;
	xcall call;           /* scalar functions */
	void *aux;            /* kernel data: compiled regex, needle tables, IN sets */
	const ast *src;       /* for run-time error spans */
	/* A predicate's result for each entry of the dictionary column it last
	 * read (one byte an entry), so rows cost a table lookup. */
	const column *dict_col;
	uint8_t *dict_match;
};

/* The rows' dictionary entries as a 0/1 result (out[i] for the active
 * rows), through x's per-entry table for column c -- computed on first use
 * by calling entry(x, value) once per entry. */
typedef bool (*xentry)(const xnode *x, kstr value);
bool dict_eval(xctx *cx, xnode *x, const column *c, size_t start, xentry entry, bool negate,
               const uint32_t *sel, uint32_t n, uint8_t *out);

bool xnode_is_const(const xnode *x);
bool xnode_is_col(const xnode *x);

/* ---- operators --------------------------------------------------------- */

typedef struct xop xop;
struct xop {
	bool (*push)(xop *op, xctx *cx, xbatch *b);
	bool (*finish)(xop *op, xctx *cx);
	void (*destroy)(xop *op);
	xop *next;
};

/* Pushes b into op, then releases the scratch memory b's kernels used. */
bool xop_push(xop *op, xctx *cx, xbatch *b);

/* A compiled tabular expression: its columns, and how to run it (push all
 * of its rows into sink, then finish sink). Runs once. */
typedef struct xtab xtab;
struct xtab {
	uint32_t ncols;
	const char **names;   /* NUL-terminated, in the query arena */
	uint8_t *types;
	bool (*run)(xtab *t, xctx *cx, xop *sink);
	void *impl;
	const bschema *bs;    /* the binder's view of the same columns */
	/* render metadata of the result (NULL when none) */
	const ast *render;
};

/* Pushes the rows of stored columns (a table, a materialized result) as
 * batches into sink and finishes it. */
bool run_columns(xctx *cx, column *const *cols, uint32_t ncols, size_t nrows, xop *sink);

/* A sink that collects rows into a table (owned by the caller). */
xop *sink_table(xquery *q, table *t);

/* A materializing operator: collects its input into a table (columns
 * ncols/names/types, owned by the operator), and when the input finishes
 * calls done(state, cx, in, next), which must push the output rows into
 * next and finish it (run_table does both). */
typedef bool (*xcollect_done)(void *state, xctx *cx, table *in, xop *next);
xop *op_collect(xquery *q, uint32_t ncols, const char *const *names, const uint8_t *types,
                xcollect_done done, void *state);
/* An empty table with these columns (NULL when out of memory). */
table *table_shaped(uint32_t ncols, const char *const *names, const uint8_t *types);
/* Runs t into a new table (the caller frees it); NULL with the error set. */
table *xtab_collect(xctx *cx, xtab *t);
/* Row r's cells in columns cols[0..n) (NULL: 0..n-1) as bytes that are
 * equal exactly when the cells are (rowkey.c). */
void row_key(const table *t, const uint32_t *cols, uint32_t n, size_t r, strbuf *sb);
/* An index of rows of t by their cells in cols[0..ncols) (NULL: the first
 * ncols columns): entries 0, 1, 2... in the order rows are added. */
typedef struct rowmap {
	const table *t;
	const uint32_t *cols;
	uint32_t ncols;
	size_t cap, n;
	uint32_t *slot;     /* entry + 1; 0: empty */
	uint64_t *hash;     /* per entry: XXH3 of its key bytes */
	uint32_t *row;      /* per entry: its row of t */
} rowmap;
/* Room for `expect` entries; false when out of memory (rowmap_free it). */
bool rowmap_init(rowmap *m, const table *t, const uint32_t *cols, uint32_t ncols, size_t expect);
void rowmap_free(rowmap *m);
/* The entry whose key bytes (row_key) are key, hashed h = XXH3(key), or -1;
 * tmp is scratch. */
long rowmap_find(const rowmap *m, const char *key, size_t len, uint64_t h, strbuf *tmp);
/* Adds row r (key hash h) as the next entry, which it returns. */
long rowmap_add(rowmap *m, uint32_t r, uint64_t h);
/* Groups t's rows by those cells: group[r] for each row, first[g] the
 * first row of group g, in order of appearance. Returns the number of
 * groups, or -1 when out of memory. */
long group_rows(const table *t, const uint32_t *cols, uint32_t n, uint32_t *group, uint32_t *first);
/* Pushes t's rows as batches into next and finishes it. */
bool run_table(xctx *cx, const table *t, xop *next);

typedef struct xscope {
	uint32_t ncols;
	const char **names;
	const uint8_t *types;
} xscope;

/* ---- the planner ---------------------------------------------------------- */

/* Planner state: the binder (for each operator's output schema and types),
 * the values of let-bound names, and the query. */
typedef struct pval pval;
typedef struct planner {
	binder b;
	xquery *q;
	const catalog *cat;
	pval *scope;
	xop **ops;            /* every operator made, destroyed at the end */
	size_t nops, capops;
	xcall **calls;        /* calls with cleanup */
	size_t ncalls, capcalls;
	table **tables;       /* tables the plan made (datatable, subqueries) */
	size_t ntables, captables;
	table **kept;         /* materialize()d lets: kept past plan_release */
	size_t nkept, capkept;
	arena *tmp;           /* the query's scratch arena */
	/* While compiling the expressions around summarize's aggregates: the
	 * aggregate calls, read as columns agg_first + i. */
	const ast **agg_calls;
	uint32_t nagg_calls, agg_first;
	int depth;
	bool window_ok;       /* compiling an operator that runs over one whole batch */
	/* Planning only (prepare's check of what can run): what the plan would
	 * run while planning (as, materialize, evaluate, toscalar) gives empty
	 * tables instead. */
	bool dry;
} planner;

/* Compiles the query's final tabular statement (after its lets). */
xtab *plan_query(planner *p, const ast *root);
void planner_free(planner *p);
bool plan_statement(planner *p, const ast *st);
/* Compiles summarize (its keys, aggregates and any expression around
 * them) onto the pipe t. */
bool summarize_into(planner *p, xtab *t, const ast *op, const xscope *in, const bschema *out);
/* Appends op to the pipe t, whose output becomes bs. */
bool plan_chain(planner *p, xtab *t, xop *op, const bschema *bs);

/* Compiles a scalar expression against the columns (names, types) of its
 * input; cols may be NULL for a row-less expression. */
xnode *compile_expr(planner *p, const ast *n, const xscope *cols);
/* x as a value of `type` (the type the binder gave its column): a
 * conversion when the kernels produce another (TYPE_ANY is dynamic). */
xnode *cast_expr(planner *p, xnode *x, uint8_t type);
/* Evaluates a row-less constant expression to one value (query arena). */
bool eval_const(planner *p, xnode *x, vec *out);

/* Filters: writes the active rows of sel for which x is true into out
 * (room for n); returns how many, or -1 on error. */
long eval_filter(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, uint32_t *out);

/* The value of an operator's parameter (kind=..., hint.x=...), or NULL. */
const ast *plan_param(const ast *params, const char *name);
/* A syntax node the planner makes (operators that run as others: make-series
 * as a summarize, search as a union...), spanning `at` for errors. */
ast *plan_ast(planner *p, const ast *at, int kind, const char *text, uint32_t nkids);
/* The column names (NUL-terminated) and types of a bound schema (TYPE_ANY
 * is dynamic), in the query arena. */
bool plan_shape(planner *p, const bschema *bs, const char ***names, uint8_t **types);
/* Runs t now, while planning (as, materialize, evaluate), into a new table
 * (the caller owns it); empty for a dry plan. NULL with the error set. */
table *plan_collect(planner *p, xtab *t);
/* Compiles a tabular expression (a table, a subquery, a let name...). */
xtab *plan_tab(planner *p, const ast *n);
/* Hands a table the plan made to the planner (freed with it). */
bool plan_own_table(planner *p, table *t);
/* A pipe over a table the plan computed (owned by the planner), whose
 * columns are its schema. */
xtab *plan_table_source(planner *p, table *data);
/* A pipe over a table the caller keeps (its columns are the schema; rows
 * count as serialized). */
xtab *plan_rows_source(planner *p, const table *data);
/* Destroys the operators, calls and tables made since the counts were
 * nops, ncalls, ntables (a plan compiled and run again and again). */
void plan_release(planner *p, size_t nops, size_t ncalls, size_t ntables);
/* Runs operators (syntax nodes: where, project...) over src. */
xtab *plan_pipe(planner *p, xtab *src, const ast *const *ops, uint32_t nops);
/* Runs a tabular expression (used by toscalar, in (subquery)) into a table. */
table *plan_run_table(planner *p, const ast *n);

bool plan_register_op(planner *p, xop *op);
bool plan_register_call(planner *p, xcall *c);
/* Sets the error at n's span. */
bool plan_error(planner *p, const ast *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* expression pieces (expr.c, kernels.c, strops.c) */
/* A call of the engine function `name` (fn_registry) on compiled args. */
xnode *plan_call(planner *p, const ast *n, const char *name, xnode **args, uint32_t nargs, uint8_t rtype);
xnode *const_node(planner *p, const ast *src, const vec *v);
xnode *col_node(planner *p, const ast *src, uint32_t col, uint8_t type);
xeval pick_arith(uint8_t lt, uint8_t rt, uint8_t out);
xeval pick_neg(void);
xeval pick_compare(uint8_t lt, uint8_t rt);
xeval pick_logic(void);
xeval pick_between(void);
bool compile_strop(planner *p, xnode *x);
bool compile_regex(planner *p, xnode *x);
bool compile_in(planner *p, xnode *x, vec *items, uint32_t nitems, uint8_t ltype);

/* names the planner resolves for expressions (plan.c) */
bool plan_is_tabular(planner *p, const ast *n);
bool plan_is_user_function(planner *p, const ast *call);
xnode *plan_user_scalar(planner *p, const ast *call, const xscope *sc);
/* A let-bound scalar or a function parameter; NULL (no error) if none. */
xnode *plan_lookup_scalar(planner *p, const ast *n, const xscope *sc);

/* operators (ops.c, ops_agg.c, ops_sort.c) */
xop *op_where(planner *p, xnode *pred);
xop *op_project(planner *p, xnode **exprs, uint32_t n);  /* output columns = exprs */
xop *op_take(planner *p, int64_t limit);
xop *op_count(planner *p);
xop *op_sort(planner *p, const ast *op, const xscope *in, uint32_t first_key, int64_t limit);
xop *op_distinct(planner *p, uint32_t ncols, const uint8_t *types);
/* Output column j is input column map[j], or nulls of types[j] (-1), or
 * the constant set by op_adapt_source (-2). */
xop *op_adapt(planner *p, const int32_t *map, const uint8_t *types, uint32_t ncols);
bool op_adapt_source(planner *p, xop *op, const char *name, uint32_t len);

/* Operators in files of their own (ops_parse.c, ops_mv.c, ops_join.c).
 * Each binds op against the pipe t (bind_operator), compiles what it needs
 * and appends itself with plan_chain; false with the error set. */
bool plan_parse(planner *p, xtab *t, const ast *op);      /* parse, parse-where */
bool plan_mv_expand(planner *p, xtab *t, const ast *op);  /* mv-expand */
bool plan_join(planner *p, xtab *t, const ast *op);       /* join, lookup */
bool plan_make_series(planner *p, xtab *t, const ast *op); /* ops_series.c */
xtab *plan_search(planner *p, const ast *n);                /* search, find (ops_search.c) */
xtab *plan_search_piped(planner *p, xtab *t, const ast *op); /* T | search */
xtab *plan_evaluate(planner *p, xtab *t, const ast *op);    /* evaluate (ops_evaluate.c) */
bool plan_mv_apply(planner *p, xtab *t, const ast *op);     /* mv-apply (ops_subquery.c) */
bool plan_partition(planner *p, xtab *t, const ast *op);    /* partition (ops_subquery.c) */
bool plan_sample(planner *p, xtab *t, const ast *op);       /* sample, sample-distinct */
xtab *plan_externaldata(planner *p, const ast *n);          /* ops_external.c */
bool plan_top_nested(planner *p, xtab *t, const ast *op);   /* ops_topnested.c */

#endif
