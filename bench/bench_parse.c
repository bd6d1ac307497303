/* bench_parse.c -- lexer+parser throughput over a set of query files, and
 * the round-trip share: parse(print(parse(q))) must equal parse(q); and
 * the share that binds (kqlite check) and parse+bind throughput.
 *   bench_parse [--repeat N] [--show-failures] FILE...
 * Prints numbers; never fails on speed. Uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kqlite.h"

typedef struct query {
	const char *path;
	char *text;
	size_t len;
} query;

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when the printed query parses back to the same tree. */
static int round_trips(kqlite_db *db, kqlite_syntax *s, int show, const char *path)
{
	char *dump1 = kqlite_syntax_dump(s);
	char *printed = kqlite_syntax_print(s);
	kqlite_syntax *s2 = NULL;
	int ok = 0;
	if (dump1 && printed && kqlite_parse(db, printed, strlen(printed), &s2) == KQLITE_OK) {
		char *dump2 = kqlite_syntax_dump(s2);
		ok = dump2 && strcmp(dump1, dump2) == 0;
		if (!ok && show)
			printf("round-trip differs: %s\n  printed: %s\n", path, printed);
		kqlite_free(dump2);
	} else if (show) {
		printf("round-trip does not reparse: %s: %s\n  printed: %s\n", path, kqlite_errmsg(db),
		       printed ? printed : "(null)");
	}
	kqlite_syntax_free(s2);
	kqlite_free(printed);
	kqlite_free(dump1);
	return ok;
}

int main(int argc, char **argv)
{
	int repeat = 50, show = 0, first = 1;
	while (first < argc && argv[first][0] == '-') {
		if (!strcmp(argv[first], "--repeat") && first + 1 < argc) {
			repeat = atoi(argv[first + 1]);
			first += 2;
		} else if (!strcmp(argv[first], "--show-failures")) {
			show = 1;
			first++;
		} else {
			fprintf(stderr, "usage: bench_parse [--repeat N] [--show-failures] FILE...\n");
			return 2;
		}
	}
	int n = argc - first;
	if (n <= 0 || repeat <= 0) {
		fprintf(stderr, "usage: bench_parse [--repeat N] [--show-failures] FILE...\n");
		return 2;
	}
	query *qs = calloc((size_t)n, sizeof(*qs));
	size_t bytes = 0;
	for (int i = 0; i < n; i++) {
		qs[i].path = argv[first + i];
		qs[i].text = slurp(qs[i].path, &qs[i].len);
		if (!qs[i].text) {
			fprintf(stderr, "bench_parse: cannot read %s\n", qs[i].path);
			return 2;
		}
		bytes += qs[i].len;
	}
	kqlite_db *db;
	if (kqlite_open(&db) != KQLITE_OK)
		return 2;

	int parsed = 0, rt = 0;
	for (int i = 0; i < n; i++) {
		kqlite_syntax *s;
		if (kqlite_parse(db, qs[i].text, qs[i].len, &s) != KQLITE_OK)
			continue;
		parsed++;
		rt += round_trips(db, s, show, qs[i].path);
		kqlite_syntax_free(s);
	}

	int bound = 0;
	for (int i = 0; i < n; i++) {
		kqlite_stmt *st;
		if (kqlite_prepare(db, qs[i].text, qs[i].len, &st) == KQLITE_OK) {
			bound++;
			kqlite_finalize(st);
		} else if (show) {
			printf("does not bind: %s: %s\n", qs[i].path, kqlite_errmsg(db));
		}
	}

	double best = 1e30, best_bind = 1e30;
	for (int r = 0; r < repeat; r++) {
		double t0 = now_s();
		for (int i = 0; i < n; i++) {
			kqlite_stmt *st;
			if (kqlite_prepare(db, qs[i].text, qs[i].len, &st) == KQLITE_OK)
				kqlite_finalize(st);
		}
		double dt = now_s() - t0;
		if (dt < best_bind)
			best_bind = dt;
	}
	for (int r = 0; r < repeat; r++) {
		double t0 = now_s();
		for (int i = 0; i < n; i++) {
			kqlite_syntax *s;
			if (kqlite_parse(db, qs[i].text, qs[i].len, &s) == KQLITE_OK)
				kqlite_syntax_free(s);
		}
		double dt = now_s() - t0;
		if (dt < best)
			best = dt;
	}
	printf("queries: %d (%zu bytes)\n", n, bytes);
	printf("parse: %d/%d = %.1f%%\n", parsed, n, 100.0 * parsed / n);
	printf("round-trip: %d/%d = %.1f%% (of all queries), %.1f%% of those that parse\n", rt, n,
	       100.0 * rt / n, parsed ? 100.0 * rt / parsed : 0.0);
	printf("bind (check): %d/%d = %.1f%%\n", bound, n, 100.0 * bound / n);
	printf("lex+parse throughput: %.1f MB/s (best of %d passes, %.3f ms a pass)\n",
	       (double)bytes / best / 1e6, repeat, best * 1e3);
	printf("parse+bind throughput: %.1f MB/s (best of %d passes, %.3f ms a pass)\n",
	       (double)bytes / best_bind / 1e6, repeat, best_bind * 1e3);
	kqlite_close(db);
	for (int i = 0; i < n; i++)
		free(qs[i].text);
	free(qs);
	return 0;
}
