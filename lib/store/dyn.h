/* dyn.h -- dynamic values in a compact binary form, one contiguous byte
 * string per value (no tree of heap nodes):
 *   0x00 null        0x01 false       0x02 true
 *   0x03 long  (8 bytes, little-endian)
 *   0x04 real  (8 bytes, IEEE, little-endian)
 *   0x05 string: varint byte length, UTF-8 bytes
 *   0x06 array:  u32 byte length of the body, u32 count, elements
 *   0x07 object: u32 byte length of the body, u32 count,
 *                then count times (varint key length, key bytes, value)
 * (u32: 4 bytes, little-endian; a value is at most 4 GiB)
 * Lengths let a reader skip a nested value without walking it. */
#ifndef KQ_DYN_H
#define KQ_DYN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum dyn_tag { DYN_NULL, DYN_FALSE, DYN_TRUE, DYN_LONG, DYN_REAL, DYN_STRING, DYN_ARRAY, DYN_OBJECT };

/* Encodes JSON text (RFC 8259; nesting up to 512 levels) onto out.
 * Returns true, or false (out unchanged past its old length) when the text
 * is not one JSON value; *bad_at then holds the offset of the problem. */
bool dyn_from_json(const char *s, size_t len, strbuf *out, size_t *bad_at);

/* Encodes a plain string as a dynamic string value. */
void dyn_from_string(const char *s, size_t len, strbuf *out);

/* Writes the value as compact JSON text. */
void dyn_to_json(const uint8_t *v, size_t len, strbuf *out);

/* The byte length of the encoded value starting at v (at most len), or 0
 * if it is malformed. */
size_t dyn_size(const uint8_t *v, size_t len);

/* ---- Reading (a value is `len` bytes at v; len 0 is a null) ---------- */

/* The value's tag (enum dyn_tag), DYN_NULL for len 0. */
int dyn_tag(const uint8_t *v, size_t len);
/* The payload of a scalar: false when the value has another tag. */
bool dyn_get_long(const uint8_t *v, size_t len, int64_t *out);
bool dyn_get_real(const uint8_t *v, size_t len, double *out);
bool dyn_get_string(const uint8_t *v, size_t len, const char **s, size_t *n);
/* Elements of an array or members of an object; 0 for anything else. */
uint32_t dyn_count(const uint8_t *v, size_t len);

/* Walks an array's elements or an object's members in order. */
typedef struct dyn_iter {
	const uint8_t *p, *e;
	uint32_t left;
	bool object;
} dyn_iter;
/* false when v is not an array or object. */
bool dyn_iter_init(dyn_iter *it, const uint8_t *v, size_t len);
/* The next element (key NULL for arrays); false at the end. */
bool dyn_iter_next(dyn_iter *it, const char **key, size_t *klen, const uint8_t **val, size_t *vlen);

/* An object's member by exact key; false when absent or v is no object. */
bool dyn_member(const uint8_t *v, size_t len, const char *key, size_t klen, const uint8_t **val, size_t *vlen);
/* An array's element i (negative counts from the end); false when out of range. */
bool dyn_index(const uint8_t *v, size_t len, int64_t i, const uint8_t **val, size_t *vlen);

/* ---- Building: values appended to a strbuf, containers nested ------- */

#define DYN_BUILD_DEPTH 64
typedef struct dyn_builder {
	strbuf *out;
	size_t start[DYN_BUILD_DEPTH]; /* offset of each open container's header */
	uint32_t count[DYN_BUILD_DEPTH];
	int depth;
	bool failed; /* too deep */
} dyn_builder;

void dynb_init(dyn_builder *b, strbuf *out);
void dynb_null(dyn_builder *b);
void dynb_bool(dyn_builder *b, bool v);
void dynb_long(dyn_builder *b, int64_t v);
void dynb_real(dyn_builder *b, double v);
void dynb_string(dyn_builder *b, const char *s, size_t n);
/* An already encoded value (len 0: null). */
void dynb_raw(dyn_builder *b, const uint8_t *v, size_t len);
/* Inside an object: the key of the next value. */
void dynb_key(dyn_builder *b, const char *k, size_t n);
void dynb_begin_array(dyn_builder *b);
void dynb_begin_object(dyn_builder *b);
void dynb_end(dyn_builder *b);

#endif
