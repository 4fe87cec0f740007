/* The per-dispatch gate: health and fidelity into valid/discard_reason. */
#include "gate/dispatch_gate.h"

#include "gate/fidelity.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *fmt(const char *f, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

char *layer_phrase(const char *layer, const struct layer_fidelity *f)
{
	switch (f->agreement) {
	case AGREE_CLIPPED:
		return fmt("%s clipped at %lld of %lld (limit %lld)", layer, (long long)f->observed,
		           (long long)f->target, (long long)f->limit);
	case AGREE_DRIFT:
		return fmt("%s drift: observed %lld of %lld%s", layer, (long long)f->observed,
		           (long long)f->target, f->observed > f->target ? " (over-count)" : "");
	case AGREE_FAILED:
		return fmt("%s failed: nothing observed (target %lld)", layer,
		           (long long)f->target);
	case AGREE_MATCH:
		return fmt("%s match: %lld of %lld", layer, (long long)f->observed,
		           (long long)f->target);
	case AGREE_NOT_APPLICABLE:
		break;
	}
	return fmt("%s not applicable", layer);
}

static char *health_problem(const struct matrix_gates *g, const struct sample *s)
{
	if (s->exec_error)
		return fmt("cannot execute the workload: %s", s->exec_error);
	if (s->timed_out)
		return fmt("timed out after %lld ms", (long long)s->timeout_ms);
	if (s->exit_code != g->exit_code)
		return s->term_signal
		           ? fmt("killed by signal %d", s->term_signal)
		           : fmt("exit code %d, expected %d", s->exit_code, g->exit_code);
	/* a count that failed is no observation, whether or not the cell declared kernel events */
	if (s->count_failed)
		return fmt("kernel events not counted: %s", s->count_failed);
	if (s->orphans > 0)
		return fmt("%lld process(es) outlived the workload and were killed",
		           (long long)s->orphans);
	if (s->has_capture) {
		if ((int64_t)s->dropped > g->max_ringbuf_drops)
			return fmt("ring buffer dropped %llu event(s)",
			           (unsigned long long)s->dropped);
		if (s->emitted != s->received)
			return fmt("capture incomplete: received %llu of %llu emitted",
			           (unsigned long long)s->received, (unsigned long long)s->emitted);
		if (!s->capture_clean && g->max_ringbuf_drops == 0)
			return fmt(
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
		s->discard_reason = fmt("unhealthy: %s", s->health_reason);
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
