/* Unit tests for dispatch-time substitution of {work_dir} and {trace_out} in argv and env. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/argv_subst.h"
#include "util/diag.h"

#include <stdlib.h>
#include <string.h>

static const struct argv_subst_vars vars = {.work_dir = "/runs/r1/work/000042",
                                            .trace_out = "/runs/r1/work/000042/spans.jsonl",
                                            .otlp_endpoint = "http://127.0.0.1:40123"};

static char *subst_ok(const char *arg)
{
	struct diag_list d;
	char *out = NULL;
	diag_list_init(&d);
	assert_int_equal(argv_subst_arg(arg, &vars, &out, &d), 0);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
	return out;
}

/* Expects an error whose message contains want. */
static void subst_fails(const char *arg, const struct argv_subst_vars *v, const char *want)
{
	struct diag_list d;
	char *out = (char *)"unchanged";
	diag_list_init(&d);
	assert_int_equal(argv_subst_arg(arg, v, &out, &d), -1);
	assert_null(out);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "dispatch.placeholder");
	if (!strstr(d.items[0].message, want))
		fail_msg("message '%s' lacks '%s'", d.items[0].message, want);
	diag_list_release(&d);
}

static void test_placeholders(void **state)
{
	(void)state;
	char *s = subst_ok("--work-dir={work_dir}");
	assert_string_equal(s, "--work-dir=/runs/r1/work/000042");
	free(s);
	s = subst_ok("{trace_out}");
	assert_string_equal(s, "/runs/r1/work/000042/spans.jsonl");
	free(s);
	s = subst_ok("{work_dir}/a:{work_dir}/b");
	assert_string_equal(s, "/runs/r1/work/000042/a:/runs/r1/work/000042/b");
	free(s);
	s = subst_ok("{otlp_endpoint}/v1/traces");
	assert_string_equal(s, "http://127.0.0.1:40123/v1/traces");
	free(s);
	s = subst_ok("plain argument with spaces; $(no shell)");
	assert_string_equal(s, "plain argument with spaces; $(no shell)");
	free(s);
	s = subst_ok("");
	assert_string_equal(s, "");
	free(s);
}

static void test_literal_braces(void **state)
{
	(void)state;
	char *s = subst_ok("{{work_dir}}");
	assert_string_equal(s, "{work_dir}");
	free(s);
	s = subst_ok("json={{\"a\": 1}}");
	assert_string_equal(s, "json={\"a\": 1}");
	free(s);
	s = subst_ok("{{{work_dir}}}");
	assert_string_equal(s, "{/runs/r1/work/000042}");
	free(s);
}

static void test_errors(void **state)
{
	(void)state;
	subst_fails("{cell}", &vars, "unknown placeholder '{cell}' in argument '{cell}'");
	subst_fails("x{work_dir", &vars,
	            "malformed placeholder in argument 'x{work_dir' at byte 1");
	subst_fails("a}b", &vars, "at byte 1");
	subst_fails("{}", &vars, "malformed placeholder");
	struct argv_subst_vars no_trace = {.work_dir = "/w"};
	subst_fails("--trace-out={trace_out}", &no_trace,
	            "placeholder '{trace_out}' in argument '--trace-out={trace_out}' has no value");
	/* an arm without otlp has no receiver to name (the matrix loader refuses it first) */
	subst_fails("{otlp_endpoint}", &no_trace,
	            "placeholder '{otlp_endpoint}' in argument '{otlp_endpoint}' has no value");
}

static void test_argv_vector(void **state)
{
	(void)state;
	char *argv[] = {"tare", "workload", "--work-dir", "{work_dir}", "--trace-out={trace_out}"};
	struct diag_list d;
	char **out = NULL;
	diag_list_init(&d);
	assert_int_equal(argv_subst_argv(argv, 5, &vars, &out, &d), 0);
	assert_string_equal(out[0], "tare");
	assert_string_equal(out[3], "/runs/r1/work/000042");
	assert_string_equal(out[4], "--trace-out=/runs/r1/work/000042/spans.jsonl");
	assert_null(out[5]);
	argv_subst_free(out);

	/* every bad argument is reported, not just the first */
	char *bad[] = {"{nope}", "ok", "{also_nope}"};
	assert_int_equal(argv_subst_argv(bad, 3, &vars, &out, &d), -1);
	assert_null(out);
	assert_int_equal(d.len, 2);
	assert_non_null(strstr(d.items[0].message, "in argument 0"));
	assert_non_null(strstr(d.items[1].message, "in argument 2"));
	diag_list_release(&d);
	argv_subst_free(NULL);
}

static void test_env(void **state)
{
	(void)state;
	struct matrix_env env[] = {{"OUT", "{trace_out}"}, {"PLAIN", "a=b {{x}}"}};
	struct diag_list d;
	char **out = NULL;
	diag_list_init(&d);
	assert_int_equal(argv_subst_env(env, 2, &vars, &out, &d), 0);
	assert_string_equal(out[0], "OUT=/runs/r1/work/000042/spans.jsonl");
	assert_string_equal(out[1], "PLAIN=a=b {x}");
	assert_null(out[2]);
	argv_subst_free(out);

	struct matrix_env bad[] = {{"X", "{seed}"}};
	assert_int_equal(argv_subst_env(bad, 1, &vars, &out, &d), -1);
	assert_null(out);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].message, "unknown placeholder '{seed}' in env 'X'"));
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_placeholders), cmocka_unit_test(test_literal_braces),
	    cmocka_unit_test(test_errors),       cmocka_unit_test(test_argv_vector),
	    cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
