/* column.c -- appending to typed columns. Arrays grow by doubling; the
 * validity bitmap appears with the first null (all earlier rows valid). */
#include "column.h"

#include <stdlib.h>
#include <string.h>

static size_t width_of(kqlite_type t)
{
	switch (t) {
	case KQLITE_TYPE_BOOL: return 1;
	case KQLITE_TYPE_INT: return 4;
	case KQLITE_TYPE_GUID: return 16;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: return 8; /* offsets */
	default: return 8;                  /* long, datetime, timespan, real, decimal */
	}
}

static bool is_bytes(kqlite_type t)
{
	return t == KQLITE_TYPE_STRING || t == KQLITE_TYPE_DYNAMIC;
}

int col_init(column *c, const char *name, size_t len, kqlite_type type)
{
	memset(c, 0, sizeof(*c));
	c->name = malloc(len + 1);
	if (!c->name)
		return KQLITE_NOMEM;
	memcpy(c->name, name, len);
	c->name[len] = '\0';
	c->type = type;
	if (is_bytes(type)) {
		c->v.off = calloc(1, sizeof(uint64_t)); /* off[0] = 0 */
		if (!c->v.off) {
			free(c->name);
			return KQLITE_NOMEM;
		}
	}
	return 0;
}

void col_free(column *c)
{
	free(c->name);
	free(c->v.any);
	free(c->valid);
	free(c->heap);
	memset(c, 0, sizeof(*c));
}

/* Room for one more row. */
static int grow(column *c)
{
	if (c->n < c->cap)
		return 0;
	size_t cap = c->cap ? c->cap * 2 : 64;
	size_t w = width_of(c->type);
	size_t slots = is_bytes(c->type) ? cap + 1 : cap;
	if (cap > SIZE_MAX / 2 / w)
		return KQLITE_NOMEM;
	void *v = realloc(c->v.any, slots * w);
	if (!v)
		return KQLITE_NOMEM;
	c->v.any = v;
	if (c->valid) {
		uint64_t *bits = realloc(c->valid, (cap + 63) / 64 * sizeof(uint64_t));
		if (!bits)
			return KQLITE_NOMEM;
		memset(bits + (c->cap + 63) / 64, 0, ((cap + 63) / 64 - (c->cap + 63) / 64) * sizeof(uint64_t));
		c->valid = bits;
	}
	c->cap = cap;
	return 0;
}

static void set_valid(column *c, size_t i)
{
	if (c->valid)
		c->valid[i >> 6] |= UINT64_C(1) << (i & 63);
}

/* The first null: every row before it had a value. */
static int make_bitmap(column *c)
{
	size_t words = (c->cap + 63) / 64;
	c->valid = calloc(words ? words : 1, sizeof(uint64_t));
	if (!c->valid)
		return KQLITE_NOMEM;
	for (size_t i = 0; i < c->n; i++)
		c->valid[i >> 6] |= UINT64_C(1) << (i & 63);
	return 0;
}

int col_push_null(column *c)
{
	if (grow(c) || (!c->valid && make_bitmap(c)))
		return KQLITE_NOMEM;
	size_t i = c->n;
	c->valid[i >> 6] &= ~(UINT64_C(1) << (i & 63));
	switch (c->type) {
	case KQLITE_TYPE_BOOL: c->v.b[i] = 0; break;
	case KQLITE_TYPE_INT: c->v.i32[i] = 0; break;
	case KQLITE_TYPE_GUID: memset(c->v.guid + 16 * i, 0, 16); break;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: c->v.off[i + 1] = c->v.off[i]; break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: c->v.f64[i] = 0; break;
	default: c->v.i64[i] = 0;
	}
	c->n++;
	c->nulls++;
	return 0;
}

#define PUSH(field, value)              \
	do {                            \
		if (grow(c))            \
			return KQLITE_NOMEM; \
		c->v.field[c->n] = (value); \
		set_valid(c, c->n);     \
		c->n++;                 \
		return 0;               \
	} while (0)

int col_push_bool(column *c, bool v)
{
	PUSH(b, v ? 1 : 0);
}

int col_push_int(column *c, int32_t v)
{
	PUSH(i32, v);
}

int col_push_long(column *c, int64_t v)
{
	PUSH(i64, v);
}

int col_push_real(column *c, double v)
{
	PUSH(f64, v);
}

int col_push_guid(column *c, const uint8_t v[16])
{
	if (grow(c))
		return KQLITE_NOMEM;
	memcpy(c->v.guid + 16 * c->n, v, 16);
	set_valid(c, c->n);
	c->n++;
	return 0;
}

int col_push_bytes(column *c, const char *s, size_t len)
{
	if (grow(c))
		return KQLITE_NOMEM;
	if (c->heap_len + len > c->heap_cap) {
		size_t cap = c->heap_cap ? c->heap_cap : 256;
		while (cap < c->heap_len + len) {
			if (cap > SIZE_MAX / 2)
				return KQLITE_NOMEM;
			cap *= 2;
		}
		char *h = realloc(c->heap, cap);
		if (!h)
			return KQLITE_NOMEM;
		c->heap = h;
		c->heap_cap = cap;
	}
	if (len)
		memcpy(c->heap + c->heap_len, s, len);
	c->heap_len += len;
	c->v.off[c->n + 1] = c->heap_len;
	set_valid(c, c->n);
	c->n++;
	return 0;
}

int col_push_from(column *c, const column *src, size_t i)
{
	if (col_is_null(src, i))
		return col_push_null(c);
	size_t len;
	switch (src->type) {
	case KQLITE_TYPE_BOOL: return col_push_bool(c, src->v.b[i]);
	case KQLITE_TYPE_INT: return col_push_int(c, src->v.i32[i]);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: return col_push_real(c, src->v.f64[i]);
	case KQLITE_TYPE_GUID: return col_push_guid(c, src->v.guid + 16 * i);
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: {
		const char *s = col_bytes(src, i, &len);
		return col_push_bytes(c, s, len);
	}
	default: return col_push_long(c, src->v.i64[i]);
	}
}

void col_truncate(column *c, size_t n)
{
	if (n >= c->n)
		return;
	for (size_t i = n; i < c->n; i++)
		if (col_is_null(c, i))
			c->nulls--;
	if (is_bytes(c->type))
		c->heap_len = c->v.off[n];
	c->n = n;
}

size_t col_memory(const column *c)
{
	size_t m = c->cap * width_of(c->type) + c->heap_cap;
	if (c->valid)
		m += (c->cap + 63) / 64 * sizeof(uint64_t);
	return m;
}
