/* The one allocation policy (git's wrapper.c, tmux's xmalloc.c): allocate or die with one message.
 * tare's working sets are small; running out of memory is not a condition any caller can repair. */
#ifndef TARE_UTIL_XALLOC_H
#define TARE_UTIL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Each returns non-NULL, or prints "tare: out of memory (N bytes)" and exits with 5 (internal). */
/* The same end for an allocation a library made and reported as NULL (json-c, pcre2); size may be
 * 0 when the library does not say how much it wanted. */
_Noreturn void xalloc_die(size_t size);
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grows an array of n elements of size bytes to at least need elements, doubling (first 16). */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
/* Anonymous pages for a large array that must grow without two copies at once: mremap moves
 * the page tables and copies nothing, where realloc may copy a block the heap served. Resizes p
 * (NULL when old is 0) from old to size bytes; the added bytes read as zero. */
void *xpages(void *p, size_t old, size_t size);
/* Unmaps what xpages returned (size: its last size). Accepts NULL. */
void xpages_free(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);
__attribute__((format(printf, 1, 0))) char *xvasprintf(const char *fmt, va_list ap);

#endif
