/* types.c -- type names and the text forms of datetime, timespan and guid.
 * All calendar and tick arithmetic is integer: values must round-trip exactly. */
#include "types.h"

#include <string.h>

/* ---- Type names --------------------------------------------------------- */

static const struct {
	const char *name;
	kqlite_type type;
} type_names[] = {
    {"bool", KQLITE_TYPE_BOOL},         {"boolean", KQLITE_TYPE_BOOL},
    {"int", KQLITE_TYPE_INT},           {"int32", KQLITE_TYPE_INT},
    {"long", KQLITE_TYPE_LONG},         {"int64", KQLITE_TYPE_LONG},
    {"real", KQLITE_TYPE_REAL},         {"double", KQLITE_TYPE_REAL},
    {"decimal", KQLITE_TYPE_DECIMAL},   {"string", KQLITE_TYPE_STRING},
    {"datetime", KQLITE_TYPE_DATETIME}, {"date", KQLITE_TYPE_DATETIME},
    {"timespan", KQLITE_TYPE_TIMESPAN}, {"time", KQLITE_TYPE_TIMESPAN},
    {"guid", KQLITE_TYPE_GUID},         {"uniqueid", KQLITE_TYPE_GUID},
    {"dynamic", KQLITE_TYPE_DYNAMIC},
};

bool type_from_name(const char *s, size_t len, kqlite_type *out)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		const char *n = type_names[i].name;
		if (strlen(n) == len && memcmp(n, s, len) == 0) {
			*out = type_names[i].type;
			return true;
		}
	}
	return false;
}

const char *kqlite_type_name(kqlite_type type)
{
	switch (type) {
	case KQLITE_TYPE_NULL:
		return "null";
	case KQLITE_TYPE_BOOL:
		return "bool";
	case KQLITE_TYPE_INT:
		return "int";
	case KQLITE_TYPE_LONG:
		return "long";
	case KQLITE_TYPE_REAL:
		return "real";
	case KQLITE_TYPE_DECIMAL:
		return "decimal";
	case KQLITE_TYPE_STRING:
		return "string";
	case KQLITE_TYPE_DATETIME:
		return "datetime";
	case KQLITE_TYPE_TIMESPAN:
		return "timespan";
	case KQLITE_TYPE_GUID:
		return "guid";
	case KQLITE_TYPE_DYNAMIC:
		return "dynamic";
	case KQLITE_TYPE_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

/* ---- Scanning ------------------------------------------------------------ */

/* A cursor over a text that need not be NUL-terminated: every read goes
 * through peek(), which is the only place that looks at s[]. */
typedef struct scan {
	const char *s;
	size_t len, pos;
} scan;

static int peek(const scan *c)
{
	return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1;
}

static bool at_end(const scan *c)
{
	return c->pos >= c->len;
}

static bool eat(scan *c, char ch)
{
	if (peek(c) != (unsigned char)ch)
		return false;
	c->pos++;
	return true;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int lower(int ch)
{
	return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

static bool is_space(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* Returns the number of spaces skipped. */
static size_t skip_spaces(scan *c)
{
	size_t n = 0;
	while (is_space(peek(c))) {
		c->pos++;
		n++;
	}
	return n;
}

/* Reads min to max decimal digits; fails on fewer, and on more, so that
 * a field never silently splits a longer number. */
static bool digits(scan *c, int min, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && is_digit(peek(c))) {
		v = v * 10 + (peek(c) - '0');
		c->pos++;
		n++;
	}
	if (n < min || is_digit(peek(c)))
		return false;
	*out = v;
	return true;
}

/* Case-insensitive match of an ASCII word, consumed on success. */
static bool eat_word(scan *c, const char *w)
{
	size_t n = strlen(w);
	if (c->len - c->pos < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)c->s[c->pos + i]) != w[i])
			return false;
	c->pos += n;
	return true;
}

/* Reads the digits after a '.' as ticks of a second: the first seven are
 * exact, later ones are dropped (truncation, as .NET does), at least one. */
static bool fraction7(scan *c, int64_t *ticks)
{
	int64_t v = 0;
	int n = 0;
	while (is_digit(peek(c))) {
		if (n < 7)
			v = v * 10 + (peek(c) - '0');
		c->pos++;
		n++;
	}
	if (n == 0)
		return false;
	for (; n < 7; n++)
		v *= 10;
	*ticks = v;
	return true;
}

/* ---- Calendar ------------------------------------------------------------ */

/* Days from 0001-01-01 to 1970-01-01. */
#define DAYS_TO_UNIX_EPOCH INT64_C(719162)

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil: eras of 400 years, counted from March). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
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
	*y = era * 400 + yoe + (*m <= 2);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* A date and time as written, before validation. */
typedef struct civil {
	int y, mo, d, h, mi, s;
	int64_t frac; /* ticks within the second */
	int off_min;  /* offset east of UTC, in minutes */
	int weekday;  /* 0 = Monday; -1 when not written */
} civil;

static bool civil_valid(const civil *t)
{
	return t->y >= 1 && t->y <= 9999 && t->mo >= 1 && t->mo <= 12 && t->d >= 1 &&
	       t->d <= days_in_month(t->y, t->mo) && t->h < 24 && t->mi < 60 && t->s < 60;
}

static bool civil_ticks(const civil *t, int64_t *ticks)
{
	if (!civil_valid(t))
		return false;
	int64_t days = days_from_civil(t->y, t->mo, t->d) + DAYS_TO_UNIX_EPOCH;
	/* 0001-01-01 was a Monday. */
	if (t->weekday >= 0 && days % 7 != t->weekday)
		return false;
	int64_t secs = (int64_t)t->h * 3600 + t->mi * 60 + t->s - (int64_t)t->off_min * 60;
	int64_t v = days * TICKS_PER_DAY + secs * TICKS_PER_SECOND + t->frac;
	if (v < 0 || v > TICKS_MAX_DATETIME)
		return false;
	*ticks = v;
	return true;
}

/* ---- datetime_parse ------------------------------------------------------ */

/* h:mm[:ss[.fffffff]], the clock shared by all the forms. */
static bool parse_clock(scan *c, civil *t)
{
	if (!digits(c, 1, 2, &t->h) || !eat(c, ':') || !digits(c, 2, 2, &t->mi))
		return false;
	if (!eat(c, ':'))
		return true;
	if (!digits(c, 2, 2, &t->s))
		return false;
	return !eat(c, '.') || fraction7(c, &t->frac);
}

/* +hh:mm or -hh:mm (+hhmm when !colon); the cursor is on the sign. */
static bool parse_offset(scan *c, civil *t, bool colon)
{
	int sign = peek(c) == '-' ? -1 : 1;
	c->pos++;
	int h, m;
	if (colon) {
		if (!digits(c, 2, 2, &h) || !eat(c, ':') || !digits(c, 2, 2, &m))
			return false;
	} else {
		if (!digits(c, 4, 4, &h))
			return false;
		m = h % 100;
		h /= 100;
	}
	if (h >= 24 || m >= 60)
		return false;
	t->off_min = sign * (h * 60 + m);
	return true;
}

/* 2021-01-02[(T| )03:04[:05[.1234567]][Z|+hh:mm|-hh:mm]] */
static bool parse_iso(scan *c, civil *t)
{
	if (!digits(c, 4, 4, &t->y) || !eat(c, '-') || !digits(c, 1, 2, &t->mo) || !eat(c, '-') ||
	    !digits(c, 1, 2, &t->d))
		return false;
	if (at_end(c))
		return true;
	if (!eat(c, 'T') && !eat(c, ' '))
		return false;
	if (!parse_clock(c, t))
		return false;
	if (eat(c, 'Z'))
		return true;
	if (peek(c) == '+' || peek(c) == '-')
		return parse_offset(c, t, true);
	return true;
}

/* The Log Analytics export form: 2/25/2025[,] 9:19:25.391 AM, with the
 * clock in 12-hour form when AM/PM follows, else 24-hour; also with
 * dashes, 12-02-2022 (MM-dd-yyyy, as Kusto reads it). */
static bool parse_us(scan *c, civil *t)
{
	if (!digits(c, 1, 2, &t->mo))
		return false;
	char sep = eat(c, '/') ? '/' : eat(c, '-') ? '-' : 0;
	if (!sep || !digits(c, 1, 2, &t->d) || !eat(c, sep) || !digits(c, 4, 4, &t->y))
		return false;
	if (at_end(c))
		return true;
	bool comma = eat(c, ',');
	if (!skip_spaces(c) && !comma)
		return false;
	if (!parse_clock(c, t))
		return false;
	skip_spaces(c);
	bool pm = eat_word(c, "pm");
	if (!pm && !eat_word(c, "am"))
		return true;
	if (t->h < 1 || t->h > 12)
		return false;
	t->h = t->h % 12 + (pm ? 12 : 0);
	return true;
}

/* Index of a three-letter English name in a list, or -1. */
static int eat_name(scan *c, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (eat_word(c, names[i]))
			return i;
	return -1;
}

static const char *const weekdays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const months[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};

/* RFC 822/1123: [Tue, ]27 Feb 1990[ 11:22[:33][ GMT|UTC|Z|+hhmm|-hhmm]]
 * (RFC 822's two-digit years too: Sat, 8 Nov 14).
 * A written weekday must match the date, as .NET insists. */
static bool parse_rfc(scan *c, civil *t)
{
	if (is_alpha(peek(c))) {
		if ((t->weekday = eat_name(c, weekdays, 7)) < 0 || !eat(c, ','))
			return false;
		skip_spaces(c);
	}
	if (!digits(c, 1, 2, &t->d) || !skip_spaces(c))
		return false;
	int m = eat_name(c, months, 12);
	if (m < 0 || !skip_spaces(c))
		return false;
	size_t year_at = c->pos;
	if (!digits(c, 2, 4, &t->y) || c->pos - year_at == 3)
		return false;
	if (c->pos - year_at == 2) /* RFC 822's two-digit year: 00-49 is 20xx, 50-99 is 19xx */
		t->y += t->y < 50 ? 2000 : 1900;
	t->mo = m + 1;
	if (at_end(c))
		return true;
	if (!skip_spaces(c) || !parse_clock(c, t))
		return false;
	if (!skip_spaces(c))
		return at_end(c);
	if (peek(c) == '+' || peek(c) == '-')
		return parse_offset(c, t, false);
	return eat_word(c, "gmt") || eat_word(c, "utc") || eat(c, 'Z');
}

typedef bool (*datetime_form)(scan *c, civil *t);

bool datetime_parse(const char *s, size_t len, int64_t *ticks)
{
	static const datetime_form forms[] = {parse_iso, parse_us, parse_rfc};
	/* Trim here so that each form sees exactly its own text. */
	while (len && is_space((unsigned char)s[len - 1]))
		len--;
	while (len && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		scan c = {s, len, 0};
		civil t = {.weekday = -1};
		if (forms[i](&c, &t) && at_end(&c) && civil_ticks(&t, ticks))
			return true;
	}
	return false;
}

/* ---- Formatting helpers -------------------------------------------------- */

/* Writes v in exactly `width` digits (v must fit). Returns the end. */
static char *put_digits(char *p, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Writes v in as many digits as it needs. */
static char *put_uint(char *p, uint64_t v)
{
	int n = 1;
	for (uint64_t x = v; x >= 10; x /= 10)
		n++;
	return put_digits(p, v, n);
}

size_t datetime_format(int64_t ticks, char *buf)
{
	/* Out-of-range values are clamped: a 4-digit year keeps the output
	 * inside the documented 29 bytes and the arithmetic inside int64. */
	if (ticks < 0)
		ticks = 0;
	if (ticks > TICKS_MAX_DATETIME)
		ticks = TICKS_MAX_DATETIME;
	int64_t days = ticks / TICKS_PER_DAY, rem = ticks % TICKS_PER_DAY;
	int64_t y;
	int m, d;
	civil_from_days(days - DAYS_TO_UNIX_EPOCH, &y, &m, &d);
	int64_t secs = rem / TICKS_PER_SECOND;
	char *p = buf;
	p = put_digits(p, (uint64_t)y, 4);
	*p++ = '-';
	p = put_digits(p, (uint64_t)m, 2);
	*p++ = '-';
	p = put_digits(p, (uint64_t)d, 2);
	*p++ = 'T';
	p = put_digits(p, (uint64_t)(secs / 3600), 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)(secs / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)(secs % 60), 2);
	*p++ = '.';
	p = put_digits(p, (uint64_t)(rem % TICKS_PER_SECOND), 7);
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - buf);
}

/* ---- timespan_parse ------------------------------------------------------ */

/* Checked a * b + c against limit, all magnitudes. */
static bool mul_add(uint64_t a, uint64_t b, uint64_t c, uint64_t limit, uint64_t *out)
{
	if (b && a > limit / b)
		return false;
	a *= b;
	if (a > limit - c)
		return false;
	*out = a + c;
	return true;
}

/* Reads a run of decimal digits (at least one) as a checked magnitude. */
static bool uint_digits(scan *c, uint64_t limit, uint64_t *out)
{
	if (!is_digit(peek(c)))
		return false;
	uint64_t v = 0;
	while (is_digit(peek(c))) {
		if (!mul_add(v, 10, (uint64_t)(peek(c) - '0'), limit, &v))
			return false;
		c->pos++;
	}
	*out = v;
	return true;
}

/* A unit's length in ticks is coef * 10^exp; the split lets fractions be
 * applied digit by digit without overflow. */
typedef struct ts_unit {
	const char *name;
	uint64_t coef;
	int exp;
} ts_unit;

static const ts_unit ts_units[] = {
    {"d", 864, 9},         {"day", 864, 9},        {"days", 864, 9},
    {"h", 36, 9},          {"hr", 36, 9},          {"hrs", 36, 9},
    {"hour", 36, 9},       {"hours", 36, 9},       {"m", 6, 8},
    {"min", 6, 8},         {"minute", 6, 8},       {"minutes", 6, 8},
    {"s", 1, 7},           {"sec", 1, 7},          {"second", 1, 7},
    {"seconds", 1, 7},     {"ms", 1, 4},           {"milli", 1, 4},
    {"millis", 1, 4},      {"millisecond", 1, 4},  {"milliseconds", 1, 4},
    {"microsecond", 1, 1}, {"microseconds", 1, 1}, {"tick", 1, 0},
    {"ticks", 1, 0},
};

static const ts_unit *find_unit(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(ts_units) / sizeof(ts_units[0]); i++) {
		const char *n = ts_units[i].name;
		if (strlen(n) == len && memcmp(n, s, len) == 0)
			return &ts_units[i];
	}
	return NULL;
}

static uint64_t pow10u(int e)
{
	uint64_t v = 1;
	while (e-- > 0)
		v *= 10;
	return v;
}

/* Ticks of the fraction digits f[0..n) of a unit, truncated: with the
 * fraction split as H (its first exp digits, zero-padded) and L (the
 * rest, m digits), ticks = H*coef + floor(L*coef / 10^m), and that floor
 * is the carry out of multiplying L by coef from its last digit up. */
static uint64_t unit_fraction(const char *f, size_t n, const ts_unit *u)
{
	uint64_t h = 0;
	for (int i = 0; i < u->exp; i++)
		h = h * 10 + ((size_t)i < n ? (uint64_t)(f[i] - '0') : 0);
	uint64_t carry = 0;
	for (size_t i = n; i > (size_t)u->exp; i--)
		carry = ((uint64_t)(f[i - 1] - '0') * u->coef + carry) / 10;
	return h * u->coef + carry;
}

/* 1.5h, 100ms, 2days...: a decimal number then a unit, nothing between. */
static bool parse_ts_literal(scan *c, uint64_t limit, uint64_t *mag)
{
	uint64_t whole;
	if (!uint_digits(c, UINT64_MAX, &whole))
		return false;
	const char *frac = NULL;
	size_t nfrac = 0;
	if (eat(c, '.')) {
		frac = c->s + c->pos;
		while (is_digit(peek(c))) {
			c->pos++;
			nfrac++;
		}
		if (!nfrac)
			return false;
	}
	size_t start = c->pos;
	while (is_alpha(peek(c)))
		c->pos++;
	const ts_unit *u = find_unit(c->s + start, c->pos - start);
	if (!u)
		return false;
	uint64_t f = frac ? unit_fraction(frac, nfrac, u) : 0;
	return mul_add(whole, u->coef * pow10u(u->exp), f, limit, mag);
}

/* [d.]hh:mm[:ss[.fffffff]] after the sign. */
static bool parse_ts_text(scan *c, uint64_t limit, uint64_t *mag)
{
	uint64_t days = 0, lead;
	size_t start = c->pos;
	if (!uint_digits(c, UINT64_MAX, &lead))
		return false;
	int h, m, s = 0;
	if (eat(c, '.')) {
		days = lead;
		if (!digits(c, 1, 2, &h))
			return false;
	} else {
		if (c->pos - start > 2 || lead >= 24)
			return false;
		h = (int)lead;
	}
	int64_t frac = 0;
	if (!eat(c, ':') || !digits(c, 2, 2, &m))
		return false;
	if (eat(c, ':') && (!digits(c, 2, 2, &s) || (eat(c, '.') && !fraction7(c, &frac))))
		return false;
	if (h >= 24 || m >= 60 || s >= 60)
		return false;
	uint64_t in_day =
	    ((uint64_t)h * 3600 + (uint64_t)m * 60 + (uint64_t)s) * (uint64_t)TICKS_PER_SECOND +
	    (uint64_t)frac;
	return mul_add(days, (uint64_t)TICKS_PER_DAY, in_day, limit, mag);
}

bool timespan_parse(const char *s, size_t len, int64_t *ticks)
{
	while (len && is_space((unsigned char)s[len - 1]))
		len--;
	while (len && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	scan c = {s, len, 0};
	bool neg = eat(&c, '-');
	/* A negative span may reach INT64_MIN, whose magnitude is 2^63. */
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	size_t body = c.pos;
	uint64_t mag;
	if (!(parse_ts_text(&c, limit, &mag) && at_end(&c))) {
		c.pos = body;
		if (!(parse_ts_literal(&c, limit, &mag) && at_end(&c)))
			return false;
	}
	if (!neg)
		*ticks = (int64_t)mag;
	else
		*ticks = mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
	return true;
}

size_t timespan_format(int64_t ticks, char *buf)
{
	/* Negate in unsigned arithmetic so that INT64_MIN has a magnitude. */
	uint64_t mag = ticks < 0 ? 0 - (uint64_t)ticks : (uint64_t)ticks;
	const uint64_t tps = (uint64_t)TICKS_PER_SECOND;
	uint64_t days = mag / (uint64_t)TICKS_PER_DAY;
	uint64_t secs = mag % (uint64_t)TICKS_PER_DAY / tps;
	uint64_t frac = mag % tps;
	char *p = buf;
	if (ticks < 0)
		*p++ = '-';
	if (days) {
		p = put_uint(p, days);
		*p++ = '.';
	}
	p = put_digits(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put_digits(p, secs % 60, 2);
	if (frac) {
		*p++ = '.';
		p = put_digits(p, frac, 7);
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* ---- guid ---------------------------------------------------------------- */

static int hex_value(int ch)
{
	if (is_digit(ch))
		return ch - '0';
	ch = lower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

bool guid_parse(const char *s, size_t len, unsigned char out[16])
{
	bool dashed = len == 36;
	if (!dashed && len != 32)
		return false;
	unsigned char tmp[16];
	size_t pos = 0;
	for (int i = 0; i < 16; i++) {
		/* Dashes sit after bytes 4, 6, 8 and 10. */
		if (dashed && (i == 4 || i == 6 || i == 8 || i == 10) && s[pos++] != '-')
			return false;
		int hi = hex_value((unsigned char)s[pos]);
		int lo = hex_value((unsigned char)s[pos + 1]);
		if (hi < 0 || lo < 0)
			return false;
		tmp[i] = (unsigned char)(hi << 4 | lo);
		pos += 2;
	}
	memcpy(out, tmp, 16);
	return true;
}

size_t guid_format(const unsigned char in[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[in[i] >> 4];
		*p++ = hex[in[i] & 15];
	}
	*p = '\0';
	return 36;
}
