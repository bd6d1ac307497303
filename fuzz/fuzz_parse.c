/*
 * fuzz_parse.c -- libFuzzer target for kqlite_parse.
 *
 * For every input (at most 64 KiB) it checks:
 *  - success: the tree survives a print/reparse round trip, i.e.
 *      dump(parse(text)) == dump(parse(print(parse(text))))
 *    and the printed text reparses without error;
 *  - failure: the handle carries a non-empty message, and the error span,
 *    when there is one, lies inside the input with line and column >= 1.
 * A violated property prints what it saw on stderr and abort()s, which
 * libFuzzer reports as a crash (the input is saved as crash-<sha1>).
 * Memory errors, leaks and undefined behaviour are caught by ASan/UBSan.
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
	if (!db && kqlite_open(&db) != KQLITE_OK) {
		fprintf(stderr, "fuzz_parse: kqlite_open failed\n");
		abort();
	}
	return db;
}

static void show(const char *label, const char *s, size_t n)
{
	fprintf(stderr, "--- %s (%zu bytes) ---\n", label, n);
	fwrite(s, 1, n, stderr);
	fputs("\n", stderr);
}

static void fail(const char *what, const uint8_t *data, size_t size,
                 const char *printed, const char *dump1, const char *dump2)
{
	fprintf(stderr, "\nfuzz_parse: %s\n", what);
	show("input", (const char *)data, size);
	if (printed)
		show("printed", printed, strlen(printed));
	if (dump1)
		show("dump of input", dump1, strlen(dump1));
	if (dump2)
		show("dump of printed", dump2, strlen(dump2));
	abort();
}

static void check_error(kqlite_db *db, int rc, const uint8_t *data, size_t size)
{
	const char *msg = kqlite_errmsg(db);
	if (!msg || !*msg) {
		char buf[96];
		snprintf(buf, sizeof buf, "parse failed (code %d) with an empty error message", rc);
		fail(buf, data, size, NULL, NULL, NULL);
	}
	if (kqlite_errcode(db) != rc) {
		char buf[128];
		snprintf(buf, sizeof buf, "kqlite_parse returned %d but kqlite_errcode says %d (%s)",
		         rc, kqlite_errcode(db), msg);
		fail(buf, data, size, NULL, NULL, NULL);
	}
	kqlite_span sp;
	if (kqlite_errspan(db, &sp) == KQLITE_OK) {
		if (sp.offset > size || sp.length > size - sp.offset || sp.line < 1 || sp.column < 1) {
			char buf[256];
			snprintf(buf, sizeof buf,
			         "bad error span: offset %zu length %zu line %u column %u for %zu bytes (%s)",
			         sp.offset, sp.length, sp.line, sp.column, size, msg);
			fail(buf, data, size, NULL, NULL, NULL);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	kqlite_db *db = fuzz_db();

	kqlite_syntax *tree = NULL;
	int rc = kqlite_parse(db, (const char *)data, size, &tree);
	if (rc != KQLITE_OK) {
		if (tree)
			fail("kqlite_parse failed but set *out", data, size, NULL, NULL, NULL);
		/* Out of memory is not a finding of the parser's logic. */
		if (rc != KQLITE_NOMEM)
			check_error(db, rc, data, size);
		return 0;
	}
	if (!tree)
		fail("kqlite_parse succeeded but left *out NULL", data, size, NULL, NULL, NULL);

	char *dump1 = kqlite_syntax_dump(tree);
	char *printed = kqlite_syntax_print(tree);
	kqlite_syntax_free(tree);
	if (!dump1 || !printed) {
		/* Only out of memory makes these NULL. */
		kqlite_free(dump1);
		kqlite_free(printed);
		return 0;
	}

	kqlite_syntax *tree2 = NULL;
	rc = kqlite_parse(db, printed, strlen(printed), &tree2);
	if (rc != KQLITE_OK) {
		if (rc == KQLITE_NOMEM) {
			kqlite_free(dump1);
			kqlite_free(printed);
			return 0;
		}
		char buf[512];
		kqlite_span sp;
		if (kqlite_errspan(db, &sp) == KQLITE_OK)
			snprintf(buf, sizeof buf, "printed text does not reparse (code %d) at %u:%u: %s",
			         rc, sp.line, sp.column, kqlite_errmsg(db));
		else
			snprintf(buf, sizeof buf, "printed text does not reparse (code %d): %s", rc,
			         kqlite_errmsg(db));
		fail(buf, data, size, NULL, NULL, NULL);
	}
	char *dump2 = kqlite_syntax_dump(tree2);
	kqlite_syntax_free(tree2);
	if (dump2 && strcmp(dump1, dump2) != 0)
		fail("round trip changed the tree: dump(parse(print(t))) != dump(t)", data, size,
		     printed, dump1, dump2);

	kqlite_free(dump2);
	kqlite_free(printed);
	kqlite_free(dump1);
	return 0;
}
