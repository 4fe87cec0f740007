/* verdicts.json from the gate's plain verdicts: the shape golden files are reviewed in. */
#include "report/verdicts_json.h"

#include <json-c/json.h>

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* Key order and which keys appear are part of the golden files: change them only with them. */
static struct json_object *reason_json(const struct verdict_reason *r)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "gate", json_object_new_string(verdict_gate_name(r->gate)));
	if (r->gate != REASON_WARMUPS)
		json_object_object_add(o, "arm", str_or_null(r->arm));
	switch (r->gate) {
	case REASON_KERNEL_EVENTS:
	case REASON_SPAN_EVENTS:
		json_object_object_add(o, "phase",
		                       json_object_new_string(plan_phase_name(r->phase)));
		json_object_object_add(o, "agreement",
		                       json_object_new_string(agreement_name(r->layer.agreement)));
		json_object_object_add(o, "target", json_object_new_int64(r->layer.target));
		json_object_object_add(o, "observed",
		                       r->layer.agreement == AGREE_FAILED
		                           ? NULL
		                           : json_object_new_int64(r->layer.observed));
		if (r->layer.limit >= 0)
			json_object_object_add(o, "limit", json_object_new_int64(r->layer.limit));
		/* why the kernel events could not be counted, or what the OTLP receiver saw */
		if (r->detail)
			json_object_object_add(o, "detail", json_object_new_string(r->detail));
		break;
	case REASON_CALIBRATION_HEALTH:
		json_object_object_add(o, "detail", str_or_null(r->detail));
		break;
	case REASON_MAX_DISCARDED:
		json_object_object_add(o, "max", json_object_new_int64(r->bound));
		json_object_object_add(o, "first_discard", str_or_null(r->detail));
		break;
	case REASON_TAIL_RATIO:
		json_object_object_add(o, "fail", json_object_new_double(r->tail_fail));
		break;
	case REASON_VALID_SAMPLES:
		json_object_object_add(o, "min", json_object_new_int64(r->bound));
		break;
	case REASON_WARMUPS:
		break;
	}
	return o;
}

static struct json_object *targets_json(const struct matrix_cell *c)
{
	struct json_object *t = json_object_new_object();
	json_object_object_add(t, "kernel_events", json_object_new_int64(c->kernel_events.value));
	json_object_object_add(t, "span_events", json_object_new_int64(c->span_events.value));
	json_object_object_add(t, "span_event_limit", json_object_new_int64(c->span_event_limit));
	json_object_object_add(t, "concurrency", json_object_new_int64(c->concurrency.value));
	json_object_object_add(t, "payload_bytes", json_object_new_int64(c->payload_bytes.value));
	return t;
}

static struct json_object *cell_json(const struct cell_verdict_result *r)
{
	struct json_object *c = json_object_new_object();
	json_object_object_add(c, "cell", json_object_new_string(r->cell->name));
	json_object_object_add(c, "verdict", json_object_new_string(cell_verdict_name(r->verdict)));
	json_object_object_add(c, "skipped", json_object_new_boolean(r->skipped));
	json_object_object_add(c, "targets", targets_json(r->cell));
	struct json_object *reasons = json_object_new_array();
	for (size_t k = 0; k < r->n_reasons; k++)
		json_object_array_add(reasons, reason_json(&r->reasons[k]));
	json_object_object_add(c, "reasons", reasons);
	json_object_object_add(c, "sentence", json_object_new_string(r->sentence));
	json_object_object_add(c, "expect", str_or_null(r->cell->expect));
	json_object_object_add(c, "expect_met",
	                       r->expect_met < 0 ? NULL : json_object_new_boolean(r->expect_met));
	return c;
}

struct json_object *verdicts_to_json(const struct matrix *m, const struct verdict_set *v)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.verdicts.v1"));
	json_object_object_add(o, "matrix", json_object_new_string(m->name));
	struct json_object *cells = json_object_new_array();
	int counts[VERDICT_HEALTHY + 1] = {0};
	for (size_t i = 0; i < v->n_cells; i++) {
		counts[v->cells[i].verdict]++;
		json_object_array_add(cells, cell_json(&v->cells[i]));
	}
	json_object_object_add(o, "cells", cells);
	struct json_object *cnt = json_object_new_object();
	for (int k = 0; k <= VERDICT_HEALTHY; k++)
		json_object_object_add(cnt, cell_verdict_name((enum cell_verdict)k),
		                       json_object_new_int(counts[k]));
	json_object_object_add(o, "counts", cnt);
	json_object_object_add(o, "boundary", json_object_new_string(v->boundary));
	return o;
}
