/* repl.h -- the interactive kqlite session (a terminal on stdin). */
#ifndef KQ_REPL_H
#define KQ_REPL_H

#include "kqlite.h"

/* Runs the REPL over db (tables already loaded) until .quit or Ctrl-D;
 * returns the process exit code. */
int repl_main(kqlite_db *db, const kqlite_run_options *ro);

#endif
