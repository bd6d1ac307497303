/* bind.h -- names and types: resolves a parsed query against the catalog
 * and computes the output schema of its final tabular expression. The
 * stage's one interface for the stages after it. */
#ifndef KQ_BIND_H
#define KQ_BIND_H

#include "arena.h"
#include "ast.h"
#include "catalog.h"
#include "diag.h"
#include "schema.h"

typedef struct bind_result {
	const bschema *schema; /* the query's result columns */
	/* The first construct the engine cannot run yet, for "not supported
	 * yet: ..." (NULL when none is known). */
	const ast *unsupported;
	const char *unsupported_what;
} bind_result;

/* Binds root (A_QUERY) against cat; schemas and notes go into a. Returns
 * 0, or a kqlite_code with d set (message and span). */
int bind_query(const ast *root, const catalog *cat, arena *a, diag *d, bind_result *out);

#endif
