/* Expansion: selected cells × phases × rounds × arms, in the order ARCHITECTURE §4 fixes. */
#include "plan/plan.h"

#include "plan/arena.h"
#include "plan/order.h"
#include "plan/select.h"
#include "plan/shard.h"
#include "plan/workload_argv.h"
#include "util/name_table.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const phase_names[] = {"calibrate", "warmup", "measure"};

const char *plan_phase_name(enum plan_phase p)
{
	return phase_names[p];
}

int plan_phase_from_name(const char *name, enum plan_phase *out)
{
	int k = name_table_find(phase_names, NAME_TABLE_LEN(phase_names), name);
	if (k >= 0)
		*out = (enum plan_phase)k;
	return k < 0 ? -1 : 0;
}

static int count_dispatches(const struct matrix *m, const struct plan *p, size_t *total,
                            struct diag_list *d)
{
	*total = 0;
	for (size_t i = 0; i < p->n_cells; i++) {
		const struct matrix_cell *c = &m->cells[p->cells[i]];
		if (c->n_compare == 0 || c->n_compare > PLAN_MAX_ARMS)
			return diag_error(d, "plan.compare", NULL,
			                  "cell '%s' compares %zu arms (want 1 to %d)", c->name,
			                  c->n_compare, PLAN_MAX_ARMS);
		size_t n = plan_cell_dispatches(m, c);
		if (n > SIZE_MAX / sizeof(struct plan_dispatch) - *total)
			return diag_error(d, "plan.too-large", NULL, "the plan is too large");
		*total += n;
	}
	return 0;
}

/* Appends the k dispatches of one round, arms in the order the cell's order gives. */
static int add_round(struct plan *p, struct strbuf *scratch, size_t cell, enum plan_phase phase,
                     int round, const size_t *order, struct diag_list *d)
{
	const struct matrix_cell *c = &p->matrix->cells[cell];
	for (size_t slot = 0; slot < c->n_compare; slot++) {
		struct plan_dispatch *pd = &p->dispatches[p->n_dispatches];
		char work_dir[32];
		pd->index = p->n_dispatches;
		pd->cell = cell;
		pd->phase = phase;
		pd->round = round;
		pd->slot = (int)slot;
		pd->arm = c->compare[order[slot]];
		snprintf(work_dir, sizeof(work_dir), "work/%06zu", pd->index);
		pd->work_dir = arena_strdup(p->arena, work_dir);
		p->n_dispatches++;
		if (plan_workload_resolve(p->matrix, p->arena, scratch, pd, d) < 0)
			return -1;
	}
	return 0;
}

static int expand_cell(struct plan *p, struct strbuf *scratch, size_t cell, struct diag_list *d)
{
	const struct matrix_cell *c = &p->matrix->cells[cell];
	size_t order[PLAN_MAX_ARMS];
	if (p->matrix->gates.preflight) {
		/* calibration is not timed, so carry-over does not matter: declared order */
		plan_round_order(ORDER_FIXED, c->n_compare, 1, c->seed, c->name, order);
		if (add_round(p, scratch, cell, PHASE_CALIBRATE, 1, order, d) < 0)
			return -1;
	}
	static const enum plan_phase timed[] = {PHASE_WARMUP, PHASE_MEASURE};
	for (size_t t = 0; t < 2; t++) {
		int rounds = timed[t] == PHASE_WARMUP ? c->warmups : c->repetitions;
		for (int r = 1; r <= rounds; r++) {
			plan_round_order(c->order, c->n_compare, r, c->seed, c->name, order);
			if (add_round(p, scratch, cell, timed[t], r, order, d) < 0)
				return -1;
		}
	}
	return 0;
}

static void record_selection(struct plan *p, const struct plan_select *sel)
{
	p->max_tier = -1;
	if (!sel)
		return;
	p->max_tier = sel->max_tier;
	p->shard_index = sel->shard_index;
	p->shard_count = sel->shard_count;
	if (sel->n_cell_globs == 0)
		return;
	p->cell_globs = xcalloc(sel->n_cell_globs, sizeof(char *));
	for (size_t i = 0; i < sel->n_cell_globs; i++)
		p->cell_globs[p->n_cell_globs++] = xstrdup(sel->cell_globs[i]);
}

/* Records the digest of the plan the shard is part of, which a merge of the shards checks. */
static int full_digest(struct plan *p, const struct plan_select *sel, struct diag_list *d)
{
	struct plan_select all = *sel;
	all.shard_index = all.shard_count = 0;
	struct plan *full = plan_expand(p->matrix, &all, d);
	if (!full)
		return -1;
	plan_digest(full, p->full_sha256);
	plan_free(full);
	return 0;
}

struct plan *plan_expand(const struct matrix *m, const struct plan_select *sel, struct diag_list *d)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	p->matrix = m;
	size_t total = 0;
	record_selection(p, sel);
	if (plan_select_cells(m, sel, &p->cells, &p->n_cells, d) < 0 ||
	    count_dispatches(m, p, &total, d) < 0)
		goto fail;
	p->dispatches = xcalloc(total ? total : 1, sizeof(*p->dispatches));
	p->arena = arena_new();
	struct strbuf scratch;
	strbuf_init(&scratch);
	for (size_t i = 0; i < p->n_cells; i++)
		if (expand_cell(p, &scratch, p->cells[i], d) < 0) {
			strbuf_release(&scratch);
			goto fail;
		}
	strbuf_release(&scratch);
	if (p->shard_count > 0 && full_digest(p, sel, d) < 0)
		goto fail;
	return p;
fail:
	plan_free(p);
	return NULL;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	arena_free(p->arena);
	free(p->dispatches);
	free(p->cells);
	for (size_t i = 0; i < p->n_cell_globs; i++)
		free(p->cell_globs[i]);
	free(p->cell_globs);
	free(p);
}

bool plan_has_capture(const struct plan *p)
{
	for (size_t i = 0; i < p->n_dispatches; i++)
		if (p->matrix->arms[p->dispatches[i].arm].capture == ARM_CAPTURE_EBPF)
			return true;
	return false;
}
