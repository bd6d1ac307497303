/* db.h -- the database handle, shared by the files that implement the
 * public API (api.c: handles, errors, parsing; table_api.c: tables). */
#ifndef KQ_DB_H
#define KQ_DB_H

#include <stddef.h>
#include <stdlib.h>

#include "bind.h"
#include "catalog.h"
#include "column.h"
#include "diag.h"
#include "parse.h"
#include "strbuf.h"

struct kqlite_db {
	catalog cat;
	diag err;
	const char *err_text; /* the text the error's span points into */
	size_t err_len;
	char *err_copy;       /* owned copy of that text */
	strbuf scratch;       /* kqlite_table_value's dynamic JSON text, valid until the next call */
};

/* A prepared statement: the tree, the binder's result, and what a run
 * needs (the catalog; its own error, so statements run on other threads). */
struct kqlite_stmt {
	parse_tree tree;
	arena a;             /* the binder's schemas and names */
	bind_result bound;
	char **names;        /* NUL-terminated column names */
	char *unsupported;   /* "not supported yet: ..." (malloc'd), or NULL */
	kqlite_span unsupported_span;
	const catalog *cat;
	diag err;            /* the last run error */
};

/* Plans the statement without running it, to find what the engine
 * cannot run yet (sets unsupported). */
void stmt_check_runnable(struct kqlite_stmt *st);

/* One cell of a column as a public value; dynamic values are written as
 * JSON into scratch. Returns KQLITE_OK or KQLITE_NOMEM. */
int column_value(const column *c, size_t row, strbuf *scratch, kqlite_value *out);

/* Forgets the last error: every call that can fail starts with this. */
static inline void db_clear_error(struct kqlite_db *db)
{
	diag_clear(&db->err);
	free(db->err_copy);
	db->err_copy = NULL;
	db->err_len = 0;
}

#endif
