/* catalog.c -- lookups in the built-in schemas and in a database's
 * catalog. Names compare exactly: KQL identifiers are case-sensitive. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

const table_def *catalog_builtin_find(const char *name)
{
	/* The generator sorts the array in strcmp order. */
	size_t lo = 0, hi = catalog_builtin_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, catalog_builtin[mid].name);
		if (cmp == 0)
			return &catalog_builtin[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int catalog_init(catalog *c)
{
	c->tables = NULL;
	c->ntables = 0;
	size_t n = catalog_builtin_count;
	/* At least one slot, so that malloc(0) returning NULL is not an error. */
	const table_def **t = malloc((n ? n : 1) * sizeof(*t));
	if (!t)
		return KQLITE_NOMEM;
	for (size_t i = 0; i < n; i++)
		t[i] = &catalog_builtin[i];
	c->tables = t;
	c->ntables = n;
	return KQLITE_OK;
}

void catalog_free(catalog *c)
{
	if (!c)
		return;
	free(c->tables);
	c->tables = NULL;
	c->ntables = 0;
}

const table_def *catalog_find(const catalog *c, const char *name, size_t *index)
{
	/* Linear: loaded tables will join unsorted, and catalogs are small. */
	for (size_t i = 0; i < c->ntables; i++) {
		if (strcmp(c->tables[i]->name, name) == 0) {
			if (index)
				*index = i;
			return c->tables[i];
		}
	}
	return NULL;
}

long table_column_index(const table_def *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (long)i;
	return -1;
}

const table_def *catalog_find_n(const catalog *c, const char *name, size_t len, size_t *index)
{
	for (size_t i = 0; i < c->ntables; i++) {
		const char *t = c->tables[i]->name;
		if (strncmp(t, name, len) == 0 && t[len] == '\0') {
			if (index)
				*index = i;
			return c->tables[i];
		}
	}
	return NULL;
}
