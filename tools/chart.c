/* chart.c -- SVG and terminal charts of a rendered result (chart.h).
 *
 * Both outputs share one model (struct chart): the render kind, the x axis
 * (numbers, datetimes or categories), the series (one per distinct value of
 * the series columns and per y column, each a list of points), and for
 * column, bar, pie and stacked area charts a grid of values per x and series.
 * The columns follow the render operator's data model: xcolumn (or the
 * first column; for timechart the first datetime column), ycolumns (or every
 * numeric column but x and the series columns), series (or every string,
 * bool or guid column that is neither x nor y). */
#include "chart.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TICKS_1970 621355968000000000LL /* 1970-01-01 in ticks since 0001-01-01 */
#define MAX_SERIES 10                     /* drawn series; the rest merge into "Other" */
#define DAY 86400.0

enum ckind { CK_LINE, CK_AREA, CK_COLUMN, CK_BAR, CK_PIE, CK_SCATTER };
enum xkind { XK_NUM, XK_TIME, XK_CAT };
enum stack { ST_NONE, ST_STACKED, ST_100 };

typedef struct cpoint {
	double x, y; /* y is NAN for a null (a gap in a line) */
} cpoint;

typedef struct cseries {
	char *name;
	cpoint *pt;
	size_t n, cap;
	double total; /* sum of |y|: which series to keep when there are many */
} cseries;

/* string -> index, open addressing; keys point into the chart's own strings */
typedef struct strmap {
	const char **keys;
	size_t *vals;
	size_t cap, n;
} strmap;

typedef struct chart {
	enum ckind kind;
	const char *kindname;
	enum xkind xk;
	kqlite_type xtype; /* the x column's type (categories from datetimes sort by time) */
	enum stack stack;
	const char *title, *xtitle, *ytitle;
	bool legend, accumulate, has_ymin, has_ymax;
	double ymin, ymax;
	char **cats; /* XK_CAT: labels; a point's x is the index */
	double *catval;
	size_t ncat, capcat;
	strmap catmap, sermap;
	cseries *s;
	size_t ns, caps;
	size_t merged;   /* series merged into the last one, "Other" */
	double *xs;      /* grid: distinct x values (sorted) ... */
	double *grid;    /* ... and grid[i * ns + s], NAN when none */
	size_t nx;
	bool tod_same;   /* every datetime x has the same time of day */
	double tod;
	size_t skipped;  /* pie: negative slices left out */
	char *err;
	size_t errlen;
} chart;

/* A growable text buffer. */
typedef struct tbuf {
	char *s;
	size_t len, cap;
	bool oom;
} tbuf;

static void tb_add(tbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void tb_puts(tbuf *b, const char *s)
{
	tb_add(b, s, strlen(s));
}

/* ---- UTF-8 and display width -------------------------------------------- */

/* Decodes one character of s (n bytes left, n > 0); an invalid byte decodes
 * as U+FFFD of length 1, so every input is walked to its end. */
static uint32_t utf8_next(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = u[0];
	size_t need = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
	*len = 1;
	if (need == 0)
		return c;
	if (need > 3 || need >= n)
		return 0xFFFD;
	c &= 0x3Fu >> need;
	for (size_t i = 1; i <= need; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0xFFFD;
		c = c << 6 | (u[i] & 0x3F);
	}
	static const uint32_t least[] = {0, 0x80, 0x800, 0x10000};
	if (c < least[need] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0xFFFD;
	*len = need + 1;
	return c;
}

/* Terminal columns of a printable character: 0 for combining marks, 2 for
 * East Asian wide ones and emoji. Controls are replaced before this. */
static int cp_width(uint32_t c)
{
	if ((c >= 0x300 && c <= 0x36F) || (c >= 0x200B && c <= 0x200F) || (c >= 0x20D0 && c <= 0x20FF) ||
	    (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

static bool is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c < 0xA0);
}

/* Display columns of s as the terminal chart prints it (controls as '?',
 * combining marks dropped). */
static int text_width(const char *s)
{
	size_t n = strlen(s);
	int w = 0;
	for (size_t i = 0, l; i < n; i += l) {
		uint32_t c = utf8_next(s + i, n - i, &l);
		int cw = is_control(c) ? 1 : cp_width(c);
		w += cw;
	}
	return w;
}

/* Characters (code points) of s: the SVG's text width estimate. */
static size_t text_chars(const char *s)
{
	size_t n = strlen(s), k = 0;
	for (size_t i = 0, l; i < n; i += l, k++)
		utf8_next(s + i, n - i, &l);
	return k;
}

/* ---- the string map ------------------------------------------------------ */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static size_t map_find(const strmap *m, const char *key)
{
	if (!m->cap)
		return SIZE_MAX;
	for (size_t i = hash_str(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return SIZE_MAX;
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
	}
}

static bool map_put(strmap *m, const char *key, size_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		const char **keys = calloc(cap, sizeof *keys);
		size_t *vals = calloc(cap, sizeof *vals);
		if (!keys || !vals) {
			free(keys);
			free(vals);
			return false;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->keys[i])
				continue;
			size_t j = hash_str(m->keys[i]) & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = m->keys[i];
			vals[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->cap = cap;
	}
	size_t i = hash_str(key) & (m->cap - 1);
	while (m->keys[i])
		i = (i + 1) & (m->cap - 1);
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return true;
}

static void map_free(strmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* ---- calendar ------------------------------------------------------------ */

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

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

typedef struct civil {
	int64_t y;
	int mo, d, h, mi, s;
} civil;

static civil to_civil(double secs)
{
	civil c;
	int64_t t = (int64_t)floor(secs);
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t rem = t - days * 86400;
	civil_from_days(days, &c.y, &c.mo, &c.d);
	c.h = (int)(rem / 3600);
	c.mi = (int)(rem / 60 % 60);
	c.s = (int)(rem % 60);
	return c;
}

/* ---- numbers and ticks --------------------------------------------------- */

/* Decimals that show every multiple of step exactly. */
static int step_decimals(double step)
{
	for (int d = 0; d < 10; d++) {
		double s = step * pow(10, d);
		if (fabs(s - round(s)) < 1e-6 * fmax(1, fabs(s)))
			return d;
	}
	return 10;
}

/* An axis label: thousands as K, M, B, T when the axis reaches 10,000. */
static void fmt_tick(double v, double step, double maxabs, char *buf, size_t n)
{
	if (fabs(v) < step * 1e-9)
		v = 0;
	if (maxabs >= 1e15 || (maxabs < 1e-4 && maxabs > 0)) {
		snprintf(buf, n, "%.3g", v);
		return;
	}
	static const struct {
		double unit;
		const char *suffix;
	} units[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "K"}};
	for (size_t i = 0; i < 4; i++)
		if (maxabs >= units[i].unit * (i == 3 ? 10 : 1)) {
			int d = step_decimals(step / units[i].unit);
			snprintf(buf, n, "%.*f%s", d, v / units[i].unit, v == 0 ? "" : units[i].suffix);
			return;
		}
	snprintf(buf, n, "%.*f", step_decimals(step), v);
}

/* A data value in a label: integers in full, others with 4 digits. */
static void fmt_value(double v, char *buf, size_t n)
{
	if (v == round(v) && fabs(v) < 1e15)
		snprintf(buf, n, "%.0f", v);
	else
		snprintf(buf, n, "%.4g", v);
}

/* A round step for about want intervals over range. */
static double nice_step(double range, double want)
{
	if (!(range > 0) || !isfinite(range))
		return 1;
	double raw = range / (want < 1 ? 1 : want);
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

typedef struct tick {
	double v;
	char label[40];
} tick;

#define MAX_TICKS 64

/* Round numeric ticks over [lo, hi]; extends lo and hi to them when asked. */
static size_t num_ticks(double *lo, double *hi, double want, bool extend, tick *t)
{
	double step = nice_step(*hi - *lo, want);
	double a = ceil(*lo / step - 1e-9) * step, b = floor(*hi / step + 1e-9) * step;
	if (extend) {
		a = floor(*lo / step + 1e-9) * step;
		b = ceil(*hi / step - 1e-9) * step;
		*lo = a;
		*hi = b;
	}
	double maxabs = fmax(fabs(a), fabs(b));
	size_t n = 0;
	for (int i = 0; n < MAX_TICKS; i++) {
		double v = a + i * step;
		if (v > b + step * 1e-6)
			break;
		t[n].v = v;
		fmt_tick(v, step, maxabs, t[n].label, sizeof t[n].label);
		n++;
	}
	return n;
}

/* Time ticks over [x0, x1] (seconds since 1970): the smallest calendar step
 * that gives at most maxn labels. Daily and longer steps are placed at the
 * data's common time of day (daily bins at noon get their date under them). */
static size_t time_ticks(const chart *c, double x0, double x1, double maxn, tick *t)
{
	static const struct {
		double sec;
		int months;
	} steps[] = {{1, 0},      {2, 0},      {5, 0},      {10, 0},     {15, 0},     {30, 0},      {60, 0},
	             {120, 0},    {300, 0},    {600, 0},    {900, 0},    {1800, 0},   {3600, 0},    {7200, 0},
	             {10800, 0},  {21600, 0},  {43200, 0},  {86400, 0},  {172800, 0}, {604800, 0},  {1209600, 0},
	             {0, 1},      {0, 2},      {0, 3},      {0, 6},      {0, 12},     {0, 24},      {0, 60},
	             {0, 120},    {0, 240},    {0, 600},    {0, 1200},   {0, 6000}};
	size_t nsteps = sizeof steps / sizeof steps[0], k = 0;
	double span = x1 - x0;
	if (maxn < 2)
		maxn = 2;
	for (; k + 1 < nsteps; k++) {
		double sec = steps[k].sec ? steps[k].sec : steps[k].months * 30.44 * DAY;
		if (span / sec + 1 <= maxn)
			break;
	}
	size_t n = 0;
	if (steps[k].sec) {
		double step = steps[k].sec, off = 0;
		if (step >= DAY) {
			off = c->tod_same && !isnan(c->tod) ? c->tod : 0;
			if (step >= 7 * DAY)
				off += 4 * DAY; /* weeks start on Monday (1970-01-01 was a Thursday) */
		}
		double v = ceil((x0 - off) / step - 1e-9) * step + off;
		for (; v <= x1 + 1e-6 && n < MAX_TICKS; v += step) {
			civil cv = to_civil(v);
			t[n].v = v;
			if (step >= DAY || (cv.h == 0 && cv.mi == 0 && cv.s == 0))
				snprintf(t[n].label, sizeof t[n].label, "%s %02d", month_names[cv.mo - 1], cv.d);
			else if (step < 60)
				snprintf(t[n].label, sizeof t[n].label, "%02d:%02d:%02d", cv.h, cv.mi, cv.s);
			else
				snprintf(t[n].label, sizeof t[n].label, "%02d:%02d", cv.h, cv.mi);
			n++;
		}
		return n;
	}
	int months = steps[k].months;
	civil cv = to_civil(x0);
	int64_t m = cv.y * 12 + (cv.mo - 1);
	if (cv.d != 1 || cv.h || cv.mi || cv.s)
		m++;
	m = (m + months - 1) / months * months;
	for (; n < MAX_TICKS; m += months) {
		int64_t y = m / 12;
		int mo = (int)(m % 12) + 1;
		double v = (double)days_from_civil(y, mo, 1) * DAY;
		if (v > x1 + 1e-6)
			break;
		t[n].v = v;
		if (months >= 12)
			snprintf(t[n].label, sizeof t[n].label, "%lld", (long long)y);
		else if (n == 0 || mo == 1)
			snprintf(t[n].label, sizeof t[n].label, "%s %lld", month_names[mo - 1], (long long)y);
		else
			snprintf(t[n].label, sizeof t[n].label, "%s", month_names[mo - 1]);
		n++;
	}
	return n;
}

/* Ticks of the x axis (numbers or times) for space units of width, each
 * label about chars units wide. */
static size_t x_ticks(const chart *c, double x0, double x1, double space, double chars, tick *t)
{
	if (c->xk == XK_TIME)
		return time_ticks(c, x0, x1, space / chars, t);
	double lo = x0, hi = x1;
	return num_ticks(&lo, &hi, fmax(2, space / chars), false, t);
}

/* The date of the first x value: sub-day time axes show it once. */
static void time_context(const chart *c, double x0, double x1, char *buf, size_t n)
{
	*buf = '\0';
	if (c->xk != XK_TIME)
		return;
	/* the data's own range, not the padded axis */
	double lo = INFINITY, hi = -INFINITY;
	for (size_t s = 0; s < c->ns; s++)
		for (size_t i = 0; i < c->s[s].n; i++)
			lo = fmin(lo, c->s[s].pt[i].x), hi = fmax(hi, c->s[s].pt[i].x);
	if (lo <= hi)
		x0 = lo, x1 = hi;
	civil a = to_civil(x0), b = to_civil(x1);
	if (x1 - x0 <= 2 * DAY)
		snprintf(buf, n, "%s %02d, %lld (UTC)", month_names[a.mo - 1], a.d, (long long)a.y);
	else if (a.y == b.y)
		snprintf(buf, n, "%lld (UTC)", (long long)a.y);
	else
		snprintf(buf, n, "%lld\xE2\x80\x93%lld (UTC)", (long long)a.y, (long long)b.y);
}

/* ---- reading the result into the model ----------------------------------- */

static bool fail(chart *c, const char *fmt, const char *a, const char *b)
{
	snprintf(c->err, c->errlen, fmt, a, b);
	return false;
}

static bool oom(chart *c)
{
	return fail(c, "out of memory drawing the chart%s%s", "", "");
}

static bool is_numeric(kqlite_type t)
{
	return t == KQLITE_TYPE_INT || t == KQLITE_TYPE_LONG || t == KQLITE_TYPE_REAL || t == KQLITE_TYPE_DECIMAL;
}

/* A cell as a number (datetimes: seconds since 1970; timespans: seconds);
 * false for a null or a value that is not a finite number. */
static bool cell_number(const kqlite_value *v, double *out)
{
	switch (v->type) {
	case KQLITE_TYPE_BOOL: *out = v->v.b; return true;
	case KQLITE_TYPE_INT: *out = v->v.i; return true;
	case KQLITE_TYPE_LONG: *out = (double)v->v.l; return true;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		/* clamped so that ranges and sums stay finite */
		*out = fmax(-1e300, fmin(1e300, v->v.r));
		return isfinite(v->v.r);
	case KQLITE_TYPE_DATETIME: *out = (double)(v->v.l - TICKS_1970) / 1e7; return true;
	case KQLITE_TYPE_TIMESPAN: *out = (double)v->v.l / 1e7; return true;
	default: return false;
	}
}

/* A cell as text (a label or part of a series name). */
static void cell_text(kqlite_result *res, size_t col, size_t row, tbuf *b)
{
	kqlite_value v;
	char buf[64];
	if (kqlite_result_value(res, col, row, &v) != KQLITE_OK)
		return;
	switch (v.type) {
	case KQLITE_TYPE_STRING:
	case KQLITE_TYPE_DYNAMIC: tb_add(b, v.v.s.ptr, v.v.s.len); return;
	case KQLITE_TYPE_BOOL: tb_puts(b, v.v.b ? "true" : "false"); return;
	case KQLITE_TYPE_INT: snprintf(buf, sizeof buf, "%d", (int)v.v.i); break;
	case KQLITE_TYPE_LONG: snprintf(buf, sizeof buf, "%lld", (long long)v.v.l); break;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: snprintf(buf, sizeof buf, "%g", v.v.r); break;
	case KQLITE_TYPE_DATETIME: {
		civil cv = to_civil((double)(v.v.l - TICKS_1970) / 1e7);
		snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)cv.y, cv.mo, cv.d, cv.h, cv.mi,
		         cv.s);
		break;
	}
	case KQLITE_TYPE_TIMESPAN: snprintf(buf, sizeof buf, "%gs", (double)v.v.l / 1e7); break;
	case KQLITE_TYPE_GUID: {
		const unsigned char *g = v.v.guid;
		char *p = buf;
		for (int i = 0; i < 16; i++)
			p += sprintf(p, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", g[i]);
		break;
	}
	default: return; /* null */
	}
	tb_puts(b, buf);
}

static int find_col(kqlite_result *res, const char *name, size_t n)
{
	size_t nc = kqlite_result_column_count(res);
	for (size_t i = 0; i < nc; i++) {
		const char *cn = kqlite_result_column_name(res, i);
		if (strlen(cn) == n && !memcmp(cn, name, n))
			return (int)i;
	}
	return -1;
}

#define MAX_COLS 64

/* Parses a property's comma-separated column list into idx (at most MAX_COLS). */
static bool prop_columns(chart *c, kqlite_result *res, const char *prop, int *idx, size_t max, size_t *n)
{
	const char *v = kqlite_result_render_property(res, prop);
	*n = 0;
	if (!v)
		return true;
	while (*v) {
		while (*v == ' ' || *v == ',')
			v++;
		const char *e = v;
		while (*e && *e != ',')
			e++;
		size_t len = (size_t)(e - v);
		while (len && v[len - 1] == ' ')
			len--;
		if (len) {
			int k = find_col(res, v, len);
			if (k < 0) {
				char nm[128];
				snprintf(nm, sizeof nm, "%.*s", (int)(len > 100 ? 100 : len), v);
				return fail(c, "render %s: no column '%s' in the result", prop, nm);
			}
			if (*n < max)
				idx[(*n)++] = k;
		}
		v = e;
	}
	return true;
}

static bool in_list(const int *l, size_t n, int k)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] == k)
			return true;
	return false;
}

static bool set_kind(chart *c, const char *k)
{
	static const struct {
		const char *name;
		enum ckind kind;
	} kinds[] = {{"timechart", CK_LINE},          {"linechart", CK_LINE},     {"areachart", CK_AREA},
	             {"stackedareachart", CK_AREA},   {"columnchart", CK_COLUMN}, {"barchart", CK_BAR},
	             {"piechart", CK_PIE},            {"scatterchart", CK_SCATTER}};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(k, kinds[i].name)) {
			c->kind = kinds[i].kind;
			c->kindname = kinds[i].name;
			return true;
		}
	return fail(c, "not supported yet: render %s as a chart%s", k, "");
}

/* The with (...) properties that shape the drawing. */
static void read_props(chart *c, kqlite_result *res)
{
	c->title = kqlite_result_render_property(res, "title");
	c->xtitle = kqlite_result_render_property(res, "xtitle");
	c->ytitle = kqlite_result_render_property(res, "ytitle");
	const char *v = kqlite_result_render_property(res, "legend");
	c->legend = !(v && !strcmp(v, "hidden"));
	v = kqlite_result_render_property(res, "accumulate");
	c->accumulate = v && !strcmp(v, "true");
	v = kqlite_result_render_property(res, "kind");
	/* column and bar charts stack by default, areas do not */
	c->stack = c->kind == CK_COLUMN || c->kind == CK_BAR ? ST_STACKED : ST_NONE;
	if (!strcmp(c->kindname, "stackedareachart"))
		c->stack = ST_STACKED;
	if (v && (c->kind == CK_AREA || c->kind == CK_COLUMN || c->kind == CK_BAR)) {
		if (!strcmp(v, "stacked"))
			c->stack = ST_STACKED;
		else if (!strcmp(v, "stacked100"))
			c->stack = ST_100;
		else if (!strcmp(v, "unstacked"))
			c->stack = ST_NONE;
	}
	char *end;
	if ((v = kqlite_result_render_property(res, "ymin"))) {
		c->ymin = strtod(v, &end);
		c->has_ymin = end != v && isfinite(c->ymin);
	}
	if ((v = kqlite_result_render_property(res, "ymax"))) {
		c->ymax = strtod(v, &end);
		c->has_ymax = end != v && isfinite(c->ymax);
	}
}

static bool add_point(cseries *s, double x, double y)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		cpoint *p = realloc(s->pt, cap * sizeof *p);
		if (!p)
			return false;
		s->pt = p;
		s->cap = cap;
	}
	s->pt[s->n++] = (cpoint){x, y};
	if (!isnan(y))
		s->total += fabs(y);
	return true;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* The series named name, created on first use; SIZE_MAX when out of memory. */
static size_t series_of(chart *c, const char *name)
{
	size_t k = map_find(&c->sermap, name);
	if (k != SIZE_MAX)
		return k;
	if (c->ns == c->caps) {
		size_t cap = c->caps ? c->caps * 2 : 8;
		cseries *s = realloc(c->s, cap * sizeof *s);
		if (!s)
			return SIZE_MAX;
		c->s = s;
		c->caps = cap;
	}
	cseries *s = &c->s[c->ns];
	memset(s, 0, sizeof *s);
	if (!(s->name = dup_str(name)) || !map_put(&c->sermap, s->name, c->ns)) {
		free(s->name);
		return SIZE_MAX;
	}
	return c->ns++;
}

static size_t category_of(chart *c, const char *label, double val)
{
	size_t k = map_find(&c->catmap, label);
	if (k != SIZE_MAX)
		return k;
	if (c->ncat == c->capcat) {
		size_t cap = c->capcat ? c->capcat * 2 : 16;
		char **l = realloc(c->cats, cap * sizeof *l);
		if (l)
			c->cats = l;
		double *v = realloc(c->catval, cap * sizeof *v);
		if (v)
			c->catval = v;
		if (!l || !v)
			return SIZE_MAX;
		c->capcat = cap;
	}
	char *d = dup_str(label);
	if (!d || !map_put(&c->catmap, d, c->ncat)) {
		free(d);
		return SIZE_MAX;
	}
	c->cats[c->ncat] = d;
	c->catval[c->ncat] = val;
	return c->ncat++;
}

/* Chooses the x, y and series columns (the render operator's rules). */
static bool pick_columns(chart *c, kqlite_result *res, int *x, int *ys, size_t *ny, int *ser, size_t *nser)
{
	size_t nc = kqlite_result_column_count(res), nx;
	if (!prop_columns(c, res, "xcolumn", x, 1, &nx) || !prop_columns(c, res, "ycolumns", ys, MAX_COLS, ny) ||
	    !prop_columns(c, res, "series", ser, MAX_COLS, nser))
		return false;
	bool timechart = !strcmp(c->kindname, "timechart");
	if (!nx) {
		*x = -1;
		for (size_t i = 0; i < nc && *x < 0; i++) {
			kqlite_type t = kqlite_result_column_type(res, i);
			if (timechart ? t == KQLITE_TYPE_DATETIME : !in_list(ys, *ny, (int)i) && !in_list(ser, *nser, (int)i))
				*x = (int)i;
		}
		if (*x < 0)
			return fail(c, timechart ? "render %s: no datetime column for the x axis%s"
			                         : "render %s: no column for the x axis%s",
			            c->kindname, "");
	}
	if (!*ny)
		for (size_t i = 0; i < nc && *ny < MAX_COLS; i++)
			if ((int)i != *x && is_numeric(kqlite_result_column_type(res, i)) && !in_list(ser, *nser, (int)i))
				ys[(*ny)++] = (int)i;
	if (!*ny)
		return fail(c, "render %s: no numeric column to plot (set ycolumns)%s", c->kindname, "");
	if (!kqlite_result_render_property(res, "series"))
		for (size_t i = 0; i < nc && *nser < MAX_COLS; i++) {
			kqlite_type t = kqlite_result_column_type(res, i);
			if ((int)i != *x && !in_list(ys, *ny, (int)i) &&
			    (t == KQLITE_TYPE_STRING || t == KQLITE_TYPE_BOOL || t == KQLITE_TYPE_GUID))
				ser[(*nser)++] = (int)i;
		}
	for (size_t i = 0; i < *ny; i++)
		if (ys[i] == *x)
			return fail(c, "render %s: column '%s' is both the x axis and a y column", c->kindname,
			            kqlite_result_column_name(res, (size_t)*x));
	return true;
}

static int cmp_point(const void *a, const void *b)
{
	const cpoint *p = a, *q = b;
	return (p->x > q->x) - (p->x < q->x);
}

static const chart *sort_chart; /* qsort has no context argument */

static int cmp_cat(const void *a, const void *b)
{
	double p = sort_chart->catval[*(const size_t *)a], q = sort_chart->catval[*(const size_t *)b];
	if (isnan(p) || isnan(q))
		return isnan(p) - isnan(q); /* a null category goes last */
	return (p > q) - (p < q);
}

/* Categories made from datetimes or numbers go in their order, not the
 * rows' order (a column chart over time reads left to right). */
static bool sort_categories(chart *c)
{
	size_t n = c->ncat + 1;
	size_t *perm = malloc(n * sizeof *perm), *inv = malloc(n * sizeof *inv);
	char **cats = malloc(n * sizeof *cats);
	double *vals = malloc(n * sizeof *vals);
	bool ok = perm && inv && cats && vals;
	if (ok) {
		for (size_t i = 0; i < c->ncat; i++)
			perm[i] = i;
		sort_chart = c;
		qsort(perm, c->ncat, sizeof *perm, cmp_cat);
		for (size_t i = 0; i < c->ncat; i++) {
			inv[perm[i]] = i;
			cats[i] = c->cats[perm[i]];
			vals[i] = c->catval[perm[i]];
		}
		if (c->ncat) {
			memcpy(c->cats, cats, c->ncat * sizeof *cats);
			memcpy(c->catval, vals, c->ncat * sizeof *vals);
		}
		for (size_t s = 0; s < c->ns; s++)
			for (size_t i = 0; i < c->s[s].n; i++)
				c->s[s].pt[i].x = (double)inv[(size_t)c->s[s].pt[i].x];
	}
	free(perm);
	free(inv);
	free(cats);
	free(vals);
	return ok;
}

/* Labels of datetime categories: the date alone when every value has the
 * same time of day, else date and time. */
static bool label_time_categories(chart *c)
{
	for (size_t i = 0; i < c->ncat; i++) {
		if (isnan(c->catval[i]))
			continue;
		civil cv = to_civil(c->catval[i]);
		char buf[48];
		if (c->tod_same)
			snprintf(buf, sizeof buf, "%s %02d", month_names[cv.mo - 1], cv.d);
		else
			snprintf(buf, sizeof buf, "%s %02d %02d:%02d", month_names[cv.mo - 1], cv.d, cv.h, cv.mi);
		char *d = dup_str(buf);
		if (!d)
			return false;
		free(c->cats[i]);
		c->cats[i] = d;
	}
	return true;
}

/* Equal x values of a sorted series become one point (their sum). */
static void combine_equal_x(cseries *s)
{
	size_t w = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (w && s->pt[w - 1].x == s->pt[i].x) {
			double a = s->pt[w - 1].y, b = s->pt[i].y;
			s->pt[w - 1].y = isnan(a) ? b : isnan(b) ? a : a + b;
		} else {
			s->pt[w++] = s->pt[i];
		}
	}
	s->n = w;
}

/* More than MAX_SERIES series: the largest MAX_SERIES-1 stay (in their
 * order), the others are summed into one "Other (N series)". */
static bool merge_other(chart *c)
{
	if (c->ns <= MAX_SERIES)
		return true;
	size_t keep = MAX_SERIES - 1;
	bool *kept = calloc(c->ns, sizeof *kept);
	if (!kept)
		return false;
	for (size_t k = 0; k < keep; k++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < c->ns; i++)
			if (!kept[i] && (best == SIZE_MAX || c->s[i].total > c->s[best].total))
				best = i;
		kept[best] = true;
	}
	cseries other = {0};
	size_t w = 0, nmerged = 0;
	bool ok = true;
	for (size_t i = 0; i < c->ns; i++) {
		if (kept[i]) {
			c->s[w++] = c->s[i];
			continue;
		}
		for (size_t p = 0; p < c->s[i].n && ok; p++)
			ok = add_point(&other, c->s[i].pt[p].x, c->s[i].pt[p].y);
		free(c->s[i].name);
		free(c->s[i].pt);
		nmerged++;
	}
	free(kept);
	char nm[64];
	snprintf(nm, sizeof nm, "Other (%zu series)", nmerged);
	other.name = dup_str(nm);
	c->s[w++] = other;
	c->ns = w;
	c->merged = nmerged;
	if (!ok || !other.name)
		return false;
	qsort(c->s[w - 1].pt, c->s[w - 1].n, sizeof(cpoint), cmp_point);
	combine_equal_x(&c->s[w - 1]);
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double p = *(const double *)a, q = *(const double *)b;
	return (p > q) - (p < q);
}

/* The grid of values per distinct x and series (sums of equal x). */
static bool build_grid(chart *c)
{
	size_t total = 0;
	for (size_t s = 0; s < c->ns; s++)
		total += c->s[s].n;
	c->xs = malloc(((c->xk == XK_CAT ? c->ncat : total) + 1) * sizeof *c->xs);
	if (!c->xs)
		return false;
	if (c->xk == XK_CAT) {
		for (size_t i = 0; i < c->ncat; i++)
			c->xs[i] = (double)i;
		c->nx = c->ncat;
	} else {
		size_t n = 0;
		for (size_t s = 0; s < c->ns; s++)
			for (size_t i = 0; i < c->s[s].n; i++)
				c->xs[n++] = c->s[s].pt[i].x;
		qsort(c->xs, n, sizeof *c->xs, cmp_double);
		size_t w = 0;
		for (size_t i = 0; i < n; i++)
			if (!w || c->xs[w - 1] != c->xs[i])
				c->xs[w++] = c->xs[i];
		c->nx = w;
	}
	c->grid = malloc((c->nx * c->ns + 1) * sizeof *c->grid);
	if (!c->grid)
		return false;
	for (size_t i = 0; i < c->nx * c->ns; i++)
		c->grid[i] = NAN;
	for (size_t s = 0; s < c->ns; s++)
		for (size_t i = 0; i < c->s[s].n; i++) {
			double x = c->s[s].pt[i].x, y = c->s[s].pt[i].y;
			double *hit = bsearch(&x, c->xs, c->nx, sizeof *c->xs, cmp_double);
			if (!hit || isnan(y))
				continue;
			double *g = &c->grid[(size_t)(hit - c->xs) * c->ns + s];
			*g = isnan(*g) ? y : *g + y;
		}
	return true;
}

static void swap_cats(chart *c, size_t a, size_t b)
{
	char *t = c->cats[a];
	c->cats[a] = c->cats[b];
	c->cats[b] = t;
}

/* A pie's slices are its categories with the first y column; null, zero and
 * negative values are left out, and past MAX_SERIES the smallest merge. */
static bool pie_slices(chart *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nx; i++) {
		double v = c->grid[i * c->ns];
		if (isnan(v) || v <= 0) {
			c->skipped += v < 0;
			continue;
		}
		c->grid[n] = v;
		swap_cats(c, n, i);
		n++;
	}
	if (n > MAX_SERIES) {
		bool *kept = calloc(n, sizeof *kept);
		if (!kept)
			return false;
		for (size_t k = 0; k + 1 < MAX_SERIES; k++) {
			size_t best = SIZE_MAX;
			for (size_t i = 0; i < n; i++)
				if (!kept[i] && (best == SIZE_MAX || c->grid[i] > c->grid[best]))
					best = i;
			kept[best] = true;
		}
		size_t w = 0, merged = 0;
		double rest = 0;
		for (size_t i = 0; i < n; i++) {
			if (kept[i]) {
				swap_cats(c, w, i);
				c->grid[w++] = c->grid[i];
			} else {
				rest += c->grid[i];
				merged++;
			}
		}
		free(kept);
		char nm[64];
		snprintf(nm, sizeof nm, "Other (%zu)", merged);
		char *d = dup_str(nm);
		if (!d)
			return false;
		free(c->cats[w]);
		c->cats[w] = d;
		c->grid[w++] = rest;
		n = w;
	}
	c->nx = n;
	return true;
}

/* The name of a series: the series columns' values, and the y column's
 * name when there are several y columns (or no series columns). */
static void series_name(tbuf *name, const char *key, bool has_key, const char *ycol, bool with_y)
{
	name->len = 0;
	tb_add(name, "", 0);
	if (has_key)
		tb_puts(name, key);
	if (with_y) {
		tb_puts(name, has_key ? " (" : "");
		tb_puts(name, ycol);
		tb_puts(name, has_key ? ")" : "");
	}
}

/* Reads one row into the model; false when out of memory. */
static bool read_row(chart *c, kqlite_result *res, size_t r, int x, const int *ys, size_t ny, const int *ser,
                     size_t nser, tbuf *key, tbuf *name, tbuf *lab)
{
	kqlite_value xv;
	double xn = 0;
	if (kqlite_result_value(res, (size_t)x, r, &xv) != KQLITE_OK)
		return true;
	bool xnum = cell_number(&xv, &xn);
	if (c->xk != XK_CAT && !xnum)
		return true; /* a null x has no place on the axis */
	if (c->xtype == KQLITE_TYPE_DATETIME && xnum) {
		double tod = xn - floor(xn / DAY) * DAY;
		if (isnan(c->tod))
			c->tod = tod;
		else if (tod != c->tod)
			c->tod_same = false;
	}
	key->len = 0;
	tb_add(key, "", 0);
	for (size_t i = 0; i < nser; i++) {
		if (i)
			tb_puts(key, ", ");
		cell_text(res, (size_t)ser[i], r, key);
	}
	if (c->xk == XK_CAT) {
		lab->len = 0;
		tb_add(lab, "", 0);
		cell_text(res, (size_t)x, r, lab);
		if (c->kind == CK_PIE && nser) {
			tb_puts(lab, ", ");
			tb_puts(lab, key->s);
		}
		if (lab->oom || key->oom)
			return false;
		size_t k = category_of(c, lab->s, xnum ? xn : NAN);
		if (k == SIZE_MAX)
			return false;
		xn = (double)k;
	}
	bool pie = c->kind == CK_PIE;
	for (size_t j = 0; j < ny; j++) {
		series_name(name, key->s, nser && !pie, kqlite_result_column_name(res, (size_t)ys[j]),
		            !nser || ny > 1 || pie);
		if (name->oom || key->oom)
			return false;
		size_t s = series_of(c, name->s);
		kqlite_value yv;
		double y;
		if (s == SIZE_MAX)
			return false;
		if (kqlite_result_value(res, (size_t)ys[j], r, &yv) != KQLITE_OK || !cell_number(&yv, &y) ||
		    yv.type == KQLITE_TYPE_DATETIME)
			y = NAN;
		if (!add_point(&c->s[s], xn, y))
			return false;
	}
	return true;
}

/* Reads the result into c; false with c->err set. */
static bool chart_build(chart *c, kqlite_result *res)
{
	const char *kind = kqlite_result_render_kind(res);
	if (!kind)
		return fail(c, "the query does not end in render%s%s", "", "");
	if (!set_kind(c, kind))
		return false;
	read_props(c, res);
	int x, ys[MAX_COLS], ser[MAX_COLS];
	size_t ny, nser;
	if (!pick_columns(c, res, &x, ys, &ny, ser, &nser))
		return false;
	c->xtype = kqlite_result_column_type(res, (size_t)x);
	bool cat_kind = c->kind == CK_COLUMN || c->kind == CK_BAR || c->kind == CK_PIE;
	if (cat_kind)
		c->xk = XK_CAT;
	else if (c->xtype == KQLITE_TYPE_DATETIME)
		c->xk = XK_TIME;
	else if (is_numeric(c->xtype) || c->xtype == KQLITE_TYPE_TIMESPAN)
		c->xk = XK_NUM;
	else
		c->xk = XK_CAT;
	if (c->kind == CK_PIE)
		ny = 1; /* the slice size is the first y column */
	if (!c->xtitle)
		c->xtitle = kqlite_result_column_name(res, (size_t)x);
	if (!c->ytitle && ny == 1)
		c->ytitle = kqlite_result_column_name(res, (size_t)ys[0]);
	size_t nrows = kqlite_result_row_count(res);
	tbuf key = {0}, name = {0}, lab = {0};
	bool ok = true;
	c->tod_same = true;
	c->tod = NAN;
	for (size_t r = 0; r < nrows && ok; r++)
		ok = read_row(c, res, r, x, ys, ny, ser, nser, &key, &name, &lab);
	free(key.s);
	free(name.s);
	free(lab.s);
	if (!ok)
		return oom(c);
	if (c->xk == XK_CAT && (c->xtype == KQLITE_TYPE_DATETIME || is_numeric(c->xtype)) &&
	    (!sort_categories(c) || (c->xtype == KQLITE_TYPE_DATETIME && !label_time_categories(c))))
		return oom(c);
	for (size_t s = 0; s < c->ns; s++) {
		if (c->xk != XK_CAT || (c->xtype == KQLITE_TYPE_DATETIME || is_numeric(c->xtype)))
			qsort(c->s[s].pt, c->s[s].n, sizeof(cpoint), cmp_point);
		if (c->accumulate) {
			double sum = 0;
			for (size_t i = 0; i < c->s[s].n; i++)
				if (!isnan(c->s[s].pt[i].y))
					c->s[s].pt[i].y = sum += c->s[s].pt[i].y;
		}
	}
	if (c->kind != CK_PIE && !merge_other(c))
		return oom(c);
	bool grid = cat_kind || (c->kind == CK_AREA && c->stack != ST_NONE);
	if (grid && !build_grid(c))
		return oom(c);
	if (c->kind == CK_PIE && !pie_slices(c))
		return oom(c);
	return true;
}

static void chart_free(chart *c)
{
	for (size_t i = 0; i < c->ns; i++) {
		free(c->s[i].name);
		free(c->s[i].pt);
	}
	free(c->s);
	for (size_t i = 0; i < c->ncat; i++)
		free(c->cats[i]);
	free(c->cats);
	free(c->catval);
	map_free(&c->catmap);
	map_free(&c->sermap);
	free(c->xs);
	free(c->grid);
}

/* A stacked value: the share of its x's total for stacked100. */
static double grid_value(const chart *c, size_t i, size_t s)
{
	double v = c->grid[i * c->ns + s];
	if (isnan(v) || c->stack != ST_100)
		return v;
	double t = 0;
	for (size_t k = 0; k < c->ns; k++)
		if (!isnan(c->grid[i * c->ns + k]))
			t += fabs(c->grid[i * c->ns + k]);
	return t > 0 ? v / t * 100 : 0;
}

/* True when there is at least one value to draw. */
static bool has_data(const chart *c)
{
	if (c->kind == CK_PIE)
		return c->nx > 0;
	for (size_t s = 0; s < c->ns; s++)
		for (size_t i = 0; i < c->s[s].n; i++)
			if (!isnan(c->s[s].pt[i].y))
				return true;
	return false;
}

/* The value axis' data range (stacks summed), before rounding to ticks. */
static void y_range(const chart *c, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	if (c->grid && c->stack != ST_NONE) {
		for (size_t i = 0; i < c->nx; i++) {
			double pos = 0, neg = 0;
			for (size_t s = 0; s < c->ns; s++) {
				double v = grid_value(c, i, s);
				if (!isnan(v))
					*(v >= 0 ? &pos : &neg) += v;
			}
			*lo = fmin(*lo, neg);
			*hi = fmax(*hi, pos);
		}
	} else {
		for (size_t s = 0; s < c->ns; s++)
			for (size_t i = 0; i < c->s[s].n; i++)
				if (!isnan(c->s[s].pt[i].y)) {
					*lo = fmin(*lo, c->s[s].pt[i].y);
					*hi = fmax(*hi, c->s[s].pt[i].y);
				}
	}
	if (*lo > *hi)
		*lo = 0, *hi = 1;
	/* bars and areas grow from zero; lines include it when it is near */
	bool zero = c->kind == CK_COLUMN || c->kind == CK_BAR || c->kind == CK_AREA;
	if (zero || (c->kind == CK_LINE && *lo >= 0 && *lo <= *hi / 2))
		*lo = fmin(*lo, 0);
	if (zero || (c->kind == CK_LINE && *hi <= 0 && *hi >= *lo / 2))
		*hi = fmax(*hi, 0);
	if (c->has_ymin)
		*lo = c->ymin;
	if (c->has_ymax)
		*hi = c->ymax;
	if (*lo >= *hi) {
		double pad = *lo == 0 ? 1 : fabs(*lo) * 0.1;
		if (c->has_ymin && !c->has_ymax)
			*hi = *lo + pad;
		else if (c->has_ymax && !c->has_ymin)
			*lo = *hi - pad;
		else if (*lo == 0)
			*hi = 1;
		else
			*lo -= pad, *hi += pad;
	}
}

/* The x range of line, area and scatter charts. */
static void x_range(const chart *c, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t s = 0; s < c->ns; s++)
		for (size_t i = 0; i < c->s[s].n; i++) {
			*lo = fmin(*lo, c->s[s].pt[i].x);
			*hi = fmax(*hi, c->s[s].pt[i].x);
		}
	if (*lo > *hi)
		*lo = 0, *hi = c->xk == XK_TIME ? DAY : 1;
	if (c->xk == XK_CAT) {
		*lo = -0.5, *hi = fmax(*hi, 0) + 0.5;
	} else if (*lo == *hi) {
		double pad = c->xk == XK_TIME ? DAY / 2 : *lo == 0 ? 1 : fabs(*lo) * 0.1;
		*lo -= pad, *hi += pad;
	} else {
		/* a margin so that the first and last points are not on the frame */
		double pad = (*hi - *lo) * 0.025;
		*lo -= pad, *hi += pad;
	}
}

/* ---- SVG ----------------------------------------------------------------- */

static const char *const svg_colors[MAX_SERIES] = {"#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea",
                                                   "#0891b2", "#ca8a04", "#db2777", "#65a30d", "#6b7280"};
#define SVG_OTHER "#a3a3a3"

static const char *series_color(const chart *c, size_t s)
{
	if (c->merged && s == c->ns - 1)
		return SVG_OTHER;
	return svg_colors[s % MAX_SERIES];
}

/* Writes s as XML character data: markup characters escaped, controls and
 * invalid UTF-8 replaced; at most maxc characters (the last an ellipsis). */
static void svg_text(FILE *f, const char *s, size_t maxc)
{
	size_t n = strlen(s), k = 0, total = text_chars(s);
	for (size_t i = 0, l; i < n; i += l, k++) {
		uint32_t c = utf8_next(s + i, n - i, &l);
		if (total > maxc && k + 1 == maxc) {
			fputs("\xE2\x80\xA6", f);
			return;
		}
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if (c < 0x20 || c == 0x7F)
				fputc(' ', f);
			else if (c == 0xFFFE || c == 0xFFFF || (c == 0xFFFD && l == 1))
				fputs("\xEF\xBF\xBD", f);
			else
				fwrite(s + i, 1, l, f);
		}
	}
}

/* Estimated width in pixels of text at a font size (an average glyph). */
static double svg_width(const char *s, double size, size_t maxc)
{
	size_t n = text_chars(s);
	return (double)(n > maxc ? maxc : n) * size * 0.56;
}

typedef struct box {
	double l, t, r, b; /* the plot area */
} box;

static void svg_label(FILE *f, double x, double y, const char *anchor, const char *cls, const char *s, size_t maxc,
                      double size, const char *extra)
{
	fprintf(f, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%g\"%s>", cls, x, y, anchor,
	        size, extra);
	svg_text(f, s, maxc);
	fputs("</text>\n", f);
}

static const char *shown_name(const char *s)
{
	return *s ? s : "(empty)";
}

/* Legend entries flow in rows under the title; returns the height used. */
static double svg_legend(FILE *f, const chart *c, double left, double right, double top, bool draw)
{
	if (!c->legend || !c->ns)
		return 0;
	double x = left, y = top, rowh = 20;
	for (size_t s = 0; s < c->ns; s++) {
		const char *nm = shown_name(c->s[s].name);
		double w = 18 + svg_width(nm, 12, 48) + 18;
		if (x > left && x + w > right) {
			x = left;
			y += rowh;
		}
		if (draw) {
			fprintf(f, "<g class=\"legend-item\"><rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" "
			           "fill=\"%s\"/>",
			        x, y, series_color(c, s));
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#374151\">", x + 17, y + 10.5);
			svg_text(f, nm, 48);
			fputs("</text></g>\n", f);
		}
		x += w;
	}
	return y - top + rowh;
}

static void svg_header(FILE *f, double w, double h, const chart *c)
{
	fprintf(f,
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
	        "font-family=\"Segoe UI, Helvetica, Arial, sans-serif\">\n",
	        w, h, w, h);
	fputs("<title>", f);
	svg_text(f, c->title ? c->title : c->kindname, 200);
	fputs("</title>\n", f);
	fprintf(f, "<rect width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n", w, h);
	if (c->title)
		svg_label(f, w / 2, 30, "middle", "title", c->title, 90, 18, " font-weight=\"600\" fill=\"#111827\"");
}

static void svg_note(FILE *f, box p, const char *note)
{
	svg_label(f, (p.l + p.r) / 2, (p.t + p.b) / 2, "middle", "note", note, 80, 14, " fill=\"#6b7280\"");
}

/* Maps a value to a coordinate between two pixel positions. */
static double scale(double v, double lo, double hi, double p0, double p1)
{
	return p0 + (v - lo) / (hi - lo) * (p1 - p0);
}

/* The value axis: gridlines and labels, left (vertical) or at the bottom. */
static void svg_value_axis(FILE *f, box p, double lo, double hi, const tick *t, size_t nt, bool horizontal)
{
	fputs("<g class=\"grid\" stroke=\"#e5e7eb\" stroke-width=\"1\">\n", f);
	for (size_t i = 0; i < nt; i++) {
		double v = scale(t[i].v, lo, hi, horizontal ? p.l : p.b, horizontal ? p.r : p.t);
		const char *zero = t[i].v == 0 && lo < 0 ? " stroke=\"#9ca3af\"" : "";
		if (horizontal)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"%s/>\n", v, p.t, v, p.b, zero);
		else
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"%s/>\n", p.l, v, p.r, v, zero);
	}
	fputs("</g>\n<g fill=\"#4b5563\">\n", f);
	double last = -INFINITY;
	for (size_t i = 0; i < nt; i++) {
		double v = scale(t[i].v, lo, hi, horizontal ? p.l : p.b, horizontal ? p.r : p.t);
		if (horizontal) {
			double w = svg_width(t[i].label, 12, 40);
			if (v - w / 2 < last + 8)
				continue;
			last = v + w / 2;
			svg_label(f, v, p.b + 18, "middle", "vlabel", t[i].label, 40, 12, "");
		} else {
			svg_label(f, p.l - 8, v + 4, "end", "ylabel", t[i].label, 40, 12, "");
		}
	}
	fputs("</g>\n", f);
}

/* The axis titles: below the bottom labels, and rotated left of the left ones. */
static void svg_titles(FILE *f, const char *bottom, const char *left, box p, double leftw, double bottomh)
{
	if (bottom && *bottom)
		svg_label(f, (p.l + p.r) / 2, p.b + bottomh + 18, "middle", "xtitle", bottom, 90, 13, " fill=\"#374151\"");
	if (left && *left) {
		double x = p.l - leftw - 18, y = (p.t + p.b) / 2;
		char rot[80];
		snprintf(rot, sizeof rot, " fill=\"#374151\" transform=\"rotate(-90 %.1f %.1f)\"", x, y);
		svg_label(f, x, y, "middle", "ytitle", left, 50, 13, rot);
	}
}

static void svg_series_open(FILE *f, const chart *c, size_t s)
{
	fputs("<g class=\"series\" data-name=\"", f);
	svg_text(f, c->s[s].name, 200);
	fputs("\">\n", f);
}

/* One path per run of non-null points (nulls are gaps); an area closes
 * each run down to the base line. */
static void svg_runs(FILE *f, const cseries *sr, bool area, double base, box p, double x0, double x1, double lo,
                     double hi)
{
	size_t i = 0;
	while (i < sr->n) {
		while (i < sr->n && isnan(sr->pt[i].y))
			i++;
		size_t j = i;
		while (j < sr->n && !isnan(sr->pt[j].y))
			j++;
		for (size_t k = i; k < j; k++)
			fprintf(f, "%s%.1f %.1f ", k == i ? "M" : "L", scale(sr->pt[k].x, x0, x1, p.l, p.r),
			        scale(sr->pt[k].y, lo, hi, p.b, p.t));
		if (area && j > i)
			fprintf(f, "L%.1f %.1f L%.1f %.1f Z ", scale(sr->pt[j - 1].x, x0, x1, p.l, p.r), base,
			        scale(sr->pt[i].x, x0, x1, p.l, p.r), base);
		i = j;
	}
}

/* Stacked areas: cumulative bands over the grid, drawn bottom-up. */
static void svg_stacked_areas(FILE *f, const chart *c, box p, double x0, double x1, double lo, double hi)
{
	double *below = calloc(c->nx + 1, sizeof *below);
	for (size_t s = 0; below && s < c->ns; s++) {
		const char *col = series_color(c, s);
		svg_series_open(f, c, s);
		fprintf(f, "<path class=\"area\" fill=\"%s\" fill-opacity=\"0.8\" stroke=\"%s\" stroke-width=\"1\" d=\"", col,
		        col);
		for (size_t i = 0; i < c->nx; i++) {
			double v = grid_value(c, i, s);
			fprintf(f, "%s%.1f %.1f ", i ? "L" : "M", scale(c->xs[i], x0, x1, p.l, p.r),
			        scale(below[i] + (isnan(v) ? 0 : v), lo, hi, p.b, p.t));
		}
		for (size_t i = c->nx; i-- > 0;)
			fprintf(f, "L%.1f %.1f ", scale(c->xs[i], x0, x1, p.l, p.r), scale(below[i], lo, hi, p.b, p.t));
		fputs("Z\"/>\n</g>\n", f);
		for (size_t i = 0; i < c->nx; i++) {
			double v = grid_value(c, i, s);
			below[i] += isnan(v) ? 0 : v;
		}
	}
	free(below);
}

/* Line, area and scatter charts over a numeric, time or category x axis. */
static void svg_xy(FILE *f, const chart *c, double W, double H)
{
	double lo, hi, x0, x1;
	y_range(c, &lo, &hi);
	x_range(c, &x0, &x1);
	tick yt[MAX_TICKS], xt[MAX_TICKS];
	size_t nyt = num_ticks(&lo, &hi, 6, !c->has_ymin && !c->has_ymax, yt);
	double ylabw = 0;
	for (size_t i = 0; i < nyt; i++)
		ylabw = fmax(ylabw, svg_width(yt[i].label, 12, 40));
	double top = c->title ? 48 : 16;
	bool ytitle = c->ytitle && *c->ytitle;
	box p = {24 + (ytitle ? 22 : 0) + ylabw + 8, 0, W - 30, H - 58};
	p.t = top + svg_legend(f, c, p.l, p.r, top, false) + 14;
	svg_legend(f, c, p.l, p.r, top, true);
	size_t nxt = 0;
	if (c->xk == XK_CAT) {
		size_t every = c->ncat <= MAX_TICKS ? 1 : (c->ncat + MAX_TICKS - 1) / MAX_TICKS;
		for (size_t i = 0; i < c->ncat && nxt < MAX_TICKS; i += every) {
			xt[nxt].v = (double)i;
			snprintf(xt[nxt++].label, sizeof xt[0].label, "%s", c->cats[i]);
		}
	} else {
		nxt = x_ticks(c, x0, x1, p.r - p.l, c->xk == XK_TIME ? 56 : 70, xt);
	}
	svg_value_axis(f, p, lo, hi, yt, nyt, false);
	fputs("<g class=\"xgrid\" stroke=\"#f3f4f6\" stroke-width=\"1\">\n", f);
	for (size_t i = 0; i < nxt; i++) {
		double x = scale(xt[i].v, x0, x1, p.l, p.r);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, p.t, x, p.b + 4);
	}
	fputs("</g>\n<g fill=\"#4b5563\">\n", f);
	double last = -INFINITY;
	for (size_t i = 0; i < nxt; i++) {
		double x = scale(xt[i].v, x0, x1, p.l, p.r), w = svg_width(xt[i].label, 12, 24);
		if (x - w / 2 < last + 8 || x + w / 2 > W - 2)
			continue; /* labels never overlap */
		last = x + w / 2;
		svg_label(f, x, p.b + 18, "middle", "xlabel", xt[i].label, 24, 12, "");
	}
	fputs("</g>\n", f);
	fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#6b7280\"/>\n", p.l, p.b,
	        p.r, p.b);
	char xtitle[256], ctx[64];
	time_context(c, x0, x1, ctx, sizeof ctx);
	snprintf(xtitle, sizeof xtitle, "%s%s%s", c->xtitle ? c->xtitle : "", *ctx && c->xtitle ? ", " : "", ctx);
	svg_titles(f, xtitle, c->ytitle, p, ylabw, 22);
	if (!has_data(c)) {
		svg_note(f, p, "No data to plot");
		return;
	}
	fprintf(f, "<clipPath id=\"plotclip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath>\n",
	        p.l - 5, p.t - 5, p.r - p.l + 10, p.b - p.t + 10);
	fputs("<g class=\"plot\" clip-path=\"url(#plotclip)\">\n", f);
	if (c->kind == CK_AREA && c->grid) {
		svg_stacked_areas(f, c, p, x0, x1, lo, hi);
		fputs("</g>\n", f);
		return;
	}
	double base = scale(fmax(lo, fmin(hi, 0)), lo, hi, p.b, p.t);
	for (size_t s = 0; s < c->ns; s++) {
		const cseries *sr = &c->s[s];
		const char *col = series_color(c, s);
		svg_series_open(f, c, s);
		if (c->kind == CK_AREA) {
			fprintf(f, "<path class=\"area\" fill=\"%s\" fill-opacity=\"0.2\" stroke=\"none\" d=\"", col);
			svg_runs(f, sr, true, base, p, x0, x1, lo, hi);
			fputs("\"/>\n", f);
		}
		if (c->kind != CK_SCATTER) {
			fprintf(f, "<path class=\"line\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" stroke-linejoin=\"round\" "
			           "stroke-linecap=\"round\" d=\"",
			        col);
			svg_runs(f, sr, false, base, p, x0, x1, lo, hi);
			fputs("\"/>\n", f);
		}
		/* markers: every point of a scatter or of a short series, and points
		 * that stand alone between nulls (a line would not show them) */
		for (size_t i = 0; i < sr->n; i++) {
			if (isnan(sr->pt[i].y))
				continue;
			bool alone = (i == 0 || isnan(sr->pt[i - 1].y)) && (i + 1 == sr->n || isnan(sr->pt[i + 1].y));
			if (c->kind == CK_SCATTER || sr->n <= 60 || alone)
				fprintf(f,
				        "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\" stroke=\"#ffffff\" "
				        "stroke-width=\"1.2\"/>\n",
				        scale(sr->pt[i].x, x0, x1, p.l, p.r), scale(sr->pt[i].y, lo, hi, p.b, p.t),
				        c->kind == CK_SCATTER ? "4" : "3.2", col);
		}
		fputs("</g>\n", f);
	}
	fputs("</g>\n", f);
}

/* The bars of column charts (vertical) and bar charts (horizontal),
 * grouped or stacked (positive values up, negative down). */
static void svg_bar_rects(FILE *f, const chart *c, box p, double lo, double hi, double band)
{
	bool horiz = c->kind == CK_BAR, stacked = c->stack != ST_NONE;
	size_t n = c->ncat;
	double vmin = horiz ? p.l : p.b, vmax = horiz ? p.r : p.t;
	double inner = band * 0.76, off = band * 0.12;
	double bw = stacked ? inner : inner / (double)c->ns;
	double gap = bw > 6 ? 1 : 0;
	double *pos = calloc(n + 1, sizeof *pos), *neg = calloc(n + 1, sizeof *neg);
	for (size_t s = 0; pos && neg && s < c->ns; s++) {
		svg_series_open(f, c, s);
		for (size_t i = 0; i < n; i++) {
			double v = grid_value(c, i, s);
			if (isnan(v))
				continue;
			double from = 0, to = v;
			if (stacked) {
				double *acc = v >= 0 ? &pos[i] : &neg[i];
				from = *acc;
				to = *acc += v;
			}
			double a = scale(fmax(lo, fmin(hi, from)), lo, hi, vmin, vmax);
			double b = scale(fmax(lo, fmin(hi, to)), lo, hi, vmin, vmax);
			double b0 = (horiz ? p.t : p.l) + (double)i * band + off + (stacked ? 0 : (double)s * bw);
			double x = horiz ? fmin(a, b) : b0 + gap / 2, y = horiz ? b0 + gap / 2 : fmin(a, b);
			double w = horiz ? fabs(b - a) : bw - gap, h = horiz ? bw - gap : fabs(b - a);
			fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>", x,
			        y, w, h, series_color(c, s));
			char vb[40];
			fmt_value(c->grid[i * c->ns + s], vb, sizeof vb);
			svg_text(f, c->cats[i], 60);
			fputs(": ", f);
			svg_text(f, vb, 40);
			fputs("</title></rect>\n", f);
		}
		fputs("</g>\n", f);
	}
	free(pos);
	free(neg);
}

static void svg_bars(FILE *f, const chart *c, double W, double H)
{
	bool horiz = c->kind == CK_BAR;
	double lo, hi;
	y_range(c, &lo, &hi);
	tick vt[MAX_TICKS];
	size_t nvt = num_ticks(&lo, &hi, horiz ? 8 : 6, !c->has_ymin && !c->has_ymax, vt);
	double labw = 0, vlabw = 0;
	size_t maxc = 28, n = c->ncat;
	for (size_t i = 0; i < n; i++)
		labw = fmax(labw, svg_width(shown_name(c->cats[i]), 12, maxc));
	for (size_t i = 0; i < nvt; i++)
		vlabw = fmax(vlabw, svg_width(vt[i].label, 12, 40));
	double top = c->title ? 48 : 16;
	const char *left_title = horiz ? c->xtitle : c->ytitle, *bottom_title = horiz ? c->ytitle : c->xtitle;
	bool lt = left_title && *left_title;
	box p = {24 + (lt ? 22 : 0) + (horiz ? labw : vlabw) + 8, 0, W - 30, H - 58};
	p.t = top + svg_legend(f, c, p.l, p.r, top, false) + 14;
	double band = (horiz ? p.b - p.t : p.r - p.l) / (double)(n ? n : 1);
	bool rotate = !horiz && labw > band - 6;
	if (rotate) {
		p.b = H - 44 - fmin(labw, 170) * 0.71;
		band = (p.r - p.l) / (double)(n ? n : 1);
	}
	svg_legend(f, c, p.l, p.r, top, true);
	svg_value_axis(f, p, lo, hi, vt, nvt, horiz);
	/* category labels, thinned when the bands are narrower than a line */
	size_t every = band >= 15 ? 1 : (size_t)ceil(15 / band);
	fputs("<g fill=\"#4b5563\">\n", f);
	for (size_t i = 0; i < n; i += every) {
		double mid = (horiz ? p.t : p.l) + ((double)i + 0.5) * band;
		const char *lab = shown_name(c->cats[i]);
		if (horiz) {
			svg_label(f, p.l - 8, mid + 4, "end", "xlabel", lab, maxc, 12, "");
		} else if (rotate) {
			char rot[80];
			snprintf(rot, sizeof rot, " transform=\"rotate(-45 %.1f %.1f)\"", mid + 4, p.b + 14);
			svg_label(f, mid + 4, p.b + 14, "end", "xlabel", lab, maxc, 12, rot);
		} else {
			svg_label(f, mid, p.b + 18, "middle", "xlabel", lab, maxc, 12, "");
		}
	}
	fputs("</g>\n", f);
	double zero = scale(fmax(lo, fmin(hi, 0)), lo, hi, horiz ? p.l : p.b, horiz ? p.r : p.t);
	if (horiz)
		fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#6b7280\"/>\n", zero,
		        p.t, zero, p.b);
	else
		fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#6b7280\"/>\n", p.l,
		        zero, p.r, zero);
	svg_titles(f, bottom_title, left_title, p, horiz ? labw : vlabw, rotate ? fmin(labw, 170) * 0.71 + 8 : 22);
	if (!has_data(c)) {
		svg_note(f, p, "No data to plot");
		return;
	}
	svg_bar_rects(f, c, p, lo, hi, band);
}

static void svg_pie(FILE *f, const chart *c, double W, double H)
{
	double top = c->title ? 52 : 20;
	double r = fmin(H - top - 30, 340) / 2, cx = 40 + r, cy = top + r + 6;
	box p = {30, top, W - 30, H - 20};
	if (!has_data(c)) {
		svg_note(f, p, "No data to plot");
		return;
	}
	double total = 0;
	for (size_t i = 0; i < c->nx; i++)
		total += c->grid[i];
	double a = -M_PI / 2;
	fputs("<g class=\"pie\" stroke=\"#ffffff\" stroke-width=\"1.5\">\n", f);
	for (size_t i = 0; i < c->nx; i++) {
		double frac = c->grid[i] / total, b = a + frac * 2 * M_PI;
		const char *col = svg_colors[i % MAX_SERIES];
		if (c->nx == 1)
			fprintf(f, "<circle class=\"slice\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\">", cx, cy, r, col);
		else
			fprintf(f, "<path class=\"slice\" fill=\"%s\" d=\"M%.1f %.1f L%.2f %.2f A%.1f %.1f 0 %d 1 %.2f %.2f Z\">",
			        col, cx, cy, cx + r * cos(a), cy + r * sin(a), r, r, frac > 0.5, cx + r * cos(b),
			        cy + r * sin(b));
		fputs("<title>", f);
		svg_text(f, shown_name(c->cats[i]), 80);
		fprintf(f, ": %.1f%%</title>%s\n", frac * 100, c->nx == 1 ? "</circle>" : "</path>");
		a = b;
	}
	fputs("</g>\n<g fill=\"#ffffff\" font-weight=\"600\">\n", f);
	a = -M_PI / 2;
	for (size_t i = 0; i < c->nx; i++) {
		double frac = c->grid[i] / total, mid = a + frac * M_PI;
		a += frac * 2 * M_PI;
		if (frac < 0.05)
			continue; /* too thin for a label */
		char pct[16];
		snprintf(pct, sizeof pct, "%.0f%%", frac * 100);
		svg_label(f, cx + r * 0.66 * cos(mid), cy + r * 0.66 * sin(mid) + 4, "middle", "pct", pct, 8, 12, "");
	}
	fputs("</g>\n", f);
	if (!c->legend)
		return;
	/* the legend on the right: name, share and value */
	double lx = cx + r + 40, ly = top + 8;
	for (size_t i = 0; i < c->nx; i++, ly += 22) {
		char vb[40], line[80];
		fmt_value(c->grid[i], vb, sizeof vb);
		snprintf(line, sizeof line, "%.1f%%  (%s)", c->grid[i] / total * 100, vb);
		fprintf(f, "<g class=\"legend-item\"><rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>",
		        lx, ly, svg_colors[i % MAX_SERIES]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#374151\">", lx + 18, ly + 11);
		svg_text(f, shown_name(c->cats[i]), 40);
		fprintf(f, "</text><text class=\"share\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#6b7280\" "
		           "text-anchor=\"end\">%s</text></g>\n",
		        W - 24, ly + 11, line);
	}
	if (c->skipped) {
		char note[80];
		snprintf(note, sizeof note, "%zu negative value%s left out", c->skipped, c->skipped == 1 ? "" : "s");
		svg_label(f, lx, ly + 14, "start", "note", note, 80, 12, " fill=\"#6b7280\"");
	}
}

int chart_svg(kqlite_result *res, FILE *out, char *err, size_t errlen)
{
	chart c = {0};
	c.err = err;
	c.errlen = errlen;
	if (!chart_build(&c, res)) {
		chart_free(&c);
		return -1;
	}
	double W = c.kind == CK_PIE ? 860 : 960, H = c.kind == CK_PIE ? 420 : 500;
	if (c.kind == CK_BAR)
		H = fmax(H, fmin(4000, 140 + (double)c.ncat * (c.stack ? 24 : 14.0 * (double)c.ns + 10)));
	if (c.kind == CK_PIE)
		H = fmax(H, (c.title ? 90 : 60) + 22.0 * (double)c.nx);
	svg_header(out, W, H, &c);
	switch (c.kind) {
	case CK_PIE: svg_pie(out, &c, W, H); break;
	case CK_COLUMN:
	case CK_BAR: svg_bars(out, &c, W, H); break;
	default: svg_xy(out, &c, W, H); break;
	}
	fputs("</svg>\n", out);
	chart_free(&c);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "cannot write the chart");
		return -1;
	}
	return 0;
}

/* ---- terminal ------------------------------------------------------------ */

/* The terminal chart is drawn into a grid of cells, one per column, then
 * printed row by row: no line can be wider than the grid. A wide character
 * takes two cells, the second marked CONT. */
#define CONT 0xFFFFFFFFu

typedef struct tgrid {
	int w, h;
	uint32_t *cp;
	uint8_t *col; /* 0: default colour, else series index + 1 */
} tgrid;

static const uint8_t ansi_colors[MAX_SERIES] = {33, 208, 40, 196, 135, 37, 220, 205, 106, 250};
#define ANSI_OTHER 244

static void tg_put(tgrid *g, int r, int c, uint32_t cp, uint8_t col)
{
	if (r < 0 || r >= g->h || c < 0 || c >= g->w)
		return;
	g->cp[r * g->w + c] = cp;
	g->col[r * g->w + c] = col;
}

/* Writes s at (r, c) in at most maxw columns (an ellipsis when cut);
 * controls print as '?', combining marks are dropped. Returns the width. */
static int tg_text(tgrid *g, int r, int c, const char *s, int maxw, uint8_t col)
{
	if (maxw > g->w - c)
		maxw = g->w - c;
	if (maxw <= 0)
		return 0;
	bool cut = text_width(s) > maxw;
	int limit = cut ? maxw - 1 : maxw, x = 0;
	size_t n = strlen(s);
	for (size_t i = 0, l; i < n; i += l) {
		uint32_t cp = utf8_next(s + i, n - i, &l);
		if (is_control(cp))
			cp = '?';
		int w = cp_width(cp);
		if (w == 0)
			continue;
		if (x + w > limit)
			break;
		tg_put(g, r, c + x, cp, col);
		if (w == 2)
			tg_put(g, r, c + x + 1, CONT, col);
		x += w;
	}
	if (cut) {
		tg_put(g, r, c + x, 0x2026, col);
		x++;
	}
	return x;
}

static void put_utf8(FILE *f, uint32_t c)
{
	char b[4];
	int n;
	if (c < 0x80)
		b[0] = (char)c, n = 1;
	else if (c < 0x800)
		b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	else if (c < 0x10000)
		b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | (c >> 6 & 0x3F)), b[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	else
		b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | (c >> 12 & 0x3F)), b[2] = (char)(0x80 | (c >> 6 & 0x3F)),
		b[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	fwrite(b, 1, (size_t)n, f);
}

static uint8_t ansi_of(const chart *c, uint8_t col)
{
	size_t s = (size_t)col - 1;
	if (c->kind != CK_PIE && c->merged && s == c->ns - 1)
		return ANSI_OTHER;
	return ansi_colors[s % MAX_SERIES];
}

/* Prints the rows in use, trailing blanks trimmed, colours as ANSI 256. */
static void tg_print(const tgrid *g, const chart *c, int used, bool color, FILE *f)
{
	for (int r = 0; r < used; r++) {
		int end = g->w;
		while (end > 0 && g->cp[r * g->w + end - 1] == ' ')
			end--;
		uint8_t cur = 0;
		for (int x = 0; x < end; x++) {
			uint32_t cp = g->cp[r * g->w + x];
			uint8_t col = cp == ' ' ? cur : g->col[r * g->w + x];
			if (color && col != cur) {
				if (col)
					fprintf(f, "\x1b[38;5;%dm", ansi_of(c, col));
				else
					fputs("\x1b[0m", f);
				cur = col;
			}
			if (cp != CONT)
				put_utf8(f, cp);
		}
		if (color && cur)
			fputs("\x1b[0m", f);
		fputc('\n', f);
	}
}

/* The legend: "■ name" entries flowing over at most maxrows rows; the
 * entries that do not fit are counted as "+N more". Returns rows used. */
static int text_legend(tgrid *g, const chart *c, int r, int maxrows)
{
	int x = 0, row = 0;
	for (size_t s = 0; s < c->ns; s++) {
		const char *nm = shown_name(c->s[s].name);
		int w = 2 + (text_width(nm) > 30 ? 30 : text_width(nm));
		if (x > 0 && x + w > g->w) {
			if (row + 1 >= maxrows) {
				char more[32];
				snprintf(more, sizeof more, "+%zu more", c->ns - s);
				int mw = (int)strlen(more);
				tg_text(g, r + row, g->w - mw > x ? x : g->w - mw, more, mw, 0);
				return row + 1;
			}
			row++;
			x = 0;
		}
		tg_put(g, r + row, x, 0x25A0, (uint8_t)(s + 1));
		x += 2 + tg_text(g, r + row, x + 2, nm, w - 2 < g->w - x - 2 ? w - 2 : g->w - x - 2, 0) + 2;
	}
	return row + 1;
}

/* Braille canvas: 2 x 4 dots per cell; the last series to set a dot in a
 * cell gives the cell its colour. */
typedef struct canvas {
	int w, h; /* in cells */
	uint8_t *bits, *col;
} canvas;

static void cv_dot(canvas *cv, int x, int y, uint8_t col)
{
	if (x < 0 || y < 0 || x >= cv->w * 2 || y >= cv->h * 4)
		return;
	static const uint8_t bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	int i = (y / 4) * cv->w + x / 2;
	cv->bits[i] |= bit[y % 4][x % 2];
	cv->col[i] = col;
}

static void cv_line(canvas *cv, int x0, int y0, int x1, int y1, uint8_t col)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, e = dx + dy;
	for (int guard = 0; guard < 100000; guard++) {
		cv_dot(cv, x0, y0, col);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * e;
		if (e2 >= dy)
			e += dy, x0 += sx;
		if (e2 <= dx)
			e += dx, y0 += sy;
	}
}

/* The x labels of a line chart under the axis, never overlapping. */
static void text_xlabels(tgrid *g, const chart *c, int row, int left, int pw, double x0, double x1)
{
	tick t[MAX_TICKS];
	size_t n = 0;
	if (c->xk == XK_CAT) {
		for (size_t i = 0; i < c->ncat && n < MAX_TICKS; i++) {
			t[n].v = (double)i;
			snprintf(t[n++].label, sizeof t[0].label, "%s", c->cats[i]);
		}
	} else {
		n = x_ticks(c, x0, x1, pw, c->xk == XK_TIME ? 9 : 8, t);
	}
	int last = -1;
	for (size_t i = 0; i < n; i++) {
		int px = left + (int)lround(scale(t[i].v, x0, x1, 0, pw - 1));
		int w = text_width(t[i].label);
		if (w > 12)
			w = 12;
		int start = px - w / 2;
		if (start < 0)
			start = 0;
		if (start + w > g->w)
			start = g->w - w;
		if (start <= last)
			continue;
		tg_text(g, row, start, t[i].label, w, 0);
		tg_put(g, row - 1, px, 0x252C, 0);
		last = start + w;
	}
}

/* The value axis on the left: labels and the axis line; returns its width. */
static int text_yaxis(tgrid *g, int top, int ph, double *lo, double *hi, bool extend, bool draw)
{
	tick t[MAX_TICKS];
	size_t n = num_ticks(lo, hi, ph >= 6 ? ph / 3 : 2, extend, t);
	int lw = 0;
	for (size_t i = 0; i < n; i++)
		if (text_width(t[i].label) > lw)
			lw = text_width(t[i].label);
	if (!draw)
		return lw;
	for (int r = 0; r < ph; r++)
		tg_put(g, top + r, lw, 0x2502, 0);
	for (size_t i = 0; i < n; i++) {
		int r = top + (int)lround(scale(t[i].v, *lo, *hi, ph - 1, 0));
		tg_text(g, r, lw - text_width(t[i].label), t[i].label, lw, 0);
		tg_put(g, r, lw, 0x2524, 0);
	}
	return lw;
}

/* Line, area and scatter charts in braille. */
static void text_xy(tgrid *g, const chart *c, int top, int bh)
{
	int ph = bh - 2;
	double lo, hi, x0, x1;
	y_range(c, &lo, &hi);
	x_range(c, &x0, &x1);
	bool extend = !c->has_ymin && !c->has_ymax;
	int lw = text_yaxis(g, top, ph, &lo, &hi, extend, true);
	int left = lw + 1, pw = g->w - left;
	tg_put(g, top + ph, lw, 0x2514, 0);
	for (int x = left; x < g->w; x++)
		tg_put(g, top + ph, x, 0x2500, 0);
	text_xlabels(g, c, top + ph + 1, left, pw, x0, x1);
	canvas cv = {pw, ph, calloc((size_t)(pw * ph), 1), calloc((size_t)(pw * ph), 1)};
	if (!cv.bits || !cv.col) {
		free(cv.bits);
		free(cv.col);
		return;
	}
	int dw = pw * 2 - 1, dh = ph * 4 - 1;
	int base = (int)lround(scale(fmax(lo, fmin(hi, 0)), lo, hi, dh, 0));
	for (size_t s = 0; s < c->ns; s++) {
		const cseries *sr = &c->s[s];
		int px = 0, py = 0;
		bool prev = false;
		for (size_t i = 0; i < sr->n; i++) {
			if (isnan(sr->pt[i].y)) {
				prev = false;
				continue;
			}
			double fy = scale(sr->pt[i].y, lo, hi, dh, 0);
			int x = (int)lround(scale(sr->pt[i].x, x0, x1, 0, dw));
			int y = (int)lround(fmax(-1, fmin(dh + 1, fy)));
			if (c->kind == CK_SCATTER || !prev)
				cv_dot(&cv, x, y, (uint8_t)(s + 1));
			else
				cv_line(&cv, px, py, x, y, (uint8_t)(s + 1));
			if (c->kind == CK_AREA)
				for (int k = prev ? px + 1 : x; k <= x; k++) {
					int yk = prev && x != px ? py + (y - py) * (k - px) / (x - px) : y;
					for (int d = yk; d != base; d += yk < base ? 1 : -1)
						if ((d + k) % 2 == 0)
							cv_dot(&cv, k, d, (uint8_t)(s + 1));
				}
			px = x, py = y, prev = true;
		}
	}
	for (int r = 0; r < ph; r++)
		for (int x = 0; x < pw; x++)
			if (cv.bits[r * pw + x])
				tg_put(g, top + r, left + x, 0x2800u + cv.bits[r * pw + x], cv.col[r * pw + x]);
	free(cv.bits);
	free(cv.col);
}

/* One column of a column chart: the cells between eighths a and b (from
 * the bottom of the plot), partial cells as lower or upper blocks. */
static void text_column(tgrid *g, int top, int ph, int x, int w, int a, int b, uint8_t col)
{
	static const uint32_t lower[9] = {' ', 0x2581, 0x2582, 0x2583, 0x2584, 0x2585, 0x2586, 0x2587, 0x2588};
	bool up = b >= a;
	int from = up ? a : b, to = up ? b : a;
	for (int k = 0; k < ph; k++) {
		int c0 = k * 8, c1 = c0 + 8;
		int ov = (to < c1 ? to : c1) - (from > c0 ? from : c0);
		if (ov <= 0)
			continue;
		uint32_t cp;
		if (up)
			cp = to >= c1 ? 0x2588 : lower[to - c0];
		else
			cp = ov >= 6 ? 0x2588 : ov >= 3 ? 0x2580 : 0x2594;
		for (int i = 0; i < w; i++)
			tg_put(g, top + ph - 1 - k, x + i, cp, col);
	}
}

/* Column charts with block characters: grouped or stacked. */
static int text_columns(tgrid *g, const chart *c, int top, int bh)
{
	int ph = bh - 2;
	double lo, hi;
	y_range(c, &lo, &hi);
	int lw = text_yaxis(g, top, ph, &lo, &hi, !c->has_ymin && !c->has_ymax, true);
	int left = lw + 1, pw = g->w - left;
	bool stacked = c->stack != ST_NONE;
	int need = stacked ? 2 : (int)c->ns + 1;
	size_t shown = c->ncat;
	if ((size_t)pw / (size_t)need < shown)
		shown = (size_t)pw / (size_t)need;
	tg_put(g, top + ph, lw, 0x2514, 0);
	for (int x = left; x < g->w; x++)
		tg_put(g, top + ph, x, 0x2500, 0);
	if (!shown)
		return 0;
	int cw = pw / (int)shown;
	int bw = stacked ? (cw > 2 ? cw - 1 : 1) : (cw - 1) / (int)c->ns;
	if (bw < 1)
		bw = 1;
	int e0 = (int)lround(scale(fmax(lo, fmin(hi, 0)), lo, hi, 0, ph * 8) / 8) * 8;
	int last = -1;
	for (size_t i = 0; i < shown; i++) {
		int x = left + (int)i * cw;
		double pos = 0, neg = 0;
		for (size_t s = 0; s < c->ns; s++) {
			double v = grid_value(c, i, s);
			if (isnan(v))
				continue;
			double from = 0, to = v;
			if (stacked) {
				double *acc = v >= 0 ? &pos : &neg;
				from = *acc;
				to = *acc += v;
			}
			int a = (int)lround(scale(fmax(lo, fmin(hi, from)), lo, hi, 0, ph * 8));
			int b = (int)lround(scale(fmax(lo, fmin(hi, to)), lo, hi, 0, ph * 8));
			if (!stacked || from == 0)
				a = e0;
			text_column(g, top, ph, stacked ? x : x + (int)s * bw, bw, a, b, (uint8_t)(s + 1));
		}
		const char *lab = shown_name(c->cats[i]);
		int w = text_width(lab), room = cw > 1 ? cw - 1 : 1;
		if (x > last) {
			if (w > room && cw < 6)
				continue; /* too narrow: only labels that fit */
			last = x + tg_text(g, top + ph + 1, x, lab, w > 12 ? 12 : w, 0);
		}
	}
	return (int)(c->ncat - shown);
}

/* Bar charts and pie charts: one line per category (per series when
 * grouped), "label │████▌ value". */
static int text_hbars(tgrid *g, const chart *c, int top, int bh)
{
	bool pie = c->kind == CK_PIE, stacked = pie || c->stack != ST_NONE;
	size_t n = pie ? c->nx : c->ncat, per = stacked ? 1 : c->ns;
	double total = 0, lo = 0, hi = 0;
	if (pie)
		for (size_t i = 0; i < n; i++)
			total += c->grid[i];
	else
		y_range(c, &lo, &hi);
	if (pie)
		lo = 0, hi = 100;
	int lw = 0, vw = 0;
	char vb[48];
	for (size_t i = 0; i < n; i++) {
		int w = text_width(shown_name(c->cats[i]));
		lw = w > lw ? w : lw;
		for (size_t s = 0; s < (pie ? 1 : c->ns); s++) {
			double v = pie ? c->grid[i] / total * 100 : c->grid[i * c->ns + s];
			if (pie)
				snprintf(vb, sizeof vb, "%.1f%%", v);
			else
				fmt_value(v, vb, sizeof vb);
			int w2 = (int)strlen(vb);
			vw = w2 > vw ? w2 : vw;
		}
	}
	if (lw > g->w / 3)
		lw = g->w / 3;
	int bar0 = lw + 2, bw = g->w - bar0 - vw - 1;
	if (bw < 4)
		bw = 4;
	size_t fit = (size_t)bh / per;
	bool more = fit < n;
	if (more)
		fit = bh > 1 ? ((size_t)bh - 1) / per : 0;
	else
		fit = n;
	int zc = (int)lround(scale(0, lo, hi, 0, bw));
	static const uint32_t left[9] = {' ', 0x258F, 0x258E, 0x258D, 0x258C, 0x258B, 0x258A, 0x2589, 0x2588};
	int r = top;
	for (size_t i = 0; i < fit; i++) {
		tg_text(g, r, 0, shown_name(c->cats[i]), lw, 0);
		double pos = 0, neg = 0;
		for (size_t s = 0; s < (pie ? 1 : c->ns); s++) {
			double v = pie ? c->grid[i] / total * 100 : grid_value(c, i, s);
			uint8_t col = (uint8_t)((pie ? i : s) + 1);
			tg_put(g, r, bar0 - 1, 0x2502, 0);
			if (isnan(v))
				continue;
			double from = 0, to = v;
			if (stacked) {
				double *acc = v >= 0 ? &pos : &neg;
				from = *acc;
				to = *acc += v;
			}
			int a = (int)lround(scale(from, lo, hi, 0, bw * 8)), b = (int)lround(scale(to, lo, hi, 0, bw * 8));
			if (b >= a) {
				for (int e = a; e < b;) {
					int cell = e / 8, fill = (b - cell * 8) >= 8 ? 8 : b - cell * 8;
					tg_put(g, r, bar0 + cell, left[fill], col);
					e = cell * 8 + 8;
				}
			} else {
				for (int cell = (b + 4) / 8; cell < (a + 4) / 8; cell++)
					tg_put(g, r, bar0 + cell, 0x2588, col);
			}
			double raw = pie ? v : c->grid[i * c->ns + s];
			if (pie)
				snprintf(vb, sizeof vb, "%.1f%%", raw);
			else
				fmt_value(raw, vb, sizeof vb);
			if (!stacked || pie) {
				int end = bar0 + (b > a ? (b + 7) / 8 : zc) + 1;
				tg_text(g, r, end, vb, g->w - end, 0);
				r++;
			}
		}
		if (stacked && !pie) {
			fmt_value(pos + neg, vb, sizeof vb);
			int end = bar0 + ((int)lround(scale(pos, lo, hi, 0, bw * 8)) + 7) / 8 + 1;
			tg_text(g, r, end, vb, g->w - end, 0);
			r++;
		}
	}
	if (more) {
		char note[48];
		snprintf(note, sizeof note, "\xE2\x80\xA6 %zu more", n - fit);
		tg_text(g, r++, 0, note, g->w, 0);
	}
	return r - top;
}

int chart_text(kqlite_result *res, int cols, int rows, bool color, FILE *out, char *err, size_t errlen)
{
	if (cols < 20 || rows < 4) {
		snprintf(err, errlen, "the terminal is too small for a chart (%dx%d; at least 20x4)", cols, rows);
		return -1;
	}
	chart c = {0};
	c.err = err;
	c.errlen = errlen;
	if (!chart_build(&c, res)) {
		chart_free(&c);
		return -1;
	}
	tgrid g = {cols, rows, malloc((size_t)cols * (size_t)rows * sizeof(uint32_t)), calloc((size_t)cols * (size_t)rows, 1)};
	if (!g.cp || !g.col) {
		free(g.cp);
		free(g.col);
		chart_free(&c);
		snprintf(err, errlen, "out of memory drawing the chart");
		return -1;
	}
	for (int i = 0; i < cols * rows; i++)
		g.cp[i] = ' ';
	int r = 0;
	/* the title and the legend give way to the plot on small terminals */
	if (c.title && rows >= 8) {
		int w = text_width(c.title);
		tg_text(&g, 0, w < cols ? (cols - w) / 2 : 0, c.title, cols, 0);
		r++;
	}
	if (c.legend && c.kind != CK_PIE && c.ns > 1 && rows - r >= 8)
		r += text_legend(&g, &c, r, rows - r >= 16 ? 2 : 1);
	int used;
	if (!has_data(&c)) {
		tg_text(&g, r, 0, "No data to plot", cols, 0);
		used = r + 1;
	} else if (c.kind == CK_PIE || c.kind == CK_BAR) {
		used = r + text_hbars(&g, &c, r, rows - r);
	} else if (c.kind == CK_COLUMN) {
		int hidden = text_columns(&g, &c, r, rows - r);
		if (hidden && r > 0) {
			char note[48];
			snprintf(note, sizeof note, "(+%d more)", hidden);
			int w = (int)strlen(note);
			tg_text(&g, 0, cols - w, note, w, 0);
		}
		used = rows;
	} else {
		text_xy(&g, &c, r, rows - r);
		used = rows;
	}
	tg_print(&g, &c, used, color, out);
	free(g.cp);
	free(g.col);
	chart_free(&c);
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "cannot write the chart");
		return -1;
	}
	return 0;
}
