/* csv.c -- CSV (RFC 4180) as the portals export it: a header row; quoted
 * fields with commas, doubled quotes and line breaks inside; a UTF-8 BOM
 * skipped; the Logs blade's " [UTC]" header suffix dropped. Fields reach
 * the builder as untyped text (V_TEXT), read by each column's type; an
 * empty field is null. */
#include <string.h>

#include "kqlite.h"
#include "reader.h"
#include "strbuf.h"

typedef struct csv {
	const char *s, *e, *start;
	strbuf field; /* a quoted field, unquoted */
	diag *d;
} csv;

static int fail(csv *c, const char *at, const char *msg)
{
	diag_set(c->d, KQLITE_ERROR, (uint32_t)(at - c->start), 1, "%s", msg);
	return KQLITE_ERROR;
}

/* One field at c->s: *out and *len point into the text (unquoted fields) or
 * into c->field. Leaves c->s at the separator, line end or end. */
static int field(csv *c, const char **out, size_t *len, bool *quoted)
{
	*quoted = false;
	if (c->s < c->e && *c->s == '"') {
		const char *open = c->s++;
		c->field.len = 0;
		for (;;) {
			const char *q = memchr(c->s, '"', (size_t)(c->e - c->s));
			if (!q)
				return fail(c, open, "unterminated quoted field");
			sb_add(&c->field, c->s, (size_t)(q - c->s));
			c->s = q + 1;
			if (c->s < c->e && *c->s == '"') { /* "" is one quote */
				sb_addc(&c->field, '"');
				c->s++;
				continue;
			}
			break;
		}
		if (c->s < c->e && *c->s != ',' && *c->s != '\n' && *c->s != '\r')
			return fail(c, c->s, "expected ',' or a line end after a quoted field");
		if (c->field.oom)
			return KQLITE_NOMEM;
		*out = c->field.s ? c->field.s : "";
		*len = c->field.len;
		*quoted = true;
		return 0;
	}
	const char *st = c->s;
	while (c->s < c->e && *c->s != ',' && *c->s != '\n' && *c->s != '\r') {
		if (*c->s == '"')
			return fail(c, c->s, "a quote inside an unquoted field (quote the whole field)");
		c->s++;
	}
	*out = st;
	*len = (size_t)(c->s - st);
	return 0;
}

/* After a field: true at the end of the record (consumes the line end). */
static bool record_end(csv *c)
{
	if (c->s >= c->e)
		return true;
	if (*c->s == ',') {
		c->s++;
		return false;
	}
	if (*c->s == '\r')
		c->s++;
	if (c->s < c->e && *c->s == '\n')
		c->s++;
	return true;
}

static bool blank_line(const csv *c)
{
	return c->s < c->e && (*c->s == '\n' || *c->s == '\r');
}

int csv_read(loader *l, const char *text, size_t len, diag *d)
{
	csv c = {text, text + len, text, {0}, d};
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		c.s += 3;
	size_t nlen;
	const char *name = loader_default_name(l, &nlen);
	tbuilder *b = loader_table(l, name, nlen);
	if (!b)
		return KQLITE_NOMEM;
	if (c.s >= c.e) {
		sb_free(&c.field);
		return 0; /* an empty file: a table with no columns and no rows */
	}
	int cols[4096];
	size_t ncols = 0;
	int rc = 0;
	for (bool end = false; !end && rc == 0;) {
		const char *f;
		size_t flen;
		bool quoted;
		if ((rc = field(&c, &f, &flen, &quoted)))
			break;
		if (flen >= 6 && !memcmp(f + flen - 6, " [UTC]", 6))
			flen -= 6; /* TimeGenerated [UTC] is TimeGenerated */
		if (ncols == sizeof(cols) / sizeof(*cols)) {
			rc = fail(&c, f, "more than 4096 columns");
			break;
		}
		int k = tb_column(b, f, flen);
		if (k < 0) {
			rc = KQLITE_NOMEM;
			break;
		}
		for (size_t i = 0; i < ncols; i++)
			if (cols[i] == k) {
				loader_warn(l, "column '%.*s' appears twice in the header; the last one wins", (int)flen, f);
				break;
			}
		cols[ncols++] = k;
		end = record_end(&c);
	}
	while (rc == 0 && c.s < c.e) {
		if (blank_line(&c)) { /* a blank line is no record */
			record_end(&c);
			continue;
		}
		const char *rec = c.s;
		if ((rc = tb_row_begin(b)))
			break;
		size_t i = 0;
		for (bool end = false; !end;) {
			const char *f;
			size_t flen;
			bool quoted;
			if ((rc = field(&c, &f, &flen, &quoted)))
				break;
			if (i >= ncols) {
				rc = fail(&c, rec, "this record has more fields than the header has columns");
				break;
			}
			rc = tb_value(b, cols[i++], flen == 0 && !quoted ? V_NULL : V_TEXT, f, flen);
			if (rc)
				break;
			end = record_end(&c);
		}
		if (rc)
			break;
		if (i < ncols) {
			rc = fail(&c, rec, "this record has fewer fields than the header has columns");
			break;
		}
		rc = tb_row_end(b);
		if (rc == 0 && tb_rows(b) % 4096 == 0)
			loader_consumed(l, (size_t)(c.s - text));
	}
	sb_free(&c.field);
	return rc;
}
