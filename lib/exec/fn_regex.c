/* fn_regex.c -- KQL regular expressions on PCRE2 (regex.h) and the regex
 * functions: extract, extract_all, replace_regex and the legacy replace.
 *
 * KQL's dialect is RE2's. PCRE2 accepts a superset of it; what RE2 refuses
 * because it cannot run in linear time (backreferences, lookaround...) is
 * refused here too, before PCRE2 sees the pattern. Backtracking is bounded
 * by a match limit, a heap limit and a JIT stack size. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "regex.h"

struct xregex {
	xquery *q;
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	uint32_t groups;
};

enum {
	MATCH_LIMIT = 10000000,     /* backtracking steps of one match attempt */
	HEAP_LIMIT_KIB = 64 * 1024, /* interpreter backtracking memory */
	JIT_STACK_MIN = 32 * 1024,
	JIT_STACK_MAX = 4 * 1024 * 1024,
};

/* ---- RE2 syntax ------------------------------------------------------------ */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* What in pat RE2 does not accept (a message), or NULL. The scan knows
 * escapes, \Q...\E, character classes and [:posix:] names inside them. */
static const char *re2_unsupported(const char *p, size_t n)
{
	bool in_class = false;
	size_t class_first = 0; /* a ']' here is a literal */
	int prevq = 0;          /* 1: after a quantifier; 2: after a lazy one (+?) */
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (c == '\\') {
			if (i + 1 >= n)
				return NULL; /* PCRE2 reports the trailing backslash */
			char e = p[i + 1];
			if (e == 'Q') { /* literal text up to \E */
				size_t j = i + 2;
				while (j + 1 < n && !(p[j] == '\\' && p[j + 1] == 'E'))
					j++;
				i = j + 1 < n ? j + 1 : n;
				prevq = 0;
				continue;
			}
			if (!in_class) {
				if (e >= '1' && e <= '9')
					return "backreferences such as \\1 are not supported (RE2 "
					       "syntax)";
				if (e == 'k' || e == 'g')
					return "backreferences (\\k, \\g) are not supported (RE2 "
					       "syntax)";
				if (e == 'K')
					return "\\K is not supported (RE2 syntax)";
			}
			i++;
			prevq = 0;
			continue;
		}
		if (in_class) {
			if (c == '[' && i + 1 < n &&
			    (p[i + 1] == ':' || p[i + 1] == '.' || p[i + 1] == '=')) {
				char kind = p[i + 1];
				for (size_t j = i + 2; j + 1 < n; j++)
					if (p[j] == kind && p[j + 1] == ']') {
						i = j + 1;
						break;
					}
			} else if (c == ']' && i > class_first) {
				in_class = false;
			}
			continue;
		}
		switch (c) {
		case '[':
			in_class = true;
			class_first = i + 1;
			if (class_first < n && p[class_first] == '^')
				class_first++;
			prevq = 0;
			break;
		case '(':
			prevq = 0;
			if (i + 1 < n && p[i + 1] == '*')
				return "(*VERB) directives are not supported (RE2 syntax)";
			if (i + 2 < n && p[i + 1] == '?') {
				char k = p[i + 2];
				char k2 = i + 3 < n ? p[i + 3] : '\0';
				if (k == '=')
					return "lookahead (?= is not supported (RE2 syntax)";
				if (k == '!')
					return "negative lookahead (?! is not supported (RE2 "
					       "syntax)";
				if (k == '<' && k2 == '=')
					return "lookbehind (?<= is not supported (RE2 syntax)";
				if (k == '<' && k2 == '!')
					return "negative lookbehind (?<! is not supported (RE2 "
					       "syntax)";
				if (k == '>')
					return "atomic groups (?> are not supported (RE2 syntax)";
				if (k == '|')
					return "branch reset groups (?| are not supported (RE2 "
					       "syntax)";
				if (k == '(')
					return "conditional groups (?( are not supported (RE2 "
					       "syntax)";
				if (k == 'C')
					return "callouts (?C are not supported (RE2 syntax)";
				if (k == 'R' || k == '&' || is_digit(k) ||
				    ((k == '+' || k == '-') && is_digit(k2)))
					return "recursion and subroutine calls are not supported "
					       "(RE2 syntax)";
				if (k == 'P' && (k2 == '=' || k2 == '>'))
					return "backreferences and subroutine calls (?P=, (?P> are "
					       "not supported (RE2 syntax)";
				i++; /* the '?' is no quantifier */
			}
			break;
		case '*':
		case '+':
		case '?':
			if (prevq == 1 && c == '+')
				return "possessive quantifiers (such as a++) are not supported "
				       "(RE2 syntax)";
			if (prevq == 1 && c == '?') {
				prevq = 2;
				break;
			}
			if (prevq)
				return "a quantifier cannot follow another (RE2 syntax)";
			prevq = 1;
			break;
		case '{': {
			size_t j = i + 1;
			bool digits = false;
			while (j < n && (is_digit(p[j]) || p[j] == ',')) {
				digits |= is_digit(p[j]);
				j++;
			}
			if (j < n && p[j] == '}' && digits) {
				if (prevq)
					return "a quantifier cannot follow another (RE2 syntax)";
				i = j;
				prevq = 1;
			} else {
				prevq = 0;
			}
			break;
		}
		default:
			prevq = 0;
			break;
		}
	}
	return NULL;
}

/* ---- Compiling and matching ------------------------------------------------ */

static void report(xquery *q, diag *d, uint32_t off, uint32_t len, const char *msg)
{
	if (d)
		diag_set(d, KQLITE_ERROR, off, len, "%s", msg);
	else
		x_error(q, "%s", msg);
}

void xregex_free(xregex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mctx);
	if (re->jit)
		pcre2_jit_stack_free(re->jit);
	pcre2_code_free(re->code);
	free(re);
}

xregex *xregex_compile(xquery *q, const char *pat, size_t len, bool caseless, diag *d, uint32_t off,
                       uint32_t span_len)
{
	char msg[DIAG_MSG_MAX];
	if (!pat)
		pat = "";
	const char *bad = re2_unsupported(pat, len);
	if (bad) {
		snprintf(msg, sizeof msg, "regex: %s", bad);
		report(q, d, off, span_len, msg);
		return NULL;
	}
	uint32_t opts =
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C;
	if (caseless)
		opts |= PCRE2_CASELESS;
	int err = 0;
	PCRE2_SIZE eoff = 0;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &err, &eoff, NULL);
	if (!code) {
		if (err == PCRE2_ERROR_NOMEMORY) {
			x_nomem(q);
			return NULL;
		}
		PCRE2_UCHAR text[256];
		if (pcre2_get_error_message(err, text, sizeof text) < 0)
			strcpy((char *)text, "unknown error");
		snprintf(msg, sizeof msg, "invalid regex: %s at offset %zu", (const char *)text,
		         (size_t)eoff);
		report(q, d, off, span_len, msg);
		return NULL;
	}
	xregex *re = calloc(1, sizeof *re);
	if (!re) {
		pcre2_code_free(code);
		x_nomem(q);
		return NULL;
	}
	re->q = q;
	re->code = code;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->groups);
	re->md = pcre2_match_data_create_from_pattern(code, NULL);
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->md || !re->mctx) {
		xregex_free(re);
		x_nomem(q);
		return NULL;
	}
	pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, MATCH_LIMIT);
	pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
	if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0) {
		re->jit = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
		if (re->jit)
			pcre2_jit_stack_assign(re->mctx, NULL, re->jit);
	}
	return re;
}

int xregex_find(xregex *re, const char *s, size_t n, size_t start, bool anchored, bool end_anchored)
{
	if (start > n)
		return 0;
	uint32_t opts = (anchored ? PCRE2_ANCHORED : 0) | (end_anchored ? PCRE2_ENDANCHORED : 0);
	int rc = pcre2_match(re->code, (PCRE2_SPTR)(s ? s : ""), n, start, opts, re->md, re->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
		return 0;
	xquery *q = re->q;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
		if (!q->d->code)
			diag_set_nospan(q->d, KQLITE_LIMIT,
			                "regex: matching a %zu-byte string needs too much "
			                "backtracking (a limit was "
			                "reached); make the pattern more specific",
			                n);
		return -1;
	}
	if (rc == PCRE2_ERROR_NOMEMORY) {
		x_nomem(q);
		return -1;
	}
	PCRE2_UCHAR text[256];
	if (pcre2_get_error_message(rc, text, sizeof text) < 0)
		strcpy((char *)text, "unknown error");
	x_error(q, "regex: matching failed: %s", (const char *)text);
	return -1;
}

int xregex_match(xregex *re, const char *s, size_t n)
{
	return xregex_find(re, s, n, 0, false, false);
}

const size_t *xregex_ovector(const xregex *re)
{
	return pcre2_get_ovector_pointer(re->md);
}

uint32_t xregex_groups(const xregex *re)
{
	return re->groups;
}

int xregex_group_number(const xregex *re, const char *name, size_t len)
{
	char buf[256];
	if (!name || len == 0 || len >= sizeof buf || memchr(name, '\0', len))
		return -1;
	memcpy(buf, name, len);
	buf[len] = '\0';
	int g = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)buf);
	return g > 0 ? g : -1;
}

size_t xregex_next_char(const char *str, size_t n, size_t i)
{
	if (i >= n)
		return n;
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[i];
	size_t len;
	uint32_t v, min;
	if (c < 0x80)
		return i + 1;
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
		return i + 1;
	}
	if (len > n - i)
		return i + 1;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return i + 1;
		v = v << 6 | (s[i + k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return i + 1;
	return i + len;
}

/* ---- Patterns in calls -------------------------------------------------- */

void xregex_state_free(void *state)
{
	xregex_state *st = state;
	if (!st)
		return;
	xregex_free(st->fixed);
	xregex_free(st->last);
	free(st->last_pat);
	st->fixed = st->last = NULL;
	st->last_pat = NULL;
}

bool xregex_prepare_arg(xquery *q, xcall *call, const vec *const *consts, uint32_t nargs,
                        uint32_t argi, diag *d, uint32_t span_off, uint32_t span_len)
{
	xregex_state *st = call->state;
	if (!st) {
		st = arena_zalloc(q->qa, sizeof *st);
		if (!st)
			return x_nomem(q);
		call->state = st;
		call->cleanup = xregex_state_free;
	}
	if (argi >= nargs || !consts || !consts[argi] || consts[argi]->type != KQLITE_TYPE_STRING)
		return true; /* compiled per row */
	kstr p = v_str(consts[argi], 0);
	xregex_free(st->fixed);
	st->fixed = xregex_compile(q, p.p, p.n, false, d, span_off, span_len);
	return st->fixed != NULL;
}

xregex_state *xregex_state_of(const xcall *call, xregex_state *local)
{
	if (call && call->state)
		return call->state;
	memset(local, 0, sizeof *local);
	return local;
}

void xregex_state_done(const xcall *call, xregex_state *st)
{
	if (!call || st != call->state)
		xregex_state_free(st);
}

xregex *xregex_for_row(xctx *cx, xregex_state *st, const vec *pat, uint32_t r)
{
	if (pat->is_const && st->fixed)
		return st->fixed;
	kstr p = pat->type == KQLITE_TYPE_STRING ? v_str(pat, r) : (kstr){"", 0};
	if (!p.p)
		p.p = "";
	if (st->last && st->last_len == p.n && (p.n == 0 || memcmp(st->last_pat, p.p, p.n) == 0))
		return st->last;
	xregex *re = xregex_compile(cx->q, p.p, p.n, false, NULL, 0, 0);
	if (!re)
		return NULL;
	char *copy = malloc(p.n + 1);
	if (!copy) {
		xregex_free(re);
		x_nomem(cx->q);
		return NULL;
	}
	memcpy(copy, p.p, p.n);
	xregex_free(st->last);
	free(st->last_pat);
	st->last = re;
	st->last_pat = copy;
	st->last_len = p.n;
	if (pat->is_const && !st->fixed) { /* compiled once for the batches to come */
		st->fixed = re;
		st->last = NULL;
		free(st->last_pat);
		st->last_pat = NULL;
	}
	return re;
}

/* ---- Argument helpers ---------------------------------------------------- */

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

/* Delivers a string result as out->type (extract(..., typeof(long))). */
static bool deliver(xctx *cx, vec *res, const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	if (out->type == KQLITE_TYPE_STRING) {
		*out = *res;
		return true;
	}
	vec tmp;
	if (!vec_cast(cx, res, out->type, sel, n, rows, &tmp))
		return false;
	*out = tmp;
	return true;
}

/* ---- extract(regex, group, text [, typeof(T)]) --------------------------- */

static bool const_long(const vec *c, int64_t *v)
{
	if (!c || v_null(c, 0))
		return false;
	if (c->type == KQLITE_TYPE_INT || c->type == KQLITE_TYPE_LONG) {
		*v = v_i64(c, 0);
		return true;
	}
	return false;
}

static bool prep_extract(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                         uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	if (!xregex_prepare_arg(q, call, consts, nargs, 0, d, off, len))
		return false;
	xregex_state *st = call->state;
	int64_t g;
	if (st->fixed && nargs > 1 && consts && const_long(consts[1], &g) &&
	    (g < 0 || g > (int64_t)xregex_groups(st->fixed))) {
		diag_set(d, KQLITE_ERROR, off, len,
		         "extract(): capture group %lld does not exist (the regex has %u)",
		         (long long)g, xregex_groups(st->fixed));
		return false;
	}
	return true;
}

static bool fn_extract(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	xregex_state local, *st = xregex_state_of(call, &local);
	vec t0, t1, t2;
	const vec *pat, *grp, *txt;
	bool ok = str_arg(cx, &args[0], sel, n, rows, &t0, &pat) &&
	          long_arg(cx, &args[1], sel, n, rows, &t1, &grp) &&
	          str_arg(cx, &args[2], sel, n, rows, &t2, &txt);
	vec res = {.type = KQLITE_TYPE_STRING};
	ok = ok && vec_alloc(cx, &res, rows, false);
	if (ok) {
		FOR_SEL(i, sel, n)
		{
			if (v_null(grp, i))
				continue;
			int64_t g = v_i64(grp, i);
			xregex *re = xregex_for_row(cx, st, pat, i);
			if (!re) {
				ok = false;
				break;
			}
			if (g < 0 || g > (int64_t)xregex_groups(re))
				continue;
			kstr t = sget(txt, i);
			int rc = xregex_find(re, t.p, t.n, 0, false, false);
			if (rc < 0) {
				ok = false;
				break;
			}
			const size_t *ov = xregex_ovector(re);
			if (rc == 0 || ov[2 * g] == XREGEX_UNSET)
				continue;
			res.d.s[i] = (kstr){t.p + ov[2 * g], ov[2 * g + 1] - ov[2 * g]};
		}
	}
	xregex_state_done(call, st);
	return ok && deliver(cx, &res, sel, n, rows, out);
}

/* ---- extract_all(regex, [groups,] text) ---------------------------------- */

#define MAX_GROUPS 64

typedef struct group_list {
	uint32_t n;
	int g[MAX_GROUPS];
} group_list;

/* Resolves a dynamic array of group numbers and names against re; false
 * with a message in err. */
static bool resolve_groups(const xregex *re, kstr dyn, group_list *out, char *err, size_t errsize)
{
	dyn_iter it;
	out->n = 0;
	if (!dyn_iter_init(&it, (const uint8_t *)dyn.p, dyn.n) || it.object) {
		snprintf(err, errsize,
		         "extract_all(): the capture groups must be a dynamic array, such as "
		         "dynamic([1, 2])");
		return false;
	}
	const uint8_t *v;
	size_t vl;
	while (dyn_iter_next(&it, NULL, NULL, &v, &vl)) {
		int64_t g;
		const char *name;
		size_t nl;
		if (dyn_get_long(v, vl, &g)) {
			if (g < 0 || g > (int64_t)xregex_groups(re)) {
				snprintf(err, errsize,
				         "extract_all(): capture group %lld does not exist (the "
				         "regex has %u)",
				         (long long)g, xregex_groups(re));
				return false;
			}
		} else if (dyn_get_string(v, vl, &name, &nl)) {
			g = xregex_group_number(re, name, nl);
			if (g < 0) {
				snprintf(
				    err, errsize,
				    "extract_all(): the regex has no capture group named '%.*s'",
				    (int)(nl > 64 ? 64 : nl), name);
				return false;
			}
		} else {
			snprintf(err, errsize,
			         "extract_all(): capture groups are numbers or names");
			return false;
		}
		if (out->n == MAX_GROUPS) {
			snprintf(err, errsize, "extract_all(): at most %d capture groups",
			         MAX_GROUPS);
			return false;
		}
		out->g[out->n++] = (int)g;
	}
	if (out->n == 0) {
		snprintf(err, errsize, "extract_all(): the list of capture groups is empty");
		return false;
	}
	return true;
}

/* All groups of re, or the whole match when it has none. */
static void all_groups(const xregex *re, group_list *out)
{
	uint32_t ng = xregex_groups(re);
	out->n = 0;
	if (ng == 0)
		out->g[out->n++] = 0;
	for (uint32_t g = 1; g <= ng && out->n < MAX_GROUPS; g++)
		out->g[out->n++] = (int)g;
}

static bool prep_extract_all(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                             uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	if (!xregex_prepare_arg(q, call, consts, nargs, 0, d, off, len))
		return false;
	xregex_state *st = call->state;
	if (nargs < 3 || !st->fixed || !consts || !consts[1] ||
	    consts[1]->type != KQLITE_TYPE_DYNAMIC)
		return true;
	group_list *gl = arena_alloc(q->qa, sizeof *gl);
	if (!gl)
		return x_nomem(q);
	char err[DIAG_MSG_MAX];
	if (!resolve_groups(st->fixed, v_str(consts[1], 0), gl, err, sizeof err)) {
		diag_set(d, KQLITE_ERROR, off, len, "%s", err);
		return false;
	}
	st->extra = gl;
	return true;
}

static bool fn_extract_all(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                           const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	xregex_state local, *st = xregex_state_of(call, &local);
	vec t0, t2;
	const vec *pat, *txt, *grp = nargs >= 3 ? &args[1] : NULL;
	bool ok = str_arg(cx, &args[0], sel, n, rows, &t0, &pat) &&
	          str_arg(cx, &args[nargs >= 3 ? 2 : 1], sel, n, rows, &t2, &txt);
	out->type = KQLITE_TYPE_DYNAMIC;
	ok = ok && vec_alloc(cx, out, rows, false);
	strbuf sb;
	sb_init(&sb);
	if (ok) {
		FOR_SEL(i, sel, n)
		{
			xregex *re = xregex_for_row(cx, st, pat, i);
			if (!re) {
				ok = false;
				break;
			}
			group_list gl;
			if (grp && pat->is_const && grp->is_const && st->extra && re == st->fixed) {
				gl = *(const group_list *)st->extra;
			} else if (grp) {
				if (v_null(grp, i) && grp->type != KQLITE_TYPE_DYNAMIC)
					continue;
				char err[DIAG_MSG_MAX];
				kstr gd = grp->type == KQLITE_TYPE_DYNAMIC ? v_str(grp, i)
				                                           : (kstr){"", 0};
				if (!resolve_groups(re, gd, &gl, err, sizeof err)) {
					ok = x_error(cx->q, "%s", err);
					break;
				}
			} else {
				all_groups(re, &gl);
			}
			kstr t = sget(txt, i);
			sb.len = 0;
			dyn_builder b;
			dynb_init(&b, &sb);
			dynb_begin_array(&b);
			uint32_t matches = 0;
			size_t pos = 0;
			while (pos <= t.n) {
				int rc = xregex_find(re, t.p, t.n, pos, false, false);
				if (rc < 0) {
					ok = false;
					break;
				}
				if (rc == 0)
					break;
				const size_t *ov = xregex_ovector(re);
				size_t s0 = ov[0], e0 = ov[1];
				if (gl.n > 1)
					dynb_begin_array(&b);
				for (uint32_t k = 0; k < gl.n; k++) {
					int g = gl.g[k];
					if (ov[2 * g] == XREGEX_UNSET)
						dynb_string(&b, "", 0);
					else
						dynb_string(&b, t.p + ov[2 * g],
						            ov[2 * g + 1] - ov[2 * g]);
				}
				if (gl.n > 1)
					dynb_end(&b);
				matches++;
				if (e0 > s0)
					pos = e0;
				else if (e0 >= t.n)
					break;
				else
					pos = xregex_next_char(t.p, t.n, e0);
			}
			if (!ok)
				break;
			dynb_end(&b);
			if (sb.oom) {
				ok = x_nomem(cx->q);
				break;
			}
			if (b.failed) {
				ok = x_error(cx->q, "extract_all(): the result is too large");
				break;
			}
			if (matches && !vec_set_str(cx, out, i, sb.s, sb.len)) {
				ok = false;
				break;
			}
		}
	}
	sb_free(&sb);
	xregex_state_done(call, st);
	return ok;
}

/* ---- replace_regex(text, regex, rewrite), replace(regex, rewrite, text) --- */

/* Appends rewrite with \0..\9 replaced by the groups of the match in t. */
static void add_rewrite(strbuf *sb, kstr rw, kstr t, const size_t *ov, uint32_t groups)
{
	for (size_t k = 0; k < rw.n; k++) {
		char c = rw.p[k];
		if (c == '\\' && k + 1 < rw.n) {
			char e = rw.p[k + 1];
			if (is_digit(e)) {
				uint32_t g = (uint32_t)(e - '0');
				if (g <= groups && ov[2 * g] != XREGEX_UNSET)
					sb_add(sb, t.p + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
				k++;
				continue;
			}
			if (e == '\\') {
				sb_addc(sb, '\\');
				k++;
				continue;
			}
		}
		sb_addc(sb, c);
	}
}

static bool replace_rows(xctx *cx, const xcall *call, const vec *text, const vec *regex,
                         const vec *rewrite, const uint32_t *sel, uint32_t n, uint32_t rows,
                         vec *out)
{
	xregex_state local, *st = xregex_state_of(call, &local);
	vec t0, t1, t2;
	const vec *txt, *pat, *rw;
	bool ok = str_arg(cx, text, sel, n, rows, &t0, &txt) &&
	          str_arg(cx, regex, sel, n, rows, &t1, &pat) &&
	          str_arg(cx, rewrite, sel, n, rows, &t2, &rw);
	vec res = {.type = KQLITE_TYPE_STRING};
	ok = ok && vec_alloc(cx, &res, rows, false);
	strbuf sb;
	sb_init(&sb);
	if (ok) {
		FOR_SEL(i, sel, n)
		{
			xregex *re = xregex_for_row(cx, st, pat, i);
			if (!re) {
				ok = false;
				break;
			}
			kstr t = sget(txt, i), r = sget(rw, i);
			sb.len = 0;
			size_t pos = 0, last = 0;
			bool any = false;
			while (pos <= t.n) {
				int rc = xregex_find(re, t.p, t.n, pos, false, false);
				if (rc < 0) {
					ok = false;
					break;
				}
				if (rc == 0)
					break;
				const size_t *ov = xregex_ovector(re);
				size_t s0 = ov[0], e0 = ov[1];
				sb_add(&sb, t.p + last, s0 - last);
				add_rewrite(&sb, r, t, ov, xregex_groups(re));
				last = e0;
				any = true;
				if (e0 > s0)
					pos = e0;
				else if (e0 >= t.n)
					break;
				else
					pos = xregex_next_char(t.p, t.n, e0);
			}
			if (!ok)
				break;
			if (!any) {
				res.d.s[i] = t;
				continue;
			}
			sb_add(&sb, t.p + last, t.n - last);
			if (sb.oom) {
				ok = x_nomem(cx->q);
				break;
			}
			if (!vec_set_str(cx, &res, i, sb.s, sb.len)) {
				ok = false;
				break;
			}
		}
	}
	sb_free(&sb);
	xregex_state_done(call, st);
	if (ok)
		*out = res;
	return ok;
}

static bool prep_replace_regex(xquery *q, xcall *call, const uint8_t *types,
                               const vec *const *consts, uint32_t nargs, diag *d, uint32_t off,
                               uint32_t len)
{
	(void)types;
	return xregex_prepare_arg(q, call, consts, nargs, 1, d, off, len);
}

static bool fn_replace_regex(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	return replace_rows(cx, call, &args[0], &args[1], &args[2], sel, n, rows, out);
}

static bool prep_replace(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                         uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	return xregex_prepare_arg(q, call, consts, nargs, 0, d, off, len);
}

/* The legacy replace(regex, rewrite, text). */
static bool fn_replace(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)nargs;
	return replace_rows(cx, call, &args[2], &args[0], &args[1], sel, n, rows, out);
}

const xfn_def xfn_regex_defs[] = {
    {"extract", fn_extract, prep_extract, XF_DETERMINISTIC},
    {"extract_all", fn_extract_all, prep_extract_all, XF_DETERMINISTIC},
    {"replace", fn_replace, prep_replace, XF_DETERMINISTIC},
    {"replace_regex", fn_replace_regex, prep_replace_regex, XF_DETERMINISTIC},
    {NULL, NULL, NULL, 0},
};
