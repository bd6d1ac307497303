/* fn_dyn.c -- scalar functions over dynamic values: parse_json (and its
 * alias todynamic), array_length, pack_array, bag_pack (pack), bag_keys,
 * bag_merge, bag_has_key, array_concat, array_slice, array_index_of,
 * array_reverse, array_rotate_left/right, array_shift_left/right,
 * array_sum, set_union, set_intersect, set_difference, set_has_element,
 * and the engine's "__member" (x.key, x["key"]) and "__index" (x[0],
 * negative from the end).
 *
 * Results are dyn.h encodings in the batch's scratch arena; a missing
 * member or element, or an argument of the wrong kind (array_length of a
 * bag), gives null. A value of another type where dynamic is expected is
 * encoded: int/long -> long, real/decimal -> real, bool -> bool, string
 * -> string, datetime/timespan/guid -> their text forms, null -> null.
 * Values compare by value (1 == 1.0); the set functions hash them. */
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <xxhash.h>

#include "dyn.h"
#include "exec.h"
#include "types.h"

/* ---- helpers ---------------------------------------------------------------- */

/* The dynamic value of row i (NULL, 0 for null or a non-dynamic argument). */
static const uint8_t *dyn_at(const vec *v, uint32_t i, size_t *len)
{
	if (v->type != KQLITE_TYPE_DYNAMIC || v_null(v, i)) {
		*len = 0;
		return NULL;
	}
	kstr s = v_str(v, i);
	*len = s.n;
	return (const uint8_t *)s.p;
}

/* Appends row i of v, of any type, as a dynamic value. */
static void put_value(dyn_builder *b, const vec *v, uint32_t i)
{
	char buf[40];
	if (v_null(v, i)) {
		dynb_null(b);
		return;
	}
	switch (v->type) {
	case KQLITE_TYPE_BOOL:
		dynb_bool(b, v_bool(v, i));
		break;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
		dynb_long(b, v_i64(v, i));
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		dynb_real(b, v_f64(v, i));
		break;
	case KQLITE_TYPE_STRING: {
		kstr s = v_str(v, i);
		dynb_string(b, s.p ? s.p : "", s.n);
		break;
	}
	case KQLITE_TYPE_DATETIME:
		dynb_string(b, buf, datetime_format(v_i64(v, i), buf));
		break;
	case KQLITE_TYPE_TIMESPAN:
		dynb_string(b, buf, timespan_format(v_i64(v, i), buf));
		break;
	case KQLITE_TYPE_GUID:
		dynb_string(b, buf, guid_format(v_guid(v, i), buf));
		break;
	case KQLITE_TYPE_DYNAMIC: {
		kstr s = v_str(v, i);
		dynb_raw(b, (const uint8_t *)s.p, s.n);
		break;
	}
	default:
		dynb_null(b);
		break;
	}
}

/* The text of row i for a bag key: a string as is, a dynamic string's
 * text, other values in their text (JSON) form. false for null. */
static bool key_text(const vec *v, uint32_t i, strbuf *tmp, const char **k, size_t *kn)
{
	if (v_null(v, i))
		return false;
	if (v->type == KQLITE_TYPE_STRING) {
		kstr s = v_str(v, i);
		*k = s.p ? s.p : "";
		*kn = s.n;
		return true;
	}
	dyn_builder b;
	tmp->len = 0;
	dynb_init(&b, tmp);
	put_value(&b, v, i);
	if (tmp->oom)
		return false;
	if (dyn_get_string((const uint8_t *)tmp->s, tmp->len, k, kn))
		return true;
	strbuf json;
	sb_init(&json);
	dyn_to_json((const uint8_t *)tmp->s, tmp->len, &json);
	tmp->len = 0;
	sb_add(tmp, json.s ? json.s : "", json.len);
	sb_free(&json);
	*k = tmp->s ? tmp->s : "";
	*kn = tmp->len;
	return !tmp->oom;
}

/* Equality of two encoded values: numbers by value (1 == 1.0), other
 * scalars by tag and content, containers byte for byte. */
static bool dyn_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	int ta = dyn_tag(a, an), tb = dyn_tag(b, bn);
	if ((ta == DYN_LONG || ta == DYN_REAL) && (tb == DYN_LONG || tb == DYN_REAL)) {
		int64_t la, lb;
		double fa, fb;
		if (ta == DYN_LONG && tb == DYN_LONG)
			return dyn_get_long(a, an, &la) && dyn_get_long(b, bn, &lb) && la == lb;
		fa = ta == DYN_LONG ? (dyn_get_long(a, an, &la) ? (double)la : 0)
		                    : (dyn_get_real(a, an, &fa) ? fa : 0);
		fb = tb == DYN_LONG ? (dyn_get_long(b, bn, &lb) ? (double)lb : 0)
		                    : (dyn_get_real(b, bn, &fb) ? fb : 0);
		return fa == fb;
	}
	if (ta != tb)
		return false;
	if (ta == DYN_NULL || ta == DYN_TRUE || ta == DYN_FALSE)
		return true;
	return an == bn && memcmp(a, b, an) == 0;
}

/* A hash agreeing with dyn_equal: an integral real hashes as its long. */
static uint64_t dyn_hash(const uint8_t *v, size_t n)
{
	double f;
	int64_t l;
	int tag = dyn_tag(v, n);
	if (tag == DYN_REAL && dyn_get_real(v, n, &f) && f == f && f >= -9223372036854775808.0 &&
	    f < 9223372036854775808.0 && (double)(l = (int64_t)f) == f) {
		uint8_t enc[9] = {DYN_LONG};
		for (int k = 0; k < 8; k++)
			enc[1 + k] = (uint8_t)((uint64_t)l >> (8 * k));
		return XXH3_64bits(enc, 9);
	}
	if (tag == DYN_NULL || tag == DYN_TRUE || tag == DYN_FALSE)
		return (uint64_t)tag;
	return XXH3_64bits(v, n);
}

/* Sets row i of out to the builder's bytes (copied into tmp); a builder
 * that failed (nesting too deep) or ran out of memory is an error. */
static bool set_built(xctx *cx, vec *out, uint32_t i, const dyn_builder *b)
{
	if (b->out->oom)
		return x_nomem(cx->q);
	if (b->failed)
		return x_error(cx->q, "dynamic value nested too deeply (more than %d levels)",
		               DYN_BUILD_DEPTH);
	return vec_set_str(cx, out, i, b->out->s ? b->out->s : "", b->out->len);
}

/* ---- parse_json ------------------------------------------------------------ */

/* A string holding JSON becomes its value; one that is not JSON becomes
 * a dynamic string of itself; the empty string is null; a dynamic
 * argument passes through; other types are encoded as they are. */
static bool fn_parse_json(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	const vec *x = &args[0];
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		if (x->type == KQLITE_TYPE_DYNAMIC) {
			out->d.s[i] = v_str(x, i);
			continue;
		}
		sb.len = 0;
		if (x->type == KQLITE_TYPE_STRING) {
			kstr s = v_str(x, i);
			if (!s.n)
				continue;
			if (!dyn_from_json(s.p, s.n, &sb, NULL) && !sb.oom)
				dyn_from_string(s.p, s.n, &sb);
		} else {
			dyn_builder b;
			dynb_init(&b, &sb);
			put_value(&b, x, i);
		}
		if (sb.oom) {
			ok = x_nomem(cx->q);
			break;
		}
		if (!vec_set_str(cx, out, i, sb.s, sb.len)) {
			ok = false;
			break;
		}
	}
	sb_free(&sb);
	return ok;
}

/* ---- array_length, bag_keys ---------------------------------------------------- */

static bool fn_array_length(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	FOR_SEL(i, sel, n) {
		size_t len;
		const uint8_t *v = dyn_at(&args[0], i, &len);
		bool ok = dyn_tag(v, len) == DYN_ARRAY;
		out->d.i[i] = ok ? dyn_count(v, len) : 0;
		out->nulls[i] = !ok;
	}
	return true;
}

/* ---- array_sort_asc / array_sort_desc ---------------------------------- */

typedef struct elem {
	const uint8_t *v;
	size_t n;
} elem;

/* Elements compare by kind (bools, numbers, strings, then arrays and bags
 * as their encoding), numbers by value; nulls are placed by the caller. */
static int elem_kind(const elem *e)
{
	switch (dyn_tag(e->v, e->n)) {
	case DYN_FALSE:
	case DYN_TRUE: return 0;
	case DYN_LONG:
	case DYN_REAL: return 1;
	case DYN_STRING: return 2;
	default: return 3;
	}
}

static int elem_cmp(const void *pa, const void *pb)
{
	const elem *a = pa, *b = pb;
	int ka = elem_kind(a), kb = elem_kind(b);
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (ka == 0)
		return (dyn_tag(a->v, a->n) == DYN_TRUE) - (dyn_tag(b->v, b->n) == DYN_TRUE);
	if (ka == 1) {
		int64_t la = 0, lb = 0;
		double da = 0, db = 0;
		bool ia = dyn_tag(a->v, a->n) == DYN_LONG, ib = dyn_tag(b->v, b->n) == DYN_LONG;
		if (ia)
			dyn_get_long(a->v, a->n, &la), da = (double)la;
		else
			dyn_get_real(a->v, a->n, &da);
		if (ib)
			dyn_get_long(b->v, b->n, &lb), db = (double)lb;
		else
			dyn_get_real(b->v, b->n, &db);
		if (ia && ib)
			return (la > lb) - (la < lb);
		if (da != da || db != db) /* NaN after the numbers */
			return (da != da) - (db != db);
		return (da > db) - (da < db);
	}
	const char *sa, *sb;
	size_t na, nb;
	if (ka == 2 && dyn_get_string(a->v, a->n, &sa, &na) && dyn_get_string(b->v, b->n, &sb, &nb)) {
		int r = memcmp(sa, sb, na < nb ? na : nb);
		return r ? r : (na > nb) - (na < nb);
	}
	int r = memcmp(a->v, b->v, a->n < b->n ? a->n : b->n);
	return r ? r : (a->n > b->n) - (a->n < b->n);
}

/* array_sort_asc(array [, nulls_last]) and _desc: the elements in order,
 * nulls last unless nulls_last is false; null for something that is not an
 * array. Sorting several arrays by the first is not supported yet. */
static bool array_sort(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                       vec *out, bool desc)
{
	if (nargs > 2 || (nargs == 2 && args[1].type != KQLITE_TYPE_BOOL))
		return x_error(cx->q, "not supported yet: array_sort_%s() of several arrays", desc ? "desc" : "asc");
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	elem *el = NULL;
	size_t cap = 0;
	bool ok = true;
	FOR_SEL(i, sel, n) {
		size_t len;
		const uint8_t *v = dyn_at(&args[0], i, &len);
		dyn_iter it;
		if (dyn_tag(v, len) != DYN_ARRAY || !dyn_iter_init(&it, v, len))
			continue;
		bool nulls_last = nargs < 2 || v_null(&args[1], i) || v_bool(&args[1], i);
		size_t cnt = dyn_count(v, len), m = 0, nulls = 0;
		if (cnt > cap) {
			elem *g = realloc(el, cnt * sizeof(elem));
			if (!g) {
				ok = x_nomem(cx->q);
				break;
			}
			el = g;
			cap = cnt;
		}
		const uint8_t *x;
		size_t xn;
		while (dyn_iter_next(&it, NULL, NULL, &x, &xn) && m + nulls < cnt) {
			if (dyn_tag(x, xn) == DYN_NULL)
				nulls++;
			else
				el[m++] = (elem){x, xn};
		}
		if (m > 1)
			qsort(el, m, sizeof(elem), elem_cmp);
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		for (size_t k = 0; !nulls_last && k < nulls; k++)
			dynb_null(&b);
		for (size_t k = 0; k < m; k++) {
			const elem *e = &el[desc ? m - 1 - k : k];
			dynb_raw(&b, e->v, e->n);
		}
		for (size_t k = 0; nulls_last && k < nulls; k++)
			dynb_null(&b);
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	free(el);
	sb_free(&sb);
	return ok;
}

static bool fn_array_sort_asc(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                              uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return array_sort(cx, args, nargs, sel, n, rows, out, false);
}

static bool fn_array_sort_desc(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                               uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return array_sort(cx, args, nargs, sel, n, rows, out, true);
}

/* The names an array of keys lists (plain names, or top-level JSONPaths
 * "$.name", "$['name']"), into names (room for cap); returns how many. */
static size_t key_names(const uint8_t *keys, size_t klen, kstr *names, size_t cap)
{
	dyn_iter it;
	if (!keys || dyn_tag(keys, klen) != DYN_ARRAY || !dyn_iter_init(&it, keys, klen))
		return 0;
	const uint8_t *x;
	size_t xn, n = 0;
	while (n < cap && dyn_iter_next(&it, NULL, NULL, &x, &xn)) {
		const char *s;
		size_t sn;
		if (!dyn_get_string(x, xn, &s, &sn))
			continue;
		if (sn > 2 && s[0] == '$' && s[1] == '.')
			s += 2, sn -= 2;
		else if (sn > 5 && s[0] == '$' && s[1] == '[' && (s[2] == '\'' || s[2] == '"') && s[sn - 1] == ']')
			s += 3, sn -= 5;
		names[n++] = (kstr){s, sn};
	}
	return n;
}

static bool key_listed(const kstr *names, size_t n, const char *key, size_t kn)
{
	for (size_t k = 0; k < n; k++)
		if (names[k].n == kn && !memcmp(names[k].p, key, kn))
			return true;
	return false;
}

/* bag_remove_keys(bag, keys): the bag without the listed top-level keys;
 * null when bag is not a bag. A constant key list is read once a batch. */
static bool fn_bag_remove_keys(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	kstr *names = NULL;
	size_t nnames = 0, cap = 0;
	FOR_SEL(i, sel, n) {
		size_t len, klen;
		const uint8_t *v = dyn_at(&args[0], i, &len), *keys = dyn_at(&args[1], i, &klen);
		dyn_iter it;
		if (dyn_tag(v, len) != DYN_OBJECT || !dyn_iter_init(&it, v, len))
			continue;
		if (!names || !args[1].is_const) {
			size_t want = keys && dyn_tag(keys, klen) == DYN_ARRAY ? dyn_count(keys, klen) : 0;
			if (want > cap || !names) {
				cap = want > cap ? want : cap;
				if (!(names = arena_alloc(cx->tmp, (cap ? cap : 1) * sizeof(kstr)))) {
					ok = x_nomem(cx->q);
					break;
				}
			}
			nnames = key_names(keys, klen, names, cap);
		}
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_object(&b);
		const char *k;
		size_t kn, xn;
		const uint8_t *x;
		while (dyn_iter_next(&it, &k, &kn, &x, &xn))
			if (!key_listed(names, nnames, k, kn)) {
				dynb_key(&b, k, kn);
				dynb_raw(&b, x, xn);
			}
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

static bool fn_bag_keys(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		size_t len;
		const uint8_t *v = dyn_at(&args[0], i, &len);
		dyn_iter it;
		if (dyn_tag(v, len) != DYN_OBJECT || !dyn_iter_init(&it, v, len))
			continue;
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		const char *k;
		size_t kn, xn;
		const uint8_t *x;
		while (dyn_iter_next(&it, &k, &kn, &x, &xn))
			dynb_string(&b, k, kn);
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* ---- pack_array, bag_pack ------------------------------------------------------ */

static bool fn_pack_array(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		for (uint32_t a = 0; a < nargs; a++)
			put_value(&b, &args[a], i);
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

static bool prep_bag_pack(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                          uint32_t nargs, diag *d, uint32_t off, uint32_t len)
{
	(void)q;
	(void)call;
	(void)types;
	(void)consts;
	if (nargs % 2) {
		diag_set(d, KQLITE_ERROR, off, len,
		         "bag_pack() takes key/value pairs: an even number of arguments, not %u",
		         nargs);
		return false;
	}
	return true;
}

/* key/value pairs into a bag: dedupe (bag_pack: of pairs with the same key
 * the last one wins) or not (pack_all: the keys are distinct column
 * names); skip_empty leaves out null and empty values (pack_all(true)). */
static bool pack_pairs(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                       vec *out, bool dedupe, bool skip_empty);

/* bag_pack(key1, value1, ...): a bag; a pair whose key is null is left
 * out, and of pairs with the same key the last one wins. */
static bool fn_bag_pack(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return pack_pairs(cx, args, nargs, sel, n, rows, out, true, false);
}

/* pack_all() and pack_all(true), as the planner spells them out. */
static bool fn_pack_columns(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return pack_pairs(cx, args, nargs, sel, n, rows, out, false, false);
}

static bool fn_pack_columns_nonempty(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return pack_pairs(cx, args, nargs, sel, n, rows, out, false, true);
}

static bool pack_pairs(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                       vec *out, bool dedupe, bool skip_empty)
{
	if (nargs % 2)
		return x_error(
		    cx->q, "bag_pack() takes key/value pairs: an even number of arguments, not %u",
		    nargs);
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb, ka, kb;
	sb_init(&sb);
	sb_init(&ka);
	sb_init(&kb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_object(&b);
		for (uint32_t a = 0; a < nargs; a += 2) {
			const char *k, *k2;
			size_t kn, kn2;
			if (!key_text(&args[a], i, &ka, &k, &kn))
				continue;
			const vec *val = &args[a + 1];
			if (skip_empty && (v_null(val, i) || (val->type == KQLITE_TYPE_STRING && v_str(val, i).n == 0)))
				continue;
			bool later = false;
			for (uint32_t a2 = a + 2; dedupe && a2 < nargs && !later; a2 += 2)
				later = key_text(&args[a2], i, &kb, &k2, &kn2) && kn2 == kn &&
				        memcmp(k, k2, kn) == 0;
			if (later)
				continue;
			dynb_key(&b, k, kn);
			put_value(&b, &args[a + 1], i);
		}
		dynb_end(&b);
		if (ka.oom || kb.oom)
			sb.oom = true;
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	sb_free(&ka);
	sb_free(&kb);
	return ok;
}

/* ---- array_concat, array_slice, array_index_of -------------------------------- */

/* array_concat(a1, ...): the elements of all; null if any is not an array. */
static bool fn_array_concat(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                            const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		bool arrays = true;
		for (uint32_t a = 0; a < nargs && arrays; a++) {
			size_t len;
			const uint8_t *v = dyn_at(&args[a], i, &len);
			arrays = dyn_tag(v, len) == DYN_ARRAY;
		}
		if (!arrays)
			continue;
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		for (uint32_t a = 0; a < nargs; a++) {
			size_t len, xn;
			const uint8_t *v = dyn_at(&args[a], i, &len), *x;
			dyn_iter it;
			dyn_iter_init(&it, v, len);
			while (dyn_iter_next(&it, NULL, NULL, &x, &xn))
				dynb_raw(&b, x, xn);
		}
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* array_slice(arr, start, end): elements start..end inclusive; negative
 * indexes count from the end; out-of-range bounds are clamped (an empty
 * range gives []). Null when arr is not an array. */
static bool fn_array_slice(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                           const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		size_t len, xn;
		const uint8_t *v = dyn_at(&args[0], i, &len), *x;
		int64_t start, end;
		if (dyn_tag(v, len) != DYN_ARRAY || !vec_get_i64(&args[1], i, &start) ||
		    !vec_get_i64(&args[2], i, &end))
			continue;
		int64_t count = dyn_count(v, len);
		if (start < 0)
			start = start < -count ? 0 : start + count;
		if (end < 0)
			end = end < -count ? -1 : end + count;
		if (end >= count)
			end = count - 1;
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		dyn_iter it;
		dyn_iter_init(&it, v, len);
		for (int64_t k = 0; k <= end && dyn_iter_next(&it, NULL, NULL, &x, &xn); k++)
			if (k >= start)
				dynb_raw(&b, x, xn);
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* array_index_of(arr, value [, start [, length [, occurrence]]]): the
 * index of the occurrence-th element equal to value among `length`
 * elements from start (negative: from the end; length -1: to the end),
 * or -1. Null when arr is not an array, value is null, length < -1 or
 * occurrence < 0; occurrence 0 finds nothing (-1). */
static bool fn_array_index_of(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                              const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	strbuf sb;
	sb_init(&sb);
	FOR_SEL(i, sel, n) {
		size_t len, xn;
		const uint8_t *v = dyn_at(&args[0], i, &len), *x;
		int64_t start = 0, length = -1, occ = 1, r = -1;
		bool ok = dyn_tag(v, len) == DYN_ARRAY && !v_null(&args[1], i) &&
		          (nargs < 3 || vec_get_i64(&args[2], i, &start)) &&
		          (nargs < 4 || vec_get_i64(&args[3], i, &length)) &&
		          (nargs < 5 || vec_get_i64(&args[4], i, &occ)) && length >= -1 && occ >= 0;
		if (ok) {
			sb.len = 0;
			dyn_builder b;
			dynb_init(&b, &sb);
			put_value(&b, &args[1], i);
			if (sb.oom) {
				sb_free(&sb);
				return x_nomem(cx->q);
			}
			int64_t count = dyn_count(v, len);
			if (start < 0)
				start = start < -count ? 0 : start + count;
			int64_t end = length == -1 || length > count ? count : start + length;
			dyn_iter it;
			dyn_iter_init(&it, v, len);
			for (int64_t k = 0;
			     k < end && occ > 0 && dyn_iter_next(&it, NULL, NULL, &x, &xn); k++)
				if (k >= start && dyn_equal(x, xn, (const uint8_t *)sb.s, sb.len) &&
				    --occ == 0)
					r = k;
		}
		out->d.i[i] = ok ? r : 0;
		out->nulls[i] = !ok;
	}
	sb_free(&sb);
	return true;
}

/* ---- set_union, set_intersect, set_difference ------------------------------------ */

/* A set of encoded values (pointers into the arguments), hashed. */
typedef struct vset {
	struct slot {
		const uint8_t *p;
		size_t n;
		uint64_t h;
		uint32_t mark; /* set_intersect: the last array it was seen in */
	} * slots;
	size_t cap, count;
	bool oom;
} vset;

static void vset_free(vset *s)
{
	free(s->slots);
	*s = (vset){0};
}

static struct slot *vset_find(vset *s, const uint8_t *p, size_t n, uint64_t h)
{
	if (!s->cap)
		return NULL;
	for (size_t k = h & (s->cap - 1);; k = (k + 1) & (s->cap - 1)) {
		struct slot *sl = &s->slots[k];
		if (!sl->p)
			return NULL;
		if (sl->h == h && dyn_equal(sl->p, sl->n, p, n))
			return sl;
	}
}

/* Adds a value; returns its slot and whether it was new, or NULL (oom). */
static struct slot *vset_add(vset *s, const uint8_t *p, size_t n, bool *added)
{
	uint64_t h = dyn_hash(p, n);
	struct slot *sl = vset_find(s, p, n, h);
	*added = false;
	if (sl)
		return sl;
	if ((s->count + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct slot *ns = calloc(cap, sizeof(*ns));
		if (!ns) {
			s->oom = true;
			return NULL;
		}
		for (size_t k = 0; k < s->cap; k++) {
			struct slot *o = &s->slots[k];
			if (!o->p)
				continue;
			size_t j = o->h & (cap - 1);
			while (ns[j].p)
				j = (j + 1) & (cap - 1);
			ns[j] = *o;
		}
		free(s->slots);
		s->slots = ns;
		s->cap = cap;
	}
	size_t j = h & (s->cap - 1);
	while (s->slots[j].p)
		j = (j + 1) & (s->cap - 1);
	s->slots[j] = (struct slot){p, n, h, 0};
	s->count++;
	*added = true;
	return &s->slots[j];
}

enum { S_UNION, S_INTERSECT, S_DIFFERENCE };

/* Distinct values, in the order of first appearance: of all the arrays
 * (union), of the first found in every other (intersect), of the first
 * found in no other (difference). Null if any argument is not an array. */
static bool set_row(xctx *cx, const vec *args, uint32_t nargs, uint32_t i, int op, strbuf *sb,
                    vec *out)
{
	for (uint32_t a = 0; a < nargs; a++) {
		size_t len;
		const uint8_t *v = dyn_at(&args[a], i, &len);
		if (dyn_tag(v, len) != DYN_ARRAY)
			return true; /* null */
	}
	vset seen = {0}, other = {0};
	const uint8_t *x;
	size_t xn;
	dyn_iter it;
	bool added;
	if (op != S_UNION) {
		/* other: the values of arrays 1.., marked with how many contain them */
		for (uint32_t a = 1; a < nargs; a++) {
			size_t len;
			const uint8_t *v = dyn_at(&args[a], i, &len);
			dyn_iter_init(&it, v, len);
			while (dyn_iter_next(&it, NULL, NULL, &x, &xn)) {
				struct slot *sl = vset_add(&other, x, xn, &added);
				if (sl && sl->mark == a - 1)
					sl->mark = a;
			}
		}
	}
	sb->len = 0;
	dyn_builder b;
	dynb_init(&b, sb);
	dynb_begin_array(&b);
	for (uint32_t a = 0; a < (op == S_UNION ? nargs : 1); a++) {
		size_t len;
		const uint8_t *v = dyn_at(&args[a], i, &len);
		dyn_iter_init(&it, v, len);
		while (dyn_iter_next(&it, NULL, NULL, &x, &xn)) {
			if (op != S_UNION) {
				struct slot *o = vset_find(&other, x, xn, dyn_hash(x, xn));
				bool everywhere = o && o->mark == nargs - 1;
				if (op == S_INTERSECT ? !everywhere : o != NULL)
					continue;
			}
			vset_add(&seen, x, xn, &added);
			if (added)
				dynb_raw(&b, x, xn);
		}
	}
	dynb_end(&b);
	bool oom = seen.oom || other.oom;
	vset_free(&seen);
	vset_free(&other);
	if (oom)
		return x_nomem(cx->q);
	return set_built(cx, out, i, &b);
}

static bool set_driver(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                       uint32_t rows, vec *out, int op)
{
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	if (!(ok = set_row(cx, args, nargs, i, op, &sb, out)))
		break;
	sb_free(&sb);
	return ok;
}

#define SET_FN(name, op)                                                                           \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		return set_driver(cx, args, nargs, sel, n, rows, out, op);                         \
	}
SET_FN(fn_set_union, S_UNION)
SET_FN(fn_set_intersect, S_INTERSECT)
SET_FN(fn_set_difference, S_DIFFERENCE)

/* ---- array_reverse, array_rotate_*, array_shift_*, array_sum -------------- */

typedef struct span {
	const uint8_t *p;
	size_t n;
} span;

/* The elements of an array, into *buf (grown as needed; free() it).
 * Returns their number, or -1 when out of memory. */
static long elements(const uint8_t *v, size_t len, span **buf, size_t *cap)
{
	dyn_iter it;
	const uint8_t *x;
	size_t xn;
	long k = 0;
	dyn_iter_init(&it, v, len);
	while (dyn_iter_next(&it, NULL, NULL, &x, &xn)) {
		if ((size_t)k == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			span *nb = realloc(*buf, nc * sizeof(span));
			if (!nb)
				return -1;
			*buf = nb;
			*cap = nc;
		}
		(*buf)[k++] = (span){x, xn};
	}
	return k;
}

enum { R_REVERSE, R_ROTATE_LEFT, R_ROTATE_RIGHT, R_SHIFT_LEFT, R_SHIFT_RIGHT };

/* Reorders an array: reverse; rotate by k (negative: the other way);
 * shift by k, filling with the optional third argument (default null).
 * Null when the first argument is not an array or k is null. */
static bool reorder_driver(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel,
                           uint32_t n, uint32_t rows, vec *out, int op)
{
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb, fill;
	sb_init(&sb);
	sb_init(&fill);
	span *el = NULL;
	size_t cap = 0;
	bool ok = true;
	FOR_SEL(i, sel, n) {
		size_t len;
		const uint8_t *v = dyn_at(&args[0], i, &len);
		int64_t k = 0;
		if (dyn_tag(v, len) != DYN_ARRAY || (op != R_REVERSE && !vec_get_i64(&args[1], i, &k)))
			continue;
		long cnt = elements(v, len, &el, &cap);
		if (cnt < 0) {
			ok = x_nomem(cx->q);
			break;
		}
		if (op == R_ROTATE_RIGHT || op == R_SHIFT_RIGHT)
			k = k == INT64_MIN ? INT64_MAX : -k;
		fill.len = 0;
		if (nargs > 2 && (op == R_SHIFT_LEFT || op == R_SHIFT_RIGHT)) {
			dyn_builder fb;
			dynb_init(&fb, &fill);
			put_value(&fb, &args[2], i);
		}
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		for (long j = 0; j < cnt; j++) {
			long src;
			if (op == R_REVERSE) {
				src = cnt - 1 - j;
			} else if (op == R_ROTATE_LEFT || op == R_ROTATE_RIGHT) {
				int64_t m = k % cnt;
				src = (long)((j + m + cnt) % cnt);
			} else {
				/* j + k, or out of range (filled) when k is beyond the array */
				src = k >= cnt || k <= -cnt ? -1 : j + (long)k;
				if (src >= cnt)
					src = -1;
			}
			if (src >= 0)
				dynb_raw(&b, el[src].p, el[src].n);
			else if (fill.len)
				dynb_raw(&b, (const uint8_t *)fill.s, fill.len);
			else
				dynb_null(&b);
		}
		dynb_end(&b);
		if (fill.oom)
			sb.oom = true;
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	free(el);
	sb_free(&sb);
	sb_free(&fill);
	return ok;
}

#define REORDER_FN(name, op)                                                                       \
	static bool name(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,             \
	                 const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)                 \
	{                                                                                          \
		(void)call;                                                                        \
		return reorder_driver(cx, args, nargs, sel, n, rows, out, op);                     \
	}
REORDER_FN(fn_array_reverse, R_REVERSE)
REORDER_FN(fn_array_rotate_left, R_ROTATE_LEFT)
REORDER_FN(fn_array_rotate_right, R_ROTATE_RIGHT)
REORDER_FN(fn_array_shift_left, R_SHIFT_LEFT)
REORDER_FN(fn_array_shift_right, R_SHIFT_RIGHT)

/* array_sum(arr): the sum as a real; null when arr is not an array or
 * holds anything but numbers. */
static bool fn_array_sum(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                         const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	FOR_SEL(i, sel, n) {
		size_t len, xn;
		const uint8_t *v = dyn_at(&args[0], i, &len), *x;
		bool ok = dyn_tag(v, len) == DYN_ARRAY;
		double sum = 0;
		dyn_iter it;
		dyn_iter_init(&it, v, len);
		while (ok && dyn_iter_next(&it, NULL, NULL, &x, &xn)) {
			int64_t l;
			double f;
			if (dyn_get_long(x, xn, &l))
				sum += (double)l;
			else if (dyn_get_real(x, xn, &f))
				sum += f;
			else
				ok = false;
		}
		if (type_phys(out->type) == PH_F64)
			out->d.f[i] = ok ? sum : 0;
		if (out->nulls)
			out->nulls[i] = !ok;
	}
	return true;
}

/* ---- set_has_element, bag_has_key, bag_merge ---------------------------------- */

static bool fn_set_has_element(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	strbuf sb;
	sb_init(&sb);
	FOR_SEL(i, sel, n) {
		size_t len, xn;
		const uint8_t *v = dyn_at(&args[0], i, &len), *x;
		bool ok = dyn_tag(v, len) == DYN_ARRAY, found = false;
		if (ok) {
			sb.len = 0;
			dyn_builder b;
			dynb_init(&b, &sb);
			put_value(&b, &args[1], i);
			if (sb.oom) {
				sb_free(&sb);
				return x_nomem(cx->q);
			}
			dyn_iter it;
			dyn_iter_init(&it, v, len);
			while (!found && dyn_iter_next(&it, NULL, NULL, &x, &xn))
				found = dyn_equal(x, xn, (const uint8_t *)sb.s, sb.len);
		}
		out->d.b[i] = found;
		out->nulls[i] = !ok;
	}
	sb_free(&sb);
	return true;
}

/* The value at a JSONPath in v: $, .name, ['name'] or ["name"], [N]
 * (a negative N counts from the end). */
static bool json_path(const uint8_t *v, size_t len, const char *k, size_t kn, const uint8_t **r, size_t *rn)
{
	if (!kn || k[0] != '$')
		return false;
	size_t p = 1;
	*r = v;
	*rn = len;
	while (p < kn) {
		if (k[p] == '[' && p + 1 < kn && (k[p + 1] == '-' || (k[p + 1] >= '0' && k[p + 1] <= '9'))) {
			size_t e = p + 1;
			int64_t idx = 0;
			bool neg = k[e] == '-';
			e += neg;
			while (e < kn && k[e] >= '0' && k[e] <= '9' && idx < 100000000)
				idx = idx * 10 + (k[e++] - '0');
			if (e >= kn || k[e] != ']' || !dyn_index(*r, *rn, neg ? -idx : idx, r, rn))
				return false;
			p = e + 1;
			continue;
		}
		const char *name;
		size_t nlen;
		if (k[p] == '.') {
			size_t e = ++p;
			while (e < kn && k[e] != '.' && k[e] != '[')
				e++;
			name = k + p;
			nlen = e - p;
			p = e;
		} else if (k[p] == '[' && p + 1 < kn && (k[p + 1] == '\'' || k[p + 1] == '"')) {
			char q = k[p + 1];
			size_t e = p + 2;
			while (e < kn && k[e] != q)
				e++;
			if (e + 1 >= kn || k[e + 1] != ']')
				return false;
			name = k + p + 2;
			nlen = e - p - 2;
			p = e + 2;
		} else {
			return false;
		}
		if (!dyn_member(*r, *rn, name, nlen, r, rn))
			return false;
	}
	return true;
}

/* The value at key in bag v: a plain key, or a JSONPath ($.a.b, $['a'],
 * $.list[0]). */
static bool path_member(const uint8_t *v, size_t len, const char *k, size_t kn, const uint8_t **r,
                        size_t *rn)
{
	if (!kn || k[0] != '$')
		return dyn_member(v, len, k, kn, r, rn);
	return json_path(v, len, k, kn, r, rn);
}

/* extract_json(path, json [, typeof(T)]): the element at a JSONPath of a
 * JSON text (or dynamic value) as a string ("" when absent), converted to
 * T when typeof(T) is given (the binder types the call T). */
static bool fn_extract_json(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                            uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	uint8_t want = out->type;
	bool dyn = want == KQLITE_TYPE_DYNAMIC; /* the element itself */
	if (want != KQLITE_TYPE_STRING && !dyn) {
		vec text = {.type = KQLITE_TYPE_STRING};
		if (!fn_extract_json(cx, call, args, nargs, sel, n, rows, &text))
			return false;
		vec typed;
		if (!vec_cast(cx, &text, want, sel, n, rows, &typed))
			return false;
		*out = typed;
		return true;
	}
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf doc, text;
	sb_init(&doc);
	sb_init(&text);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		out->d.s[i] = dyn ? (kstr){NULL, 0} : (kstr){"", 0};
		const uint8_t *v;
		size_t len;
		if (args[1].type == KQLITE_TYPE_DYNAMIC) {
			v = dyn_at(&args[1], i, &len);
		} else {
			kstr src = v_str(&args[1], i);
			size_t bad;
			doc.len = 0;
			if (!dyn_from_json(src.p, src.n, &doc, &bad))
				continue;
			v = (const uint8_t *)doc.s;
			len = doc.len;
		}
		kstr path = v_str(&args[0], i);
		const uint8_t *r;
		size_t rn;
		if (!v || !json_path(v, len, path.p, path.n, &r, &rn) || dyn_tag(r, rn) == DYN_NULL)
			continue;
		const char *str;
		size_t sn;
		text.len = 0;
		if (dyn)
			sb_add(&text, (const char *)r, rn);
		else if (dyn_get_string(r, rn, &str, &sn))
			sb_add(&text, str, sn);
		else
			dyn_to_json(r, rn, &text);
		if (doc.oom || text.oom || !vec_set_str(cx, out, i, text.s ? text.s : "", text.len)) {
			ok = false;
			break;
		}
	}
	sb_free(&doc);
	sb_free(&text);
	return ok || x_nomem(cx->q);
}

/* range(start, stop [, step]): the array start, start+step, ... up to
 * stop (included); numbers, or datetimes/timespans with a timespan step
 * (1 day when omitted for datetimes). Null for a step of 0, a step going
 * away from stop, or more than RANGE_MAX elements. */
#define RANGE_MAX 1048576
static bool fn_range(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                     uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool time = args[0].type == KQLITE_TYPE_DATETIME || args[0].type == KQLITE_TYPE_TIMESPAN;
	bool real = !time && (type_phys(args[0].type) == PH_F64 || type_phys(args[1].type) == PH_F64 ||
	                      (nargs > 2 && type_phys(args[2].type) == PH_F64));
	FOR_SEL(i, sel, n) {
		out->d.s[i] = (kstr){NULL, 0};
		/* integers (and ticks) in 128 bits: no overflow near the long limits */
		__int128 ia = 0, ib = 0, ist = time ? 864000000000 : 1;
		double a = 0, b = 0, st = time ? 864000000000.0 : 1;
		double count;
		if (real) {
			if (!vec_get_f64(&args[0], i, &a) || !vec_get_f64(&args[1], i, &b) ||
			    (nargs > 2 && !vec_get_f64(&args[2], i, &st)))
				continue;
			count = st != 0 ? floor((b - a) / st + 1e-9) + 1 : -1;
		} else {
			int64_t x, y, z = (int64_t)ist;
			if (!vec_get_i64(&args[0], i, &x) || !vec_get_i64(&args[1], i, &y) ||
			    (nargs > 2 && !vec_get_i64(&args[2], i, &z)))
				continue;
			ia = x, ib = y, ist = z;
			count = ist != 0 && (ib - ia) / ist >= 0 ? (double)((ib - ia) / ist) + 1 : -1;
		}
		if (!(count >= 0 && count <= RANGE_MAX))
			continue;
		sb.len = 0;
		dyn_builder db;
		dynb_init(&db, &sb);
		dynb_begin_array(&db);
		char buf[40];
		for (size_t k = 0; k < (size_t)count; k++) {
			int64_t v = (int64_t)(ia + (__int128)k * ist); /* between start and stop */
			if (time)
				dynb_string(&db, buf, args[0].type == KQLITE_TYPE_DATETIME ? datetime_format(v, buf)
				                                                            : timespan_format(v, buf));
			else if (real)
				dynb_real(&db, a + (double)k * st);
			else
				dynb_long(&db, v);
		}
		dynb_end(&db);
		if (sb.oom || !vec_set_str(cx, out, i, sb.s, sb.len)) {
			sb_free(&sb);
			return x_nomem(cx->q);
		}
	}
	sb_free(&sb);
	return true;
}

/* unicode_codepoints_to_string(c1, c2, ... or an array): the string of
 * these code points (invalid ones are skipped). */
static bool fn_codepoints_to_string(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                    const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	FOR_SEL(i, sel, n) {
		sb.len = 0;
		for (uint32_t a = 0; a < nargs; a++) {
			size_t len;
			const uint8_t *v = dyn_at(&args[a], i, &len);
			int64_t cp;
			if (v && dyn_tag(v, len) == DYN_ARRAY) {
				dyn_iter it;
				const uint8_t *x;
				size_t xn;
				dyn_iter_init(&it, v, len);
				while (dyn_iter_next(&it, NULL, NULL, &x, &xn))
					if (dyn_get_long(x, xn, &cp) && cp >= 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF))
						sb_add_utf8(&sb, (uint32_t)cp);
			} else if (vec_get_i64(&args[a], i, &cp) && cp >= 0 && cp <= 0x10FFFF &&
			           !(cp >= 0xD800 && cp <= 0xDFFF)) {
				sb_add_utf8(&sb, (uint32_t)cp);
			}
		}
		if (sb.oom || !vec_set_str(cx, out, i, sb.s ? sb.s : "", sb.len)) {
			sb_free(&sb);
			return x_nomem(cx->q);
		}
	}
	sb_free(&sb);
	return true;
}

/* bag_has_key(bag, key): null when bag is not a bag. */
static bool fn_bag_has_key(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                           const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, true))
		return false;
	strbuf kb;
	sb_init(&kb);
	FOR_SEL(i, sel, n) {
		size_t len, rn, kn;
		const uint8_t *v = dyn_at(&args[0], i, &len), *r;
		const char *k;
		bool ok = dyn_tag(v, len) == DYN_OBJECT;
		out->d.b[i] = ok && key_text(&args[1], i, &kb, &k, &kn) &&
		              path_member(v, len, k, kn, &r, &rn);
		out->nulls[i] = !ok;
	}
	bool oom = kb.oom;
	sb_free(&kb);
	return oom ? x_nomem(cx->q) : true;
}

/* bag_merge(bag1, bag2, ...): the members of all; for a key in several,
 * the leftmost bag's value. Arguments that are not bags are skipped. */
static bool fn_bag_merge(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                         const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n) {
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_object(&b);
		for (uint32_t a = 0; a < nargs; a++) {
			size_t len, kn, xn, rn;
			const uint8_t *v = dyn_at(&args[a], i, &len), *x, *r;
			const char *k;
			dyn_iter it;
			if (dyn_tag(v, len) != DYN_OBJECT || !dyn_iter_init(&it, v, len))
				continue;
			while (dyn_iter_next(&it, &k, &kn, &x, &xn)) {
				bool earlier = false;
				for (uint32_t e = 0; e < a && !earlier; e++) {
					size_t elen;
					const uint8_t *ev = dyn_at(&args[e], i, &elen);
					earlier = dyn_tag(ev, elen) == DYN_OBJECT &&
					          dyn_member(ev, elen, k, kn, &r, &rn);
				}
				if (earlier)
					continue;
				dynb_key(&b, k, kn);
				dynb_raw(&b, x, xn);
			}
		}
		dynb_end(&b);
		if (!(ok = set_built(cx, out, i, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* ---- __member, __index ------------------------------------------------------------ */

/* x[key] of row i: a string key looks up a bag's member, a number an
 * array's element (negative from the end). The result points into x. */
static kstr access(const vec *x, const vec *key, uint32_t i)
{
	size_t len, rn;
	const uint8_t *v = dyn_at(x, i, &len), *r;
	bool found = false;
	if (key->type == KQLITE_TYPE_STRING || key->type == KQLITE_TYPE_DYNAMIC) {
		size_t kn;
		const char *k;
		kstr ks = v_str(key, i);
		if (key->type == KQLITE_TYPE_STRING) {
			k = ks.p ? ks.p : "";
			kn = ks.n;
			found = dyn_member(v, len, k, kn, &r, &rn);
		} else if (dyn_get_string((const uint8_t *)ks.p, ks.n, &k, &kn)) {
			found = dyn_member(v, len, k, kn, &r, &rn);
		} else {
			int64_t idx;
			found = vec_get_i64(key, i, &idx) && dyn_index(v, len, idx, &r, &rn);
		}
	} else {
		int64_t idx;
		found = vec_get_i64(key, i, &idx) && dyn_index(v, len, idx, &r, &rn);
	}
	if (!found || dyn_tag(r, rn) == DYN_NULL)
		return (kstr){NULL, 0};
	return (kstr){(const char *)r, rn};
}

static bool fn_access(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                      const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	(void)nargs;
	if (!vec_alloc(cx, out, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	out->d.s[i] = access(&args[0], &args[1], i);
	return true;
}

/* ---- the table ---------------------------------------------------------------------- */

#define D XF_DETERMINISTIC
const xfn_def xfn_dyn_defs[] = {
    {"parse_json", fn_parse_json, NULL, D},
    {"array_length", fn_array_length, NULL, D},
    {"pack_array", fn_pack_array, NULL, D},
    {"bag_pack", fn_bag_pack, prep_bag_pack, D},
    {"__pack_columns", fn_pack_columns, prep_bag_pack, D},
    {"__pack_columns_nonempty", fn_pack_columns_nonempty, prep_bag_pack, D},
    {"bag_keys", fn_bag_keys, NULL, D},
    {"bag_remove_keys", fn_bag_remove_keys, NULL, D},
    {"array_sort_asc", fn_array_sort_asc, NULL, D},
    {"array_sort_desc", fn_array_sort_desc, NULL, D},
    {"array_concat", fn_array_concat, NULL, D},
    {"array_slice", fn_array_slice, NULL, D},
    {"array_index_of", fn_array_index_of, NULL, D},
    {"set_union", fn_set_union, NULL, D},
    {"set_intersect", fn_set_intersect, NULL, D},
    {"set_difference", fn_set_difference, NULL, D},
    {"array_reverse", fn_array_reverse, NULL, D},
    {"array_rotate_left", fn_array_rotate_left, NULL, D},
    {"array_rotate_right", fn_array_rotate_right, NULL, D},
    {"array_shift_left", fn_array_shift_left, NULL, D},
    {"array_shift_right", fn_array_shift_right, NULL, D},
    {"array_sum", fn_array_sum, NULL, D},
    {"set_has_element", fn_set_has_element, NULL, D},
    {"bag_has_key", fn_bag_has_key, NULL, D},
    {"extract_json", fn_extract_json, NULL, D},
    {"range", fn_range, NULL, D},
    {"unicode_codepoints_to_string", fn_codepoints_to_string, NULL, D},
    {"bag_merge", fn_bag_merge, NULL, D},
    {"__member", fn_access, NULL, D},
    {"__index", fn_access, NULL, D},
    {NULL, NULL, NULL, 0},
};
