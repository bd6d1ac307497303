/* regex.h -- KQL regular expressions (RE2 syntax) on PCRE2, for the
 * regex functions, trim(), countof(kind="regex") and the `matches regex`
 * operator.
 *
 * Patterns compile with UTF-8 semantics (invalid UTF-8 in a subject is
 * matched, never an error), `$` at the very end only (as in RE2), JIT when
 * the platform has it, and limits on backtracking: a pattern that would run
 * away on some input ends the query with a clear error instead of hanging.
 * What RE2 does not accept is refused when the pattern compiles, with a
 * message: backreferences (\1, \k<name>, \g1), lookahead and lookbehind
 * ((?= (?! (?<= (?<!), atomic groups, possessive quantifiers, recursion,
 * conditionals, callouts and (*VERB)s.
 *
 * An xregex is used by one query (one thread) at a time: it keeps its
 * match data. */
#ifndef KQ_REGEX_H
#define KQ_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"

typedef struct xregex xregex;

/* An unset group's offsets in xregex_ovector(). */
#define XREGEX_UNSET ((size_t)-1)

/* Compiles pat[0..len). On error returns NULL with the message set on d
 * (span off, span_len) when d is not NULL, else on the query (x_error).
 * Errors name the problem: "invalid regex: missing closing parenthesis at
 * offset 3", "regex: lookahead (?= is not supported (RE2 syntax)". */
xregex *xregex_compile(xquery *q, const char *pat, size_t len, bool caseless, diag *d, uint32_t off,
                       uint32_t span_len);
void xregex_free(xregex *re);

/* Whether s[0..n) contains a match: 1, 0, or -1 after setting the error on
 * the query (a match limit exceeded). */
int xregex_match(xregex *re, const char *s, size_t n);

/* Finds the first match in s[0..n) starting at or after byte `start`.
 * Returns 1 (offsets in xregex_ovector), 0 when there is none, -1 after
 * setting an error. anchored: the match must start at `start`;
 * end_anchored: it must end at n. */
int xregex_find(xregex *re, const char *s, size_t n, size_t start, bool anchored,
                bool end_anchored);

/* After a match: start and end of group g (0 = the whole match) at [2g],
 * [2g+1]; XREGEX_UNSET for a group that did not take part. */
const size_t *xregex_ovector(const xregex *re);
/* Capturing groups in the pattern (0 when there are none). */
uint32_t xregex_groups(const xregex *re);
/* The number of the named group, or -1. */
int xregex_group_number(const xregex *re, const char *name, size_t len);

/* Byte offset just past the UTF-8 character at s[i] (a byte that is not
 * part of valid UTF-8 -- overlong forms and surrogates included -- is one
 * character). */
size_t xregex_next_char(const char *s, size_t n, size_t i);

/* ---- Patterns in function calls ------------------------------------------ */

/* A regex argument of a call: the constant pattern compiled by the
 * prepare hook, and the last per-row pattern (recompiled only when the
 * pattern changes). */
typedef struct xregex_state {
	xregex *fixed;
	xregex *last;
	char *last_pat;
	size_t last_len;
	void *extra; /* what a function keeps besides (in the query arena) */
} xregex_state;

/* For a prepare hook: when argument `argi` is a constant string, compiles
 * it (an invalid pattern is an error on d with the call's span). Sets
 * call->state to an xregex_state (in q->qa) and call->cleanup. */
bool xregex_prepare_arg(xquery *q, xcall *call, const vec *const *consts, uint32_t nargs,
                        uint32_t argi, diag *d, uint32_t span_off, uint32_t span_len);

/* The call's state, or `local` (zeroed) when prepare did not run: release
 * it with xregex_state_done() at the end of the kernel. */
xregex_state *xregex_state_of(const xcall *call, xregex_state *local);
void xregex_state_done(const xcall *call, xregex_state *st);

/* The compiled regex for row r of the pattern vector pat (a string
 * vector); NULL after setting an error on the query. */
xregex *xregex_for_row(xctx *cx, xregex_state *st, const vec *pat, uint32_t r);

/* Frees what an xregex_state holds (call->cleanup). */
void xregex_state_free(void *state);

#endif
