/* An in-process tracer with OpenTelemetry SDK span-event semantics: one root span whose events are
 * kept in a bounded buffer that drops the oldest when full, counting what it dropped. */
#ifndef TARE_WORKLOAD_SPAN_TRACER_H
#define TARE_WORKLOAD_SPAN_TRACER_H

#include "util/diag.h"

#include <stdbool.h>
#include <stdint.h>

/* The OpenTelemetry default for OTEL_SPAN_EVENT_COUNT_LIMIT. */
#define SPAN_EVENT_LIMIT_DEFAULT 128u
#define SPAN_TRACER_MAX_ATTRS    8

/* One retained span event: name "event" with the attribute {"event.index": index}. */
struct span_event {
	uint64_t time_unix_ns;
	int64_t index;
};

/* An integer attribute of the span itself. key is static storage (a string literal). */
struct span_attr {
	const char *key;
	int64_t value;
};

/* What the tracer did with the events it was given. added = retained + dropped. */
struct span_tracer_counts {
	uint64_t added;
	uint64_t retained;
	uint64_t dropped;
	uint32_t limit;
};

struct span_tracer;

/* Chooses the span-event limit the way the SDKs do: the explicit value when has_flag, else the
 * environment value env (OTEL_SPAN_EVENT_COUNT_LIMIT, may be NULL or empty), else 128. An env value
 * that is not a non-negative integer fitting 32 bits is ignored with a warning in d, as the
 * OpenTelemetry configuration spec asks. Never fails. */
uint32_t span_event_limit_resolve(bool has_flag, uint32_t flag_value, const char *env,
                                  struct diag_list *d);

/* Starts the root span named name (static storage) now (CLOCK_REALTIME), with a random 16-byte
 * trace id and 8-byte span id from getrandom(2). Events beyond limit evict the oldest; limit 0
 * keeps none. Returns NULL with an error in d when randomness is unavailable. Free with
 * span_tracer_free. */
struct span_tracer *span_tracer_new(const char *name, uint32_t limit, struct diag_list *d);
/* Accepts NULL. */
void span_tracer_free(struct span_tracer *t);

/* Adds an integer attribute to the span (at most SPAN_TRACER_MAX_ATTRS; later ones are ignored
 * and return -1). Not thread-safe: call before sharing the tracer. */
int span_tracer_set_attr(struct span_tracer *t, const char *key, int64_t value);

/* Adds one event stamped now. Thread-safe (one mutex, as the SDKs' span lock). Events added after
 * span_tracer_end are ignored, like the SDKs ignore addEvent on an ended span. */
void span_tracer_add_event(struct span_tracer *t, int64_t index);

/* Ends the span now. Later calls do nothing. */
void span_tracer_end(struct span_tracer *t);

void span_tracer_get_counts(const struct span_tracer *t, struct span_tracer_counts *out);

/* Read access for the exporter; call after span_tracer_end (no locking). */
const char *span_tracer_name(const struct span_tracer *t);
const uint8_t *span_tracer_trace_id(const struct span_tracer *t); /* 16 bytes */
const uint8_t *span_tracer_span_id(const struct span_tracer *t);  /* 8 bytes */
uint64_t span_tracer_start_unix_ns(const struct span_tracer *t);
uint64_t span_tracer_end_unix_ns(const struct span_tracer *t);
size_t span_tracer_attr_count(const struct span_tracer *t);
const struct span_attr *span_tracer_attr_at(const struct span_tracer *t, size_t i);
/* The i-th retained event, oldest first (0 <= i < counts.retained). Borrowed. */
const struct span_event *span_tracer_event_at(const struct span_tracer *t, size_t i);

#endif
