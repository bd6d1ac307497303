/* strops.c -- KQL's string operators over batches: has (whole terms),
 * hasprefix, hassuffix, contains, startswith, endswith, =~ and !~, each
 * case-insensitive by default (ASCII letters fold; other letters compare
 * as they are) with a _cs form and a negated form; matches regex; and the
 * list operators in, !in, in~, !in~, has_any, has_all.
 *
 * A term is a maximal run of ASCII letters and digits: `x has t` holds
 * when t occurs in x with each end of t that is alphanumeric falling on a
 * term boundary. The needle scan looks for the needle's first two bytes
 * sixteen at a time (SSE2) and verifies each candidate. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "engine.h"
#include "lex.h"
#include "dyn.h"
#include "regex.h"

static inline uint8_t fold(uint8_t c)
{
	return (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static inline bool alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

static bool eq_fold(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fold(a[i]) != b[i])
			return false;
	return true;
}

/* A needle prepared once: folded (unless case-sensitive). */
typedef struct needle {
	uint8_t *s;
	size_t n;
	bool cs;
	bool first_alnum, last_alnum;
} needle;

static bool needle_at(const needle *nd, const uint8_t *p)
{
	return nd->cs ? !memcmp(p, nd->s, nd->n) : eq_fold(p, nd->s, nd->n);
}

/* Candidate starts: where the needle's first and last bytes both match
 * (each folded when it is a letter and the needle is case-insensitive),
 * sixteen or thirty-two positions at a time; each candidate is verified.
 * The last byte filters far better than the second (W. Mula's method). */
#define FIND_BODY(VEC, LOAD, SET1, OR, CMPEQ, AND, MOVEMASK, WIDTH)                                 \
	{                                                                                             \
		uint8_t c0 = nd->s[0], c1 = nd->s[m - 1];                                             \
		bool f0 = !nd->cs && ((c0 | 32) >= 'a' && (c0 | 32) <= 'z');                          \
		bool f1 = !nd->cs && ((c1 | 32) >= 'a' && (c1 | 32) <= 'z');                          \
		VEC m0 = SET1((char)(f0 ? 0x20 : 0)), m1 = SET1((char)(f1 ? 0x20 : 0));               \
		VEC k0 = SET1((char)c0), k1 = SET1((char)c1);                                         \
		while (i + WIDTH <= last + 1) {                                                       \
			VEC a = LOAD((const VEC *)(h + i));                                           \
			VEC b = LOAD((const VEC *)(h + i + m - 1));                                   \
			VEC e = AND(CMPEQ(OR(a, m0), k0), CMPEQ(OR(b, m1), k1));                      \
			unsigned mask = (unsigned)MOVEMASK(e);                                        \
			while (mask) {                                                                \
				unsigned bit = (unsigned)__builtin_ctz(mask);                         \
				if (needle_at(nd, h + i + bit))                                       \
					return (long)(i + bit);                                       \
				mask &= mask - 1;                                                     \
			}                                                                             \
			i += WIDTH;                                                                   \
		}                                                                                     \
		if (i <= last && last + 1 >= WIDTH) { /* the tail: one overlapping chunk */       \
			size_t j = last + 1 - WIDTH;                                                  \
			VEC a = LOAD((const VEC *)(h + j));                                           \
			VEC b = LOAD((const VEC *)(h + j + m - 1));                                   \
			VEC e = AND(CMPEQ(OR(a, m0), k0), CMPEQ(OR(b, m1), k1));                      \
			unsigned mask = (unsigned)MOVEMASK(e);                                        \
			mask &= ~0u << (i - j); /* positions before i were seen */                    \
			while (mask) {                                                                \
				unsigned bit = (unsigned)__builtin_ctz(mask);                         \
				if (needle_at(nd, h + j + bit))                                       \
					return (long)(j + bit);                                       \
				mask &= mask - 1;                                                     \
			}                                                                             \
			return -1;                                                                    \
		}                                                                                     \
	}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
__attribute__((target("avx2"))) static long find_avx2(const needle *nd, const uint8_t *h, size_t m, size_t last,
                                                     size_t i)
{
	FIND_BODY(__m256i, _mm256_loadu_si256, _mm256_set1_epi8, _mm256_or_si256, _mm256_cmpeq_epi8,
	          _mm256_and_si256, _mm256_movemask_epi8, 32)
	for (; i <= last; i++)
		if (needle_at(nd, h + i))
			return (long)i;
	return -1;
}

static bool have_avx2(void)
{
	static int known; /* 0 unknown, 1 no, 2 yes: a benign race, same answer */
	if (!known)
		known = __builtin_cpu_supports("avx2") ? 2 : 1;
	return known == 2;
}
#endif

/* Next position >= from where the needle occurs in h, or -1. */
static long find(const needle *nd, const uint8_t *h, size_t hn, size_t from)
{
	size_t m = nd->n;
	if (m == 0)
		return from <= hn ? (long)from : -1;
	if (hn < m || from > hn - m)
		return -1;
	size_t last = hn - m; /* last start position */
	size_t i = from;
#if defined(__x86_64__) && defined(__GNUC__)
	if (m >= 2 && last + 1 - i >= 32 && have_avx2())
		return find_avx2(nd, h, m, last, i);
#endif
#ifdef __SSE2__
	if (m >= 2)
		FIND_BODY(__m128i, _mm_loadu_si128, _mm_set1_epi8, _mm_or_si128, _mm_cmpeq_epi8, _mm_and_si128,
		          _mm_movemask_epi8, 16)
#endif
	for (; i <= last; i++)
		if (needle_at(nd, h + i))
			return (long)i;
	return -1;
}

static bool has_term(const needle *nd, const uint8_t *h, size_t hn, bool prefix_only, bool suffix_only)
{
	if (nd->n == 0)
		return true;
	for (long at = find(nd, h, hn, 0); at >= 0; at = find(nd, h, hn, (size_t)at + 1)) {
		size_t s = (size_t)at, e = s + nd->n;
		bool start_ok = !nd->first_alnum || s == 0 || !alnum(h[s - 1]);
		bool end_ok = !nd->last_alnum || e == hn || !alnum(h[e]);
		if (prefix_only ? start_ok : suffix_only ? end_ok : (start_ok && end_ok))
			return true;
	}
	return false;
}

enum sop { S_HAS, S_HASPREFIX, S_HASSUFFIX, S_CONTAINS, S_STARTS, S_ENDS, S_EQ };

static bool str_match(int kind, const needle *nd, kstr s)
{
	const uint8_t *h = (const uint8_t *)s.p;
	switch (kind) {
	case S_HAS:
		return has_term(nd, h, s.n, false, false);
	case S_HASPREFIX:
		return has_term(nd, h, s.n, true, false);
	case S_HASSUFFIX:
		return has_term(nd, h, s.n, false, true);
	case S_CONTAINS:
		return find(nd, h, s.n, 0) >= 0;
	case S_STARTS:
		return s.n >= nd->n && needle_at(nd, h);
	case S_ENDS:
		return s.n >= nd->n && needle_at(nd, h + s.n - nd->n);
	default:
		return s.n == nd->n && needle_at(nd, h);
	}
}

static void decode_op(int op, int *kind, bool *cs, bool *neg)
{
	*cs = false;
	*neg = false;
	if (op == OP_EQ_CI || op == OP_NE_CI) {
		*kind = S_EQ;
		*neg = op == OP_NE_CI;
		return;
	}
	/* TK_STROP sub-codes come in groups of four: op, !op, op_cs, !op_cs */
	int rel = op - OP_HAS;
	static const int kinds[] = {S_HAS, S_HASPREFIX, S_HASSUFFIX, S_CONTAINS, S_STARTS, S_ENDS};
	*kind = kinds[rel / 4];
	*neg = rel % 2 == 1;
	*cs = rel % 4 >= 2;
}

static bool make_needle(arena *a, kstr k, bool cs, needle *nd)
{
	nd->s = arena_alloc(a, k.n + 1);
	if (!nd->s)
		return false;
	for (size_t i = 0; i < k.n; i++)
		nd->s[i] = cs ? (uint8_t)k.p[i] : fold((uint8_t)k.p[i]);
	nd->n = k.n;
	nd->cs = cs;
	nd->first_alnum = k.n && alnum((uint8_t)k.p[0]);
	nd->last_alnum = k.n && alnum((uint8_t)k.p[k.n - 1]);
	return true;
}

static bool strop_entry(const xnode *x, kstr value)
{
	int kind;
	bool cs, neg;
	decode_op(x->op, &kind, &cs, &neg);
	return str_match(kind, x->aux, value);
}

static bool k_strop(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	int kind;
	bool cs, neg;
	decode_op(x->op, &kind, &cs, &neg);
	size_t start = 0;
	const column *dc = x->aux && xnode_is_col(x->kids[0]) ? batch_dict(b, x->kids[0]->col, &start) : NULL;
	vec l = {0}, r = {0};
	if (!dc && (!x->kids[0]->eval(cx, x->kids[0], b, sel, n, &l) || !x->kids[1]->eval(cx, x->kids[1], b, sel, n, &r)))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	const needle *fixed = x->aux;
	if (fixed && dc) {
		out->type = KQLITE_TYPE_BOOL;
		return vec_alloc(cx, out, b->rows, false) && dict_eval(cx, x, dc, start, strop_entry, neg, sel, n, out->d.b);
	}
	if (fixed && !l.is_const) {
		FOR_SEL(i, sel, n) out->d.b[i] = str_match(kind, fixed, l.d.s[i]) != neg;
		return true;
	}
	FOR_SEL(i, sel, n)
	{
		needle nd;
		if (!make_needle(cx->tmp, v_str(&r, i), cs, &nd))
			return x_nomem(cx->q);
		out->d.b[i] = str_match(kind, &nd, v_str(&l, i)) != neg;
	}
	return true;
}

/* Prepares the kernel of a string operator; the right side, when it is a
 * constant, becomes a needle once. Both sides are strings by now. */
bool compile_strop(planner *p, xnode *x)
{
	x->eval = k_strop;
	xnode *r = x->kids[1];
	if (xnode_is_const(r)) {
		int kind;
		bool cs, neg;
		decode_op(x->op, &kind, &cs, &neg);
		needle *nd = arena_alloc(p->q->qa, sizeof(*nd));
		if (!nd || !make_needle(p->q->qa, r->cval.d.s[0], cs, nd))
			return x_nomem(p->q);
		x->aux = nd;
	}
	return true;
}

/* ---- matches regex -------------------------------------------------------- */

static bool k_regex(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec l, r;
	if (!x->kids[0]->eval(cx, x->kids[0], b, sel, n, &l) || !x->kids[1]->eval(cx, x->kids[1], b, sel, n, &r))
		return false;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		xregex *re = x->aux;
		bool own = false;
		if (!re) {
			kstr pat = v_str(&r, i);
			re = xregex_compile(cx->q, pat.p, pat.n, false, NULL, 0, 0);
			if (!re)
				return false;
			own = true;
		}
		kstr s = v_str(&l, i);
		int m = xregex_match(re, s.p, s.n);
		if (own)
			xregex_free(re);
		if (m < 0)
			return false;
		out->d.b[i] = m == 1;
	}
	return true;
}

static void regex_cleanup(void *state)
{
	xregex_free(state);
}

bool compile_regex(planner *p, xnode *x)
{
	x->eval = k_regex;
	xnode *r = x->kids[1];
	if (!xnode_is_const(r))
		return true;
	kstr pat = r->cval.d.s[0];
	const ast *at = x->src && x->src->nkids > 1 ? x->src->kids[1] : x->src;
	x->aux = xregex_compile(p->q, pat.p, pat.n, false, p->b.d, at ? at->off : 0, at ? at->len : 0);
	if (!x->aux)
		return false;
	x->call.state = x->aux;
	x->call.cleanup = regex_cleanup;
	return plan_register_call(p, &x->call);
}

/* ---- in, !in, in~, !in~, has_any, has_all ------------------------------------ */

/* The list, evaluated once: strings (folded for in~), or numbers. */
typedef struct inset {
	uint32_t n;
	bool strings, ci;
	kstr *s;
	needle *terms;   /* has_any / has_all */
	double *f;
	int64_t *i;
	bool ints;
	bool has_null;
} inset;

static bool in_strings(const inset *set, kstr v)
{
	for (uint32_t k = 0; k < set->n; k++) {
		kstr e = set->s[k];
		if (e.n != v.n)
			continue;
		if (set->ci ? eq_fold((const uint8_t *)v.p, (const uint8_t *)e.p, e.n) : !memcmp(v.p, e.p, e.n))
			return true;
	}
	return false;
}

static bool k_in(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec v;
	if (!x->kids[0]->eval(cx, x->kids[0], b, sel, n, &v))
		return false;
	const inset *set = x->aux;
	out->type = KQLITE_TYPE_BOOL;
	if (!vec_alloc(cx, out, b->rows, false))
		return false;
	bool neg = x->op == OP_NIN || x->op == OP_NIN_CI;
	FOR_SEL(i, sel, n)
	{
		bool hit;
		if (x->op == OP_HAS_ANY || x->op == OP_HAS_ALL) {
			kstr s = v_str(&v, i);
			bool all = true, any = false;
			for (uint32_t k = 0; k < set->n; k++) {
				bool h = has_term(&set->terms[k], (const uint8_t *)s.p, s.n, false, false);
				any |= h;
				all &= h;
			}
			hit = x->op == OP_HAS_ANY ? any : (all && set->n > 0);
			out->d.b[i] = hit;
			continue;
		}
		if (set->strings) {
			hit = in_strings(set, v_str(&v, i));
		} else if (v_null(&v, i)) {
			hit = false; /* null is in no list: `in` false, `!in` true */
		} else if (set->ints && type_phys(v.type) == PH_I64) {
			int64_t a = v_i64(&v, i);
			hit = false;
			for (uint32_t k = 0; k < set->n && !hit; k++)
				hit = set->i[k] == a;
		} else {
			double a = v_num(&v, i);
			hit = false;
			for (uint32_t k = 0; k < set->n && !hit; k++)
				hit = set->f[k] == a;
		}
		out->d.b[i] = hit != neg;
	}
	return true;
}

/* Adds one value (a constant vector's value, or a dynamic array's
 * elements) to the set under construction. */
static bool set_add(planner *p, inset *set, uint32_t *cap, const vec *v, uint32_t row)
{
	if (set->n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 8;
		kstr *s = arena_alloc(p->q->qa, nc * sizeof(kstr));
		double *f = arena_alloc(p->q->qa, nc * sizeof(double));
		int64_t *i = arena_alloc(p->q->qa, nc * sizeof(int64_t));
		if (!s || !f || !i)
			return x_nomem(p->q);
		if (set->n) {
			memcpy(s, set->s, set->n * sizeof(kstr));
			memcpy(f, set->f, set->n * sizeof(double));
			memcpy(i, set->i, set->n * sizeof(int64_t));
		}
		set->s = s, set->f = f, set->i = i;
		*cap = nc;
	}
	uint32_t k = set->n;
	if (v_null(v, row) && !set->strings) {
		set->has_null = true;
		return true;
	}
	if (set->strings) {
		if (type_phys(v->type) != PH_STR)
			return true;
		kstr s = v_str(v, row);
		char *c = arena_strndup(p->q->qa, s.p, s.n);
		if (!c)
			return x_nomem(p->q);
		set->s[k] = (kstr){c, s.n};
	} else {
		set->f[k] = v_num(v, row);
		set->i[k] = type_phys(v->type) == PH_I64 ? v_i64(v, row) : (int64_t)v_num(v, row);
		if (type_phys(v->type) != PH_I64)
			set->ints = false;
	}
	set->n++;
	return true;
}

/* Builds the list of an `in` from constant items. Items that are tables
 * were replaced by their first column's values by the compiler; dynamic
 * arrays are expanded here. Returns false with the error set. */
bool compile_in(planner *p, xnode *x, vec *items, uint32_t nitems, uint8_t ltype)
{
	inset *set = arena_zalloc(p->q->qa, sizeof(*set));
	if (!set)
		return x_nomem(p->q);
	bool hasop = x->op == OP_HAS_ANY || x->op == OP_HAS_ALL;
	set->strings = hasop || type_phys(ltype) == PH_STR;
	set->ci = x->op == OP_IN_CI || x->op == OP_NIN_CI;
	set->ints = true;
	uint32_t cap = 0;
	for (uint32_t k = 0; k < nitems; k++) {
		vec *v = &items[k];
		if (v->type == KQLITE_TYPE_DYNAMIC && !v_null(v, 0)) {
			kstr d = v_str(v, 0);
			dyn_iter it;
			if (dyn_iter_init(&it, (const uint8_t *)d.p, d.n)) {
				const uint8_t *ev;
				size_t evn;
				const char *key;
				size_t kl;
				while (dyn_iter_next(&it, &key, &kl, &ev, &evn)) {
					vec e = {.is_const = true};
					kstr es;
					int64_t li;
					double rf;
					int tag = dyn_tag(ev, evn);
					if (tag == DYN_STRING && dyn_get_string(ev, evn, &es.p, &es.n)) {
						e.type = KQLITE_TYPE_STRING;
						e.d.s = &es;
					} else if (tag == DYN_LONG && dyn_get_long(ev, evn, &li)) {
						e.type = KQLITE_TYPE_LONG;
						e.d.i = &li;
					} else if (tag == DYN_REAL && dyn_get_real(ev, evn, &rf)) {
						e.type = KQLITE_TYPE_REAL;
						e.d.f = &rf;
					} else {
						continue;
					}
					if (!set_add(p, set, &cap, &e, 0))
						return false;
				}
				continue;
			}
		}
		if (!set_add(p, set, &cap, v, 0))
			return false;
	}
	if (set->ci || hasop)
		for (uint32_t k = 0; k < set->n; k++) {
			char *s = (char *)set->s[k].p;
			for (size_t j = 0; j < set->s[k].n; j++)
				s[j] = (char)fold((uint8_t)s[j]);
		}
	if (hasop) {
		set->terms = arena_alloc(p->q->qa, (set->n ? set->n : 1) * sizeof(needle));
		if (!set->terms)
			return x_nomem(p->q);
		for (uint32_t k = 0; k < set->n; k++)
			if (!make_needle(p->q->qa, set->s[k], false, &set->terms[k]))
				return x_nomem(p->q);
	}
	x->aux = set;
	x->eval = k_in;
	return true;
}
