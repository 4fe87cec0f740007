/* Bounded gzip inflation of request bodies. */
#include "otlp/gunzip.h"

#include "util/xalloc.h"

#include <limits.h>
#include <string.h>
#include <zlib.h>

enum otlp_gunzip_result otlp_gunzip(const void *in, size_t len, size_t max, struct strbuf *out,
                                    const char **why)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: a gzip header and trailer (not zlib's, not raw deflate) */
	int zr = inflateInit2(&z, 16 + MAX_WBITS);
	if (zr == Z_MEM_ERROR)
		xalloc_die(0);
	if (zr != Z_OK) {
		*why = "cannot start zlib";
		return OTLP_GUNZIP_BAD;
	}
	enum otlp_gunzip_result rc = OTLP_GUNZIP_OK;
	const unsigned char *next = in;
	size_t left = len, produced = 0;
	unsigned char chunk[64 * 1024];
	*why = NULL;
	if (len == 0) {
		*why = "empty gzip body";
		rc = OTLP_GUNZIP_BAD;
		goto cleanup;
	}
	for (;;) {
		/* avail_in is 32 bits: feed a large body in slices */
		if (z.avail_in == 0 && left > 0) {
			z.next_in = (unsigned char *)next;
			z.avail_in = left > UINT_MAX ? UINT_MAX : (unsigned)left;
			next += z.avail_in;
			left -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		size_t got = sizeof(chunk) - z.avail_out;
		if (got > max - produced) {
			rc = OTLP_GUNZIP_TOO_LARGE;
			break;
		}
		strbuf_add(out, chunk, got);
		produced += got;
		if (zr == Z_MEM_ERROR)
			xalloc_die(0);
		if (zr == Z_STREAM_END) {
			if (z.avail_in == 0 && left == 0)
				break;
			/* another member follows; anything else after a member is an error of the
			 * next inflateReset's header check */
			if (inflateReset(&z) != Z_OK) {
				*why = "cannot restart zlib";
				rc = OTLP_GUNZIP_BAD;
				break;
			}
			continue;
		}
		if (zr == Z_BUF_ERROR && z.avail_in == 0 && left == 0) {
			*why = "the gzip body ends before its last member does";
			rc = OTLP_GUNZIP_BAD;
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			*why = z.msg ? z.msg : "corrupt gzip body";
			rc = OTLP_GUNZIP_BAD;
			break;
		}
	}
cleanup:
	inflateEnd(&z);
	return rc;
}
