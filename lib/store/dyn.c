/* dyn.c -- JSON text to and from the binary form of dynamic values. */
#include "dyn.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DYN_MAX_DEPTH = 512 };

typedef struct jin {
	const char *s, *e, *start;
	strbuf *out;
	int depth;
} jin;

static void put_u32(strbuf *b, size_t at, uint32_t v)
{
	if (b->oom || at + 4 > b->len)
		return;
	for (int i = 0; i < 4; i++)
		b->s[at + (size_t)i] = (char)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_varint(strbuf *b, uint64_t v)
{
	while (v >= 0x80) {
		sb_addc(b, (char)(v | 0x80));
		v >>= 7;
	}
	sb_addc(b, (char)v);
}

static bool get_varint(const uint8_t **p, const uint8_t *e, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && *p < e; shift += 7) {
		uint8_t c = *(*p)++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

static void ws(jin *j)
{
	while (j->s < j->e && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static bool u4(jin *j, uint32_t *cp)
{
	if (j->e - j->s < 4)
		return false;
	*cp = 0;
	for (int i = 0; i < 4; i++) {
		int h = hex_digit(j->s[i]);
		if (h < 0)
			return false;
		*cp = *cp * 16 + (uint32_t)h;
	}
	j->s += 4;
	return true;
}

/* A JSON string (at the opening quote) decoded onto b. */
static bool jstring(jin *j, strbuf *b)
{
	j->s++;
	while (j->s < j->e) {
		const char *run = j->s;
		while (j->s < j->e && *j->s != '"' && *j->s != '\\' && (unsigned char)*j->s >= 0x20)
			j->s++;
		sb_add(b, run, (size_t)(j->s - run));
		if (j->s >= j->e || (unsigned char)*j->s < 0x20)
			return false;
		if (*j->s == '"') {
			j->s++;
			return true;
		}
		j->s++; /* backslash */
		if (j->s >= j->e)
			return false;
		char c = *j->s++;
		uint32_t cp;
		switch (c) {
		case '"': case '\\': case '/': sb_addc(b, c); break;
		case 'b': sb_addc(b, '\b'); break;
		case 'f': sb_addc(b, '\f'); break;
		case 'n': sb_addc(b, '\n'); break;
		case 'r': sb_addc(b, '\r'); break;
		case 't': sb_addc(b, '\t'); break;
		case 'u':
			if (!u4(j, &cp))
				return false;
			if (cp >= 0xD800 && cp <= 0xDBFF && j->e - j->s >= 6 && j->s[0] == '\\' && j->s[1] == 'u') {
				const char *save = j->s;
				uint32_t lo;
				j->s += 2;
				if (u4(j, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				else
					j->s = save;
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD; /* a lone surrogate has no UTF-8 form */
			sb_add_utf8(b, cp);
			break;
		default:
			return false;
		}
	}
	return false;
}

/* A tag and 8 little-endian bytes, in one append. */
static void put_tagged8(strbuf *b, char tag, uint64_t u)
{
	char v[9];
	v[0] = tag;
	for (int i = 0; i < 8; i++)
		v[1 + i] = (char)(u >> (8 * i));
	sb_add(b, v, 9);
}

/* A string without escapes goes straight from the text: true and *end set
 * past it; false when it has escapes (or is cut short). */
static bool plain_string(const jin *j, const char **start, size_t *len)
{
	const char *p = j->s + 1;
	while (p < j->e && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	if (p >= j->e || *p != '"')
		return false;
	*start = j->s + 1;
	*len = (size_t)(p - *start);
	return true;
}

static bool jnumber(jin *j)
{
	const char *st = j->s;
	if (j->s < j->e && *j->s == '-')
		j->s++;
	if (j->s >= j->e || *j->s < '0' || *j->s > '9')
		return false;
	if (*j->s == '0')
		j->s++;
	else
		while (j->s < j->e && *j->s >= '0' && *j->s <= '9')
			j->s++;
	bool integral = true;
	if (j->s < j->e && *j->s == '.') {
		integral = false;
		j->s++;
		const char *d = j->s;
		while (j->s < j->e && *j->s >= '0' && *j->s <= '9')
			j->s++;
		if (j->s == d)
			return false;
	}
	if (j->s < j->e && (*j->s == 'e' || *j->s == 'E')) {
		integral = false;
		j->s++;
		if (j->s < j->e && (*j->s == '+' || *j->s == '-'))
			j->s++;
		const char *d = j->s;
		while (j->s < j->e && *j->s >= '0' && *j->s <= '9')
			j->s++;
		if (j->s == d)
			return false;
	}
	char buf[512];
	size_t n = (size_t)(j->s - st);
	if (integral) {
		/* exact 64-bit integers, without strtoll's copy and clamping */
		bool neg = *st == '-';
		uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		const char *p = st + neg;
		for (; p < j->s; p++) {
			unsigned dgt = (unsigned)(*p - '0');
			if (v > (lim - dgt) / 10)
				break;
			v = v * 10 + dgt;
		}
		if (p == j->s) {
			put_tagged8(j->out, DYN_LONG, neg ? 0 - v : v);
			return true;
		}
	}
	char *copy = n < sizeof(buf) ? buf : malloc(n + 1);
	if (!copy) {
		j->out->oom = true;
		return false;
	}
	memcpy(copy, st, n);
	copy[n] = '\0';
	double d = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	uint64_t u;
	memcpy(&u, &d, 8);
	put_tagged8(j->out, DYN_REAL, u);
	return true;
}

static bool word(jin *j, const char *w, char tag)
{
	size_t n = strlen(w);
	if ((size_t)(j->e - j->s) < n || memcmp(j->s, w, n) != 0)
		return false;
	j->s += n;
	sb_addc(j->out, tag);
	return true;
}

static bool jvalue(jin *j);

static bool jcontainer(jin *j, bool object)
{
	if (++j->depth > DYN_MAX_DEPTH)
		return false;
	char close = object ? '}' : ']';
	sb_addc(j->out, object ? DYN_OBJECT : DYN_ARRAY);
	size_t at = j->out->len;
	sb_add(j->out, "\0\0\0\0\0\0\0\0", 8);
	uint32_t count = 0;
	j->s++;
	ws(j);
	if (j->s < j->e && *j->s == close) {
		j->s++;
	} else {
		for (;;) {
			ws(j);
			if (object) {
				if (j->s >= j->e || *j->s != '"')
					return false;
				const char *kp;
				size_t kl;
				if (plain_string(j, &kp, &kl)) {
					put_varint(j->out, kl);
					sb_add(j->out, kp, kl);
					j->s = kp + kl + 1;
				} else {
					strbuf key;
					sb_init(&key);
					bool ok = jstring(j, &key);
					if (key.oom)
						j->out->oom = true, ok = false;
					if (ok) {
						put_varint(j->out, key.len);
						sb_add(j->out, key.s ? key.s : "", key.len);
					}
					sb_free(&key);
					if (!ok)
						return false;
				}
				ws(j);
				if (j->s >= j->e || *j->s != ':')
					return false;
				j->s++;
			}
			if (!jvalue(j))
				return false;
			count++;
			ws(j);
			if (j->s >= j->e)
				return false;
			if (*j->s == close) {
				j->s++;
				break;
			}
			if (*j->s != ',')
				return false;
			j->s++;
		}
	}
	j->depth--;
	put_u32(j->out, at, (uint32_t)(j->out->len - at - 8));
	put_u32(j->out, at + 4, count);
	return !j->out->oom;
}

static bool jvalue(jin *j)
{
	ws(j);
	if (j->s >= j->e)
		return false;
	switch (*j->s) {
	case '{': return jcontainer(j, true);
	case '[': return jcontainer(j, false);
	case '"': {
		const char *sp;
		size_t sl;
		if (plain_string(j, &sp, &sl)) {
			dyn_from_string(sp, sl, j->out);
			j->s = sp + sl + 1;
			return true;
		}
		strbuf str;
		sb_init(&str);
		bool ok = jstring(j, &str);
		if (str.oom)
			j->out->oom = true, ok = false;
		if (ok)
			dyn_from_string(str.s ? str.s : "", str.len, j->out);
		sb_free(&str);
		return ok;
	}
	case 't': return word(j, "true", DYN_TRUE);
	case 'f': return word(j, "false", DYN_FALSE);
	case 'n': return word(j, "null", DYN_NULL);
	default: return jnumber(j);
	}
}

bool dyn_from_json(const char *s, size_t len, strbuf *out, size_t *bad_at)
{
	size_t mark = out->len;
	jin j = {s, s + len, s, out, 0};
	bool ok = jvalue(&j);
	if (ok) {
		ws(&j);
		ok = j.s == j.e;
	}
	if (!ok) {
		if (bad_at)
			*bad_at = (size_t)(j.s - s);
		if (!out->oom)
			out->len = mark;
		return false;
	}
	return true;
}

void dyn_from_string(const char *s, size_t len, strbuf *out)
{
	sb_addc(out, DYN_STRING);
	put_varint(out, len);
	sb_add(out, s, len);
}

static void json_string(strbuf *out, const char *s, size_t len)
{
	sb_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
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

static const uint8_t *to_json(const uint8_t *p, const uint8_t *e, strbuf *out, int depth)
{
	if (p >= e || depth > DYN_MAX_DEPTH)
		return NULL;
	uint8_t tag = *p++;
	switch (tag) {
	case DYN_NULL: sb_adds(out, "null"); return p;
	case DYN_FALSE: sb_adds(out, "false"); return p;
	case DYN_TRUE: sb_adds(out, "true"); return p;
	case DYN_LONG:
	case DYN_REAL: {
		if (e - p < 8)
			return NULL;
		uint64_t u = 0;
		for (int i = 0; i < 8; i++)
			u |= (uint64_t)p[i] << (8 * i);
		if (tag == DYN_LONG) {
			sb_printf(out, "%lld", (long long)(int64_t)u);
		} else {
			double d;
			memcpy(&d, &u, 8);
			if (d != d)
				sb_adds(out, "\"NaN\"");
			else if (d > 1.7976931348623157e308)
				sb_adds(out, "\"Infinity\"");
			else if (d < -1.7976931348623157e308)
				sb_adds(out, "\"-Infinity\"");
			else {
				char buf[40];
				for (int prec = 15; prec <= 17; prec++) { /* the shortest that reads back */
					snprintf(buf, sizeof(buf), "%.*g", prec, d);
					if (strtod(buf, NULL) == d)
						break;
				}
				sb_adds(out, buf);
			}
		}
		return p + 8;
	}
	case DYN_STRING: {
		uint64_t n;
		if (!get_varint(&p, e, &n) || (uint64_t)(e - p) < n)
			return NULL;
		json_string(out, (const char *)p, (size_t)n);
		return p + n;
	}
	case DYN_ARRAY:
	case DYN_OBJECT: {
		if (e - p < 8)
			return NULL;
		uint32_t body = get_u32(p), count = get_u32(p + 4);
		p += 8;
		if ((uint64_t)(e - p) < body)
			return NULL;
		const uint8_t *end = p + body;
		sb_addc(out, tag == DYN_ARRAY ? '[' : '{');
		for (uint32_t i = 0; i < count; i++) {
			if (i)
				sb_addc(out, ',');
			if (tag == DYN_OBJECT) {
				uint64_t kl;
				if (!get_varint(&p, end, &kl) || (uint64_t)(end - p) < kl)
					return NULL;
				json_string(out, (const char *)p, (size_t)kl);
				p += kl;
				sb_addc(out, ':');
			}
			p = to_json(p, end, out, depth + 1);
			if (!p)
				return NULL;
		}
		sb_addc(out, tag == DYN_ARRAY ? ']' : '}');
		return p == end ? p : NULL;
	}
	default:
		return NULL;
	}
}

void dyn_to_json(const uint8_t *v, size_t len, strbuf *out)
{
	if (!to_json(v, v + len, out, 0))
		sb_adds(out, "null");
}

size_t dyn_size(const uint8_t *v, size_t len)
{
	strbuf tmp;
	sb_init(&tmp);
	const uint8_t *end = to_json(v, v + len, &tmp, 0);
	sb_free(&tmp);
	return end ? (size_t)(end - v) : 0;
}

/* ---- Reading ------------------------------------------------------------ */

/* The end of the value at p (bounded by e), or NULL when it is cut short
 * or has an unknown tag. Containers are skipped by their body length. */
static const uint8_t *skip_value(const uint8_t *p, const uint8_t *e)
{
	if (p >= e)
		return NULL;
	switch (*p) {
	case DYN_NULL:
	case DYN_FALSE:
	case DYN_TRUE:
		return p + 1;
	case DYN_LONG:
	case DYN_REAL:
		return e - p >= 9 ? p + 9 : NULL;
	case DYN_STRING: {
		const uint8_t *q = p + 1;
		uint64_t n;
		if (!get_varint(&q, e, &n) || (uint64_t)(e - q) < n)
			return NULL;
		return q + n;
	}
	case DYN_ARRAY:
	case DYN_OBJECT: {
		if (e - p < 9)
			return NULL;
		uint32_t body = get_u32(p + 1);
		if ((uint64_t)(e - p - 9) < body)
			return NULL;
		return p + 9 + body;
	}
	default:
		return NULL;
	}
}

int dyn_tag(const uint8_t *v, size_t len)
{
	if (!len || v[0] > DYN_OBJECT)
		return DYN_NULL;
	return v[0];
}

static bool get8(const uint8_t *v, size_t len, int tag, uint64_t *u)
{
	if (len < 9 || v[0] != tag)
		return false;
	*u = 0;
	for (int i = 0; i < 8; i++)
		*u |= (uint64_t)v[1 + i] << (8 * i);
	return true;
}

bool dyn_get_long(const uint8_t *v, size_t len, int64_t *out)
{
	uint64_t u;
	if (!get8(v, len, DYN_LONG, &u))
		return false;
	*out = (int64_t)u;
	return true;
}

bool dyn_get_real(const uint8_t *v, size_t len, double *out)
{
	uint64_t u;
	if (!get8(v, len, DYN_REAL, &u))
		return false;
	memcpy(out, &u, 8);
	return true;
}

bool dyn_get_string(const uint8_t *v, size_t len, const char **s, size_t *n)
{
	if (len < 2 || v[0] != DYN_STRING)
		return false;
	const uint8_t *p = v + 1, *e = v + len;
	uint64_t k;
	if (!get_varint(&p, e, &k) || (uint64_t)(e - p) < k)
		return false;
	*s = (const char *)p;
	*n = (size_t)k;
	return true;
}

uint32_t dyn_count(const uint8_t *v, size_t len)
{
	if (len < 9 || (v[0] != DYN_ARRAY && v[0] != DYN_OBJECT))
		return 0;
	return get_u32(v + 5);
}

bool dyn_iter_init(dyn_iter *it, const uint8_t *v, size_t len)
{
	if (len < 9 || (v[0] != DYN_ARRAY && v[0] != DYN_OBJECT)) {
		*it = (dyn_iter){NULL, NULL, 0, false};
		return false;
	}
	uint32_t body = get_u32(v + 1);
	if (body > len - 9)
		body = (uint32_t)(len - 9); /* cut short: read what is there */
	it->p = v + 9;
	it->e = v + 9 + body;
	it->left = get_u32(v + 5);
	it->object = v[0] == DYN_OBJECT;
	return true;
}

bool dyn_iter_next(dyn_iter *it, const char **key, size_t *klen, const uint8_t **val, size_t *vlen)
{
	if (!it->left || it->p >= it->e)
		return false;
	const uint8_t *p = it->p;
	const char *k = NULL;
	size_t kl = 0;
	if (it->object) {
		uint64_t n;
		if (!get_varint(&p, it->e, &n) || (uint64_t)(it->e - p) < n) {
			it->left = 0;
			return false;
		}
		k = (const char *)p;
		kl = (size_t)n;
		p += n;
	}
	const uint8_t *end = skip_value(p, it->e);
	if (!end) {
		it->left = 0;
		return false;
	}
	if (key)
		*key = k;
	if (klen)
		*klen = kl;
	*val = p;
	*vlen = (size_t)(end - p);
	it->p = end;
	it->left--;
	return true;
}

bool dyn_member(const uint8_t *v, size_t len, const char *key, size_t klen, const uint8_t **val,
                size_t *vlen)
{
	dyn_iter it;
	if (len < 1 || v[0] != DYN_OBJECT || !dyn_iter_init(&it, v, len))
		return false;
	const char *k;
	size_t kl;
	const uint8_t *x;
	size_t xl;
	bool found = false;
	/* the last of duplicate keys wins, as when JSON text is read into a bag */
	while (dyn_iter_next(&it, &k, &kl, &x, &xl)) {
		if (kl == klen && (klen == 0 || memcmp(k, key, klen) == 0)) {
			*val = x;
			*vlen = xl;
			found = true;
		}
	}
	return found;
}

bool dyn_index(const uint8_t *v, size_t len, int64_t i, const uint8_t **val, size_t *vlen)
{
	dyn_iter it;
	if (len < 1 || v[0] != DYN_ARRAY || !dyn_iter_init(&it, v, len))
		return false;
	int64_t count = it.left;
	if (i < 0)
		i += count;
	if (i < 0 || i >= count)
		return false;
	const uint8_t *x;
	size_t xl;
	for (int64_t k = 0; dyn_iter_next(&it, NULL, NULL, &x, &xl); k++) {
		if (k == i) {
			*val = x;
			*vlen = xl;
			return true;
		}
	}
	return false;
}

/* ---- Building ----------------------------------------------------------- */

/* Containers deeper than DYN_BUILD_DEPTH become null and `failed` is set;
 * whatever is added inside them is dropped (depth still counts them). */
static bool b_suppressed(const dyn_builder *b)
{
	return b->depth > DYN_BUILD_DEPTH;
}

/* Counts one more value in the open container. */
static void b_counted(dyn_builder *b)
{
	if (b->depth > 0)
		b->count[b->depth - 1]++;
}

void dynb_init(dyn_builder *b, strbuf *out)
{
	b->out = out;
	b->depth = 0;
	b->failed = false;
}

void dynb_null(dyn_builder *b)
{
	if (b_suppressed(b))
		return;
	b_counted(b);
	sb_addc(b->out, DYN_NULL);
}

void dynb_bool(dyn_builder *b, bool v)
{
	if (b_suppressed(b))
		return;
	b_counted(b);
	sb_addc(b->out, v ? DYN_TRUE : DYN_FALSE);
}

void dynb_long(dyn_builder *b, int64_t v)
{
	if (b_suppressed(b))
		return;
	b_counted(b);
	put_tagged8(b->out, DYN_LONG, (uint64_t)v);
}

void dynb_real(dyn_builder *b, double v)
{
	if (b_suppressed(b))
		return;
	b_counted(b);
	uint64_t u;
	memcpy(&u, &v, 8);
	put_tagged8(b->out, DYN_REAL, u);
}

void dynb_string(dyn_builder *b, const char *s, size_t n)
{
	if (b_suppressed(b))
		return;
	b_counted(b);
	dyn_from_string(s, n, b->out);
}

void dynb_raw(dyn_builder *b, const uint8_t *v, size_t len)
{
	if (b_suppressed(b))
		return;
	if (!len) {
		dynb_null(b);
		return;
	}
	b_counted(b);
	sb_add(b->out, (const char *)v, len);
}

void dynb_key(dyn_builder *b, const char *k, size_t n)
{
	if (b_suppressed(b) || b->out->oom)
		return;
	if (b->depth == 0 || (uint8_t)b->out->s[b->start[b->depth - 1]] != DYN_OBJECT) {
		b->failed = true; /* a key outside an object is dropped */
		return;
	}
	put_varint(b->out, n);
	sb_add(b->out, k, n);
}

static void b_begin(dyn_builder *b, char tag)
{
	if (b_suppressed(b)) {
		b->depth++;
		return;
	}
	if (b->depth == DYN_BUILD_DEPTH) {
		dynb_null(b);
		b->failed = true;
		b->depth++;
		return;
	}
	b_counted(b);
	b->start[b->depth] = b->out->len;
	b->count[b->depth] = 0;
	b->depth++;
	sb_addc(b->out, tag);
	sb_add(b->out, "\0\0\0\0\0\0\0\0", 8);
	if (b->out->oom)
		b->failed = true;
}

void dynb_begin_array(dyn_builder *b)
{
	b_begin(b, DYN_ARRAY);
}

void dynb_begin_object(dyn_builder *b)
{
	b_begin(b, DYN_OBJECT);
}

void dynb_end(dyn_builder *b)
{
	if (b->depth == 0) {
		b->failed = true;
		return;
	}
	b->depth--;
	if (b->depth >= DYN_BUILD_DEPTH)
		return; /* closes a container that was written as null */
	size_t at = b->start[b->depth];
	size_t body = b->out->len - at - 9;
	if (b->out->oom || body > UINT32_MAX) {
		b->failed = true;
		return;
	}
	put_u32(b->out, at + 1, (uint32_t)body);
	put_u32(b->out, at + 5, b->count[b->depth]);
}
