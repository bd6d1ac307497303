/* write.h -- a table as text in the command line's output formats (CLI.md:
 * table, csv, json, ndjson, api-json, markdown) with its value encodings. */
#ifndef KQ_WRITE_H
#define KQ_WRITE_H

#include "strbuf.h"
#include "table.h"

/* Appends t to out in `format`. Returns 0; KQLITE_NOMEM (out->oom is set);
 * or KQLITE_MISUSE for an unknown format (nothing appended). Layouts:
 *  json      "[\n" rows as objects joined by ",\n" "\n]\n"; no rows: "[]\n"
 *  ndjson    one object and "\n" a row; no rows: ""
 *  api-json  {"tables":[{"name":"PrimaryResult","columns":[...],"rows":[
 *            then a row array a line, joined by ",\n", then "]}]}\n"
 *  csv       RFC 4180 with "\n" line ends (readers accept "\r\n" too);
 *            no BOM; a one-column table writes an empty field as ""
 *            (a blank line is no record)
 *  markdown  a GitHub table; numeric columns right-aligned
 *  table     names, types, a rule of dashes, rows; columns two spaces
 *            apart, numbers right-aligned, no trailing spaces
 * In table and markdown, control characters in text show as JSON escapes
 * (\n, \t, \u0001) so a row stays one line; markdown escapes '|'.
 * Encodings beyond CLI.md's table: a real is the first of %.15g, %.16g,
 * %.17g that reads back; a datetime drops its fraction's trailing zeros
 * (and the '.' with them: 2021-11-09T10:00:00Z); a timespan keeps 7
 * digits when it has a fraction; in api-json a dynamic object or array is
 * JSON text in a string, a dynamic scalar is written as itself; invalid
 * UTF-8 in a JSON string becomes U+FFFD. */
int write_table(strbuf *out, const table *t, const char *format);

#endif
