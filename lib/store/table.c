/* table.c -- a named set of equal-length columns. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

table *table_new(const char *name, size_t len)
{
	table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->name = malloc(len + 1);
	if (!t->name) {
		free(t);
		return NULL;
	}
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	return t;
}

void table_free(table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		col_free(&t->cols[i]);
	free(t->cols);
	free(t->name);
	free(t);
}

long table_add_column(table *t, const char *name, size_t len, kqlite_type type)
{
	if (t->ncols == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		column *cols = realloc(t->cols, cap * sizeof(*cols));
		if (!cols)
			return -1;
		t->cols = cols;
		t->cap = cap;
	}
	if (col_init(&t->cols[t->ncols], name, len, type) != 0)
		return -1;
	return (long)t->ncols++;
}

long table_find_column(const table *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strlen(t->cols[i].name) == len && memcmp(t->cols[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

size_t table_memory(const table *t)
{
	size_t m = 0;
	for (size_t i = 0; i < t->ncols; i++)
		m += col_memory(&t->cols[i]);
	return m;
}

static int fill_from(column *dst, const table *src, const char *name)
{
	long j = table_find_column(src, name, strlen(name));
	for (size_t r = 0; r < src->nrows; r++) {
		int rc;
		if (j >= 0)
			rc = col_push_from(dst, &src->cols[j], r);
		else if (dst->type == KQLITE_TYPE_STRING)
			rc = col_push_bytes(dst, "", 0); /* a string's null is "" */
		else
			rc = col_push_null(dst);
		if (rc)
			return rc;
	}
	if (j >= 0)
		dst->failed += src->cols[j].failed;
	return 0;
}

table *table_concat(const table *a, const table *b, const char **clash)
{
	*clash = NULL;
	for (size_t i = 0; i < b->ncols; i++) {
		long j = table_find_column(a, b->cols[i].name, strlen(b->cols[i].name));
		if (j >= 0 && a->cols[j].type != b->cols[i].type) {
			*clash = b->cols[i].name;
			return NULL;
		}
	}
	table *t = table_new(a->name, strlen(a->name));
	if (!t)
		return NULL;
	for (size_t i = 0; i < a->ncols + b->ncols; i++) {
		const column *src = i < a->ncols ? &a->cols[i] : &b->cols[i - a->ncols];
		if (i >= a->ncols && table_find_column(a, src->name, strlen(src->name)) >= 0)
			continue;
		long k = table_add_column(t, src->name, strlen(src->name), src->type);
		if (k < 0 || fill_from(&t->cols[k], a, src->name) || fill_from(&t->cols[k], b, src->name)) {
			table_free(t);
			return NULL;
		}
	}
	t->nrows = a->nrows + b->nrows;
	return t;
}

table *table_like(const table *t)
{
	table *n = table_new(t->name, strlen(t->name));
	for (size_t j = 0; n && j < t->ncols; j++)
		if (table_add_column(n, t->cols[j].name, strlen(t->cols[j].name), t->cols[j].type) < 0) {
			table_free(n);
			n = NULL;
		}
	return n;
}

int table_push_row(table *dst, const table *src, size_t r)
{
	for (size_t j = 0; j < src->ncols; j++)
		if (col_push_from(&dst->cols[j], &src->cols[j], r) != 0)
			return KQLITE_NOMEM;
	dst->nrows++;
	return 0;
}
