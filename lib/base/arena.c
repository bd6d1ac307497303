/* arena.c -- chunked bump allocator: chunks double up to a cap, and a
 * request larger than a chunk gets a chunk of its own. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	arena_chunk *next;
	size_t size;
	max_align_t data[]; /* payload */
};

enum { ARENA_MIN = 4096, ARENA_MAX = 1 << 20 };
#define ALIGN (_Alignof(max_align_t))

void arena_init(arena *a)
{
	memset(a, 0, sizeof(*a));
}

void arena_free(arena *a)
{
	arena_chunk *c = a->head;
	while (c) {
		arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	arena_init(a);
}

static void *arena_grow(arena *a, size_t size)
{
	size_t want = a->head ? a->head->size * 2 : ARENA_MIN;
	if (want > ARENA_MAX)
		want = ARENA_MAX;
	if (want < size)
		want = size;
	if (want > SIZE_MAX - sizeof(arena_chunk))
		return NULL;
	arena_chunk *c = malloc(sizeof(arena_chunk) + want);
	if (!c)
		return NULL;
	c->size = want;
	a->total += want;
	char *p = (char *)c->data;
	if (size == want && a->head) {
		/* Oversized request: keep the current chunk as the bump target. */
		c->next = a->head->next;
		a->head->next = c;
		return p;
	}
	c->next = a->head;
	a->head = c;
	a->cur = p + size;
	a->end = p + want;
	return p;
}

void *arena_alloc(arena *a, size_t size)
{
	if (size == 0)
		size = 1;
	if (size > SIZE_MAX - ALIGN)
		return NULL;
	size = (size + ALIGN - 1) & ~(ALIGN - 1);
	if ((size_t)(a->end - a->cur) >= size) {
		void *p = a->cur;
		a->cur += size;
		return p;
	}
	return arena_grow(a, size);
}

void *arena_zalloc(arena *a, size_t size)
{
	void *p = arena_alloc(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int arena_reserve(arena *a, size_t size)
{
	if ((size_t)(a->end - a->cur) >= size)
		return 0;
	if (size > SIZE_MAX - sizeof(arena_chunk))
		return -1;
	arena_chunk *c = malloc(sizeof(arena_chunk) + size);
	if (!c)
		return -1;
	c->size = size;
	c->next = a->head;
	a->head = c;
	a->total += size;
	a->cur = (char *)c->data;
	a->end = a->cur + size;
	return 0;
}

arena_mark_t arena_mark(const arena *a)
{
	return (arena_mark_t){a->head, a->head ? a->head->next : NULL, a->cur, a->end};
}

void arena_release(arena *a, arena_mark_t m)
{
	/* Chunks newer than the mark sit before it in the list, except an
	 * oversized one linked in behind the head: free those too. */
	while (a->head && a->head != m.head) {
		arena_chunk *c = a->head;
		a->head = c->next;
		a->total -= c->size;
		free(c);
	}
	while (a->head && a->head->next != m.next) {
		arena_chunk *c = a->head->next;
		a->head->next = c->next;
		a->total -= c->size;
		free(c);
	}
	a->cur = m.cur;
	a->end = m.end;
}
