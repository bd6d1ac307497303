/* builder.h -- how a reader hands rows to storage. A reader reports each
 * row as a sequence of (column, value) pairs in the value's source form
 * (a JSON number's text, a string's unescaped bytes, an object's JSON
 * text); the builder converts each value to its column's type — the
 * built-in schema's type for a known table, or a type inferred from all
 * of the column's values — and counts the values that do not convert
 * (they become null). Nothing reaches the catalog until tb_finish. */
#ifndef KQ_BUILDER_H
#define KQ_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "diag.h"
#include "table.h"

/* The source form of a value. */
typedef enum vkind {
	V_NULL,    /* JSON null, an empty CSV field */
	V_FALSE,
	V_TRUE,
	V_NUMBER,  /* the number's text as written: -12, 3.5e2 */
	V_STRING,  /* the string's bytes, escapes already decoded (UTF-8) */
	V_JSON,    /* an object or array: its JSON text, as written */
	V_TEXT,    /* untyped text (a CSV field): read by the column's type */
} vkind;

typedef struct tbuilder tbuilder;

/* A builder for table `name`. schema is the built-in schema when the
 * table is known (its columns come first, in its order), else NULL.
 * Returns NULL when out of memory. */
tbuilder *tb_new(const char *name, size_t len, const table_def *schema);
void tb_free(tbuilder *b);

/* The index of a column by name, adding it (with an inferred type) when
 * new. Returns -1 when out of memory. Readers should cache indexes: the
 * same key in the same place in the next row usually means the same
 * column. A name that cannot be a column (empty, or with a NUL) is
 * renamed ColumnN with a warning. */
int tb_column(tbuilder *b, const char *name, size_t len);

/* The type a column will have: the schema's, or (for inferred columns)
 * KQLITE_TYPE_UNKNOWN until tb_finish. An api-json or Defender reader that
 * knows the column types from the file sets them with tb_set_type. */
kqlite_type tb_column_type(const tbuilder *b, int col);
void tb_set_type(tbuilder *b, int col, kqlite_type type);

/* Rows: values between tb_row_begin and tb_row_end; a column given twice
 * keeps the last value (as a duplicated JSON key does); columns not given
 * are null. Each returns 0 or KQLITE_NOMEM. */
int tb_row_begin(tbuilder *b);
int tb_value(tbuilder *b, int col, vkind kind, const char *s, size_t len);
int tb_row_end(tbuilder *b);

size_t tb_rows(const tbuilder *b);

/* Converts inferred columns, and for known tables fills TimeGenerated from
 * Timestamp (or the reverse) and an absent Type with the table's name.
 * Returns 0 or KQLITE_NOMEM. The reports are final after it. */
int tb_finish(tbuilder *b);

/* Hands the finished table over (NULL before tb_finish); tb_free after. */
table *tb_take(tbuilder *b);

/* The per-column report, valid until tb_free. */
typedef struct tb_column_report {
	const char *name;
	kqlite_type type;
	size_t failed;        /* values that did not convert and became null */
	size_t first_failed;  /* row of the first of them */
	bool inferred;        /* not in the built-in schema */
	bool renamed;         /* the source name could not be a column */
	bool filled;          /* TimeGenerated/Timestamp/Type filled in by the loader */
} tb_column_report;

size_t tb_column_count(const tbuilder *b);
void tb_report(const tbuilder *b, int col, tb_column_report *out);

#endif
