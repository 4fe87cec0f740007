/* A bump allocator for the plan's many small strings: one free for all of them, and far fewer
 * mallocs (a 10,000-cell plan has millions of argv strings). */
#ifndef TARE_PLAN_ARENA_H
#define TARE_PLAN_ARENA_H

#include <stddef.h>

struct arena;

/* A new, empty arena (arena_free). */
struct arena *arena_new(void);
/* Frees the arena and everything allocated from it. Accepts NULL. */
void arena_free(struct arena *a);
/* n bytes aligned for any object, zeroed, owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
/* A copy of s (len bytes, NUL added) owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);

#endif
