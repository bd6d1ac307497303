/* test_types.c -- type names and the datetime, timespan and guid text
 * forms. Expected ticks were computed independently (Python's datetime). */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "types.h"

/* Parsers get an exact-size heap copy with no NUL, so that ASan reports
 * any read past len. */
static char *exact_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);
	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static bool dt_parse(const char *s, int64_t *ticks)
{
	char *p = exact_copy(s, strlen(s));
	bool ok = datetime_parse(p, strlen(s), ticks);
	free(p);
	return ok;
}

static bool ts_parse(const char *s, int64_t *ticks)
{
	char *p = exact_copy(s, strlen(s));
	bool ok = timespan_parse(p, strlen(s), ticks);
	free(p);
	return ok;
}

static bool g_parse(const char *s, unsigned char out[16])
{
	char *p = exact_copy(s, strlen(s));
	bool ok = guid_parse(p, strlen(s), out);
	free(p);
	return ok;
}

#define DT_OK(s, want)                                                                             \
	do {                                                                                       \
		int64_t t_ = -42;                                                                  \
		if (!dt_parse((s), &t_))                                                           \
			fail_msg("datetime rejected: '%s'", (s));                                  \
		assert_int_equal(t_, (want));                                                      \
	} while (0)

#define DT_BAD(s)                                                                                  \
	do {                                                                                       \
		int64_t t_ = 0;                                                                    \
		if (dt_parse((s), &t_))                                                            \
			fail_msg("datetime accepted: '%s'", (s));                                  \
	} while (0)

#define TS_OK(s, want)                                                                             \
	do {                                                                                       \
		int64_t t_ = -42;                                                                  \
		if (!ts_parse((s), &t_))                                                           \
			fail_msg("timespan rejected: '%s'", (s));                                  \
		assert_true(t_ == (int64_t)(want));                                                \
	} while (0)

#define TS_BAD(s)                                                                                  \
	do {                                                                                       \
		int64_t t_ = 0;                                                                    \
		if (ts_parse((s), &t_))                                                            \
			fail_msg("timespan accepted: '%s'", (s));                                  \
	} while (0)

/* ---- type names ---------------------------------------------------------- */

static void test_type_from_name(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		kqlite_type type;
	} cases[] = {
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
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kqlite_type t = KQLITE_TYPE_NULL;
		char *p = exact_copy(cases[i].name, strlen(cases[i].name));
		assert_true(type_from_name(p, strlen(cases[i].name), &t));
		free(p);
		assert_int_equal(t, cases[i].type);
	}
}

static void test_type_from_name_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {"",      "Long",  "LONG", "Bool", "longx", "lon",
	                                  "int16", "float", "null", "str",  " long"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kqlite_type t = KQLITE_TYPE_NULL;
		assert_false(type_from_name(bad[i], strlen(bad[i]), &t));
	}
	/* Only len bytes count. */
	kqlite_type t = KQLITE_TYPE_NULL;
	assert_true(type_from_name("longer", 4, &t));
	assert_int_equal(t, KQLITE_TYPE_LONG);
	assert_true(type_from_name("datetimeX", 8, &t));
	assert_int_equal(t, KQLITE_TYPE_DATETIME);
}

static void test_type_name(void **state)
{
	(void)state;
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_NULL), "null");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_BOOL), "bool");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_INT), "int");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_LONG), "long");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_REAL), "real");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_DECIMAL), "decimal");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_STRING), "string");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_DATETIME), "datetime");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_TIMESPAN), "timespan");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_GUID), "guid");
	assert_string_equal(kqlite_type_name(KQLITE_TYPE_DYNAMIC), "dynamic");
	assert_string_equal(kqlite_type_name((kqlite_type)99), "unknown");
	assert_string_equal(kqlite_type_name((kqlite_type)-1), "unknown");
	/* Every canonical name maps back to its type. */
	for (int i = KQLITE_TYPE_BOOL; i <= KQLITE_TYPE_DYNAMIC; i++) {
		const char *n = kqlite_type_name((kqlite_type)i);
		kqlite_type t = KQLITE_TYPE_NULL;
		assert_true(type_from_name(n, strlen(n), &t));
		assert_int_equal(t, i);
	}
}

/* ---- datetime_parse ------------------------------------------------------ */

static void test_datetime_iso(void **state)
{
	(void)state;
	DT_OK("2021-11-09T10:00:00.1234567Z", INT64_C(637720488001234567));
	DT_OK("2021-11-09T10:00:00Z", INT64_C(637720488000000000));
	DT_OK("2021-11-09T10:00:00", INT64_C(637720488000000000));
	DT_OK("2021-01-02", INT64_C(637451424000000000));
	DT_OK("2021-01-02T03:04", INT64_C(637451534400000000));
	DT_OK("2021-01-02T03:04Z", INT64_C(637451534400000000));
	DT_OK("2021-01-02 03:04:05", INT64_C(637451534450000000));
	DT_OK("2021-01-02T03:04:05", INT64_C(637451534450000000));
	DT_OK("1970-01-01", TICKS_UNIX_EPOCH);
	DT_OK("1970-01-01T00:00:00Z", TICKS_UNIX_EPOCH);
	DT_OK("1970-01-01T00:00:00.0000001Z", TICKS_UNIX_EPOCH + 1);
	DT_OK("0001-01-01", 0);
	DT_OK("0001-01-01T00:00:00.0000000Z", 0);
	DT_OK("9999-12-31T23:59:59.9999999Z", TICKS_MAX_DATETIME);
	DT_OK("9999-12-31", INT64_C(3155378112000000000));
	/* Leap days, including the 400-year rule. */
	DT_OK("2020-02-29", INT64_C(637185312000000000));
	DT_OK("2000-02-29", INT64_C(630873792000000000));
	DT_OK("1600-03-01", INT64_C(504646848000000000));
	DT_OK("2100-01-01", INT64_C(662380416000000000));
	/* One-digit month and day. */
	DT_OK("2021-1-2", INT64_C(637451424000000000));
}

static void test_datetime_fraction(void **state)
{
	(void)state;
	const int64_t base = INT64_C(637720488000000000); /* 2021-11-09T10:00:00 */
	DT_OK("2021-11-09T10:00:00.1Z", base + 1000000);
	DT_OK("2021-11-09T10:00:00.12Z", base + 1200000);
	DT_OK("2021-11-09T10:00:00.123Z", base + 1230000);
	DT_OK("2021-11-09T10:00:00.000001Z", base + 10);
	DT_OK("2021-11-09T10:00:00.9999999Z", base + 9999999);
	/* Digits past the seventh are truncated, not rounded. */
	DT_OK("2021-11-09T10:00:00.12345678Z", base + 1234567);
	DT_OK("2021-11-09T10:00:00.123456789999Z", base + 1234567);
	DT_OK("2021-11-09T10:00:00.99999999Z", base + 9999999);
}

static void test_datetime_offsets(void **state)
{
	(void)state;
	/* 23:30 at +05:30 is 18:00 UTC. */
	DT_OK("2021-01-01T23:30:00+05:30", INT64_C(637451208000000000));
	/* 01:00 at -02:00 is 03:00 UTC. */
	DT_OK("2021-01-01T01:00:00-02:00", INT64_C(637450668000000000));
	DT_OK("2021-01-01T01:00-02:00", INT64_C(637450668000000000));
	/* Crossing midnight and the year. */
	DT_OK("2021-01-01T00:00:00+01:00", INT64_C(637450524000000000));
	DT_OK("2021-01-01T00:00:00+00:00", INT64_C(637450560000000000));
	DT_OK("2021-01-01T00:00:00-00:00", INT64_C(637450560000000000));
	DT_OK("1970-01-01T01:00:00.5+01:00", TICKS_UNIX_EPOCH + 5000000);
	/* Offsets that leave the datetime range. */
	DT_BAD("0001-01-01T00:00:00+01:00");
	DT_BAD("9999-12-31T23:59:59-01:00");
	DT_OK("0001-01-01T00:00:00-01:00", INT64_C(36000000000));
	DT_OK("9999-12-31T23:59:59.9999999+00:00", TICKS_MAX_DATETIME);
}

static void test_datetime_us(void **state)
{
	(void)state;
	DT_OK("2/25/2025, 9:19:25.391 AM", INT64_C(638760719653910000));
	DT_OK("2/25/2025, 9:19:25.391 PM", INT64_C(638761151653910000));
	DT_OK("2/25/2025 9:19:25.391 PM", INT64_C(638761151653910000));
	DT_OK("2-25-2025 9:19:25.391 PM", INT64_C(638761151653910000)); /* MM-dd-yyyy */
	DT_OK("2/25/2025, 9:19:25.391 pm", INT64_C(638761151653910000));
	DT_OK("02/25/2025 21:19:25.391", INT64_C(638761151653910000));
	DT_OK("01/16/2022 00:00:00", INT64_C(637778880000000000));
	DT_OK("1/16/2022", INT64_C(637778880000000000));
	DT_OK("1/16/2022 00:00", INT64_C(637778880000000000));
	DT_OK("1/1/2022 12:00:00 AM", INT64_C(637765920000000000));
	DT_OK("1/1/2022 12:30:00 PM", INT64_C(637766370000000000));
	DT_OK("1/1/2022 12:30 PM", INT64_C(637766370000000000));
	DT_BAD("1/1/2022 0:30 AM");
	DT_BAD("1/1/2022 13:00 PM");
	DT_BAD("13/01/2022");
	DT_BAD("2/29/2021");
	DT_BAD("1/16/22");
	DT_BAD("1/16/2022,");
	DT_BAD("1/16/2022 00:00:00 XM");
	DT_BAD("1/16/2022T00:00:00");
	DT_BAD("1-16/2022"); /* one separator throughout */
	DT_OK("1-16-2022", INT64_C(637778880000000000));
}

static void test_datetime_rfc(void **state)
{
	(void)state;
	const int64_t t = INT64_C(627717145530000000); /* 1990-02-27T11:22:33 */
	DT_OK("Tue, 27 Feb 1990 11:22:33 GMT", t);
	DT_OK("27 Feb 1990 11:22:33 GMT", t);
	DT_OK("Tue, 27 Feb 1990 11:22:33 UTC", t);
	DT_OK("Tue, 27 Feb 1990 11:22:33 Z", t);
	DT_OK("Tue, 27 Feb 1990 11:22:33", t);
	DT_OK("Tue, 27 Feb 1990 12:22:33 +0100", t);
	DT_OK("Tue, 27 Feb 1990 10:22:33 -0100", t);
	DT_OK("Tue, 27 Feb 1990 11:22 GMT", t - 33 * TICKS_PER_SECOND);
	DT_OK("27 Feb 1990", t - (11 * 3600 + 22 * 60 + 33) * TICKS_PER_SECOND);
	DT_OK("tue, 27 feb 1990 11:22:33 gmt", t);
	DT_BAD("Mon, 27 Feb 1990 11:22:33 GMT"); /* wrong weekday */
	DT_BAD("Tue 27 Feb 1990 11:22:33 GMT");
	DT_BAD("Tue, 30 Feb 1990 11:22:33 GMT");
	DT_BAD("Tue, 27 Foo 1990 11:22:33 GMT");
	/* RFC 822's two-digit years, as in the KQL docs' datetime(Sat, 8 Nov 14 ...) */
	DT_OK("Tue, 27 Feb 90 11:22:33 GMT", t);
	DT_OK("Sat, 8 Nov 14 15:05:02 GMT", INT64_C(635510559020000000));
	DT_BAD("Tue, 27 Feb 990 11:22:33 GMT");
	DT_BAD("Tue, 27 Feb 1990 11:22:33 EST");
	DT_BAD("Tue, 27 Feb 1990 11:22:33 +01:00");
	DT_BAD("Tue, 27 Feb 1990 11:22:33 +100");
	DT_BAD("Tue, 27 Feb 1990 11:22:33 +01000");
	DT_BAD("Tue, 27 Feb 1990 11:22:33 +0160");
	DT_BAD("Tue, 27 Feb 1990 11:22:33 GMTX");
	DT_BAD("Xyz, 27 Feb 1990 11:22:33 GMT");
}

static void test_datetime_spaces(void **state)
{
	(void)state;
	DT_OK("  2021-01-02  ", INT64_C(637451424000000000));
	DT_OK("\t2021-01-02T03:04:05Z ", INT64_C(637451534450000000));
	DT_OK(" 1/16/2022 ", INT64_C(637778880000000000));
	DT_BAD("2021-01-02  03:04");
	DT_BAD("2021 -01-02");
}

static void test_datetime_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    " ",
	    "-",
	    "2021",
	    "2021-01",
	    "2021-13-01",
	    "2021-00-10",
	    "2021-01-00",
	    "2021-01-32",
	    "2021-04-31",
	    "2021-02-30",
	    "2021-02-29",
	    "1900-02-29",
	    "0000-01-01",
	    "10000-01-01",
	    "21-01-02",
	    "2021-001-02",
	    "2021-01-02T24:00",
	    "2021-01-02T23:60",
	    "2021-01-02T23:59:60",
	    "2021-01-02T",
	    "2021-01-02T03",
	    "2021-01-02T03:4",
	    "2021-01-02T03:04:5",
	    "2021-01-02T03:04:05.",
	    "2021-01-02T03:04:05.Z",
	    "2021-01-02T03:04:05ZZ",
	    "2021-01-02T03:04:05+5:00",
	    "2021-01-02T03:04:05+05",
	    "2021-01-02T03:04:05+0500",
	    "2021-01-02T03:04:05+24:00",
	    "2021-01-02T03:04:05+05:60",
	    "2021-01-02T03:04:05+05:00x",
	    "2021-01-02Z",
	    "2021-01-02x",
	    "2021-01-02T03:04:05 x",
	    "2021/01/02",
	    "x2021-01-02",
	    "2021-01-02t03:04",
	    "+2021-01-02",
	    "datetime(2021-01-02)",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		DT_BAD(bad[i]);
}

static void test_datetime_len_bound(void **state)
{
	(void)state;
	/* Only len bytes are read: a prefix of a valid text is parsed alone. */
	const char *s = "2021-01-02T03:04:05Z";
	int64_t t = 0;
	assert_true(datetime_parse(s, 10, &t));
	assert_int_equal(t, INT64_C(637451424000000000));
	assert_false(datetime_parse(s, 11, &t));
	assert_false(datetime_parse(s, 0, &t));
	/* Every prefix of every form is either rejected or parsed in bounds. */
	static const char *const forms[] = {"2021-11-09T10:00:00.1234567+05:30",
	                                    "2/25/2025, 9:19:25.391 AM",
	                                    "Tue, 27 Feb 1990 11:22:33 GMT"};
	for (size_t f = 0; f < 3; f++) {
		for (size_t n = 0; n <= strlen(forms[f]); n++) {
			char *p = exact_copy(forms[f], n);
			(void)datetime_parse(p, n, &t);
			free(p);
		}
	}
}

/* ---- datetime_format ----------------------------------------------------- */

static void dt_fmt(int64_t ticks, const char *want)
{
	char buf[29];
	size_t n = datetime_format(ticks, buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_datetime_format(void **state)
{
	(void)state;
	dt_fmt(INT64_C(637720488001234567), "2021-11-09T10:00:00.1234567Z");
	dt_fmt(TICKS_UNIX_EPOCH, "1970-01-01T00:00:00.0000000Z");
	dt_fmt(0, "0001-01-01T00:00:00.0000000Z");
	dt_fmt(TICKS_MAX_DATETIME, "9999-12-31T23:59:59.9999999Z");
	dt_fmt(INT64_C(637185312000000000), "2020-02-29T00:00:00.0000000Z");
	dt_fmt(INT64_C(638761151653910000), "2025-02-25T21:19:25.3910000Z");
	dt_fmt(INT64_C(504646848000000000) - 1, "1600-02-29T23:59:59.9999999Z");
	/* Out of range: clamped, but well-formed and within 29 bytes. */
	dt_fmt(-1, "0001-01-01T00:00:00.0000000Z");
	dt_fmt(INT64_MIN, "0001-01-01T00:00:00.0000000Z");
	dt_fmt(TICKS_MAX_DATETIME + 1, "9999-12-31T23:59:59.9999999Z");
	dt_fmt(INT64_MAX, "9999-12-31T23:59:59.9999999Z");
}

static void test_datetime_roundtrip(void **state)
{
	(void)state;
	/* Dates spread over the whole range, at odd times of day. */
	const int64_t step = INT64_C(3155378975999999999) / 4099 + 12345678901;
	for (int64_t t = 0; t <= TICKS_MAX_DATETIME - step; t += step) {
		char buf[29];
		size_t n = datetime_format(t, buf);
		assert_int_equal(n, 28);
		int64_t back = -1;
		assert_true(datetime_parse(buf, n, &back));
		assert_true(back == t);
	}
	/* Every day around a few leap-year boundaries. */
	int64_t from = INT64_C(630822816000000000); /* 2000-01-01 */
	for (int i = 0; i < 800; i++) {
		int64_t t = from + i * TICKS_PER_DAY + i;
		char buf[29];
		int64_t back = -1;
		assert_true(datetime_parse(buf, datetime_format(t, buf), &back));
		assert_true(back == t);
	}
}

/* ---- timespan_parse ------------------------------------------------------ */

#define SEC TICKS_PER_SECOND
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY TICKS_PER_DAY

static void test_timespan_units(void **state)
{
	(void)state;
	TS_OK("1d", DAY);
	TS_OK("1day", DAY);
	TS_OK("2days", 2 * DAY);
	TS_OK("2h", 2 * HOUR);
	TS_OK("1hr", HOUR);
	TS_OK("3hrs", 3 * HOUR);
	TS_OK("1hour", HOUR);
	TS_OK("3hours", 3 * HOUR);
	TS_OK("30m", 30 * MIN);
	TS_OK("10min", 10 * MIN);
	TS_OK("1minute", MIN);
	TS_OK("5minutes", 5 * MIN);
	TS_OK("10s", 10 * SEC);
	TS_OK("20sec", 20 * SEC);
	TS_OK("1second", SEC);
	TS_OK("7seconds", 7 * SEC);
	TS_OK("100ms", INT64_C(1000000));
	TS_OK("1milli", INT64_C(10000));
	TS_OK("2millis", INT64_C(20000));
	TS_OK("3millisecond", INT64_C(30000));
	TS_OK("4milliseconds", INT64_C(40000));
	TS_OK("1microsecond", 10);
	TS_OK("5microseconds", 50);
	TS_OK("1tick", 1);
	TS_OK("42ticks", 42);
	TS_OK("0d", 0);
	TS_OK("0tick", 0);
	TS_OK("007s", 7 * SEC);
	TS_OK("-1d", -DAY);
	TS_OK("-30m", -30 * MIN);
}

static void test_timespan_fractions(void **state)
{
	(void)state;
	TS_OK("1.5h", INT64_C(54000000000));
	TS_OK("0.5d", 12 * HOUR);
	TS_OK("1.5m", 90 * SEC);
	TS_OK("0.25s", INT64_C(2500000));
	TS_OK("2.5ms", INT64_C(25000));
	TS_OK("0.25ms", INT64_C(2500));
	TS_OK("1.5microseconds", 15);
	TS_OK("1.0000001s", INT64_C(10000001));
	TS_OK("-1.5h", -INT64_C(54000000000));
	TS_OK("1.000d", DAY);
	/* Exact decimal arithmetic, truncated at the tick. */
	TS_OK("0.1234567891d", INT64_C(106666665782));
	TS_OK("0.0000000001d", 86);
	TS_OK("1.99999999999999999999h", INT64_C(71999999999));
	TS_OK("0.333333333333333333333333d", INT64_C(287999999999));
	TS_OK("1.00000001s", INT64_C(10000000));
	TS_OK("1.5tick", 1);
	TS_OK("0.9ticks", 0);
	TS_OK("0.1s", INT64_C(1000000));
}

static void test_timespan_text(void **state)
{
	(void)state;
	TS_OK("1.06:00:00", DAY + 6 * HOUR);
	TS_OK("00:30:00", 30 * MIN);
	TS_OK("00:30", 30 * MIN);
	TS_OK("-00:00:01.5", -INT64_C(15000000));
	TS_OK("2.00:00:00", 2 * DAY);
	TS_OK("12:34:56.1234567", INT64_C(452961234567));
	TS_OK("0:00:00", 0);
	TS_OK("23:59:59.9999999", DAY - 1);
	TS_OK("1.2:03", DAY + 2 * HOUR + 3 * MIN);
	TS_OK("-1.06:00:00", -(DAY + 6 * HOUR));
	TS_OK("00:00:00.000000199", 1); /* truncated past 7 digits */
	TS_OK("10675199.02:48:05.4775807", INT64_MAX);
	TS_OK("-10675199.02:48:05.4775808", INT64_MIN);
	TS_BAD("10675199.02:48:05.4775808");
	TS_BAD("-10675199.02:48:05.4775809");
	TS_BAD("99999999999999999999.00:00:00");
}

static void test_timespan_limits(void **state)
{
	(void)state;
	TS_OK("9223372036854775807tick", INT64_MAX);
	TS_OK("-9223372036854775808ticks", INT64_MIN);
	TS_OK("10675199d", INT64_C(10675199) * DAY);
	TS_OK("0000000000000000000000001d", DAY);
	TS_BAD("9223372036854775808tick");
	TS_BAD("-9223372036854775809tick");
	TS_BAD("10675200d");
	TS_BAD("99999999999999999999d");
	TS_BAD("99999999999999999999999999999h");
	TS_BAD("10675199.5d");
	TS_BAD("922337203685477.5808ms");
}

static void test_timespan_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",          " ",        "-",        "--1h",      "+1h",
	    "1",         "1.5",      "d",        "h",         ".5h",
	    "1.h",       "1 d",      "1D",       "1H",        "1Days",
	    "1x",        "1dd",      "1d1h",     "1hh",       "1mins",
	    "1us",       "1ns",      "1secs",    "1.5.5h",    "1e3s",
	    "1,5h",      "24:00:00", "00:60:00", "00:00:60",  "1.24:00:00",
	    "000:30:00", "1:2",      "00:30:",   "00:30:00.", "00:30:00.5x",
	    "1.",        "1.:00:00", ":30",      "00::00",    "-00:",
	    "1.2.03:00", "0x10s",    "1h ago",   "- 1h",      "timespan(1h)",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TS_BAD(bad[i]);
	/* Surrounding spaces are allowed, as for datetime. */
	TS_OK(" 1h ", HOUR);
	TS_OK(" 00:30:00\t", 30 * MIN);
}

static void test_timespan_len_bound(void **state)
{
	(void)state;
	const char *s = "1h30";
	int64_t t = 0;
	assert_true(timespan_parse(s, 2, &t));
	assert_true(t == HOUR);
	assert_false(timespan_parse(s, 1, &t));
	assert_false(timespan_parse(s, 0, &t));
	static const char *const forms[] = {"-1.06:00:00.1234567", "1.5milliseconds"};
	for (size_t f = 0; f < 2; f++) {
		for (size_t n = 0; n <= strlen(forms[f]); n++) {
			char *p = exact_copy(forms[f], n);
			(void)timespan_parse(p, n, &t);
			free(p);
		}
	}
}

/* ---- timespan_format ----------------------------------------------------- */

static void ts_fmt(int64_t ticks, const char *want)
{
	char buf[32];
	size_t n = timespan_format(ticks, buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_timespan_format(void **state)
{
	(void)state;
	ts_fmt(0, "00:00:00");
	ts_fmt(1, "00:00:00.0000001");
	ts_fmt(-1, "-00:00:00.0000001");
	ts_fmt(30 * MIN, "00:30:00");
	ts_fmt(INT64_C(54000000000), "01:30:00");
	ts_fmt(-INT64_C(15000000), "-00:00:01.5000000");
	ts_fmt(DAY + 6 * HOUR, "1.06:00:00");
	ts_fmt(2 * DAY, "2.00:00:00");
	ts_fmt(DAY - 1, "23:59:59.9999999");
	ts_fmt(-(DAY + 6 * HOUR), "-1.06:00:00");
	ts_fmt(100 * DAY + 1, "100.00:00:00.0000001");
	ts_fmt(INT64_MAX, "10675199.02:48:05.4775807");
	ts_fmt(INT64_MIN, "-10675199.02:48:05.4775808");
	ts_fmt(INT64_MIN + 1, "-10675199.02:48:05.4775807");
}

static void test_timespan_roundtrip(void **state)
{
	(void)state;
	static const int64_t vals[] = {
	    0,
	    1,
	    -1,
	    10,
	    9999999,
	    10000000,
	    15000000,
	    -15000000,
	    30 * INT64_C(600000000),
	    INT64_C(86399999999),
	    INT64_C(864000000000),
	    INT64_C(933120000001234),
	    INT64_MAX,
	    INT64_MIN,
	    INT64_MIN + 1,
	    INT64_MAX - 1,
	    -INT64_C(864000000000),
	};
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char buf[32];
		int64_t back = 42;
		size_t n = timespan_format(vals[i], buf);
		assert_true(n < sizeof(buf));
		if (!timespan_parse(buf, n, &back))
			fail_msg("formatted timespan rejected: '%s'", buf);
		assert_true(back == vals[i]);
	}
	for (int64_t t = -INT64_C(3) * 864000000000; t < INT64_C(3) * 864000000000;
	     t += INT64_C(7777777777)) {
		char buf[32];
		int64_t back = 42;
		assert_true(timespan_parse(buf, timespan_format(t, buf), &back));
		assert_true(back == t);
	}
}

/* ---- guid ---------------------------------------------------------------- */

static const unsigned char guid_bytes[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                             0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};

static void test_guid_parse(void **state)
{
	(void)state;
	unsigned char g[16];
	assert_true(g_parse("01234567-89ab-cdef-fedc-ba9876543210", g));
	assert_memory_equal(g, guid_bytes, 16);
	memset(g, 0, 16);
	assert_true(g_parse("01234567-89AB-CDEF-FEDC-BA9876543210", g));
	assert_memory_equal(g, guid_bytes, 16);
	memset(g, 0, 16);
	assert_true(g_parse("0123456789abcdefFEDCBA9876543210", g));
	assert_memory_equal(g, guid_bytes, 16);
	assert_true(g_parse("00000000-0000-0000-0000-000000000000", g));
	static const unsigned char zero[16] = {0};
	assert_memory_equal(g, zero, 16);
}

static void test_guid_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    "01234567-89ab-cdef-fedc-ba987654321",
	    "01234567-89ab-cdef-fedc-ba98765432100",
	    "01234567089ab-cdef-fedc-ba9876543210",
	    "0123456-789ab-cdef-fedc-ba9876543210",
	    "01234567-89ab-cdef-fedcba-9876543210",
	    "01234567-89ab-cdef-fedc-ba987654321g",
	    "{01234567-89ab-cdef-fedc-ba9876543210}",
	    "0123456789abcdefFEDCBA987654321",
	    "0123456789abcdefFEDCBA98765432100",
	    "0123456789abcdef-EDCBA9876543210",
	    "0123456789abcdefFEDCBA987654321x",
	    " 0123456789abcdefFEDCBA987654321",
	};
	unsigned char g[16];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(g, guid_bytes, 16);
		if (g_parse(bad[i], g))
			fail_msg("guid accepted: '%s'", bad[i]);
		/* A failed parse leaves the output alone. */
		assert_memory_equal(g, guid_bytes, 16);
	}
}

static void test_guid_format(void **state)
{
	(void)state;
	char buf[37];
	assert_int_equal(guid_format(guid_bytes, buf), 36);
	assert_string_equal(buf, "01234567-89ab-cdef-fedc-ba9876543210");
	unsigned char g[16];
	assert_true(guid_parse(buf, 36, g));
	assert_memory_equal(g, guid_bytes, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type_from_name),
	    cmocka_unit_test(test_type_from_name_rejects),
	    cmocka_unit_test(test_type_name),
	    cmocka_unit_test(test_datetime_iso),
	    cmocka_unit_test(test_datetime_fraction),
	    cmocka_unit_test(test_datetime_offsets),
	    cmocka_unit_test(test_datetime_us),
	    cmocka_unit_test(test_datetime_rfc),
	    cmocka_unit_test(test_datetime_spaces),
	    cmocka_unit_test(test_datetime_rejects),
	    cmocka_unit_test(test_datetime_len_bound),
	    cmocka_unit_test(test_datetime_format),
	    cmocka_unit_test(test_datetime_roundtrip),
	    cmocka_unit_test(test_timespan_units),
	    cmocka_unit_test(test_timespan_fractions),
	    cmocka_unit_test(test_timespan_text),
	    cmocka_unit_test(test_timespan_limits),
	    cmocka_unit_test(test_timespan_rejects),
	    cmocka_unit_test(test_timespan_len_bound),
	    cmocka_unit_test(test_timespan_format),
	    cmocka_unit_test(test_timespan_roundtrip),
	    cmocka_unit_test(test_guid_parse),
	    cmocka_unit_test(test_guid_rejects),
	    cmocka_unit_test(test_guid_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
