/* Unit tests of how an otlp arm's dispatch is judged (run/judge.c, gate/): the receiver's counts
 * are the span layer exactly as the built-in tracer's file counts are, a workload that never
 * flushed is drift with the reason, a refused protobuf export makes the dispatch unhealthy with
 * the fix, late exports of earlier dispatches are recorded without failing it, and the cell's
 * verdict names the cause. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gate/verdict.h"
#include "matrix/matrix.h"
#include "run/judge.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char matrix_text[] = "tare: 1\n"
                                  "name: t\n"
                                  "arms:\n"
                                  "  bare: {capture: none, spans: false}\n"
                                  "  sdk: {capture: none, spans: true, otlp: true}\n"
                                  "workload: {command: [./app, \"{span_events}\"]}\n"
                                  "defaults: {warmups: 0, repetitions: 2}\n"
                                  "cells:\n"
                                  "  - {name: s500, span_events: 500}\n";

static struct matrix *load(void)
{
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load_buffer("t.yaml", matrix_text, strlen(matrix_text), &d);
	if (!m)
		diag_print_text(stderr, &d);
	assert_non_null(m);
	diag_list_release(&d);
	return m;
}

/* A raw sample of arm sdk as the runner records it: the receiver's counts are the span
 * layer's. */
static void raw_otlp(struct sample *s, size_t index, enum plan_phase phase, uint64_t spans,
                     uint64_t retained, uint64_t dropped)
{
	sample_init(s);
	s->index = index;
	s->cell = xstrdup("s500");
	s->arm = xstrdup("sdk");
	s->phase = phase;
	s->round = 1;
	s->spans = true;
	s->span_target = 500;
	s->span_event_limit = 128;
	s->timeout_ms = 1000;
	s->wall_ns = 1000000;
	s->has_otlp = true;
	s->otlp.export_requests = spans ? 1 : 0;
	s->otlp.spans = spans;
	s->otlp.events_retained = retained;
	s->otlp.events_dropped = dropped;
	s->has_span_counts = true;
	s->spans_retained = (int64_t)retained;
	s->spans_dropped = (int64_t)dropped;
}

static void raw_bare(struct sample *s, size_t index, enum plan_phase phase)
{
	sample_init(s);
	s->index = index;
	s->cell = xstrdup("s500");
	s->arm = xstrdup("bare");
	s->phase = phase;
	s->round = 1;
	s->span_target = 500;
	s->span_event_limit = 128;
	s->timeout_ms = 1000;
	s->wall_ns = 1000000;
}

static void judge(const struct matrix *m, struct sample *s)
{
	struct dispatch_observation obs = {false};
	judge_dispatch(&m->gates, &obs, s);
}

static void assert_contains(const char *text, const char *want)
{
	if (!text || !strstr(text, want))
		fail_msg("'%s' lacks '%s'", text ? text : "(null)", want);
}

static void test_counts_are_the_span_layer(void **state)
{
	(void)state;
	struct matrix *m = load();
	struct sample s;
	raw_otlp(&s, 1, PHASE_MEASURE, 1, 500, 0);
	judge(m, &s);
	assert_int_equal(s.span.agreement, AGREE_MATCH);
	assert_true(s.valid);
	sample_release(&s);
	/* the SDK's default limit, as the receiver saw it: the same clip as the file tracer's */
	raw_otlp(&s, 1, PHASE_MEASURE, 1, 128, 372);
	judge(m, &s);
	assert_int_equal(s.span.agreement, AGREE_CLIPPED);
	assert_int_equal(s.span.limit, 128);
	assert_int_equal(s.fidelity, FIDELITY_LOSSY);
	assert_true(s.health_ok);
	assert_string_equal(s.discard_reason, "span_events clipped at 128 of 500 (limit 128)");
	sample_release(&s);
	/* a loss the limit does not explain */
	raw_otlp(&s, 1, PHASE_MEASURE, 1, 400, 0);
	judge(m, &s);
	assert_int_equal(s.span.agreement, AGREE_DRIFT);
	assert_string_equal(s.discard_reason, "span_events drift: observed 400 of 500");
	sample_release(&s);
	matrix_free(m);
}

static void test_never_flushed_is_drift(void **state)
{
	(void)state;
	struct matrix *m = load();
	struct sample s;
	raw_otlp(&s, 1, PHASE_MEASURE, 0, 0, 0);
	judge(m, &s);
	assert_int_equal(s.span.agreement, AGREE_DRIFT);
	assert_int_equal(s.span.observed, 0);
	assert_true(s.health_ok);
	assert_false(s.valid);
	assert_string_equal(s.discard_reason,
	                    "span_events drift: no span reached the receiver: the workload exited "
	                    "before its exporter flushed");
	sample_release(&s);
	matrix_free(m);
}

static void test_protobuf_unhealthy(void **state)
{
	(void)state;
	struct matrix *m = load();
	struct sample s;
	raw_otlp(&s, 1, PHASE_MEASURE, 0, 0, 0);
	s.otlp.protobuf_refused = 2;
	judge(m, &s);
	assert_false(s.health_ok);
	assert_contains(s.health_reason, "refused 2 protobuf export(s)");
	assert_contains(s.health_reason, "set OTEL_EXPORTER_OTLP_PROTOCOL=http/json");
	assert_contains(s.discard_reason, "unhealthy: the receiver refused 2 protobuf");
	sample_release(&s);
	/* a body it could not read, and spans of no dispatch of the run's */
	raw_otlp(&s, 1, PHASE_MEASURE, 1, 500, 0);
	s.otlp.malformed = 1;
	s.otlp.first_error = xstrdup("not JSON at byte 0");
	judge(m, &s);
	assert_false(s.health_ok);
	assert_string_equal(s.health_reason,
	                    "the receiver could not read 1 export(s): not JSON at byte 0");
	sample_release(&s);
	raw_otlp(&s, 1, PHASE_MEASURE, 1, 500, 0);
	s.otlp.unattributed = 3;
	judge(m, &s);
	assert_false(s.health_ok);
	assert_contains(s.health_reason, "3 export(s) carried no known tare.dispatch");
	sample_release(&s);
	matrix_free(m);
}

static void test_late_exports_recorded_not_failed(void **state)
{
	(void)state;
	struct matrix *m = load();
	struct sample s;
	raw_otlp(&s, 3, PHASE_MEASURE, 1, 500, 0);
	s.otlp.late_exports = 1;
	s.otlp.late_spans = 1;
	judge(m, &s);
	assert_true(s.health_ok);
	assert_int_equal(s.span.agreement, AGREE_MATCH);
	assert_int_equal(s.span.observed, 500);
	assert_true(s.valid);
	sample_release(&s);
	matrix_free(m);
}

/* The cell's verdict says why, in the sentence and in the reason's detail. */
static void test_verdict_names_the_cause(void **state)
{
	(void)state;
	struct matrix *m = load();
	struct sample s[2];
	raw_bare(&s[0], 0, PHASE_CALIBRATE);
	raw_otlp(&s[1], 1, PHASE_CALIBRATE, 0, 0, 0);
	for (int i = 0; i < 2; i++)
		judge(m, &s[i]);
	size_t cells[] = {0};
	struct verdict_set v;
	assert_int_equal(verdicts_compute(m, cells, 1, s, 2, &v), 0);
	assert_int_equal(v.cells[0].verdict, VERDICT_UNCALIBRATED);
	assert_string_equal(v.cells[0].sentence,
	                    "uncalibrated: span_events drift: no span reached the receiver: the "
	                    "workload exited before its exporter flushed (target 500) in arm sdk; "
	                    "timing skipped (on_fail: skip-cell)");
	assert_int_equal(v.cells[0].n_reasons, 1);
	assert_int_equal(v.cells[0].reasons[0].gate, REASON_SPAN_EVENTS);
	assert_string_equal(v.cells[0].reasons[0].detail,
	                    "no span reached the receiver: the workload exited before its exporter "
	                    "flushed");
	verdict_set_release(&v);
	sample_release(&s[1]);
	/* refused protobuf: the cause names the fix, not the missing flush */
	raw_otlp(&s[1], 1, PHASE_CALIBRATE, 0, 0, 0);
	s[1].otlp.protobuf_refused = 1;
	judge(m, &s[1]);
	assert_int_equal(verdicts_compute(m, cells, 1, s, 2, &v), 0);
	assert_contains(v.cells[0].sentence, "set OTEL_EXPORTER_OTLP_PROTOCOL=http/json");
	verdict_set_release(&v);
	for (int i = 0; i < 2; i++)
		sample_release(&s[i]);
	matrix_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts_are_the_span_layer),
	    cmocka_unit_test(test_never_flushed_is_drift),
	    cmocka_unit_test(test_protobuf_unhealthy),
	    cmocka_unit_test(test_late_exports_recorded_not_failed),
	    cmocka_unit_test(test_verdict_names_the_cause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
