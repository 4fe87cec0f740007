/* Fidelity gates (ARCHITECTURE §6): did each layer observe exactly what the cell declared? */
#ifndef TARE_GATE_FIDELITY_H
#define TARE_GATE_FIDELITY_H

#include <stdbool.h>
#include <stdint.h>

#include "matrix/matrix.h"
#include "sample/sample.h"

/* The kernel layer. observed is the count the gate declares (events or unique paths);
 * have_observation is false when the capture produced nothing to count. */
struct layer_fidelity fidelity_kernel(const struct matrix_gates *g, bool arm_captures,
                                      int64_t target, bool have_observation, int64_t observed);

/* The span layer, from the exported trace: retained events and droppedEventsCount. */
struct layer_fidelity fidelity_spans(const struct matrix_gates *g, bool arm_spans, int64_t target,
                                     int64_t limit, bool have_observation, int64_t retained,
                                     int64_t dropped);

/* clean: every layer match/not_applicable; lossy: the worst is clipped; broken otherwise. */
enum fidelity fidelity_combine(const struct layer_fidelity *layers, int n);

#endif
