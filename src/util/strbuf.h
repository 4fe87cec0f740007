/* A growable, always NUL-terminated byte string (git's strbuf, reduced to what tare uses). */
#ifndef TARE_UTIL_STRBUF_H
#define TARE_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Caller-provided: strbuf_init/strbuf_release. buf is never NULL after init. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Empties the string, keeping its storage. */
void strbuf_reset(struct strbuf *sb);
/* Appends cannot fail: allocation failure exits (util/xalloc.h), since a string buffer that
 * cannot grow leaves no sane way to continue, and checking every append would bury the logic. */
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Hands the string out (caller frees) and re-initialises sb. */
char *strbuf_detach(struct strbuf *sb);

/* Appends s with &, <, >, " and ' as XML entities and the control characters XML 1.0 forbids left
 * out (tab and newline kept): text and attribute values of XML, SVG and HTML alike. NULL adds
 * nothing. */
void strbuf_add_xml_escaped(struct strbuf *sb, const char *s);

#endif
