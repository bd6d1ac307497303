/* table.h -- a table: a name, columns of equal length, and the row count.
 * Tables in a catalog are read-only; loaders build one aside and swap it
 * in whole, so a failed load leaves the catalog as it was. */
#ifndef KQ_TABLE_H
#define KQ_TABLE_H

#include "column.h"

typedef struct table {
	char *name;
	column *cols;
	size_t ncols, cap;
	size_t nrows;
} table;

/* Returns a new empty table, or NULL when out of memory. */
table *table_new(const char *name, size_t len);
void table_free(table *t);
/* Adds a column (its values are appended separately); returns its index,
 * or -1 when out of memory. */
long table_add_column(table *t, const char *name, size_t len, kqlite_type type);
long table_find_column(const table *t, const char *name, size_t len);
size_t table_memory(const table *t);
/* A new empty table with t's columns (names and types), named like t. */
table *table_like(const table *t);
/* Appends row r of src, whose columns match dst's by position and type.
 * Returns 0 or KQLITE_NOMEM (dst may then hold part of the row in some
 * columns: callers drop dst). */
int table_push_row(table *dst, const table *src, size_t r);

/* A new table with a's rows then b's, under a's name: columns matched by
 * name (b's new ones appended, null where a table lacks a column). On a
 * column whose types differ returns NULL and sets *clash to its name
 * (in b); NULL with *clash NULL when out of memory. */
table *table_concat(const table *a, const table *b, const char **clash);

#endif
