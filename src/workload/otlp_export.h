/* Writes a finished span as one line of OTLP/JSON (a TracesData document), the file format of the
 * OpenTelemetry file exporter. */
#ifndef TARE_WORKLOAD_OTLP_EXPORT_H
#define TARE_WORKLOAD_OTLP_EXPORT_H

#include "workload/span_tracer.h"
#include "util/diag.h"

struct json_object;

/* The service.name resource attribute tare's spans carry. */
#define OTLP_SERVICE_NAME "tare-workload"
/* The instrumentation scope name. */
#define OTLP_SCOPE_NAME "tare"

/* Builds the TracesData object for t's span per the OTLP JSON encoding: lowerCamelCase keys, trace
 * and span ids as lowercase hex, 64-bit integers (times, intValue) as decimal strings,
 * droppedEventsCount (uint32) as a number, saturated at UINT32_MAX. Returns a new object (caller
 * puts it), or NULL when out of memory. Call after span_tracer_end. */
struct json_object *otlp_traces_data(const struct span_tracer *t);

/* Writes otlp_traces_data(t) as one line ending in '\n' to fd, which stays open and owned by the
 * caller. path names the file in diagnostics. Returns 0, or -1 with an error in d. */
int otlp_export_fd(const struct span_tracer *t, int fd, const char *path, struct diag_list *d);

#endif
