/* write.c -- tables to text in each output format, with CLI.md's value
 * encodings; what the json, ndjson, api-json and csv writers produce, the
 * readers load back (exactly for api-json and for built-in schemas). */
#include "write.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyn.h"
#include "types.h"

/* ---- Scalars -------------------------------------------------------------- */

/* The shortest of %.15g, %.16g, %.17g that reads back to the same double
 * (17 digits always do); NaN and the infinities by name. buf: 32 bytes. */
static size_t real_text(double d, char *buf)
{
	const char *name = isnan(d) ? "NaN" : isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : NULL;
	if (name) {
		strcpy(buf, name);
		return strlen(name);
	}
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, 32, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return (size_t)n;
}

/* ISO 8601 in UTC with the fraction's trailing zeros dropped, and the '.'
 * with them when the fraction is zero: 2021-11-09T10:00:00Z,
 * 2021-11-09T10:00:00.5Z, 2021-11-09T10:00:00.1234567Z. buf: 32 bytes. */
static size_t datetime_text(int64_t ticks, char *buf)
{
	size_t end = datetime_format(ticks, buf) - 1; /* at the 'Z' */
	while (buf[end - 1] == '0')
		end--;
	if (buf[end - 1] == '.')
		end--;
	buf[end] = 'Z';
	buf[end + 1] = '\0';
	return end + 1;
}

/* Row r of a string or dynamic column; a column whose values are all
 * empty may have no heap at all. */
static const char *cell_bytes(const column *c, size_t r, size_t *len)
{
	if (!c->heap) {
		*len = 0;
		return "";
	}
	return col_bytes(c, r, len);
}

static bool is_numeric(kqlite_type t)
{
	return t == KQLITE_TYPE_INT || t == KQLITE_TYPE_LONG || t == KQLITE_TYPE_REAL ||
	       t == KQLITE_TYPE_DECIMAL;
}

/* The byte length of the valid UTF-8 sequence at s (n > 0 bytes left), or
 * 0: overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
	    (c == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

/* The JSON escape of a control character (or '"', '\\'). */
static void put_escape(strbuf *out, unsigned char c)
{
	switch (c) {
	case '"': sb_add(out, "\\\"", 2); break;
	case '\\': sb_add(out, "\\\\", 2); break;
	case '\n': sb_add(out, "\\n", 2); break;
	case '\r': sb_add(out, "\\r", 2); break;
	case '\t': sb_add(out, "\\t", 2); break;
	case '\b': sb_add(out, "\\b", 2); break;
	case '\f': sb_add(out, "\\f", 2); break;
	default: sb_printf(out, "\\u%04x", c);
	}
}

/* Text as a JSON string. Valid UTF-8 passes through; an invalid byte
 * becomes U+FFFD, since the document must stay valid JSON. */
static void json_string(strbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	sb_addc(out, '"');
	while (p < e) {
		const unsigned char *run = p;
		while (p < e && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		sb_add(out, (const char *)run, (size_t)(p - run));
		if (p == e)
			break;
		if (*p < 0x80) {
			put_escape(out, *p++);
			continue;
		}
		size_t k = utf8_len(p, (size_t)(e - p));
		if (k)
			sb_add(out, (const char *)p, k);
		else
			sb_add(out, "\\ufffd", 6);
		p += k ? k : 1;
	}
	sb_addc(out, '"');
}

/* ---- Values ---------------------------------------------------------------- */

/* The text form of row r (CSV, table, markdown): false for a null, which
 * writes nothing. A string column's null is its empty string. */
static bool value_text(strbuf *out, const column *c, size_t r)
{
	char buf[40];
	size_t len;
	if (col_is_null(c, r))
		return c->type == KQLITE_TYPE_STRING;
	switch (c->type) {
	case KQLITE_TYPE_BOOL:
		sb_adds(out, c->v.b[r] ? "true" : "false");
		return true;
	case KQLITE_TYPE_INT:
		sb_printf(out, "%d", (int)c->v.i32[r]);
		return true;
	case KQLITE_TYPE_LONG:
		sb_printf(out, "%lld", (long long)c->v.i64[r]);
		return true;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		sb_add(out, buf, real_text(c->v.f64[r], buf));
		return true;
	case KQLITE_TYPE_DATETIME:
		sb_add(out, buf, datetime_text(c->v.i64[r], buf));
		return true;
	case KQLITE_TYPE_TIMESPAN:
		sb_add(out, buf, timespan_format(c->v.i64[r], buf));
		return true;
	case KQLITE_TYPE_GUID:
		sb_add(out, buf, guid_format(c->v.guid + 16 * (size_t)r, buf));
		return true;
	case KQLITE_TYPE_STRING: {
		const char *s = cell_bytes(c, r, &len);
		sb_add(out, s, len);
		return true;
	}
	case KQLITE_TYPE_DYNAMIC: {
		const char *s = cell_bytes(c, r, &len);
		dyn_to_json((const uint8_t *)s, len, out);
		return true;
	}
	default:
		return false; /* a column of no type holds only nulls */
	}
}

/* Row r as a JSON value. In api-json a dynamic value is its JSON text in a
 * string, as the Log Analytics API writes it (a dynamic column reads JSON
 * text back as the value it spells). */
static void value_json(strbuf *out, strbuf *tmp, const column *c, size_t r, bool api)
{
	char buf[40];
	size_t len;
	if (col_is_null(c, r)) {
		sb_adds(out, c->type == KQLITE_TYPE_STRING ? "\"\"" : "null");
		return;
	}
	switch (c->type) {
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: {
		double d = c->v.f64[r];
		len = real_text(d, buf);
		if (isfinite(d)) {
			sb_add(out, buf, len);
		} else {
			sb_addc(out, '"');
			sb_add(out, buf, len);
			sb_addc(out, '"');
		}
		return;
	}
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN:
	case KQLITE_TYPE_GUID:
		sb_addc(out, '"');
		value_text(out, c, r); /* their text forms need no escapes */
		sb_addc(out, '"');
		return;
	case KQLITE_TYPE_STRING: {
		const char *s = cell_bytes(c, r, &len);
		json_string(out, s, len);
		return;
	}
	case KQLITE_TYPE_DYNAMIC: {
		const uint8_t *v = (const uint8_t *)cell_bytes(c, r, &len);
		if (api) {
			tmp->len = 0;
			dyn_to_json(v, len, tmp);
			json_string(out, tmp->s ? tmp->s : "", tmp->len);
		} else {
			dyn_to_json(v, len, out);
		}
		return;
	}
	default:
		if (!value_text(out, c, r)) /* bool, int, long: their text is JSON */
			sb_adds(out, "null");
	}
}

/* ---- JSON documents --------------------------------------------------------- */

static void json_object(strbuf *out, strbuf *tmp, const table *t, size_t r)
{
	sb_addc(out, '{');
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			sb_addc(out, ',');
		json_string(out, t->cols[i].name, strlen(t->cols[i].name));
		sb_addc(out, ':');
		value_json(out, tmp, &t->cols[i], r, false);
	}
	sb_addc(out, '}');
}

static void write_json(strbuf *out, strbuf *tmp, const table *t)
{
	if (!t->nrows) {
		sb_adds(out, "[]\n");
		return;
	}
	sb_adds(out, "[\n");
	for (size_t r = 0; r < t->nrows && !out->oom; r++) {
		if (r)
			sb_adds(out, ",\n");
		json_object(out, tmp, t, r);
	}
	sb_adds(out, "\n]\n");
}

static void write_ndjson(strbuf *out, strbuf *tmp, const table *t)
{
	for (size_t r = 0; r < t->nrows && !out->oom; r++) {
		json_object(out, tmp, t, r);
		sb_addc(out, '\n');
	}
}

static void write_api_json(strbuf *out, strbuf *tmp, const table *t)
{
	sb_adds(out, "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[");
	for (size_t i = 0; i < t->ncols; i++) {
		sb_adds(out, i ? ",{\"name\":" : "{\"name\":");
		json_string(out, t->cols[i].name, strlen(t->cols[i].name));
		sb_printf(out, ",\"type\":\"%s\"}", kqlite_type_name(t->cols[i].type));
	}
	sb_adds(out, "],\"rows\":[");
	for (size_t r = 0; r < t->nrows && !out->oom; r++) {
		sb_adds(out, r ? ",\n[" : "\n[");
		for (size_t i = 0; i < t->ncols; i++) {
			if (i)
				sb_addc(out, ',');
			value_json(out, tmp, &t->cols[i], r, true);
		}
		sb_addc(out, ']');
	}
	sb_adds(out, t->nrows ? "\n]}]}\n" : "]}]}\n");
}

/* ---- CSV -------------------------------------------------------------------- */

/* A field, quoted when it holds a separator, a quote or a line break, or
 * starts or ends with a space or tab (readers may trim those), or when it
 * is empty and alone on its line (a blank line is no record). */
static void csv_field(strbuf *out, const char *s, size_t n, bool alone)
{
	bool quote = (n == 0 && alone) ||
	             (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'));
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		sb_add(out, s, n);
		return;
	}
	sb_addc(out, '"');
	for (const char *e = s + n; s < e;) {
		const char *q = memchr(s, '"', (size_t)(e - s));
		const char *stop = q ? q + 1 : e;
		sb_add(out, s, (size_t)(stop - s));
		if (q)
			sb_addc(out, '"'); /* a quote is doubled */
		s = stop;
	}
	sb_addc(out, '"');
}

static void write_csv(strbuf *out, strbuf *tmp, const table *t)
{
	if (!t->ncols)
		return;
	bool alone = t->ncols == 1;
	for (size_t i = 0; i < t->ncols; i++) {
		if (i)
			sb_addc(out, ',');
		csv_field(out, t->cols[i].name, strlen(t->cols[i].name), alone);
	}
	sb_addc(out, '\n');
	for (size_t r = 0; r < t->nrows && !out->oom; r++) {
		for (size_t i = 0; i < t->ncols; i++) {
			if (i)
				sb_addc(out, ',');
			tmp->len = 0;
			value_text(tmp, &t->cols[i], r);
			csv_field(out, tmp->s ? tmp->s : "", tmp->len, alone);
		}
		sb_addc(out, '\n');
	}
}

/* ---- Display: markdown and table ---------------------------------------------- */

/* Terminal columns of a code point: 0 for combining marks and zero-width
 * characters, 2 for East Asian wide forms and emoji, else 1. */
static size_t cp_width(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
		{0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
	};
	static const uint32_t wide[][2] = {
		{0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
		{0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},
		{0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
		{0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
	};
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/* Appends text for display: control characters as JSON escapes (a row
 * stays one line), an invalid byte as U+FFFD, and for markdown '|' as
 * "\|". Returns the terminal width of what it appended. */
static size_t display(strbuf *out, const char *s, size_t n, bool markdown)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t width = 0;
	while (p < e) {
		unsigned c = *p;
		if (c < 0x20 || c == 0x7F) {
			size_t before = out->len;
			put_escape(out, (unsigned char)c);
			width += out->len - before;
			p++;
		} else if (c == '|' && markdown) {
			sb_add(out, "\\|", 2);
			width += 2;
			p++;
		} else if (c < 0x80) {
			sb_addc(out, (char)c);
			width++;
			p++;
		} else {
			size_t k = utf8_len(p, (size_t)(e - p));
			if (!k) {
				sb_add(out, "\xEF\xBF\xBD", 3);
				width++;
				p++;
				continue;
			}
			uint32_t cp = k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
			for (size_t i = 1; i < k; i++)
				cp = cp << 6 | (p[i] & 0x3Fu);
			sb_add(out, (const char *)p, k);
			width += cp_width(cp);
			p += k;
		}
	}
	return width;
}

/* Row r's display text onto out (nothing for a null); returns its width. */
static size_t display_value(strbuf *out, strbuf *tmp, const column *c, size_t r, bool markdown)
{
	tmp->len = 0;
	if (!value_text(tmp, c, r))
		return 0;
	return display(out, tmp->s ? tmp->s : "", tmp->len, markdown);
}

static void pad(strbuf *out, size_t n)
{
	static const char spaces[] = "                                ";
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		sb_add(out, spaces, sizeof(spaces) - 1);
	sb_add(out, spaces, n);
}

static void write_markdown(strbuf *out, strbuf *tmp, const table *t)
{
	if (!t->ncols)
		return;
	for (size_t i = 0; i < t->ncols; i++) {
		sb_adds(out, "| ");
		display(out, t->cols[i].name, strlen(t->cols[i].name), true);
		sb_addc(out, ' ');
	}
	sb_adds(out, "|\n");
	for (size_t i = 0; i < t->ncols; i++)
		sb_adds(out, is_numeric(t->cols[i].type) ? "|---:" : "|---");
	sb_adds(out, "|\n");
	for (size_t r = 0; r < t->nrows && !out->oom; r++) {
		for (size_t i = 0; i < t->ncols; i++) {
			sb_adds(out, "| ");
			display_value(out, tmp, &t->cols[i], r, true);
			sb_addc(out, ' ');
		}
		sb_adds(out, "|\n");
	}
}

/* One cell of an aligned line: `text` (w columns wide) in a field of
 * `width`. *keep marks the end of the line's last text: the line is cut
 * there, so padding never trails (an empty last cell leaves none). */
static void table_cell(strbuf *out, const char *text, size_t len, size_t w, size_t width, bool right,
                       bool first, size_t *keep)
{
	if (!first)
		sb_add(out, "  ", 2);
	if (right)
		pad(out, width - w);
	sb_add(out, text, len);
	if (len)
		*keep = out->len;
	if (!right)
		pad(out, width - w);
}

static void end_line(strbuf *out, size_t keep)
{
	if (!out->oom)
		out->len = keep;
	sb_addc(out, '\n');
}

static void write_plain(strbuf *out, strbuf *tmp, const table *t)
{
	if (!t->ncols)
		return;
	size_t *widths = calloc(t->ncols, sizeof(*widths));
	if (!widths) {
		out->oom = true;
		return;
	}
	strbuf cell;
	sb_init(&cell);
	/* First pass: the widest name, type or value of each column. */
	for (size_t i = 0; i < t->ncols; i++) {
		const column *c = &t->cols[i];
		cell.len = 0;
		size_t w = display(&cell, c->name, strlen(c->name), false);
		size_t tw = strlen(kqlite_type_name(c->type));
		widths[i] = w > tw ? w : tw;
		for (size_t r = 0; r < t->nrows; r++) {
			cell.len = 0;
			w = display_value(&cell, tmp, c, r, false);
			if (w > widths[i])
				widths[i] = w;
		}
	}
	for (int line = 0; line < 3; line++) {
		size_t keep = out->len;
		for (size_t i = 0; i < t->ncols; i++) {
			const column *c = &t->cols[i];
			cell.len = 0;
			size_t w;
			if (line == 0) {
				w = display(&cell, c->name, strlen(c->name), false);
			} else if (line == 1) {
				sb_adds(&cell, kqlite_type_name(c->type));
				w = cell.len;
			} else {
				for (w = 0; w < widths[i]; w++)
					sb_addc(&cell, '-');
			}
			table_cell(out, cell.s ? cell.s : "", cell.len, w, widths[i], is_numeric(c->type), i == 0,
			           &keep);
		}
		end_line(out, keep);
	}
	for (size_t r = 0; r < t->nrows && !out->oom; r++) {
		size_t keep = out->len;
		for (size_t i = 0; i < t->ncols; i++) {
			cell.len = 0;
			size_t w = display_value(&cell, tmp, &t->cols[i], r, false);
			table_cell(out, cell.s ? cell.s : "", cell.len, w, widths[i], is_numeric(t->cols[i].type),
			           i == 0, &keep);
		}
		end_line(out, keep);
	}
	if (cell.oom)
		out->oom = true;
	sb_free(&cell);
	free(widths);
}

/* ---- Entry ---------------------------------------------------------------- */

int write_table(strbuf *out, const table *t, const char *format)
{
	static const struct {
		const char *name;
		void (*fn)(strbuf *, strbuf *, const table *);
	} formats[] = {
		{"table", write_plain},       {"csv", write_csv},
		{"json", write_json},         {"ndjson", write_ndjson},
		{"api-json", write_api_json}, {"markdown", write_markdown},
	};
	for (size_t i = 0; format && i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(format, formats[i].name) != 0)
			continue;
		strbuf tmp; /* one value's text, reused for every value */
		sb_init(&tmp);
		formats[i].fn(out, &tmp, t);
		if (tmp.oom)
			out->oom = true;
		sb_free(&tmp);
		return out->oom ? KQLITE_NOMEM : 0;
	}
	return KQLITE_MISUSE;
}
