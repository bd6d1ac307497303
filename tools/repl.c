/* repl.c -- the interactive kqlite session (repl.h).
 *
 * Input follows docs/CLI.md's "REPL input": lines accumulate until a blank
 * line after a complete query (cli_text_complete, the rule stdin uses);
 * a line starting with '.' at an empty prompt is a dot-command. Line
 * editing, history (~/.kqlite_history) and tab completion come from
 * libedit through its readline-compatible API.
 *
 * Signals: SIGINT is ours (libedit's signal handling is off). Its handler
 * sets the flag the engine polls between batches (kqlite_run_options
 * .interrupt), so Ctrl-C stops a running query; at the prompt our getc
 * function sees read() fail with EINTR and returns EOF, readline returns
 * NULL, and the flag tells that apart from Ctrl-D: the input is cleared. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <editline/readline.h>

#include "chart.h"
#include "repl.h"
#include "tableview.h"

#define PROMPT "kql> "
#define PROMPT_MORE "...> "
#define HISTORY_FILE ".kqlite_history"
#define HISTORY_MAX 2000
#define DEFAULT_MAX_ROWS 40
#define READ_DEPTH_MAX 8

const char repl_help_text[] =
	"Queries: type KQL over one or more lines; a blank line after a complete\n"
	"query runs it. A line starting with '.' at an empty prompt is a command:\n"
	"  .help                         this list\n"
	"  .tables                       tables with their rows and columns\n"
	"  .schema [TABLE]               columns and types (.schema SecurityAlert)\n"
	"  .load PATH [as NAME]          load a file or directory\n"
	"                                (.load alerts.json as Alerts)\n"
	"  .mode FMT                     table, csv, json, ndjson, api-json,\n"
	"                                markdown (.mode csv)\n"
	"  .output FILE|stdout           write results to FILE (.output out.csv)\n"
	"  .now DATETIME|real            pin now() (.now 2025-11-15T12:00:00Z),\n"
	"                                or use the clock again (.now real)\n"
	"  .timer on|off                 print parse/bind, run and print times\n"
	"  .maxrows N                    rows a table shows (default 40; 0: all)\n"
	"  .chart FILE.svg               the last result that ended in render, as\n"
	"                                SVG (.chart ingestion.svg)\n"
	"  .read FILE                    run the queries and commands of FILE\n"
	"                                (.read examples/phish_clicks.kql)\n"
	"  .quit                         leave (also .exit, or Ctrl-D)\n"
	"Keys: Tab completes table, column, operator and function names; Up and\n"
	"Down recall history (~/.kqlite_history); Ctrl-C stops a running query or\n"
	"clears the input; Ctrl-D on an empty prompt leaves.\n";

/* ---- Signals ------------------------------------------------------------ */

static volatile int interrupt_flag;        /* polled by the engine */
static volatile sig_atomic_t sigint_seen;   /* Ctrl-C since the last prompt */
static volatile sig_atomic_t winch_seen;    /* the window changed size */

static void on_sigint(int sig)
{
	(void)sig;
	interrupt_flag = 1;
	sigint_seen = 1;
}

static void on_sigwinch(int sig)
{
	(void)sig;
	winch_seen = 1;
}

/* readline's input, a character at a time: a whole UTF-8 sequence becomes
 * its code point (libedit stores what we return as a wchar_t). Ctrl-C
 * (EINTR with our flag set) reads as EOF, so readline returns. */
static int repl_getc(FILE *f)
{
	unsigned char c[4];
	size_t need = 1, got = 0;
	while (got < need) {
		ssize_t n = read(fileno(f), c + got, 1);
		if (n == 1) {
			if (got == 0)
				need = c[0] < 0xC0 ? 1 : c[0] < 0xE0 ? 2 : c[0] < 0xF0 ? 3 : 4;
			else if ((c[got] & 0xC0) != 0x80)
				return 0xFFFD; /* invalid: the byte is dropped */
			got++;
			continue;
		}
		if (n < 0 && errno == EINTR && !sigint_seen)
			continue;
		return EOF;
	}
	if (need == 1)
		return c[0] < 0x80 ? c[0] : 0xFFFD;
	int cp = need == 2 ? (c[0] & 0x1F) : need == 3 ? (c[0] & 0x0F) : (c[0] & 0x07);
	for (size_t i = 1; i < need; i++)
		cp = cp << 6 | (c[i] & 0x3F);
	return cp;
}

/* ---- State ---------------------------------------------------------------- */

/* Text accumulating into one query, from one source (the terminal or a
 * .read file). */
struct pending {
	const char *source;
	char *text;
	size_t len, cap;
	unsigned start_line; /* the source line the text starts on */
};

struct repl {
	kqlite_db *db;
	kqlite_run_options ro;
	bool strict;
	char mode[16];
	FILE *out;       /* results: stdout or .output FILE */
	char *out_path;  /* NULL: stdout */
	bool timer;
	size_t max_rows;
	kqlite_result *last_chart; /* the last result that ended in render */
	int read_depth;
	bool quit;
	bool stop_read; /* a query in a .read file was interrupted */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool use_color(FILE *f)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
	return isatty(fileno(f)) && !(no && *no) && !(term && !strcmp(term, "dumb"));
}

/* The window of f (or of stdin, or 80x24). */
static void window_size(FILE *f, int *cols, int *rows)
{
	struct winsize ws;
	if ((ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) ||
	    (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)) {
		*cols = ws.ws_col;
		*rows = ws.ws_row > 0 ? ws.ws_row : 24;
		return;
	}
	*cols = 80;
	*rows = 24;
}

static void error_msg(const char *fmt, const char *arg)
{
	fflush(stdout);
	fputs("error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

static bool pending_add(struct pending *p, const char *s, size_t n)
{
	if (p->len + n + 2 > p->cap) {
		size_t cap = (p->len + n + 2) * 2;
		char *bigger = realloc(p->text, cap);
		if (!bigger)
			return false;
		p->text = bigger;
		p->cap = cap;
	}
	memcpy(p->text + p->len, s, n);
	p->len += n;
	p->text[p->len] = '\0';
	return true;
}

/* ---- Running a query ------------------------------------------------------ */

static void print_result(struct repl *r, kqlite_result *res)
{
	FILE *out = r->out;
	bool tty = isatty(fileno(out));
	if (!strcmp(r->mode, "table") && tty) {
		int cols, rows;
		window_size(out, &cols, &rows);
		struct tableview_options o = {cols, r->max_rows, use_color(out)};
		if (tableview_print(res, out, &o) != 0)
			error_msg("%s", "out of memory showing the result");
		size_t n = kqlite_result_row_count(res);
		fprintf(out, "%s(%zu row%s)%s\n", o.color ? "\033[2m" : "", n, n == 1 ? "" : "s",
		        o.color ? "\033[0m" : "");
	} else {
		char *text;
		size_t len;
		int rc = kqlite_result_write(res, r->mode, &text, &len);
		if (rc != KQLITE_OK) {
			error_msg("%s", rc == KQLITE_NOMEM ? "out of memory writing the result"
			                                   : "cannot write the result");
			return;
		}
		if (fwrite(text, 1, len, out) != len)
			error_msg("cannot write the result: %s", strerror(errno));
		kqlite_free(text);
	}
	if (kqlite_result_render_kind(res) && tty) {
		int cols, rows;
		window_size(out, &cols, &rows);
		rows = rows * 2 / 3;
		rows = rows < 8 ? 8 : rows > 40 ? 40 : rows;
		char err[256] = "";
		if (chart_text(res, cols, rows, use_color(out), out, err, sizeof err) != 0) {
			fflush(out);
			fprintf(stderr, "note: no chart: %s\n", err);
		}
	}
	fflush(out);
}

/* Prepares, runs and shows one query; false when it failed (the
 * diagnostic is on stderr). */
static bool run_query(struct repl *r, const char *source, const char *text, size_t len,
                      unsigned line_base)
{
	double t0 = now_ms();
	kqlite_stmt *st;
	if (kqlite_prepare(r->db, text, len, &st) != KQLITE_OK) {
		kqlite_span sp;
		bool has = kqlite_errspan(r->db, &sp) == KQLITE_OK;
		fflush(stdout);
		cli_print_diagnostic(stderr, source, text, len, has ? &sp : NULL, kqlite_errmsg(r->db),
		                     line_base);
		return false;
	}
	kqlite_span sp;
	const char *unsupported = kqlite_stmt_unsupported(st, &sp);
	if (unsupported) {
		fflush(stdout);
		cli_print_diagnostic(stderr, source, text, len, &sp, unsupported, line_base);
		kqlite_finalize(st);
		return false;
	}
	double t1 = now_ms();
	kqlite_result *res;
	interrupt_flag = 0;
	int rc = kqlite_run(st, &r->ro, &res);
	if (rc == KQLITE_INTERRUPT) {
		fflush(stdout);
		/* "\r": over the "^C" the terminal echoed, if it did. */
		fprintf(stderr, "%sinterrupted\n", isatty(STDERR_FILENO) ? "\r" : "");
		kqlite_finalize(st);
		r->stop_read = true;
		return false;
	}
	if (rc != KQLITE_OK) {
		bool has = kqlite_stmt_errspan(st, &sp) == KQLITE_OK;
		fflush(stdout);
		cli_print_diagnostic(stderr, source, text, len, has ? &sp : NULL,
		                     kqlite_stmt_errmsg(st), line_base);
		kqlite_finalize(st);
		return false;
	}
	double t2 = now_ms();
	print_result(r, res);
	double t3 = now_ms();
	if (r->timer)
		fprintf(stderr, "Time: parse/bind %.3f ms, run %.3f ms, print %.3f ms\n", t1 - t0,
		        t2 - t1, t3 - t2);
	if (kqlite_result_render_kind(res)) {
		kqlite_result_free(r->last_chart);
		r->last_chart = res;
	} else {
		kqlite_result_free(res);
	}
	kqlite_finalize(st);
	return true;
}

/* The length of text without trailing spaces and line breaks (so that
 * "unexpected end of query" points at the last line). */
static size_t trimmed(const char *text, size_t len)
{
	while (len > 0 && strchr(" \t\r\n\f\v", text[len - 1]) && text[len - 1] != '\0')
		len--;
	return len;
}

/* Runs what has accumulated (when it holds more than comments) and empties it. */
static void run_pending(struct repl *r, struct pending *p)
{
	bool content;
	cli_text_complete(p->text ? p->text : "", p->len, &content);
	if (content)
		run_query(r, p->source, p->text, trimmed(p->text, p->len), p->start_line);
	p->len = 0;
}

/* ---- Dot-commands ------------------------------------------------------- */

static void feed_line(struct repl *r, struct pending *p, const char *line, unsigned lineno);

static const char *const formats[] = {"table", "csv", "json", "ndjson", "api-json", "markdown"};

static size_t total_rows(const kqlite_db *db)
{
	size_t n = 0;
	for (size_t t = 0; t < kqlite_table_count(db); t++)
		n += kqlite_table_row_count(db, t);
	return n;
}

/* Collects a load's notes, printed after the "done" line. */
struct notes {
	char **msg;
	size_t n, cap;
	/* the progress bar (stderr a terminal, a file over BAR_MIN bytes) */
	const char *data;
	bool bar;
	int shown;      /* per mille drawn last, -1: none */
	double t0;
};

#define BAR_MIN (8u << 20)

/* loading X… [#########.........]  45%  180 MB/s, redrawn in place */
static void show_progress(void *payload, const char *file, unsigned long long done, unsigned long long total)
{
	struct notes *ns = payload;
	if (!ns->bar || total < BAR_MIN)
		return;
	int pm = (int)(done * 1000 / total);
	if (pm == ns->shown || (pm < 1000 && pm / 10 == ns->shown / 10))
		return;
	ns->shown = pm;
	char bar[31];
	int full = pm * 30 / 1000;
	for (int i = 0; i < 30; i++)
		bar[i] = i < full ? '#' : '.';
	bar[30] = '\0';
	double secs = (now_ms() - ns->t0) / 1e3;
	const char *base = strrchr(file, '/');
	fprintf(stderr, "\r\033[Kloading %s\xE2\x80\xA6 [%s] %3d%%  %.0f MB/s ", base ? base + 1 : file, bar, pm / 10,
	        secs > 0 ? (double)done / 1e6 / secs : 0.0);
	fflush(stderr);
}

static void collect_note(void *payload, const char *message)
{
	struct notes *ns = payload;
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 8;
		char **bigger = realloc(ns->msg, cap * sizeof(*bigger));
		if (!bigger)
			return;
		ns->msg = bigger;
		ns->cap = cap;
	}
	char *copy = strdup(message);
	if (copy)
		ns->msg[ns->n++] = copy;
}

int repl_load(kqlite_db *db, const char *data, bool strict)
{
	struct notes ns = {0};
	kqlite_load_options lo = KQLITE_LOAD_OPTIONS_INIT;
	lo.strict = strict;
	lo.warn = collect_note;
	lo.progress = show_progress;
	lo.payload = &ns;
	size_t before = total_rows(db);
	double t0 = now_ms();
	ns.data = data;
	ns.bar = isatty(STDERR_FILENO);
	ns.shown = -1;
	ns.t0 = t0;
	fprintf(stderr, "loading %s\xE2\x80\xA6 ", data);
	fflush(stderr);
	int rc = kqlite_load(db, data, &lo);
	if (ns.shown >= 0) /* the bar replaced the line: start it again */
		fprintf(stderr, "\r\033[Kloading %s\xE2\x80\xA6 ", data);
	if (rc == KQLITE_OK)
		fprintf(stderr, "done (%zu rows, %.2f s)\n", total_rows(db) - before,
		        (now_ms() - t0) / 1e3);
	else
		fprintf(stderr, "failed\n");
	for (size_t i = 0; i < ns.n; i++) {
		fprintf(stderr, "%s\n", ns.msg[i]);
		free(ns.msg[i]);
	}
	free(ns.msg);
	return rc;
}

static void cmd_tables(struct repl *r)
{
	size_t n = kqlite_table_count(r->db), w = 5;
	for (size_t t = 0; t < n; t++) {
		size_t len = strlen(kqlite_table_name(r->db, t));
		if (len > w)
			w = len;
	}
	bool color = use_color(r->out);
	fprintf(r->out, "%s%-*s  %10s  %7s%s\n", color ? "\033[1m" : "", (int)w, "Table", "Rows",
	        "Columns", color ? "\033[0m" : "");
	for (size_t t = 0; t < n; t++)
		fprintf(r->out, "%-*s  %10zu  %7zu\n", (int)w, kqlite_table_name(r->db, t),
		        kqlite_table_row_count(r->db, t), kqlite_table_column_count(r->db, t));
	fflush(r->out);
}

static void schema_of(struct repl *r, size_t t)
{
	size_t ncols = kqlite_table_column_count(r->db, t), w = 0;
	for (size_t c = 0; c < ncols; c++) {
		const char *name;
		kqlite_type type;
		if (kqlite_table_column(r->db, t, c, &name, &type) == KQLITE_OK && strlen(name) > w)
			w = strlen(name);
	}
	bool color = use_color(r->out);
	fprintf(r->out, "%s%s%s: %zu rows, %zu columns\n", color ? "\033[1m" : "",
	        kqlite_table_name(r->db, t), color ? "\033[0m" : "", kqlite_table_row_count(r->db, t),
	        ncols);
	for (size_t c = 0; c < ncols; c++) {
		const char *name;
		kqlite_type type;
		if (kqlite_table_column(r->db, t, c, &name, &type) != KQLITE_OK)
			continue;
		fprintf(r->out, "  %-*s  %s\n", (int)w, name, kqlite_type_name(type));
	}
}

static void cmd_schema(struct repl *r, const char *arg)
{
	size_t t;
	if (*arg) {
		if (kqlite_table_find(r->db, arg, &t) != KQLITE_OK) {
			error_msg("no table '%s' (.tables lists them)", arg);
			return;
		}
		schema_of(r, t);
	} else {
		bool any = false;
		for (t = 0; t < kqlite_table_count(r->db); t++) {
			if (kqlite_table_row_count(r->db, t) == 0)
				continue;
			schema_of(r, t);
			any = true;
		}
		if (!any)
			fprintf(r->out, "no table holds rows; .schema TABLE shows one of .tables\n");
	}
	fflush(r->out);
}

/* .load PATH [as NAME] */
static void cmd_load(struct repl *r, char *arg)
{
	if (!*arg) {
		error_msg("%s", ".load needs a PATH (.load alerts.json [as NAME])");
		return;
	}
	char *data = arg, *named = NULL;
	char *as = strstr(arg, " as ");
	if (as) {
		char *name = as + 4;
		while (*name == ' ')
			name++;
		*as = '\0';
		size_t n = strlen(data) + strlen(name) + 2;
		named = malloc(n);
		if (!named) {
			error_msg("%s", "out of memory");
			return;
		}
		snprintf(named, n, "%s=%s", name, data);
		data = named;
	}
	if (repl_load(r->db, data, r->strict) != KQLITE_OK)
		error_msg("%s", kqlite_errmsg(r->db));
	free(named);
}

static void cmd_output(struct repl *r, const char *arg)
{
	FILE *f = stdout;
	if (*arg && strcmp(arg, "stdout") != 0) {
		f = fopen(arg, "w");
		if (!f) {
			fflush(stdout);
			fprintf(stderr, "error: cannot write %s: %s\n", arg, strerror(errno));
			return;
		}
	}
	if (r->out != stdout)
		fclose(r->out);
	free(r->out_path);
	r->out = f;
	r->out_path = f == stdout ? NULL : strdup(arg);
}

static void cmd_now(struct repl *r, const char *arg)
{
	if (!*arg) {
		printf("now() is %s\n", r->ro.pin_now ? "pinned" : "the clock (real)");
		return;
	}
	if (!strcmp(arg, "real")) {
		r->ro.pin_now = 0;
		return;
	}
	int64_t ticks;
	if (!cli_parse_datetime(arg, &ticks)) {
		error_msg("'%s' is not an ISO 8601 datetime (e.g. 2021-11-15T10:00:00Z) or 'real'",
		          arg);
		return;
	}
	r->ro.now = ticks;
	r->ro.pin_now = 1;
}

static void cmd_chart(struct repl *r, const char *arg)
{
	if (!*arg) {
		error_msg("%s", ".chart needs a FILE.svg");
		return;
	}
	if (!r->last_chart) {
		error_msg("%s", "no result has ended in render yet");
		return;
	}
	FILE *f = fopen(arg, "w");
	if (!f) {
		fflush(stdout);
		fprintf(stderr, "error: cannot write %s: %s\n", arg, strerror(errno));
		return;
	}
	char err[256] = "";
	int rc = chart_svg(r->last_chart, f, err, sizeof err);
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		fflush(stdout);
		fprintf(stderr, "error: %s: %s\n", arg, err);
		remove(arg);
	} else {
		printf("wrote %s\n", arg);
	}
}

/* .read FILE: its lines go through the same rules as typed ones. */
static void cmd_read(struct repl *r, const char *arg)
{
	if (!*arg) {
		error_msg("%s", ".read needs a FILE");
		return;
	}
	if (r->read_depth >= READ_DEPTH_MAX) {
		error_msg(".read: files read each other deeper than %s levels", "8");
		return;
	}
	FILE *f = fopen(arg, "r");
	if (!f) {
		fflush(stdout);
		fprintf(stderr, "error: cannot read %s: %s\n", arg, strerror(errno));
		return;
	}
	r->read_depth++;
	r->stop_read = false;
	struct pending p = {arg, NULL, 0, 0, 1};
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	ssize_t n;
	while (!r->quit && !r->stop_read && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		feed_line(r, &p, line, lineno);
	}
	if (!r->quit && !r->stop_read && p.len)
		run_pending(r, &p);
	if (ferror(f)) {
		fflush(stdout);
		fprintf(stderr, "error: cannot read %s: %s\n", arg, strerror(errno));
	}
	free(line);
	free(p.text);
	fclose(f);
	r->read_depth--;
	if (r->read_depth == 0)
		r->stop_read = false;
}

static bool on_off(const char *arg, bool *out)
{
	if (!strcmp(arg, "on"))
		*out = true;
	else if (!strcmp(arg, "off"))
		*out = false;
	else
		return false;
	return true;
}

/* Runs one dot-command line (it starts with '.'). */
static void dot_command(struct repl *r, char *line)
{
	char *cmd = line + 1, *arg = cmd;
	while (*arg && *arg != ' ' && *arg != '\t')
		arg++;
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ' || *arg == '\t')
		arg++;
	size_t n = strlen(arg);
	while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
		arg[--n] = '\0';
	/* A quoted argument loses its quotes: .load "My Exports/alerts.json" */
	if (n >= 2 && (arg[0] == '"' || arg[0] == '\'') && arg[n - 1] == arg[0]) {
		arg[n - 1] = '\0';
		arg++;
	}
	if (!strcmp(cmd, "help")) {
		fputs(repl_help_text, stdout);
	} else if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit") || !strcmp(cmd, "q")) {
		r->quit = true;
	} else if (!strcmp(cmd, "tables")) {
		cmd_tables(r);
	} else if (!strcmp(cmd, "schema")) {
		cmd_schema(r, arg);
	} else if (!strcmp(cmd, "load")) {
		cmd_load(r, arg);
	} else if (!strcmp(cmd, "mode")) {
		if (!*arg) {
			printf("%s\n", r->mode);
			return;
		}
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			if (!strcmp(arg, formats[i])) {
				snprintf(r->mode, sizeof r->mode, "%s", arg);
				return;
			}
		}
		error_msg("unknown mode '%s' (table, csv, json, ndjson, api-json, markdown)", arg);
	} else if (!strcmp(cmd, "output")) {
		cmd_output(r, arg);
	} else if (!strcmp(cmd, "now")) {
		cmd_now(r, arg);
	} else if (!strcmp(cmd, "timer")) {
		if (!*arg)
			printf("timer %s\n", r->timer ? "on" : "off");
		else if (!on_off(arg, &r->timer))
			error_msg("%s", ".timer takes on or off");
	} else if (!strcmp(cmd, "maxrows")) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(arg, &end, 10);
		if (!*arg || *end || errno || arg[0] == '-')
			error_msg("%s", ".maxrows takes a number of rows (0: all)");
		else
			r->max_rows = (size_t)v;
	} else if (!strcmp(cmd, "chart")) {
		cmd_chart(r, arg);
	} else if (!strcmp(cmd, "read")) {
		cmd_read(r, arg);
	} else {
		error_msg("unknown command '.%s' (.help lists the commands)", cmd);
	}
}

/* ---- Input lines -------------------------------------------------------- */

static bool is_blank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n\f\v", *s))
			return false;
	return true;
}

/* One line of input (without its newline), by the REPL input rules. */
static void feed_line(struct repl *r, struct pending *p, const char *line, unsigned lineno)
{
	bool blank = is_blank(line), content;
	if (p->len == 0) {
		if (blank)
			return;
		const char *s = line + strspn(line, " \t");
		if (*s == '.') {
			char *copy = strdup(s);
			if (!copy) {
				error_msg("%s", "out of memory");
				return;
			}
			dot_command(r, copy);
			free(copy);
			return;
		}
		p->start_line = lineno;
	}
	if (blank && cli_text_complete(p->text ? p->text : "", p->len, &content)) {
		run_pending(r, p);
		return;
	}
	if (!pending_add(p, line, strlen(line)) || !pending_add(p, "\n", 1)) {
		error_msg("%s", "out of memory; the query is dropped");
		p->len = 0;
	}
}

/* ---- Tab completion ------------------------------------------------------ */

static const char *const operator_words[] = {
	"as", "consume", "count", "distinct", "evaluate", "extend", "facet", "find", "fork",
	"getschema", "invoke", "join", "limit", "lookup", "make-series", "mv-apply", "mv-expand",
	"order", "parse", "parse-kv", "parse-where", "partition", "print", "project",
	"project-away", "project-keep", "project-rename", "project-reorder", "range", "reduce",
	"render", "sample", "sample-distinct", "scan", "search", "serialize", "sort", "summarize",
	"take", "top", "top-hitters", "top-nested", "union", "where"};

static const char *const start_words[] = {"let", "print", "range", "datatable", "union",
                                          "search", "set", "declare", "find", "materialize"};

static const char *const keywords[] = {
	"and", "or", "not", "by", "on", "kind", "with", "asc", "desc", "nulls", "first", "last",
	"to", "step", "from", "in", "has", "has_any", "has_all", "has_cs", "contains",
	"contains_cs", "startswith", "endswith", "matches", "regex", "between", "true", "false",
	"inner", "innerunique", "leftouter", "rightouter", "fullouter", "leftanti", "rightanti",
	"leftsemi", "rightsemi", "timechart", "columnchart", "barchart", "piechart",
	"areachart", "linechart", "scatterchart", "table", "dynamic", "datetime", "timespan",
	"string", "long", "int", "real", "bool", "guid"};

static const char *const functions[] = {
	"ago", "now", "bin", "floor", "round", "abs", "log", "exp", "pow", "sqrt", "count",
	"countif", "dcount", "dcountif", "sum", "sumif", "avg", "avgif", "min", "max", "minif",
	"maxif", "arg_max", "arg_min", "take_any", "any", "make_list", "make_list_if",
	"make_set", "make_set_if", "make_bag", "percentile", "percentiles", "stdev", "variance",
	"tostring", "toint", "tolong", "todouble", "toreal", "tobool", "todatetime",
	"totimespan", "todynamic", "toguid", "todecimal", "parse_json", "strlen", "substring",
	"strcat", "strcat_delim", "strcat_array", "split", "replace_string", "replace_regex",
	"extract", "extract_all", "tolower", "toupper", "trim", "trim_start", "trim_end",
	"indexof", "countof", "isempty", "isnotempty", "isnull", "isnotnull", "iff", "iif", "case",
	"coalesce", "format_datetime", "format_timespan", "datetime_add", "datetime_diff",
	"datetime_part", "startofday", "startofweek", "startofmonth", "startofyear", "endofday",
	"dayofweek", "dayofmonth", "hourofday", "getyear", "getmonth", "bag_keys", "bag_pack",
	"pack", "pack_array", "array_length", "array_concat", "array_slice", "set_union",
	"set_intersect", "set_difference", "parse_url", "parse_path", "parse_csv",
	"base64_decode_tostring", "base64_encode_tostring", "hash_sha256", "ipv4_is_private",
	"ipv4_is_in_range", "geo_info_from_ip_address", "row_number", "prev", "next",
	"series_stats", "tohex", "url_decode", "url_encode", "gettype", "column_ifexists",
	"make_datetime", "make_timespan", "unixtime_seconds_todatetime", "strrep", "reverse"};

/* The candidates of one completion, and the next to offer. */
static struct {
	char **words;
	size_t n, cap, next;
} comp;

static void comp_add(const char *w, size_t len)
{
	for (size_t i = 0; i < comp.n; i++)
		if (strlen(comp.words[i]) == len && !memcmp(comp.words[i], w, len))
			return;
	if (comp.n == comp.cap) {
		size_t cap = comp.cap ? comp.cap * 2 : 64;
		char **bigger = realloc(comp.words, cap * sizeof(*bigger));
		if (!bigger)
			return;
		comp.words = bigger;
		comp.cap = cap;
	}
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, w, len);
	copy[len] = '\0';
	comp.words[comp.n++] = copy;
}

static void comp_add_list(const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		comp_add(list[i], strlen(list[i]));
}

static void comp_clear(void)
{
	for (size_t i = 0; i < comp.n; i++)
		free(comp.words[i]);
	comp.n = 0;
	comp.next = 0;
}

static bool ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

static void comp_add_tables(kqlite_db *db)
{
	for (size_t t = 0; t < kqlite_table_count(db); t++) {
		const char *name = kqlite_table_name(db, t);
		comp_add(name, strlen(name));
	}
}

/* Names the query so far brings in: the columns of each table it names,
 * and the names it defines (`Name =` in extend, summarize, let...). */
static void comp_add_names_in(kqlite_db *db, const char *s, size_t n)
{
	char name[256];
	for (size_t i = 0; i < n;) {
		if (!ident_char((unsigned char)s[i]) || (s[i] >= '0' && s[i] <= '9')) {
			/* Skip string literals, whose words are not names. */
			if (s[i] == '"' || s[i] == '\'') {
				char q = s[i++];
				while (i < n && s[i] != q && s[i] != '\n')
					i += s[i] == '\\' ? 2 : 1;
			}
			i++;
			continue;
		}
		size_t start = i;
		while (i < n && (ident_char((unsigned char)s[i]) || s[i] == '-'))
			i++;
		size_t len = i - start;
		while (len > 0 && s[start + len - 1] == '-')
			len--;
		if (len >= sizeof name)
			continue;
		memcpy(name, s + start, len);
		name[len] = '\0';
		size_t t;
		if (kqlite_table_find(db, name, &t) == KQLITE_OK) {
			for (size_t c = 0; c < kqlite_table_column_count(db, t); c++) {
				const char *cn;
				kqlite_type ct;
				if (kqlite_table_column(db, t, c, &cn, &ct) == KQLITE_OK)
					comp_add(cn, strlen(cn));
			}
			continue;
		}
		size_t j = i;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < n && s[j] == '=' && (j + 1 >= n || (s[j + 1] != '=' && s[j + 1] != '~')))
			comp_add(name, len);
	}
}

/* The text typed before the word being completed: the lines so far (set
 * by the loop) and the current line up to `start`. */
static struct pending *comp_pending;
static kqlite_db *comp_db;

static char *comp_generator(const char *text, int state)
{
	size_t len = strlen(text);
	if (state == 0)
		comp.next = 0;
	/* Exact case first; when nothing matches so, any case. */
	bool any_exact = false;
	for (size_t i = 0; i < comp.n && !any_exact; i++)
		any_exact = !strncmp(comp.words[i], text, len);
	while (comp.next < comp.n) {
		const char *w = comp.words[comp.next++];
		if (any_exact ? !strncmp(w, text, len) : !strncasecmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1; /* never file names */
	comp_clear();
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	size_t linelen = strnlen(line, (size_t)(start > 0 ? start : 0));
	/* The last significant character and word before the word. */
	const char *sources[2] = {line, comp_pending->text ? comp_pending->text : ""};
	size_t lens[2] = {linelen, comp_pending->len};
	char last = '\0';
	char prev_word[32] = "";
	for (int k = 0; k < 2 && !last; k++) {
		size_t i = lens[k];
		while (i > 0 && strchr(" \t\r\n", sources[k][i - 1]))
			i--;
		if (i == 0)
			continue;
		last = sources[k][i - 1];
		size_t e = i;
		while (i > 0 && (ident_char((unsigned char)sources[k][i - 1]) || sources[k][i - 1] == '-'))
			i--;
		if (e - i < sizeof prev_word) {
			memcpy(prev_word, sources[k] + i, e - i);
			prev_word[e - i] = '\0';
		}
	}
	if (!last) {
		/* The start of a query: a table or a statement. */
		comp_add_tables(comp_db);
		comp_add_list(start_words, sizeof(start_words) / sizeof(start_words[0]));
	} else if (last == '|') {
		comp_add_list(operator_words, sizeof(operator_words) / sizeof(operator_words[0]));
	} else if (!strcmp(prev_word, "join") || !strcmp(prev_word, "union") ||
	           !strcmp(prev_word, "lookup") || !strcmp(prev_word, "from")) {
		comp_add_tables(comp_db);
	} else {
		comp_add_names_in(comp_db, comp_pending->text ? comp_pending->text : "",
		                  comp_pending->len);
		comp_add_names_in(comp_db, line, strlen(line));
		comp_add_list(functions, sizeof(functions) / sizeof(functions[0]));
		comp_add_list(keywords, sizeof(keywords) / sizeof(keywords[0]));
		comp_add_tables(comp_db);
	}
	return rl_completion_matches(text, comp_generator);
}

/* ---- The loop ------------------------------------------------------------ */

static char *history_path(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	size_t n = strlen(home) + sizeof(HISTORY_FILE) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", home, HISTORY_FILE);
	return p;
}

static void setup_signals(struct sigaction *old_int, struct sigaction *old_winch)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sigint;
	sa.sa_flags = 0; /* no SA_RESTART: a read at the prompt must see EINTR */
	sigaction(SIGINT, &sa, old_int);
	sa.sa_handler = on_sigwinch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, old_winch);
}

int repl_main(kqlite_db *db, const struct repl_config *cfg)
{
	struct repl r;
	memset(&r, 0, sizeof r);
	r.db = db;
	r.ro = cfg->ro;
	r.ro.interrupt = &interrupt_flag;
	r.strict = cfg->strict;
	r.timer = cfg->timer;
	r.out = stdout;
	r.max_rows = DEFAULT_MAX_ROWS;
	snprintf(r.mode, sizeof r.mode, "%s", cfg->format ? cfg->format : "table");

	/* Prompts go where the user looks: stderr when stdout is redirected. */
	FILE *term = isatty(STDOUT_FILENO) ? stdout : stderr;
	/* libedit takes the terminal's character set from LC_CTYPE: without
	 * it, a typed 'ö' reads as Meta-v. (LC_NUMERIC stays "C".) */
	setlocale(LC_CTYPE, "");
	rl_readline_name = "kqlite";
	rl_catch_signals = 0;
	rl_instream = stdin;
	rl_outstream = term;
	rl_getc_function = repl_getc;
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,)}[]!~+*/%:.";
	rl_completer_word_break_characters = (char *)rl_basic_word_break_characters;
	rl_initialize();
	using_history();
	stifle_history(HISTORY_MAX);
	char *hist = history_path();
	if (hist)
		read_history(hist);

	struct sigaction old_int, old_winch;
	setup_signals(&old_int, &old_winch);

	struct pending p = {"<query>", NULL, 0, 0, 1};
	comp_pending = &p;
	comp_db = db;
	fprintf(term,
	        "kqlite %s: KQL offline. End a query with a blank line; .help lists commands; "
	        "Ctrl-D leaves.\n",
	        kqlite_version());
	unsigned lineno = 0;
	while (!r.quit) {
		if (winch_seen) {
			winch_seen = 0;
			rl_resize_terminal();
		}
		sigint_seen = 0;
		char *line = readline(p.len ? PROMPT_MORE : PROMPT);
		if (!line) {
			if (sigint_seen) {
				/* Ctrl-C at the prompt: drop the input, prompt again. */
				fputs("^C\n", term);
				p.len = 0;
				continue;
			}
			if (p.len == 0) {
				fputc('\n', term);
				break;
			}
			/* Ctrl-D under a query: run it now, as the end of stdin would. */
			fputc('\n', term);
			run_pending(&r, &p);
			continue;
		}
		if (!is_blank(line))
			add_history(line);
		if (p.len == 0)
			lineno = 0;
		feed_line(&r, &p, line, ++lineno);
		if (p.len == 0)
			lineno = 0;
		free(line);
	}

	if (hist) {
		write_history(hist);
		free(hist);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGWINCH, &old_winch, NULL);
	comp_clear();
	free(comp.words);
	comp.words = NULL;
	comp.cap = 0;
	free(p.text);
	if (r.out != stdout)
		fclose(r.out);
	free(r.out_path);
	kqlite_result_free(r.last_chart);
	return 0;
}
