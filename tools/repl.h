/* repl.h -- the interactive kqlite session (a terminal on stdin). */
#ifndef KQ_REPL_H
#define KQ_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kqlite.h"

/* What the command line hands the session: run options (--now,
 * --max-memory, --batch-rows), the output format (--format, or NULL for
 * the default: table), --timer, --strict for .load. */
struct repl_config {
	kqlite_run_options ro;
	const char *format;
	bool timer;
	bool strict;
};

/* Runs the REPL over db (tables already loaded) until .quit or Ctrl-D;
 * returns the process exit code (0). */
int repl_main(kqlite_db *db, const struct repl_config *cfg);

/* The dot-commands, one a line with an example, for .help and --help. */
extern const char repl_help_text[];

/* Loads one DATA argument as the REPL shows it on a terminal: a line
 * "loading X… done (N rows, T s)" on stderr (kqlite_load has no progress
 * callback, so there is no bar), the load's notes after it. Returns
 * kqlite_load's code; on error the message is on db. */
int repl_load(kqlite_db *db, const char *data, bool strict);

/* Provided by kqlite.c (the command line's rules, shared with the REPL). */
bool cli_text_complete(const char *s, size_t n, bool *content);
void cli_print_diagnostic(FILE *out, const char *source, const char *text, size_t len,
                          const kqlite_span *sp, const char *message, unsigned line_base);
bool cli_parse_datetime(const char *s, int64_t *ticks);

#endif
