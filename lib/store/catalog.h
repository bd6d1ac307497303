/* catalog.h -- table schemas and the catalog of a database. The 16
 * Sentinel/Defender tables are compiled in (from the JSON files in data/schemas). */
#ifndef KQ_CATALOG_H
#define KQ_CATALOG_H

#include <stddef.h>

#include "kqlite.h"

typedef struct col_def {
	const char *name;
	kqlite_type type;
} col_def;

typedef struct table_def {
	const char *name;
	const col_def *cols;
	size_t ncols;
} table_def;

/* The built-in schemas, sorted by name (generated: catalog_data.c). */
extern const table_def catalog_builtin[];
extern const size_t catalog_builtin_count;

/* Finds a built-in schema by exact name; NULL if none. */
const table_def *catalog_builtin_find(const char *name);

struct table;

/* A catalog: the built-in tables (empty until loaded) and loaded tables.
 * tables[i] is the schema binding sees; data[i] the rows (NULL: none). */
typedef struct catalog {
	const table_def **tables;
	struct table **data;
	table_def **owned;      /* schemas made for loaded tables, per entry */
	size_t ntables, cap;
} catalog;

/* Puts a loaded table in the catalog, replacing the rows of a table of
 * the same name (the caller merged any rows it wants to keep). Takes t
 * on success. Returns 0 or KQLITE_NOMEM (the catalog is unchanged). */
int catalog_put(catalog *c, struct table *t);

/* Returns 0, or KQLITE_NOMEM. */
int catalog_init(catalog *c);
void catalog_free(catalog *c);
const table_def *catalog_find(const catalog *c, const char *name, size_t *index);
/* The same for a name of len bytes (not NUL-terminated). */
const table_def *catalog_find_n(const catalog *c, const char *name, size_t len, size_t *index);
/* Column index by exact name, or -1. */
long table_column_index(const table_def *t, const char *name);

#endif
