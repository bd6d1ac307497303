/* test_arena.c -- the bump allocator and the growable string. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"

static void arena_aligns_and_grows(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	for (int i = 1; i < 5000; i++) {
		char *p = arena_alloc(&a, (size_t)(i % 97) + 1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		memset(p, 0xAB, (size_t)(i % 97) + 1);
	}
	char *big = arena_alloc(&a, 5u << 20); /* larger than any chunk */
	assert_non_null(big);
	memset(big, 1, 5u << 20);
	char *after = arena_alloc(&a, 16); /* still bumps in the small chunk */
	assert_non_null(after);
	assert_true(a.total >= (5u << 20));
	arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

static void arena_rejects_absurd_sizes(void **state)
{
	(void)state;
	arena a;
	arena_init(&a);
	assert_null(arena_alloc(&a, (size_t)-1));
	assert_null(arena_alloc(&a, (size_t)-1 - 8));
	char *s = arena_strndup(&a, "hello", 3);
	assert_string_equal(s, "hel");
	arena_free(&a);
}

static void strbuf_builds(void **state)
{
	(void)state;
	strbuf b;
	sb_init(&b);
	sb_adds(&b, "a");
	sb_addc(&b, 'b');
	for (int i = 0; i < 100; i++)
		sb_printf(&b, "%d,", i);
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_printf(&b, "%s", big); /* longer than the printf fast path */
	char *s = sb_take(&b);
	assert_non_null(s);
	assert_memory_equal(s, "ab0,1,2,", 8);
	assert_int_equal(strlen(s), 2 + 290 + 599);
	free(s);
	sb_init(&b);
	s = sb_take(&b); /* an empty buffer still hands out "" */
	assert_string_equal(s, "");
	free(s);
}

static void linecol_counts_characters(void **state)
{
	(void)state;
	const char *t = "ab\n\xC3\xA9x\ny";
	unsigned line, col;
	diag_linecol(t, strlen(t), 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	diag_linecol(t, strlen(t), 5, &line, &col); /* 'x' after a 2-byte é */
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	diag_linecol(t, strlen(t), 7, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 1);
	diag_linecol(t, strlen(t), 999, &line, &col); /* clamped */
	assert_int_equal(line, 3);
	assert_int_equal(col, 2);
}

static void edit_distance_caps(void **state)
{
	(void)state;
	assert_int_equal(diag_edit_distance("where", 5, "wher", 4, 2), 1);
	assert_int_equal(diag_edit_distance("Where", 5, "where", 5, 2), 0);
	assert_int_equal(diag_edit_distance("project", 7, "porject", 7, 2), 2);
	assert_int_equal(diag_edit_distance("summarize", 9, "take", 4, 2), 3);
}

static void diag_first_error_wins(void **state)
{
	(void)state;
	diag d;
	diag_clear(&d);
	diag_set(&d, -3, 4, 2, "first %d", 1);
	diag_set(&d, -2, 9, 1, "second");
	assert_int_equal(d.code, -3);
	assert_string_equal(d.msg, "first 1");
	assert_int_equal(d.off, 4);
	diag_clear(&d);
	diag_set_nospan(&d, -2, "no span");
	assert_false(d.has_span);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_aligns_and_grows),
		cmocka_unit_test(arena_rejects_absurd_sizes),
		cmocka_unit_test(strbuf_builds),
		cmocka_unit_test(linecol_counts_characters),
		cmocka_unit_test(edit_distance_caps),
		cmocka_unit_test(diag_first_error_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
