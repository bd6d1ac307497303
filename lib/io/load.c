/* load.c -- DATA arguments into the catalog (CLI.md): NAME=PATH or PATH,
 * a file or a directory; the extension chooses the reader; the file's base
 * name names its table. A file loads whole or not at all: its tables are
 * built aside, merged with rows already loaded under the same name, and
 * swapped into the catalog only when every one of them succeeded. */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader.h"
#include "strbuf.h"

typedef struct pending {
	char *name;
	tbuilder *b;
} pending;

struct loader {
	const catalog *cat;
	const load_options *opt;
	const char *path;
	char defname[256];
	size_t deflen;
	pending *tables;
	size_t n, cap;
	diag *d;
	const char *map;      /* the mapped file, and how much of it was given back */
	size_t released;
	size_t size;          /* of the file */
};

void loader_consumed(loader *l, size_t upto)
{
	if (l->opt->progress)
		l->opt->progress(l->opt->payload, l->path, upto, l->size);
	if (!l->map)
		return;
	size_t page = 1u << 21; /* in 2 MB steps: few system calls */
	size_t end = upto / page * page;
	if (end <= l->released)
		return;
	madvise((void *)(l->map + l->released), end - l->released, MADV_DONTNEED);
	l->released = end;
}

enum family { F_NONE, F_JSON, F_LINES, F_CSV };

static enum family family_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	if (!dot)
		return F_NONE;
	if (!strcmp(dot, ".json"))
		return F_JSON;
	if (!strcmp(dot, ".jsonl") || !strcmp(dot, ".ndjson"))
		return F_LINES;
	if (!strcmp(dot, ".csv"))
		return F_CSV;
	return F_NONE;
}

static void warn(const load_options *o, const char *fmt, ...)
{
	if (!o || !o->warn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->warn(o->payload, msg);
}

void loader_warn(loader *l, const char *fmt, ...)
{
	char msg[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(l->opt, "%s: warning: %s", l->path, msg);
}

const char *loader_default_name(const loader *l, size_t *len)
{
	*len = l->deflen;
	return l->defname;
}

tbuilder *loader_table(loader *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->tables[i].name) == len && !memcmp(l->tables[i].name, name, len))
			return l->tables[i].b;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		pending *t = realloc(l->tables, cap * sizeof(*t));
		if (!t)
			goto nomem;
		l->tables = t;
		l->cap = cap;
	}
	char *copy = strndup(name, len);
	if (!copy)
		goto nomem;
	const table_def *schema = catalog_builtin_find(copy);
	tbuilder *b = tb_new(name, len, schema);
	if (!b) {
		free(copy);
		goto nomem;
	}
	l->tables[l->n++] = (pending){copy, b};
	return b;
nomem:
	diag_set_nospan(l->d, KQLITE_NOMEM, "out of memory while loading %s", l->path);
	return NULL;
}

static void drop_pending(loader *l)
{
	for (size_t i = 0; i < l->n; i++) {
		tb_free(l->tables[i].b);
		free(l->tables[i].name);
	}
	free(l->tables);
	l->tables = NULL;
	l->n = l->cap = 0;
}

static bool valid_identifier(const char *s, size_t len)
{
	if (len == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return false;
	return true;
}

/* The table name a file gives: its base name up to the first '.'. A known
 * table's name in other letter case keeps the file's spelling, with a
 * warning (names are case-sensitive). */
static void default_name(loader *l, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t len = strcspn(base, ".");
	if (len >= sizeof(l->defname))
		len = sizeof(l->defname) - 1;
	memcpy(l->defname, base, len);
	l->defname[len] = '\0';
	l->deflen = len;
	if (!catalog_builtin_find(l->defname))
		for (size_t i = 0; i < catalog_builtin_count; i++)
			if (!strcasecmp(catalog_builtin[i].name, l->defname))
				warn(l->opt, "%s: warning: table '%s' is not '%s' (names are case-sensitive); it loads as '%s'",
				     path, l->defname, catalog_builtin[i].name, l->defname);
}

/* An error at byte `off` of the file: FILE:LINE:COL, and the byte offset. */
static int file_error(diag *d, const char *path, const char *text, size_t len)
{
	if (!d->code || !d->has_span)
		return d->code;
	unsigned line, col;
	diag_linecol(text, len, d->off, &line, &col);
	char msg[DIAG_MSG_MAX];
	memcpy(msg, d->msg, sizeof(msg));
	int code = d->code;
	uint32_t off = d->off;
	diag_clear(d);
	diag_set_nospan(d, code == KQLITE_NOMEM ? KQLITE_NOMEM : KQLITE_ERROR, "%s:%u:%u: %s (byte %u)", path, line,
	                col, msg, off);
	return d->code;
}

static int read_file(loader *l, enum family f, const char *text, size_t len)
{
	switch (f) {
	case F_JSON:
		return json_read_document(l, text, len, l->d);
	case F_LINES:
		return json_read_lines(l, text, len, l->d);
	case F_CSV:
		return csv_read(l, text, len, l->d);
	default:
		return KQLITE_ERROR;
	}
}

/* Finishes every table of the file, reports conversions, and merges each
 * with rows already loaded under its name. All or nothing. */
static int commit(loader *l, catalog *cat)
{
	size_t n = l->n;
	table **ready = calloc(n ? n : 1, sizeof(*ready));
	if (!ready)
		return diag_set_nospan(l->d, KQLITE_NOMEM, "out of memory"), KQLITE_NOMEM;
	int rc = KQLITE_OK;
	for (size_t i = 0; i < n && rc == KQLITE_OK; i++) {
		tbuilder *b = l->tables[i].b;
		if (tb_finish(b)) {
			rc = KQLITE_NOMEM;
			diag_set_nospan(l->d, rc, "out of memory while loading %s", l->path);
			break;
		}
		for (size_t c = 0; c < tb_column_count(b); c++) {
			tb_column_report r;
			tb_report(b, (int)c, &r);
			if (r.failed && l->opt && l->opt->strict) {
				diag_set_nospan(l->d, KQLITE_ERROR,
				                "%s: table %s, column %s: %zu value%s did not convert to %s (first in row %zu)",
				                l->path, l->tables[i].name, r.name, r.failed, r.failed == 1 ? "" : "s",
				                kqlite_type_name(r.type), r.first_failed + 1);
				rc = KQLITE_ERROR;
				break;
			}
			if (r.failed)
				warn(l->opt, "%s: warning: table %s, column %s: %zu value%s did not convert to %s and became null (first in row %zu)",
				     l->path, l->tables[i].name, r.name, r.failed, r.failed == 1 ? "" : "s",
				     kqlite_type_name(r.type), r.first_failed + 1);
			if (r.renamed)
				warn(l->opt, "%s: warning: table %s: a key that cannot name a column loads as %s", l->path,
				     l->tables[i].name, r.name);
			if (r.filled)
				warn(l->opt, "%s: note: table %s: %s was absent and is filled in (%s)", l->path,
				     l->tables[i].name, r.name,
				     !strcmp(r.name, "Type") ? "the table's name" : "a copy of the other time column");
		}
		if (rc)
			break;
		table *t = tb_take(b);
		size_t at;
		const table_def *had = catalog_find(cat, t->name, &at);
		if (had && cat->data[at]) {
			const char *clash;
			table *merged = table_concat(cat->data[at], t, &clash);
			if (!merged) {
				if (clash)
					diag_set_nospan(l->d, KQLITE_ERROR,
					                "%s: table %s: column %s has a different type than in the rows loaded before",
					                l->path, t->name, clash);
				else
					diag_set_nospan(l->d, KQLITE_NOMEM, "out of memory while loading %s", l->path);
				rc = l->d->code;
				table_free(t);
				break;
			}
			warn(l->opt, "%s: note: table %s: rows appended to the %zu loaded before", l->path, t->name,
			     cat->data[at]->nrows);
			table_free(t);
			t = merged;
		}
		/* trimmed arrays; dictionaries for strings with few values */
		for (size_t c = 0; c < t->ncols && rc == KQLITE_OK; c++)
			if (col_finish(&t->cols[c]) != 0) {
				diag_set_nospan(l->d, KQLITE_NOMEM, "out of memory while loading %s", l->path);
				rc = KQLITE_NOMEM;
			}
		ready[i] = t;
		if (rc)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		if (rc == KQLITE_OK && catalog_put(cat, ready[i]) != KQLITE_OK) {
			/* only a failed allocation gets here; earlier tables are in */
			rc = KQLITE_NOMEM;
			diag_set_nospan(l->d, rc, "out of memory while loading %s", l->path);
		}
		if (rc != KQLITE_OK)
			table_free(ready[i]);
	}
	free(ready);
	return rc;
}

static int load_file(catalog *cat, const char *path, const char *name, size_t name_len, const load_options *o,
                     diag *d)
{
	enum family f = family_of(path);
	if (f == F_NONE) {
		diag_set_nospan(d, KQLITE_ERROR,
		                "%s: unrecognised file type: name the file .json, .jsonl, .ndjson or .csv", path);
		return KQLITE_ERROR;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_set_nospan(d, KQLITE_ERROR, "%s: cannot open: %s", path, strerror(errno));
		return KQLITE_ERROR;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		diag_set_nospan(d, KQLITE_ERROR, "%s: not a regular file", path);
		return KQLITE_ERROR;
	}
	size_t len = (size_t)st.st_size;
	const char *text = "";
	void *map = NULL;
	if (len > 0) {
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			close(fd);
			diag_set_nospan(d, KQLITE_ERROR, "%s: cannot map: %s", path, strerror(errno));
			return KQLITE_ERROR;
		}
		madvise(map, len, MADV_SEQUENTIAL);
		text = map;
	}
	close(fd);
	loader l = {.cat = cat, .opt = o, .path = path, .d = d, .map = map, .size = len};
	if (name) {
		memcpy(l.defname, name, name_len);
		l.defname[name_len] = '\0';
		l.deflen = name_len;
	} else {
		default_name(&l, path);
	}
	int rc = read_file(&l, f, text, len);
	if (rc == KQLITE_OK && o->progress)
		o->progress(o->payload, path, len, len);
	if (rc != KQLITE_OK)
		rc = file_error(d, path, text, len);
	else
		rc = commit(&l, cat);
	drop_pending(&l);
	if (map)
		munmap(map, len);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory: its files with known extensions, in name order, not
 * recursively. */
static int load_dir(catalog *cat, const char *path, const load_options *o, diag *d)
{
	DIR *dir = opendir(path);
	if (!dir) {
		diag_set_nospan(d, KQLITE_ERROR, "%s: cannot open: %s", path, strerror(errno));
		return KQLITE_ERROR;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = KQLITE_OK;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || family_of(e->d_name) == F_NONE)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **more = realloc(names, cap * sizeof(*names));
			if (!more) {
				rc = KQLITE_NOMEM;
				break;
			}
			names = more;
		}
		if (!(names[n] = malloc(strlen(path) + strlen(e->d_name) + 2))) {
			rc = KQLITE_NOMEM;
			break;
		}
		sprintf(names[n++], "%s/%s", path, e->d_name);
	}
	closedir(dir);
	if (rc != KQLITE_OK)
		diag_set_nospan(d, rc, "out of memory listing %s", path);
	else if (n == 0)
		warn(o, "%s: warning: no .json, .jsonl, .ndjson or .csv files", path);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n && rc == KQLITE_OK; i++)
		rc = load_file(cat, names[i], NULL, 0, o, d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int load_data(catalog *cat, const char *arg, const load_options *o, diag *d)
{
	const char *path = arg, *name = NULL;
	size_t name_len = 0;
	const char *eq = strchr(arg, '=');
	if (eq && valid_identifier(arg, (size_t)(eq - arg)) && (size_t)(eq - arg) < 256) {
		name = arg;
		name_len = (size_t)(eq - arg);
		path = eq + 1;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		diag_set_nospan(d, KQLITE_ERROR, "%s: cannot open: %s", path, strerror(errno));
		return KQLITE_ERROR;
	}
	if (S_ISDIR(st.st_mode)) {
		if (name) {
			diag_set_nospan(d, KQLITE_ERROR, "%s: NAME= takes a file, not a directory", arg);
			return KQLITE_ERROR;
		}
		return load_dir(cat, path, o, d);
	}
	return load_file(cat, path, name, name_len, o, d);
}
