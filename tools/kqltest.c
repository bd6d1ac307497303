/* kqltest.c -- `kqlite test FILE...` (stub: filled in by its owner). */
#include <stdio.h>

#include "kqltest.h"

int kqltest_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "kqlite test: not supported yet\n");
	return 2;
}
