/* Unit tests of run/machine_cpu: /proc/stat parsing and the CPU fraction spent outside the run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/machine_cpu.h"
#include "run/provenance.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A 2-CPU /proc/stat of kernel 6.18 (10 fields per line: guest and guest_nice last). */
static const char stat_a[] = "cpu  1000 20 300 5000 40 0 5 7 90 3\n"
                             "cpu0 500 10 150 2500 20 0 3 4 45 2\n"
                             "cpu1 500 10 150 2500 20 0 2 3 45 1\n"
                             "intr 15519403 0 0 0\n"
                             "ctxt 4242\n"
                             "btime 1795929000\n";

static void test_parse(void **state)
{
	(void)state;
	uint64_t busy = 0;
	long cores = 0;
	assert_int_equal(machine_cpu_parse_stat(stat_a, &busy, &cores), 0);
	/* user + nice + system + irq + softirq + steal; not idle, iowait, guest, guest_nice */
	assert_int_equal(busy, 1000 + 20 + 300 + 0 + 5 + 7);
	assert_int_equal(cores, 2);
	/* 8 fields (no guest columns) are enough */
	assert_int_equal(
	    machine_cpu_parse_stat("cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7 8\n", &busy, &cores),
	    0);
	assert_int_equal(busy, 1 + 2 + 3 + 6 + 7 + 8);
	assert_int_equal(cores, 1);
	/* an offline CPU has no line: cores counts what is there */
	assert_int_equal(machine_cpu_parse_stat(
	                     "cpu  1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7 8\ncpu3 0 0 0 0 0 0 0 0\n",
	                     &busy, &cores),
	                 0);
	assert_int_equal(cores, 2);
	/* kernels before 2.6.11 had no steal field; no aggregate line; no per-CPU line */
	assert_int_equal(
	    machine_cpu_parse_stat("cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n", &busy, &cores), -1);
	assert_int_equal(machine_cpu_parse_stat("cpu0 1 2 3 4 5 6 7 8\n", &busy, &cores), -1);
	assert_int_equal(machine_cpu_parse_stat("cpu  1 2 3 4 5 6 7 8\nintr 1\n", &busy, &cores),
	                 -1);
	assert_int_equal(machine_cpu_parse_stat("cpu  1 2 x 4 5 6 7 8\ncpu0 1\n", &busy, &cores),
	                 -1);
	assert_int_equal(machine_cpu_parse_stat("", &busy, &cores), -1);
}

static struct machine_cpu_reading reading(int64_t t_ns, uint64_t busy, long cores, int64_t run_us)
{
	struct machine_cpu_reading r = {
	    .ok = true, .t_ns = t_ns, .busy_ticks = busy, .cores = cores, .run_us = run_us};
	return r;
}

/* Table-driven: elapsed 10 s on 2 cores is 2000 ticks at USER_HZ 100. */
static void test_other(void **state)
{
	(void)state;
	static const struct {
		uint64_t busy_ticks; /* during the run */
		int64_t run_us;      /* tare's during the run */
		double fraction;
	} cases[] = {
	    {0, 0, 0.0},           /* nothing ran */
	    {200, 2000000, 0.0},   /* only the run: 2 s of 20 */
	    {1200, 2000000, 0.5},  /* a hog on one of two cores beside the run */
	    {2000, 0, 1.0},        /* both cores busy with others */
	    {190, 2000000, 0.0},   /* ticks under rusage: clamped at 0 */
	    {2300, 0, 1.0},        /* ticks over the elapsed time: clamped at 1 */
	    {250, 1000000, 0.075}, /* 1.5 s of others in 20 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct machine_cpu_reading a = reading(5000000000, 100000, 2, 300000);
		struct machine_cpu_reading b =
		    reading(15000000000, 100000 + cases[i].busy_ticks, 2, 300000 + cases[i].run_us);
		struct machine_cpu_other o;
		assert_int_equal(machine_cpu_other(&a, &b, 100, &o), 0);
		assert_true(fabs(o.fraction - cases[i].fraction) < 1e-12);
		assert_true(fabs(o.elapsed_s - 10.0) < 1e-12);
		assert_int_equal(o.cores, 2);
	}
	struct machine_cpu_reading a = reading(1000, 10, 2, 0), b = reading(2000, 20, 2, 0);
	struct machine_cpu_other o;
	struct machine_cpu_reading bad = b;
	bad.ok = false;
	assert_int_equal(machine_cpu_other(&a, &bad, 100, &o), -1);
	bad = b;
	bad.cores = 4; /* a CPU came online */
	assert_int_equal(machine_cpu_other(&a, &bad, 100, &o), -1);
	assert_int_equal(machine_cpu_other(&b, &a, 100, &o), -1); /* backwards */
	assert_int_equal(machine_cpu_other(&a, &a, 100, &o), -1); /* no time elapsed */
	assert_int_equal(machine_cpu_other(&a, &b, 0, &o), -1);
}

/* The reading from a file, and the provenance fields made of two readings. */
static void test_read_in(void **state)
{
	(void)state;
	char path[] = "/tmp/test_machine_cpu.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, stat_a, sizeof(stat_a) - 1), (ssize_t)(sizeof(stat_a) - 1));
	close(fd);
	struct machine_cpu_reading r;
	machine_cpu_read_in(path, &r);
	assert_true(r.ok);
	assert_int_equal(r.busy_ticks, 1332);
	assert_int_equal(r.cores, 2);
	assert_true(r.t_ns > 0 && r.run_us >= 0);
	unlink(path);
	machine_cpu_read_in(path, &r);
	assert_false(r.ok);

	struct machine_cpu_reading a = reading(0, 1000, 2, 0);
	struct machine_cpu_reading b = reading(4000000000, 1000 + 500, 2, 1000000);
	struct json_object *fraction = NULL, *detail = NULL;
	provenance_other_cpu(&a, &b, 100, &fraction, &detail);
	assert_non_null(fraction);
	assert_string_equal(json_object_to_json_string(fraction), "0.5000");
	assert_string_equal(json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN),
	                    "{\"elapsed_s\":4.000,\"cores\":2,\"machine_busy_s\":5.000,"
	                    "\"run_s\":1.000}");
	json_object_put(fraction);
	json_object_put(detail);
	b.ok = false;
	provenance_other_cpu(&a, &b, 100, &fraction, &detail);
	assert_null(fraction);
	assert_null(detail);
}

/* The real /proc/stat parses on the machine the tests run on. */
static void test_proc(void **state)
{
	(void)state;
	struct machine_cpu_reading r;
	machine_cpu_read(&r);
	assert_true(r.ok);
	assert_int_equal(r.cores, sysconf(_SC_NPROCESSORS_ONLN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_other),
	    cmocka_unit_test(test_read_in),
	    cmocka_unit_test(test_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
