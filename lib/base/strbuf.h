/* strbuf.h -- a growable NUL-terminated byte string. A failed allocation
 * sets `oom` and makes later appends no-ops, so callers check once. */
#ifndef KQ_STRBUF_H
#define KQ_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
} strbuf;

void sb_init(strbuf *b);
void sb_free(strbuf *b);
void sb_add(strbuf *b, const char *s, size_t len);
void sb_adds(strbuf *b, const char *s);
void sb_addc(strbuf *b, char c);
void sb_printf(strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends code point cp as UTF-8 (cp must be a scalar value). */
void sb_add_utf8(strbuf *b, uint32_t cp);
/* The value of a hex digit, or -1. */
int hex_digit(char c);
/* Hands the string to the caller (free with free()); NULL if oom. */
char *sb_take(strbuf *b);

#endif
