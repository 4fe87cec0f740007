/* The built-in workload (ARCHITECTURE §5): worker threads doing exactly one openat per kernel
 * event, optionally adding span events to an in-process tracer, with open-loop pacing and a latency
 * histogram. */
#ifndef TARE_WORKLOAD_WORKLOAD_H
#define TARE_WORKLOAD_WORKLOAD_H

#include "workload/span_tracer.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stdint.h>

struct json_object;

/* What to do. Strings are borrowed for the duration of workload_run. */
struct workload_config {
	uint64_t kernel_events;      /* N: files created, one openat each */
	uint32_t concurrency;        /* C >= 1 worker threads */
	uint64_t payload_bytes;      /* written to each file */
	const char *work_dir;        /* D: files go to D/sweep/worker-<w>/event-<i> */
	const char *trace_out;       /* NULL: spans off (no tracer at all); else the OTLP file */
	uint64_t span_events;        /* S: span events added (only with trace_out) */
	uint32_t span_event_limit;   /* L: span events retained */
	double rate;                 /* operations per second over all workers; 0: closed loop */
	uint64_t extra_ns_per_event; /* busy-spin after each operation: a known injected cost */
};

/* Per-operation latency in nanoseconds (nearest-rank quantiles of the histogram). */
struct workload_latency {
	uint64_t p50, p90, p99, p99_9, p99_99, max, count;
};

struct workload_result {
	bool ran;               /* the timed part took place (false when setup failed) */
	uint64_t kernel_done;   /* files created, written and closed */
	uint64_t kernel_failed; /* events whose openat, write or close failed */
	bool spans_on;
	struct span_tracer_counts spans; /* zero when spans are off */
	uint64_t elapsed_ns;             /* from the start signal until every worker finished */
	struct workload_latency latency;
	bool trace_written; /* the OTLP line reached trace_out */
};

/* The number of operations: operation i does kernel event i when i < N and adds span event i when
 * i < S (spans on), so it is max(N, S) with spans on and N with spans off. */
uint64_t workload_operations(const struct workload_config *cfg);

/* Operation i runs on worker i % C (round robin, so that paced schedules interleave). */
uint32_t workload_worker_of(uint64_t i, uint32_t concurrency);

/* With pacing, operation i is due at start + workload_schedule_offset_ns(i, rate): i / rate
 * seconds, rounded down to a nanosecond; monotonic in i. rate must be > 0. */
uint64_t workload_schedule_offset_ns(uint64_t i, double rate);

/* Runs the workload. Creates D, D/sweep and every D/sweep/worker-<w> with mkdir and opens
 * trace_out before the timed part starts, so that the only openat calls after the start signal
 * are the N event files. Fills out even when some events fail. Returns 0 when every operation
 * succeeded and the trace (if any) was written; -1 with errors in d otherwise (setup failures
 * return before any event runs, with out->kernel_done = 0). Warnings may be added too. */
int workload_run(const struct workload_config *cfg, struct workload_result *out,
                 struct diag_list *d);

/* The self-report line's document (schemas/workload-report.schema.json,
 * "tare.workload-report.v1"). New object; caller puts it. */
struct json_object *workload_report(const struct workload_config *cfg,
                                    const struct workload_result *r);

#endif
