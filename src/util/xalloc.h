/* The one allocation policy (git's wrapper.c, tmux's xmalloc.c): allocate or die with one message.
 * tare's working sets are small; running out of memory is not a condition any caller can repair. */
#ifndef TARE_UTIL_XALLOC_H
#define TARE_UTIL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Each returns non-NULL, or prints "tare: out of memory (N bytes)" and exits with 5 (internal). */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* Grows an array of n elements of size bytes to at least need elements, doubling (first 16). */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);
__attribute__((format(printf, 1, 0))) char *xvasprintf(const char *fmt, va_list ap);

#endif
