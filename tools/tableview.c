/* tableview.c -- a result as an aligned table for a terminal (tableview.h). */
#include "tableview.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TICKS_PER_SECOND INT64_C(10000000)
#define TICKS_PER_DAY (86400 * TICKS_PER_SECOND)
#define DAYS_TO_1970 INT64_C(719162) /* 0001-01-01 to 1970-01-01 */

#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_RESET "\033[0m"

/* ---- Values as text ------------------------------------------------------ */

/* The shortest of %.15g..%.17g that reads back the same (as the writers). */
static size_t real_text(double d, char *buf)
{
	if (isnan(d))
		return (size_t)sprintf(buf, "NaN");
	if (isinf(d))
		return (size_t)sprintf(buf, d > 0 ? "Infinity" : "-Infinity");
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(buf, 32, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return (size_t)n;
}

/* Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* As the Logs blade shows them, in UTC: 11/14/2025, 9:05:03.120 AM (the
 * ticks below a millisecond are not shown; the data formats keep them). */
static size_t datetime_text(int64_t ticks, char *buf)
{
	int64_t days = ticks / TICKS_PER_DAY, rem = ticks % TICKS_PER_DAY;
	if (rem < 0) {
		rem += TICKS_PER_DAY;
		days--;
	}
	int64_t y;
	int m, d;
	civil_from_days(days - DAYS_TO_1970, &y, &m, &d);
	int64_t secs = rem / TICKS_PER_SECOND, ms = rem % TICKS_PER_SECOND / 10000;
	int h = (int)(secs / 3600), h12 = h % 12 ? h % 12 : 12;
	return (size_t)snprintf(buf, 48, "%d/%d/%04" PRId64 ", %d:%02d:%02d.%03d %s", m, d, y, h12,
	                        (int)(secs / 60 % 60), (int)(secs % 60), (int)ms, h < 12 ? "AM" : "PM");
}

/* [-][d.]hh:mm:ss[.fffffff] */
static size_t timespan_text(int64_t ticks, char *buf)
{
	uint64_t mag = ticks < 0 ? 0 - (uint64_t)ticks : (uint64_t)ticks;
	uint64_t days = mag / (uint64_t)TICKS_PER_DAY;
	uint64_t secs = mag % (uint64_t)TICKS_PER_DAY / (uint64_t)TICKS_PER_SECOND;
	uint64_t frac = mag % (uint64_t)TICKS_PER_SECOND;
	int n = 0;
	if (ticks < 0)
		buf[n++] = '-';
	if (days)
		n += sprintf(buf + n, "%" PRIu64 ".", days);
	n += sprintf(buf + n, "%02u:%02u:%02u", (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
	             (unsigned)(secs % 60));
	if (frac)
		n += sprintf(buf + n, ".%07u", (unsigned)frac);
	return (size_t)n;
}

const char *tableview_value_text(const kqlite_value *v, char *buf, size_t *len)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	switch (v->type) {
	case KQLITE_TYPE_BOOL:
		n = (size_t)sprintf(buf, "%s", v->v.b ? "true" : "false");
		break;
	case KQLITE_TYPE_INT:
		n = (size_t)sprintf(buf, "%" PRId32, v->v.i);
		break;
	case KQLITE_TYPE_LONG:
		n = (size_t)sprintf(buf, "%" PRId64, v->v.l);
		break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		n = real_text(v->v.r, buf);
		break;
	case KQLITE_TYPE_DATETIME:
		n = datetime_text(v->v.l, buf);
		break;
	case KQLITE_TYPE_TIMESPAN:
		n = timespan_text(v->v.l, buf);
		break;
	case KQLITE_TYPE_GUID:
		for (int i = 0; i < 16; i++) {
			if (i == 4 || i == 6 || i == 8 || i == 10)
				buf[n++] = '-';
			buf[n++] = hex[v->v.guid[i] >> 4];
			buf[n++] = hex[v->v.guid[i] & 15];
		}
		buf[n] = '\0';
		break;
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC:
		*len = v->v.s.len;
		return v->v.s.ptr ? v->v.s.ptr : "";
	default: /* a null */
		buf[0] = '\0';
		break;
	}
	*len = n;
	return buf;
}

/* ---- Display text -------------------------------------------------------- */

/* A growing byte buffer; `oom` sticks once an allocation failed. */
struct tv_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void tb_add(struct tv_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *bigger = realloc(b->s, cap);
		if (!bigger) {
			b->oom = true;
			return;
		}
		b->s = bigger;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void tb_adds(struct tv_buf *b, const char *s)
{
	tb_add(b, s, strlen(s));
}

/* The byte length of the valid UTF-8 sequence at s (n > 0 left), and its
 * code point in *cp; 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
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
	uint32_t v = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
	for (size_t i = 1; i < len; i++)
		v = v << 6 | (s[i] & 0x3Fu);
	*cp = v;
	return len;
}

/* Terminal columns of a code point: 0 for combining marks, 2 for East
 * Asian wide forms and emoji, else 1 (the same table as the writers). */
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

/* Appends s for display on one line: control characters as JSON-style
 * escapes (\n, \t, \u001b: a cell never moves the cursor), an invalid
 * byte as U+FFFD. Returns the width appended. */
static size_t display(struct tv_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t width = 0;
	while (p < e) {
		uint32_t cp;
		size_t k = utf8_decode(p, (size_t)(e - p), &cp);
		if (k == 0) {
			tb_add(out, "\xEF\xBF\xBD", 3);
			width++;
			p++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			char esc[8];
			int m = cp == '\n' ? sprintf(esc, "\\n")
			        : cp == '\t' ? sprintf(esc, "\\t")
			        : cp == '\r' ? sprintf(esc, "\\r")
			                     : sprintf(esc, "\\u%04x", (unsigned)cp);
			tb_add(out, esc, (size_t)m);
			width += (size_t)m;
		} else {
			tb_add(out, (const char *)p, k);
			width += cp_width(cp);
		}
		p += k;
	}
	return width;
}

/* The bytes of display text s (n bytes) that fit in `max` columns. */
static size_t fit_prefix(const char *s, size_t n, size_t max, size_t *width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		size_t cw = k ? cp_width(cp) : 1;
		if (!k)
			k = 1;
		if (w + cw > max)
			break;
		w += cw;
		i += k;
	}
	*width = w;
	return i;
}

/* ---- The table ------------------------------------------------------------ */

struct cell {
	size_t off, len, width; /* display text in the view's buffer */
};

struct view {
	FILE *out;
	bool color;
	struct tv_buf text; /* every cell's display text */
	struct tv_buf line;
};

static bool is_numeric(kqlite_type t)
{
	return t == KQLITE_TYPE_INT || t == KQLITE_TYPE_LONG || t == KQLITE_TYPE_REAL ||
	       t == KQLITE_TYPE_DECIMAL;
}

static struct cell add_cell(struct view *v, const char *s, size_t n)
{
	struct cell c = {v->text.len, 0, 0};
	c.width = display(&v->text, s, n);
	c.len = v->text.len - c.off;
	return c;
}

static void pad(struct tv_buf *b, size_t n)
{
	static const char spaces[] = "                                ";
	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		tb_add(b, spaces, sizeof(spaces) - 1);
	tb_add(b, spaces, n);
}

/* One cell into the line: cut to `width` with "…" when wider; right
 * aligned for numbers. *keep marks the end of the last text, so that a
 * line carries no trailing padding. */
static void put_cell(struct view *v, const struct cell *c, size_t width, bool right, bool first,
                     const char *sgr, size_t *keep)
{
	struct tv_buf *b = &v->line;
	const char *s = v->text.s ? v->text.s + c->off : "";
	size_t len = c->len, w = c->width;
	bool cut = w > width && width > 0;
	if (cut)
		len = fit_prefix(s, len, width - 1, &w);
	if (!first)
		pad(b, 2);
	if (right && !cut)
		pad(b, width - w);
	if (len || cut) {
		if (sgr && v->color)
			tb_adds(b, sgr);
		tb_add(b, s, len);
		if (cut) {
			tb_adds(b, "\xE2\x80\xA6"); /* … */
			w++;
		}
		if (sgr && v->color)
			tb_adds(b, SGR_RESET);
		*keep = b->len;
	}
	if (!right || cut)
		pad(b, width - w);
}

static void end_line(struct view *v, size_t keep)
{
	if (!v->line.oom) {
		v->line.len = keep;
		fwrite(v->line.s ? v->line.s : "", 1, v->line.len, v->out);
	}
	fputc('\n', v->out);
	v->line.len = 0;
}

/* Narrows columns to fit `width`. Each column keeps at least its name's
 * width (within 8..24 columns; less when its values are narrower), so a
 * shown column is readable; beyond that the widest are cut first, to a
 * common cap. Returns how many columns are shown: those that fit at
 * their minimum, at least one. */
static size_t fit_columns(size_t *widths, const size_t *name_widths, size_t ncols, size_t width)
{
	size_t shown = 0, total = 0, *minw = calloc(ncols, sizeof(*minw));
	if (!minw)
		return ncols;
	for (; shown < ncols; shown++) {
		size_t m = name_widths[shown] < 8 ? 8 : name_widths[shown] > 24 ? 24 : name_widths[shown];
		minw[shown] = widths[shown] < m ? widths[shown] : m;
		size_t need = total + (shown ? 2 : 0) + minw[shown];
		if (need > width && shown > 0)
			break;
		total = need;
	}
	size_t sum = 0, maxw = 0;
	for (size_t i = 0; i < shown; i++) {
		sum += widths[i];
		if (widths[i] > maxw)
			maxw = widths[i];
	}
	size_t avail = width > 2 * (shown - 1) ? width - 2 * (shown - 1) : 1;
	if (sum > avail) {
		/* The largest cap at which the shown columns fit (none goes
		 * under its minimum). */
		size_t lo = 1, hi = maxw;
		while (lo < hi) {
			size_t mid = lo + (hi - lo + 1) / 2, s = 0;
			for (size_t i = 0; i < shown; i++) {
				size_t w = widths[i] < mid ? widths[i] : mid;
				s += w < minw[i] ? minw[i] : w;
			}
			if (s <= avail)
				lo = mid;
			else
				hi = mid - 1;
		}
		for (size_t i = 0; i < shown; i++) {
			if (widths[i] > lo)
				widths[i] = lo < minw[i] ? minw[i] : lo;
		}
		/* One column alone wider than the window is cut to the window. */
		if (shown == 1 && widths[0] > avail)
			widths[0] = avail;
	}
	free(minw);
	return shown;
}

int tableview_print(kqlite_result *res, FILE *out, const struct tableview_options *o)
{
	size_t ncols = kqlite_result_column_count(res), nrows = kqlite_result_row_count(res);
	size_t rows = o->max_rows && nrows > o->max_rows ? o->max_rows : nrows;
	struct view v = {out, o->color, {0}, {0}};
	if (ncols == 0) {
		fprintf(out, "(no columns)\n");
		return 0;
	}
	/* Cells: names, types, then rows, column by column within a row. */
	struct cell *cells = calloc((rows + 2) * ncols, sizeof(*cells));
	size_t *widths = calloc(ncols, sizeof(*widths));
	int rc = -1;
	if (!cells || !widths)
		goto out;
	for (size_t c = 0; c < ncols; c++) {
		const char *name = kqlite_result_column_name(res, c);
		const char *type = kqlite_type_name(kqlite_result_column_type(res, c));
		cells[c] = add_cell(&v, name, strlen(name));
		cells[ncols + c] = add_cell(&v, type, strlen(type));
	}
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			kqlite_value val;
			char buf[48];
			size_t len = 0;
			const char *s = "";
			if (kqlite_result_value(res, c, r, &val) == KQLITE_OK)
				s = tableview_value_text(&val, buf, &len);
			cells[(r + 2) * ncols + c] = add_cell(&v, s, len);
		}
	}
	if (v.text.oom)
		goto out;
	for (size_t i = 0; i < (rows + 2) * ncols; i++)
		if (cells[i].width > widths[i % ncols])
			widths[i % ncols] = cells[i].width;
	size_t *name_widths = calloc(ncols, sizeof(*name_widths));
	if (!name_widths)
		goto out;
	for (size_t c = 0; c < ncols; c++)
		name_widths[c] = cells[c].width;
	size_t shown = o->width > 0 ? fit_columns(widths, name_widths, ncols, (size_t)o->width) : ncols;
	free(name_widths);
	for (size_t r = 0; r < rows + 3; r++) {
		size_t keep = 0;
		for (size_t c = 0; c < shown; c++) {
			bool right = is_numeric(kqlite_result_column_type(res, c));
			if (r == 2) { /* the rule under the types */
				if (c)
					pad(&v.line, 2);
				if (v.color)
					tb_adds(&v.line, SGR_DIM);
				for (size_t i = 0; i < widths[c]; i++)
					tb_add(&v.line, "-", 1);
				if (v.color)
					tb_adds(&v.line, SGR_RESET);
				keep = v.line.len;
				continue;
			}
			size_t idx = (r < 2 ? r : r - 1) * ncols + c;
			const char *sgr = r == 0 ? SGR_BOLD : r == 1 ? SGR_DIM : NULL;
			put_cell(&v, &cells[idx], widths[c], right, c == 0, sgr, &keep);
		}
		end_line(&v, keep);
	}
	if (v.color)
		fputs(SGR_DIM, out);
	if (nrows > rows)
		fprintf(out, "\xE2\x80\xA6 %zu more row%s (.maxrows N shows more)\n", nrows - rows,
		        nrows - rows == 1 ? "" : "s");
	if (shown < ncols)
		fprintf(out, "\xE2\x80\xA6 %zu more column%s not shown (project fewer, or .mode csv)\n",
		        ncols - shown, ncols - shown == 1 ? "" : "s");
	if (v.color)
		fputs(SGR_RESET, out);
	rc = v.line.oom ? -1 : 0;
out:
	free(cells);
	free(widths);
	free(v.text.s);
	free(v.line.s);
	return rc;
}
