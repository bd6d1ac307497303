/* column.h -- a typed column: a value array, a validity bitmap that is
 * absent while the column has no nulls, and for strings and dynamic values
 * 64-bit offsets into one byte heap. The engine reads these arrays
 * directly; loaders append through the col_push_* functions. */
#ifndef KQ_COLUMN_H
#define KQ_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kqlite.h"

typedef struct column {
	char *name;          /* malloc'd, NUL-terminated */
	kqlite_type type;
	size_t n, cap;       /* rows, and rows allocated */
	size_t nulls;
	uint64_t *valid;     /* bit i set: row i has a value. NULL: no nulls yet */
	union {
		uint8_t *b;      /* bool: 0 or 1 */
		int32_t *i32;    /* int */
		int64_t *i64;    /* long, datetime and timespan (ticks) */
		double *f64;     /* real and decimal */
		uint8_t *guid;   /* 16 bytes a row */
		uint64_t *off;   /* string, dynamic: n + 1 offsets into heap */
		void *any;
	} v;
	char *heap;          /* string bytes (UTF-8), or dynamic values (dyn.h) */
	size_t heap_len, heap_cap;
	size_t failed;       /* values that did not convert when loaded (now null) */
	/* Dictionary form of a finished string column (col_finish): row i's
	 * value is entry codes[i] (dict_width bytes each), and v.off holds the
	 * ndict + 1 offsets of the distinct values in heap. 0: plain form. */
	uint8_t dict_width;
	void *codes;
	size_t ndict;
	struct coldict *building; /* col_dict_start: the entries' hash table while appending */
} column;

/* Returns 0 or KQLITE_NOMEM. The name is copied. */
int col_init(column *c, const char *name, size_t len, kqlite_type type);
void col_free(column *c);

/* Appending: each returns 0 or KQLITE_NOMEM (the column is unchanged then).
 * A null string is stored as "" with its validity bit clear. */
int col_push_null(column *c);
int col_push_bool(column *c, bool v);
int col_push_int(column *c, int32_t v);
int col_push_long(column *c, int64_t v);  /* also datetime and timespan ticks */
int col_push_real(column *c, double v);
int col_push_guid(column *c, const uint8_t v[16]);
int col_push_bytes(column *c, const char *s, size_t len); /* string text or dynamic encoding */

/* Appends row i of src (of the same type) to c. */
int col_push_from(column *c, const column *src, size_t i);

/* Drops rows from n on (to undo a partly appended row). */
void col_truncate(column *c, size_t n);

static inline bool col_is_null(const column *c, size_t i)
{
	return c->valid && !(c->valid[i >> 6] >> (i & 63) & 1);
}

/* The dictionary entry of row i (dictionary columns only). */
static inline size_t col_code(const column *c, size_t i)
{
	return c->dict_width == 1 ? ((const uint8_t *)c->codes)[i] : ((const uint16_t *)c->codes)[i];
}

/* The bytes of row i of a string or dynamic column. */
static inline const char *col_bytes(const column *c, size_t i, size_t *len)
{
	if (c->dict_width)
		i = col_code(c, i);
	*len = (size_t)(c->v.off[i + 1] - c->v.off[i]);
	return c->heap ? c->heap + c->v.off[i] : ""; /* no heap yet: only empty values */
}

/* Makes an empty string column build its dictionary while rows are
 * appended (2-byte codes; it falls back to the plain form past 65,536
 * distinct values), so a loaded column never holds every row's bytes at
 * once. Returns 0 or KQLITE_NOMEM (the column stays plain). */
int col_dict_start(column *c);

/* Ends appending: trims the arrays to the rows held, and stores a string
 * column with few distinct values (at most 65536, and when it saves
 * memory) as a dictionary. Appending later is still allowed (the column
 * goes back to the plain form first). Returns 0 or KQLITE_NOMEM (the
 * column is then unchanged and still valid). */
int col_finish(column *c);

/* Bytes the column holds (values, validity, heap), for reports and limits. */
size_t col_memory(const column *c);

#endif
