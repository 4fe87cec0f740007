/* One dispatch's record (tare.sample.v1): what ran, how long, what each layer observed, and
 * whether it may enter statistics; the type every stage above the plan shares. Serialised as one
 * line of samples.jsonl by report/sample_json.h. */
#ifndef TARE_SAMPLE_SAMPLE_H
#define TARE_SAMPLE_SAMPLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

struct json_object;

/* How one layer's observation compares with the cell's target (ARCHITECTURE §6). */
enum agreement {
	AGREE_NOT_APPLICABLE, /* the arm does not carry the layer, or the target is 0 */
	AGREE_MATCH,          /* observed within tolerance of the target */
	AGREE_CLIPPED,        /* below target exactly as a declared limit explains */
	AGREE_DRIFT,          /* anything else, over-counts included */
	AGREE_FAILED,         /* no observation: capture missing, trace unreadable */
};

/* One layer's verdict for one dispatch. */
struct layer_fidelity {
	enum agreement agreement;
	int64_t target;
	int64_t observed; /* meaningful unless agreement is FAILED or NOT_APPLICABLE w/o data */
	int64_t limit;    /* the limit that explains a clip (span_event_limit), else -1 */
};

/* A dispatch's combined fidelity: the worst of its layers. */
enum fidelity { FIDELITY_CLEAN, FIDELITY_LOSSY, FIDELITY_BROKEN };

/* The names in samples.jsonl and verdicts ("not_applicable", "clean", ...), and back: the
 * *_from_name functions return 0 and set *out, or -1 for a name that is not one of them. */
const char *agreement_name(enum agreement a);
int agreement_from_name(const char *name, enum agreement *out);
const char *fidelity_name(enum fidelity f);
int fidelity_from_name(const char *name, enum fidelity *out);

/* What the workload tree used, from its cgroups or the spawn helper's wait4 (never tare's own
 * rusage), and what the arm's capture itself holds. -1 means no figure; reason then says why. */
struct sample_resources {
	int64_t memory_peak_kib;    /* peak memory of the whole workload tree (rusage-helper: the
	                               largest RSS among the child and the descendants it waited
	                               for, never below memory_floor_kib) */
	int64_t memory_floor_kib;   /* rusage-helper sources: the spawn helper's own high-water
	                               mark, which execve folds into the child's ru_maxrss, so a
	                               peak at the floor means "at most this"; -1 otherwise */
	int64_t cpu_user_us;        /* CPU of the whole tree, user mode */
	int64_t cpu_sys_us;         /* CPU of the whole tree, kernel mode */
	int64_t capture_memory_kib; /* ring buffer, maps and consumer buffers; -1 without capture */
	char *source; /* "cgroup2", "cgroup1-memory+cgroup2-cpu", "rusage-helper", ...; owned */
	char *reason; /* why a workload figure is missing; owned, NULL when none is */
};

/* What tare's OTLP receiver saw while an otlp arm's dispatch was open (otlp/receiver.h): the
 * counts of its own exports, and what it refused or could not attribute. */
struct sample_otlp {
	uint64_t export_requests, bytes, spans, events_retained, events_dropped, attributes_dropped,
	    links_dropped;
	/* the last export counted for the dispatch, in ms after the workload was reaped (negative:
	 * before); meaningless without an export (export_requests 0) */
	double last_export_after_exit_ms;
	uint64_t late_exports, late_spans; /* of earlier dispatches, arriving during this one */
	uint64_t protobuf_refused, malformed, unattributed;
	char *first_error; /* the receiver's first problem in words, or NULL; owned */
};

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
	char *exec_error;      /* NULL unless the command could not be executed */
	int64_t orphans;       /* processes left in the cgroup after the workload exited */
	bool output_truncated; /* not every byte of stdout/stderr is in the logs */
	uint64_t stdout_bytes; /* every byte the workload wrote to stdout */
	uint64_t stderr_bytes;

	/* when it started (wall clock, for the trace), phase timings (ARCHITECTURE §5) */
	int64_t start_unix_ns;
	int64_t attach_ns, spawn_ns, workload_ns, drain_ns, detach_ns, wall_ns;
	struct sample_resources resources;

	/* capture counters (has_capture false for arms without eBPF) */
	bool has_capture;
	uint64_t emitted, received, dropped, filtered_in;
	bool capture_clean;

	/* what the layers observed */
	struct layer_fidelity kernel;
	int64_t kernel_events_matched, kernel_unique_paths;
	/* why the captured events could not be counted ("matching a captured path failed: match
	 * limit exceeded", a write error), else NULL: a failure of the count, not of the workload,
	 * and it fails health whatever the kernel target */
	char *count_failed;
	struct layer_fidelity span;
	bool has_span_counts;
	int64_t spans_retained, spans_dropped;
	/* an otlp arm: the span counts come from the receiver (span.source "otlp"), not from
	 * {trace_out} ("file"), and otlp holds what the receiver saw */
	bool has_otlp;
	struct sample_otlp otlp;
	/* read from a line written before tare had a receiver (no span.source, no otlp): written
	 * back without them, so that a merged or rewritten older run stays byte for byte what it
	 * was */
	bool written_before_otlp;
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
