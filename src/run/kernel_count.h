/* Counts captured kernel events whose path matches a cell's pcre2 pattern, by event and by
 * unique path, and optionally writes every event as one line of kernel.ndjson. Pure: no BPF. */
#ifndef TARE_RUN_KERNEL_COUNT_H
#define TARE_RUN_KERNEL_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run/capture.h"
#include "util/diag.h"

struct kernel_count_totals {
	uint64_t events;         /* every event handed in, of any type */
	uint64_t opens;          /* CAPTURE_EVENT_OPEN events */
	uint64_t matched_events; /* opens whose path matched the pattern */
	uint64_t matched_unique; /* distinct paths among matched_events (by 64-bit hash) */
	uint64_t truncated;      /* opens whose path was cut at CAPTURE_EVENT_PATH_MAX */
};

struct kernel_count;

/* Compiles pattern (pcre2, UTF-8, JIT when available) once; a NULL pattern matches nothing (a
 * custom command whose cells count no kernel events has none). The search is unanchored: write
 * ^...$ to match whole paths. Paths that are not valid UTF-8 are still searched (they simply do
 * not match a multi-byte character). ndjson, when not NULL, is borrowed: one JSON line per
 * event is written to it ({"ts_ns","type","pid","tgid","flags","path","matched"}, plus "aux" for
 * process events and "truncated" when true). Returns NULL with a diag
 * ("invalid pattern at offset 3: missing closing parenthesis") on a bad pattern. Caller owns
 * the result: kernel_count_free. */
struct kernel_count *kernel_count_new(const char *pattern, FILE *ndjson, struct diag_list *d);

/* Counts one event; a capture_event_fn, so it can be given to capture_attach with the
 * kernel_count as ctx. Nothing of the event is kept: matched paths are remembered as 64-bit
 * hashes (util/u64_set.h) and the NDJSON line goes straight to the stream. Failures (a match
 * limit hit, a write error) are kept and reported by kernel_count_finish. */
void kernel_count_add(void *kc, const struct capture_event *ev);

/* The totals so far (merges the pending unique-path hashes, hence not const). */
void kernel_count_get(struct kernel_count *kc, struct kernel_count_totals *out);

/* The bytes the unique-path set holds: about 9 per distinct matched path, whatever its length. */
size_t kernel_count_bytes(const struct kernel_count *kc);

/* Flushes the NDJSON output and reports the first failure kernel_count_add met. Returns 0, or
 * -1 with a diag (the totals are then not to be trusted). Fills out when not NULL. */
int kernel_count_finish(struct kernel_count *kc, struct kernel_count_totals *out,
                        struct diag_list *d);

/* The first failure kernel_count_add or kernel_count_finish met ("matching a captured path failed:
 * match limit exceeded"), or NULL: what a sample records as its count_failed. Borrowed; valid
 * until kernel_count_free. */
const char *kernel_count_failure(const struct kernel_count *kc);

/* Accepts NULL. Does not close the NDJSON stream. */
void kernel_count_free(struct kernel_count *kc);

#endif
