/* column.c -- appending to typed columns. Arrays grow by doubling; the
 * validity bitmap appears with the first null (all earlier rows valid). */
#include "column.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

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

struct coldict {
	uint32_t *slots; /* entry + 1; 0 empty */
	uint64_t *hashes;
	size_t nslots, ecap; /* slots; entries the offsets and hashes hold */
};

static void building_free(column *c)
{
	if (c->building) {
		free(c->building->slots);
		free(c->building->hashes);
		free(c->building);
		c->building = NULL;
	}
}

void col_free(column *c)
{
	building_free(c);
	free(c->codes);
	free(c->name);
	free(c->v.any);
	free(c->valid);
	free(c->heap);
	memset(c, 0, sizeof(*c));
}

/* Back to the plain form (one offset per row) before a change. */
static int undict(column *c)
{
	if (!c->dict_width)
		return 0;
	building_free(c);
	size_t total = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t k = col_code(c, i);
		total += (size_t)(c->v.off[k + 1] - c->v.off[k]);
	}
	size_t cap = c->n ? c->n : 1;
	uint64_t *off = malloc((cap + 1) * sizeof(uint64_t));
	char *heap = malloc(total ? total : 1);
	if (!off || !heap) {
		free(off);
		free(heap);
		return KQLITE_NOMEM;
	}
	off[0] = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t len;
		const char *p = col_bytes(c, i, &len);
		if (len)
			memcpy(heap + off[i], p, len);
		off[i + 1] = off[i] + len;
	}
	free(c->v.off);
	free(c->heap);
	free(c->codes);
	c->v.off = off;
	c->heap = heap;
	c->heap_len = c->heap_cap = total ? total : 1;
	c->heap_len = total;
	c->cap = cap;
	c->codes = NULL;
	c->dict_width = 0;
	c->ndict = 0;
	return 0;
}

/* Room for one more row. */
static int grow(column *c)
{
	if (c->building) { /* codes grow; entries grow in dict_add */
		if (c->n < c->cap)
			return 0;
		size_t cap = c->cap ? c->cap * 2 : 64;
		uint16_t *codes = realloc(c->codes, cap * sizeof(uint16_t));
		if (!codes)
			return KQLITE_NOMEM;
		c->codes = codes;
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
	if (c->dict_width && undict(c))
		return KQLITE_NOMEM;
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

/* The entry of s (added when new) while building; -1 when out of memory,
 * -2 when the dictionary is full (the caller goes plain). */
static long dict_add(column *c, const char *s, size_t len)
{
	struct coldict *d = c->building;
	uint64_t h = XXH3_64bits(s, len);
	size_t at = h & (d->nslots - 1);
	for (uint32_t e; (e = d->slots[at]) != 0; at = (at + 1) & (d->nslots - 1)) {
		size_t el = (size_t)(c->v.off[e] - c->v.off[e - 1]);
		if (d->hashes[e - 1] == h && el == len && (len == 0 || !memcmp(c->heap + c->v.off[e - 1], s, len)))
			return (long)e - 1;
	}
	if (c->ndict == 65536)
		return -2;
	if (c->ndict + 1 >= d->ecap) {
		size_t cap = d->ecap * 2;
		uint64_t *off = realloc(c->v.off, (cap + 1) * sizeof(uint64_t));
		if (!off)
			return -1;
		c->v.off = off;
		uint64_t *hs = realloc(d->hashes, cap * sizeof(uint64_t));
		if (!hs)
			return -1;
		d->hashes = hs;
		d->ecap = cap;
	}
	if (c->heap_len + len > c->heap_cap) {
		size_t cap = c->heap_cap ? c->heap_cap : 256;
		while (cap < c->heap_len + len)
			cap *= 2;
		char *hp = realloc(c->heap, cap);
		if (!hp)
			return -1;
		c->heap = hp;
		c->heap_cap = cap;
	}
	if (len)
		memcpy(c->heap + c->heap_len, s, len);
	c->heap_len += len;
	size_t e = c->ndict++;
	c->v.off[e + 1] = c->heap_len;
	d->hashes[e] = h;
	d->slots[at] = (uint32_t)e + 1;
	if (c->ndict * 2 > d->nslots) { /* rehash */
		size_t ns = d->nslots * 2;
		uint32_t *slots = calloc(ns, sizeof(uint32_t));
		if (!slots)
			return -1;
		for (size_t k = 0; k < c->ndict; k++) {
			size_t a = d->hashes[k] & (ns - 1);
			while (slots[a])
				a = (a + 1) & (ns - 1);
			slots[a] = (uint32_t)k + 1;
		}
		free(d->slots);
		d->slots = slots;
		d->nslots = ns;
	}
	return (long)e;
}

int col_dict_start(column *c)
{
	if (c->type != KQLITE_TYPE_STRING || c->n || c->building)
		return 0;
	struct coldict *d = calloc(1, sizeof(*d));
	if (!d)
		return KQLITE_NOMEM;
	d->nslots = 64;
	d->ecap = 32;
	d->slots = calloc(d->nslots, sizeof(uint32_t));
	d->hashes = malloc(d->ecap * sizeof(uint64_t));
	uint64_t *off = realloc(c->v.off, (d->ecap + 1) * sizeof(uint64_t));
	if (!d->slots || !d->hashes || !off) {
		free(d->slots);
		free(d->hashes);
		free(d);
		if (off)
			c->v.off = off;
		return KQLITE_NOMEM;
	}
	c->v.off = off;
	c->v.off[0] = 0;
	c->building = d;
	c->dict_width = 2;
	c->ndict = 0;
	c->cap = 0;
	return 0;
}

/* Appends s (NULL: a null) while building; 1 when done, 0 when the
 * column had to go plain (the caller appends the plain way), <0 on OOM. */
static int dict_push(column *c, const char *s, size_t len)
{
	if (grow(c))
		return KQLITE_NOMEM;
	if (!c->building) /* grow went plain */
		return 0;
	long e = dict_add(c, s ? s : "", s ? len : 0);
	if (e == -1)
		return KQLITE_NOMEM;
	if (e == -2)
		return undict(c) ? KQLITE_NOMEM : 0;
	((uint16_t *)c->codes)[c->n] = (uint16_t)e;
	return 1;
}

int col_push_null(column *c)
{
	if (c->building) {
		if (!c->valid && make_bitmap(c))
			return KQLITE_NOMEM;
		int r = dict_push(c, NULL, 0);
		if (r < 0)
			return KQLITE_NOMEM;
		if (r == 1) {
			c->valid[c->n >> 6] &= ~(UINT64_C(1) << (c->n & 63));
			c->n++;
			c->nulls++;
			return 0;
		}
	}
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
	if (c->building) {
		int r = dict_push(c, s, len);
		if (r < 0)
			return KQLITE_NOMEM;
		if (r == 1) {
			set_valid(c, c->n);
			c->n++;
			return 0;
		}
	}
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
	if (c->building || (c->dict_width && undict(c))) { /* keep the dictionary; drop the codes past n */
		for (size_t i = n; i < c->n; i++)
			if (col_is_null(c, i))
				c->nulls--;
		c->n = n;
		return;
	}
	for (size_t i = n; i < c->n; i++)
		if (col_is_null(c, i))
			c->nulls--;
	if (is_bytes(c->type))
		c->heap_len = c->v.off[n];
	c->n = n;
}

size_t col_memory(const column *c)
{
	if (c->dict_width) {
		size_t m = (c->building ? c->cap : c->n) * c->dict_width + (c->ndict + 1) * sizeof(uint64_t) + c->heap_cap;
		if (c->building)
			m += c->building->nslots * 4 + c->building->ecap * 8;
		if (c->valid)
			m += (c->n + 63) / 64 * sizeof(uint64_t);
		return m;
	}
	size_t m = c->cap * width_of(c->type) + c->heap_cap;
	if (c->valid)
		m += (c->cap + 63) / 64 * sizeof(uint64_t);
	return m;
}

/* ---- finishing: trimmed arrays, dictionaries ------------------------------ */

static void trim(column *c)
{
	if (c->dict_width || c->cap <= c->n)
		return;
	size_t rows = c->n ? c->n : 1;
	size_t slots = is_bytes(c->type) ? rows + 1 : rows;
	void *v = realloc(c->v.any, slots * width_of(c->type));
	if (v) {
		c->v.any = v;
		c->cap = rows;
	}
	if (c->valid) {
		uint64_t *bits = realloc(c->valid, (rows + 63) / 64 * sizeof(uint64_t));
		if (bits)
			c->valid = bits;
	}
	if (is_bytes(c->type) && c->heap && c->heap_cap > c->heap_len) {
		char *h = realloc(c->heap, c->heap_len ? c->heap_len : 1);
		if (h) {
			c->heap = h;
			c->heap_cap = c->heap_len ? c->heap_len : 1;
		}
	}
}

enum { DICT_MAX = 65536 };

static int dict_encode(column *c)
{
	size_t n = c->n;
	if (c->type != KQLITE_TYPE_STRING || c->dict_width || n < 64)
		return 0;
	size_t nslots = 1024;
	uint32_t *slots = calloc(nslots, sizeof(uint32_t)); /* entry + 1 */
	uint32_t *first = malloc(DICT_MAX * sizeof(uint32_t)); /* a row holding each entry */
	uint64_t *hashes = malloc(DICT_MAX * sizeof(uint64_t));
	uint16_t *codes = malloc(n * sizeof(uint16_t));
	size_t nd = 0, bytes = 0;
	int rc = 0;
	if (!slots || !first || !hashes || !codes) {
		rc = KQLITE_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p = col_bytes(c, i, &len);
		uint64_t h = XXH3_64bits(p, len);
		size_t at = h & (nslots - 1);
		for (;;) {
			uint32_t e = slots[at];
			if (!e)
				break;
			size_t el;
			const char *ep = col_bytes(c, first[e - 1], &el);
			if (hashes[e - 1] == h && el == len && (len == 0 || !memcmp(ep, p, len)))
				break;
			at = (at + 1) & (nslots - 1);
		}
		if (!slots[at]) {
			/* a new value: give up when the dictionary would not pay */
			if (nd == DICT_MAX || nd * 2 > n)
				goto out;
			first[nd] = (uint32_t)i;
			hashes[nd] = h;
			bytes += len;
			slots[at] = (uint32_t)++nd;
			if (nd * 2 > nslots) { /* rehash */
				size_t ns = nslots * 2;
				uint32_t *bigger = calloc(ns, sizeof(uint32_t));
				if (!bigger) {
					rc = KQLITE_NOMEM;
					goto out;
				}
				for (size_t k = 0; k < nd; k++) {
					size_t a = hashes[k] & (ns - 1);
					while (bigger[a])
						a = (a + 1) & (ns - 1);
					bigger[a] = (uint32_t)(k + 1);
				}
				free(slots);
				slots = bigger;
				nslots = ns;
				at = SIZE_MAX; /* re-found below */
				size_t a = h & (ns - 1);
				while (slots[a] != nd)
					a = (a + 1) & (ns - 1);
				at = a;
			}
		}
		codes[i] = (uint16_t)(slots[at] - 1);
	}
	uint8_t width = nd <= 256 ? 1 : 2;
	size_t plain = (n + 1) * sizeof(uint64_t) + c->heap_len;
	size_t dict = n * width + (nd + 1) * sizeof(uint64_t) + bytes;
	if (dict >= plain)
		goto out;
	uint64_t *off = malloc((nd + 1) * sizeof(uint64_t));
	char *heap = malloc(bytes ? bytes : 1);
	void *packed = width == 1 ? malloc(n ? n : 1) : NULL;
	if (!off || !heap || (width == 1 && !packed)) {
		free(off), free(heap), free(packed);
		rc = KQLITE_NOMEM;
		goto out;
	}
	off[0] = 0;
	for (size_t k = 0; k < nd; k++) {
		size_t len;
		const char *p = col_bytes(c, first[k], &len);
		if (len)
			memcpy(heap + off[k], p, len);
		off[k + 1] = off[k] + len;
	}
	if (width == 1) {
		for (size_t i = 0; i < n; i++)
			((uint8_t *)packed)[i] = (uint8_t)codes[i];
	} else {
		packed = codes;
		uint16_t *fit = realloc(codes, (n ? n : 1) * sizeof(uint16_t));
		if (fit)
			packed = fit;
		codes = NULL;
	}
	free(c->v.off);
	free(c->heap);
	c->v.off = off;
	c->heap = heap;
	c->heap_len = bytes;
	c->heap_cap = bytes ? bytes : 1;
	c->codes = packed;
	c->dict_width = width;
	c->ndict = nd;
	c->cap = n;
out:
	free(slots);
	free(first);
	free(hashes);
	free(codes);
	return rc;
}

/* Ends a dictionary built while appending: 1-byte codes when they do,
 * the plain form when the dictionary does not pay. */
static int dict_end(column *c)
{
	building_free(c);
	size_t n = c->n, nd = c->ndict;
	size_t total = 0; /* the bytes of every row, as the plain form would hold them */
	for (size_t i = 0; i < n; i++) {
		size_t k = ((const uint16_t *)c->codes)[i];
		total += (size_t)(c->v.off[k + 1] - c->v.off[k]);
	}
	size_t plain = (n + 1) * sizeof(uint64_t) + total;
	uint8_t width = nd <= 256 ? 1 : 2;
	size_t dict = n * width + (nd + 1) * sizeof(uint64_t) + c->heap_len;
	if (n < 64 || dict >= plain)
		return undict(c);
	if (width == 1) {
		uint8_t *one = malloc(n ? n : 1);
		if (!one)
			return KQLITE_NOMEM;
		for (size_t i = 0; i < n; i++)
			one[i] = (uint8_t)((const uint16_t *)c->codes)[i];
		free(c->codes);
		c->codes = one;
	} else {
		uint16_t *fit = realloc(c->codes, (n ? n : 1) * sizeof(uint16_t));
		if (fit)
			c->codes = fit;
	}
	c->dict_width = width;
	c->cap = n;
	uint64_t *off = realloc(c->v.off, (nd + 1) * sizeof(uint64_t));
	if (off)
		c->v.off = off;
	char *h = c->heap_len ? realloc(c->heap, c->heap_len) : NULL;
	if (h) {
		c->heap = h;
		c->heap_cap = c->heap_len;
	}
	if (c->valid) {
		uint64_t *bits = realloc(c->valid, ((n ? n : 1) + 63) / 64 * sizeof(uint64_t));
		if (bits)
			c->valid = bits;
	}
	return 0;
}

int col_finish(column *c)
{
	if (c->building)
		return dict_end(c);
	trim(c);
	return dict_encode(c);
}
