/* The per-dispatch gate: health plus fidelity decide whether a sample may enter statistics. */
#ifndef TARE_GATE_DISPATCH_GATE_H
#define TARE_GATE_DISPATCH_GATE_H

#include "sample/sample.h"
#include "matrix/matrix.h"

/* From the sample's recorded outcome, counters and layer fidelities, sets fidelity, health_ok,
 * health_reason, valid and discard_reason (ARCHITECTURE §6). Health: the exit code the gate
 * expects, no timeout, the command executed, the captured events counted (count_failed NULL), no
 * process outliving the workload, for capture arms emitted == received with drops within
 * max_ringbuf_drops, and for otlp arms every export readable, JSON and attributed (late exports of
 * earlier dispatches are recorded, not a failure of this one). */
void gate_dispatch(const struct matrix_gates *g, struct sample *s);

/* Why an otlp arm's span layer is not what the cell declared, when the receiver knows: what it
 * refused or could not attribute, or that no span reached it at all ("no span reached the
 * receiver: the workload exited before its exporter flushed"). NULL when the layer is a match,
 * clipped or not applicable, or the arm has no otlp. New string. */
char *otlp_span_cause(const struct sample *s);

/* A human phrase for one layer's agreement: "kernel_events drift: observed 99 of 100". New string.
 */
char *layer_phrase(const char *layer, const struct layer_fidelity *f);

#endif
