/* types.h -- KQL scalar types, their names, and the text forms of the
 * values that have one (datetime, timespan, guid). Shared by the lexer's
 * literal checks, the readers and the writers. */
#ifndef KQ_TYPES_H
#define KQ_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kqlite.h"

/* Ticks: 100 ns units, as Kusto counts them. */
#define TICKS_PER_SECOND INT64_C(10000000)
#define TICKS_PER_DAY (INT64_C(86400) * TICKS_PER_SECOND)
/* 0001-01-01 to 1970-01-01, in ticks. */
#define TICKS_UNIX_EPOCH INT64_C(621355968000000000)
/* 9999-12-31T23:59:59.9999999: the largest datetime. */
#define TICKS_MAX_DATETIME INT64_C(3155378975999999999)

/* Maps a KQL type name, with its aliases (boolean, double, date, time,
 * uniqueid, int32/int64...), to a type. Returns false if unknown. */
bool type_from_name(const char *s, size_t len, kqlite_type *out);

/* Parses a datetime in the forms KQL literals and exports use:
 *   ISO 8601: 2021-01-02, 2021-01-02T03:04, 2021-01-02 03:04:05.1234567Z,
 *             with an optional Z or +hh:mm / -hh:mm offset (converted to UTC);
 *   US portal form: 2/25/2025, 9:19:25.391 AM  and  01/16/2022 00:00:00;
 *   RFC 822/1123: Tue, 27 Feb 1990 11:22:33 GMT;
 * Surrounding spaces are allowed. Full 100 ns precision; digits past the
 * seventh are truncated. Returns false on anything else. */
bool datetime_parse(const char *s, size_t len, int64_t *ticks);

/* Formats as ISO 8601 with 7 fractional digits and Z
 * ("2021-11-09T10:00:00.1234567Z"); buf needs 29 bytes. Returns length. */
size_t datetime_format(int64_t ticks, char *buf);

/* Parses a timespan: the literal forms (1d, 2h, 30m, 10s, 100ms,
 * 5microseconds, 1tick, 1.5h, 2days, 3hours, 10min, 20sec...) and the
 * text form [-][d.]hh:mm[:ss[.fffffff]]. Returns false on anything else
 * or on overflow. */
bool timespan_parse(const char *s, size_t len, int64_t *ticks);

/* Formats as [-][d.]hh:mm:ss[.fffffff] (fraction only when non-zero,
 * trailing zeros kept to 7 digits); buf needs 32 bytes. Returns length. */
size_t timespan_format(int64_t ticks, char *buf);

/* Parses xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex, either case) and the
 * 32-digit form without dashes into 16 bytes in text order. */
bool guid_parse(const char *s, size_t len, unsigned char out[16]);
/* Formats in lower case with dashes; buf needs 37 bytes. Returns 36. */
size_t guid_format(const unsigned char in[16], char *buf);

#endif
