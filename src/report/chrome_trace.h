/* trace.json: the run as Chrome Trace Event format, which Perfetto and chrome://tracing open. */
#ifndef TARE_REPORT_CHROME_TRACE_H
#define TARE_REPORT_CHROME_TRACE_H

#include <stddef.h>

#include "sample/sample.h"
#include "matrix/matrix.h"

struct json_object;

/* A new trace document: one lane (thread) per arm, each dispatch a complete event with its phases
 * (attach, workload, drain, detach) nested inside, a lane of cell slices, counter tracks for the
 * captured kernel and span events. Timestamps in microseconds from the first dispatch. */
struct json_object *chrome_trace_build(const struct matrix *m, const struct sample *samples,
                                       size_t n);

#endif
