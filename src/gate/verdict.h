/* Cell verdicts and the matrix's boundary statement (ARCHITECTURE §6), from recorded samples. */
#ifndef TARE_GATE_VERDICT_H
#define TARE_GATE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "sample/sample.h"
#include "matrix/matrix.h"

struct json_object;

/* In precedence order: the first that applies wins. */
enum cell_verdict {
	VERDICT_UNCALIBRATED,
	VERDICT_LOSSY,
	VERDICT_UNHEALTHY,
	VERDICT_INCONCLUSIVE,
	VERDICT_HEALTHY,
};

struct cell_verdict_result {
	const struct matrix_cell *cell; /* borrowed */
	enum cell_verdict verdict;
	struct json_object *reasons; /* array of machine-readable reasons; owned */
	char *sentence;              /* one human sentence; owned */
	bool skipped;                /* timing was not recorded (on_fail: skip-cell) */
	int expect_met;              /* 1/0 when the cell has expect:, -1 otherwise */
};

struct verdict_set {
	struct cell_verdict_result
	    *cells; /* in matrix order, only cells that have samples or ran */
	size_t n_cells;
	char *boundary; /* the boundary statement */
};

/* Computes the verdicts of the given cells (indices into m->cells, in order) from samples (any
 * order; those of other cells are ignored). Pure: the same samples give the same verdicts. */
int verdicts_compute(const struct matrix *m, const size_t *cells, size_t n_cells,
                     const struct sample *samples, size_t n_samples, struct verdict_set *out);
void verdict_set_release(struct verdict_set *v);

const char *cell_verdict_name(enum cell_verdict v);

/* Whether a cell with these calibration samples is to skip its timed dispatches: any calibrate
 * sample not clean, with on_fail: skip-cell. */
bool calibration_blocks_timing(const struct matrix_gates *g, const struct sample *const *calib,
                               size_t n);

/* verdicts.json (tare.verdicts.v1): deterministic, no times, hosts, dates or paths. New object. */
struct json_object *verdicts_to_json(const struct matrix *m, const struct verdict_set *v);

#endif
