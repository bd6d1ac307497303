/* expr.c -- compiles a bound scalar expression into a tree of typed
 * kernels (xnode), once per query: literals become constant vectors,
 * names become column reads or let-bound values, operators and calls
 * pick the kernel for their operand types, and any node whose inputs are
 * all constant is evaluated once and replaced by its value (so ago(14d)
 * and Now - 1d cost nothing per row). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "engine.h"
#include "functions.h"
#include "lex.h"
#include "types.h"

/* ---- leaf kernels ----------------------------------------------------------- */

static bool k_const(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	(void)cx, (void)b, (void)sel, (void)n;
	*out = x->cval;
	return true;
}

bool xnode_is_const(const xnode *x)
{
	return x->eval == k_const;
}

static bool k_col(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	(void)sel, (void)n;
	const vec *v = batch_col(cx, b, x->col);
	if (!v)
		return false;
	*out = *v;
	return true;
}

bool xnode_is_col(const xnode *x)
{
	return x->eval == k_col;
}

static bool k_call(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec *args = arena_alloc(cx->tmp, (x->nkids ? x->nkids : 1) * sizeof(vec));
	if (!args)
		return x_nomem(cx->q);
	for (uint32_t i = 0; i < x->nkids; i++)
		if (!x->kids[i]->eval(cx, x->kids[i], b, sel, n, &args[i]))
			return false;
	memset(out, 0, sizeof(*out));
	out->type = x->type;
	if (!x->call.def->fn(cx, &x->call, args, x->nkids, sel, n, b->rows, out))
		return false;
	out->type = x->type;
	return true;
}

static bool k_cast(xctx *cx, xnode *x, xbatch *b, const uint32_t *sel, uint32_t n, vec *out)
{
	vec v;
	if (!x->kids[0]->eval(cx, x->kids[0], b, sel, n, &v))
		return false;
	memset(out, 0, sizeof(*out));
	out->type = x->type;
	return vec_cast(cx, &v, x->type, sel, n, b->rows, out);
}

/* ---- node construction ------------------------------------------------------- */

static xnode *node(planner *p, const ast *src, uint8_t type, xeval eval, uint32_t nkids)
{
	xnode *x = arena_zalloc(p->q->qa, sizeof(*x));
	if (x && nkids) {
		x->kids = arena_zalloc(p->q->qa, nkids * sizeof(xnode *));
		if (!x->kids)
			x = NULL;
	}
	if (!x) {
		x_nomem(p->q);
		return NULL;
	}
	x->src = src;
	x->type = type;
	x->eval = eval;
	x->nkids = nkids;
	return x;
}

xnode *const_node(planner *p, const ast *src, const vec *v)
{
	xnode *x = node(p, src, v->type, k_const, 0);
	if (x)
		x->cval = *v;
	return x;
}

/* A constant vector of one value, in the query arena. */
static bool const_vec(planner *p, uint8_t type, vec *out)
{
	memset(out, 0, sizeof(*out));
	out->type = type;
	out->is_const = true;
	out->d.any = arena_zalloc(p->q->qa, 16);
	return out->d.any ? true : x_nomem(p->q);
}

bool eval_const(planner *p, xnode *x, vec *out)
{
	if (xnode_is_const(x)) {
		*out = x->cval;
		return true;
	}
	/* One row, no columns; results land in the query arena so they last. */
	xctx cx = {p->q, p->q->qa};
	xbatch b = {.rows = 1, .n = 1};
	vec v;
	if (!x->eval(&cx, x, &b, NULL, 1, &v))
		return false;
	/* Copy row 0 into a fresh constant (kernels may share arrays). */
	if (!const_vec(p, v.type, out))
		return false;
	if (v_null(&v, 0) && type_phys(v.type) != PH_STR) {
		*out = vec_const_null(v.type);
		return true;
	}
	switch (type_phys(v.type)) {
	case PH_BOOL: out->d.b[0] = v_bool(&v, 0); break;
	case PH_I64: out->d.i[0] = v_i64(&v, 0); break;
	case PH_F64: out->d.f[0] = v_f64(&v, 0); break;
	case PH_GUID: memcpy(out->d.g[0], v_guid(&v, 0), 16); break;
	case PH_STR: {
		kstr s = v_str(&v, 0);
		char *c = arena_strndup(p->q->qa, s.p, s.n);
		if (!c)
			return x_nomem(p->q);
		out->d.s[0] = (kstr){c, s.n};
		break;
	}
	default:
		*out = vec_const_null(v.type);
	}
	return true;
}

/* Replaces x by its value when every kid is constant. */
static xnode *fold(planner *p, xnode *x)
{
	if (!x)
		return NULL;
	for (uint32_t i = 0; i < x->nkids; i++)
		if (!xnode_is_const(x->kids[i]))
			return x;
	if (x->eval == k_call && !(x->call.def->flags & XF_DETERMINISTIC))
		return x;
	vec v;
	if (!eval_const(p, x, &v))
		return NULL;
	v.type = x->type == TYPE_ANY ? v.type : x->type;
	return const_node(p, x->src, &v);
}

/* ---- literals ---------------------------------------------------------------- */

static bool body_of(const ast *n, const char **s, size_t *len)
{
	const char *lp = memchr(n->text, '(', n->tlen);
	if (!lp)
		return false;
	*s = lp + 1;
	*len = (size_t)(n->text + n->tlen - 1 - *s);
	while (*len && strchr(" \t\r\n", (*s)[0]))
		(*s)++, (*len)--;
	while (*len && strchr(" \t\r\n", (*s)[*len - 1]))
		(*len)--;
	/* a quoted body: datetime("2021-01-01") */
	if (*len >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') && (*s)[*len - 1] == (*s)[0])
		(*s)++, *len -= 2;
	return true;
}

static bool parse_long(const char *s, size_t len, int64_t *out)
{
	char buf[72];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	bool hex = (len > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'));
	if (hex) {
		unsigned long long u = strtoull(buf, &end, 16);
		*out = (int64_t)u;
	} else {
		long long v = strtoll(buf, &end, 10);
		*out = v;
	}
	return *end == '\0' && errno == 0;
}

static bool parse_double(const char *s, size_t len, double *out)
{
	char buf[72];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	*out = strtod(buf, &end);
	return *end == '\0';
}

/* dynamic(...) bodies are JSON plus KQL's own spellings: strings in single
 * quotes, and typed literals (datetime(2021-01-01), 1d, guid(...)) that
 * become their string forms. Rewrites the body as JSON. */
static bool kql_json(const char **sp, const char *e, strbuf *out, int depth)
{
	const char *s = *sp;
	while (s < e && strchr(" \t\r\n", *s))
		s++;
	if (s == e || depth > 256)
		return false;
	if (*s == '[' || *s == '{') {
		char close = *s == '[' ? ']' : '}';
		sb_addc(out, *s++);
		for (bool first = true;; first = false) {
			while (s < e && strchr(" \t\r\n", *s))
				s++;
			if (s < e && *s == close) {
				sb_addc(out, *s++);
				break;
			}
			if (!first) {
				if (s == e || *s != ',')
					return false;
				sb_addc(out, *s++);
			}
			if (!kql_json(&s, e, out, depth + 1))
				return false;
			if (close == '}') {
				while (s < e && strchr(" \t\r\n", *s))
					s++;
				if (s == e || *s != ':')
					return false;
				sb_addc(out, *s++);
				if (!kql_json(&s, e, out, depth + 1))
					return false;
			}
		}
		*sp = s;
		return true;
	}
	if (*s == '"' || *s == '\'') {
		char q = *s++;
		sb_addc(out, '"');
		while (s < e && *s != q) {
			if (*s == '\\' && s + 1 < e) {
				if (s[1] == '\'') {
					sb_addc(out, '\'');
				} else {
					sb_addc(out, '\\');
					sb_addc(out, s[1]);
				}
				s += 2;
				continue;
			}
			if (*s == '"')
				sb_addc(out, '\\');
			sb_addc(out, *s++);
		}
		if (s == e)
			return false;
		sb_addc(out, '"');
		*sp = s + 1;
		return true;
	}
	/* a bare word: number, true/false/null, or a typed literal */
	const char *w = s;
	int paren = 0;
	while (s < e && (paren || !strchr(",]} \t\r\n:", *s))) {
		if (*s == '(')
			paren++;
		else if (*s == ')')
			paren--;
		s++;
	}
	size_t wl = (size_t)(s - w);
	char buf[40];
	int64_t ticks;
	const char *lp = memchr(w, '(', wl);
	if (lp) {
		const char *body = lp + 1;
		size_t bl = (size_t)(w + wl - 1 - body);
		while (bl && (body[0] == ' ' || body[0] == '"' || body[0] == '\''))
			body++, bl--;
		while (bl && (body[bl - 1] == ' ' || body[bl - 1] == '"' || body[bl - 1] == '\''))
			bl--;
		if (!strncmp(w, "datetime(", 9) && datetime_parse(body, bl, &ticks)) {
			sb_addc(out, '"');
			sb_add(out, buf, datetime_format(ticks, buf));
			sb_addc(out, '"');
		} else if (!strncmp(w, "timespan(", 9) && timespan_parse(body, bl, &ticks)) {
			sb_addc(out, '"');
			sb_add(out, buf, timespan_format(ticks, buf));
			sb_addc(out, '"');
		} else if (!strncmp(w, "guid(", 5) || !strncmp(w, "string(", 7)) {
			sb_addc(out, '"');
			sb_add(out, body, bl);
			sb_addc(out, '"');
		} else {
			sb_add(out, body, bl); /* long(5), real(1.5), bool(true) */
		}
	} else if (wl && timespan_parse(w, wl, &ticks) && !(w[wl - 1] >= '0' && w[wl - 1] <= '9')) {
		sb_addc(out, '"');
		sb_add(out, buf, timespan_format(ticks, buf));
		sb_addc(out, '"');
	} else {
		sb_add(out, w, wl);
	}
	*sp = s;
	return wl > 0;
}

static bool dynamic_body(const char *body, size_t blen, strbuf *out)
{
	size_t bad;
	if (dyn_from_json(body, blen, out, &bad))
		return true;
	strbuf json;
	sb_init(&json);
	const char *s = body, *e = body + blen;
	bool ok = kql_json(&s, e, &json, 0);
	while (ok && s < e && strchr(" \t\r\n", *s))
		s++;
	ok = ok && s == e && !json.oom && dyn_from_json(json.s, json.len, out, &bad);
	sb_free(&json);
	return ok;
}

static xnode *literal(planner *p, const ast *n)
{
	uint8_t type = (uint8_t)n->op;
	vec v;
	if (n->flags & LIT_NULL) {
		v = vec_const_null(type);
		return const_node(p, n, &v);
	}
	if (!const_vec(p, type, &v))
		return NULL;
	const char *s = n->text;
	size_t len = n->tlen;
	if ((n->flags & LIT_TYPED) && !body_of(n, &s, &len)) {
		plan_error(p, n, "invalid literal");
		return NULL;
	}
	bool ok = true;
	switch (type) {
	case KQLITE_TYPE_STRING: {
		char *c = arena_strndup(p->q->qa, s, len);
		if (!c)
			return x_nomem(p->q), NULL;
		v.d.s[0] = (kstr){c, len};
		break;
	}
	case KQLITE_TYPE_BOOL:
		v.d.b[0] = (len == 4 && !memcmp(s, "true", 4)) || (len == 1 && s[0] == '1');
		break;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
		ok = parse_long(s, len, &v.d.i[0]);
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		ok = parse_double(s, len, &v.d.f[0]);
		break;
	case KQLITE_TYPE_DATETIME:
		ok = datetime_parse(s, len, &v.d.i[0]);
		break;
	case KQLITE_TYPE_TIMESPAN:
		ok = timespan_parse(s, len, &v.d.i[0]);
		break;
	case KQLITE_TYPE_GUID:
		ok = guid_parse(s, len, v.d.g[0]);
		break;
	case KQLITE_TYPE_DYNAMIC: {
		/* the body is JSON; KQL's single-quoted strings are not read yet */
		strbuf b;
		sb_init(&b);
		const char *lp = memchr(n->text, '(', n->tlen);
		const char *body = lp + 1;
		size_t blen = (size_t)(n->text + n->tlen - 1 - body);
		ok = dynamic_body(body, blen, &b);
		if (ok) {
			size_t bl = b.len;
			char *c = arena_strndup(p->q->qa, b.s ? b.s : "", bl);
			sb_free(&b);
			if (!c)
				return x_nomem(p->q), NULL;
			v.d.s[0] = (kstr){c, bl};
		} else {
			sb_free(&b);
			plan_error(p, n, "invalid dynamic literal");
			return NULL;
		}
		break;
	}
	default:
		ok = false;
	}
	if (!ok) {
		plan_error(p, n, "invalid %s literal", kqlite_type_name((kqlite_type)type));
		return NULL;
	}
	return const_node(p, n, &v);
}

/* ---- operators -------------------------------------------------------------- */

static xnode *cast_to(planner *p, xnode *x, uint8_t type)
{
	if (!x || x->type == type)
		return x;
	xnode *c = node(p, x->src, type, k_cast, 1);
	if (!c)
		return NULL;
	c->kids[0] = x;
	return fold(p, c);
}

xnode *cast_expr(planner *p, xnode *x, uint8_t type)
{
	if (!x || type == TYPE_ANY || type == TYPE_ERR || type == KQLITE_TYPE_NULL || type == KQLITE_TYPE_UNKNOWN)
		return x;
	return x->type == type ? x : cast_to(p, x, type);
}

static bool is_num(uint8_t t)
{
	int ph = type_phys(t);
	return ph == PH_I64 || ph == PH_F64 || ph == PH_BOOL;
}

static xnode *compare(planner *p, const ast *n, xnode *l, xnode *r)
{
	/* a dynamic side takes the other side's type; guid vs string compares text */
	if (l->type == KQLITE_TYPE_DYNAMIC && r->type != KQLITE_TYPE_DYNAMIC && r->type != KQLITE_TYPE_NULL)
		l = cast_to(p, l, r->type);
	else if (r->type == KQLITE_TYPE_DYNAMIC && l->type != KQLITE_TYPE_DYNAMIC && l->type != KQLITE_TYPE_NULL)
		r = cast_to(p, r, l->type);
	else if ((l->type == KQLITE_TYPE_GUID) != (r->type == KQLITE_TYPE_GUID) || (is_num(l->type) != is_num(r->type) && l->type != KQLITE_TYPE_NULL && r->type != KQLITE_TYPE_NULL)) {
		l = cast_to(p, l, KQLITE_TYPE_STRING);
		r = cast_to(p, r, KQLITE_TYPE_STRING);
	}
	if (!l || !r)
		return NULL;
	xeval k = pick_compare(l->type, r->type);
	if (!k) {
		plan_error(p, n, "not supported yet: comparing %s with %s", kqlite_type_name((kqlite_type)l->type),
		           kqlite_type_name((kqlite_type)r->type));
		return NULL;
	}
	xnode *x = node(p, n, KQLITE_TYPE_BOOL, k, 2);
	if (!x)
		return NULL;
	x->op = n->op;
	x->kids[0] = l, x->kids[1] = r;
	return fold(p, x);
}

static xnode *binary(planner *p, const ast *n, const xscope *sc)
{
	int op = n->op;
	if (n->kids[0]->kind == A_STAR) {
		plan_error(p, n, "not supported yet: '*' as an operand (search-style terms)");
		return NULL;
	}
	xnode *l = compile_expr(p, n->kids[0], sc);
	xnode *r = l ? compile_expr(p, n->kids[1], sc) : NULL;
	if (!r)
		return NULL;
	switch (op) {
	case OP_AND:
	case OP_OR: {
		xnode *x = node(p, n, KQLITE_TYPE_BOOL, pick_logic(), 2);
		if (!x)
			return NULL;
		x->op = (uint16_t)op;
		x->kids[0] = l, x->kids[1] = r;
		return fold(p, x);
	}
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: {
		uint8_t t = n->btype;
		if (t == TYPE_ANY || t == TYPE_ERR)
			t = l->type == KQLITE_TYPE_REAL || r->type == KQLITE_TYPE_REAL ? KQLITE_TYPE_REAL : KQLITE_TYPE_LONG;
		/* a bool (next to a dynamic, which the binder lets through) counts as 0 or 1 */
		if (l->type == KQLITE_TYPE_BOOL)
			l = cast_to(p, l, KQLITE_TYPE_LONG);
		if (l && r->type == KQLITE_TYPE_BOOL)
			r = cast_to(p, r, KQLITE_TYPE_LONG);
		if (!l || !r)
			return NULL;
		if (l->type == KQLITE_TYPE_DYNAMIC)
			l = cast_to(p, l, type_phys(r->type) == PH_F64 ? KQLITE_TYPE_REAL : KQLITE_TYPE_LONG);
		if (r && r->type == KQLITE_TYPE_DYNAMIC)
			r = cast_to(p, r, type_phys(l->type) == PH_F64 ? KQLITE_TYPE_REAL : KQLITE_TYPE_LONG);
		if (!l || !r)
			return NULL;
		/* the binder lets a string through beside an operand it cannot type
		 * (typeof(string) as a value): no arithmetic reads text */
		if (type_phys(l->type) == PH_STR || type_phys(r->type) == PH_STR || l->type == KQLITE_TYPE_GUID ||
		    r->type == KQLITE_TYPE_GUID)
			return plan_error(p, n, "operator '%s' cannot be applied to %s and %s", lex_op_text(op),
			                  kqlite_type_name((kqlite_type)l->type), kqlite_type_name((kqlite_type)r->type)),
			       NULL;
		xnode *x = node(p, n, t, pick_arith(l->type, r->type, t), 2);
		if (!x)
			return NULL;
		x->op = (uint16_t)op;
		x->kids[0] = l, x->kids[1] = r;
		return fold(p, x);
	}
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		return compare(p, n, l, r);
	default:
		break;
	}
	/* string operators read both sides as text */
	l = cast_to(p, l, KQLITE_TYPE_STRING);
	r = l ? cast_to(p, r, KQLITE_TYPE_STRING) : NULL;
	if (!r)
		return NULL;
	xnode *x = node(p, n, KQLITE_TYPE_BOOL, NULL, 2);
	if (!x)
		return NULL;
	x->op = (uint16_t)op;
	x->kids[0] = l, x->kids[1] = r;
	if (op == OP_MATCHES) {
		if (!compile_regex(p, x))
			return NULL;
	} else if (op == OP_LIKE || op == OP_NLIKE) {
		plan_error(p, n, "not supported yet: operator %s", lex_op_text(op));
		return NULL;
	} else if (!compile_strop(p, x)) {
		return NULL;
	}
	return fold(p, x);
}

static xnode *in_list(planner *p, const ast *n, const xscope *sc)
{
	xnode *l = compile_expr(p, n->kids[0], sc);
	if (!l)
		return NULL;
	bool hasop = n->op == OP_HAS_ANY || n->op == OP_HAS_ALL;
	if (hasop || n->op == OP_IN_CI || n->op == OP_NIN_CI || l->type == KQLITE_TYPE_DYNAMIC)
		l = cast_to(p, l, KQLITE_TYPE_STRING);
	if (!l)
		return NULL;
	uint32_t cap = n->nkids, nitems = 0;
	vec *items = arena_alloc(p->q->qa, cap * sizeof(vec));
	if (!items)
		return x_nomem(p->q), NULL;
	for (uint32_t i = 1; i < n->nkids; i++) {
		const ast *it = n->kids[i];
		if (plan_is_tabular(p, it)) {
			table *t = plan_run_table(p, it);
			if (!t)
				return NULL;
			if (t->ncols == 0)
				continue;
			column *c = &t->cols[0];
			vec *grown = arena_alloc(p->q->qa, (cap + c->n) * sizeof(vec));
			if (!grown)
				return x_nomem(p->q), NULL;
			memcpy(grown, items, nitems * sizeof(vec));
			items = grown;
			cap += (uint32_t)c->n;
			for (size_t r = 0; r < c->n; r++) {
				xctx cx = {p->q, p->q->qa};
				bcolref ref;
				colref_init(&ref, c, r);
				xbatch b = {.rows = 1, .n = 1, .ncols = 1, .cols = &ref};
				const vec *v = batch_col(&cx, &b, 0);
				if (!v)
					return NULL;
				items[nitems] = *v;
				items[nitems].is_const = true;
				nitems++;
			}
			continue;
		}
		xnode *e = compile_expr(p, it, sc);
		if (!e)
			return NULL;
		if (!xnode_is_const(e)) {
			plan_error(p, it, "not supported yet: a list item that is not a constant");
			return NULL;
		}
		items[nitems++] = e->cval;
	}
	xnode *x = node(p, n, KQLITE_TYPE_BOOL, NULL, 1);
	if (!x)
		return NULL;
	x->op = n->op;
	x->kids[0] = l;
	if (!compile_in(p, x, items, nitems, l->type))
		return NULL;
	return fold(p, x);
}

static xnode *between(planner *p, const ast *n, const xscope *sc)
{
	xnode *x = node(p, n, KQLITE_TYPE_BOOL, pick_between(), 3);
	if (!x)
		return NULL;
	x->op = n->op;
	for (int i = 0; i < 3; i++)
		if (!(x->kids[i] = compile_expr(p, n->kids[i], sc)))
			return NULL;
	return fold(p, x);
}

/* ---- calls -------------------------------------------------------------------- */

static long scope_find(const xscope *sc, const char *name, size_t len)
{
	if (!sc)
		return -1;
	for (uint32_t i = 0; i < sc->ncols; i++)
		if (strlen(sc->names[i]) == len && !memcmp(sc->names[i], name, len))
			return (long)i;
	return -1;
}


static xnode *call_impl(planner *p, const ast *n, const char *name, xnode **args, uint32_t nargs, uint8_t rtype)
{
	const xfn_def *def = xfn_lookup(name);
	if (!def) {
		plan_error(p, n, "not supported yet: function %s()", name);
		return NULL;
	}
	xnode *x = node(p, n, rtype, k_call, nargs);
	if (!x)
		return NULL;
	if (nargs)
		memcpy(x->kids, args, nargs * sizeof(xnode *));
	x->call.def = def;
	x->call.rtype = rtype;
	if (def->prepare) {
		uint8_t types[128];
		const vec *consts[128];
		for (uint32_t i = 0; i < nargs && i < 128; i++) {
			types[i] = args[i]->type;
			consts[i] = xnode_is_const(args[i]) ? &args[i]->cval : NULL;
		}
		bool ok = def->prepare(p->q, &x->call, types, consts, nargs, p->b.d, n->off, n->len);
		/* what prepare kept is freed with the plan, even when it failed */
		if (x->call.cleanup && !plan_register_call(p, &x->call)) {
			x->call.cleanup(x->call.state);
			return NULL;
		}
		if (!ok)
			return NULL;
	}
	return fold(p, x);
}

/* Functions of the row rather than of their arguments:
 *   ingestion_time()   offline there is no ingestion: the row's
 *                      TimeGenerated (null when the row has none)
 *   column_ifexists(name, default)   the column if the row has it
 *   pack_all([ignore_null_empty])    a bag of every column (without the
 *                                    null and empty values) */
static xnode *row_call(planner *p, const ast *n, const xscope *sc)
{
	uint8_t rtype = n->btype == TYPE_ANY || n->btype == TYPE_ERR ? KQLITE_TYPE_DYNAMIC : n->btype;
	if (ast_text_is(n, "ingestion_time")) {
		long c = scope_find(sc, "TimeGenerated", 13);
		if (c >= 0 && sc->types[c] == KQLITE_TYPE_DATETIME)
			return col_node(p, n, (uint32_t)c, KQLITE_TYPE_DATETIME);
		vec v = vec_const_null(KQLITE_TYPE_DATETIME);
		return const_node(p, n, &v);
	}
	if (ast_text_is(n, "column_ifexists")) {
		xnode *name = compile_expr(p, n->kids[0], NULL); /* constants only */
		vec v;
		if (!name || !eval_const(p, name, &v))
			return NULL;
		if (v.type != KQLITE_TYPE_STRING || v_null(&v, 0))
			return plan_error(p, n->kids[0], "column_ifexists() takes the column's name as a constant string"),
			       NULL;
		long c = scope_find(sc, v.d.s[0].p, v.d.s[0].n);
		xnode *x = c >= 0 ? col_node(p, n, (uint32_t)c, sc->types[c]) : compile_expr(p, n->kids[1], sc);
		return x ? cast_expr(p, x, rtype) : NULL;
	}
	/* pack_all([ignore_null_empty]): ("A", A, "B", B, ...) into a bag */
	bool skip_empty = false;
	if (n->nkids) {
		xnode *flag = compile_expr(p, n->kids[0], NULL); /* constants only */
		vec v;
		if (!flag || !eval_const(p, flag, &v))
			return NULL;
		if (v.type != KQLITE_TYPE_BOOL || v_null(&v, 0))
			return plan_error(p, n->kids[0], "pack_all() takes a constant bool (ignore_null_empty)"), NULL;
		skip_empty = v_bool(&v, 0);
	}
	uint32_t nc = sc ? sc->ncols : 0;
	xnode **args = arena_alloc(p->q->qa, (2 * nc + 1) * sizeof(xnode *));
	if (!args)
		return x_nomem(p->q), NULL;
	for (uint32_t i = 0; i < nc; i++) {
		vec key;
		if (!vec_const_str(p->q->qa, &key, sc->names[i], strlen(sc->names[i])) ||
		    !(args[2 * i] = const_node(p, n, &key)) || !(args[2 * i + 1] = col_node(p, n, i, sc->types[i])))
			return x_nomem(p->q), NULL;
	}
	return call_impl(p, n, skip_empty ? "__pack_columns_nonempty" : "__pack_columns", args, 2 * nc,
	                 KQLITE_TYPE_DYNAMIC);
}

xnode *plan_call(planner *p, const ast *n, const char *name, xnode **args, uint32_t nargs, uint8_t rtype)
{
	return call_impl(p, n, name, args, nargs, rtype);
}

static bool fn_is_tabular_call(const ast *n)
{
	const fn_def *f = fn_lookup(n->text, n->tlen);
	return !f || (f->flags & FNF_TABULAR) || f->kind != FN_SCALAR;
}

static xnode *call(planner *p, const ast *n, const xscope *sc)
{
	for (uint32_t i = 0; i < p->nagg_calls; i++)
		if (p->agg_calls[i] == n)
			return col_node(p, n, p->agg_first + i, sc->types[p->agg_first + i]);
	if (plan_is_user_function(p, n))
		return plan_user_scalar(p, n, sc);
	if (ast_text_is(n, "toscalar") && n->nkids == 1 && !plan_is_tabular(p, n->kids[0]) &&
	    n->kids[0]->kind == A_CALL && !fn_is_tabular_call(n->kids[0]))
		return compile_expr(p, n->kids[0], NULL); /* toscalar(array_length(x)): a scalar already */
	if (ast_text_is(n, "toscalar")) {
		table *t = plan_run_table(p, n->kids[0]);
		if (!t)
			return NULL;
		vec v = vec_const_null(n->btype == TYPE_ANY ? KQLITE_TYPE_DYNAMIC : n->btype);
		if (t->ncols && t->nrows) {
			xctx cx = {p->q, p->q->qa};
			bcolref ref;
			colref_init(&ref, &t->cols[0], 0);
			xbatch b = {.rows = 1, .n = 1, .ncols = 1, .cols = &ref};
			const vec *c = batch_col(&cx, &b, 0);
			if (!c)
				return NULL;
			v = *c;
			v.is_const = true;
		}
		return const_node(p, n, &v);
	}
	if (ast_text_is(n, "ingestion_time") || ast_text_is(n, "column_ifexists") || ast_text_is(n, "pack_all"))
		return row_call(p, n, sc);
	kqlite_type conv;
	if (ast_text_is(n, "typeof") && n->nkids == 1 &&
	    type_from_name(n->kids[0]->text, n->kids[0]->tlen, &conv)) {
		vec v = vec_const_null((uint8_t)conv); /* a type as a value: a typed null */
		return const_node(p, n, &v);
	}
	if (type_from_name(n->text, n->tlen, &conv) && n->nkids == 1) {
		xnode *a = compile_expr(p, n->kids[0], sc);
		return a ? cast_to(p, a, (uint8_t)conv) : NULL;
	}
	const fn_def *f = fn_lookup(n->text, n->tlen);
	if (!f) {
		plan_error(p, n, "unknown function '%.*s'", (int)n->tlen, n->text);
		return NULL;
	}
	if (f->kind != FN_SCALAR && !(f->kind == FN_WINDOW && p->window_ok)) {
		plan_error(p, n, "not supported yet: %s() here", f->name);
		return NULL;
	}
	xnode *args[128];
	if (n->nkids > 128) {
		plan_error(p, n, "too many arguments");
		return NULL;
	}
	for (uint32_t i = 0; i < n->nkids; i++) {
		const ast *a = n->kids[i];
		if (a->kind == A_NAMEDARG)
			a = a->kids[0];
		if (a->kind == A_STAR) {
			plan_error(p, a, "not supported yet: '*' as an argument of %s()", f->name);
			return NULL;
		}
		if (!(args[i] = compile_expr(p, a, sc)))
			return NULL;
	}
	uint8_t rtype = n->btype;
	if (rtype == TYPE_ANY || rtype == TYPE_ERR)
		rtype = KQLITE_TYPE_DYNAMIC;
	return call_impl(p, n, f->canonical, args, n->nkids, rtype);
}

/* x.name and x["name"], x[i] */
static xnode *member(planner *p, const ast *n, const xscope *sc)
{
	xnode *target = compile_expr(p, n->kids[0], sc);
	if (!target)
		return NULL;
	if (target->type != KQLITE_TYPE_DYNAMIC)
		target = cast_to(p, target, KQLITE_TYPE_DYNAMIC);
	vec key;
	if (!target || !const_vec(p, KQLITE_TYPE_STRING, &key))
		return NULL;
	char *k = arena_strndup(p->q->qa, n->text, n->tlen);
	if (!k)
		return x_nomem(p->q), NULL;
	key.d.s[0] = (kstr){k, n->tlen};
	xnode *args[2] = {target, const_node(p, n, &key)};
	if (!args[1])
		return NULL;
	return call_impl(p, n, "__member", args, 2, KQLITE_TYPE_DYNAMIC);
}

static xnode *index_of(planner *p, const ast *n, const xscope *sc)
{
	xnode *target = compile_expr(p, n->kids[0], sc);
	xnode *idx = target ? compile_expr(p, n->kids[1], sc) : NULL;
	if (!idx)
		return NULL;
	if (target->type != KQLITE_TYPE_DYNAMIC && !(target = cast_to(p, target, KQLITE_TYPE_DYNAMIC)))
		return NULL;
	xnode *args[2] = {target, idx};
	return call_impl(p, n, type_phys(idx->type) == PH_STR ? "__member" : "__index", args, 2, KQLITE_TYPE_DYNAMIC);
}

/* ---- names ---------------------------------------------------------------------- */

xnode *col_node(planner *p, const ast *src, uint32_t col, uint8_t type)
{
	xnode *x = node(p, src, type, k_col, 0);
	if (x)
		x->col = col;
	return x;
}

static xnode *name(planner *p, const ast *n, const xscope *sc)
{
	long i = scope_find(sc, n->text, n->tlen);
	if (i >= 0)
		return col_node(p, n, (uint32_t)i, sc->types[i]);
	xnode *v = plan_lookup_scalar(p, n, sc);
	if (v || p->q->d->code)
		return v;
	plan_error(p, n, "unknown name '%.*s'", (int)n->tlen, n->text);
	return NULL;
}

xnode *compile_expr(planner *p, const ast *n, const xscope *sc)
{
	if (p->q->d->code)
		return NULL;
	if (++p->depth > AST_MAX_DEPTH) {
		p->depth--;
		plan_error(p, n, "expression nested too deeply");
		return NULL;
	}
	xnode *x = NULL;
	switch (n->kind) {
	case A_LITERAL:
		x = literal(p, n);
		break;
	case A_NAME:
		x = name(p, n, sc);
		break;
	case A_PAREN:
		x = compile_expr(p, n->kids[0], sc);
		break;
	case A_BINARY:
		x = binary(p, n, sc);
		break;
	case A_UNARY: {
		xnode *a = compile_expr(p, n->kids[0], sc);
		if (a && n->op == OP_NEG) {
			x = node(p, n, a->type == KQLITE_TYPE_INT ? KQLITE_TYPE_LONG : a->type, pick_neg(), 1);
			if (x) {
				x->kids[0] = a;
				x = fold(p, x);
			}
		} else {
			x = a;
		}
		break;
	}
	case A_IN:
		x = in_list(p, n, sc);
		break;
	case A_BETWEEN:
		x = between(p, n, sc);
		break;
	case A_CALL:
		x = call(p, n, sc);
		break;
	case A_MEMBER:
		x = member(p, n, sc);
		break;
	case A_INDEX:
		x = index_of(p, n, sc);
		break;
	default:
		plan_error(p, n, "not supported yet: %s as a value", ast_kind_name(n->kind));
	}
	p->depth--;
	return x;
}
