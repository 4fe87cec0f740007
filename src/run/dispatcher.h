/* The interface the run session drives: one planned dispatch in, one raw observation out. The
 * real implementation is the BPF runner (run/runner.h); tests replay recorded samples. */
#ifndef TARE_RUN_DISPATCHER_H
#define TARE_RUN_DISPATCHER_H

#include <stdbool.h>

#include "plan/plan.h"
#include "sample/sample.h"
#include "util/diag.h"

/* What a dispatcher observed besides the sample's own fields. */
struct dispatch_observation {
	/* The capture's events were counted; false when counting itself failed (pcre2 match
	 * limit, memory), so the kernel layer has no observation. Meaningless without capture. */
	bool kernel_counted;
};

struct dispatcher {
	/* Runs pd and fills s (which it initialises) with what happened: the plan's fields, how the
	 * process ended, timings, capture counters, kernel and span counts (has_capture,
	 * kernel_events_matched, kernel_unique_paths, count_failed when counting failed,
	 * has_span_counts, spans_retained, spans_dropped) and the workload's self_report. It leaves
	 * the gates' conclusions alone (kernel, span, self_report_agrees, fidelity, health, valid):
	 * the session judges. Returns 0 when s is a complete record, 1 when the run was interrupted
	 * during the dispatch (s released, not to be recorded), -1 on a failure of tare or the
	 * machine rather than of the workload (s released, diags say what). */
	int (*dispatch)(void *ctx, const struct plan *p, const struct plan_dispatch *pd,
	                struct sample *s, struct dispatch_observation *obs, struct diag_list *d);
	/* After a complete dispatch is judged: keep_output asks to keep what the workload printed
	 * (an invalid sample keeps it for diagnosis); then the dispatch's leftovers go. May be
	 * NULL when a dispatcher leaves nothing behind. */
	void (*settle)(void *ctx, const struct plan_dispatch *pd, bool keep_output,
	               struct diag_list *d);
	void *ctx; /* passed to both; owned by whoever built the dispatcher */
};

#endif
