/* repl.c -- the interactive kqlite session (repl.h). */
#include "repl.h"

#include <stdio.h>

int repl_main(kqlite_db *db, const kqlite_run_options *ro)
{
	(void)db;
	(void)ro;
	fprintf(stderr, "kqlite: the interactive REPL is not supported yet; use -q, -f or pipe queries\n");
	return 2;
}
