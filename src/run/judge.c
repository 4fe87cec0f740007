/* Judging one dispatch: layer fidelities, the self-report's agreement, then the dispatch gate. */
#include "run/judge.h"

#include "gate/dispatch_gate.h"
#include "gate/fidelity.h"

#include <json-c/json.h>

static bool report_int(struct json_object *report, const char *section, const char *key,
                       int64_t *out)
{
	struct json_object *s = NULL, *v = NULL;
	if (!json_object_object_get_ex(report, section, &s) ||
	    !json_object_object_get_ex(s, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

/* Compares what the workload says it did with what tare observed independently: recorded, and
 * flagged when they disagree, but never trusted over the independent counts. */
static int self_report_agrees(const struct sample *s)
{
	int verdict = -1;
	int64_t v;
	if (s->has_capture && s->kernel.agreement != AGREE_NOT_APPLICABLE &&
	    report_int(s->self_report, "kernel_events", "done", &v))
		verdict = v == s->kernel_events_matched;
	if (s->has_span_counts && report_int(s->self_report, "span_events", "retained", &v))
		verdict = (verdict != 0) && v == s->spans_retained;
	return verdict;
}

void judge_dispatch(const struct matrix_gates *g, const struct dispatch_observation *obs,
                    struct sample *s)
{
	if (s->has_capture) {
		int64_t observed = g->kernel_count == KERNEL_COUNT_UNIQUE_PATHS
		                       ? s->kernel_unique_paths
		                       : s->kernel_events_matched;
		s->kernel =
		    fidelity_kernel(g, true, s->kernel_target, obs->kernel_counted, observed);
	} else {
		s->kernel = fidelity_kernel(g, false, s->kernel_target, false, 0);
	}
	/* an arm that traces always has its trace read; has_span_counts says whether it could */
	s->span =
	    fidelity_spans(g, s->spans, s->span_target, s->span_event_limit,
	                   s->spans && s->has_span_counts, s->spans_retained, s->spans_dropped);
	s->self_report_agrees = s->self_report ? self_report_agrees(s) : -1;
	gate_dispatch(g, s);
}
