/* Reading OTLP/JSON TracesData (ExportTraceServiceRequest) strictly and counting what each
 * resourceSpans entry holds: shared by the receiver and the built-in tracer's span counter. */
#ifndef TARE_OTLP_TRACES_H
#define TARE_OTLP_TRACES_H

#include "util/diag.h"

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* What one resourceSpans entry holds. Every dropped count is a uint32 in OTLP: a JSON number or,
 * in protobuf JSON, a decimal string. */
struct otlp_span_totals {
	uint64_t spans;              /* spans in its scope spans */
	uint64_t events_retained;    /* sum of the lengths of the spans' "events" arrays */
	uint64_t events_dropped;     /* sum of the spans' "droppedEventsCount" */
	uint64_t attributes_dropped; /* sum of spans' and events' "droppedAttributesCount" */
	uint64_t links_dropped;      /* sum of the spans' "droppedLinksCount" */
};

/* One resourceSpans entry of a walked document. */
struct otlp_resource_spans {
	struct json_object *entry; /* borrowed from the document walked */
	struct otlp_span_totals totals;
};

/* Adds b to a. */
void otlp_span_totals_add(struct otlp_span_totals *a, const struct otlp_span_totals *b);

/* Parses text[0, len) (no NUL needed) as one JSON document with json-c's strict tokener, also
 * refusing what that tokener lets through (NaN, Infinity, single quotes, raw control characters
 * in strings) and text after the document. name and line locate diagnostics (name may be NULL).
 * Returns 0 and *out (a new tree, caller puts it; NULL for a top-level null), or -1 with one
 * error (trace.unparsable, trace.too-long) in d. */
int otlp_traces_parse(const char *name, int line, const char *text, size_t len,
                      struct json_object **out, struct diag_list *d);

/* Walks a parsed TracesData: resourceSpans[].scopeSpans[].spans[] (the deprecated
 * instrumentationLibrarySpans when scopeSpans is absent); absent or null arrays count as empty.
 * On success returns 0 with *entries (new array, caller frees; NULL when *n is 0) holding each
 * resourceSpans entry's totals in order. On the first entry of the wrong shape returns -1 with
 * one trace.shape error in d, located by name, line and JSON pointer, and *entries NULL: a
 * document counts all or nothing. */
int otlp_traces_walk(const char *name, int line, struct json_object *root,
                     struct otlp_resource_spans **entries, size_t *n, struct diag_list *d);

#endif
