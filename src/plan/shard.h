/* Shards for CI fan-out: each cell's estimated time, and cells dealt to N shards balanced by it. */
#ifndef TARE_PLAN_SHARD_H
#define TARE_PLAN_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "matrix/matrix.h"

/* The dispatches one cell expands to: (calibration round if pre-flight + warm-ups + repetitions)
 * × the arms it compares. */
size_t plan_cell_dispatches(const struct matrix *m, const struct matrix_cell *c);

/* The estimated wall time of one cell in microseconds: its dispatches × (a fixed cost per
 * dispatch + a cost per kernel event and payload byte + a cost per span event). A model of a
 * small VM, not a measurement (docs/plan.md "Shards"): it only has to rank cells. */
uint64_t plan_cell_estimate_us(const struct matrix *m, const struct matrix_cell *c);

/* Deals the n cells (indices into m->cells) to count shards, longest estimate first, each to the
 * shard with the least estimated time so far (ties: the lower shard; equal estimates: matrix
 * order). A cell stays whole. Writes the 0-based shard of cells[i] to shard_of[i].
 * Deterministic: the same matrix and selection give the same shards. */
void plan_shard_assign(const struct matrix *m, const size_t *cells, size_t n, int count,
                       int *shard_of);

#endif
