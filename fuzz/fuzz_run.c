/*
 * fuzz_run.c -- libFuzzer target for running queries (planner, kernels,
 * operators, functions, aggregates). The input is a query run over a small
 * table T (every type, nulls, empty strings, a dictionary-worthy column)
 * and over nothing else, with the result capped at 16 MB and now() pinned.
 * It checks:
 *  - a failed run has a message;
 *  - a result has the statement's columns, with the bound types (where the
 *    binder knew them), and every cell reads back;
 *  - the first input byte picks the batch size (1, 3 or the default), and
 *    a run at another batch size gives the same CSV.
 * A violated property abort()s with what it saw on stderr.
 *
 * externaldata reads the files a query names. A fuzzed query must not read
 * the machine's files (/dev/stdin blocks, /dev/zero never ends, the rest is
 * none of its business), so while a query runs every fopen for reading
 * fails with ENOENT, whatever the path, except "fuzz.csv": a fixed text in
 * memory, for the readers of csv, tsv, psv and txt to chew on.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT, fmemopen, memmem */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

#define MAX_INPUT (16u * 1024u)

static int in_query; /* set while the library prepares or runs an input */

static const char fake_csv[] = "\xEF\xBB\xBFname,n,x\r\n"
                               "a,1,1.5\n"
                               "\"b,\"\"q\"\"\",-2,\n"
                               "\n"
                               "c\t9\t|x|y,notanumber,1e400\r\n"
                               ",,,,extra\n"
                               "\"unterminated,3";

static FILE *guarded_open(const char *real_name, const char *path, const char *mode)
{
	if (in_query && mode[0] == 'r') {
		if (strcmp(path, "fuzz.csv") == 0)
			return fmemopen((void *)fake_csv, sizeof(fake_csv) - 1, "r");
		errno = ENOENT;
		return NULL;
	}
	FILE *(*real)(const char *, const char *) = (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, real_name);
	if (!real) {
		errno = ENOSYS;
		return NULL;
	}
	return real(path, mode);
}

/* Both names: the library is built with _FILE_OFFSET_BITS=64 (fopen64),
 * but may not be. These take precedence over libc's (and over ASan's weak
 * interceptors); the real ones are found with RTLD_NEXT. */
FILE *fuzz_fopen(const char *path, const char *mode) __asm__("fopen");
FILE *fuzz_fopen64(const char *path, const char *mode) __asm__("fopen64");
FILE *fuzz_fopen(const char *path, const char *mode)
{
	return guarded_open("fopen", path, mode);
}
FILE *fuzz_fopen64(const char *path, const char *mode)
{
	return guarded_open("fopen64", path, mode);
}

static kqlite_db *fuzz_db(void)
{
	static kqlite_db *db;
	if (db)
		return db;
	if (kqlite_open(&db) != KQLITE_OK)
		abort();
	const char *names[] = {"b", "i", "l", "r", "s", "d", "t", "g", "y", "k"};
	kqlite_type types[] = {KQLITE_TYPE_BOOL, KQLITE_TYPE_INT, KQLITE_TYPE_LONG, KQLITE_TYPE_REAL,
	                       KQLITE_TYPE_STRING, KQLITE_TYPE_DATETIME, KQLITE_TYPE_TIMESPAN,
	                       KQLITE_TYPE_GUID, KQLITE_TYPE_DYNAMIC, KQLITE_TYPE_STRING};
	size_t t;
	if (kqlite_table_create(db, "T", 10, names, types, &t) != KQLITE_OK)
		abort();
	static const char *const strs[] = {"powershell.exe -enc AAA", "", "Défender", "a,b;c", "x"};
	static const char *const dyns[] = {"{\"a\":[1,2,{\"b\":null}]}", "[1,\"x\",2.5]", "null", "\"s\"", "7"};
	for (int r = 0; r < 40; r++) {
		kqlite_value v[10];
		memset(v, 0, sizeof(v));
		v[0].type = KQLITE_TYPE_BOOL, v[0].v.b = r & 1;
		v[1].type = KQLITE_TYPE_INT, v[1].v.i = r * 7 - 100;
		v[2].type = KQLITE_TYPE_LONG, v[2].v.l = r % 3 == 0 ? INT64_MIN + r : (int64_t)r * 1000003;
		v[3].type = KQLITE_TYPE_REAL, v[3].v.r = r % 5 == 0 ? 0.0 / 0.0 : r * 0.25 - 3;
		v[4].type = KQLITE_TYPE_STRING, v[4].v.s.ptr = strs[r % 5], v[4].v.s.len = strlen(strs[r % 5]);
		v[5].type = KQLITE_TYPE_DATETIME, v[5].v.l = INT64_C(638988048000000000) - (int64_t)r * 36000000000;
		v[6].type = KQLITE_TYPE_TIMESPAN, v[6].v.l = (int64_t)r * 600000000 - 3000000000;
		v[7].type = KQLITE_TYPE_GUID, memset(v[7].v.guid, r, 16);
		v[8].type = KQLITE_TYPE_DYNAMIC, v[8].v.s.ptr = dyns[r % 5], v[8].v.s.len = strlen(dyns[r % 5]);
		v[9].type = KQLITE_TYPE_STRING, v[9].v.s.ptr = r % 2 ? "hostA" : "hostB", v[9].v.s.len = 5;
		for (int c = 0; c < 10; c++)
			if ((r + c) % 11 == 0 && c != 4 && c != 9)
				v[c].type = KQLITE_TYPE_NULL;
		if (kqlite_table_append_row(db, t, v, 10) != KQLITE_OK)
			abort();
	}
	return db;
}

static void fail(const char *what, const uint8_t *data, size_t size, const char *extra)
{
	fprintf(stderr, "\nfuzz_run: %s\n--- input ---\n", what);
	fwrite(data, 1, size, stderr);
	fprintf(stderr, "\n--- %s\n", extra ? extra : "");
	abort();
}

static char *run(kqlite_stmt *st, size_t batch, const uint8_t *data, size_t size, kqlite_result **keep)
{
	kqlite_run_options o = KQLITE_RUN_OPTIONS_INIT;
	o.pin_now = 1;
	o.now = INT64_C(638988048000000000);
	o.max_memory = 16u << 20;
	o.batch_rows = batch;
	kqlite_result *res = NULL;
	in_query = 1;
	int rc = kqlite_run(st, &o, &res);
	in_query = 0;
	if (rc != KQLITE_OK) {
		if (res || !kqlite_stmt_errmsg(st)[0])
			fail("a failed run without a message", data, size, NULL);
		return NULL;
	}
	char *csv = NULL;
	size_t len;
	if (kqlite_result_write(res, "csv", &csv, &len) != KQLITE_OK)
		fail("a result that does not write", data, size, NULL);
	if (keep)
		*keep = res;
	else
		kqlite_result_free(res);
	return csv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > MAX_INPUT)
		return 0;
	static const size_t batches[] = {0, 1, 3};
	size_t batch = batches[data[0] % 3];
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	kqlite_db *db = fuzz_db();
	kqlite_stmt *st = NULL;
	in_query = 1;
	int prc = kqlite_prepare(db, text, len, &st);
	in_query = 0;
	if (prc != KQLITE_OK)
		return 0;
	kqlite_result *res = NULL;
	char *first = run(st, batch, data, size, &res);
	if (first) {
		size_t nc = kqlite_result_column_count(res);
		if (!kqlite_stmt_schema_is_open(st) && nc != kqlite_stmt_column_count(st))
			fail("a result with other columns than the statement's", data, size, NULL);
		for (size_t c = 0; c < nc; c++) {
			kqlite_type bound = kqlite_stmt_column_type(st, c);
			kqlite_type got = kqlite_result_column_type(res, c);
			if (!kqlite_stmt_schema_is_open(st) && bound != KQLITE_TYPE_UNKNOWN && bound != got &&
			    !(bound == KQLITE_TYPE_NULL))
				fail("a result column of another type than bound", data, size,
				     kqlite_result_column_name(res, c));
			for (size_t r = 0; r < kqlite_result_row_count(res) && r < 64; r++) {
				kqlite_value v;
				if (kqlite_result_value(res, c, r, &v) != KQLITE_OK)
					fail("a cell that does not read", data, size, NULL);
			}
		}
		kqlite_result_free(res);
		/* results must not depend on where batches split (rand(),
		 * new_guid() and sample, seeded from the clock, aside) */
		if (!memmem(text, len, "rand", 4) && !memmem(text, len, "new_guid", 8) &&
		    !memmem(text, len, "sample", 6)) {
			char *second = run(st, batch == 1 ? 0 : 1, data, size, NULL);
			if (second && strcmp(first, second) != 0)
				fail("another result at another batch size", data, size, second);
			free(second);
		}
		free(first);
	}
	kqlite_finalize(st);
	return 0;
}
