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

long group_rows(const table *in, const uint32_t *cols, uint32_t n, uint32_t *group, uint32_t *first)
{
	size_t cap = 16;
	while (cap < 2 * in->nrows + 2)
		cap *= 2;
	uint32_t *slot = calloc(cap, sizeof(uint32_t)); /* group + 1 */
	uint64_t *ghash = malloc((in->nrows + 1) * sizeof(uint64_t));
	strbuf ka, kb;
	sb_init(&ka);
	sb_init(&kb);
	long ngroups = 0;
	bool ok = slot && ghash;
	for (size_t r = 0; ok && r < in->nrows; r++) {
		row_key(in, cols, n, r, &ka);
		uint64_t h = XXH3_64bits(ka.s, ka.len);
		for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
			if (!slot[i]) {
				first[ngroups] = (uint32_t)r;
				ghash[ngroups] = h;
				group[r] = (uint32_t)ngroups;
				slot[i] = (uint32_t)++ngroups;
				break;
			}
			uint32_t g = slot[i] - 1;
			if (ghash[g] != h)
				continue;
			row_key(in, cols, n, first[g], &kb);
			if (kb.len == ka.len && (!ka.len || !memcmp(kb.s, ka.s, ka.len))) {
				group[r] = g;
				break;
			}
		}
		ok = !ka.oom && !kb.oom;
	}
	sb_free(&ka);
	sb_free(&kb);
	free(slot);
	free(ghash);
	return ok ? ngroups : -1;
}
