/* Fidelity gates: target against observed per layer, and the dispatch's combined fidelity. */
#include "gate/fidelity.h"

#include <math.h>

static bool within(const struct tolerance *t, int64_t target, int64_t observed)
{
	double diff = fabs((double)observed - (double)target);
	double allowed = t->percent ? t->value / 100.0 * (double)target : t->value;
	return diff <= allowed + 1e-9;
}

struct layer_fidelity fidelity_kernel(const struct matrix_gates *g, bool arm_captures,
                                      int64_t target, bool have_observation, int64_t observed)
{
	struct layer_fidelity f = {AGREE_NOT_APPLICABLE, target, observed, -1};
	if (!arm_captures || target == 0)
		return f;
	if (!have_observation)
		f.agreement = AGREE_FAILED;
	else if (within(&g->kernel_tolerance, target, observed))
		f.agreement = AGREE_MATCH;
	else
		f.agreement = AGREE_DRIFT;
	return f;
}

struct layer_fidelity fidelity_spans(const struct matrix_gates *g, bool arm_spans, int64_t target,
                                     int64_t limit, bool have_observation, int64_t retained,
                                     int64_t dropped)
{
	int64_t observed = g->span_count == SPAN_COUNT_ADDED ? retained + dropped : retained;
	struct layer_fidelity f = {AGREE_NOT_APPLICABLE, target, observed, -1};
	if (!arm_spans || target == 0)
		return f;
	if (!have_observation) {
		f.agreement = AGREE_FAILED;
	} else if (within(&g->span_tolerance, target, observed)) {
		f.agreement = AGREE_MATCH;
	} else if (g->span_count == SPAN_COUNT_RETAINED && target > limit && retained == limit &&
	           retained + dropped == target) {
		/* the SDK kept exactly its limit and says it dropped the rest: explained loss */
		f.agreement = AGREE_CLIPPED;
		f.limit = limit;
	} else {
		f.agreement = AGREE_DRIFT;
	}
	return f;
}

enum fidelity fidelity_combine(const struct layer_fidelity *layers, int n)
{
	enum fidelity worst = FIDELITY_CLEAN;
	for (int i = 0; i < n; i++) {
		switch (layers[i].agreement) {
		case AGREE_DRIFT:
		case AGREE_FAILED:
			return FIDELITY_BROKEN;
		case AGREE_CLIPPED:
			worst = FIDELITY_LOSSY;
			break;
		case AGREE_MATCH:
		case AGREE_NOT_APPLICABLE:
			break;
		}
	}
	return worst;
}
