/* One dispatch's record (tare.sample.v1): what ran, how long, what each layer observed, and
 * whether it may enter statistics. One line of samples.jsonl. */
#ifndef TARE_REPORT_SAMPLE_H
#define TARE_REPORT_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gate/fidelity.h"
#include "plan/plan.h"

struct json_object;

struct sample {
	/* what ran (copied from the plan) */
	size_t index;
	char *cell;
	enum plan_phase phase;
	int round;
	int slot;
	char *arm;
	bool capture; /* the arm captured with eBPF */
	bool spans;   /* the arm traced spans */
	int64_t kernel_target, span_target, concurrency, payload_bytes, span_event_limit,
	    timeout_ms;
	char **argv; /* as executed, paths substituted */
	size_t argc;

	/* how it ended */
	int exit_code;   /* 124 on timeout, 128+signal when killed, 127 when exec failed */
	int term_signal; /* 0 when it exited */
	bool timed_out;
	char *exec_error; /* NULL unless the command could not be executed */
	int64_t orphans;  /* processes left in the cgroup after the workload exited */
	bool output_truncated;

	/* when it started (wall clock, for the trace), phase timings (ARCHITECTURE §5), rusage */
	int64_t start_unix_ns;
	int64_t attach_ns, spawn_ns, workload_ns, drain_ns, detach_ns, wall_ns;
	int64_t user_us, sys_us, max_rss_kib;

	/* capture counters (has_capture false for arms without eBPF) */
	bool has_capture;
	uint64_t emitted, received, dropped, filtered_in;
	bool capture_clean;

	/* what the layers observed */
	struct layer_fidelity kernel;
	int64_t kernel_events_matched, kernel_unique_paths;
	struct layer_fidelity span;
	bool has_span_counts;
	int64_t spans_retained, spans_dropped;
	struct json_object *self_report; /* the workload's own JSON line, or NULL; owned */
	int self_report_agrees;          /* 1 agrees with the independent counts, 0 not, -1 n/a */

	/* the gates' conclusion */
	enum fidelity fidelity;
	bool health_ok;
	char *health_reason; /* NULL when healthy */
	bool valid;          /* may enter statistics */
	char *discard_reason;
};

/* Caller-provided: zeroes it (self_report_agrees -1, limits -1). */
void sample_init(struct sample *s);
void sample_release(struct sample *s);

/* A new JSON object for the record (caller puts it). Key order is fixed. */
struct json_object *sample_to_json(const struct sample *s);

/* Reads a record back (for --resume and for recomputing verdicts). Returns 0, or -1 with a diag
 * saying which field is missing or wrong (pointer set, location left to the caller). */
struct diag_list;
int sample_from_json(struct json_object *o, struct sample *s, struct diag_list *d);

/* The samples of a run grouped by cell (record order kept within a cell): one sort, then a binary
 * search per cell, so per-cell work does not rescan the whole run. Caller-provided struct;
 * borrows the samples, which must outlive it. */
struct sample_groups {
	const struct sample **sorted;
	size_t n;
};
void sample_groups_init(struct sample_groups *g, const struct sample *samples, size_t n);
/* The samples of cell: sets *first to the first of them and returns how many (0: none). */
size_t sample_groups_find(const struct sample_groups *g, const char *cell,
                          const struct sample *const **first);
void sample_groups_release(struct sample_groups *g);

#endif
