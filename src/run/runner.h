/* The runner: executes one dispatch for real (cgroup, capture, spawn, drain, count, gate) and
 * records it as a sample. The only stage that touches processes and BPF. */
#ifndef TARE_RUN_RUNNER_H
#define TARE_RUN_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"
#include "sample/sample.h"
#include "util/diag.h"

struct runner_opts {
	const char *out_dir;    /* the run directory (work/ and captures/ go below it) */
	bool keep_captures;     /* keep kernel.ndjson and spans.jsonl under captures/ */
	uint64_t ringbuf_bytes; /* 0: the matrix's capture.ringbuf_size */
	int64_t grace_ms;       /* SIGTERM → SIGKILL grace on timeout */
	volatile sig_atomic_t *interrupted; /* set by the caller's SIGINT/SIGTERM handler */
};

struct runner;

/* Loads the capture programs when any arm of the plan captures, and creates the run's cgroup
 * parent. Returns NULL with diags when the machine cannot do it (the caller exits 4). */
struct runner *runner_new(const struct plan *p, const struct runner_opts *o, struct diag_list *d);

/* Runs one dispatch and fills s (gated: valid/discard_reason set). Returns 0 when s is a complete
 * record, 1 when the run was interrupted during the dispatch (s is not to be recorded), -1 on a
 * failure of tare or the machine rather than of the workload (diags say what). */
int runner_dispatch(struct runner *r, const struct plan *p, const struct plan_dispatch *pd,
                    struct sample *s, struct diag_list *d);

/* Detaches and frees the capture, removes the cgroup parent. Accepts NULL. */
void runner_free(struct runner *r);

#endif
