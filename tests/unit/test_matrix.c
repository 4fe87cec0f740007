/* Unit tests for the matrix model: its enum names (each value's name, and back, as the schema
 * spells them) and the run-wide settings a matrix may leave out (output.keep). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "matrix/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void test_plan_order_names(void **state)
{
	(void)state;
	static const char *const names[] = {"counterbalanced", "williams", "random", "fixed"};
	for (int i = ORDER_COUNTERBALANCED; i <= ORDER_FIXED; i++) {
		enum plan_order o = ORDER_COUNTERBALANCED;
		assert_string_equal(plan_order_name((enum plan_order)i), names[i]);
		assert_int_equal(plan_order_from_name(names[i], &o), 0);
		assert_int_equal(o, i);
	}
	enum plan_order o = ORDER_WILLIAMS;
	assert_int_equal(plan_order_from_name("latin", &o), -1);
	assert_int_equal(plan_order_from_name(NULL, &o), -1);
	assert_int_equal(o, ORDER_WILLIAMS); /* untouched on failure */
}

static void test_arm_capture_names(void **state)
{
	(void)state;
	enum arm_capture c = ARM_CAPTURE_NONE;
	assert_string_equal(arm_capture_name(ARM_CAPTURE_NONE), "none");
	assert_string_equal(arm_capture_name(ARM_CAPTURE_EBPF), "ebpf");
	assert_int_equal(arm_capture_from_name("ebpf", &c), 0);
	assert_int_equal(c, ARM_CAPTURE_EBPF);
	assert_int_equal(arm_capture_from_name("none", &c), 0);
	assert_int_equal(c, ARM_CAPTURE_NONE);
	assert_int_equal(arm_capture_from_name("EBPF", &c), -1);
}

static void test_gate_mode_names(void **state)
{
	(void)state;
	enum kernel_count_mode k = KERNEL_COUNT_EVENTS;
	assert_int_equal(kernel_count_mode_from_name("unique-paths", &k), 0);
	assert_int_equal(k, KERNEL_COUNT_UNIQUE_PATHS);
	assert_int_equal(kernel_count_mode_from_name("events", &k), 0);
	assert_int_equal(k, KERNEL_COUNT_EVENTS);
	assert_int_equal(kernel_count_mode_from_name("paths", &k), -1);

	enum span_count_mode s = SPAN_COUNT_RETAINED;
	assert_int_equal(span_count_mode_from_name("added", &s), 0);
	assert_int_equal(s, SPAN_COUNT_ADDED);
	assert_int_equal(span_count_mode_from_name("retained", &s), 0);
	assert_int_equal(s, SPAN_COUNT_RETAINED);
	assert_int_equal(span_count_mode_from_name("dropped", &s), -1);

	enum on_fail_mode f = ON_FAIL_SKIP_CELL;
	assert_int_equal(on_fail_mode_from_name("record", &f), 0);
	assert_int_equal(f, ON_FAIL_RECORD);
	assert_int_equal(on_fail_mode_from_name("skip-cell", &f), 0);
	assert_int_equal(f, ON_FAIL_SKIP_CELL);
	assert_int_equal(on_fail_mode_from_name("skip_cell", &f), -1);

	enum warmup_gate w = WARMUPS_ANY_PASS;
	assert_int_equal(warmup_gate_from_name("all-pass", &w), 0);
	assert_int_equal(w, WARMUPS_ALL_PASS);
	assert_int_equal(warmup_gate_from_name("ignore", &w), 0);
	assert_int_equal(w, WARMUPS_IGNORE);
	assert_int_equal(warmup_gate_from_name("any-pass", &w), 0);
	assert_int_equal(w, WARMUPS_ANY_PASS);
	assert_int_equal(warmup_gate_from_name("", &w), -1);
}

/* Loads a matrix with the given top-level extra lines from a temp file. */
static struct matrix *load_with(const char *extra)
{
	char path[] = "/tmp/tare-matrix-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f,
	        "tare: 1\nname: t\narms:\n  a: {capture: none, spans: false}\n"
	        "  b: {capture: none, spans: true}\n%scells:\n  - name: c1\n",
	        extra);
	fclose(f);
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load(path, &d);
	diag_list_release(&d);
	unlink(path);
	return m;
}

/* output.keep: 64KiB when absent, a size when given (its bounds are golden tests). */
static void test_output_keep(void **state)
{
	(void)state;
	struct matrix *m = load_with("");
	assert_non_null(m);
	assert_int_equal(m->output_keep_bytes, 64 * 1024);
	matrix_free(m);
	m = load_with("output: {keep: 1KiB}\n");
	assert_non_null(m);
	assert_int_equal(m->output_keep_bytes, 1024);
	matrix_free(m);
	m = load_with("output: {keep: 16MiB}\n");
	assert_non_null(m);
	assert_int_equal(m->output_keep_bytes, 16 << 20);
	matrix_free(m);
	assert_null(load_with("output: {keep: 1023}\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plan_order_names),
	    cmocka_unit_test(test_arm_capture_names),
	    cmocka_unit_test(test_gate_mode_names),
	    cmocka_unit_test(test_output_keep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
