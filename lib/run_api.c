/* run_api.c -- the public API of running queries (kqlite.h): plan and run
 * a prepared statement, and read its result. Each run has its own arenas,
 * binder and error, so statements run on several threads at once over one
 * read-only catalog. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "engine.h"
#include "types.h"
#include "write.h"

struct kqlite_result {
	table *t;
	char *render_kind;
	char **prop_names, **prop_values;
	size_t nprops;
	strbuf scratch;
};

static int64_t clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return TICKS_UNIX_EPOCH + (int64_t)ts.tv_sec * TICKS_PER_SECOND + ts.tv_nsec / 100;
}

typedef struct run {
	arena qa, tmp;
	xquery q;
	planner p;
	xctx cx;
} run;

static void run_init(run *r, kqlite_stmt *st, const kqlite_run_options *o, diag *d)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->qa);
	arena_init(&r->tmp);
	arena_reserve(&r->tmp, 1 << 20);
	r->q.qa = &r->qa;
	r->q.d = d;
	r->q.now = o && o->pin_now ? o->now : clock_now();
	r->q.batch = o && o->batch_rows ? (uint32_t)(o->batch_rows > 65536 ? 65536 : o->batch_rows) : BATCH_DEFAULT;
	r->q.max_memory = o ? o->max_memory : 0;
	r->q.interrupt = o ? o->interrupt : NULL;
	r->p.q = &r->q;
	r->p.cat = st->cat;
	r->p.tmp = &r->tmp;
	r->p.b.a = &r->qa;
	r->p.b.d = d;
	r->p.b.cat = st->cat;
	r->cx = (xctx){&r->q, &r->tmp};
}

static void run_free(run *r)
{
	planner_free(&r->p);
	arena_free(&r->qa);
	arena_free(&r->tmp);
}

void stmt_check_runnable(kqlite_stmt *st)
{
	diag d;
	diag_clear(&d);
	run r;
	run_init(&r, st, NULL, &d);
	r.p.dry = true; /* names and operators only: nothing runs */
	plan_query(&r.p, st->tree.root);
	if (d.code && strncmp(d.msg, "not supported yet", 17) == 0) {
		st->unsupported = strdup(d.msg);
		if (st->unsupported && d.has_span) {
			st->unsupported_span.offset = d.off;
			st->unsupported_span.length = d.len;
			diag_linecol(st->tree.text, st->tree.len, d.off, &st->unsupported_span.line,
			             &st->unsupported_span.column);
		}
	}
	run_free(&r);
}

static char *dup_text(const char *s, size_t n)
{
	char *c = malloc(n + 1);
	if (c) {
		memcpy(c, s, n);
		c[n] = '\0';
	}
	return c;
}

/* render kind with (title="...", xcolumn=x, ycolumns=a, b, ...) */
static bool keep_render(kqlite_result *res, const ast *r)
{
	res->render_kind = dup_text(r->text, r->tlen);
	if (!res->render_kind)
		return false;
	res->prop_names = calloc(r->nkids + 1, sizeof(char *));
	res->prop_values = calloc(r->nkids + 1, sizeof(char *));
	if (!res->prop_names || !res->prop_values)
		return false;
	for (uint32_t i = 0; i < r->nkids; i++) {
		const ast *pr = r->kids[i];
		if (pr->kind != A_PROP)
			continue;
		strbuf b;
		sb_init(&b);
		for (uint32_t k = 0; k < pr->nkids; k++) {
			if (k)
				sb_addc(&b, ',');
			const ast *v = pr->kids[k];
			const char *t = v->text;
			size_t tl = v->tlen;
			if (v->kind == A_LITERAL && v->op == KQLITE_TYPE_STRING && tl >= 2 && (t[0] == '"' || t[0] == '\'') &&
			    t[tl - 1] == t[0])
				t++, tl -= 2; /* a quoted title */
			sb_add(&b, t, tl);
		}
		char *v = b.oom ? NULL : dup_text(b.s ? b.s : "", b.len);
		sb_free(&b);
		char *nm = dup_text(pr->text, pr->tlen);
		if (!v || !nm) {
			free(v);
			free(nm);
			return false;
		}
		res->prop_names[res->nprops] = nm;
		res->prop_values[res->nprops++] = v;
	}
	return true;
}

int kqlite_run(kqlite_stmt *st, const kqlite_run_options *opts, kqlite_result **out)
{
	if (!st || !out)
		return KQLITE_MISUSE;
	*out = NULL;
	diag_clear(&st->err);
	run r;
	run_init(&r, st, opts, &st->err);
	kqlite_result *res = calloc(1, sizeof(*res));
	xtab *t = res ? plan_query(&r.p, st->tree.root) : NULL;
	if (res && t) {
		res->t = table_new("PrimaryResult", 13);
		bool ok = res->t != NULL;
		for (uint32_t i = 0; ok && i < t->ncols; i++)
			ok = table_add_column(res->t, t->names[i], strlen(t->names[i]), (kqlite_type)t->types[i]) >= 0;
		xop *sink = ok ? sink_table(&r.q, res->t) : NULL;
		if (!sink)
			x_nomem(&r.q);
		else if (t->run(t, &r.cx, sink) && t->render && !keep_render(res, t->render))
			x_nomem(&r.q);
	} else if (!res) {
		diag_set_nospan(&st->err, KQLITE_NOMEM, "out of memory");
	}
	run_free(&r);
	if (st->err.code) {
		kqlite_result_free(res);
		return st->err.code;
	}
	*out = res;
	return KQLITE_OK;
}

const char *kqlite_stmt_errmsg(const kqlite_stmt *st)
{
	return st ? st->err.msg : "no statement";
}

int kqlite_stmt_errspan(const kqlite_stmt *st, kqlite_span *out)
{
	if (!st || !out)
		return KQLITE_MISUSE;
	if (!st->err.code || !st->err.has_span)
		return KQLITE_NOTFOUND;
	out->offset = st->err.off;
	out->length = st->err.len;
	diag_linecol(st->tree.text, st->tree.len, st->err.off, &out->line, &out->column);
	return KQLITE_OK;
}

size_t kqlite_result_column_count(const kqlite_result *res)
{
	return res ? res->t->ncols : 0;
}

const char *kqlite_result_column_name(const kqlite_result *res, size_t col)
{
	return res && col < res->t->ncols ? res->t->cols[col].name : NULL;
}

kqlite_type kqlite_result_column_type(const kqlite_result *res, size_t col)
{
	return res && col < res->t->ncols ? res->t->cols[col].type : KQLITE_TYPE_NULL;
}

size_t kqlite_result_row_count(const kqlite_result *res)
{
	return res ? res->t->nrows : 0;
}

int kqlite_result_value(kqlite_result *res, size_t col, size_t row, kqlite_value *out)
{
	if (!res || !out || col >= res->t->ncols || row >= res->t->nrows)
		return KQLITE_MISUSE;
	if (res->scratch.oom)
		sb_free(&res->scratch);
	return column_value(&res->t->cols[col], row, &res->scratch, out);
}

int kqlite_result_column_data(const kqlite_result *res, size_t col, kqlite_column_data *out)
{
	if (!res || !out || col >= res->t->ncols)
		return KQLITE_MISUSE;
	const column *c = &res->t->cols[col];
	memset(out, 0, sizeof(*out));
	out->type = c->type;
	out->rows = c->n;
	out->values = c->v.any;
	out->validity = c->nulls ? c->valid : NULL;
	if (c->type == KQLITE_TYPE_STRING || c->type == KQLITE_TYPE_DYNAMIC) {
		out->offsets = c->v.off;
		out->heap = c->heap ? c->heap : "";
	}
	return KQLITE_OK;
}

int kqlite_result_write(const kqlite_result *res, const char *format, char **out, size_t *len)
{
	if (!res || !format || !out)
		return KQLITE_MISUSE;
	strbuf b;
	sb_init(&b);
	int rc = write_table(&b, res->t, format);
	if (rc != KQLITE_OK) {
		sb_free(&b);
		return rc;
	}
	if (b.oom) {
		sb_free(&b);
		return KQLITE_NOMEM;
	}
	if (len)
		*len = b.len;
	*out = sb_take(&b);
	if (!*out)
		*out = calloc(1, 1);
	return *out ? KQLITE_OK : KQLITE_NOMEM;
}

const char *kqlite_result_render_kind(const kqlite_result *res)
{
	return res ? res->render_kind : NULL;
}

const char *kqlite_result_render_property(const kqlite_result *res, const char *name)
{
	if (!res || !name)
		return NULL;
	for (size_t i = 0; i < res->nprops; i++)
		if (!strcmp(res->prop_names[i], name))
			return res->prop_values[i];
	return NULL;
}

void kqlite_result_free(kqlite_result *res)
{
	if (!res)
		return;
	table_free(res->t);
	free(res->render_kind);
	for (size_t i = 0; i < res->nprops; i++) {
		free(res->prop_names[i]);
		free(res->prop_values[i]);
	}
	free(res->prop_names);
	free(res->prop_values);
	sb_free(&res->scratch);
	free(res);
}
