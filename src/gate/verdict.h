/* Cell verdicts and the matrix's boundary statement (ARCHITECTURE §6), from recorded samples. */
#ifndef TARE_GATE_VERDICT_H
#define TARE_GATE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "matrix/matrix.h"
#include "sample/sample.h"

/* In precedence order: the first that applies wins. */
enum cell_verdict {
	VERDICT_UNCALIBRATED,
	VERDICT_LOSSY,
	VERDICT_UNHEALTHY,
	VERDICT_INCONCLUSIVE,
	VERDICT_HEALTHY,
};

/* The gate a reason names; verdict_gate_name gives the name verdicts.json uses. */
enum verdict_gate {
	REASON_KERNEL_EVENTS,      /* a kernel layer's agreement was drift, failed or clipped */
	REASON_SPAN_EVENTS,        /* the same for the span layer */
	REASON_CALIBRATION_HEALTH, /* a calibration dispatch failed its health gate */
	REASON_MAX_DISCARDED,      /* an arm discarded more measured samples than max_discarded */
	REASON_TAIL_RATIO,         /* an arm's p99/median is in the fail band (opt-in) */
	REASON_WARMUPS,            /* the warm-ups failed as gates.health.warmups forbids */
	REASON_VALID_SAMPLES,      /* an arm has fewer valid measured samples than the minimum */
};

/* One machine-readable reason for a verdict. Which fields mean something depends on gate; the
 * rest are zero (strings NULL). */
struct verdict_reason {
	enum verdict_gate gate;
	char *arm; /* owned; NULL for REASON_WARMUPS, the only reason not tied to an arm */
	/* REASON_KERNEL_EVENTS, REASON_SPAN_EVENTS: the first dispatch showing it, and its layer */
	enum plan_phase phase;
	struct layer_fidelity layer; /* observed means nothing when agreement is AGREE_FAILED */
	/* REASON_CALIBRATION_HEALTH: the dispatch's health reason; REASON_MAX_DISCARDED: the first
	 * discard reason; REASON_KERNEL_EVENTS: the sample's count_failed when the layer failed
	 * because counting failed; REASON_SPAN_EVENTS: otlp_span_cause (gate/dispatch_gate.h) for
	 * an otlp arm. Owned; NULL when the sample recorded none. */
	char *detail;
	/* REASON_MAX_DISCARDED: the most allowed; REASON_VALID_SAMPLES: the fewest allowed */
	int64_t bound;
	/* REASON_TAIL_RATIO: the fail band's lower edge (ratio itself is timing, so it stays out)
	 */
	double tail_fail;
};

struct cell_verdict_result {
	const struct matrix_cell *cell; /* borrowed */
	enum cell_verdict verdict;
	struct verdict_reason *reasons; /* in the order the gates found them; owned */
	size_t n_reasons;
	char *sentence; /* one human sentence; owned */
	bool skipped;   /* timing was not recorded (on_fail: skip-cell) */
	int expect_met; /* 1/0 when the cell has expect:, -1 otherwise */
};

/* Caller-provided (verdicts_compute fills it, verdict_set_release frees what it holds). */
struct verdict_set {
	struct cell_verdict_result
	    *cells; /* in matrix order, only cells that have samples or ran */
	size_t n_cells;
	char *boundary; /* the boundary statement */
};

/* Computes the verdicts of the given cells (indices into m->cells, in order) from samples (any
 * order; those of other cells are ignored). Pure: the same samples give the same verdicts. The
 * result borrows m's cells and nothing from samples. */
int verdicts_compute(const struct matrix *m, const size_t *cells, size_t n_cells,
                     const struct sample *samples, size_t n_samples, struct verdict_set *out);
void verdict_set_release(struct verdict_set *v);

const char *cell_verdict_name(enum cell_verdict v);
/* "kernel_events", "calibration_health", ...: the "gate" of a reason in verdicts.json. */
const char *verdict_gate_name(enum verdict_gate g);

/* Whether a cell with these calibration samples is to skip its timed dispatches: any calibrate
 * sample not clean, with on_fail: skip-cell. */
bool calibration_blocks_timing(const struct matrix_gates *g, const struct sample *const *calib,
                               size_t n);

#endif
