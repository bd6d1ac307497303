/* literal.c -- literal tokens to literal nodes: strings are decoded (the
 * node holds the value), other literals keep their text and are checked
 * here so that a bad one is a syntax error with its span. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "kql.h"
#include "kqlite.h"
#include "parse_int.h"
#include "strbuf.h"
#include "types.h"

static ast *fail(parser *p, uint32_t off, uint32_t len, const char *msg)
{
	diag_set(p->d, KQLITE_SYNTAX, off, len, "%s", msg);
	p->failed = true;
	return NULL;
}

/* Decodes one string token (without an h prefix) onto b. Returns the
 * offset of a bad escape, or -1 when all is well. */
static long decode_string(const char *s, uint32_t len, int sub, strbuf *b)
{
	if (sub & STR_MULTILINE) {
		sb_add(b, s + 3, len - 6);
		return -1;
	}
	if (sub & STR_VERBATIM) {
		char q = s[1];
		for (uint32_t i = 2; i + 1 < len; i++) {
			sb_addc(b, s[i]);
			if (s[i] == q)
				i++; /* a doubled quote stands for one */
		}
		return -1;
	}
	for (uint32_t i = 1; i + 1 < len; i++) {
		char c = s[i];
		if (c != '\\') {
			sb_addc(b, c);
			continue;
		}
		char e = s[++i];
		switch (e) {
		case '\\': case '"': case '\'': case '/': case '?': sb_addc(b, e); break;
		case 'n': sb_addc(b, '\n'); break;
		case 'r': sb_addc(b, '\r'); break;
		case 't': sb_addc(b, '\t'); break;
		case 'a': sb_addc(b, '\a'); break;
		case 'b': sb_addc(b, '\b'); break;
		case 'f': sb_addc(b, '\f'); break;
		case 'v': sb_addc(b, '\v'); break;
		case '0': sb_addc(b, '\0'); break;
		case 'x': {
			int h1 = i + 1 < len - 1 ? hex_digit(s[i + 1]) : -1;
			int h2 = i + 2 < len - 1 ? hex_digit(s[i + 2]) : -1;
			if (h1 < 0 || h2 < 0)
				return (long)i - 1;
			sb_add_utf8(b, (uint32_t)(h1 * 16 + h2));
			i += 2;
			break;
		}
		case 'u': {
			uint32_t cp = 0;
			for (int k = 1; k <= 4; k++) {
				int h = i + k < len - 1 ? hex_digit(s[i + k]) : -1;
				if (h < 0)
					return (long)i - 1;
				cp = cp * 16 + (uint32_t)h;
			}
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < len - 1 && s[i + 1] == '\\' &&
			    s[i + 2] == 'u') {
				uint32_t lo = 0;
				bool ok = true;
				for (int k = 3; k <= 6; k++) {
					int h = hex_digit(s[i + k]);
					ok = ok && h >= 0;
					lo = lo * 16 + (uint32_t)(h < 0 ? 0 : h);
				}
				if (ok && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			sb_add_utf8(b, cp);
			break;
		}
		default:
			return (long)i - 1;
		}
	}
	return -1;
}

static ast *string_onto(parser *p, ast *n, strbuf *b, lex_token t)
{
	const char *s = p->src + t.off;
	uint32_t len = t.len;
	if (t.sub & STR_OBFUSCATED) {
		s++;
		len--;
	}
	long bad = decode_string(s, len, t.sub, b);
	if (bad >= 0) {
		uint32_t at = t.off + (uint32_t)bad + ((t.sub & STR_OBFUSCATED) ? 1 : 0);
		sb_free(b);
		return fail(p, at, 2, "invalid escape sequence in string (use \\\\ for a backslash, or a verbatim @\"...\" string)");
	}
	if (b->oom) {
		sb_free(b);
		diag_set_nospan(p->d, KQLITE_NOMEM, "out of memory while parsing");
		p->failed = true;
		return NULL;
	}
	char *text = arena_strndup(p->a, b->s ? b->s : "", b->len);
	uint32_t tlen = (uint32_t)b->len;
	sb_free(b);
	if (!text) {
		diag_set_nospan(p->d, KQLITE_NOMEM, "out of memory while parsing");
		p->failed = true;
		return NULL;
	}
	n->text = text;
	n->tlen = tlen;
	if (t.sub & STR_OBFUSCATED)
		n->flags |= LIT_OBFUSCATED;
	return n;
}

ast *mk_string(parser *p, lex_token t)
{
	ast *n = nd(p, A_LITERAL, t);
	if (!n)
		return NULL;
	n->op = KQLITE_TYPE_STRING;
	strbuf b;
	sb_init(&b);
	return string_onto(p, n, &b, t);
}

/* "a" "b" is one string "ab". */
ast *mk_string_cat(parser *p, ast *s, lex_token t)
{
	if (!s)
		return NULL;
	strbuf b;
	sb_init(&b);
	sb_add(&b, s->text, s->tlen);
	endat(s, t);
	return string_onto(p, s, &b, t);
}

/* ---- checks of literal bodies ------------------------------------------ */

static bool parse_int64(const char *s, size_t len, bool allow_sign)
{
	size_t i = 0;
	bool neg = false;
	if (allow_sign && i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i + 2 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		if (len - i > 16)
			return false;
		for (; i < len; i++)
			if (hex_digit(s[i]) < 0)
				return false;
		return true;
	}
	if (i == len)
		return false;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	return true;
}

static bool parse_real(const char *s, size_t len)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	const char *w = buf + (buf[0] == '+' || buf[0] == '-');
	if (!strcmp(w, "nan") || !strcmp(w, "inf"))
		return true;
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789.eE+-", buf[i]))
			return false;
	char *end;
	errno = 0;
	(void)strtod(buf, &end);
	return *end == '\0' && end != buf;
}

static void trim(const char **s, size_t *len)
{
	while (*len && strchr(" \t\r\n", (*s)[0]))
		(*s)++, (*len)--;
	while (*len && strchr(" \t\r\n", (*s)[*len - 1]))
		(*len)--;
}

/* The body of a quoted literal, decoded into an arena copy. */
static bool unquote(parser *p, const char **s, size_t *len)
{
	if (*len < 2 || ((*s)[0] != '"' && (*s)[0] != '\'' && (*s)[0] != '@'))
		return true;
	strbuf b;
	sb_init(&b);
	int sub = (*s)[0] == '@' ? STR_VERBATIM : STR_PLAIN;
	if (decode_string(*s, (uint32_t)*len, sub, &b) >= 0 || b.oom) {
		sb_free(&b);
		return false;
	}
	char *copy = arena_strndup(p->a, b.s ? b.s : "", b.len);
	*len = b.len;
	sb_free(&b);
	*s = copy;
	return copy != NULL;
}

static bool typed_body_ok(parser *p, kqlite_type ty, const char *s, size_t len)
{
	int64_t ticks;
	unsigned char g[16];
	switch (ty) {
	case KQLITE_TYPE_BOOL:
		return (len == 4 && !memcmp(s, "true", 4)) || (len == 5 && !memcmp(s, "false", 5)) ||
		       (len == 1 && (s[0] == '0' || s[0] == '1'));
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
		return parse_int64(s, len, true);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return parse_real(s, len);
	case KQLITE_TYPE_DATETIME:
		return unquote(p, &s, &len) && datetime_parse(s, len, &ticks);
	case KQLITE_TYPE_TIMESPAN:
		return unquote(p, &s, &len) && timespan_parse(s, len, &ticks);
	case KQLITE_TYPE_GUID:
		return unquote(p, &s, &len) && guid_parse(s, len, g);
	default:
		return false;
	}
}

/* ---- dynamic(...) bodies: KQL literals rewritten as JSON -------------------
 * The body of dynamic(...) is JSON written with KQL's own literals: strings
 * in any KQL quoting (@"C:\x", 'a', h"b", "a" "b"), KQL numbers (0x1F, 1.),
 * timespans (1d) and typed literals (datetime(2021-01-01), guid(...),
 * long(5)). A body that is not already strict JSON is rewritten here as
 * JSON, so later stages read only JSON; values that JSON cannot hold become
 * their string forms, as Kusto serializes them. */

typedef struct jconv {
	parser *p;
	const char *s, *e;
	int depth;
	strbuf *out;
} jconv;

/* Length of a Unicode space (as the scanner counts them) at s, or 0. */
static int uspace(const char *s, const char *e)
{
	const unsigned char *u = (const unsigned char *)s;
	if (e - s >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (e - s >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8B) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3;
	if (e - s >= 3 && ((u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) ||
	                   (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) ||
	                   (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ||
	                   (u[0] == 0xE1 && u[1] == 0x9A && u[2] == 0x80) ||
	                   (u[0] == 0xE1 && u[1] == 0xA0 && u[2] == 0x8E)))
		return 3;
	return 0;
}

static void jws(jconv *j)
{
	for (;;) {
		for (int n; j->s < j->e;) {
			if (strchr(" \t\r\n\f\v", *j->s))
				j->s++;
			else if ((n = uspace(j->s, j->e)) > 0)
				j->s += n;
			else
				break;
		}
		if (j->e - j->s < 2 || j->s[0] != '/' || j->s[1] != '/')
			return;
		while (j->s < j->e && *j->s != '\n') /* a comment */
			j->s++;
	}
}

static bool is_quote(char c)
{
	return c == '"' || c == '\'';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Does a KQL string token ("a", 'a', @"a", h"a", H@'a') start at s? */
static bool string_start(const char *s, const char *e)
{
	if (s < e && (*s == 'h' || *s == 'H'))
		s++;
	if (s < e && *s == '@')
		s++;
	return s < e && is_quote(*s);
}

/* The end of the string token at s, or NULL if it is not closed. *from is
 * where its quote (or the '@' of a verbatim one) is, after any h prefix. */
static const char *string_end(const char *s, const char *e, const char **from, int *sub)
{
	if (*s == 'h' || *s == 'H')
		s++;
	*from = s;
	bool verbatim = *s == '@';
	if (verbatim)
		s++;
	*sub = verbatim ? STR_VERBATIM : STR_PLAIN;
	char q = *s++;
	while (s < e) {
		if (*s == q) {
			if (verbatim && s + 1 < e && s[1] == q) {
				s += 2;
				continue;
			}
			return s + 1;
		}
		if (*s == '\n' && !verbatim)
			return NULL;
		if (*s == '\\' && !verbatim && s + 1 < e)
			s++;
		s++;
	}
	return NULL;
}

static void json_string(strbuf *out, const char *s, size_t n)
{
	sb_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			sb_addc(out, '\\');
			sb_addc(out, (char)c);
		} else if (c < 0x20) {
			sb_printf(out, "\\u%04x", c);
		} else {
			sb_addc(out, (char)c);
		}
	}
	sb_addc(out, '"');
}

/* One string value: a string token, or several in a row ("a" "b" is one
 * string, in here as outside). */
static bool jstring(jconv *j)
{
	strbuf v;
	sb_init(&v);
	bool ok = true;
	for (;;) {
		const char *from;
		int sub;
		const char *end = string_end(j->s, j->e, &from, &sub);
		if (!end || decode_string(from, (uint32_t)(end - from), sub, &v) >= 0) {
			ok = false;
			break;
		}
		j->s = end;
		const char *save = j->s;
		jws(j);
		if (!string_start(j->s, j->e)) {
			j->s = save;
			break;
		}
	}
	if (ok)
		json_string(j->out, v.s ? v.s : "", v.len);
	ok = ok && !v.oom;
	sb_free(&v);
	return ok;
}

static bool jvalue(jconv *j);

/* A long literal (decimal or 0x hex, optional sign) as a JSON integer. */
static bool emit_long(strbuf *out, const char *s, size_t len)
{
	char buf[72];
	if (!parse_int64(s, len, true) || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	const char *d = buf;
	bool neg = *d == '-';
	if (*d == '-' || *d == '+')
		d++;
	bool hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
	uint64_t u = strtoull(hex ? d + 2 : d, NULL, hex ? 16 : 10);
	if (neg)
		u = 0 - u;
	sb_printf(out, "%lld", (long long)(int64_t)u);
	return true;
}

/* A real literal as a JSON number that still reads back as a real: the
 * shortest form that round-trips, with ".0" when it would look whole. */
static bool emit_real(strbuf *out, const char *s, size_t len)
{
	char buf[64];
	if (!parse_real(s, len) || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	double v = strtod(buf, NULL);
	if (v != v || v - v != 0) /* nan, inf: JSON has no such numbers */
		return false;
	char num[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(num, sizeof(num), "%.*g", prec, v);
		if (strtod(num, NULL) == v)
			break;
	}
	sb_adds(out, num);
	if (!strpbrk(num, ".eE"))
		sb_adds(out, ".0");
	return true;
}

/* A number or timespan token: 1, -2, 0x1F, 1.5, 1e3, 1., 1d, -1.5h. */
static bool jnumber(jconv *j)
{
	const char *st = j->s;
	if (*j->s == '-' || *j->s == '+')
		j->s++;
	const char *w = j->s;
	if (j->s >= j->e || !is_digit(*j->s))
		return false;
	bool plain = true; /* only digits and '.' so far: an exponent may take a sign */
	while (j->s < j->e) {
		char c = *j->s;
		if (is_digit(c) || c == '.') {
			j->s++;
		} else if (is_alpha(c) || c == '_') {
			if (plain && (c == 'e' || c == 'E') && j->s + 1 < j->e &&
			    (j->s[1] == '+' || j->s[1] == '-'))
				j->s++;
			plain = false;
			j->s++;
		} else {
			break;
		}
	}
	size_t len = (size_t)(j->s - st), n = (size_t)(j->s - w);
	int64_t ticks;
	if (emit_long(j->out, st, len) || emit_real(j->out, st, len))
		return true;
	if (!is_digit(w[n - 1]) && timespan_parse(w, n, &ticks)) {
		char buf[40];
		if (*st == '-')
			ticks = ticks == INT64_MIN ? INT64_MAX : -ticks;
		json_string(j->out, buf, timespan_format(ticks, buf));
		return true;
	}
	return false;
}

/* type(body) inside a dynamic literal: datetime(2021-01-01), guid(...),
 * long(5), timespan(1d), dynamic([...]), any of them (null). */
static bool jtyped(jconv *j, const char *w, size_t wl)
{
	kqlite_type ty;
	jws(j);
	if (!type_from_name(w, wl, &ty) || j->s >= j->e || *j->s != '(')
		return false;
	const char *body = ++j->s;
	int depth = 1;
	while (j->s < j->e && depth > 0) {
		const char *from;
		int sub;
		if (string_start(j->s, j->e)) {
			if (!(j->s = string_end(j->s, j->e, &from, &sub)))
				return false;
			continue;
		}
		depth += *j->s == '(' ? 1 : *j->s == ')' ? -1 : 0;
		j->s++;
	}
	if (depth > 0)
		return false;
	size_t blen = (size_t)(j->s - 1 - body);
	trim(&body, &blen);
	if (blen == 4 && !memcmp(body, "null", 4)) {
		sb_adds(j->out, "null");
		return true;
	}
	int64_t ticks;
	unsigned char g[16];
	char buf[40];
	switch (ty) {
	case KQLITE_TYPE_BOOL:
		if (!typed_body_ok(j->p, ty, body, blen))
			return false;
		sb_adds(j->out, body[0] == 't' || body[0] == '1' ? "true" : "false");
		return true;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
		return emit_long(j->out, body, blen);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return emit_real(j->out, body, blen);
	case KQLITE_TYPE_DATETIME:
		if (!unquote(j->p, &body, &blen) || !datetime_parse(body, blen, &ticks))
			return false;
		json_string(j->out, buf, datetime_format(ticks, buf));
		return true;
	case KQLITE_TYPE_TIMESPAN:
		if (!unquote(j->p, &body, &blen) || !timespan_parse(body, blen, &ticks))
			return false;
		json_string(j->out, buf, timespan_format(ticks, buf));
		return true;
	case KQLITE_TYPE_GUID:
		if (!unquote(j->p, &body, &blen) || !guid_parse(body, blen, g))
			return false;
		json_string(j->out, buf, guid_format(g, buf));
		return true;
	case KQLITE_TYPE_DYNAMIC: {
		jconv in = {j->p, body, body + blen, j->depth + 1, j->out};
		if (in.depth > 128 || !jvalue(&in))
			return false;
		jws(&in);
		return in.s == in.e;
	}
	default:
		return false;
	}
}

static bool jlist(jconv *j, bool object)
{
	char close = object ? '}' : ']';
	sb_addc(j->out, *j->s++);
	if (++j->depth > 128)
		return false;
	jws(j);
	if (j->s < j->e && *j->s == close) {
		j->s++;
		j->depth--;
		sb_addc(j->out, close);
		return true;
	}
	for (;;) {
		jws(j);
		if (object) {
			if (!string_start(j->s, j->e) || !jstring(j))
				return false;
			jws(j);
			if (j->s >= j->e || *j->s != ':')
				return false;
			j->s++;
			sb_addc(j->out, ':');
		}
		if (!jvalue(j))
			return false;
		jws(j);
		if (j->s >= j->e)
			return false;
		if (*j->s == close) {
			j->s++;
			j->depth--;
			sb_addc(j->out, close);
			return true;
		}
		if (*j->s != ',')
			return false;
		j->s++;
		sb_addc(j->out, ',');
	}
}

static bool jvalue(jconv *j)
{
	jws(j);
	if (j->s >= j->e)
		return false;
	char c = *j->s;
	if (c == '{' || c == '[')
		return jlist(j, c == '{');
	if (string_start(j->s, j->e))
		return jstring(j);
	if (c == '-' || c == '+' || is_digit(c))
		return jnumber(j);
	if (!is_alpha(c))
		return false;
	const char *w = j->s;
	while (j->s < j->e && (is_alpha(*j->s) || is_digit(*j->s) || *j->s == '_'))
		j->s++;
	size_t n = (size_t)(j->s - w);
	static const char *const words[] = {"true", "True", "TRUE", "false", "False", "FALSE", "null"};
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		if (n == strlen(words[i]) && !memcmp(w, words[i], n)) {
			sb_adds(j->out, i < 3 ? "true" : i < 6 ? "false" : "null");
			return true;
		}
	}
	return jtyped(j, w, n);
}

/* Rewrites the body of a dynamic literal as JSON onto out. */
static bool dynamic_to_json(parser *p, const char *s, size_t len, strbuf *out)
{
	jconv j = {p, s, s + len, 0, out};
	jws(&j);
	if (j.s == j.e || !jvalue(&j))
		return false;
	jws(&j);
	return j.s == j.e && !out->oom;
}

/* A dynamic literal whose body is strict JSON keeps its text; any other
 * gets "dynamic(<its JSON form>)" as its text (the span still points at
 * the source), so that later stages read only JSON. */
static ast *dynamic_node(parser *p, ast *n, lex_token t, const char *body, size_t blen)
{
	strbuf b;
	size_t bad;
	sb_init(&b);
	bool strict = dyn_from_json(body, blen, &b, &bad);
	sb_free(&b);
	if (strict)
		return n;
	sb_init(&b);
	sb_adds(&b, "dynamic(");
	bool ok = dynamic_to_json(p, body, blen, &b);
	sb_addc(&b, ')');
	if (ok && !b.oom) { /* the rewrite must be JSON that the engine reads */
		strbuf enc;
		sb_init(&enc);
		ok = dyn_from_json(b.s + 8, b.len - 9, &enc, &bad);
		sb_free(&enc);
	}
	char *text = ok ? arena_strndup(p->a, b.s, b.len) : NULL;
	uint32_t tlen = (uint32_t)b.len;
	bool oom = b.oom;
	sb_free(&b);
	if (p->failed)
		return NULL;
	if (!ok && !oom)
		return fail(p, t.off, t.len, "invalid dynamic literal: expected JSON (an object, array, string, number, true, false or null)");
	if (!text) {
		diag_set_nospan(p->d, KQLITE_NOMEM, "out of memory while parsing");
		p->failed = true;
		return NULL;
	}
	n->text = text;
	n->tlen = tlen;
	return n;
}

ast *mk_literal(parser *p, int code, lex_token t)
{
	ast *n = nd(p, A_LITERAL, t);
	if (!n)
		return NULL;
	const char *s = p->src + t.off;
	n->text = s;
	n->tlen = t.len;
	int64_t ticks;
	switch (code) {
	case TK_LONG:
		n->op = KQLITE_TYPE_LONG;
		if (!parse_int64(s, t.len, false))
			return fail(p, t.off, t.len, "integer literal is out of range for long");
		return n;
	case TK_REAL:
		n->op = KQLITE_TYPE_REAL;
		if (!parse_real(s, t.len))
			return fail(p, t.off, t.len, "invalid real literal");
		return n;
	case TK_TIMESPAN:
		n->op = KQLITE_TYPE_TIMESPAN;
		if (!timespan_parse(s, t.len, &ticks))
			return fail(p, t.off, t.len, "timespan literal is out of range");
		return n;
	case TK_TRUE:
	case TK_FALSE:
		n->op = KQLITE_TYPE_BOOL;
		return n;
	case TK_DYNLIT:
	case TK_TYPEDLIT: {
		const char *nul = memchr(s, '\0', t.len);
		if (nul)
			return fail(p, (uint32_t)(nul - p->src), 1, "a NUL byte cannot appear in a literal");
		const char *lp = memchr(s, '(', t.len);
		const char *body = lp + 1;
		size_t blen = (size_t)(s + t.len - 1 - body);
		trim(&body, &blen);
		n->op = (uint16_t)t.sub;
		n->flags |= LIT_TYPED;
		if (blen == 4 && !memcmp(body, "null", 4)) {
			n->flags |= LIT_NULL;
			return n;
		}
		if (code == TK_DYNLIT)
			return dynamic_node(p, n, t, body, blen);
		if (!typed_body_ok(p, (kqlite_type)t.sub, body, blen)) {
			if (p->failed)
				return NULL;
			char msg[96];
			snprintf(msg, sizeof(msg), "invalid %s literal", kqlite_type_name((kqlite_type)t.sub));
			return fail(p, t.off, t.len, msg);
		}
		return n;
	}
	default:
		return fail(p, t.off, t.len, "unexpected literal");
	}
}
