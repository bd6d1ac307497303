/* ops_parse.c -- the parse and parse-where operators.
 *
 * Every kind of pattern becomes one regular expression (regex.h), matched
 * anchored at the start of the text; each capture is a named group
 * (?<kqlpN>...), so groups the user writes inside a kind=regex constant
 * do not shift the numbering.
 *
 *   kind=simple (default): constants match literally; `*` and string
 *     captures are lazy (.*?) up to what follows, a capture that ends the
 *     pattern takes the rest of the text; int/long/real captures match a
 *     number; `.` matches newlines. A typed capture whose text does not
 *     convert fails the row.
 *   kind=relaxed: as simple, but a typed capture may hold any text (the
 *     number form is tried first) and one that does not convert is null;
 *     the other columns keep their values.
 *   kind=regex: constants are regex text (RE2 syntax); `*` and captures
 *     are greedy (.*), as Kusto's docs show ("the default mode is
 *     greedy"); flags=U makes them lazy, i, m and s are the usual flags.
 *     A typed capture that does not convert fails the row.
 *
 * parse keeps a row that fails with null captures; parse-where drops it.
 * The text of a typed capture is trimmed of ASCII white space before it
 * converts (tolong, todatetime... rules: vec_cast). */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "regex.h"

enum parse_kind { PK_SIMPLE, PK_REGEX, PK_RELAXED };

typedef struct parse_cap {
	uint8_t type;   /* the column's type */
	int group;      /* its group in the regex */
} parse_cap;

typedef struct parse_op {
	xop op;
	xnode *src;         /* the text (a string) */
	xregex *re;
	xcall to_dynamic;   /* parse_json, for dynamic captures */
	bool where;         /* parse-where: drop rows that fail */
	bool relaxed;
	uint32_t ncaps;
	parse_cap *caps;
	/* output column j: input column map[j] (>= 0) or capture -map[j]-1 */
	uint32_t nout;
	int32_t *map;
} parse_op;

/* ---- building the regex ------------------------------------------------- */

/* A constant as literal regex text: ASCII punctuation escaped, NUL as \x00,
 * other bytes (letters, digits, UTF-8) as they are. */
static void add_literal(strbuf *b, const char *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			sb_add(b, "\\x00", 4);
		else if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
			char e[2] = {'\\', (char)c};
			sb_add(b, e, 2);
		} else {
			sb_add(b, (const char *)&s[i], 1);
		}
	}
}

/* What capture `type` matches (inside its group). */
static const char *capture_body(int kind, uint8_t type, bool last)
{
	bool lazy = kind != PK_REGEX && !last;
	if (type == KQLITE_TYPE_INT || type == KQLITE_TYPE_LONG) {
		if (kind == PK_RELAXED)
			return lazy ? "-?\\d+|.*?" : "-?\\d+|.*";
		return "-?\\d+";
	}
	if (type == KQLITE_TYPE_REAL || type == KQLITE_TYPE_DECIMAL) {
		if (kind == PK_RELAXED)
			return lazy ? "-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|.*?"
			            : "-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|.*";
		return "-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?";
	}
	return lazy ? ".*?" : ".*";
}

/* kind=regex flags: U, i, m, s as inline options. */
static bool add_flags(planner *p, strbuf *b, const ast *v)
{
	for (uint32_t i = 0; i < v->tlen; i++) {
		char c = v->text[i];
		if (c != 'U' && c != 'i' && c != 'm' && c != 's')
			return plan_error(p, v, "parse: unknown regex flag '%c' (expected U, i, m or s)", c);
		char o[5] = {'(', '?', c, ')', 0};
		sb_add(b, o, 4);
	}
	return true;
}

static const ast *param_value(const ast *params, const char *name)
{
	for (uint32_t i = 0; params && i < params->nkids; i++)
		if (ast_text_is(params->kids[i], name))
			return params->kids[i]->kids[0];
	return NULL;
}

static int parse_kind_of(const ast *op)
{
	const ast *k = param_value(op->kids[0], "kind");
	if (k && ast_text_is(k, "regex"))
		return PK_REGEX;
	if (k && ast_text_is(k, "relaxed"))
		return PK_RELAXED;
	return PK_SIMPLE;
}

/* Compiles the pattern of op into po->re and po->caps. */
static bool compile_pattern(planner *p, parse_op *po, const ast *op, int kind)
{
	strbuf b;
	sb_init(&b);
	if (kind == PK_REGEX) {
		const ast *fl = param_value(op->kids[0], "flags");
		if (fl && !add_flags(p, &b, fl)) {
			sb_free(&b);
			return false;
		}
	} else {
		sb_add(&b, "(?s)", 4); /* the text is text: newlines included */
	}
	uint32_t cap = 0;
	for (uint32_t i = 2; i < op->nkids; i++) {
		const ast *it = op->kids[i];
		bool last = i + 1 == op->nkids;
		if (it->kind == A_STAR) {
			sb_adds(&b, kind == PK_REGEX || last ? ".*" : ".*?");
		} else if (it->kind == A_PCAPTURE) {
			uint8_t t = it->nkids ? (uint8_t)it->kids[0]->op : KQLITE_TYPE_STRING;
			char g[32];
			snprintf(g, sizeof g, "(?<kqlp%u>", cap++);
			sb_adds(&b, g);
			sb_adds(&b, capture_body(kind, t, last));
			sb_add(&b, ")", 1);
		} else if (kind == PK_REGEX) {
			/* each constant compiles alone first, so an error names it (and
			 * its offsets are its own) */
			xregex *one = xregex_compile(p->q, it->text, it->tlen, false, p->q->d, it->off, it->len);
			if (!one) {
				sb_free(&b);
				return false;
			}
			xregex_free(one);
			sb_add(&b, "(?:", 3);
			sb_add(&b, it->text, it->tlen);
			sb_add(&b, ")", 1);
		} else {
			add_literal(&b, it->text, it->tlen);
		}
	}
	if (b.oom) {
		sb_free(&b);
		return x_nomem(p->q);
	}
	const ast *first = op->kids[2], *end = op->kids[op->nkids - 1];
	po->re = xregex_compile(p->q, b.s, b.len, false, p->q->d, first->off, end->off + end->len - first->off);
	sb_free(&b);
	if (!po->re)
		return false;
	po->ncaps = cap;
	po->caps = arena_zalloc(p->q->qa, (cap ? cap : 1) * sizeof(parse_cap));
	if (!po->caps)
		return x_nomem(p->q);
	cap = 0;
	for (uint32_t i = 2; i < op->nkids; i++) {
		const ast *it = op->kids[i];
		if (it->kind != A_PCAPTURE)
			continue;
		char g[32];
		int len = snprintf(g, sizeof g, "kqlp%u", cap);
		po->caps[cap].type = it->nkids ? (uint8_t)it->kids[0]->op : KQLITE_TYPE_STRING;
		po->caps[cap].group = xregex_group_number(po->re, g, (size_t)len);
		if (po->caps[cap].group < 0)
			return plan_error(p, it, "internal error: parse lost a capture group");
		cap++;
	}
	return true;
}

/* ---- running ------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static kstr trimmed(kstr s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Row i of a capture's column as null. */
static bool set_null(xctx *cx, vec *v, uint32_t i, uint32_t rows)
{
	if (type_phys(v->type) == PH_STR) {
		v->d.s[i] = (kstr){"", 0};
		return true;
	}
	if (!vec_nulls(cx, v, rows))
		return false;
	v->nulls[i] = 1;
	return true;
}

static bool parse_push(xop *op, xctx *cx, xbatch *b)
{
	parse_op *po = (parse_op *)op;
	if (b->n == 0)
		return true;
	uint32_t rows = b->rows;
	vec text;
	if (!po->src->eval(cx, po->src, b, b->sel, b->n, &text))
		return false;
	uint8_t *ok = arena_zalloc(cx->tmp, rows);
	vec *cols = arena_zalloc(cx->tmp, (po->ncaps ? po->ncaps : 1) * sizeof(vec));
	if (!ok || !cols)
		return x_nomem(cx->q);
	/* the captured texts (pointing into the batch's text) */
	for (uint32_t c = 0; c < po->ncaps; c++) {
		cols[c].type = KQLITE_TYPE_STRING;
		if (!vec_alloc(cx, &cols[c], rows, false))
			return false;
	}
	const size_t *ov = xregex_ovector(po->re);
	FOR_SEL(i, b->sel, b->n) {
		kstr s = v_str(&text, i);
		int m = xregex_find(po->re, s.p, s.n, 0, true, false);
		if (m < 0)
			return false;
		ok[i] = (uint8_t)m;
		for (uint32_t c = 0; m && c < po->ncaps; c++) {
			size_t a = ov[2 * po->caps[c].group], e = ov[2 * po->caps[c].group + 1];
			kstr t = a == XREGEX_UNSET ? (kstr){"", 0} : (kstr){s.p + a, e - a};
			cols[c].d.s[i] = po->caps[c].type == KQLITE_TYPE_STRING ? t : trimmed(t);
		}
	}
	/* typed captures convert; in strict kinds a failed conversion fails the row */
	for (uint32_t c = 0; c < po->ncaps; c++) {
		if (po->caps[c].type == KQLITE_TYPE_STRING)
			continue;
		vec conv = {.type = po->caps[c].type};
		if (po->caps[c].type == KQLITE_TYPE_DYNAMIC) {
			/* JSON text becomes its value (todynamic), other text a string */
			if (!po->to_dynamic.def->fn(cx, &po->to_dynamic, &cols[c], 1, b->sel, b->n, rows, &conv))
				return false;
		} else if (!vec_cast(cx, &cols[c], po->caps[c].type, b->sel, b->n, rows, &conv)) {
			return false;
		}
		cols[c] = conv;
		if (po->relaxed)
			continue;
		FOR_SEL(i, b->sel, b->n) {
			if (ok[i] && v_null(&cols[c], i))
				ok[i] = 0;
		}
	}
	/* rows that failed: every capture null (parse), or dropped (parse-where) */
	uint32_t *sel = NULL;
	uint32_t n = 0;
	if (po->where) {
		sel = arena_alloc(cx->tmp, b->n * sizeof(uint32_t));
		if (!sel)
			return x_nomem(cx->q);
		FOR_SEL(i, b->sel, b->n) {
			if (ok[i])
				sel[n++] = i;
		}
		if (n == 0)
			return true;
	} else {
		FOR_SEL(i, b->sel, b->n) {
			if (ok[i])
				continue;
			for (uint32_t c = 0; c < po->ncaps; c++)
				if (!set_null(cx, &cols[c], i, rows))
					return false;
		}
	}
	bcolref *out = arena_zalloc(cx->tmp, (po->nout ? po->nout : 1) * sizeof(bcolref));
	if (!out)
		return x_nomem(cx->q);
	for (uint32_t j = 0; j < po->nout; j++) {
		if (po->map[j] >= 0) {
			out[j] = b->cols[po->map[j]];
		} else {
			out[j].v = cols[-po->map[j] - 1];
			out[j].ready = true;
		}
	}
	xbatch ob = *b;
	ob.ncols = po->nout;
	ob.cols = out;
	if (po->where) {
		ob.sel = sel;
		ob.n = n;
	}
	return op->next->push(op->next, cx, &ob);
}

static bool parse_finish(xop *op, xctx *cx)
{
	return op->next->finish(op->next, cx);
}

static void parse_destroy(xop *op)
{
	parse_op *po = (parse_op *)op;
	xregex_free(po->re);
	po->re = NULL;
}

/* ---- planning ------------------------------------------------------------- */

/* Output column j: the last capture of its name, else the input column. */
static bool map_columns(planner *p, parse_op *po, const xtab *t, const ast *op, const bschema *out)
{
	po->nout = out->n;
	po->map = arena_alloc(p->q->qa, (out->n ? out->n : 1) * sizeof(int32_t));
	if (!po->map)
		return x_nomem(p->q);
	for (uint32_t j = 0; j < out->n; j++) {
		const char *nm = out->cols[j].name;
		uint32_t nl = out->cols[j].len;
		bool found = false;
		long m = 0;
		uint32_t c = 0;
		for (uint32_t i = 2; i < op->nkids; i++) {
			const ast *it = op->kids[i];
			if (it->kind != A_PCAPTURE)
				continue;
			if (it->tlen == nl && !memcmp(it->text, nm, nl)) {
				m = -(long)c - 1;
				found = true;
			}
			c++;
		}
		for (uint32_t k = 0; !found && k < t->ncols; k++)
			if (strlen(t->names[k]) == nl && !memcmp(t->names[k], nm, nl)) {
				m = (long)k;
				found = true;
			}
		if (!found)
			return plan_error(p, op, "internal error: parse lost column '%.*s'", (int)nl, nm);
		po->map[j] = (int32_t)m;
	}
	return true;
}

bool plan_parse(planner *p, xtab *t, const ast *op)
{
	const bschema *out = bind_operator(&p->b, op, t->bs);
	if (!out)
		return false;
	xscope sc = {t->ncols, t->names, t->types};
	xnode *src = cast_expr(p, compile_expr(p, op->kids[1], &sc), KQLITE_TYPE_STRING);
	if (!src)
		return false;
	parse_op *po = arena_zalloc(p->q->qa, sizeof(parse_op));
	if (!po)
		return x_nomem(p->q);
	po->op.push = parse_push;
	po->op.finish = parse_finish;
	po->op.destroy = parse_destroy;
	po->src = src;
	po->to_dynamic.def = xfn_lookup("parse_json");
	po->to_dynamic.rtype = KQLITE_TYPE_DYNAMIC;
	if (!po->to_dynamic.def)
		return plan_error(p, op, "internal error: parse_json is missing");
	po->where = op->op == 1;
	int kind = parse_kind_of(op);
	po->relaxed = kind == PK_RELAXED;
	if (!compile_pattern(p, po, op, kind)) {
		parse_destroy(&po->op);
		return false;
	}
	if (!map_columns(p, po, t, op, out)) {
		parse_destroy(&po->op);
		return false;
	}
	if (!plan_chain(p, t, &po->op, out)) {
		parse_destroy(&po->op); /* safe twice: the planner may destroy it too */
		return false;
	}
	return true;
}
