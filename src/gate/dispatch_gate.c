/* The per-dispatch gate: health and fidelity into valid/discard_reason. */
#include "gate/dispatch_gate.h"

#include "gate/fidelity.h"
#include "util/xalloc.h"

#include <stdlib.h>

char *layer_phrase(const char *layer, const struct layer_fidelity *f)
{
	switch (f->agreement) {
	case AGREE_CLIPPED:
		return xasprintf("%s clipped at %lld of %lld (limit %lld)", layer,
		                 (long long)f->observed, (long long)f->target, (long long)f->limit);
	case AGREE_DRIFT:
		return xasprintf("%s drift: observed %lld of %lld%s", layer, (long long)f->observed,
		                 (long long)f->target,
		                 f->observed > f->target ? " (over-count)" : "");
	case AGREE_FAILED:
		return xasprintf("%s failed: nothing observed (target %lld)", layer,
		                 (long long)f->target);
	case AGREE_MATCH:
		return xasprintf("%s match: %lld of %lld", layer, (long long)f->observed,
		                 (long long)f->target);
	case AGREE_NOT_APPLICABLE:
		break;
	}
	return xasprintf("%s not applicable", layer);
}

/* What the receiver could not count for an otlp arm, in words that name the fix; NULL when
 * every export was JSON and carried a tare.dispatch. */
static char *otlp_problem(const struct sample *s)
{
	const struct sample_otlp *t = &s->otlp;
	if (!s->has_otlp)
		return NULL;
	if (t->protobuf_refused)
		return xasprintf(
		    "the receiver refused %llu protobuf export(s) with 415: set "
		    "OTEL_EXPORTER_OTLP_PROTOCOL=http/json (tare reads OTLP JSON only)",
		    (unsigned long long)t->protobuf_refused);
	if (t->malformed)
		return xasprintf("the receiver could not read %llu export(s)%s%s",
		                 (unsigned long long)t->malformed, t->first_error ? ": " : "",
		                 t->first_error ? t->first_error : "");
	if (t->unattributed)
		return xasprintf(
		    "%llu export(s) carried no known %s resource attribute: let the SDK "
		    "read OTEL_RESOURCE_ATTRIBUTES, which tare sets",
		    (unsigned long long)t->unattributed, "tare.dispatch");
	return NULL;
}

char *otlp_span_cause(const struct sample *s)
{
	if (!s->has_otlp || (s->span.agreement != AGREE_DRIFT && s->span.agreement != AGREE_FAILED))
		return NULL;
	char *problem = otlp_problem(s);
	if (problem)
		return problem;
	if (s->otlp.spans == 0)
		return xasprintf("no span reached the receiver: the workload exited before its "
		                 "exporter flushed");
	return NULL;
}

static char *health_problem(const struct matrix_gates *g, const struct sample *s)
{
	if (s->exec_error)
		return xasprintf("cannot execute the workload: %s", s->exec_error);
	if (s->timed_out)
		return xasprintf("timed out after %lld ms", (long long)s->timeout_ms);
	if (s->exit_code != g->exit_code)
		return s->term_signal
		           ? xasprintf("killed by signal %d", s->term_signal)
		           : xasprintf("exit code %d, expected %d", s->exit_code, g->exit_code);
	/* a count that failed is no observation, whether or not the cell declared kernel events */
	if (s->count_failed)
		return xasprintf("kernel events not counted: %s", s->count_failed);
	if (s->orphans > 0)
		return xasprintf("%lld process(es) outlived the workload and were killed",
		                 (long long)s->orphans);
	char *otlp = otlp_problem(s);
	if (otlp)
		return otlp;
	if (s->has_capture) {
		if ((int64_t)s->dropped > g->max_ringbuf_drops)
			return xasprintf("ring buffer dropped %llu event(s)",
			                 (unsigned long long)s->dropped);
		if (s->emitted != s->received)
			return xasprintf("capture incomplete: received %llu of %llu emitted",
			                 (unsigned long long)s->received,
			                 (unsigned long long)s->emitted);
		if (!s->capture_clean && g->max_ringbuf_drops == 0)
			return xasprintf(
			    "capture not clean (filter did not match the dispatch's cgroup)");
	}
	return NULL;
}

void gate_dispatch(const struct matrix_gates *g, struct sample *s)
{
	struct layer_fidelity layers[2] = {s->kernel, s->span};
	s->fidelity = fidelity_combine(layers, 2);
	free(s->health_reason);
	s->health_reason = health_problem(g, s);
	s->health_ok = s->health_reason == NULL;
	free(s->discard_reason);
	s->discard_reason = NULL;
	if (!s->health_ok) {
		s->discard_reason = xasprintf("unhealthy: %s", s->health_reason);
	} else if (s->fidelity != FIDELITY_CLEAN) {
		/* name the first layer that is not clean */
		const struct layer_fidelity *bad =
		    s->kernel.agreement == AGREE_MATCH ||
		            s->kernel.agreement == AGREE_NOT_APPLICABLE
		        ? &s->span
		        : &s->kernel;
		char *cause = bad == &s->span ? otlp_span_cause(s) : NULL;
		s->discard_reason =
		    cause ? xasprintf("span_events %s: %s", agreement_name(bad->agreement), cause)
		          : layer_phrase(bad == &s->span ? "span_events" : "kernel_events", bad);
		free(cause);
	}
	s->valid = s->discard_reason == NULL;
}
