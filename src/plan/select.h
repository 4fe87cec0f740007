/* Which cells of a matrix a plan expands: globs, tier, shard (ARCHITECTURE §4). */
#ifndef TARE_PLAN_SELECT_H
#define TARE_PLAN_SELECT_H

#include <stddef.h>

#include "plan/plan.h"

/* Fills *out (a new array, caller frees; NULL when none) with the indices of the selected cells in
 * matrix order and *n with their count. sel may be NULL (every cell). A glob that matches no cell
 * of the matrix, a tier filter that leaves nothing, and a shard outside 1..N are errors (returns
 * -1 with errors in d, *out NULL). An empty shard of a non-empty selection is not an error: CI
 * fans out to N jobs without knowing the cell count. */
int plan_select_cells(const struct matrix *m, const struct plan_select *sel, size_t **out,
                      size_t *n, struct diag_list *d);

#endif
