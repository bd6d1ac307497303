/* api.c -- the public API (kqlite.h) over the internal stages: handles,
 * errors and their spans, the catalog, and parsing. */
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>

#include "bind.h"
#include "catalog.h"
#include "db.h"
#include "functions.h"
#include "diag.h"
#include "kqlite.h"
#include "load.h"
#include "table.h"
#include "parse.h"


struct kqlite_syntax {
	parse_tree tree;
};


const char *kqlite_version(void)
{
	return KQLITE_VERSION;
}

int kqlite_open(kqlite_db **out)
{
	if (!out)
		return KQLITE_MISUSE;
	*out = NULL;
	kqlite_db *db = calloc(1, sizeof(*db));
	if (!db)
		return KQLITE_NOMEM;
	if (catalog_init(&db->cat) != 0) {
		free(db);
		return KQLITE_NOMEM;
	}
	diag_clear(&db->err);
	*out = db;
	return KQLITE_OK;
}

void kqlite_close(kqlite_db *db)
{
	if (!db)
		return;
	catalog_free(&db->cat);
	sb_free(&db->scratch);
	free(db->err_copy);
	free(db);
}

static void clear_error(kqlite_db *db)
{
	db_clear_error(db);
}

/* Keeps a copy of the text so the error's line and column can be worked
 * out after the caller's buffer is gone. */
static int keep_error(kqlite_db *db, const char *text, size_t len)
{
	if (db->err.has_span && text) {
		db->err_copy = malloc(len + 1);
		if (db->err_copy) {
			memcpy(db->err_copy, text, len);
			db->err_copy[len] = '\0';
			db->err_len = len;
		} else {
			db->err.has_span = false;
		}
	}
	return db->err.code;
}

const char *kqlite_errmsg(const kqlite_db *db)
{
	if (!db)
		return "no database handle";
	return db->err.msg;
}

int kqlite_errcode(const kqlite_db *db)
{
	return db ? db->err.code : KQLITE_MISUSE;
}

int kqlite_errspan(const kqlite_db *db, kqlite_span *out)
{
	if (!db || !out)
		return KQLITE_MISUSE;
	if (!db->err.code || !db->err.has_span)
		return KQLITE_NOTFOUND;
	out->offset = db->err.off;
	out->length = db->err.len;
	diag_linecol(db->err_copy ? db->err_copy : "", db->err_len, db->err.off, &out->line, &out->column);
	return KQLITE_OK;
}

size_t kqlite_table_count(const kqlite_db *db)
{
	return db ? db->cat.ntables : 0;
}

const char *kqlite_table_name(const kqlite_db *db, size_t i)
{
	if (!db || i >= db->cat.ntables)
		return NULL;
	return db->cat.tables[i]->name;
}

int kqlite_table_find(const kqlite_db *db, const char *name, size_t *index)
{
	if (!db || !name)
		return KQLITE_MISUSE;
	return catalog_find(&db->cat, name, index) ? KQLITE_OK : KQLITE_NOTFOUND;
}

size_t kqlite_table_column_count(const kqlite_db *db, size_t table)
{
	if (!db || table >= db->cat.ntables)
		return 0;
	return db->cat.tables[table]->ncols;
}

int kqlite_table_column(const kqlite_db *db, size_t table, size_t col, const char **name,
                        kqlite_type *type)
{
	if (!db || table >= db->cat.ntables || col >= db->cat.tables[table]->ncols)
		return KQLITE_MISUSE;
	const col_def *c = &db->cat.tables[table]->cols[col];
	if (name)
		*name = c->name;
	if (type)
		*type = c->type;
	return KQLITE_OK;
}

size_t kqlite_table_row_count(const kqlite_db *db, size_t table)
{
	if (!db || table >= db->cat.ntables || !db->cat.data[table])
		return 0;
	return db->cat.data[table]->nrows;
}

size_t kqlite_table_column_failed(const kqlite_db *db, size_t table, size_t col)
{
	if (!db || table >= db->cat.ntables || !db->cat.data[table] || col >= db->cat.data[table]->ncols)
		return 0;
	return db->cat.data[table]->cols[col].failed;
}

size_t kqlite_table_memory(const kqlite_db *db, size_t table)
{
	if (!db || table >= db->cat.ntables || !db->cat.data[table])
		return 0;
	return table_memory(db->cat.data[table]);
}

int kqlite_load(kqlite_db *db, const char *data, const kqlite_load_options *opts)
{
	if (!db || !data || (opts && (opts->version < 1 || opts->version > KQLITE_LOAD_OPTIONS_VERSION)))
		return KQLITE_MISUSE;
	clear_error(db);
	load_options o = {0};
	if (opts) {
		o.strict = opts->strict != 0;
		o.warn = opts->warn;
		o.payload = opts->payload;
		if (opts->version >= 2)
			o.progress = opts->progress;
	}
	int rc = load_data(&db->cat, data, &o, &db->err);
#ifdef __GLIBC__
	/* Loading frees much of what it allocated (the builder's growing
	 * arrays, replaced tables); give those pages back to the system. */
	malloc_trim(0);
#endif
	return rc;
}

int kqlite_parse(kqlite_db *db, const char *text, size_t len, kqlite_syntax **out)
{
	if (!db || !out || (!text && len))
		return KQLITE_MISUSE;
	*out = NULL;
	clear_error(db);
	kqlite_syntax *s = calloc(1, sizeof(*s));
	if (!s) {
		diag_set_nospan(&db->err, KQLITE_NOMEM, "out of memory");
		return KQLITE_NOMEM;
	}
	int rc = parse_query(&s->tree, text, len, &db->err);
	if (rc != KQLITE_OK) {
		parse_tree_free(&s->tree);
		free(s);
		return keep_error(db, text, len);
	}
	*out = s;
	return KQLITE_OK;
}

static char *print_with(const kqlite_syntax *s, void (*fn)(strbuf *, const ast *))
{
	if (!s || !s->tree.root)
		return NULL;
	strbuf b;
	sb_init(&b);
	fn(&b, s->tree.root);
	return sb_take(&b);
}

char *kqlite_syntax_print(const kqlite_syntax *s)
{
	return print_with(s, print_kql);
}

char *kqlite_syntax_dump(const kqlite_syntax *s)
{
	return print_with(s, print_dump);
}

void kqlite_syntax_free(kqlite_syntax *s)
{
	if (!s)
		return;
	parse_tree_free(&s->tree);
	free(s);
}

int kqlite_prepare(kqlite_db *db, const char *text, size_t len, kqlite_stmt **out)
{
	if (!db || !out || (!text && len))
		return KQLITE_MISUSE;
	*out = NULL;
	clear_error(db);
	kqlite_stmt *st = calloc(1, sizeof(*st));
	if (!st) {
		diag_set_nospan(&db->err, KQLITE_NOMEM, "out of memory");
		return KQLITE_NOMEM;
	}
	arena_init(&st->a);
	int rc = parse_query(&st->tree, text, len, &db->err);
	if (rc == KQLITE_OK)
		rc = bind_query(st->tree.root, &db->cat, &st->a, &db->err, &st->bound);
	if (rc == KQLITE_OK) {
		const bschema *s = st->bound.schema;
		st->names = arena_zalloc(&st->a, (s->n ? s->n : 1) * sizeof(char *));
		for (uint32_t i = 0; st->names && i < s->n; i++)
			if (!(st->names[i] = arena_strndup(&st->a, s->cols[i].name, s->cols[i].len)))
				st->names = NULL;
		st->cat = &db->cat;
		if (st->names)
			stmt_check_runnable(st);
		if (!st->names) {
			diag_set_nospan(&db->err, KQLITE_NOMEM, "out of memory");
			rc = KQLITE_NOMEM;
		}
	}
	if (rc != KQLITE_OK) {
		kqlite_finalize(st);
		return keep_error(db, text, len);
	}
	*out = st;
	return KQLITE_OK;
}

size_t kqlite_stmt_column_count(const kqlite_stmt *st)
{
	return st ? st->bound.schema->n : 0;
}

const char *kqlite_stmt_column_name(const kqlite_stmt *st, size_t i)
{
	if (!st || i >= st->bound.schema->n)
		return NULL;
	return st->names[i];
}

kqlite_type kqlite_stmt_column_type(const kqlite_stmt *st, size_t i)
{
	if (!st || i >= st->bound.schema->n)
		return KQLITE_TYPE_NULL;
	uint8_t t = st->bound.schema->cols[i].type;
	return t == TYPE_ANY ? KQLITE_TYPE_UNKNOWN : (kqlite_type)t;
}

int kqlite_stmt_schema_is_open(const kqlite_stmt *st)
{
	return st && st->bound.schema->open;
}

const char *kqlite_stmt_unsupported(const kqlite_stmt *st, kqlite_span *span)
{
	if (!st || !st->unsupported)
		return NULL;
	if (span)
		*span = st->unsupported_span;
	return st->unsupported;
}

void kqlite_finalize(kqlite_stmt *st)
{
	if (!st)
		return;
	parse_tree_free(&st->tree);
	arena_free(&st->a);
	free(st->unsupported);
	free(st);
}

void kqlite_free(void *ptr)
{
	free(ptr);
}
