/* vec.c -- value vectors: allocation in a batch's scratch arena, reading
 * numbers, appending a vector's row to a column, run-time errors. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dyn.h"
#include "exec.h"

int type_phys(uint8_t type)
{
	switch (type) {
	case KQLITE_TYPE_BOOL:
		return PH_BOOL;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		return PH_I64;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return PH_F64;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC:
		return PH_STR;
	case KQLITE_TYPE_GUID:
		return PH_GUID;
	default:
		return PH_NONE;
	}
}

static size_t phys_size(int ph)
{
	switch (ph) {
	case PH_BOOL:
		return 1;
	case PH_I64:
	case PH_F64:
		return 8;
	case PH_STR:
		return sizeof(kstr);
	case PH_GUID:
		return 16;
	default:
		return 1;
	}
}

double v_num(const vec *v, uint32_t i)
{
	switch (type_phys(v->type)) {
	case PH_BOOL:
		return v_bool(v, i);
	case PH_I64:
		return (double)v_i64(v, i);
	case PH_F64:
		return v_f64(v, i);
	default:
		return 0;
	}
}

bool vec_f64_to_i64(double f, int64_t *out)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return false;
	*out = (int64_t)f;
	return true;
}

bool vec_get_i64(const vec *v, uint32_t i, int64_t *out)
{
	if (v_null(v, i))
		return false;
	switch (type_phys(v->type)) {
	case PH_I64:
		*out = v_i64(v, i);
		return true;
	case PH_BOOL:
		*out = v_bool(v, i);
		return true;
	case PH_F64:
		return vec_f64_to_i64(v_f64(v, i), out);
	case PH_STR: {
		if (v->type != KQLITE_TYPE_DYNAMIC)
			return false;
		kstr s = v_str(v, i);
		double f;
		if (dyn_get_long((const uint8_t *)s.p, s.n, out))
			return true;
		return dyn_get_real((const uint8_t *)s.p, s.n, &f) && vec_f64_to_i64(f, out);
	}
	default:
		return false;
	}
}

bool vec_get_f64(const vec *v, uint32_t i, double *out)
{
	if (v_null(v, i))
		return false;
	switch (type_phys(v->type)) {
	case PH_F64:
		*out = v_f64(v, i);
		return true;
	case PH_I64:
		*out = (double)v_i64(v, i);
		return true;
	case PH_BOOL:
		*out = v_bool(v, i);
		return true;
	case PH_STR: {
		if (v->type != KQLITE_TYPE_DYNAMIC)
			return false;
		kstr s = v_str(v, i);
		int64_t l;
		if (dyn_get_long((const uint8_t *)s.p, s.n, &l)) {
			*out = (double)l;
			return true;
		}
		return dyn_get_real((const uint8_t *)s.p, s.n, out);
	}
	default:
		return false;
	}
}

bool x_error(xquery *q, const char *fmt, ...)
{
	if (q->d->code)
		return false;
	va_list ap;
	va_start(ap, fmt);
	char msg[DIAG_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_set_nospan(q->d, KQLITE_ERROR, "%s", msg);
	return false;
}

bool x_nomem(xquery *q)
{
	if (!q->d->code)
		diag_set_nospan(q->d, KQLITE_NOMEM, "out of memory");
	return false;
}

bool vec_alloc(xctx *cx, vec *out, uint32_t rows, bool with_nulls)
{
	size_t sz = phys_size(type_phys(out->type));
	out->is_const = false;
	out->nulls = NULL;
	out->d.any = arena_alloc(cx->tmp, sz * (rows ? rows : 1));
	if (!out->d.any)
		return x_nomem(cx->q);
	if (type_phys(out->type) == PH_STR)
		memset(out->d.any, 0, sz * (rows ? rows : 1)); /* "" / dynamic null */
	if (with_nulls && type_phys(out->type) != PH_STR)
		return vec_nulls(cx, out, rows);
	return true;
}

bool vec_nulls(xctx *cx, vec *out, uint32_t rows)
{
	if (out->nulls)
		return true;
	out->nulls = arena_zalloc(cx->tmp, rows ? rows : 1);
	return out->nulls ? true : x_nomem(cx->q);
}

char *vec_strdup(xctx *cx, const char *s, size_t len)
{
	char *p = arena_alloc(cx->tmp, len + 1);
	if (!p) {
		x_nomem(cx->q);
		return NULL;
	}
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

bool vec_set_str(xctx *cx, vec *out, uint32_t i, const char *s, size_t len)
{
	char *p = vec_strdup(cx, s, len);
	if (!p)
		return false;
	out->d.s[i] = (kstr){p, len};
	return true;
}

bool vec_const_str(arena *a, vec *out, const char *s, size_t len)
{
	kstr *k = arena_alloc(a, sizeof(kstr));
	char *copy = arena_alloc(a, len + 1);
	if (!k || !copy)
		return false;
	memcpy(copy, s, len);
	copy[len] = '\0';
	*k = (kstr){copy, len};
	*out = (vec){.type = KQLITE_TYPE_STRING, .is_const = true, .d.s = k};
	return true;
}

vec vec_const_null(uint8_t type)
{
	static uint8_t one = 1;
	static int64_t zero64;
	static kstr empty = {"", 0};
	vec v = {.type = type, .is_const = true, .nulls = &one};
	switch (type_phys(type)) {
	case PH_STR:
		v.nulls = NULL;
		v.d.s = &empty;
		break;
	default:
		v.d.i = &zero64; /* 8 zero bytes serve bool, long, real */
		break;
	}
	if (type == KQLITE_TYPE_GUID) {
		static uint8_t zg[1][16];
		v.d.g = zg;
	}
	return v;
}

int vec_push(column *c, const vec *v, uint32_t i)
{
	if (v_null(v, i) && type_phys(v->type) != PH_STR)
		return col_push_null(c);
	if (v->type == KQLITE_TYPE_DYNAMIC && v_null(v, i))
		return col_push_null(c);
	switch (c->type) {
	case KQLITE_TYPE_BOOL:
		return col_push_bool(c, v_bool(v, i));
	case KQLITE_TYPE_INT:
		return col_push_int(c, (int32_t)v_i64(v, i));
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		return col_push_long(c, v_i64(v, i));
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return col_push_real(c, v_num(v, i));
	case KQLITE_TYPE_GUID:
		return col_push_guid(c, v_guid(v, i));
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: {
		kstr s = v_str(v, i);
		return col_push_bytes(c, s.p, s.n);
	}
	default:
		return col_push_null(c);
	}
}
