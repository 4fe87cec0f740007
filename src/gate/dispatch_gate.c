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
		s->discard_reason =
		    layer_phrase(bad == &s->span ? "span_events" : "kernel_events", bad);
	}
	s->valid = s->discard_reason == NULL;
}
