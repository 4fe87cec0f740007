/* The run session: a plan executed through a dispatcher into a run directory, with the skip-cell
 * policy, interruption, resume and the outputs at the end. The command line only adds arguments,
 * privileges and exit codes. */
#ifndef TARE_RUN_SESSION_H
#define TARE_RUN_SESSION_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "gate/verdict.h"
#include "matrix/matrix.h"
#include "plan/plan.h"
#include "run/dispatcher.h"
#include "run/outputs.h"
#include "sample/sample.h"
#include "util/diag.h"

struct json_object;

/* One run. Fields are the session's own: read them, never change them. */
struct run_session {
	char *dir;              /* the run directory */
	struct matrix *matrix;  /* the matrix that runs (a resumed run: its own copy) */
	struct plan *plan;      /* borrows matrix */
	struct sample *samples; /* every recorded sample in record order, resumed ones first */
	size_t n_samples, cap_samples;
	size_t next; /* the plan index of the next dispatch to run */
	FILE *log;   /* samples.jsonl, appended one flushed line per dispatch */
	char *log_path;
	int lock_fd; /* the run directory's lock (run/run_dir_create.h), held until release */
	const struct run_outputs_merge *merge; /* a merged run's additions (borrowed), else NULL */
};

/* Starts a fresh run in dir under the directory rule (run_dir_create): creates it, locks it,
 * writes tare's copy of the matrix (read from matrix_path) and plan.json, opens samples.jsonl.
 * Takes m and p (p borrows m), also on failure. Returns 0, or -1 with diags (s is released). */
int run_session_start(struct run_session *s, const char *dir, const char *matrix_path,
                      struct matrix *m, struct plan *p, struct diag_list *d);

/* Opens a run that ran elsewhere (tare merge): creates and locks dir under the directory rule,
 * writes tare's copy of the matrix (read from matrix_path), plan.json and every sample to
 * samples.jsonl, so that run_session_finish writes the outputs as for any run. Takes m, p (p
 * borrows m) and samples[0..n) (heap array), also on failure; merge is borrowed and must outlive
 * s. Returns 0, or -1 with diags (s is released). */
int run_session_adopt(struct run_session *s, const char *dir, const char *matrix_path,
                      struct matrix *m, struct plan *p, struct sample *samples, size_t n,
                      const struct run_outputs_merge *merge, struct diag_list *d);

/* Continues the run in dir: locks it, re-expands its own matrix copy with the cells of its
 * plan, insists that gives the same plan ("run.resume"), cuts a last line the interruption left
 * incomplete off samples.jsonl (that dispatch runs again) and continues after the last complete
 * one. Returns 0, or -1 with diags (s is released). */
int run_session_resume(struct run_session *s, const char *dir, struct diag_list *d);

/* Whether resuming dir loads the capture: its matrix copy declares an arm that captures. Read
 * before the privilege check (a resume's plan is read only once the directory is locked); a copy
 * that does not load says yes, and the resume then fails on it anyway. */
bool run_session_resume_captures(const char *dir);

/* What the loop reports as it goes (the command line shows progress with it). The session is
 * the observer's to read (not change) while it is called. */
enum session_event {
	SESSION_DISPATCH_START, /* pd is about to run */
	SESSION_DISPATCH_SKIP, /* pd is a timed dispatch of a skipped cell: not run, not recorded */
	SESSION_CELL_SKIP,     /* pd's cell calibrated unclean with on_fail: skip-cell; sent once,
	                          before its first skipped dispatch */
	SESSION_CELL_END, /* pd, the last dispatch of its cell, is recorded (or skipped): the cell's
	                     samples in the session are complete */
};

struct session_observer {
	void (*event)(void *ctx, enum session_event ev, const struct plan_dispatch *pd);
	void *ctx;
};

/* Runs the plan's dispatches from s->next through disp, judging each (run/judge.h) and
 * appending it to samples.jsonl as it ends. Before a cell's first timed dispatch its calibration
 * is asked whether it blocks timing (calibration_blocks_timing: not clean with on_fail:
 * skip-cell); then the cell's timed dispatches are skipped. interrupted (may be NULL) is looked
 * at between dispatches. observer may be NULL. Returns 0 when every dispatch is done, 1 when
 * interrupted (everything finished is on disk; run_session_resume continues), -1 with diags
 * when the dispatcher or the disk failed. */
int run_session_dispatch(struct run_session *s, const struct dispatcher *disp,
                         const struct session_observer *observer,
                         volatile sig_atomic_t *interrupted, struct diag_list *d);

/* Computes the verdicts of the recorded samples and writes verdicts.json and the reports
 * (run/outputs.h). provenance is borrowed. On success *v (verdict_set_release) and
 * *verdicts_json (json_object_put) are the caller's. Returns 0, or -1 with diags. */
int run_session_finish(struct run_session *s, struct json_object *provenance, struct verdict_set *v,
                       struct json_object **verdicts_json, struct diag_list *d);

/* Closes samples.jsonl, unlocks the directory, frees everything. Accepts a zeroed session. */
void run_session_release(struct run_session *s);

#endif
