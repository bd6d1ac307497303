/* schema.c -- growable column lists in the binder's arena. */
#include "schema.h"

#include <stdio.h>
#include <string.h>

#include "diag.h"

bschema *sch_new(arena *a)
{
	return arena_zalloc(a, sizeof(bschema));
}

static bool reserve(arena *a, bschema *s, uint32_t want)
{
	if (want <= s->cap)
		return true;
	uint32_t cap = s->cap ? s->cap * 2 : 8;
	while (cap < want)
		cap *= 2;
	bcol *cols = arena_alloc(a, cap * sizeof(*cols));
	if (!cols)
		return false;
	if (s->n)
		memcpy(cols, s->cols, s->n * sizeof(*cols));
	s->cols = cols;
	s->cap = cap;
	return true;
}

bschema *sch_copy(arena *a, const bschema *s)
{
	bschema *c = sch_new(a);
	if (!c || !reserve(a, c, s->n))
		return NULL;
	if (s->n)
		memcpy(c->cols, s->cols, s->n * sizeof(*c->cols));
	c->n = s->n;
	c->open = s->open;
	c->serialized = s->serialized;
	return c;
}

long sch_find(const bschema *s, const char *name, size_t len)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->cols[i].len == len && memcmp(s->cols[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

bool sch_append(arena *a, bschema *s, const char *name, size_t len, uint8_t type)
{
	if (!reserve(a, s, s->n + 1))
		return false;
	s->cols[s->n++] = (bcol){name, (uint32_t)len, type};
	return true;
}

bool sch_set(arena *a, bschema *s, const char *name, size_t len, uint8_t type)
{
	long i = sch_find(s, name, len);
	if (i >= 0) {
		s->cols[i].type = type;
		return true;
	}
	return sch_append(a, s, name, len, type);
}

bool sch_append_unique(arena *a, bschema *s, const char *name, size_t len, uint8_t type,
                       const char **used, uint32_t *used_len)
{
	if (sch_find(s, name, len) < 0) {
		if (used)
			*used = name, *used_len = (uint32_t)len;
		return sch_append(a, s, name, len, type);
	}
	char *buf = arena_alloc(a, len + 12);
	if (!buf)
		return false;
	for (unsigned k = 1;; k++) {
		int n = snprintf(buf, len + 12, "%.*s%u", (int)len, name, k);
		if (sch_find(s, buf, (size_t)n) < 0) {
			if (used)
				*used = buf, *used_len = (uint32_t)n;
			return sch_append(a, s, buf, (size_t)n, type);
		}
	}
}

void sch_remove(bschema *s, uint32_t i)
{
	if (i >= s->n)
		return;
	memmove(s->cols + i, s->cols + i + 1, (s->n - i - 1) * sizeof(*s->cols));
	s->n--;
}

const bcol *sch_closest(const bschema *s, const char *name, size_t len)
{
	const bcol *best = NULL;
	unsigned cap = diag_suggest_cap(len), best_d = cap + 1;
	for (uint32_t i = 0; i < s->n; i++) {
		unsigned d = diag_edit_distance(name, len, s->cols[i].name, s->cols[i].len, cap);
		if (d < best_d) {
			best_d = d;
			best = &s->cols[i];
		}
	}
	return best;
}
