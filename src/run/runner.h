/* The runner: the real dispatcher. Executes one dispatch (cgroup, capture, spawn, drain, count)
 * and records what it observed; the session judges it. The only stage that touches processes
 * and BPF. */
#ifndef TARE_RUN_RUNNER_H
#define TARE_RUN_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "plan/plan.h"
#include "run/dispatcher.h"
#include "run/spawn_helper.h"
#include "sample/sample.h"
#include "util/diag.h"

struct runner_opts {
	const char *out_dir;    /* the run directory (work/ and captures/ go below it) */
	bool keep_captures;     /* keep kernel.ndjson and spans.jsonl under captures/ */
	uint64_t ringbuf_bytes; /* 0: the matrix's capture.ringbuf_size */
	int64_t grace_ms;       /* SIGTERM → SIGKILL grace on timeout */
	volatile sig_atomic_t *interrupted; /* the flag of run/interrupt.h */
	/* run each dispatch without a cgroup leaf (an unprivileged run of a plan that does not
	 * capture): memory and CPU from spawn_helper (without it none, with the reason), processes
	 * left behind are the process group's only, and a plan that captures is refused */
	bool no_cgroups;
	/* spawns the workloads when the memory figure cannot come from a cgroup (no_cgroups, or
	 * no memory controller): its wait4, with its own high-water mark as the floor
	 * (run/spawn_helper.h); NULL or unavailable: that figure is null with the reason.
	 * Borrowed. */
	struct spawn_helper *spawn_helper;
};

struct runner;

/* Loads the capture programs when any arm of the plan captures, and creates the run's cgroup
 * parent (unless o->no_cgroups). Returns NULL with diags when the machine cannot do it (the caller
 * exits 4). */
struct runner *runner_new(const struct plan *p, const struct runner_opts *o, struct diag_list *d);

/* Runs one dispatch in its own work directory (created fresh: one that exists is an error,
 * "run.work-exists") and fills s and obs as struct dispatcher's dispatch says: raw, not judged.
 * Returns 0 when s is a complete record (the work directory stays until runner_settle), 1 when
 * the run was interrupted during the dispatch, -1 on a failure of tare or the machine rather
 * than of the workload (diags say what); s is released on 1 and -1. */
int runner_dispatch(struct runner *r, const struct plan *p, const struct plan_dispatch *pd,
                    struct sample *s, struct dispatch_observation *obs, struct diag_list *d);

/* Keeps the last complete dispatch's stdout/stderr in logs/ when keep_output (or with
 * --keep-captures, which also keeps captures/<index>/), then removes its work directory. */
void runner_settle(struct runner *r, const struct plan_dispatch *pd, bool keep_output,
                   struct diag_list *d);

/* The runner as the session's dispatcher; r is borrowed and must outlive it. */
struct dispatcher runner_dispatcher(struct runner *r);

/* Detaches and frees the capture, removes the cgroup parent and an unsettled work directory.
 * Accepts NULL. */
void runner_free(struct runner *r);

#endif
