/* fn_string.c -- the string functions: strcat, strcat_delim, strlen,
 * string_size, strcmp, tolower, toupper, substring, indexof, split, trim,
 * trim_start, trim_end, replace_string, strcat_array, strrep, reverse,
 * countof, hash_sha256, base64_encode_tostring, base64_decode_tostring,
 * url_encode, url_encode_component and url_decode.
 *
 * Strings are UTF-8; positions and lengths count Unicode characters (code
 * points), and a byte that is not part of valid UTF-8 counts as one
 * character. An argument of another type is converted with tostring()'s
 * rules first (strlen(12345) is 5). Results share the input's bytes when
 * they are a part of it, else live in the batch's scratch arena.
 *
 * tolower/toupper map ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
 * letters (the one-to-one mappings; ß, ŉ and the like stay as they are);
 * other characters are unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "regex.h"

/* ---- Helpers --------------------------------------------------------------- */

static kstr sget(const vec *v, uint32_t r)
{
	kstr s = v_str(v, r);
	if (!s.p)
		s.p = "";
	return s;
}

/* a as a string vector (converted with tostring's rules when it is not). */
static bool str_arg(xctx *cx, const vec *a, const uint32_t *sel, uint32_t n, uint32_t rows,
                    vec *tmp, const vec **out)
{
	if (a->type == KQLITE_TYPE_STRING) {
		*out = a;
		return true;
	}
	if (!vec_cast(cx, a, KQLITE_TYPE_STRING, sel, n, rows, tmp))
		return false;
	*out = tmp;
	return true;
}

/* a as a long vector (with nulls where it does not convert). */
static bool long_arg(xctx *cx, const vec *a, const uint32_t *sel, uint32_t n, uint32_t rows,
                     vec *tmp, const vec **out)
{
	if (a->type == KQLITE_TYPE_LONG || a->type == KQLITE_TYPE_INT) {
		*out = a;
		return true;
	}
	if (!vec_cast(cx, a, KQLITE_TYPE_LONG, sel, n, rows, tmp))
		return false;
	*out = tmp;
	return true;
}

static bool alloc_str(xctx *cx, vec *res, uint32_t rows)
{
	res->type = KQLITE_TYPE_STRING;
	return vec_alloc(cx, res, rows, false);
}

/* The character at s[i]: its length in bytes, and its code point in *cp
 * (0xFFFFFFFF for a byte that is not valid UTF-8, which is one character). */
static size_t u8char(const char *str, size_t n, size_t i, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[i];
	*cp = 0xFFFFFFFFu;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 1;
	}
	if (i + len > n)
		return 1;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 1;
		v = v << 6 | (s[i + k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 1;
	*cp = v;
	return len;
}

static size_t u8count(const char *s, size_t n)
{
	size_t count = 0;
	uint32_t cp;
	for (size_t i = 0; i < n; i += u8char(s, n, i, &cp))
		count++;
	return count;
}

/* Byte offset of character number k (n when past the end). */
static size_t u8offset(const char *s, size_t n, size_t k)
{
	size_t i = 0;
	uint32_t cp;
	while (k-- && i < n)
		i += u8char(s, n, i, &cp);
	return i;
}

static bool utf8_valid(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		i += u8char(s, n, i, &cp);
		if (cp == 0xFFFFFFFFu)
			return false;
	}
	return true;
}

/* The first occurrence of needle in hay[from..n), or (size_t)-1. */
static size_t find_bytes(const char *hay, size_t n, size_t from, const char *needle, size_t m)
{
	if (m == 0)
		return from <= n ? from : (size_t)-1;
	if (m > n)
		return (size_t)-1;
	for (size_t i = from; i + m <= n;) {
		const char *p = memchr(hay + i, needle[0], n - m + 1 - i);
		if (!p)
			return (size_t)-1;
		i = (size_t)(p - hay);
		if (memcmp(p, needle, m) == 0)
			return i;
		i++;
	}
	return (size_t)-1;
}

/* Sets row i of res from sb, or fails when sb ran out of memory. */
static bool put_sb(xctx *cx, vec *res, uint32_t i, const strbuf *sb)
{
	if (sb->oom)
		return x_nomem(cx->q);
	return vec_set_str(cx, res, i, sb->len ? sb->s : "", sb->len);
}

#define UNUSED_CALL                                                                                \
	(void)call;                                                                                \
	(void)nargs

/* ---- strcat, strcat_delim, strlen, string_size, strcmp --------------------- */

/* Converts args[from..nargs) to strings into an array in cx->tmp. */
static const vec **str_args(xctx *cx, const vec *args, uint32_t from, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows)
{
	uint32_t k = nargs > from ? nargs - from : 0;
	const vec **vs = arena_alloc(cx->tmp, sizeof(vec *) * (k ? k : 1));
	vec *tmp = arena_alloc(cx->tmp, sizeof(vec) * (k ? k : 1));
	if (!vs || !tmp) {
		x_nomem(cx->q);
		return NULL;
	}
	for (uint32_t j = 0; j < k; j++)
		if (!str_arg(cx, &args[from + j], sel, n, rows, &tmp[j], &vs[j]))
			return NULL;
	return vs;
}

static bool concat(xctx *cx, const vec *args, uint32_t nargs, const vec *delim, uint32_t from,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	const vec **vs = str_args(cx, args, from, nargs, sel, n, rows);
	vec res;
	if (!vs || !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		sb.len = 0;
		for (uint32_t j = 0; j + from < nargs; j++) {
			if (j && delim) {
				kstr d = sget(delim, i);
				sb_add(&sb, d.p, d.n);
			}
			kstr s = sget(vs[j], i);
			sb_add(&sb, s.p, s.n);
		}
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

static bool fn_strcat(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return concat(cx, args, nargs, NULL, 0, sel, n, rows, out);
}

/* strcat_delim(delimiter, a, b, ...) */
static bool fn_strcat_delim(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	vec t;
	const vec *d;
	return str_arg(cx, &args[0], sel, n, rows, &t, &d) &&
	       concat(cx, args, nargs, d, 1, sel, n, rows, out);
}

static bool length_of(xctx *cx, const vec *a, const uint32_t *sel, uint32_t n, uint32_t rows,
                      vec *out, bool chars)
{
	vec t;
	const vec *s;
	vec res = {.type = KQLITE_TYPE_LONG};
	if (!str_arg(cx, a, sel, n, rows, &t, &s) || !vec_alloc(cx, &res, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		res.d.i[i] = (int64_t)(chars ? u8count(x.p, x.n) : x.n);
	}
	*out = res;
	return true;
}

static bool fn_strlen(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	return length_of(cx, &args[0], sel, n, rows, out, true);
}

static bool fn_string_size(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                           const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	return length_of(cx, &args[0], sel, n, rows, out, false);
}

/* strcmp(a, b): -1, 0 or 1, by bytes (UTF-8 byte order is code point order). */
static bool fn_strcmp(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t0, t1;
	const vec *a, *b;
	vec res = {.type = KQLITE_TYPE_LONG};
	if (!str_arg(cx, &args[0], sel, n, rows, &t0, &a) ||
	    !str_arg(cx, &args[1], sel, n, rows, &t1, &b) || !vec_alloc(cx, &res, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(a, i), y = sget(b, i);
		size_t m = x.n < y.n ? x.n : y.n;
		int c = m ? memcmp(x.p, y.p, m) : 0;
		if (!c)
			c = x.n < y.n ? -1 : x.n > y.n;
		res.d.i[i] = c < 0 ? -1 : c > 0;
	}
	*out = res;
	return true;
}

/* ---- tolower, toupper -------------------------------------------------------- */

/* The simple one-to-one case mapping of the scripts named at the top. */
static uint32_t map_case(uint32_t c, bool upper)
{
	if (c < 0x80) {
		if (upper && c >= 'a' && c <= 'z')
			return c - 32;
		if (!upper && c >= 'A' && c <= 'Z')
			return c + 32;
		return c;
	}
	if (c >= 0xC0 && c <= 0xFE && c != 0xD7 && c != 0xF7 && c != 0xDF) { /* Latin-1 */
		if (upper && c >= 0xE0)
			return c - 32;
		if (!upper && c <= 0xDE)
			return c + 32;
		return c;
	}
	if (c == 0xFF)
		return upper ? 0x178 : c;
	if (c == 0x178)
		return upper ? c : 0xFF;
	if (c >= 0x100 && c <= 0x17E && c != 0x130 && c != 0x131 && c != 0x138 &&
	    c != 0x149) { /* Latin Ext-A */
		/* Pairs start at even code points, except 0x139-0x148 and 0x179-0x17E. */
		bool odd_upper = (c >= 0x139 && c <= 0x148) || c >= 0x179;
		bool is_upper = odd_upper ? (c & 1) : !(c & 1);
		if (upper && !is_upper)
			return c - 1;
		if (!upper && is_upper)
			return c + 1;
		return c;
	}
	/* Greek */
	if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2)
		return upper ? c : c + 32;
	if (c >= 0x3B1 && c <= 0x3C9)
		return upper ? (c == 0x3C2 ? 0x3A3 : c - 32) : c;
	if (c == 0x386)
		return upper ? c : 0x3AC;
	if (c == 0x3AC)
		return upper ? 0x386 : c;
	if (c >= 0x388 && c <= 0x38A)
		return upper ? c : c + 37;
	if (c >= 0x3AD && c <= 0x3AF)
		return upper ? c - 37 : c;
	if (c == 0x38C)
		return upper ? c : 0x3CC;
	if (c == 0x3CC)
		return upper ? 0x38C : c;
	if (c == 0x38E || c == 0x38F)
		return upper ? c : c + 63;
	if (c == 0x3CD || c == 0x3CE)
		return upper ? c - 63 : c;
	/* Cyrillic */
	if (c >= 0x400 && c <= 0x40F)
		return upper ? c : c + 80;
	if (c >= 0x410 && c <= 0x42F)
		return upper ? c : c + 32;
	if (c >= 0x430 && c <= 0x44F)
		return upper ? c - 32 : c;
	if (c >= 0x450 && c <= 0x45F)
		return upper ? c - 80 : c;
	return c;
}

static bool change_case(xctx *cx, const vec *a, const uint32_t *sel, uint32_t n, uint32_t rows,
                        vec *out, bool upper)
{
	vec t, res;
	const vec *s;
	if (!str_arg(cx, a, sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		sb.len = 0;
		for (size_t k = 0; k < x.n;) {
			uint32_t cp;
			size_t len = u8char(x.p, x.n, k, &cp);
			uint32_t m = cp == 0xFFFFFFFFu ? cp : map_case(cp, upper);
			if (m == cp)
				sb_add(&sb, x.p + k, len);
			else
				sb_add_utf8(&sb, m);
			k += len;
		}
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

static bool fn_tolower(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	return change_case(cx, &args[0], sel, n, rows, out, false);
}

static bool fn_toupper(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	return change_case(cx, &args[0], sel, n, rows, out, true);
}

/* ---- substring, indexof --------------------------------------------------- */

/* substring(s, start [, length]): a negative start counts from the end
 * (clamped to the first character); a null start or length, a negative
 * length or a start past the end give "". */
static bool fn_substring(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                         const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	vec t0, t1, t2, res;
	const vec *s, *st, *ln = NULL;
	if (!str_arg(cx, &args[0], sel, n, rows, &t0, &s) ||
	    !long_arg(cx, &args[1], sel, n, rows, &t1, &st) ||
	    (nargs > 2 && !long_arg(cx, &args[2], sel, n, rows, &t2, &ln)) ||
	    !alloc_str(cx, &res, rows))
		return false;
	FOR_SEL(i, sel, n)
	{
		if (v_null(st, i) || (ln && v_null(ln, i)))
			continue;
		kstr x = sget(s, i);
		int64_t start = v_i64(st, i);
		if (start < 0) {
			int64_t count = (int64_t)u8count(x.p, x.n);
			start = start < -count ? 0 : count + start;
		}
		size_t b = u8offset(x.p, x.n, (size_t)start);
		size_t e = x.n;
		if (ln) {
			int64_t len = v_i64(ln, i);
			if (len < 0)
				continue;
			e = b + u8offset(x.p + b, x.n - b, (size_t)len);
		}
		res.d.s[i] = (kstr){x.p + b, e - b};
	}
	*out = res;
	return true;
}

/* indexof(s, lookup [, start [, length [, occurrence]]]): the character
 * index of the occurrence-th match, searching from start (negative: from
 * the end) over length characters (-1: to the end). Each further
 * occurrence is searched from one past the previous one, with the same
 * length. -1 when not found; null for a start before the string, a length
 * below -1 or an occurrence below 1, or a null argument. */
static bool fn_indexof(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	vec t[5];
	const vec *a[5] = {NULL, NULL, NULL, NULL, NULL};
	if (!str_arg(cx, &args[0], sel, n, rows, &t[0], &a[0]) ||
	    !str_arg(cx, &args[1], sel, n, rows, &t[1], &a[1]))
		return false;
	for (uint32_t k = 2; k < nargs && k < 5; k++)
		if (!long_arg(cx, &args[k], sel, n, rows, &t[k], &a[k]))
			return false;
	vec res = {.type = KQLITE_TYPE_LONG};
	if (!vec_alloc(cx, &res, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		kstr s = sget(a[0], i), m = sget(a[1], i);
		int64_t start = 0, length = -1, occ = 1;
		bool null = false;
		if (a[2]) {
			null |= v_null(a[2], i);
			start = null ? 0 : v_i64(a[2], i);
		}
		if (a[3]) {
			null |= v_null(a[3], i);
			length = null ? -1 : v_i64(a[3], i);
		}
		if (a[4]) {
			null |= v_null(a[4], i);
			occ = null ? 1 : v_i64(a[4], i);
		}
		int64_t count = (int64_t)u8count(s.p, s.n);
		if (start < 0)
			start += count;
		if (null || start < 0 || length < -1 || occ < 1) {
			res.nulls[i] = 1;
			continue;
		}
		int64_t found = -1;
		if (start <= count) {
			size_t from = u8offset(s.p, s.n, (size_t)start);
			int64_t cpos = start;
			for (int64_t k = 0; k < occ; k++) {
				size_t end = length < 0 ? s.n
				                        : from + u8offset(s.p + from, s.n - from,
				                                          (size_t)length);
				size_t at = find_bytes(s.p, end, from, m.p, m.n);
				if (at == (size_t)-1) {
					found = -1;
					break;
				}
				cpos += (int64_t)u8count(s.p + from, at - from);
				found = cpos;
				if (at >= s.n) {
					if (k + 1 < occ)
						found = -1;
					break;
				}
				from = xregex_next_char(s.p, s.n, at);
				cpos++;
			}
		}
		res.d.i[i] = found;
	}
	*out = res;
	return true;
}

/* ---- split, strcat_array ------------------------------------------------------ */

/* split(s, delimiter [, index]): a dynamic array of the parts; with an
 * index, an array of that part alone (empty when there is none). An empty
 * delimiter gives [s]. */
static bool fn_split(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	vec t0, t1, t2;
	const vec *s, *d, *ix = NULL;
	vec res = {.type = KQLITE_TYPE_DYNAMIC};
	if (!str_arg(cx, &args[0], sel, n, rows, &t0, &s) ||
	    !str_arg(cx, &args[1], sel, n, rows, &t1, &d) ||
	    (nargs > 2 && !long_arg(cx, &args[2], sel, n, rows, &t2, &ix)) ||
	    !vec_alloc(cx, &res, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i), dl = sget(d, i);
		int64_t want = -1;
		bool pick = ix != NULL;
		if (pick)
			want = v_null(ix, i) ? -1 : v_i64(ix, i);
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		size_t from = 0;
		for (int64_t part = 0;; part++) {
			size_t at = dl.n ? find_bytes(x.p, x.n, from, dl.p, dl.n) : (size_t)-1;
			size_t end = at == (size_t)-1 ? x.n : at;
			if (!pick || part == want)
				dynb_string(&b, x.p + from, end - from);
			if (at == (size_t)-1 || (pick && part >= want))
				break;
			from = at + dl.n;
		}
		dynb_end(&b);
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

/* The text of an encoded dynamic value, by tostring()'s rules. */
static bool dyn_text(xctx *cx, const uint8_t *v, size_t len, kstr *out)
{
	kstr k = {(const char *)v, len};
	vec one = {.type = KQLITE_TYPE_DYNAMIC, .is_const = true, .d.s = &k}, res;
	if (!vec_cast(cx, &one, KQLITE_TYPE_STRING, NULL, 1, 1, &res))
		return false;
	*out = sget(&res, 0);
	return true;
}

/* strcat_array(array, delimiter): "" when the first argument is no array. */
static bool fn_strcat_array(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t1, res;
	const vec *d;
	if (!str_arg(cx, &args[1], sel, n, rows, &t1, &d) || !alloc_str(cx, &res, rows))
		return false;
	const vec *a = &args[0];
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		if (a->type != KQLITE_TYPE_DYNAMIC)
			break;
		kstr arr = v_str(a, i), dl = sget(d, i);
		dyn_iter it;
		if (!dyn_iter_init(&it, (const uint8_t *)arr.p, arr.n) || it.object)
			continue;
		sb.len = 0;
		const uint8_t *v;
		size_t vl;
		for (bool first = true; dyn_iter_next(&it, NULL, NULL, &v, &vl); first = false) {
			kstr txt;
			if (!(ok = dyn_text(cx, v, vl, &txt)))
				break;
			if (!first)
				sb_add(&sb, dl.p, dl.n);
			sb_add(&sb, txt.p, txt.n);
		}
		if (!ok || !(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

/* ---- trim, trim_start, trim_end ------------------------------------------------- */

/* Removes matches of the regex (argument 0) from the start and/or the end
 * of the text (argument 1), as long as there are non-empty ones. */
static bool trim_rows(xctx *cx, const xcall *call, const vec *args, const uint32_t *sel, uint32_t n,
                      uint32_t rows, vec *out, bool at_start, bool at_end)
{
	xregex_state local, *st = xregex_state_of(call, &local);
	vec t0, t1, res;
	const vec *pat, *txt;
	bool ok = str_arg(cx, &args[0], sel, n, rows, &t0, &pat) &&
	          str_arg(cx, &args[1], sel, n, rows, &t1, &txt) && alloc_str(cx, &res, rows);
	if (ok) {
		FOR_SEL(i, sel, n)
		{
			xregex *re = xregex_for_row(cx, st, pat, i);
			if (!re) {
				ok = false;
				break;
			}
			kstr x = sget(txt, i);
			size_t b = 0, e = x.n;
			while (at_start && b < e) {
				int rc = xregex_find(re, x.p, e, b, true, false);
				if (rc < 0)
					ok = false;
				if (rc <= 0 || xregex_ovector(re)[1] <= b)
					break;
				b = xregex_ovector(re)[1];
			}
			while (ok && at_end && e > b) {
				int rc = xregex_find(re, x.p, e, b, false, true);
				if (rc < 0)
					ok = false;
				if (rc <= 0 || xregex_ovector(re)[0] >= e)
					break;
				e = xregex_ovector(re)[0];
			}
			if (!ok)
				break;
			res.d.s[i] = (kstr){x.p + b, e - b};
		}
	}
	xregex_state_done(call, st);
	if (ok)
		*out = res;
	return ok;
}

static bool prep_regex0(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	return xregex_prepare_arg(q, call, consts, nargs, 0, d, off, len);
}

static bool fn_trim(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                    const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	return trim_rows(cx, call, args, sel, n, rows, out, true, true);
}

static bool fn_trim_start(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	return trim_rows(cx, call, args, sel, n, rows, out, true, false);
}

static bool fn_trim_end(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	return trim_rows(cx, call, args, sel, n, rows, out, false, true);
}

/* ---- replace_string, strrep, reverse -------------------------------------------- */

/* replace_string(text, lookup, rewrite): every non-overlapping occurrence,
 * left to right; an empty lookup changes nothing. */
static bool fn_replace_string(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                              const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	const vec **vs = str_args(cx, args, 0, 3, sel, n, rows);
	vec res;
	if (!vs || !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(vs[0], i), look = sget(vs[1], i), rw = sget(vs[2], i);
		size_t at = look.n ? find_bytes(x.p, x.n, 0, look.p, look.n) : (size_t)-1;
		if (at == (size_t)-1) {
			res.d.s[i] = x;
			continue;
		}
		sb.len = 0;
		size_t from = 0;
		while (at != (size_t)-1) {
			sb_add(&sb, x.p + from, at - from);
			sb_add(&sb, rw.p, rw.n);
			from = at + look.n;
			at = find_bytes(x.p, x.n, from, look.p, look.n);
		}
		sb_add(&sb, x.p + from, x.n - from);
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

#define STRREP_MAX_TIMES 1024
#define STRING_MAX_BYTES ((size_t)64 << 20)

/* strrep(value, times [, delimiter]): times above 1024 count as 1024; a
 * null or non-positive count gives "". */
static bool fn_strrep(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	vec t0, t1, t2, res;
	const vec *s, *times, *d = NULL;
	if (!str_arg(cx, &args[0], sel, n, rows, &t0, &s) ||
	    !long_arg(cx, &args[1], sel, n, rows, &t1, &times) ||
	    (nargs > 2 && !str_arg(cx, &args[2], sel, n, rows, &t2, &d)) ||
	    !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		if (v_null(times, i) || v_i64(times, i) < 1)
			continue;
		int64_t k = v_i64(times, i);
		if (k > STRREP_MAX_TIMES)
			k = STRREP_MAX_TIMES;
		kstr x = sget(s, i), dl = d ? sget(d, i) : (kstr){"", 0};
		if ((x.n + dl.n) * (size_t)k > STRING_MAX_BYTES) {
			ok = x_error(cx->q, "strrep(): the result would be larger than %zu MiB",
			             STRING_MAX_BYTES >> 20);
			break;
		}
		sb.len = 0;
		for (int64_t j = 0; j < k; j++) {
			if (j)
				sb_add(&sb, dl.p, dl.n);
			sb_add(&sb, x.p, x.n);
		}
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

/* reverse(s): the characters in reverse order. */
static bool fn_reverse(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t, res;
	const vec *s;
	if (!str_arg(cx, &args[0], sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		char *p = arena_alloc(cx->tmp, x.n + 1);
		if (!p)
			return x_nomem(cx->q);
		size_t w = x.n;
		for (size_t k = 0; k < x.n;) {
			uint32_t cp;
			size_t len = u8char(x.p, x.n, k, &cp);
			w -= len;
			memcpy(p + w, x.p + k, len);
			k += len;
		}
		p[x.n] = '\0';
		res.d.s[i] = (kstr){p, x.n};
	}
	*out = res;
	return true;
}

/* ---- countof ----------------------------------------------------------------- */

enum { KIND_NORMAL, KIND_REGEX, KIND_BAD };

static int count_kind(kstr k)
{
	if (k.n == 6 && memcmp(k.p, "normal", 6) == 0)
		return KIND_NORMAL;
	if (k.n == 5 && memcmp(k.p, "regex", 5) == 0)
		return KIND_REGEX;
	return KIND_BAD;
}

static bool prep_countof(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                         uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	if (nargs < 3)
		return true;
	const vec *k = consts ? consts[2] : NULL;
	if (!k || k->type != KQLITE_TYPE_STRING) /* kind known per row */
		return xregex_prepare_arg(q, call, consts, nargs, nargs, d, off, len);
	kstr ks = sget(k, 0);
	switch (count_kind(ks)) {
	case KIND_REGEX:
		return xregex_prepare_arg(q, call, consts, nargs, 1, d, off, len);
	case KIND_NORMAL:
		return true;
	default:
		diag_set(d, KQLITE_ERROR, off, len,
		         "countof(): kind must be \"normal\" or \"regex\", not \"%.*s\"",
		         (int)(ks.n > 40 ? 40 : ks.n), ks.p);
		return false;
	}
}

/* countof(text, search [, kind]): plain matches may overlap, regex matches
 * do not; an empty search counts 0. */
static bool fn_countof(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	xregex_state local, *st = xregex_state_of(call, &local);
	vec t0, t1, t2;
	const vec *s, *look, *kind = NULL;
	vec res = {.type = KQLITE_TYPE_LONG};
	bool ok = str_arg(cx, &args[0], sel, n, rows, &t0, &s) &&
	          str_arg(cx, &args[1], sel, n, rows, &t1, &look) &&
	          (nargs < 3 || str_arg(cx, &args[2], sel, n, rows, &t2, &kind)) &&
	          vec_alloc(cx, &res, rows, false);
	if (ok) {
		FOR_SEL(i, sel, n)
		{
			kstr x = sget(s, i), m = sget(look, i);
			int k = kind ? count_kind(sget(kind, i)) : KIND_NORMAL;
			int64_t count = 0;
			if (k == KIND_BAD) {
				kstr ks = sget(kind, i);
				ok = x_error(
				    cx->q,
				    "countof(): kind must be \"normal\" or \"regex\", not \"%.*s\"",
				    (int)(ks.n > 40 ? 40 : ks.n), ks.p);
				break;
			}
			if (k == KIND_NORMAL) {
				for (size_t at = m.n ? find_bytes(x.p, x.n, 0, m.p, m.n)
				                     : (size_t)-1;
				     at != (size_t)-1; at = find_bytes(x.p, x.n, at + 1, m.p, m.n))
					count++;
			} else {
				xregex *re = xregex_for_row(cx, st, look, i);
				if (!re) {
					ok = false;
					break;
				}
				for (size_t pos = 0; pos <= x.n;) {
					int rc = xregex_find(re, x.p, x.n, pos, false, false);
					if (rc < 0)
						ok = false;
					if (rc <= 0)
						break;
					const size_t *ov = xregex_ovector(re);
					count++;
					if (ov[1] > ov[0])
						pos = ov[1];
					else if (ov[1] >= x.n)
						break;
					else
						pos = xregex_next_char(x.p, x.n, ov[1]);
				}
				if (!ok)
					break;
			}
			res.d.i[i] = count;
		}
	}
	xregex_state_done(call, st);
	if (ok)
		*out = res;
	return ok;
}

/* ---- hash_sha256 (FIPS 180-4) ----------------------------------------------------- */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int r)
{
	return x >> r | x << (32 - r);
}

static void sha_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
		       (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
	for (int t = 16; t < 64; t++) {
		uint32_t s0 = ror(w[t - 15], 7) ^ ror(w[t - 15], 18) ^ (w[t - 15] >> 3);
		uint32_t s1 = ror(w[t - 2], 17) ^ ror(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int t = 0; t < 64; t++) {
		uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
		              sha_k[t] + w[t];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

/* The SHA-256 of s[0..n) as 64 lower-case hex digits and a NUL. */
static void sha256_hex(const char *s, size_t n, char hex[65])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const unsigned char *p = (const unsigned char *)s;
	size_t full = n / 64 * 64;
	for (size_t i = 0; i < full; i += 64)
		sha_block(h, p + i);
	unsigned char tail[128] = {0};
	size_t rest = n - full;
	if (rest)
		memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	size_t tl = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t)n * 8;
	for (int k = 0; k < 8; k++)
		tail[tl - 1 - k] = (unsigned char)(bits >> (8 * k));
	sha_block(h, tail);
	if (tl == 128)
		sha_block(h, tail + 64);
	for (int k = 0; k < 8; k++)
		snprintf(hex + 8 * k, 9, "%08x", h[k]);
}

/* hash_sha256(x): of the UTF-8 text of x; "" for a null of a type that has one. */
static bool fn_hash_sha256(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                           const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t, res;
	const vec *s;
	if (!str_arg(cx, &args[0], sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	bool nullable = args[0].type != KQLITE_TYPE_STRING;
	FOR_SEL(i, sel, n)
	{
		if (nullable && v_null(&args[0], i))
			continue;
		kstr x = sget(s, i);
		char hex[65];
		sha256_hex(x.p, x.n, hex);
		if (!vec_set_str(cx, &res, i, hex, 64))
			return false;
	}
	*out = res;
	return true;
}

/* ---- base64 ------------------------------------------------------------------------ */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(strbuf *sb, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {b64[v >> 18], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=',
		             i + 2 < n ? b64[v & 63] : '='};
		sb_add(sb, q, 4);
	}
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes standard base64 (whitespace ignored, padding optional) onto sb;
 * false when s is not base64. */
static bool b64_decode(strbuf *sb, const char *s, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t digits = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || pad)
			return false;
		digits++;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_addc(sb, (char)(acc >> bits & 0xFF));
		}
	}
	if (digits % 4 == 1 || pad > 2 || (pad && (digits + pad) % 4))
		return false;
	return true;
}

static bool fn_base64_encode(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t, res;
	const vec *s;
	if (!str_arg(cx, &args[0], sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		sb.len = 0;
		b64_encode(&sb, (const unsigned char *)x.p, x.n);
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

/* base64_decode_tostring(s): "" when s is not base64 or does not decode
 * to UTF-8. */
static bool fn_base64_decode(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t, res;
	const vec *s;
	if (!str_arg(cx, &args[0], sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		sb.len = 0;
		if (!b64_decode(&sb, x.p, x.n) || (!sb.oom && !utf8_valid(sb.s, sb.len)))
			continue;
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

/* ---- URLs ------------------------------------------------------------------------ */

/* Percent-encodes the UTF-8 bytes of each string (lower-case hex, as
 * Kusto does) but letters, digits and -_.!*(); a space becomes '+'
 * (url_encode) or %20 (url_encode_component). */
static bool url_encode_rows(xctx *cx, const vec *a, const uint32_t *sel, uint32_t n, uint32_t rows,
                            vec *out, bool plus)
{
	vec t, res;
	const vec *s;
	if (!str_arg(cx, a, sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	static const char hexd[] = "0123456789abcdef";
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		sb.len = 0;
		for (size_t k = 0; k < x.n; k++) {
			unsigned char c = (unsigned char)x.p[k];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || (c && strchr("-_.!*()", c))) {
				sb_addc(&sb, (char)c);
			} else if (c == ' ' && plus) {
				sb_addc(&sb, '+');
			} else {
				char e[3] = {'%', hexd[c >> 4], hexd[c & 15]};
				sb_add(&sb, e, 3);
			}
		}
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

static bool fn_url_encode(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	return url_encode_rows(cx, &args[0], sel, n, rows, out, true);
}

static bool fn_url_encode_component(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                    const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	return url_encode_rows(cx, &args[0], sel, n, rows, out, false);
}

/* url_decode(s): %xx (either case) becomes the byte, '+' a space; a '%'
 * not followed by two hex digits stays as it is. */
static bool fn_url_decode(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	vec t, res;
	const vec *s;
	if (!str_arg(cx, &args[0], sel, n, rows, &t, &s) || !alloc_str(cx, &res, rows))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr x = sget(s, i);
		sb.len = 0;
		for (size_t k = 0; k < x.n; k++) {
			char c = x.p[k];
			int h1, h2;
			if (c == '%' && k + 2 < x.n && (h1 = hex_digit(x.p[k + 1])) >= 0 &&
			    (h2 = hex_digit(x.p[k + 2])) >= 0) {
				sb_addc(&sb, (char)(h1 << 4 | h2));
				k += 2;
			} else {
				sb_addc(&sb, c == '+' ? ' ' : c);
			}
		}
		if (!(ok = put_sb(cx, &res, i, &sb)))
			break;
	}
	sb_free(&sb);
	if (ok)
		*out = res;
	return ok;
}

const xfn_def xfn_string_defs[] = {
    {"base64_decode_tostring", fn_base64_decode, NULL, XF_DETERMINISTIC},
    {"base64_encode_tostring", fn_base64_encode, NULL, XF_DETERMINISTIC},
    {"countof", fn_countof, prep_countof, XF_DETERMINISTIC},
    {"hash_sha256", fn_hash_sha256, NULL, XF_DETERMINISTIC},
    {"indexof", fn_indexof, NULL, XF_DETERMINISTIC},
    {"replace_string", fn_replace_string, NULL, XF_DETERMINISTIC},
    {"reverse", fn_reverse, NULL, XF_DETERMINISTIC},
    {"split", fn_split, NULL, XF_DETERMINISTIC},
    {"strcat", fn_strcat, NULL, XF_DETERMINISTIC},
    {"strcat_array", fn_strcat_array, NULL, XF_DETERMINISTIC},
    {"strcat_delim", fn_strcat_delim, NULL, XF_DETERMINISTIC},
    {"strcmp", fn_strcmp, NULL, XF_DETERMINISTIC},
    {"string_size", fn_string_size, NULL, XF_DETERMINISTIC},
    {"strlen", fn_strlen, NULL, XF_DETERMINISTIC},
    {"strrep", fn_strrep, NULL, XF_DETERMINISTIC},
    {"substring", fn_substring, NULL, XF_DETERMINISTIC},
    {"tolower", fn_tolower, NULL, XF_DETERMINISTIC},
    {"toupper", fn_toupper, NULL, XF_DETERMINISTIC},
    {"trim", fn_trim, prep_regex0, XF_DETERMINISTIC},
    {"trim_end", fn_trim_end, prep_regex0, XF_DETERMINISTIC},
    {"trim_start", fn_trim_start, prep_regex0, XF_DETERMINISTIC},
    {"url_decode", fn_url_decode, NULL, XF_DETERMINISTIC},
    {"url_encode", fn_url_encode, NULL, XF_DETERMINISTIC},
    {"url_encode_component", fn_url_encode_component, NULL, XF_DETERMINISTIC},
    {NULL, NULL, NULL, 0},
};
