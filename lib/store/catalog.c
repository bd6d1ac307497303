/* catalog.c -- lookups in the built-in schemas and in a database's
 * catalog. Names compare exactly: KQL identifiers are case-sensitive. */
#include "catalog.h"

#include "table.h"

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
	memset(c, 0, sizeof(*c));
	size_t n = catalog_builtin_count, cap = n + 16;
	c->tables = malloc(cap * sizeof(*c->tables));
	c->data = calloc(cap, sizeof(*c->data));
	c->owned = calloc(cap, sizeof(*c->owned));
	if (!c->tables || !c->data || !c->owned) {
		catalog_free(c);
		return KQLITE_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		c->tables[i] = &catalog_builtin[i];
	c->ntables = n;
	c->cap = cap;
	return KQLITE_OK;
}

static void free_def(table_def *d)
{
	if (d)
		free((void *)d->cols);
	free(d);
}

void catalog_free(catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->data && i < c->ntables; i++) {
		table_free(c->data[i]);
		free_def(c->owned ? c->owned[i] : NULL);
	}
	free(c->tables);
	free(c->data);
	free(c->owned);
	memset(c, 0, sizeof(*c));
}

/* The schema binding sees for a loaded table: its columns as loaded (names
 * point into the table, which lives as long as the schema). */
static table_def *def_of(const table *t)
{
	table_def *d = calloc(1, sizeof(*d));
	col_def *cols = malloc((t->ncols ? t->ncols : 1) * sizeof(*cols));
	if (!d || !cols) {
		free(d);
		free(cols);
		return NULL;
	}
	for (size_t i = 0; i < t->ncols; i++)
		cols[i] = (col_def){t->cols[i].name, t->cols[i].type};
	d->name = t->name;
	d->cols = cols;
	d->ncols = t->ncols;
	return d;
}

int catalog_put(catalog *c, table *t)
{
	table_def *d = def_of(t);
	if (!d)
		return KQLITE_NOMEM;
	size_t i;
	if (!catalog_find(c, t->name, &i)) {
		if (c->ntables == c->cap) {
			size_t cap = c->cap * 2;
			const table_def **tables = realloc(c->tables, cap * sizeof(*tables));
			if (!tables)
				return free_def(d), KQLITE_NOMEM;
			c->tables = tables;
			table **data = realloc(c->data, cap * sizeof(*data));
			if (!data)
				return free_def(d), KQLITE_NOMEM;
			c->data = data;
			table_def **owned = realloc(c->owned, cap * sizeof(*owned));
			if (!owned)
				return free_def(d), KQLITE_NOMEM;
			c->owned = owned;
			c->cap = cap;
		}
		i = c->ntables++;
		c->data[i] = NULL;
		c->owned[i] = NULL;
	}
	table_free(c->data[i]);
	free_def(c->owned[i]);
	c->data[i] = t;
	c->owned[i] = d;
	c->tables[i] = d;
	return KQLITE_OK;
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
