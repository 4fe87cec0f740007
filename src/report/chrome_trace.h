/* trace.json: the run as Chrome Trace Event format, which Perfetto and chrome://tracing open. */
#ifndef TARE_REPORT_CHROME_TRACE_H
#define TARE_REPORT_CHROME_TRACE_H

#include <stddef.h>

#include "sample/sample.h"
#include "matrix/matrix.h"

struct json_object;

/* A new trace document: one lane (thread) per arm, each dispatch a complete event with its phases
 * (attach, workload, drain, detach) nested inside, a lane of cell slices, one counter track per
 * arm ("captured events (ARM)") with each dispatch's kernel and span event counts while it runs.
 * Timestamps are absolute: whole microseconds since the Unix epoch (CLOCK_REALTIME), with a Chrome
 * clock_sync marker at the first dispatch (sync_id "tare-unix-epoch-us").
 */
struct json_object *chrome_trace_build(const struct matrix *m, const struct sample *samples,
                                       size_t n);

/* Which shard each sample of a merged run came from (tare merge): one process per shard. */
struct chrome_trace_shards {
	const char *const *names; /* per shard: "1/3" */
	size_t n;
	const size_t *of_sample; /* per sample: its shard, 0-based */
};

/* As chrome_trace_build, with one process per shard (named "tare run MATRIX shard I/N"), each
 * with the cell lane and the arm lanes, on the one absolute time axis. sh NULL is
 * chrome_trace_build. Everything is borrowed. */
struct json_object *chrome_trace_build_shards(const struct matrix *m, const struct sample *samples,
                                              size_t n, const struct chrome_trace_shards *sh);

#endif
