/* Counting captured paths against the cell's match pattern, and the kernel.ndjson writer. */
#include "run/kernel_count.h"

#include "util/u64_set.h"
#include "util/xalloc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Generous for path-sized subjects, small enough that a pathological pattern fails fast. */
#define MATCH_LIMIT 1000000u
#define DEPTH_LIMIT 10000u

struct kernel_count {
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	FILE *ndjson;
	/* 64-bit hashes of the distinct matched paths, not the paths: 1,000,000 distinct paths
	 * cost 9 MB instead of ~100 MB (docs/capture.md gives the collision odds) */
	struct u64_set unique;
	struct kernel_count_totals totals;
	char *error; /* the first failure met while adding, reported by finish */
};

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

struct kernel_count *kernel_count_new(const char *pattern, FILE *ndjson, struct diag_list *d)
{
	if (!pattern) {
		struct kernel_count *kc = xcalloc(1, sizeof(*kc));
		kc->ndjson = ndjson;
		return kc;
	}
	int errcode = 0;
	PCRE2_SIZE erroff = 0;
	/* MATCH_INVALID_UTF: paths are bytes; one that is not UTF-8 must still be searchable */
	pcre2_code *re =
	    pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	                  PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		diag_error(d, "count.pattern", NULL, "invalid pattern at offset %zu: %s",
		           (size_t)erroff, (const char *)msg);
		return NULL;
	}
	struct kernel_count *kc = xcalloc(1, sizeof(*kc));
	u64_set_init(&kc->unique);
	kc->re = re;
	/* without JIT support the interpreter gives the same answers, only slower */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	kc->md = pcre2_match_data_create_from_pattern(re, NULL);
	kc->mctx = pcre2_match_context_create(NULL);
	if (!kc->md || !kc->mctx) {
		kernel_count_free(kc);
		diag_error(d, "count.nomem", NULL, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(kc->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(kc->mctx, DEPTH_LIMIT);
	kc->ndjson = ndjson;
	return kc;
}

static void fail(struct kernel_count *kc, const char *fmt, const char *arg)
{
	if (kc->error)
		return;
	kc->error = xasprintf(fmt, arg);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t min, cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = s[0] & 0x1fu;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = s[0] & 0x0fu;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD, because JSON text must be UTF-8. */
static void write_json_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	putc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char ch = s[i];
		if (ch == '"' || ch == '\\') {
			putc('\\', f);
			putc(ch, f);
			i++;
		} else if (ch < 0x20) {
			fprintf(f, "\\u%04x", ch);
			i++;
		} else {
			size_t k = utf8_seq(s + i, n - i);
			if (k == 0) {
				fputs("\\ufffd", f);
				i++;
			} else {
				fwrite(s + i, 1, k, f);
				i += k;
			}
		}
	}
	putc('"', f);
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case CAPTURE_EVENT_OPEN:
		return "open";
	case CAPTURE_EVENT_FORK:
		return "fork";
	case CAPTURE_EVENT_EXEC:
		return "exec";
	case CAPTURE_EVENT_EXIT:
		return "exit";
	default:
		return "unknown";
	}
}

static void write_line(struct kernel_count *kc, const struct capture_event *ev, bool matched)
{
	FILE *f = kc->ndjson;
	fprintf(f,
	        "{\"ts_ns\":%" PRIu64 ",\"type\":\"%s\",\"pid\":%" PRIu32 ",\"tgid\":%" PRIu32
	        ",\"flags\":%" PRId32 ",\"path\":",
	        ev->ts_ns, type_name(ev->type), ev->pid, ev->tgid, ev->flags);
	write_json_string(f, ev->path, ev->path_len);
	fprintf(f, ",\"matched\":%s", matched ? "true" : "false");
	if (ev->type != CAPTURE_EVENT_OPEN)
		fprintf(f, ",\"aux\":%" PRId64, ev->aux);
	if (ev->truncated)
		fputs(",\"truncated\":true", f);
	fputs("}\n", f);
	if (ferror(f))
		fail(kc, "cannot write the captured events: %s", strerror(errno));
}

void kernel_count_add(void *ctx, const struct capture_event *ev)
{
	struct kernel_count *kc = ctx;
	kc->totals.events++;
	bool matched = false;
	if (ev->type == CAPTURE_EVENT_OPEN) {
		kc->totals.opens++;
		if (ev->truncated)
			kc->totals.truncated++;
		int rc = kc->re ? pcre2_match(kc->re, (PCRE2_SPTR)ev->path, ev->path_len, 0, 0,
		                              kc->md, kc->mctx)
		                : PCRE2_ERROR_NOMATCH;
		if (rc >= 0) {
			matched = true;
			kc->totals.matched_events++;
			u64_set_add(&kc->unique, fnv1a(ev->path, ev->path_len));
		} else if (rc != PCRE2_ERROR_NOMATCH) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof(msg));
			fail(kc, "matching a captured path failed: %s", (const char *)msg);
		}
	}
	if (kc->ndjson)
		write_line(kc, ev, matched);
}

void kernel_count_get(struct kernel_count *kc, struct kernel_count_totals *out)
{
	kc->totals.matched_unique = u64_set_count(&kc->unique);
	*out = kc->totals;
}

size_t kernel_count_bytes(const struct kernel_count *kc)
{
	return u64_set_bytes(&kc->unique);
}

int kernel_count_finish(struct kernel_count *kc, struct kernel_count_totals *out,
                        struct diag_list *d)
{
	if (kc->ndjson && fflush(kc->ndjson) != 0)
		fail(kc, "cannot write the captured events: %s", strerror(errno));
	kc->totals.matched_unique = u64_set_count(&kc->unique);
	if (out)
		*out = kc->totals;
	if (kc->error)
		return diag_error(d, "count.failed", NULL, "%s", kc->error);
	return 0;
}

const char *kernel_count_failure(const struct kernel_count *kc)
{
	return kc->error;
}

void kernel_count_free(struct kernel_count *kc)
{
	if (!kc)
		return;
	pcre2_match_data_free(kc->md);
	pcre2_match_context_free(kc->mctx);
	pcre2_code_free(kc->re);
	u64_set_release(&kc->unique);
	free(kc->error);
	free(kc);
}
