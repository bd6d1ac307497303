/* ast.h -- the KQL syntax tree. One node shape for everything: a kind, an
 * operator or flag field, a span, an optional text and an array of kids.
 * The per-kind layout of kids is listed below; a NULL kid is an absent
 * optional part. All nodes live in one arena owned by the tree. */
#ifndef KQ_AST_H
#define KQ_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "lex.h"

/* X(name, printed-name-for-dumps). Layout of kids after each. */
#define AST_KINDS(X)                                                          \
	/* statements */                                                      \
	X(QUERY, "query")         /* statements...                       */   \
	X(BODY, "body")           /* statements... ({ } of a function)   */   \
	X(LET, "let")             /* text=name; [value or LAMBDA]        */   \
	X(LAMBDA, "lambda")       /* [PARAMS, BODY]; op=1 for view       */   \
	X(PARAMS, "params")       /* PARAM...                            */   \
	X(PARAM, "param")         /* text=name; [TYPE or SCHEMA, default?] */ \
	X(SET, "set")             /* text=name; [value?]                 */   \
	X(DECLARE, "declare")     /* [PARAMS]                            */   \
	X(TYPE, "type")           /* text=type name; op=kqlite_type      */   \
	X(SCHEMA, "schema")       /* COLDECL...; op=1 if it ends in '*'  */   \
	X(COLDECL, "coldecl")     /* text=name; [TYPE]                   */   \
	/* tabular */                                                         \
	X(PIPE, "pipe")           /* [source, operator...]               */   \
	X(SUBPIPE, "subpipe")     /* [operator...] (no source)           */   \
	X(WHERE, "where")         /* [predicate]                         */   \
	X(EXTEND, "extend")       /* assignments...                      */   \
	X(PROJECT, "project")     /* assignments...                      */   \
	X(PROJECT_AWAY, "project-away")       /* NAMEPAT...              */   \
	X(PROJECT_KEEP, "project-keep")       /* NAMEPAT...              */   \
	X(PROJECT_RENAME, "project-rename")   /* ASSIGN...               */   \
	X(PROJECT_REORDER, "project-reorder") /* NAMEPAT...              */   \
	X(SUMMARIZE, "summarize") /* [LIST params, LIST aggs, LIST by?]  */   \
	X(SORT, "sort")           /* SORTKEY...                          */   \
	X(TOP, "top")             /* [count, SORTKEY...]                 */   \
	X(TAKE, "take")           /* [count]                             */   \
	X(DISTINCT, "distinct")   /* assignments... or STAR              */   \
	X(COUNT, "count")         /*                                     */   \
	X(RENDER, "render")       /* text=chart; PROP...                 */   \
	X(MV_EXPAND, "mv-expand") /* [LIST params, LIST MVITEM, limit?]  */   \
	X(MV_APPLY, "mv-apply")   /* [LIST params, LIST MVITEM, limit?, SUBPIPE] */ \
	X(PARSE, "parse")         /* [LIST params, expr, pattern items...]; op=1 parse-where */ \
	X(MAKE_SERIES, "make-series") /* [LIST params, LIST MSAGG, axis, from?, to?, step, LIST by?] */ \
	X(EVALUATE, "evaluate")   /* [LIST params, CALL]                 */   \
	X(INVOKE, "invoke")       /* [CALL]                              */   \
	X(AS, "as")               /* text=name; [LIST params]            */   \
	X(SERIALIZE, "serialize") /* assignments...                      */   \
	X(SAMPLE, "sample")       /* [count]                             */   \
	X(SAMPLE_DISTINCT, "sample-distinct") /* [count, expr]           */   \
	X(SEARCH, "search")       /* [LIST params, LIST tables?, predicate] */ \
	X(FIND, "find")           /* [LIST params, LIST tables?, predicate, LIST project?]; op=1 project-smart */ \
	X(GETSCHEMA, "getschema") /*                                     */   \
	X(UNION, "union")         /* [LIST params, leg...]               */   \
	X(JOIN, "join")           /* [LIST params, right, LIST on]       */   \
	X(LOOKUP, "lookup")       /* [LIST params, right, LIST on]       */   \
	X(TOP_NESTED, "top-nested") /* TNCLAUSE...                       */   \
	X(PARTITION, "partition") /* [LIST params, by, SUBPIPE or PIPE]  */   \
	X(RANGE, "range")         /* text=column; [from, to, step]       */   \
	X(DATATABLE, "datatable") /* [SCHEMA, LIST values]               */   \
	X(EXTERNALDATA, "externaldata") /* [SCHEMA, LIST urls, LIST PROP props?] */ \
	X(PRINT, "print")         /* assignments...                      */   \
	/* parts of operators */                                              \
	X(LIST, "list")           /* items...                            */   \
	X(OPPARAM, "opparam")     /* text=name; [value] (kind=inner)     */   \
	X(ASSIGN, "assign")       /* text=name; [expr]                   */   \
	X(TUPLE_ASSIGN, "tuple-assign") /* [LIST NAME..., expr]          */   \
	X(NAMEPAT, "namepat")     /* text=name part; op: 1 leading '*', 2 trailing '*', 4 asc, 8 desc */ \
	X(SORTKEY, "sortkey")     /* [expr]; op: SORT_* flags            */   \
	X(PROP, "prop")           /* text=name; [value...] (render/with) */   \
	X(MVITEM, "mvitem")       /* [assignment, TYPE?]                 */   \
	X(MSAGG, "msagg")         /* [assignment, default?]              */   \
	X(PCAPTURE, "capture")    /* text=name; [TYPE?] (parse pattern)  */   \
	X(TNCLAUSE, "tnclause")   /* [count?, of, others?, by]; op: SORT_* */ \
	/* expressions */                                                     \
	X(NAME, "name")           /* text=name                           */   \
	X(LITERAL, "lit")         /* text; op=kqlite_type; flags LIT_*   */   \
	X(BINARY, "binary")       /* [lhs, rhs]; op=lex_op               */   \
	X(UNARY, "unary")         /* [operand]; op=OP_NEG/OP_POS         */   \
	X(IN, "in")               /* [lhs, item...]; op=lex_op           */   \
	X(BETWEEN, "between")     /* [lhs, lo, hi]; op=lex_op            */   \
	X(CALL, "call")           /* text=function; args...              */   \
	X(METHOD, "method")       /* text=name; [target, args...]        */   \
	X(NAMEDARG, "namedarg")   /* text=name; [value]                  */   \
	X(MEMBER, "member")       /* text=name; [target]                 */   \
	X(INDEX, "index")         /* [target, index]                     */   \
	X(PAREN, "paren")         /* [inner]                             */   \
	X(STAR, "star")           /*                                     */

enum ast_kind {
#define X(k, s) A_##k,
	AST_KINDS(X)
#undef X
	A_COUNT_
};

/* SORTKEY / TNCLAUSE flags */
enum { SORT_ASC = 1, SORT_DESC = 2, SORT_NULLS_FIRST = 4, SORT_NULLS_LAST = 8 };

/* LITERAL flags */
enum {
	LIT_NULL = 1,       /* a typed null: long(null) */
	LIT_OBFUSCATED = 2, /* h"..." */
	LIT_TYPED = 4,      /* written as type(...): datetime(...), long(5) */
};

typedef struct ast ast;
struct ast {
	uint8_t kind;
	uint8_t flags;
	uint16_t op;
	uint32_t off, len; /* span in the query text */
	uint32_t nkids, cap;
	uint32_t tlen;
	uint32_t depth;    /* height of the subtree, for the nesting limit */
	/* Binder annotation on expressions: the type the binder last gave the
	 * node (the planner binds each operator just before compiling it). */
	uint8_t btype;
	const char *text;  /* not NUL-terminated: use tlen */
	ast **kids;
};

/* The deepest tree the parser builds; deeper input is a KQLITE_LIMIT error
 * (printers and binders recurse over the tree). */
#define AST_MAX_DEPTH 1500

const char *ast_kind_name(int kind);

/* Structural equality ignoring spans (the round-trip test's notion). */
bool ast_equal(const ast *a, const ast *b);

/* Text equality helper. */
bool ast_text_is(const ast *n, const char *s);

#endif
