/* fuzz_json.c -- libFuzzer target for the readers (json.c, csv.c): every
 * input goes to json_read_document, json_read_lines and csv_read, through a
 * loader stub over the real builder. Checks: no crash or leak, an error
 * always has a message and a span inside the input, and a success gives
 * finished tables whose columns all hold every row. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define MAX_TABLES 64

/* The loader json.c talks to (reader.h): tables kept aside for the
 * checks, as load.c would keep them for the catalog. */
struct loader {
	char *names[MAX_TABLES];
	tbuilder *b[MAX_TABLES];
	size_t n;
};

tbuilder *loader_table(loader *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->names[i]) == len && memcmp(l->names[i], name, len) == 0)
			return l->b[i];
	if (l->n == MAX_TABLES)
		return NULL; /* the reader must take this as out of memory */
	char *copy = malloc(len + 1);
	tbuilder *b = tb_new(name, len, NULL);
	if (!copy || !b) {
		free(copy);
		tb_free(b);
		return NULL;
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	l->names[l->n] = copy;
	l->b[l->n++] = b;
	return b;
}

const char *loader_default_name(const loader *l, size_t *len)
{
	(void)l;
	*len = 4;
	return "Fuzz";
}

void loader_consumed(loader *l, size_t upto)
{
	(void)l;
	(void)upto;
}

void loader_warn(loader *l, const char *fmt, ...)
{
	(void)l;
	(void)fmt;
}

static void die(const char *what, const diag *d, size_t size)
{
	fprintf(stderr, "fuzz_json: %s (code %d, msg '%s', span %u+%u, input %zu bytes)\n", what, d->code,
	        d->msg, (unsigned)d->off, (unsigned)d->len, size);
	abort();
}

static void check(int rc, const diag *d, loader *l, size_t size)
{
	if (rc != 0) {
		if (rc != KQLITE_ERROR && rc != KQLITE_NOMEM)
			die("unexpected return code", d, size);
		if (d->code != rc)
			die("diag code differs from the return code", d, size);
		if (d->msg[0] == '\0')
			die("error without a message", d, size);
		if (rc == KQLITE_ERROR && (!d->has_span || (size_t)d->off + d->len > size))
			die("error span outside the input", d, size);
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		size_t rows = tb_rows(l->b[i]);
		if (tb_finish(l->b[i]) != 0)
			continue; /* out of memory: nothing to check */
		table *t = tb_take(l->b[i]);
		if (!t)
			die("finished builder without a table", d, size);
		if (t->nrows != rows)
			die("table rows differ from the rows read", d, size);
		for (size_t c = 0; c < t->ncols; c++)
			if (t->cols[c].n != t->nrows)
				die("a column does not hold every row", d, size);
		table_free(t);
	}
}

enum reader { R_DOCUMENT, R_LINES, R_CSV };

static void run(const char *text, size_t size, enum reader r)
{
	loader l;
	memset(&l, 0, sizeof(l));
	diag d;
	diag_clear(&d);
	int rc = r == R_LINES ? json_read_lines(&l, text, size, &d)
	       : r == R_CSV   ? csv_read(&l, text, size, &d)
	                      : json_read_document(&l, text, size, &d);
	check(rc, &d, &l, size);
	for (size_t i = 0; i < l.n; i++) {
		tb_free(l.b[i]);
		free(l.names[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	/* An exact-size copy: ASan catches any read past the end. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	run(text, size, R_DOCUMENT);
	run(text, size, R_LINES);
	run(text, size, R_CSV);
	free(text);
	return 0;
}
