/* ops_external.c -- externaldata: rows of files named in the query.
 *
 *   externaldata (Name:string, Score:long) [@"C:\iocs\list.csv", "./x.txt"]
 *       with (format="csv", ignoreFirstRecord=true)
 *
 * kqlite is offline: a URL (anything with "://", or h@"..." storage
 * strings) is an error naming the URL, never a download. A local path is
 * read with the declared schema: csv (the default), tsv, txt (one line a
 * row, in the first column), and psv; fields go to columns by position and
 * convert as the loaders convert values (a field that does not convert is
 * null). Other formats (json, parquet...) are not supported yet. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "engine.h"

static bool is_url(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
			return true;
	return false;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			size_t nc = cap ? cap * 2 : 65536 * 2;
			char *g = realloc(buf, nc);
			if (!g) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = g;
			cap = nc;
		}
		size_t got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Splits text into records of fields (sep; quotes when csv-like) and hands
 * them to b. Returns 0 or KQLITE_NOMEM. */
static int read_delimited(tbuilder *b, const char *s, size_t n, char sep, bool whole_line, bool skip_first,
                          int ncols)
{
	strbuf field;
	sb_init(&field);
	size_t i = 0;
	if (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		i = 3;
	bool first = true;
	int rc = 0;
	while (i < n && rc == 0) {
		size_t line_end = i;
		if (whole_line) {
			while (line_end < n && s[line_end] != '\n')
				line_end++;
			size_t e = line_end;
			if (e > i && s[e - 1] == '\r')
				e--;
			if (!(first && skip_first) && e > i) {
				rc = tb_row_begin(b);
				if (!rc)
					rc = tb_value(b, 0, V_TEXT, s + i, e - i);
				if (!rc)
					rc = tb_row_end(b);
			}
			first = false;
			i = line_end + 1;
			continue;
		}
		bool take = !(first && skip_first);
		bool blank = s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n');
		if (take && !blank)
			rc = tb_row_begin(b);
		int col = 0;
		for (;;) { /* one field */
			field.len = 0;
			bool quoted = false;
			if (i < n && s[i] == '"') {
				quoted = true;
				i++;
				while (i < n) {
					if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
						sb_addc(&field, '"');
						i += 2;
					} else if (s[i] == '"') {
						i++;
						break;
					} else {
						sb_addc(&field, s[i++]);
					}
				}
			}
			while (i < n && s[i] != sep && s[i] != '\n' && s[i] != '\r')
				sb_addc(&field, s[i++]);
			if (field.oom)
				rc = KQLITE_NOMEM;
			if (take && !blank && rc == 0 && col < ncols)
				rc = tb_value(b, col, field.len || quoted ? V_TEXT : V_NULL, field.s ? field.s : "", field.len);
			col++;
			if (i < n && s[i] == sep) {
				i++;
				continue;
			}
			break;
		}
		if (i < n && s[i] == '\r')
			i++;
		if (i < n && s[i] == '\n')
			i++;
		if (take && !blank && rc == 0)
			rc = tb_row_end(b);
		first = false;
	}
	sb_free(&field);
	return rc;
}

static bool prop_text(planner *p, const ast *props, const char *name, char *buf, size_t cap)
{
	*buf = '\0';
	for (uint32_t i = 0; props && i < props->nkids; i++) {
		if (!ast_text_is(props->kids[i], name))
			continue;
		xnode *x = compile_expr(p, props->kids[i]->kids[0], NULL);
		vec v;
		if (!x || !eval_const(p, x, &v))
			return false;
		if (v.type == KQLITE_TYPE_STRING)
			snprintf(buf, cap, "%.*s", (int)v_str(&v, 0).n, v_str(&v, 0).p);
		else if (v.type == KQLITE_TYPE_BOOL)
			snprintf(buf, cap, "%s", v_bool(&v, 0) ? "true" : "false");
	}
	return true;
}

xtab *plan_externaldata(planner *p, const ast *n)
{
	const bschema *bs = bind_source(&p->b, n);
	if (!bs)
		return NULL;
	char format[32], skip[16];
	if (!prop_text(p, n->kids[2], "format", format, sizeof format) ||
	    !prop_text(p, n->kids[2], "ignoreFirstRecord", skip, sizeof skip))
		return NULL;
	for (char *c = format; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	const char *fmt = *format ? format : "csv";
	char sep = !strcmp(fmt, "tsv") || !strcmp(fmt, "tsve") ? '\t' : !strcmp(fmt, "psv") ? '|' : ',';
	bool txt = !strcmp(fmt, "txt") || !strcmp(fmt, "raw");
	if (strcmp(fmt, "csv") && sep == ',' && !txt)
		return plan_error(p, n, "not supported yet: externaldata format '%s' (csv, tsv, psv and txt are read)", fmt),
		       NULL;
	/* the declared schema */
	col_def *defs = arena_zalloc(p->q->qa, (bs->n + 1) * sizeof(col_def));
	if (!defs)
		return x_nomem(p->q), NULL;
	for (uint32_t c = 0; c < bs->n; c++) {
		defs[c].name = arena_strndup(p->q->qa, bs->cols[c].name, bs->cols[c].len);
		defs[c].type = (kqlite_type)bs->cols[c].type;
		if (!defs[c].name)
			return x_nomem(p->q), NULL;
	}
	table_def def = {"externaldata", defs, bs->n};
	tbuilder *b = tb_new("externaldata", 12, &def);
	if (!b)
		return x_nomem(p->q), NULL;
	for (uint32_t c = 0; c < bs->n; c++)
		if (tb_column(b, defs[c].name, strlen(defs[c].name)) < 0)
			return tb_free(b), x_nomem(p->q), NULL;
	const ast *urls = n->kids[1];
	for (uint32_t u = 0; u < urls->nkids; u++) {
		xnode *x = compile_expr(p, urls->kids[u], NULL);
		vec v;
		if (!x || !eval_const(p, x, &v))
			return tb_free(b), NULL;
		kstr path = v_str(&v, 0);
		if (is_url(path.p, path.n) && !(path.n > 7 && !memcmp(path.p, "file://", 7)))
			return tb_free(b),
			       plan_error(p, urls->kids[u], "no network access: kqlite runs offline and cannot read '%.*s' "
			                                    "(download it and give its local path)",
			                  (int)path.n, path.p),
			       NULL;
		char *name = arena_strndup(p->q->qa, path.n > 7 && !memcmp(path.p, "file://", 7) ? path.p + 7 : path.p,
		                           path.n > 7 && !memcmp(path.p, "file://", 7) ? path.n - 7 : path.n);
		size_t len;
		char *text = name ? read_all(name, &len) : NULL;
		if (!text)
			return tb_free(b),
			       plan_error(p, urls->kids[u], "externaldata cannot read '%s': %s", name ? name : "",
			                  strerror(errno)),
			       NULL;
		int rc = read_delimited(b, text, len, sep, txt, !strcmp(skip, "true"), (int)bs->n);
		free(text);
		if (rc)
			return tb_free(b), x_nomem(p->q), NULL;
	}
	table *data = tb_finish(b) == 0 ? tb_take(b) : NULL;
	tb_free(b);
	if (!data || !plan_own_table(p, data))
		return x_nomem(p->q), NULL;
	return plan_rows_source(p, data);
}
