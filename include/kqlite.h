/*
 * kqlite.h -- the whole public API of libkqlite: KQL (the Kusto Query
 * Language of Microsoft Sentinel / Log Analytics) parsed and run offline.
 *
 * Conventions (borrowed from libgit2 and SQLite):
 *  - Fallible functions return an int: KQLITE_OK (0) or a negative code.
 *  - Outputs come first; whatever a caller receives through `**out` it
 *    releases with the matching `_free`/`_close`.
 *  - No global state: everything hangs off a kqlite_db handle. Several may
 *    live in one process; a handle is used by one thread at a time.
 *  - The last error of a handle is kept on the handle (kqlite_errmsg,
 *    kqlite_errspan) until the next call that can fail.
 *  - Strings are UTF-8. Borrowed pointers stay valid as stated per call.
 *
 * This header compiles alone as C99 or C11 with -pedantic.
 */
#ifndef KQLITE_H
#define KQLITE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KQLITE_VERSION "0.1.0"

/* Result codes. */
enum kqlite_code {
	KQLITE_OK = 0,
	KQLITE_ERROR = -1,    /* generic failure; see kqlite_errmsg */
	KQLITE_NOMEM = -2,    /* an allocation failed; the handle is still usable */
	KQLITE_SYNTAX = -3,   /* the query text is not valid KQL */
	KQLITE_MISUSE = -4,   /* bad argument (NULL handle, out-of-range index) */
	KQLITE_NOTFOUND = -5, /* no such table or column */
	KQLITE_LIMIT = -6,    /* input exceeds a limit (nesting depth, size, memory) */
	KQLITE_INTERRUPT = -7 /* a running query was interrupted */
};

/* The KQL scalar types. */
typedef enum kqlite_type {
	KQLITE_TYPE_NULL = 0, /* no type (an untyped null) */
	KQLITE_TYPE_BOOL,
	KQLITE_TYPE_INT,      /* 32-bit signed */
	KQLITE_TYPE_LONG,     /* 64-bit signed */
	KQLITE_TYPE_REAL,     /* IEEE double */
	KQLITE_TYPE_DECIMAL,  /* parsed as a type name; stored as real */
	KQLITE_TYPE_STRING,   /* UTF-8 */
	KQLITE_TYPE_DATETIME, /* 100 ns ticks since 0001-01-01T00:00:00Z */
	KQLITE_TYPE_TIMESPAN, /* signed 100 ns ticks */
	KQLITE_TYPE_GUID,     /* 16 bytes */
	KQLITE_TYPE_DYNAMIC,  /* a JSON value */
	KQLITE_TYPE_UNKNOWN   /* in a schema: known only when the query runs */
} kqlite_type;

/* KQL's name of a type ("long", "datetime"...); never NULL. */
const char *kqlite_type_name(kqlite_type type);

/* A place in a text: byte offset and length, and the 1-based line and
 * column (in characters) of its first byte. */
typedef struct kqlite_span {
	size_t offset;
	size_t length;
	unsigned line;
	unsigned column;
} kqlite_span;

/* The library's version string, e.g. "0.1.0". */
const char *kqlite_version(void);

/* A database: a catalog of tables (the 16 built-in Sentinel/Defender
 * tables are there from the start, empty) and the last error. */
typedef struct kqlite_db kqlite_db;

int kqlite_open(kqlite_db **out);
void kqlite_close(kqlite_db *db);

/* The last error's message ("" if none) and code; the message stays valid
 * until the next failing call on db. */
const char *kqlite_errmsg(const kqlite_db *db);
int kqlite_errcode(const kqlite_db *db);

/* The span of the last error in the text it came from. Returns KQLITE_OK
 * and fills *out, or KQLITE_NOTFOUND when the error has no position. */
int kqlite_errspan(const kqlite_db *db, kqlite_span *out);

/* ---- Catalog ---------------------------------------------------------- */

/* Number of tables, and the name of table i (0-based; NULL if out of range).
 * Names stay valid while db is open and the table exists. */
size_t kqlite_table_count(const kqlite_db *db);
const char *kqlite_table_name(const kqlite_db *db, size_t i);

/* Looks a table up by exact name: its index in *index. */
int kqlite_table_find(const kqlite_db *db, const char *name, size_t *index);

/* Columns of table `table`: their number, and name and type of column `col`. */
size_t kqlite_table_column_count(const kqlite_db *db, size_t table);
int kqlite_table_column(const kqlite_db *db, size_t table, size_t col,
                        const char **name, kqlite_type *type);

/* Rows of table i (0 for a known table never loaded). */
size_t kqlite_table_row_count(const kqlite_db *db, size_t table);

/* Values of column `col` that did not convert to its type when loaded and
 * became null. */
size_t kqlite_table_column_failed(const kqlite_db *db, size_t table, size_t col);

/* Bytes table i's loaded columns hold (values, validity, string heaps). */
size_t kqlite_table_memory(const kqlite_db *db, size_t table);

/* ---- Loading ----------------------------------------------------------- */

#define KQLITE_LOAD_OPTIONS_VERSION 2

/* Options of kqlite_load. Begin with KQLITE_LOAD_OPTIONS_INIT; fields are
 * only ever added at the end. */
typedef struct kqlite_load_options {
	unsigned version;
	int strict;   /* nonzero: a value that does not convert is an error */
	/* Warnings and notes ("column X: 3 values did not convert..."), one
	 * message a call, without a newline; NULL to drop them. */
	void (*warn)(void *payload, const char *message);
	void *payload;
	/* Version 2: progress through each file, called every few thousand rows
	 * and once at its end (done == total), with the same payload; NULL for
	 * none. done and total are bytes of the file. (Version 1 callers, who
	 * lack this field, are still accepted.) */
	void (*progress)(void *payload, const char *file, unsigned long long done, unsigned long long total);
} kqlite_load_options;

#define KQLITE_LOAD_OPTIONS_INIT {KQLITE_LOAD_OPTIONS_VERSION, 0, NULL, NULL, NULL}

/* Loads a DATA argument as the command line takes it: PATH (a file, or a
 * directory of files) or NAME=PATH. The extension chooses the format:
 * .json (an array of objects, a Log Analytics or Defender API response...),
 * .jsonl/.ndjson, .csv. A file's table is named by its base name up to the
 * first '.'; the 16 known tables use their built-in schemas, others get
 * types inferred from the data; loading the same table again appends.
 * opts may be NULL. On error returns KQLITE_ERROR (or KQLITE_NOMEM) with
 * the message on db ("FILE:LINE:COL: ... (byte N)"); the failed file
 * leaves no trace in the catalog. */
int kqlite_load(kqlite_db *db, const char *data, const kqlite_load_options *opts);

/* ---- Tables: build, read and write --------------------------------------- */

/* One value. For a null, type is KQLITE_TYPE_NULL (a string column's null
 * reads back as the empty string, as in KQL). */
typedef struct kqlite_value {
	kqlite_type type;
	union {
		int b;                /* bool: 0 or 1 */
		int32_t i;            /* int */
		int64_t l;            /* long; datetime and timespan in 100 ns ticks */
		double r;             /* real, decimal */
		struct {
			const char *ptr;  /* string: UTF-8; dynamic: JSON text */
			size_t len;
		} s;
		unsigned char guid[16];
	} v;
} kqlite_value;

/* Creates an empty table with these columns, or empties and retypes the
 * table of that name; *index receives its index. Names are copied. */
int kqlite_table_create(kqlite_db *db, const char *name, size_t ncols, const char *const *names,
                        const kqlite_type *types, size_t *index);

/* Appends one row: values[i] for column i, of the column's type or
 * KQLITE_TYPE_NULL (an int value may fill a long or real column, a long a
 * real one). All or nothing: on error the table is unchanged. */
int kqlite_table_append_row(kqlite_db *db, size_t table, const kqlite_value *values, size_t n);

/* Appends nrows rows given column by column: columns[c][r]. */
int kqlite_table_append_columns(kqlite_db *db, size_t table, size_t nrows,
                                const kqlite_value *const *columns, size_t ncols);

/* Reads a value. A string's pointer stays valid until the table changes;
 * a dynamic value is returned as JSON text in a buffer owned by db, valid
 * until the next call on db. */
int kqlite_table_value(kqlite_db *db, size_t table, size_t col, size_t row, kqlite_value *out);

/* Writes a table in an output format of the command line: "table", "csv",
 * "json", "ndjson", "api-json", "markdown", with CLI.md's value encodings.
 * *out is NUL-terminated; free it with kqlite_free. */
int kqlite_table_write(kqlite_db *db, size_t table, const char *format, char **out, size_t *len);

/* ---- Syntax ----------------------------------------------------------- */

/* A parsed query: its syntax tree, owned by the caller. */
typedef struct kqlite_syntax kqlite_syntax;

/* Parses `len` bytes of `text` (need not be NUL-terminated) as a KQL query:
 * statements (`let`, `set`, `declare query_parameters`) and a final tabular
 * expression. On error returns KQLITE_SYNTAX (or KQLITE_LIMIT, KQLITE_NOMEM)
 * with the message and span on db; *out is then NULL. */
int kqlite_parse(kqlite_db *db, const char *text, size_t len,
                 kqlite_syntax **out);

/* Prints the tree back as KQL text, normalised (one canonical spacing and
 * quoting). Returns a NUL-terminated string the caller frees with
 * kqlite_free, or NULL when out of memory. Parsing the printed text gives
 * the same tree. */
char *kqlite_syntax_print(const kqlite_syntax *syntax);

/* Prints the tree as an S-expression (for tests and debugging). */
char *kqlite_syntax_dump(const kqlite_syntax *syntax);

void kqlite_syntax_free(kqlite_syntax *syntax);

/* ---- Prepared queries ------------------------------------------------- */

/* A query parsed and bound against the catalog: names resolved, types
 * checked, the output schema known. */
typedef struct kqlite_stmt kqlite_stmt;

/* Parses and binds. On error returns KQLITE_SYNTAX (not valid KQL),
 * KQLITE_ERROR (an unknown name, a type mismatch...), KQLITE_LIMIT or
 * KQLITE_NOMEM, with the message and span on db; *out is then NULL.
 * A valid query prepares even when the engine cannot run all of it yet:
 * see kqlite_stmt_unsupported. */
int kqlite_prepare(kqlite_db *db, const char *text, size_t len, kqlite_stmt **out);

/* The result's columns. Names stay valid until kqlite_finalize. A column
 * whose type depends on the data is KQLITE_TYPE_UNKNOWN. */
size_t kqlite_stmt_column_count(const kqlite_stmt *stmt);
const char *kqlite_stmt_column_name(const kqlite_stmt *stmt, size_t i);
kqlite_type kqlite_stmt_column_type(const kqlite_stmt *stmt, size_t i);

/* 1 when the query may produce columns besides those listed (after
 * `evaluate bag_unpack` or `pivot`), else 0. */
int kqlite_stmt_schema_is_open(const kqlite_stmt *stmt);

/* What the engine cannot run yet, as "not supported yet: ...", with its
 * span in *span if span is not NULL; NULL when everything can run. */
const char *kqlite_stmt_unsupported(const kqlite_stmt *stmt, kqlite_span *span);

void kqlite_finalize(kqlite_stmt *stmt);

/* ---- Running queries ---------------------------------------------------- */

#define KQLITE_RUN_OPTIONS_VERSION 1

/* Options of kqlite_run. Begin with KQLITE_RUN_OPTIONS_INIT; fields are
 * only ever added at the end. */
typedef struct kqlite_run_options {
	unsigned version;
	int pin_now;         /* nonzero: now() is `now` instead of the clock */
	int64_t now;         /* 100 ns ticks since 0001-01-01 UTC */
	size_t max_memory;   /* bytes a query may hold in its operators; 0: no limit */
	size_t batch_rows;   /* rows per batch; 0: the default (2048). Tests use 1 and 3. */
	/* Checked between batches: when *interrupt becomes nonzero the query
	 * stops with KQLITE_INTERRUPT. May be NULL. */
	volatile int *interrupt;
} kqlite_run_options;

#define KQLITE_RUN_OPTIONS_INIT {KQLITE_RUN_OPTIONS_VERSION, 0, 0, 0, 0, NULL}

/* The rows a query returned, owned by the caller. */
typedef struct kqlite_result kqlite_result;

/* Runs a prepared statement over the catalog as it is now. On error
 * returns KQLITE_ERROR (a run-time error, or "not supported yet: ..."),
 * KQLITE_NOMEM, KQLITE_LIMIT (--max-memory) or KQLITE_INTERRUPT, with the
 * message on the statement (kqlite_stmt_errmsg); *out is then NULL.
 * Several statements (prepared on one thread) may run at once on
 * different threads over the same catalog while no table is loaded or
 * changed; one statement runs on one thread at a time. A statement may
 * be run again. opts may be NULL. */
int kqlite_run(kqlite_stmt *stmt, const kqlite_run_options *opts, kqlite_result **out);

/* The last run error of a statement ("" if none), and its span in the
 * query text (KQLITE_NOTFOUND when it has none). */
const char *kqlite_stmt_errmsg(const kqlite_stmt *stmt);
int kqlite_stmt_errspan(const kqlite_stmt *stmt, kqlite_span *out);

/* Columns and rows of a result. Names stay valid until kqlite_result_free. */
size_t kqlite_result_column_count(const kqlite_result *res);
const char *kqlite_result_column_name(const kqlite_result *res, size_t col);
kqlite_type kqlite_result_column_type(const kqlite_result *res, size_t col);
size_t kqlite_result_row_count(const kqlite_result *res);

/* One cell. A string's pointer stays valid until kqlite_result_free; a
 * dynamic value is JSON text in a buffer of the result, valid until the
 * next call of kqlite_result_value on it. A null has type KQLITE_TYPE_NULL. */
int kqlite_result_value(kqlite_result *res, size_t col, size_t row, kqlite_value *out);

/* A whole column at once, valid until kqlite_result_free:
 *   bool: uint8_t (0/1); int: int32_t; long, datetime, timespan: int64_t;
 *   real, decimal: double; guid: 16 bytes a row; string and dynamic:
 *   offsets (rows + 1 of them) into heap (dynamic in an internal binary
 *   form: read dynamic cells with kqlite_result_value).
 * validity: bit r of validity[r / 64] is set when row r has a value; NULL
 * when no row is null. */
typedef struct kqlite_column_data {
	kqlite_type type;
	size_t rows;
	const void *values;
	const uint64_t *validity;
	const uint64_t *offsets;
	const char *heap;
} kqlite_column_data;

int kqlite_result_column_data(const kqlite_result *res, size_t col, kqlite_column_data *out);

/* Writes the result in an output format ("table", "csv", "json", "ndjson",
 * "api-json", "markdown"), as kqlite_table_write. */
int kqlite_result_write(const kqlite_result *res, const char *format, char **out, size_t *len);

/* The render operator's metadata: the chart kind ("timechart"...) or NULL
 * when the query does not end in render, and its properties by name
 * ("title", "xcolumn", "ycolumns", "series", "xtitle", "ytitle",
 * "legend"...; lists are comma-separated), NULL when not given. */
const char *kqlite_result_render_kind(const kqlite_result *res);
const char *kqlite_result_render_property(const kqlite_result *res, const char *name);

void kqlite_result_free(kqlite_result *res);

/* Frees memory handed out by kqlite (strings from _print, _dump). */
void kqlite_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif /* KQLITE_H */
