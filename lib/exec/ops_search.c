/* ops_search.c -- search and find, as a union of their tables and a
 * filter:
 *
 *   search in (A, B) pred          union withsource=$table A, B | where pred'
 *   search pred                    the same over every table (A*: patterns)
 *   find in (A, B) where pred project c, d
 *                                  union withsource=source_ A, B | where pred
 *                                  | project source_, c, d
 *   find ... (no project)          ... | project source_, the columns the
 *                                  predicate names or every table has,
 *                                  pack_ = the others' non-empty values
 *   T | search pred                T | where pred' (T's columns, no $table)
 *
 * In search, a string on its own ("evil.exe", or "a" and "b") is a term:
 * pred' reads it as "any string column has the term", the way search
 * matches terms (case-insensitive, whole terms); "abc*" is a term prefix
 * (hasprefix), "*abc" a suffix (hassuffix), "*abc*" any substring. Columns a table lacks are
 * null for its rows, so a condition on them is false there. */
#include <string.h>

#include "engine.h"
#include "lex.h"

static bool is_term(const ast *n)
{
	return n->kind == A_LITERAL && n->op == KQLITE_TYPE_STRING;
}

/* pred with each bare string term replaced by (c1 has term or c2 has term...). */
static ast *terms(planner *p, const ast *n, const xtab *t)
{
	if (is_term(n)) {
		/* "abc*" is a prefix of a term, "*abc" a suffix, "*abc*" any text */
		bool lead = n->tlen > 1 && n->text[0] == '*', trail = n->tlen > 1 && n->text[n->tlen - 1] == '*';
		uint16_t op = lead && trail ? OP_CONTAINS : trail ? OP_HASPREFIX : lead ? OP_HASSUFFIX : OP_HAS;
		if (lead || trail) {
			ast *bare = plan_ast(p, n, A_LITERAL, NULL, 0);
			if (!bare)
				return NULL;
			bare->op = KQLITE_TYPE_STRING;
			bare->text = n->text + lead;
			bare->tlen = n->tlen - lead - trail;
			n = bare;
		}
		ast *any = NULL;
		for (uint32_t i = 0; i < t->ncols; i++) {
			if (t->types[i] != KQLITE_TYPE_STRING)
				continue;
			ast *col = plan_ast(p, n, A_NAME, t->names[i], 0), *has = plan_ast(p, n, A_BINARY, NULL, 2);
			if (!col || !has)
				return NULL;
			has->op = op;
			has->kids[0] = col;
			has->kids[1] = (ast *)n;
			if (!any) {
				any = has;
				continue;
			}
			ast *or = plan_ast(p, n, A_BINARY, NULL, 2);
			if (!or)
				return NULL;
			or->op = OP_OR;
			or->kids[0] = any;
			or->kids[1] = has;
			any = or;
		}
		if (!any) { /* no string column: nothing matches */
			ast *f = plan_ast(p, n, A_LITERAL, "false", 0);
			if (f)
				f->op = KQLITE_TYPE_BOOL;
			return f;
		}
		ast *paren = plan_ast(p, n, A_PAREN, NULL, 1);
		if (paren)
			paren->kids[0] = any;
		return paren;
	}
	bool logic = (n->kind == A_BINARY && (n->op == OP_AND || n->op == OP_OR)) || n->kind == A_PAREN ||
	             (n->kind == A_CALL && ast_text_is(n, "not"));
	if (!logic)
		return (ast *)n;
	ast *copy = plan_ast(p, n, n->kind, NULL, n->nkids);
	if (!copy)
		return NULL;
	copy->op = n->op;
	copy->text = n->text;
	copy->tlen = n->tlen;
	copy->flags = n->flags;
	for (uint32_t i = 0; i < n->nkids; i++)
		if (!(copy->kids[i] = terms(p, n->kids[i], t)))
			return NULL;
	return copy;
}

/* Whether the expression names column `name`. */
static bool names_column(const ast *e, const char *name)
{
	if (!e)
		return false;
	if (e->kind == A_NAME && e->tlen == strlen(name) && !memcmp(e->text, name, e->tlen))
		return true;
	for (uint32_t i = 0; i < e->nkids; i++)
		if (names_column(e->kids[i], name))
			return true;
	return false;
}

xtab *plan_search(planner *p, const ast *n)
{
	bool find = n->kind == A_FIND;
	const ast *tables = n->kids[1];
	uint32_t nlegs = tables && tables->nkids ? tables->nkids : 1;
	ast *u = plan_ast(p, n, A_UNION, NULL, nlegs + 1), *params = plan_ast(p, n, A_LIST, NULL, 1);
	ast *ws = plan_ast(p, n, A_NAMEDARG, "withsource", 1);
	const char *source = find ? "source_" : "$table";
	ast *wsname = plan_ast(p, n, A_NAME, source, 0);
	if (!u || !params || !ws || !wsname)
		return NULL;
	ws->kids[0] = wsname;
	params->kids[0] = ws;
	u->kids[0] = params;
	if (tables && tables->nkids) {
		for (uint32_t i = 0; i < tables->nkids; i++)
			u->kids[i + 1] = tables->kids[i];
	} else {
		ast *all = plan_ast(p, n, A_NAMEPAT, "", 0);
		if (!all)
			return NULL;
		all->op = 3; /* '*' */
		u->kids[1] = all;
	}
	xtab *t = plan_tab(p, u);
	if (!t)
		return NULL;
	const ast *ops[2];
	uint32_t nops = 0;
	ast *where = plan_ast(p, n->kids[2], A_WHERE, NULL, 1);
	if (!where || !(where->kids[0] = find ? (ast *)n->kids[2] : terms(p, n->kids[2], t)))
		return NULL;
	ops[nops++] = where;
	if (find) {
		/* project source_, the listed columns (or pack_ = pack_all()) */
		const ast *cols = n->nkids > 3 && n->op != 1 ? n->kids[3] : NULL;
		uint32_t nc = cols ? cols->nkids : 1;
		ast *proj = plan_ast(p, n, A_PROJECT, NULL, nc + 1), *src = plan_ast(p, n, A_NAME, source, 0);
		if (!proj || !src)
			return NULL;
		proj->kids[0] = src;
		if (cols) {
			for (uint32_t i = 0; i < nc; i++)
				proj->kids[i + 1] = cols->kids[i];
		} else {
			/* the columns the predicate names and those every table has
			 * (same name and type), then pack_ of the others */
			uint8_t *common = arena_zalloc(p->q->qa, t->ncols + 1);
			if (!common)
				return x_nomem(p->q), NULL;
			uint32_t ncommon = 0;
			for (uint32_t i = 1; i < t->ncols; i++) {
				if (names_column(n->kids[2], t->names[i])) {
					common[i] = 1;
					ncommon++;
					continue;
				}
				bool all = tables && tables->nkids;
				for (uint32_t l = 0; all && l < tables->nkids; l++) {
					const ast *leg = tables->kids[l];
					const bschema *ls = leg->kind == A_NAME ? bind_table(&p->b, leg) : NULL;
					long c = ls ? sch_find(ls, t->names[i], strlen(t->names[i])) : -1;
					all = c >= 0 && ls->cols[c].type == t->types[i];
				}
				common[i] = all;
				ncommon += all;
			}
			ast *wider = plan_ast(p, n, A_PROJECT, NULL, ncommon + 2);
			if (!wider)
				return NULL;
			wider->kids[0] = src;
			for (uint32_t i = 1, k = 1; i < t->ncols; i++)
				if (common[i] && !(wider->kids[k++] = plan_ast(p, n, A_NAME, t->names[i], 0)))
					return NULL;
			proj = wider;
			/* pack_ = bag_remove_keys(pack_all(true), dynamic(["source_",
			 * kept...])): the row's other non-empty values, as Kusto
			 * leaves out the columns the row's table does not have */
			strbuf js;
			sb_init(&js);
			sb_adds(&js, "dynamic([");
			for (uint32_t i = 0; i < t->ncols; i++) {
				if (i && !common[i])
					continue;
				if (js.len > 9)
					sb_addc(&js, ',');
				sb_addc(&js, '"');
				for (const char *c = t->names[i]; *c; c++) {
					if (*c == '"' || *c == '\\')
						sb_addc(&js, '\\');
					sb_addc(&js, *c);
				}
				sb_addc(&js, '"');
			}
			sb_adds(&js, "])");
			char *keys_text = js.oom ? NULL : arena_strndup(p->q->qa, js.s, js.len);
			sb_free(&js);
			ast *pack = plan_ast(p, n, A_ASSIGN, "pack_", 1), *remove = plan_ast(p, n, A_CALL, "bag_remove_keys", 2);
			ast *all = plan_ast(p, n, A_CALL, "pack_all", 1), *yes = plan_ast(p, n, A_LITERAL, "true", 0);
			ast *keys = plan_ast(p, n, A_LITERAL, keys_text, 0);
			if (!keys_text || !pack || !remove || !all || !yes || !keys)
				return x_nomem(p->q), NULL;
			yes->op = KQLITE_TYPE_BOOL;
			keys->op = KQLITE_TYPE_DYNAMIC;
			keys->flags = LIT_TYPED;
			all->kids[0] = yes;
			remove->kids[0] = all;
			remove->kids[1] = keys;
			pack->kids[0] = remove;
			proj->kids[ncommon + 1] = pack;
		}
		ops[nops++] = proj;
	}
	return plan_pipe(p, t, ops, nops);
}

/* T | search pred: T's rows that match (a bare string is a term any of
 * T's string columns has); T's columns stay as they are. */
xtab *plan_search_piped(planner *p, xtab *t, const ast *op)
{
	if (op->kids[1] && op->kids[1]->nkids)
		return plan_error(p, op->kids[1], "search after a pipe searches its input: leave out 'in (...)'"), NULL;
	ast *where = plan_ast(p, op->kids[2], A_WHERE, NULL, 1);
	if (!where || !(where->kids[0] = terms(p, op->kids[2], t)))
		return NULL;
	const ast *ops[1] = {where};
	return plan_pipe(p, t, ops, 1);
}
