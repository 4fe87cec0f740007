/* The run session's loop: dispatch, judge, record; the skip-cell policy; interruption; the
 * outputs at the end. */
#include "run/session.h"

#include "report/sample_json.h"
#include "report/verdicts_json.h"
#include "run/judge.h"
#include "run/outputs.h"
#include "util/atomic_file.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether a cell's calibration keeps its timed dispatches from running. Asked once per cell, at
 * its first timed dispatch: the plan runs a cell's calibration first, so by then the cell's
 * samples are the last ones recorded (in a resumed run too). */
static bool cell_blocked(const struct run_session *s, const char *cell)
{
	size_t first = s->n_samples;
	while (first > 0 && strcmp(s->samples[first - 1].cell, cell) == 0)
		first--;
	const struct sample **calib = xcalloc(s->n_samples - first + 1, sizeof(*calib));
	size_t n = 0;
	for (size_t i = first; i < s->n_samples; i++)
		if (s->samples[i].phase == PHASE_CALIBRATE)
			calib[n++] = &s->samples[i];
	bool blocked = calibration_blocks_timing(&s->matrix->gates, calib, n);
	free(calib);
	return blocked;
}

static void notify(const struct session_observer *o, enum session_event ev,
                   const struct plan_dispatch *pd)
{
	if (o && o->event)
		o->event(o->ctx, ev, pd);
}

/* Runs one dispatch, judges it and appends it. Returns 0, 1 when interrupted during it, -1. */
static int run_one(struct run_session *s, const struct dispatcher *disp,
                   const struct plan_dispatch *pd, struct diag_list *d)
{
	s->samples = xgrow(s->samples, &s->cap_samples, s->n_samples + 1, sizeof(*s->samples));
	struct sample *smp = &s->samples[s->n_samples];
	struct dispatch_observation obs = {0};
	int rc = disp->dispatch(disp->ctx, s->plan, pd, smp, &obs, d);
	if (rc != 0)
		return rc;
	judge_dispatch(&s->matrix->gates, &obs, smp);
	s->n_samples++;
	if (disp->settle)
		disp->settle(disp->ctx, pd, !smp->valid, d);
	struct json_object *o = sample_to_json(smp);
	rc = jsonl_append(s->log, s->log_path, o, d);
	json_object_put(o);
	return rc;
}

int run_session_dispatch(struct run_session *s, const struct dispatcher *disp,
                         const struct session_observer *observer,
                         volatile sig_atomic_t *interrupted, struct diag_list *d)
{
	const struct plan *p = s->plan;
	size_t judged = SIZE_MAX; /* the cell whose calibration was last judged */
	bool blocked = false;
	for (size_t i = s->next; i < p->n_dispatches; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		if (pd->phase != PHASE_CALIBRATE && pd->cell != judged) {
			judged = pd->cell;
			blocked = cell_blocked(s, s->matrix->cells[pd->cell].name);
			if (blocked)
				notify(observer, SESSION_CELL_SKIP, pd);
		}
		bool last = i + 1 == p->n_dispatches || p->dispatches[i + 1].cell != pd->cell;
		if (pd->phase != PHASE_CALIBRATE && blocked) {
			notify(observer, SESSION_DISPATCH_SKIP, pd);
			s->next = i + 1;
		} else {
			if (interrupted && *interrupted)
				return 1;
			notify(observer, SESSION_DISPATCH_START, pd);
			int rc = run_one(s, disp, pd, d);
			if (rc != 0)
				return rc;
			s->next = i + 1;
		}
		if (last)
			notify(observer, SESSION_CELL_END, pd);
	}
	return interrupted && *interrupted ? 1 : 0;
}

int run_session_finish(struct run_session *s, struct json_object *provenance, struct verdict_set *v,
                       struct json_object **verdicts_json, struct diag_list *d)
{
	const struct plan *p = s->plan;
	if (verdicts_compute(s->matrix, p->cells, p->n_cells, s->samples, s->n_samples, v) < 0)
		return diag_error(d, "internal.verdicts", NULL,
		                  "cannot compute the verdicts of '%s'", s->dir);
	*verdicts_json = verdicts_to_json(s->matrix, v);
	if (run_outputs_write(s->dir, s->matrix, p, s->samples, s->n_samples, v, *verdicts_json,
	                      provenance, s->merge, d) < 0) {
		json_object_put(*verdicts_json);
		*verdicts_json = NULL;
		verdict_set_release(v);
		return -1;
	}
	return 0;
}

void run_session_release(struct run_session *s)
{
	for (size_t i = 0; i < s->n_samples; i++)
		sample_release(&s->samples[i]);
	free(s->samples);
	if (s->log)
		fclose(s->log);
	free(s->log_path);
	plan_free(s->plan);
	matrix_free(s->matrix);
	free(s->dir);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
}
