/* fn_math.c -- numeric scalar functions: round, abs, ceiling, sign, the
 * logarithms and exponentials, pow, sqrt, the trigonometric functions,
 * degrees, radians, gamma, loggamma, isnan/isinf/isfinite, pi, rand,
 * tohex, the binary_* bit operations and bitset_count_ones.
 *
 * Nulls in, null out. Following the docs, log/log10/log2/sqrt of a
 * negative number are null (log(0) is -infinity), and so are acos/asin
 * outside [-1, 1]; other domain errors (pow(-8, 1.0/3)) give NaN, a
 * real value. Integer overflow never traps:
 * it wraps around in two's complement (abs(long_min) is long_min, a shift
 * left drops the bits shifted out). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dyn.h"
#include "exec.h"

/* ---- reading arguments and writing results ------------------------------------ */

static bool is_integral(uint8_t type)
{
	return type_phys(type) == PH_I64 || type == KQLITE_TYPE_BOOL;
}

/* true when row i of v holds an integer (an integral type, or a dynamic long). */
static bool row_integral(const vec *v, uint32_t i)
{
	if (is_integral(v->type))
		return true;
	if (v->type != KQLITE_TYPE_DYNAMIC)
		return false;
	kstr s = v_str(v, i);
	return s.n && (uint8_t)s.p[0] == DYN_LONG;
}

/* Allocates out. A dynamic result (a call whose argument type is known
 * only at run time) gets a 9-byte slot a row for a long or real value;
 * its rows start null. */
static bool out_alloc(xctx *cx, vec *out, uint32_t rows)
{
	if (!vec_alloc(cx, out, rows, true))
		return false;
	if (out->type == KQLITE_TYPE_DYNAMIC) {
		char *slots = arena_alloc(cx->tmp, 9 * (size_t)(rows ? rows : 1));
		if (!slots)
			return x_nomem(cx->q);
		for (uint32_t i = 0; i < rows; i++)
			out->d.s[i] = (kstr){slots + 9 * (size_t)i, 0};
	}
	return true;
}

/* A dynamic result row: a long or real in its slot (see out_alloc). */
static void put_dyn(vec *out, uint32_t i, bool ok, int tag, uint64_t bits)
{
	char *p = (char *)out->d.s[i].p;
	if (!ok || !p) {
		out->d.s[i].n = 0;
		return;
	}
	p[0] = (char)tag;
	for (int k = 0; k < 8; k++)
		p[1 + k] = (char)(bits >> (8 * k));
	out->d.s[i].n = 9;
}

/* Whether out may hold an integer (an integral type, or dynamic). */
static bool int_result(const vec *out)
{
	return type_phys(out->type) == PH_I64 || out->type == KQLITE_TYPE_DYNAMIC;
}

/* Row i of out; an int result wraps to 32 bits. */
static void put_i64(vec *out, uint32_t i, bool ok, int64_t v)
{
	if (out->type == KQLITE_TYPE_INT)
		v = (int32_t)(uint32_t)(uint64_t)v;
	switch (type_phys(out->type)) {
	case PH_I64:
		out->d.i[i] = ok ? v : 0;
		break;
	case PH_F64:
		out->d.f[i] = ok ? (double)v : 0;
		break;
	case PH_BOOL:
		out->d.b[i] = ok && v;
		break;
	default:
		if (out->type == KQLITE_TYPE_DYNAMIC)
			put_dyn(out, i, ok, DYN_LONG, (uint64_t)v);
		return;
	}
	if (out->nulls)
		out->nulls[i] = !ok;
}

/* A real into out; into an integer result it is truncated (null when it
 * does not fit). */
static void put_f64(vec *out, uint32_t i, bool ok, double v)
{
	if (type_phys(out->type) == PH_I64 || type_phys(out->type) == PH_BOOL) {
		int64_t l = 0;
		ok = ok && vec_f64_to_i64(v, &l);
		put_i64(out, i, ok, l);
		return;
	}
	if (out->type == KQLITE_TYPE_DYNAMIC) {
		uint64_t bits;
		memcpy(&bits, &v, 8);
		put_dyn(out, i, ok, DYN_REAL, bits);
		return;
	}
	if (type_phys(out->type) == PH_F64)
		out->d.f[i] = ok ? v : 0;
	else
		ok = false;
	if (out->nulls)
		out->nulls[i] = !ok;
}

/* ---- real -> real ------------------------------------------------------------- */

enum unop {
	U_LOG,
	U_LOG10,
	U_LOG2,
	U_EXP,
	U_EXP2,
	U_EXP10,
	U_SQRT,
	U_SIGN,
	U_ACOS,
	U_ASIN,
	U_ATAN,
	U_COS,
	U_SIN,
	U_TAN,
	U_COT,
	U_DEGREES,
	U_RADIANS,
	U_GAMMA,
	U_LOGGAMMA,
};

static bool unary(int op, double x, double *r)
{
	switch (op) {
	case U_LOG:
		*r = log(x);
		return !(x < 0);
	case U_LOG10:
		*r = log10(x);
		return !(x < 0);
	case U_LOG2:
		*r = log2(x);
		return !(x < 0);
	case U_EXP:
		*r = exp(x);
		return true;
	case U_EXP2:
		*r = exp2(x);
		return true;
	case U_EXP10:
		*r = pow(10.0, x);
		return true;
	case U_SQRT:
		*r = sqrt(x);
		return !(x < 0);
	case U_SIGN:
		*r = x > 0 ? 1.0 : x < 0 ? -1.0 : x; /* sign(0) is 0, sign(NaN) NaN */
		return true;
	case U_ACOS: /* outside [-1, 1]: null, as the docs say */
		*r = acos(x);
		return !(x < -1 || x > 1);
	case U_ASIN:
		*r = asin(x);
		return !(x < -1 || x > 1);
	case U_ATAN:
		*r = atan(x);
		return true;
	case U_COS:
		*r = cos(x);
		return true;
	case U_SIN:
		*r = sin(x);
		return true;
	case U_TAN:
		*r = tan(x);
		return true;
	case U_COT:
		*r = 1.0 / tan(x);
		return true;
	case U_DEGREES:
		*r = x * (180.0 / 3.14159265358979323846);
		return true;
	case U_RADIANS:
		*r = x * (3.14159265358979323846 / 180.0);
		return true;
	case U_GAMMA:
		*r = tgamma(x);
		return true;
	case U_LOGGAMMA:
		*r = lgamma(x);
		return true;
	default:
		return false;
	}
}

static bool unary_driver(xctx *cx, const vec *args, const uint32_t *sel, uint32_t n, uint32_t rows,
                         vec *out, int op)
{
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		double x, r = 0;
		bool ok = vec_get_f64(&args[0], i, &x) && unary(op, x, &r);
		put_f64(out, i, ok, r);
	}
	return true;
}

#define UN_FN(name, op)                                                                            \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		(void)nargs;                                                                       \
		return unary_driver(cx, args, sel, n, rows, out, op);                              \
	}
UN_FN(fn_log, U_LOG)
UN_FN(fn_log10, U_LOG10)
UN_FN(fn_log2, U_LOG2)
UN_FN(fn_exp, U_EXP)
UN_FN(fn_exp2, U_EXP2)
UN_FN(fn_exp10, U_EXP10)
UN_FN(fn_sqrt, U_SQRT)
UN_FN(fn_sign, U_SIGN)
UN_FN(fn_acos, U_ACOS)
UN_FN(fn_asin, U_ASIN)
UN_FN(fn_atan, U_ATAN)
UN_FN(fn_cos, U_COS)
UN_FN(fn_sin, U_SIN)
UN_FN(fn_tan, U_TAN)
UN_FN(fn_cot, U_COT)
UN_FN(fn_degrees, U_DEGREES)
UN_FN(fn_radians, U_RADIANS)
UN_FN(fn_gamma, U_GAMMA)
UN_FN(fn_loggamma, U_LOGGAMMA)

static bool fn_atan2(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		double y, x;
		bool ok = vec_get_f64(&args[0], i, &y) && vec_get_f64(&args[1], i, &x);
		put_f64(out, i, ok, ok ? atan2(y, x) : 0);
	}
	return true;
}

static bool fn_pow(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		double x, y;
		bool ok = vec_get_f64(&args[0], i, &x) && vec_get_f64(&args[1], i, &y);
		put_f64(out, i, ok, ok ? pow(x, y) : 0);
	}
	return true;
}

static bool fn_pi(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                  uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)args;
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n)
	put_f64(out, i, true, 3.14159265358979323846);
	return true;
}

/* ---- abs, ceiling, round --------------------------------------------------------- */

/* |v|, wrapping: abs(long_min) is long_min. */
static int64_t iabs(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

static bool fn_abs(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		if (int_result(out) && row_integral(&args[0], i)) {
			int64_t v = 0;
			bool ok = vec_get_i64(&args[0], i, &v);
			put_i64(out, i, ok, iabs(v));
		} else {
			double x = 0;
			bool ok = vec_get_f64(&args[0], i, &x);
			put_f64(out, i, ok, fabs(x));
		}
	}
	return true;
}

static bool fn_ceiling(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		if (row_integral(&args[0], i)) {
			int64_t v = 0;
			bool ok = vec_get_i64(&args[0], i, &v);
			put_i64(out, i, ok, v);
		} else {
			double x = 0;
			bool ok = vec_get_f64(&args[0], i, &x);
			put_f64(out, i, ok, ceil(x));
		}
	}
	return true;
}

/* x rounded to `digits` decimal digits (negative: to tens, hundreds...),
 * halves away from zero. Digits past what a double holds leave x as is. */
static double round_real(double x, int64_t digits)
{
	if (!isfinite(x))
		return x;
	if (digits >= 0) {
		if (digits > 330)
			return x;
		double scale = pow(10.0, (double)digits), y = x * scale;
		if (!isfinite(y) || fabs(y) >= 4503599627370496.0) /* 2^52: no fraction left */
			return x;
		return round(y) / scale;
	}
	if (digits < -330)
		return copysign(0.0, x);
	double scale = pow(10.0, (double)-digits);
	return round(x / scale) * scale;
}

/* v rounded to a multiple of 10^-digits (digits < 0), halves away from
 * zero; wraps on overflow; digits <= -19 give 0. */
static int64_t round_long(int64_t v, int64_t digits)
{
	if (digits >= 0)
		return v;
	if (digits <= -19)
		return 0;
	int64_t p = 1;
	for (int64_t k = 0; k < -digits; k++)
		p *= 10;
	int64_t q = v / p, rem = v % p;
	if (rem * 2 >= p)
		q++;
	else if (rem * 2 <= -p)
		q--;
	return (int64_t)((uint64_t)q * (uint64_t)p);
}

static bool fn_round(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t digits = 0;
		bool ok = nargs < 2 || vec_get_i64(&args[1], i, &digits);
		if (int_result(out) && row_integral(&args[0], i)) {
			int64_t v = 0;
			ok = ok && vec_get_i64(&args[0], i, &v);
			put_i64(out, i, ok, ok ? round_long(v, digits) : 0);
		} else {
			double x = 0;
			ok = ok && vec_get_f64(&args[0], i, &x);
			put_f64(out, i, ok, ok ? round_real(x, digits) : 0);
		}
	}
	return true;
}

/* ---- isnan, isinf, isfinite --------------------------------------------------- */

enum { C_NAN, C_INF, C_FINITE };

static bool class_driver(xctx *cx, const vec *args, const uint32_t *sel, uint32_t n, uint32_t rows,
                         vec *out, int c)
{
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		double x = 0;
		bool ok = vec_get_f64(&args[0], i, &x);
		bool r = c == C_NAN ? isnan(x) : c == C_INF ? isinf(x) : isfinite(x);
		put_i64(out, i, ok, r);
	}
	return true;
}

#define CLASS_FN(name, c)                                                                          \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		(void)nargs;                                                                       \
		return class_driver(cx, args, sel, n, rows, out, c);                               \
	}
CLASS_FN(fn_isnan, C_NAN)
CLASS_FN(fn_isinf, C_INF)
CLASS_FN(fn_isfinite, C_FINITE)

/* ---- rand ------------------------------------------------------------------------- */

/* The generator's state: per call site (from prepare), seeded from the
 * clock; no global state. */
typedef struct rand_state {
	uint64_t s;
} rand_state;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint64_t clock_seed(const void *salt)
{
	struct timespec ts;
	timespec_get(&ts, TIME_UTC);
	uint64_t s = (uint64_t)ts.tv_sec * UINT64_C(1000000007) ^ (uint64_t)ts.tv_nsec ^
	             (uint64_t)(uintptr_t)salt;
	return splitmix(&s);
}

static bool prep_rand(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                      uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)types;
	(void)consts;
	(void)nargs;
	(void)off;
	(void)len;
	rand_state *st = arena_alloc(q->qa, sizeof(*st));
	if (!st) {
		diag_set_nospan(d, KQLITE_NOMEM, "out of memory");
		return false;
	}
	st->s = clock_seed(st);
	call->state = st;
	return true;
}

/* rand(): a real in [0, 1); rand(N): an integer in [0, N-1] (null for N < 1). */
static bool fn_rand(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                    const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	if (!out_alloc(cx, out, rows))
		return false;
	rand_state local = {clock_seed(out)};
	rand_state *st = call && call->state ? call->state : &local;
	FOR_SEL(i, sel, n) {
		uint64_t u = splitmix(&st->s);
		if (nargs < 1) {
			put_f64(out, i, true, (double)(u >> 11) * (1.0 / 9007199254740992.0));
			continue;
		}
		int64_t lim = 0;
		bool ok = vec_get_i64(&args[0], i, &lim) && lim >= 1;
		put_f64(out, i, ok, ok ? (double)(u % (uint64_t)lim) : 0);
	}
	return true;
}

/* ---- tohex, binary_* ---------------------------------------------------------------- */

/* tohex(v [, minLength]): lower-case hex of v's two's complement: 32 bits
 * for a negative int, 64 for a negative long; zero-padded to minLength
 * (at most 16). Null (the empty string) for a null. */
static bool fn_tohex(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t v, minlen = 0;
		if (!vec_get_i64(&args[0], i, &v) || (nargs > 1 && !vec_get_i64(&args[1], i, &minlen)))
			continue;
		if (minlen > 16)
			minlen = 16;
		if (minlen < 0)
			minlen = 0;
		char buf[24];
		int len;
		if (args[0].type == KQLITE_TYPE_INT)
			len =
			    snprintf(buf, sizeof(buf), "%0*x", (int)minlen, (unsigned)(uint32_t)v);
		else
			len = snprintf(buf, sizeof(buf), "%0*llx", (int)minlen,
			               (unsigned long long)(uint64_t)v);
		if (!vec_set_str(cx, out, i, buf, (size_t)len))
			return false;
	}
	return true;
}

enum { B_AND, B_OR, B_XOR, B_NOT, B_SHL, B_SHR, B_COUNT };

/* Shifts take the count modulo 64 (a negative count gives null); a right
 * shift keeps the sign (arithmetic). */
static bool bitop(int op, int64_t a, int64_t b, int64_t *r)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	switch (op) {
	case B_AND:
		*r = (int64_t)(ua & ub);
		return true;
	case B_OR:
		*r = (int64_t)(ua | ub);
		return true;
	case B_XOR:
		*r = (int64_t)(ua ^ ub);
		return true;
	case B_NOT:
		*r = (int64_t)~ua;
		return true;
	case B_COUNT:
		*r = __builtin_popcountll(ua);
		return true;
	case B_SHL:
		if (b < 0)
			return false;
		*r = (int64_t)(ua << (b % 64));
		return true;
	case B_SHR:
		if (b < 0)
			return false;
		*r = a < 0 ? (int64_t) ~(~ua >> (b % 64)) : (int64_t)(ua >> (b % 64));
		return true;
	default:
		return false;
	}
}

static bool bit_driver(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                       uint32_t rows, vec *out, int op)
{
	if (!out_alloc(cx, out, rows))
		return false;
	FOR_SEL(i, sel, n) {
		int64_t a, b = 0, r = 0;
		bool ok = vec_get_i64(&args[0], i, &a) && (nargs < 2 || vec_get_i64(&args[1], i, &b)) &&
		          bitop(op, a, b, &r);
		put_i64(out, i, ok, r);
	}
	return true;
}

#define BIT_FN(name, op)                                                                           \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		return bit_driver(cx, args, nargs, sel, n, rows, out, op);                         \
	}
BIT_FN(fn_binary_and, B_AND)
BIT_FN(fn_binary_or, B_OR)
BIT_FN(fn_binary_xor, B_XOR)
BIT_FN(fn_binary_not, B_NOT)
BIT_FN(fn_binary_shift_left, B_SHL)
BIT_FN(fn_binary_shift_right, B_SHR)
BIT_FN(fn_bitset_count_ones, B_COUNT)

/* ---- the table ------------------------------------------------------------------------ */

#define D XF_DETERMINISTIC
const xfn_def xfn_math_defs[] = {
    {"round", fn_round, NULL, D},
    {"abs", fn_abs, NULL, D},
    {"ceiling", fn_ceiling, NULL, D},
    {"sign", fn_sign, NULL, D},
    {"log", fn_log, NULL, D},
    {"log10", fn_log10, NULL, D},
    {"log2", fn_log2, NULL, D},
    {"exp", fn_exp, NULL, D},
    {"exp2", fn_exp2, NULL, D},
    {"exp10", fn_exp10, NULL, D},
    {"pow", fn_pow, NULL, D},
    {"sqrt", fn_sqrt, NULL, D},
    {"isnan", fn_isnan, NULL, D},
    {"isinf", fn_isinf, NULL, D},
    {"isfinite", fn_isfinite, NULL, D},
    {"pi", fn_pi, NULL, D},
    {"acos", fn_acos, NULL, D},
    {"asin", fn_asin, NULL, D},
    {"atan", fn_atan, NULL, D},
    {"atan2", fn_atan2, NULL, D},
    {"cos", fn_cos, NULL, D},
    {"sin", fn_sin, NULL, D},
    {"tan", fn_tan, NULL, D},
    {"cot", fn_cot, NULL, D},
    {"degrees", fn_degrees, NULL, D},
    {"radians", fn_radians, NULL, D},
    {"gamma", fn_gamma, NULL, D},
    {"loggamma", fn_loggamma, NULL, D},
    {"bitset_count_ones", fn_bitset_count_ones, NULL, D},
    {"rand", fn_rand, prep_rand, 0},
    {"tohex", fn_tohex, NULL, D},
    {"binary_and", fn_binary_and, NULL, D},
    {"binary_or", fn_binary_or, NULL, D},
    {"binary_xor", fn_binary_xor, NULL, D},
    {"binary_not", fn_binary_not, NULL, D},
    {"binary_shift_left", fn_binary_shift_left, NULL, D},
    {"binary_shift_right", fn_binary_shift_right, NULL, D},
    {NULL, NULL, NULL, 0},
};
