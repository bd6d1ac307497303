/* ops_evaluate.c -- evaluate PLUGIN(...): bag_unpack.
 *
 * A plugin's output columns depend on the data (an open schema), while the
 * planner compiles what follows against known columns. So the input runs
 * when the query is planned, and the plugin's result becomes a table the
 * rest of the query reads: its columns are then known exactly.
 *
 * bag_unpack(Column [, Prefix] [, columnsConflict] [, ignoredProperties]):
 * every key of the property bags in Column becomes a dynamic column
 * (Prefix + key, in order of first appearance), and Column goes. A key
 * that names an existing column is an error (columnsConflict='error', the
 * default), keeps the existing column ('keep_source') or replaces it
 * ('replace_source').
 *
 * pivot: see below. */
#include <string.h>
#include <xxhash.h>

#include "dyn.h"
#include "engine.h"

typedef struct key {
	const char *name; /* prefix + key, NUL-terminated, in the query arena */
	size_t len;
	long col;         /* its output column */
} key;

/* bag_unpack's keys are found through slot[KEY_SLOTS] (key index + 1, 0:
 * empty; open addressing by hash): every key of every row is looked up. */
#define MAX_KEYS 10000
#define KEY_SLOTS 32768 /* a power of 2, over 2 * MAX_KEYS */

/* The key's index, or -1 with *at the empty slot it would go in. */
static long key_find(const key *keys, const uint32_t *slot, const char *s, size_t len, size_t *at)
{
	size_t i = (size_t)XXH3_64bits(s, len) & (KEY_SLOTS - 1);
	for (; slot[i]; i = (i + 1) & (KEY_SLOTS - 1)) {
		const key *k = &keys[slot[i] - 1];
		if (k->len == len && !memcmp(k->name, s, len))
			return (long)slot[i] - 1;
	}
	*at = i;
	return -1;
}

/* Whether the table a plugin builds passed --max-memory (the error is then
 * set): checked row by row, as keys or pivot values times rows can be far
 * more than the input. */
static bool over_memory(planner *p, const table *out)
{
	if (!p->q->max_memory || table_memory(out) <= p->q->max_memory)
		return false;
	diag_set_nospan(p->q->d, KQLITE_LIMIT, "evaluate: the result needs more than --max-memory (%zu bytes)",
	                p->q->max_memory);
	return true;
}

static bool str_arg(planner *p, const ast *a, const char **s, size_t *len)
{
	xnode *x = compile_expr(p, a, NULL);
	vec v;
	if (!x || !eval_const(p, x, &v))
		return false;
	if (v.type != KQLITE_TYPE_STRING)
		return plan_error(p, a, "bag_unpack: expected a constant string");
	*s = v_str(&v, 0).p;
	*len = v_str(&v, 0).n;
	return true;
}

static bool ignored(const vec *ign, const char *k, size_t kn)
{
	if (!ign || v_null(ign, 0))
		return false;
	kstr d = v_str(ign, 0);
	dyn_iter it;
	if (!dyn_iter_init(&it, (const uint8_t *)d.p, d.n))
		return false;
	const char *ik;
	size_t ikn, vn;
	const uint8_t *v;
	while (dyn_iter_next(&it, &ik, &ikn, &v, &vn)) {
		const char *s;
		size_t n;
		if (dyn_get_string(v, vn, &s, &n) && n == kn && !memcmp(s, k, kn))
			return true;
	}
	return false;
}

static xtab *bag_unpack(planner *p, xtab *t, const ast *call)
{
	const ast *colarg = call->nkids ? call->kids[0] : NULL;
	if (colarg && colarg->kind == A_NAMEDARG)
		colarg = colarg->kids[0];
	if (!colarg || colarg->kind != A_NAME)
		return plan_error(p, call, "bag_unpack takes a dynamic column"), NULL;
	long bag = -1;
	for (uint32_t i = 0; i < t->ncols; i++)
		if (strlen(t->names[i]) == colarg->tlen && !memcmp(t->names[i], colarg->text, colarg->tlen))
			bag = i;
	if (bag < 0 || t->types[bag] != KQLITE_TYPE_DYNAMIC)
		return plan_error(p, colarg, "bag_unpack takes a dynamic column"), NULL;
	const char *prefix = "", *conflict = "error";
	size_t plen = 0, clen = 5;
	vec ign_v, *ign = NULL;
	for (uint32_t i = 1; i < call->nkids; i++) {
		const ast *a = call->kids[i];
		bool named = a->kind == A_NAMEDARG;
		const ast *v = named ? a->kids[0] : a;
		if ((named && ast_text_is(a, "columnsConflict")) || (!named && i == 2)) {
			if (!str_arg(p, v, &conflict, &clen))
				return NULL;
		} else if ((named && ast_text_is(a, "ignoredProperties")) || (!named && i == 3)) {
			xnode *x = compile_expr(p, v, NULL);
			if (!x || !eval_const(p, x, &ign_v))
				return NULL;
			ign = &ign_v;
		} else if ((named && ast_text_is(a, "OutputColumnPrefix")) || (!named && i == 1)) {
			if (!str_arg(p, v, &prefix, &plen))
				return NULL;
		} else {
			return plan_error(p, a, "bag_unpack: unknown argument"), NULL;
		}
	}
	bool keep = clen == 11 && !memcmp(conflict, "keep_source", 11);
	bool replace = clen == 14 && !memcmp(conflict, "replace_source", 14);
	if (!keep && !replace && !(clen == 5 && !memcmp(conflict, "error", 5)))
		return plan_error(p, call, "bag_unpack: columnsConflict is 'error', 'replace_source' or 'keep_source'"), NULL;

	table *in = plan_collect(p, t);
	if (!in || !plan_own_table(p, in))
		return NULL;
	const column *bc = &in->cols[bag];
	table *out = table_new("bag_unpack", 10);
	if (!out || !plan_own_table(p, out))
		return x_nomem(p->q), NULL;
	/* the other columns, then one per key */
	for (size_t j = 0; j < in->ncols; j++)
		if ((long)j != bag && table_add_column(out, in->cols[j].name, strlen(in->cols[j].name), in->cols[j].type) < 0)
			return x_nomem(p->q), NULL;
	key *keys = NULL;
	size_t nkeys = 0, cap = 0, at = 0;
	uint32_t *slot = arena_zalloc(p->q->qa, KEY_SLOTS * sizeof(uint32_t));
	if (!slot)
		return x_nomem(p->q), NULL;
	strbuf nb;
	sb_init(&nb);
	for (size_t r = 0; r < in->nrows; r++) {
		size_t len;
		const uint8_t *v = (const uint8_t *)col_bytes(bc, r, &len);
		dyn_iter it;
		if (col_is_null(bc, r) || dyn_tag(v, len) != DYN_OBJECT || !dyn_iter_init(&it, v, len))
			continue;
		const char *k;
		size_t kn, vn;
		const uint8_t *val;
		while (dyn_iter_next(&it, &k, &kn, &val, &vn)) {
			nb.len = 0;
			sb_add(&nb, prefix, plen);
			sb_add(&nb, k, kn);
			if (nb.oom)
				return sb_free(&nb), x_nomem(p->q), NULL;
			if (key_find(keys, slot, nb.s, nb.len, &at) >= 0 || ignored(ign, k, kn))
				continue;
			long existing = table_find_column(out, nb.s, nb.len);
			if (existing >= 0 && !keep && !replace) {
				plan_error(p, call, "bag_unpack: the key '%.*s' is a column already (give a prefix, or "
				                    "columnsConflict='replace_source' or 'keep_source')", (int)nb.len, nb.s);
				sb_free(&nb);
				return NULL;
			}
			if (nkeys == MAX_KEYS) {
				plan_error(p, call, "bag_unpack: more than %d distinct keys; at most %d columns", MAX_KEYS,
				           MAX_KEYS);
				sb_free(&nb);
				return NULL;
			}
			if (nkeys == cap) {
				size_t nc = cap ? 2 * cap : 16;
				key *g = arena_alloc(p->q->qa, nc * sizeof(key));
				if (!g)
					return sb_free(&nb), x_nomem(p->q), NULL;
				if (nkeys)
					memcpy(g, keys, nkeys * sizeof(key));
				keys = g;
				cap = nc;
			}
			char *name = arena_strndup(p->q->qa, nb.s, nb.len);
			long col = existing >= 0 ? (keep ? -1 : existing)
			                         : table_add_column(out, nb.s, nb.len, KQLITE_TYPE_DYNAMIC);
			if (!name || (existing < 0 && col < 0))
				return sb_free(&nb), x_nomem(p->q), NULL;
			keys[nkeys++] = (key){name, nb.len, col};
			slot[at] = (uint32_t)nkeys;
			/* a replaced column becomes dynamic */
			if (existing >= 0 && replace && out->cols[existing].type != KQLITE_TYPE_DYNAMIC) {
				column fresh;
				if (col_init(&fresh, nb.s, nb.len, KQLITE_TYPE_DYNAMIC) != 0)
					return sb_free(&nb), x_nomem(p->q), NULL;
				col_free(&out->cols[existing]);
				out->cols[existing] = fresh;
			}
		}
	}
	sb_free(&nb);
	/* the rows */
	for (size_t r = 0; r < in->nrows; r++) {
		size_t c = 0;
		for (size_t j = 0; j < in->ncols; j++) {
			if ((long)j == bag)
				continue;
			column *dst = &out->cols[c++];
			bool replaced = false;
			for (size_t k = 0; k < nkeys && !replaced; k++)
				replaced = keys[k].col == (long)(c - 1);
			if (replaced)
				continue; /* filled below */
			if (col_push_from(dst, &in->cols[j], r))
				return x_nomem(p->q), NULL;
		}
		for (size_t k = 0; k < nkeys; k++) {
			if (keys[k].col < 0)
				continue;
			size_t len, vn;
			const uint8_t *v = (const uint8_t *)col_bytes(bc, r, &len), *val;
			column *dst = &out->cols[keys[k].col];
			size_t klen = keys[k].len - plen;
			int rc = !col_is_null(bc, r) && dyn_tag(v, len) == DYN_OBJECT &&
			                 dyn_member(v, len, keys[k].name + plen, klen, &val, &vn)
			             ? col_push_bytes(dst, (const char *)val, vn)
			             : col_push_null(dst);
			if (rc)
				return x_nomem(p->q), NULL;
		}
		out->nrows++;
		if (over_memory(p, out))
			return NULL;
	}
	return plan_table_source(p, out);
}

/* ---- pivot ---------------------------------------------------------------------- */

static bool mentions(const ast *e, const char *name)
{
	if (e->kind == A_NAME && e->tlen == strlen(name) && !memcmp(e->text, name, e->tlen))
		return true;
	for (uint32_t i = 0; i < e->nkids; i++)
		if (e->kids[i] && mentions(e->kids[i], name))
			return true;
	return false;
}

/* pivot(P [, AGG [, C1, C2...]]): one row per (C1, C2...), one column per
 * distinct value of tostring(P) (in order of appearance) holding AGG
 * (count() by default) over those rows; where no row has the value the
 * cell is 0 for count()/dcount()/sum() and null otherwise. Computed as
 * summarize __v = AGG by C..., __p = tostring(P) over the collected input. */
static xtab *pivot(planner *p, xtab *t, const ast *call)
{
	const ast *pc = call->nkids ? call->kids[0] : NULL;
	if (!pc || pc->kind != A_NAME)
		return plan_error(p, call, "pivot takes a column to rotate"), NULL;
	ast *agg = call->nkids > 1 ? call->kids[1] : plan_ast(p, call, A_CALL, "count", 0);
	if (!agg)
		return NULL;
	/* the kept columns: given, or all but the pivot and aggregated ones */
	uint32_t nby = 0;
	ast **by = arena_alloc(p->q->qa, (t->ncols + call->nkids + 2) * sizeof(ast *));
	if (!by)
		return x_nomem(p->q), NULL;
	if (call->nkids > 2) {
		for (uint32_t i = 2; i < call->nkids; i++)
			by[nby++] = call->kids[i];
	} else {
		for (uint32_t i = 0; i < t->ncols; i++) {
			if ((strlen(t->names[i]) == pc->tlen && !memcmp(t->names[i], pc->text, pc->tlen)) ||
			    mentions(agg, t->names[i]))
				continue;
			if (!(by[nby++] = plan_ast(p, call, A_NAME, t->names[i], 0)))
				return NULL;
		}
	}
	ast *sum = plan_ast(p, call, A_SUMMARIZE, NULL, 3), *params = plan_ast(p, call, A_LIST, NULL, 0);
	ast *aggs = plan_ast(p, call, A_LIST, NULL, 1), *blist = plan_ast(p, call, A_LIST, NULL, nby + 1);
	ast *v = plan_ast(p, agg, A_ASSIGN, "__v", 1), *pv = plan_ast(p, pc, A_ASSIGN, "__p", 1);
	ast *ts = plan_ast(p, pc, A_CALL, "tostring", 1);
	if (!sum || !params || !aggs || !blist || !v || !pv || !ts)
		return NULL;
	v->kids[0] = agg;
	aggs->kids[0] = v;
	ts->kids[0] = (ast *)pc;
	pv->kids[0] = ts;
	for (uint32_t i = 0; i < nby; i++)
		blist->kids[i] = by[i];
	blist->kids[nby] = pv;
	sum->kids[0] = params;
	sum->kids[1] = aggs;
	sum->kids[2] = blist;

	table *in = plan_collect(p, t);
	if (!in || !plan_own_table(p, in))
		return NULL;
	const ast *ops[1] = {sum};
	xtab *src = plan_rows_source(p, in);
	xtab *st = src ? plan_pipe(p, src, ops, 1) : NULL;
	table *s = st ? plan_collect(p, st) : NULL;
	if (!s || !plan_own_table(p, s))
		return NULL;
	/* the pivot values (columns) and the kept groups (rows) */
	const column *pcol = &s->cols[nby], *vcol = &s->cols[nby + 1];
	uint32_t *col_of = arena_alloc(p->q->qa, (s->nrows + 1) * sizeof(uint32_t));
	uint32_t *vfirst = arena_alloc(p->q->qa, (s->nrows + 1) * sizeof(uint32_t));
	uint32_t *group = arena_alloc(p->q->qa, (s->nrows + 1) * sizeof(uint32_t));
	uint32_t *gfirst = arena_alloc(p->q->qa, (s->nrows + 1) * sizeof(uint32_t));
	uint32_t pcols = nby;
	if (!col_of || !vfirst || !group || !gfirst)
		return x_nomem(p->q), NULL;
	long nvals = group_rows(s, &pcols, 1, col_of, vfirst);
	long ngroups = group_rows(s, NULL, nby, group, gfirst);
	if (nvals < 0 || ngroups < 0)
		return x_nomem(p->q), NULL;
	if (nvals > 10000)
		return plan_error(p, pc, "pivot: %ld distinct values; at most 10000 columns", nvals), NULL;
	table *out = table_new("pivot", 5);
	if (!out || !plan_own_table(p, out))
		return x_nomem(p->q), NULL;
	for (uint32_t i = 0; i < nby; i++)
		if (table_add_column(out, s->cols[i].name, strlen(s->cols[i].name), s->cols[i].type) < 0)
			return x_nomem(p->q), NULL;
	for (long k = 0; k < nvals; k++) {
		size_t len;
		const char *name = col_bytes(pcol, vfirst[k], &len);
		if (table_find_column(out, name, len) >= 0)
			return plan_error(p, pc, "pivot: the value '%.*s' names a kept column already", (int)len, name), NULL;
		if (table_add_column(out, name, len, vcol->type) < 0)
			return x_nomem(p->q), NULL;
	}
	bool zero = agg->kind == A_CALL && (ast_text_is(agg, "count") || ast_text_is(agg, "dcount") ||
	                                    ast_text_is(agg, "sum") || ast_text_is(agg, "countif"));
	long *cell = arena_alloc(p->q->qa, (size_t)(nvals + 1) * sizeof(long));
	/* link[r]: the next row of r's group (UINT32_MAX: none), so that each
	 * group's rows are found without scanning the rest of s */
	uint32_t *link = arena_alloc(p->q->qa, (s->nrows + 1) * sizeof(uint32_t));
	uint32_t *head = arena_alloc(p->q->qa, ((size_t)ngroups + 1) * sizeof(uint32_t));
	if (!cell || !link || !head)
		return x_nomem(p->q), NULL;
	for (long g = 0; g < ngroups; g++)
		head[g] = UINT32_MAX;
	for (size_t r = s->nrows; r-- > 0;) {
		link[r] = head[group[r]];
		head[group[r]] = (uint32_t)r;
	}
	for (long g = 0; g < ngroups; g++) {
		for (long k = 0; k < nvals; k++)
			cell[k] = -1;
		for (uint32_t r = head[g]; r != UINT32_MAX; r = link[r])
			cell[col_of[r]] = (long)r;
		int rc = 0;
		for (uint32_t i = 0; i < nby && !rc; i++)
			rc = col_push_from(&out->cols[i], &s->cols[i], gfirst[g]);
		for (long k = 0; k < nvals && !rc; k++) {
			column *dst = &out->cols[nby + k];
			if (cell[k] >= 0 && !col_is_null(vcol, (size_t)cell[k]))
				rc = col_push_from(dst, vcol, (size_t)cell[k]);
			else if (zero && vcol->type == KQLITE_TYPE_LONG)
				rc = col_push_long(dst, 0);
			else if (zero && vcol->type == KQLITE_TYPE_INT)
				rc = col_push_int(dst, 0);
			else if (zero && vcol->type == KQLITE_TYPE_REAL)
				rc = col_push_real(dst, 0);
			else
				rc = col_push_null(dst);
		}
		if (rc)
			return x_nomem(p->q), NULL;
		out->nrows++;
		if (over_memory(p, out))
			return NULL;
	}
	return plan_table_source(p, out);
}

xtab *plan_evaluate(planner *p, xtab *t, const ast *op)
{
	if (!bind_operator(&p->b, op, t->bs))
		return NULL;
	const ast *call = op->kids[1];
	if (ast_text_is(call, "bag_unpack"))
		return bag_unpack(p, t, call);
	if (ast_text_is(call, "pivot"))
		return pivot(p, t, call);
	return plan_error(p, call, "not supported yet: evaluate %.*s", (int)call->tlen, call->text), NULL;
}
