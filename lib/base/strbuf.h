/* strbuf.h -- a growable NUL-terminated byte string. A failed allocation
 * sets `oom` and makes later appends no-ops, so callers check once. */
#ifndef KQ_STRBUF_H
#define KQ_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
/* Hands the string to the caller (free with free()); NULL if oom. */
char *sb_take(strbuf *b);

#endif
