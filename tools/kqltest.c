/* kqltest.c -- `kqlite test FILE...`: runs .kqltest files (docs/kqltest.md).
 *
 * A file is parsed whole before anything runs, so a malformed file runs no
 * case (exit 2). Its records then run top to bottom against one database:
 * `table` blocks are built through kqlite_table_create/append_row, `load`
 * goes through kqlite_load, and each `query` is prepared once and run at
 * every batch size asked for. A result is compared type-exactly with the
 * expectation (columns' names and types, then rows, in order or as a
 * multiset); a failure prints the case's FILE:LINE, the query and a line
 * diff of expected against actual rows. The run ends with one line,
 * `N passed, N failed`. Uses only the public header kqlite.h and libc. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"
#include "kqltest.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };
enum { MAX_BATCH_SIZES = 16, DIFF_CONTEXT = 3, MAX_SHOWN_ROWS = 20, MAX_DIFF_LINES = 200, JSON_MAX_DEPTH = 256 };
#define TICKS_PER_SECOND INT64_C(10000000)
#define TICKS_PER_DAY (INT64_C(86400) * TICKS_PER_SECOND)
#define DATETIME_MAX_TICKS INT64_C(3155378975999999999) /* 9999-12-31T23:59:59.9999999 */

static const char usage_text[] =
	"usage: kqlite test [--batch-rows LIST] [-v | --verbose] [--] FILE...\n"
	"\n"
	"Runs the test cases of .kqltest files (docs/kqltest.md): each query's\n"
	"result must have the expected columns (names and types) and rows, or\n"
	"the query must fail with the expected error. A failure prints the\n"
	"case's FILE:LINE, the query and a diff (- expected, + actual). The\n"
	"last line is 'N passed, N failed'.\n"
	"\n"
	"  --batch-rows LIST   run each case at these batch sizes, e.g. 1,3,0\n"
	"                      (0 is the engine's default; the default LIST is 0)\n"
	"  -v, --verbose       also print 'FILE:LINE: ok' for passing cases\n"
	"\n"
	"Exit codes: 0 all passed, 1 a case failed, 2 bad usage or a file that\n"
	"cannot be read, is malformed, or whose tables do not load.\n";

/* ---- Memory: a pool of allocations freed at once, and a string buffer ---- */

typedef struct pblock {
	struct pblock *next;
	max_align_t data[];
} pblock;

typedef struct pool {
	pblock *head;
	bool oom;
} pool;

static void *palloc(pool *p, size_t n)
{
	if (n > SIZE_MAX / 2) {
		p->oom = true;
		return NULL;
	}
	pblock *b = malloc(sizeof(pblock) + (n ? n : 1));
	if (!b) {
		p->oom = true;
		return NULL;
	}
	b->next = p->head;
	p->head = b;
	return b->data;
}

/* A NUL-terminated copy of n bytes. */
static char *pstrndup(pool *p, const char *s, size_t n)
{
	char *d = palloc(p, n + 1);
	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Grows *arr (of *cap elements of size elem) to hold at least need. */
static bool pgrow(pool *p, void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem) {
			p->oom = true;
			return false;
		}
		ncap *= 2;
	}
	void *n = palloc(p, ncap * elem);
	if (!n)
		return false;
	if (*cap)
		memcpy(n, *arr, *cap * elem);
	*arr = n;
	*cap = ncap;
	return true;
}

static void pool_free(pool *p)
{
	while (p->head) {
		pblock *n = p->head->next;
		free(p->head);
		p->head = n;
	}
	p->oom = false;
}

typedef struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		while (ncap < b->n + n + 1) {
			if (ncap > SIZE_MAX / 2) {
				b->oom = true;
				return;
			}
			ncap *= 2;
		}
		char *np = realloc(b->p, ncap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_adds(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }
static void sb_addc(sbuf *b, char c) { sb_add(b, &c, 1); }

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sb_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

static const char *sb_str(const sbuf *b) { return b->p && !b->oom ? b->p : ""; }
static void sb_clear(sbuf *b) { b->n = 0, b->oom = false; if (b->p) b->p[0] = '\0'; }
static void sb_free(sbuf *b) { free(b->p); b->p = NULL, b->n = b->cap = 0, b->oom = false; }

/* ---- Small text helpers --------------------------------------------------- */

static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static bool eq_word(const char *s, size_t n, const char *w) { return strlen(w) == n && memcmp(s, w, n) == 0; }

static bool eq_word_ci(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)w[i]))
			return false;
	return true;
}

static bool is_identifier(const char *s, size_t n)
{
	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alpha((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
			return false;
	return true;
}

/* A short excerpt of a text for messages: at most 40 bytes, then "...". */
static void excerpt(char *buf, size_t size, const char *s, size_t n)
{
	int shown = n > 40 ? 40 : (int)n;
	snprintf(buf, size, "%.*s%s", shown, s, n > 40 ? "..." : "");
}

/* ---- Types --------------------------------------------------------------- */

static const struct {
	const char *name;
	kqlite_type type;
} type_names[] = {
	{"bool", KQLITE_TYPE_BOOL},         {"boolean", KQLITE_TYPE_BOOL},
	{"int", KQLITE_TYPE_INT},           {"int32", KQLITE_TYPE_INT},
	{"long", KQLITE_TYPE_LONG},         {"int64", KQLITE_TYPE_LONG},
	{"real", KQLITE_TYPE_REAL},         {"double", KQLITE_TYPE_REAL},
	{"decimal", KQLITE_TYPE_DECIMAL},   {"string", KQLITE_TYPE_STRING},
	{"datetime", KQLITE_TYPE_DATETIME}, {"date", KQLITE_TYPE_DATETIME},
	{"timespan", KQLITE_TYPE_TIMESPAN}, {"time", KQLITE_TYPE_TIMESPAN},
	{"guid", KQLITE_TYPE_GUID},         {"uniqueid", KQLITE_TYPE_GUID},
	{"dynamic", KQLITE_TYPE_DYNAMIC},
};

static bool type_from_name(const char *s, size_t n, kqlite_type *out)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (eq_word(s, n, type_names[i].name)) {
			*out = type_names[i].type;
			return true;
		}
	}
	return false;
}

/* ---- datetime and timespan ------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

#define DAYS_0001_TO_1970 INT64_C(719162)

/* Reads exactly `digits` decimal digits at s[*i]. */
static bool fixed_digits(const char *s, size_t n, size_t *i, int digits, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < digits; k++) {
		if (*i >= n || !is_digit((unsigned char)s[*i]))
			return false;
		v = v * 10 + (unsigned)(s[(*i)++] - '0');
	}
	*out = v;
	return true;
}

/* A fraction of a second after '.': its first 7 digits in ticks (the rest is
 * truncated, as KQL does). */
static bool fraction_ticks(const char *s, size_t n, size_t *i, int64_t *out)
{
	int64_t v = 0;
	int k = 0;
	if (*i >= n || !is_digit((unsigned char)s[*i]))
		return false;
	for (; *i < n && is_digit((unsigned char)s[*i]); (*i)++, k++)
		if (k < 7)
			v = v * 10 + (s[*i] - '0');
	for (; k < 7; k++)
		v *= 10;
	*out = v;
	return true;
}

/* YYYY-MM-DD[(T| )hh:mm[:ss[.fffffff]]][Z] in UTC. */
static bool parse_datetime(const char *s, size_t n, int64_t *ticks)
{
	size_t i = 0;
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	int64_t frac = 0;
	if (!fixed_digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || !fixed_digits(s, n, &i, 2, &mo) ||
	    i >= n || s[i++] != '-' || !fixed_digits(s, n, &i, 2, &d))
		return false;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		while (i < n && s[i] == ' ')
			i++;
		if (i < n && (s[i] == 'T' || s[i] == 't'))
			i++;
		if (!fixed_digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || !fixed_digits(s, n, &i, 2, &mi))
			return false;
		if (i < n && s[i] == ':') {
			i++;
			if (!fixed_digits(s, n, &i, 2, &se))
				return false;
			if (i < n && s[i] == '.') {
				i++;
				if (!fraction_ticks(s, n, &i, &frac))
					return false;
			}
		}
	}
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (s[i] == 'Z' || s[i] == 'z'))
		i++;
	if (i != n)
		return false;
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h > 23 || mi > 59 || se > 59)
		return false;
	int64_t days = days_from_civil(y, mo, d) + DAYS_0001_TO_1970;
	*ticks = days * TICKS_PER_DAY + ((int64_t)h * 3600 + mi * 60 + se) * TICKS_PER_SECOND + frac;
	return true;
}

static void format_datetime(sbuf *b, int64_t ticks)
{
	if (ticks < 0 || ticks > DATETIME_MAX_TICKS) {
		sb_printf(b, "<datetime out of range: %lld ticks>", (long long)ticks);
		return;
	}
	int64_t days = ticks / TICKS_PER_DAY, rem = ticks % TICKS_PER_DAY;
	int64_t y;
	unsigned m, d;
	civil_from_days(days - DAYS_0001_TO_1970, &y, &m, &d);
	int64_t secs = rem / TICKS_PER_SECOND, frac = rem % TICKS_PER_SECOND;
	sb_printf(b, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d, (int)(secs / 3600),
	          (int)(secs / 60 % 60), (int)(secs % 60));
	if (frac) {
		char f[8];
		snprintf(f, sizeof(f), "%07lld", (long long)frac);
		int len = 7;
		while (f[len - 1] == '0')
			len--;
		sb_printf(b, ".%.*s", len, f);
	}
	sb_addc(b, 'Z');
}

static const struct {
	const char *name;
	int64_t ticks;
} timespan_units[] = {
	{"d", TICKS_PER_DAY},
	{"day", TICKS_PER_DAY},
	{"days", TICKS_PER_DAY},
	{"h", 3600 * TICKS_PER_SECOND},
	{"hr", 3600 * TICKS_PER_SECOND},
	{"hrs", 3600 * TICKS_PER_SECOND},
	{"hour", 3600 * TICKS_PER_SECOND},
	{"hours", 3600 * TICKS_PER_SECOND},
	{"m", 60 * TICKS_PER_SECOND},
	{"min", 60 * TICKS_PER_SECOND},
	{"minute", 60 * TICKS_PER_SECOND},
	{"minutes", 60 * TICKS_PER_SECOND},
	{"s", TICKS_PER_SECOND},
	{"sec", TICKS_PER_SECOND},
	{"second", TICKS_PER_SECOND},
	{"seconds", TICKS_PER_SECOND},
	{"ms", 10000},
	{"milli", 10000},
	{"millis", 10000},
	{"millisecond", 10000},
	{"milliseconds", 10000},
	{"microsecond", 10},
	{"microseconds", 10},
	{"tick", 1},
	{"ticks", 1},
};

/* [-][d.]hh:mm[:ss[.fffffff]], or a KQL literal N[.F]UNIT (2d, 1.5h, 100ms,
 * 1tick); with days_default a bare number is days, as in timespan(2). */
static bool parse_timespan(const char *s, size_t n, bool days_default, int64_t *ticks)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	size_t start = i;
	uint64_t whole = 0;
	while (i < n && is_digit((unsigned char)s[i])) {
		if (whole > (UINT64_C(1) << 62) / 10)
			return false;
		whole = whole * 10 + (uint64_t)(s[i++] - '0');
	}
	if (i == start)
		return false;
	uint64_t total;
	if (memchr(s, ':', n)) { /* [d.]hh:mm[:ss[.f]] */
		uint64_t days = 0, h = whole;
		unsigned hh, mm, ss = 0;
		int64_t frac = 0;
		if (i < n && s[i] == '.') {
			i++;
			days = whole;
			if (!fixed_digits(s, n, &i, 2, &hh))
				return false;
			h = hh;
		} else if (i - start > 2) {
			return false;
		}
		if (i >= n || s[i++] != ':' || !fixed_digits(s, n, &i, 2, &mm))
			return false;
		if (i < n && s[i] == ':') {
			i++;
			if (!fixed_digits(s, n, &i, 2, &ss))
				return false;
			if (i < n && s[i] == '.') {
				i++;
				if (!fraction_ticks(s, n, &i, &frac))
					return false;
			}
		}
		if (i != n || h > 23 || mm > 59 || ss > 59 || days > (uint64_t)(INT64_MAX / TICKS_PER_DAY) - 1)
			return false;
		total = days * (uint64_t)TICKS_PER_DAY + (h * 3600 + mm * 60 + ss) * (uint64_t)TICKS_PER_SECOND +
		        (uint64_t)frac;
	} else { /* N[.F]UNIT */
		int64_t frac = 0;
		int fdigits = 0;
		if (i < n && s[i] == '.') {
			i++;
			if (i >= n || !is_digit((unsigned char)s[i]))
				return false;
			for (; i < n && is_digit((unsigned char)s[i]); i++, fdigits++)
				if (fdigits < 7)
					frac = frac * 10 + (s[i] - '0');
			if (fdigits > 7)
				fdigits = 7;
		}
		int64_t unit = 0;
		if (i == n && days_default) {
			unit = TICKS_PER_DAY;
		} else {
			for (size_t u = 0; u < sizeof(timespan_units) / sizeof(timespan_units[0]); u++)
				if (eq_word_ci(s + i, n - i, timespan_units[u].name))
					unit = timespan_units[u].ticks;
		}
		if (!unit || whole > (uint64_t)INT64_MAX / (uint64_t)unit)
			return false;
		int64_t pow10 = 1;
		for (int k = 0; k < fdigits; k++)
			pow10 *= 10;
		total = whole * (uint64_t)unit + (uint64_t)(frac * unit / pow10); /* frac < 1e7: no overflow */
	}
	if (total > (uint64_t)INT64_MAX)
		return false;
	*ticks = neg ? -(int64_t)total : (int64_t)total;
	return true;
}

static void format_timespan(sbuf *b, int64_t ticks)
{
	uint64_t t = ticks < 0 ? 0 - (uint64_t)ticks : (uint64_t)ticks;
	if (ticks < 0)
		sb_addc(b, '-');
	uint64_t days = t / (uint64_t)TICKS_PER_DAY, rem = t % (uint64_t)TICKS_PER_DAY;
	uint64_t secs = rem / (uint64_t)TICKS_PER_SECOND, frac = rem % (uint64_t)TICKS_PER_SECOND;
	if (days)
		sb_printf(b, "%llu.", (unsigned long long)days);
	sb_printf(b, "%02u:%02u:%02u", (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
	if (frac)
		sb_printf(b, ".%07llu", (unsigned long long)frac);
}

/* ---- guid ------------------------------------------------------------------ */

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx or 32 hex digits, bytes in text order. */
static bool parse_guid(const char *s, size_t n, unsigned char out[16])
{
	bool dashed = n == 36;
	if (!dashed && n != 32)
		return false;
	size_t pos = 0;
	for (int i = 0; i < 16; i++) {
		if (dashed && (i == 4 || i == 6 || i == 8 || i == 10) && s[pos++] != '-')
			return false;
		int hi = hex_value((unsigned char)s[pos]), lo = hex_value((unsigned char)s[pos + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
		pos += 2;
	}
	return true;
}

static void format_guid(sbuf *b, const unsigned char g[16])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			sb_addc(b, '-');
		sb_addc(b, hex[g[i] >> 4]);
		sb_addc(b, hex[g[i] & 15]);
	}
}

/* ---- numbers ------------------------------------------------------------------ */

static bool parse_long(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == n)
		return false;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static bool parse_real(const char *s, size_t n, double *out)
{
	const char *t = s;
	size_t m = n;
	bool neg = false;
	if (m && (*t == '-' || *t == '+'))
		neg = *t == '-', t++, m--;
	if (eq_word_ci(t, m, "nan") && !neg && t == s) {
		*out = NAN;
		return true;
	}
	if (eq_word_ci(t, m, "inf") || eq_word_ci(t, m, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return true;
	}
	/* digits, one '.', an exponent: nothing strtod would read beyond that */
	char buf[64];
	if (n == 0 || n >= sizeof(buf))
		return false;
	bool digits = false;
	size_t i = s[0] == '-' || s[0] == '+';
	for (; i < n && is_digit((unsigned char)s[i]); i++)
		digits = true;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit((unsigned char)s[i]); i++)
			digits = true;
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (i >= n || !is_digit((unsigned char)s[i]))
			return false;
		while (i < n && is_digit((unsigned char)s[i]))
			i++;
	}
	if (i != n)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* The shortest of %.15g..%.17g that reads back exactly. */
static void format_real(sbuf *b, double d)
{
	if (isnan(d)) {
		sb_adds(b, "nan");
		return;
	}
	if (isinf(d)) {
		sb_adds(b, d < 0 ? "-inf" : "inf");
		return;
	}
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	sb_adds(b, buf);
}

/* ---- strings ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0xFF >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static void put_utf8(sbuf *b, unsigned cp)
{
	char u[4];
	if (cp < 0x80) {
		sb_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F));
		sb_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 0x3F)), u[2] = (char)(0x80 | (cp & 0x3F));
		sb_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F));
		sb_add(b, u, 4);
	}
}

/* The canonical quoted spelling of bytes: "..." with \" \\ \n \r \t, and
 * \xNN for other control bytes and bytes that are not valid UTF-8. */
static void format_string(sbuf *b, const char *s, size_t n)
{
	sb_addc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = utf8_len((const unsigned char *)s + i, n - i);
		if (c == '"' || c == '\\') {
			sb_addc(b, '\\');
			sb_addc(b, (char)c);
		} else if (c == '\n') {
			sb_adds(b, "\\n");
		} else if (c == '\r') {
			sb_adds(b, "\\r");
		} else if (c == '\t') {
			sb_adds(b, "\\t");
		} else if (c < 0x20 || c == 0x7F || len == 0) {
			sb_printf(b, "\\x%02X", c);
		} else {
			sb_add(b, s + i, len);
			i += len;
			continue;
		}
		i++;
	}
	sb_addc(b, '"');
}

/* Reads \uXXXX at s[*i] (after the "\u"); 4 hex digits. */
static bool hex4(const char *s, size_t n, size_t *i, unsigned *out)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		int h = *i < n ? hex_value((unsigned char)s[*i]) : -1;
		if (h < 0)
			return false;
		v = v << 4 | (unsigned)h;
		(*i)++;
	}
	*out = v;
	return true;
}

/* A \u escape (the "\u" read), with a following low surrogate if any; a lone
 * surrogate becomes U+FFFD. */
static bool unicode_escape(const char *s, size_t n, size_t *i, sbuf *out)
{
	unsigned cp;
	if (!hex4(s, n, i, &cp))
		return false;
	if (cp >= 0xD800 && cp <= 0xDBFF && *i + 1 < n && s[*i] == '\\' && s[*i + 1] == 'u') {
		size_t j = *i + 2;
		unsigned lo;
		if (hex4(s, n, &j, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			*i = j;
		}
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	put_utf8(out, cp);
	return true;
}

/* A quoted string literal filling all of s: "..." or '...' with escapes.
 * Its bytes go to out. */
static bool parse_string(const char *s, size_t n, sbuf *out, const char **why)
{
	if (n < 2 || (s[0] != '"' && s[0] != '\'') || s[n - 1] != s[0]) {
		*why = "a string is quoted: \"...\" (write null for a null)";
		return false;
	}
	char q = s[0];
	size_t i = 1;
	for (; i < n - 1; i++) {
		char c = s[i];
		if (c == q) {
			*why = "a quote inside the string must be escaped";
			return false;
		}
		if (c != '\\') {
			sb_addc(out, c);
			continue;
		}
		if (++i >= n - 1) {
			*why = "the string ends in a lone backslash";
			return false;
		}
		switch (s[i]) {
		case '"': case '\'': case '\\': case '/': sb_addc(out, s[i]); break;
		case 'n': sb_addc(out, '\n'); break;
		case 'r': sb_addc(out, '\r'); break;
		case 't': sb_addc(out, '\t'); break;
		case '0': sb_addc(out, '\0'); break;
		case 'x': {
			int hi = i + 2 < n - 1 ? hex_value((unsigned char)s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*why = "\\x takes two hex digits";
				return false;
			}
			sb_addc(out, (char)(hi << 4 | lo));
			i += 2;
			break;
		}
		case 'u': {
			size_t j = i + 1;
			if (!unicode_escape(s, n - 1, &j, out)) {
				*why = "\\u takes four hex digits";
				return false;
			}
			i = j - 1;
			break;
		}
		default:
			*why = "unknown escape (use \\\" \\' \\\\ \\n \\r \\t \\0 \\uXXXX \\xNN)";
			return false;
		}
	}
	return true;
}

/* ---- JSON: canonical text (compact, object keys sorted, numbers normalised) --- */

typedef struct jparse {
	const char *s;
	size_t n, i;
	int depth;
} jparse;

static void j_ws(jparse *j)
{
	while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' || j->s[j->i] == '\r'))
		j->i++;
}

static bool j_value(jparse *j, sbuf *out);

/* A JSON string at j->i (at its quote): its canonical spelling to out. */
static bool j_string(jparse *j, sbuf *out)
{
	sbuf raw = {0};
	j->i++; /* the opening quote */
	bool ok = false;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c == '"') {
			j->i++;
			ok = true;
			break;
		}
		if (c < 0x20)
			break;
		if (c != '\\') {
			sb_addc(&raw, (char)c);
			j->i++;
			continue;
		}
		if (++j->i >= j->n)
			break;
		char e = j->s[j->i++];
		const char *map = strchr("\"\\/bfnrt", e);
		if (e == 'u') {
			if (!unicode_escape(j->s, j->n, &j->i, &raw))
				break;
		} else if (map && e) {
			static const char to[] = "\"\\/\b\f\n\r\t";
			sb_addc(&raw, to[map - "\"\\/bfnrt"]);
		} else {
			break;
		}
	}
	if (ok) {
		/* JSON escapes: control characters as \u00XX */
		sb_addc(out, '"');
		for (size_t k = 0; k < raw.n; k++) {
			unsigned char c = (unsigned char)raw.p[k];
			if (c == '"' || c == '\\') {
				sb_addc(out, '\\');
				sb_addc(out, (char)c);
			} else if (c == '\n') {
				sb_adds(out, "\\n");
			} else if (c == '\r') {
				sb_adds(out, "\\r");
			} else if (c == '\t') {
				sb_adds(out, "\\t");
			} else if (c < 0x20) {
				sb_printf(out, "\\u%04x", c);
			} else {
				sb_addc(out, (char)c);
			}
		}
		sb_addc(out, '"');
	}
	sb_free(&raw);
	return ok;
}

static bool j_number(jparse *j, sbuf *out)
{
	size_t st = j->i;
	bool integral = true;
	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i >= j->n || !is_digit((unsigned char)j->s[j->i]))
		return false;
	if (j->s[j->i] == '0')
		j->i++;
	else
		while (j->i < j->n && is_digit((unsigned char)j->s[j->i]))
			j->i++;
	if (j->i < j->n && j->s[j->i] == '.') {
		integral = false;
		j->i++;
		if (j->i >= j->n || !is_digit((unsigned char)j->s[j->i]))
			return false;
		while (j->i < j->n && is_digit((unsigned char)j->s[j->i]))
			j->i++;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		integral = false;
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '-' || j->s[j->i] == '+'))
			j->i++;
		if (j->i >= j->n || !is_digit((unsigned char)j->s[j->i]))
			return false;
		while (j->i < j->n && is_digit((unsigned char)j->s[j->i]))
			j->i++;
	}
	int64_t l;
	if (integral && parse_long(j->s + st, j->i - st, &l)) {
		sb_printf(out, "%lld", (long long)l);
		return true;
	}
	double d;
	if (!parse_real(j->s + st, j->i - st, &d))
		return false;
	double a = d < 0 ? -d : d;
	if (a <= 9007199254740992.0 && a == (double)(int64_t)a)
		sb_printf(out, "%lld", (long long)d); /* 1.0 reads as 1: JSON text cannot keep them apart */
	else
		format_real(out, d);
	return true;
}

typedef struct jmember {
	char *key; /* canonical quoted text */
	char *val; /* canonical JSON */
} jmember;

static int jmember_cmp(const void *a, const void *b)
{
	const jmember *x = a, *y = b;
	return strcmp(x->key, y->key);
}

static bool j_object(jparse *j, sbuf *out)
{
	jmember *m = NULL;
	size_t nm = 0, cap = 0;
	bool ok = false;
	j->i++; /* { */
	j_ws(j);
	if (j->i < j->n && j->s[j->i] == '}') {
		j->i++;
		ok = true;
	}
	while (!ok && j->i < j->n) {
		if (j->s[j->i] != '"')
			break;
		sbuf k = {0}, v = {0};
		bool good = j_string(j, &k);
		j_ws(j);
		good = good && j->i < j->n && j->s[j->i] == ':';
		if (good) {
			j->i++;
			j_ws(j);
			good = j_value(j, &v) && !k.oom && !v.oom;
		}
		if (good && nm == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			jmember *nmb = realloc(m, ncap * sizeof(*m));
			if (nmb)
				m = nmb, cap = ncap;
			else
				good = false;
		}
		if (!good) {
			sb_free(&k);
			sb_free(&v);
			break;
		}
		m[nm].key = k.p;
		m[nm].val = v.p;
		nm++;
		j_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			j_ws(j);
			continue;
		}
		if (j->i < j->n && j->s[j->i] == '}') {
			j->i++;
			ok = true;
		}
		break;
	}
	if (ok) {
		if (nm > 1)
			qsort(m, nm, sizeof(*m), jmember_cmp);
		sb_addc(out, '{');
		for (size_t i = 0; i < nm; i++) {
			if (i)
				sb_addc(out, ',');
			sb_adds(out, m[i].key);
			sb_addc(out, ':');
			sb_adds(out, m[i].val);
		}
		sb_addc(out, '}');
	}
	for (size_t i = 0; i < nm; i++) {
		free(m[i].key);
		free(m[i].val);
	}
	free(m);
	return ok;
}

static bool j_array(jparse *j, sbuf *out)
{
	j->i++; /* [ */
	sb_addc(out, '[');
	j_ws(j);
	if (j->i < j->n && j->s[j->i] == ']') {
		j->i++;
		sb_addc(out, ']');
		return true;
	}
	for (bool first = true;; first = false) {
		if (!first)
			sb_addc(out, ',');
		if (!j_value(j, out))
			return false;
		j_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			j_ws(j);
			continue;
		}
		if (j->i < j->n && j->s[j->i] == ']') {
			j->i++;
			sb_addc(out, ']');
			return true;
		}
		return false;
	}
}

static bool j_value(jparse *j, sbuf *out)
{
	if (j->i >= j->n || ++j->depth > JSON_MAX_DEPTH)
		return false;
	bool ok;
	char c = j->s[j->i];
	if (c == '{')
		ok = j_object(j, out);
	else if (c == '[')
		ok = j_array(j, out);
	else if (c == '"')
		ok = j_string(j, out);
	else if (c == '-' || is_digit((unsigned char)c))
		ok = j_number(j, out);
	else {
		static const char *const words[] = {"true", "false", "null"};
		ok = false;
		for (int w = 0; w < 3 && !ok; w++) {
			size_t len = strlen(words[w]);
			if (j->n - j->i >= len && memcmp(j->s + j->i, words[w], len) == 0) {
				j->i += len;
				sb_adds(out, words[w]);
				ok = true;
			}
		}
	}
	j->depth--;
	return ok;
}

/* The canonical text of a whole JSON value; false if s is not one. */
static bool json_canon(const char *s, size_t n, sbuf *out)
{
	jparse j = {s, n, 0, 0};
	j_ws(&j);
	if (!j_value(&j, out))
		return false;
	j_ws(&j);
	return j.i == j.n && !out->oom;
}

/* ---- Tables of values ------------------------------------------------------ */

typedef struct column {
	const char *name;
	kqlite_type type;
} column;

/* A header and its rows: the cells of row r are cells[r * ncols ...]. String
 * and dynamic cells point into the owning pool; dynamic ones hold canonical
 * JSON. */
typedef struct block {
	size_t ncols, nrows, cap;
	column *cols;
	kqlite_value *cells;
} block;

/* ---- The .kqltest file ----------------------------------------------------- */

typedef struct line {
	const char *p;
	size_t n;
} line;

typedef enum rkind { R_TABLE, R_LOAD, R_NOW, R_TOLERANCE, R_QUERY } rkind;

typedef struct record {
	rkind kind;
	unsigned line;
	const char *name;  /* R_TABLE: the table; R_LOAD: the DATA argument, resolved */
	block data;        /* R_TABLE: its rows; R_QUERY: the expected result */
	const char *query; /* R_QUERY */
	size_t qlen;
	bool unordered;
	bool has_now, pin_now; /* R_NOW, and a query's now= */
	int64_t now;
	bool has_tol; /* R_TOLERANCE, and a query's tolerance= */
	double tol;
	bool expect_error, err_pos;
	unsigned err_line, err_col;
	const char *err_sub;
} record;

typedef struct kfile {
	const char *path;
	pool mem;
	char *text;
	line *lines;
	size_t nlines;
	record *recs;
	size_t nrecs, cap;
	unsigned err_line; /* a malformed file: the line and the message */
	char err[512];
} kfile;

static bool bad(kfile *f, size_t idx, const char *fmt, ...)
{
	if (f->err[0])
		return false;
	f->err_line = (unsigned)idx + 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
	if (!f->err[0])
		snprintf(f->err, sizeof(f->err), "malformed");
	return false;
}

static bool oom(kfile *f, size_t idx) { return bad(f, idx, "out of memory"); }

static bool blank(line l)
{
	for (size_t i = 0; i < l.n; i++)
		if (!is_space((unsigned char)l.p[i]))
			return false;
	return true;
}

static bool comment(line l)
{
	size_t i = 0;
	while (i < l.n && (l.p[i] == ' ' || l.p[i] == '\t'))
		i++;
	return i < l.n && l.p[i] == '#';
}

/* Splits a header or row line at commas outside quotes and brackets; each
 * piece trimmed. */
typedef struct piece {
	const char *p;
	size_t n;
} piece;

static bool split_line(kfile *f, size_t idx, line l, piece **out, size_t *count)
{
	size_t cap = 0, n = 0;
	piece *ps = NULL;
	size_t start = 0, depth = 0;
	char quote = 0;
	for (size_t i = 0; i <= l.n; i++) {
		char c = i < l.n ? l.p[i] : ',';
		if (quote) {
			if (i == l.n || (c == '\\' && i + 1 == l.n))
				return bad(f, idx, "unterminated string");
			if (c == '\\')
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (depth == 0)
				return bad(f, idx, "unbalanced '%c'", c);
			depth--;
		} else if (c == ',' && (depth == 0 || i == l.n)) {
			if (i == l.n && depth)
				return bad(f, idx, "unclosed bracket");
			if (!pgrow(&f->mem, (void **)&ps, &cap, n + 1, sizeof(*ps)))
				return oom(f, idx);
			const char *s = l.p + start;
			size_t len = i - start;
			trim(&s, &len);
			ps[n].p = s;
			ps[n++].n = len;
			start = i + 1;
		}
	}
	*out = ps;
	*count = n;
	return true;
}

/* A column or table name: identifier, "quoted", or ['quoted']. */
static bool parse_name(kfile *f, size_t idx, const char *s, size_t n, const char **out)
{
	if (is_identifier(s, n)) {
		*out = pstrndup(&f->mem, s, n);
		return *out ? true : oom(f, idx);
	}
	if (n >= 4 && s[0] == '[' && s[n - 1] == ']')
		s++, n -= 2;
	sbuf b = {0};
	const char *why = NULL;
	char ex[64];
	excerpt(ex, sizeof(ex), s, n);
	if (!parse_string(s, n, &b, &why)) {
		sb_free(&b);
		return bad(f, idx, "'%s' is not a name (an identifier, or a quoted string)", ex);
	}
	if (b.oom || memchr(sb_str(&b), '\0', b.n) || b.n == 0) {
		bool mem = b.oom;
		sb_free(&b);
		return mem ? oom(f, idx) : bad(f, idx, "a name may not be empty or hold NUL");
	}
	*out = pstrndup(&f->mem, b.p, b.n);
	sb_free(&b);
	return *out ? true : oom(f, idx);
}

static bool parse_header(kfile *f, size_t idx, line l, block *blk)
{
	piece *ps;
	size_t n;
	if (!split_line(f, idx, l, &ps, &n))
		return false;
	blk->cols = palloc(&f->mem, n * sizeof(column));
	if (!blk->cols)
		return oom(f, idx);
	blk->ncols = n;
	for (size_t i = 0; i < n; i++) {
		/* NAME:TYPE -- the type is the identifier after the last ':' */
		const char *s = ps[i].p;
		size_t len = ps[i].n, colon = len;
		while (colon > 0 && s[colon - 1] != ':')
			colon--;
		char ex[64];
		excerpt(ex, sizeof(ex), s, len);
		if (len == 0)
			return bad(f, idx, "empty column in the header (write NAME:TYPE, ...)");
		if (colon == 0)
			return bad(f, idx, "column '%s' has no type (write NAME:TYPE)", ex);
		const char *ts = s + colon, *ns = s;
		size_t tn = len - colon, nn = colon - 1;
		trim(&ts, &tn);
		trim(&ns, &nn);
		if (!type_from_name(ts, tn, &blk->cols[i].type)) {
			excerpt(ex, sizeof(ex), ts, tn);
			return bad(f, idx, "unknown type '%s' (bool, int, long, real, decimal, string, datetime, "
			                   "timespan, guid, dynamic)", ex);
		}
		if (!parse_name(f, idx, ns, nn, &blk->cols[i].name))
			return false;
	}
	return true;
}

/* A value of type t from its text (not null, no TYPE(...) wrapper). */
static bool parse_typed(kfile *f, const char *s, size_t n, kqlite_type t, bool wrapped, kqlite_value *v,
                        const char **why)
{
	v->type = t;
	switch (t) {
	case KQLITE_TYPE_BOOL:
		if (eq_word_ci(s, n, "true") || eq_word_ci(s, n, "false")) {
			v->v.b = lower((unsigned char)s[0]) == 't';
			return true;
		}
		*why = "a bool is true or false";
		return false;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG: {
		int64_t l;
		if (!parse_long(s, n, &l) || (t == KQLITE_TYPE_INT && (l < INT32_MIN || l > INT32_MAX))) {
			*why = t == KQLITE_TYPE_INT ? "not a decimal integer in int's range" : "not a decimal integer in long's range";
			return false;
		}
		if (t == KQLITE_TYPE_INT)
			v->v.i = (int32_t)l;
		else
			v->v.l = l;
		return true;
	}
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		if (!parse_real(s, n, &v->v.r)) {
			*why = "not a number (e.g. 1.5, -2, 1e-3, nan, inf, -inf)";
			return false;
		}
		return true;
	case KQLITE_TYPE_STRING: {
		sbuf b = {0};
		bool ok = parse_string(s, n, &b, why);
		if (ok) {
			char *p = pstrndup(&f->mem, b.p ? b.p : "", b.n);
			if (!p || b.oom) {
				*why = "out of memory";
				ok = false;
			}
			v->v.s.ptr = p;
			v->v.s.len = b.n;
		}
		sb_free(&b);
		return ok;
	}
	case KQLITE_TYPE_DATETIME:
		if (!parse_datetime(s, n, &v->v.l)) {
			*why = "not a datetime (e.g. 2021-11-15, 2021-11-15T10:00:00.5Z)";
			return false;
		}
		return true;
	case KQLITE_TYPE_TIMESPAN:
		if (!parse_timespan(s, n, wrapped, &v->v.l)) {
			*why = "not a timespan (e.g. 1.06:00:00, 00:00:01.5, 2d, 1.5h, 30m, 100ms, 1tick)";
			return false;
		}
		return true;
	case KQLITE_TYPE_GUID:
		if (!parse_guid(s, n, v->v.guid)) {
			*why = "not a guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";
			return false;
		}
		return true;
	case KQLITE_TYPE_DYNAMIC: {
		sbuf b = {0};
		bool ok = json_canon(s, n, &b);
		if (!ok) {
			*why = b.oom ? "out of memory" : "not a JSON value";
		} else if (eq_word(b.p, b.n, "null")) {
			v->type = KQLITE_TYPE_NULL;
		} else {
			v->v.s.ptr = pstrndup(&f->mem, b.p, b.n);
			v->v.s.len = b.n;
			if (!v->v.s.ptr) {
				*why = "out of memory";
				ok = false;
			}
		}
		sb_free(&b);
		return ok;
	}
	default:
		*why = "no literal for this type";
		return false;
	}
}

/* One cell: null, TYPE(...) of the column's type, or the type's literal. */
static bool parse_cell(kfile *f, size_t idx, const char *s, size_t n, const column *col, kqlite_value *v)
{
	char ex[64];
	excerpt(ex, sizeof(ex), s, n);
	if (n == 0)
		return bad(f, idx, "column '%s' (%s): empty value (write null, or \"\" for an empty string)", col->name,
		           kqlite_type_name(col->type));
	memset(v, 0, sizeof(*v));
	if (eq_word(s, n, "null")) {
		v->type = KQLITE_TYPE_NULL;
		return true;
	}
	bool wrapped = false;
	size_t w = 0;
	while (w < n && (is_alpha((unsigned char)s[w]) || is_digit((unsigned char)s[w])))
		w++;
	kqlite_type wt;
	if (w > 0 && w < n && s[w] == '(' && s[n - 1] == ')' && type_from_name(s, w, &wt)) {
		if (wt != col->type)
			return bad(f, idx, "column '%s' (%s): '%s' is a %s literal", col->name, kqlite_type_name(col->type),
			           ex, kqlite_type_name(wt));
		s += w + 1;
		n -= w + 2;
		trim(&s, &n);
		wrapped = true;
		if (eq_word(s, n, "null")) {
			v->type = KQLITE_TYPE_NULL;
			return true;
		}
	}
	const char *why = "";
	if (!parse_typed(f, s, n, col->type, wrapped, v, &why))
		return bad(f, idx, "column '%s' (%s): cannot read '%s': %s", col->name, kqlite_type_name(col->type), ex,
		           why);
	return true;
}

/* A header line at *i and rows up to a blank line or the end. */
static bool parse_block(kfile *f, size_t *i, block *blk)
{
	if (!parse_header(f, *i, f->lines[*i], blk))
		return false;
	for ((*i)++; *i < f->nlines && !blank(f->lines[*i]); (*i)++) {
		if (comment(f->lines[*i]))
			continue;
		piece *ps;
		size_t n;
		if (!split_line(f, *i, f->lines[*i], &ps, &n))
			return false;
		if (n != blk->ncols)
			return bad(f, *i, "row has %zu value%s, the header has %zu column%s", n, n == 1 ? "" : "s",
			           blk->ncols, blk->ncols == 1 ? "" : "s");
		if (!pgrow(&f->mem, (void **)&blk->cells, &blk->cap, (blk->nrows + 1) * blk->ncols, sizeof(kqlite_value)))
			return oom(f, *i);
		for (size_t c = 0; c < n; c++)
			if (!parse_cell(f, *i, ps[c].p, ps[c].n, &blk->cols[c], &blk->cells[blk->nrows * blk->ncols + c]))
				return false;
		blk->nrows++;
	}
	return true;
}

static bool parse_tolerance(const char *s, size_t n, double *out)
{
	return parse_real(s, n, out) && *out >= 0 && !isinf(*out) && !isnan(*out);
}

/* `query` flags: unordered, now=DATETIME, tolerance=EPS. */
static bool parse_flags(kfile *f, size_t idx, const char *s, size_t n, record *r)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && is_space((unsigned char)s[i]))
			i++;
		size_t st = i;
		while (i < n && !is_space((unsigned char)s[i]))
			i++;
		if (i == st)
			break;
		const char *w = s + st;
		size_t wn = i - st;
		char ex[64];
		excerpt(ex, sizeof(ex), w, wn);
		if (eq_word(w, wn, "unordered")) {
			r->unordered = true;
		} else if (wn > 4 && memcmp(w, "now=", 4) == 0) {
			if (!parse_datetime(w + 4, wn - 4, &r->now))
				return bad(f, idx, "'%s': not a datetime (e.g. now=2021-11-15T10:00:00Z)", ex);
			r->has_now = r->pin_now = true;
		} else if (wn > 10 && memcmp(w, "tolerance=", 10) == 0) {
			if (!parse_tolerance(w + 10, wn - 10, &r->tol))
				return bad(f, idx, "'%s': a tolerance is a number >= 0", ex);
			r->has_tol = true;
		} else {
			return bad(f, idx, "unknown query flag '%s' (unordered, now=DATETIME, tolerance=EPS)", ex);
		}
	}
	return true;
}

/* error [LINE:COL] SUBSTRING */
static bool parse_error_line(kfile *f, size_t idx, const char *s, size_t n, record *r)
{
	r->expect_error = true;
	size_t i = 0;
	unsigned ln = 0, col = 0;
	bool digits = false;
	while (i < n && is_digit((unsigned char)s[i]) && ln < 100000000)
		ln = ln * 10 + (unsigned)(s[i++] - '0'), digits = true;
	if (digits && i < n && s[i] == ':') {
		size_t j = i + 1;
		bool cd = false;
		while (j < n && is_digit((unsigned char)s[j]) && col < 100000000)
			col = col * 10 + (unsigned)(s[j++] - '0'), cd = true;
		if (cd && (j == n || is_space((unsigned char)s[j]))) {
			if (ln == 0 || col == 0)
				return bad(f, idx, "error position %u:%u: lines and columns count from 1", ln, col);
			r->err_pos = true;
			r->err_line = ln;
			r->err_col = col;
			s += j, n -= j;
			trim(&s, &n);
		}
	}
	r->err_sub = pstrndup(&f->mem, s, n);
	return r->err_sub ? true : oom(f, idx);
}

/* The DATA argument of `load PATH` / `load NAME=PATH`, PATH relative to the
 * file's directory. */
static bool resolve_load(kfile *f, size_t idx, const char *s, size_t n, record *r)
{
	const char *eq = memchr(s, '=', n);
	size_t name_len = 0;
	if (eq && is_identifier(s, (size_t)(eq - s)))
		name_len = (size_t)(eq - s) + 1; /* NAME= */
	const char *path = s + name_len;
	size_t plen = n - name_len;
	if (plen == 0)
		return bad(f, idx, "load: no PATH");
	const char *slash = strrchr(f->path, '/');
	size_t dlen = path[0] == '/' || !slash ? 0 : (size_t)(slash - f->path) + 1;
	char *arg = palloc(&f->mem, name_len + dlen + plen + 1);
	if (!arg)
		return oom(f, idx);
	memcpy(arg, s, name_len);
	memcpy(arg + name_len, f->path, dlen);
	memcpy(arg + name_len + dlen, path, plen);
	arg[name_len + dlen + plen] = '\0';
	r->name = arg;
	return true;
}

static record *new_record(kfile *f, size_t idx, rkind kind)
{
	if (!pgrow(&f->mem, (void **)&f->recs, &f->cap, f->nrecs + 1, sizeof(record))) {
		oom(f, idx);
		return NULL;
	}
	record *r = &f->recs[f->nrecs++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->line = (unsigned)idx + 1;
	return r;
}

/* `query` at lines[*i]: its text up to `----`, then the expectation. */
static bool parse_query(kfile *f, size_t *i, const char *flags, size_t nflags)
{
	size_t at = *i;
	record *r = new_record(f, at, R_QUERY);
	if (!r || !parse_flags(f, at, flags, nflags, r))
		return false;
	size_t end = at + 1;
	for (; end < f->nlines; end++) {
		const char *s = f->lines[end].p;
		size_t n = f->lines[end].n;
		while (n && is_space((unsigned char)s[n - 1]))
			n--;
		if (eq_word(s, n, "----"))
			break;
	}
	if (end == f->nlines)
		return bad(f, at, "query without '----' (the line between the query and its expected result)");
	sbuf q = {0};
	bool empty = true;
	for (size_t k = at + 1; k < end; k++) {
		if (k > at + 1)
			sb_addc(&q, '\n');
		sb_add(&q, f->lines[k].p, f->lines[k].n);
		empty = empty && blank(f->lines[k]);
	}
	if (empty) {
		sb_free(&q);
		return bad(f, at, "empty query");
	}
	r->query = pstrndup(&f->mem, q.p, q.n);
	r->qlen = q.n;
	bool mem = q.oom;
	sb_free(&q);
	if (!r->query || mem)
		return oom(f, at);
	*i = end + 1;
	while (*i < f->nlines && comment(f->lines[*i]))
		(*i)++;
	if (*i >= f->nlines || blank(f->lines[*i]))
		return bad(f, end, "'----' must be followed by the expected columns (NAME:TYPE, ...) or 'error ...'");
	line l = f->lines[*i];
	const char *s = l.p;
	size_t n = l.n;
	trim(&s, &n);
	if (n >= 5 && memcmp(s, "error", 5) == 0 && (n == 5 || is_space((unsigned char)s[5]))) {
		s += 5, n -= 5;
		trim(&s, &n);
		if (!parse_error_line(f, *i, s, n, r))
			return false;
		(*i)++;
		return true;
	}
	return parse_block(f, i, &r->data);
}

/* Splits the text into lines (without "\n" or "\r\n") and parses the records. */
static bool parse_file(kfile *f, size_t len)
{
	size_t cap = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(f->text + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - f->text) : len;
		if (!pgrow(&f->mem, (void **)&f->lines, &cap, f->nlines + 1, sizeof(line)))
			return oom(f, f->nlines);
		size_t n = e - i;
		if (n && f->text[i + n - 1] == '\r')
			n--;
		if (memchr(f->text + i, '\0', n))
			return bad(f, f->nlines, "NUL byte (a .kqltest file is text)");
		f->lines[f->nlines].p = f->text + i;
		f->lines[f->nlines++].n = n;
		i = e + 1;
	}
	bool versioned = false;
	for (size_t i = 0; i < f->nlines;) {
		line l = f->lines[i];
		if (blank(l) || comment(l)) {
			i++;
			continue;
		}
		const char *s = l.p;
		size_t n = l.n;
		trim(&s, &n);
		size_t wn = 0;
		while (wn < n && !is_space((unsigned char)s[wn]))
			wn++;
		const char *rest = s + wn;
		size_t rn = n - wn;
		trim(&rest, &rn);
		char ex[64];
		excerpt(ex, sizeof(ex), s, wn);
		if (!versioned) {
			if (!eq_word(s, wn, "kqltest"))
				return bad(f, i, "a .kqltest file starts with 'kqltest 1' (its format version)");
			if (!eq_word(rest, rn, "1")) {
				excerpt(ex, sizeof(ex), rest, rn);
				return bad(f, i, "unsupported .kqltest version '%s' (this runner reads version 1)", ex);
			}
			versioned = true;
			i++;
			continue;
		}
		if (eq_word(s, wn, "query")) {
			if (!parse_query(f, &i, rest, rn))
				return false;
			continue;
		}
		if (eq_word(s, wn, "table")) {
			record *r = new_record(f, i, R_TABLE);
			if (!r)
				return false;
			if (rn == 0)
				return bad(f, i, "table: no NAME");
			if (!parse_name(f, i, rest, rn, &r->name))
				return false;
			i++;
			if (i >= f->nlines || blank(f->lines[i]) || comment(f->lines[i]))
				return bad(f, i - 1, "table %s: the next line must be its columns (NAME:TYPE, ...)", r->name);
			if (!parse_block(f, &i, &r->data))
				return false;
			continue;
		}
		if (eq_word(s, wn, "load")) {
			record *r = new_record(f, i, R_LOAD);
			if (!r || !resolve_load(f, i, rest, rn, r))
				return false;
		} else if (eq_word(s, wn, "now")) {
			record *r = new_record(f, i, R_NOW);
			if (!r)
				return false;
			r->has_now = true;
			if (!eq_word(rest, rn, "clock")) {
				if (!parse_datetime(rest, rn, &r->now)) {
					excerpt(ex, sizeof(ex), rest, rn);
					return bad(f, i, "now: '%s' is not a datetime (e.g. 2021-11-15T10:00:00Z) or 'clock'", ex);
				}
				r->pin_now = true;
			}
		} else if (eq_word(s, wn, "tolerance")) {
			record *r = new_record(f, i, R_TOLERANCE);
			if (!r)
				return false;
			r->has_tol = true;
			if (!parse_tolerance(rest, rn, &r->tol)) {
				excerpt(ex, sizeof(ex), rest, rn);
				return bad(f, i, "tolerance: '%s' is not a number >= 0", ex);
			}
		} else if (eq_word(s, wn, "kqltest")) {
			return bad(f, i, "'kqltest VERSION' comes once, first");
		} else {
			return bad(f, i, "unknown record '%s' (expected query, table, load, now or tolerance)", ex);
		}
		i++;
	}
	if (!versioned)
		return bad(f, 0, "a .kqltest file starts with 'kqltest 1' (its format version)");
	return true;
}

/* ---- Printing values ------------------------------------------------------ */

static void format_value(sbuf *b, const kqlite_value *v, kqlite_type coltype)
{
	if (v->type == KQLITE_TYPE_NULL) {
		sb_adds(b, "null");
		return;
	}
	bool foreign = v->type != coltype; /* an engine bug: show the value's own type */
	if (foreign)
		sb_printf(b, "%s(", kqlite_type_name(v->type));
	switch (v->type) {
	case KQLITE_TYPE_BOOL: sb_adds(b, v->v.b ? "true" : "false"); break;
	case KQLITE_TYPE_INT: sb_printf(b, "%d", (int)v->v.i); break;
	case KQLITE_TYPE_LONG: sb_printf(b, "%lld", (long long)v->v.l); break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: format_real(b, v->v.r); break;
	case KQLITE_TYPE_STRING: format_string(b, v->v.s.ptr, v->v.s.len); break;
	case KQLITE_TYPE_DATETIME: format_datetime(b, v->v.l); break;
	case KQLITE_TYPE_TIMESPAN: format_timespan(b, v->v.l); break;
	case KQLITE_TYPE_GUID: format_guid(b, v->v.guid); break;
	case KQLITE_TYPE_DYNAMIC: sb_add(b, v->v.s.ptr, v->v.s.len); break;
	default: sb_printf(b, "<type %d>", (int)v->type); break;
	}
	if (foreign)
		sb_addc(b, ')');
}

static void format_header(sbuf *b, const block *blk)
{
	for (size_t c = 0; c < blk->ncols; c++) {
		if (c)
			sb_adds(b, ", ");
		const char *nm = blk->cols[c].name;
		if (is_identifier(nm, strlen(nm)))
			sb_adds(b, nm);
		else
			format_string(b, nm, strlen(nm));
		sb_printf(b, ":%s", kqlite_type_name(blk->cols[c].type));
	}
}

static void format_row(sbuf *b, const block *blk, size_t r)
{
	for (size_t c = 0; c < blk->ncols; c++) {
		if (c)
			sb_adds(b, ", ");
		format_value(b, &blk->cells[r * blk->ncols + c], blk->cols[c].type);
	}
}

/* ---- Comparing ------------------------------------------------------------ */

static bool headers_equal(const block *a, const block *b)
{
	if (a->ncols != b->ncols)
		return false;
	for (size_t c = 0; c < a->ncols; c++)
		if (a->cols[c].type != b->cols[c].type || strcmp(a->cols[c].name, b->cols[c].name) != 0)
			return false;
	return true;
}

static bool reals_equal(double a, double b, double tol)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	if (a == b)
		return true;
	if (isinf(a) || isinf(b) || tol <= 0)
		return false;
	double d = a > b ? a - b : b - a, ma = a < 0 ? -a : a, mb = b < 0 ? -b : b;
	return d <= tol || d <= tol * (ma > mb ? ma : mb);
}

static bool values_equal(const kqlite_value *a, const kqlite_value *b, double tol)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case KQLITE_TYPE_NULL: return true;
	case KQLITE_TYPE_BOOL: return !a->v.b == !b->v.b;
	case KQLITE_TYPE_INT: return a->v.i == b->v.i;
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN: return a->v.l == b->v.l;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: return reals_equal(a->v.r, b->v.r, tol);
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC:
		return a->v.s.len == b->v.s.len && (a->v.s.len == 0 || memcmp(a->v.s.ptr, b->v.s.ptr, a->v.s.len) == 0);
	case KQLITE_TYPE_GUID: return memcmp(a->v.guid, b->v.guid, 16) == 0;
	default: return false;
	}
}

/* The two sides of a comparison: blocks, their rows' texts, and the order in
 * which rows are compared (sorted by text when unordered). */
typedef struct side {
	const block *blk;
	char **text;
	size_t *order;
} side;

typedef struct cmpctx {
	side e, a;
	bool same_header;
	double tol;
} cmpctx;

static bool rows_equal(const cmpctx *x, size_t ei, size_t ai)
{
	size_t er = x->e.order[ei], ar = x->a.order[ai];
	if (!x->same_header)
		return strcmp(x->e.text[er], x->a.text[ar]) == 0;
	size_t nc = x->e.blk->ncols;
	for (size_t c = 0; c < nc; c++)
		if (!values_equal(&x->e.blk->cells[er * nc + c], &x->a.blk->cells[ar * nc + c], x->tol))
			return false;
	return true;
}

typedef struct sortkey {
	const char *text;
	size_t row;
} sortkey;

static int sortkey_cmp(const void *a, const void *b)
{
	const sortkey *x = a, *y = b;
	int c = strcmp(x->text, y->text);
	return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* Texts of every row and the comparison order; false when out of memory. */
static bool prepare_side(pool *p, side *s, const block *blk, bool sorted)
{
	s->blk = blk;
	s->text = palloc(p, (blk->nrows ? blk->nrows : 1) * sizeof(char *));
	s->order = palloc(p, (blk->nrows ? blk->nrows : 1) * sizeof(size_t));
	sortkey *keys = palloc(p, (blk->nrows ? blk->nrows : 1) * sizeof(sortkey));
	if (!s->text || !s->order || !keys)
		return false;
	sbuf b = {0};
	for (size_t r = 0; r < blk->nrows; r++) {
		sb_clear(&b);
		format_row(&b, blk, r);
		s->text[r] = pstrndup(p, sb_str(&b), strlen(sb_str(&b)));
		if (!s->text[r] || b.oom) {
			sb_free(&b);
			return false;
		}
		keys[r].text = s->text[r];
		keys[r].row = r;
	}
	sb_free(&b);
	if (sorted && blk->nrows > 1)
		qsort(keys, blk->nrows, sizeof(*keys), sortkey_cmp);
	for (size_t r = 0; r < blk->nrows; r++)
		s->order[r] = keys[r].row;
	return true;
}

/* ---- The diff --------------------------------------------------------------- */

typedef struct dop {
	char kind; /* ' ', '-', '+' */
	size_t ei, ai;
} dop;

/* An edit script from expected to actual rows: common prefix and suffix, and
 * a longest common subsequence of the middle (or, when the middle is too big
 * for its table, the middle compared row by row). */
static dop *diff_rows(pool *p, const cmpctx *x, size_t *nops)
{
	size_t n = x->e.blk->nrows, m = x->a.blk->nrows;
	dop *ops = palloc(p, (n + m + 1) * sizeof(dop));
	if (!ops)
		return NULL;
	size_t k = 0, pre = 0, suf = 0;
	while (pre < n && pre < m && rows_equal(x, pre, pre))
		pre++;
	while (suf < n - pre && suf < m - pre && rows_equal(x, n - 1 - suf, m - 1 - suf))
		suf++;
	for (size_t i = 0; i < pre; i++)
		ops[k++] = (dop){' ', i, i};
	size_t mn = n - pre - suf, mm = m - pre - suf;
	uint32_t *lcs = NULL;
	if (mn && mm && mn < 2000 && mm < 2000)
		lcs = palloc(p, (mn + 1) * (mm + 1) * sizeof(uint32_t));
	if (lcs) {
		size_t w = mm + 1;
		for (size_t i = mn + 1; i-- > 0;) {
			for (size_t j = mm + 1; j-- > 0;) {
				if (i == mn || j == mm)
					lcs[i * w + j] = 0;
				else if (rows_equal(x, pre + i, pre + j))
					lcs[i * w + j] = lcs[(i + 1) * w + j + 1] + 1;
				else
					lcs[i * w + j] = lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
					                                                          : lcs[i * w + j + 1];
			}
		}
		size_t i = 0, j = 0;
		while (i < mn || j < mm) {
			if (i < mn && j < mm && rows_equal(x, pre + i, pre + j)) {
				ops[k++] = (dop){' ', pre + i++, pre + j++};
			} else if (j == mm || (i < mn && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
				ops[k++] = (dop){'-', pre + i++, 0};
			} else {
				ops[k++] = (dop){'+', 0, pre + j++};
			}
		}
	} else { /* row by row: each changed row as a -/+ pair */
		for (size_t i = 0; i < mn || i < mm; i++) {
			if (i < mn && i < mm && rows_equal(x, pre + i, pre + i)) {
				ops[k++] = (dop){' ', pre + i, pre + i};
				continue;
			}
			if (i < mn)
				ops[k++] = (dop){'-', pre + i, 0};
			if (i < mm)
				ops[k++] = (dop){'+', 0, pre + i};
		}
	}
	for (size_t i = 0; i < suf; i++)
		ops[k++] = (dop){' ', n - suf + i, m - suf + i};
	*nops = k;
	return ops;
}

static void diff_line(sbuf *out, char kind, const char *text)
{
	sb_printf(out, "    %c %s\n", kind, text);
}

/* The rows of the diff, with DIFF_CONTEXT unchanged rows around changes. */
static void print_row_diff(sbuf *out, const cmpctx *x, const dop *ops, size_t nops)
{
	size_t last_shown = SIZE_MAX, lines = 0;
	for (size_t k = 0; k < nops; k++) {
		if (lines == MAX_DIFF_LINES) {
			sb_printf(out, "      ... (the diff is cut after %d lines)\n", MAX_DIFF_LINES);
			return;
		}
		bool show = ops[k].kind != ' ';
		for (size_t d = 1; !show && d <= DIFF_CONTEXT; d++)
			show = (k >= d && ops[k - d].kind != ' ') || (k + d < nops && ops[k + d].kind != ' ');
		if (!show)
			continue;
		if (k > 0 && last_shown != k - 1)
			sb_adds(out, "      ...\n");
		last_shown = k;
		lines++;
		if (ops[k].kind == '-')
			diff_line(out, '-', x->e.text[x->e.order[ops[k].ei]]);
		else
			diff_line(out, ops[k].kind, x->a.text[x->a.order[ops[k].ai]]);
	}
	if (last_shown == SIZE_MAX) { /* only the header differs: show the first rows */
		for (size_t k = 0; k < nops && k < DIFF_CONTEXT; k++)
			diff_line(out, ' ', x->a.text[x->a.order[ops[k].ai]]);
		last_shown = nops < DIFF_CONTEXT ? nops - 1 : DIFF_CONTEXT - 1;
	}
	if (nops && last_shown != nops - 1)
		sb_adds(out, "      ...\n");
}

/* What a query gave: an error (with its span, if any) or a result. */
typedef struct outcome {
	bool is_error;
	const char *msg;
	bool has_pos;
	unsigned line, col;
	block res;
} outcome;

/* All of a block (capped), as the lines of one side of a diff. */
static void print_block_side(sbuf *out, char kind, const block *blk)
{
	sbuf b = {0};
	format_header(&b, blk);
	diff_line(out, kind, sb_str(&b));
	for (size_t r = 0; r < blk->nrows && r < MAX_SHOWN_ROWS; r++) {
		sb_clear(&b);
		format_row(&b, blk, r);
		diff_line(out, kind, sb_str(&b));
	}
	if (blk->nrows > MAX_SHOWN_ROWS)
		sb_printf(out, "    %c ... (%zu more rows)\n", kind, blk->nrows - MAX_SHOWN_ROWS);
	sb_free(&b);
}

static void print_error_side(sbuf *out, char kind, bool has_pos, unsigned line, unsigned col, const char *msg)
{
	if (has_pos)
		sb_printf(out, "    %c error %u:%u %s\n", kind, line, col, msg);
	else
		sb_printf(out, "    %c error %s\n", kind, msg);
}

/* Compares an outcome with the record's expectation; on a mismatch appends
 * the diff to out and returns false. */
static bool compare(pool *p, const record *r, double tol, const outcome *got, sbuf *out)
{
	if (r->expect_error && got->is_error) {
		bool ok = strstr(got->msg, r->err_sub) != NULL &&
		          (!r->err_pos || (got->has_pos && got->line == r->err_line && got->col == r->err_col));
		if (!ok) {
			print_error_side(out, '-', r->err_pos, r->err_line, r->err_col, r->err_sub);
			print_error_side(out, '+', got->has_pos, got->line, got->col, got->msg);
		}
		return ok;
	}
	if (r->expect_error) {
		print_error_side(out, '-', r->err_pos, r->err_line, r->err_col, r->err_sub);
		print_block_side(out, '+', &got->res);
		return false;
	}
	if (got->is_error) {
		print_block_side(out, '-', &r->data);
		print_error_side(out, '+', got->has_pos, got->line, got->col, got->msg);
		return false;
	}
	cmpctx x = {.same_header = headers_equal(&r->data, &got->res), .tol = tol};
	if (!prepare_side(p, &x.e, &r->data, r->unordered) || !prepare_side(p, &x.a, &got->res, r->unordered)) {
		sb_adds(out, "    out of memory comparing the rows\n");
		return false;
	}
	size_t nops = 0;
	dop *ops = diff_rows(p, &x, &nops);
	if (!ops) {
		sb_adds(out, "    out of memory comparing the rows\n");
		return false;
	}
	bool same_rows = true;
	for (size_t k = 0; k < nops; k++)
		same_rows = same_rows && ops[k].kind == ' ';
	if (x.same_header && same_rows)
		return true;
	sbuf h = {0};
	format_header(&h, &r->data);
	if (x.same_header) {
		diff_line(out, ' ', sb_str(&h));
	} else {
		diff_line(out, '-', sb_str(&h));
		sb_clear(&h);
		format_header(&h, &got->res);
		diff_line(out, '+', sb_str(&h));
	}
	sb_free(&h);
	print_row_diff(out, &x, ops, nops);
	if (r->unordered)
		sb_adds(out, "    (unordered: both sides sorted)\n");
	return false;
}

/* ---- Running ---------------------------------------------------------------- */

typedef struct options {
	size_t batch[MAX_BATCH_SIZES];
	size_t nbatch;
	bool verbose;
} options;

typedef struct totals {
	unsigned long passed, failed;
} totals;

/* Copies a result into a block of the pool (dynamic cells as canonical JSON). */
static bool capture(pool *p, kqlite_result *res, block *blk)
{
	size_t nc = kqlite_result_column_count(res), nr = kqlite_result_row_count(res);
	blk->ncols = nc;
	blk->nrows = nr;
	blk->cols = palloc(p, (nc ? nc : 1) * sizeof(column));
	if (!blk->cols || (nc && nr > SIZE_MAX / sizeof(kqlite_value) / nc))
		return false;
	blk->cells = palloc(p, (nc && nr ? nc * nr : 1) * sizeof(kqlite_value));
	if (!blk->cells)
		return false;
	for (size_t c = 0; c < nc; c++) {
		const char *nm = kqlite_result_column_name(res, c);
		blk->cols[c].name = pstrndup(p, nm ? nm : "", nm ? strlen(nm) : 0);
		blk->cols[c].type = kqlite_result_column_type(res, c);
		if (!blk->cols[c].name)
			return false;
	}
	sbuf b = {0};
	for (size_t r = 0; r < nr; r++) {
		for (size_t c = 0; c < nc; c++) {
			kqlite_value *v = &blk->cells[r * nc + c];
			if (kqlite_result_value(res, c, r, v) != KQLITE_OK) {
				memset(v, 0, sizeof(*v));
				v->type = KQLITE_TYPE_UNKNOWN;
				continue;
			}
			if (v->type == KQLITE_TYPE_STRING) {
				v->v.s.ptr = pstrndup(p, v->v.s.ptr ? v->v.s.ptr : "", v->v.s.ptr ? v->v.s.len : 0);
			} else if (v->type == KQLITE_TYPE_DYNAMIC) {
				sb_clear(&b);
				if (!json_canon(v->v.s.ptr ? v->v.s.ptr : "", v->v.s.ptr ? v->v.s.len : 0, &b)) {
					sb_clear(&b);
					sb_adds(&b, "<not JSON: ");
					sb_add(&b, v->v.s.ptr ? v->v.s.ptr : "", v->v.s.ptr ? v->v.s.len : 0);
					sb_adds(&b, ">");
				} else if (eq_word(b.p, b.n, "null")) {
					v->type = KQLITE_TYPE_NULL;
					continue;
				}
				v->v.s.ptr = pstrndup(p, sb_str(&b), b.n);
				v->v.s.len = b.n;
			} else {
				continue;
			}
			if (!v->v.s.ptr || b.oom) {
				sb_free(&b);
				return false;
			}
		}
	}
	sb_free(&b);
	return true;
}

static void print_query(sbuf *out, const char *q, size_t n)
{
	sb_adds(out, "  query:\n");
	for (size_t i = 0; i <= n;) {
		const char *nl = memchr(q + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - q) : n;
		sb_adds(out, "    ");
		sb_add(out, q + i, e - i);
		sb_addc(out, '\n');
		i = e + 1;
	}
}

/* Prepares and runs one case at each batch size; true when it passes. */
static bool run_case(kqlite_db *db, const kfile *f, const record *r, bool pin_now, int64_t now, double tol,
                     const options *o)
{
	kqlite_stmt *st = NULL;
	pool p = {0};
	sbuf diff = {0};
	bool ok = true;
	size_t failed_batch = 0;
	if (kqlite_prepare(db, r->query, r->qlen, &st) != KQLITE_OK) {
		kqlite_span sp;
		outcome got = {.is_error = true, .msg = kqlite_errmsg(db)};
		if (kqlite_errspan(db, &sp) == KQLITE_OK)
			got.has_pos = true, got.line = sp.line, got.col = sp.column;
		ok = compare(&p, r, tol, &got, &diff);
	} else {
		for (size_t b = 0; b < o->nbatch && ok; b++) {
			kqlite_run_options ro = KQLITE_RUN_OPTIONS_INIT;
			ro.pin_now = pin_now;
			ro.now = now;
			ro.batch_rows = o->batch[b];
			kqlite_result *res = NULL;
			outcome got = {0};
			if (kqlite_run(st, &ro, &res) != KQLITE_OK) {
				kqlite_span sp;
				got.is_error = true;
				got.msg = kqlite_stmt_errmsg(st);
				if (kqlite_stmt_errspan(st, &sp) == KQLITE_OK)
					got.has_pos = true, got.line = sp.line, got.col = sp.column;
			} else if (!capture(&p, res, &got.res)) {
				got.is_error = true;
				got.msg = "kqlite test: out of memory reading the result";
			}
			ok = compare(&p, r, tol, &got, &diff);
			kqlite_result_free(res);
			failed_batch = o->batch[b];
			pool_free(&p);
		}
	}
	if (!ok) {
		sbuf rep = {0};
		sb_printf(&rep, "%s:%u: FAILED", f->path, r->line);
		if (o->nbatch > 1 && st)
			sb_printf(&rep, failed_batch ? " (batch rows %zu)" : " (batch rows: the default)", failed_batch);
		sb_addc(&rep, '\n');
		print_query(&rep, r->query, r->qlen);
		sb_adds(&rep, "  diff (- expected, + actual):\n");
		sb_add(&rep, sb_str(&diff), strlen(sb_str(&diff)));
		fflush(stdout);
		fputs(rep.oom ? "kqlite test: out of memory printing a failure\n" : sb_str(&rep), stderr);
		sb_free(&rep);
	} else if (o->verbose) {
		printf("%s:%u: ok\n", f->path, r->line);
		fflush(stdout); /* the last ok line stays visible if a later case crashes */
	}
	sb_free(&diff);
	pool_free(&p);
	kqlite_finalize(st);
	return ok;
}

typedef struct warn_ctx {
	const char *path;
	unsigned line;
} warn_ctx;

static void load_warning(void *payload, const char *message)
{
	const warn_ctx *w = payload;
	fflush(stdout);
	fprintf(stderr, "%s:%u: warning: %s\n", w->path, w->line, message);
}

/* Builds a `table` record's table. */
static int make_table(kqlite_db *db, const record *r)
{
	const block *blk = &r->data;
	const char **names = malloc((blk->ncols ? blk->ncols : 1) * sizeof(char *));
	kqlite_type *types = malloc((blk->ncols ? blk->ncols : 1) * sizeof(kqlite_type));
	int rc = KQLITE_NOMEM;
	size_t idx;
	if (names && types) {
		for (size_t c = 0; c < blk->ncols; c++)
			names[c] = blk->cols[c].name, types[c] = blk->cols[c].type;
		rc = kqlite_table_create(db, r->name, blk->ncols, names, types, &idx);
	}
	for (size_t row = 0; rc == KQLITE_OK && row < blk->nrows; row++)
		rc = kqlite_table_append_row(db, idx, blk->cells + row * blk->ncols, blk->ncols);
	free((void *)names);
	free(types);
	return rc;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
				errno = EIO;
			}
			break;
		}
		char *bigger = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
		if (!bigger) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Parses and runs one file; returns 0, or EXIT_USAGE when it could not run. */
static int run_file(const char *path, const options *o, totals *t)
{
	kfile f = {.path = path};
	size_t len;
	f.text = read_all(path, &len);
	if (!f.text) {
		fflush(stdout);
		fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	int rc = 0;
	kqlite_db *db = NULL;
	if (!parse_file(&f, len)) {
		fflush(stdout);
		fprintf(stderr, "%s:%u: error: %s\n", path, f.err_line, f.err);
		rc = EXIT_USAGE;
	} else if (kqlite_open(&db) != KQLITE_OK) {
		fprintf(stderr, "%s: error: out of memory\n", path);
		rc = EXIT_USAGE;
	}
	bool pin_now = false;
	int64_t now = 0;
	double tol = 0;
	for (size_t i = 0; rc == 0 && i < f.nrecs; i++) {
		const record *r = &f.recs[i];
		switch (r->kind) {
		case R_TABLE:
			if (make_table(db, r) != KQLITE_OK) {
				fflush(stdout);
				fprintf(stderr, "%s:%u: error: table %s: %s\n", path, r->line, r->name, kqlite_errmsg(db));
				rc = EXIT_USAGE;
			}
			break;
		case R_LOAD: {
			warn_ctx w = {path, r->line};
			kqlite_load_options lo = KQLITE_LOAD_OPTIONS_INIT;
			lo.warn = load_warning;
			lo.payload = &w;
			if (kqlite_load(db, r->name, &lo) != KQLITE_OK) {
				fflush(stdout);
				fprintf(stderr, "%s:%u: error: load: %s\n", path, r->line, kqlite_errmsg(db));
				rc = EXIT_USAGE;
			}
			break;
		}
		case R_NOW:
			pin_now = r->pin_now;
			now = r->now;
			break;
		case R_TOLERANCE:
			tol = r->tol;
			break;
		case R_QUERY:
			if (run_case(db, &f, r, r->has_now ? r->pin_now : pin_now, r->has_now ? r->now : now,
			             r->has_tol ? r->tol : tol, o))
				t->passed++;
			else
				t->failed++;
			break;
		}
	}
	kqlite_close(db);
	pool_free(&f.mem);
	free(f.text);
	return rc;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kqlite test: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kqlite test --help'.\n");
	return EXIT_USAGE;
}

/* "1,3,0" */
static bool parse_batch_list(const char *s, options *o)
{
	o->nbatch = 0;
	while (*s) {
		if (o->nbatch == MAX_BATCH_SIZES || !is_digit((unsigned char)*s))
			return false;
		size_t v = 0;
		while (is_digit((unsigned char)*s)) {
			if (v > 100000000)
				return false;
			v = v * 10 + (size_t)(*s++ - '0');
		}
		o->batch[o->nbatch++] = v;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return o->nbatch > 0;
}

int kqltest_main(int argc, char **argv)
{
	options o = {.batch = {0}, .nbatch = 1};
	bool options_done = false;
	int nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (options_done || a[0] != '-' || a[1] == '\0') {
			nfiles++;
		} else if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			o.verbose = true;
		} else if (!strcmp(a, "--batch-rows") || !strncmp(a, "--batch-rows=", 13)) {
			const char *list = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
			if (!list)
				return usage_error("%s", "--batch-rows needs a LIST, e.g. 1,3,0");
			if (!parse_batch_list(list, &o))
				return usage_error("--batch-rows '%s': expected row counts separated by commas, e.g. 1,3,0 "
				                   "(at most 16; 0 is the default)", list);
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	if (nfiles == 0)
		return usage_error("%s", "no FILE given");
	totals t = {0, 0};
	int rc = 0;
	options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!options_done && a[0] == '-' && a[1] != '\0') {
			if (!strcmp(a, "--"))
				options_done = true;
			else if (!strcmp(a, "--batch-rows"))
				i++;
			continue;
		}
		if (run_file(a, &o, &t) != 0)
			rc = EXIT_USAGE;
	}
	printf("%lu passed, %lu failed\n", t.passed, t.failed);
	fflush(stdout);
	if (rc)
		return rc;
	return t.failed ? EXIT_FAIL : 0;
}
