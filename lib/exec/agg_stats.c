/* agg_stats.c -- the aggregates that keep sets, samples or moments per
 * group: dcount/dcountif and count_distinct(if) (exact), make_set(_if),
 * make_bag(_if), variance/stdev (sample and population, with _if) and
 * percentile/percentiles/percentiles_array and their weighted forms
 * percentilew/percentilesw/percentilesw_array (exact, nearest rank).
 * The registry and the shared helpers are in agg.c (agg_int.h).
 *
 * Semantics and where they differ from Kusto's:
 * - dcount is exact (Kusto estimates with HyperLogLog; its accuracy
 *   argument, a constant 0..4, is checked and otherwise ignored).
 *   Values are told apart by a 64-bit XXH3 hash of their bytes (see
 *   dcount_update: exact but for hash collisions, odds below 1e-9 per
 *   group for 100,000 distinct values): 1 and 1.0 in a dynamic column
 *   are two values, -0.0 and 0.0 one, all NaNs one, "" a value like any
 *   other.
 * - make_set(x, max): distinct values in first-seen order, at most max;
 *   a dynamic array's elements are added one by one (Kusto's docs:
 *   make_set of an array column is the set of its elements); nulls skipped.
 * - make_bag(x, max): the union of the property bags x takes; a key seen
 *   again keeps its first value (Kusto: "an arbitrary value"); values
 *   that are not bags are skipped; no bags gives {} (Kusto's table of
 *   defaults says [] for make_bag too, which is no bag).
 * - variance/stdev (sample, n - 1): 0 for no values (the summarize docs'
 *   default) and for one value; variancep/stdevp (population, n): null
 *   for no values. Welford's running mean, so large values do not cancel.
 * - percentile(s): the exact nearest-rank value: for P in (0, 100] the
 *   ceil(P/100 * N)-th smallest of the N values, for P = 0 the smallest.
 *   Kusto estimates the same nearest-rank percentile with a T-Digest, so
 *   its answers on large inputs may differ slightly; ours is always one
 *   of the values. Nulls and NaNs are skipped; no values gives null.
 *   Percentiles of int are long, of decimal real, of datetime/timespan
 *   the same type. The percentages must be constants in [0, 100]; the
 *   _array forms take them as arguments or as one dynamic array and give
 *   null for no values.
 * - percentilew/percentilesw(_array)(x, w, ...): each value counts w
 *   times (w an integer; rows whose weight is null or not positive are
 *   left out): the first value whose cumulative weight reaches
 *   ceil(P/100 * total weight). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "agg_int.h"

#define STATE(T, k) ((T *)(base + (size_t)groups[k] * a->def->state_size))
#define PRED(a, args) (agg_cfg(a)->pred >= 0 ? &(args)[agg_cfg(a)->pred] : NULL)

static const char *tname(uint8_t t)
{
	return kqlite_type_name((kqlite_type)t);
}

/* ---- A set of byte strings, in insertion order --------------------------- */

typedef struct vent {
	uint64_t hash;
	size_t off, len; /* in bytes */
} vent;

typedef struct vset {
	uint64_t *slots; /* the hash's high half, then entry index + 1; 0: empty.
	                  * nslots: a power of two */
	size_t nslots;
	vent *ents;
	size_t n, ecap;
	strbuf bytes; /* the keys, one after another */
	strbuf vals;  /* make_bag: the value of each key, one after another */
} vset;

static bool sb_charged(xquery *q, strbuf *b, size_t cap_before)
{
	if (b->oom)
		return x_nomem(q);
	return b->cap <= cap_before || agg_charge(q, b->cap - cap_before);
}

/* A slot: the hash's high half (most probes end without reading the
 * entry) and the entry's index + 1. */
static uint64_t slot_of(uint64_t hash, size_t e)
{
	return (hash & 0xffffffff00000000u) | (uint64_t)(e + 1);
}

static bool vset_rehash(xquery *q, vset *s)
{
	size_t ns = s->nslots ? s->nslots * 2 : 16;
	uint64_t *slots = calloc(ns, sizeof *slots);
	if (!slots)
		return x_nomem(q);
	for (size_t e = 0; e < s->n; e++) {
		size_t at = (size_t)s->ents[e].hash & (ns - 1);
		while (slots[at])
			at = (at + 1) & (ns - 1);
		slots[at] = slot_of(s->ents[e].hash, e);
	}
	free(s->slots);
	size_t grown = (ns - s->nslots) * sizeof *slots;
	s->slots = slots;
	s->nslots = ns;
	return agg_charge(q, grown);
}

/* Adds the key unless present; *added says which. */
static bool vset_add(xquery *q, vset *s, const void *key, size_t len, bool *added)
{
	*added = false;
	if ((s->n + 1) * 4 > s->nslots * 3 && !vset_rehash(q, s))
		return false;
	uint64_t h = XXH3_64bits(key, len);
	size_t mask = s->nslots - 1, at = (size_t)h & mask;
	for (; s->slots[at]; at = (at + 1) & mask) {
		if ((s->slots[at] ^ h) >> 32)
			continue;
		const vent *e = &s->ents[(uint32_t)s->slots[at] - 1];
		if (e->hash == h && e->len == len &&
		    (!len || !memcmp(s->bytes.s + e->off, key, len)))
			return true;
	}
	if (s->n >= UINT32_MAX - 1)
		return x_error(q, "more than %u distinct values in one group", UINT32_MAX - 1);
	void *np;
	bool ok = agg_grow(q, s->ents, &s->ecap, s->n + 1, sizeof(vent), &np);
	s->ents = np;
	if (!ok)
		return false;
	size_t cap = s->bytes.cap, off = s->bytes.len;
	sb_add(&s->bytes, key, len);
	if (!sb_charged(q, &s->bytes, cap))
		return false;
	s->ents[s->n] = (vent){h, off, len};
	s->slots[at] = slot_of(h, s->n);
	s->n++;
	*added = true;
	return true;
}

/* Makes *sp exist. */
static bool vset_get(xquery *q, vset **sp)
{
	if (*sp)
		return true;
	*sp = calloc(1, sizeof(vset));
	if (!*sp)
		return x_nomem(q);
	return agg_charge(q, sizeof(vset));
}

static void vset_free(vset *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s->ents);
	sb_free(&s->bytes);
	sb_free(&s->vals);
	free(s);
}

/* Row i of v (not null) as a set key in buf (a fixed-size value) or in
 * *p (strings and dynamic values point into the vector). */
static size_t value_key(const vec *v, uint32_t i, uint8_t buf[16], const void **p)
{
	*p = buf;
	switch (type_phys(v->type)) {
	case PH_BOOL:
		buf[0] = v_bool(v, i);
		return 1;
	case PH_I64: {
		int64_t x = v_i64(v, i);
		memcpy(buf, &x, 8);
		return 8;
	}
	case PH_F64: {
		double f = v_f64(v, i);
		if (f == 0)
			f = 0; /* -0.0 is 0.0 */
		if (isnan(f))
			f = NAN;
		memcpy(buf, &f, 8);
		return 8;
	}
	case PH_GUID:
		memcpy(buf, v_guid(v, i), 16);
		return 16;
	default: {
		kstr s = v_str(v, i);
		*p = s.p;
		return s.n;
	}
	}
}

/* A key back as a dynamic array element (the inverse of value_key). */
static void key_to_dyn(dyn_builder *b, uint8_t type, const char *k, size_t len)
{
	switch (type_phys(type)) {
	case PH_BOOL:
		dynb_bool(b, k[0] != 0);
		break;
	case PH_I64: {
		int64_t x;
		memcpy(&x, k, 8);
		agg_dyn_i64(b, type, x);
		break;
	}
	case PH_F64: {
		double f;
		memcpy(&f, k, 8);
		dynb_real(b, f);
		break;
	}
	case PH_GUID: {
		vec g = {.type = KQLITE_TYPE_GUID, .is_const = true};
		uint8_t one[1][16];
		memcpy(one[0], k, 16);
		g.d.g = one;
		agg_dyn_value(b, &g, 0);
		break;
	}
	default:
		if (type == KQLITE_TYPE_DYNAMIC)
			dynb_raw(b, (const uint8_t *)k, len);
		else
			dynb_string(b, k, len);
		break;
	}
}

/* ---- dcount, dcountif, count_distinct, count_distinctif ------------------- */

typedef struct {
	vset *set;
} st_set;

static void set_destroy(xagg *a, char *state)
{
	(void)a;
	vset_free(((st_set *)state)->set);
}

static bool dcount_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                           uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	const char *name = a->def->name;
	uint32_t nval = agg_cfg(a)->pred >= 0 ? 2 : 1;
	if (nargs < nval || a->nout != 1 || type_phys(a->rtype[0]) != PH_I64)
		return agg_fail(d, off, len, "%s() takes a value and gives a long", name);
	if (nargs > nval) { /* the accuracy level */
		const vec *c = consts ? consts[nval] : NULL;
		if (!c || type_phys(c->type) != PH_I64 || c->type == KQLITE_TYPE_DATETIME ||
		    c->type == KQLITE_TYPE_TIMESPAN || v_null(c, 0) || v_i64(c, 0) < 0 ||
		    v_i64(c, 0) > 4)
			return agg_fail(d, off, len,
			                "the accuracy of %s() must be a constant from 0 to 4",
			                name);
	}
	return true;
}

/* dcount appends each row's (group, 64-bit XXH3 hash of the value) to one
 * buffer -- sequential writes, no per-group sets -- and counts when the
 * first group finishes: the pairs are bucketed by group (a counting
 * sort), then each group's hashes go through a small table that stays in
 * cache. Values are told apart by their hash, so the count is exact
 * unless two distinct values of one group collide (odds about n^2 / 2^65
 * for n distinct values: below 1e-9 for n = 100,000). Groups finish in
 * order (exec.h), so the k-th finish call is group k. */
typedef struct st_dc {
	char unused;
} st_dc;

static bool dcount_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                          uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	(void)base;
	aggcfg *cfg = (aggcfg *)a->state;
	const vec *x = &args[0], *p = PRED(a, args);
	if (cfg->npairs + n > cfg->pair_cap) {
		size_t cap = cfg->pair_cap ? cfg->pair_cap : 4096;
		while (cap < cfg->npairs + n)
			cap *= 2;
		uint32_t *g = realloc(cfg->pair_group, cap * sizeof(uint32_t));
		if (g)
			cfg->pair_group = g;
		uint64_t *h = g ? realloc(cfg->pair_hash, cap * sizeof(uint64_t)) : NULL;
		if (!h)
			return x_nomem(cx->q);
		cfg->pair_hash = h;
		if (!agg_charge(cx->q, (cap - cfg->pair_cap) * 12))
			return false;
		cfg->pair_cap = cap;
	}
	uint32_t *pg = cfg->pair_group;
	uint64_t *ph = cfg->pair_hash;
	size_t k = cfg->npairs;
	FOR_SEL(i, sel, n)
	{
		if ((p && !agg_true(p, i)) || v_null(x, i))
			continue;
		uint8_t buf[16];
		const void *key;
		size_t len = value_key(x, i, buf, &key);
		pg[k] = groups[i_k];
		ph[k++] = XXH3_64bits(key, len);
	}
	cfg->npairs = k;
	return true;
}

/* Counts every group's distinct hashes (see above). */
static bool dcount_count(xquery *q, aggcfg *cfg)
{
	size_t n = cfg->npairs, ng = 0;
	for (size_t k = 0; k < n; k++)
		if (cfg->pair_group[k] >= ng)
			ng = (size_t)cfg->pair_group[k] + 1;
	size_t *start = calloc(ng + 1, sizeof(size_t));
	uint64_t *sorted = malloc((n ? n : 1) * sizeof(uint64_t));
	cfg->counts = calloc(ng ? ng : 1, sizeof(int64_t));
	uint64_t *table = NULL;
	size_t tsize = 0;
	bool ok = start && sorted && cfg->counts && agg_charge(q, n * 8 + ng * 16);
	if (ok) {
		for (size_t k = 0; k < n; k++)
			start[cfg->pair_group[k] + 1]++;
		for (size_t g = 0; g < ng; g++)
			start[g + 1] += start[g];
		for (size_t k = 0; k < n; k++)
			sorted[start[cfg->pair_group[k]]++] = cfg->pair_hash[k];
		/* start[g] is now the end of group g; its first is start[g - 1] */
		for (size_t g = 0; g < ng && ok; g++) {
			size_t lo = g ? start[g - 1] : 0, hi = start[g], m = hi - lo;
			if (m < 2) {
				cfg->counts[g] = (int64_t)m;
				continue;
			}
			size_t want = 16;
			while (want < 2 * m)
				want *= 2;
			if (want > tsize) {
				free(table);
				table = malloc(want * sizeof(uint64_t) + 8);
				if (!table) {
					ok = false;
					break;
				}
				tsize = want;
			}
			/* 0 marks an empty slot; a zero hash is counted on the side */
			memset(table, 0, want * sizeof(uint64_t));
			int64_t distinct = 0;
			bool zero = false;
			for (size_t k = lo; k < hi; k++) {
				uint64_t h = sorted[k];
				if (!h) {
					distinct += !zero;
					zero = true;
					continue;
				}
				size_t at = h & (want - 1);
				while (table[at] && table[at] != h)
					at = (at + 1) & (want - 1);
				if (!table[at]) {
					table[at] = h;
					distinct++;
				}
			}
			cfg->counts[g] = distinct;
		}
	}
	free(start);
	free(sorted);
	free(table);
	free(cfg->pair_group);
	free(cfg->pair_hash);
	cfg->pair_group = NULL;
	cfg->pair_hash = NULL;
	cfg->ncounts = ng;
	return ok ? true : x_nomem(q);
}

static bool dcount_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)state;
	(void)nout;
	aggcfg *cfg = (aggcfg *)a->state;
	if (!cfg->counts && !dcount_count(q, cfg))
		return false;
	size_t g = cfg->next++;
	return agg_pushed(q, agg_push_i64(&out[0], g < cfg->ncounts ? cfg->counts[g] : 0));
}

/* Frees the buffers (per aggregate, not per group: the first group's
 * destroy frees them, later calls find nothing). */
static void dcount_destroy(xagg *a, char *state)
{
	(void)state;
	aggcfg *cfg = (aggcfg *)a->state;
	free(cfg->pair_group);
	free(cfg->pair_hash);
	free(cfg->counts);
	cfg->pair_group = NULL;
	cfg->pair_hash = NULL;
	cfg->counts = NULL;
	cfg->npairs = cfg->pair_cap = 0;
}

/* ---- make_set, make_set_if --------------------------------------------- */

static bool dyn_out_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                            uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	if (nargs < 1 || a->nout != 1 || a->rtype[0] != KQLITE_TYPE_DYNAMIC)
		return agg_fail(d, off, len, "%s() takes a value and gives one dynamic value",
		                a->def->name);
	if (!strncmp(a->def->name, "make_bag", 8) && types[0] != KQLITE_TYPE_DYNAMIC &&
	    types[0] != KQLITE_TYPE_NULL)
		return agg_fail(d, off, len, "%s() needs a dynamic property bag, not %s",
		                a->def->name, tname(types[0]));
	return true;
}

static bool set_add_row(xquery *q, st_set *s, const vec *x, uint32_t i, int64_t max)
{
	if (!vset_get(q, &s->set))
		return false;
	bool added;
	if (x->type == KQLITE_TYPE_DYNAMIC) {
		kstr d = v_str(x, i);
		dyn_iter it;
		if (dyn_tag((const uint8_t *)d.p, d.n) == DYN_ARRAY &&
		    dyn_iter_init(&it, (const uint8_t *)d.p, d.n)) {
			const uint8_t *e;
			size_t elen;
			while ((int64_t)s->set->n < max &&
			       dyn_iter_next(&it, NULL, NULL, &e, &elen))
				if (dyn_tag(e, elen) != DYN_NULL &&
				    !vset_add(q, s->set, e, elen, &added))
					return false;
			return true;
		}
	}
	uint8_t buf[16];
	const void *k;
	size_t len = value_key(x, i, buf, &k);
	return vset_add(q, s->set, k, len, &added);
}

static bool set_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                       uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	int64_t max = agg_cfg(a)->max;
	FOR_SEL(i, sel, n)
	{
		if ((p && !agg_true(p, i)) || v_null(x, i))
			continue;
		st_set *s = STATE(st_set, i_k);
		if (s->set && (int64_t)s->set->n >= max)
			continue;
		if (!set_add_row(cx->q, s, x, i, max))
			return false;
	}
	return true;
}

/* Pushes the array or object that b built into out (and frees it). */
static bool push_built(xquery *q, column *out, strbuf *sb, const dyn_builder *b)
{
	bool ok = !sb->oom && !b->failed && agg_pushed(q, col_push_bytes(out, sb->s, sb->len));
	sb_free(sb);
	return ok || x_nomem(q);
}

static bool set_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)nout;
	vset *s = ((st_set *)state)->set;
	strbuf sb;
	sb_init(&sb);
	dyn_builder b;
	dynb_init(&b, &sb);
	dynb_begin_array(&b);
	for (size_t e = 0; s && e < s->n; e++)
		key_to_dyn(&b, a->argtype[0], s->bytes.s + s->ents[e].off, s->ents[e].len);
	dynb_end(&b);
	return push_built(q, &out[0], &sb, &b);
}

/* ---- make_bag, make_bag_if ---------------------------------------------- */

static bool bag_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                       uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	int64_t max = agg_cfg(a)->max;
	if (x->type != KQLITE_TYPE_DYNAMIC)
		return true; /* an untyped null: no bags */
	FOR_SEL(i, sel, n)
	{
		if (p && !agg_true(p, i))
			continue;
		kstr d = v_str(x, i);
		dyn_iter it;
		if (dyn_tag((const uint8_t *)d.p, d.n) != DYN_OBJECT ||
		    !dyn_iter_init(&it, (const uint8_t *)d.p, d.n))
			continue;
		st_set *s = STATE(st_set, i_k);
		if (!vset_get(cx->q, &s->set))
			return false;
		const char *key;
		size_t klen, vlen;
		const uint8_t *val;
		while ((int64_t)s->set->n < max && dyn_iter_next(&it, &key, &klen, &val, &vlen)) {
			bool added;
			if (!vset_add(cx->q, s->set, key, klen, &added))
				return false;
			if (!added)
				continue;
			size_t cap = s->set->vals.cap;
			if (vlen)
				sb_add(&s->set->vals, (const char *)val, vlen);
			else
				sb_addc(&s->set->vals, DYN_NULL);
			if (!sb_charged(cx->q, &s->set->vals, cap))
				return false;
		}
	}
	return true;
}

static bool bag_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)a;
	(void)nout;
	vset *s = ((st_set *)state)->set;
	strbuf sb;
	sb_init(&sb);
	dyn_builder b;
	dynb_init(&b, &sb);
	dynb_begin_object(&b);
	const uint8_t *v = s ? (const uint8_t *)s->vals.s : NULL;
	size_t left = s ? s->vals.len : 0;
	for (size_t e = 0; s && e < s->n && left; e++) {
		size_t sz = dyn_size(v, left);
		if (!sz)
			break; /* cannot happen: whole values were stored */
		dynb_key(&b, s->bytes.s + s->ents[e].off, s->ents[e].len);
		dynb_raw(&b, v, sz);
		v += sz;
		left -= sz;
	}
	dynb_end(&b);
	return push_built(q, &out[0], &sb, &b);
}

/* ---- variance, variancep, varianceif, stdev, stdevp, stdevif ------------- */

typedef struct {
	int64_t n;
	double mean, m2;
} st_var;

static bool var_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	int ph = nargs ? type_phys(types[0]) : PH_NONE;
	if (nargs < 1 || (ph != PH_I64 && ph != PH_F64 && ph != PH_BOOL &&
	                  types[0] != KQLITE_TYPE_DYNAMIC && types[0] != KQLITE_TYPE_NULL))
		return agg_fail(d, off, len, "%s() needs a number, not %s", a->def->name,
		                tname(nargs ? types[0] : KQLITE_TYPE_NULL));
	if (a->nout != 1 || (type_phys(a->rtype[0]) != PH_F64 && type_phys(a->rtype[0]) != PH_I64))
		return agg_fail(d, off, len, "%s() gives a real", a->def->name);
	return true;
}

static bool var_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                       uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)cx;
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	FOR_SEL(i, sel, n)
	{
		double v;
		if ((p && !agg_true(p, i)) || !agg_num(x, i, &v))
			continue;
		st_var *s = STATE(st_var, i_k);
		s->n++;
		double delta = v - s->mean;
		s->mean += delta / (double)s->n;
		s->m2 += delta * (v - s->mean);
	}
	return true;
}

static bool var_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)nout;
	st_var *s = (st_var *)state;
	unsigned fl = AGGDEF(a)->flags;
	double var;
	if (fl & AF_POP) {
		if (!s->n)
			return agg_pushed(q, col_push_null(&out[0]));
		var = s->m2 / (double)s->n;
	} else {
		var = s->n > 1 ? s->m2 / (double)(s->n - 1) : 0;
	}
	if (var < 0)
		var = 0; /* rounding */
	return agg_pushed(q, agg_push_f64(&out[0], (fl & AF_SQRT) ? sqrt(var) : var));
}

/* ---- percentile(s)(_array), and weighted: percentilew, percentilesw(_array) */

/* The values one after another: 8 bytes each (int64_t for integers and
 * ticks, double for reals), followed by an int64_t weight when weighted. */
typedef struct {
	void *v;
	size_t n, cap;
} st_pct;

static bool pct_add(aggcfg *cfg, double p, const char *name, diag *d, uint32_t off, uint32_t len)
{
	if (isnan(p) || p < 0 || p > 100)
		return agg_fail(d, off, len,
		                "the percentiles of %s() must be from 0 to 100, not %g", name, p);
	cfg->pct[cfg->npct++] = p;
	return true;
}

static bool is_integer_type(uint8_t t)
{
	return t == KQLITE_TYPE_INT || t == KQLITE_TYPE_LONG;
}

/* The percentages from argument first on: constants, or (the _array
 * forms) one dynamic array of them. */
static bool pct_list(xquery *q, xagg *a, const vec *const *consts, uint32_t nargs, uint32_t first,
                     diag *d, uint32_t off, uint32_t len)
{
	const char *name = a->def->name;
	aggcfg *cfg = (aggcfg *)a->state;
	const vec *c1 = consts ? consts[first] : NULL;
	bool one_array = (AGGDEF(a)->flags & AF_ARRAY) && nargs == first + 1 && c1 &&
	                 c1->type == KQLITE_TYPE_DYNAMIC;
	size_t most = nargs - first;
	if (one_array) {
		kstr s = v_str(c1, 0);
		most = dyn_count((const uint8_t *)s.p, s.n);
	}
	cfg->pct = arena_alloc(q->qa, (most ? most : 1) * sizeof(double));
	if (!cfg->pct) {
		diag_set_nospan(d, KQLITE_NOMEM, "out of memory");
		return false;
	}
	if (!one_array) {
		for (uint32_t k = first; k < nargs; k++) {
			const vec *c = consts ? consts[k] : NULL;
			int cph = c ? type_phys(c->type) : PH_NONE;
			if (!c || (cph != PH_I64 && cph != PH_F64) ||
			    c->type == KQLITE_TYPE_DATETIME || c->type == KQLITE_TYPE_TIMESPAN ||
			    v_null(c, 0))
				return agg_fail(
				    d, off, len,
				    "argument %u of %s() (a percentile) must be a constant number",
				    k + 1, name);
			if (!pct_add(cfg, v_num(c, 0), name, d, off, len))
				return false;
		}
		return true;
	}
	kstr s = v_str(c1, 0);
	dyn_iter it;
	const uint8_t *e;
	size_t elen;
	if (dyn_tag((const uint8_t *)s.p, s.n) != DYN_ARRAY ||
	    !dyn_iter_init(&it, (const uint8_t *)s.p, s.n) || most == 0)
		return agg_fail(d, off, len,
		                "the percentiles of %s() must be numbers or an array of them",
		                name);
	while (dyn_iter_next(&it, NULL, NULL, &e, &elen)) {
		int64_t l;
		double f;
		if (dyn_get_long(e, elen, &l))
			f = (double)l;
		else if (!dyn_get_real(e, elen, &f))
			return agg_fail(d, off, len, "the percentiles of %s() must be numbers",
			                name);
		if (!pct_add(cfg, f, name, d, off, len))
			return false;
	}
	return true;
}

static bool pct_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts,
                        uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	const char *name = a->def->name;
	bool arr = AGGDEF(a)->flags & AF_ARRAY, weighted = AGGDEF(a)->flags & AF_WEIGHT;
	uint32_t first = weighted ? 2 : 1;
	if (nargs <= first)
		return agg_fail(d, off, len, "%s() takes a value%s and at least one percentile",
		                name, weighted ? ", a weight" : "");
	int ph = type_phys(types[0]);
	if (ph != PH_I64 && ph != PH_F64 && types[0] != KQLITE_TYPE_NULL)
		return agg_fail(d, off, len, "%s() needs numbers, datetimes or timespans, not %s%s",
		                name, tname(types[0]),
		                types[0] == KQLITE_TYPE_DYNAMIC
		                    ? "; convert them first (toreal(), tolong())"
		                    : "");
	if (weighted && !is_integer_type(types[1]) && types[1] != KQLITE_TYPE_NULL)
		return agg_fail(d, off, len, "the weight of %s() must be an integer, not %s", name,
		                tname(types[1]));
	if (!pct_list(q, a, consts, nargs, first, d, off, len))
		return false;
	const aggcfg *cfg = agg_cfg(a);
	if (arr) {
		if (a->nout != 1 || a->rtype[0] != KQLITE_TYPE_DYNAMIC)
			return agg_fail(d, off, len, "%s() gives one dynamic array", name);
		return true;
	}
	if (a->nout != cfg->npct)
		return agg_fail(d, off, len,
		                "%s() gives one output for each of its %u percentiles, not %u",
		                name, cfg->npct, a->nout);
	for (uint32_t j = 0; j < a->nout; j++) {
		int rph = type_phys(a->rtype[j]);
		if (rph != PH_I64 && rph != PH_F64 && a->rtype[j] != KQLITE_TYPE_NULL)
			return agg_fail(d, off, len, "%s() cannot give %s", name,
			                tname(a->rtype[j]));
	}
	return true;
}

static size_t pct_esize(const xagg *a)
{
	return (AGGDEF(a)->flags & AF_WEIGHT) ? 16 : 8;
}

static bool pct_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                       uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *w = (AGGDEF(a)->flags & AF_WEIGHT) ? &args[1] : NULL;
	int ph = type_phys(x->type);
	size_t esz = pct_esize(a);
	if (ph != PH_I64 && ph != PH_F64)
		return true; /* an untyped null: no values */
	if (w && type_phys(w->type) != PH_I64)
		return true; /* untyped null weights: no values */
	FOR_SEL(i, sel, n)
	{
		if (v_null(x, i) || (ph == PH_F64 && isnan(v_f64(x, i))))
			continue;
		if (w && (v_null(w, i) || v_i64(w, i) <= 0))
			continue; /* only positive weights count */
		st_pct *s = STATE(st_pct, i_k);
		void *np;
		bool ok = agg_grow(cx->q, s->v, &s->cap, s->n + 1, esz, &np);
		s->v = np;
		if (!ok)
			return false;
		char *e = (char *)s->v + s->n++ * esz;
		if (ph == PH_I64) {
			int64_t v = v_i64(x, i);
			memcpy(e, &v, 8);
		} else {
			double v = v_f64(x, i);
			memcpy(e, &v, 8);
		}
		if (w) {
			int64_t wt = v_i64(w, i);
			memcpy(e + 8, &wt, 8);
		}
	}
	return true;
}

static int cmp_i64p(const void *x, const void *y)
{
	int64_t a, b;
	memcpy(&a, x, 8);
	memcpy(&b, y, 8);
	return (a > b) - (a < b);
}

static int cmp_f64p(const void *x, const void *y)
{
	double a, b;
	memcpy(&a, x, 8);
	memcpy(&b, y, 8);
	return (a > b) - (a < b);
}

/* The nearest rank of the P-th percentile of `total` (values or weight):
 * ceil(P/100 * total), at least 1. */
static double rank_of(double p, double total)
{
	double r = p * total / 100.0;
	double c = ceil(r - r * 1e-12); /* 0.7 * 10 is 7.000000000000001 */
	return c < 1 ? 1 : c;
}

/* The index of the P-th percentile among the sorted values: the first
 * whose cumulative weight (1 a value when unweighted) reaches its rank. */
static size_t pct_index(const st_pct *s, size_t esz, double p, double total)
{
	double rank = rank_of(p, total);
	if (esz == 8)
		return rank >= (double)s->n ? s->n - 1 : (size_t)rank - 1;
	double cum = 0;
	for (size_t k = 0; k < s->n; k++) {
		int64_t w;
		memcpy(&w, (const char *)s->v + k * esz + 8, 8);
		cum += (double)w;
		if (cum >= rank)
			return k;
	}
	return s->n - 1;
}

static bool pct_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	st_pct *s = (st_pct *)state;
	const aggcfg *cfg = agg_cfg(a);
	bool ints = type_phys(a->argtype[0]) == PH_I64;
	size_t esz = pct_esize(a);
	double total = (double)s->n;
	if (s->n)
		qsort(s->v, s->n, esz, ints ? cmp_i64p : cmp_f64p);
	if (esz == 16) {
		total = 0;
		for (size_t k = 0; k < s->n; k++) {
			int64_t w;
			memcpy(&w, (const char *)s->v + k * esz + 8, 8);
			total += (double)w;
		}
	}
	bool arr = AGGDEF(a)->flags & AF_ARRAY;
	if (!s->n) {
		for (uint32_t j = 0; j < (arr ? 1 : nout); j++)
			if (!agg_pushed(q, col_push_null(&out[j])))
				return false;
		return true;
	}
	strbuf sb;
	dyn_builder b;
	if (arr) {
		sb_init(&sb);
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
	}
	for (uint32_t j = 0; j < cfg->npct && (arr || j < nout); j++) {
		const char *e = (const char *)s->v + pct_index(s, esz, cfg->pct[j], total) * esz;
		int64_t iv;
		double fv;
		memcpy(&iv, e, 8);
		memcpy(&fv, e, 8);
		if (arr) {
			if (ints)
				agg_dyn_i64(&b, a->argtype[0], iv);
			else
				dynb_real(&b, fv);
		} else if (!agg_pushed(q, ints ? agg_push_i64(&out[j], iv)
		                               : agg_push_f64(&out[j], fv))) {
			return false;
		}
	}
	if (!arr)
		return true;
	dynb_end(&b);
	return push_built(q, &out[0], &sb, &b);
}

static void pct_destroy(xagg *a, char *state)
{
	(void)a;
	free(((st_pct *)state)->v);
}

/* ---- hll, hll_if, hll_merge ------------------------------------------------ */

/* A distinct-count sketch (not Kusto's internal format): exact while a
 * group has at most HLL_EXACT distinct values (their 64-bit XXH3
 * hashes, as dcount), then a HyperLogLog of 2^HLL_P one-byte registers
 * (standard error about 1.04 / 2^7 = 0.8%). As a dynamic value:
 *   ["kqlite.hll", 0, h1, h2, ...]        exact (hashes as longs)
 *   ["kqlite.hll", 14, "<base64 registers>"]
 * hll's accuracy argument (0..4) is checked and otherwise ignored. */
#define HLL_EXACT 256
#define HLL_P 14
#define HLL_M (1u << HLL_P)
_Static_assert(HLL_M == HLL_REGISTERS, "agg_int.h names the register count");

typedef struct st_hll {
	uint64_t *h;   /* the exact hashes (n of them), until regs exists */
	uint32_t n;
	uint8_t *regs; /* HLL_M registers */
} st_hll;

static void hll_reg_add(uint8_t *regs, uint64_t h)
{
	uint32_t idx = (uint32_t)(h >> (64 - HLL_P));
	uint64_t w = (h << HLL_P) | (UINT64_C(1) << (HLL_P - 1)); /* a sentinel bit bounds the rank */
	uint8_t rank = (uint8_t)(__builtin_clzll(w) + 1);
	if (rank > regs[idx])
		regs[idx] = rank;
}

static bool hll_add(xquery *q, st_hll *s, uint64_t h)
{
	if (s->regs) {
		hll_reg_add(s->regs, h);
		return true;
	}
	for (uint32_t k = 0; k < s->n; k++)
		if (s->h[k] == h)
			return true;
	if (s->n < HLL_EXACT) {
		if (!s->h) {
			s->h = malloc(HLL_EXACT * sizeof *s->h);
			if (!s->h)
				return x_nomem(q);
			if (!agg_charge(q, HLL_EXACT * sizeof *s->h))
				return false;
		}
		s->h[s->n++] = h;
		return true;
	}
	/* too many: switch to registers */
	s->regs = calloc(HLL_M, 1);
	if (!s->regs)
		return x_nomem(q);
	for (uint32_t k = 0; k < s->n; k++)
		hll_reg_add(s->regs, s->h[k]);
	hll_reg_add(s->regs, h);
	free(s->h);
	s->h = NULL;
	s->n = 0;
	return agg_charge(q, HLL_M);
}

static const char hll_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Reads a sketch value: calls add for each exact hash, or merges the
 * registers into regs (allocated by the caller on demand through
 * need_regs). false when v is not a sketch. */
bool hll_read(const uint8_t *v, size_t len, uint64_t **hashes, uint32_t *nh, uint8_t *regs_out, bool *is_regs)
{
	dyn_iter it;
	const uint8_t *e;
	size_t elen;
	const char *s;
	size_t sn;
	int64_t mode;
	*nh = 0;
	*is_regs = false;
	if (dyn_tag(v, len) != DYN_ARRAY || !dyn_iter_init(&it, v, len) ||
	    !dyn_iter_next(&it, NULL, NULL, &e, &elen) || !dyn_get_string(e, elen, &s, &sn) || sn != 10 ||
	    memcmp(s, "kqlite.hll", 10) || !dyn_iter_next(&it, NULL, NULL, &e, &elen) ||
	    !dyn_get_long(e, elen, &mode))
		return false;
	if (mode == 0) {
		uint32_t cnt = dyn_count(v, len) - 2;
		*hashes = cnt ? malloc(cnt * sizeof **hashes) : NULL;
		if (cnt && !*hashes)
			return false;
		while (dyn_iter_next(&it, NULL, NULL, &e, &elen)) {
			int64_t h;
			if (!dyn_get_long(e, elen, &h)) {
				free(*hashes);
				return false;
			}
			(*hashes)[(*nh)++] = (uint64_t)h;
		}
		return true;
	}
	if (mode != HLL_P || !dyn_iter_next(&it, NULL, NULL, &e, &elen) || !dyn_get_string(e, elen, &s, &sn) ||
	    sn != (HLL_M + 2) / 3 * 4)
		return false;
	*is_regs = true;
	uint32_t at = 0;
	for (size_t k = 0; k + 4 <= sn; k += 4) {
		uint32_t acc = 0;
		for (int j = 0; j < 4; j++) {
			const char *c = s[k + j] == '=' ? hll_b64 : strchr(hll_b64, s[k + j]);
			if (!c || !s[k + j])
				return false;
			acc = acc << 6 | (uint32_t)(c - hll_b64);
		}
		for (int j = 0; j < 3 && at < HLL_M; j++, at++) {
			uint8_t r = (uint8_t)(acc >> (16 - 8 * j));
			if (r > regs_out[at])
				regs_out[at] = r;
		}
	}
	return true;
}

int64_t hll_estimate_regs(const uint8_t *regs)
{
	double sum = 0;
	uint32_t zeros = 0;
	for (uint32_t k = 0; k < HLL_M; k++) {
		sum += ldexp(1.0, -regs[k]);
		zeros += regs[k] == 0;
	}
	double m = HLL_M, est = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (est <= 2.5 * m && zeros)
		est = m * log(m / zeros);
	return (int64_t)llround(est);
}

static bool hll_prepare(xquery *q, xagg *a, const uint8_t *types, const vec *const *consts, uint32_t nargs,
                        diag *d, uint32_t off, uint32_t len)
{
	if (!agg_prepare_common(q, a, types, consts, nargs, d, off, len))
		return false;
	const char *name = a->def->name;
	bool merge = !strcmp(name, "hll_merge");
	uint32_t nval = agg_cfg(a)->pred >= 0 ? 2 : 1;
	if (nargs < 1 || a->nout != 1 || a->rtype[0] != KQLITE_TYPE_DYNAMIC)
		return agg_fail(d, off, len, "%s() takes a value and gives one dynamic value", name);
	if (merge) {
		if (nargs > 1)
			return agg_fail(d, off, len, "not supported yet: hll_merge() of several columns");
		if (types[0] != KQLITE_TYPE_DYNAMIC && types[0] != KQLITE_TYPE_NULL)
			return agg_fail(d, off, len, "hll_merge() needs the dynamic result of hll(), not %s",
			                tname(types[0]));
		return true;
	}
	if (nargs > nval) {
		const vec *c = consts ? consts[nval] : NULL;
		if (!c || type_phys(c->type) != PH_I64 || c->type == KQLITE_TYPE_DATETIME ||
		    c->type == KQLITE_TYPE_TIMESPAN || v_null(c, 0) || v_i64(c, 0) < 0 || v_i64(c, 0) > 4)
			return agg_fail(d, off, len, "the accuracy of %s() must be a constant from 0 to 4", name);
	}
	return true;
}

static bool hll_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args, uint32_t nargs,
                       const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0], *p = PRED(a, args);
	FOR_SEL(i, sel, n)
	{
		if ((p && !agg_true(p, i)) || v_null(x, i))
			continue;
		uint8_t buf[16];
		const void *key;
		size_t len = value_key(x, i, buf, &key);
		if (!hll_add(cx->q, STATE(st_hll, i_k), XXH3_64bits(key, len)))
			return false;
	}
	return true;
}

/* Merges sketches; a value that is not one is an error (Kusto fails too). */
static bool hll_merge_update(xctx *cx, xagg *a, char *base, const uint32_t *groups, const vec *args,
                             uint32_t nargs, const uint32_t *sel, uint32_t n)
{
	(void)nargs;
	const vec *x = &args[0];
	FOR_SEL(i, sel, n)
	{
		if (v_null(x, i))
			continue;
		st_hll *s = STATE(st_hll, i_k);
		kstr v = v_str(x, i);
		uint64_t *hs = NULL;
		uint32_t nh;
		bool is_regs;
		uint8_t *regs = calloc(HLL_M, 1);
		if (!regs)
			return x_nomem(cx->q);
		if (!hll_read((const uint8_t *)v.p, v.n, &hs, &nh, regs, &is_regs)) {
			free(regs);
			return x_error(cx->q, "hll_merge(): the value is not the result of hll()");
		}
		bool ok = true;
		for (uint32_t k = 0; k < nh && ok; k++)
			ok = hll_add(cx->q, s, hs[k]);
		free(hs);
		if (ok && is_regs) {
			if (!s->regs) {
				/* become registers, keeping the exact hashes seen so far */
				for (uint32_t k = 0; k < s->n; k++)
					hll_reg_add(regs, s->h[k]);
				free(s->h);
				s->h = NULL;
				s->n = 0;
				s->regs = regs;
				regs = NULL;
				ok = agg_charge(cx->q, HLL_M);
			} else
				for (uint32_t k = 0; k < HLL_M; k++)
					if (regs[k] > s->regs[k])
						s->regs[k] = regs[k];
		}
		free(regs);
		if (!ok)
			return false;
	}
	return true;
}

static bool hll_finish(xquery *q, xagg *a, char *state, column *out, uint32_t nout)
{
	(void)a;
	(void)nout;
	st_hll *s = (st_hll *)state;
	if (!s->regs && s->n == 0) /* no values: null, as Kusto's hll() of nothing */
		return col_push_null(&out[0]) == 0 || x_nomem(q);
	strbuf sb;
	sb_init(&sb);
	dyn_builder b;
	dynb_init(&b, &sb);
	dynb_begin_array(&b);
	dynb_string(&b, "kqlite.hll", 10);
	if (!s->regs) {
		dynb_long(&b, 0);
		for (uint32_t k = 0; k < s->n; k++)
			dynb_long(&b, (int64_t)s->h[k]);
	} else {
		dynb_long(&b, HLL_P);
		char *enc = malloc((HLL_M + 2) / 3 * 4);
		if (!enc) {
			sb_free(&sb);
			return x_nomem(q);
		}
		size_t o = 0;
		for (uint32_t k = 0; k < HLL_M; k += 3) {
			uint32_t acc = (uint32_t)s->regs[k] << 16 | (k + 1 < HLL_M ? (uint32_t)s->regs[k + 1] << 8 : 0) |
			               (k + 2 < HLL_M ? s->regs[k + 2] : 0);
			for (int j = 0; j < 4; j++)
				enc[o++] = hll_b64[(acc >> (18 - 6 * j)) & 63];
		}
		dynb_string(&b, enc, o);
		free(enc);
	}
	dynb_end(&b);
	return push_built(q, &out[0], &sb, &b);
}

static void hll_destroy(xagg *a, char *state)
{
	(void)a;
	st_hll *s = (st_hll *)state;
	free(s->h);
	free(s->regs);
}

/* ---- Definitions (registered in agg.c) ---------------------------------- */

#define DEF(nm, st, prep, upd, fin, des, pred, max, fl)                                            \
	{                                                                                          \
		{nm, sizeof(st), prep, upd, fin, des}, pred, max, fl                               \
	}

const aggdef agg_dcount =
    DEF("dcount", st_dc, dcount_prepare, dcount_update, dcount_finish, dcount_destroy, -1, -1, 0);
const aggdef agg_dcountif =
    DEF("dcountif", st_dc, dcount_prepare, dcount_update, dcount_finish, dcount_destroy, 1, -1, 0);
const aggdef agg_count_distinct = DEF("count_distinct", st_dc, dcount_prepare, dcount_update,
                                      dcount_finish, dcount_destroy, -1, -1, 0);
const aggdef agg_count_distinctif = DEF("count_distinctif", st_dc, dcount_prepare, dcount_update,
                                        dcount_finish, dcount_destroy, 1, -1, 0);
const aggdef agg_make_set =
    DEF("make_set", st_set, dyn_out_prepare, set_update, set_finish, set_destroy, -1, 1, 0);
const aggdef agg_make_set_if =
    DEF("make_set_if", st_set, dyn_out_prepare, set_update, set_finish, set_destroy, 1, 2, 0);
const aggdef agg_make_bag =
    DEF("make_bag", st_set, dyn_out_prepare, bag_update, bag_finish, set_destroy, -1, 1, 0);
const aggdef agg_make_bag_if =
    DEF("make_bag_if", st_set, dyn_out_prepare, bag_update, bag_finish, set_destroy, 1, 2, 0);
const aggdef agg_stdev =
    DEF("stdev", st_var, var_prepare, var_update, var_finish, NULL, -1, -1, AF_SQRT);
const aggdef agg_stdevif =
    DEF("stdevif", st_var, var_prepare, var_update, var_finish, NULL, 1, -1, AF_SQRT);
const aggdef agg_stdevp =
    DEF("stdevp", st_var, var_prepare, var_update, var_finish, NULL, -1, -1, AF_SQRT | AF_POP);
const aggdef agg_variance =
    DEF("variance", st_var, var_prepare, var_update, var_finish, NULL, -1, -1, 0);
const aggdef agg_varianceif =
    DEF("varianceif", st_var, var_prepare, var_update, var_finish, NULL, 1, -1, 0);
const aggdef agg_variancep =
    DEF("variancep", st_var, var_prepare, var_update, var_finish, NULL, -1, -1, AF_POP);
const aggdef agg_percentile =
    DEF("percentile", st_pct, pct_prepare, pct_update, pct_finish, pct_destroy, -1, -1, 0);
const aggdef agg_percentiles =
    DEF("percentiles", st_pct, pct_prepare, pct_update, pct_finish, pct_destroy, -1, -1, 0);
const aggdef agg_percentiles_array = DEF("percentiles_array", st_pct, pct_prepare, pct_update,
                                         pct_finish, pct_destroy, -1, -1, AF_ARRAY);
const aggdef agg_percentilew =
    DEF("percentilew", st_pct, pct_prepare, pct_update, pct_finish, pct_destroy, -1, -1, AF_WEIGHT);
const aggdef agg_percentilesw = DEF("percentilesw", st_pct, pct_prepare, pct_update, pct_finish,
                                    pct_destroy, -1, -1, AF_WEIGHT);
const aggdef agg_percentilesw_array = DEF("percentilesw_array", st_pct, pct_prepare, pct_update,
                                          pct_finish, pct_destroy, -1, -1, AF_WEIGHT | AF_ARRAY);
const aggdef agg_hll = DEF("hll", st_hll, hll_prepare, hll_update, hll_finish, hll_destroy, -1, -1, 0);
const aggdef agg_hll_if = DEF("hll_if", st_hll, hll_prepare, hll_update, hll_finish, hll_destroy, 1, -1, 0);
const aggdef agg_hll_merge =
    DEF("hll_merge", st_hll, hll_prepare, hll_merge_update, hll_finish, hll_destroy, -1, -1, 0);
