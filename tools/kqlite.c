/* kqlite.c -- the kqlite command: checks queries now; runs them and hosts
 * the REPL as the engine lands. Uses only the public header. The command
 * line is the contract in CLI.md: subcommands first, `--` ends options. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kqlite.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"usage: kqlite check [--syntax-only | --runnable] [--data PATH]... FILE...\n"
	"       kqlite load --summary [--strict] DATA...\n"
	"       kqlite --help | --version\n"
	"\n"
	"libkqlite parses and checks KQL (the Kusto Query Language of Microsoft\n"
	"Sentinel and Log Analytics) offline.\n"
	"\n"
	"Subcommands:\n"
	"  check FILE...                 check each FILE (one query a file) against the\n"
	"                                built-in Sentinel/Defender schemas: syntax,\n"
	"                                table, column and function names, and types.\n"
	"                                Prints 'FILE: ok' or the diagnostic, then\n"
	"                                'N ok, N failed'. Exit 0 only when all pass.\n"
	"    --syntax-only               check the syntax alone\n"
	"    --runnable                  also report what the engine cannot run yet\n"
	"    --data PATH                 load PATH first; its tables join the schemas\n"
	"  load --summary DATA...        load data files and describe each table:\n"
	"                                rows, columns, types, values that did not\n"
	"                                convert. DATA is PATH (a file or a directory)\n"
	"                                or NAME=PATH; .json, .jsonl, .ndjson, .csv.\n"
	"    --strict                    a value that does not convert is an error\n"
	"\n"
	"Options:\n"
	"  -h, --help                    show this help\n"
	"  --version                     print the version\n"
	"  --                            end of options (later arguments are files)\n"
	"\n"
	"Examples:\n"
	"  kqlite check examples/*.kql\n"
	"  kqlite check --syntax-only my_detection.kql\n"
	"  kqlite load --summary examples/data\n"
	"  kqlite check --data Custom=export.json my_query.kql\n"
	"\n"
	"Not supported yet: running queries (-q, -f, DATA arguments without a\n"
	"subcommand, --format, --now, --chart...), the REPL, kqlite test.\n"
	"\n"
	"Exit codes: 0 success, 1 a check failed, 2 bad usage or unreadable file.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kqlite: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kqlite --help'.\n");
	return EXIT_USAGE;
}

/* Reads a whole file; NULL (with errno) on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		char *bigger = cap < ((size_t)-1) / 2 ? realloc(buf, cap * 2) : NULL;
		if (!bigger) {
			free(buf);
			buf = NULL;
			errno = ENOMEM;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/* SOURCE:LINE:COL: error: MESSAGE, the line, and a caret under the span. */
static void print_diagnostic(FILE *out, const char *source, const char *text, size_t len,
                             const kqlite_db *db)
{
	kqlite_span sp;
	if (kqlite_errspan(db, &sp) != KQLITE_OK) {
		fprintf(out, "%s: error: %s\n", source, kqlite_errmsg(db));
		return;
	}
	fprintf(out, "%s:%u:%u: error: %s\n", source, sp.line, sp.column, kqlite_errmsg(db));
	size_t start = sp.offset > len ? len : sp.offset;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	size_t end = start;
	while (end < len && text[end] != '\n' && text[end] != '\r')
		end++;
	fprintf(out, "  %.*s\n  ", (int)(end - start), text + start);
	for (size_t i = start; i < sp.offset && i < end; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c & 0xC0) == 0x80)
			continue; /* one column per character */
		fputc(c == '\t' ? '\t' : ' ', out);
	}
	fputc('^', out);
	size_t chars = 0;
	for (size_t i = sp.offset + 1; i < sp.offset + sp.length && i < end; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			chars++;
	for (size_t i = 0; i < chars; i++)
		fputc('~', out);
	fputc('\n', out);
}

static void print_warning(void *payload, const char *message)
{
	(void)payload;
	fprintf(stderr, "%s\n", message);
}

/* One file: 'FILE: ok' on stdout, or the diagnostic on stderr. */
static bool check_one(kqlite_db *db, const char *path, const char *text, size_t len, bool syntax_only,
                      bool runnable)
{
	int rc;
	kqlite_stmt *st = NULL;
	if (syntax_only) {
		kqlite_syntax *syn;
		rc = kqlite_parse(db, text, len, &syn);
		kqlite_syntax_free(syn);
	} else {
		rc = kqlite_prepare(db, text, len, &st);
	}
	if (rc != KQLITE_OK) {
		fflush(stdout);
		print_diagnostic(stderr, path, text, len, db);
		return false;
	}
	const char *unsupported = runnable ? kqlite_stmt_unsupported(st, NULL) : NULL;
	if (unsupported) {
		fflush(stdout);
		fprintf(stderr, "%s: error: %s\n", path, unsupported);
	} else {
		printf("%s: ok\n", path);
	}
	kqlite_finalize(st);
	return unsupported == NULL;
}

static int cmd_check(int argc, char **argv)
{
	bool syntax_only = false, runnable = false, options_done = false;
	int nfiles = 0, ndata = 0;
	char **files = calloc((size_t)argc + 1, sizeof(*files));
	const char **data = calloc((size_t)argc + 1, sizeof(*data));
	if (!files || !data) {
		free(files);
		free((void *)data);
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!options_done && !strcmp(a, "--")) {
			options_done = true;
		} else if (!options_done && !strcmp(a, "--syntax-only")) {
			syntax_only = true;
		} else if (!options_done && !strcmp(a, "--runnable")) {
			runnable = true;
		} else if (!options_done && !strcmp(a, "--data")) {
			if (i + 1 >= argc) {
				free(files);
				return usage_error("%s", "check --data needs a PATH");
			}
			data[ndata++] = argv[++i];
		} else if (!options_done && a[0] == '-' && a[1] != '\0') {
			free(files);
			free((void *)data);
			return usage_error("check: unknown option '%s'", a);
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (syntax_only && runnable) {
		free(files);
		free((void *)data);
		return usage_error("%s", "check: --syntax-only and --runnable exclude each other");
	}
	if (nfiles == 0) {
		free(files);
		free((void *)data);
		return usage_error("%s", "check: no FILE given");
	}
	kqlite_db *db;
	if (kqlite_open(&db) != KQLITE_OK) {
		free(files);
		free((void *)data);
		fprintf(stderr, "kqlite: out of memory\n");
		return EXIT_USAGE;
	}
	kqlite_load_options lo = KQLITE_LOAD_OPTIONS_INIT;
	lo.warn = print_warning;
	for (int i = 0; i < ndata; i++) {
		if (kqlite_load(db, data[i], &lo) != KQLITE_OK) {
			fprintf(stderr, "kqlite: %s\n", kqlite_errmsg(db));
			kqlite_close(db);
			free(files);
			free((void *)data);
			return EXIT_USAGE;
		}
	}
	free((void *)data);
	int ok = 0, failed = 0, unreadable = 0;
	for (int i = 0; i < nfiles; i++) {
		size_t len;
		char *text = read_file(files[i], &len);
		if (!text) {
			fprintf(stderr, "%s: error: cannot read: %s\n", files[i], strerror(errno));
			unreadable++;
			failed++;
			continue;
		}
		if (check_one(db, files[i], text, len, syntax_only, runnable))
			ok++;
		else
			failed++;
		free(text);
	}
	printf("%d ok, %d failed\n", ok, failed);
	kqlite_close(db);
	free(files);
	if (unreadable)
		return EXIT_USAGE;
	return failed ? EXIT_FAIL : 0;
}

/* kqlite load --summary DATA...: each loaded table's rows and columns. */
static int cmd_load(int argc, char **argv)
{
	bool summary = false, strict = false, options_done = false;
	int ndata = 0;
	for (int i = 0; i < argc; i++) {
		if (!options_done && !strcmp(argv[i], "--"))
			options_done = true;
		else if (!options_done && !strcmp(argv[i], "--summary"))
			summary = true;
		else if (!options_done && !strcmp(argv[i], "--strict"))
			strict = true;
		else if (!options_done && argv[i][0] == '-' && argv[i][1] != '\0')
			return usage_error("load: unknown option '%s'", argv[i]);
		else
			ndata++;
	}
	if (!summary)
		return usage_error("%s", "load: say what to do: --summary");
	if (ndata == 0)
		return usage_error("%s", "load: no DATA given");
	kqlite_db *db;
	if (kqlite_open(&db) != KQLITE_OK)
		return EXIT_USAGE;
	kqlite_load_options lo = KQLITE_LOAD_OPTIONS_INIT;
	lo.strict = strict;
	lo.warn = print_warning;
	options_done = false;
	for (int i = 0; i < argc; i++) {
		if (!options_done && (!strcmp(argv[i], "--summary") || !strcmp(argv[i], "--strict")))
			continue;
		if (!options_done && !strcmp(argv[i], "--")) {
			options_done = true;
			continue;
		}
		if (kqlite_load(db, argv[i], &lo) != KQLITE_OK) {
			fprintf(stderr, "kqlite: %s\n", kqlite_errmsg(db));
			kqlite_close(db);
			return EXIT_USAGE;
		}
	}
	size_t total = 0, tables = 0;
	for (size_t t = 0; t < kqlite_table_count(db); t++) {
		size_t rows = kqlite_table_row_count(db, t), ncols = kqlite_table_column_count(db, t);
		size_t failed = 0;
		for (size_t c = 0; c < ncols; c++)
			failed += kqlite_table_column_failed(db, t, c);
		if (rows == 0 && failed == 0)
			continue; /* a known table that was not loaded */
		printf("%s: %zu rows, %zu columns\n", kqlite_table_name(db, t), rows, ncols);
		for (size_t c = 0; c < ncols; c++) {
			const char *name;
			kqlite_type type;
			kqlite_table_column(db, t, c, &name, &type);
			size_t f = kqlite_table_column_failed(db, t, c);
			if (f)
				printf("  %-32s %-9s %zu value%s did not convert (null)\n", name, kqlite_type_name(type), f,
				       f == 1 ? "" : "s");
			else
				printf("  %-32s %s\n", name, kqlite_type_name(type));
		}
		total += rows;
		tables++;
	}
	printf("%zu table%s, %zu rows\n", tables, tables == 1 ? "" : "s", total);
	kqlite_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("kqlite %s\n", kqlite_version());
		return 0;
	}
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	if (!strcmp(argv[1], "test"))
		return usage_error("%s: not supported yet (needs the engine)", argv[1]);
	return usage_error("'%s': running queries and loading data are not supported yet; see --help", argv[1]);
}
