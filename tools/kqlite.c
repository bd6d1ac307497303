/* kqlite.c -- the kqlite command (docs/CLI.md is its contract): runs
 * queries given with -q or -f or piped on stdin over DATA files, and the
 * subcommands `check`, `load --summary` and `test`. Uses only the public
 * header. Subcommands are recognised only as the first argument; `--`
 * ends options. Without -q or -f and with a terminal on stdin it starts
 * the REPL (repl.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kqlite.h"
#include "chart.h"
#include "kqltest.h"
#include "repl.h"

enum { EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"usage: kqlite [OPTIONS] [DATA...]\n"
	"       kqlite check [--syntax-only | --runnable] [--data PATH]... FILE...\n"
	"       kqlite test FILE...\n"
	"       kqlite load --summary [--strict] DATA...\n"
	"       kqlite --help | --version\n"
	"\n"
	"libkqlite runs KQL (the Kusto Query Language of Microsoft Sentinel and Log\n"
	"Analytics) offline over data files.\n"
	"\n"
	"Running queries: DATA files load first, then the query of -q or -f runs;\n"
	"without either, queries are read from stdin (when it is not a terminal),\n"
	"one after another, separated by a blank line after a complete query.\n"
	"DATA is PATH (a file, or a directory of files) or NAME=PATH; the table is\n"
	"named after the file up to its first '.'; .json, .jsonl, .ndjson, .csv.\n"
	"\n"
	"Options:\n"
	"  -q, --query TEXT              run this query\n"
	"  -f, --file FILE               run FILE as one query ('-': all of stdin)\n"
	"  --now DATETIME                pin now() (ISO 8601, e.g. 2021-11-15T10:00:00Z;\n"
	"                                without a zone it is UTC)\n"
	"  --format FMT                  table (default on a terminal), csv (default\n"
	"                                otherwise), json, ndjson, api-json, markdown\n"
	"  --chart FILE.svg              write a render chart as SVG\n"
	"  --timer                       print parse/bind, run and print times to stderr\n"
	"  --max-memory SIZE             fail a query that needs more memory (bytes, or\n"
	"                                with K, M, G, T: 512M, 2G)\n"
	"  --batch-rows N                rows per batch inside the engine (default 2048)\n"
	"  --strict                      a value that does not convert to its column's\n"
	"                                type is an error (exit 2), not a null\n"
	"  -h, --help                    show this help\n"
	"  --version                     print the version\n"
	"  --                            end of options (later arguments are DATA)\n"
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
	"  test FILE...                  run .kqltest files (docs/kqltest.md)\n"
	"  load --summary DATA...        load data files and describe each table:\n"
	"                                rows, columns, types, values that did not\n"
	"                                convert.\n"
	"    --strict                    a value that does not convert is an error\n"
	"\n"
	"Examples:\n"
	"  kqlite -q 'SecurityAlert | summarize count() by AlertSeverity' alerts.json\n"
	"  kqlite --now 2021-11-15T10:00:00Z -f detection.kql examples/data\n"
	"  cat queries.kql | kqlite --format ndjson examples/data\n"
	"  kqlite check examples/*.kql\n"
	"  kqlite check --syntax-only my_detection.kql\n"
	"  kqlite load --summary examples/data\n"
	"  kqlite check --data Custom=export.json my_query.kql\n"
	"  kqlite examples/data          start the REPL over the bundled sample\n";

/* After usage_text in --help: the REPL, then its commands (repl.c). */
static const char repl_usage_text[] =
	"\n"
	"The REPL: with a terminal on stdin and neither -q nor -f, kqlite loads DATA\n"
	"and reads queries interactively (man kqlite has the details).\n";

static const char exit_text[] =
	"\n"
	"Exit codes: 0 success, 1 a query, check or test failed, 2 bad usage or a\n"
	"data file that could not be loaded.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "kqlite: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'kqlite --help'.\n");
	return EXIT_USAGE;
}

/* Reads a whole file ("-": stdin); NULL (with errno) on failure. */
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

/* SOURCE:LINE:COL: error: MESSAGE, the line, and a caret under the span;
 * `SOURCE: error: MESSAGE` when sp is NULL. The span is in text; its line
 * is shown as line_base + line - 1 (text may start inside a longer input). */
static void print_diagnostic(FILE *out, const char *source, const char *text, size_t len,
                             const kqlite_span *sp, const char *message, unsigned line_base)
{
	if (!sp || sp->line == 0 || sp->offset > len) {
		fprintf(out, "%s: error: %s\n", source, message);
		return;
	}
	fprintf(out, "%s:%u:%u: error: %s\n", source, line_base + sp->line - 1, sp->column,
	        message);
	size_t start = sp->offset;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	size_t end = start;
	while (end < len && text[end] != '\n' && text[end] != '\r')
		end++;
	fprintf(out, "  %.*s\n  ", (int)(end - start), text + start);
	for (size_t i = start; i < sp->offset && i < end; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c & 0xC0) == 0x80)
			continue; /* one column per character */
		fputc(c == '\t' ? '\t' : ' ', out);
	}
	fputc('^', out);
	for (size_t i = sp->offset + 1; i < sp->offset + sp->length && i < end; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			fputc('~', out);
	fputc('\n', out);
}

/* The diagnostic of the last error on db. */
static void print_db_error(const char *source, const char *text, size_t len, const kqlite_db *db,
                           unsigned line_base)
{
	kqlite_span sp;
	bool has = kqlite_errspan(db, &sp) == KQLITE_OK;
	fflush(stdout);
	print_diagnostic(stderr, source, text, len, has ? &sp : NULL, kqlite_errmsg(db), line_base);
}

static void print_warning(void *payload, const char *message)
{
	(void)payload;
	fprintf(stderr, "%s\n", message);
}

/* ---- kqlite check ------------------------------------------------------ */

/* One file: 'FILE: ok' on stdout, or the diagnostic on stderr. */
static bool check_one(kqlite_db *db, const char *path, const char *text, size_t len,
                      bool syntax_only, bool runnable)
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
		print_db_error(path, text, len, db, 1);
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
	int rc = EXIT_USAGE;
	if (!files || !data) {
		fprintf(stderr, "kqlite: out of memory\n");
		goto out;
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
				usage_error("%s", "check --data needs a PATH");
				goto out;
			}
			data[ndata++] = argv[++i];
		} else if (!options_done && a[0] == '-' && a[1] != '\0') {
			usage_error("check: unknown option '%s'", a);
			goto out;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (syntax_only && runnable) {
		usage_error("%s", "check: --syntax-only and --runnable exclude each other");
		goto out;
	}
	if (nfiles == 0) {
		usage_error("%s", "check: no FILE given");
		goto out;
	}
	kqlite_db *db;
	if (kqlite_open(&db) != KQLITE_OK) {
		fprintf(stderr, "kqlite: out of memory\n");
		goto out;
	}
	kqlite_load_options lo = KQLITE_LOAD_OPTIONS_INIT;
	lo.warn = print_warning;
	for (int i = 0; i < ndata; i++) {
		if (kqlite_load(db, data[i], &lo) != KQLITE_OK) {
			fprintf(stderr, "kqlite: %s\n", kqlite_errmsg(db));
			kqlite_close(db);
			goto out;
		}
	}
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
	rc = unreadable ? EXIT_USAGE : failed ? EXIT_FAIL : 0;
out:
	free(files);
	free((void *)data);
	return rc;
}

/* ---- kqlite load --summary --------------------------------------------- */

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
		if (!options_done &&
		    (!strcmp(argv[i], "--summary") || !strcmp(argv[i], "--strict")))
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
		size_t rows = kqlite_table_row_count(db, t),
		       ncols = kqlite_table_column_count(db, t);
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
				printf("  %-32s %-9s %zu value%s did not convert (null)\n", name,
				       kqlite_type_name(type), f, f == 1 ? "" : "s");
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

/* ---- Option values ------------------------------------------------------ */

static bool read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

#define TICKS_PER_SECOND INT64_C(10000000)
#define TICKS_PER_DAY (86400 * TICKS_PER_SECOND)
#define DAYS_TO_1970 INT64_C(719162)           /* 0001-01-01 to 1970-01-01 */
#define MAX_TICKS INT64_C(3155378975999999999) /* 9999-12-31T23:59:59.9999999 */

/* ISO 8601 as --now takes it: YYYY-MM-DD, then optionally T (or a space)
 * and hh:mm[:ss[.fffffff]], then optionally Z or +hh:mm / -hh:mm / +hhmm /
 * +hh. Without a zone it is UTC. Fills *ticks (100 ns since 0001-01-01). */
static bool parse_datetime(const char *s, int64_t *ticks)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0;
	if (!read_digits(&s, 4, &y) || *s++ != '-' || !read_digits(&s, 2, &mo) || *s++ != '-' ||
	    !read_digits(&s, 2, &d))
		return false;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap))
		return false;
	if (*s == 'T' || *s == 't' || (*s == ' ' && s[1] != '\0')) {
		s++;
		if (!read_digits(&s, 2, &h) || *s++ != ':' || !read_digits(&s, 2, &mi))
			return false;
		if (*s == ':') {
			s++;
			if (!read_digits(&s, 2, &sec))
				return false;
			if (*s == '.' || *s == ',') {
				s++;
				int ndig = 0;
				while (*s >= '0' && *s <= '9') {
					if (ndig < 7)
						frac = frac * 10 + (*s - '0');
					ndig++;
					s++;
				}
				if (ndig == 0)
					return false;
				for (int i = ndig; i < 7; i++)
					frac *= 10;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return false;
	}
	int64_t offset = 0; /* minutes east of UTC */
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, oh, om = 0;
		if (!read_digits(&s, 2, &oh))
			return false;
		bool colon = *s == ':';
		s += colon;
		if ((colon || *s) && !read_digits(&s, 2, &om))
			return false;
		if (oh > 23 || om > 59)
			return false;
		offset = sign * (oh * 60 + om);
	}
	if (*s != '\0')
		return false;
	int64_t t = (days_from_civil(y, mo, d) + DAYS_TO_1970) * TICKS_PER_DAY +
	            ((int64_t)h * 3600 + mi * 60 + sec) * TICKS_PER_SECOND + frac -
	            offset * 60 * TICKS_PER_SECOND;
	if (t < 0 || t > MAX_TICKS)
		return false;
	*ticks = t;
	return true;
}

/* A size: digits, then optionally K, M, G or T (powers of 1024), and an
 * optional B after them ("512M", "2GB", "100k", "4096"). Must be > 0. */
static bool parse_size(const char *s, size_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	static const char units[] = "KMGT";
	const char *unit = *s ? strchr(units, *s & ~0x20) : NULL; /* ASCII upper case */
	int shift = unit ? 10 * (int)(unit - units + 1) : 0;
	if (shift) {
		s++;
		if (*s == 'i' && (s[1] == 'B' || s[1] == 'b'))
			s++;
		if (*s == 'B' || *s == 'b')
			s++;
	} else if (*s == 'B' || *s == 'b') {
		s++;
	}
	if (*s != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		return false;
	*out = (size_t)(v << shift);
	return true;
}

static bool parse_count(const char *s, size_t *out)
{
	size_t v;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	if (!parse_size(s, &v))
		return false;
	*out = v;
	return true;
}

static const char *const formats[] = {"table", "csv", "json", "ndjson", "api-json", "markdown"};

static bool known_format(const char *f)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(f, formats[i]))
			return true;
	return false;
}

/* ---- Splitting stdin into queries ------------------------------------- */

static bool is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$';
}

static bool token_is(const char *tok, size_t len, const char *word)
{
	return tok && strlen(word) == len && !memcmp(tok, word, len);
}

/* Words that are binary operators: a query ending in one goes on. */
static bool is_operator_word(const char *tok, size_t len, const char *prev, size_t prevlen)
{
	static const char *const words[] = {
	    "and",          "or",          "has",           "has_cs",     "hasprefix",
	    "hasprefix_cs", "hassuffix",   "hassuffix_cs",  "contains",   "notcontains",
	    "contains_cs",  "containscs",  "notcontainscs", "startswith", "startswith_cs",
	    "endswith",     "endswith_cs", "like",          "notlike",    "in",
	    "has_any",      "has_all",     "between",       "notbetween", "matches"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (token_is(tok, len, words[i]))
			return true;
	return token_is(tok, len, "regex") && token_is(prev, prevlen, "matches");
}

/* Whether KQL text is a complete query for the blank-line rule: brackets
 * balanced, strings closed ("...", '...' with backslash escapes, which end
 * at a line break anyway; @"..." and @'...' verbatim; ```...```), not
 * ending in `|`, `,` or a binary operator. // comments are skipped.
 * *content tells whether the text holds more than spaces and comments.
 * A stray closing bracket makes the text complete: it can only fail. */
static bool text_complete(const char *s, size_t n, bool *content)
{
	long depth = 0;
	const char *last = NULL, *prev = NULL;
	size_t lastlen = 0, prevlen = 0;
	size_t i = 0;
	*content = false;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
			i++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		*content = true;
		size_t start = i;
		if (c == '`' && i + 2 < n && s[i + 1] == '`' && s[i + 2] == '`') {
			i += 3;
			while (i + 2 < n && !(s[i] == '`' && s[i + 1] == '`' && s[i + 2] == '`'))
				i++;
			if (i + 2 >= n)
				return false; /* ``` not closed */
			i += 3;
		} else if (c == '"' || c == '\'' ||
		           (c == '@' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\''))) {
			bool verbatim = c == '@';
			i += verbatim;
			char q = s[i++];
			for (;;) {
				if (i >= n) {
					if (verbatim)
						return false; /* a verbatim string may go on */
					break;
				}
				if (s[i] == q) {
					if (verbatim && i + 1 < n && s[i + 1] == q) {
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (!verbatim && s[i] == '\n')
					break; /* unterminated: the parser reports it */
				if (!verbatim && s[i] == '\\' && i + 1 < n && s[i + 1] != '\n')
					i++;
				i++;
			}
		} else if (is_word_char(c)) {
			while (i < n && is_word_char((unsigned char)s[i]))
				i++;
		} else {
			i++;
			if (c == '(' || c == '[' || c == '{')
				depth++;
			else if ((c == ')' || c == ']' || c == '}') && --depth < 0)
				return true;
		}
		prev = last;
		prevlen = lastlen;
		last = s + start;
		lastlen = i - start;
	}
	if (depth > 0)
		return false;
	if (!last)
		return true;
	/* `*` is left out: `union Security*` and `project-away Col*` end there. */
	if (lastlen == 1 && strchr("|,=+-/%<>~.:!", *last))
		return false;
	return !is_operator_word(last, lastlen, prev, prevlen);
}

/* ---- Running queries ---------------------------------------------------- */

struct run_ctx {
	kqlite_db *db;
	kqlite_run_options ro;
	const char *format;
	const char *chart;  /* --chart FILE.svg, or NULL */
	bool timer;
	unsigned results; /* results written so far */
	int write_errno;  /* nonzero: writing stdout failed */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Prepares, runs and prints one query; false (with the diagnostic on
 * stderr) when it failed. line_base: the line of the input text starts on. */
/* --chart: the SVG of a result that ends in render (the last one wins). */
static bool write_chart(const char *path, kqlite_result *res)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "kqlite: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	char err[256];
	int rc = chart_svg(res, f, err, sizeof err);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		fprintf(stderr, "kqlite: %s: %s\n", path, err);
	return rc == 0;
}

static bool run_query(struct run_ctx *cx, const char *source, const char *text, size_t len,
                      unsigned line_base)
{
	double t0 = now_ms();
	kqlite_stmt *st;
	if (kqlite_prepare(cx->db, text, len, &st) != KQLITE_OK) {
		print_db_error(source, text, len, cx->db, line_base);
		return false;
	}
	kqlite_span sp;
	const char *unsupported = kqlite_stmt_unsupported(st, &sp);
	if (unsupported) {
		fflush(stdout);
		print_diagnostic(stderr, source, text, len, &sp, unsupported, line_base);
		kqlite_finalize(st);
		return false;
	}
	double t1 = now_ms();
	kqlite_result *res;
	if (kqlite_run(st, &cx->ro, &res) != KQLITE_OK) {
		bool has = kqlite_stmt_errspan(st, &sp) == KQLITE_OK;
		fflush(stdout);
		print_diagnostic(stderr, source, text, len, has ? &sp : NULL,
		                 kqlite_stmt_errmsg(st), line_base);
		kqlite_finalize(st);
		return false;
	}
	double t2 = now_ms();
	char *out;
	size_t olen;
	int rc = kqlite_result_write(res, cx->format, &out, &olen);
	bool ok = rc == KQLITE_OK;
	if (ok) {
		/* Tables for people read better apart; data formats stay as written. */
		if (cx->results++ &&
		    (!strcmp(cx->format, "table") || !strcmp(cx->format, "markdown")))
			putchar('\n');
		if (fwrite(out, 1, olen, stdout) != olen || fflush(stdout) != 0)
			cx->write_errno = errno ? errno : EIO;
		kqlite_free(out);
	} else {
		fflush(stdout);
		fprintf(stderr, "%s: error: %s\n", source,
		        rc == KQLITE_NOMEM ? "out of memory writing the result"
		                           : "cannot write the result");
	}
	if (ok && cx->chart && kqlite_result_render_kind(res))
		ok = write_chart(cx->chart, res);
	double t3 = now_ms();
	kqlite_result_free(res);
	kqlite_finalize(st);
	if (cx->timer)
		fprintf(stderr, "Time: parse/bind %.3f ms, run %.3f ms, print %.3f ms\n", t1 - t0,
		        t2 - t1, t3 - t2);
	return ok;
}

/* The length of text without its trailing spaces and line breaks (so that
 * "unexpected end of query" points at the end of the last line). */
static size_t trimmed(const char *text, size_t len)
{
	while (len > 0 && strchr(" \t\r\n\f\v", text[len - 1]) && text[len - 1] != '\0')
		len--;
	return len;
}

/* Queries from stdin, one after another: a blank line ends a query once
 * its text is complete. Returns the number that failed, or -1 when stdin
 * could not be read. */
static long run_stdin(struct run_ctx *cx)
{
	char *line = NULL, *q = NULL;
	size_t linecap = 0, qlen = 0, qcap = 0;
	unsigned lineno = 0, start = 1;
	long failed = 0;
	ssize_t n;
	bool content;
	while ((n = getline(&line, &linecap, stdin)) >= 0) {
		lineno++;
		bool blank = true;
		for (ssize_t i = 0; i < n && blank; i++)
			blank = strchr(" \t\r\n\f\v", line[i]) && line[i] != '\0';
		if (qlen == 0 && blank)
			continue;
		if (qlen == 0)
			start = lineno;
		if (blank && text_complete(q, qlen, &content)) {
			if (content && !run_query(cx, "<stdin>", q, trimmed(q, qlen), start))
				failed++;
			qlen = 0;
			continue;
		}
		if (qlen + (size_t)n + 1 > qcap) {
			size_t cap = (qlen + (size_t)n + 1) * 2;
			char *bigger = realloc(q, cap);
			if (!bigger) {
				fprintf(stderr, "kqlite: out of memory reading stdin\n");
				free(q);
				free(line);
				return -1;
			}
			q = bigger;
			qcap = cap;
		}
		memcpy(q + qlen, line, (size_t)n);
		qlen += (size_t)n;
	}
	bool read_error = ferror(stdin);
	if (!read_error && qlen) {
		text_complete(q, qlen, &content);
		if (content && !run_query(cx, "<stdin>", q, trimmed(q, qlen), start))
			failed++;
	}
	free(q);
	free(line);
	if (read_error) {
		fprintf(stderr, "kqlite: cannot read stdin: %s\n", strerror(errno));
		return -1;
	}
	return failed;
}

/* An option's value: "--opt=VALUE", "--opt VALUE", "-qVALUE" or "-q VALUE".
 * NULL (after the usage message) when it is missing. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t nlen = strlen(name);
	if (!strncmp(a, name, nlen) && a[nlen] == '=')
		return a + nlen + 1;
	if (a[1] != '-' && a[2] != '\0')
		return a + 2;
	if (*i + 1 >= argc) {
		usage_error("%s needs a value", a);
		return NULL;
	}
	return argv[++*i];
}

/* Whether argument a is option `name` (or short form `shrt`), alone or as
 * "--name=VALUE" when it takes a value. */
static bool is_option(const char *a, const char *name, const char *shrt, bool takes_value)
{
	size_t nlen = strlen(name);
	if (!strncmp(a, name, nlen) && (a[nlen] == '\0' || (takes_value && a[nlen] == '=')))
		return true;
	return shrt && !strncmp(a, shrt, 2) && (a[2] == '\0' || takes_value);
}

/* kqlite [OPTIONS] [DATA...] */
static int cmd_run(int argc, char **argv)
{
	const char *query = NULL, *file = NULL, *format = NULL, *chart = NULL;
	bool strict = false, timer = false, options_done = false;
	kqlite_run_options ro = KQLITE_RUN_OPTIONS_INIT;
	int ndata = 0;
	const char **data = calloc((size_t)argc + 1, sizeof(*data));
	if (!data) {
		fprintf(stderr, "kqlite: out of memory\n");
		return EXIT_USAGE;
	}
	int rc = EXIT_USAGE;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v;
		if (options_done || a[0] != '-' || a[1] == '\0') {
			data[ndata++] = a;
		} else if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			fputs(repl_usage_text, stdout);
			fputs(repl_help_text, stdout);
			fputs(exit_text, stdout);
			rc = 0;
			goto out;
		} else if (!strcmp(a, "--version")) {
			printf("kqlite %s\n", kqlite_version());
			rc = 0;
			goto out;
		} else if (is_option(a, "--query", "-q", true)) {
			if (!(v = option_value(argc, argv, &i, "--query")))
				goto out;
			if (query || file) {
				usage_error("%s", "give one query: -q or -f, once");
				goto out;
			}
			query = v;
		} else if (is_option(a, "--file", "-f", true)) {
			if (!(v = option_value(argc, argv, &i, "--file")))
				goto out;
			if (query || file) {
				usage_error("%s", "give one query: -q or -f, once");
				goto out;
			}
			file = v;
		} else if (is_option(a, "--now", NULL, true)) {
			if (!(v = option_value(argc, argv, &i, "--now")))
				goto out;
			if (!parse_datetime(v, &ro.now)) {
				usage_error("--now: '%s' is not an ISO 8601 datetime (e.g. "
				            "2021-11-15T10:00:00Z)",
				            v);
				goto out;
			}
			ro.pin_now = 1;
		} else if (is_option(a, "--format", NULL, true)) {
			if (!(v = option_value(argc, argv, &i, "--format")))
				goto out;
			if (!known_format(v)) {
				usage_error("--format: unknown format '%s' (table, csv, json, "
				            "ndjson, api-json, markdown)",
				            v);
				goto out;
			}
			format = v;
		} else if (is_option(a, "--chart", NULL, true)) {
			if (!(chart = option_value(argc, argv, &i, "--chart")))
				goto out;
		} else if (is_option(a, "--max-memory", NULL, true)) {
			if (!(v = option_value(argc, argv, &i, "--max-memory")))
				goto out;
			if (!parse_size(v, &ro.max_memory)) {
				usage_error(
				    "--max-memory: '%s' is not a size (e.g. 4096, 100K, 512M, 2G)",
				    v);
				goto out;
			}
		} else if (is_option(a, "--batch-rows", NULL, true)) {
			if (!(v = option_value(argc, argv, &i, "--batch-rows")))
				goto out;
			if (!parse_count(v, &ro.batch_rows)) {
				usage_error("--batch-rows: '%s' is not a positive number", v);
				goto out;
			}
		} else if (!strcmp(a, "--timer")) {
			timer = true;
		} else if (!strcmp(a, "--strict")) {
			strict = true;
		} else {
			usage_error("unknown option '%s'", a);
			goto out;
		}
	}
	struct run_ctx cx = {0};
	cx.chart = chart;
	cx.ro = ro;
	cx.timer = timer;
	cx.format = format ? format : isatty(STDOUT_FILENO) ? "table" : "csv";
	if (kqlite_open(&cx.db) != KQLITE_OK) {
		fprintf(stderr, "kqlite: out of memory\n");
		goto out;
	}
	kqlite_load_options lo = KQLITE_LOAD_OPTIONS_INIT;
	lo.strict = strict;
	lo.warn = print_warning;
	double t0 = now_ms();
	/* The REPL shows each load on the terminal ("loading X… done"). */
	bool repl = !query && !file && isatty(STDIN_FILENO);
	bool show_load = repl && isatty(STDERR_FILENO);
	for (int i = 0; i < ndata; i++) {
		if ((show_load ? repl_load(cx.db, data[i], strict)
		               : kqlite_load(cx.db, data[i], &lo)) != KQLITE_OK) {
			fprintf(stderr, "kqlite: %s\n", kqlite_errmsg(cx.db));
			goto close;
		}
	}
	if (timer && ndata)
		fprintf(stderr, "Time: load %.3f ms\n", now_ms() - t0);
	if (repl) {
		struct repl_config rcfg = {cx.ro, format, timer, strict};
		rc = repl_main(cx.db, &rcfg);
	} else if (query) {
		rc = run_query(&cx, "<query>", query, strlen(query), 1) ? 0 : EXIT_FAIL;
	} else if (file) {
		size_t len;
		char *text = read_file(file, &len);
		if (!text) {
			fprintf(stderr, "%s: error: cannot read: %s\n",
			        strcmp(file, "-") ? file : "<stdin>", strerror(errno));
			goto close;
		}
		rc = run_query(&cx, strcmp(file, "-") ? file : "<stdin>", text, len, 1) ? 0
		                                                                        : EXIT_FAIL;
		free(text);
	} else {
		long failed = run_stdin(&cx);
		rc = failed < 0 ? EXIT_USAGE : failed ? EXIT_FAIL : 0;
	}
	if (cx.write_errno) {
		fprintf(stderr, "kqlite: cannot write to stdout: %s\n", strerror(cx.write_errno));
		if (rc == 0)
			rc = EXIT_FAIL;
	}
close:
	kqlite_close(cx.db);
out:
	free((void *)data);
	return rc;
}

/* ---- Shared with the REPL (repl.h) ----------------------------------- */

bool cli_text_complete(const char *s, size_t n, bool *content)
{
	return text_complete(s, n, content);
}

void cli_print_diagnostic(FILE *out, const char *source, const char *text, size_t len,
                          const kqlite_span *sp, const char *message, unsigned line_base)
{
	print_diagnostic(out, source, text, len, sp, message, line_base);
}

bool cli_parse_datetime(const char *s, int64_t *ticks)
{
	return parse_datetime(s, ticks);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "test"))
		return kqltest_main(argc - 1, argv + 1);
	return cmd_run(argc - 1, argv + 1);
}
