/* bind_int.h -- what the binder's files share: the binder state, scopes
 * of let-bound names, and the entry points of each part (statements and
 * values in bind.c, scalar expressions in bind_expr.c, tabular operators
 * in bind_ops.c). */
#ifndef KQ_BIND_INT_H
#define KQ_BIND_INT_H

#include <stdbool.h>

#include "bind.h"
#include "functions.h"
#include "kqlite.h"

#define TYPE_ERR 0xFF /* binding failed: the error is on the binder */

enum sym_kind { SYM_SCALAR, SYM_TABLE, SYM_FUNC };

typedef struct sym sym;
struct sym {
	const char *name;
	uint32_t len;
	uint8_t kind;
	uint8_t type;           /* SYM_SCALAR */
	const bschema *schema;  /* SYM_TABLE */
	const ast *lambda;      /* SYM_FUNC: A_LAMBDA */
	sym *defined_in;        /* SYM_FUNC: the scope its body sees */
	sym *next;              /* older names */
};

/* What an expression's columns are resolved against. */
typedef struct rowscope {
	const bschema *cols;
	const bschema *left, *right; /* $left and $right, in join's on-clause */
	bool aggregates;             /* summarize: aggregate calls allowed */
	bool in_aggregate;           /* inside an aggregate's arguments */
	bool search_terms;           /* search: a string operand of and/or/not is a term */
	int *naggs;                  /* counts aggregate calls (summarize's check) */
} rowscope;

/* A bound value: a table (schema) or a scalar (type). */
typedef struct bval {
	bool table;
	uint8_t type;
	const bschema *schema;
} bval;

typedef struct binder {
	arena *a;
	diag *d;
	const catalog *cat;
	sym *scope;
	int call_depth;
	bool fuzzy;                /* inside union isfuzzy=true: missing tables are skipped */
	bool missing;              /* set when a fuzzy leg was skipped */
	uint32_t agg_keys;         /* summarize: its group keys, which arg_max(x, *) leaves out */
	const ast *unsupported;
	const char *unsupported_what;
} binder;

/* errors: set the diagnostic at n's span; return TYPE_ERR / NULL */
uint8_t bind_error(binder *b, const ast *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool bind_failed(const binder *b);
void bind_nomem(binder *b);

/* bind.c */
bval bind_value(binder *b, const ast *n, rowscope *rs);
const bschema *bind_table(binder *b, const ast *n);
const sym *bind_lookup(const binder *b, const char *name, size_t len);
bval bind_user_call(binder *b, const sym *f, const ast *call, const bschema *piped,
                    rowscope *rs);
bool bind_statement(binder *b, const ast *st);
/* Types a literal node. */
uint8_t bind_literal_type(const ast *n);

/* bind_expr.c */
uint8_t bind_scalar(binder *b, const ast *n, rowscope *rs);
bool type_is_numeric(uint8_t t);
/* Generated name of an unnamed expression: a column keeps its name, a
 * path a.b.c becomes a_b_c; NULL when it needs a ColumnN name. */
const char *bind_expr_name(binder *b, const ast *n, uint32_t *len);

/* a followed by c, in the binder's arena (NULL when out of memory). */
const char *bind_concat(binder *b, const char *a, size_t alen, const char *c, size_t clen, uint32_t *len);
/* The generated name of an aggregate: prefix_Arg (count_, sum_X...). */
const char *bind_agg_name(binder *b, const fn_def *f, const ast *call, uint32_t *len);

/* bind_ops.c */
/* Whether a name matches a NAMEPAT (Device*, *Events, *Info*). */
bool bind_pattern_matches(const ast *pat, const char *name, size_t len);
const bschema *bind_operator(binder *b, const ast *op, const bschema *in);
const bschema *bind_source(binder *b, const ast *n);
const bschema *bind_union(binder *b, const ast *n, const bschema *piped);

#endif
