/*
 * fuzz_prepare.c -- libFuzzer target for kqlite_prepare (lexer, parser and
 * binder). For every input (at most 64 KiB) it checks:
 *  - failure: a non-empty message, and a span inside the input;
 *  - success: every column has a name and a type, and the printed query
 *    prepares too, to the same columns (binding does not depend on spacing,
 *    quoting or synonyms).
 * A violated property abort()s with what it saw on stderr.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

#define MAX_INPUT (64u * 1024u)

static kqlite_db *fuzz_db(void)
{
	static kqlite_db *db;
	if (!db && kqlite_open(&db) != KQLITE_OK)
		abort();
	return db;
}

static void fail(const char *what, const uint8_t *data, size_t size, const char *extra)
{
	fprintf(stderr, "\nfuzz_prepare: %s\n--- input ---\n", what);
	fwrite(data, 1, size, stderr);
	fprintf(stderr, "\n--- %s\n", extra ? extra : "");
	abort();
}

/* "name:type ..." of a statement's columns; NULL on a nameless column. */
static char *columns(const kqlite_stmt *st)
{
	size_t n = kqlite_stmt_column_count(st), cap = 64 + n * 64, len = 0;
	char *s = malloc(cap);
	if (!s)
		abort();
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *name = kqlite_stmt_column_name(st, i);
		if (!name) {
			free(s);
			return NULL;
		}
		size_t need = strlen(name) + 32;
		if (len + need >= cap) {
			cap = (len + need) * 2;
			if (!(s = realloc(s, cap)))
				abort();
		}
		len += (size_t)snprintf(s + len, cap - len, "%s:%s ", name,
		                        kqlite_type_name(kqlite_stmt_column_type(st, i)));
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	kqlite_db *db = fuzz_db();
	kqlite_stmt *st = NULL;
	int rc = kqlite_prepare(db, (const char *)data, size, &st);
	if (rc != KQLITE_OK) {
		kqlite_span sp;
		if (st || !kqlite_errmsg(db)[0] || kqlite_errcode(db) != rc)
			fail("a failed prepare without a message", data, size, kqlite_errmsg(db));
		if (kqlite_errspan(db, &sp) == KQLITE_OK &&
		    (sp.offset + sp.length > size || sp.line < 1 || sp.column < 1))
			fail("an error span outside the input", data, size, kqlite_errmsg(db));
		return 0;
	}
	char *cols = columns(st);
	if (!cols)
		fail("a column without a name", data, size, NULL);
	kqlite_finalize(st);

	kqlite_syntax *syn = NULL;
	if (kqlite_parse(db, (const char *)data, size, &syn) != KQLITE_OK)
		fail("prepares but does not parse", data, size, kqlite_errmsg(db));
	char *printed = kqlite_syntax_print(syn);
	kqlite_syntax_free(syn);
	if (!printed)
		abort();
	kqlite_stmt *st2 = NULL;
	if (kqlite_prepare(db, printed, strlen(printed), &st2) != KQLITE_OK)
		fail("the printed query does not prepare", data, size, printed);
	char *cols2 = columns(st2);
	if (!cols2 || strcmp(cols, cols2) != 0)
		fail("the printed query binds to other columns", data, size, printed);
	kqlite_finalize(st2);
	free(cols2);
	free(cols);
	free(printed);
	return 0;
}
