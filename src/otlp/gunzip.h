/* Inflating a gzip request body (Content-Encoding: gzip) with zlib, within a bound. */
#ifndef TARE_OTLP_GUNZIP_H
#define TARE_OTLP_GUNZIP_H

#include "util/strbuf.h"

#include <stddef.h>

enum otlp_gunzip_result {
	OTLP_GUNZIP_OK,
	OTLP_GUNZIP_BAD,       /* not gzip, corrupt, truncated, or bytes after the last member */
	OTLP_GUNZIP_TOO_LARGE, /* would inflate to more than max bytes */
};

/* Inflates in[0, len), one gzip member or several back to back (RFC 1952 allows it; Go's and
 * Java's writers may produce them), appending to out. Stops as soon as more than max bytes would
 * come out, so a small body that inflates hugely (a "zip bomb") costs at most max bytes. On
 * OTLP_GUNZIP_BAD, *why is zlib's message or a static string. */
enum otlp_gunzip_result otlp_gunzip(const void *in, size_t len, size_t max, struct strbuf *out,
                                    const char **why);

#endif
