/* Cell selection: fnmatch globs (any may match), a tier ceiling, then one shard of N balanced by
 * estimated time (plan/shard.h). */
#include "plan/select.h"

#include "plan/shard.h"
#include "util/xalloc.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>

static bool glob_selected(const struct plan_select *sel, const char *name)
{
	if (sel->n_cell_globs == 0)
		return true;
	for (size_t g = 0; g < sel->n_cell_globs; g++)
		if (fnmatch(sel->cell_globs[g], name, 0) == 0)
			return true;
	return false;
}

/* Every glob must name at least one cell of the matrix: a typo in CI should fail, not run
 * nothing. Reports every glob that matches nothing. */
static int check_globs(const struct matrix *m, const struct plan_select *sel, struct diag_list *d)
{
	int rc = 0;
	for (size_t g = 0; g < sel->n_cell_globs; g++) {
		bool hit = false;
		for (size_t c = 0; c < m->n_cells && !hit; c++)
			hit = fnmatch(sel->cell_globs[g], m->cells[c].name, 0) == 0;
		if (!hit)
			rc = diag_error(d, "plan.no-cell", NULL, "no cell matches '%s'",
			                sel->cell_globs[g]);
	}
	return rc;
}

int plan_select_cells(const struct matrix *m, const struct plan_select *sel, size_t **out,
                      size_t *n, struct diag_list *d)
{
	static const struct plan_select all = {.max_tier = -1};
	if (!sel)
		sel = &all;
	*out = NULL;
	*n = 0;
	if (sel->shard_index != 0 || sel->shard_count != 0) {
		if (sel->shard_count < 1 || sel->shard_index < 1 ||
		    sel->shard_index > sel->shard_count)
			return diag_error(d, "plan.shard", NULL,
			                  "shard %d/%d is out of range (want I/N with 1 <= I <= N)",
			                  sel->shard_index, sel->shard_count);
	}
	if (check_globs(m, sel, d) < 0)
		return -1;
	size_t *cells = xcalloc(m->n_cells ? m->n_cells : 1, sizeof(*cells));
	size_t selected = 0;
	for (size_t c = 0; c < m->n_cells; c++) {
		const struct matrix_cell *cell = &m->cells[c];
		if (!glob_selected(sel, cell->name))
			continue;
		if (sel->max_tier >= 0 && cell->tier > sel->max_tier)
			continue;
		cells[selected++] = c;
	}
	size_t kept = selected;
	if (sel->shard_count > 0 && selected > 0) {
		int *shard_of = xcalloc(selected, sizeof(*shard_of));
		plan_shard_assign(m, cells, selected, sel->shard_count, shard_of);
		kept = 0;
		for (size_t i = 0; i < selected; i++)
			if (shard_of[i] == sel->shard_index - 1)
				cells[kept++] = cells[i];
		free(shard_of);
	}
	if (selected == 0) {
		free(cells);
		if (sel->max_tier < 0)
			return diag_error(d, "plan.no-cell", NULL, "the matrix has no cells");
		return diag_error(d, "plan.no-cell", NULL, "no cell has tier <= %d%s",
		                  sel->max_tier,
		                  sel->n_cell_globs ? " among the cells matched" : "");
	}
	*out = cells;
	*n = kept;
	return 0;
}
