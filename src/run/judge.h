/* Judging one dispatch: the gates applied to what a dispatcher observed (ARCHITECTURE §6). */
#ifndef TARE_RUN_JUDGE_H
#define TARE_RUN_JUDGE_H

#include "matrix/matrix.h"
#include "run/dispatcher.h"
#include "sample/sample.h"

/* Fills the gates' conclusions of a complete raw sample: each layer's fidelity against the
 * cell's targets, whether the workload's self-report agrees with the independent counts, and
 * (gate_dispatch) fidelity, health and validity. */
void judge_dispatch(const struct matrix_gates *g, const struct dispatch_observation *obs,
                    struct sample *s);

#endif
