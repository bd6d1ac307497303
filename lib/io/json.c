/* json.c -- the JSON document (.json) and JSON lines (.jsonl, .ndjson)
 * readers: strict RFC 8259, one pass over the mapped text, rows straight
 * to the builder with no tree in between. */
#include "reader.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "types.h"

#define JSON_MAX_DEPTH 512
#define NO_OFF ((size_t)-1)

enum { K_OBJ = 1, K_ARR = 2 };

/* Whitespace: JSON's four characters; inside a JSON lines record a line
 * break ends the record, so there it is not whitespace. */
static const uint8_t ws_doc[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};
static const uint8_t ws_line[256] = {[' '] = 1, ['\t'] = 1, ['\r'] = 1};

/* The i-th key of the previous row and its column: rows of one export
 * repeat their keys in the same order, so the next row's i-th key usually
 * costs one memcmp instead of a tb_column lookup. */
typedef struct keyslot {
	char *name;
	size_t len, cap;
	int col;
	bool plain; /* nothing in the name needs an escape: raw bytes compare */
} keyslot;

/* Where an api-json table starts, and its name, TableName, columns and
 * rows values (NO_OFF when absent). */
typedef struct api_table {
	size_t at, offs[4];
} api_table;

typedef struct jp {
	const unsigned char *s;
	size_t len, pos;
	const uint8_t *ws;
	bool lines;
	loader *l;
	diag *d;
	int rc;                /* the code of the error, once one is set */
	unsigned depth;
	uint8_t kind[JSON_MAX_DEPTH + 2]; /* K_OBJ/K_ARR by depth, for skip_value */
	char *buf;             /* the decoded string, when it had escapes */
	size_t cap;
	keyslot *slots;
	size_t nslots, slots_cap;
	int *cols;             /* api-json: the columns by position */
	size_t ncols, cols_cap;
	api_table *tabs;       /* api-json: the tables found by scan_tables */
	size_t ntabs, tabs_cap;
	size_t rows;           /* rows emitted, to give read pages back now and then */
} jp;

/* After a row: every 4096 rows, the text before this point goes back. */
static inline void row_done(jp *p)
{
	if (++p->rows % 4096 == 0)
		loader_consumed(p->l, p->pos);
}

/* ---- Errors --------------------------------------------------------- */

static bool fail_at(jp *p, size_t off, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail_at(jp *p, size_t off, size_t n, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (off > p->len)
		off = p->len;
	if (n > p->len - off)
		n = p->len - off;
	/* diag spans are 32-bit: past 4 GiB the position saturates. */
	uint32_t o = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
	diag_set(p->d, KQLITE_ERROR, o, o == UINT32_MAX ? 0 : (uint32_t)n, "%s", msg);
	if (!p->rc)
		p->rc = KQLITE_ERROR;
	return false;
}

static bool nomem(jp *p)
{
	diag_set_nospan(p->d, KQLITE_NOMEM, "out of memory");
	p->rc = KQLITE_NOMEM;
	return false;
}

static size_t utf8_len(const unsigned char *s, size_t n);

/* "expected WHAT, found X" at p->pos: X names the byte there, or the end. */
static bool expected(jp *p, const char *what)
{
	char found[48];
	if (p->pos >= p->len) {
		snprintf(found, sizeof(found), "the end of the file");
	} else {
		unsigned c = p->s[p->pos];
		size_t n = utf8_len(p->s + p->pos, p->len - p->pos);
		if (p->lines && c == '\n')
			snprintf(found, sizeof(found), "the end of the line");
		else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0)
			snprintf(found, sizeof(found), "%s", c == ' ' ? "a space" : c == '\t' ? "a tab" :
			         c == '\n' ? "a line break" : c == '\r' ? "a carriage return" : "a NUL byte");
		else if (c > 0x20 && c < 0x7f)
			snprintf(found, sizeof(found), "'%c'", (char)c);
		else if (c >= 0x80 && n)
			snprintf(found, sizeof(found), "'%.*s'", (int)n, (const char *)p->s + p->pos);
		else if (c >= 0x80)
			snprintf(found, sizeof(found), "invalid UTF-8 (byte 0x%02X)", c);
		else
			snprintf(found, sizeof(found), "byte 0x%02X", c);
	}
	return fail_at(p, p->pos, p->pos < p->len, "expected %s, found %s", what, found);
}

/* ---- Scanning ------------------------------------------------------- */

static inline int peek(const jp *p)
{
	return p->pos < p->len ? p->s[p->pos] : -1;
}

static inline void skip_ws(jp *p)
{
	while (p->pos < p->len && p->ws[p->s[p->pos]])
		p->pos++;
}

static inline bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The length of the UTF-8 sequence at s (Unicode's well-formed table:
 * no overlongs, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || (s[2] & 0xC0) != 0x80)
			return 0;
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi ? 3 : 0;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi ? 4 : 0;
	}
	return 0;
}

/* The first index from i whose byte needs a look inside a string: '"',
 * '\\', a control character or a non-ASCII byte; len if none. Sixteen
 * bytes at a time: most string bytes are plain ASCII. */
static inline size_t find_special(const unsigned char *s, size_t i, size_t len)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		/* Signed: bytes >= 0x80 are negative, so "< 0x20" takes both. */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
		                         _mm_cmplt_epi8(v, space));
		unsigned mask = (unsigned)_mm_movemask_epi8(m);
		if (mask)
			return i + (unsigned)__builtin_ctz(mask);
	}
#endif
	for (; i < len; i++) {
		unsigned c = s[i];
		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
			break;
	}
	return i;
}

/* The first '"' or '\\' from i, or len. */
static inline size_t find_quote(const unsigned char *s, size_t i, size_t len)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned mask = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
		if (mask)
			return i + (unsigned)__builtin_ctz(mask);
	}
#endif
	while (i < len && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/* The index of the quote closing the string whose body starts at i, or
 * len. Does not validate: scan_string's look ahead. */
static size_t string_end(const unsigned char *s, size_t i, size_t len)
{
	for (;;) {
		i = find_quote(s, i, len);
		if (i >= len || s[i] == '"')
			return i < len ? i : len;
		i += 2;
	}
}

/* What \\X stands for, for the one-letter escapes; 0 for the others. */
static const char unescape[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
	['f'] = '\f', ['n'] = '\n', ['r'] = '\r', ['t'] = '\t',
};

/* Writes cp as UTF-8 at o; returns the byte after. */
static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The four hex digits at i, or -1. */
static long hex4(const jp *p, size_t i)
{
	if (i > p->len || p->len - i < 4)
		return -1;
	long v = 0;
	for (size_t k = 0; k < 4; k++) {
		int h = hex_val(p->s[i + k]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* The escape at i (a '\\'): checks it and, with o, writes what it stands
 * for at *o. A \u surrogate pair becomes its code point; a lone surrogate
 * has no UTF-8 form and becomes U+FFFD, as in dyn.c. Never writes more
 * bytes than the escape takes. Returns the escape's length, or 0 after
 * setting the error. */
static size_t escape(jp *p, size_t i, size_t open, char **o)
{
	if (i + 1 >= p->len)
		return fail_at(p, open, 1, "unterminated string"), 0;
	int c = p->s[i + 1];
	if (unescape[c]) {
		if (o)
			*(*o)++ = unescape[c];
		return 2;
	}
	if (c != 'u') {
		if (c > 0x20 && c < 0x7f)
			fail_at(p, i, 2, "invalid escape \\%c", (char)c);
		else
			fail_at(p, i, 2, "invalid escape: '\\' followed by byte 0x%02X", (unsigned)c);
		return 0;
	}
	long cp = hex4(p, i + 2);
	if (cp < 0)
		return fail_at(p, i, 2, "invalid \\u escape: expected four hex digits"), 0;
	size_t n = 6;
	if (cp >= 0xD800 && cp <= 0xDBFF && i + 7 < p->len && p->s[i + 6] == '\\' &&
	    p->s[i + 7] == 'u') {
		long lo = hex4(p, i + 8);
		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			n = 12;
		}
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (o)
		*o = put_utf8(*o, (uint32_t)cp);
	return n;
}

/* Room for n bytes in p->buf. */
static bool reserve(jp *p, size_t n)
{
	if (n <= p->cap)
		return true;
	size_t cap = p->cap ? p->cap : 256;
	while (cap < n)
		cap *= 2;
	char *b = realloc(p->buf, cap);
	if (!b)
		return nomem(p);
	p->buf = b;
	p->cap = cap;
	return true;
}

/* Scans the string at p->pos (its '"'), leaving p->pos past the closing
 * quote. With decode it also gives its bytes: *sp points into the text
 * when the string has no escapes (the common case, no copy), else into
 * p->buf, which then holds the decoded string. */
static bool scan_string(jp *p, bool decode, const char **sp, size_t *slen)
{
	const unsigned char *s = p->s;
	size_t len = p->len, open = p->pos, i = open + 1, run = i;
	char *o = NULL; /* where decoded bytes go, once an escape is seen */
	for (;;) {
		i = find_special(s, i, len);
		if (i >= len)
			return fail_at(p, open, 1, "unterminated string");
		unsigned c = s[i];
		if (c == '"')
			break;
		if (c == '\\') {
			if (decode) {
				/* Decoded text is never longer than its source: room for
				 * the rest of the string is room for all of it. */
				if (!o) {
					if (!reserve(p, string_end(s, i, len) - open))
						return false;
					o = p->buf;
				}
				memcpy(o, s + run, i - run);
				o += i - run;
			}
			/* JSON text in a string escapes every quote: the one-letter
			 * escapes stay here, without a call. */
			char u = i + 1 < len ? unescape[s[i + 1]] : 0;
			if (u) {
				if (o)
					*o++ = u;
				i += 2;
				run = i;
				continue;
			}
			size_t n = escape(p, i, open, decode ? &o : NULL);
			if (!n)
				return false;
			i += n;
			run = i;
		} else if (c < 0x20) {
			return fail_at(p, i, 1, "control character U+%04X in a string: write it as an escape", c);
		} else {
			/* Non-ASCII text tends to come in runs: stay here for them. */
			while (i < len && s[i] >= 0x80) {
				size_t n = utf8_len(s + i, len - i);
				if (!n)
					return fail_at(p, i, 1, "invalid UTF-8 in a string (byte 0x%02X)", s[i]);
				i += n;
			}
		}
	}
	p->pos = i + 1;
	if (!decode)
		return true;
	if (o) {
		memcpy(o, s + run, i - run);
		o += i - run;
		*sp = p->buf;
		*slen = (size_t)(o - p->buf);
	} else {
		*sp = (const char *)s + open + 1;
		*slen = i - open - 1;
	}
	return true;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? at p->pos. The text goes
 * to the builder as written, so no digits are lost to a double. */
static bool scan_number(jp *p)
{
	const unsigned char *s = p->s;
	size_t len = p->len, i = p->pos;
	if (s[i] == '-')
		i++;
	if (i >= len || !is_digit(s[i])) {
		p->pos = i;
		return expected(p, "a digit after '-' in a number");
	}
	if (s[i] == '0') {
		if (++i < len && is_digit(s[i]))
			return fail_at(p, i - 1, 2, "invalid number: leading zeros are not allowed");
	} else {
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && s[i] == '.') {
		if (++i >= len || !is_digit(s[i])) {
			p->pos = i;
			return expected(p, "a digit after the decimal point");
		}
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && (s[i] | 0x20) == 'e') {
		if (++i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i])) {
			p->pos = i;
			return expected(p, "a digit in the exponent of a number");
		}
		while (i < len && is_digit(s[i]))
			i++;
	}
	p->pos = i;
	return true;
}

static bool scan_literal(jp *p, const char *word, size_t n)
{
	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail_at(p, p->pos, 1, "invalid literal: expected %s", word);
	p->pos += n;
	return true;
}

static bool scan_scalar(jp *p, vkind *kind)
{
	switch (peek(p)) {
	case '"':
		*kind = V_STRING;
		return scan_string(p, false, NULL, NULL);
	case 't':
		*kind = V_TRUE;
		return scan_literal(p, "true", 4);
	case 'f':
		*kind = V_FALSE;
		return scan_literal(p, "false", 5);
	case 'n':
		*kind = V_NULL;
		return scan_literal(p, "null", 4);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		*kind = V_NUMBER;
		return scan_number(p);
	default:
		return expected(p, "a JSON value");
	}
}

static bool push(jp *p, int kind)
{
	if (p->depth >= JSON_MAX_DEPTH)
		return fail_at(p, p->pos, 1, "nesting deeper than %d levels", JSON_MAX_DEPTH);
	p->kind[++p->depth] = (uint8_t)kind;
	return true;
}

static bool member_colon(jp *p);

/* At a member's name: scans it (decoded when k is not NULL), the ':' and
 * the whitespace up to the value. */
static bool member_name(jp *p, bool after_comma, const char **k, size_t *kn)
{
	if (peek(p) != '"') {
		if (after_comma && peek(p) == '}')
			return fail_at(p, p->pos, 1,
			               "expected a member name after ',': trailing commas are not allowed");
		return expected(p, "a member name (a string)");
	}
	if (!scan_string(p, k != NULL, k, kn))
		return false;
	return member_colon(p);
}

/* After a member's name: the ':' and the whitespace up to the value. */
static bool member_colon(jp *p)
{
	skip_ws(p);
	if (peek(p) != ':')
		return expected(p, "':' after a member name");
	p->pos++;
	skip_ws(p);
	return true;
}

/* After a ',' in an array and its whitespace. */
static bool not_trailing(jp *p)
{
	if (peek(p) == ']')
		return fail_at(p, p->pos, 1,
		               "expected a value after ',': trailing commas are not allowed");
	return true;
}

/* Validates the value at p->pos without decoding it, leaving p->pos past
 * it. Containers nest through p->kind, not the C stack: the depth limit
 * is the only bound. */
static bool skip_value(jp *p)
{
	unsigned base = p->depth;
	for (;;) {
		/* At a value: a scalar is passed whole, a container opened. */
		int c = peek(p);
		if (c == '{' || c == '[') {
			if (!push(p, c == '{' ? K_OBJ : K_ARR))
				return false;
			p->pos++;
			skip_ws(p);
			if (peek(p) == c + 2) { /* '{'+2 == '}', '['+2 == ']' */
				p->pos++;
				p->depth--;
			} else if (c == '[') {
				continue;
			} else {
				if (!member_name(p, false, NULL, NULL))
					return false;
				continue;
			}
		} else {
			vkind k;
			if (!scan_scalar(p, &k))
				return false;
		}
		/* After a value: close what ends here, then on to the next value. */
		for (;;) {
			if (p->depth == base)
				return true;
			skip_ws(p);
			bool obj = p->kind[p->depth] == K_OBJ;
			c = peek(p);
			if (c == ',') {
				p->pos++;
				skip_ws(p);
				if (obj ? !member_name(p, true, NULL, NULL) : !not_trailing(p))
					return false;
				break;
			}
			if (c == (obj ? '}' : ']')) {
				p->pos++;
				p->depth--;
				continue;
			}
			return expected(p, obj ? "',' or '}' after an object member"
			                       : "',' or ']' after an array element");
		}
	}
}

/* ---- Rows ----------------------------------------------------------- */

/* The column of the i-th key of this row: the previous row's i-th key's
 * column when the bytes match. -1 when out of memory. */
static int column_for(jp *p, tbuilder *b, size_t i, const char *k, size_t kn)
{
	if (i < p->nslots) {
		keyslot *ks = &p->slots[i];
		if (ks->len == kn && (kn == 0 || memcmp(ks->name, k, kn) == 0))
			return ks->col;
	}
	int col = tb_column(b, k, kn);
	if (col < 0)
		return -1;
	if (i >= p->nslots) { /* i == nslots: keys come one at a time */
		if (i >= p->slots_cap) {
			size_t cap = p->slots_cap ? 2 * p->slots_cap : 32;
			keyslot *ns = realloc(p->slots, cap * sizeof(*ns));
			if (!ns)
				return -1;
			memset(ns + p->slots_cap, 0, (cap - p->slots_cap) * sizeof(*ns));
			p->slots = ns;
			p->slots_cap = cap;
		}
		p->nslots = i + 1;
	}
	keyslot *ks = &p->slots[i];
	if (kn > ks->cap) {
		char *name = realloc(ks->name, kn);
		if (!name)
			return -1;
		ks->name = name;
		ks->cap = kn;
	}
	if (kn)
		memcpy(ks->name, k, kn);
	ks->len = kn;
	ks->col = col;
	ks->plain = true;
	for (size_t j = 0; j < kn; j++)
		if ((unsigned char)k[j] < 0x20 || k[j] == '"' || k[j] == '\\')
			ks->plain = false;
	return col;
}

/* The column of the key at p->pos when its text is exactly the i-th key
 * of the previous row (p->pos then moves past it), else -1: one memcmp
 * for a row that repeats its predecessor's keys. Equal raw bytes are the
 * same valid string only when the name has nothing to escape. */
static inline int predicted(jp *p, size_t i)
{
	if (i >= p->nslots)
		return -1;
	const keyslot *ks = &p->slots[i];
	size_t at = p->pos + 1;
	if (!ks->plain || at >= p->len || p->s[p->pos] != '"' || p->len - at <= ks->len ||
	    p->s[at + ks->len] != '"' || (ks->len && memcmp(p->s + at, ks->name, ks->len) != 0))
		return -1;
	p->pos = at + ks->len + 1;
	return ks->col;
}

/* The value at p->pos to column col of the current row, in its source
 * form: a string decoded, a number's text, an object or array validated
 * and passed as its text. */
static bool emit_value(jp *p, tbuilder *b, int col)
{
	size_t start = p->pos;
	const char *v = (const char *)p->s + start;
	size_t n;
	vkind kind;
	int c = peek(p);
	if (c == '"') {
		kind = V_STRING;
		if (!scan_string(p, true, &v, &n))
			return false;
	} else {
		if (c == '{' || c == '[') {
			kind = V_JSON;
			if (!skip_value(p))
				return false;
		} else if (!scan_scalar(p, &kind)) {
			return false;
		}
		n = p->pos - start;
	}
	if (tb_value(b, col, kind, v, n))
		return nomem(p);
	return true;
}

/* The object at p->pos as one row. */
static bool emit_row(jp *p, tbuilder *b)
{
	if (!push(p, K_OBJ))
		return false;
	p->pos++;
	if (tb_row_begin(b))
		return nomem(p);
	skip_ws(p);
	if (peek(p) == '}') {
		p->pos++;
	} else {
		for (size_t i = 0;; i++) {
			int col = predicted(p, i);
			if (col >= 0) {
				if (!member_colon(p))
					return false;
			} else {
				const char *k;
				size_t kn;
				if (!member_name(p, i > 0, &k, &kn))
					return false;
				if ((col = column_for(p, b, i, k, kn)) < 0)
					return nomem(p);
			}
			if (!emit_value(p, b, col))
				return false;
			skip_ws(p);
			int c = peek(p);
			if (c == '}') {
				p->pos++;
				break;
			}
			if (c != ',')
				return expected(p, "',' or '}' after an object member");
			p->pos++;
			skip_ws(p);
		}
	}
	p->depth--;
	if (tb_row_end(b))
		return nomem(p);
	row_done(p);
	return true;
}

/* After an array element: 1 when another follows (past the ','), 0 at
 * the closing ']' (past it), -1 on an error (set). */
static int array_next(jp *p)
{
	skip_ws(p);
	int c = peek(p);
	if (c == ']') {
		p->pos++;
		return 0;
	}
	if (c != ',') {
		expected(p, "',' or ']' after an array element");
		return -1;
	}
	p->pos++;
	skip_ws(p);
	return not_trailing(p) ? 1 : -1;
}

/* The array at p->pos, each element one row: what = the element's name
 * in the error for one that is not an object. */
static bool emit_object_array(jp *p, tbuilder *b, const char *what)
{
	if (!push(p, K_ARR))
		return false;
	p->pos++;
	skip_ws(p);
	if (peek(p) == ']') {
		p->pos++;
		p->depth--;
		return true;
	}
	for (;;) {
		if (peek(p) != '{')
			return expected(p, what);
		if (!emit_row(p, b))
			return false;
		int more = array_next(p);
		if (more < 0)
			return false;
		if (!more)
			break;
	}
	p->depth--;
	return true;
}

/* The array at p->pos as the one-column "value" table, a row an element. */
static bool emit_value_array(jp *p, tbuilder *b)
{
	int col = tb_column(b, "value", 5);
	if (col < 0)
		return nomem(p);
	if (!push(p, K_ARR))
		return false;
	p->pos++;
	skip_ws(p);
	if (peek(p) == ']') {
		p->pos++;
		p->depth--;
		return true;
	}
	for (;;) {
		if (tb_row_begin(b))
			return nomem(p);
		if (!emit_value(p, b, col))
			return false;
		if (tb_row_end(b))
			return nomem(p);
		row_done(p);
		int more = array_next(p);
		if (more < 0)
			return false;
		if (!more)
			break;
	}
	p->depth--;
	return true;
}

/* ---- Shapes --------------------------------------------------------- */

static tbuilder *table_named(jp *p, const char *name, size_t n)
{
	tbuilder *b = loader_table(p->l, name, n);
	if (!b)
		nomem(p);
	p->nslots = 0; /* cached columns belong to the previous builder */
	return b;
}

static tbuilder *default_table(jp *p)
{
	size_t n;
	const char *name = loader_default_name(p->l, &n);
	return table_named(p, name, n);
}

static bool ascii_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x |= 0x20;
		if (y >= 'A' && y <= 'Z')
			y |= 0x20;
		if (x != y)
			return false;
	}
	return true;
}

static bool key_is(const char *k, size_t kn, const char *name)
{
	return strlen(name) == kn && ascii_ieq(k, name, kn);
}

/* A column type as api-json (KQL names), Kusto v1 (DataType: .NET names)
 * and the Defender API (.NET names) write it. SByte is bool: Kusto's v1
 * protocol declares bool columns so. */
static bool map_type(const char *s, size_t n, kqlite_type *t)
{
	static const struct {
		const char *name;
		kqlite_type type;
	} net[] = {
		{"Boolean", KQLITE_TYPE_BOOL},        {"SByte", KQLITE_TYPE_BOOL},
		{"Byte", KQLITE_TYPE_INT},            {"Int16", KQLITE_TYPE_INT},
		{"UInt16", KQLITE_TYPE_INT},          {"Int32", KQLITE_TYPE_INT},
		{"UInt32", KQLITE_TYPE_LONG},         {"Int64", KQLITE_TYPE_LONG},
		{"UInt64", KQLITE_TYPE_LONG},         {"Single", KQLITE_TYPE_REAL},
		{"Double", KQLITE_TYPE_REAL},         {"Decimal", KQLITE_TYPE_DECIMAL},
		{"SqlDecimal", KQLITE_TYPE_DECIMAL},  {"String", KQLITE_TYPE_STRING},
		{"DateTime", KQLITE_TYPE_DATETIME},   {"DateTimeOffset", KQLITE_TYPE_DATETIME},
		{"TimeSpan", KQLITE_TYPE_TIMESPAN},   {"Guid", KQLITE_TYPE_GUID},
		{"Object", KQLITE_TYPE_DYNAMIC},      {"Dynamic", KQLITE_TYPE_DYNAMIC},
	};
	char low[32];
	if (n >= 7 && ascii_ieq(s, "System.", 7)) {
		s += 7;
		n -= 7;
	}
	for (size_t i = 0; i < sizeof(net) / sizeof(net[0]); i++) {
		if (key_is(s, n, net[i].name)) {
			*t = net[i].type;
			return true;
		}
	}
	if (n >= sizeof(low))
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 0x20 : s[i]);
	return type_from_name(low, n, t);
}

/* Walks the object at p->pos, validating it, leaving p->pos past it:
 * offs[i] is where the value of the member named keys[i] starts (ASCII
 * case-insensitive; a repeated key: the last), or NO_OFF. */
static bool walk_members(jp *p, const char *const *keys, size_t *offs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		offs[i] = NO_OFF;
	if (!push(p, K_OBJ))
		return false;
	p->pos++;
	skip_ws(p);
	if (peek(p) != '}') {
		for (size_t m = 0;; m++) {
			const char *k;
			size_t kn;
			if (!member_name(p, m > 0, &k, &kn))
				return false;
			for (size_t i = 0; i < n; i++)
				if (key_is(k, kn, keys[i]))
					offs[i] = p->pos;
			if (!skip_value(p))
				return false;
			skip_ws(p);
			int c = peek(p);
			if (c == '}')
				break;
			if (c != ',')
				return expected(p, "',' or '}' after an object member");
			p->pos++;
			skip_ws(p);
		}
	}
	p->pos++;
	p->depth--;
	return true;
}

/* The first of n member offsets that holds a string. */
static bool first_string(const jp *p, const size_t *offs, size_t n, size_t *at)
{
	for (size_t i = 0; i < n; i++) {
		if (offs[i] != NO_OFF && p->s[offs[i]] == '"') {
			*at = offs[i];
			return true;
		}
	}
	return false;
}

/* Decodes the string at off (validated text): into p->buf, or the text. */
static bool string_at(jp *p, size_t off, const char **s, size_t *n)
{
	size_t keep = p->pos;
	p->pos = off;
	bool ok = scan_string(p, true, s, n);
	p->pos = keep;
	return ok;
}

/* A column declared by the file: {"name","type"} (api-json), {"ColumnName",
 * "ColumnType"/"DataType"} (Kusto v1), {"Name","Type"} (Defender). */
static bool declare_column(jp *p, tbuilder *b, const char *where)
{
	static const char *const keys[] = {"name", "ColumnName", "type", "ColumnType", "DataType"};
	size_t offs[5], at = p->pos, name_at, type_at;
	if (peek(p) != '{')
		return fail_at(p, at, 1, "expected a column object {\"name\": ..., \"type\": ...} in %s", where);
	if (!walk_members(p, keys, offs, 5))
		return false;
	if (!first_string(p, offs, 2, &name_at))
		return fail_at(p, at, 1, "a column in %s has no \"name\" (a string)", where);
	/* The type first: p->buf holds one decoded string at a time. */
	const char *s;
	size_t n;
	kqlite_type t = KQLITE_TYPE_UNKNOWN;
	char unknown[64] = "";
	if (first_string(p, offs + 2, 3, &type_at)) {
		if (!string_at(p, type_at, &s, &n))
			return false;
		if (!map_type(s, n, &t))
			snprintf(unknown, sizeof(unknown), "%.*s", (int)(n < 60 ? n : 60), s);
	}
	if (!string_at(p, name_at, &s, &n))
		return false;
	int col = tb_column(b, s, n);
	if (col < 0)
		return nomem(p);
	if (p->ncols == p->cols_cap) {
		size_t cap = p->cols_cap ? 2 * p->cols_cap : 32;
		int *nc = realloc(p->cols, cap * sizeof(*nc));
		if (!nc)
			return nomem(p);
		p->cols = nc;
		p->cols_cap = cap;
	}
	p->cols[p->ncols++] = col;
	if (t != KQLITE_TYPE_UNKNOWN)
		tb_set_type(b, col, t);
	else if (unknown[0])
		loader_warn(p->l, "column %.*s: unknown type \"%s\"; the type is inferred from the values",
		            (int)(n < 100 ? n : 100), s, unknown);
	return true;
}

/* The array of column objects at p->pos, into p->cols in order. */
static bool declare_columns(jp *p, tbuilder *b, const char *where)
{
	p->ncols = 0;
	p->pos++;
	skip_ws(p);
	if (peek(p) == ']') {
		p->pos++;
		return true;
	}
	for (;;) {
		if (!declare_column(p, b, where))
			return false;
		skip_ws(p);
		if (peek(p) != ',')
			break;
		p->pos++;
		skip_ws(p);
	}
	p->pos++; /* ']' */
	return true;
}

/* api-json "rows": arrays of values by position. */
static bool emit_positional_rows(jp *p, tbuilder *b)
{
	p->pos++;
	skip_ws(p);
	if (peek(p) == ']') {
		p->pos++;
		return true;
	}
	for (;;) {
		size_t at = p->pos, k = 0;
		if (peek(p) != '[')
			return expected(p, "a row (an array of values)");
		if (tb_row_begin(b))
			return nomem(p);
		p->pos++;
		skip_ws(p);
		while (peek(p) != ']') {
			if (k == p->ncols)
				return fail_at(p, p->pos, 1, "this row has more values than the table has columns (%zu)",
				               p->ncols);
			if (!emit_value(p, b, p->cols[k++]))
				return false;
			skip_ws(p);
			if (peek(p) == ',')
				p->pos++;
			skip_ws(p);
		}
		p->pos++;
		if (k != p->ncols)
			return fail_at(p, at, 1, "this row has %zu value%s, but the table has %zu columns", k,
			               k == 1 ? "" : "s", p->ncols);
		if (tb_row_end(b))
			return nomem(p);
		row_done(p);
		skip_ws(p);
		if (peek(p) != ',')
			break;
		p->pos++;
		skip_ws(p);
	}
	p->pos++; /* ']' */
	return true;
}

/* One entry of api-json "tables" (its members' places noted by
 * scan_tables): columns, then rows. */
static bool read_api_table(jp *p, const api_table *t, bool single)
{
	size_t name_at;
	if (t->offs[2] == NO_OFF || p->s[t->offs[2]] != '[')
		return fail_at(p, t->at, 1, "a table in \"tables\" has no \"columns\" (an array)");
	if (t->offs[3] == NO_OFF || p->s[t->offs[3]] != '[')
		return fail_at(p, t->at, 1, "a table in \"tables\" has no \"rows\" (an array)");
	tbuilder *b;
	if (single) {
		b = default_table(p);
	} else {
		const char *s;
		size_t n;
		if (!first_string(p, t->offs, 2, &name_at))
			return fail_at(p, t->at, 1, "a table in \"tables\" has no \"name\" (a string)");
		if (!string_at(p, name_at, &s, &n))
			return false;
		b = table_named(p, s, n);
	}
	if (!b)
		return false;
	p->pos = t->offs[2];
	if (!declare_columns(p, b, "\"columns\""))
		return false;
	p->pos = t->offs[3];
	return emit_positional_rows(p, b);
}

static bool read_api(jp *p)
{
	if (p->ntabs == 0)
		return default_table(p) != NULL; /* no tables: an empty one */
	for (size_t i = 0; i < p->ntabs; i++)
		if (!read_api_table(p, &p->tabs[i], p->ntabs == 1))
			return false;
	return true;
}

/* A Defender API response: the Schema's columns with their .NET types,
 * then the Results' rows by name (read after Schema wherever they stand). */
static bool read_defender(jp *p, size_t schema_at, size_t results_at)
{
	tbuilder *b = default_table(p);
	if (!b)
		return false;
	p->pos = schema_at;
	if (!declare_columns(p, b, "\"Schema\""))
		return false;
	p->pos = results_at;
	return emit_object_array(p, b, "an object (a row) in \"Results\"");
}

/* The api-json "tables" array at p->pos, in the validating pass: notes
 * where each table's name, columns and rows are (in any order; Kusto v1
 * spells them TableName, Columns, Rows), so that no later pass walks the
 * rows more than once. */
static bool scan_tables(jp *p)
{
	static const char *const keys[] = {"name", "TableName", "columns", "rows"};
	p->ntabs = 0;
	if (!push(p, K_ARR))
		return false;
	p->pos++;
	skip_ws(p);
	if (peek(p) != ']') {
		for (;;) {
			if (peek(p) != '{')
				return expected(p, "a table object {\"name\", \"columns\", \"rows\"} in \"tables\"");
			if (p->ntabs == p->tabs_cap) {
				size_t cap = p->tabs_cap ? 2 * p->tabs_cap : 4;
				api_table *nt = realloc(p->tabs, cap * sizeof(*nt));
				if (!nt)
					return nomem(p);
				p->tabs = nt;
				p->tabs_cap = cap;
			}
			api_table *t = &p->tabs[p->ntabs++];
			t->at = p->pos;
			if (!walk_members(p, keys, t->offs, 4))
				return false;
			skip_ws(p);
			if (peek(p) == ']')
				break;
			if (peek(p) != ',')
				return expected(p, "',' or ']' after an array element");
			p->pos++;
			skip_ws(p);
			if (!not_trailing(p))
				return false;
		}
	}
	p->pos++;
	p->depth--;
	return true;
}

/* A top-level object: an api-json response (a "tables" array), a Defender
 * response ("Schema" and "Results" arrays, either first) or one row. A
 * first pass validates it all and finds those members, so every later
 * pass runs over valid text. */
static bool read_object_doc(jp *p)
{
	size_t start = p->pos, tables = NO_OFF, schema = NO_OFF, results = NO_OFF;
	if (!push(p, K_OBJ))
		return false;
	p->pos++;
	skip_ws(p);
	if (peek(p) != '}') {
		for (size_t i = 0;; i++) {
			const char *k;
			size_t kn;
			if (!member_name(p, i > 0, &k, &kn))
				return false;
			bool arr = peek(p) == '[';
			size_t at = p->pos;
			if (key_is(k, kn, "tables")) {
				tables = arr ? at : NO_OFF;
				if (arr && !scan_tables(p))
					return false;
			} else if (key_is(k, kn, "Schema")) {
				schema = arr ? at : NO_OFF;
			} else if (key_is(k, kn, "Results")) {
				results = arr ? at : NO_OFF;
			}
			if (p->pos == at && !skip_value(p))
				return false;
			skip_ws(p);
			int c = peek(p);
			if (c == '}')
				break;
			if (c != ',')
				return expected(p, "',' or '}' after an object member");
			p->pos++;
			skip_ws(p);
		}
	}
	p->pos++;
	p->depth--;
	size_t end = p->pos;
	bool ok;
	if (tables != NO_OFF) {
		ok = read_api(p);
	} else if (schema != NO_OFF && results != NO_OFF) {
		ok = read_defender(p, schema, results);
	} else {
		tbuilder *b = default_table(p);
		p->pos = start;
		ok = b && emit_row(p, b);
	}
	p->pos = end;
	return ok;
}

/* Bits of the 64 bytes at p: m[0] '"', m[1] '\\', m[2] '[' or '{', m[3] ']' or '}'. */
static void block_masks(const unsigned char *p, uint64_t m[4])
{
	m[0] = m[1] = m[2] = m[3] = 0;
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i lower = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i f = _mm_or_si128(v, lower); /* '[' -> '{', ']' -> '}' */
		m[0] |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) << 16 * k;
		m[1] |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bslash)) << 16 * k;
		m[2] |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(f, open)) << 16 * k;
		m[3] |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(f, close)) << 16 * k;
	}
#else
	for (unsigned k = 0; k < 64; k++) {
		unsigned c = p[k], f = c | 0x20;
		m[0] |= (uint64_t)(c == '"') << k;
		m[1] |= (uint64_t)(c == '\\') << k;
		m[2] |= (uint64_t)(f == '{') << k;
		m[3] |= (uint64_t)(f == '}') << k;
	}
#endif
}

/* Bit i set: an odd number of the bits 0..i of x are set. */
static inline uint64_t prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* Whether [a, b) holds only whitespace and commas. */
static bool only_separators(const unsigned char *s, size_t a, size_t b)
{
	for (; a < b; a++)
		if (s[a] != ',' && !ws_doc[s[a]])
			return false;
	return true;
}

/* Whether every element of the array whose body starts at i is an object,
 * so that the reader picks rows or the "value" table before the first row
 * goes out. 64 bytes a step: masks of quotes outside escapes give the
 * bytes inside strings, and only the few brackets outside strings are
 * visited; between them, at the array's own level, only separators may
 * stand. On invalid text the answer does not matter: the reading pass
 * stops at the error. */
static bool all_objects(const unsigned char *s, size_t i, size_t len)
{
	unsigned char tail[64];
	size_t depth = 1, top = i; /* top: where the stretch at depth 1 began */
	uint64_t in_string = 0, escape_next = 0;
	for (size_t base = i; base < len; base += 64) {
		const unsigned char *p = s + base;
		if (len - base < 64) {
			memset(tail, ' ', sizeof(tail));
			memcpy(tail, p, len - base);
			p = tail;
		}
		uint64_t m[4];
		block_masks(p, m);
		/* A backslash escapes the next byte, unless it is escaped itself. */
		uint64_t escaped = escape_next, bs = m[1] & ~escape_next;
		escape_next = 0;
		while (bs) {
			unsigned b = (unsigned)__builtin_ctzll(bs);
			if (b == 63) {
				escape_next = 1;
				break;
			}
			escaped |= (uint64_t)1 << (b + 1);
			bs &= ~((uint64_t)3 << b);
		}
		uint64_t str = prefix_xor(m[0] & ~escaped) ^ in_string;
		in_string = (uint64_t)0 - (str >> 63);
		for (uint64_t ev = (m[2] | m[3]) & ~str; ev; ev &= ev - 1) {
			size_t at = base + (unsigned)__builtin_ctzll(ev);
			if (depth == 1 && !only_separators(s, top, at))
				return false;
			if ((s[at] | 0x20) == '}') {
				if (--depth == 0)
					return true;
				if (depth == 1)
					top = at + 1;
			} else {
				if (depth == 1 && s[at] != '{')
					return false;
				depth++;
			}
		}
	}
	return depth != 1 || only_separators(s, top, len);
}

static bool read_array_doc(jp *p)
{
	tbuilder *b = default_table(p);
	if (!b)
		return false;
	/* Not an object here means the text is invalid (all_objects said so). */
	if (all_objects(p->s, p->pos + 1, p->len))
		return emit_object_array(p, b, "a JSON value");
	return emit_value_array(p, b);
}

/* A top-level scalar: one row of the "value" table. */
static bool read_scalar_doc(jp *p)
{
	tbuilder *b = default_table(p);
	if (!b)
		return false;
	int col = tb_column(b, "value", 5);
	if (col < 0 || tb_row_begin(b))
		return nomem(p);
	if (!emit_value(p, b, col))
		return false;
	if (tb_row_end(b))
		return nomem(p);
	row_done(p);
	return true;
}

/* ---- Entry points --------------------------------------------------- */

static void jp_init(jp *p, loader *l, const char *text, size_t len, diag *d, bool lines)
{
	memset(p, 0, sizeof(*p));
	p->s = (const unsigned char *)text;
	p->len = len;
	p->ws = lines ? ws_line : ws_doc;
	p->lines = lines;
	p->l = l;
	p->d = d;
	/* A UTF-8 byte order mark (Windows tools write one) is not content. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p->pos = 3;
}

static int jp_done(jp *p, bool ok)
{
	for (size_t i = 0; i < p->slots_cap; i++)
		free(p->slots[i].name);
	free(p->slots);
	free(p->cols);
	free(p->tabs);
	free(p->buf);
	if (ok)
		return 0;
	if (!p->rc) /* every failing path sets the diag; never report success */
		fail_at(p, p->pos, 0, "invalid JSON");
	return p->rc;
}

int json_read_document(loader *l, const char *text, size_t len, diag *d)
{
	jp p;
	jp_init(&p, l, text, len, d, false);
	skip_ws(&p);
	bool ok;
	if (p.pos >= len) {
		ok = fail_at(&p, 0, 0, "empty file");
	} else {
		int c = peek(&p);
		ok = c == '[' ? read_array_doc(&p) : c == '{' ? read_object_doc(&p) : read_scalar_doc(&p);
		skip_ws(&p);
		if (ok && p.pos < len)
			ok = fail_at(&p, p.pos, 1, "unexpected text after the JSON value");
	}
	return jp_done(&p, ok);
}

int json_read_lines(loader *l, const char *text, size_t len, diag *d)
{
	jp p;
	jp_init(&p, l, text, len, d, true);
	tbuilder *b = default_table(&p);
	bool ok = b != NULL;
	while (ok) {
		while (p.pos < len && ws_doc[p.s[p.pos]]) /* blank lines too */
			p.pos++;
		if (p.pos >= len)
			break;
		if (peek(&p) != '{') {
			ok = expected(&p, "an object (a JSON lines file holds one object a line)");
			break;
		}
		ok = emit_row(&p, b);
		skip_ws(&p);
		if (ok && p.pos < len && p.s[p.pos] != '\n')
			ok = fail_at(&p, p.pos, 1,
			             "unexpected text after the object: a JSON lines file holds one object a line");
	}
	return jp_done(&p, ok);
}
