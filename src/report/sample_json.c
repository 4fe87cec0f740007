/* The sample record to and from its JSON line (schemas/sample.v1.schema.json). */
#include "report/sample_json.h"

#include "matrix/matrix.h"
#include "util/diag.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *i64(int64_t v)
{
	return json_object_new_int64(v);
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *layer_json(const struct layer_fidelity *f, const char *observed_key)
{
	struct json_object *o = json_object_new_object();
	add(o, "target", i64(f->target));
	add(o, observed_key, i64(f->observed));
	add(o, "agreement", json_object_new_string(agreement_name(f->agreement)));
	add(o, "limit", f->limit >= 0 ? i64(f->limit) : NULL);
	return o;
}

/* A figure, or null when there is none (-1). */
static struct json_object *i64_or_null(int64_t v)
{
	return v >= 0 ? i64(v) : NULL;
}

static struct json_object *resources_json(const struct sample_resources *r)
{
	struct json_object *o = json_object_new_object();
	add(o, "memory_peak_kib", i64_or_null(r->memory_peak_kib));
	add(o, "memory_floor_kib", i64_or_null(r->memory_floor_kib));
	add(o, "cpu_user_us", i64_or_null(r->cpu_user_us));
	add(o, "cpu_sys_us", i64_or_null(r->cpu_sys_us));
	add(o, "capture_memory_kib", i64_or_null(r->capture_memory_kib));
	add(o, "source", json_object_new_string(r->source ? r->source : "none"));
	bool missing = r->memory_peak_kib < 0 || r->cpu_user_us < 0 || r->cpu_sys_us < 0;
	/* a missing figure always says why, even from a dispatcher that measured nothing */
	add(o, "reason",
	    r->reason ? json_object_new_string(r->reason)
	    : missing ? json_object_new_string("not measured")
	              : NULL);
	return o;
}

static struct json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

/* Milliseconds to the microsecond, printed as such rather than as the double's full digits. */
static struct json_object *ms_json(double ms)
{
	char text[32];
	snprintf(text, sizeof(text), "%.3f", ms);
	return json_object_new_double_s(strtod(text, NULL), text);
}

static struct json_object *otlp_json(const struct sample *s)
{
	if (!s->has_otlp)
		return NULL;
	const struct sample_otlp *t = &s->otlp;
	struct json_object *o = json_object_new_object();
	add(o, "export_requests", u64(t->export_requests));
	add(o, "bytes", u64(t->bytes));
	add(o, "spans", u64(t->spans));
	add(o, "events_retained", u64(t->events_retained));
	add(o, "events_dropped", u64(t->events_dropped));
	add(o, "attributes_dropped", u64(t->attributes_dropped));
	add(o, "links_dropped", u64(t->links_dropped));
	add(o, "last_export_after_exit_ms",
	    t->export_requests ? ms_json(t->last_export_after_exit_ms) : NULL);
	add(o, "late_exports", u64(t->late_exports));
	add(o, "late_spans", u64(t->late_spans));
	add(o, "protobuf_refused", u64(t->protobuf_refused));
	add(o, "malformed", u64(t->malformed));
	add(o, "unattributed", u64(t->unattributed));
	add(o, "first_error", str_or_null(t->first_error));
	return o;
}

/* Where the span layer's counts come from: the receiver, the {trace_out} file, or nowhere. */
static struct json_object *span_source(const struct sample *s)
{
	return s->has_otlp ? json_object_new_string("otlp")
	       : s->spans  ? json_object_new_string("file")
	                   : NULL;
}

struct json_object *sample_to_json(const struct sample *s)
{
	struct json_object *o = json_object_new_object();
	add(o, "schema", json_object_new_string("tare.sample.v1"));
	add(o, "index", i64((int64_t)s->index));
	add(o, "cell", json_object_new_string(s->cell));
	add(o, "phase", json_object_new_string(plan_phase_name(s->phase)));
	add(o, "round", json_object_new_int(s->round));
	add(o, "slot", json_object_new_int(s->slot));
	add(o, "arm", json_object_new_string(s->arm));
	add(o, "capture",
	    json_object_new_string(
	        arm_capture_name(s->capture ? ARM_CAPTURE_EBPF : ARM_CAPTURE_NONE)));
	add(o, "spans", json_object_new_boolean(s->spans));

	struct json_object *p = json_object_new_object();
	add(p, "kernel_events", i64(s->kernel_target));
	add(p, "span_events", i64(s->span_target));
	add(p, "concurrency", i64(s->concurrency));
	add(p, "payload_bytes", i64(s->payload_bytes));
	add(p, "span_event_limit", i64(s->span_event_limit));
	add(p, "timeout_ms", i64(s->timeout_ms));
	add(o, "params", p);

	struct json_object *argv = json_object_new_array();
	for (size_t i = 0; i < s->argc; i++)
		json_object_array_add(argv, json_object_new_string(s->argv[i]));
	add(o, "argv", argv);

	add(o, "exit_code", json_object_new_int(s->exit_code));
	add(o, "signal", s->term_signal ? json_object_new_int(s->term_signal) : NULL);
	add(o, "timed_out", json_object_new_boolean(s->timed_out));
	add(o, "exec_error", str_or_null(s->exec_error));
	add(o, "orphans", i64(s->orphans));
	add(o, "output_truncated", json_object_new_boolean(s->output_truncated));
	add(o, "stdout_bytes", i64((int64_t)s->stdout_bytes));
	add(o, "stderr_bytes", i64((int64_t)s->stderr_bytes));

	add(o, "start_unix_ns", i64(s->start_unix_ns));
	struct json_object *t = json_object_new_object();
	add(t, "attach", i64(s->attach_ns));
	add(t, "spawn", i64(s->spawn_ns));
	add(t, "workload", i64(s->workload_ns));
	add(t, "drain", i64(s->drain_ns));
	add(t, "detach", i64(s->detach_ns));
	add(t, "wall", i64(s->wall_ns));
	add(o, "timings_ns", t);

	add(o, "resources", resources_json(&s->resources));

	struct json_object *c = NULL;
	if (s->has_capture) {
		c = json_object_new_object();
		add(c, "emitted", i64((int64_t)s->emitted));
		add(c, "received", i64((int64_t)s->received));
		add(c, "dropped", i64((int64_t)s->dropped));
		add(c, "filtered_in", i64((int64_t)s->filtered_in));
		add(c, "clean", json_object_new_boolean(s->capture_clean));
	}
	add(o, "capture_counters", c);

	struct json_object *k = layer_json(&s->kernel, "observed");
	add(k, "matched_events", i64(s->kernel_events_matched));
	add(k, "unique_paths", i64(s->kernel_unique_paths));
	/* only when counting failed: a run that counted writes the lines it always wrote, and a
	 * merged or rewritten run stays byte for byte what it was */
	if (s->count_failed)
		add(k, "count_failed", json_object_new_string(s->count_failed));
	add(o, "kernel", k);
	struct json_object *sp = layer_json(&s->span, "observed");
	add(sp, "retained", s->has_span_counts ? i64(s->spans_retained) : NULL);
	add(sp, "dropped", s->has_span_counts ? i64(s->spans_dropped) : NULL);
	if (!s->written_before_otlp)
		add(sp, "source", span_source(s));
	add(o, "span", sp);
	if (!s->written_before_otlp)
		add(o, "otlp", otlp_json(s));

	add(o, "self_report", s->self_report ? json_object_get(s->self_report) : NULL);
	add(o, "self_report_agrees",
	    s->self_report_agrees < 0 ? NULL : json_object_new_boolean(s->self_report_agrees));
	add(o, "fidelity", json_object_new_string(fidelity_name(s->fidelity)));
	struct json_object *h = json_object_new_object();
	add(h, "ok", json_object_new_boolean(s->health_ok));
	add(h, "reason", str_or_null(s->health_reason));
	add(o, "health", h);
	add(o, "valid", json_object_new_boolean(s->valid));
	add(o, "discard_reason", str_or_null(s->discard_reason));
	return o;
}

/* Reading back: a small cursor that records the first missing or mistyped field. */
struct reader {
	struct diag_list *d;
	int failed;
};

static struct json_object *field(struct reader *r, struct json_object *o, const char *key,
                                 enum json_type type)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type)) {
		if (!r->failed)
			diag_error(r->d, "sample.field", NULL,
			           "sample field '%s' is missing or not %s", key,
			           json_type_to_name(type));
		r->failed = 1;
		return NULL;
	}
	return v;
}

static int64_t get_i64(struct reader *r, struct json_object *o, const char *key)
{
	return json_object_get_int64(field(r, o, key, json_type_int));
}

static bool get_bool(struct reader *r, struct json_object *o, const char *key)
{
	return json_object_get_boolean(field(r, o, key, json_type_boolean));
}

static char *get_str(struct reader *r, struct json_object *o, const char *key)
{
	struct json_object *v = field(r, o, key, json_type_string);
	return v ? xstrdup(json_object_get_string(v)) : NULL;
}

/* A string that may be null. */
static char *get_opt_str(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		return xstrdup(json_object_get_string(v));
	return NULL;
}

static int64_t get_opt_i64(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *v = NULL;
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	return dflt;
}

/* A field that must hold one of an enum's names: the reader fails on any other string. */
static bool bad_name(struct reader *r, const char *key, const char *value)
{
	if (!r->failed)
		diag_error(r->d, "sample.field", NULL, "sample field '%s' has unknown value '%s'",
		           key, value ? value : "");
	r->failed = 1;
	return false;
}

static void read_layer(struct reader *r, struct json_object *o, struct layer_fidelity *f)
{
	if (!o)
		return;
	f->target = get_i64(r, o, "target");
	f->observed = get_i64(r, o, "observed");
	f->limit = get_opt_i64(o, "limit", -1);
	struct json_object *a = field(r, o, "agreement", json_type_string);
	if (a && agreement_from_name(json_object_get_string(a), &f->agreement) < 0)
		bad_name(r, "agreement", json_object_get_string(a));
}

static uint64_t get_u64(struct reader *r, struct json_object *o, const char *key)
{
	return (uint64_t)json_object_get_int64(field(r, o, key, json_type_int));
}

/* The otlp block; absent (or null) for arms without otlp and in samples written before it. */
static void read_otlp(struct reader *r, struct json_object *o, struct sample *s)
{
	struct sample_otlp *t = &s->otlp;
	s->has_otlp = true;
	t->export_requests = get_u64(r, o, "export_requests");
	t->bytes = get_u64(r, o, "bytes");
	t->spans = get_u64(r, o, "spans");
	t->events_retained = get_u64(r, o, "events_retained");
	t->events_dropped = get_u64(r, o, "events_dropped");
	t->attributes_dropped = get_u64(r, o, "attributes_dropped");
	t->links_dropped = get_u64(r, o, "links_dropped");
	struct json_object *v = NULL;
	if (json_object_object_get_ex(o, "last_export_after_exit_ms", &v) &&
	    (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		t->last_export_after_exit_ms = json_object_get_double(v);
	t->late_exports = get_u64(r, o, "late_exports");
	t->late_spans = get_u64(r, o, "late_spans");
	t->protobuf_refused = get_u64(r, o, "protobuf_refused");
	t->malformed = get_u64(r, o, "malformed");
	t->unattributed = get_u64(r, o, "unattributed");
	t->first_error = get_opt_str(o, "first_error");
}

int sample_from_json(struct json_object *o, struct sample *s, struct diag_list *d)
{
	struct reader r = {d, 0};
	sample_init(s);
	s->index = (size_t)get_i64(&r, o, "index");
	s->cell = get_str(&r, o, "cell");
	char *phase = get_str(&r, o, "phase");
	if (phase && plan_phase_from_name(phase, &s->phase) < 0)
		bad_name(&r, "phase", phase);
	free(phase);
	s->round = (int)get_i64(&r, o, "round");
	s->slot = (int)get_i64(&r, o, "slot");
	s->arm = get_str(&r, o, "arm");
	char *capture = get_str(&r, o, "capture");
	enum arm_capture cap = ARM_CAPTURE_NONE;
	if (capture && arm_capture_from_name(capture, &cap) < 0)
		bad_name(&r, "capture", capture);
	s->capture = cap == ARM_CAPTURE_EBPF;
	free(capture);
	s->spans = get_bool(&r, o, "spans");

	struct json_object *p = field(&r, o, "params", json_type_object);
	if (p) {
		s->kernel_target = get_i64(&r, p, "kernel_events");
		s->span_target = get_i64(&r, p, "span_events");
		s->concurrency = get_i64(&r, p, "concurrency");
		s->payload_bytes = get_i64(&r, p, "payload_bytes");
		s->span_event_limit = get_i64(&r, p, "span_event_limit");
		s->timeout_ms = get_i64(&r, p, "timeout_ms");
	}
	struct json_object *argv = field(&r, o, "argv", json_type_array);
	if (argv) {
		s->argc = json_object_array_length(argv);
		s->argv = xcalloc(s->argc ? s->argc : 1, sizeof(*s->argv));
		for (size_t i = 0; i < s->argc; i++)
			s->argv[i] =
			    xstrdup(json_object_get_string(json_object_array_get_idx(argv, i)));
	}
	s->exit_code = (int)get_i64(&r, o, "exit_code");
	s->term_signal = (int)get_opt_i64(o, "signal", 0);
	s->timed_out = get_bool(&r, o, "timed_out");
	s->exec_error = get_opt_str(o, "exec_error");
	s->orphans = get_i64(&r, o, "orphans");
	s->output_truncated = get_bool(&r, o, "output_truncated");
	/* absent from samples written before tare counted the output */
	s->stdout_bytes = (uint64_t)get_opt_i64(o, "stdout_bytes", 0);
	s->stderr_bytes = (uint64_t)get_opt_i64(o, "stderr_bytes", 0);

	s->start_unix_ns = get_i64(&r, o, "start_unix_ns");
	struct json_object *t = field(&r, o, "timings_ns", json_type_object);
	if (t) {
		s->attach_ns = get_i64(&r, t, "attach");
		s->spawn_ns = get_i64(&r, t, "spawn");
		s->workload_ns = get_i64(&r, t, "workload");
		s->drain_ns = get_i64(&r, t, "drain");
		s->detach_ns = get_i64(&r, t, "detach");
		s->wall_ns = get_i64(&r, t, "wall");
	}
	struct json_object *res = field(&r, o, "resources", json_type_object);
	if (res) {
		s->resources.memory_peak_kib = get_opt_i64(res, "memory_peak_kib", -1);
		s->resources.memory_floor_kib = get_opt_i64(res, "memory_floor_kib", -1);
		s->resources.cpu_user_us = get_opt_i64(res, "cpu_user_us", -1);
		s->resources.cpu_sys_us = get_opt_i64(res, "cpu_sys_us", -1);
		s->resources.capture_memory_kib = get_opt_i64(res, "capture_memory_kib", -1);
		s->resources.source = get_str(&r, res, "source");
		s->resources.reason = get_opt_str(res, "reason");
	}
	struct json_object *c = NULL;
	if (json_object_object_get_ex(o, "capture_counters", &c) &&
	    json_object_is_type(c, json_type_object)) {
		s->has_capture = true;
		s->emitted = (uint64_t)get_i64(&r, c, "emitted");
		s->received = (uint64_t)get_i64(&r, c, "received");
		s->dropped = (uint64_t)get_i64(&r, c, "dropped");
		s->filtered_in = (uint64_t)get_i64(&r, c, "filtered_in");
		s->capture_clean = get_bool(&r, c, "clean");
	}
	struct json_object *k = field(&r, o, "kernel", json_type_object);
	read_layer(&r, k, &s->kernel);
	if (k) {
		s->kernel_events_matched = get_opt_i64(k, "matched_events", 0);
		s->kernel_unique_paths = get_opt_i64(k, "unique_paths", 0);
		s->count_failed = get_opt_str(k, "count_failed");
	}
	struct json_object *sp = field(&r, o, "span", json_type_object);
	read_layer(&r, sp, &s->span);
	if (sp) {
		/* null when the trace gave no counts: 0 then, as the runner records it */
		s->has_span_counts = get_opt_i64(sp, "retained", -1) >= 0;
		s->spans_retained = get_opt_i64(sp, "retained", 0);
		s->spans_dropped = get_opt_i64(sp, "dropped", 0);
	}
	struct json_object *ot = NULL;
	s->written_before_otlp = !json_object_object_get_ex(o, "otlp", &ot);
	if (json_object_is_type(ot, json_type_object))
		read_otlp(&r, ot, s);
	struct json_object *self = NULL;
	if (json_object_object_get_ex(o, "self_report", &self) && self)
		s->self_report = json_object_get(self);
	struct json_object *agrees = NULL;
	if (json_object_object_get_ex(o, "self_report_agrees", &agrees) && agrees)
		s->self_report_agrees = json_object_get_boolean(agrees);
	char *fid = get_str(&r, o, "fidelity");
	if (fid && fidelity_from_name(fid, &s->fidelity) < 0)
		bad_name(&r, "fidelity", fid);
	free(fid);
	struct json_object *h = field(&r, o, "health", json_type_object);
	if (h) {
		s->health_ok = get_bool(&r, h, "ok");
		s->health_reason = get_opt_str(h, "reason");
	}
	s->valid = get_bool(&r, o, "valid");
	s->discard_reason = get_opt_str(o, "discard_reason");
	if (r.failed) {
		sample_release(s);
		return -1;
	}
	return 0;
}
