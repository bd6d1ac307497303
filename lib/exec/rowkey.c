/* rowkey.c -- rows of a collected table as comparable keys, and grouping
 * by them (make-series' pivot, top-nested's levels, partition). */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "engine.h"

void row_key(const table *t, const uint32_t *cols, uint32_t n, size_t r, strbuf *sb)
{
	sb->len = 0;
	for (uint32_t k = 0; k < n; k++) {
		const column *c = &t->cols[cols ? cols[k] : k];
		char null = col_is_null(c, r);
		sb_add(sb, &null, 1);
		if (null)
			continue;
		switch (type_phys(c->type)) {
		case PH_BOOL: sb_add(sb, (const char *)&c->v.b[r], 1); break;
		case PH_I64:
			if (c->type == KQLITE_TYPE_INT)
				sb_add(sb, (const char *)&c->v.i32[r], 4);
			else
				sb_add(sb, (const char *)&c->v.i64[r], 8);
			break;
		case PH_F64: sb_add(sb, (const char *)&c->v.f64[r], 8); break;
		case PH_GUID: sb_add(sb, (const char *)c->v.guid + 16 * r, 16); break;
		default: {
			size_t len;
			const char *s = col_bytes(c, r, &len);
			uint64_t n64 = len;
			sb_add(sb, (const char *)&n64, 8);
			sb_add(sb, s, len);
		}
		}
	}
}

bool rowmap_init(rowmap *m, const table *t, const uint32_t *cols, uint32_t ncols, size_t expect)
{
	*m = (rowmap){.t = t, .cols = cols, .ncols = ncols, .cap = 16};
	while (m->cap < 2 * expect + 2)
		m->cap *= 2;
	m->slot = calloc(m->cap, sizeof(uint32_t));
	m->hash = malloc((expect + 1) * sizeof(uint64_t));
	m->row = malloc((expect + 1) * sizeof(uint32_t));
	return m->slot && m->hash && m->row;
}

void rowmap_free(rowmap *m)
{
	free(m->slot);
	free(m->hash);
	free(m->row);
}

long rowmap_find(const rowmap *m, const char *key, size_t len, uint64_t h, strbuf *tmp)
{
	for (size_t i = (size_t)h & (m->cap - 1); m->slot[i]; i = (i + 1) & (m->cap - 1)) {
		uint32_t e = m->slot[i] - 1;
		if (m->hash[e] != h)
			continue;
		row_key(m->t, m->cols, m->ncols, m->row[e], tmp);
		if (tmp->len == len && (!len || !memcmp(tmp->s, key, len)))
			return e;
	}
	return -1;
}

long rowmap_add(rowmap *m, uint32_t r, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);
	while (m->slot[i])
		i = (i + 1) & (m->cap - 1);
	m->hash[m->n] = h;
	m->row[m->n] = r;
	m->slot[i] = (uint32_t)++m->n;
	return (long)m->n - 1;
}

long group_rows(const table *in, const uint32_t *cols, uint32_t n, uint32_t *group, uint32_t *first)
{
	rowmap m;
	strbuf ka, kb;
	sb_init(&ka);
	sb_init(&kb);
	bool ok = rowmap_init(&m, in, cols, n, in->nrows);
	for (size_t r = 0; ok && r < in->nrows; r++) {
		row_key(in, cols, n, r, &ka);
		uint64_t h = XXH3_64bits(ka.s, ka.len);
		long g = rowmap_find(&m, ka.s, ka.len, h, &kb);
		if (g < 0)
			first[g = rowmap_add(&m, (uint32_t)r, h)] = (uint32_t)r;
		group[r] = (uint32_t)g;
		ok = !ka.oom && !kb.oom;
	}
	long ngroups = ok ? (long)m.n : -1;
	rowmap_free(&m);
	sb_free(&ka);
	sb_free(&kb);
	return ngroups;
}
