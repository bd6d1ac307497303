/* fn_window.c -- window functions: row_number(), prev(), next(),
 * row_cumsum(). They read neighbouring rows, so the planner runs the
 * operator that calls them over its whole (serialized) input as one batch
 * (plan.c window_op): "the previous row" is the previous active row of the
 * batch. */
#include <string.h>

#include "exec.h"

/* out[i] = src row j (same physical type); out has a null array if it can
 * hold nulls. */
static void copy_cell(vec *out, uint32_t i, const vec *src, uint32_t j)
{
	bool null = v_null(src, j);
	if (out->nulls)
		out->nulls[i] = null;
	switch (type_phys(out->type)) {
	case PH_BOOL: out->d.b[i] = null ? 0 : v_bool(src, j); break;
	case PH_I64: out->d.i[i] = null ? 0 : v_i64(src, j); break;
	case PH_F64: out->d.f[i] = null ? 0 : v_f64(src, j); break;
	case PH_GUID:
		if (null)
			memset(out->d.g[i], 0, 16);
		else
			memcpy(out->d.g[i], v_guid(src, j), 16);
		break;
	case PH_STR: out->d.s[i] = null ? (kstr){"", 0} : v_str(src, j); break;
	default: break;
	}
	if (out->type == KQLITE_TYPE_DYNAMIC && null)
		out->d.s[i] = (kstr){NULL, 0};
}

/* prev(x [, offset [, default]]) and next(...): x of the row offset rows
 * before (after) this one, or default (null) past the edge. */
static bool shifted(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                    vec *out, int dir)
{
	vec def = vec_const_null(out->type);
	if (nargs > 2 && args[2].type != out->type) {
		if (!vec_cast(cx, &args[2], out->type, sel, n, rows, &def))
			return false;
	} else if (nargs > 2) {
		def = args[2];
	}
	if (args[0].type != out->type)
		return x_error(cx->q, "prev()/next(): the value is %s but the result is %s",
		               kqlite_type_name((kqlite_type)args[0].type), kqlite_type_name((kqlite_type)out->type));
	bool nullable = type_phys(out->type) != PH_STR;
	if (!vec_alloc(cx, out, rows, nullable))
		return false;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = sel ? sel[k] : k;
		int64_t off = 1;
		if (nargs > 1 && !vec_get_i64(&args[1], i, &off))
			off = -1;
		if (off < 0)
			return x_error(cx->q, "prev()/next(): the offset must be a positive number");
		/* an offset past the batch is out of range (k + off could overflow) */
		int64_t at = off > (int64_t)n ? -1 : (int64_t)k + dir * off;
		if (at >= 0 && at < (int64_t)n)
			copy_cell(out, i, &args[0], sel ? sel[at] : (uint32_t)at);
		else
			copy_cell(out, i, &def, i);
	}
	return true;
}

static bool fn_prev(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                    uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return shifted(cx, args, nargs, sel, n, rows, out, -1);
}

static bool fn_next(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                    uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return shifted(cx, args, nargs, sel, n, rows, out, 1);
}

/* row_number([start [, restart]]): start, start+1, ... back to start
 * where restart is true. */
static bool fn_row_number(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                          uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	int64_t next = 1;
	FOR_SEL(i, sel, n)
	{
		int64_t start = 1;
		if (nargs > 0 && !vec_get_i64(&args[0], i, &start))
			start = 1;
		if (i_k == 0 || (nargs > 1 && !v_null(&args[1], i) && v_bool(&args[1], i)))
			next = start;
		out->d.i[i] = next;
		next = (int64_t)((uint64_t)next + 1); /* row_number(9223372036854775807) wraps, no UB */
	}
	return true;
}

/* row_cumsum(x [, restart]): the running sum of x (nulls add nothing). */
static bool fn_row_cumsum(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                          uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	bool real = type_phys(out->type) == PH_F64;
	int64_t si = 0;
	double sf = 0;
	FOR_SEL(i, sel, n)
	{
		if (nargs > 1 && !v_null(&args[1], i) && v_bool(&args[1], i))
			si = 0, sf = 0;
		if (!v_null(&args[0], i)) {
			if (real)
				sf += v_num(&args[0], i);
			else
				si = (int64_t)((uint64_t)si + (uint64_t)v_i64(&args[0], i)); /* wraps like Kusto's long */
		}
		if (real)
			out->d.f[i] = sf;
		else
			out->d.i[i] = si;
	}
	return true;
}

const xfn_def xfn_window_defs[] = {
    {"prev", fn_prev, NULL, 0},
    {"next", fn_next, NULL, 0},
    {"row_number", fn_row_number, NULL, 0},
    {"row_cumsum", fn_row_cumsum, NULL, 0},
    {NULL, NULL, NULL, 0},
};
