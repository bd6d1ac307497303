/* reader.h -- what the file readers (json.c, csv.c) share with the loader
 * (load.c): the loader maps the whole file read-only and hands it over;
 * a reader asks the loader for a builder per table it finds and reports
 * rows to it. A reader's error sets the diag with the byte span in the
 * file; the loader turns it into file:line:column and drops every table
 * of the file. */
#ifndef KQ_READER_H
#define KQ_READER_H

#include <stddef.h>

#include "builder.h"
#include "diag.h"

typedef struct loader loader;

/* The builder of table `name` (a built-in schema applies when the name is
 * a known table), the same one for the same name within one file. NULL
 * when out of memory (the diag is set). */
tbuilder *loader_table(loader *l, const char *name, size_t len);

/* The name the file gives by default (its base name up to the first '.',
 * or NAME= from the command line). */
const char *loader_default_name(const loader *l, size_t *len);

/* The reader is past byte `upto` of the text: the loader may give those
 * pages back to the system (reading them again still works: they come
 * back from the file), so loading does not hold the whole file. */
void loader_consumed(loader *l, size_t upto);

/* A warning for stderr (the loader prefixes the file name). */
void loader_warn(loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON document (.json): an array of objects; a Log Analytics query API
 * response {"tables":[{"name","columns":[{"name","type"}],"rows":[[...]]}]};
 * a Defender API response {"Schema":[{"Name","Type"}],"Results":[{...}]};
 * one object (one row); any other value as CLI.md maps it (a one-column
 * table named "value"). An empty file is an error. Returns 0 or a
 * kqlite_code with d set. */
int json_read_document(loader *l, const char *text, size_t len, diag *d);

/* Newline-delimited JSON (.jsonl, .ndjson): one object a line; blank lines
 * are skipped; an empty file is a table with no rows. */
int json_read_lines(loader *l, const char *text, size_t len, diag *d);

/* CSV (.csv), RFC 4180 as the portals export it: a header row, quoted
 * fields, a UTF-8 BOM skipped, a " [UTC]" header suffix dropped. Values
 * are untyped text; an empty field is null. */
int csv_read(loader *l, const char *text, size_t len, diag *d);

#endif
