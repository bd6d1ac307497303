/* db.h -- the database handle, shared by the files that implement the
 * public API (api.c: handles, errors, parsing; table_api.c: tables). */
#ifndef KQ_DB_H
#define KQ_DB_H

#include <stddef.h>
#include <stdlib.h>

#include "catalog.h"
#include "diag.h"
#include "strbuf.h"

struct kqlite_db {
	catalog cat;
	diag err;
	const char *err_text; /* the text the error's span points into */
	size_t err_len;
	char *err_copy;       /* owned copy of that text */
	strbuf scratch;       /* kqlite_table_value's dynamic JSON text, valid until the next call */
};

/* Forgets the last error: every call that can fail starts with this. */
static inline void db_clear_error(struct kqlite_db *db)
{
	diag_clear(&db->err);
	free(db->err_copy);
	db->err_copy = NULL;
	db->err_len = 0;
}

#endif
