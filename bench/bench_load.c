/* bench_load.c -- load throughput and peak memory:
 *   bench_load FILE...
 * Loads each file into a fresh database (the file should be in the page
 * cache: run twice), prints MB/s, rows, the loaded columns' size and the
 * process's peak RSS, and the ratio of peak RSS to the columns' size. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "kqlite.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_load FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 2;
		}
		kqlite_db *db;
		if (kqlite_open(&db) != KQLITE_OK)
			return 2;
		double t0 = now_s();
		if (kqlite_load(db, argv[i], NULL) != KQLITE_OK) {
			fprintf(stderr, "%s\n", kqlite_errmsg(db));
			return 1;
		}
		double dt = now_s() - t0;
		size_t rows = 0, bytes = 0;
		for (size_t t = 0; t < kqlite_table_count(db); t++) {
			rows += kqlite_table_row_count(db, t);
			bytes += kqlite_table_memory(db, t);
		}
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		double mb = (double)st.st_size / 1e6, rss = (double)ru.ru_maxrss / 1024.0;
		printf("%s: %.1f MB, %zu rows in %.3f s = %.0f MB/s; columns %.1f MB; peak RSS %.1f MB (%.2fx the columns)\n",
		       argv[i], mb, rows, dt, mb / dt, (double)bytes / 1e6, rss, rss * 1e6 / 1048576.0 / ((double)bytes / 1e6));
		kqlite_close(db);
	}
	return 0;
}
