/* Unit tests of the sample record's JSON line (src/report/sample_json.c): a round trip through
 * text keeps every field, the line validates against schemas/sample.v1.schema.json, and a
 * line with a name that is not one of an enum's is refused with a diagnostic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jsonschema/schema.h"
#include "report/sample_json.h"
#include "util/diag.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every field set, and none to a default, so that a field lost on the way shows. */
static void common(struct sample *s, const char *arm, bool capture, bool spans)
{
	sample_init(s);
	s->index = 41;
	s->cell = xstrdup("kernel-high");
	s->phase = PHASE_MEASURE;
	s->round = 3;
	s->slot = 1;
	s->arm = xstrdup(arm);
	s->capture = capture;
	s->spans = spans;
	s->kernel_target = 100;
	s->span_target = 25;
	s->concurrency = 4;
	s->payload_bytes = 4096;
	s->span_event_limit = 128;
	s->timeout_ms = 300000;
	s->argc = 3;
	s->argv = xcalloc(3, sizeof(*s->argv));
	s->argv[0] = xstrdup("/usr/bin/tare");
	s->argv[1] = xstrdup("workload");
	s->argv[2] = xstrdup("--work-dir=runs/x/work/000041 \"quoted\"");
	s->start_unix_ns = 1700000000123456789;
	s->attach_ns = 1200345;
	s->spawn_ns = 230001;
	s->workload_ns = 9876543;
	s->drain_ns = 345678;
	s->detach_ns = 56789;
	s->wall_ns = 10234567;
	s->resources.cpu_user_us = 1234;
	s->resources.cpu_sys_us = 5678;
	s->resources.memory_peak_kib = 3456;
	s->resources.source = xstrdup("cgroup1-memory+cgroup2-cpu");
	s->output_truncated = true;
}

static void capture_arm(struct sample *s)
{
	common(s, "runner-only", true, false);
	s->has_capture = true;
	s->emitted = 102;
	s->received = 102;
	s->dropped = 0;
	s->filtered_in = 102;
	s->capture_clean = true;
	s->resources.capture_memory_kib = 16401;
	/* a leaf without a memory controller: memory from the spawn helper, above its floor */
	free(s->resources.source);
	s->resources.source = xstrdup("rusage-helper+cgroup2-cpu");
	s->resources.memory_floor_kib = 1460;
	s->kernel = (struct layer_fidelity){AGREE_MATCH, 100, 100, -1};
	s->kernel_events_matched = 100;
	s->kernel_unique_paths = 100;
	s->span = (struct layer_fidelity){AGREE_NOT_APPLICABLE, 25, 0, -1};
	s->self_report = json_tokener_parse("{\"events_done\":100,\"spans_added\":0}");
	s->self_report_agrees = 1;
	s->fidelity = FIDELITY_CLEAN;
	s->health_ok = true;
	s->valid = true;
}

static void span_arm(struct sample *s)
{
	common(s, "otel", false, true);
	s->span_target = 500;
	s->kernel = (struct layer_fidelity){AGREE_NOT_APPLICABLE, 100, 0, -1};
	s->span = (struct layer_fidelity){AGREE_CLIPPED, 500, 128, 128};
	s->has_span_counts = true;
	s->spans_retained = 128;
	s->spans_dropped = 372;
	s->self_report = json_tokener_parse("{\"spans_added\":500,\"spans_retained\":128}");
	s->self_report_agrees = 0;
	s->fidelity = FIDELITY_LOSSY;
	s->health_ok = true;
	s->valid = false;
	s->discard_reason = xstrdup("span_events clipped at 128 of 500 (limit 128)");
}

/* An otlp arm: the span layer from tare's receiver, an export after the exit, and a late one of an
 * earlier dispatch. */
static void otlp_arm(struct sample *s)
{
	common(s, "otel-sdk", false, true);
	s->span_target = 500;
	s->kernel = (struct layer_fidelity){AGREE_NOT_APPLICABLE, 100, 0, -1};
	s->span = (struct layer_fidelity){AGREE_CLIPPED, 500, 128, 128};
	s->has_span_counts = true;
	s->spans_retained = 128;
	s->spans_dropped = 372;
	s->has_otlp = true;
	s->otlp = (struct sample_otlp){
	    .export_requests = 2,
	    .bytes = 40961,
	    .spans = 3,
	    .events_retained = 128,
	    .events_dropped = 372,
	    .attributes_dropped = 4,
	    .links_dropped = 5,
	    .last_export_after_exit_ms = -1.25,
	    .late_exports = 6,
	    .late_spans = 7,
	    .protobuf_refused = 8,
	    .malformed = 9,
	    .unattributed = 10,
	    .first_error = xstrdup("Content-Type application/x-protobuf: answered 415"),
	};
	s->fidelity = FIDELITY_LOSSY;
	s->health_ok = false;
	s->health_reason = xstrdup("the receiver refused 8 protobuf export(s) with 415");
	s->discard_reason =
	    xstrdup("unhealthy: the receiver refused 8 protobuf export(s) with 415");
}

static void failed_exec(struct sample *s)
{
	common(s, "dual-capture", true, true);
	s->phase = PHASE_CALIBRATE;
	s->round = 1;
	s->exit_code = 127;
	s->exec_error = xstrdup("cannot execute './missing': No such file or directory");
	s->has_capture = true;
	s->emitted = s->received = 2;
	s->capture_clean = true;
	s->resources.capture_memory_kib = 16401;
	s->kernel = (struct layer_fidelity){AGREE_DRIFT, 100, 0, -1};
	s->span = (struct layer_fidelity){AGREE_FAILED, 25, 0, -1};
	s->fidelity = FIDELITY_BROKEN;
	s->health_reason = xstrdup("cannot execute the workload: No such file or directory");
	s->discard_reason =
	    xstrdup("unhealthy: cannot execute the workload: No such file or directory");
}

static void timed_out(struct sample *s)
{
	common(s, "runner-only", true, false);
	s->phase = PHASE_WARMUP;
	s->exit_code = 124;
	s->term_signal = 9;
	s->timed_out = true;
	s->orphans = 2;
	s->has_capture = true;
	s->emitted = 60;
	s->received = 57;
	s->dropped = 3;
	s->filtered_in = 60;
	s->kernel = (struct layer_fidelity){AGREE_DRIFT, 100, 57, -1};
	s->kernel_events_matched = 57;
	s->kernel_unique_paths = 55;
	s->span = (struct layer_fidelity){AGREE_NOT_APPLICABLE, 25, 0, -1};
	s->fidelity = FIDELITY_BROKEN;
	s->health_reason = xstrdup("timed out after 300000 ms");
	s->discard_reason = xstrdup("unhealthy: timed out after 300000 ms");
}

static void assert_str_or_null(const char *field, const char *a, const char *b)
{
	if (a == NULL || b == NULL ? a != b : strcmp(a, b) != 0)
		fail_msg("%s: '%s' became '%s'", field, a ? a : "(null)", b ? b : "(null)");
}

static void assert_layer(const struct layer_fidelity *a, const struct layer_fidelity *b)
{
	assert_int_equal(a->agreement, b->agreement);
	assert_int_equal(a->target, b->target);
	assert_int_equal(a->observed, b->observed);
	assert_int_equal(a->limit, b->limit);
}

static void assert_same(const struct sample *a, const struct sample *b)
{
	assert_int_equal(a->index, b->index);
	assert_string_equal(a->cell, b->cell);
	assert_int_equal(a->phase, b->phase);
	assert_int_equal(a->round, b->round);
	assert_int_equal(a->slot, b->slot);
	assert_string_equal(a->arm, b->arm);
	assert_int_equal(a->capture, b->capture);
	assert_int_equal(a->spans, b->spans);
	assert_int_equal(a->kernel_target, b->kernel_target);
	assert_int_equal(a->span_target, b->span_target);
	assert_int_equal(a->concurrency, b->concurrency);
	assert_int_equal(a->payload_bytes, b->payload_bytes);
	assert_int_equal(a->span_event_limit, b->span_event_limit);
	assert_int_equal(a->timeout_ms, b->timeout_ms);
	assert_int_equal(a->argc, b->argc);
	for (size_t i = 0; i < a->argc; i++)
		assert_string_equal(a->argv[i], b->argv[i]);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_int_equal(a->term_signal, b->term_signal);
	assert_int_equal(a->timed_out, b->timed_out);
	assert_str_or_null("exec_error", a->exec_error, b->exec_error);
	assert_int_equal(a->orphans, b->orphans);
	assert_int_equal(a->output_truncated, b->output_truncated);
	assert_int_equal(a->start_unix_ns, b->start_unix_ns);
	assert_int_equal(a->attach_ns, b->attach_ns);
	assert_int_equal(a->spawn_ns, b->spawn_ns);
	assert_int_equal(a->workload_ns, b->workload_ns);
	assert_int_equal(a->drain_ns, b->drain_ns);
	assert_int_equal(a->detach_ns, b->detach_ns);
	assert_int_equal(a->wall_ns, b->wall_ns);
	assert_int_equal(a->resources.cpu_user_us, b->resources.cpu_user_us);
	assert_int_equal(a->resources.cpu_sys_us, b->resources.cpu_sys_us);
	assert_int_equal(a->resources.memory_peak_kib, b->resources.memory_peak_kib);
	assert_int_equal(a->resources.memory_floor_kib, b->resources.memory_floor_kib);
	assert_int_equal(a->resources.capture_memory_kib, b->resources.capture_memory_kib);
	assert_string_equal(a->resources.source, b->resources.source);
	if (a->resources.reason || b->resources.reason)
		assert_string_equal(a->resources.reason, b->resources.reason);
	assert_int_equal(a->has_capture, b->has_capture);
	assert_int_equal(a->emitted, b->emitted);
	assert_int_equal(a->received, b->received);
	assert_int_equal(a->dropped, b->dropped);
	assert_int_equal(a->filtered_in, b->filtered_in);
	assert_int_equal(a->capture_clean, b->capture_clean);
	assert_layer(&a->kernel, &b->kernel);
	assert_int_equal(a->kernel_events_matched, b->kernel_events_matched);
	assert_int_equal(a->kernel_unique_paths, b->kernel_unique_paths);
	assert_layer(&a->span, &b->span);
	assert_int_equal(a->has_span_counts, b->has_span_counts);
	assert_int_equal(a->spans_retained, b->spans_retained);
	assert_int_equal(a->spans_dropped, b->spans_dropped);
	assert_int_equal(a->has_otlp, b->has_otlp);
	assert_int_equal(a->otlp.export_requests, b->otlp.export_requests);
	assert_int_equal(a->otlp.bytes, b->otlp.bytes);
	assert_int_equal(a->otlp.spans, b->otlp.spans);
	assert_int_equal(a->otlp.events_retained, b->otlp.events_retained);
	assert_int_equal(a->otlp.events_dropped, b->otlp.events_dropped);
	assert_int_equal(a->otlp.attributes_dropped, b->otlp.attributes_dropped);
	assert_int_equal(a->otlp.links_dropped, b->otlp.links_dropped);
	assert_true(a->otlp.last_export_after_exit_ms == b->otlp.last_export_after_exit_ms);
	assert_int_equal(a->otlp.late_exports, b->otlp.late_exports);
	assert_int_equal(a->otlp.late_spans, b->otlp.late_spans);
	assert_int_equal(a->otlp.protobuf_refused, b->otlp.protobuf_refused);
	assert_int_equal(a->otlp.malformed, b->otlp.malformed);
	assert_int_equal(a->otlp.unattributed, b->otlp.unattributed);
	assert_str_or_null("otlp.first_error", a->otlp.first_error, b->otlp.first_error);
	assert_int_equal(a->self_report == NULL, b->self_report == NULL);
	if (a->self_report)
		assert_true(json_object_equal(a->self_report, b->self_report));
	assert_int_equal(a->self_report_agrees, b->self_report_agrees);
	assert_int_equal(a->fidelity, b->fidelity);
	assert_int_equal(a->health_ok, b->health_ok);
	assert_str_or_null("health_reason", a->health_reason, b->health_reason);
	assert_int_equal(a->valid, b->valid);
	assert_str_or_null("discard_reason", a->discard_reason, b->discard_reason);
}

static struct json_object *parse_strict(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	json_tokener_free(tok);
	return o;
}

/* The line as samples.jsonl holds it. */
static char *line_of(const struct sample *s)
{
	struct json_object *o = sample_to_json(s);
	char *text = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

static void test_round_trip(void **state)
{
	(void)state;
	void (*const builders[])(struct sample *) = {capture_arm, span_arm, otlp_arm, failed_exec,
	                                             timed_out};
	struct diag_list d;
	diag_list_init(&d);
	struct schema *schema =
	    schema_load_file(TARE_SOURCE_DIR "/schemas/sample.v1.schema.json", &d);
	assert_non_null(schema);
	for (size_t i = 0; i < N(builders); i++) {
		struct sample a, b;
		builders[i](&a);
		char *text = line_of(&a);
		assert_null(strchr(text, '\n')); /* one line */
		struct json_object *o = parse_strict(text);
		assert_non_null(o);
		if (schema_validate(schema, o, NULL, &d) < 0)
			fail_msg("builder %zu: %s at %s", i, d.items[0].message,
			         d.items[0].pointer ? d.items[0].pointer : "/");
		if (sample_from_json(o, &b, &d) < 0)
			fail_msg("builder %zu: %s", i, d.items[0].message);
		assert_int_equal(d.len, 0);
		assert_same(&a, &b);
		/* and the second trip writes the same bytes */
		char *again = line_of(&b);
		assert_string_equal(text, again);
		free(again);
		free(text);
		json_object_put(o);
		sample_release(&a);
		sample_release(&b);
	}
	schema_free(schema);
	diag_list_release(&d);
}

/* Where the span layer's counts came from, and the otlp block, as each kind of arm writes them. */
static void test_span_source(void **state)
{
	(void)state;
	void (*const builders[])(struct sample *) = {capture_arm, span_arm, otlp_arm};
	static const char *const want_source[] = {NULL, "file", "otlp"};
	for (size_t i = 0; i < N(builders); i++) {
		struct sample a;
		builders[i](&a);
		struct json_object *o = sample_to_json(&a), *span, *source, *otlp;
		assert_true(json_object_object_get_ex(o, "span", &span));
		assert_true(json_object_object_get_ex(span, "source", &source));
		assert_true(json_object_object_get_ex(o, "otlp", &otlp));
		if (want_source[i])
			assert_string_equal(json_object_get_string(source), want_source[i]);
		else
			assert_null(source);
		assert_int_equal(otlp != NULL, i == 2);
		if (otlp) /* milliseconds to the microsecond, as written */
			assert_string_equal(json_object_to_json_string(json_object_object_get(
			                        otlp, "last_export_after_exit_ms")),
			                    "-1.250");
		json_object_put(o);
		sample_release(&a);
	}
}

/* A line written before tare had a receiver (no span.source, no otlp) reads and is written back
 * byte for byte, so that merging or rewriting an older run does not change it. */
static void test_written_before_otlp(void **state)
{
	(void)state;
	struct sample a, b;
	span_arm(&a);
	struct json_object *o = sample_to_json(&a);
	json_object_object_del(o, "otlp");
	json_object_object_del(json_object_object_get(o, "span"), "source");
	char *old = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(sample_from_json(o, &b, &d), 0);
	assert_false(b.has_otlp);
	char *again = line_of(&b);
	assert_string_equal(old, again);
	free(again);
	free(old);
	json_object_put(o);
	sample_release(&a);
	sample_release(&b);
	diag_list_release(&d);
}

/* A mistyped field of the otlp block refuses the line, as any other field does. */
static void test_otlp_refused(void **state)
{
	(void)state;
	struct sample a, b;
	otlp_arm(&a);
	struct json_object *o = sample_to_json(&a);
	json_object_object_add(json_object_object_get(o, "otlp"), "late_exports",
	                       json_object_new_string("6"));
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(sample_from_json(o, &b, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].message,
	                    "sample field 'late_exports' is missing or not int");
	assert_null(b.otlp.first_error);
	diag_list_release(&d);
	json_object_put(o);
	sample_release(&a);
}

/* Sets the value at a path of one or two keys. */
static void put_at(struct json_object *o, const char *key, const char *sub, struct json_object *v)
{
	if (sub)
		o = json_object_object_get(o, key), key = sub;
	json_object_object_add(o, key, v);
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *key, *sub;
		const char *value; /* a JSON text; NULL removes nothing, puts JSON null */
		const char *message;
	} cases[] = {
	    {"phase", NULL, "\"bogus\"", "sample field 'phase' has unknown value 'bogus'"},
	    {"fidelity", NULL, "\"fine\"", "sample field 'fidelity' has unknown value 'fine'"},
	    {"capture", NULL, "\"bpf\"", "sample field 'capture' has unknown value 'bpf'"},
	    {"kernel", "agreement", "\"matched\"",
	     "sample field 'agreement' has unknown value 'matched'"},
	    {"span", "agreement", "\"Clipped\"",
	     "sample field 'agreement' has unknown value 'Clipped'"},
	    {"round", NULL, "\"3\"", "sample field 'round' is missing or not int"},
	    {"cell", NULL, NULL, "sample field 'cell' is missing or not string"},
	    {"params", "timeout_ms", "1.5", "sample field 'timeout_ms' is missing or not int"},
	    {"health", "ok", "1", "sample field 'ok' is missing or not boolean"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct sample a, b;
		capture_arm(&a);
		struct json_object *o = sample_to_json(&a);
		put_at(o, cases[i].key, cases[i].sub,
		       cases[i].value ? json_tokener_parse(cases[i].value) : NULL);
		struct diag_list d;
		diag_list_init(&d);
		memset(&b, 0xa5, sizeof(b));
		if (sample_from_json(o, &b, &d) != -1)
			fail_msg("a sample with %s%s%s = %s was read", cases[i].key,
			         cases[i].sub ? "/" : "", cases[i].sub ? cases[i].sub : "",
			         cases[i].value ? cases[i].value : "null");
		assert_int_equal(d.len, 1);
		assert_string_equal(d.items[0].code, "sample.field");
		assert_string_equal(d.items[0].message, cases[i].message);
		/* a refused record holds nothing to free */
		assert_null(b.cell);
		assert_null(b.argv);
		diag_list_release(&d);
		json_object_put(o);
		sample_release(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_span_source),  cmocka_unit_test(test_written_before_otlp),
	    cmocka_unit_test(test_otlp_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
