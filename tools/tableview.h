/* tableview.h -- a result as an aligned table for a terminal (the REPL's
 * `table` mode): the type under each column name, cells cut to the
 * window's width with "…", the first N rows and "… N more rows", ANSI
 * colour on request. Values read as kqlite's writers spell them
 * (datetimes as 2025-11-14T10:00:00Z, in UTC). */
#ifndef KQ_TABLEVIEW_H
#define KQ_TABLEVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kqlite.h"

struct tableview_options {
	int width;       /* terminal columns; 0: no limit */
	size_t max_rows; /* rows shown; 0: all */
	bool color;      /* ANSI colour (bold names, dim types and notes) */
};

/* Writes res to out. Returns 0, or -1 when out of memory. */
int tableview_print(kqlite_result *res, FILE *out, const struct tableview_options *o);

/* The text of one value as the csv and table writers spell it; a null is
 * "". buf holds at least 48 bytes; a string or dynamic value is returned
 * as a pointer into the value itself with its length in *len. */
const char *tableview_value_text(const kqlite_value *v, char *buf, size_t *len);

#endif
