/* Fidelity gates (ARCHITECTURE §6): did each layer observe exactly what the cell declared? */
#ifndef TARE_GATE_FIDELITY_H
#define TARE_GATE_FIDELITY_H

#include <stdbool.h>
#include <stdint.h>

#include "spec/matrix.h"

enum agreement {
	AGREE_NOT_APPLICABLE, /* the arm does not carry the layer, or the target is 0 */
	AGREE_MATCH,          /* observed within tolerance of the target */
	AGREE_CLIPPED,        /* below target exactly as a declared limit explains */
	AGREE_DRIFT,          /* anything else, over-counts included */
	AGREE_FAILED,         /* no observation: capture missing, trace unreadable */
};

/* One layer's verdict for one dispatch. */
struct layer_fidelity {
	enum agreement agreement;
	int64_t target;
	int64_t observed; /* meaningful unless agreement is FAILED or NOT_APPLICABLE w/o data */
	int64_t limit;    /* the limit that explains a clip (span_event_limit), else -1 */
};

enum fidelity { FIDELITY_CLEAN, FIDELITY_LOSSY, FIDELITY_BROKEN };

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

const char *agreement_name(enum agreement a);
const char *fidelity_name(enum fidelity f);

#endif
