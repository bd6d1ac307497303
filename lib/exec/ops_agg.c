/* ops_agg.c -- summarize and distinct: hash aggregation. Each active row's
 * group keys are hashed (XXH3 for text, a 64-bit mixer for numbers) into
 * an open-addressing table of group numbers; a new group appends its keys
 * to key columns and a zeroed state to every aggregate; the aggregates
 * then update their states for the whole batch at once. With no keys
 * there is exactly one group, so `summarize count()` on no rows is 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "engine.h"
#include "functions.h"

typedef struct aitem {
	xagg ag;
	xnode **args;
	char *states;
	size_t cap;          /* groups the states array holds */
} aitem;

typedef struct sum_op {
	xop op;
	xnode **keys;
	uint32_t nkeys;
	table *groups;       /* the key columns */
	uint64_t *hashes;    /* per group */
	uint32_t *slots;     /* group + 1, 0 = empty */
	size_t nslots, ngroups, gcap;
	aitem *aggs;
	uint32_t naggs;
	uint32_t nout;       /* output columns: keys, then aggregates' */
	const column *map_col; /* the dictionary column map is for */
	uint32_t *map;       /* its entries' groups + 1 (0: not seen yet) */
	/* Keys read from dictionary columns (several keys): each entry's hash,
	 * computed once per column, and for each group the address of the
	 * entry its key came from -- the same address is the same value. */
	const column **eh_col;
	uint64_t **eh;
	const char ***kp;
	bool *stable;        /* this batch's key j points into a stored column */
	const uint8_t *out_types;
} sum_op;

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

static uint64_t hash_cell(const vec *v, uint32_t i)
{
	if (v_null(v, i) && type_phys(v->type) != PH_STR)
		return UINT64_C(0x9E3779B97F4A7C15);
	switch (type_phys(v->type)) {
	case PH_BOOL:
		return mix64(v_bool(v, i) + 1);
	case PH_I64:
		return mix64((uint64_t)v_i64(v, i));
	case PH_F64: {
		double d = v_f64(v, i);
		if (d == 0)
			d = 0; /* -0.0 and 0.0 are one group */
		uint64_t u;
		memcpy(&u, &d, 8);
		return mix64(u);
	}
	case PH_GUID:
		return XXH3_64bits(v_guid(v, i), 16);
	case PH_STR: {
		kstr s = v_str(v, i);
		return XXH3_64bits(s.p, s.n);
	}
	default:
		return 0;
	}
}

static bool cell_equal(const column *c, size_t g, const vec *v, uint32_t i)
{
	bool cn = col_is_null(c, g), vn = v_null(v, i) && type_phys(v->type) != PH_STR;
	if (c->type == KQLITE_TYPE_DYNAMIC)
		vn = v_null(v, i);
	if (cn || vn)
		return cn && vn;
	switch (c->type) {
	case KQLITE_TYPE_BOOL:
		return c->v.b[g] == v_bool(v, i);
	case KQLITE_TYPE_INT:
		return c->v.i32[g] == (int32_t)v_i64(v, i);
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
		return c->v.i64[g] == v_i64(v, i);
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		return c->v.f64[g] == v_num(v, i) || (c->v.f64[g] != c->v.f64[g] && v_num(v, i) != v_num(v, i));
	case KQLITE_TYPE_GUID:
		return !memcmp(c->v.guid + 16 * g, v_guid(v, i), 16);
	default: {
		size_t n;
		const char *p = col_bytes(c, g, &n);
		kstr s = v_str(v, i);
		return n == s.n && (n == 0 || !memcmp(p, s.p, n));
	}
	}
}

static bool grow_slots(sum_op *s, xquery *q)
{
	size_t n = s->nslots ? s->nslots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof(uint32_t));
	if (!slots)
		return x_nomem(q);
	for (size_t g = 0; g < s->ngroups; g++) {
		size_t at = s->hashes[g] & (n - 1);
		while (slots[at])
			at = (at + 1) & (n - 1);
		slots[at] = (uint32_t)(g + 1);
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return true;
}

/* Appends a group: its keys (row i of the key vectors) and fresh states. */
static long new_group(sum_op *s, xctx *cx, const vec *kv, uint32_t i, uint64_t h)
{
	if (s->ngroups >= UINT32_MAX - 1)
		return x_error(cx->q, "summarize: too many groups"), -1;
	if (s->ngroups == s->gcap) {
		size_t nc = s->gcap ? s->gcap * 2 : 256;
		uint64_t *hs = realloc(s->hashes, nc * sizeof(uint64_t));
		if (!hs)
			return x_nomem(cx->q), -1;
		s->hashes = hs;
		for (uint32_t a = 0; a < s->naggs; a++) {
			aitem *it = &s->aggs[a];
			size_t sz = it->ag.def->state_size;
			char *st = realloc(it->states, nc * (sz ? sz : 1));
			if (!st)
				return x_nomem(cx->q), -1;
			it->states = st;
			it->cap = nc;
		}
		s->gcap = nc;
	}
	for (uint32_t k = 0; k < s->nkeys; k++)
		if (vec_push(&s->groups->cols[k], &kv[k], i) != 0)
			return x_nomem(cx->q), -1;
	for (uint32_t k = 0; s->kp && k < s->nkeys; k++) {
		if (s->ngroups % 256 == 0) {
			const char **grown = realloc(s->kp[k], (s->ngroups + 256) * sizeof(char *));
			if (!grown)
				return x_nomem(cx->q), -1;
			s->kp[k] = grown;
		}
		s->kp[k][s->ngroups] = s->stable[k] ? v_str(&kv[k], i).p : NULL;
	}
	size_t g = s->ngroups++;
	s->groups->nrows = s->ngroups;
	s->hashes[g] = h;
	for (uint32_t a = 0; a < s->naggs; a++) {
		size_t sz = s->aggs[a].ag.def->state_size;
		if (sz)
			memset(s->aggs[a].states + g * sz, 0, sz);
	}
	if (cx->q->max_memory && table_memory(s->groups) + s->gcap * 64 > cx->q->max_memory) {
		diag_set_nospan(cx->q->d, KQLITE_LIMIT, "the query needs more than --max-memory (%zu bytes) to summarize",
		                cx->q->max_memory);
		return -1;
	}
	return (long)g;
}

/* The group of row i of the key vectors (whose combined hash is h),
 * added when new; -1 on error. */
static long find_or_add(sum_op *s, xctx *cx, const vec *kv, uint32_t i, uint64_t h)
{
	if ((s->ngroups + 1) * 2 > s->nslots && !grow_slots(s, cx->q))
		return -1;
	size_t mask = s->nslots - 1, at = h & mask;
	while (s->slots[at]) {
		uint32_t cand = s->slots[at] - 1;
		if (s->hashes[cand] == h) {
			bool eq = true;
			for (uint32_t j = 0; j < s->nkeys && eq; j++)
				eq = (s->kp && s->stable[j] && s->kp[j][cand] == v_str(&kv[j], i).p) ||
				     cell_equal(&s->groups->cols[j], cand, &kv[j], i);
			if (eq)
				return cand;
		}
		at = (at + 1) & mask;
	}
	long g = new_group(s, cx, kv, i, h);
	if (g >= 0)
		s->slots[at] = (uint32_t)(g + 1);
	return g;
}

/* One key read from a dictionary column: each entry's group is found
 * once and remembered, so rows cost a table lookup. */
static bool groups_by_dict(sum_op *s, xctx *cx, xbatch *b, const column *dc, size_t start, uint32_t *groups)
{
	if (s->map_col != dc) {
		free(s->map);
		s->map = calloc(dc->ndict ? dc->ndict : 1, sizeof(uint32_t));
		if (!s->map)
			return x_nomem(cx->q);
		s->map_col = dc;
	}
	uint32_t k = 0;
	FOR_SEL(i, b->sel, b->n)
	{
		size_t code = col_code(dc, start + i);
		uint32_t g = s->map[code];
		if (!g) {
			kstr value = {dc->heap + dc->v.off[code], (size_t)(dc->v.off[code + 1] - dc->v.off[code])};
			vec one = {.type = KQLITE_TYPE_STRING, .is_const = true, .d.s = &value};
			long found = find_or_add(s, cx, &one, 0, hash_cell(&one, 0));
			if (found < 0)
				return false;
			g = s->map[code] = (uint32_t)found + 1;
		}
		groups[k++] = g - 1;
	}
	return true;
}

/* One integer key without nulls (bin(TimeGenerated, 1h), a long column). */
static bool groups_by_i64(sum_op *s, xctx *cx, xbatch *b, const vec *kv, uint32_t *groups)
{
	uint32_t k = 0;
	const column *c = &s->groups->cols[0];
	FOR_SEL(i, b->sel, b->n)
	{
		int64_t v = v_i64(kv, i);
		uint64_t h = mix64((uint64_t)v);
		long g = -1;
		if (kv->nulls && kv->nulls[vat(kv, i)])
			h = hash_cell(kv, i); /* a null: the general path */
		else if ((s->ngroups + 1) * 2 <= s->nslots) {
			size_t mask = s->nslots - 1, at = h & mask;
			while (s->slots[at]) {
				uint32_t cand = s->slots[at] - 1;
				if ((c->type == KQLITE_TYPE_INT ? c->v.i32[cand] == (int32_t)v : c->v.i64[cand] == v) &&
				    !col_is_null(c, cand)) {
					g = cand;
					break;
				}
				at = (at + 1) & mask;
			}
		}
		if (g < 0 && (g = find_or_add(s, cx, kv, i, h)) < 0)
			return false;
		c = &s->groups->cols[0]; /* it may have grown */
		groups[k++] = (uint32_t)g;
	}
	return true;
}

static bool sum_push(xop *op, xctx *cx, xbatch *b)
{
	sum_op *s = (sum_op *)op;
	if (b->n == 0)
		return true;
	uint32_t *groups = arena_alloc(cx->tmp, b->n * sizeof(uint32_t));
	vec *kv = arena_alloc(cx->tmp, (s->nkeys ? s->nkeys : 1) * sizeof(vec));
	if (!groups || !kv)
		return x_nomem(cx->q);
	size_t start;
	const column *dc;
	if (s->nkeys == 0) {
		if (s->ngroups == 0 && new_group(s, cx, NULL, 0, 0) < 0)
			return false;
		memset(groups, 0, b->n * sizeof(uint32_t));
	} else if (s->nkeys == 1 && xnode_is_col(s->keys[0]) && s->keys[0]->type == KQLITE_TYPE_STRING &&
	           (dc = batch_dict(b, s->keys[0]->col, &start))) {
		if (!groups_by_dict(s, cx, b, dc, start, groups))
			return false;
	} else {
		for (uint32_t k = 0; k < s->nkeys; k++)
			if (!s->keys[k]->eval(cx, s->keys[k], b, b->sel, b->n, &kv[k]))
				return false;
		if (s->nkeys == 1 && type_phys(kv[0].type) == PH_I64) {
			if (!groups_by_i64(s, cx, b, &kv[0], groups))
				return false;
		} else {
			/* keys from dictionary columns hash through their entries */
			const column *dcs[256];
			size_t starts[256];
			for (uint32_t j = 0; j < s->nkeys; j++) {
				dcs[j] = NULL;
				if (s->kp && xnode_is_col(s->keys[j]) && kv[j].type == KQLITE_TYPE_STRING)
					dcs[j] = batch_dict(b, s->keys[j]->col, &starts[j]);
				if (s->stable)
					s->stable[j] = dcs[j] != NULL;
				if (dcs[j] && s->eh_col[j] != dcs[j]) {
					uint64_t *eh = realloc(s->eh[j], (dcs[j]->ndict ? dcs[j]->ndict : 1) * sizeof(uint64_t));
					if (!eh)
						return x_nomem(cx->q);
					for (size_t e = 0; e < dcs[j]->ndict; e++)
						eh[e] = XXH3_64bits(dcs[j]->heap + dcs[j]->v.off[e],
						                    (size_t)(dcs[j]->v.off[e + 1] - dcs[j]->v.off[e]));
					s->eh[j] = eh;
					s->eh_col[j] = dcs[j];
				}
			}
#define KEY_HASH(j, i) (dcs[j] ? s->eh[j][col_code(dcs[j], starts[j] + (i))] : hash_cell(&kv[j], (i)))
			uint32_t k = 0;
			FOR_SEL(i, b->sel, b->n)
			{
				uint64_t h = KEY_HASH(0, i);
				for (uint32_t j = 1; j < s->nkeys; j++)
					h = mix64(h ^ (KEY_HASH(j, i) + UINT64_C(0x9E3779B97F4A7C15) * j));
#undef KEY_HASH
				long g = find_or_add(s, cx, kv, i, h);
				if (g < 0)
					return false;
				groups[k++] = (uint32_t)g;
			}
		}
	}
	for (uint32_t a = 0; a < s->naggs; a++) {
		aitem *it = &s->aggs[a];
		vec *args = arena_alloc(cx->tmp, (it->ag.nargs ? it->ag.nargs : 1) * sizeof(vec));
		if (!args)
			return x_nomem(cx->q);
		for (uint32_t j = 0; j < it->ag.nargs; j++)
			if (!it->args[j]->eval(cx, it->args[j], b, b->sel, b->n, &args[j]))
				return false;
		if (!it->ag.def->update(cx, &it->ag, it->states, groups, args, it->ag.nargs, b->sel, b->n))
			return false;
	}
	return true;
}

static bool sum_finish(xop *op, xctx *cx)
{
	sum_op *s = (sum_op *)op;
	if (s->nkeys == 0 && s->ngroups == 0 && new_group(s, cx, NULL, 0, 0) < 0)
		return false;
	/* the aggregates' columns join the key columns */
	for (uint32_t a = 0; a < s->naggs; a++) {
		aitem *it = &s->aggs[a];
		uint32_t first = (uint32_t)s->groups->ncols;
		for (uint32_t j = 0; j < it->ag.nout; j++)
			if (table_add_column(s->groups, "a", 1, (kqlite_type)it->ag.rtype[j]) < 0)
				return x_nomem(cx->q);
		size_t sz = it->ag.def->state_size;
		for (size_t g = 0; g < s->ngroups; g++)
			if (!it->ag.def->finish(cx->q, &it->ag, it->states + g * sz, &s->groups->cols[first], it->ag.nout))
				return false;
	}
	column **cols = malloc((s->groups->ncols ? s->groups->ncols : 1) * sizeof(column *));
	if (!cols)
		return x_nomem(cx->q);
	for (size_t j = 0; j < s->groups->ncols; j++)
		cols[j] = &s->groups->cols[j];
	bool ok = run_columns(cx, cols, (uint32_t)s->groups->ncols, s->ngroups, op->next);
	free(cols);
	return ok;
}

static void sum_destroy(xop *op)
{
	sum_op *s = (sum_op *)op;
	for (uint32_t a = 0; a < s->naggs; a++) {
		aitem *it = &s->aggs[a];
		if (it->ag.def && it->ag.def->destroy)
			for (size_t g = 0; g < s->ngroups && it->states; g++)
				it->ag.def->destroy(&it->ag, it->states + g * it->ag.def->state_size);
		free(it->states);
		it->states = NULL;
	}
	table_free(s->groups);
	free(s->hashes);
	free(s->slots);
	free(s->map);
	s->map = NULL;
	for (uint32_t k = 0; s->kp && k < s->nkeys; k++) {
		free(s->kp[k]);
		free(s->eh[k]);
		s->kp[k] = NULL;
		s->eh[k] = NULL;
	}
	s->groups = NULL;
	s->hashes = NULL;
	s->slots = NULL;
}

static sum_op *new_sum(planner *p, uint32_t nkeys, const uint8_t *key_types, uint32_t naggs)
{
	sum_op *s = arena_zalloc(p->q->qa, sizeof(*s));
	if (!s)
		return x_nomem(p->q), NULL;
	s->op = (xop){sum_push, sum_finish, sum_destroy, NULL};
	s->nkeys = nkeys;
	s->keys = arena_zalloc(p->q->qa, (nkeys ? nkeys : 1) * sizeof(xnode *));
	s->aggs = arena_zalloc(p->q->qa, (naggs ? naggs : 1) * sizeof(aitem));
	s->groups = table_new("groups", 6);
	if (!s->keys || !s->aggs || !s->groups || !plan_register_op(p, &s->op)) {
		if (s->groups && !s->keys)
			table_free(s->groups);
		return x_nomem(p->q), NULL;
	}
	for (uint32_t k = 0; k < nkeys; k++)
		if (table_add_column(s->groups, "k", 1, (kqlite_type)key_types[k]) < 0)
			return x_nomem(p->q), NULL;
	if (nkeys > 1 && nkeys <= 256) {
		s->eh_col = arena_zalloc(p->q->qa, nkeys * sizeof(column *));
		s->eh = arena_zalloc(p->q->qa, nkeys * sizeof(uint64_t *));
		s->kp = arena_zalloc(p->q->qa, nkeys * sizeof(char **));
		s->stable = arena_zalloc(p->q->qa, nkeys * sizeof(bool));
		if (!s->eh_col || !s->eh || !s->kp || !s->stable)
			return x_nomem(p->q), NULL;
	}
	return s;
}

/* ---- distinct ------------------------------------------------------------------ */

xop *op_distinct(planner *p, uint32_t ncols, const uint8_t *types)
{
	sum_op *s = new_sum(p, ncols, types, 0);
	if (!s)
		return NULL;
	for (uint32_t k = 0; k < ncols; k++)
		if (!(s->keys[k] = col_node(p, NULL, k, types[k])))
			return NULL;
	/* registered already: plan_chain registers again, harmless for destroy? no */
	return &s->op;
}

/* ---- summarize ------------------------------------------------------------------- */

static bool in_output(const bschema *out, uint32_t upto, const char *name, size_t len)
{
	for (uint32_t j = 0; j < upto; j++)
		if (out->cols[j].len == len && !memcmp(out->cols[j].name, name, len))
			return true;
	return false;
}

/* An aggregate call whose nout output columns have types out->cols[*at..]
 * (or, when out is NULL, the one type the binder gave the call). */
static bool add_agg(planner *p, sum_op *s, const ast *value, const xscope *in, const bschema *out, uint32_t *at)
{
	const fn_def *f = fn_lookup(value->text, value->tlen);
	const xagg_def *def = xagg_lookup(f->canonical);
	if (!def)
		return plan_error(p, value, "not supported yet: aggregate %s()", f->canonical);
	aitem *it = &s->aggs[s->naggs];
	it->ag.def = def;
	/* arguments; '*' stands for the input's columns not already in the output */
	uint32_t cap = value->nkids + in->ncols + 1, na = 0;
	it->args = arena_zalloc(p->q->qa, cap * sizeof(xnode *));
	if (!it->args)
		return x_nomem(p->q);
	bool argmax = !strcmp(f->canonical, "arg_max") || !strcmp(f->canonical, "arg_min");
	for (uint32_t i = 0; i < value->nkids; i++) {
		const ast *a = value->kids[i];
		if (a->kind == A_NAMEDARG)
			a = a->kids[0];
		if (a->kind == A_STAR) {
			const ast *first = value->kids[0];
			for (uint32_t c = 0; c < in->ncols; c++) {
				size_t cl = strlen(in->names[c]);
				if (out && in_output(out, s->nkeys, in->names[c], cl))
					continue;
				if (argmax && first->kind == A_NAME && first->tlen == cl && !memcmp(first->text, in->names[c], cl))
					continue;
				if (!(it->args[na++] = col_node(p, a, c, in->types[c])))
					return false;
			}
			continue;
		}
		if (!(it->args[na++] = compile_expr(p, a, in)))
			return false;
	}
	if (na > 64)
		return plan_error(p, value, "not supported yet: more than 64 arguments to %s()", f->canonical);
	it->ag.nargs = na;
	for (uint32_t i = 0; i < na; i++)
		it->ag.argtype[i] = it->args[i]->type;
	uint32_t nout = 1;
	if (!strcmp(f->canonical, "percentiles"))
		nout = na - 1;
	else if (!strcmp(f->canonical, "percentilesw"))
		nout = na - 2; /* value, weight, then the percentages */
	else if (!strcmp(f->canonical, "percentiles_array") || !strcmp(f->canonical, "percentilesw_array"))
		nout = 1;
	else if (f->flags & FNF_EXPANDS)
		nout = na;
	if ((out && *at + nout > out->n) || (!out && nout != 1) || nout > 64)
		return plan_error(p, value, "not supported yet: %s() inside an expression", f->canonical);
	it->ag.nout = nout;
	for (uint32_t j = 0; j < nout; j++) {
		uint8_t t = out ? out->cols[*at + j].type : value->btype;
		it->ag.rtype[j] = t == TYPE_ANY || t == TYPE_ERR ? KQLITE_TYPE_DYNAMIC : t;
	}
	*at += nout;
	if (def->prepare) {
		const vec *consts[64];
		for (uint32_t i = 0; i < na; i++)
			consts[i] = xnode_is_const(it->args[i]) ? &it->args[i]->cval : NULL;
		if (!def->prepare(p->q, &it->ag, it->ag.argtype, consts, na, p->b.d, value->off, value->len))
			return false;
	}
	s->naggs++;
	return true;
}

static bool is_aggregate(planner *p, const ast *n)
{
	if (n->kind != A_CALL || plan_is_user_function(p, n))
		return false;
	const fn_def *f = fn_lookup(n->text, n->tlen);
	return f && f->kind == FN_AGGREGATE;
}

/* The aggregate calls inside an expression, in order, become hidden
 * outputs of the summarize; *count is how many were found. */
static bool collect_aggs(planner *p, sum_op *s, const ast *n, const xscope *in, uint32_t *at, const ast **calls,
                         uint32_t *count, uint32_t max)
{
	if (is_aggregate(p, n)) {
		if (*count == max)
			return plan_error(p, n, "not supported yet: this many aggregates in one summarize");
		calls[(*count)++] = n;
		return add_agg(p, s, n, in, NULL, at);
	}
	for (uint32_t i = 0; i < n->nkids; i++)
		if (n->kids[i] && !collect_aggs(p, s, n->kids[i], in, at, calls, count, max))
			return false;
	return true;
}

bool summarize_into(planner *p, xtab *t, const ast *op, const xscope *in, const bschema *out)
{
	const ast *by = op->kids[2], *aggs = op->kids[1];
	uint32_t nkeys = by ? by->nkids : 0;
	uint8_t key_types[256] = {0};
	if (nkeys > 256)
		return plan_error(p, by, "not supported yet: more than 256 group keys");
	for (uint32_t k = 0; k < nkeys; k++)
		key_types[k] = out->cols[k].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : out->cols[k].type;
	/* Items that are one aggregate call fill output columns directly; an
	 * expression around aggregates (round(avg(x), 2), sum(a) / count())
	 * is computed after, over hidden aggregate columns. */
	enum { MAXA = 512 };
	const ast *calls[MAXA];
	uint32_t ncalls = 0;
	bool direct = true;
	for (uint32_t a = 0; a < aggs->nkids; a++) {
		const ast *it = aggs->kids[a];
		const ast *v = it->kind == A_ASSIGN ? it->kids[0] : it->kind == A_TUPLE_ASSIGN ? it->kids[1] : it;
		direct = direct && is_aggregate(p, v);
	}
	sum_op *s = new_sum(p, nkeys, key_types, direct ? aggs->nkids : MAXA);
	if (!s)
		return false;
	for (uint32_t k = 0; k < nkeys; k++) {
		const ast *it = by->kids[k];
		const ast *e = it->kind == A_ASSIGN ? it->kids[0] : it;
		if (!(s->keys[k] = cast_expr(p, compile_expr(p, e, in), key_types[k])))
			return false;
	}
	uint32_t at = nkeys;
	if (direct) {
		for (uint32_t a = 0; a < aggs->nkids; a++) {
			const ast *it = aggs->kids[a];
			const ast *v = it->kind == A_ASSIGN ? it->kids[0] : it->kind == A_TUPLE_ASSIGN ? it->kids[1] : it;
			if (!add_agg(p, s, v, in, out, &at))
				return false;
		}
		return plan_chain(p, t, &s->op, out);
	}
	for (uint32_t a = 0; a < aggs->nkids; a++) {
		const ast *it = aggs->kids[a];
		if (it->kind == A_TUPLE_ASSIGN)
			return plan_error(p, it, "not supported yet: (a, b) = ... beside an expression around aggregates");
		const ast *v = it->kind == A_ASSIGN ? it->kids[0] : it;
		if (!collect_aggs(p, s, v, in, &at, calls, &ncalls, MAXA))
			return false;
	}
	/* the summarize's own output: keys, then one column per call */
	bschema *mid = sch_new(p->q->qa);
	if (!mid)
		return x_nomem(p->q);
	for (uint32_t k = 0; k < nkeys; k++)
		if (!sch_append(p->q->qa, mid, out->cols[k].name, out->cols[k].len, out->cols[k].type))
			return x_nomem(p->q);
	for (uint32_t c = 0; c < ncalls; c++) {
		char nm[32];
		int nl = snprintf(nm, sizeof(nm), "__agg%u", c);
		char *copy = arena_strndup(p->q->qa, nm, (size_t)nl);
		if (!copy || !sch_append(p->q->qa, mid, copy, (uint32_t)nl, s->aggs[c].ag.rtype[0]))
			return x_nomem(p->q);
	}
	if (!plan_chain(p, t, &s->op, mid))
		return false;
	/* then each output column: a key, or its expression over the calls */
	xscope sc = {t->ncols, t->names, t->types};
	xnode **exprs = arena_alloc(p->q->qa, out->n * sizeof(xnode *));
	if (!exprs)
		return x_nomem(p->q);
	for (uint32_t k = 0; k < nkeys; k++)
		if (!(exprs[k] = col_node(p, op, k, t->types[k])))
			return false;
	p->agg_calls = calls;
	p->nagg_calls = ncalls;
	p->agg_first = nkeys;
	for (uint32_t a = 0; a < aggs->nkids; a++) {
		const ast *it = aggs->kids[a];
		const ast *v = it->kind == A_ASSIGN ? it->kids[0] : it;
		uint8_t want = out->cols[nkeys + a].type == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : out->cols[nkeys + a].type;
		if (!(exprs[nkeys + a] = cast_expr(p, compile_expr(p, v, &sc), want)))
			break;
	}
	p->agg_calls = NULL;
	p->nagg_calls = 0;
	if (p->q->d->code)
		return false;
	return plan_chain(p, t, op_project(p, exprs, out->n), out);
}
