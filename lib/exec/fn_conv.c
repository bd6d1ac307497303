/* fn_conv.c -- conversions between KQL types and the functions built on
 * them: vec_cast (the rules of tostring, tolong, toint, toreal, tobool,
 * todatetime, totimespan, toguid, todecimal, also used by the engine for
 * implicit conversions), those conversion functions, the conditionals
 * (iff, case, coalesce, min_of, max_of), the null tests (isnull, isempty
 * and their negations), not() and gettype().
 *
 * Conversion rules (a value that does not convert is null):
 *   to string:   null -> ""; bool -> true/false; real -> the shortest text
 *                that reads back the same (as the writers print reals);
 *                datetime -> ISO 8601 with 7 fraction digits and Z;
 *                timespan -> [-][d.]hh:mm:ss[.fffffff]; guid -> lower case;
 *                dynamic -> a string value as itself, anything else as JSON.
 *   to long/int: bool 0/1; real truncated toward zero; datetime/timespan
 *                their ticks; strings in integer or real form (surrounding
 *                spaces allowed, "1.9" -> 1); int: out of 32-bit range -> null.
 *   to real:     numbers, bool 0/1, datetime/timespan ticks, strings in
 *                number form (also NaN, Infinity, -Infinity).
 *   to bool:     "true"/"false" in any case, numbers and numeric strings
 *                (nonzero is true; NaN is null).
 *   to datetime/timespan: from their own type and from strings (the forms
 *                types.h parses); numbers do not convert.
 *   to guid:     from strings.
 *   to dynamic:  a scalar as a dynamic scalar (datetime, timespan and guid
 *                as their text), null as dynamic null.
 * A dynamic argument converts by its value: dynamic(5) -> 5, ("5") -> 5.
 *
 * vec_cast may hand back v itself (same type, or int -> long and real <->
 * decimal, whose physical forms agree) and a constant vector for a
 * constant v: the result is read through the v*_at() helpers, never
 * written. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"
#include "types.h"

/* ---- One row's value, whatever its vector's type ------------------------ */

enum { SV_NULL, SV_BOOL, SV_LONG, SV_REAL, SV_STR, SV_DT, SV_TS, SV_GUID, SV_BAG };

typedef struct sval {
	int k;
	int64_t i;     /* bool (0/1), long, datetime, timespan */
	double f;      /* real */
	const char *s; /* string bytes; SV_BAG: the encoded array or object */
	size_t n;
	const uint8_t *g;
} sval;

static sval row_val(const vec *v, uint32_t r)
{
	sval x = {.k = SV_NULL};
	if (v->type == KQLITE_TYPE_NULL || v->type > KQLITE_TYPE_DYNAMIC)
		return x;
	if (type_phys(v->type) != PH_STR && v_null(v, r))
		return x;
	switch (v->type) {
	case KQLITE_TYPE_BOOL:
		x.k = SV_BOOL;
		x.i = v_bool(v, r);
		break;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
		x.k = SV_LONG;
		x.i = v_i64(v, r);
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		x.k = SV_REAL;
		x.f = v_f64(v, r);
		break;
	case KQLITE_TYPE_DATETIME:
		x.k = SV_DT;
		x.i = v_i64(v, r);
		break;
	case KQLITE_TYPE_TIMESPAN:
		x.k = SV_TS;
		x.i = v_i64(v, r);
		break;
	case KQLITE_TYPE_GUID:
		x.k = SV_GUID;
		x.g = v_guid(v, r);
		break;
	case KQLITE_TYPE_STRING: {
		kstr s = v_str(v, r);
		x.k = SV_STR;
		x.s = s.p ? s.p : "";
		x.n = s.n;
		break;
	}
	case KQLITE_TYPE_DYNAMIC: {
		kstr s = v_str(v, r);
		const uint8_t *p = (const uint8_t *)s.p;
		switch (dyn_tag(p, s.n)) {
		case DYN_FALSE:
		case DYN_TRUE:
			x.k = SV_BOOL;
			x.i = dyn_tag(p, s.n) == DYN_TRUE;
			break;
		case DYN_LONG:
			if (dyn_get_long(p, s.n, &x.i))
				x.k = SV_LONG;
			break;
		case DYN_REAL:
			if (dyn_get_real(p, s.n, &x.f))
				x.k = SV_REAL;
			break;
		case DYN_STRING:
			if (dyn_get_string(p, s.n, &x.s, &x.n))
				x.k = SV_STR;
			if (!x.s)
				x.s = "";
			break;
		case DYN_ARRAY:
		case DYN_OBJECT:
			x.k = SV_BAG;
			x.s = s.p;
			x.n = s.n;
			break;
		default:
			break;
		}
		break;
	}
	default:
		break;
	}
	return x;
}

/* ---- Parsing text ------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

static bool ieq(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);
	if (n != wl)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != word[i])
			return false;
	}
	return true;
}

/* A number in decimal or exponent form, or NaN / Infinity (any case, with
 * an optional sign). No hex, no trailing text. */
static bool parse_real(const char *s, size_t n, double *out)
{
	trim(&s, &n);
	if (n == 0 || n >= 128)
		return false;
	const char *w = s;
	size_t wn = n;
	bool neg = false;
	if (*w == '+' || *w == '-') {
		neg = *w == '-';
		w++;
		wn--;
	}
	if (ieq(w, wn, "nan")) {
		*out = NAN;
		return true;
	}
	if (ieq(w, wn, "inf") || ieq(w, wn, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return true;
	}
	bool digit = false;
	for (size_t i = 0; i < wn; i++) {
		char c = w[i];
		if (c >= '0' && c <= '9')
			digit = true;
		else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
			return false;
	}
	if (!digit)
		return false;
	char buf[128];
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	double d = strtod(buf, &end);
	if (end != buf + n)
		return false;
	*out = d;
	return true;
}

/* A real truncated toward zero into a long; false when out of range. */
static bool real_to_long(double d, int64_t *out)
{
	if (!isfinite(d))
		return false;
	d = trunc(d);
	if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
		return false;
	*out = (int64_t)d;
	return true;
}

/* An integer ("-42", " 7 "), or a real form truncated ("1.9" -> 1). */
static bool parse_long(const char *s, size_t n, int64_t *out)
{
	trim(&s, &n);
	if (n == 0)
		return false;
	size_t i = 0;
	bool neg = false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i++;
	}
	uint64_t acc = 0;
	bool digits = i < n, overflow = false;
	for (size_t k = i; k < n; k++) {
		if (s[k] < '0' || s[k] > '9') {
			digits = false;
			break;
		}
		unsigned d = (unsigned)(s[k] - '0');
		if (acc > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			acc = acc * 10 + d;
	}
	if (digits) {
		if (overflow || acc > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
			return false;
		*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
		return true;
	}
	double d;
	return parse_real(s, n, &d) && real_to_long(d, out);
}

/* ---- Conversions of one value --------------------------------------------- */

static bool sv_long(const sval *x, int64_t *out)
{
	switch (x->k) {
	case SV_BOOL:
	case SV_LONG:
	case SV_DT:
	case SV_TS:
		*out = x->i;
		return true;
	case SV_REAL:
		return real_to_long(x->f, out);
	case SV_STR:
		return parse_long(x->s, x->n, out);
	default:
		return false;
	}
}

static bool sv_real(const sval *x, double *out)
{
	switch (x->k) {
	case SV_BOOL:
	case SV_LONG:
	case SV_DT:
	case SV_TS:
		*out = (double)x->i;
		return true;
	case SV_REAL:
		*out = x->f;
		return true;
	case SV_STR:
		return parse_real(x->s, x->n, out);
	default:
		return false;
	}
}

static bool sv_bool(const sval *x, bool *out)
{
	switch (x->k) {
	case SV_BOOL:
	case SV_LONG:
		*out = x->i != 0;
		return true;
	case SV_REAL:
		if (isnan(x->f))
			return false;
		*out = x->f != 0;
		return true;
	case SV_STR: {
		const char *s = x->s;
		size_t n = x->n;
		trim(&s, &n);
		if (ieq(s, n, "true")) {
			*out = true;
			return true;
		}
		if (ieq(s, n, "false")) {
			*out = false;
			return true;
		}
		double d;
		if (!parse_real(s, n, &d) || isnan(d))
			return false;
		*out = d != 0;
		return true;
	}
	default:
		return false;
	}
}

static bool sv_datetime(const sval *x, int64_t *out)
{
	if (x->k == SV_DT) {
		*out = x->i;
		return true;
	}
	return x->k == SV_STR && datetime_parse(x->s, x->n, out);
}

static bool sv_timespan(const sval *x, int64_t *out)
{
	if (x->k == SV_TS) {
		*out = x->i;
		return true;
	}
	return x->k == SV_STR && timespan_parse(x->s, x->n, out);
}

static bool sv_guid(const sval *x, uint8_t *out)
{
	if (x->k == SV_GUID) {
		memcpy(out, x->g, 16);
		return true;
	}
	if (x->k != SV_STR)
		return false;
	const char *s = x->s;
	size_t n = x->n;
	trim(&s, &n);
	return guid_parse(s, n, out);
}

/* The shortest of %.15g, %.16g, %.17g that reads back to the same double,
 * as lib/io/write.c prints reals; NaN and the infinities by name.
 * buf: 32 bytes. */
static size_t real_text(double d, char *buf)
{
	const char *name = isnan(d) ? "NaN" : isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : NULL;
	if (name) {
		strcpy(buf, name);
		return strlen(name);
	}
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, 32, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return (size_t)n;
}

/* The text of a scalar into buf (64 bytes); strings and bags are not
 * scalars here. Returns the length. */
static size_t scalar_text(const sval *x, char *buf)
{
	switch (x->k) {
	case SV_BOOL:
		strcpy(buf, x->i ? "true" : "false");
		return strlen(buf);
	case SV_LONG:
		return (size_t)snprintf(buf, 64, "%lld", (long long)x->i);
	case SV_REAL:
		return real_text(x->f, buf);
	case SV_DT:
		return datetime_format(x->i, buf);
	case SV_TS:
		return timespan_format(x->i, buf);
	case SV_GUID:
		return guid_format(x->g, buf);
	default:
		buf[0] = '\0';
		return 0;
	}
}

/* Row i of out (a string vector) from x. */
static bool put_text(xctx *cx, vec *out, uint32_t i, const sval *x, strbuf *sb)
{
	char buf[64];
	switch (x->k) {
	case SV_NULL:
		out->d.s[i] = (kstr){"", 0};
		return true;
	case SV_STR:
		out->d.s[i] = (kstr){x->s, x->n};
		return true;
	case SV_BAG:
		sb->len = 0;
		dyn_to_json((const uint8_t *)x->s, x->n, sb);
		if (sb->oom)
			return x_nomem(cx->q);
		return vec_set_str(cx, out, i, sb->s, sb->len);
	default: {
		size_t len = scalar_text(x, buf);
		return vec_set_str(cx, out, i, buf, len);
	}
	}
}

/* Row i of out (a dynamic vector) from x. */
static bool put_dyn(xctx *cx, vec *out, uint32_t i, const sval *x, strbuf *sb)
{
	if (x->k == SV_NULL) {
		out->d.s[i] = (kstr){"", 0};
		return true;
	}
	sb->len = 0;
	dyn_builder b;
	dynb_init(&b, sb);
	char buf[64];
	switch (x->k) {
	case SV_BOOL:
		dynb_bool(&b, x->i != 0);
		break;
	case SV_LONG:
		dynb_long(&b, x->i);
		break;
	case SV_REAL:
		dynb_real(&b, x->f);
		break;
	case SV_STR:
		dynb_string(&b, x->s, x->n);
		break;
	case SV_BAG:
		dynb_raw(&b, (const uint8_t *)x->s, x->n);
		break;
	default: {
		size_t len = scalar_text(x, buf);
		dynb_string(&b, buf, len);
		break;
	}
	}
	if (sb->oom)
		return x_nomem(cx->q);
	return vec_set_str(cx, out, i, sb->s, sb->len);
}

/* ---- vec_cast --------------------------------------------------------------- */

static uint8_t concrete(uint8_t t)
{
	return t > KQLITE_TYPE_DYNAMIC ? KQLITE_TYPE_DYNAMIC : t;
}

/* Whether a vector of type from already holds valid values of type to. */
static bool same_form(uint8_t from, uint8_t to)
{
	if (from == to)
		return true;
	if (from == KQLITE_TYPE_INT && to == KQLITE_TYPE_LONG)
		return true;
	return (from == KQLITE_TYPE_REAL || from == KQLITE_TYPE_DECIMAL) &&
	       (to == KQLITE_TYPE_REAL || to == KQLITE_TYPE_DECIMAL);
}

static bool cast_rows(xctx *cx, const vec *v, uint8_t type, const uint32_t *sel, uint32_t n,
                      uint32_t rows, vec *out)
{
	out->type = type;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		sval x = row_val(v, i);
		bool good = true, b = false;
		int64_t l = 0;
		double f = 0;
		switch (type) {
		case KQLITE_TYPE_BOOL:
			good = sv_bool(&x, &b);
			out->d.b[i] = b;
			break;
		case KQLITE_TYPE_INT:
			good = sv_long(&x, &l) && l >= INT32_MIN && l <= INT32_MAX;
			out->d.i[i] = good ? l : 0;
			break;
		case KQLITE_TYPE_LONG:
			good = sv_long(&x, &l);
			out->d.i[i] = l;
			break;
		case KQLITE_TYPE_REAL:
		case KQLITE_TYPE_DECIMAL:
			good = sv_real(&x, &f);
			out->d.f[i] = f;
			break;
		case KQLITE_TYPE_DATETIME:
			good = sv_datetime(&x, &l);
			out->d.i[i] = l;
			break;
		case KQLITE_TYPE_TIMESPAN:
			good = sv_timespan(&x, &l);
			out->d.i[i] = l;
			break;
		case KQLITE_TYPE_GUID:
			good = sv_guid(&x, out->d.g[i]);
			break;
		case KQLITE_TYPE_STRING:
			ok = put_text(cx, out, i, &x, &sb);
			break;
		case KQLITE_TYPE_DYNAMIC:
			ok = put_dyn(cx, out, i, &x, &sb);
			break;
		default:
			good = false;
			break;
		}
		if (!ok)
			break;
		if (!good && out->nulls)
			out->nulls[i] = 1;
	}
	sb_free(&sb);
	return ok;
}

bool vec_cast(xctx *cx, const vec *v, uint8_t type, const uint32_t *sel, uint32_t n, uint32_t rows,
              vec *out)
{
	type = concrete(type);
	if (same_form(v->type, type)) {
		*out = *v;
		out->type = type;
		return true;
	}
	if (type == KQLITE_TYPE_NULL || v->type == KQLITE_TYPE_NULL) {
		*out = vec_const_null(type);
		return true;
	}
	if (v->is_const) {
		if (!cast_rows(cx, v, type, NULL, 1, 1, out))
			return false;
		out->is_const = true;
		return true;
	}
	return cast_rows(cx, v, type, sel, n, rows, out);
}

/* ---- The conversion functions ---------------------------------------------- */

static bool fn_convert(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	vec res;
	if (!vec_cast(cx, &args[0], out->type, sel, n, rows, &res))
		return false;
	*out = res;
	return true;
}

/* ---- Conditionals -------------------------------------------------------- */

static bool truthy(const vec *c, uint32_t r)
{
	if (c->type == KQLITE_TYPE_BOOL)
		return !v_null(c, r) && v_bool(c, r);
	sval x = row_val(c, r);
	bool b;
	return sv_bool(&x, &b) && b;
}

/* Row i of dst from row r of src (both of dst's type). */
static void copy_row(vec *dst, uint32_t i, const vec *src, uint32_t r)
{
	bool isnull = type_phys(dst->type) != PH_STR && v_null(src, r);
	switch (type_phys(dst->type)) {
	case PH_BOOL:
		dst->d.b[i] = isnull ? 0 : src->d.b[vat(src, r)];
		break;
	case PH_I64:
		dst->d.i[i] = isnull ? 0 : v_i64(src, r);
		break;
	case PH_F64:
		dst->d.f[i] = isnull ? 0 : v_f64(src, r);
		break;
	case PH_STR:
		dst->d.s[i] = v_str(src, r);
		break;
	case PH_GUID:
		if (isnull)
			memset(dst->d.g[i], 0, 16);
		else
			memcpy(dst->d.g[i], v_guid(src, r), 16);
		break;
	default:
		break;
	}
	if (dst->nulls)
		dst->nulls[i] = isnull;
}

/* args[idx[k]] converted to t, into an array of k vectors in cx->tmp. */
static vec *cast_all(xctx *cx, const vec *args, const uint32_t *idx, uint32_t k, uint8_t t,
                     const uint32_t *sel, uint32_t n, uint32_t rows)
{
	vec *vs = arena_alloc(cx->tmp, sizeof(vec) * (k ? k : 1));
	if (!vs) {
		x_nomem(cx->q);
		return NULL;
	}
	for (uint32_t j = 0; j < k; j++)
		if (!vec_cast(cx, &args[idx[j]], t, sel, n, rows, &vs[j]))
			return NULL;
	return vs;
}

/* The result type for out: concrete; an all-null result is a constant. */
static bool result_type(vec *out, uint8_t *t)
{
	*t = concrete(out->type);
	out->type = *t;
	if (*t == KQLITE_TYPE_NULL) {
		*out = vec_const_null(KQLITE_TYPE_NULL);
		return false;
	}
	return true;
}

static bool fn_iff(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	uint8_t t;
	if (!result_type(out, &t))
		return true;
	static const uint32_t idx[2] = {1, 2};
	vec *vs = cast_all(cx, args, idx, 2, t, sel, n, rows);
	vec res = {.type = t};
	if (!vs || !vec_alloc(cx, &res, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		copy_row(&res, i, truthy(&args[0], i) ? &vs[0] : &vs[1], i);
	}
	*out = res;
	return true;
}

/* case(p1, v1, p2, v2, ..., else) */
static bool fn_case(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                    const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	uint8_t t;
	if (!result_type(out, &t))
		return true;
	if (nargs < 3 || nargs % 2 == 0)
		return x_error(cx->q, "case() takes predicate/value pairs and an else value");
	uint32_t k = nargs / 2 + 1;
	uint32_t *idx = arena_alloc(cx->tmp, sizeof(uint32_t) * k);
	if (!idx)
		return x_nomem(cx->q);
	for (uint32_t j = 0; j < k; j++)
		idx[j] = j + 1 < k ? 2 * j + 1 : nargs - 1;
	vec *vs = cast_all(cx, args, idx, k, t, sel, n, rows);
	vec res = {.type = t};
	if (!vs || !vec_alloc(cx, &res, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint32_t j = 0;
		while (j + 1 < k && !truthy(&args[2 * j], i))
			j++;
		copy_row(&res, i, &vs[j], i);
	}
	*out = res;
	return true;
}

/* Whether row r of v (of type t) counts as a value for coalesce: not
 * null, and for strings not empty. */
static bool present(const vec *v, uint32_t r)
{
	if (v->type == KQLITE_TYPE_STRING)
		return v_str(v, r).n > 0;
	return !v_null(v, r);
}

static bool all_args(xctx *cx, uint32_t nargs, uint32_t **idx)
{
	*idx = arena_alloc(cx->tmp, sizeof(uint32_t) * (nargs ? nargs : 1));
	if (!*idx)
		return x_nomem(cx->q);
	for (uint32_t j = 0; j < nargs; j++)
		(*idx)[j] = j;
	return true;
}

static bool fn_coalesce(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	uint8_t t;
	uint32_t *idx;
	if (!result_type(out, &t))
		return true;
	if (nargs == 0)
		return x_error(cx->q, "coalesce() needs arguments");
	if (!all_args(cx, nargs, &idx))
		return false;
	vec *vs = cast_all(cx, args, idx, nargs, t, sel, n, rows);
	vec res = {.type = t};
	if (!vs || !vec_alloc(cx, &res, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint32_t j = 0;
		while (j + 1 < nargs && !present(&vs[j], i))
			j++;
		copy_row(&res, i, &vs[j], i);
	}
	*out = res;
	return true;
}

/* <0, 0, >0: row ra of a against row rb of b, both of type t and not null. */
static int cmp_rows(const vec *a, uint32_t ra, const vec *b, uint32_t rb)
{
	switch (type_phys(a->type)) {
	case PH_BOOL:
		return (int)v_bool(a, ra) - (int)v_bool(b, rb);
	case PH_I64: {
		int64_t x = v_i64(a, ra), y = v_i64(b, rb);
		return x < y ? -1 : x > y;
	}
	case PH_F64: {
		double x = v_f64(a, ra), y = v_f64(b, rb);
		return x < y ? -1 : x > y;
	}
	case PH_GUID:
		return memcmp(v_guid(a, ra), v_guid(b, rb), 16);
	case PH_STR:
		break;
	default:
		return 0;
	}
	sval x = row_val(a, ra), y = row_val(b, rb);
	if (x.k == SV_STR && y.k == SV_STR) {
		size_t m = x.n < y.n ? x.n : y.n;
		int c = m ? memcmp(x.s, y.s, m) : 0;
		return c ? c : (x.n < y.n ? -1 : x.n > y.n);
	}
	double p, q;
	if ((x.k == SV_LONG || x.k == SV_REAL) && (y.k == SV_LONG || y.k == SV_REAL) &&
	    sv_real(&x, &p) && sv_real(&y, &q))
		return p < q ? -1 : p > q;
	return 0; /* dynamic values of other kinds do not order */
}

static bool minmax(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                   uint32_t rows, vec *out, int sign)
{
	uint8_t t;
	uint32_t *idx;
	if (!result_type(out, &t))
		return true;
	if (nargs == 0)
		return x_error(cx->q, "min_of() and max_of() need arguments");
	if (!all_args(cx, nargs, &idx))
		return false;
	vec *vs = cast_all(cx, args, idx, nargs, t, sel, n, rows);
	vec res = {.type = t};
	if (!vs || !vec_alloc(cx, &res, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		int best = -1;
		for (uint32_t j = 0; j < nargs; j++) {
			if (v_null(&vs[j], i))
				continue;
			if (best < 0 || sign * cmp_rows(&vs[j], i, &vs[best], i) > 0)
				best = (int)j;
		}
		if (best >= 0)
			copy_row(&res, i, &vs[best], i);
		else
			copy_row(&res, i, &vs[0], i);
	}
	*out = res;
	return true;
}

static bool fn_max_of(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return minmax(cx, args, nargs, sel, n, rows, out, 1);
}

static bool fn_min_of(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return minmax(cx, args, nargs, sel, n, rows, out, -1);
}

/* ---- Null tests, not(), gettype() ------------------------------------------ */

enum { T_ISNULL, T_ISEMPTY };

static bool test_row(const vec *v, uint32_t r, int test)
{
	if (v->type == KQLITE_TYPE_STRING)
		return test == T_ISEMPTY && v_str(v, r).n == 0;
	if (test == T_ISEMPTY && v->type == KQLITE_TYPE_DYNAMIC) {
		sval x = row_val(v, r);
		return x.k == SV_NULL || (x.k == SV_STR && x.n == 0);
	}
	return v_null(v, r);
}

static bool null_test(xctx *cx, const vec *v, const uint32_t *sel, uint32_t n, uint32_t rows,
                      vec *out, int test, bool negate)
{
	vec res = {.type = KQLITE_TYPE_BOOL};
	if (!vec_alloc(cx, &res, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		res.d.b[i] = test_row(v, i, test) != negate;
	}
	*out = res;
	return true;
}

static bool fn_isnull(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	return null_test(cx, &args[0], sel, n, rows, out, T_ISNULL, false);
}

static bool fn_isnotnull(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                         const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	return null_test(cx, &args[0], sel, n, rows, out, T_ISNULL, true);
}

static bool fn_isempty(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	return null_test(cx, &args[0], sel, n, rows, out, T_ISEMPTY, false);
}

static bool fn_isnotempty(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	return null_test(cx, &args[0], sel, n, rows, out, T_ISEMPTY, true);
}

static bool fn_not(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	vec res = {.type = KQLITE_TYPE_BOOL};
	if (!vec_alloc(cx, &res, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		sval x = row_val(&args[0], i);
		bool b;
		if (sv_bool(&x, &b))
			res.d.b[i] = !b;
		else
			res.nulls[i] = 1;
	}
	*out = res;
	return true;
}

static const char *dyn_type_name(const vec *v, uint32_t r)
{
	sval x = row_val(v, r);
	switch (x.k) {
	case SV_BOOL:
		return "bool";
	case SV_LONG:
		return x.i >= INT32_MIN && x.i <= INT32_MAX ? "int" : "long";
	case SV_REAL:
		return "real";
	case SV_STR:
		return "string";
	case SV_BAG:
		return dyn_tag((const uint8_t *)x.s, x.n) == DYN_ARRAY ? "array" : "dictionary";
	default:
		return "null";
	}
}

static bool fn_gettype(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	vec res = {.type = KQLITE_TYPE_STRING};
	if (!vec_alloc(cx, &res, rows, false))
		return false;
	const vec *v = &args[0];
	FOR_SEL(i, sel, n)
	{
		const char *name = v->type == KQLITE_TYPE_DYNAMIC ? dyn_type_name(v, i)
		                   : v->type <= KQLITE_TYPE_DYNAMIC
		                       ? kqlite_type_name((kqlite_type)v->type)
		                       : "null";
		res.d.s[i] = (kstr){name, strlen(name)};
	}
	*out = res;
	return true;
}

const xfn_def xfn_conv_defs[] = {
    {"case", fn_case, NULL, XF_DETERMINISTIC},
    {"coalesce", fn_coalesce, NULL, XF_DETERMINISTIC},
    {"gettype", fn_gettype, NULL, XF_DETERMINISTIC},
    {"iff", fn_iff, NULL, XF_DETERMINISTIC},
    {"isempty", fn_isempty, NULL, XF_DETERMINISTIC},
    {"isnotempty", fn_isnotempty, NULL, XF_DETERMINISTIC},
    {"isnotnull", fn_isnotnull, NULL, XF_DETERMINISTIC},
    {"isnull", fn_isnull, NULL, XF_DETERMINISTIC},
    {"max_of", fn_max_of, NULL, XF_DETERMINISTIC},
    {"min_of", fn_min_of, NULL, XF_DETERMINISTIC},
    {"not", fn_not, NULL, XF_DETERMINISTIC},
    {"tobool", fn_convert, NULL, XF_DETERMINISTIC},
    {"todatetime", fn_convert, NULL, XF_DETERMINISTIC},
    {"todecimal", fn_convert, NULL, XF_DETERMINISTIC},
    {"toguid", fn_convert, NULL, XF_DETERMINISTIC},
    {"toint", fn_convert, NULL, XF_DETERMINISTIC},
    {"tolong", fn_convert, NULL, XF_DETERMINISTIC},
    {"toreal", fn_convert, NULL, XF_DETERMINISTIC},
    {"tostring", fn_convert, NULL, XF_DETERMINISTIC},
    {"totimespan", fn_convert, NULL, XF_DETERMINISTIC},
    {NULL, NULL, NULL, 0},
};
