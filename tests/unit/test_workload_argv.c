/* Unit tests for a dispatch's resolved workload: an arm's env merged over the workload's, its
 * command replacing the workload's, its wrap before either, and the built-in workload's place in
 * argv after a wrap (plan/workload_argv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "matrix/matrix.h"
#include "plan/plan.h"

#include <stdio.h>
#include <string.h>

static const char custom[] = "tare: 1\n"
                             "name: t\n"
                             "arms:\n"
                             "  base: {capture: none, spans: false}\n"
                             "  envd: {capture: none, spans: false, env: {B: \"{arm}\", C: x}}\n"
                             "  v2: {capture: none, spans: false, command: [./v2, \"{index}\"]}\n"
                             "  wrapped: {capture: none, spans: false, wrap: [nice, -n, \"5\"]}\n"
                             "workload:\n"
                             "  command: [./v1, \"{payload_bytes}\"]\n"
                             "  env: {A: \"1\", B: workload}\n"
                             "defaults: {warmups: 0, repetitions: 1, order: fixed}\n"
                             "cells:\n"
                             "  - name: c\n";

static struct plan *expand(const char *text, struct matrix **m)
{
	struct diag_list d;
	diag_list_init(&d);
	*m = matrix_load_buffer("t.yaml", text, strlen(text), &d);
	if (!*m)
		diag_print_text(stderr, &d);
	assert_non_null(*m);
	struct plan *p = plan_expand(*m, NULL, &d);
	assert_non_null(p);
	diag_list_release(&d);
	return p;
}

/* The measure dispatch of arm: one per arm with order fixed and one repetition. */
static const struct plan_dispatch *measure_of(const struct plan *p, const char *arm)
{
	for (size_t i = 0; i < p->n_dispatches; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		if (pd->phase == PHASE_MEASURE && strcmp(p->matrix->arms[pd->arm].name, arm) == 0)
			return pd;
	}
	fail_msg("no measure dispatch of arm '%s'", arm);
	return NULL;
}

static void assert_argv(const struct plan_dispatch *pd, const char *const *want, size_t n)
{
	assert_int_equal(pd->argc, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(pd->argv[i], want[i]);
	assert_null(pd->argv[n]);
}

static void test_env_merged_arm_wins(void **state)
{
	(void)state;
	struct matrix *m;
	struct plan *p = expand(custom, &m);
	const struct plan_dispatch *pd = measure_of(p, "envd");
	assert_int_equal(pd->env_len, 3);
	assert_string_equal(pd->env[0].name, "A");
	assert_string_equal(pd->env[0].value, "1");
	assert_string_equal(pd->env[1].name, "B");
	assert_string_equal(pd->env[1].value, "envd"); /* the arm's, placeholder resolved */
	assert_string_equal(pd->env[2].name, "C");
	assert_string_equal(pd->env[2].value, "x");
	const char *want[] = {"./v1", "128"};
	assert_argv(pd, want, 2);
	pd = measure_of(p, "base");
	assert_int_equal(pd->env_len, 2);
	assert_string_equal(pd->env[1].value, "workload");
	plan_free(p);
	matrix_free(m);
}

static void test_command_replaces_and_wrap_prefixes(void **state)
{
	(void)state;
	struct matrix *m;
	struct plan *p = expand(custom, &m);
	const struct plan_dispatch *pd = measure_of(p, "v2");
	char index[24];
	snprintf(index, sizeof(index), "%zu", pd->index);
	const char *v2[] = {"./v2", index};
	assert_argv(pd, v2, 2);
	assert_false(pd->builtin);
	pd = measure_of(p, "wrapped");
	const char *wrapped[] = {"nice", "-n", "5", "./v1", "128"};
	assert_argv(pd, wrapped, 5);
	assert_int_equal(pd->wrap_len, 3);
	plan_free(p);
	matrix_free(m);
}

static void test_builtin_after_wrap(void **state)
{
	(void)state;
	static const char text[] = "tare: 1\n"
	                           "name: t\n"
	                           "arms:\n"
	                           "  a: {capture: none, spans: false}\n"
	                           "  b: {capture: none, spans: true, wrap: [taskset, -c, \"0\"]}\n"
	                           "defaults: {warmups: 0, repetitions: 1}\n"
	                           "cells:\n"
	                           "  - {name: c, kernel_events: 3, span_events: 2}\n";
	struct matrix *m;
	struct plan *p = expand(text, &m);
	assert_true(m->workload.builtin);
	const struct plan_dispatch *pd = measure_of(p, "b");
	assert_true(pd->builtin);
	assert_int_equal(pd->wrap_len, 3);
	assert_string_equal(pd->argv[0], "taskset");
	assert_string_equal(pd->argv[3], "tare");
	assert_string_equal(pd->argv[4], "workload");
	assert_string_equal(pd->argv[pd->argc - 1], "{trace_out}"); /* spans: true */
	pd = measure_of(p, "a");
	assert_true(pd->builtin);
	assert_int_equal(pd->wrap_len, 0);
	assert_string_equal(pd->argv[0], "tare");
	plan_free(p);
	matrix_free(m);
}

/* Every arm with its own command: the workload is theirs, not the built-in one. */
static void test_every_arm_own_command(void **state)
{
	(void)state;
	static const char text[] =
	    "tare: 1\n"
	    "name: t\n"
	    "arms:\n"
	    "  old: {capture: none, spans: false, command: [sleep, \"0.010\"]}\n"
	    "  new: {capture: none, spans: false, command: [sleep, \"0.015\"]}\n"
	    "defaults: {warmups: 0, repetitions: 1}\n"
	    "cells:\n"
	    "  - name: c\n";
	struct matrix *m;
	struct plan *p = expand(text, &m);
	assert_false(m->workload.builtin);
	assert_null(m->workload.kernel_match);
	const char *old[] = {"sleep", "0.010"}, *new[] = {"sleep", "0.015"};
	assert_argv(measure_of(p, "old"), old, 2);
	assert_argv(measure_of(p, "new"), new, 2);
	assert_false(measure_of(p, "old")->builtin);
	plan_free(p);
	matrix_free(m);
}

/* The value of env name in pd, or NULL. */
static const char *env_of(const struct plan_dispatch *pd, const char *name)
{
	for (size_t i = 0; i < pd->env_len; i++)
		if (strcmp(pd->env[i].name, name) == 0)
			return pd->env[i].value;
	return NULL;
}

/* An otlp arm gets the OTEL_* variables (the endpoint left for the runner), the matrix's own
 * value wins over an injected one, tare.dispatch=<index> is appended to the resource attributes
 * the matrix sets, and the env stays sorted; an arm without otlp gets none of it. */
static void test_otlp_env(void **state)
{
	(void)state;
	static const char text[] =
	    "tare: 1\n"
	    "name: t\n"
	    "arms:\n"
	    "  bare: {capture: none, spans: false}\n"
	    "  sdk: {capture: none, spans: true, otlp: true,\n"
	    "        env: {OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf}}\n"
	    "  own: {capture: none, spans: true, otlp: true, command: [./own, "
	    "\"{otlp_endpoint}\"]}\n"
	    "workload:\n"
	    "  command: [./app, \"{span_events}\"]\n"
	    "  env: {OTEL_RESOURCE_ATTRIBUTES: \"service.name={arm}\", ZZ: last}\n"
	    "defaults: {warmups: 0, repetitions: 1, order: fixed}\n"
	    "cells:\n"
	    "  - {name: c, span_events: 7}\n";
	struct matrix *m;
	struct plan *p = expand(text, &m);
	assert_true(m->arms[1].otlp);
	const struct plan_dispatch *pd = measure_of(p, "sdk");
	char attrs[64];
	snprintf(attrs, sizeof(attrs), "service.name=sdk,tare.dispatch=%zu", pd->index);
	assert_int_equal(pd->env_len, 5);
	assert_string_equal(env_of(pd, "OTEL_EXPORTER_OTLP_ENDPOINT"), "{otlp_endpoint}");
	assert_string_equal(env_of(pd, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
	                    "{otlp_endpoint}/v1/traces");
	assert_string_equal(env_of(pd, "OTEL_EXPORTER_OTLP_PROTOCOL"), "http/protobuf");
	assert_string_equal(env_of(pd, "OTEL_RESOURCE_ATTRIBUTES"), attrs);
	assert_string_equal(env_of(pd, "ZZ"), "last");
	for (size_t i = 1; i < pd->env_len; i++)
		assert_true(strcmp(pd->env[i - 1].name, pd->env[i].name) < 0);
	const char *sdk_argv[] = {"./app", "7"};
	assert_argv(pd, sdk_argv, 2);

	pd = measure_of(p, "own");
	assert_string_equal(env_of(pd, "OTEL_EXPORTER_OTLP_PROTOCOL"), "http/json");
	snprintf(attrs, sizeof(attrs), "service.name=own,tare.dispatch=%zu", pd->index);
	assert_string_equal(env_of(pd, "OTEL_RESOURCE_ATTRIBUTES"), attrs);
	const char *own_argv[] = {"./own", "{otlp_endpoint}"};
	assert_argv(pd, own_argv, 2);

	pd = measure_of(p, "bare");
	assert_int_equal(pd->env_len, 2);
	assert_null(env_of(pd, "OTEL_EXPORTER_OTLP_ENDPOINT"));
	assert_string_equal(env_of(pd, "OTEL_RESOURCE_ATTRIBUTES"), "service.name=bare");
	plan_free(p);
	matrix_free(m);
}

/* Without a resource attribute of the matrix's, tare.dispatch is the whole value. */
static void test_otlp_env_alone(void **state)
{
	(void)state;
	static const char text[] = "tare: 1\n"
	                           "name: t\n"
	                           "arms:\n"
	                           "  a: {capture: none, spans: false}\n"
	                           "  b: {capture: ebpf, spans: true, otlp: true}\n"
	                           "workload: {command: [./app]}\n"
	                           "defaults: {warmups: 0, repetitions: 1}\n"
	                           "cells:\n"
	                           "  - name: c\n";
	struct matrix *m;
	struct plan *p = expand(text, &m);
	const struct plan_dispatch *pd = measure_of(p, "b");
	char attrs[48];
	snprintf(attrs, sizeof(attrs), "tare.dispatch=%zu", pd->index);
	assert_int_equal(pd->env_len, 4);
	assert_string_equal(pd->env[0].name, "OTEL_EXPORTER_OTLP_ENDPOINT");
	assert_string_equal(pd->env[3].name, "OTEL_RESOURCE_ATTRIBUTES");
	assert_string_equal(pd->env[3].value, attrs);
	plan_free(p);
	matrix_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_merged_arm_wins),
	    cmocka_unit_test(test_command_replaces_and_wrap_prefixes),
	    cmocka_unit_test(test_builtin_after_wrap),
	    cmocka_unit_test(test_every_arm_own_command),
	    cmocka_unit_test(test_otlp_env),
	    cmocka_unit_test(test_otlp_env_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
