/* arena.h -- bump allocation for data that dies together (a syntax tree,
 * a query's temporaries). Freed in one call; no per-object free. */
#ifndef KQ_ARENA_H
#define KQ_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
	arena_chunk *head; /* newest chunk first */
	char *cur, *end;   /* free space in head */
	size_t total;      /* bytes taken from malloc, for limits and stats */
} arena;

void arena_init(arena *a);
void arena_free(arena *a);

/* Returns `size` bytes aligned for any type, or NULL when out of memory. */
void *arena_alloc(arena *a, size_t size);
void *arena_zalloc(arena *a, size_t size);

/* Copies len bytes and a NUL; NULL when out of memory. */
char *arena_strndup(arena *a, const char *s, size_t len);

/* Marks: everything allocated after a mark is freed by arena_release
 * (used as a stack: a batch's scratch memory is released after it). */
typedef struct arena_mark_t {
	arena_chunk *head, *next;
	char *cur, *end;
} arena_mark_t;
arena_mark_t arena_mark(const arena *a);
/* Makes sure the next `size` bytes come from one chunk already held
 * (a scratch arena reserves once, then marks and releases per batch). */
int arena_reserve(arena *a, size_t size);
void arena_release(arena *a, arena_mark_t m);

#endif
