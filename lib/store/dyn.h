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

#endif
