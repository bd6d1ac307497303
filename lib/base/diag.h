/* diag.h -- the one error type: a code, a message and a span in the
 * text the error is about. Line and column are derived when needed. */
#ifndef KQ_DIAG_H
#define KQ_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIAG_MSG_MAX 512

typedef struct diag {
	int code;          /* a kqlite_code; 0 when no error */
	bool has_span;
	uint32_t off, len; /* byte span in the source text */
	char msg[DIAG_MSG_MAX];
} diag;

void diag_clear(diag *d);
/* Sets the error unless one is already set (the first error wins). */
void diag_set(diag *d, int code, uint32_t off, uint32_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_set_nospan(diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 1-based line and column (in UTF-8 characters) of byte `off` in text. */
void diag_linecol(const char *text, size_t len, size_t off, unsigned *line, unsigned *col);

/* How far a name may be from another to be suggested for it: short
 * names get fewer edits (Nope is not Type). */
unsigned diag_suggest_cap(size_t len);

/* Edit distance (case-insensitive ASCII), capped: returns cap+1 when the
 * distance exceeds cap. For "did you mean" suggestions. */
unsigned diag_edit_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned cap);

#endif
