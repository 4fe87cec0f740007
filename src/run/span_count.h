/* Counts span events in an OTLP/JSON lines file written by any producer: the independent
 * observation the span-event gate trusts, never the workload's own report. */
#ifndef TARE_RUN_SPAN_COUNT_H
#define TARE_RUN_SPAN_COUNT_H

#include "util/diag.h"

#include <stdint.h>

/* Totals over every span of every TracesData line. */
struct span_counts {
	uint64_t lines;           /* non-blank lines, each one TracesData */
	uint64_t spans;           /* spans seen */
	uint64_t events_retained; /* sum of the lengths of the spans' "events" arrays */
	uint64_t events_dropped;  /* sum of the spans' "droppedEventsCount" */
};

/* The longest line span_count_file accepts; a longer one is an error. */
#define SPAN_COUNT_MAX_LINE (256u * 1024 * 1024)

/* Reads path, one OTLP JSON TracesData per line (blank lines skipped), each parsed and walked by
 * otlp/traces.h (the receiver's reader too), and fills out. Walks
 * resourceSpans[].scopeSpans[].spans[] (and the deprecated instrumentationLibrarySpans when
 * scopeSpans is absent); absent arrays count as empty. droppedEventsCount may be a JSON number or a
 * decimal string (protobuf JSON parsers accept both). Returns 0, or -1 with errors in d (file, line
 * number, JSON pointer) when the file is missing, unreadable, a line is not JSON, or a field has
 * the wrong type; every bad line is reported (up to 10) and, on -1, out holds only the good lines
 * and must not be trusted. A bad line contributes nothing. An empty file is valid and counts zero
 * lines: whether that is acceptable is the caller's gate. out is zeroed first. */
int span_count_file(const char *path, struct span_counts *out, struct diag_list *d);

/* Counts one line's document (no trailing newline needed); exposed for tests. lineno is used in
 * diagnostics. Adds to out (does not zero it). */
int span_count_line(const char *path, int lineno, const char *text, size_t len,
                    struct span_counts *out, struct diag_list *d);

#endif
