/* The run's OTLP receiver around one otlp dispatch: its endpoint, and its counts in the sample. */
#include "run/otlp_window.h"

#include "util/clock.h"
#include "util/xalloc.h"

#include <stdlib.h>

bool plan_has_otlp(const struct plan *p)
{
	for (size_t i = 0; i < p->n_dispatches; i++)
		if (p->matrix->arms[p->dispatches[i].arm].otlp)
			return true;
	return false;
}

char *otlp_window_endpoint(const struct otlp_receiver *r)
{
	return xasprintf("http://127.0.0.1:%u", (unsigned)otlp_receiver_port(r));
}

void otlp_window_record(struct sample *s, const struct otlp_dispatch_counts *c,
                        struct otlp_problems *problems, int64_t reaped_ns)
{
	struct sample_otlp *t = &s->otlp;
	s->has_otlp = true;
	t->export_requests = c->export_requests;
	t->bytes = c->bytes;
	t->spans = c->spans;
	t->events_retained = c->events_retained;
	t->events_dropped = c->events_dropped;
	t->attributes_dropped = c->attributes_dropped;
	t->links_dropped = c->links_dropped;
	t->last_export_after_exit_ms =
	    c->last_export_ns ? (double)(c->last_export_ns - reaped_ns) / (double)CLOCK_NS_PER_MS
	                      : 0;
	t->late_exports = problems->late_exports;
	t->late_spans = problems->late_spans;
	t->protobuf_refused = problems->protobuf_refused;
	t->malformed = problems->malformed;
	t->unattributed = problems->unattributed;
	free(t->first_error);
	t->first_error = problems->first_error;
	problems->first_error = NULL;
	/* the receiver always observes: nothing received is a count of 0, which the span gate
	 * judges (drift, with the cause gate/dispatch_gate.h names), not a failed read */
	s->has_span_counts = true;
	s->spans_retained = (int64_t)c->events_retained;
	s->spans_dropped = (int64_t)c->events_dropped;
}
