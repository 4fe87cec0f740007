/* A loopback OTLP/HTTP traces receiver (JSON bodies, chunked or not, gzip or not) that counts
 * what each dispatch's workload exported, attributed by the resource attribute tare.dispatch. */
#ifndef TARE_OTLP_RECEIVER_H
#define TARE_OTLP_RECEIVER_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The resource attribute tare injects (OTEL_RESOURCE_ATTRIBUTES=tare.dispatch=<index>) and reads
 * back to attribute a resourceSpans entry to the dispatch that produced it. */
#define OTLP_DISPATCH_ATTRIBUTE "tare.dispatch"

/* The largest request body read, as sent and again after gzip inflation: the 20 MiB the OTLP
 * specification recommends (OTLP/HTTP Request). A default SDK batch (512 spans of at most 128
 * events) is a few MiB of JSON. Beyond it the answer is 413, which clients must not retry. */
#define OTLP_MAX_BODY_BYTES ((size_t)20 * 1024 * 1024)

struct otlp_receiver;

/* What the receiver saw for one dispatch, between otlp_receiver_open and otlp_receiver_take. */
struct otlp_dispatch_counts {
	uint64_t export_requests;    /* POST /v1/traces bodies with a resourceSpans entry for it */
	uint64_t bytes;              /* those bodies' sizes as sent (compressed when gzip) */
	uint64_t spans;              /* spans in its resourceSpans entries */
	uint64_t events_retained;    /* sum of the lengths of the spans' "events" arrays */
	uint64_t events_dropped;     /* sum of the spans' "droppedEventsCount" */
	uint64_t attributes_dropped; /* sum of spans' and events' "droppedAttributesCount" */
	uint64_t links_dropped;      /* sum of spans' "droppedLinksCount" */
	int64_t last_export_ns; /* clock_monotonic_ns when its last export was counted; 0: none */
};

/* What the receiver refused or could not attribute while a dispatch was open: requests of no
 * dispatch's, or that tare could not read, are counted against the open dispatch, because
 * dispatches run one at a time. */
struct otlp_problems {
	uint64_t protobuf_refused; /* Content-Type application/x-protobuf: answered 415 */
	uint64_t malformed;        /* bad JSON, gzip, shape: 400; media type: 415; size: 413 */
	uint64_t unattributed;     /* resourceSpans without a tare.dispatch this run knows */
	uint64_t late_exports;     /* exports for a dispatch already taken (counted nowhere else) */
	uint64_t late_spans;       /* their spans */
	char *first_error; /* the first problem in words, or NULL; owned, freed by release */
};

/* Starts the receiver on 127.0.0.1 with a port the kernel picks. Returns NULL with an error in d
 * when it cannot listen. */
struct otlp_receiver *otlp_receiver_start(struct diag_list *d);

/* The port it listens on (for {otlp_endpoint} and OTEL_EXPORTER_OTLP_ENDPOINT). */
uint16_t otlp_receiver_port(const struct otlp_receiver *r);

/* Starts counting for dispatch (the plan's dispatch index): from now on its exports count. */
void otlp_receiver_open(struct otlp_receiver *r, uint64_t dispatch);

/* Stops counting for the open dispatch and fills counts and problems. First waits, at most
 * linger_ms, for requests still being received to complete (an exporter that posted just before
 * its process exited). Later exports for this dispatch are late_exports of the next take. */
void otlp_receiver_take(struct otlp_receiver *r, int linger_ms, struct otlp_dispatch_counts *counts,
                        struct otlp_problems *problems);

void otlp_problems_release(struct otlp_problems *p);

/* Stops listening and frees r. NULL is allowed. */
void otlp_receiver_stop(struct otlp_receiver *r);

#endif
