/* table_api.c -- the public API's tables (kqlite.h, "Tables: build, read
 * and write"): create, append all or nothing, read back, write as text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "dyn.h"
#include "kqlite.h"
#include "table.h"
#include "types.h"
#include "write.h"

__attribute__((format(printf, 3, 4))) static int fail(kqlite_db *db, int code, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_set_nospan(&db->err, code, "%s", msg);
	return code;
}

static int nomem(kqlite_db *db)
{
	return fail(db, KQLITE_NOMEM, "out of memory");
}

/* The scratch buffer, emptied; a past allocation failure is forgotten
 * (a strbuf that ran out of memory ignores appends until freed). */
static strbuf *scratch(kqlite_db *db)
{
	if (db->scratch.oom)
		sb_free(&db->scratch);
	db->scratch.len = 0;
	return &db->scratch;
}

static int check_table(kqlite_db *db, size_t ti)
{
	if (ti >= db->cat.ntables)
		return fail(db, KQLITE_MISUSE, "no table %zu (the catalog has %zu)", ti, db->cat.ntables);
	return KQLITE_OK;
}

/* An empty table with the columns of schema d. */
static table *table_of_def(const table_def *d)
{
	table *t = table_new(d->name, strlen(d->name));
	for (size_t i = 0; t && i < d->ncols; i++) {
		if (table_add_column(t, d->cols[i].name, strlen(d->cols[i].name), d->cols[i].type) < 0) {
			table_free(t);
			t = NULL;
		}
	}
	return t;
}

/* The rows of table ti, made (empty, from its schema) for a built-in table
 * that was never loaded, so that it can be appended to. */
static int rows_of(kqlite_db *db, size_t ti, table **out)
{
	if (!db->cat.data[ti]) {
		table *t = table_of_def(db->cat.tables[ti]);
		if (!t)
			return nomem(db);
		if (catalog_put(&db->cat, t) != 0) {
			table_free(t);
			return nomem(db);
		}
	}
	*out = db->cat.data[ti];
	return KQLITE_OK;
}

static bool valid_type(kqlite_type t)
{
	return t >= KQLITE_TYPE_BOOL && t <= KQLITE_TYPE_DYNAMIC;
}

int kqlite_table_create(kqlite_db *db, const char *name, size_t ncols, const char *const *names,
                        const kqlite_type *types, size_t *index)
{
	if (!db)
		return KQLITE_MISUSE;
	db_clear_error(db);
	if (!name || !*name)
		return fail(db, KQLITE_MISUSE, "a table needs a name");
	if (ncols && (!names || !types))
		return fail(db, KQLITE_MISUSE, "%zu columns but no names or types", ncols);
	for (size_t i = 0; i < ncols; i++) {
		if (!names[i] || !*names[i])
			return fail(db, KQLITE_MISUSE, "column %zu has no name", i);
		if (!valid_type(types[i]))
			return fail(db, KQLITE_MISUSE, "column '%s': %d is not a column type", names[i],
			            (int)types[i]);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return fail(db, KQLITE_MISUSE, "column '%s' is named twice", names[i]);
	}
	table *t = table_new(name, strlen(name));
	for (size_t i = 0; t && i < ncols; i++) {
		if (table_add_column(t, names[i], strlen(names[i]), types[i]) < 0) {
			table_free(t);
			t = NULL;
		}
	}
	/* catalog_put keeps the index of a table of that name, built-in or not,
	 * and makes the schema binding sees from t's columns. */
	if (!t || catalog_put(&db->cat, t) != 0) {
		table_free(t);
		return nomem(db);
	}
	catalog_find(&db->cat, name, index);
	return KQLITE_OK;
}

/* Where a value was in the caller's arguments, for messages: "value 3"
 * of a row (row < 0), or "column 3, row 7" of columns. */
static const char *where(char *buf, size_t size, size_t col, long row)
{
	if (row < 0)
		snprintf(buf, size, "value %zu", col);
	else
		snprintf(buf, size, "column %zu, row %ld", col, row);
	return buf;
}

/* Pushes value v (column col, row row of the caller's arguments) onto c. */
static int push_value(kqlite_db *db, column *c, const kqlite_value *v, size_t col, long row)
{
	char at[64];
	kqlite_type ct = c->type, vt = v->type;
	int rc;
	bool real_col = ct == KQLITE_TYPE_REAL || ct == KQLITE_TYPE_DECIMAL;
	switch (vt) {
	case KQLITE_TYPE_NULL:
		/* A string's null is its empty string, as the loaders store it. */
		rc = ct == KQLITE_TYPE_STRING ? col_push_bytes(c, "", 0) : col_push_null(c);
		break;
	case KQLITE_TYPE_BOOL:
		if (ct != vt)
			goto mismatch;
		rc = col_push_bool(c, v->v.b != 0);
		break;
	case KQLITE_TYPE_INT:
		if (ct == KQLITE_TYPE_INT)
			rc = col_push_int(c, v->v.i);
		else if (ct == KQLITE_TYPE_LONG)
			rc = col_push_long(c, v->v.i);
		else if (real_col)
			rc = col_push_real(c, v->v.i);
		else
			goto mismatch;
		break;
	case KQLITE_TYPE_LONG:
		if (ct == KQLITE_TYPE_LONG)
			rc = col_push_long(c, v->v.l);
		else if (real_col)
			rc = col_push_real(c, (double)v->v.l);
		else
			goto mismatch;
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		if (!real_col)
			goto mismatch;
		rc = col_push_real(c, v->v.r);
		break;
	case KQLITE_TYPE_DATETIME:
		if (ct != vt)
			goto mismatch;
		if (v->v.l < 0 || v->v.l > TICKS_MAX_DATETIME) {
			return fail(db, KQLITE_MISUSE,
			            "%s (column '%s'): datetime %lld ticks is outside 0001-01-01 to 9999-12-31",
			            where(at, sizeof(at), col, row), c->name, (long long)v->v.l);
		}
		rc = col_push_long(c, v->v.l);
		break;
	case KQLITE_TYPE_TIMESPAN:
		if (ct != vt)
			goto mismatch;
		rc = col_push_long(c, v->v.l);
		break;
	case KQLITE_TYPE_GUID:
		if (ct != vt)
			goto mismatch;
		rc = col_push_guid(c, v->v.guid);
		break;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: {
		if (ct != vt)
			goto mismatch;
		const char *s = v->v.s.ptr;
		size_t n = v->v.s.len;
		if (!s && n) {
			return fail(db, KQLITE_MISUSE, "%s (column '%s'): NULL text of %zu bytes",
			            where(at, sizeof(at), col, row), c->name, n);
		}
		if (!s)
			s = "";
		if (vt == KQLITE_TYPE_STRING) {
			rc = col_push_bytes(c, s, n);
			break;
		}
		strbuf *sb = scratch(db);
		size_t bad = 0;
		if (!dyn_from_json(s, n, sb, &bad)) {
			if (sb->oom)
				return nomem(db);
			return fail(db, KQLITE_ERROR, "%s (column '%s'): not a JSON value (at byte %zu)",
			            where(at, sizeof(at), col, row), c->name, bad);
		}
		/* A JSON null is a null, as dynamic(null) is in KQL: stored as
		 * one, it reads and writes back as one. */
		if (sb->len == 1 && sb->s[0] == DYN_NULL)
			rc = col_push_null(c);
		else
			rc = sb->oom ? KQLITE_NOMEM : col_push_bytes(c, sb->s, sb->len);
		break;
	}
	default:
		return fail(db, KQLITE_MISUSE, "%s: %d is not a value type", where(at, sizeof(at), col, row),
		            (int)vt);
	}
	return rc ? nomem(db) : KQLITE_OK;
mismatch:
	return fail(db, KQLITE_MISUSE, "%s: a %s value cannot go in column '%s' (%s)",
	            where(at, sizeof(at), col, row), kqlite_type_name(vt), c->name, kqlite_type_name(ct));
}

/* Undoes a failed append: every column back to n rows. */
static void roll_back(table *t, size_t n)
{
	for (size_t i = 0; i < t->ncols; i++)
		col_truncate(&t->cols[i], n);
}

int kqlite_table_append_row(kqlite_db *db, size_t ti, const kqlite_value *values, size_t n)
{
	if (!db)
		return KQLITE_MISUSE;
	db_clear_error(db);
	int rc = check_table(db, ti);
	if (rc)
		return rc;
	size_t want = db->cat.tables[ti]->ncols;
	if (n != want)
		return fail(db, KQLITE_MISUSE, "table '%s' has %zu columns; %zu values given",
		            db->cat.tables[ti]->name, want, n);
	if (n && !values)
		return fail(db, KQLITE_MISUSE, "no values given");
	table *t = NULL;
	if ((rc = rows_of(db, ti, &t)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = push_value(db, &t->cols[i], &values[i], i, -1))) {
			roll_back(t, t->nrows);
			return rc;
		}
	}
	t->nrows++;
	return KQLITE_OK;
}

int kqlite_table_append_columns(kqlite_db *db, size_t ti, size_t nrows,
                                const kqlite_value *const *columns, size_t ncols)
{
	if (!db)
		return KQLITE_MISUSE;
	db_clear_error(db);
	int rc = check_table(db, ti);
	if (rc)
		return rc;
	size_t want = db->cat.tables[ti]->ncols;
	if (ncols != want)
		return fail(db, KQLITE_MISUSE, "table '%s' has %zu columns; %zu given",
		            db->cat.tables[ti]->name, want, ncols);
	if (ncols && nrows && !columns)
		return fail(db, KQLITE_MISUSE, "no columns given");
	for (size_t c = 0; nrows && c < ncols; c++)
		if (!columns[c])
			return fail(db, KQLITE_MISUSE, "column %zu has no values", c);
	table *t = NULL;
	if ((rc = rows_of(db, ti, &t)))
		return rc;
	for (size_t c = 0; c < ncols; c++) {
		for (size_t r = 0; r < nrows; r++) {
			rc = push_value(db, &t->cols[c], &columns[c][r], c, (long)r);
			if (rc) {
				roll_back(t, t->nrows);
				return rc;
			}
		}
	}
	t->nrows += nrows;
	return KQLITE_OK;
}

int kqlite_table_value(kqlite_db *db, size_t ti, size_t col, size_t row, kqlite_value *out)
{
	if (!db)
		return KQLITE_MISUSE;
	db_clear_error(db);
	if (!out)
		return fail(db, KQLITE_MISUSE, "no output value");
	memset(out, 0, sizeof(*out));
	int rc = check_table(db, ti);
	if (rc)
		return rc;
	const table *t = db->cat.data[ti];
	size_t ncols = db->cat.tables[ti]->ncols, nrows = t ? t->nrows : 0;
	if (col >= ncols)
		return fail(db, KQLITE_MISUSE, "no column %zu (table '%s' has %zu)", col,
		            db->cat.tables[ti]->name, ncols);
	if (row >= nrows)
		return fail(db, KQLITE_MISUSE, "no row %zu (table '%s' has %zu)", row,
		            db->cat.tables[ti]->name, nrows);
	int r = column_value(&t->cols[col], row, scratch(db), out);
	return r == KQLITE_OK ? r : nomem(db);
}

int column_value(const column *c, size_t row, strbuf *sb, kqlite_value *out)
{
	memset(out, 0, sizeof(*out));
	if (col_is_null(c, row)) {
		/* out is zeroed: type NULL; a string's null is its empty string */
		if (c->type == KQLITE_TYPE_STRING) {
			out->type = KQLITE_TYPE_STRING;
			out->v.s.ptr = "";
		}
		return KQLITE_OK;
	}
	out->type = c->type;
	size_t len = 0;
	const char *bytes = "";
	if ((c->type == KQLITE_TYPE_STRING || c->type == KQLITE_TYPE_DYNAMIC) && c->heap)
		bytes = col_bytes(c, row, &len);
	switch (c->type) {
	case KQLITE_TYPE_BOOL: out->v.b = c->v.b[row]; break;
	case KQLITE_TYPE_INT: out->v.i = c->v.i32[row]; break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: out->v.r = c->v.f64[row]; break;
	case KQLITE_TYPE_GUID: memcpy(out->v.guid, c->v.guid + 16 * row, 16); break;
	case KQLITE_TYPE_STRING:
		out->v.s.ptr = bytes;
		out->v.s.len = len;
		break;
	case KQLITE_TYPE_DYNAMIC:
		sb->len = 0;
		dyn_to_json((const uint8_t *)bytes, len, sb);
		if (sb->oom)
			return KQLITE_NOMEM;
		out->v.s.ptr = sb->s ? sb->s : "";
		out->v.s.len = sb->len;
		break;
	default: out->v.l = c->v.i64[row]; /* long, datetime, timespan */
	}
	return KQLITE_OK;
}

int kqlite_table_write(kqlite_db *db, size_t ti, const char *format, char **out, size_t *len)
{
	if (!db)
		return KQLITE_MISUSE;
	db_clear_error(db);
	if (!out)
		return fail(db, KQLITE_MISUSE, "no output pointer");
	*out = NULL;
	if (len)
		*len = 0;
	int rc = check_table(db, ti);
	if (rc)
		return rc;
	if (!format)
		return fail(db, KQLITE_MISUSE, "no format given");
	/* A built-in table never loaded writes its schema with no rows. */
	table *empty = NULL;
	const table *t = db->cat.data[ti];
	if (!t && !(t = empty = table_of_def(db->cat.tables[ti])))
		return nomem(db);
	strbuf b;
	sb_init(&b);
	rc = write_table(&b, t, format);
	table_free(empty);
	if (rc == KQLITE_MISUSE) {
		sb_free(&b);
		return fail(db, rc, "unknown format '%s' (expected table, csv, json, ndjson, api-json or markdown)",
		            format);
	}
	size_t n = b.len;
	if (rc != KQLITE_OK || !(*out = sb_take(&b))) {
		sb_free(&b);
		return nomem(db);
	}
	if (len)
		*len = n;
	return KQLITE_OK;
}
