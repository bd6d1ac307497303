/* load.h -- the loader's one interface: a DATA argument into the catalog. */
#ifndef KQ_LOAD_H
#define KQ_LOAD_H

#include <stdbool.h>

#include "catalog.h"
#include "diag.h"

typedef struct load_options {
	bool strict;  /* a value that does not convert is an error, not a null */
	void (*warn)(void *payload, const char *message);
	void *payload;
	/* bytes of the file read so far (see kqlite_load_options) */
	void (*progress)(void *payload, const char *file, unsigned long long done, unsigned long long total);
} load_options;

/* Loads NAME=PATH or PATH (a file or a directory). Returns 0, or a
 * kqlite_code with d set; the catalog then holds no part of the failed
 * file. */
int load_data(catalog *cat, const char *arg, const load_options *o, diag *d);

#endif
