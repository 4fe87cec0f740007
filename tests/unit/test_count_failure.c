/* Unit tests for a kernel count that fails (a pcre2 match limit): the sample records the cause,
 * health fails whatever the kernel target, and the verdict sentence names the cause instead of
 * "nothing observed". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "gate/verdict.h"
#include "jsonschema/schema.h"
#include "matrix/matrix.h"
#include "report/sample_json.h"
#include "run/judge.h"
#include "run/kernel_count.h"

/* Cell "zero" declares no kernel events, so its kernel layer is not applicable; "four" does. */
static const char matrix_yaml[] = "tare: 1\n"
                                  "name: count-failure\n"
                                  "arms:\n"
                                  "  cap: {capture: ebpf, spans: false}\n"
                                  "  bare: {capture: none, spans: false}\n"
                                  "workload:\n"
                                  "  command: [/bin/true]\n"
                                  "  kernel_match: '^(a+)+$'\n"
                                  "defaults: {repetitions: 2, warmups: 0, timeout: 10s}\n"
                                  "cells:\n"
                                  "  - {name: zero, kernel_events: 0}\n"
                                  "  - {name: four, kernel_events: 4}\n";

static struct matrix *load_matrix(void)
{
	char path[] = "/tmp/tare-count-failure-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, matrix_yaml, strlen(matrix_yaml)), (ssize_t)strlen(matrix_yaml));
	close(fd);
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load(path, &d);
	if (!m)
		diag_print_text(stderr, &d);
	assert_non_null(m);
	diag_list_release(&d);
	unlink(path);
	return m;
}

/* The failure kernel_count records for a path of 40 a's and a b against ^(a+)+$, which
 * backtracks exponentially until pcre2's match limit stops it. New string. */
static char *match_limit_failure(void)
{
	struct diag_list d;
	diag_list_init(&d);
	struct kernel_count *kc = kernel_count_new("^(a+)+$", NULL, &d);
	assert_non_null(kc);
	char path[42];
	memset(path, 'a', 40);
	path[40] = 'b';
	path[41] = '\0';
	struct capture_event ev = {.type = CAPTURE_EVENT_OPEN, .path = path, .path_len = 41};
	kernel_count_add(kc, &ev);
	assert_int_equal(kernel_count_finish(kc, NULL, &d), -1);
	char *failure = strdup(kernel_count_failure(kc));
	kernel_count_free(kc);
	diag_list_release(&d);
	return failure;
}

static void test_match_limit_is_the_recorded_failure(void **state)
{
	(void)state;
	char *failure = match_limit_failure();
	assert_string_equal(failure, "matching a captured path failed: match limit exceeded");
	free(failure);

	/* a count that went well has no failure to record */
	struct diag_list d;
	diag_list_init(&d);
	struct kernel_count *kc = kernel_count_new("^a+$", NULL, &d);
	assert_non_null(kc);
	assert_int_equal(kernel_count_finish(kc, NULL, &d), 0);
	assert_null(kernel_count_failure(kc));
	kernel_count_free(kc);
	diag_list_release(&d);
}

/* A calibration sample of the capture arm of cell c, as the runner records it when the workload
 * did everything right but counting its events failed. */
static void failed_count_sample(const struct matrix *m, size_t c, size_t index, struct sample *s)
{
	sample_init(s);
	s->index = index;
	s->cell = strdup(m->cells[c].name);
	s->phase = PHASE_CALIBRATE;
	s->round = 1;
	s->arm = strdup("cap");
	s->capture = true;
	s->kernel_target = m->cells[c].kernel_events.value;
	s->concurrency = m->cells[c].concurrency.value;
	s->timeout_ms = m->cells[c].timeout_ms;
	s->argv = calloc(2, sizeof(*s->argv));
	s->argv[0] = strdup("/bin/true");
	s->argc = 1;
	s->has_capture = true;
	s->emitted = s->received = s->filtered_in = 5;
	s->capture_clean = true;
	s->count_failed = match_limit_failure();
	struct dispatch_observation obs = {.kernel_counted = false};
	judge_dispatch(&m->gates, &obs, s);
}

static void test_target_zero_fails_health(void **state)
{
	(void)state;
	struct matrix *m = load_matrix();
	struct sample s;
	failed_count_sample(m, 0, 0, &s);
	/* nothing to compare with, yet nothing was counted: the sample cannot be trusted */
	assert_int_equal(s.kernel.agreement, AGREE_NOT_APPLICABLE);
	assert_false(s.health_ok);
	assert_string_equal(s.health_reason, "kernel events not counted: matching a captured path "
	                                     "failed: match limit exceeded");
	assert_false(s.valid);
	assert_string_equal(s.discard_reason, "unhealthy: kernel events not counted: matching a "
	                                      "captured path failed: match limit exceeded");

	size_t cells[] = {0};
	struct verdict_set v;
	assert_int_equal(verdicts_compute(m, cells, 1, &s, 1, &v), 0);
	assert_int_equal(v.cells[0].verdict, VERDICT_UNHEALTHY);
	assert_string_equal(
	    v.cells[0].sentence,
	    "unhealthy: calibration dispatch of arm cap unhealthy: kernel events not "
	    "counted: matching a captured path failed: match limit exceeded");
	verdict_set_release(&v);
	sample_release(&s);
	matrix_free(m);
}

static void test_sentence_names_the_cause(void **state)
{
	(void)state;
	struct matrix *m = load_matrix();
	struct sample s;
	failed_count_sample(m, 1, 0, &s);
	assert_int_equal(s.kernel.agreement, AGREE_FAILED);
	assert_false(s.health_ok);
	assert_false(s.valid);

	size_t cells[] = {1};
	struct verdict_set v;
	assert_int_equal(verdicts_compute(m, cells, 1, &s, 1, &v), 0);
	assert_int_equal(v.cells[0].verdict, VERDICT_UNCALIBRATED);
	assert_string_equal(v.cells[0].sentence,
	                    "uncalibrated: kernel_events failed: matching a captured path failed: "
	                    "match limit exceeded (target 4) in arm cap; timing skipped (on_fail: "
	                    "skip-cell)");
	assert_null(strstr(v.boundary, "nothing observed"));
	assert_int_equal(v.cells[0].n_reasons, 1);
	assert_string_equal(v.cells[0].reasons[0].detail,
	                    "matching a captured path failed: match limit exceeded");
	verdict_set_release(&v);

	/* without a recorded cause the sentence is what it always was */
	free(s.count_failed);
	s.count_failed = NULL;
	assert_int_equal(verdicts_compute(m, cells, 1, &s, 1, &v), 0);
	assert_string_equal(
	    v.cells[0].sentence,
	    "uncalibrated: kernel_events failed: nothing observed (target 4) in arm "
	    "cap; timing skipped (on_fail: skip-cell)");
	verdict_set_release(&v);
	sample_release(&s);
	matrix_free(m);
}

static void test_sample_line_keeps_the_cause(void **state)
{
	(void)state;
	struct matrix *m = load_matrix();
	struct diag_list d;
	diag_list_init(&d);
	struct schema *schema =
	    schema_load_file(TARE_SOURCE_DIR "/schemas/sample.v1.schema.json", &d);
	assert_non_null(schema);
	struct sample s, back;
	failed_count_sample(m, 1, 3, &s);
	struct json_object *o = sample_to_json(&s), *k = NULL, *cf = NULL;
	if (schema_validate(schema, o, NULL, &d) < 0)
		diag_print_text(stderr, &d);
	assert_int_equal(d.len, 0);
	assert_true(json_object_object_get_ex(o, "kernel", &k));
	assert_true(json_object_object_get_ex(k, "count_failed", &cf));
	assert_string_equal(json_object_get_string(cf),
	                    "matching a captured path failed: match limit exceeded");
	assert_int_equal(sample_from_json(o, &back, &d), 0);
	assert_string_equal(back.count_failed, s.count_failed);
	sample_release(&back);
	json_object_put(o);

	/* a sample that counted has no such key, as every line written before it existed */
	free(s.count_failed);
	s.count_failed = NULL;
	o = sample_to_json(&s);
	assert_true(json_object_object_get_ex(o, "kernel", &k));
	assert_false(json_object_object_get_ex(k, "count_failed", &cf));
	assert_int_equal(schema_validate(schema, o, NULL, &d), 0);
	/* null is accepted too */
	json_object_object_add(k, "count_failed", NULL);
	assert_int_equal(schema_validate(schema, o, NULL, &d), 0);
	assert_int_equal(sample_from_json(o, &back, &d), 0);
	assert_null(back.count_failed);
	sample_release(&back);
	json_object_put(o);
	assert_int_equal(d.len, 0);

	sample_release(&s);
	schema_free(schema);
	diag_list_release(&d);
	matrix_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match_limit_is_the_recorded_failure),
	    cmocka_unit_test(test_target_zero_fails_health),
	    cmocka_unit_test(test_sentence_names_the_cause),
	    cmocka_unit_test(test_sample_line_keeps_the_cause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
