/* parse.h -- query text to syntax tree, and the tree back to text.
 * The stage's one interface for the stages after it. */
#ifndef KQ_PARSE_H
#define KQ_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"
#include "strbuf.h"

typedef struct parse_tree {
	arena a;          /* owns every node and the copy of the text */
	const char *text; /* NUL-terminated copy of the query */
	size_t len;
	ast *root;        /* A_QUERY */
} parse_tree;

/* Parses text into *t (which the caller later frees with parse_tree_free,
 * also after an error). Returns 0, or a kqlite_code with d set. */
int parse_query(parse_tree *t, const char *text, size_t len, diag *d);
void parse_tree_free(parse_tree *t);

/* Tree to normalised KQL, appended to b. */
void print_kql(strbuf *b, const ast *n);
/* Tree as an S-expression, appended to b. */
void print_dump(strbuf *b, const ast *n);

#endif
