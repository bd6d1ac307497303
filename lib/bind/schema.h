/* schema.h -- the columns of a tabular value as the binder knows them:
 * names, types, and whether more columns may appear when the query runs
 * (an open schema, after evaluate bag_unpack or pivot). Schemas live in
 * the binder's arena and are never changed once another node uses them. */
#ifndef KQ_SCHEMA_H
#define KQ_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct bcol {
	const char *name; /* not NUL-terminated */
	uint32_t len;
	uint8_t type;     /* kqlite_type or TYPE_ANY */
} bcol;

typedef struct bschema {
	bcol *cols;
	uint32_t n, cap;
	bool open;        /* columns not listed may exist at run time */
	bool serialized;  /* rows have an order (prev(), row_number() allowed) */
} bschema;

bschema *sch_new(arena *a);
bschema *sch_copy(arena *a, const bschema *s);
/* Index of the column, or -1. */
long sch_find(const bschema *s, const char *name, size_t len);
/* Appends a column (no check for duplicates); false when out of memory. */
bool sch_append(arena *a, bschema *s, const char *name, size_t len, uint8_t type);
/* Sets the column's type if it exists, else appends it (extend's rule). */
bool sch_set(arena *a, bschema *s, const char *name, size_t len, uint8_t type);
/* Appends under a name made unique with a numeric suffix (x, x1, x2...);
 * the name actually used is returned through *used (arena copy). */
bool sch_append_unique(arena *a, bschema *s, const char *name, size_t len, uint8_t type,
                       const char **used, uint32_t *used_len);
void sch_remove(bschema *s, uint32_t i);

/* The closest column name to `name` for "did you mean" (NULL if none). */
const bcol *sch_closest(const bschema *s, const char *name, size_t len);

#endif
