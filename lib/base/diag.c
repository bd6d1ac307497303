/* diag.c -- error records, positions and "did you mean" distances. */
#include "diag.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_clear(diag *d)
{
	d->code = 0;
	d->has_span = false;
	d->off = d->len = 0;
	d->msg[0] = '\0';
}

static void diag_vset(diag *d, int code, const char *fmt, va_list ap)
{
	d->code = code;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
}

void diag_set(diag *d, int code, uint32_t off, uint32_t len, const char *fmt, ...)
{
	if (d->code)
		return;
	va_list ap;
	va_start(ap, fmt);
	diag_vset(d, code, fmt, ap);
	va_end(ap);
	d->has_span = true;
	d->off = off;
	d->len = len;
}

void diag_set_nospan(diag *d, int code, const char *fmt, ...)
{
	if (d->code)
		return;
	va_list ap;
	va_start(ap, fmt);
	diag_vset(d, code, fmt, ap);
	va_end(ap);
	d->has_span = false;
}

void diag_linecol(const char *text, size_t len, size_t off, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++; /* count characters, not UTF-8 continuation bytes */
		}
	}
	*line = l;
	*col = c;
}

unsigned diag_edit_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned cap)
{
	enum { MAXN = 64 };
	if (alen > MAXN || blen > MAXN)
		return cap + 1;
	if ((alen > blen ? alen - blen : blen - alen) > cap)
		return cap + 1;
	unsigned row[MAXN + 1];
	for (size_t j = 0; j <= blen; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= alen; i++) {
		unsigned diag_prev = row[0], best = (unsigned)i;
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= blen; j++) {
			unsigned up = row[j];
			unsigned cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
			unsigned v = diag_prev + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag_prev = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[blen] > cap ? cap + 1 : row[blen];
}

unsigned diag_suggest_cap(size_t len)
{
	return len <= 2 ? 0 : len <= 5 ? 1 : len <= 9 ? 2 : 3;
}
