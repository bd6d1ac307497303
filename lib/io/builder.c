/* builder.c -- rows from a reader into typed columns: converts each value
 * to its column's type (counting the ones that do not convert), stages
 * the values of columns whose type is still unknown and infers it at the
 * end, and fills the columns a known table must have. */
#include "builder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "dyn.h"
#include "strbuf.h"
#include "types.h"

typedef struct bcolumn {
	column col;          /* converted values (typed columns), or staged text */
	uint8_t *kinds;      /* staged columns: the vkind of each row */
	size_t kcap;
	kqlite_type type;    /* KQLITE_TYPE_UNKNOWN while staged */
	size_t last_row;     /* rows + 1 of the row it last got a value in */
	size_t failed, first_failed;
	char *orig;          /* renamed columns: the key as the file spelled it */
	size_t orig_len;
	bool from_schema, renamed, filled, seen;
} bcolumn;

struct tbuilder {
	char *name;
	size_t len;
	const table_def *schema;
	bcolumn *cols;
	size_t ncols, cap;
	int32_t *slots;      /* name hash -> column index + 1 */
	size_t nslots;
	size_t rows;
	bool in_row, finished;
	strbuf scratch;
	table *done;
};

/* A column of the table being built; strings build their dictionary as
 * rows arrive (column.h). */
static int new_col(column *c, const char *name, size_t len, kqlite_type type)
{
	if (col_init(c, name, len, type))
		return KQLITE_NOMEM;
	if (type == KQLITE_TYPE_STRING && col_dict_start(c)) {
		col_free(c);
		return KQLITE_NOMEM;
	}
	return 0;
}

static bool staged(const bcolumn *c)
{
	return c->type == KQLITE_TYPE_UNKNOWN;
}

/* Gives an empty column its final type. */
static int retype(bcolumn *c, kqlite_type type)
{
	column fresh;
	if (new_col(&fresh, c->col.name, strlen(c->col.name), type))
		return KQLITE_NOMEM;
	col_free(&c->col);
	free(c->kinds);
	c->kinds = NULL;
	c->kcap = 0;
	c->col = fresh;
	c->type = type;
	return 0;
}

tbuilder *tb_new(const char *name, size_t len, const table_def *schema)
{
	tbuilder *b = calloc(1, sizeof(*b));
	if (!b || !(b->name = malloc(len + 1))) {
		free(b);
		return NULL;
	}
	memcpy(b->name, name, len);
	b->name[len] = '\0';
	b->len = len;
	b->schema = schema;
	sb_init(&b->scratch);
	for (size_t i = 0; schema && i < schema->ncols; i++) {
		int c = tb_column(b, schema->cols[i].name, strlen(schema->cols[i].name));
		if (c < 0 || retype(&b->cols[c], schema->cols[i].type)) {
			tb_free(b);
			return NULL;
		}
		b->cols[c].from_schema = true;
	}
	return b;
}

void tb_free(tbuilder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->ncols; i++) {
		col_free(&b->cols[i].col);
		free(b->cols[i].kinds);
		free(b->cols[i].orig);
	}
	free(b->cols);
	free(b->slots);
	free(b->name);
	sb_free(&b->scratch);
	table_free(b->done);
	free(b);
}

/* ---- the name index ---------------------------------------------------- */

static size_t slot_of(const tbuilder *b, const char *name, size_t len)
{
	size_t mask = b->nslots - 1, i = (size_t)XXH3_64bits(name, len) & mask;
	for (;;) {
		int32_t s = b->slots[i];
		if (s == 0)
			return i;
		const char *cn = b->cols[s - 1].col.name;
		if (strlen(cn) == len && memcmp(cn, name, len) == 0)
			return i;
		i = (i + 1) & mask;
	}
}

static bool rehash(tbuilder *b)
{
	size_t n = b->nslots ? b->nslots * 2 : 64;
	int32_t *slots = calloc(n, sizeof(*slots));
	if (!slots)
		return false;
	free(b->slots);
	b->slots = slots;
	b->nslots = n;
	for (size_t c = 0; c < b->ncols; c++)
		b->slots[slot_of(b, b->cols[c].col.name, strlen(b->cols[c].col.name))] = (int32_t)c + 1;
	return true;
}

static bool bad_name(const char *name, size_t len)
{
	return len == 0 || memchr(name, '\0', len) != NULL;
}

int tb_column(tbuilder *b, const char *name, size_t len)
{
	char fixed[32];
	bool renamed = false;
	const char *orig = name;
	size_t orig_len = len;
	if (bad_name(name, len)) {
		/* a key that cannot name a column: the same key keeps its ColumnN */
		for (size_t i = 0; i < b->ncols; i++)
			if (b->cols[i].renamed && b->cols[i].orig_len == len && !memcmp(b->cols[i].orig, name, len))
				return (int)i;
		/* else the first free ColumnN */
		for (unsigned k = 1;; k++) {
			len = (size_t)snprintf(fixed, sizeof(fixed), "Column%u", k);
			if (!b->nslots || b->slots[slot_of(b, fixed, len)] == 0)
				break;
		}
		name = fixed;
		renamed = true;
	}
	if (b->nslots) {
		int32_t s = b->slots[slot_of(b, name, len)];
		if (s)
			return s - 1;
	}
	if (b->ncols == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		bcolumn *cols = realloc(b->cols, cap * sizeof(*cols));
		if (!cols)
			return -1;
		b->cols = cols;
		b->cap = cap;
	}
	if ((b->ncols + 1) * 2 > b->nslots && !rehash(b))
		return -1;
	bcolumn *c = &b->cols[b->ncols];
	memset(c, 0, sizeof(*c));
	c->type = KQLITE_TYPE_UNKNOWN;
	c->renamed = renamed;
	if (renamed) {
		c->orig = malloc(orig_len ? orig_len : 1);
		if (!c->orig)
			return -1;
		memcpy(c->orig, orig, orig_len);
		c->orig_len = orig_len;
	}
	if (new_col(&c->col, name, len, KQLITE_TYPE_STRING)) {
		free(c->orig);
		return -1;
	}
	/* rows before this column appeared are null */
	for (size_t r = 0; r < b->rows; r++) {
		if (col_push_null(&c->col))
			return col_free(&c->col), free(c->orig), -1;
	}
	if (b->rows) {
		c->kinds = calloc(b->rows, 1); /* V_NULL */
		if (!c->kinds)
			return col_free(&c->col), free(c->orig), -1;
		c->kcap = b->rows;
	}
	b->slots[slot_of(b, name, len)] = (int32_t)b->ncols + 1;
	return (int)b->ncols++;
}

kqlite_type tb_column_type(const tbuilder *b, int col)
{
	return b->cols[col].type;
}

/* A type from the file (api-json, Defender): only before any row. */
void tb_set_type(tbuilder *b, int col, kqlite_type type)
{
	bcolumn *c = &b->cols[col];
	if (c->from_schema || c->col.n != 0 || type == KQLITE_TYPE_UNKNOWN || type == KQLITE_TYPE_NULL)
		return;
	retype(c, type); /* out of memory keeps the inferred column: still correct */
}

size_t tb_rows(const tbuilder *b)
{
	return b->rows;
}

size_t tb_column_count(const tbuilder *b)
{
	return b->ncols;
}

/* ---- conversions ------------------------------------------------------- */

/* Integers read exactly (all 64 bits), never through a double. */
static bool parse_long(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return false;
	uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (i < len) {
		/* 12.0 or 1e3: integral values written as reals */
		char buf[64];
		if (len >= sizeof(buf))
			return false;
		memcpy(buf, s, len);
		buf[len] = '\0';
		char *end;
		double d = strtod(buf, &end);
		if (*end || d != floor(d) || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
			return false;
		*out = (int64_t)d;
		return true;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

static bool parse_double(const char *s, size_t len, double *out)
{
	char buf[128];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!strcmp(buf, "NaN")) {
		*out = NAN;
		return true;
	}
	if (!strcmp(buf, "Infinity") || !strcmp(buf, "-Infinity")) {
		*out = buf[0] == '-' ? -INFINITY : INFINITY;
		return true;
	}
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789+-.eE", buf[i]))
			return false;
	char *end;
	*out = strtod(buf, &end);
	return *end == '\0';
}

static bool trimmed_empty(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Converts one value onto a typed column: 1 pushed, 0 did not convert
 * (nothing pushed), -1 out of memory. */
static int convert(tbuilder *b, column *c, vkind k, const char *s, size_t len)
{
	kqlite_type t = c->type;
	if (k == V_NULL || ((k == V_TEXT || k == V_STRING) && t != KQLITE_TYPE_STRING && trimmed_empty(s, len)))
		return t == KQLITE_TYPE_STRING ? (col_push_bytes(c, "", 0) ? -1 : 1) : (col_push_null(c) ? -1 : 1);
	int64_t i64;
	double f;
	uint8_t g[16];
	switch (t) {
	case KQLITE_TYPE_BOOL:
		if (k == V_TRUE || k == V_FALSE)
			return col_push_bool(c, k == V_TRUE) ? -1 : 1;
		if ((len == 4 && !strncasecmp(s, "true", 4)) || (len == 1 && s[0] == '1'))
			return col_push_bool(c, true) ? -1 : 1;
		if ((len == 5 && !strncasecmp(s, "false", 5)) || (len == 1 && s[0] == '0'))
			return col_push_bool(c, false) ? -1 : 1;
		return 0;
	case KQLITE_TYPE_INT:
	case KQLITE_TYPE_LONG:
		if (k == V_TRUE || k == V_FALSE || k == V_JSON || !parse_long(s, len, &i64))
			return 0;
		if (t == KQLITE_TYPE_INT) {
			if (i64 < INT32_MIN || i64 > INT32_MAX)
				return 0;
			return col_push_int(c, (int32_t)i64) ? -1 : 1;
		}
		return col_push_long(c, i64) ? -1 : 1;
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL:
		if (k == V_TRUE || k == V_FALSE || k == V_JSON || !parse_double(s, len, &f))
			return 0;
		return col_push_real(c, f) ? -1 : 1;
	case KQLITE_TYPE_DATETIME:
		if ((k != V_STRING && k != V_TEXT) || !datetime_parse(s, len, &i64))
			return 0;
		return col_push_long(c, i64) ? -1 : 1;
	case KQLITE_TYPE_TIMESPAN:
		if ((k != V_STRING && k != V_TEXT) || !timespan_parse(s, len, &i64))
			return 0;
		return col_push_long(c, i64) ? -1 : 1;
	case KQLITE_TYPE_GUID:
		if ((k != V_STRING && k != V_TEXT) || !guid_parse(s, len, g))
			return 0;
		return col_push_guid(c, g) ? -1 : 1;
	case KQLITE_TYPE_STRING:
		if (k == V_TRUE || k == V_FALSE)
			return col_push_bytes(c, k == V_TRUE ? "true" : "false", k == V_TRUE ? 4 : 5) ? -1 : 1;
		return col_push_bytes(c, s, len) ? -1 : 1;
	case KQLITE_TYPE_DYNAMIC: {
		strbuf *sb = &b->scratch;
		sb->len = 0;
		switch (k) {
		case V_TRUE: sb_addc(sb, DYN_TRUE); break;
		case V_FALSE: sb_addc(sb, DYN_FALSE); break;
		case V_NUMBER:
		case V_JSON:
			if (!dyn_from_json(s, len, sb, NULL))
				return sb->oom ? -1 : 0;
			break;
		default:
			/* text in a dynamic column is the JSON it spells (api-json and CSV
			 * write dynamic values as JSON text); text that is not JSON is a
			 * string */
			if (!dyn_from_json(s, len, sb, NULL)) {
				if (sb->oom)
					return -1;
				sb->len = 0;
				dyn_from_string(s, len, sb);
			}
		}
		if (sb->oom)
			return -1;
		return col_push_bytes(c, sb->s, sb->len) ? -1 : 1;
	}
	default:
		return 0;
	}
}

static int stage(bcolumn *c, size_t row, vkind k, const char *s, size_t len)
{
	if (row >= c->kcap) {
		size_t cap = c->kcap ? c->kcap * 2 : 64;
		uint8_t *kinds = realloc(c->kinds, cap);
		if (!kinds)
			return KQLITE_NOMEM;
		c->kinds = kinds;
		c->kcap = cap;
	}
	c->kinds[row] = (uint8_t)k;
	if (k == V_TRUE || k == V_FALSE || k == V_NULL)
		return col_push_bytes(&c->col, "", 0);
	return col_push_bytes(&c->col, s, len);
}

int tb_row_begin(tbuilder *b)
{
	b->in_row = true;
	return 0;
}

int tb_value(tbuilder *b, int col, vkind k, const char *s, size_t len)
{
	bcolumn *c = &b->cols[col];
	if (c->last_row == b->rows + 1) /* a repeated key: the last value wins */
		col_truncate(&c->col, b->rows);
	c->last_row = b->rows + 1;
	c->seen = true;
	if (staged(c))
		return stage(c, b->rows, k, s, len);
	int r = convert(b, &c->col, k, s, len);
	if (r < 0)
		return KQLITE_NOMEM;
	if (r == 0) {
		if (c->failed++ == 0)
			c->first_failed = b->rows;
		return col_push_null(&c->col);
	}
	return 0;
}

int tb_row_end(tbuilder *b)
{
	for (size_t i = 0; i < b->ncols; i++) {
		bcolumn *c = &b->cols[i];
		if (c->last_row == b->rows + 1)
			continue;
		int rc = staged(c) ? stage(c, b->rows, V_NULL, NULL, 0)
		                   : (c->type == KQLITE_TYPE_STRING ? col_push_bytes(&c->col, "", 0) : col_push_null(&c->col));
		if (rc)
			return KQLITE_NOMEM;
	}
	b->rows++;
	b->in_row = false;
	return 0;
}

/* ---- the end: inference and filling ------------------------------------ */

static bool looks_like_datetime(const char *s, size_t len)
{
	/* a date, not a number: 2021-01-02..., 1/2/2021..., Tue, 27 Feb ... */
	int64_t t;
	bool digit = len > 0 && s[0] >= '0' && s[0] <= '9', upper = len > 0 && s[0] >= 'A' && s[0] <= 'Z';
	if (len < 8 || (!digit && !upper))
		return false;
	if (!memchr(s, '-', len) && !memchr(s, '/', len) && !memchr(s, ',', len))
		return false;
	return datetime_parse(s, len, &t);
}

static kqlite_type infer(const bcolumn *c, size_t rows)
{
	bool any = false, all_bool = true, all_num = true, all_int = true, all_json = true;
	bool all_dt = true, all_guid = true, all_text = true, all_textnum = true, all_textint = true;
	bool all_textbool = true;
	for (size_t r = 0; r < rows; r++) {
		vkind k = (vkind)c->kinds[r];
		size_t len;
		const char *s = col_bytes(&c->col, r, &len);
		if (k == V_NULL || ((k == V_STRING || k == V_TEXT) && len == 0))
			continue;
		any = true;
		int64_t i64;
		double f;
		uint8_t g[16];
		all_bool = all_bool && (k == V_TRUE || k == V_FALSE);
		all_num = all_num && k == V_NUMBER;
		all_int = all_int && k == V_NUMBER && parse_long(s, len, &i64) && !memchr(s, '.', len) &&
		          !memchr(s, 'e', len) && !memchr(s, 'E', len);
		all_json = all_json && k == V_JSON;
		bool text = k == V_STRING || k == V_TEXT;
		all_text = all_text && text;
		all_dt = all_dt && text && looks_like_datetime(s, len);
		all_guid = all_guid && text && len == 36 && guid_parse(s, len, g);
		/* CSV fields carry no types: numbers and bools are read from the text */
		all_textnum = all_textnum && k == V_TEXT && parse_double(s, len, &f);
		all_textint = all_textint && k == V_TEXT && parse_long(s, len, &i64) && !memchr(s, '.', len) &&
		              !memchr(s, 'e', len) && !memchr(s, 'E', len);
		all_textbool = all_textbool && k == V_TEXT &&
		               ((len == 4 && !strncasecmp(s, "true", 4)) || (len == 5 && !strncasecmp(s, "false", 5)));
	}
	if (!any)
		return KQLITE_TYPE_STRING;
	if (all_bool || all_textbool)
		return KQLITE_TYPE_BOOL;
	if (all_int || all_textint)
		return KQLITE_TYPE_LONG;
	if (all_num || all_textnum)
		return KQLITE_TYPE_REAL;
	if (all_json)
		return KQLITE_TYPE_DYNAMIC;
	if (all_dt)
		return KQLITE_TYPE_DATETIME;
	if (all_guid)
		return KQLITE_TYPE_GUID;
	if (all_text)
		return KQLITE_TYPE_STRING;
	return KQLITE_TYPE_DYNAMIC; /* mixed kinds: each value keeps its own */
}

/* Replays a staged column through the conversions of its inferred type. */
static int settle(tbuilder *b, bcolumn *c)
{
	kqlite_type t = infer(c, b->rows);
	column out;
	if (new_col(&out, c->col.name, strlen(c->col.name), t))
		return KQLITE_NOMEM;
	for (size_t r = 0; r < b->rows; r++) {
		vkind k = (vkind)c->kinds[r];
		size_t len;
		const char *s = col_bytes(&c->col, r, &len);
		int rv = convert(b, &out, k, s, len);
		if (rv < 0 || (rv == 0 && col_push_null(&out))) {
			col_free(&out);
			return KQLITE_NOMEM;
		}
		if (rv == 0 && c->failed++ == 0)
			c->first_failed = r;
	}
	col_free(&c->col);
	free(c->kinds);
	c->kinds = NULL;
	c->kcap = 0;
	c->col = out;
	c->type = t;
	return 0;
}

static bcolumn *find(tbuilder *b, const char *name)
{
	if (!b->nslots)
		return NULL;
	int32_t s = b->slots[slot_of(b, name, strlen(name))];
	return s ? &b->cols[s - 1] : NULL;
}

/* Defender exports carry Timestamp, Sentinel's TimeGenerated: a known
 * table that has only one of them gets the other as a copy. */
static int fill_time(bcolumn *to, const bcolumn *from)
{
	if (!to || !from || to->seen || !from->seen || to->type != from->type)
		return 0;
	column copy;
	if (new_col(&copy, to->col.name, strlen(to->col.name), to->type))
		return KQLITE_NOMEM;
	for (size_t r = 0; r < from->col.n; r++) {
		int rc = col_is_null(&from->col, r) ? col_push_null(&copy) : col_push_long(&copy, from->col.v.i64[r]);
		if (rc) {
			col_free(&copy);
			return KQLITE_NOMEM;
		}
	}
	col_free(&to->col);
	to->col = copy;
	to->filled = true;
	return 0;
}

int tb_finish(tbuilder *b)
{
	if (b->finished)
		return 0;
	for (size_t i = 0; i < b->ncols; i++)
		if (staged(&b->cols[i]) && settle(b, &b->cols[i]))
			return KQLITE_NOMEM;
	if (b->schema) {
		bcolumn *ts = find(b, "Timestamp"), *tg = find(b, "TimeGenerated"), *ty = find(b, "Type");
		if (fill_time(tg, ts) || fill_time(ts, tg))
			return KQLITE_NOMEM;
		if (ty && !ty->seen && ty->type == KQLITE_TYPE_STRING) {
			column copy;
			if (new_col(&copy, "Type", 4, KQLITE_TYPE_STRING))
				return KQLITE_NOMEM;
			for (size_t r = 0; r < b->rows; r++)
				if (col_push_bytes(&copy, b->name, b->len)) {
					col_free(&copy);
					return KQLITE_NOMEM;
				}
			col_free(&ty->col);
			ty->col = copy;
			ty->filled = b->rows > 0;
		}
	}
	table *t = table_new(b->name, b->len);
	if (!t)
		return KQLITE_NOMEM;
	t->cols = malloc((b->ncols ? b->ncols : 1) * sizeof(*t->cols));
	if (!t->cols) {
		table_free(t);
		return KQLITE_NOMEM;
	}
	for (size_t i = 0; i < b->ncols; i++) {
		t->cols[i] = b->cols[i].col; /* the table takes the arrays */
		t->cols[i].failed = b->cols[i].failed;
		b->cols[i].col.v.any = NULL;
		b->cols[i].col.valid = NULL;
		b->cols[i].col.heap = NULL;
		b->cols[i].col.codes = NULL;
		b->cols[i].col.building = NULL;
		b->cols[i].col.name = strdup(t->cols[i].name);
		if (!b->cols[i].col.name)
			b->cols[i].col.name = NULL;
	}
	t->ncols = t->cap = b->ncols;
	t->nrows = b->rows;
	b->done = t;
	b->finished = true;
	return 0;
}

table *tb_take(tbuilder *b)
{
	table *t = b->done;
	b->done = NULL;
	return t;
}

void tb_report(const tbuilder *b, int col, tb_column_report *out)
{
	const bcolumn *c = &b->cols[col];
	out->name = c->col.name ? c->col.name : "";
	out->type = c->type;
	out->failed = c->failed;
	out->first_failed = c->first_failed;
	out->inferred = !c->from_schema;
	out->renamed = c->renamed;
	out->filled = c->filled;
}
